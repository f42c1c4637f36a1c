"""Case-level extracts turned into monthly KPIs: reading, working days, rules, the table."""

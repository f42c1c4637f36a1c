"""The metric table: its catalogue, parsing of figures as documents state them, cleaning."""

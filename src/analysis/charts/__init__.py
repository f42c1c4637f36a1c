"""Charts in one house style: chart kinds, ticks, value labels, data tables and figure files."""

from analysis.charts.kinds import change_chart, timeliness_chart

__all__ = ["change_chart", "timeliness_chart"]

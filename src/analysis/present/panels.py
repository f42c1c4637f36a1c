"""A chart's panels and series as both its drawing and its alt text see them."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.present import formatting, selection

LINE_MIN_PERIODS = 3


def as_panels(panels: pd.DataFrame | Sequence[pd.DataFrame]) -> list[pd.DataFrame]:
    """A chart's panels as a list of frames (one frame is one panel); none may be empty."""
    frames = [panels] if isinstance(panels, pd.DataFrame) else list(panels)
    if not frames or any(f.empty for f in frames):
        raise ValueError("every panel needs at least one row")
    return frames


def series(rows: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """A panel's series, one per (metric, scope) in first-seen order: its name and its rows."""
    groups = list(rows.groupby(["metric", "scope"], sort=False))
    several_metrics = rows["metric"].nunique() > 1
    out = []
    for (_, scope), g in groups:
        name = formatting.labels(g.iloc[:1])[0] if several_metrics else str(scope)
        if several_metrics and scope != selection.SERVICE:
            name += f" ({scope})"
        out.append((name, selection.order_periods(g)))
    return out


def chart_kind(rows: pd.DataFrame) -> str:
    """How rows are drawn: "line" (3+ dated periods), "slope" (exactly two), else "points"."""
    n = len(selection.periods(rows))
    if n >= LINE_MIN_PERIODS and rows["period_start"].notna().all():
        return "line"
    return "slope" if n == 2 else "points"

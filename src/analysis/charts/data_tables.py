"""The numbers behind each chart as a table people read: measure, team, period, value, source."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.story.formatting import fmt_value, labels, qualifier_text
from analysis.story.selection import MAIN, SERVICE, order_periods


def table(rows: pd.DataFrame | Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The numbers behind a chart, as people read them: measure, team, period, value, source.

    Several frames (a chart's panels) make one table, panel by panel.
    """
    if not isinstance(rows, pd.DataFrame):
        rows = pd.concat(list(rows), ignore_index=True)
    # Group by series (first-seen order), then time, so each team reads as a block.
    rows = pd.concat(
        [order_periods(g) for _, g in rows.groupby(["metric", "scope"], sort=False)],
        ignore_index=True,
    )
    out = pd.DataFrame(
        {
            "Measure": labels(rows),
            "Team": [s if s != SERVICE else "Whole service" for s in rows["scope"]],
            "Period": rows["period"],
            "Value": [
                fmt_value(v, u, qualifier_text(q))
                for v, u, q in zip(rows["value"], rows["unit"], rows["qualifier"], strict=True)
            ],
            "Source": [
                f"{s}, {r}" for s, r in zip(rows["source"], rows["source_ref"], strict=True)
            ],
        }
    )
    if "note" in rows.columns:
        out.insert(4, "Based on", rows["note"].fillna(""))
    return out


def timeliness_table(points: list[pd.DataFrame]) -> pd.DataFrame:
    """The numbers behind the timeliness chart, with how each share was derived and its role."""
    out = pd.concat([table(p.assign(scope=SERVICE, qualifier="")) for p in points])
    out = out.drop(columns="Team").reset_index(drop=True)
    roles = pd.concat([order_periods(p)["role"] for p in points], ignore_index=True)
    out.insert(4, "Role", ["this report" if r == MAIN else "context" for r in roles])
    return out

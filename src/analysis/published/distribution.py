"""Every authority's figure in a measure's latest year, each marked as the page's authority,
one of its statistical neighbours or another authority, with England's figure beside them.

What the "where do we sit among all authorities?" chart draws and its words describe: both
read this one frame, so the title's count and the dots drawn cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.published.page import Page

# The roles of a row, in the order the rows come: the other authorities first, so that the
# authority's neighbours, and then the authority itself, are drawn on top of them.
ROLES = ("other", "neighbour", "authority", "england")
COLUMNS = (
    "metric",
    "time_period",
    "role",
    "area_name",
    "old_la_code",
    "value",  # NaN where the DfE gives a symbol
    "symbol",  # the DfE's symbol (c, x, z...) or ""
    "unit",
    "source",
    "source_ref",
    "rank",  # 1 = the lowest of the authorities with a figure that year, ties share the lower
    "ranked_of",  # how many authorities had a figure that year
    "neighbour_order",  # 1 = the closest neighbour; 0 for every other row
)


def latest(page: Page, metrics: Sequence[str]) -> pd.DataFrame:
    """One row per authority (figure or symbol) and England's row, per metric, in the metric's
    latest year; metrics no authority has a row for are left out."""
    if page.everyone is None:
        raise ValueError(f"the page of {page.authority.name} was built without every area's data")
    everyone = page.everyone
    neighbours = page.table.loc[page.table["area_type"] == "neighbour", "old_la_code"]
    closeness = {code: i + 1 for i, code in enumerate(dict.fromkeys(neighbours))}
    parts = []
    for metric in metrics:
        rows = everyone[(everyone["metric"] == metric) & (everyone["level"] == "authority")]
        if rows.empty:
            continue
        year = rows["time_period"].max()
        rows = rows[rows["time_period"] == year]
        role = [
            "authority"
            if code == page.authority.code
            else "neighbour"
            if code in closeness
            else "other"
            for code in rows["old_la_code"]
        ]
        valued = rows["value"].notna()
        rank = rows["value"].rank(method="min")  # NaN for a symbol
        england = everyone[
            (everyone["metric"] == metric)
            & (everyone["level"] == "england")
            & (everyone["time_period"] == year)
        ]
        parts.append(
            rows.assign(
                role=role,
                rank=rank,
                ranked_of=float(valued.sum()),
                neighbour_order=[closeness.get(c, 0) for c in rows["old_la_code"]],
            )
        )
        if len(england):
            parts.append(
                england.assign(role="england", rank=None, ranked_of=None, neighbour_order=0)
            )
    if not parts:
        return pd.DataFrame(columns=list(COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    order = {m: i for i, m in enumerate(metrics)}
    out["_m"] = out["metric"].map(order)
    out["_r"] = out["role"].map({r: i for i, r in enumerate(ROLES)})
    out = out.sort_values(["_m", "_r", "neighbour_order", "area_name"], kind="stable")
    out["rank"] = out["rank"].astype("float64")
    out["ranked_of"] = out["ranked_of"].astype("float64")
    return out[list(COLUMNS)].reset_index(drop=True)


def counts(points: pd.DataFrame, metric: str) -> tuple[int, int]:
    """How many authorities published a figure for the metric, and how many had a row that year
    (a figure or a symbol)."""
    rows = points[(points["metric"] == metric) & (points["role"] != "england")]
    return int(rows["value"].notna().sum()), len(rows)


def place(points: pd.DataFrame, metric: str) -> tuple[int, int, int] | None:
    """How many other authorities with a figure are lower than the authority, level with it and
    higher; None when the authority has no figure for the metric."""
    rows = points[(points["metric"] == metric) & points["value"].notna()]
    mine = rows.loc[rows["role"] == "authority", "value"]
    if mine.empty:
        return None
    others = rows.loc[rows["role"].isin(["other", "neighbour"]), "value"]
    value = mine.iloc[0]
    return (
        int((others < value).sum()),
        int((others == value).sum()),
        int((others > value).sum()),
    )

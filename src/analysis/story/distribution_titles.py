"""The words of the "where do we sit among all authorities?" chart: its title, subtitle and alt
text, worked out from published.distribution's rows for any authority.

The title states where the authority's figure falls among the other authorities with one:
"Hartlepool's CIN rate is higher than 150 of 152 other authorities". Counts are strict (an
authority with the same figure is neither higher nor lower) and ties are said.
"""

from __future__ import annotations

import pandas as pd

from analysis.metrics import catalogue
from analysis.published.distribution import counts, place
from analysis.story.titles import fit

# (in a sentence, short) names of the page's headline measures; others use the catalogue label.
NAMES = {
    "cin_rate_per_10k": ("children in need rate", "CIN rate"),
    "cpp_rate_per_10k": ("child protection plan rate", "CPP rate"),
    "cla_rate_per_10k": ("children looked after rate", "CLA rate"),
    "caseload_per_fte": ("average caseload per social worker", "caseload"),
}


def _names(metric: str) -> tuple[str, str]:
    label = catalogue.get(metric).label
    return NAMES.get(metric, (label[0].lower() + label[1:], label))


def _value(value: float, unit: str) -> str:
    """A figure as the chart labels it: counts whole, rates one decimal place, "18.4%"."""
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}" + ("%" if unit == "percent" else "")


def _metrics(points: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(points["metric"]))


def _others(n: int) -> str:
    return f"{n} other authorit{'y' if n == 1 else 'ies'}"


def position(lower: int, level: int, higher: int) -> str:
    """Where a figure falls among the others', from how many are lower, level and higher:
    "higher than 150 of 152 other authorities", "the joint lowest of 5 authorities"."""
    n = lower + level + higher
    if n == 0:
        return "the only figure published"
    joint = "joint " if level else ""
    if higher == 0:
        return f"the {joint}highest of {n + 1} authorities"
    if lower == 0:
        return f"the {joint}lowest of {n + 1} authorities"
    tie = f", level with {level}" if level else ""
    if lower >= higher:
        return f"higher than {lower} of {_others(n)}{tie}"
    return f"lower than {higher} of {_others(n)}{tie}"


def title(points: pd.DataFrame, authority: str) -> str:
    """Where the authority's first published headline figure falls among all authorities."""
    for metric in _metrics(points):
        found = place(points, metric)
        if found is None:
            continue
        long, short = _names(metric)
        said = position(*found)
        return fit(
            f"{authority}'s {long} is {said}",
            f"{authority}'s {short} is {said}",
            f"{authority}: {short} {said}",
            f"{short[0].upper()}{short[1:]} {said}",
        )
    return fit(
        f"None of {authority}'s figures here is published",
        "None of the authority's figures here is published",
    )


def subtitle(points: pd.DataFrame, authority: str) -> str:
    """What is drawn, and how many authorities published each figure (the rest are left out)."""
    neighbours = points.loc[points["role"] == "neighbour", "area_name"].nunique()
    metrics = _metrics(points)
    published = [(*counts(points, m), _names(m)[1]) for m in metrics]
    if len({(shown, rows) for shown, rows, _ in published}) == 1:
        shown, rows = published[0][:2]
        said = f"{shown} of {rows} authorities published a figure"
    else:
        said = "authorities with a figure: " + ", ".join(
            f"{short} {shown} of {rows}" for shown, rows, short in published
        )
    withheld = points.loc[points["role"] != "england", "symbol"].dropna()
    symbols = sorted({s for s in withheld if s})
    if symbols:
        said += f"; the rest are DfE symbols ({', '.join(symbols)}), left out"
    years = sorted({int(y) for y in points["time_period"]})
    when = str(years[0]) if len(years) == 1 else f"{years[0]} to {years[-1]}"
    return (
        f"Each dot is an English authority, in each measure's latest year ({when}): {authority} "
        f"and its {neighbours} statistical neighbours marked, England's figure dashed. "
        f"{said[0].upper()}{said[1:]}."
    )


def alt_text(points: pd.DataFrame, authority: str) -> str:
    """Alt text: per measure, the authority's figure and place, its neighbours' range, England's
    figure, the spread of all authorities and how many published a figure."""
    parts = [
        f"Dot plots, one per measure, of every English authority's latest figure, {authority} "
        "and its statistical neighbours marked."
    ]
    for metric in _metrics(points):
        rows = points[points["metric"] == metric]
        unit = catalogue.get(metric).unit
        year = int(rows["time_period"].iloc[0])
        label = catalogue.get(metric).label
        valued = rows[rows["value"].notna() & (rows["role"] != "england")]
        shown, total = counts(points, metric)
        said = [f"{label}, {year}: {shown} of {total} authorities published a figure"]
        found = place(points, metric)
        mine = rows[rows["role"] == "authority"]
        if found is not None:
            value = _value(mine["value"].iloc[0], unit)
            said.append(f"{authority} {value}, {position(*found)}")
        elif len(mine):
            said.append(f"{authority} not published ({mine['symbol'].iloc[0]})")
        near = valued[valued["role"] == "neighbour"]
        if len(near):
            said.append(
                f"its neighbours from {_value(near['value'].min(), unit)} to "
                f"{_value(near['value'].max(), unit)}"
            )
        england = rows[(rows["role"] == "england") & rows["value"].notna()]
        if len(england):
            said.append(f"England {_value(england['value'].iloc[0], unit)}")
        if len(valued):
            low = valued.loc[valued["value"].idxmin()]
            high = valued.loc[valued["value"].idxmax()]
            said.append(
                f"all authorities from {_value(low['value'], unit)} ({low['area_name']}) to "
                f"{_value(high['value'], unit)} ({high['area_name']})"
            )
        parts.append("; ".join(said) + ".")
    return " ".join(parts)


def words(points: pd.DataFrame, authority: str) -> dict[str, str]:
    """The chart's title, subtitle and alt text, as charts.distribution.publish takes them."""
    return {
        "title": title(points, authority),
        "subtitle": subtitle(points, authority),
        "alt": alt_text(points, authority),
    }

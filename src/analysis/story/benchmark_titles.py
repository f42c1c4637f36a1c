"""Page 05's chart titles and subtitles, worked out from the benchmark table for any authority.

Every title is a finding about the authority named, from its own figures; a long name gives a
shorter title (story.titles.fit), never a longer one.
"""

from __future__ import annotations

import pandas as pd

from analysis.present.benchmark_rows import latest_rows
from analysis.present.selection import AFTER, BEFORE
from analysis.story.titles import fit, share_words

CIN_RATE = "cin_rate_per_10k"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _series(table: pd.DataFrame, metric: str, area_type: str) -> pd.Series:
    rows = table[(table["metric"] == metric) & (table["area_type"] == area_type)]
    return rows.set_index("time_period")["value"].dropna().sort_index()


def trend_title(table: pd.DataFrame, authority: str) -> str:
    """How often the authority's children in need rate was above England's.

    Only years with a figure for both are counted; when the authority has years without one
    (a symbol such as x), the title says "of N years with a published figure", never "every
    year".
    """
    mine, england = _series(table, CIN_RATE, "authority"), _series(table, CIN_RATE, "england")
    years = mine.index.intersection(england.index)
    if years.empty:
        return fit(
            f"No children in need rate is published for {authority}",
            "No children in need rate is published",
        )
    rows = table[(table["metric"] == CIN_RATE) & (table["area_type"] == "authority")]
    unpublished = rows["time_period"].nunique() > len(years)
    above = int((mine[years] > england[years]).sum())
    below = int((mine[years] < england[years]).sum())
    n = len(years)
    span = f"{years.min()} to {years.max()}"
    if unpublished:
        side, count = ("below", below) if below == n else ("above", above)
        return fit(
            f"{authority}'s children in need rate was {side} England's in {count} of {n} years "
            "with a published figure",
            f"{authority}'s CIN rate was {side} England's in {count} of {n} years with a figure",
            f"Children in need rate {side} England's in {count} of {n} years with a figure",
            f"CIN rate {side} England's in {count} of {n} years with a figure",
        )
    if above == n or below == n:
        side = "above" if above == n else "below"
        return fit(
            f"{authority}'s children in need rate was {side} England's every year",
            f"{authority}'s CIN rate was {side} England's every year, {span}",
            f"Children in need rate {side} England's every year, {span}",
        )
    return fit(
        f"{authority}'s children in need rate was above England's in {above} of {n} years",
        f"{authority}'s CIN rate was above England's in {above} of {n} years",
        f"Children in need rate above England's in {above} of {n} years",
    )


def trend_subtitle(table: pd.DataFrame, authority: str) -> str:
    """What the trend chart draws: the four comparators, the years, each panel's own scale."""
    regions = table.loc[table["area_type"] == "region", "area_name"]
    region = f"its region ({regions.iloc[0]})" if len(regions) else "its region"
    years = table["time_period"]
    return (
        f"{authority}, {region}, England and the median of its statistical neighbours, "
        f"{years.min()} to {years.max()}. Children in need (CIN) and other rates per 10,000 "
        "children, percentages and caseloads per FTE: each panel on its own scale."
    )


def bar_title(table: pd.DataFrame, authority: str) -> str:
    """Where the authority's latest children in need rate falls among its neighbours'."""
    rows, _ = latest_rows(table, CIN_RATE)
    valued = rows[rows["value"].notna()]
    mine = valued[valued["area_type"] == "authority"]
    if mine.empty:
        return fit(
            f"{authority}'s latest children in need rate is not published",
            "The latest children in need rate is not published",
        )
    n = len(valued)
    higher = int((valued["value"] > mine["value"].iloc[0]).sum())
    lower = int((valued["value"] < mine["value"].iloc[0]).sum())
    if higher == 0:
        place = "the highest"
    elif lower == 0:
        place = "the lowest"
    elif higher <= lower:
        place = f"{_ordinal(higher + 1)} highest"
    else:
        place = f"{_ordinal(lower + 1)} lowest"
    return fit(
        f"{authority}'s children in need rate was {place} of {n} similar areas",
        f"{authority}: {place} children in need rate of {n} similar areas",
        f"{place.capitalize()} children in need rate of {n} similar areas",
    )


def bar_subtitle(table: pd.DataFrame, authority: str) -> str:
    """What the bar chart draws: the authority and its neighbours, latest year, England."""
    neighbours = table.loc[table["area_type"] == "neighbour", "area_name"].nunique()
    return (
        f"{authority} and its {neighbours} statistical neighbours (similar areas), each "
        "measure's latest year, lowest first; dashed line: England. Rates per 10,000 children; "
        "caseload in cases per case-holding FTE social worker."
    )


def _published_move(rows: pd.DataFrame) -> tuple[str, int] | None:
    """How a published series moved from its first year with a figure to its last."""
    valued = rows[rows["value"].notna()]
    if len(valued) < 2:
        return None
    first, last = valued.iloc[0]["value"], valued.iloc[-1]["value"]
    how = "fell" if last < first else "rose" if last > first else "was unchanged"
    return how, int(str(valued.iloc[0]["period"]).split()[-1])


def census_title(rows: pd.DataFrame) -> str:
    """The report's open cases beside the census count (report_vs_census_rows)."""
    report = rows[(rows["series"] == "report") & rows["value"].notna()].sort_values("date")
    if len(report) < 2:
        return "The report's and the census's counts are different measures"
    before, after = report["value"].iloc[0], report["value"].iloc[-1]
    how = "fell" if after < before else "rose" if after > before else "stayed the same"
    said = (
        how if before in (0, after) else f"{how} by {share_words((after - before) / before * 100)}"
    )
    census = _published_move(rows[rows["series"] == "census"])
    if census is None:
        return fit(f"The report's open CIN cases {said}", f"Open CIN cases {said}")
    how, since = census
    return fit(
        f"The report's open CIN cases {said}; the census count {how} since {since}",
        f"Report's open CIN cases {said}; census count {how} since {since}",
        f"Open CIN cases {said}; census count {how} since {since}",
    )


def caseload_title(rows: pd.DataFrame) -> str:
    """The report's team caseloads beside the DfE's caseload per FTE (caseload_rows)."""
    report = rows[rows["series"] == "report"]
    verbs = set()
    for _, team in report.groupby("team", sort=True):
        by = dict(zip(team["when"], team["value"], strict=True))
        if BEFORE in by and AFTER in by:
            verbs.add("fell" if by[AFTER] < by[BEFORE] else "rose")
    teams = "Both teams' caseloads" if report["team"].nunique() == 2 else "Team caseloads"
    said = f"{teams} {verbs.pop()}" if len(verbs) == 1 else "Team caseloads moved apart"
    published = _published_move(
        rows[rows["series"] == "published"].rename(columns={"when": "period"})
    )
    if published is None:
        return said
    how, since = published
    return fit(
        f"{said}; the DfE's caseload per FTE {how} since {since}",
        f"{said}; DfE caseload per FTE {how} since {since}",
        said,
    )


def after_report_subtitle(kind: str) -> str:
    """What the after-the-report charts set side by side, and why they are never joined."""
    if kind == "census":
        return (
            "Open children in need (CIN) cases in the cabinet report (the council's management "
            "information) and children in need at 31 March in the DfE's census (national "
            "statistics): different measures, never joined."
        )
    return (
        "Open cases per worker by team in the cabinet report (before and after, undated) and "
        "the DfE's average caseload per case-holding FTE social worker at 30 September: "
        "different measures, never joined."
    )

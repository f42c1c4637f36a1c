"""Page 04's chart titles and subtitles, worked out from the extract's monthly KPIs.

Each title compares the two month ends the page's headline compares (the cabinet report's for
the synthetic extract, the extract's first and last months otherwise); where a count there is
suppressed, the first and last months shown with a figure instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.present.formatting import fmt_value
from analysis.present.selection import SERVICE, Change, change
from analysis.story.case_kpis import CasePage, compared_months, present
from analysis.story.titles import by_how_much, fit, from_to, level, measures, verb, went

TOO_FEW = "too few months with a figure to compare"


def _months(rows: pd.DataFrame) -> np.ndarray:
    return rows["period_start"].to_numpy().astype("datetime64[M]")


def between(
    rows: pd.DataFrame, metric: str, scope: str, first: np.datetime64, last: np.datetime64
) -> Change | None:
    """A series' change from `first` to `last`; where one is suppressed, between the months
    nearest them with a figure, inside that span first, else over all the months shown."""
    mine = rows[(rows["metric"] == metric) & (rows["scope"] == scope)]
    months = _months(mine)
    # Inside the span, change() takes its first and last months with a figure: the compared
    # months themselves when both have one.
    inside = mine[(months >= first) & (months <= last)]
    for candidate in (inside, mine):
        try:
            return change(candidate, metric, scope)
        except (ValueError, KeyError):
            continue
    return None


def _span(c: Change) -> str:
    return f"{c.before_period} to {c.after_period}"


def cin_title(page: CasePage) -> str:
    """Open children in need cases between the compared months."""
    first, last = compared_months(page.monthly, page.synthetic)
    c = between(page.shown, "open_cin_cases", SERVICE, first, last)
    if c is None:
        return f"Open CIN cases: {TOO_FEW}"
    return fit(
        f"Open CIN cases {verb(c)} {from_to(c)}, {_span(c)}",
        f"Open CIN cases {verb(c)} {by_how_much(c)}, {_span(c)}",
        f"Open CIN cases {verb(c)} {from_to(c)}",
    )


def backlog_title(page: CasePage) -> str:
    """The backlogs of each assessment type between the compared months."""
    first, last = compared_months(page.monthly, page.synthetic)
    found = [
        (m.split("_")[0], between(page.shown, m, SERVICE, first, last))
        for m in present(page.shown, "{}_assessments_overdue")
    ]
    changes = [(kind, c) for kind, c in found if c is not None]
    if not changes:
        return f"Assessment backlogs: {TOO_FEW}"
    span = _span(changes[0][1])
    verbs = {verb(c) for _, c in changes}
    if len(changes) == 1:
        kind, c = changes[0]
        return fit(
            f"The {kind} assessment backlog {verb(c)} {from_to(c)}, {span}",
            f"{kind.capitalize()} assessments overdue {went(c)}, {span}",
            f"The {kind} assessment backlog {went(c)}",
        )
    if len(verbs) == 1:
        how = level(verbs.pop())
        both = "Both" if len(changes) == 2 else "All"
        return fit(
            f"{both} assessment backlogs {how}, {span}",
            f"{both} assessment backlogs {how}",
        )
    moves = " and ".join(f"{kind} {went(c)}" for kind, c in changes)
    return fit(f"Assessment backlogs: {moves}, {span}", f"Assessment backlogs: {moves}")


def on_time_title(page: CasePage) -> str:
    """The latest shares on time, in the later compared month (or the last with a figure)."""
    last = compared_months(page.monthly, page.synthetic)[1]
    shares, months = [], []
    for metric in present(page.shown, "{}_assessments_on_time_pct"):
        rows = page.shown[(page.shown["metric"] == metric) & (page.shown["scope"] == SERVICE)]
        rows = rows[rows["value"].notna() & (_months(rows) <= last)]
        if rows.empty:
            continue
        latest = rows.sort_values("period_start").iloc[-1]
        shares.append(f"{fmt_value(latest['value'], 'percent')} of {metric.split('_')[0]}")
        months.append(str(latest["period"]))
    if not shares:
        return f"Assessments on time: {TOO_FEW}"
    joined = shares[0] if len(shares) == 1 else ", ".join(shares[:-1]) + " and " + shares[-1]
    if len(set(months)) == 1:
        return fit(
            f"{joined} assessments were on time in {months[0]}",
            f"{joined} assessments on time in {months[0]}",
            f"{joined} on time in {months[0]}",
        )
    return fit(f"{joined} assessments were on time", f"{joined} on time")


def caseload_title(page: CasePage, teams: Sequence[str]) -> str:
    """Caseloads per worker in each team between the compared months."""
    first, last = compared_months(page.monthly, page.synthetic)
    found = [(t, between(page.shown, "caseload_per_worker", t, first, last)) for t in teams]
    changes = [(t, c) for t, c in found if c is not None]
    if not changes:
        return f"Caseloads per worker: {TOO_FEW}"
    span = _span(changes[0][1])
    verbs = {verb(c) for _, c in changes}
    if len(verbs) == 1:
        where = {1: "the team", 2: "both teams"}.get(len(changes), "every team")
        how = level(verbs.pop())
        return fit(f"Caseloads {how} in {where}, {span}", f"Caseloads {how}")
    moves = " and ".join(f"{went(c)} in {t}" for t, c in changes)
    return fit(f"Caseloads {moves}", f"Caseloads changed unevenly across teams, {span}")


def subtitle(page: CasePage, panels: Sequence[pd.DataFrame], counted: str) -> str:
    """What a page-04 chart measures, when it is counted, its months, and what the data are."""
    rows = pd.concat(list(panels), ignore_index=True)
    months = sorted(set(_months(rows)))
    named = rows.sort_values("period_start")["period"]
    when = f"{named.iloc[0]} to {named.iloc[-1]}" if len(months) > 1 else str(named.iloc[0])
    # An authority's own files (an Annex A workbook, census returns) name their kind in the
    # page's label, synthetic or not; the CSV layout's synthetic extract is said in full here.
    own = hasattr(page, "kind")
    data = "synthetic extract (made-up records)" if page.synthetic and not own else page.label
    return f"{measures(panels)}, {counted}, {when}. Data: {data}."

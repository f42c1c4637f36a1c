"""The words each notebook states: headline findings and plain-words paragraphs.

Chart titles and subtitles are in story.titles.
"""

# Everything a notebook says about the numbers is generated here from the tidy metric table, so
# the words change when the data do and nothing the data hold is typed by hand.

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.metrics import catalogue
from analysis.present.formatting import fmt_pct, fmt_value, label, when
from analysis.present.selection import (
    BACKLOG_METRICS,
    CONTEXT,
    SERVICE,
    Change,
    change,
    is_undated,
    latest_main,
    select,
    source_numbers,
    teams,
)
from analysis.story.titles import verb


def _from_to(c: Change, dated: bool = True) -> str:
    """titles.from_to, with the periods when `dated` and the rows have dates."""
    before, after = fmt_value(c.before, c.unit), fmt_value(c.after, c.unit)
    dated = dated and not c.undated
    if c.difference == 0 and c.came_back:
        if dated:
            return f"to {before} {when(c.after_period)}, the figure {when(c.before_period)}"
        return f"to {before}"
    if c.difference == 0:
        if dated:
            return f"at {before} from {_noun(c.before_period)} to {_noun(c.after_period)}"
        return f"at {before}"
    if dated:
        return f"from {before} {when(c.before_period)} to {after} {when(c.after_period)}"
    return f"from {before} to {after}"


def change_sentence(c: Change, subject: str | None = None) -> str:
    """One sentence: what changed, by how much and by what share of the starting value."""
    subject = subject or label(c.metric)
    text = f"{subject} {verb(c)} {_from_to(c)}"
    if c.difference != 0:
        size = fmt_value(abs(c.difference), c.unit)
        share = f", {fmt_pct(abs(c.pct_change))}" if c.pct_change is not None else ""
        text += f" ({'down' if c.difference < 0 else 'up'} {size}{share})"
    return text + "."


def _join(parts: Iterable[str]) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def undated_note() -> str:
    """Why undated figures are drawn as a before and an after."""
    return (
        "The source gives no dates for these figures, so they are shown as a before and an "
        "after, not placed in time."
    )


# Notebook 01: caseloads beside the establishment.


def caseload_finding(df: pd.DataFrame, authority: str) -> str:
    """The one-sentence headline of notebook 01."""
    staff = change(df, "staff_establishment")
    loads = [
        f"{verb(c)} {_from_to(c, dated=False)} in {c.scope}"
        for c in (change(df, "caseload_per_worker", t) for t in teams(df))
    ]
    grew = f"{verb(staff)} {_from_to(staff, dated=False)}"
    return (
        f"In {authority}, as the staff establishment {grew}, "
        f"the average caseload per worker {_join(loads)}."
    )


def caseload_text(df: pd.DataFrame) -> str:
    """The plain-words paragraph under the notebook 01 chart."""
    lines = [
        change_sentence(change(df, "caseload_per_worker", t), f"In {t}, the average caseload")
        for t in teams(df)
    ]
    lines.append(change_sentence(change(df, "staff_establishment"), "The staff establishment"))
    if is_undated(select(df, "caseload_per_worker")):
        lines.append(undated_note())
    return " ".join(lines)


# Notebook 02: open children in need cases.


def cin_finding(df: pd.DataFrame, authority: str) -> str:
    """The one-sentence headline of notebook 02."""
    c = change(df, "open_cin_cases")
    if c.difference == 0:
        return f"In {authority}, open children in need cases {verb(c)} {_from_to(c)}."
    size = fmt_value(abs(c.difference), c.unit)
    share = f" ({fmt_pct(abs(c.pct_change))})" if c.pct_change is not None else ""
    return f"In {authority}, open children in need cases {verb(c)} by {size}{share}, {_from_to(c)}."


def cin_text(df: pd.DataFrame) -> str:
    """The plain-words paragraph under the notebook 02 chart."""
    c = change(df, "open_cin_cases")
    rows = select(df, "open_cin_cases", SERVICE)
    text = change_sentence(c, "Open children in need cases")
    if len(rows) == 2:
        text += (
            " Only these two counts are published, so the chart joins them with a dotted "
            "line; it does not show how the number moved between them."
        )
    return text


# Notebook 03: backlogs and timeliness.


def _short(metric: str) -> str:
    # "Initial assessments out of timescale" -> "initial"
    return label(metric).split()[0].lower()


def timescales_text(metrics: Iterable[str] = BACKLOG_METRICS) -> str:
    """The statutory timescales behind some metrics, from the catalogue, as one sentence."""
    parts = [
        f"{catalogue.get(m).timescale_working_days} working days for {_short(m)} assessments"
        for m in metrics
    ]
    return (
        f"The statutory timescales of the time were {_join(parts)} (Working Together to "
        "Safeguard Children, 2010)."
    )


def backlog_text(df: pd.DataFrame) -> str:
    """Plain-words sentences on the backlogs of overdue assessments."""
    return " ".join(change_sentence(change(df, m)) for m in BACKLOG_METRICS)


def _within(metric: str) -> str:
    days = catalogue.get(metric).timescale_working_days
    return f"within {days} working days" if days is not None else "on time"


def _latest_shares(points: list[pd.DataFrame]) -> tuple[str, str]:
    """The latest main-source shares as a phrase, and the period they share ("" if they differ).

    "99% of initial and 92% of core" when every series' latest period is the same; else each
    share names its own: "99% of initial assessments in April–May 2012 and 95% of core
    assessments in June 2012".
    """
    latest = [latest_main(p) for p in points]
    periods_seen = list(dict.fromkeys(r["period"] for r in latest))
    if len(periods_seen) == 1:
        shares = _join(
            f"{fmt_value(r['value'], 'percent')} of {_short(r['metric'])}" for r in latest
        )
        return shares, periods_seen[0]
    shares = _join(
        f"{fmt_value(r['value'], 'percent')} of {_short(r['metric'])} assessments "
        f"{when(r['period'])}"
        for r in latest
    )
    return shares, ""


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


def _noun(period: str) -> str:
    # "at the end of April 2012" -> "the end of April 2012"; "in March 2010" -> "March 2010"
    phrase = when(period)
    return phrase.split(" ", 1)[1] if phrase.startswith(("in ", "at ")) else phrase


def timeliness_text(points: list[pd.DataFrame]) -> str:
    """Plain-words sentences on timeliness: the main figures, then the context by source."""
    lines = []
    by_period: dict[str, list[str]] = {}
    for p in points:
        metric = p["metric"].iloc[0]
        row = latest_main(p)
        name = label(metric).split(" within")[0].lower()
        by_period.setdefault(row["period"], []).append(
            f"{fmt_value(row['value'], 'percent')} of {name}|{_within(metric)}"
        )
    for period, items in by_period.items():
        first, *rest = items
        parts = [first.replace("|", " were completed ")] + [i.replace("|", " ") for i in rest]
        lines.append(f"{_sentence_start(when(period))}, {_join(parts)}.")
    numbers = source_numbers(points)
    context = pd.concat(points, ignore_index=True)
    context = context[context["role"] == CONTEXT]
    for source, group in sorted(context.groupby("source"), key=lambda g: numbers[g[0]]):
        items = []
        for _, r in group.iterrows():
            note = f" ({r['note']})" if r["note"] else ""
            what = label(r["metric"]).split(" within")[0].lower()
            items.append(
                f"{fmt_value(r['value'], 'percent')} of {what} on time {when(r['period'])}{note}"
            )
        lines.append(f"For context, [{numbers[source]}] {source} gives {_join(items)}.")
    if not context.empty:
        lines.append(
            "Figures from other sources are drawn as separate hollow markers, not joined to "
            "this report's figures, because they may not be measured the same way."
        )
    if (context["date_quality"] == "approximate").any():
        lines.append("Periods marked 'date approximate' are read from the source's wording.")
    return " ".join(lines)


def timeliness_finding(df: pd.DataFrame, points: list[pd.DataFrame], authority: str) -> str:
    """The one-sentence headline of notebook 03."""
    changes = [change(df, m) for m in BACKLOG_METRICS]
    spans = {(c.before_period, c.after_period) for c in changes}
    if len(spans) == 1 and not any(c.undated for c in changes):
        # Every backlog runs over the same periods: name them once, at the end.
        ((before, after),) = spans
        backlogs = _join(
            f"the {_short(c.metric)} assessment backlog {verb(c)} {_from_to(c, dated=False)}"
            for c in changes
        )
        backlogs += f" between {_noun(before)} and {_noun(after)}"
    else:
        # Each series names its own first and last period.
        backlogs = _join(
            f"the {_short(c.metric)} assessment backlog {verb(c)} {_from_to(c)}" for c in changes
        )
    shares, period = _latest_shares(points)
    timeliness = f"{when(period)} {shares} assessments" if period else shares
    return (
        f"In {authority}, {backlogs}, and {timeliness} were completed within the statutory "
        "timescale."
    )

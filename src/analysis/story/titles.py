"""Chart titles and subtitles, worked out from the data (Analysis Function chart guidance).

A title is a short active statement of the chart's main finding, no longer than MAX_TITLE
characters ("Open CIN cases fell by a third, from 1,486 to 1,000"); what the chart measures,
when, and its units go in the subtitle. Each title is chosen by `fit` from candidates, most
telling first, so a long team or month name gives a shorter title, never a longer one.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.metrics import catalogue
from analysis.present.formatting import fmt_value, label, labels
from analysis.present.selection import (
    BACKLOG_METRICS,
    SERVICE,
    Change,
    change,
    is_undated,
    latest_main,
    periods,
    teams,
)

MAX_TITLE = 70
# A change near a simple fraction of the starting value is said as that fraction.
FRACTIONS = (
    (25.0, "a quarter"),
    (100 / 3, "a third"),
    (50.0, "half"),
    (200 / 3, "two thirds"),
    (75.0, "three quarters"),
)
FRACTION_TOLERANCE = 1.5  # percentage points either side
UNITS = {"count": "number", "percent": "%", "GBP": "£"}


def fit(*candidates: str) -> str:
    """The first candidate no longer than MAX_TITLE characters (else the shortest)."""
    for text in candidates:
        if len(text) <= MAX_TITLE:
            return text
    return min(candidates, key=len)


def share_words(pct: float) -> str:
    """A share of a starting value in words: "a third" (within 1.5 points), else "32%"."""
    for value, words in FRACTIONS:
        if abs(abs(pct) - value) <= FRACTION_TOLERANCE:
            return words
    return f"{abs(pct):.0f}%"


def verb(c: Change) -> str:
    """How a figure moved: "fell", "rose", "stayed" or, level ends with others between,
    "returned"."""
    if c.difference == 0:
        return "returned" if c.came_back else "stayed"
    return "fell" if c.difference < 0 else "rose"


def went(c: Change) -> str:
    """How a figure moved, short: "fell", "rose", "stayed at 5" or "returned to 5" (never a
    bare "stayed")."""
    return f"{verb(c)} {from_to(c)}" if c.difference == 0 else verb(c)


def from_to(c: Change) -> str:
    """ "from 1,486 to 1,000" ("at 5" when unchanged, "to 5" when it came back to 5)."""
    before, after = fmt_value(c.before, c.unit), fmt_value(c.after, c.unit)
    if c.difference == 0:
        return f"to {before}" if c.came_back else f"at {before}"
    return f"from {before} to {after}"


def level(verb_: str) -> str:
    """A verb shared by several series, said of them all: "stayed level", "ended where they
    began"."""
    return {"stayed": "stayed level", "returned": "ended where they began"}.get(verb_, verb_)


def by_how_much(c: Change) -> str:
    """ "by a third" or "by 486", from the change and its share of the starting value."""
    if c.pct_change is not None:
        return f"by {share_words(c.pct_change)}"
    return f"by {fmt_value(abs(c.difference), c.unit)}"


def _short(metric: str) -> str:
    # "Initial assessments out of timescale" -> "initial"
    return label(metric).split()[0].lower()


def _join(parts: Sequence[str]) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _start(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- notebooks 01 to 03: the figures the documents state ----------------------------------


def caseload_title(df: pd.DataFrame) -> str:
    """Notebook 01: caseloads in every team beside the establishment."""
    staff = change(df, "staff_establishment")
    loads = [change(df, "caseload_per_worker", t) for t in teams(df)]
    verbs = {verb(c) for c in loads}
    if len(verbs) == 1:
        moved = level(verbs.pop())
        how = f"{moved} in {'every team' if len(loads) > 1 else 'the team'}"
    else:
        how = _join([f"{went(c)} in {c.scope}" for c in loads])
    grew = f"{verb(staff)} {from_to(staff)}"
    return fit(
        f"Caseloads {how} as the establishment {grew}",
        f"Caseloads {how} as the establishment {went(staff)}",
        f"Caseloads {how}",
        "Caseloads changed unevenly across teams",
    )


def cin_title(df: pd.DataFrame) -> str:
    """Notebook 02: how far open children in need cases moved."""
    c = change(df, "open_cin_cases")
    if c.difference == 0:
        return f"Open CIN cases {went(c)}"
    return fit(
        f"Open CIN cases {verb(c)} {by_how_much(c)}, {from_to(c)}",
        f"Open CIN cases {verb(c)} {by_how_much(c)}",
    )


def backlog_title(df: pd.DataFrame) -> str:
    """Notebook 03: the backlogs of assessments out of timescale."""
    changes = [change(df, m) for m in BACKLOG_METRICS]
    verbs = {verb(c) for c in changes}
    if len(verbs) == 1:
        how = verbs.pop()
        return fit(
            f"Assessment backlogs {how}: "
            + ", ".join(f"{_short(c.metric)} {from_to(c)}" for c in changes),
            f"Assessment backlogs {level(how)}",
        )
    return fit(
        "; ".join(f"{_start(_short(c.metric))} backlog {verb(c)} {from_to(c)}" for c in changes),
        _join([f"{_short(c.metric)} backlog {went(c)}" for c in changes]).capitalize(),
    )


def timeliness_title(points: list[pd.DataFrame]) -> str:
    """Notebook 03: the latest main-source shares on time."""
    latest = [latest_main(p) for p in points]
    shares = _join([f"{fmt_value(r['value'], 'percent')} of {_short(r['metric'])}" for r in latest])
    when_seen = list(dict.fromkeys(r["period"] for r in latest))
    if len(when_seen) == 1:
        return fit(
            f"{shares} assessments were on time in {when_seen[0]}",
            f"{shares} assessments on time in {when_seen[0]}",
            f"{shares} assessments were on time",
        )
    return fit(f"{shares} assessments were on time", f"{shares} on time")


def _unit(metric: str) -> str:
    unit = catalogue.get(metric).unit
    return UNITS.get(unit, unit)


def measures(panels: Sequence[pd.DataFrame]) -> str:
    """What some panels measure, with units: "Average caseload per worker, by team (cases per
    worker); staff establishment (number)"."""
    parts = []
    for rows in panels:
        for metric, name in dict.fromkeys(zip(rows["metric"], labels(rows), strict=True)):
            by_team = (rows.loc[rows["metric"] == metric, "scope"] != SERVICE).any()
            # Titles say "CIN"; the subtitle says what it stands for.
            name = name.replace("children in need", "children in need (CIN)", 1)
            text = f"{name}{', by team' if by_team else ''} ({_unit(metric)})"
            if text not in parts:
                parts.append(text)
    return _start("; ".join(p[:1].lower() + p[1:] for p in parts))


def subtitle(panels: Sequence[pd.DataFrame] | pd.DataFrame, extra: str = "") -> str:
    """A change chart's subtitle: what it measures and units, then the periods it covers."""
    frames = [panels] if isinstance(panels, pd.DataFrame) else list(panels)
    rows = pd.concat(frames, ignore_index=True)
    seen = periods(rows)
    if is_undated(rows):
        when = "before and after, undated in the source"
    elif len(seen) == 2:
        when = f"{seen[0]} and {seen[1]}"
    else:
        when = f"{seen[0]} to {seen[-1]}"
    text = f"{measures(frames)}: {when}"
    return f"{text}. {extra}" if extra else f"{text}."


def timeliness_subtitle(points: list[pd.DataFrame]) -> str:
    """The timeliness chart's subtitle: what "on time" means for each, and the markers."""
    days = [
        f"{catalogue.get(p['metric'].iloc[0]).timescale_working_days} working days for "
        f"{_short(p['metric'].iloc[0])}"
        for p in points
    ]
    return (
        f"Share of assessments completed within the statutory timescale (%): {_join(days)}. "
        "Filled markers: this report; hollow markers: other sources, for context."
    )

"""Small computations the notebooks state, and the plain-words sentences built from them.

Everything a notebook says about the numbers is generated here from the tidy metric table, so
the words change when the data do and nothing the data hold is typed by hand.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis import catalogue, config, tidy

SERVICE = "service"
MAIN, CONTEXT = "main", "context"


def load(metrics_path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the tidy metric table; a relative path resolves against the project root."""
    return tidy.read(config.resolve(metrics_path))


# --- ordering and picking rows -------------------------------------------------------------


def _period_key(row: pd.Series) -> tuple:
    # Undated "before"/"after" rows bracket the dated ones; other undated rows go last.
    label = str(row["period"]).lower()
    if pd.isna(row["period_start"]):
        rank = 0 if label.startswith("before") else 2 if label.startswith("after") else 3
        return (rank, pd.Timestamp.max, pd.Timestamp.max, label)
    end = row["period_end"] if pd.notna(row["period_end"]) else row["period_start"]
    return (1, row["period_start"], end, label)


def order_periods(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in time order: undated "before" first, dated by start then end, undated "after" last."""
    if rows.empty:
        return rows.copy()
    keys = [_period_key(r) for _, r in rows.iterrows()]
    order = sorted(range(len(rows)), key=lambda i: keys[i])
    return rows.iloc[order].reset_index(drop=True)


def select(df: pd.DataFrame, metric: str, scope: str | None = None) -> pd.DataFrame:
    """One metric's rows (optionally one scope), in time order; KeyError if there are none."""
    rows = df[df["metric"] == metric]
    if scope is not None:
        rows = rows[rows["scope"] == scope]
    if rows.empty:
        where = f" for scope '{scope}'" if scope is not None else ""
        raise KeyError(f"no rows for metric '{metric}'{where}")
    return order_periods(rows)


def periods(rows: pd.DataFrame) -> list[str]:
    """The distinct period labels of some rows, in time order."""
    return list(dict.fromkeys(order_periods(rows)["period"]))


def is_undated(rows: pd.DataFrame) -> bool:
    """True when none of the rows carries a date."""
    return bool(rows["period_start"].isna().all())


# --- numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A before and an after of one metric and scope, and the change between them."""

    metric: str
    scope: str
    unit: str
    before: float
    after: float
    before_period: str
    after_period: str
    undated: bool

    @property
    def difference(self) -> float:
        """After minus before."""
        return self.after - self.before

    @property
    def pct_change(self) -> float | None:
        """The change as a percentage of the before value; None when before is zero."""
        return None if self.before == 0 else self.difference / self.before * 100


def change(df: pd.DataFrame, metric: str, scope: str = SERVICE) -> Change:
    """The first and last valued rows of a metric and scope; ValueError if fewer than two."""
    rows = select(df, metric, scope)
    rows = rows[rows["value"].notna()]
    if len(rows) < 2:
        raise ValueError(f"metric '{metric}' scope '{scope}' needs a before and an after value")
    first, last = rows.iloc[0], rows.iloc[-1]
    return Change(
        metric=metric,
        scope=scope,
        unit=str(first["unit"]),
        before=float(first["value"]),
        after=float(last["value"]),
        before_period=str(first["period"]),
        after_period=str(last["period"]),
        undated=pd.isna(first["period_start"]) or pd.isna(last["period_start"]),
    )


def on_time_pct(late: float, denominator: float) -> float:
    """Share on time, in percent, from a count late out of a total ("59 of 99 late" -> 40.4)."""
    if denominator <= 0 or not 0 <= late <= denominator:
        raise ValueError(f"cannot take {late} late out of {denominator}")
    return (denominator - late) / denominator * 100


def main_source(df: pd.DataFrame) -> str:
    """The document supplying most rows: the report being analysed (ties: alphabetical)."""
    counts = df["source"].value_counts()
    top = counts[counts == counts.max()].index
    return sorted(top)[0]


TIMELINESS_COLUMNS = (
    "metric",
    "measured_as",
    "period",
    "period_start",
    "period_end",
    "date_quality",
    "value",
    "unit",
    "note",
    "source",
    "source_ref",
    "role",
)


def timeliness_points(
    df: pd.DataFrame,
    pct_metric: str,
    late_metric: str | None = None,
    main: str | None = None,
) -> pd.DataFrame:
    """Percent-on-time points for a chart: the metric's own rows plus any "N of M late" rows.

    Late counts become shares on time; rows without a denominator cannot and are left out.
    `role` is "main" for rows from the main source (default: `main_source(df)`), else "context".
    """
    main = main if main is not None else main_source(df)
    parts = []
    own = df[df["metric"] == pct_metric].copy()
    own["measured_as"] = pct_metric
    own["note"] = ""
    parts.append(own)
    if late_metric is not None:
        late = df[(df["metric"] == late_metric) & df["denominator"].notna()].copy()
        late["measured_as"] = late_metric
        late["note"] = [
            f"{fmt_number(v)} of {fmt_number(d)} late"
            for v, d in zip(late["value"], late["denominator"], strict=True)
        ]
        late["value"] = [
            on_time_pct(v, d) for v, d in zip(late["value"], late["denominator"], strict=True)
        ]
        parts.append(late)
    points = pd.concat(parts, ignore_index=True)
    points["metric"] = pct_metric
    points["unit"] = "percent"
    points["role"] = [MAIN if s == main else CONTEXT for s in points["source"]]
    return order_periods(points.loc[:, list(TIMELINESS_COLUMNS)])


# --- words ---------------------------------------------------------------------------------


def fmt_number(x: float) -> str:
    """A number as people write it: thousands separated, at most one decimal place."""
    x = round(float(x), 1)
    return f"{x:,.0f}" if x.is_integer() else f"{x:,.1f}"


def fmt_value(value: float, unit: str, qualifier: str = "") -> str:
    """A value with its unit ("99%", "£200,000") and any qualifier ("nearly 600")."""
    if qualifier == tidy.SUPPRESSED or pd.isna(value):
        return "suppressed"
    text = fmt_number(value)
    if unit == "percent":
        text += "%"
    elif unit == "GBP":
        text = "£" + text
    return f"{qualifier} {text}" if qualifier else text


def fmt_pct(x: float) -> str:
    """A percentage to one decimal place, as in "32.7%"."""
    return f"{x:.1f}%"


def when(period: str) -> str:
    """A period label as it reads inside a sentence: "in December 2011", "at the end of April"."""
    lower = period.lower()
    if lower.startswith(("end of", "start of")):
        return f"at the {period}"
    if lower.startswith("year to date"):
        return f"in the {period}"
    if lower.startswith(("before", "after", "at the time")):
        return period
    return f"in {period}"


def label(metric: str) -> str:
    """The catalogue label of a metric."""
    return catalogue.get(metric).label


def _verb(c: Change) -> str:
    return "fell" if c.difference < 0 else "rose" if c.difference > 0 else "stayed"


def _from_to(c: Change, dated: bool = True) -> str:
    before, after = fmt_value(c.before, c.unit), fmt_value(c.after, c.unit)
    if c.difference == 0:
        if dated and not c.undated:
            return f"at {before} from {_noun(c.before_period)} to {_noun(c.after_period)}"
        return f"at {before}"
    if dated and not c.undated:
        return f"from {before} {when(c.before_period)} to {after} {when(c.after_period)}"
    return f"from {before} to {after}"


def change_sentence(c: Change, subject: str | None = None) -> str:
    """One sentence: what changed, by how much and by what share of the starting value."""
    subject = subject or label(c.metric)
    text = f"{subject} {_verb(c)} {_from_to(c)}"
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


def teams(df: pd.DataFrame, metric: str = "caseload_per_worker") -> list[str]:
    """The teams (scopes) a team-level metric is reported for, in first-seen order."""
    return list(dict.fromkeys(df.loc[df["metric"] == metric, "scope"]))


def caseload_title(df: pd.DataFrame) -> str:
    """Chart title for notebook 01: caseloads in every team beside the establishment."""
    staff = change(df, "staff_establishment")
    loads = [change(df, "caseload_per_worker", t) for t in teams(df)]
    verbs = {_verb(c) for c in loads}
    how = "changed"
    if len(verbs) == 1:
        how = f"{verbs.pop()} in {'every team' if len(loads) > 1 else 'the team'}"
    return (
        f"Caseloads per worker {how} as the establishment {_verb(staff)} "
        f"{_from_to(staff, dated=False)}"
    )


def caseload_finding(df: pd.DataFrame, authority: str) -> str:
    """The one-sentence headline of notebook 01."""
    staff = change(df, "staff_establishment")
    loads = [
        f"{_verb(c)} {_from_to(c, dated=False)} in {c.scope}"
        for c in (change(df, "caseload_per_worker", t) for t in teams(df))
    ]
    grew = f"{_verb(staff)} {_from_to(staff, dated=False)}"
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


def cin_title(df: pd.DataFrame) -> str:
    """Chart title for notebook 02."""
    c = change(df, "open_cin_cases")
    size = fmt_value(abs(c.difference), c.unit)
    share = f" ({fmt_pct(abs(c.pct_change))})" if c.pct_change is not None else ""
    return f"Open children in need cases {_verb(c)} by {size}{share}"


def cin_finding(df: pd.DataFrame, authority: str) -> str:
    """The one-sentence headline of notebook 02."""
    c = change(df, "open_cin_cases")
    size = fmt_value(abs(c.difference), c.unit)
    share = f" ({fmt_pct(abs(c.pct_change))})" if c.pct_change is not None else ""
    return (
        f"In {authority}, open children in need cases {_verb(c)} by {size}{share}, {_from_to(c)}."
    )


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

BACKLOG_METRICS = ("initial_assessments_overdue", "core_assessments_overdue")
TIMELINESS_METRICS = (
    ("initial_assessments_on_time_pct", "initial_assessments_late"),
    ("core_assessments_on_time_pct", None),
)


def backlog_panels(df: pd.DataFrame) -> list[pd.DataFrame]:
    """The backlog metrics' rows, one frame per metric, for a chart panel each."""
    return [select(df, m) for m in BACKLOG_METRICS]


def timeliness_panels(df: pd.DataFrame) -> list[pd.DataFrame]:
    """Timeliness points for initial and core assessments, one frame per chart panel."""
    return [timeliness_points(df, pct, late) for pct, late in TIMELINESS_METRICS]


def _short(metric: str) -> str:
    # "Initial assessments out of timescale" -> "initial"
    return label(metric).split()[0].lower()


def _backlog_changes(df: pd.DataFrame) -> str:
    # "initial fell from 235 to 0 and core fell from 125 to 5"
    changes = [change(df, m) for m in BACKLOG_METRICS]
    return _join(f"{_short(c.metric)} {_verb(c)} {_from_to(c, dated=False)}" for c in changes)


def backlog_title(df: pd.DataFrame) -> str:
    """Chart title for the backlogs in notebook 03."""
    return f"Assessments out of timescale: {_backlog_changes(df)}"


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


def latest_main(points: pd.DataFrame) -> pd.Series:
    """The most recent point from the main source that has a value (not suppressed)."""
    main = order_periods(points[(points["role"] == MAIN) & points["value"].notna()])
    if main.empty:
        raise ValueError(f"no figures from the main source for {points['metric'].iloc[0]}")
    return main.iloc[-1]


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


def timeliness_title(points: list[pd.DataFrame]) -> str:
    """Chart title for timeliness: the latest main-source shares, against the timescales."""
    shares, period = _latest_shares(points)
    if period:
        return (
            f"{_sentence_start(when(period))}, {shares} assessments were completed within the "
            "statutory timescale"
        )
    return f"{_sentence_start(shares)} were completed within the statutory timescale"


def source_numbers(points: Sequence[pd.DataFrame]) -> dict[str, int]:
    """Number the sources of timeliness points: the main source 1, the others in time order."""
    rows = pd.concat(list(points), ignore_index=True)
    rows = order_periods(rows)
    rows = rows.sort_values("role", key=lambda r: r != MAIN, kind="stable")
    return {s: n for n, s in enumerate(dict.fromkeys(rows["source"]), start=1)}


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
            f"the {_short(c.metric)} assessment backlog {_verb(c)} {_from_to(c, dated=False)}"
            for c in changes
        )
        backlogs += f" between {_noun(before)} and {_noun(after)}"
    else:
        # Each series names its own first and last period.
        backlogs = _join(
            f"the {_short(c.metric)} assessment backlog {_verb(c)} {_from_to(c)}" for c in changes
        )
    shares, period = _latest_shares(points)
    timeliness = f"{when(period)} {shares} assessments" if period else shares
    return (
        f"In {authority}, {backlogs}, and {timeliness} were completed within the statutory "
        "timescale."
    )


# --- tables shown beside the charts --------------------------------------------------------


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
            "Measure": [label(m) for m in rows["metric"]],
            "Team": [s if s != SERVICE else "Whole service" for s in rows["scope"]],
            "Period": rows["period"],
            "Value": [
                fmt_value(v, u, q if isinstance(q, str) else "")
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

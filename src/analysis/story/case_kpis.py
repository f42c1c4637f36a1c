"""Notebook 04's words and panels: the case-level KPIs as the page shows and states them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.cases.extract import ASSESSMENT_TYPES, read_extract
from analysis.cases.kpi_table import compute, month_labels
from analysis.cases.synthetic_files import is_synthetic
from analysis.config import resolve
from analysis.metrics import catalogue, tidy
from analysis.present import formatting
from analysis.present.formatting import fmt_value, timescale
from analysis.present.selection import change
from analysis.privacy import disclosure

# The cabinet report's before and after (July 2012, paras 4.3 and 4.7), and the months charted.
STORY_BEFORE, STORY_AFTER = np.datetime64("2011-12", "M"), np.datetime64("2012-04", "M")
CHART_FROM, CHART_TO = np.datetime64("2011-04", "M"), np.datetime64("2012-09", "M")


def monthly_kpis(
    extract_dir: str | Path,
    threshold: int | None = None,
    timescales: Mapping[str, int | None] | None = None,
    quarantine: bool = False,
) -> pd.DataFrame:
    """The KPIs of an extract folder with disclosure control applied, as a notebook shows them.

    `timescales` (assessment type -> working days; None keeps the catalogue's) changes the rules,
    and the rows keep the timescale they were counted against, so labels and words name it.
    """
    return load(extract_dir, threshold, timescales, quarantine).monthly


@dataclass(frozen=True)
class ExtractFile:
    """One file of the extract the KPIs were counted from, as the page describes it."""

    name: str
    sha256: str
    rows_read: int
    rows_used: int
    rows_set_aside: int


@dataclass
class CasePage:
    """What page 04 shows of one extract: its KPIs, the months charted and what the data are."""

    monthly: pd.DataFrame  # every month, disclosure control applied
    shown: pd.DataFrame  # the months the charts show
    files: tuple[ExtractFile, ...]
    synthetic: bool
    threshold: int

    @property
    def label(self) -> str:
        """The data as chart titles name them: synthetic, or the months a real extract covers."""
        if self.synthetic:
            return "synthetic extract"
        first, last = first_and_last_month(self.shown)
        return f"extract, {first}" if first == last else f"extract, {first} to {last}"


def load(
    extract_dir: str | Path,
    threshold: int | None = None,
    timescales: Mapping[str, int | None] | None = None,
    quarantine: bool = False,
) -> CasePage:
    """Read an extract (setting bad rows aside with `quarantine`), count and suppress its KPIs.

    A synthetic extract is charted over the months of the 2011-12 story it was made to tell; a
    real one over exactly the months it covers.
    """
    chosen = {k: int(v) for k, v in (timescales or {}).items() if v is not None}
    extract = read_extract(resolve(extract_dir), quarantine=quarantine)
    threshold = threshold or disclosure.DEFAULT_THRESHOLD
    monthly = published(compute(extract, timescales=chosen), threshold)
    synthetic = is_synthetic(extract_dir)
    shown = months_between(monthly) if synthetic else monthly
    files = tuple(
        ExtractFile(f.name, f.sha256, f.rows_read, len(f.rows), len(f.rejects))
        for f in extract.files
    )
    return CasePage(monthly, shown, files, synthetic, threshold)


def read(kpis_dir: str | Path) -> CasePage:
    """The page of the KPIs that `analysis kpis --publish` wrote into kpis_dir (the kpis stage).

    Its metrics.csv already has disclosure control applied; its kpis_run.json says from which
    files, with which threshold and timescales. KPIs written without --publish are refused.
    """
    import json

    from analysis.cases.kpi_command import RUN_FILE

    folder = resolve(kpis_dir)
    record = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
    if not record.get("published"):
        raise ValueError(
            f"{kpis_dir}: these KPIs were written without --publish (no disclosure control): "
            "they may not be shown"
        )
    threshold = int(record["suppression_threshold"])
    table = tidy.read(folder / "metrics.csv")
    days = record.get("timescales_working_days", {})
    kind = table["metric"].str.extract(r"^([a-z]+)_assessments_", expand=False)
    table[tidy.TIMESCALE] = kind.map(days).astype(float)
    monthly = with_numerators(table, threshold)
    synthetic = bool(record.get("synthetic"))
    shown = months_between(monthly) if synthetic else monthly
    files = tuple(
        ExtractFile(f["file"], f["sha256"], f["rows_read"], f["rows_used"], f["rows_quarantined"])
        for f in record["extracts"]
    )
    return CasePage(monthly, shown, files, synthetic, threshold)


def published(table: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """A computed KPI table as a page shows it: small counts suppressed, shares with parts."""
    if table.empty:
        return table.drop(columns="numerator", errors="ignore")
    return with_numerators(
        disclosure.suppress(table, threshold).drop(columns="numerator"), threshold
    )


def with_numerators(table: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """A suppressed table marked with its threshold, each share beside its published count.

    A share on time ("..._on_time_pct") gets the month's on-time count ("..._on_time") as its
    numerator; the count is taken after disclosure control, so a small one stays suppressed,
    and a share whose late ones number 1 to the threshold is left without its parts.
    """
    out = table.assign(**{tidy.THRESHOLD: threshold})
    counts = {
        (m, s, p): v
        for m, s, p, v in zip(out["metric"], out["scope"], out["period"], out["value"], strict=True)
    }
    out[tidy.SHOWN_NUMERATOR] = [
        counts.get((m.removesuffix("_pct"), s, p), np.nan) if m.endswith("_on_time_pct") else np.nan
        for m, s, p in zip(out["metric"], out["scope"], out["period"], strict=True)
    ]
    # "58 of 60" would say that 2 were late: where the late ones number 1 to the threshold,
    # the share is shown without its parts (as it was before parts were shown).
    late_small = disclosure.small(out["denominator"] - out[tidy.SHOWN_NUMERATOR], threshold)
    out.loc[late_small, [tidy.SHOWN_NUMERATOR, "denominator"]] = np.nan
    return out


def first_and_last_month(table: pd.DataFrame) -> tuple[str, str]:
    """The first and last months a KPI table covers, as "April 2024" ("no month" if none)."""
    months = table["period_start"].dropna().to_numpy().astype("datetime64[M]")
    if months.size == 0:
        return "no month", "no month"
    return _month_name(months.min()), _month_name(months.max())


def describe(page: CasePage) -> str:
    """What the data are: synthetic, or the extract's files, rows, hashes and months."""
    limit = f"Counts from 1 to {page.threshold} are suppressed before anything is shown."
    if page.synthetic:
        return (
            "The data are synthetic: records made up by the synth command, invented children, "
            "workers and dates shaped so that the monthly figures pass through Peterborough's "
            "published ones (Cabinet report, 10 July 2012). They show how the calculation works, "
            f"not what happened to any child. {limit}"
        )
    first, last = first_and_last_month(page.monthly)
    files = []
    for f in page.files:
        aside = f", {f.rows_set_aside} set aside as bad rows" if f.rows_set_aside else ""
        files.append(
            f"{f.name} ({f.rows_read:,} rows read, {f.rows_used:,} used{aside}; "
            f"SHA-256 {f.sha256[:12]}…)"
        )
    return (
        f"The figures are computed from an extract of case records: {' and '.join(files)}, "
        f"covering {first} to {last}. Only aggregate counts are shown. {limit}"
    )


def present(table: pd.DataFrame, pattern: str) -> list[str]:
    """The metrics `pattern.format(kind)` for the assessment types the table holds, in order."""
    return [
        pattern.format(k) for k in ASSESSMENT_TYPES if (table["metric"] == pattern.format(k)).any()
    ]


def months_between(
    table: pd.DataFrame, first: np.datetime64 = CHART_FROM, last: np.datetime64 = CHART_TO
) -> pd.DataFrame:
    """Rows for months from `first` to `last` inclusive (all rows if the extract has none)."""
    months = table["period_start"].to_numpy().astype("datetime64[M]")
    inside = (months >= first) & (months <= last)
    return table[inside] if inside.any() else table


def pick(table: pd.DataFrame, *metrics: str) -> pd.DataFrame:
    """Rows of the given metrics, in the order given."""
    parts = [table[table["metric"] == m] for m in metrics]
    return pd.concat(parts, ignore_index=True)


def panels(table: pd.DataFrame, *metrics: str) -> list[pd.DataFrame]:
    """One chart panel per metric, in the order given."""
    return [pick(table, m) for m in metrics]


def team_panels(table: pd.DataFrame, metric: str) -> tuple[list[str], list[pd.DataFrame]]:
    """The teams holding a by-team metric, sorted, and one chart panel per team."""
    rows = pick(table, metric)
    teams = sorted(rows["scope"].unique())
    return teams, [rows[rows["scope"] == team] for team in teams]


def _row(table: pd.DataFrame, metric: str, month: np.datetime64) -> pd.Series | None:
    """The service-wide row of a metric in a month, if the table has one."""
    rows = table[
        (table["metric"] == metric)
        & (table["scope"] == "service")
        & (table["period_start"].to_numpy().astype("datetime64[M]") == month)
    ]
    return rows.iloc[0] if len(rows) else None


def _limit(table: pd.DataFrame) -> int:
    """The largest count the table's run suppressed."""
    found = formatting.threshold(table)
    return found if found is not None else disclosure.DEFAULT_THRESHOLD


def _at(table: pd.DataFrame, metric: str, month: np.datetime64) -> str:
    """A month's figure as it reads in a sentence: "19", "93%", "between 1 and 5"."""
    r = _row(table, metric, month)
    if r is None:
        return "not available"
    if r["qualifier"] == tidy.SUPPRESSED and r["unit"] == "count":
        # Said as the range it lies in; the sentence says why it is not exact.
        return f"between 1 and {_limit(table)}"
    return fmt_value(r["value"], r["unit"], r["qualifier"])


def _month_name(month: np.datetime64) -> str:
    return month_labels(np.array([month], dtype="datetime64[M]"))[0]


def compared_months(table: pd.DataFrame, synthetic: bool) -> tuple[np.datetime64, np.datetime64]:
    """The two month ends a headline compares: the report's for synthetic data, else the data's."""
    if synthetic:
        return STORY_BEFORE, STORY_AFTER
    months = table["period_start"].dropna().to_numpy().astype("datetime64[M]")
    return (months.min(), months.max()) if months.size else (STORY_BEFORE, STORY_AFTER)


def _level(
    table: pd.DataFrame, metric: str, said: list[str], first: np.datetime64, last: np.datetime64
) -> str | None:
    """ "stayed at" or "were back at" when a count reads the same in both months, else None."""
    if said[0] != said[1] or not said[0][:1].isdigit():  # a range, or not available
        return None
    months = table["period_start"].to_numpy().astype("datetime64[M]")
    span = table[(months >= first) & (months <= last)]
    return "were back at" if change(span, metric).came_back else "stayed at"


def headline(table: pd.DataFrame, authority: str, synthetic: bool) -> str:
    """One sentence: open CIN cases and the assessment backlog at two month ends.

    For the synthetic extract, the cabinet report's two (December 2011, April 2012); for a real
    extract, its first and last months. A suppressed count is said as its range, and why.
    """
    first, last = compared_months(table, synthetic)
    before, after = _month_name(first), _month_name(last)
    who = "In this synthetic extract (made-up records)" if synthetic else "In this extract"
    cin = [_at(table, "open_cin_cases", m) for m in (first, last)]
    overdue = (present(table, "{}_assessments_overdue") or ["initial_assessments_overdue"])[0]
    backlog = [_at(table, overdue, m) for m in (first, last)]
    kind = overdue.split("_")[0]

    cases = {
        None: f"open children in need cases went from {cin[0]} at the end of {before} to "
        f"{cin[1]} at the end of {after}",
        "stayed at": f"open children in need cases stayed at {cin[0]} from the end of {before} "
        f"to the end of {after}",
        "were back at": f"open children in need cases were back at {cin[0]} at the end of "
        f"{after}, as at the end of {before}",
    }[_level(table, "open_cin_cases", cin, first, last)]
    how = _level(table, overdue, backlog, first, last)
    waiting = f"{kind} assessments out of timescale " + (
        f"{how} {backlog[0]}" if how else f"from {backlog[0]} to {backlog[1]}"
    )
    why = (
        f", exact counts from 1 to {_limit(table)} being withheld to protect the children they "
        "count"
        if any(t.startswith("between") for t in [*cin, *backlog])
        else ""
    )
    return f"{who}, {cases}, and {waiting}{why}."


def _share_words(
    table: pd.DataFrame, kind: str, month: np.datetime64, days: int | None
) -> tuple[str, str]:
    """How one assessment type's share on time in a month reads: ("number", words) or a
    sentence of its own ("sentence", words) when there is no share to give."""
    name = _month_name(month)
    share = _row(table, f"{kind}_assessments_on_time_pct", month)
    completed = _row(table, f"{kind}_assessments_completed", month)
    limit = _limit(table)
    if share is not None and pd.notna(share["value"]):
        return "number", fmt_value(share["value"], share["unit"], share["qualifier"])
    if completed is not None and completed["value"] == 0:
        return "sentence", f"No {kind} assessment was completed in {name}."
    if share is not None and share["qualifier"] == tidy.SUPPRESSED:
        if completed is not None and completed["qualifier"] == tidy.SUPPRESSED:
            how_many = f"Between 1 and {limit} {kind} assessments were completed in {name}"
        elif completed is not None and pd.notna(completed["value"]):
            how_many = (
                f"{formatting.fmt_number(completed['value'])} {kind} assessments were completed "
                f"in {name}, and between 1 and {limit} of them on time"
            )
        else:
            how_many = f"Few {kind} assessments were completed in {name}"
        return "sentence", (
            f"{how_many}: how many were within {days} working days is not shown, because "
            "numbers that small could identify the children concerned."
        )
    return "sentence", f"The extract gives no figure for {kind} assessments in {name}."


def timeliness_sentence(table: pd.DataFrame, synthetic: bool = True) -> str:
    """Plain words on the share of each assessment type on time in the month compared.

    A share that is suppressed, or that does not exist because no assessment of that type was
    completed, is said in words of its own, never put where a number would go.
    """
    month = compared_months(table, synthetic)[1]
    kinds = [m.split("_")[0] for m in present(table, "{}_assessments_on_time_pct")] or ["initial"]
    numbers, others = [], []
    for kind in kinds:
        days = timescale(table, f"{kind}_assessments_on_time_pct")
        how, words = _share_words(table, kind, month, days)
        if how == "number":
            numbers.append((kind, words, days))
        else:
            others.append(words)
    parts = [
        f"{share} of {kind} assessments were within {days} working days"
        if i == 0
        else f"{share} of {kind} assessments within {days}"
        for i, (kind, share, days) in enumerate(numbers)
    ]
    sentences = []
    if parts:
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        sentences.append(f"Of the assessments completed in {_month_name(month)}, {joined}.")
    sentences += others
    sentences.append("Working days leave out weekends and England and Wales bank holidays.")
    return " ".join(sentences)


def counting_text(table: pd.DataFrame) -> str:
    """How the figures are counted, naming the timescales the table was counted against."""
    initial = timescale(table, "initial_assessments_on_time_pct")
    core = timescale(table, "core_assessments_on_time_pct")
    defaults = catalogue.timescales()
    source = (
        "Working Together 2010"
        if (initial, core) == (defaults["initial"], defaults["core"])
        else f"this page's choice; Working Together 2010 set {defaults['initial']} and "
        f"{defaults['core']}"
    )
    return (
        "How the figures are counted: an assessment is on time when the working days after its "
        "start, up to and including its completion, are no more than its timescale "
        f"({initial} for initial, {core} for core, {source}). It is out of timescale at a month "
        "end when it is still open on that day and its deadline came before it. A case is open "
        "at a month end when it started on or before that day and had not ended by it. "
        "Caseload per worker divides a team's open cases by the workers holding at least one; "
        "the extract records each case's current worker, so earlier months' caseloads are "
        "approximate."
    )

"""Monthly KPIs from case-level records: timeliness, overdue backlogs, open CIN cases, caseloads.

The rules follow Working Together to Safeguard Children (2010) for the timescales (held in
the metric catalogue; working days are counted by analysis.cases.workdays) and the children in
need census guidance for what counts as open:

- on time: an assessment whose working days taken are at most its timescale; for each month,
  of the assessments completed in it, the count completed, the count on time and the share;
- overdue: an assessment still open at the month's last day whose deadline (the timescale's
  last working day) is before that day;
- open CIN cases: episodes started on or before the month's last day and not ended by it;
- caseload per worker, by team: episodes open at the month's last day divided by the workers
  holding at least one of them.

"Open at a date" means started on or before it and not completed or ended on or before it, for
assessments and episodes alike. Everything is computed with array operations over the whole
extract (interval counting with cumulative sums), never a Python loop over records.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.cases import workdays
from analysis.cases.counting import (
    caseloads,
    completed_by_month,
    month_ends,
    overdue_at_month_ends,
)
from analysis.cases.extract import ASSESSMENT_TYPES, Extract, ExtractFile
from analysis.metrics import catalogue, tidy


def default_months(extract_rows: tuple[pd.DataFrame, pd.DataFrame]) -> tuple:
    """From the month of the first assessment start (else episode start) to the latest date."""
    assessments, episodes = extract_rows
    starts = assessments["start_date"] if len(assessments) else episodes["start_date"]
    dates = [
        assessments["start_date"],
        assessments["completed_date"],
        episodes["start_date"],
        episodes["end_date"],
    ]
    latest = max((d.max() for d in dates if d.notna().any()), default=pd.NaT)
    if pd.isna(latest) or not starts.notna().any():
        return None, None
    return np.datetime64(starts.min(), "M"), np.datetime64(latest, "M")


def compute(
    extract: Extract,
    timescales: Mapping[str, int] | None = None,
    first: np.datetime64 | None = None,
    last: np.datetime64 | None = None,
) -> pd.DataFrame:
    """The monthly KPIs of a validated extract as a tidy table (plus internal columns).

    Two columns are never written: `numerator` (the count behind a rate or ratio, for
    disclosure control) and `timescale_working_days` (the timescale an assessment metric was
    counted against, so that labels and words name the timescale in force).
    """
    return kpi_table(
        extract.assessments,
        extract.episodes,
        timescales=timescales,
        first=first,
        last=last,
    )


def kpi_table(
    assessments: ExtractFile,
    episodes: ExtractFile,
    timescales: Mapping[str, int] | None = None,
    first: np.datetime64 | None = None,
    last: np.datetime64 | None = None,
) -> pd.DataFrame:
    """Assessment and episode KPIs for every month from `first` to `last` (default: the data's).

    `timescales` (assessment type -> working days) overrides the catalogue's for the types named.
    """
    timescales = in_force(timescales)
    a, e = assessments.rows, episodes.rows
    data_first, data_last = default_months((a, e))
    first = first if first is not None else data_first
    last = last if last is not None else data_last
    if first is None or last is None or last < first:
        return kpi_frame([])
    ends = month_ends(first, last)
    parts = [
        *_assessment_rows(a, ends, timescales, assessments),
        *_episode_rows(e, ends, episodes),
    ]
    return kpi_frame(parts)


def in_force(timescales: Mapping[str, int] | None = None) -> dict[str, int]:
    """The catalogue's timescales, with those given taking their place."""
    return {**catalogue.timescales(), **(timescales or {})}


def _dates(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy().astype("datetime64[D]")


def _assessment_rows(
    a: pd.DataFrame, ends: np.ndarray, timescales: Mapping[str, int], table: ExtractFile
) -> list[pd.DataFrame]:
    start, completed = _dates(a, "start_date"), _dates(a, "completed_date")
    cal = workdays.working_calendar_for(start, completed, ends)
    # As codes (the extract reads types as categories): comparing integers, not strings.
    types = pd.Categorical(a["assessment_type"], categories=ASSESSMENT_TYPES).codes
    parts = []
    for code, kind in enumerate(ASSESSMENT_TYPES):
        mine = types == code
        if not mine.any():
            continue  # a type the extract does not use (single before 2013): no series at all
        s, c = start[mine], completed[mine]
        days = timescales[kind]
        taken = workdays.working_days_taken(s, c, cal)
        on_time = (taken >= 0) & (taken <= days)
        done, timely = completed_by_month(c, on_time, ends)
        overdue = overdue_at_month_ends(workdays.deadline(s, days, cal), c, ends)
        with np.errstate(invalid="ignore", divide="ignore"):
            pct = np.round(100.0 * timely / done, 1)
        src = (table.name, f"sha256:{table.sha256}")
        parts += [
            metric_rows(f"{kind}_assessments_completed", ends, done, src, days=days),
            metric_rows(f"{kind}_assessments_on_time", ends, timely, src, days=days),
            metric_rows(
                f"{kind}_assessments_on_time_pct", ends, pct, src, den=done, num=timely, days=days
            ),
            metric_rows(f"{kind}_assessments_overdue", ends, overdue, src, days=days),
        ]
    return parts


def _episode_rows(e: pd.DataFrame, ends: np.ndarray, table: ExtractFile) -> list[pd.DataFrame]:
    start, end = _dates(e, "start_date"), _dates(e, "end_date")
    src = (table.name, f"sha256:{table.sha256}")
    # The columns as they are (often categorical): factorizing them is then almost free.
    teams, open_by_team, workers = caseloads(e["team"], e["worker_id"], start, end, ends)
    # Every episode names its team (the schema requires one), so the teams' open episodes add
    # up to the service's: counted once, not again over a million rows.
    parts = [metric_rows("open_cin_cases", ends, open_by_team.sum(axis=0), src)]
    for i, team in enumerate(teams):
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.round(open_by_team[i] / workers[i], 1)
        parts.append(
            metric_rows("caseload_per_worker", ends, ratio, src, scope=team, num=open_by_team[i])
        )
    return parts


def month_labels(ends: np.ndarray) -> list[str]:
    """ "April 2024" for each month end."""
    months = ends.astype("datetime64[M]").astype(np.int64)
    return [f"{_calendar.month_name[m % 12 + 1]} {1970 + m // 12}" for m in months]


def metric_rows(
    metric: str,
    ends: np.ndarray,
    values: np.ndarray,
    source: tuple[str, str],
    scope: str = "service",
    den: np.ndarray | None = None,
    num: np.ndarray | None = None,
    days: int | None = None,
) -> pd.DataFrame:
    """One metric's monthly rows; months where the value is undefined (0 of 0) are left out."""
    values = np.asarray(values, dtype=float)
    frame = pd.DataFrame(
        {
            "metric": metric,
            "scope": scope,
            "period": month_labels(ends),
            "period_start": pd.to_datetime(ends.astype("datetime64[M]").astype("datetime64[D]")),
            "period_end": pd.to_datetime(ends),
            "date_quality": "exact",
            "value": values,
            "unit": catalogue.get(metric).unit,
            "qualifier": "",
            "denominator": np.nan if den is None else np.asarray(den, dtype=float),
            "source": source[0],
            "source_ref": source[1],
            # Not written: the count behind a rate or ratio, for disclosure control.
            "numerator": np.nan if num is None else np.asarray(num, dtype=float),
            # Not written: the timescale the rules used, for the labels and words.
            tidy.TIMESCALE: np.nan if days is None else float(days),
        }
    )
    return frame[np.isfinite(values)]


def kpi_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Metrics' rows as one table (an empty one in the same columns when there are none)."""
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=[*tidy.COLUMNS, "numerator", tidy.TIMESCALE])
    return pd.concat(parts, ignore_index=True)

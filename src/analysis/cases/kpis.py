"""Monthly KPIs from case-level records: timeliness, overdue backlogs, open CIN cases, caseloads.

The rules follow Working Together to Safeguard Children (2010) for the timescales (see
analysis.workdays) and the children in need census guidance for what counts as open:

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

import argparse
import calendar as _calendar
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.atomic import write_text
from analysis.cases import workdays
from analysis.cases.extract import ASSESSMENT_TYPES, Extract, Table, read_extract, rejects_text
from analysis.errors import UsageError
from analysis.metrics import catalogue, tidy

RUN_FILE = "kpis_run.json"  # what went in: files, hashes, rows used and quarantined


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `analysis kpis`."""
    parser.add_argument(
        "--cases", required=True, help="folder with assessments.csv and cin_episodes.csv"
    )
    parser.add_argument(
        "--out", required=True, help="folder for metrics.csv (relative to the project)"
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="apply disclosure control (suppress small counts) before writing",
    )
    parser.add_argument(
        "--threshold",
        type=int,
        default=None,
        help="with --publish, suppress counts from 1 to this (default 5)",
    )
    parser.add_argument(
        "--protect-differences",
        action="store_true",
        help="with --publish, also suppress on-time figures when the late ones are 1..threshold",
    )
    parser.add_argument(
        "--quarantine",
        action="store_true",
        help="write bad rows to OUT/<file>.rejects.csv with reasons and carry on",
    )
    parser.add_argument("--from", dest="first", help="first month, YYYY-MM (default: the data's)")
    parser.add_argument("--to", dest="last", help="last month, YYYY-MM (default: the data's)")
    for kind, days in workdays.TIMESCALES.items():
        parser.add_argument(
            f"--{kind}-days",
            type=int,
            default=days,
            help=f"timescale for {kind} assessments in working days (default {days})",
        )


def run(args: argparse.Namespace) -> int:
    """Read the extract, compute the monthly KPIs and write OUT/metrics.csv."""
    from analysis.config import relative_to_root, resolve
    from analysis.privacy import disclosure

    cases, out = resolve(args.cases), resolve(args.out)
    if (args.threshold is not None or args.protect_differences) and not args.publish:
        raise UsageError("--threshold and --protect-differences only apply with --publish")
    threshold = disclosure.DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if threshold < 1:
        raise UsageError(f"--threshold must be at least 1, not {threshold}")
    timescales = {k: getattr(args, f"{k}_days") for k in workdays.TIMESCALES}
    if min(timescales.values()) < 1:
        raise UsageError("timescales must be at least 1 working day")
    try:
        first = np.datetime64(args.first, "M") if args.first else None
        last = np.datetime64(args.last, "M") if args.last else None
    except ValueError as exc:
        raise UsageError(f"--from/--to must be months like 2012-04 ({exc})") from None

    extract = read_extract(cases, quarantine=args.quarantine)
    for table in extract.tables:
        rejects = out / f"{Path(table.name).stem}.rejects.csv"
        if args.quarantine:
            write_text(rejects, rejects_text(table))
            print(
                f"{table.name}: {len(table.rejects)} of {table.rows_read} rows quarantined "
                f"-> {relative_to_root(rejects)}"
            )
        else:
            # A rejects file left by an earlier run would describe other input.
            rejects.unlink(missing_ok=True)
    table = compute(extract, timescales=timescales, first=first, last=last)
    if args.publish:
        table = disclosure.suppress(
            table, threshold=threshold, complements=args.protect_differences
        )
    tidy.write(table, out / "metrics.csv")
    write_text(out / RUN_FILE, run_record(extract, args, timescales, threshold, table))
    suppressed = int((table["qualifier"] == tidy.SUPPRESSED).sum())
    note = f", {suppressed} suppressed (threshold {threshold})" if args.publish else ""
    print(f"wrote {len(table)} rows{note} -> {relative_to_root(out / 'metrics.csv')}")
    return 0


def run_record(
    extract: Extract,
    args: argparse.Namespace,
    timescales: Mapping[str, int],
    threshold: int,
    table: pd.DataFrame,
) -> str:
    """A JSON note of what went into metrics.csv, so quarantined rows are never invisible."""
    record = {
        "extracts": [
            {
                "file": t.name,
                "sha256": t.sha256,
                "rows_read": t.rows_read,
                "rows_used": len(t.rows),
                "rows_quarantined": len(t.rejects),
                "rejects_file": f"{Path(t.name).stem}.rejects.csv" if args.quarantine else None,
            }
            for t in extract.tables
        ],
        "timescales_working_days": dict(timescales),
        "published": bool(args.publish),
        "suppression_threshold": threshold if args.publish else None,
        "differences_protected": bool(args.publish and args.protect_differences),
        "rows_written": len(table),
        "rows_suppressed": int((table["qualifier"] == tidy.SUPPRESSED).sum()),
    }
    return json.dumps(record, indent=2) + "\n"


# --- the rules, on arrays -------------------------------------------------------------------


def month_ends(first: np.datetime64, last: np.datetime64) -> np.ndarray:
    """The last day of each month from `first` to `last` inclusive, as datetime64[D]."""
    months = np.arange(np.datetime64(first, "M"), np.datetime64(last, "M") + 1)
    return (months + 1).astype("datetime64[D]") - 1


def _first_index(ends: np.ndarray, days: np.ndarray, strictly_after: bool) -> np.ndarray:
    """Index of the first month end on or after (or strictly after) each day."""
    return np.searchsorted(ends, days, side="right" if strictly_after else "left")


def _last_before(ends: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Index of the last month end strictly before each day; the last month when NaT (open)."""
    idx = np.searchsorted(ends, days, side="left") - 1
    return np.where(np.isnat(days), len(ends) - 1, idx)


def _count_spans(
    first: np.ndarray, last: np.ndarray, n: int, groups: np.ndarray | None = None, n_groups: int = 1
) -> np.ndarray:
    """How many [first, last] month-index spans cover each month, per group: shape (groups, n)."""
    first = np.clip(first, 0, n)
    last = np.clip(last, -1, n - 1)
    keep = first <= last
    g = np.zeros(int(keep.sum()), dtype=np.int64) if groups is None else groups[keep]
    width = n + 1
    diff = np.bincount(g * width + first[keep], minlength=n_groups * width)
    diff -= np.bincount(g * width + last[keep] + 1, minlength=n_groups * width)
    return np.cumsum(diff.reshape(n_groups, width), axis=1)[:, :n]


def open_at_month_ends(start: np.ndarray, end: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many records are open at each month end: started on or before it, not ended by it."""
    first = _first_index(ends, start, strictly_after=False)
    return _count_spans(first, _last_before(ends, end), len(ends))[0]


def overdue_at_month_ends(
    deadline: np.ndarray, completed: np.ndarray, ends: np.ndarray
) -> np.ndarray:
    """How many assessments are open at each month end with their deadline before that day."""
    first = _first_index(ends, deadline, strictly_after=True)
    return _count_spans(first, _last_before(ends, completed), len(ends))[0]


def completed_by_month(
    completed: np.ndarray, on_time: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per month: assessments completed in it, and how many of those were on time."""
    n = len(ends)
    first_month = ends[0].astype("datetime64[M]")
    known = ~np.isnat(completed)
    idx = (completed[known].astype("datetime64[M]") - first_month).astype(np.int64)
    inside = (idx >= 0) & (idx < n)
    idx = idx[inside]
    done = np.bincount(idx, minlength=n)
    timely = np.bincount(idx, weights=on_time[known][inside], minlength=n).astype(np.int64)
    return done, timely


def caseloads(
    team: pd.Series | np.ndarray,
    worker: pd.Series | np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    ends: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Teams (sorted), and per team and month end: open episodes, workers holding at least one."""
    n = len(ends)
    team_code, teams = pd.factorize(team, sort=True)
    worker_code, workers_seen = pd.factorize(worker)
    # The same worker id in two teams counts once in each: pair up team and worker as integers.
    pairs, pair_code = np.unique(
        team_code.astype(np.int64) * len(workers_seen) + worker_code, return_inverse=True
    )
    first = _first_index(ends, start, strictly_after=False)
    last = _last_before(ends, end)
    open_by_team = _count_spans(first, last, n, team_code, len(teams))
    # A worker is counted in a month if any of their episodes in the team spans its end.
    held = _count_spans(first, last, n, pair_code, len(pairs)) > 0
    workers = np.zeros((len(teams), n), dtype=np.int64)
    np.add.at(workers, pairs // max(len(workers_seen), 1), held)
    return np.asarray(teams, dtype=object), open_by_team, workers


# --- the tidy table -------------------------------------------------------------------------


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
    timescales: Mapping[str, int] = workdays.TIMESCALES,
    first: np.datetime64 | None = None,
    last: np.datetime64 | None = None,
) -> pd.DataFrame:
    """The monthly KPIs of a validated extract as a tidy table (plus an internal numerator)."""
    return kpi_table(
        extract.assessments,
        extract.episodes,
        timescales=timescales,
        first=first,
        last=last,
    )


def kpi_table(
    assessments: Table,
    episodes: Table,
    timescales: Mapping[str, int] = workdays.TIMESCALES,
    first: np.datetime64 | None = None,
    last: np.datetime64 | None = None,
) -> pd.DataFrame:
    """Assessment and episode KPIs for every month from `first` to `last` (default: the data's)."""
    a, e = assessments.rows, episodes.rows
    data_first, data_last = default_months((a, e))
    first = first if first is not None else data_first
    last = last if last is not None else data_last
    if first is None or last is None or last < first:
        return _frame([])
    ends = month_ends(first, last)
    parts = [
        *_assessment_rows(a, ends, timescales, assessments),
        *_episode_rows(e, ends, episodes),
    ]
    return _frame(parts)


def _dates(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy().astype("datetime64[D]")


def _assessment_rows(
    a: pd.DataFrame, ends: np.ndarray, timescales: Mapping[str, int], table: Table
) -> list[pd.DataFrame]:
    start, completed = _dates(a, "start_date"), _dates(a, "completed_date")
    cal = workdays.calendar_for(start, completed, ends)
    types = a["assessment_type"].to_numpy()
    parts = []
    for kind in ASSESSMENT_TYPES:
        mine = types == kind
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
            _rows(f"{kind}_assessments_completed", ends, done, src),
            _rows(f"{kind}_assessments_on_time", ends, timely, src),
            _rows(f"{kind}_assessments_on_time_pct", ends, pct, src, den=done, num=timely),
            _rows(f"{kind}_assessments_overdue", ends, overdue, src),
        ]
    return parts


def _episode_rows(e: pd.DataFrame, ends: np.ndarray, table: Table) -> list[pd.DataFrame]:
    start, end = _dates(e, "start_date"), _dates(e, "end_date")
    src = (table.name, f"sha256:{table.sha256}")
    parts = [_rows("open_cin_cases", ends, open_at_month_ends(start, end, ends), src)]
    # The columns as they are (often categorical): factorizing them is then almost free.
    teams, open_by_team, workers = caseloads(e["team"], e["worker_id"], start, end, ends)
    for i, team in enumerate(teams):
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.round(open_by_team[i] / workers[i], 1)
        parts.append(
            _rows("caseload_per_worker", ends, ratio, src, scope=team, num=open_by_team[i])
        )
    return parts


def _month_labels(ends: np.ndarray) -> list[str]:
    months = ends.astype("datetime64[M]").astype(np.int64)
    return [f"{_calendar.month_name[m % 12 + 1]} {1970 + m // 12}" for m in months]


def _rows(
    metric: str,
    ends: np.ndarray,
    values: np.ndarray,
    source: tuple[str, str],
    scope: str = "service",
    den: np.ndarray | None = None,
    num: np.ndarray | None = None,
) -> pd.DataFrame:
    """One metric's monthly rows; months where the value is undefined (0 of 0) are left out."""
    values = np.asarray(values, dtype=float)
    frame = pd.DataFrame(
        {
            "metric": metric,
            "scope": scope,
            "period": _month_labels(ends),
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
        }
    )
    return frame[np.isfinite(values)]


def _frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(columns=[*tidy.COLUMNS, "numerator"])
    return pd.concat(parts, ignore_index=True)


# --- for notebook 04 -----------------------------------------------------------------------

# The cabinet report's before and after (July 2012, paras 4.3 and 4.7), and the months charted.
STORY_BEFORE, STORY_AFTER = np.datetime64("2011-12", "M"), np.datetime64("2012-04", "M")
CHART_FROM, CHART_TO = np.datetime64("2011-04", "M"), np.datetime64("2012-09", "M")


def monthly_kpis(extract_dir: str | Path, threshold: int | None = None) -> pd.DataFrame:
    """The KPIs of an extract folder with disclosure control applied, as a notebook shows them."""
    from analysis.config import resolve
    from analysis.privacy import disclosure

    table = compute(read_extract(resolve(extract_dir)))
    table = disclosure.suppress(table, threshold or disclosure.DEFAULT_THRESHOLD)
    return table.drop(columns="numerator")


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


def _at(table: pd.DataFrame, metric: str, month: np.datetime64) -> str:
    from analysis.story.formatting import fmt_value

    rows = table[
        (table["metric"] == metric)
        & (table["scope"] == "service")
        & (table["period_start"].to_numpy().astype("datetime64[M]") == month)
    ]
    if rows.empty:
        return "not available"
    r = rows.iloc[0]
    return fmt_value(r["value"], r["unit"], r["qualifier"])


def _month_name(month: np.datetime64) -> str:
    return _month_labels(np.array([month], dtype="datetime64[M]"))[0]


def headline(table: pd.DataFrame, authority: str, synthetic: bool) -> str:
    """One sentence: open CIN cases and the initial backlog at the report's two month ends."""
    before, after = _month_name(STORY_BEFORE), _month_name(STORY_AFTER)
    who = (
        "In this synthetic extract (made-up records)" if synthetic else f"In {authority}'s records"
    )
    cin = [_at(table, "open_cin_cases", m) for m in (STORY_BEFORE, STORY_AFTER)]
    backlog = [_at(table, "initial_assessments_overdue", m) for m in (STORY_BEFORE, STORY_AFTER)]
    return (
        f"{who}, open children in need cases went from {cin[0]} at the end of {before} to "
        f"{cin[1]} at the end of {after}, and initial assessments out of timescale from "
        f"{backlog[0]} to {backlog[1]}."
    )


def timeliness_sentence(table: pd.DataFrame) -> str:
    """Plain words on the share of initial and core assessments on time after the backlog."""
    after = _month_name(STORY_AFTER)
    return (
        f"Of the assessments completed in {after}, "
        f"{_at(table, 'initial_assessments_on_time_pct', STORY_AFTER)} of initial assessments "
        f"were within 10 working days and "
        f"{_at(table, 'core_assessments_on_time_pct', STORY_AFTER)} of core assessments within "
        "35. Working days leave out weekends and England and Wales bank holidays."
    )

"""Monthly KPIs and census-year figures from an authority's case records (Annex A, CIN census).

The rules, written once over `CaseRecords` so that every input format gives the same figures
(each is also stated in data/raw/README.md and the metric catalogue):

- referrals received in a month: referrals dated in it;
- a re-referral: a referral whose child had another referral on an earlier date that is on or
  after the same calendar date twelve months before (15 May 2024 counts one from 15 May 2023;
  29 February counts from 28 February a year before). Only referrals in the files given are
  seen, so a single year's census file cannot see an earlier referral whose episode closed
  before its year began;
- single assessments completed in a month, and on time: within the timescale (45 working days
  after the start, up to and including the authorisation date); overdue at a month end: open
  at it with its deadline before it;
- open children in need episodes at a month end: started on or before it and not closed on or
  before it; a referral with no further action is never an open episode;
- children on a child protection plan at a month end: children with a plan started on or before
  it and not ended on or before it (a child with two plans open counts once);
- section 47 enquiries started in a month; initial child protection conferences (ICPCs) held in
  a month, and on time: within 15 working days of the enquiry's start. An enquiry whose
  conference was not required is left out of both;
- caseload per worker, by team: open episodes held by a team at a month end divided by the
  workers holding at least one of them (Annex A's List 6 only: the census names no team).

Census year (from CIN census returns, one set of rows per census year ending at the reference
date, 31 March): children in need at 31 March, referrals in the year, the re-referral share,
children on a plan at 31 March, single assessments authorised in the year and the share on time,
and, with the authority's ONS population aged 0 to 17 for the mid-year before, rates per 10,000
rounded half up to one decimal place, as `analysis benchmark` works out the DfE's.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analysis.cases import workdays
from analysis.cases.counting import (
    caseloads,
    completed_by_month,
    month_ends,
    open_at_month_ends,
    overdue_at_month_ends,
)
from analysis.cases.kpi_table import kpi_frame, metric_rows
from analysis.cases.records import CaseRecords
from analysis.metrics import catalogue, tidy

ICPC_WORKING_DAYS = (
    15  # Working Together: an ICPC within 15 working days of the strategy discussion
)
SINGLE = "single"


@dataclass(frozen=True)
class Population:
    """Children aged 0 to 17 in the authority at one mid-year, and where the figure is from."""

    children: int
    source: str
    source_ref: str


def default_months(records: CaseRecords) -> tuple[np.datetime64 | None, np.datetime64 | None]:
    """The months the records cover: census years from their reference dates, else the data's.

    A census return covers the year to its reference date. An Annex A workbook's window is its
    referrals' (List 3 covers the months before the workbook's date), and it ends at the latest
    referral, assessment or enquiry date: lists of open cases (6, 7) and late assessments reach
    back years, and counting months before the window would give false zeros.
    """
    refs = sorted(f.reference_date for f in records.files if f.reference_date is not None)
    if refs:
        first = np.datetime64(date(refs[0].year - 1, 4, 1), "M")
        return first, np.datetime64(refs[-1], "M")
    referred = records.referrals["referral_date"]
    flow = [
        records.table(name)[column]
        for name, column in (
            ("referrals", "referral_date"),
            ("assessments", "start_date"),
            ("assessments", "completed_date"),
            ("s47", "start_date"),
            ("s47", "icpc_date"),
        )
    ]
    known = [d for d in flow if d.notna().any()]
    if not known:
        return None, None
    start = referred.min() if referred.notna().any() else min(d.min() for d in known)
    return np.datetime64(start, "M"), np.datetime64(max(d.max() for d in known), "M")


def covered(records: CaseRecords, ends: np.ndarray) -> np.ndarray:
    """Which month ends fall in a census year that a return covers (all, for other inputs).

    Returns for 2022 and 2024 without 2023 cover no month of 2022-23: counting those months
    from what the 2024 return happens to hold would undercount them.
    """
    refs = [f.reference_date for f in records.files if f.reference_date is not None]
    if not refs:
        return np.ones(len(ends), dtype=bool)
    inside = np.zeros(len(ends), dtype=bool)
    for ref in refs:
        end = np.datetime64(ref, "D")
        start = np.datetime64(date(ref.year - 1, ref.month, ref.day), "D") + 1
        inside |= (ends >= start) & (ends <= end)
    return inside


def monthly(
    records: CaseRecords,
    first: np.datetime64 | None = None,
    last: np.datetime64 | None = None,
    timescale: int | None = None,
) -> pd.DataFrame:
    """Every monthly KPI from `first` to `last` (default: the records'), as tidy rows.

    `timescale` overrides the catalogue's single assessment timescale (working days). Two
    columns are never written (see analysis.cases.kpi_table): `numerator` and the timescale.
    """
    data_first, data_last = default_months(records)
    first = data_first if first is None else first
    last = data_last if last is None else last
    if first is None or last is None or last < first:
        return kpi_frame([])
    ends = month_ends(first, last)
    days = catalogue.timescales()[SINGLE] if timescale is None else timescale
    cal = workdays.working_calendar_for(*(_dates(records.table(t), c) for t, c in _DATED), ends)
    src = _citation(records)
    parts = [
        *_referral_rows(records.referrals, ends, src),
        *_assessment_rows(records.assessments, ends, days, cal, src),
        *_episode_rows(records.episodes, ends, src),
        metric_rows("children_on_cpp", ends, _children_open(records.cpp, ends), src),
        *_s47_rows(records.s47, ends, cal, src),
    ]
    table = kpi_frame(parts)
    keep = covered(records, ends)
    if keep.all() or table.empty:
        return table
    months = set(ends[keep].astype("datetime64[D]"))
    inside = np.array([np.datetime64(d, "D") in months for d in table["period_end"]], dtype=bool)
    return table[inside].reset_index(drop=True)


_DATED = (
    ("referrals", "referral_date"),
    ("assessments", "start_date"),
    ("assessments", "completed_date"),
    ("s47", "start_date"),
    ("s47", "icpc_date"),
)


def _dates(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy().astype("datetime64[D]")


def _citation(records: CaseRecords) -> tuple[str, str]:
    """Every input file by name, and by SHA-256: what a row's figure was counted from.

    One file is cited as the CSV layout's are (name; `sha256:…`); several name each hash's file.
    """
    names = "; ".join(f.name for f in records.files)
    if len(records.files) == 1:
        return names, f"sha256:{records.files[0].sha256}"
    return names, "; ".join(f"{f.name} sha256:{f.sha256}" for f in records.files)


def rereferrals(referrals: pd.DataFrame) -> np.ndarray:
    """True for each referral that came within 12 months of the same child's earlier referral."""
    if referrals.empty:
        return np.zeros(0, dtype=bool)
    dates = referrals["referral_date"].to_numpy().astype("datetime64[D]")
    child = pd.factorize(referrals["child_id"])[0]
    # The latest earlier date for the same child: sort by child then date, and look back over
    # same-day referrals (an earlier referral must be on an earlier day).
    order = np.lexsort((dates, child))
    c, d = child[order], dates[order]
    new_day = np.ones(len(d), dtype=bool)
    new_day[1:] = (c[1:] != c[:-1]) | (d[1:] != d[:-1])
    day_start = np.maximum.accumulate(np.where(new_day, np.arange(len(d)), 0))
    before = day_start - 1  # the row just before this child's day, if any
    has_before = before >= 0
    has_before[has_before] &= c[before[has_before]] == c[has_before]
    previous = np.full(len(d), np.datetime64("NaT"), dtype="datetime64[D]")
    previous[has_before] = d[before[has_before]]
    window_start = _twelve_months_before(d)
    within = has_before & (previous >= window_start)
    out = np.zeros(len(d), dtype=bool)
    out[order] = within
    return out


def _twelve_months_before(days: np.ndarray) -> np.ndarray:
    """The same calendar date a year earlier (29 February -> 28 February)."""
    stamps = pd.DatetimeIndex(days.astype("datetime64[ns]"))
    return (stamps - pd.DateOffset(years=1)).to_numpy().astype("datetime64[D]")


def _in_month(days: np.ndarray, ends: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """How many of the days (or the sum of their weights) fall in each month."""
    done, weighted = completed_by_month(
        days, np.ones(len(days), dtype=bool) if weights is None else weights, ends
    )
    return done if weights is None else weighted


def _referral_rows(r: pd.DataFrame, ends: np.ndarray, src: tuple[str, str]) -> list[pd.DataFrame]:
    days = _dates(r, "referral_date")
    again = rereferrals(r)
    received, repeat = completed_by_month(days, again, ends)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.round(100.0 * repeat / received, 1)  # as kpi_table rounds its shares
    return [
        metric_rows("referrals_received", ends, received, src),
        metric_rows("rereferrals", ends, repeat, src),
        metric_rows("rereferrals_pct", ends, pct, src, den=received, num=repeat),
    ]


def _assessment_rows(
    a: pd.DataFrame, ends: np.ndarray, days: int, cal: np.busdaycalendar, src: tuple[str, str]
) -> list[pd.DataFrame]:
    start, completed = _dates(a, "start_date"), _dates(a, "completed_date")
    taken = workdays.working_days_taken(start, completed, cal)
    on_time = (taken >= 0) & (taken <= days)
    done, timely = completed_by_month(completed, on_time, ends)
    overdue = overdue_at_month_ends(workdays.deadline(start, days, cal), completed, ends)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.round(100.0 * timely / done, 1)
    return [
        metric_rows("single_assessments_completed", ends, done, src, days=days),
        metric_rows("single_assessments_on_time", ends, timely, src, days=days),
        metric_rows(
            "single_assessments_on_time_pct", ends, pct, src, den=done, num=timely, days=days
        ),
        metric_rows("single_assessments_overdue", ends, overdue, src, days=days),
    ]


def _episode_rows(e: pd.DataFrame, ends: np.ndarray, src: tuple[str, str]) -> list[pd.DataFrame]:
    e = e[~e["nfa"].to_numpy(dtype=bool)]
    start, end = _dates(e, "start_date"), _dates(e, "end_date")
    parts = [metric_rows("open_cin_cases", ends, open_at_month_ends(start, end, ends), src)]
    named = (e["team"].to_numpy(dtype=object) != "") & (e["worker_id"].to_numpy(dtype=object) != "")
    if named.any():
        teams, open_by_team, workers = caseloads(
            e["team"][named], e["worker_id"][named], start[named], end[named], ends
        )
        for i, team in enumerate(teams):
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.round(open_by_team[i] / workers[i], 1)
            parts.append(
                metric_rows(
                    "caseload_per_worker", ends, ratio, src, scope=team, num=open_by_team[i]
                )
            )
    return parts


def _children_open(cpp: pd.DataFrame, ends: np.ndarray) -> np.ndarray:
    """Children with a plan open at each month end, each child counted once."""
    start, end = _dates(cpp, "start_date"), _dates(cpp, "end_date")
    if len(start) == 0:
        return np.zeros(len(ends), dtype=np.int64)
    # A child's overlapping plans are joined into one span first, so that no child is counted
    # twice; a plan starting on the day another ended does not overlap it (open means not yet
    # ended), and spans are then counted as episodes are.
    child = pd.factorize(cpp["child_id"])[0]
    order = np.lexsort((start, child))
    c, s = child[order], start[order]
    e = end[order].astype(np.int64)
    e[np.isnat(end[order])] = np.iinfo(np.int64).max  # still open: later than any date
    reach = pd.Series(e).groupby(c).cummax().to_numpy()
    joins = np.zeros(len(s), dtype=bool)
    joins[1:] = (c[1:] == c[:-1]) & (s[1:].astype(np.int64) < reach[:-1])
    span = np.cumsum(~joins) - 1
    span_start = s[~joins]
    span_reach = pd.Series(reach).groupby(span).max().to_numpy()
    span_end = np.where(
        span_reach == np.iinfo(np.int64).max,
        np.datetime64("NaT"),
        span_reach.astype("datetime64[D]"),
    ).astype("datetime64[D]")
    return open_at_month_ends(span_start, span_end, ends)


def _s47_rows(
    s: pd.DataFrame, ends: np.ndarray, cal: np.busdaycalendar, src: tuple[str, str]
) -> list[pd.DataFrame]:
    started = _in_month(_dates(s, "start_date"), ends)
    needed = ~s["icpc_not_required"].to_numpy(dtype=bool)
    start, held = _dates(s, "start_date")[needed], _dates(s, "icpc_date")[needed]
    taken = workdays.working_days_taken(start, held, cal)
    on_time = (taken >= 0) & (taken <= ICPC_WORKING_DAYS)
    count, timely = completed_by_month(held, on_time, ends)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.round(100.0 * timely / count, 1)
    return [
        metric_rows("s47_enquiries_started", ends, started, src),
        metric_rows("icpcs_held", ends, count, src),
        metric_rows("icpcs_on_time", ends, timely, src),
        metric_rows("icpcs_on_time_pct", ends, pct, src, den=count, num=timely),
    ]


def census_years(
    records: CaseRecords,
    populations: Mapping[int, Population] | None = None,
    timescale: int | None = None,
) -> pd.DataFrame:
    """One set of rows per census year (the reference dates of the files), as tidy rows.

    `populations` maps a mid-year (2023 for the year to 31 March 2024) to the authority's
    children aged 0 to 17; a year without one gets its counts but no rates.
    """
    refs = sorted({f.reference_date for f in records.files if f.reference_date is not None})
    if not refs:
        return kpi_frame([])
    days = catalogue.timescales()[SINGLE] if timescale is None else timescale
    src = _citation(records)
    referred = _dates(records.referrals, "referral_date")
    again = rereferrals(records.referrals)
    episodes = records.episodes[~records.episodes["nfa"].to_numpy(dtype=bool)]
    a_start = _dates(records.assessments, "start_date")
    a_done = _dates(records.assessments, "completed_date")
    taken = workdays.working_days_taken(
        a_start, a_done, workdays.working_calendar_for(a_start, a_done)
    )
    ref_days = np.array(refs, dtype="datetime64[D]")
    cin = open_at_month_ends(_dates(episodes, "start_date"), _dates(episodes, "end_date"), ref_days)
    cpp = _children_open(records.cpp, ref_days)
    rows = []
    for i, ref in enumerate(refs):
        end = ref_days[i]
        start = np.datetime64(date(ref.year - 1, ref.month, ref.day), "D") + 1
        in_year = (referred >= start) & (referred <= end)
        done = (a_done >= start) & (a_done <= end)
        received, repeat = int(in_year.sum()), int((in_year & again).sum())
        completed, timely = int(done.sum()), int((done & (taken >= 0) & (taken <= days)).sum())
        year = f"year to {_day(ref)}"
        at = _day(ref)
        counts = {"cin_count": int(cin[i]), "children_on_cpp": int(cpp[i])}
        rows += [
            _year_row("cin_count", at, start, end, counts["cin_count"], src),
            _year_row("referrals_received", year, start, end, received, src),
            _year_row("rereferrals", year, start, end, repeat, src),
            _year_row(
                "rereferral_pct",
                year,
                start,
                end,
                _share(repeat, received),
                src,
                den=received,
                num=repeat,
            ),
            _year_row("children_on_cpp", at, start, end, counts["children_on_cpp"], src),
            _year_row("single_assessments_completed", year, start, end, completed, src, days=days),
            _year_row("single_assessments_on_time", year, start, end, timely, src, days=days),
            _year_row(
                "single_assessments_on_time_pct",
                year,
                start,
                end,
                _share(timely, completed),
                src,
                den=completed,
                num=timely,
                days=days,
            ),
        ]
        pop = (populations or {}).get(ref.year - 1)
        if pop is None or pop.children <= 0:
            continue
        cited = (f"{src[0]}; {pop.source}", f"{src[1]}; {pop.source_ref}")
        rows += [
            _year_row(
                "cin_rate_per_10k",
                at,
                start,
                end,
                _per_10k(counts["cin_count"], pop.children),
                cited,
                num=counts["cin_count"],
            ),
            _year_row(
                "referral_rate_per_10k",
                year,
                start,
                end,
                _per_10k(received, pop.children),
                cited,
                num=received,
            ),
            _year_row(
                "cpp_rate_per_10k",
                at,
                start,
                end,
                _per_10k(counts["children_on_cpp"], pop.children),
                cited,
                num=counts["children_on_cpp"],
            ),
        ]
    frame = pd.DataFrame(rows)
    return kpi_frame([frame[np.isfinite(frame["value"].to_numpy(dtype=float))]])


def _day(d: date) -> str:
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def _share(part: int, whole: int) -> float:
    """100 × part / whole to one decimal place, halves rounded up, in exact integer arithmetic."""
    if whole == 0:
        return float("nan")
    return ((2000 * part + whole) // (2 * whole)) / 10


def _per_10k(count: int, children: int) -> float:
    """count per 10,000 children to one decimal place, halves rounded up (as the DfE's)."""
    return ((200_000 * count + children) // (2 * children)) / 10


def _year_row(
    metric: str,
    period: str,
    start: np.datetime64,
    end: np.datetime64,
    value: float,
    source: tuple[str, str],
    den: int | None = None,
    num: int | None = None,
    days: int | None = None,
) -> dict[str, object]:
    """One census-year row: a count at the reference date, or a flow over the year to it."""
    at_date = not period.startswith("year")
    return {
        "metric": metric,
        "scope": "service",
        "period": period,
        "period_start": pd.Timestamp(end if at_date else start),
        "period_end": pd.Timestamp(end),
        "date_quality": "exact",
        "value": float(value),
        "unit": catalogue.get(metric).unit,
        "qualifier": "",
        "denominator": np.nan if den is None else float(den),
        "source": source[0],
        "source_ref": source[1],
        "numerator": np.nan if num is None else float(num),
        tidy.TIMESCALE: np.nan if days is None else float(days),
    }


def empty() -> pd.DataFrame:
    """A KPI table with no rows, in the columns `monthly` and `census_years` give."""
    return kpi_frame([])

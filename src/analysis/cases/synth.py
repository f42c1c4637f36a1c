"""A synthetic case-level extract shaped like Peterborough's 2011-12 story. Made up, not real.

Five financial years, April 2009 to March 2014, at the scale of one authority by default (about
16,000 assessments and 9,000 children in need episodes); `--rows` scales both files up for
benchmarks. The story is built in, not left to chance, so that `analysis kpis` gives back the
cabinet report's headline figures (July 2012, paras 4.3, 4.7, 4.15):

- open CIN episodes rise to 1,486 at the end of December 2011 and are pruned to 1,000 by the
  end of April 2012;
- the initial assessment backlog (open past 10 working days) is 235 at the end of December 2011
  and 0 at the end of April 2012; the core backlog 125 then 5;
- about 99% of initial and 92% of core assessments completed in April and May 2012 are on time.

How: month-end stocks (open episodes, overdue assessments) follow target paths exactly, by
choosing which records open and close in each month; the everyday flow of assessments is drawn
at random around monthly rates, with late ones finished before the next month end so that only
the deliberate backlog is ever overdue at a month end. Same seed, same bytes.

That story is written in our CSV layout only (`--format csv`, the default). `--story recent`
is a second made-up record set, April 2021 to March 2024 (analysis.cases.synth_recent), written
as an Annex A workbook, CIN census returns or our CSV layout (analysis.cases.synth_formats).
"""

from __future__ import annotations

import argparse
import re

import numpy as np
import pandas as pd

from analysis.cases import synth_formats, synth_recent, workdays
from analysis.cases.extract import ASSESSMENTS, EPISODES
from analysis.cases.synthetic_files import Synthetic, write
from analysis.cases.synthetic_files import is_synthetic as is_synthetic  # re-exported
from analysis.config import from_command_line, relative_to_root
from analysis.errors import UsageError
from analysis.metrics import catalogue

FIRST_MONTH = np.datetime64("2009-04", "M")
LAST_MONTH = np.datetime64("2014-03", "M")
RA, FS = "Referral and Assessment", "Family Support"

# Monthly paths as (month, value) anchors, straight lines between them.
INITIAL_STARTS = {"2009-04": 95, "2010-03": 99, "2011-09": 200, "2012-04": 220, "2014-03": 210}
INITIAL_ON_TIME = {  # share of the everyday flow completed within 10 working days
    "2009-04": 0.55, "2010-03": 0.53, "2010-09": 0.65, "2011-03": 0.65, "2011-09": 0.62,
    "2011-12": 0.50, "2012-01": 0.75, "2012-02": 0.90, "2012-03": 0.97, "2012-04": 0.99,
    "2012-05": 0.99, "2012-06": 0.975, "2014-03": 0.975,
}  # fmt: skip
INITIAL_BACKLOG = {  # open past 10 working days at the month end
    "2009-04": 0, "2009-07": 30, "2010-03": 60, "2011-03": 80, "2011-09": 180, "2011-11": 210,
    "2011-12": 235, "2012-01": 150, "2012-02": 50, "2012-03": 0, "2012-04": 0, "2012-05": 0,
    "2012-06": 8, "2014-03": 10,
}  # fmt: skip
CORE_STARTS = {"2009-04": 35, "2011-09": 60, "2012-04": 70, "2014-03": 65}
CORE_ON_TIME = {
    "2009-04": 0.55, "2011-09": 0.50, "2011-12": 0.50, "2012-01": 0.70, "2012-03": 0.85,
    "2012-04": 0.95, "2012-05": 0.95, "2012-09": 0.89, "2014-03": 0.90,
}  # fmt: skip
CORE_BACKLOG = {
    "2009-04": 0, "2009-07": 0, "2009-10": 30, "2011-06": 70, "2011-12": 125, "2012-01": 90,
    "2012-02": 40, "2012-03": 8, "2012-04": 5, "2012-05": 7, "2012-09": 8, "2014-03": 8,
}  # fmt: skip
OPEN_CIN = {
    "2009-04": 1150, "2010-03": 1250, "2011-03": 1380, "2011-12": 1486, "2012-01": 1390,
    "2012-02": 1240, "2012-03": 1100, "2012-04": 1000, "2012-09": 1010, "2013-03": 990,
    "2014-03": 1000,
}  # fmt: skip
CASELOAD = {  # cases per worker the team is staffed for (para 4.5: 30 -> 17, 27 -> 20)
    RA: {"2009-04": 24, "2011-12": 30, "2012-04": 17, "2014-03": 17},
    FS: {"2009-04": 22, "2011-12": 27, "2012-04": 20, "2014-03": 19},
}
TEAM_SHARE = {RA: 0.45, FS: 0.55}
BACKLOG_TURNOVER = 0.5  # share of the backlog finished each month (and replaced if it persists)
CIN_CLOSE_RATE = 0.075  # share of open episodes closed each month, before any pruning
SHORT_EPISODES = 0.03  # episodes opened and closed within one month, per open episode
WEEKEND_STARTS = 0.02  # referrals received at a weekend or on a bank holiday
LATE_SPREAD = {"initial": 10, "core": 20}  # how far past the deadline late ones run
DEFAULT_SEED = 2012


FORMATS = ("csv", "annex-a", "cin-census")
STORIES = ("peterborough", "recent")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `analysis synth`."""
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help="csv: our CSV layout (default); annex-a: an Ofsted Annex A workbook; "
        "cin-census: one DfE CIN census return a census year",
    )
    parser.add_argument(
        "--story",
        choices=STORIES,
        default=None,
        help="peterborough: April 2009 to March 2014, shaped like Peterborough's 2011-12 "
        "(csv only; the default for csv); recent: one made-up authority, April 2021 to "
        "March 2024 (the default for annex-a and cin-census)",
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=None,
        help="peterborough: about this many rows in each file (default: one authority's size)",
    )
    parser.add_argument(
        "--children",
        type=int,
        default=None,
        help=f"recent: about this many children in each census year "
        f"(default {synth_recent.DEFAULT_CHILDREN})",
    )
    parser.add_argument(
        "--la-code",
        default=None,
        help=f"cin-census: the three-digit LA code in each header (default "
        f"{synth_formats.DEFAULT_LA_CODE}, which no authority has)",
    )
    parser.add_argument("--out", required=True, help="output folder, from the current folder")


def run(args: argparse.Namespace) -> int:
    """Write the synthetic records in the format asked for, and a README saying they are."""
    story = args.story or ("peterborough" if args.format == "csv" else "recent")
    if story == "peterborough":
        _peterborough_only(args)
    else:
        return _recent(args)
    if args.rows is not None and args.rows < 1000:
        raise UsageError(f"--rows must be at least 1000, not {args.rows}")
    out = from_command_line(args.out)
    extract = generate(args.seed, args.rows)
    write(extract, out)
    print(
        f"wrote {len(extract.assessments)} assessments and {len(extract.episodes)} episodes "
        f"(synthetic, seed {args.seed}) -> {relative_to_root(out)}"
    )
    return 0


def _peterborough_only(args: argparse.Namespace) -> None:
    """The 2009-14 story is our CSV layout only: census schemas start in 2017."""
    if args.format != "csv":
        raise UsageError(
            f"--format {args.format} needs --story recent: the peterborough story (2009-14) "
            "is written as our CSV layout only, since the CIN census schemas start in 2017 "
            "and its records carry no referrals, enquiries or plans"
        )
    for option, value in (("--children", args.children), ("--la-code", args.la_code)):
        if value is not None:
            raise UsageError(f"{option} goes with --story recent, not peterborough")


def _recent(args: argparse.Namespace) -> int:
    """Write the recent story in the format asked for."""
    if args.rows is not None:
        raise UsageError("--rows goes with --story peterborough; use --children for recent")
    if args.la_code is not None and args.format != "cin-census":
        raise UsageError("--la-code goes with --format cin-census")
    children = synth_recent.DEFAULT_CHILDREN if args.children is None else args.children
    if children < 50:
        raise UsageError(f"--children must be at least 50, not {children}")
    la_code = synth_formats.DEFAULT_LA_CODE if args.la_code is None else args.la_code
    if not re.fullmatch(r"\d{3}", la_code):
        raise UsageError(f"--la-code must be three digits (the DfE's old LA code), not {la_code}")
    out = from_command_line(args.out)
    records = synth_recent.generate(args.seed, children)
    said = synth_formats.write(records, args.format, out, la_code)
    print(f"wrote {said} (synthetic, recent, seed {args.seed}) -> {relative_to_root(out)}")
    return 0


def _path(anchors: dict[str, float], months: np.ndarray) -> np.ndarray:
    """A monthly series through the anchors, straight lines between them."""
    x = np.array([np.datetime64(m, "M") for m in anchors], dtype="datetime64[M]").astype(int)
    return np.interp(months.astype(int), x, np.array(list(anchors.values()), dtype=float))


class _Months:
    """The window's months, their first and last days and working days."""

    def __init__(self) -> None:
        self.months = np.arange(FIRST_MONTH, LAST_MONTH + 1)
        self.n = len(self.months)
        self.first_day = self.months.astype("datetime64[D]")
        self.last_day = (self.months + 1).astype("datetime64[D]") - 1
        self.cal = workdays.working_calendar(2006, 2015)

    def random_days(
        self, rng: np.random.Generator, month: np.ndarray, working: bool = True
    ) -> np.ndarray:
        """A random day in each given month (index), a working day unless `working` is False."""
        first, last = self.first_day[month], self.last_day[month]
        span = (last - first).astype(int) + 1
        day = first + (rng.random(len(month)) * span).astype(int)
        if not working:
            return day
        # Roll to a working day inside the month: forward, or back when the month ends first.
        fwd = np.busday_offset(day, 0, roll="forward", busdaycal=self.cal)
        back = np.busday_offset(day, 0, roll="backward", busdaycal=self.cal)
        return np.where(fwd <= last, fwd, back)


def generate(seed: int = DEFAULT_SEED, rows: int | None = None) -> Synthetic:
    """The synthetic extract for a seed; `rows` scales each file to about that many rows."""
    rng = np.random.default_rng(seed)
    m = _Months()
    scale_a = 1.0 if rows is None else rows / _expected_assessments(m)
    scale_e = 1.0 if rows is None else rows / _expected_episodes(m)
    parts = []
    for kind, starts, on_time, backlog in (
        ("initial", INITIAL_STARTS, INITIAL_ON_TIME, INITIAL_BACKLOG),
        ("core", CORE_STARTS, CORE_ON_TIME, CORE_BACKLOG),
    ):
        days = catalogue.timescales()[kind]
        flow = _flow(
            rng, m, kind, days, _path(starts, m.months) * scale_a, _path(on_time, m.months)
        )
        target = np.round(_path(backlog, m.months) * scale_a).astype(int)
        late = _backlog(rng, m, kind, days, target)
        parts += [flow, late]
    assessments = _assessment_table(rng, m, pd.concat(parts, ignore_index=True), scale_a)
    episodes = _episode_table(rng, m, scale_e)
    return Synthetic(assessments, episodes, seed, rows)


def _expected_assessments(m: _Months) -> float:
    """Assessments at scale 1: the flows plus the backlog's new entries (roughly)."""
    flows = _path(INITIAL_STARTS, m.months).sum() + _path(CORE_STARTS, m.months).sum()
    backlogs = (_path(INITIAL_BACKLOG, m.months) + _path(CORE_BACKLOG, m.months)).sum()
    return flows + BACKLOG_TURNOVER * backlogs


def _expected_episodes(m: _Months) -> float:
    """Episodes at scale 1: those open at the start plus the openings (roughly)."""
    c = _path(OPEN_CIN, m.months)
    closes = CIN_CLOSE_RATE * c[:-1] + np.maximum(0, c[:-1] - c[1:])
    return c[0] + (c[1:] - c[:-1] + closes).sum() + SHORT_EPISODES * c.sum()


def _flow(
    rng: np.random.Generator,
    m: _Months,
    kind: str,
    days: int,
    rate: np.ndarray,
    on_time_share: np.ndarray,
) -> pd.DataFrame:
    """The everyday assessments: started at random each month, finished on time or a bit late."""
    counts = rng.poisson(rate)
    month = np.repeat(np.arange(m.n), counts)
    weekend = rng.random(len(month)) < WEEKEND_STARTS
    start = np.where(weekend, m.random_days(rng, month, working=False), m.random_days(rng, month))
    due = workdays.deadline(start, days, m.cal)
    # The share on time is set for the month the deadline falls in, close to the month the
    # assessment is completed and counted in (core ones run seven weeks).
    due_index = np.clip((due.astype("datetime64[M]") - FIRST_MONTH).astype(int), 0, m.n - 1)
    on_time = rng.random(len(month)) < on_time_share[due_index]
    lowest = 1 if kind == "initial" else days // 3
    taken = np.where(
        on_time,
        rng.integers(lowest, days + 1, len(month)),
        rng.integers(days + 1, days + LATE_SPREAD[kind] + 1, len(month)),
    )
    # Completed the same day sometimes; never before the start when it was a weekend.
    taken = np.where(on_time & ~weekend & (rng.random(len(month)) < 0.03), 0, taken)
    completed = np.busday_offset(start, taken, roll="backward", busdaycal=m.cal)
    # A late one is finished by the month end after its deadline, so it is never overdue at a
    # month end: the backlog alone (built below) is.
    due_month_end = (due.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    cap = np.where(
        due < due_month_end,
        due_month_end,
        (due.astype("datetime64[M]") + 2).astype("datetime64[D]") - 1,
    )
    cap = np.busday_offset(cap, 0, roll="backward", busdaycal=m.cal)
    completed = np.maximum(np.minimum(completed, cap), np.where(on_time, completed, due))
    return pd.DataFrame({"type": kind, "start": start, "completed": completed})


def _backlog(
    rng: np.random.Generator, m: _Months, kind: str, days: int, target: np.ndarray
) -> pd.DataFrame:
    """Assessments overdue at month ends: exactly target[k] of them open past deadline at end k."""
    first: list[np.ndarray] = []
    last: list[np.ndarray] = []
    current = np.empty(0, dtype=np.int64)  # ids of items overdue at the previous month end
    next_id = 0
    for k in range(m.n):
        if len(current):
            stay = min(len(current) - round(BACKLOG_TURNOVER * len(current)), target[k])
            leaving = rng.choice(current, len(current) - stay, replace=False)
            last.append(np.stack([leaving, np.full(len(leaving), k - 1)], axis=1))
            current = np.setdiff1d(current, leaving)
        new = np.arange(next_id, next_id + target[k] - len(current))
        next_id += len(new)
        first.append(np.stack([new, np.full(len(new), k)], axis=1))
        current = np.concatenate([current, new])
    last.append(np.stack([current, np.full(len(current), m.n - 1)], axis=1))
    f = np.concatenate(first)
    f = f[np.argsort(f[:, 0])][:, 1]
    lst = np.concatenate(last)
    lst = lst[np.argsort(lst[:, 0])][:, 1]
    # Deadline inside the first month and before its last day; finished in the month after the
    # last month end it was overdue at (or still open at the end of the extract).
    due = m.random_days(rng, f)
    due = np.where(due >= m.last_day[f], np.busday_offset(due, -1, busdaycal=m.cal), due)
    start = np.busday_offset(due, -days, busdaycal=m.cal)
    done_month = np.minimum(lst + 1, m.n - 1)
    completed = m.random_days(rng, done_month)
    completed = np.where(lst + 1 < m.n, completed, np.datetime64("NaT"))
    return pd.DataFrame({"type": kind, "start": start, "completed": completed})


def _assessment_table(
    rng: np.random.Generator, m: _Months, a: pd.DataFrame, scale: float
) -> pd.DataFrame:
    """Ids, children, teams and workers for the assessments, sorted by start date."""
    extract_day = m.last_day[-1]
    completed = a["completed"].to_numpy().astype("datetime64[D]")
    completed = np.where(completed > extract_day, np.datetime64("NaT"), completed)
    start = a["start"].to_numpy().astype("datetime64[D]")
    kind = a["type"].to_numpy()
    order = np.lexsort((rng.random(len(a)), kind, start))
    start, completed, kind = start[order], completed[order], kind[order]
    n = len(start)
    team = np.where((kind == "initial") | (rng.random(n) < 0.5), RA, FS)
    workers = max(2, round(25 * scale))
    return pd.DataFrame(
        {
            "child_id": _ids("C", rng.integers(1, max(2, round(n * 0.8)), n)),
            "assessment_id": _ids("A", np.arange(1, n + 1)),
            "assessment_type": kind,
            "start_date": _text(start),
            "completed_date": _text(completed),
            "team": team,
            "worker_id": _worker_ids(team, rng.integers(1, workers + 1, n)),
        },
        columns=list(ASSESSMENTS.columns),
    )


def _episode_table(rng: np.random.Generator, m: _Months, scale: float) -> pd.DataFrame:
    """CIN episodes whose month-end open count follows OPEN_CIN exactly (times the scale)."""
    target = np.round(_path(OPEN_CIN, m.months) * scale).astype(np.int64)
    # Those open at the first month end began over the two years before.
    before = np.datetime64("2007-04-01") + rng.integers(
        0, (m.last_day[0] - np.datetime64("2007-04-01")).astype(int) + 1, target[0]
    )
    starts, start_month, end_month = [before], [np.full(target[0], -1)], []
    open_ids = np.arange(target[0])
    next_id = target[0]
    for k in range(1, m.n):
        prev = target[k - 1]
        closing = round(CIN_CLOSE_RATE * prev) + max(0, prev - target[k])
        closed = rng.choice(open_ids, closing, replace=False)
        end_month.append(np.stack([closed, np.full(closing, k)], axis=1))
        open_ids = np.setdiff1d(open_ids, closed)
        opening = target[k] - prev + closing
        new = np.arange(next_id, next_id + opening)
        next_id += opening
        start_month.append(np.full(opening, k))
        starts.append(m.random_days(rng, np.full(opening, k)))
        open_ids = np.concatenate([open_ids, new])
    start = np.concatenate(starts)
    smonth = np.concatenate(start_month)
    closes = np.concatenate(end_month)
    end = np.full(len(start), np.datetime64("NaT"), dtype="datetime64[D]")
    # Closed in month k, after the start and on or before the month end.
    lo = np.maximum(start[closes[:, 0]] + 1, m.first_day[closes[:, 1]])
    span = (m.last_day[closes[:, 1]] - lo).astype(int) + 1
    end[closes[:, 0]] = lo + (rng.random(len(closes)) * span).astype(int)
    # Short episodes, opened and closed inside one month: never open at a month end.
    short_n = rng.poisson(SHORT_EPISODES * target)
    short_month = np.repeat(np.arange(m.n), short_n)
    s_start = m.random_days(rng, short_month)
    s_span = (m.last_day[short_month] - s_start).astype(int) + 1
    s_end = s_start + (rng.random(len(short_month)) * s_span).astype(int)
    start = np.concatenate([start, s_start])
    end = np.concatenate([end, s_end])
    month = np.concatenate([np.maximum(smonth, 0), short_month])
    order = np.lexsort((rng.random(len(start)), start))
    start, end, month = start[order], end[order], month[order]
    n = len(start)
    team = np.where(rng.random(n) < TEAM_SHARE[RA], RA, FS)
    worker = np.zeros(n, dtype=np.int64)
    open_now = _path(OPEN_CIN, m.months) * scale
    for name in (RA, FS):
        mine = team == name
        staffed = np.maximum(
            1, np.round(open_now * TEAM_SHARE[name] / _path(CASELOAD[name], m.months))
        ).astype(np.int64)
        # Each episode goes to one of the workers the team had in the month it started.
        worker[mine] = 1 + (rng.random(mine.sum()) * staffed[month[mine]]).astype(np.int64)
    return pd.DataFrame(
        {
            "child_id": _ids("C", rng.integers(1, max(2, round(n * 0.9)), n)),
            "episode_id": _ids("E", np.arange(1, n + 1)),
            "start_date": _text(start),
            "end_date": _text(end),
            "team": team,
            "worker_id": _worker_ids(team, worker),
        },
        columns=list(EPISODES.columns),
    )


def _ids(prefix: str, numbers: np.ndarray) -> np.ndarray:
    """Made-up identifiers like C000123, zero-padded to a fixed width."""
    width = max(6, len(str(int(numbers.max()) if len(numbers) else 0)))
    return np.char.add(prefix, np.char.zfill(numbers.astype(str), width))


def _worker_ids(team: np.ndarray, number: np.ndarray) -> np.ndarray:
    """Made-up worker ids, RA0001 or FS0001, so the same number in two teams is two people."""
    prefix = np.where(team == RA, "RA", "FS")
    return np.char.add(prefix, np.char.zfill(number.astype(str), 4))


def _text(days: np.ndarray) -> np.ndarray:
    """ISO dates, empty where NaT (still open)."""
    text = np.datetime_as_string(days.astype("datetime64[D]"), unit="D")
    return np.where(np.isnat(days), "", text)

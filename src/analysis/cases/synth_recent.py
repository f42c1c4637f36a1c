"""A made-up authority's records for census years 2021-22 to 2023-24 ("recent"). Not real.

One authority, 1 April 2021 to 31 March 2024, seeded: referrals (some with no further action,
some re-referrals within 12 months), single assessments (45 working days; some late, some open
at a month end), section 47 enquiries (an initial child protection conference within 15 working
days, later, or not required), child protection plans, and children in need episodes held by
teams and workers. The same records are written as an Annex A workbook, as CIN census returns
and in our CSV layout (analysis.cases.synth_formats), so that every reader can be held to them.

How: the service runs from April 2018, three years before the first census year, so that
episodes and plans are already open on 1 April 2021 as in any real authority. Each referral is
drawn with its whole course at once (assessment, enquiry, conference, plan, closure); children
are then given to referrals in date order: a new child, a child whose last referral was under
12 months ago and whose episode has closed (a re-referral), or one referred more than a year
ago. Whatever happens after 31 March 2024 is unknown (still open). Episodes closed before
1 April 2021 appear in no file and are dropped, with their assessments, enquiries and plans.

Two simplifications keep every file's view of re-referrals the same, and are part of the story:
a child is re-referred within 12 months only when the earlier referral was made on or after
1 April 2021 (a workbook's referral list starts there; census returns hold older referrals of
episodes still open); and a child has at most one child protection plan (Annex A's list 7 has
one row per child, for the latest plan).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.cases import workdays
from analysis.cases.records import CaseRecords, frame

SIM_START = np.datetime64("2018-04", "M")  # the service runs from here, unseen before 2021
FIRST_MONTH = np.datetime64("2021-04", "M")
LAST_MONTH = np.datetime64("2024-03", "M")
WINDOW_START = FIRST_MONTH.astype("datetime64[D]")
WINDOW_END = (LAST_MONTH + 1).astype("datetime64[D]") - 1
CENSUS_YEARS = (2022, 2023, 2024)  # collection years: the year ending 31 March of each
DEFAULT_CHILDREN = 3000  # about this many children in each census year's return
DEFAULT_SEED = 2012
NAT = np.datetime64("NaT", "D")

# Referrals a month for each child expected in a census year's return (measured: a year's
# return holds the children referred in the year plus those still open from before).
REFERRALS_PER_CHILD = 0.0503
SEASON = {1: 1.0, 2: 1.05, 3: 1.05, 4: 0.95, 5: 1.05, 6: 1.05, 7: 1.0, 8: 0.8, 9: 1.05}
SEASON |= {10: 1.1, 11: 1.1, 12: 0.85}  # fewer in August and December (schools closed)
REFERRAL_TREND = {"2018-04": 1.0, "2024-03": 1.08}
NFA_SHARE = 0.09  # referrals closed with no further action the day they arrive
WEEKEND = 0.02  # referrals received at a weekend or on a bank holiday
# Share of single assessments finished within 45 working days, by the month they start: a
# dip in 2022-23 (staff turnover), then recovery.
ASSESSMENT_ON_TIME = {
    "2018-04": 0.83, "2021-04": 0.84, "2022-03": 0.80, "2022-09": 0.68, "2023-01": 0.72,
    "2023-07": 0.86, "2024-03": 0.90,
}  # fmt: skip
ASSESSMENT_DAYS = 45
SUPPORT_SHARE = 0.55  # assessments finding the child needs support (more than a plan's share)
S47_SHARE = 0.22  # referrals (not NFA) with a section 47 enquiry
ICPC_NOT_REQUIRED = 0.3
ICPC_ON_TIME = {"2018-04": 0.78, "2022-06": 0.7, "2023-03": 0.8, "2024-03": 0.86}
ICPC_DAYS = 15
PLAN_SHARE = 0.85  # conferences that start a child protection plan
RE_REFERRAL = 0.22  # referrals that go to a child referred under 12 months before, if any
REPEAT = 0.06  # referrals that go to a child referred more than a year before
CASELOAD = 18  # episodes per worker that each team is staffed for

ASSESSMENT_TEAMS = ("Assessment Team North", "Assessment Team South")
SUPPORT_TEAMS = ("Family Support East", "Family Support West")
DISABILITY_TEAM = "Children with Disabilities"
TEAMS = (*ASSESSMENT_TEAMS, *SUPPORT_TEAMS, DISABILITY_TEAM)

# Census codes and how often each is drawn.
REFERRAL_SOURCES = {
    "1A": 0.06, "1C": 0.02, "2A": 0.19, "2B": 0.02, "3A": 0.04, "3B": 0.03, "3E": 0.04,
    "3F": 0.04, "4": 0.03, "5A": 0.05, "5B": 0.03, "5C": 0.02, "6": 0.30, "7": 0.03,
    "8": 0.06, "9": 0.02, "10": 0.02,
}  # fmt: skip
ETHNICITIES = {
    "WBRI": 0.7, "WOTH": 0.06, "MWBC": 0.03, "MOTH": 0.03, "AIND": 0.02, "APKN": 0.04,
    "BAFR": 0.03, "BCRB": 0.01, "CHNE": 0.01, "OOTH": 0.03, "REFU": 0.01, "NOBT": 0.03,
}  # fmt: skip
NEEDS = {"N1": 0.55, "N2": 0.07, "N3": 0.04, "N4": 0.08, "N5": 0.15, "N6": 0.03, "N8": 0.04}
NEEDS |= {"N9": 0.04}
ABUSE = {"NEG": 0.48, "EMO": 0.37, "PHY": 0.07, "SAB": 0.04, "MUL": 0.04}
FACTORS = ("3A", "4B", "1B", "2B", "16A", "17A", "20", "11A")
DISABILITIES = ("LD", "AUT", "COMM", "BEH", "MOB")


@dataclass
class Story:
    """The recent records and what the files carry beside them (codes, children's details).

    `episodes` has one row per referral (a census CINdetails): referral and episode share
    a row; `assessments`, `s47` and `cpp` name their episode's row in `episode`.
    """

    children: pd.DataFrame  # child_id, birth_date, gender (1/2), ethnicity, disability
    episodes: pd.DataFrame
    assessments: pd.DataFrame
    s47: pd.DataFrame
    cpp: pd.DataFrame
    seed: int
    size: int  # --children: about this many children in each census year's return

    def records(self, source: str = "") -> CaseRecords:
        """Everything known at 31 March 2024, as `CaseRecords` (the census returns' union)."""
        e, a, s, p = self.episodes, self.assessments, self.s47, self.cpp

        def col(values: pd.Series) -> list:
            return list(values)

        src = [source] * len(e)
        return CaseRecords(
            kind="synthetic",
            files=[],
            referrals=frame(
                "referrals",
                {
                    "child_id": col(e.child_id),
                    "referral_date": col(e.start_date),
                    "nfa": col(e.nfa),
                    "source": src,
                },
            ),
            assessments=frame(
                "assessments",
                {
                    "child_id": col(a.child_id),
                    "start_date": col(a.start_date),
                    "completed_date": col(a.completed_date),
                    "team": col(a.team),
                    "worker_id": col(a.worker),
                    "source": [source] * len(a),
                },
            ),
            episodes=frame(
                "episodes",
                {
                    "child_id": col(e.child_id),
                    "start_date": col(e.start_date),
                    "end_date": col(e.end_date),
                    "nfa": col(e.nfa),
                    "team": col(e.team),
                    "worker_id": col(e.worker),
                    "source": src,
                },
            ),
            s47=frame(
                "s47",
                {
                    "child_id": col(s.child_id),
                    "start_date": col(s.start_date),
                    "icpc_date": col(s.icpc_date),
                    "icpc_not_required": col(s.icpc_not_required),
                    "source": [source] * len(s),
                },
            ),
            cpp=frame(
                "cpp",
                {
                    "child_id": col(p.child_id),
                    "start_date": col(p.start_date),
                    "end_date": col(p.end_date),
                    "source": [source] * len(p),
                },
            ),
        )


def _path(anchors: dict[str, float], months: np.ndarray) -> np.ndarray:
    """A monthly series through the anchors, straight lines between them."""
    x = np.array([np.datetime64(m, "M") for m in anchors], dtype="datetime64[M]").astype(int)
    return np.interp(months.astype(int), x, np.array(list(anchors.values()), dtype=float))


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    """n codes drawn with the given weights (normalised)."""
    p = np.array(list(weights.values()), dtype=float)
    return np.array(list(weights), dtype=object)[rng.choice(len(p), n, p=p / p.sum())]


def _maybe(condition: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Days where the condition holds, NaT elsewhere."""
    return np.where(condition, days, NAT)


def _unknown_after_window(days: np.ndarray) -> np.ndarray:
    """What happens after 31 March 2024 is not known yet: NaT."""
    return np.where(days > WINDOW_END, NAT, days)


def generate(seed: int = DEFAULT_SEED, children: int = DEFAULT_CHILDREN) -> Story:
    """The recent story for a seed, with about `children` children in each year's return."""
    rng = np.random.default_rng(seed)
    cal = workdays.working_calendar(2017, 2026)
    months = np.arange(SIM_START, LAST_MONTH + 1)
    calendar_month = months.astype(int) % 12 + 1
    rate = (
        children
        * REFERRALS_PER_CHILD
        * np.array([SEASON.get(m, 1.0) for m in calendar_month])
        * _path(REFERRAL_TREND, months)
    )
    month = np.repeat(np.arange(len(months)), rng.poisson(rate))
    n = len(month)
    first_day = months.astype("datetime64[D]")
    span = ((months + 1).astype("datetime64[D]") - first_day).astype(int)
    day = first_day[month] + (rng.random(n) * span[month]).astype(int)
    weekend = rng.random(n) < WEEKEND
    working = np.busday_offset(day, 0, roll="forward", busdaycal=cal)
    last_day = (months + 1).astype("datetime64[D]")[month] - 1
    back = np.busday_offset(day, 0, roll="backward", busdaycal=cal)
    working = np.where(working <= last_day, working, back)
    referral = np.sort(np.where(weekend, day, working))
    month = (referral.astype("datetime64[M]") - SIM_START).astype(int)

    nfa = rng.random(n) < NFA_SHARE
    # Single assessment: starts within three working days, on time or late by the month.
    a_start = np.busday_offset(referral, rng.integers(0, 4, n), roll="backward", busdaycal=cal)
    on_time = rng.random(n) < _path(ASSESSMENT_ON_TIME, months)[month]
    taken = np.where(
        on_time,
        rng.integers(8, ASSESSMENT_DAYS + 1, n),
        ASSESSMENT_DAYS + 1 + rng.geometric(1 / 15, n),
    )
    a_done = np.busday_offset(a_start, taken, roll="backward", busdaycal=cal)
    support = rng.random(n) < SUPPORT_SHARE

    # Section 47 enquiry, its conference and a plan.
    s47 = ~nfa & (rng.random(n) < S47_SHARE)
    s_start = np.busday_offset(referral, rng.integers(0, 3, n), roll="backward", busdaycal=cal)
    s47 &= s_start <= WINDOW_END  # an enquiry due to start in April 2024 is not known yet
    not_required = s47 & (rng.random(n) < ICPC_NOT_REQUIRED)
    conference = s47 & ~not_required
    timely = rng.random(n) < _path(ICPC_ON_TIME, months)[month]
    icpc_days = np.where(
        timely, rng.integers(7, ICPC_DAYS + 1, n), ICPC_DAYS + rng.integers(1, 21, n)
    )
    icpc = _maybe(conference, np.busday_offset(s_start, icpc_days, busdaycal=cal))
    plan = conference & (rng.random(n) < PLAN_SHARE)
    cpp_start = _maybe(plan, icpc)
    cpp_end = cpp_start + (90 + rng.exponential(200, n)).astype(int)
    support |= plan

    # Closure: NFA the same day; no support needed soon after the assessment (and any
    # conference); otherwise months of support, past the end of any plan.
    after = np.maximum(a_done, np.where(conference, icpc, a_done))
    closed_soon = after + rng.integers(0, 11, n)
    supported = np.maximum(
        a_done + (60 + rng.exponential(330, n)).astype(int),
        np.where(plan, cpp_end + rng.integers(0, 61, n), a_done),
    )
    end = np.where(nfa, referral, np.where(support, np.maximum(supported, after), closed_soon))

    # Nothing after 31 March 2024 is known.
    a_done, icpc, cpp_end, end = (_unknown_after_window(d) for d in (a_done, icpc, cpp_end, end))
    plan &= ~np.isnat(cpp_start) & (cpp_start <= WINDOW_END)
    cpp_start = _maybe(plan, cpp_start)

    child, birth = _children(rng, referral, end, plan)
    names = _ids("C", np.arange(len(birth)))
    kept = np.isnat(end) | (end >= WINDOW_START)
    rows = np.flatnonzero(kept)
    index = pd.RangeIndex(len(rows))
    a_team = np.array(ASSESSMENT_TEAMS, dtype=object)[rng.integers(0, 2, n)]
    child_disabled = birth["disability"].to_numpy() != "NONE"
    ep_team = np.where(
        nfa | ~support,
        a_team,
        np.where(
            child_disabled[child],
            DISABILITY_TEAM,
            np.array(SUPPORT_TEAMS, dtype=object)[rng.integers(0, 2, n)],
        ),
    )
    reason = np.where(nfa | ~support, "RC8", np.where(rng.random(n) < 0.85, "RC7", "RC5"))
    episodes = pd.DataFrame(
        {
            "child_id": names[child[rows]],
            "start_date": referral[rows],
            "end_date": end[rows],
            "nfa": nfa[rows],
            "team": ep_team[rows],
            "source_code": _choice(rng, REFERRAL_SOURCES, n)[rows],
            "primary_need": _choice(rng, NEEDS, n)[rows],
            "reason_for_closure": reason[rows],
            "assessment_team": a_team[rows],
            "last_seen": _last_seen(rng, referral, end)[rows],
        },
        index=index,
    )
    episodes["previous_referrals"] = earlier_in_year(child, referral, child, referral)[rows]
    ep = pd.Series(np.arange(len(rows)), index=rows)

    a_rows = rows[~nfa[rows] & (a_start[rows] <= WINDOW_END)]  # none begun after the window
    assessments = pd.DataFrame(
        {
            "episode": ep[a_rows].to_numpy(),
            "child_id": names[child[a_rows]],
            "start_date": a_start[a_rows],
            "completed_date": a_done[a_rows],
            "team": a_team[a_rows],
            "support": support[a_rows],
            "factor": np.array(FACTORS, dtype=object)[rng.integers(0, len(FACTORS), n)][a_rows],
        }
    )
    s_rows = rows[s47[rows]]
    enquiries = pd.DataFrame(
        {
            "episode": ep[s_rows].to_numpy(),
            "child_id": names[child[s_rows]],
            "start_date": s_start[s_rows],
            "icpc_date": icpc[s_rows],
            "icpc_not_required": not_required[s_rows],
            "plan": plan[s_rows],
            "icpc_target": np.busday_offset(s_start[s_rows], ICPC_DAYS, busdaycal=cal),
        }
    )
    p_rows = rows[plan[rows]]
    category = _choice(rng, ABUSE, n)
    latest = np.where(rng.random(n) < 0.9, category, _choice(rng, ABUSE, n))
    plans = pd.DataFrame(
        {
            "episode": ep[p_rows].to_numpy(),
            "child_id": names[child[p_rows]],
            "start_date": cpp_start[p_rows],
            "end_date": cpp_end[p_rows],
            "initial_category": category[p_rows],
            "latest_category": latest[p_rows],
        }
    )
    _allocate(rng, episodes, assessments)
    plans["team"] = episodes["team"].to_numpy()[plans["episode"]]
    plans["worker"] = episodes["worker"].to_numpy()[plans["episode"]]
    enquiries["team"] = episodes["team"].to_numpy()[enquiries["episode"]]
    enquiries["worker"] = episodes["worker"].to_numpy()[enquiries["episode"]]
    seen = np.unique(child[rows])
    people = birth.iloc[seen].reset_index(drop=True)
    people.insert(0, "child_id", names[seen])
    return Story(people, episodes, assessments, enquiries, plans, seed, children)


def _children(
    rng: np.random.Generator, referral: np.ndarray, end: np.ndarray, plan: np.ndarray
) -> tuple[np.ndarray, pd.DataFrame]:
    """A child for each referral (in date order), and each child's details.

    A child is free for a new referral the day after the episode closed. A re-referral goes
    to a free child last referred on or after 1 April 2021 and within 364 days; a repeat to a
    free child last referred over 366 days before (so that neither is near the 12-month line).
    A child who has had a plan gets no second one: such referrals go to a new child.
    """
    n = len(referral)
    day = referral.astype(np.int64)
    ends = end.astype("datetime64[D]").astype(np.int64)
    open_ = np.isnat(end)
    window_start = int(WINDOW_START.astype(np.int64))
    draw = rng.random(n)
    picks = rng.random((n, 8))
    child = np.empty(n, dtype=np.int64)
    last: list[int] = []
    had_plan: list[bool] = []
    busy: list[tuple[int, int]] = []  # (last day of the open episode, child)
    fresh: list[int] = []  # free, last referred on or after 1 April 2021
    stale: list[int] = []  # free, any other
    for i in range(n):
        d = int(day[i])
        while busy and busy[0][0] < d:
            c = heapq.heappop(busy)[1]
            (fresh if last[c] >= window_start else stale).append(c)
        chosen = -1
        if draw[i] < RE_REFERRAL:
            chosen = _pick(fresh, picks[i], lambda c, d=d: d - last[c] <= 364, stale)
        elif draw[i] < RE_REFERRAL + REPEAT:
            chosen = _pick(stale, picks[i], lambda c, d=d: d - last[c] > 366, None)
        if chosen >= 0 and plan[i] and had_plan[chosen]:
            (stale if d - last[chosen] > 366 else fresh).append(chosen)
            chosen = -1
        if chosen < 0:
            chosen = len(last)
            last.append(d)
            had_plan.append(False)
        last[chosen] = d
        had_plan[chosen] = had_plan[chosen] or bool(plan[i])
        child[i] = chosen
        heapq.heappush(busy, (np.iinfo(np.int64).max if open_[i] else int(ends[i]), chosen))
    count = len(last)
    first = np.full(count, np.iinfo(np.int64).max)
    np.minimum.at(first, child, day)
    age_days = rng.integers(0, 18 * 365, count)
    births = (first - age_days).astype("datetime64[D]")
    return child + 1, pd.DataFrame(
        {
            "birth_date": np.concatenate([[births[0]], births]),  # row 0 unused: ids start at 1
            "gender": np.concatenate([[0], rng.choice([1, 2], count)]),
            "ethnicity": np.concatenate([["NOBT"], _choice(rng, ETHNICITIES, count)]),
            "disability": np.concatenate(
                [
                    ["NONE"],
                    np.where(
                        rng.random(count) < 0.06,
                        np.array(DISABILITIES, dtype=object)[rng.integers(0, 5, count)],
                        "NONE",
                    ),
                ]
            ),
        }
    )


def _pick(pool: list[int], picks: np.ndarray, ok, spill: list[int] | None) -> int:
    """A random child from the pool that passes `ok`, or -1; failures move to `spill`."""
    for p in picks:
        if not pool:
            return -1
        k = int(p * len(pool))
        c = pool[k]
        pool[k] = pool[-1]
        pool.pop()
        if ok(c):
            return c
        if spill is not None:
            spill.append(c)  # too long ago for a re-referral now: a repeat later
        else:
            pool.append(c)
    return -1


def earlier_in_year(
    event_child: np.ndarray, event_day: np.ndarray, child: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """For each (child, day): the child's events on or after the same date a year before, and
    before the day (Annex A's "in the last 12 months" columns). Children as integers."""
    event_day = np.asarray(event_day, dtype="datetime64[D]")
    day = np.asarray(day, dtype="datetime64[D]")
    since = (pd.to_datetime(day) - pd.DateOffset(years=1)).to_numpy().astype("datetime64[D]")
    # One sorted key per event, child first: each child's events are one run, in date order.
    big = np.int64(1) << 32
    keys = np.sort(np.asarray(event_child, dtype=np.int64) * big + event_day.astype(np.int64))
    base = np.asarray(child, dtype=np.int64) * big
    return np.searchsorted(keys, base + day.astype(np.int64)) - np.searchsorted(
        keys, base + since.astype(np.int64)
    )


def _last_seen(rng: np.random.Generator, referral: np.ndarray, end: np.ndarray) -> np.ndarray:
    """A visit date between the referral and the closure (or 31 March 2024)."""
    until = np.where(np.isnat(end), WINDOW_END, end)
    span = (until - referral).astype(int)
    back = (rng.random(len(referral)) * np.minimum(span, 40)).astype(int)
    return until - back


def _allocate(rng: np.random.Generator, episodes: pd.DataFrame, assessments: pd.DataFrame):
    """Workers for episodes and assessments: each team staffed for CASELOAD open episodes.

    A team's size comes from its mean number of open episodes at the window's month ends.
    An episode closed after its assessment stays with the assessment's worker.
    """
    month_ends = (np.arange(FIRST_MONTH, LAST_MONTH + 1) + 1).astype("datetime64[D]") - 1
    start = episodes["start_date"].to_numpy().astype("datetime64[D]")
    end = episodes["end_date"].to_numpy().astype("datetime64[D]")
    team = episodes["team"].to_numpy()
    open_at = (start[:, None] <= month_ends) & (
        np.isnat(end)[:, None] | (end[:, None] > month_ends)
    )
    first = 1
    pools: dict[str, np.ndarray] = {}
    for name in TEAMS:
        mean_open = open_at[team == name].sum() / len(month_ends)
        size = max(2, round(mean_open / CASELOAD))
        pools[name] = np.arange(first, first + size)
        first += size
    width = max(3, len(str(first - 1)))

    def workers(teams: np.ndarray) -> np.ndarray:
        out = np.empty(len(teams), dtype=np.int64)
        for name, pool in pools.items():
            mine = teams == name
            out[mine] = pool[rng.integers(0, len(pool), mine.sum())]
        return out

    a_worker = workers(assessments["team"].to_numpy())
    e_worker = workers(team)
    by_episode = np.full(len(episodes), -1)
    by_episode[assessments["episode"].to_numpy()] = a_worker
    same = (team == episodes["assessment_team"].to_numpy()) & (by_episode >= 0)
    e_worker = np.where(same, by_episode, e_worker)
    name = np.vectorize(lambda k: f"Worker {k:0{width}d}", otypes=[object])
    assessments["worker"] = name(a_worker) if len(a_worker) else np.array([], dtype=object)
    episodes["worker"] = name(e_worker) if len(e_worker) else np.array([], dtype=object)
    # The referral's team and worker in Annex A's list 3: the assessment's.
    ref_worker = np.where(by_episode >= 0, by_episode, e_worker)
    episodes["referral_worker"] = name(ref_worker) if len(ref_worker) else ref_worker


def _ids(prefix: str, numbers: np.ndarray) -> np.ndarray:
    """Made-up identifiers like C000123, zero-padded to a fixed width."""
    numbers = np.asarray(numbers)
    width = max(6, len(str(int(numbers.max()) if len(numbers) else 0)))
    return np.char.add(prefix, np.char.zfill(numbers.astype(str), width)).astype(object)

"""The counting rules on arrays: month ends, open and overdue at month ends, caseloads.

"Open at a date" means started on or before it and not completed or ended on or before it, for
assessments and episodes alike. Everything is computed with array operations over the whole
extract (interval counting with cumulative sums), never a Python loop over records.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


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
    pairs, pair_code = _dense_codes(
        team_code.astype(np.int64) * len(workers_seen) + worker_code,
        len(teams) * len(workers_seen),
    )
    first = _first_index(ends, start, strictly_after=False)
    last = _last_before(ends, end)
    open_by_team = _count_spans(first, last, n, team_code, len(teams))
    # A worker is counted in a month if any of their episodes in the team spans its end.
    held = _count_spans(first, last, n, pair_code, len(pairs)) > 0
    workers = np.zeros((len(teams), n), dtype=np.int64)
    np.add.at(workers, pairs // max(len(workers_seen), 1), held)
    return np.asarray(teams, dtype=object), open_by_team, workers


def _dense_codes(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(keys, return_inverse=True) for integer keys in [0, size), without sorting.

    Team-and-worker pairs are few beside the episodes, so marking the ones present in a table
    of all possible pairs is several times faster than sorting a million keys.
    """
    if size > 8 * len(keys) + 1024:  # a sparse key space: sorting costs less than the table
        return np.unique(keys, return_inverse=True)
    present = np.zeros(size, dtype=bool)
    present[keys] = True
    rank = np.cumsum(present) - 1
    return np.flatnonzero(present), rank[keys]

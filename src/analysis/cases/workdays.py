"""Working days in England, for the statutory assessment timescales.

Working Together to Safeguard Children (2010) set the timescales that applied in 2011-12: an
initial assessment within 10 working days of the referral and a core assessment within 35
working days of its start. The single assessment that replaced both in
Working Together 2013 allowed up to 45 working days. The children in need census guidance
counts these in working days: Monday to Friday, less England and Wales bank holidays. The
timescales themselves are held in one place, the metric catalogue (catalogue.timescales()).

Bank holidays come from the `holidays` package (GB, subdivision England), which includes the
one-off days (29 April 2011, 5 June 2012) and the substitute days when a holiday falls at a
weekend (27 December 2011, 2 January 2012). Everything here is vectorised with numpy's
business-day functions so that millions of records take well under a second.
"""

from __future__ import annotations

from functools import cache

import numpy as np

WEEKMASK = "1111100"  # Monday to Friday
_DAY = np.timedelta64(1, "D")


@cache
def bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    """England and Wales bank holidays from first_year to last_year inclusive, as datetime64[D]."""
    import holidays  # imported here (about 0.3 s with its first use): only this function needs it

    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


@cache
def working_calendar(first_year: int, last_year: int) -> np.busdaycalendar:
    """A Monday-to-Friday calendar without England and Wales bank holidays for those years."""
    return np.busdaycalendar(weekmask=WEEKMASK, holidays=bank_holidays(first_year, last_year))


def working_calendar_for(*dates: np.ndarray) -> np.busdaycalendar:
    """A calendar covering every year in the given date arrays, plus a year either side."""
    years = [_years(np.asarray(d, dtype="datetime64[D]")) for d in dates]
    years = [y for y in years if y is not None]
    if not years:
        return working_calendar(2000, 2000)
    # A year either side: deadlines run past the last date and weekend starts roll back.
    return working_calendar(min(y[0] for y in years) - 1, max(y[1] for y in years) + 1)


def _years(days: np.ndarray) -> tuple[int, int] | None:
    known = days[~np.isnat(days)]
    if known.size == 0:
        return None
    first = int(known.min().astype("datetime64[Y]").astype(int)) + 1970
    last = int(known.max().astype("datetime64[Y]").astype(int)) + 1970
    return first, last


def working_days_taken(
    start: np.ndarray, end: np.ndarray, cal: np.busdaycalendar | None = None
) -> np.ndarray:
    """Working days after `start` up to and including `end` (same day = 0); -1 where end is NaT.

    This is how Working Together 2010 timescales are counted: a referral on a Monday whose
    initial assessment is completed on the Monday two weeks later took 10 working days.
    """
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.asarray(end, dtype="datetime64[D]")
    cal = cal or working_calendar_for(start, end)
    known = ~(np.isnat(start) | np.isnat(end))
    out = np.full(start.shape, -1, dtype=np.int64)
    # busday_count counts [begin, end): shifting both by a day gives (start, end].
    out[known] = np.busday_count(start[known] + _DAY, end[known] + _DAY, busdaycal=cal)
    return out


def deadline(
    start: np.ndarray, days: int | np.ndarray, cal: np.busdaycalendar | None = None
) -> np.ndarray:
    """The `days`-th working day after `start` (NaT stays NaT).

    A start at a weekend or on a bank holiday rolls back to the previous working day first, so
    that the first working day after a Saturday referral is the Monday, as it should be.
    """
    start = np.asarray(start, dtype="datetime64[D]")
    cal = cal or working_calendar_for(start)
    return np.busday_offset(start, days, roll="backward", busdaycal=cal)

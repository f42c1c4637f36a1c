"""Working days: weekends, England and Wales bank holidays (one-off and substitute days)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.cases import workdays
from analysis.metrics import catalogue


def d(*days: str) -> np.ndarray:
    return np.array(days, dtype="datetime64[D]")


@pytest.mark.parametrize(
    "day",
    [
        "2011-04-29",  # royal wedding, a one-off
        "2011-12-26",  # Boxing Day
        "2011-12-27",  # substitute for Christmas Day, a Sunday
        "2012-01-02",  # substitute for New Year's Day, a Sunday
        "2012-06-04",  # spring bank holiday, moved
        "2012-06-05",  # diamond jubilee, a one-off
    ],
)
def test_bank_holidays_include_one_off_and_substitute_days(day):
    assert np.datetime64(day) in workdays.bank_holidays(2011, 2012)


def test_ordinary_weekday_is_not_a_bank_holiday():
    assert np.datetime64("2012-06-06") not in workdays.bank_holidays(2011, 2012)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2012-03-05", "2012-03-05", 0),  # completed the same day
        ("2012-03-05", "2012-03-06", 1),
        ("2012-03-09", "2012-03-12", 1),  # Friday to Monday: the weekend does not count
        ("2012-03-05", "2012-03-19", 10),  # Monday to Monday a fortnight on
        ("2012-03-10", "2012-03-12", 1),  # a Saturday referral: Monday is the first day
        ("2011-12-23", "2011-12-28", 1),  # Christmas 2011: 26th and substitute 27th
        ("2011-12-30", "2012-01-03", 1),  # New Year: substitute 2 January
        ("2012-06-01", "2012-06-06", 1),  # 4-5 June 2012
        ("2011-04-28", "2011-05-03", 1),  # royal wedding 29 April, May Day 2 May
        ("2011-12-20", "2012-01-06", 10),  # 17 calendar days, only 10 working days
    ],
)
def test_working_days_taken(start, end, expected):
    assert workdays.working_days_taken(d(start), d(end))[0] == expected


def test_working_days_taken_is_minus_one_while_open():
    taken = workdays.working_days_taken(d("2012-03-05", "2012-03-05"), d("NaT", "2012-03-07"))
    assert taken.tolist() == [-1, 2]


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2012-03-05", 10, "2012-03-19"),
        ("2011-12-20", 10, "2012-01-06"),  # across Christmas and New Year 2011
        ("2012-05-24", 10, "2012-06-11"),  # across the jubilee weekend
        ("2012-03-10", 1, "2012-03-12"),  # Saturday: the first working day after is Monday
        ("2012-03-10", 10, "2012-03-23"),
        ("2012-04-02", 35, "2012-05-24"),  # core: across Easter and May Day 2012
        ("2012-01-01", 1, "2012-01-03"),  # a Sunday bank holiday, then a substitute day
    ],
)
def test_deadline_is_the_nth_working_day_after_the_start(start, days, expected):
    assert workdays.deadline(d(start), days)[0] == np.datetime64(expected)


def test_deadline_day_is_on_time_and_the_next_working_day_is_late():
    start = d("2011-12-20")
    due = workdays.deadline(start, 10)
    assert workdays.working_days_taken(start, due)[0] == 10
    next_day = np.busday_offset(due, 1, busdaycal=workdays.working_calendar(2011, 2012))
    assert workdays.working_days_taken(start, next_day)[0] == 11


def test_deadline_and_days_taken_agree_on_every_day_of_five_years():
    starts = np.arange(np.datetime64("2009-01-01"), np.datetime64("2014-01-01"))
    for days in (10, 35, 45):
        due = workdays.deadline(starts, days)
        assert (workdays.working_days_taken(starts, due) == days).all()
        assert (due > starts).all()


def test_the_catalogues_timescales_are_working_together_2010_and_2013():
    # Initial 10 and core 35 working days (Working Together 2010), single 45 (2013).
    assert catalogue.timescales() == {"initial": 10, "core": 35, "single": 45}


def test_any_year_comes_from_the_package():
    # Easter Monday 7 April 1969 and Boxing Day 1969, a Friday; spring bank holiday 2061, the
    # last Monday of May, worked out by hand from a calendar.
    days = workdays.bank_holidays.__wrapped__(1969, 1970)
    assert np.datetime64("1969-04-07") in days and np.datetime64("1969-12-26") in days
    assert np.datetime64("2061-05-30") in workdays.bank_holidays.__wrapped__(2060, 2061)


def test_the_hand_checked_2012_days():
    assert list(workdays.bank_holidays.__wrapped__(2012, 2012).astype(str)) == [
        "2012-01-01",  # New Year's Day, a Sunday
        "2012-01-02",  # its substitute
        "2012-04-06",  # Good Friday
        "2012-04-09",  # Easter Monday
        "2012-05-07",  # early May
        "2012-06-04",  # spring bank holiday, moved for the jubilee
        "2012-06-05",  # diamond jubilee
        "2012-08-27",  # summer
        "2012-12-25",
        "2012-12-26",
    ]

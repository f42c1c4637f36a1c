"""The KPI rules over an authority's case records (analysis.cases.kpis), worked out by hand.

Calendar used below (England, 2024): 6 May and 27 May are bank holidays; 1 May is a Wednesday.
"""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis.cases import kpis
from analysis.cases import records as R


def _records(files=None, **tables) -> R.CaseRecords:
    files = files or [R.SourceFile("own.xlsx", "ab12", "annex-a", 10, 10, "rows")]
    made = {name: R.frame(name, tables.get(name)) for name in R.COLUMNS}
    return R.CaseRecords(files[0].kind, files, **made, la_code=files[0].la_code)


def _value(table: pd.DataFrame, metric: str, period: str, scope: str = "service") -> float:
    row = table[
        (table["metric"] == metric) & (table["period"] == period) & (table["scope"] == scope)
    ]
    assert len(row) == 1, f"{metric} {scope} {period}: {len(row)} rows"
    return float(row["value"].iloc[0])


def _rows(**columns):
    n = len(next(iter(columns.values())))
    return {**columns, "source": ["own.xlsx"] * n}


def test_rereferral_counts_from_the_same_date_a_year_before():
    # A: 15 May 2023, 15 May 2024 (exactly twelve months later: a re-referral), 3 June 2024.
    # B: 16 May 2023 and 17 May 2024 (a year and a day: not one). C: two on 2 May 2024 (the
    # same day: neither is earlier than the other). D: 29 Feb 2024 after 28 Feb 2023 (29
    # February counts from 28 February a year before: one).
    refs = R.frame(
        "referrals",
        _rows(
            child_id=["A", "A", "A", "B", "B", "C", "C", "D", "D"],
            referral_date=[
                "2023-05-15",
                "2024-05-15",
                "2024-06-03",
                "2023-05-16",
                "2024-05-17",
                "2024-05-02",
                "2024-05-02",
                "2023-02-28",
                "2024-02-29",
            ],
            nfa=[False] * 9,
        ),
    )
    assert kpis.rereferrals(refs).tolist() == [
        False, True, True, False, False, False, False, False, True,
    ]  # fmt: skip


def test_rereferral_a_day_too_early_is_not_counted():
    # 14 May 2023 is before 15 May 2023, the start of the window for 15 May 2024.
    refs = R.frame(
        "referrals",
        _rows(child_id=["A", "A"], referral_date=["2023-05-14", "2024-05-15"], nfa=[False] * 2),
    )
    assert kpis.rereferrals(refs).tolist() == [False, False]


@pytest.fixture
def may_june_2024():
    return _records(
        referrals=_rows(
            child_id=["A", "A", "B", "A"],
            referral_date=["2023-05-15", "2024-05-15", "2024-05-02", "2024-06-03"],
            nfa=[False, False, True, False],
        ),
        assessments=_rows(
            child_id=["A", "B", "E"],
            start_date=["2024-05-01", "2024-05-02", "2024-03-01"],
            completed_date=["2024-06-28", None, "2024-05-31"],
            team=["T1", "T1", "T1"],
            worker_id=["w1", "w2", "w1"],
        ),
        episodes=_rows(
            child_id=["A", "B", "C"],
            start_date=["2024-05-15", "2024-05-02", "2024-04-01"],
            end_date=[None, "2024-05-02", "2024-05-31"],
            nfa=[False, True, False],
            team=["T1", "", "T2"],
            worker_id=["w1", "", "w3"],
        ),
        s47=_rows(
            child_id=["A", "B", "C"],
            start_date=["2024-05-01", "2024-05-10", "2024-05-20"],
            icpc_date=["2024-05-22", "2024-06-20", None],
            icpc_not_required=[False, False, True],
        ),
        cpp=_rows(
            child_id=["A", "A", "B"],
            start_date=["2024-05-22", "2024-05-25", "2024-06-20"],
            end_date=[None, "2024-06-10", None],
        ),
    )


def test_monthly_figures_worked_by_hand(may_june_2024):
    t = kpis.monthly(may_june_2024, first=np.datetime64("2024-04"), last=np.datetime64("2024-06"))
    # Referrals: May has A (15th) and B (2nd, NFA: still a referral); June has A (3rd).
    months = ("April 2024", "May 2024", "June 2024")
    assert [_value(t, "referrals_received", m) for m in months] == [0, 2, 1]
    # A on 15 May 2024 follows 15 May 2023; A on 3 June follows 15 May 2024: one a month.
    assert _value(t, "rereferrals", "May 2024") == 1
    assert _value(t, "rereferrals_pct", "May 2024") == 50.0
    assert _value(t, "rereferrals_pct", "June 2024") == 100.0
    # 0 of 0 referrals in April: no share at all, never 0%.
    assert t[(t["metric"] == "rereferrals_pct") & (t["period"] == "April 2024")].empty
    # Assessments: E, 1 March to 31 May: March 4-29 is 20 working days (29 March Good Friday
    # leaves 19: 4-8, 11-15, 18-22, 25-28), April 1 Easter Monday then 2-30: 21, May 1-31 less
    # 6 and 27 May: 21 -> 61 > 45: late, completed in May. A, 1 May to 28 June: May 2-31
    # less two bank holidays = 20, June 3-28 = 20 -> 40: on time, completed in June.
    assert _value(t, "single_assessments_completed", "May 2024") == 1
    assert _value(t, "single_assessments_on_time", "May 2024") == 0
    assert _value(t, "single_assessments_on_time_pct", "May 2024") == 0.0
    assert _value(t, "single_assessments_on_time_pct", "June 2024") == 100.0
    # E's deadline: the 45th working day after 1 March is 8 May (19 in March, 21 in April
    # -> 40 on 30 April; 1, 2, 3, 7, 8 May -> 45). Open at 30 April: not yet overdue; closed
    # on 31 May, so not open at the May end either. B (from 2 May) is due in July.
    assert [_value(t, "single_assessments_overdue", m) for m in months] == [0, 0, 0]
    # Episodes: C open at the end of April only (closed on 31 May, so not open at its end);
    # B's NFA referral never counts; A open from 15 May.
    assert [_value(t, "open_cin_cases", m) for m in months] == [1, 1, 1]
    assert _value(t, "caseload_per_worker", "April 2024", scope="T2") == 1.0
    assert _value(t, "caseload_per_worker", "June 2024", scope="T1") == 1.0
    # Plans: at 31 May, A has two plans open: one child. At 30 June, A's first and B's.
    assert _value(t, "children_on_cpp", "May 2024") == 1
    assert _value(t, "children_on_cpp", "June 2024") == 2
    # Section 47: A (1 May) and B (10 May) and C (20 May, conference not required) start in May.
    assert _value(t, "s47_enquiries_started", "May 2024") == 3
    # A's ICPC on 22 May: 2, 3, 7-10, 13-17, 20-22 May = 14 working days: on time. B's on 20
    # June: late. C's was not required: left out.
    assert _value(t, "icpcs_held", "May 2024") == 1
    assert _value(t, "icpcs_on_time_pct", "May 2024") == 100.0
    assert _value(t, "icpcs_held", "June 2024") == 1
    assert _value(t, "icpcs_on_time_pct", "June 2024") == 0.0


def test_every_row_cites_the_input_file_and_its_hash(may_june_2024):
    t = kpis.monthly(may_june_2024)
    assert set(t["source"]) == {"own.xlsx"}
    assert set(t["source_ref"]) == {"sha256:ab12"}


def test_no_worker_reaches_the_table(may_june_2024):
    t = kpis.monthly(may_june_2024)
    text = t.to_csv()
    assert "w1" not in text and "w3" not in text


def test_census_year_figures_and_rates_rounded_half_up():
    files = [
        R.SourceFile(
            "cin_2024.xml", "cd34", "cin-census", 4, 4, "children", date(2024, 3, 31), "999"
        )
    ]
    records = _records(
        files,
        referrals=_rows(
            child_id=["A", "B", "C", "A"],
            # C on 31 March 2023 is in the year before; A's second is a re-referral.
            referral_date=["2023-04-01", "2024-03-31", "2023-03-31", "2023-10-01"],
            nfa=[False, True, False, False],
        ),
        episodes=_rows(
            child_id=["A", "B", "C", "A"],
            start_date=["2023-04-01", "2024-03-31", "2023-03-31", "2023-10-01"],
            end_date=["2023-06-30", "2024-03-31", None, None],
            nfa=[False, True, False, False],
            team=[""] * 4,
            worker_id=[""] * 4,
        ),
        assessments=_rows(
            child_id=["A", "C"],
            # Authorised 28 March 2024 (in the year) after 29 working days; and one authorised
            # on 1 April 2024, the next year.
            start_date=["2024-02-16", "2024-03-01"],
            completed_date=["2024-03-28", "2024-04-01"],
            team=[""] * 2,
            worker_id=[""] * 2,
        ),
        cpp=_rows(child_id=["C"], start_date=["2023-05-01"], end_date=[None]),
    )
    pop = {2023: kpis.Population(40_000, "ONS", "ons.csv:9 population_estimate (mid-year 2023)")}
    t = kpis.census_years(records, pop)
    at, year = "31 March 2024", "year to 31 March 2024"
    # Open at 31 March 2024: C and A's second episode (A's first closed, B NFA): 2.
    assert _value(t, "cin_count", at) == 2
    # 2 x 10,000 / 40,000 = 0.5.
    assert _value(t, "cin_rate_per_10k", at) == 0.5
    # In the year: A (1 Apr 2023), A (1 Oct 2023), B (31 Mar 2024); not C (31 Mar 2023).
    assert _value(t, "referrals_received", year) == 3
    assert _value(t, "rereferral_pct", year) == 33.3  # 1 of 3
    # 3 x 10,000 / 40,000 = 0.75 -> 0.8 (half up; half to even would give 0.8 too), and
    # 1 x 10,000 / 40,000 = 0.25 -> 0.3 (half to even would give 0.2).
    assert _value(t, "referral_rate_per_10k", year) == 0.8
    assert _value(t, "children_on_cpp", at) == 1
    assert _value(t, "cpp_rate_per_10k", at) == 0.3
    # 16 Feb to 28 Mar 2024: Feb 19-29 = 9, Mar 1-28 = 20 -> 29 working days: on time.
    assert _value(t, "single_assessments_completed", year) == 1
    assert _value(t, "single_assessments_on_time_pct", year) == 100.0
    rate = t[t["metric"] == "cin_rate_per_10k"].iloc[0]
    assert rate["period_start"] == rate["period_end"] == pd.Timestamp("2024-03-31")
    assert "ons.csv:9" in rate["source_ref"] and rate["source_ref"].startswith("sha256:cd34; ")
    flow = t[t["metric"] == "referrals_received"].iloc[0]
    assert flow["period_start"] == pd.Timestamp("2023-04-01")


def test_census_year_without_population_has_counts_but_no_rates():
    files = [R.SourceFile("c.xml", "ef", "cin-census", 0, 0, "children", date(2022, 3, 31), "999")]
    t = kpis.census_years(_records(files), {})
    assert "cin_count" in set(t["metric"])
    assert not set(t["metric"]) & {"cin_rate_per_10k", "referral_rate_per_10k", "cpp_rate_per_10k"}


def test_census_months_run_over_the_census_years():
    files = [
        R.SourceFile("a.xml", "1", "cin-census", 0, 0, "children", date(2023, 3, 31), "999"),
        R.SourceFile("b.xml", "2", "cin-census", 0, 0, "children", date(2024, 3, 31), "999"),
    ]
    first, last = kpis.default_months(_records(files))
    assert (str(first), str(last)) == ("2022-04", "2024-03")


def test_a_missing_census_year_is_not_counted_from_the_others():
    # Returns for 2022 and 2024 only: April 2022 to March 2023 is covered by neither, and its
    # months are left out rather than counted from what the 2024 return happens to hold.
    files = [
        R.SourceFile("a.xml", "1", "cin-census", 0, 0, "children", date(2022, 3, 31), "999"),
        R.SourceFile("b.xml", "2", "cin-census", 0, 0, "children", date(2024, 3, 31), "999"),
    ]
    t = kpis.monthly(_records(files))
    months = list(dict.fromkeys(t.loc[t["metric"] == "open_cin_cases", "period"]))
    assert len(months) == 24
    assert months[11:13] == ["March 2022", "April 2023"]


def test_an_annex_a_window_opens_with_its_first_referral():
    records = _records(
        referrals=_rows(child_id=["A"], referral_date=["2024-05-02"], nfa=[False]),
        assessments=_rows(
            child_id=["B"],
            start_date=["2022-01-10"],
            completed_date=["2024-06-03"],
            team=["T"],
            worker_id=["w"],
        ),
    )
    first, last = kpis.default_months(records)
    assert (str(first), str(last)) == ("2024-05", "2024-06")

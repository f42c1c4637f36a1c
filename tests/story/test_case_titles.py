"""Page 04's titles: the finding between the compared months, from any extract's figures."""

from __future__ import annotations

import pandas as pd
from tidy_rows import frame, monthly, row

from analysis.story import case_kpis
from analysis.story.case_kpis import CasePage
from analysis.story.case_titles import (
    backlog_title,
    caseload_title,
    cin_title,
    on_time_title,
    subtitle,
)


def _page(*series: pd.DataFrame) -> CasePage:
    table = pd.concat(series, ignore_index=True)
    return CasePage(table, table, files=(), synthetic=False, threshold=5)


def _suppressed(rows: pd.DataFrame, i: int) -> pd.DataFrame:
    rows.loc[i, ["value", "qualifier"]] = [float("nan"), "suppressed"]
    return rows


def test_open_cases_compare_the_first_and_last_months():
    page = _page(monthly("open_cin_cases", [16, 17, 18, 19]))
    assert cin_title(page) == "Open CIN cases rose from 16 to 19, January 2013 to April 2013"


def test_a_suppressed_last_month_gives_the_last_month_with_a_figure():
    page = _page(_suppressed(monthly("open_cin_cases", [16, 17, 18, 4]), 3))
    assert cin_title(page) == "Open CIN cases rose from 16 to 18, January 2013 to March 2013"


def test_backlogs_shares_and_caseloads():
    page = _page(
        monthly("initial_assessments_overdue", [10, 0]),
        monthly("core_assessments_overdue", [30, 12]),
        monthly("initial_assessments_on_time_pct", [50, 93.1]),
        _suppressed(monthly("core_assessments_on_time_pct", [70, 80]), 1),
        monthly("caseload_per_worker", [20, 18], scope="Family Support"),
        monthly("caseload_per_worker", [25, 19], scope="Referral and Assessment"),
    )
    assert backlog_title(page) == "Both assessment backlogs fell, January 2013 to February 2013"
    # Core's February share is suppressed: its last figure is January's, another month.
    assert on_time_title(page) == "93.1% of initial and 70% of core assessments were on time"
    teams = ["Family Support", "Referral and Assessment"]
    assert (
        caseload_title(page, teams) == "Caseloads fell in both teams, January 2013 to February 2013"
    )


def test_an_unchanged_backlog_says_at_what():
    page = _page(monthly("initial_assessments_overdue", [0, 0]))
    assert (
        backlog_title(page)
        == "Initial assessments overdue stayed at 0, January 2013 to February 2013"
    )


def test_the_subtitle_says_what_how_when_and_what_the_data_are():
    rows = monthly("open_cin_cases", [16, 17, 18, 19])
    assert subtitle(_page(rows), [rows], "at each month end") == (
        "Open children in need (CIN) cases (number), at each month end, January 2013 to "
        "April 2013. Data: extract, January 2013 to April 2013."
    )


def test_a_suppressed_compared_month_gives_the_nearest_month_inside_the_span():
    # The synthetic extract compares December 2011 with April 2012; April is suppressed here,
    # so the title compares December (125) with March (8), not with the last month shown (7).
    months = pd.date_range("2011-11-01", periods=7, freq="MS")
    values = [100, 125, 90, 40, 8, None, 7]
    rows = frame(
        *(
            row("core_assessments_overdue", f"{m:%B %Y}", v, start=f"{m:%Y-%m-%d}",
                qualifier="suppressed" if v is None else "")
            for m, v in zip(months, values, strict=True)
        )
    )  # fmt: skip
    page = CasePage(rows, rows, files=(), synthetic=True, threshold=5)
    assert backlog_title(page) == "Core assessments overdue fell, December 2011 to March 2012"


def test_a_backlog_that_left_and_came_back_is_not_said_to_have_stayed():
    # 0 in January and March, 4 in February: the ends match but the backlog moved.
    page = _page(monthly("initial_assessments_overdue", [0, 4, 0]))
    assert (
        backlog_title(page)
        == "Initial assessments overdue returned to 0, January 2013 to March 2013"
    )
    # Both back where they began (0 -> 3 -> 0, 7 -> 9 -> 7): neither "stayed level".
    page = _page(
        monthly("initial_assessments_overdue", [0, 3, 0]),
        monthly("core_assessments_overdue", [7, 9, 7]),
    )
    # (with the span, 75 characters: over MAX_TITLE, so the shorter form)
    assert backlog_title(page) == "Both assessment backlogs ended where they began"


def test_a_withheld_month_between_equal_ends_counts_as_a_move():
    # 0, then 1 to 5 (withheld), then 0: a withheld count is never 0.
    page = _page(_suppressed(monthly("initial_assessments_overdue", [0, 2, 0]), 1))
    assert backlog_title(page).startswith("Initial assessments overdue returned to 0")
    # Truly level throughout: "stayed".
    page = _page(monthly("initial_assessments_overdue", [0, 0, 0]))
    assert backlog_title(page) == (
        "The initial assessment backlog stayed at 0, January 2013 to March 2013"
    )


def test_the_headline_says_back_at_when_the_months_between_differ():
    page = _page(
        monthly("open_cin_cases", [20, 25, 20]),
        monthly("initial_assessments_overdue", [6, 6, 6]),
    )
    assert case_kpis.headline(page.monthly, "Anytown", synthetic=False) == (
        "In this extract, open children in need cases were back at 20 at the end of March 2013, "
        "as at the end of January 2013, and initial assessments out of timescale stayed at 6."
    )

"""Chart titles state the finding in at most 70 characters; subtitles say what is measured."""

from __future__ import annotations

import pytest
from tidy_rows import monthly, shipped_like

from analysis.present import selection
from analysis.story import titles, wording


def _points(df):
    return [selection.timeliness_points(df, p, late) for p, late in selection.TIMELINESS_METRICS]


def test_titles_of_pages_01_to_03_are_short_statements_of_the_finding():
    df = shipped_like()
    found = [
        titles.caseload_title(df),
        titles.cin_title(df),
        titles.backlog_title(df),
        titles.timeliness_title(_points(df)),
    ]
    assert found == [
        "Caseloads fell in every team as the establishment rose from 56 to 81",
        # 1,486 to 1,000 is down 486, 486 / 1,486 = 32.7%: within 1.5 points of a third.
        "Open CIN cases fell by a third, from 1,486 to 1,000",
        "Assessment backlogs fell: initial from 235 to 0, core from 125 to 5",
        # "...were on time in April–May 2012" would be 73 characters: the shorter form is used.
        "99% of initial and 92% of core assessments on time in April–May 2012",
    ]
    assert all(len(t) <= titles.MAX_TITLE for t in found)


def test_other_numbers_give_other_titles():
    df = shipped_like()
    df.loc[(df["metric"] == "open_cin_cases") & (df["value"] == 1000), "value"] = 1600
    # 1,486 to 1,600 is up 114, 114 / 1,486 = 7.7%: no simple fraction, so "8%".
    assert titles.cin_title(df) == "Open CIN cases rose by 8%, from 1,486 to 1,600"
    df = shipped_like()
    df.loc[(df["scope"] == "Family Support") & (df["value"] == 20), "value"] = 31
    assert titles.caseload_title(df) == (
        "Caseloads fell in Referral and Assessment and rose in Family Support"
    )


@pytest.mark.parametrize(
    "pct, words",
    [(-32.7, "a third"), (50.9, "half"), (-26.0, "a quarter"), (40.0, "40%"), (7.7, "8%")],
)
def test_share_words(pct, words):
    assert titles.share_words(pct) == words


def test_fit_takes_the_first_candidate_short_enough():
    long = "x" * 71
    assert titles.fit(long, "short one", "s") == "short one"
    assert titles.fit(long, "y" * 80) == long  # none fits: the shortest


def test_subtitles_say_what_is_measured_in_what_units_and_when():
    df = shipped_like()
    assert titles.subtitle(selection.select(df, "open_cin_cases")) == (
        "Open children in need (CIN) cases (number): December 2011 and end of April 2012."
    )
    panels = [
        selection.select(df, "caseload_per_worker"),
        selection.select(df, "staff_establishment"),
    ]
    assert titles.subtitle(panels) == (
        "Average caseload per worker, by team (cases per worker); staff establishment (number): "
        "before and after, undated in the source."
    )
    assert titles.timeliness_subtitle(_points(df)).startswith(
        "Share of assessments completed within the statutory timescale (%): 10 working days "
        "for initial and 35 working days for core."
    )


def test_cases_that_rose_and_fell_back_returned_rather_than_stayed():
    df = monthly("open_cin_cases", [900, 950, 900])
    # 900, 950, 900: equal ends, a different figure between.
    assert titles.cin_title(df) == "Open CIN cases returned to 900"
    df.loc[1, "value"] = 900
    assert titles.cin_title(df) == "Open CIN cases stayed at 900"


def test_page_02s_title_and_finding_agree_when_cases_came_back():
    df = monthly("open_cin_cases", [900, 950, 900])
    assert titles.cin_title(df) == "Open CIN cases returned to 900"
    assert wording.cin_finding(df, "Anytown") == (
        "In Anytown, open children in need cases returned to 900 in March 2013, the figure in "
        "January 2013."
    )
    # Level throughout: "stayed", never "stayed by 0".
    df.loc[1, "value"] = 900
    assert wording.cin_finding(df, "Anytown") == (
        "In Anytown, open children in need cases stayed at 900 from January 2013 to March 2013."
    )

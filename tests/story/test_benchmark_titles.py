"""Page 05's titles: a finding about the authority named, right for any authority, short."""

from __future__ import annotations

import pytest
from tidy_rows import RAW_FIGURES

from analysis.charts import after_report
from analysis.present import selection
from analysis.published.page import load_page
from analysis.story import benchmark_titles
from analysis.story.titles import MAX_TITLE


@pytest.fixture(scope="module")
def peterborough():
    return load_page("Peterborough")


def test_peterboroughs_titles(peterborough):
    table = peterborough.table
    # Children in need per 10,000, Peterborough against England, 2013 to 2025: above in 2013-17,
    # 2019, 2024 and 2025 (e.g. 351.8 > 331.5 in 2013); below in 2018 and 2020-23: 8 of 13.
    # The full "children in need rate" wording is 72 characters: the CIN form is used.
    assert benchmark_titles.trend_title(table, "Peterborough") == (
        "Peterborough's CIN rate was above England's in 8 of 13 years"
    )
    # 2025, lowest first: ... Walsall 409.3, Peterborough 414.6, Wolverhampton 426.4, Rochdale
    # 460.0: two of the eleven are higher.
    assert benchmark_titles.bar_title(table, "Peterborough") == (
        "Peterborough: 3rd highest children in need rate of 11 similar areas"
    )


def test_after_the_report_titles(peterborough, tmp_path):
    from analysis.metrics.clean import clean

    clean(RAW_FIGURES, tmp_path)
    metrics = selection.load(tmp_path / "metrics.csv")
    census = after_report.report_vs_census_rows(metrics, peterborough.table)
    # 1,486 to 1,000 (a third down); the census 1,597 at 31 March 2013, 2,389 in 2025.
    assert benchmark_titles.census_title(census) == (
        "Report's open CIN cases fell by a third; census count rose since 2013"
    )
    caseloads = after_report.caseload_rows(metrics, peterborough.table)
    # Family Support 27 to 20, Referral and Assessment 30 to 17; DfE 16.6 (2017) to 17.1 (2025).
    assert benchmark_titles.caseload_title(caseloads) == (
        "Both teams' caseloads fell; the DfE's caseload per FTE rose since 2017"
    )


@pytest.mark.parametrize(
    "name",
    [
        "Luton",
        "Kent",
        "City of London",
        "Isles of Scilly",
        "Bournemouth, Christchurch and Poole",
        "North Northamptonshire",
    ],
)
def test_every_authority_gets_short_titles_about_itself(name):
    page = load_page(name)
    found = [
        benchmark_titles.trend_title(page.table, name),
        benchmark_titles.bar_title(page.table, name),
    ]
    for title in found:
        assert len(title) <= MAX_TITLE, title
        assert "Peterborough" not in title
    for subtitle in (
        benchmark_titles.trend_subtitle(page.table, name),
        benchmark_titles.bar_subtitle(page.table, name),
    ):
        assert subtitle.startswith(name) and "Peterborough" not in subtitle


def test_a_headline_counts_only_years_with_a_figure():
    # b1 At31_episodes for Hackney (204) is x in 2021 and 2022; the other 11 years, divided by
    # the ONS children aged 0 to 17 at the mid-year before, are all above England's, e.g.
    # 2013: 2,206 / 57,499 x 10,000 = 383.7 against 378,030 / 11,403,970 x 10,000 = 331.5;
    # 2018: 2,806 / 59,619 = 470.7 against 404,710 / 11,716,740 = 345.4;
    # 2025: 2,184 / 54,191 = 403.0 against 402,400 / 12,183,016 = 330.3.
    # "every year" would claim 2021 and 2022 too; the full wording is 93 characters.
    page = load_page("Hackney")
    assert benchmark_titles.trend_title(page.table, "Hackney") == (
        "Hackney's CIN rate was above England's in 11 of 11 years with a figure"
    )

"""The benchmark page's loading, words and charts: right authority, escaped names, symbols shown."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from tidy_rows import RAW_FIGURES

from analysis.charts import after_report
from analysis.charts import benchmark as charts
from analysis.charts.figures import png_bytes
from analysis.metrics.clean import clean
from analysis.present import formatting, selection
from analysis.published.page import load_page, write_page
from analysis.report import pages
from analysis.story import benchmark as words
from analysis.story import benchmark_alt


@pytest.fixture(scope="module")
def peterborough():
    return load_page("Peterborough")


def test_a_written_page_is_shown_only_for_its_own_authority_and_model(peterborough, tmp_path):
    # A page marked as read from the files: its first value is one no DfE file holds.
    marked = dataclasses.replace(peterborough, table=peterborough.table.copy())
    marked.table.loc[marked.table.index[0], "value"] = -1.0
    path = write_page(marked, tmp_path)
    # Read back whole, without the DfE files (dfe_dir names no folder): the same page.
    mine = load_page("874", benchmarks_path=path, dfe_dir=tmp_path / "no-dfe-here")
    assert mine.table["value"].iloc[0] == -1.0
    assert dataclasses.replace(mine, table=None) == dataclasses.replace(marked, table=None)
    assert (
        load_page("peterborough", benchmarks_path=path, dfe_dir=tmp_path / "none")
        .table["value"]
        .iloc[0]
        == -1.0
    )
    # Luton's page, or Peterborough's with the 2021 neighbours, is built from the DfE files.
    luton = load_page("Luton", benchmarks_path=path)
    authority_rows = luton.table[luton.table["area_type"] == "authority"]
    assert set(authority_rows["area_name"]) == {"Luton"}
    assert (luton.table["value"] != -1.0).all()
    other_model = load_page("874", neighbours="2021", benchmarks_path=path)
    assert (other_model.table["value"] != -1.0).all() and other_model.model == "2021"


def test_headline_from_the_numbers(peterborough):
    # b1:96 Peterborough 2025 At31_episodes 2389 / ons:96 mid-2024 57621 × 10,000 = 414.61…
    # -> 414.6; b1:2 England 402400 / ons:2 12183016 × 10,000 = 330.3 (see test_benchmark).
    text = words.finding(peterborough.table, "Peterborough")
    assert text.startswith("At 31 March 2025, Peterborough had 414.6 children in need")
    assert "above England's 330.3" in text


def test_names_from_data_are_escaped():
    table = pd.DataFrame(
        {
            "metric": ["cin_rate_per_10k"],
            "area_type": ["authority"],
            "area_name": ["<b>Town</b>"],
            "time_period": [2025],
            "value": [float("nan")],
            "symbol": ["c"],
            "unit": ["per 10,000 children"],
        }
    )
    text = words.finding(table, "<b>Town</b>")
    assert "<b>Town</b>" in text and "c (suppressed)" in text  # plain words, name as written
    # As the notebook shows it: escaped into markdown, rendered as text, never as an element.
    rendered = pages._markdown_inline(formatting.markdown_escape(text))
    assert "<b>" not in rendered and "&lt;b&gt;Town&lt;/b&gt;" in rendered


def test_coverage_says_why_a_series_starts_late():
    page = load_page("North Northamptonshire")
    text = words.coverage_text(page)
    assert "figures start in 2022" in text
    assert "North Northamptonshire / West Northamptonshire" in text


def test_tables_show_symbols_not_zero():
    page = load_page("City of London")
    # cla: City of London 2025 rate_per_10000 = c.
    latest = words.latest_values_table(page.table, "City of London")
    row = latest[latest["Measure"] == "Children looked after per 10,000 children"].iloc[0]
    assert row["City of London"] == "c (suppressed)"
    bars = charts.latest_table(page.table)
    # Wide: one row per area, a column per measure; the authority first, England last.
    assert bars["Area"].iloc[0] == "City of London" and bars["Area"].iloc[-1] == "England"
    cla = next(c for c in bars.columns if c.startswith("Children looked after"))
    assert bars[cla].iloc[0].startswith("c (suppressed)")


def test_report_and_census_are_separate_series(peterborough, tmp_path):
    clean(RAW_FIGURES, tmp_path)  # the cabinet report's figures, as first transcribed
    metrics = selection.load(tmp_path / "metrics.csv")
    rows = after_report.report_vs_census_rows(metrics, peterborough.table)
    report = rows[rows["series"] == "report"]
    census = rows[rows["series"] == "census"]
    # Cabinet report para 4.7: 1,486 in December 2011, 1,000 at the end of April 2012.
    assert list(report["value"]) == [1486, 1000]
    # b1:2062: 1,597 at 31 March 2013, the census's first year.
    assert census.iloc[0]["value"] == 1597
    assert census.iloc[0]["period"] == "31 March 2013"
    text = words.report_vs_census_text(metrics, peterborough.table)
    assert "not joined" in text


def test_charts_draw_the_same_bytes_twice(peterborough):
    table = peterborough.table
    first = png_bytes(charts.latest_bar_chart(table, "Peterborough"))
    assert png_bytes(charts.latest_bar_chart(table, "Peterborough")) == first
    trends = charts.trend_chart(table, "Peterborough")
    assert len(trends.axes) == len(charts.TREND_METRICS)
    assert "Peterborough 351.8 in 2013" in benchmark_alt.trend_alt_text(table, "Peterborough")


def test_caseloads_from_both_sources_kept_apart(peterborough, tmp_path):
    clean(RAW_FIGURES, tmp_path)
    metrics = selection.load(tmp_path / "metrics.csv")
    rows = after_report.caseload_rows(metrics, peterborough.table)
    report = rows[rows["series"] == "report"]
    # Cabinet report para 4.5 (undated): Family Support 27 -> 20; Referral and Assessment
    # 30 -> 17.
    assert list(zip(report["team"], report["value"], strict=True)) == [
        ("Family Support", 27),
        ("Family Support", 20),
        ("Referral and Assessment", 30),
        ("Referral and Assessment", 17),
    ]
    published = rows[rows["series"] == "published"]
    # csww:1394 Peterborough 2017 caseload_fte 16.6 (cases 1255), the first published year;
    # csww:95 2025: 17.1.
    assert (published.iloc[0]["when"], published.iloc[0]["value"]) == ("30 September 2017", 16.6)
    assert (published.iloc[-1]["when"], published.iloc[-1]["value"]) == ("30 September 2025", 17.1)
    alt = after_report.caseload_alt(rows, "Peterborough")
    assert "Family Support: 27 before and 20 after, undated" in alt
    assert png_bytes(after_report.caseload_chart(rows, "Peterborough"))


def test_latest_values_table_keeps_its_cells_short(peterborough):
    # Long phrases repeated down narrow columns made this table twice as tall: the note under
    # the table says what rank 1, quartile 1 and "neither" mean.
    latest = words.latest_values_table(peterborough.table, "Peterborough")
    assert list(latest.columns)[-3:] == ["Rank", "Quartile", "Better"]
    assert set(latest["Better"]) == {"lower", "neither"}

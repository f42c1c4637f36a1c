"""Figure CSVs hold raw numbers for machines: the page's display text never reaches them."""

from __future__ import annotations

import csv
import io

import pytest
from tidy_rows import FOI, frame, row, shipped_like

from analysis.charts import benchmark, csv_data, data_tables, figures
from analysis.metrics import tidy
from analysis.present import selection
from analysis.published.page import load_page


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_shares_keep_numerator_denominator_and_suppression_in_columns_of_their_own():
    rows = frame(
        row("initial_assessments_on_time_pct", "May 2012", 93.1, start="2012-05-01",
            end="2012-05-31", denominator=58, source="assessments.csv", ref="sha256:ab"),
        row("initial_assessments_on_time_pct", "June 2012", None, start="2012-06-01",
            end="2012-06-30", qualifier=tidy.SUPPRESSED, source="assessments.csv",
            ref="sha256:ab"),
    )  # fmt: skip
    rows[tidy.SHOWN_NUMERATOR] = [54.0, float("nan")]
    rows[tidy.THRESHOLD] = 5
    table = data_tables.table(rows)
    assert table.iloc[0, 1] == "93.1% (54 of 58)"  # the page keeps its display text
    assert figures.csv_bytes(table) == (
        b"metric,measure,scope,period,period_start,period_end,date_quality,value,unit,"
        b"qualifier,numerator,denominator,status,source\n"
        b"initial_assessments_on_time_pct,Initial assessments within 10 working days,service,"
        b'May 2012,2012-05-01,2012-05-31,exact,93.1,percent,,54,58,,"assessments.csv, sha256:ab"\n'
        b"initial_assessments_on_time_pct,Initial assessments within 10 working days,service,"
        b"June 2012,2012-06-01,2012-06-30,exact,,percent,,,,suppressed (1\xe2\x80\x935),"
        b'"assessments.csv, sha256:ab"\n'
    )


def test_counts_are_plain_numbers_never_thousands_separated():
    table = data_tables.table(selection.select(shipped_like(), "open_cin_cases"))
    assert [r["value"] for r in _rows(figures.csv_bytes(table))] == ["1486", "1000"]


def test_shares_worked_out_from_late_counts_give_both_counts():
    df = shipped_like()
    points = [selection.timeliness_points(df, p, late) for p, late in selection.TIMELINESS_METRICS]
    rows = _rows(figures.csv_bytes(data_tables.timeliness_table(points)))
    april = next(r for r in rows if r["period"] == "April 2012")
    # 1 of 220 late: 219 on time; 219 / 220 = 99.545…% -> 99.5.
    assert (april["value"], april["numerator"], april["denominator"]) == ("99.5", "219", "220")
    # ... and keeps the figure as the FOI states it: 1 late, of 220.
    assert (april["counted_as"], april["stated_value"]) == ("initial_assessments_late", "1")
    assert (april["source_number"], april["role"]) == ("2", "context")
    assert april["source"] == f"{FOI}, https://example.org/foi"


def test_a_published_symbol_stays_a_symbol_with_no_value():
    page = load_page("City of London")
    rows = _rows(figures.csv_bytes(benchmark.latest_table(page.table)))
    # cla: City of London 2025 rate_per_10000 = c (see tests/published/test_page.py).
    (cla,) = [
        r for r in rows if r["area_name"] == "City of London" and r["metric"] == "cla_rate_per_10k"
    ]
    assert (cla["value"], cla["symbol"], cla["status"]) == ("", "c", "suppressed")


@pytest.fixture(scope="module")
def peterborough():
    return load_page("Peterborough")


def test_trend_csv_has_one_row_per_area_and_year_with_raw_rates(peterborough):
    rows = _rows(figures.csv_bytes(benchmark.trend_table(peterborough.table, "Peterborough")))
    first = [r for r in rows if r["metric"] == "cin_rate_per_10k" and r["year"] == "2013"]
    # 1,597 / 45,392 × 10,000 = 351.8 (Peterborough); England 331.5 (see test_benchmark).
    assert [(r["area_type"], r["value"]) for r in first][:3] == [
        ("authority", "351.8"),
        ("region", "266.3"),
        ("england", "331.5"),
    ]
    assert all(r["source"].startswith("DfE") for r in first[:3])
    assert not any("," in r["value"] or "%" in r["value"] for r in rows)


def test_plain_writes_numbers_and_dates_as_machines_read_them():
    import pandas as pd

    assert [csv_data.plain(x) for x in (1486.0, 99.54, float("nan"), 3, "c")] == [
        "1486", "99.54", "", "3", "c",
    ]  # fmt: skip
    assert csv_data.plain(pd.Timestamp("2011-12-01")) == "2011-12-01"

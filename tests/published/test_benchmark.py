"""The benchmark table against figures worked out by hand from the committed DfE files.

Every expected value below was read off data/raw/dfe/*.csv (line numbers given; the header is
line 1) and, for rates and medians, divided or sorted by hand as the comments show. None is
computed by the code under test.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.published import areas, benchmark
from analysis.published.read import read_published
from analysis.published.schema import SYMBOLS


@pytest.fixture(scope="module")
def published():
    return read_published()


@pytest.fixture(scope="module")
def known(published):
    return areas.authorities(published)


def table_for(published, known, query: str, model: str = "2025") -> pd.DataFrame:
    return benchmark.benchmark(published, areas.find(query, known), model)


@pytest.fixture(scope="module")
def peterborough(published, known) -> pd.DataFrame:
    return table_for(published, known, "Peterborough")


@pytest.fixture(scope="module")
def peterborough_2021(published, known) -> pd.DataFrame:
    return table_for(published, known, "Peterborough", "2021")


def one(table: pd.DataFrame, metric: str, area_type: str, year: int, name: str | None = None):
    rows = table[
        (table.metric == metric) & (table.area_type == area_type) & (table.time_period == year)
    ]
    if name is not None:
        rows = rows[rows.area_name == name]
    assert len(rows) == 1, f"{metric} / {area_type} / {year} / {name}: {len(rows)} rows"
    return rows.iloc[0]


def test_columns_are_the_contract_then_extras(peterborough):
    assert list(peterborough.columns[:10]) == [
        "metric",
        "area_type",
        "area_code",
        "area_name",
        "time_period",
        "value",
        "symbol",
        "unit",
        "source",
        "source_ref",
    ]
    assert set(peterborough.area_type) == set(benchmark.AREA_TYPES)
    key = ["metric", "area_type", "area_code", "area_name", "time_period"]
    assert not peterborough.duplicated(key).any()


def test_peterborough_2013_children_in_need_rate(peterborough):
    # b1:2062 Peterborough 2013 At31_episodes = 1597; ons:2062 mid-2012 children 0-17 = 45392.
    # 1597 / 45392 × 10,000 = 351.824… -> 351.8, the DfE's published rate.
    row = one(peterborough, "cin_rate_per_10k", "authority", 2013)
    assert row.value == 351.8
    assert row.symbol == ""
    assert row.unit == "per 10,000 children"
    assert "b1_children_in_need_2013_to_2025.csv:2062" in row.source_ref
    assert "ons_mid-year_population_estimates_2012_to_2024.csv:2062" in row.source_ref
    # b1:2062 again: the count itself, 1597.
    assert one(peterborough, "cin_count", "authority", 2013).value == 1597


def test_referral_rate_uses_the_mid_year_before(peterborough):
    # c1:96 Peterborough 2025 referral_count = 3850; ons:96 mid-2024 children = 57621.
    # 3850 / 57621 × 10,000 = 668.159… -> 668.2 (mid-2025 is not used).
    assert one(peterborough, "referral_rate_per_10k", "authority", 2025).value == 668.2


def test_england_rate_uses_its_own_count_and_population(peterborough):
    # b1:2 England 2025 At31_episodes = 402400; ons:2 England mid-2024 = 12183016.
    # 402400 / 12183016 × 10,000 = 330.2958… -> 330.3.
    row = one(peterborough, "cin_rate_per_10k", "england", 2025)
    assert (row.area_code, row.area_name, row.value) == ("E92000001", "England", 330.3)


def test_percentage_as_published(peterborough):
    # c1:2062 Peterborough 2013 rereferral_percent = 33.5.
    assert one(peterborough, "rereferral_pct", "authority", 2013).value == 33.5
    # csww:95 Peterborough 2025 agency_rate_fte = 18.4, vacancy_rate_fte = 17.7.
    assert one(peterborough, "agency_rate_fte", "authority", 2025).value == 18.4
    assert one(peterborough, "vacancy_rate_fte", "authority", 2025).value == 17.7


def test_caseload_per_fte(peterborough):
    # csww:95 Peterborough 2025 caseload_fte = 17.1 (cases 1740 / case_holders_fte 101.9).
    assert one(peterborough, "caseload_per_fte", "authority", 2025).value == 17.1
    # csww:2 England 2025 caseload_fte = 15.2.
    assert one(peterborough, "caseload_per_fte", "england", 2025).value == 15.2


def test_looked_after_rate_as_published(peterborough):
    # cla:270 Peterborough 2025, "Children looked after on 31 March each year": rate 72.
    assert one(peterborough, "cla_rate_per_10k", "authority", 2025).value == 72


def test_region(peterborough):
    row = one(peterborough, "rereferral_pct", "region", 2025)
    assert (row.area_code, row.area_name) == ("E12000006", "East of England")


def test_neighbour_median_2025_model(peterborough):
    # sn_model_2025_wide.csv:97, Peterborough's SN_1..SN_10: 331 Coventry, 831 Derby,
    # 312 Hillingdon, 350 Bolton, 852 Southampton, 335 Walsall, 821 Luton, 354 Rochdale,
    # 336 Wolverhampton, 883 Thurrock. Their 2025 rereferral_percent in c1:
    # 18.5, 23.1, 20.9, 20.5, 20.2, 19.7, 18.9, 17.2, 20.8, 16.0.
    # Sorted: 16.0 17.2 18.5 18.9 19.7 | 20.2 20.5 20.8 20.9 23.1; median (19.7 + 20.2) / 2
    # = 19.95 -> 20.0 (half up; the float 19.95 would round down to 19.9).
    row = one(peterborough, "rereferral_pct", "neighbours_median", 2025)
    assert row.value == 20.0
    assert row.neighbours_used == 10
    assert row.neighbours_model == "2025"
    names = set(peterborough[peterborough.area_type == "neighbour"].area_name)
    assert names == {
        "Coventry",
        "Derby",
        "Hillingdon",
        "Bolton",
        "Southampton",
        "Walsall",
        "Luton",
        "Rochdale",
        "Wolverhampton",
        "Thurrock",
    }
    assert one(peterborough, "rereferral_pct", "neighbour", 2025, "Thurrock").value == 16.0


def test_neighbour_median_2021_model(peterborough_2021):
    # New_Statistical_Neighbour_Groupings_April_2021.csv, Peterborough (874): SN1..SN10 =
    # 831 Derby, 894 Telford and Wrekin, 887 Medway, 335 Walsall, 879 Plymouth,
    # 852 Southampton, 851 Portsmouth, 373 Sheffield, 350 Bolton, 372 Rotherham.
    # 2025 rereferral_percent in c1: 23.1, 15.8, 24.8, 19.7, 26.0, 20.2, 23.9, 16.5, 20.5, 19.6.
    # Sorted: 15.8 16.5 19.6 19.7 20.2 | 20.5 23.1 23.9 24.8 26.0; median (20.2 + 20.5) / 2
    # = 20.35 -> 20.4.
    row = one(peterborough_2021, "rereferral_pct", "neighbours_median", 2025)
    assert row.value == 20.4
    assert row.neighbours_used == 10
    assert row.neighbours_model == "2021"


def test_rank_and_quartile_in_the_latest_year(peterborough):
    # c1, 2025, the 153 single authorities' rereferral_percent: 72 are below Peterborough's
    # 19.8 (counted with the csv module and a comparison, sorting by hand is not practical):
    # rank 73 of 153; quartile = ceil(4 × 73 / 153) = ceil(1.91) = 2.
    row = one(peterborough, "rereferral_pct", "authority", 2025)
    assert (row["rank"], row.ranked_of, row.quartile) == (73, 153, 2)
    # csww, 2025: 147 single authorities with a caseload_fte number (joint returns left out),
    # 118 below 17.1: rank 119 of 147; quartile ceil(4 × 119 / 147) = ceil(3.24) = 4.
    row = one(peterborough, "caseload_per_fte", "authority", 2025)
    assert (row["rank"], row.ranked_of, row.quartile) == (119, 147, 4)
    # Earlier years and comparators carry no rank.
    assert math.isnan(one(peterborough, "rereferral_pct", "authority", 2024)["rank"])
    assert math.isnan(one(peterborough, "rereferral_pct", "england", 2025)["rank"])


def test_symbols_kept_for_isles_of_scilly(published, known):
    table = table_for(published, known, "isles of scilly")
    # b1: Isles of Scilly 2023 At31_episodes = c; the rate divides a symbol, so it is c too.
    for metric in ("cin_count", "cin_rate_per_10k"):
        row = one(table, metric, "authority", 2023)
        assert row.symbol == "c" and math.isnan(row.value)
    # csww: Isles of Scilly 2025 turnover_rate_fte = z; cla 2025 rate_per_10000 = z.
    assert one(table, "turnover_rate_fte", "authority", 2025).symbol == "z"
    assert one(table, "cla_rate_per_10k", "authority", 2025).symbol == "z"
    # b1: 2024 At31_episodes = 11, a number.
    assert one(table, "cin_count", "authority", 2024).value == 11


def test_symbols_kept_for_city_of_london_never_zero(published, known, tmp_path):
    table = table_for(published, known, "City of London")
    # c1: City of London 2024 rereferral_percent = c; cla 2025 rate_per_10000 = c.
    assert one(table, "rereferral_pct", "authority", 2024).symbol == "c"
    assert one(table, "cla_rate_per_10k", "authority", 2025).symbol == "c"
    with_symbol = table[table.symbol != ""]
    assert len(with_symbol) > 0
    assert set(with_symbol.symbol) <= set(SYMBOLS)
    assert with_symbol.value.isna().all()
    # In the file, a symbol's row has an empty value, never 0.
    path = benchmark.write(table, tmp_path)
    written = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = written[written.symbol != ""]
    assert (rows.value == "").all()


def test_no_rows_before_north_northamptonshire_existed(published, known):
    # b1: North Northamptonshire (940) first appears in 2022 (created 1 April 2021); before,
    # Northamptonshire (928) reported. The workforce file gives 940 only jointly with 941.
    table = table_for(published, known, "North Northamptonshire")
    assert table.time_period.min() == 2022
    assert not (table.time_period < 2021).any()
    mine = table[table.area_type == "authority"]
    assert sorted(mine[mine.metric == "cin_count"].time_period) == [2022, 2023, 2024, 2025]
    # b1: 940 At31_episodes in 2022 = 2203.
    assert one(table, "cin_count", "authority", 2022).value == 2203
    assert "Northamptonshire" not in set(table.area_name)
    assert mine[mine.metric == "caseload_per_fte"].empty


def test_no_median_from_fewer_than_five_numbers():
    # Four numbers and six symbols: no median row at all.
    values = [10.0, 12.0, 14.0, 16.0] + [float("nan")] * 6
    near = pd.DataFrame(
        {
            "metric": "rereferral_pct",
            "time_period": 2025,
            "value": values,
            "unit": "percent",
            "old_la_code": [str(100 + i) for i in range(10)],
        }
    )
    assert benchmark.medians(near, "2025").empty
    # Five numbers: the median of 10, 12, 14, 16, 18 is 14, from 5 neighbours.
    near.loc[4, "value"] = 18.0
    row = benchmark.medians(near, "2025").iloc[0]
    assert (row.value, row.neighbours_used) == (14.0, 5)


def test_same_table_every_time(published, known, peterborough):
    again = table_for(published, known, "874")
    assert benchmark.to_csv_text(again) == benchmark.to_csv_text(peterborough)

"""Figures are shown as their sources state them: a whole number stays whole."""

from __future__ import annotations

import pytest

from analysis.charts.benchmark import value_text
from analysis.published import benchmark
from analysis.published.page import load_page
from analysis.story.benchmark import latest_values_table


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (157.0, "per 10,000", "157"),  # cla rate_per_10000 is published whole
        (351.8, "per 10,000", "351.8"),
        (16.6, "cases per FTE", "16.6"),
        (23.0, "percent", "23%"),
        (23.5, "percent", "23.5%"),
        (1486.0, "count", "1,486"),
    ],
)
def test_a_value_keeps_the_decimals_it_was_published_with(value, unit, shown):
    assert value_text(value, "", unit) == shown


@pytest.fixture(scope="module")
def hartlepool():
    return load_page("Hartlepool")


def test_the_looked_after_rate_is_shown_whole_in_the_table_and_the_csv(hartlepool):
    # cla_number_and_rate_per_10k_children.csv: Hartlepool (805), 2025, children looked after
    # on 31 March, rate_per_10000 "157" (332 children of 21,090).
    table = latest_values_table(hartlepool.table, "Hartlepool")
    row = table[table["Measure"].str.contains("looked after", case=False)].iloc[0]
    assert (row["Year"], row["Hartlepool"]) == ("2025", "157")
    lines = benchmark.to_csv_text(hartlepool.table).splitlines()
    mine = [
        line
        for line in lines
        if line.startswith("cla_rate_per_10k,authority,") and ",2025," in line
    ]
    assert len(mine) == 1 and ",2025,157,," in mine[0]

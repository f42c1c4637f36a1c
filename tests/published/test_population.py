"""An authority's name and ONS children for `kpis` on its own files (published.population)."""

import pytest

from analysis import config
from analysis.errors import UsageError
from analysis.published import population


@pytest.fixture(scope="module")
def known():
    return population.names_and_populations(config.DATA_RAW / "dfe")


def test_a_census_code_names_its_authority(known):
    assert population.authority_for("805", None, known).name == "Hartlepool"


def test_annex_a_needs_the_authority_named(known):
    assert population.authority_for(None, "hartlepool", known).code == "805"
    assert population.authority_for(None, None, known) is None


def test_a_name_that_contradicts_the_return_is_refused(known):
    with pytest.raises(
        UsageError, match=r"names Leeds \(383\) but the census return is Hartlepool"
    ):
        population.authority_for("805", "Leeds", known)


def test_an_unknown_code_leaves_the_authority_unknown_unless_a_name_contradicts_it(known):
    assert population.authority_for("999", None, known) is None
    with pytest.raises(UsageError, match="LA code is 999, which table B1"):
        population.authority_for("999", "Hartlepool", known)


def test_children_aged_0_to_17_by_mid_year_with_their_line(known):
    hartlepool = population.authority_for("805", None, known)
    people = population.children(known, hartlepool)
    # ons_mid-year_population_estimates_2012_to_2024.csv, line 182: 2023, Hartlepool, 20541.
    count, _, ref = people[2023]
    assert count == 20541
    assert ref == (
        "ons_mid-year_population_estimates_2012_to_2024.csv:182 population_estimate (mid-year 2023)"
    )

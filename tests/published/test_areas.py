"""Finding an authority, its region and its neighbours; unknown names stop with a suggestion."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.cli import main
from analysis.published import areas
from analysis.published.read import read_published


@pytest.fixture(scope="module")
def published():
    return read_published()


@pytest.fixture(scope="module")
def known(published):
    return areas.authorities(published)


@pytest.mark.parametrize(
    "query", ["Peterborough", "peterborough", " PETERBOROUGH ", "874", "E06000031", "e06000031"]
)
def test_found_by_name_or_either_code(known, query):
    assert areas.find(query, known).code == "874"


def test_old_e_code_still_finds_a_renamed_code(known):
    # North Yorkshire kept code 815 while its E-code changed (b1: E10000023 to 2023, then
    # E06000065).
    assert areas.find("E10000023", known).code == "815"
    assert areas.find("E06000065", known).code == "815"


def test_a_shared_name_means_the_authority_that_exists_now(known):
    # b1: Dorset is 835 to 2019 and 838 from 2020.
    assert areas.find("Dorset", known).code == "838"
    assert areas.find("835", known).name == "Dorset"


def test_unknown_name_suggests_the_nearest(known):
    with pytest.raises(Exception) as err:
        areas.find("Lutn", known)
    assert type(err.value).__name__ == "UsageError"
    assert "did you mean Luton" in str(err.value)


def test_unknown_name_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    status = main(["benchmark", "--authority", "Lutn", "--out", str(out)])
    assert status == 2
    err = capsys.readouterr().err
    assert "no English local authority called 'Lutn'" in err
    assert "did you mean Luton" in err
    assert not out.exists()


def test_regions(known):
    peterborough = areas.find("Peterborough", known)
    assert (peterborough.region_code, peterborough.region_name) == ("E12000006", "East of England")
    # b1 puts Camden in Inner London; its region is London.
    camden = areas.find("Camden", known)
    assert (camden.region_code, camden.region_name) == ("E12000007", "London")


def test_neighbours_in_both_models(published, known):
    peterborough = areas.find("874", known)
    # sn_model_2025_wide.csv line 97: SN_1..SN_10 of 874.
    assert areas.neighbour_codes(peterborough, published) == [
        "331",
        "831",
        "312",
        "350",
        "852",
        "335",
        "821",
        "354",
        "336",
        "883",
    ]
    # New_Statistical_Neighbour_Groupings_April_2021.csv, 874: SN1..SN10.
    assert areas.neighbour_codes(peterborough, published, "2021") == [
        "831",
        "894",
        "887",
        "335",
        "879",
        "852",
        "851",
        "373",
        "350",
        "372",
    ]


def test_an_authority_missing_from_a_model_is_a_usage_error(published, known):
    # Cumberland (942) was created in 2023, after the April 2021 groupings.
    with pytest.raises(Exception) as err:
        areas.neighbour_codes(areas.find("Cumberland", known), published, "2021")
    assert type(err.value).__name__ == "UsageError"
    assert "--neighbours 2025" in str(err.value)


def test_command_writes_the_table(tmp_path, capsys):
    status = main(
        ["benchmark", "--authority", "874", "--neighbours", "2021", "--out", str(tmp_path)]
    )
    assert status == 0
    table = pd.read_csv(tmp_path / "benchmarks.csv", dtype=str, keep_default_na=False)
    assert set(table[table.area_type == "authority"].area_name) == {"Peterborough"}
    assert set(table.neighbours_model) == {"", "2021"}
    assert "Peterborough (874)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("query", "code"),
    [
        # The DfE's ", City of" / ", County of" are not said aloud (b1: 810, 884, 801).
        ("Herefordshire", "884"),
        ("herefordshire, county of", "884"),
        ("Kingston upon Hull", "810"),
        ("Bristol", "801"),
        ("City of Bristol", "801"),
        # "City of London" is the whole name of 201, not a suffix.
        ("City of London", "201"),
        # Whole words: "Hull" is a word of 810's name (not of Solihull, 334); "Durham" of
        # "County Durham" (840), not Oldham.
        ("Hull", "810"),
        ("Durham", "840"),
        # A unique beginning: only Herefordshire starts "Hereford" (Hertfordshire does not).
        ("Hereford", "884"),
        ("Richmond", "318"),
        # Exact names still win over words: "Solihull" and "York" (816), not North Yorkshire.
        ("Solihull", "334"),
        ("York", "816"),
    ],
)
def test_names_as_people_say_them(known, query, code):
    assert areas.find(query, known).code == code


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Kingston", "Kingston upon Hull, City of; Kingston upon Thames"),
        ("Sussex", "East Sussex; West Sussex"),
        ("Notting", "Nottingham; Nottinghamshire"),
    ],
)
def test_an_ambiguous_name_lists_the_candidates(known, query, listed):
    with pytest.raises(Exception) as err:
        areas.find(query, known)
    assert type(err.value).__name__ == "UsageError"
    assert f"'{query}' could be any of 2 authorities: {listed}; give the whole name" == str(
        err.value
    )


def test_only_a_name_matching_nothing_gets_a_suggestion(known):
    with pytest.raises(Exception, match=r"did you mean Hartlepool\?$"):
        areas.find("Hartlepol", known)

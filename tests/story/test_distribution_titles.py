"""The words of the "among all authorities" chart: counts, places, ties and the title.

Expected numbers were counted by hand from data/raw/dfe with a one-off script outside the
package (csv.DictReader and Decimal): for each local authority row of 2025, the figure (or its
DfE symbol); a rate per 10,000 is the count over the ONS estimate of children aged 0 to 17 at
mid-year 2024, times 10,000, rounded half up to one decimal; then, for each authority, how many
other authorities' figures are strictly lower, equal and strictly higher.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.published import distribution
from analysis.published.page import load_page
from analysis.story import distribution_titles as words
from analysis.story.titles import MAX_TITLE

HEADLINES = ("cin_rate_per_10k", "cpp_rate_per_10k", "cla_rate_per_10k", "caseload_per_fte")


@pytest.fixture(scope="module")
def hartlepool() -> pd.DataFrame:
    return distribution.latest(load_page("Hartlepool"), HEADLINES)


@pytest.fixture(scope="module")
def cornwall() -> pd.DataFrame:
    return distribution.latest(load_page("Cornwall"), HEADLINES)


def test_how_many_authorities_published_each_figure(hartlepool):
    # 2025 local authority rows: b1 153, all numbers; d5 153, Isles of Scilly and City of London
    # "c"; the CLA file 155 rows, of which Cumbria and Northamptonshire ("z") no longer existed
    # (not in b1 for 2025), Isles of Scilly "z", City of London "c": 151 of 153; csww 149 rows
    # once the joint "314 / 318"-style returns are left out, Kensington and Chelsea and
    # Westminster "x": 147 of 149.
    assert [distribution.counts(hartlepool, m) for m in HEADLINES] == [
        (153, 153),
        (151, 153),
        (151, 153),
        (147, 149),
    ]


def test_the_authoritys_place_among_the_others_with_ties(hartlepool, cornwall):
    # (lower, level, higher) among the other authorities with a figure.
    # Hartlepool: CIN 1341 / 21090 = 635.8, only City of London (814.6) higher; CPP 82.0;
    # CLA 157; caseload 13.9, two others also 13.9.
    assert [distribution.place(hartlepool, m) for m in HEADLINES] == [
        (151, 0, 1),
        (146, 0, 4),
        (148, 0, 2),
        (32, 2, 112),
    ]
    # Cornwall: CIN 302.8; CPP 32.2; CLA 60, level with four; caseload 16.3, level with three.
    assert [distribution.place(cornwall, m) for m in HEADLINES] == [
        (41, 0, 111),
        (38, 0, 112),
        (52, 4, 94),
        (98, 3, 45),
    ]


def test_no_place_for_a_figure_the_dfe_withholds():
    scilly = distribution.latest(load_page("Isles of Scilly"), HEADLINES)
    # d5 2025 Isles of Scilly CPP_At31 "c".
    assert distribution.place(scilly, "cpp_rate_per_10k") is None
    assert "Isles of Scilly not published (c)" in words.alt_text(scilly, "Isles of Scilly")


def test_titles_state_the_place_from_the_counts(hartlepool, cornwall):
    # The full "children in need rate" wording is 78 and 76 characters: the CIN form is used.
    assert words.title(hartlepool, "Hartlepool") == (
        "Hartlepool's CIN rate is higher than 151 of 152 other authorities"
    )
    assert words.title(cornwall, "Cornwall") == (
        "Cornwall's CIN rate is lower than 111 of 152 other authorities"
    )


@pytest.mark.parametrize(
    ("counts", "said"),
    [
        ((5, 0, 0), "the highest of 6 authorities"),
        ((4, 1, 0), "the joint highest of 6 authorities"),
        ((0, 0, 5), "the lowest of 6 authorities"),
        ((0, 2, 3), "the joint lowest of 6 authorities"),
        ((3, 1, 1), "higher than 3 of 5 other authorities, level with 1"),
        ((1, 0, 3), "lower than 3 of 4 other authorities"),
        ((1, 0, 1), "higher than 1 of 2 other authorities"),
        ((0, 0, 1), "the lowest of 2 authorities"),
        ((0, 0, 0), "the only figure published"),
    ],
)
def test_position_words(counts, said):
    assert words.position(*counts) == said


def test_the_subtitle_counts_what_is_left_out(hartlepool):
    text = words.subtitle(hartlepool, "Hartlepool")
    assert "(2025): Hartlepool and its 10 statistical neighbours marked" in text
    assert (
        "Authorities with a figure: CIN rate 153 of 153, CPP rate 151 of 153, CLA rate 151 of "
        "153, caseload 147 of 149; the rest are DfE symbols (c, x, z), left out." in text
    )


def test_one_count_when_every_measure_has_the_same(hartlepool):
    cin = hartlepool[hartlepool["metric"] == "cin_rate_per_10k"]
    text = words.subtitle(cin, "Hartlepool")
    # Every authority published a CIN rate for 2025: no symbol to mention.
    assert text.endswith("England's figure dashed. 153 of 153 authorities published a figure.")


def test_alt_text_says_each_measure_in_words(hartlepool, cornwall):
    text = words.alt_text(hartlepool, "Hartlepool")
    # Neighbours (sn_model_2025_wide.csv row 54): Rotherham 1777 / 59521 = 298.6 the lowest,
    # Blackpool 1753 / 28923 = 606.1 the highest; England 402400 / 12183016 = 330.3; Essex
    # 178.1 and City of London 814.6 the lowest and highest of all.
    assert (
        "Children in need per 10,000 children, 2025: 153 of 153 authorities published a figure; "
        "Hartlepool 635.8, higher than 151 of 152 other authorities; its neighbours from 298.6 "
        "to 606.1; England 330.3; all authorities from 178.1 (Essex) to 814.6 (City of London)."
    ) in text
    # Caseload 13.9: 32 lower, 2 level, 112 higher: more are higher, so it is said that way.
    assert "Hartlepool 13.9, lower than 112 of 146 other authorities, level with 2" in text
    # Cornwall's CLA rate, 60, is level with four others and below 94 of the 150.
    assert "Cornwall 60.0, lower than 94 of 150 other authorities, level with 4" in words.alt_text(
        cornwall, "Cornwall"
    )


@pytest.mark.parametrize("name", ["Bournemouth, Christchurch and Poole", "City of London"])
def test_titles_stay_short(name):
    points = distribution.latest(load_page(name), HEADLINES)
    title = words.title(points, name)
    assert len(title) <= MAX_TITLE, title


def test_words_bundle_the_three(hartlepool):
    bundle = words.words(hartlepool, "Hartlepool")
    assert set(bundle) == {"title", "subtitle", "alt"}
    assert bundle["title"] == words.title(hartlepool, "Hartlepool")

"""The synthetic extract: deterministic, made-up, and giving back the cabinet report's figures."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from tidy_rows import value

from analysis.cases import extract, kpi_table, synth
from analysis.cli import main

# (metric, month, figure published in the Cabinet report of 10 July 2012), written out from the
# report, never taken from synth's own targets; tolerance: 5% or 5 cases, whichever is larger.
HEADLINES = [
    ("open_cin_cases", "December 2011", 1486),  # para 4.7: 1,486 in December
    ("open_cin_cases", "April 2012", 1000),  # para 4.7: 1,000 at the end of April
    ("initial_assessments_overdue", "December 2011", 235),  # para 4.3: 235 in December
    ("initial_assessments_overdue", "April 2012", 0),  # para 4.3: 0 by the end of April
    ("core_assessments_overdue", "December 2011", 125),  # para 4.3: 125
    ("core_assessments_overdue", "April 2012", 5),  # para 4.3: 5 by the end of April
    ("initial_assessments_on_time_pct", "April 2012", 99),  # para 4.15: 99% in April and May
    ("initial_assessments_on_time_pct", "May 2012", 99),
]


def close_enough(got: float | None, expected: float) -> bool:
    return got is not None and abs(got - expected) <= max(0.05 * expected, 5)


@pytest.fixture(scope="module")
def default_extract(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    assert main(["synth", "--seed", "2012", "--out", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def table(default_extract) -> pd.DataFrame:
    return kpi_table.compute(extract.read_extract(default_extract))


@pytest.mark.parametrize(("metric", "period", "expected"), HEADLINES)
def test_round_trip_gives_back_the_headline_figures(table, metric, period, expected):
    assert close_enough(value(table, metric, period), expected)


def test_core_on_time_in_april_and_may_2012_is_near_92_percent(table):
    done = sum(value(table, "core_assessments_completed", p) for p in ("April 2012", "May 2012"))
    timely = sum(value(table, "core_assessments_on_time", p) for p in ("April 2012", "May 2012"))
    assert close_enough(100 * timely / done, 92)


def test_caseloads_fall_as_in_para_4_5(table):
    # Not a headline of the issue, and staffed only roughly (cases keep their first worker):
    # within 10% of para 4.5's 30 -> 17 and 27 -> 20.
    for team, before, after in (("Referral and Assessment", 30, 17), ("Family Support", 27, 20)):
        assert abs(value(table, "caseload_per_worker", "December 2011", team) - before) <= 3
        assert abs(value(table, "caseload_per_worker", "April 2012", team) - after) <= 2


def test_other_seeds_give_the_same_story():
    other = synth.generate(seed=99)
    assert not other.assessments.equals(synth.generate(seed=2012).assessments)
    frames = (other.assessments, other.episodes)
    table = kpi_table.kpi_table(
        *(_table(f, s) for f, s in zip(frames, extract.SCHEMAS, strict=True))
    )
    for metric, period, expected in HEADLINES:
        assert close_enough(value(table, metric, period), expected), (metric, period)


def _table(frame: pd.DataFrame, schema: extract.ExtractSchema) -> extract.ExtractFile:
    rows = frame.copy()
    for col in (schema.start, schema.end):
        rows[col] = pd.to_datetime(rows[col].replace("", None))
    return extract.ExtractFile(schema=schema, sha256="0" * 64, rows=rows, rows_read=len(rows))


def test_same_seed_same_bytes(default_extract, tmp_path):
    assert main(["synth", "--seed", "2012", "--out", str(tmp_path)]) == 0
    for name in ("assessments.csv", "cin_episodes.csv", "README.txt"):
        assert (tmp_path / name).read_bytes() == (default_extract / name).read_bytes()


def test_extract_is_valid_labelled_synthetic_and_made_up(default_extract):
    ex = extract.read_extract(default_extract)  # raises if any row is invalid
    assert 10_000 < ex.assessments.rows_read < 25_000
    assert 5_000 < ex.episodes.rows_read < 15_000
    readme = (default_extract / "README.txt").read_text()
    assert readme.startswith("SYNTHETIC DATA")
    a = pd.read_csv(default_extract / "assessments.csv", dtype=str, keep_default_na=False)
    assert a["child_id"].str.fullmatch(r"C\d{6,}").all()
    assert a["assessment_id"].str.fullmatch(r"A\d{6,}").all()
    assert a["worker_id"].str.fullmatch(r"(RA|FS)\d{4}").all()
    assert set(a["assessment_type"]) == {"initial", "core"}
    # Some assessments and episodes are still open at the extract date, as in real extracts.
    assert (a["completed_date"] == "").any()
    assert re.search(r"seed 2012", readme)


def test_rows_scales_both_files():
    big = synth.generate(seed=1, rows=40_000)
    assert abs(len(big.assessments) - 40_000) < 4_000
    assert abs(len(big.episodes) - 40_000) < 4_000


def test_rows_below_a_minimum_is_a_usage_error(tmp_path):
    assert main(["synth", "--rows", "10", "--out", str(tmp_path)]) == 2

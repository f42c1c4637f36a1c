"""The monthly KPI rules, each checked on hand-worked records."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tidy_rows import value

from analysis import config
from analysis.cases import counting, extract, kpi_table, synth
from analysis.cli import main
from analysis.metrics import tidy
from analysis.story import case_kpis

A_HEADER = "child_id,assessment_id,assessment_type,start_date,completed_date,team,worker_id\n"
E_HEADER = "child_id,episode_id,start_date,end_date,team,worker_id\n"
RA, FS = "Referral and Assessment", "Family Support"


def a_row(n: int, kind: str, start: str, done: str = "") -> str:
    return f"C{n:06d},A{n:06d},{kind},{start},{done},{RA},RA0001\n"


def e_row(n: int, start: str, end: str = "", team: str = RA, worker: str = "RA0001") -> str:
    return f"C{n:06d},E{n:06d},{start},{end},{team},{worker}\n"


# Hand-worked initial assessments (timescale 10 working days).
ASSESSMENTS = [
    # March 2012: deadline of a Monday 5 March referral is Monday 19 March.
    a_row(1, "initial", "2012-03-05", "2012-03-05"),  # same day: 0 days, on time
    a_row(2, "initial", "2012-03-05", "2012-03-19"),  # on the deadline day: 10, on time
    a_row(3, "initial", "2012-03-05", "2012-03-20"),  # the day after: 11, late
    # Christmas 2011: 20 Dec to 6 Jan is 17 calendar days but 10 working days.
    a_row(4, "initial", "2011-12-20", "2012-01-06"),  # on time, completed in January
    a_row(5, "initial", "2011-12-20", "2012-01-09"),  # late (11)
    # Jubilee 2012: 24 May to 11 June is 10 working days (4 and 5 June are bank holidays).
    a_row(6, "initial", "2012-05-24", "2012-06-11"),  # on time, completed in June
    # Overdue at month ends.
    a_row(7, "initial", "2011-12-02", "2012-01-31"),  # due 16 Dec: overdue at end Dec only
    a_row(8, "initial", "2011-12-15"),  # due 3 Jan: not overdue at end Dec, overdue after
    a_row(9, "initial", "2012-01-17"),  # due 31 Jan, the month end: overdue from end Feb
    # A core assessment: 35 working days from Monday 2 April 2012 is Thursday 24 May.
    a_row(10, "core", "2012-04-02", "2012-05-24"),  # on time
    a_row(11, "core", "2012-04-02", "2012-05-25"),  # late
]

EPISODES = [
    e_row(1, "2011-12-31"),  # starts on the month end: open at end Dec
    e_row(2, "2011-11-01", "2011-12-31"),  # ends on the month end: not open at end Dec
    e_row(3, "2012-01-01", "2012-02-15"),  # open at end Jan only
    e_row(4, "2011-10-10", "", RA, "RA0002"),  # open throughout
    e_row(5, "2011-10-10", "", FS, "FS0001"),
    e_row(6, "2011-10-10", "2012-01-10", FS, "FS0002"),
]


@pytest.fixture(scope="module")
def hand(tmp_path_factory) -> tuple[pd.DataFrame, Path]:
    folder = tmp_path_factory.mktemp("cases")
    (folder / "assessments.csv").write_text(A_HEADER + "".join(ASSESSMENTS), encoding="utf-8")
    (folder / "cin_episodes.csv").write_text(E_HEADER + "".join(EPISODES), encoding="utf-8")
    return kpi_table.compute(extract.read_extract(folder)), folder


def test_months_run_from_first_assessment_start_to_latest_date(hand):
    table, _ = hand
    periods = table["period"].drop_duplicates().tolist()
    assert periods[0] == "December 2011"  # no. 7 starts on 2 December 2011
    assert periods[-1] == "June 2012"  # no. 6 is completed on 11 June 2012
    assert len(periods) == 7
    march = table[(table.metric == "open_cin_cases") & (table.period == "March 2012")].iloc[0]
    assert march.period_start == pd.Timestamp("2012-03-01")
    assert march.period_end == pd.Timestamp("2012-03-31")
    assert march.date_quality == "exact"


def test_same_day_deadline_day_and_day_after(hand):
    table, _ = hand
    assert value(table, "initial_assessments_completed", "March 2012") == 3
    assert value(table, "initial_assessments_on_time", "March 2012") == 2
    assert value(table, "initial_assessments_on_time_pct", "March 2012") == pytest.approx(66.7)
    row = table[
        (table.metric == "initial_assessments_on_time_pct") & (table.period == "March 2012")
    ]
    assert row.iloc[0]["denominator"] == 3


def test_christmas_2011_bank_holidays_are_not_working_days(hand):
    table, _ = hand
    # January 2012 completions: no. 4 on time (10 days), no. 5 late (11), no. 7 late (backlog).
    assert value(table, "initial_assessments_completed", "January 2012") == 3
    assert value(table, "initial_assessments_on_time", "January 2012") == 1


def test_jubilee_bank_holidays_are_not_working_days(hand):
    table, _ = hand
    assert value(table, "initial_assessments_on_time_pct", "June 2012") == 100


def test_overdue_at_month_ends(hand):
    table, _ = hand
    # End Dec: no. 7 (due 16 Dec, open). No. 8 is due 3 Jan, so not yet.
    assert value(table, "initial_assessments_overdue", "December 2011") == 1
    # End Jan: no. 7 was completed on 31 Jan itself, so it is no longer open; no. 8 is overdue;
    # no. 9 is due on 31 Jan, which is not before that day.
    assert value(table, "initial_assessments_overdue", "January 2012") == 1
    assert value(table, "initial_assessments_overdue", "February 2012") == 2
    assert value(table, "initial_assessments_overdue", "June 2012") == 2


def test_months_without_completions_have_counts_but_no_rate(hand):
    table, _ = hand
    assert value(table, "initial_assessments_completed", "February 2012") == 0
    assert value(table, "initial_assessments_on_time_pct", "February 2012") is None


def test_core_timescale_is_35_working_days(hand):
    table, _ = hand
    assert value(table, "core_assessments_completed", "May 2012") == 2
    assert value(table, "core_assessments_on_time", "May 2012") == 1
    assert value(table, "core_assessments_overdue", "April 2012") == 0


def test_types_absent_from_the_extract_have_no_series(hand):
    table, _ = hand
    assert not table.metric.str.startswith("single_").any()


def test_open_cin_cases_at_month_ends(hand):
    table, folder = hand
    # End Dec: 1, 4, 5, 6 (1 started on the 31st; 2 ended on it). End Jan: 1, 3, 4, 5.
    assert value(table, "open_cin_cases", "December 2011") == 4
    assert value(table, "open_cin_cases", "January 2012") == 4
    assert value(table, "open_cin_cases", "February 2012") == 3
    # An earlier window: end Oct has 4, 5, 6 open; end Nov 2, 4, 5, 6 (2 began on 1 Nov).
    earlier = kpi_table.compute(extract.read_extract(folder), first=np.datetime64("2011-10"))
    assert value(earlier, "open_cin_cases", "October 2011") == 3
    assert value(earlier, "open_cin_cases", "November 2011") == 4


def test_caseload_per_worker_divides_by_workers_holding_a_case(hand):
    table, _ = hand
    # End Dec, Referral and Assessment: RA0001 holds no. 1, RA0002 holds no. 4: 2 / 2.
    assert value(table, "caseload_per_worker", "December 2011", RA) == 1
    # End Jan: RA0001 holds nos. 1 and 3, RA0002 no. 4: 3 cases, 2 workers.
    assert value(table, "caseload_per_worker", "January 2012", RA) == 1.5
    # Family Support end Dec: FS0001 and FS0002 hold one each; end Jan FS0002's has ended.
    assert value(table, "caseload_per_worker", "December 2011", FS) == 1
    assert value(table, "caseload_per_worker", "January 2012", FS) == 1
    assert table[table.metric == "caseload_per_worker"]["scope"].unique().tolist() == [FS, RA]


def test_sources_are_the_extract_files_and_their_hashes(hand):
    table, folder = hand
    for metric, name in (
        ("open_cin_cases", "cin_episodes.csv"),
        ("initial_assessments_overdue", "assessments.csv"),
    ):
        rows = table[table.metric == metric]
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert set(rows["source"]) == {name}
        assert set(rows["source_ref"]) == {f"sha256:{digest}"}


def test_timescale_override(tmp_path):
    (tmp_path / "assessments.csv").write_text(
        A_HEADER + a_row(1, "initial", "2012-03-05", "2012-03-20")
    )
    (tmp_path / "cin_episodes.csv").write_text(E_HEADER + e_row(1, "2012-03-05"))
    ex = extract.read_extract(tmp_path)
    assert value(kpi_table.compute(ex), "initial_assessments_on_time", "March 2012") == 0
    longer = {"initial": 11}
    assert (
        value(kpi_table.compute(ex, timescales=longer), "initial_assessments_on_time", "March 2012")
        == 1
    )


def test_interval_counting_matches_a_direct_count():
    ends = counting.month_ends(np.datetime64("2011-01"), np.datetime64("2012-12"))
    rng = np.random.default_rng(1)
    start = np.datetime64("2010-06-01") + rng.integers(0, 900, 2000)
    end = start + rng.integers(0, 400, 2000)
    end = np.where(rng.random(2000) < 0.2, np.datetime64("NaT"), end).astype("datetime64[D]")
    direct = [int(((start <= m) & (np.isnat(end) | (end > m))).sum()) for m in ends]
    assert counting.open_at_month_ends(start, end, ends).tolist() == direct


def _naive_module():
    path = config.ROOT / "benchmarks" / "bench_kpis.py"
    spec = importlib.util.spec_from_file_location("bench_kpis", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_agrees_with_the_row_by_row_reference_on_a_synthetic_extract(tmp_path):
    bench = _naive_module()
    full = synth.generate(seed=7)
    small = synth.Synthetic(full.assessments.iloc[::7], full.episodes.iloc[::7], 7, None)
    synth.write(small, tmp_path)
    fast, slow = bench.fast_kpis(tmp_path), bench.naive_kpis(tmp_path)
    assert len(fast) > 500
    assert bench.disagreements(fast, slow) == []


def test_command_writes_a_valid_tidy_table(tmp_path, hand):
    _, folder = hand
    out = tmp_path / "out"
    assert main(["kpis", "--cases", str(folder), "--out", str(out)]) == 0
    written = tidy.read(out / "metrics.csv")
    assert tidy.validate(written, "metrics.csv") == []
    assert list(written.columns) == list(tidy.COLUMNS)
    first = (out / "metrics.csv").read_bytes()
    assert main(["kpis", "--cases", str(folder), "--out", str(out)]) == 0
    assert (out / "metrics.csv").read_bytes() == first


def test_command_window_options(tmp_path, hand):
    _, folder = hand
    out = tmp_path / "out"
    assert (
        main(
            [
                "kpis",
                "--cases",
                str(folder),
                "--out",
                str(out),
                "--from",
                "2012-01",
                "--to",
                "2012-02",
            ]
        )
        == 0
    )
    written = tidy.read(out / "metrics.csv")
    assert set(written.period) == {"January 2012", "February 2012"}
    assert main(["kpis", "--cases", str(folder), "--out", str(out), "--from", "2012-13"]) == 2


def test_notebook_helpers_suppress_and_state_the_story(tmp_path):
    synth.write(synth.generate(seed=2012), tmp_path)
    assert synth.is_synthetic(tmp_path)
    monthly = case_kpis.monthly_kpis(tmp_path)
    assert "numerator" not in monthly.columns
    counts = monthly[monthly.unit == "count"]["value"]
    assert not ((counts >= 1) & (counts <= 5)).any()
    text = case_kpis.headline(monthly, "Peterborough", synthetic=True)
    assert text.startswith("In this synthetic extract")
    assert "1,486 at the end of December 2011 to 1,000 at the end of April 2012" in text
    assert "from 235 to 0" in text
    shown = case_kpis.months_between(monthly)
    assert shown["period_start"].min() == pd.Timestamp("2011-04-01")
    assert shown["period_end"].max() == pd.Timestamp("2012-09-30")
    teams, per_team = case_kpis.team_panels(shown, "caseload_per_worker")
    assert teams == sorted(teams) and len(teams) == len(per_team) > 1
    for team, rows in zip(teams, per_team, strict=True):
        assert set(rows["scope"]) == {team} and set(rows["metric"]) == {"caseload_per_worker"}
    backlog = case_kpis.panels(shown, "initial_assessments_overdue", "core_assessments_overdue")
    assert [set(p["metric"]) for p in backlog] == [
        {"initial_assessments_overdue"},
        {"core_assessments_overdue"},
    ]

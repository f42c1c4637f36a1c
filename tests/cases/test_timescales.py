"""The timescale in force, from the catalogue to the KPI rules, the labels and the words.

Hand-worked: an initial assessment started on Monday 5 March 2012 and completed on Tuesday
20 March 2012 took 11 working days (6-9, 12-16 and 19-20 March; no bank holiday between). It is
late against 10 working days and on time against 12.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis import charts
from analysis.charts import data_tables
from analysis.cli import main
from analysis.metrics import catalogue, tidy
from analysis.story import alt_text, case_kpis

A_HEADER = "child_id,assessment_id,assessment_type,start_date,completed_date,team,worker_id\n"
E_HEADER = "child_id,episode_id,start_date,end_date,team,worker_id\n"
ELEVEN_DAYS = "C000001,A000001,initial,2012-03-05,2012-03-20,Referral and Assessment,RA0001\n"
CORE = "C000002,A000002,core,2012-03-05,2012-03-20,Family Support,FS0001\n"  # 11 of 35: on time
EPISODE = "C000001,E000001,2012-03-05,,Referral and Assessment,RA0001\n"


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "assessments.csv").write_text(A_HEADER + ELEVEN_DAYS + CORE, encoding="utf-8")
    (folder / "cin_episodes.csv").write_text(E_HEADER + EPISODE, encoding="utf-8")
    return folder


def march(table, metric: str) -> list[float]:
    rows = table[(table["metric"] == metric) & (table["period"] == "March 2012")]
    return rows["value"].tolist()


@pytest.mark.parametrize(("days", "on_time", "pct"), [(10, 0, 0), (11, 1, 100), (12, 1, 100)])
def test_eleven_working_days_is_late_at_10_and_on_time_at_11_or_12(
    cases, tmp_path, days, on_time, pct
):
    out = tmp_path / "out"
    assert (
        main(["kpis", "--cases", str(cases), "--out", str(out), "--initial-days", str(days)]) == 0
    )
    table = tidy.read(out / "metrics.csv")
    assert march(table, "initial_assessments_completed") == [1]
    assert march(table, "initial_assessments_on_time") == [on_time]
    assert march(table, "initial_assessments_on_time_pct") == [pct]
    assert march(table, "core_assessments_on_time") == [1]


def test_a_run_at_12_days_says_12_wherever_it_names_the_timescale(cases, tmp_path):
    out = tmp_path / "out"
    assert main(["kpis", "--cases", str(cases), "--out", str(out), "--initial-days", "12"]) == 0
    record = json.loads((out / "kpis_run.json").read_text(encoding="utf-8"))
    assert record["timescales_working_days"] == {"initial": 12, "core": 35, "single": 45}
    words = record["metrics"]
    assert words["initial_assessments_on_time_pct"] == {
        "label": "Initial assessments within 12 working days",
        "definition": "Share of initial assessments completed in the period that took 12 working "
        "days or fewer; a share worked out from another source's count of those \"taking longer "
        'than 10 days" may count calendar days, as that source does not say',
    }
    assert words["initial_assessments_on_time"]["definition"] == (
        "Initial assessments completed in the period within 12 working days"
    )
    assert words["initial_assessments_overdue"]["definition"] == (
        "Open initial assessments past their 12-working-day timescale (the backlog)"
    )
    assert words["core_assessments_on_time_pct"]["label"] == (
        "Core assessments within 35 working days"
    )
    # Only the note on another source's count ("longer than 10 days") may still name 10.
    assert not any(
        s in w["label"] + w["definition"]
        for w in words.values()
        for s in ("10 working", "10-working")
    )


def test_by_default_a_run_names_the_catalogues_timescales(cases, tmp_path):
    out = tmp_path / "out"
    assert main(["kpis", "--cases", str(cases), "--out", str(out)]) == 0
    record = json.loads((out / "kpis_run.json").read_text(encoding="utf-8"))
    assert record["timescales_working_days"] == {"initial": 10, "core": 35, "single": 45}
    assert record["metrics"]["initial_assessments_on_time_pct"]["label"] == (
        "Initial assessments within 10 working days"
    )


def test_notebook_labels_charts_and_words_name_the_timescale_in_force(cases):
    monthly = case_kpis.monthly_kpis(cases, timescales={"initial": 12, "core": None})
    rows = case_kpis.pick(monthly, "initial_assessments_on_time_pct")
    # The table is wide: one column per measure, headed with the timescale in force.
    assert list(data_tables.table(rows).columns) == [
        "Period",
        "Initial assessments within 12 working days",
    ]
    fig = charts.change_chart(rows, "Share on time")
    assert " ".join(fig.axes[0].get_title(loc="left").split()) == (
        "Initial assessments within 12 working days"
    )
    alt = alt_text.describe(rows, "Share on time")
    assert "Initial assessments within 12 working days: " in alt
    assert "10 working days" not in alt
    # One initial and one core assessment completed in March 2012: both counts are from 1 to 5,
    # so the shares are suppressed, and the sentence still names each timescale in force.
    sentence = case_kpis.timeliness_sentence(monthly, synthetic=False)
    assert (
        "Between 1 and 5 initial assessments were completed in March 2012: how many were "
        "within 12 working days is not shown" in sentence
    )
    assert "core assessments were completed in March 2012: how many were within 35 working" in (
        sentence
    )
    assert (
        "(12 for initial, 35 for core, this page's choice; Working Together 2010 set 10 and "
        in (case_kpis.counting_text(monthly))
    )


def test_without_a_choice_the_notebook_names_the_catalogues_timescales(cases):
    monthly = case_kpis.monthly_kpis(cases)
    assert "initial assessments were completed in March 2012: how many were within 10 working" in (
        case_kpis.timeliness_sentence(monthly, synthetic=False)
    )
    assert "(10 for initial, 35 for core, Working Together 2010)" in (
        case_kpis.counting_text(monthly)
    )


def test_a_document_figure_keeps_the_timescale_it_was_counted_against():
    # "Over 10 days" is how the FOI response counted; no run's timescale changes its words.
    late = catalogue.get("initial_assessments_late", {"initial": 12})
    assert late.label == "Initial assessments over 10 days"
    assert late.timescale_working_days == 10

"""A command stage of pipeline.yaml, run as declared, writes what its command writes."""

from __future__ import annotations

import json
from pathlib import Path

from tidy_rows import value

from analysis import pipeline
from analysis.cases import kpi_command
from analysis.metrics import tidy
from analysis.report import stages

SMALL_EXTRACT = Path(__file__).parents[1] / "fixtures" / "small_extract"


def test_the_kpis_stage_writes_published_monthly_kpis_of_its_extract(tmp_path: Path) -> None:
    out = tmp_path / "kpis"
    declared = tmp_path / "pipeline.yaml"
    declared.write_text(
        "stages:\n"
        "  - name: kpis\n"
        "    run: kpis\n"
        "    with: {publish: true}\n"
        f"    needs: {{cases: {SMALL_EXTRACT}}}\n"
        f"    writes: {{{out}: aggregate}}\n",
        encoding="utf-8",
    )
    (stage,) = pipeline.load(declared).stages
    stages.run_stage(stage)

    table = tidy.read(out / "metrics.csv")
    # Hand counts (awk over the fixture, as its README says): 16 episodes open at 31 January
    # 2023 and 19 at 30 April; both above the threshold of 5, so published as they are.
    assert value(table, "open_cin_cases", "January 2023") == 16
    assert value(table, "open_cin_cases", "April 2023") == 19
    # One assessment (AS2022) was completed in January: a count of 1 is suppressed when
    # published, so the stage's `publish: true` reached the command.
    january = table[
        (table.metric == "single_assessments_completed") & (table.period == "January 2023")
    ]
    assert january["qualifier"].tolist() == [tidy.SUPPRESSED]
    record = json.loads((out / kpi_command.RUN_FILE).read_text(encoding="utf-8"))
    assert (record["input"], record["published"], record["suppression_threshold"]) == (
        "csv",
        True,
        5,
    )


def test_write_kpis_keeps_the_catalogues_timescale_for_any_kind_it_is_not_given(
    tmp_path: Path,
) -> None:
    out = tmp_path / "kpis"
    kpi_command.write_kpis(out, cases=SMALL_EXTRACT, timescales={"single": 40})
    record = json.loads((out / kpi_command.RUN_FILE).read_text(encoding="utf-8"))
    # single as given; initial and core are the catalogue's 10 and 35 working days.
    assert record["timescales_working_days"] == {"core": 35, "initial": 10, "single": 40}

"""Paths typed on a command line start from the current folder, as with every command-line tool;
notebook parameters and pipeline.yaml's paths start from the project root."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tidy_rows import RAW_FIGURES

from analysis import config, pipeline
from analysis.cli import main
from analysis.report import runner, stages

SMALL_EXTRACT = Path(__file__).parent / "fixtures" / "small_extract"


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current folder outside the project."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_benchmark_writes_where_it_was_asked_from(elsewhere: Path) -> None:
    assert main(["benchmark", "--authority", "Luton", "--out", "rel"]) == 0
    assert (elsewhere / "rel" / "benchmarks.csv").is_file()
    assert not (config.ROOT / "rel").exists()


def test_clean_reads_and_writes_from_the_current_folder(elsewhere: Path) -> None:
    shutil.copytree(RAW_FIGURES, elsewhere / "raw")
    assert main(["clean", "--raw", "raw", "--out", "processed"]) == 0
    assert (elsewhere / "processed" / "metrics.csv").is_file()
    assert not (config.ROOT / "processed").exists()


def test_kpis_cases_out_and_rejects_start_from_the_current_folder(elsewhere: Path) -> None:
    shutil.copytree(SMALL_EXTRACT, elsewhere / "extract")
    argv = ["kpis", "--cases", "extract", "--out", "kpis", "--quarantine", "--rejects", "held"]
    assert main(argv) == 0
    assert (elsewhere / "kpis" / "metrics.csv").is_file()
    assert (elsewhere / "held" / "assessments.rejects.csv").is_file()
    assert not (config.ROOT / "kpis").exists() and not (config.ROOT / "held").exists()


def test_synth_writes_where_it_was_asked_from(elsewhere: Path) -> None:
    assert main(["synth", "--seed", "1", "--rows", "1000", "--out", "made-up"]) == 0
    assert (elsewhere / "made-up" / "assessments.csv").is_file()
    assert not (config.ROOT / "made-up").exists()


def test_report_folders_start_from_the_current_folder(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = {}

    def build(layout, notebooks, given, **kwargs):
        seen.update(out=layout.out, notebooks=notebooks, given=dict(given))
        return 0

    monkeypatch.setattr(runner, "build", build)
    copied = elsewhere / "nbs"
    copied.mkdir()
    shutil.copy(config.NOTEBOOKS / "01_caseloads.ipynb", copied)
    (elsewhere / "p.yaml").write_text("metrics_path: data/processed/metrics.csv\n")
    argv = ["report", "--out", "site", "--notebooks-dir", "nbs", "--params-file", "p.yaml"]
    assert main(argv) == 0
    assert seen["out"] == elsewhere / "site"
    assert seen["notebooks"] == [copied / "01_caseloads.ipynb"]
    # A parameter's value is the notebook's to resolve, from the project root: kept as given.
    assert seen["given"] == {"metrics_path": "data/processed/metrics.csv"}


def test_check_outputs_scans_a_path_from_the_current_folder(elsewhere: Path) -> None:
    (elsewhere / "table.csv").write_text("area,value\nLuton,3\n", encoding="utf-8")
    assert main(["check-outputs", "table.csv"]) == 0


def test_a_pipeline_stage_reads_its_paths_from_the_project_root(tmp_path, elsewhere) -> None:
    # pipeline.yaml's paths are written from the root: run from elsewhere (an empty folder), the
    # stage still finds data/raw in the project, not in the current folder.
    declared = tmp_path / "pipeline.yaml"
    out = tmp_path / "processed"
    declared.write_text(
        "stages:\n"
        "  - name: clean\n"
        "    run: clean\n"
        "    needs: {raw: data/raw}\n"
        f"    writes: {{{out}/metrics.csv: aggregate}}\n",
        encoding="utf-8",
    )
    (stage,) = pipeline.load(declared).stages
    stages.run_stage(stage)
    assert (out / "metrics.csv").is_file()


@pytest.mark.parametrize(
    "command", ["clean", "report", "kpis", "synth", "benchmark", "execute-notebooks"]
)
def test_help_says_which_paths_start_where(command: str, capsys) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "from the current folder" in text
    assert "paths start from the project root" in text

"""A page named for an authority shows its data: Peterborough's never appear as Luton's."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import config
from analysis.cli import main
from analysis.errors import UsageError
from analysis.report import folders, runner

OWN = sorted(config.NOTEBOOKS.glob("0[1-4]_*.ipynb"))


def test_another_authority_gets_none_of_peterboroughs_pages_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    notebooks = ["--notebook", "01_caseloads", "--notebook", "04_case_level_kpis"]
    assert main(["report", "-p", "authority", "Luton", "--out", str(out), *notebooks]) == 2
    err = capsys.readouterr().err
    assert "no notebook can show Luton" in err
    assert "01_caseloads (its data are Peterborough's own)" in err
    assert "04_case_level_kpis (its data are Peterborough's own)" in err
    assert not tmp_path.joinpath("reports").exists() and list(tmp_path.iterdir()) == []


def test_for_another_authority_only_the_benchmark_page_is_built() -> None:
    layout = folders.Layout(out=config.REPORTS, notebooks_dir=config.NOTEBOOKS)
    every = sorted(config.NOTEBOOKS.glob("*.ipynb"))
    assert runner.honest_notebooks(layout, every, "Luton") == [
        config.NOTEBOOKS / "05_benchmark.ipynb"
    ]


def test_the_authority_is_matched_whatever_its_case() -> None:
    layout = folders.Layout(out=config.REPORTS, notebooks_dir=config.NOTEBOOKS)
    assert len(OWN) == 4
    assert runner.honest_notebooks(layout, OWN, " peterborough ") == OWN
    assert runner.honest_notebooks(layout, OWN, None) == OWN


def test_a_notebook_for_any_authority_stays_and_the_others_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    declared = tmp_path / "pipeline.yaml"
    declared.write_text(
        "stages:\n"
        "  - {name: own, notebook: notebooks/own.ipynb, authority: Peterborough}\n"
        "  - {name: any, notebook: notebooks/any.ipynb}\n"
    )
    layout = folders.Layout(out=tmp_path / "reports", notebooks_dir=tmp_path, pipeline=declared)
    own, anyone = config.ROOT / "notebooks/own.ipynb", config.ROOT / "notebooks/any.ipynb"
    assert runner.honest_notebooks(layout, [anyone, own], "Luton") == [anyone]
    assert "for Luton, left out own (its data are Peterborough's own)" in capsys.readouterr().err
    with pytest.raises(UsageError, match="no notebook can show Luton"):
        runner.honest_notebooks(layout, [own], "Luton")


def test_the_cabinet_report_section_and_its_heading_are_drawn_for_peterborough_alone() -> None:
    import nbformat

    nb = nbformat.read(config.NOTEBOOKS / "05_benchmark.ipynb", as_version=4)
    # No markdown cell (shown whatever the authority) speaks of the cabinet report...
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert "cabinet report" not in cell.source.lower(), cell.source
    # ...the heading is an output of the cell that runs for Peterborough's code only.
    (cell,) = [c for c in nb.cells if "after the cabinet report" in c.source]
    assert cell.cell_type == "code" and 'if page.authority.code == "874":' in cell.source
    assert "else:" not in cell.source  # other authorities get no stub line either
    shown = [o.get("data", {}).get("text/markdown", "") for o in cell.outputs]
    assert "## Peterborough after the cabinet report" in shown


def test_page_04_given_an_authoritys_own_files_is_that_authoritys_page() -> None:
    # Its data are then the workbook's, not Peterborough's extract; pages 01 to 03 (Peterborough's
    # own documents) are still left out.
    layout = folders.Layout(out=config.REPORTS, notebooks_dir=config.NOTEBOOKS)
    every = sorted(config.NOTEBOOKS.glob("*.ipynb"))
    given = {"annex_a": "data/restricted/hartlepool.xlsx", "authority": "Hartlepool"}
    assert runner.honest_notebooks(layout, every, "Hartlepool", given) == [
        config.NOTEBOOKS / "04_case_level_kpis.ipynb",
        config.NOTEBOOKS / "05_benchmark.ipynb",
    ]


def test_a_misspelt_authority_parameter_stops_before_any_notebook_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # As `--authority Hartlepol` does: exit 2 with the suggestion, and nothing started or
    # written beside --out (no staging folder, lock or run log: build() never began).
    out = tmp_path / "reports"
    status = main(["report", "-p", "authority", "Hartlepol", "--out", str(out)])
    assert status == 2
    err = capsys.readouterr().err
    assert "no English local authority called 'Hartlepol': did you mean Hartlepool?" in err
    assert list(tmp_path.iterdir()) == []


def test_an_authority_parameter_is_given_to_the_page_as_the_dfe_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "hull" is Kingston upon Hull (b1 code 810); the page gets the name a pack would give it.
    seen = {}

    def build(layout, notebooks, given, **kwargs):
        seen.update(given=dict(given), notebooks=[p.stem for p in notebooks])
        return 0

    monkeypatch.setattr(runner, "build", build)
    out = ["--out", str(tmp_path / "reports")]
    assert main(["report", "-p", "authority", "hull", "--notebook", "05_benchmark", *out]) == 0
    assert seen == {
        "given": {"authority": "Kingston upon Hull, City of"},
        "notebooks": ["05_benchmark"],
    }

"""The declared pipeline: what each stage needs and writes, and the checks on the declaration."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import config, pipeline
from analysis.errors import DataError
from analysis.report import folders, params, tasks


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pipeline.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
stages:
  - name: clean
    run: clean
    needs: {raw: data/raw}
    writes: {data/processed/metrics.csv: aggregate}
  - name: synth
    run: synth
    with: {seed: 1}
    writes: {data/processed/extract: record-level}
  - name: nb
    notebook: notebooks/nb.ipynb
    needs: {metrics_path: data/processed/metrics.csv, extract_dir: data/processed/extract}
    writes: {reports: aggregate}
"""


def test_a_notebook_needs_only_the_stages_that_write_what_it_reads(tmp_path):
    declared = pipeline.load(write(tmp_path, GOOD))
    assert [s.name for s in declared.stages_for(["data/processed/metrics.csv"])] == ["clean"]
    both = declared.stages_for(["data/processed/extract/a.csv", "data/processed/metrics.csv"])
    assert [s.name for s in both] == ["clean", "synth"]  # declared order, whatever was asked
    assert declared.source_inputs(["data/processed/metrics.csv"]) == ["data/raw"]
    assert (declared.stages[0].run, declared.stages[1].options) == ("clean", (("seed", 1),))


def test_levels_say_what_may_be_published(tmp_path):
    declared = pipeline.load(write(tmp_path, GOOD))
    assert [o.path for o in declared.outputs(pipeline.AGGREGATE)] == [
        "data/processed/metrics.csv",
        "reports",
    ]
    assert [o.path for o in declared.outputs(pipeline.RECORD_LEVEL)] == ["data/processed/extract"]


def test_a_record_level_output_inside_a_published_folder_is_refused(tmp_path):
    bad = GOOD.replace("data/processed/extract: record-level", "reports/rejects: record-level")
    with pytest.raises(DataError) as err:
        pipeline.load(write(tmp_path, bad))
    assert "value 'reports/rejects': expected a record-level output outside the aggregate" in str(
        err.value
    )


def test_every_problem_is_named_with_its_line(tmp_path):
    bad = (
        GOOD.replace("writes: {reports: aggregate}", "writes: {reports: public}")
        .replace("    run: synth", "    notebook: x.ipynb\n    run: synth")
        .replace("needs: {raw: data/raw}", "needs: {raw: data/elsewhere}")
    )
    with pytest.raises(DataError) as err:
        pipeline.load(write(tmp_path, bad))
    text = str(err.value)
    # The schema's problems (lines 6 and 14 of `bad`, counted by hand) come first, all at once;
    # the flow of paths is checked once the shape is right.
    assert "3 problems found" in text
    assert "pipeline.yaml:6: column 'with': expected no `with` in a notebook stage" in text
    assert "pipeline.yaml:6: column 'run': value 'synth': expected either `run` or `notebook`" in (
        text
    )
    assert "pipeline.yaml:14: column 'reports': value 'public': expected one of aggregate" in text
    fixed = bad.replace("reports: public", "reports: aggregate").replace(
        "    notebook: x.ipynb\n", ""
    )
    with pytest.raises(DataError) as err:
        pipeline.load(write(tmp_path, fixed))
    assert "pipeline.yaml:2: column 'needs': value 'data/elsewhere'" in str(err.value)


def test_a_key_no_stage_has_and_a_command_that_is_not_a_stage_are_named(tmp_path):
    bad = GOOD.replace("    run: clean\n", "    run: report\n    owner: me\n")
    with pytest.raises(DataError) as err:
        pipeline.load(write(tmp_path, bad))
    text = str(err.value)
    assert (
        "pipeline.yaml:2: column 'owner': value '': expected one of the keys"
        in text.replace("value None", "value ''")
        or "pipeline.yaml:2: column 'owner'" in text
    )
    assert "pipeline.yaml:3: column 'run': value 'report': expected one of clean, synth, kpis" in (
        text
    )


def test_a_stage_whose_arguments_do_not_fit_its_command_is_refused(tmp_path):
    from analysis.report import stages

    bad = GOOD.replace("with: {seed: 1}", "with: {seed: 1, colour: red}")
    declared = pipeline.load(write(tmp_path, bad))  # the shape is right...
    with pytest.raises(DataError, match=r"pipeline.yaml:6: column 'run': value 'synth'"):
        stages.check(declared.stages)  # ...but synth takes no colour


def test_every_command_stage_of_the_project_fits_its_function():
    from analysis.report import stages

    declared = pipeline.load()
    assert set(stages.FUNCTIONS) == set(pipeline.STAGE_COMMANDS)
    stages.check(declared.stages)
    assert [s.name for s in declared.stages if s.run] == ["clean", "synth", "kpis", "benchmark"]


def test_the_projects_pipeline_matches_its_notebooks():
    declared = pipeline.load()
    notebooks = sorted(config.NOTEBOOKS.glob("*.ipynb"))
    assert sorted(declared.notebooks()) == [config.relative_to_root(p) for p in notebooks]
    for path in notebooks:
        stage = declared.notebook_stage(path)
        defaults = params.notebook_parameters(path)
        # Each need is keyed by the parameter that carries it, and agrees with its default.
        for name, need in stage.needs:
            assert defaults[name] == need, f"{path.name}: {name}"


def test_the_report_hashes_the_raw_inputs_behind_each_notebook():
    layout = folders.Layout(out=config.REPORTS, notebooks_dir=config.NOTEBOOKS)
    caseloads, benchmark = (
        config.NOTEBOOKS / n for n in ("01_caseloads.ipynb", "05_benchmark.ipynb")
    )
    stages, sources = tasks.plan(layout, [caseloads], {caseloads: {}})
    assert ([s.name for s in stages], sources) == (["clean"], ["data/raw"])
    stages, sources = tasks.plan(layout, [benchmark], {benchmark: {}})
    assert ([s.name for s in stages], sources) == (
        ["clean", "benchmark"],
        ["data/raw/dfe", "data/raw"],
    )
    # A user who points metrics_path elsewhere gets no clean stage, and that file is hashed instead.
    stages, sources = tasks.plan(layout, [caseloads], {caseloads: {"metrics_path": "x.csv"}})
    assert (stages, sources) == ([], [])
    inputs = tasks._input_paths(sources, [caseloads], {caseloads: {"metrics_path": "x.csv"}})
    assert inputs == [caseloads, config.ROOT / "x.csv"]


def test_an_authoritys_own_files_given_to_page_04_are_hashed_inputs():
    # Otherwise a workbook replaced under the same name would leave a stale page in the cache.
    page = config.NOTEBOOKS / "04_case_level_kpis.ipynb"
    given = {"annex_a": "a.xlsx", "cin_census": ["c2023.xml", "c2024.xml"], "authority": "x"}
    # The notebook's default kpis_dir is among its parameters too, but is not read: not listed.
    effective = {"kpis_dir": "data/processed/kpis", **given}
    inputs = tasks._input_paths([], [page], {page: effective})
    assert inputs == [page, *(config.ROOT / n for n in ("a.xlsx", "c2023.xml", "c2024.xml"))]
    # Without own files, the stage's folder is the input.
    inputs = tasks._input_paths([], [page], {page: {"kpis_dir": "data/processed/kpis"}})
    assert inputs == [page, config.ROOT / "data/processed/kpis"]


def test_a_notebook_default_that_is_not_its_declared_need_stops_the_report_before_it_runs():
    # An analyst changed page 02's default in JupyterLab; pipeline.yaml still says the clean
    # stage's metrics.csv, on the 02_cin_cases stage's line. Other parameters are ignored.
    layout = folders.Layout(out=config.REPORTS, notebooks_dir=config.NOTEBOOKS)
    page = config.NOTEBOOKS / "02_cin_cases.ipynb"
    line = pipeline.load().notebook_stage(page).line
    defaults = {page: {"metrics_path": "data/processed/mine.csv", "figures_dir": ""}}
    with pytest.raises(DataError) as caught:
        tasks.check_needs(layout, defaults)
    assert [str(p) for p in caught.value.problems] == [
        "notebooks/02_cin_cases.ipynb: parameters cell, metrics_path: value "
        "'data/processed/mine.csv': expected 'data/processed/metrics.csv', the path "
        f"pipeline.yaml:{line} says this notebook needs (change one to match the other)"
    ]
    # The committed default agrees: nothing to say.
    tasks.check_needs(layout, {page: params.notebook_parameters(page)})

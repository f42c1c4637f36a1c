"""The README's commands work as written from a fresh clone."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from analysis import config

README = (config.ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (config.ROOT / "Makefile").read_text(encoding="utf-8")


def code_blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README, flags=re.DOTALL)


def test_the_cron_line_works_in_a_fresh_clone_without_a_logs_folder(tmp_path):
    (line,) = [ln for block in code_blocks("cron") for ln in block.splitlines() if ln.strip()]
    command = line.split(None, 5)[5]  # after minute, hour, day, month, weekday
    assert "make report" in command and "/path/to/project" in command
    # The project folder as a fresh clone has it (no logs/), and a stand-in for the build.
    command = command.replace("/path/to/project", str(tmp_path)).replace(
        "make report", "echo built"
    )
    done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "logs" / "cron.log").read_text() == "built\n"


def test_commands_name_the_projects_python():
    # `python -m analysis` works only with the environment activated; the README's commands are
    # run as written, so they name .venv's interpreter (the conda section uses `make PY=python`).
    lines = [ln.strip() for block in code_blocks("sh") for ln in block.splitlines()]
    bare = [ln for ln in lines if re.match(r"(python3?|analysis) ", ln)]
    assert bare == []
    assert any(ln.startswith(".venv/bin/python -m analysis ") for ln in lines)


def test_every_make_target_the_readme_names_exists():
    targets = set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE, flags=re.MULTILINE))
    named = set(re.findall(r"`make ([a-z][a-z-]*)", README)) | set(
        re.findall(r"^make ([a-z][a-z-]*)", "\n".join(code_blocks("sh")), flags=re.MULTILINE)
    )
    assert {"report", "test", "notebooks", "data"} <= named
    assert named - targets == set()


@pytest.mark.parametrize(
    "command",
    sorted(
        set(
            re.findall(
                r"^\.venv/bin/python -m analysis ([a-z-]+)",
                "\n".join(code_blocks("sh")),
                flags=re.MULTILINE,
            )
        )
    ),
)
def test_every_command_the_readme_shows_exists(command):
    done = subprocess.run(
        [sys.executable, "-m", "analysis", command, "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_adding_next_months_figures_as_the_readme_says_leaves_the_notebooks_up_to_date(tmp_path):
    # The README's steps, in a fresh clone's copy: add a source document's figures, make data,
    # (make report), make notebooks. make test's nbval must then pass. make report
    # does not touch the committed notebooks, so it is left out here to keep the test quick.
    from file_trees import copy_project
    from tidy_rows import RAW_FIGURES

    copy = tmp_path / "project"
    copy_project(copy)
    # The copy's figures are the fixture's, not data/raw's as an analyst has left it: the month
    # added below must not collide with one the analyst has already added.
    raw = copy / "data" / "raw"
    for path in raw.glob("*.csv"):
        path.unlink()
    for path in RAW_FIGURES.glob("*.csv"):
        (raw / path.name).write_bytes(path.read_bytes())
    # An invented next month from an invented document, as a file of its own in the copy only
    # (never in the real data/raw).
    (raw / "invented_update_2012-06.csv").write_text(
        "metric,scope,period,value,source,source_ref\n"
        'open_cin_cases,service,end of May 2012,990,"An invented update, June 2012",para 1\n',
        encoding="utf-8",
    )
    before = (copy / "notebooks" / "02_cin_cases.ipynb").read_bytes()
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}
    env.pop(config.REPORTS_ENV, None)

    def make(target: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["make", target, f"PY={sys.executable}"],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
        )

    for target in ("data", "notebooks"):
        done = make(target)
        assert done.returncode == 0, f"make {target}:\n{done.stdout}\n{done.stderr}"
    after = (copy / "notebooks" / "02_cin_cases.ipynb").read_bytes()
    assert after != before and b"end of May 2012" in after  # the new month reached page 02
    done = make("nbval")
    assert done.returncode == 0, done.stdout + done.stderr
    assert " failed" not in done.stdout and " passed" in done.stdout


@pytest.mark.parametrize("readme", ["README.md", "data/raw/README.md"])
def test_readmes_point_only_inside_the_repository(readme):
    # A clone has nothing beside it: every path a README names in `code` is in the project
    # (or is a pattern such as DIR/metrics.csv, or a folder the project writes), and none
    # climbs out of it.
    text = (config.ROOT / readme).read_text(encoding="utf-8")
    spans = set(re.findall(r"`([^`\s]+)`", text))
    assert not [s for s in spans if s.startswith(("../", "/")) or "/../" in s]
    written = ("data/processed", "data/restricted", "reports", "logs", ".venv", ".report")
    for span in spans:
        looks_like_a_path = re.fullmatch(r"(data|src|tests|notebooks)/[\w./-]*", span)
        if looks_like_a_path and not span.startswith(written):
            assert (config.ROOT / span).exists(), f"{readme} names {span}, which is not there"


def section(heading: str) -> str:
    """The README's text under a heading, up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    start = README.index(f"\n{heading}\n")
    rest = README[start + len(heading) + 2 :]
    pattern = rf"^#{{1,{len(level)}}} "
    ends = [m.start() for m in re.finditer(pattern, rest, flags=re.MULTILINE)]
    return rest[: ends[0]] if ends else rest


def test_a_new_dfe_release_says_where_from_where_to_what_to_run_and_what_the_tests_check():
    from analysis.published.schema import FILES

    text = " ".join(section("### A new DfE release").split())
    assert "dfe-analytical-services/CSC_outcomes_and_enablers" in text
    assert "explore-education-statistics.service.gov.uk" in text
    assert "`data/raw/dfe/`" in text and "src/analysis/published/schema.py" in text
    assert "ons_mid-year_population_estimates" in text and FILES["ons"].name.startswith(
        "ons_mid-year_population_estimates"
    )
    assert ".venv/bin/python -m analysis benchmark --authority Peterborough" in text
    assert "make notebooks" in text and "What the tests check" in text


def test_the_readme_says_where_command_line_paths_start():
    text = " ".join(README.split())
    assert "Paths typed on the command line" in text
    assert "start from the current folder" in text
    assert "start from the project root" in text


def test_make_returns_its_own_status_2_while_analysis_returns_1_as_the_readme_says(tmp_path):
    # Bad data in a copy of the project: `analysis clean` exits 1 (DataError); make, running
    # the clean stage, exits 2. (The Makefile holds no paths: its targets run pipeline.yaml's
    # stages, from the project's own data/raw.)
    from file_trees import copy_project

    copy = tmp_path / "project"
    copy_project(copy)
    (copy / "data" / "raw" / "bad.csv").write_text(
        "metric,scope,period,value,source,source_ref\n"
        "open_cin_cases,service,May 2012,lots,A document,para 1\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}
    env.pop(config.REPORTS_ENV, None)
    direct = subprocess.run(
        [sys.executable, "-m", "analysis", "clean", "--raw", "data/raw", "--out", "out"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    assert direct.returncode == 1, direct.stderr
    made = subprocess.run(
        ["make", "data", f"PY={sys.executable}"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 2, made.stderr
    assert "bad.csv:2: column 'value': value 'lots'" in made.stderr
    status = " ".join(README.split())
    assert "Through `make`**, any failure exits with make's own status, 2" in status
    assert "returns 0 built; 1 failed" in status

"""The report runner on small fixture notebooks: parameters, failures, kills, the lock."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from file_trees import snapshot

from analysis import config
from analysis.report import execution, folders, pages, params, provenance, runner, safety
from analysis.report.lock import run_lock

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"
GOOD, FAILING, SLOW = FIXTURES / "good", FIXTURES / "failing", FIXTURES / "slow"


def run_report(workspace: Path, notebooks: Path, *extra: str, timeout: float = 180):
    """`python -m analysis report` on fixture notebooks, writing under `workspace`."""
    cmd = [sys.executable, "-m", "analysis", "report", "--no-clean"]
    cmd += ["--notebooks-dir", str(notebooks), "--out", str(workspace / "reports"), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def start_report(workspace: Path, notebooks: Path, *extra: str) -> subprocess.Popen:
    """The same, in the background."""
    cmd = [sys.executable, "-m", "analysis", "report", "--no-clean"]
    cmd += ["--notebooks-dir", str(notebooks), "--out", str(workspace / "reports"), *extra]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def log_lines(workspace: Path) -> list[dict]:
    """The run log's records."""
    path = workspace / "logs" / "report-runs.log"
    return [json.loads(line) for line in path.read_text().splitlines()]


def wait_for(path: Path, seconds: float = 60) -> None:
    """Wait until a file exists and is not empty."""
    deadline = time.monotonic() + seconds
    while not (path.exists() and path.stat().st_size):
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)


def end_process(pid: int) -> None:
    """Kill a kernel the test's own runner started (it is orphaned when the runner is killed)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """A complete report built once from the good fixtures (reused, never modified)."""
    workspace = tmp_path_factory.mktemp("good")
    done = run_report(workspace, GOOD, "-p", "repeats", "4")
    assert done.returncode == 0, done.stderr
    return workspace, snapshot(workspace / "reports")


@pytest.fixture
def previous(tmp_path, good_build) -> Path:
    """A workspace holding a previous complete report, to be protected by later runs."""
    _, files = good_build
    for name, data in files.items():
        (tmp_path / "reports" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "reports" / name).write_bytes(data)
    return tmp_path


# --- a good run ------------------------------------------------------------------------------


def test_good_run_writes_complete_report(good_build):
    workspace, files = good_build
    assert set(files) == {
        ".gitkeep",
        "01_alpha.ipynb",
        "01_alpha.html",
        "02_beta.ipynb",
        "02_beta.html",
        "figures/01_alpha-bars.png",
        "figures/02_beta-bars.png",
        "index.html",
        "manifest.json",
    }
    index = files["index.html"].decode()
    assert '<a href="01_alpha.html">Alpha: a fixture report</a>' in index
    assert 'src="figures/02_beta-bars.png"' in index
    # The finding comes from the executed notebook, so it reflects the -p value (4 bars).
    assert "Peterborough: 4 bars, the last 6.0." in index
    assert "def " not in files["01_alpha.html"].decode()  # no code in the HTML
    assert not (workspace / folders.STAGING_NAME).exists()
    [entry] = log_lines(workspace)
    assert entry["outcome"] == "ok" and entry["inputs_digest"]


# SHA-256 of the good fixture notebooks, from `sha256sum tests/fixtures/notebooks/good/*.ipynb`
# in the shell (change them only when a fixture notebook changes).
ALPHA_SHA256 = "8d04978e48a9d320ff5459f86fd0829efdf2a0c5fb2f387a9cb9fced554e36c7"
BETA_SHA256 = "ceed98b58006e49e9b6cda156d0ce0fa0857195ec669f2ceac467fc18050d632"
# The manifest's end, written out: parameters are its last key (keys sorted, indent 2), and each
# notebook's are its defaults with -p repeats 4 and the runner's figures_dir.
PARAMETERS_TEXT = """\
  "parameters": {
    "01_alpha": {
      "authority": "Peterborough",
      "figures_dir": "figures",
      "repeats": 4,
      "scale": 1.5
    },
    "02_beta": {
      "authority": "Peterborough",
      "figures_dir": "figures",
      "repeats": 4,
      "scale": 1.5
    }
  }
}
"""


def test_manifest_records_commit_inputs_parameters_versions(good_build):
    _, files = good_build
    text = files["manifest.json"].decode()
    assert re.findall(r'^  "(\w+)":', text, re.M) == [
        "git", "inputs", "inputs_digest", "packages", "parameters",
    ]  # fmt: skip
    assert text.startswith('{\n  "git": {\n    "commit": "')
    assert text.endswith(PARAMETERS_TEXT)
    # The fixture notebooks are in no pipeline stage and read no data: they are the inputs.
    assert (
        '  "inputs": {\n'
        f'    "tests/fixtures/notebooks/good/01_alpha.ipynb": "{ALPHA_SHA256}",\n'
        f'    "tests/fixtures/notebooks/good/02_beta.ipynb": "{BETA_SHA256}"\n'
        '  },\n  "inputs_digest": "'
    ) in text
    data = json.loads(text)
    assert re.fullmatch(r"[0-9a-f]{12}", data["inputs_digest"])
    assert list(data["packages"]) == [
        "analysis", "matplotlib", "nbconvert", "pandas", "papermill", "python", "seaborn",
    ]  # fmt: skip
    assert data["packages"]["pandas"] == metadata.version("pandas")
    assert set(data["git"]) == {"commit", "dirty"}
    assert re.fullmatch(r"[0-9a-f]{40}|unknown", data["git"]["commit"])
    assert data["inputs_digest"] in files["01_alpha.html"].decode()  # the footer


def test_manifest_text_sorts_keys_indents_by_two_and_ends_with_a_newline():
    data = {"b": {"z": 1, "y": [1.5, True]}, "a": "Fenland £200,000 – ok"}
    assert provenance.manifest_text(data) == (
        "{\n"
        '  "a": "Fenland £200,000 – ok",\n'
        '  "b": {\n'
        '    "y": [\n'
        "      1.5,\n"
        "      true\n"
        "    ],\n"
        '    "z": 1\n'
        "  }\n"
        "}\n"
    )


def test_inputs_are_hashed_by_path_and_digested_in_twelve_characters():
    hashes = provenance.hash_inputs([GOOD])
    assert hashes == {
        "tests/fixtures/notebooks/good/01_alpha.ipynb": ALPHA_SHA256,
        "tests/fixtures/notebooks/good/02_beta.ipynb": BETA_SHA256,
    }
    # In the shell: printf 'tests/fixtures/notebooks/good/01_alpha.ipynb\0%s\n
    # tests/fixtures/notebooks/good/02_beta.ipynb\0%s\n' "$ALPHA_SHA256" "$BETA_SHA256"
    # | sha256sum | cut -c1-12 (the two lines joined, each ending in a newline).
    assert provenance.inputs_digest(hashes) == "6dccf119c67d"


def test_outputs_hold_no_absolute_paths_or_timings(good_build):
    workspace, files = good_build
    for name, data in files.items():
        if name.endswith((".ipynb", ".html", ".json")):
            text = data.decode()
            assert str(workspace) not in text, name
            assert str(config.ROOT) not in text, name
            # As JSON keys: the DfE's d5 file is named "..._by_duration_...".
            assert '"start_time":' not in text and '"duration":' not in text, name


def test_same_inputs_same_bytes_in_another_folder(tmp_path):
    # Two builds at once (not against the shared build: a commit made meanwhile changes the
    # manifest), in folders whose paths differ in length.
    workspaces = [tmp_path / "one", tmp_path / "another-folder"]
    runs = [start_report(w, GOOD, "-p", "repeats", "4") for w in workspaces]
    for run in runs:
        _, err = run.communicate(timeout=180)
        assert run.returncode == 0, err
    first, again = (snapshot(w / "reports") for w in workspaces)
    assert again.keys() == first.keys()
    assert [n for n in first if first[n] != again[n]] == []


# --- parameters ------------------------------------------------------------------------------


def test_unknown_parameter_is_refused_before_any_notebook_runs(previous):
    before = snapshot(previous / "reports")
    done = run_report(previous, GOOD, "-p", "colour", "red")
    assert done.returncode == 2
    assert "unknown parameter 'colour'" in done.stderr
    assert "repeats" in done.stderr  # says which names exist
    assert "running" not in done.stderr
    assert snapshot(previous / "reports") == before


def test_wrong_type_is_refused_naming_the_parameter(previous):
    done = run_report(previous, GOOD, "-p", "repeats", "three")
    assert done.returncode == 2
    assert "parameter 'repeats' expects int" in done.stderr
    assert "'three'" in done.stderr


def test_wrong_type_in_params_file_is_refused(previous):
    yaml_file = previous / "params.yaml"
    yaml_file.write_text("scale: 2\nauthority: 7\n")
    done = run_report(previous, GOOD, "--params-file", str(yaml_file))
    assert done.returncode == 2
    assert "parameter 'authority' expects str" in done.stderr
    assert "scale" not in done.stderr  # an int where a float is expected is fine


def test_figures_dir_belongs_to_the_runner(previous):
    done = run_report(previous, GOOD, "-p", "figures_dir", "/tmp/elsewhere")
    assert done.returncode == 2
    assert "figures_dir" in done.stderr


def test_svg_belongs_to_the_runner_it_is_asked_for_with_the_svg_option(previous):
    before = snapshot(previous / "reports")
    done = run_report(previous, GOOD, "-p", "svg", "false")
    assert done.returncode == 2
    assert "parameter 'svg' is set by the report runner" in done.stderr and "--svg" in done.stderr
    assert snapshot(previous / "reports") == before
    # --svg is a pack's: asked of the default report (which always writes SVG) it is refused.
    done = run_report(previous, GOOD, "--svg")
    assert done.returncode == 2
    assert "--svg applies to a pack" in done.stderr
    assert snapshot(previous / "reports") == before


def test_only_a_pack_without_svg_is_given_svg_false():
    # The default report and a pack with --svg leave the notebook's own default (True).
    assert folders.runner_parameters(svg=True) == {"figures_dir": "figures"}
    assert folders.runner_parameters(svg=False) == {"figures_dir": "figures", "svg": False}


@pytest.mark.parametrize(
    ("value", "default", "from_cli", "expected"),
    [
        ("4", 3, True, 4),
        ("2.5", 1.5, True, 2.5),
        ("no", True, True, False),
        ("Fenland", "Peterborough", True, "Fenland"),
        ("12", "Peterborough", True, "12"),  # a text default keeps digits as text
        (2, 1.5, False, 2.0),
        ("[1, 2]", [0], True, [1, 2]),
    ],
)
def test_convert_accepts_values_of_the_defaults_type(value, default, from_cli, expected):
    got = params.convert("x", value, default, from_cli)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    ("value", "default", "from_cli"),
    [("4.5", 3, True), ("maybe", True, True), (True, 3, False), ("3", 3, False), (3, "a", False)],
)
def test_convert_refuses_values_of_another_type(value, default, from_cli):
    from analysis.errors import UsageError

    with pytest.raises(UsageError, match="parameter 'x' expects"):
        params.convert("x", value, default, from_cli)


def test_select_notebooks_by_stem_or_file_name_and_refuse_unknown_ones():
    from analysis.errors import UsageError

    assert runner.select_notebooks(GOOD, ["02_beta.ipynb", "01_alpha", "02_beta"]) == [
        GOOD / "01_alpha.ipynb",
        GOOD / "02_beta.ipynb",
    ]
    with pytest.raises(UsageError, match="unknown notebook 'gamma'; known: 01_alpha, 02_beta"):
        runner.select_notebooks(GOOD, ["gamma"])


# --- failures --------------------------------------------------------------------------------


def test_failing_notebook_names_notebook_and_cell_and_keeps_previous_report(previous):
    before = snapshot(previous / "reports")
    done = run_report(previous, FAILING)
    assert done.returncode == 1
    message = done.stderr
    assert "02_boom.ipynb" in message
    assert "cell 4" in message  # numbered as in the notebook, not counting papermill's cell
    assert 'counts = {"a": 1}' in message  # the cell's first line
    assert "KeyError" in message and "no such team" in message
    assert 'at line 2: missing = counts["no such team"]' in message
    assert "untouched" in message
    assert snapshot(previous / "reports") == before
    assert not (previous / folders.STAGING_NAME).exists()
    entry = log_lines(previous)[-1]
    assert entry["outcome"] == "failed" and "02_boom.ipynb" in entry["message"]
    assert entry["inputs"]["tests/fixtures/notebooks/failing/02_boom.ipynb"]  # hashes logged


def test_figure_without_alt_text_fails_the_run(previous):
    before = snapshot(previous / "reports")
    done = run_report(previous, FIXTURES / "noalt")
    assert done.returncode == 1
    assert "01_noalt.ipynb: cannot publish it as HTML" in done.stderr
    assert "alt text in cell 3" in done.stderr  # numbered as written, not counting papermill's
    assert snapshot(previous / "reports") == before


def test_bad_data_stops_before_any_notebook_and_keeps_previous_report(previous):
    from analysis.errors import DataError

    raw = previous / "raw"
    raw.mkdir()
    good = (config.DATA_RAW / "cabinet_report_2012-07-10.csv").read_text().splitlines()
    header, first = good[0], good[1]
    (raw / "bad.csv").write_text(f"{header}\n{first.replace(',235,', ',lots,')}\n")
    processed = previous / "processed"
    # The notebooks read the table that the pipeline's clean stage writes from the bad folder.
    declared = previous / "pipeline.yaml"
    declared.write_text(
        "stages:\n"
        f"  - {{name: clean, run: clean, needs: {{raw: {raw}}},\n"
        f"     writes: {{{processed}/metrics.csv: aggregate}}}}\n"
        "  - {name: alpha, notebook: tests/fixtures/notebooks/good/01_alpha.ipynb,\n"
        f"     needs: {{metrics_path: {processed}/metrics.csv}}, writes: {{reports: aggregate}}}}\n"
    )
    before = snapshot(previous / "reports")
    layout = folders.Layout(out=previous / "reports", notebooks_dir=GOOD, pipeline=declared)
    with pytest.raises(DataError, match=r"bad\.csv:2"):
        runner.build(layout, sorted(GOOD.glob("*.ipynb")), {}, clean=True)
    assert snapshot(previous / "reports") == before
    assert not layout.staging.exists() and not (previous / "processed").exists()
    assert log_lines(previous)[-1]["outcome"] == "failed"


def test_killed_run_keeps_previous_report_and_next_run_recovers(previous):
    before = snapshot(previous / "reports")
    pid_file = previous / "kernel.pid"
    proc = start_report(previous, SLOW, "-p", "pid_file", str(pid_file))
    try:
        wait_for(pid_file)  # the notebook is running inside the staging build
        assert (previous / folders.STAGING_NAME).exists()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        proc.kill()
        proc.communicate()
        if pid_file.exists():
            end_process(int(pid_file.read_text()))
    assert snapshot(previous / "reports") == before
    assert (previous / folders.STAGING_NAME).exists()  # stale, as a real kill would leave it

    done = run_report(previous, GOOD, "-p", "repeats", "4")
    assert done.returncode == 0, done.stderr
    assert "interrupted run" in done.stderr
    assert not (previous / folders.STAGING_NAME).exists()
    assert snapshot(previous / "reports").keys() == before.keys()  # a complete report again
    assert "staging folder of an interrupted run" in log_lines(previous)[-1]["recovered"]


def test_terminated_run_cleans_up_and_exits_non_zero(previous):
    before = snapshot(previous / "reports")
    pid_file = previous / "kernel.pid"
    proc = start_report(previous, SLOW, "-p", "pid_file", str(pid_file))
    try:
        wait_for(pid_file)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        if pid_file.exists():
            end_process(int(pid_file.read_text()))
    assert proc.returncode == 130
    assert "SIGTERM" in err and "untouched" in err
    assert "Traceback" not in err  # what cron mails is two plain lines, not a kernel's stack
    assert snapshot(previous / "reports") == before
    assert not (previous / folders.STAGING_NAME).exists()
    assert log_lines(previous)[-1]["outcome"] == "interrupted"


def test_second_run_exits_at_once_while_one_holds_the_lock(previous):
    before = snapshot(previous / "reports")
    with run_lock(previous / folders.LOCK_NAME):
        started = time.monotonic()
        done = run_report(previous, GOOD, timeout=60)
        elapsed = time.monotonic() - started
    assert done.returncode == 1
    assert "another report run is in progress" in done.stderr
    assert f"process {os.getpid()}" in done.stderr
    assert elapsed < 15  # no kernel was started (a build takes longer than this)
    assert snapshot(previous / "reports") == before
    skipped = log_lines(previous)[-1]
    assert skipped["outcome"] == "skipped"
    # A skipped line has the same fields as any other (null where the run never learnt them).
    assert sorted(skipped) == sorted(LOG_FIELDS)
    assert skipped["notebooks"] == ["01_alpha", "02_beta"] and skipped["inputs"] is None


# The fields of every run-log line, whatever its outcome (README, "Run log").
LOG_FIELDS = [
    "start", "end", "pid", "outcome", "message", "notebooks", "commit", "dirty",
    "inputs_digest", "inputs", "recovered", "note",
]  # fmt: skip


def test_every_outcome_logs_the_same_fields(previous):
    assert run_report(previous, GOOD).returncode == 0
    assert run_report(previous, GOOD, "-p", "nope", "1").returncode == 2
    ok, usage = log_lines(previous)[-2:]
    assert (ok["outcome"], usage["outcome"]) == ("ok", "usage error")
    assert sorted(ok) == sorted(usage) == sorted(LOG_FIELDS)


def test_recover_puts_back_reports_after_a_kill_mid_swap(tmp_path):
    layout = folders.Layout(out=tmp_path / "reports", notebooks_dir=GOOD)
    layout.backup.mkdir()
    (layout.backup / "index.html").write_text("last good")
    layout.staging.mkdir()
    note = safety.recover(layout)
    assert (layout.out / "index.html").read_text() == "last good"
    assert not layout.backup.exists() and not layout.staging.exists()
    assert note and "restored" in note


def test_swap_replaces_reports_and_leaves_no_backup(tmp_path):
    layout = folders.Layout(out=tmp_path / "reports", notebooks_dir=GOOD)
    layout.out.mkdir()
    (layout.out / "old.html").write_text("old")
    layout.staging.mkdir()
    (layout.staging / "new.html").write_text("new")
    safety.swap_in(layout)
    assert [p.name for p in layout.out.iterdir()] == ["new.html"]
    assert not layout.backup.exists() and not layout.staging.exists()


# --- normalising executed notebooks ----------------------------------------------------------


def test_normalise_strips_timings_random_ids_and_paths():
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {
        "start_time": "2026-01-01T00:00:00",
        "end_time": "2026-01-01T00:00:05",
        "duration": 5.0,
        "input_path": "/abs/in.ipynb",
        "output_path": "/abs/out.ipynb",
        "parameters": {"repeats": 4},
    }
    injected = nbformat.v4.new_code_cell("repeats = 4")
    injected.metadata["tags"] = ["injected-parameters"]
    injected.metadata["papermill"] = {"duration": 0.1, "status": "completed"}
    injected.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00"}
    warn = nbformat.v4.new_output(
        "stream", name="stderr", text=f"{config.ROOT}/src/analysis/x.py:3: UserWarning: careful\n"
    )
    code = nbformat.v4.new_code_cell("x = 1", outputs=[warn])
    nb.cells = [injected, code]
    out = execution.normalise(nb)
    assert out.metadata.papermill == {"parameters": {"repeats": 4}}
    assert out.cells[0]["id"] == "injected-parameters"
    assert "papermill" not in out.cells[0].metadata and "execution" not in out.cells[0].metadata
    assert out.cells[1].outputs[0]["text"] == "src/analysis/x.py:3: UserWarning: careful\n"


def test_execute_in_place_is_stable(tmp_path):
    nb_path = tmp_path / "01_alpha.ipynb"
    nb_path.write_bytes((GOOD / "01_alpha.ipynb").read_bytes())
    assert execution.execute_in_place(nb_path) is True  # fixtures are stored without outputs
    first = nb_path.read_bytes()
    assert execution.execute_in_place(nb_path) is False
    assert nb_path.read_bytes() == first
    assert first.endswith(b"}\n") and first.startswith(b'{\n "cells": [\n  {')  # Jupyter's format
    nb = nbformat.reads(first.decode(), as_version=4)
    assert nb.cells[3].outputs[0]["data"]["text/markdown"] == "Peterborough: 3 bars, the last 4.5."


def test_provenance_outside_a_checkout_says_unknown(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "ROOT", tmp_path)
    assert provenance.git_state() == {"commit": "unknown", "dirty": "unknown"}
    footer = pages.footer_html(provenance.manifest({}, {}, versions={"pandas": "2.2"}))
    assert "commit unknown" in footer and "pandas 2.2" in footer

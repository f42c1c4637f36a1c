"""Same inputs, same bytes: two full report builds in two folders give identical reports/ trees."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from file_trees import copy_project, snapshot

from analysis import config


def test_two_builds_in_two_folders_are_byte_identical(tmp_path):
    # Different path lengths too, so nothing may depend on where the checkout lives.
    copies = [tmp_path / "a", tmp_path / "second-build-folder"]
    runs = []
    for number, copy in enumerate(copies):
        if number:
            time.sleep(2)  # different wall-clock seconds: anything read from the clock would differ
        copy_project(copy)
        assert any((copy / "notebooks").glob("*.ipynb")), "no notebooks to build"
        env = {k: v for k, v in os.environ.items() if k != config.REPORTS_ENV}
        # The copy's own package (and so its ROOT) must be used, in the kernels too.
        env["PYTHONPATH"] = str(copy / "src")
        runs.append(
            subprocess.Popen(
                [sys.executable, "-m", "analysis", "report"],
                cwd=copy,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for copy, proc in zip(copies, runs, strict=True):
        _, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, f"report in {copy.name} failed:\n{err}"
        # Proof that the copy's package ran: its run log is in the copy, not the project.
        assert (copy / "logs" / "report-runs.log").is_file()

    first, second = (snapshot(copy / "reports") for copy in copies)
    assert "index.html" in first and "manifest.json" in first
    assert any(name.endswith(".svg") for name in first), "no SVG figures to compare"
    assert first.keys() == second.keys()
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == []
    for name, data in first.items():
        if name.endswith((".ipynb", ".html", ".json", ".svg")):
            text = data.decode("utf-8")
            assert str(tmp_path) not in text, f"{name} holds an absolute path"

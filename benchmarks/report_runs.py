"""What bench_plain.py times `analysis report` with: B, a fresh copy of the project, a timed run.

B is the best of three fresh interpreters importing pandas, matplotlib.pyplot, seaborn,
papermill and nbconvert: what any notebook run pays before it does anything. A report is timed
in a copy of the project (a fresh clone's files, no built outputs), so nothing the working tree
holds can make it look faster. Issue 17's speed table replaced the older goals against B for a
cold report and a pack, so their benchmark went: bench_plain.py prints every row of that table.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # bench_plain draws with this checkout's package
STACK = "import pandas, matplotlib.pyplot, seaborn, papermill, nbconvert"


def stack_import_seconds(repeat: int = 3) -> float:
    """B: the best of `repeat` fresh interpreters importing the stack."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", STACK], check=True)
        best = min(best, time.perf_counter() - started)
    return best


def project_copy(dest: Path) -> None:
    """The files a fresh clone (plus uncommitted edits) would hold, copied to dest."""
    names = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, names.split("\0")):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)


def timed_report(copy: Path, *args: str) -> float:
    """Wall-clock seconds of `analysis report` in the copy, run with the copy's own package."""
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "report", *args],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"report failed in the copy:\n{done.stderr}")
    return elapsed

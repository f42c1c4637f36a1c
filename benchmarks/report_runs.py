"""Benchmark `analysis report` against B, the time merely to import the stack (run by `make bench`).

B is the best of three fresh interpreters importing pandas, matplotlib.pyplot, seaborn,
papermill and nbconvert: what any notebook run pays before it does anything. The report is
timed in a copy of the project (a fresh clone's files, no built outputs), so nothing the
working tree holds can make it look faster:

- cold: the first build in the copy (stages, every notebook, pages, index);
- again: a second build with nothing changed (everything comes from .report-cache/).

Each is printed in seconds and as a multiple of B, beside its goal. The pack of every authority
is timed once, by bench_plain.py, against its pages' charts drawn alone: timing it here too
drew 153 pages twice in `make bench`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # bench_plain draws with this checkout's package
STACK = "import pandas, matplotlib.pyplot, seaborn, papermill, nbconvert"
GOALS = {"cold": 2.5, "again": 0.5}
LABELS = {
    "cold": "cold, default pages",
    "again": "again, nothing changed",
}


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


def main() -> int:
    """Measure B, then the report cold and with nothing changed; print seconds and ratios."""
    b = stack_import_seconds()
    print(
        f"B (import pandas, matplotlib.pyplot, seaborn, papermill, nbconvert): {b:.2f} s",
        flush=True,
    )
    print(f"{'analysis report':<32} {'seconds':>8} {'x B':>7}   goal", flush=True)

    def show(name: str, seconds: float) -> None:
        label = LABELS[name]
        ok = "met" if seconds / b <= GOALS[name] else "NOT met"
        line = f"  {label:<30} {seconds:8.2f} {seconds / b:6.1f}x   <= {GOALS[name]} B  {ok}"
        print(line, flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        copy = Path(tmp) / "project"
        project_copy(copy)
        show("cold", timed_report(copy))
        show("again", timed_report(copy))
    cpus = os.cpu_count() or 1
    print(f"machine: {cpus} CPUs, Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

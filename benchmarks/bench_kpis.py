"""Benchmark `analysis kpis` at national scale (run by `make bench`; prints figures and ratios).

1,000,000 assessments and 1,000,000 CIN episodes over five years (`analysis synth --rows`).
Goals from issues 3 and 10: the whole `kpis` command, in process, no longer than pandas takes
merely to read the two files with its default engine (issue 10; issue 3 allowed 2x); at least
50x faster than a straightforward row-by-row implementation of the same rules (timed on a
subsample, extrapolated, and checked to agree with the fast one there); peak memory under 1.5 GB.

Two row-by-row versions of the rules are timed: `pandas_apply_kpis`, the DataFrame.apply
code an analyst often writes first, and `naive_kpis`, tight plain-Python loops over csv rows
(a much harder baseline). `naive_kpis` is also the tests' independent reference.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS = 1_000_000
# The row-by-row versions run on every Nth row of each file and are extrapolated linearly
# (their cost is rows x months, and a subsample keeps the months).
PYTHON_EVERY = 20
APPLY_EVERY = 500
REPEAT = 3  # timings are the best of three runs, each in a fresh interpreter
TIMESCALES = {"initial": 10, "core": 35, "single": 45}
ONE_DAY = dt.timedelta(days=1)


# --- the same rules, one record at a time -------------------------------------------------


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - ONE_DAY


class _Days:
    """Working days counted one day at a time, as a person would with a calendar."""

    def __init__(self, first_year: int, last_year: int) -> None:
        import holidays

        years = range(first_year - 1, last_year + 2)
        self.bank = set(holidays.country_holidays("GB", subdiv="ENG", years=years))

    def working(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.bank

    def taken(self, start: dt.date, done: dt.date) -> int:
        count, day = 0, start
        while day < done:
            day += ONE_DAY
            count += self.working(day)
        return count

    def deadline(self, start: dt.date, days: int) -> dt.date:
        count, day = 0, start
        while count < days:
            day += ONE_DAY
            count += self.working(day)
        return day


def _months(first: dt.date, last: dt.date) -> list[tuple[int, int, dt.date, str]]:
    months = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append((y, m, _month_end(y, m), f"{dt.date(y, m, 1):%B} {y}"))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def naive_kpis(folder: Path, timescales: dict[str, int] = TIMESCALES) -> dict[tuple, float]:
    """(metric, scope, period) -> value, computed record by record with plain Python."""
    with open(folder / "assessments.csv", newline="", encoding="utf-8") as fh:
        assessments = list(csv.DictReader(fh))
    with open(folder / "cin_episodes.csv", newline="", encoding="utf-8") as fh:
        episodes = list(csv.DictReader(fh))
    a_start = [_date(r["start_date"]) for r in assessments]
    a_done = [_date(r["completed_date"]) for r in assessments]
    e_start = [_date(r["start_date"]) for r in episodes]
    e_end = [_date(r["end_date"]) for r in episodes]
    every = [d for d in a_start + a_done + e_start + e_end if d is not None]
    first = min(a_start) if a_start else min(e_start)
    last = max(every)
    days = _Days(first.year, last.year)
    months = _months(first, last)

    out: dict[tuple, float] = {}
    types = sorted({r["assessment_type"] for r in assessments})
    for kind in types:
        done = dict.fromkeys(range(len(months)), 0)
        timely = dict.fromkeys(range(len(months)), 0)
        overdue = dict.fromkeys(range(len(months)), 0)
        for row, start, completed in zip(assessments, a_start, a_done, strict=True):
            if row["assessment_type"] != kind:
                continue
            due = days.deadline(start, timescales[kind])
            for i, (year, month, end, _) in enumerate(months):
                if completed is not None and (completed.year, completed.month) == (year, month):
                    done[i] += 1
                    timely[i] += days.taken(start, completed) <= timescales[kind]
                is_open = start <= end and (completed is None or completed > end)
                if is_open and due < end:
                    overdue[i] += 1
        for i, (*_, label) in enumerate(months):
            out[(f"{kind}_assessments_completed", "service", label)] = done[i]
            out[(f"{kind}_assessments_on_time", "service", label)] = timely[i]
            out[(f"{kind}_assessments_overdue", "service", label)] = overdue[i]
            if done[i]:
                pct = round(100.0 * timely[i] / done[i], 1)
                out[(f"{kind}_assessments_on_time_pct", "service", label)] = pct
    for *_, end, label in months:
        open_cases = 0
        by_team: dict[str, int] = {}
        workers: dict[str, set[str]] = {}
        for row, start, ended in zip(episodes, e_start, e_end, strict=True):
            if start <= end and (ended is None or ended > end):
                open_cases += 1
                by_team[row["team"]] = by_team.get(row["team"], 0) + 1
                workers.setdefault(row["team"], set()).add(row["worker_id"])
        out[("open_cin_cases", "service", label)] = open_cases
        for team, count in by_team.items():
            out[("caseload_per_worker", team, label)] = round(count / len(workers[team]), 1)
    return out


def pandas_apply_kpis(folder: Path, timescales: dict[str, int] = TIMESCALES) -> dict[tuple, float]:
    """The same rules as an analyst might first write them: pandas, one row at a time (apply)."""
    import pandas as pd

    a = pd.read_csv(folder / "assessments.csv", dtype=str, keep_default_na=False)
    e = pd.read_csv(folder / "cin_episodes.csv", dtype=str, keep_default_na=False)
    for frame, end in ((a, "completed_date"), (e, "end_date")):
        frame["start"] = frame["start_date"].apply(_date)
        frame["end"] = frame[end].apply(_date)
    known = [d for f in (a, e) for col in ("start", "end") for d in f[col] if d is not None]
    first = a["start"].min() if len(a) else e["start"].min()
    days = _Days(first.year, max(known).year)
    a["due"] = a.apply(lambda r: days.deadline(r.start, timescales[r.assessment_type]), axis=1)
    a["on_time"] = a.apply(
        lambda r: r.end is not None and days.taken(r.start, r.end) <= timescales[r.assessment_type],
        axis=1,
    )
    out: dict[tuple, float] = {}
    for year, month, end, label in _months(first, max(known)):
        for kind in sorted(a["assessment_type"].unique()):
            sub = a[a["assessment_type"] == kind]
            in_month = sub.apply(
                lambda r, y=year, m=month: (
                    r.end is not None and (r.end.year, r.end.month) == (y, m)
                ),
                axis=1,
            )
            overdue = sub.apply(
                lambda r, end=end: (
                    r.start <= end and (r.end is None or r.end > end) and r.due < end
                ),
                axis=1,
            )
            done, timely = int(in_month.sum()), int((in_month & sub["on_time"]).sum())
            out[(f"{kind}_assessments_completed", "service", label)] = done
            out[(f"{kind}_assessments_on_time", "service", label)] = timely
            out[(f"{kind}_assessments_overdue", "service", label)] = int(overdue.sum())
            if done:
                pct = round(100.0 * timely / done, 1)
                out[(f"{kind}_assessments_on_time_pct", "service", label)] = pct
        is_open = e.apply(
            lambda r, end=end: r.start <= end and (r.end is None or r.end > end), axis=1
        )
        out[("open_cin_cases", "service", label)] = int(is_open.sum())
        for team, group in e[is_open].groupby("team"):
            out[("caseload_per_worker", team, label)] = round(
                len(group) / group["worker_id"].nunique(), 1
            )
    return out


def fast_kpis(folder: Path) -> dict[tuple, float]:
    """The package's result for the same folder, in the same shape as naive_kpis."""
    from analysis.cases import extract, kpi_table

    table = kpi_table.compute(extract.read_extract(folder))
    return {(r.metric, r.scope, r.period): float(r.value) for r in table.itertuples(index=False)}


def disagreements(fast: dict[tuple, float], slow: dict[tuple, float]) -> list[str]:
    """Keys or values on which the two implementations differ.

    Counts must be equal. Rates and ratios may differ by one step in the last (first decimal)
    place: numpy and Python round a float that sits on a half, such as 3.55, differently.
    """
    problems = [f"only in fast: {k}" for k in fast.keys() - slow.keys()]
    problems += [f"only in row-by-row: {k}" for k in slow.keys() - fast.keys()]
    for key in fast.keys() & slow.keys():
        rounded = key[0].endswith("_pct") or key[0] == "caseload_per_worker"
        if abs(fast[key] - slow[key]) > (0.1 + 1e-9 if rounded else 0):
            problems.append(f"{key}: fast {fast[key]} vs row-by-row {slow[key]}")
    return sorted(problems)


# --- measuring ----------------------------------------------------------------------------

# Each measurement runs in a fresh interpreter so that its peak memory is its own.
_MEASURE = """
import json, resource, sys, time
t0 = time.perf_counter()
{body}
elapsed = time.perf_counter() - t0
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": elapsed, "peak_mb": peak_mb}}))
"""


def _measure(body: str, repeat: int = REPEAT) -> dict[str, float]:
    """Best time of `repeat` fresh runs (other processes add noise, never speed), worst peak."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", _MEASURE.format(body=body)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        figures["wall_seconds"] = time.perf_counter() - started  # with start-up and imports
        runs.append(figures)
    return {
        "seconds": min(r["seconds"] for r in runs),
        "wall_seconds": min(r["wall_seconds"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
    }


def _rows(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh) - 1


def _subsample(source: Path, target: Path, every: int) -> None:
    """Every `every`-th record of both files, with the header."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("assessments.csv", "cin_episodes.csv"):
        with open(source / name, encoding="utf-8") as src:
            lines = src.readlines()
        kept = [lines[0], *lines[1::every]]
        (target / name).write_text("".join(kept), encoding="utf-8")


def _timed(function, folder: Path) -> tuple[float, dict[tuple, float]]:
    started = time.perf_counter()
    result = function(folder)
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> int:
    """Generate, time, compare and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="rows per file (default 1,000,000)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-kpis-") as tmp:
        tmp_path = Path(tmp)
        cases, out = tmp_path / "cases", tmp_path / "out"
        t = time.perf_counter()
        synth = [sys.executable, "-m", "analysis", "synth", "--rows", str(args.rows)]
        subprocess.run([*synth, "--out", str(cases)], check=True, stdout=subprocess.DEVNULL)
        total = sum(_rows(p) for p in cases.glob("*.csv"))
        mb = sum(p.stat().st_size for p in cases.glob("*.csv")) / 1e6
        print(f"synthetic extract: {total:,} rows in two files, {mb:.0f} MB")
        print(f"  (generated in {time.perf_counter() - t:.1f} s)")

        read = _measure(
            "import pandas as pd\n"
            f"pd.read_csv({str(cases / 'assessments.csv')!r})\n"
            f"pd.read_csv({str(cases / 'cin_episodes.csv')!r})"
        )
        command = _measure(
            "from analysis.cli import main\n"
            f"assert main(['kpis', '--cases', {str(cases)!r}, '--out', {str(out)!r}]) == 0"
        )
        print(f"pandas read_csv of both files:   {read['seconds']:6.2f} s")
        print(
            f"analysis kpis, whole command:    {command['seconds']:6.2f} s in process, "
            f"{command['wall_seconds']:.2f} s with interpreter start-up"
        )

        slow_ones = []
        for name, function, every in (
            ("plain Python loops", naive_kpis, PYTHON_EVERY),
            ("pandas DataFrame.apply", pandas_apply_kpis, APPLY_EVERY),
        ):
            sample = tmp_path / f"sample-{every}"
            _subsample(cases, sample, every)
            rows = sum(_rows(p) for p in sample.glob("*.csv"))
            seconds, result = _timed(function, sample)
            problems = disagreements(fast_kpis(sample), result)
            extrapolated = seconds * total / rows
            slow_ones.append((name, extrapolated, problems))
            print(
                f"row by row, {name}: {seconds:.2f} s on {rows:,} rows "
                f"-> {extrapolated:,.0f} s extrapolated; agrees with kpis: "
                f"{'yes' if not problems else 'NO'}"
            )
            for p in problems[:10]:
                print(f"  {p}")

    print("ratios")
    print(
        f"  kpis / pandas read:            {command['seconds'] / read['seconds']:.2f}x in process, "
        f"{command['wall_seconds'] / read['seconds']:.2f}x with start-up "
        "(goal <= 1x in process, issue 10)"
    )
    for name, extrapolated, _ in slow_ones:
        print(f"  {name} / kpis: {extrapolated / command['wall_seconds']:,.0f}x (goal >= 50x)")
    print(
        f"peak memory: kpis {command['peak_mb']:.0f} MB (goal < 1536 MB); "
        f"pandas read alone {read['peak_mb']:.0f} MB"
    )
    return 1 if any(problems for *_, problems in slow_ones) else 0


if __name__ == "__main__":
    sys.exit(main())

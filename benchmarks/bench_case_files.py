"""Benchmark `analysis kpis` on a large authority's own files (run by `make bench`; prints ratios).

Issue 16, section 7: a synthetic CIN census return of about 30,000 children (one census year)
and an Annex A workbook of about 100,000 rows across lists 3 to 7, both written by
`analysis synth --story recent` into a temporary folder. Goals:

- `kpis --cin-census FILE` takes at most 1.5x a bare lxml parse of the same file that touches
  every element;
- `kpis --annex-a FILE` takes at most 1.3x a bare read of its five lists with python-calamine;
- peak memory under 1 GB each.

Each measurement runs in a fresh interpreter (best time of three, worst peak). The command is
timed three ways: as a subprocess, start-up and imports included (its peak memory is the
child's, from resource.getrusage(RUSAGE_CHILDREN)); in process through analysis.cli.main,
imports included; and its reader plus the KPI rules alone, imports done before the clock
starts. The bare reads are timed in process with their (small) imports.

The census return's header borrows a real LA code (BENCH_LA_CODE), so that `kpis` does all its
work, the authority's census-year rates included (a code no authority has gets no rates). The
records stay made up, in a temporary folder that is deleted; nothing from it is kept or shown
under that name.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CENSUS_CHILDREN = 30_000  # --children: about this many children in each census year
ANNEX_A_CHILDREN = 15_000  # about 100,000 rows across lists 3 to 7 (6.7 rows a child)
CENSUS_YEAR = 2023  # the return timed: the middle year, nearest 30,000 children
BENCH_LA_CODE = "886"  # Kent's: a large authority, so that kpis finds a population
REPEAT = 3
LISTS = ("List 3", "List 4", "List 5", "List 6", "List 7")
GOALS = {"cin-census": 1.5, "annex-a": 1.3}
MEMORY_GOAL_MB = 1024

_MEASURE = """
import json, resource, sys, time
{setup}
t0 = time.perf_counter()
{body}
elapsed = time.perf_counter() - t0
peak_mb = max(
    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
) / 1024
print(json.dumps({{"seconds": elapsed, "peak_mb": peak_mb}}))
"""


def _measure(body: str, setup: str = "", repeat: int = REPEAT) -> dict[str, float]:
    """Best time of `repeat` fresh interpreters, with start-up, and the worst peak memory."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", _MEASURE.format(setup=setup, body=body)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr else "")
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        figures["wall_seconds"] = time.perf_counter() - started
        runs.append(figures)
    return {
        "seconds": min(r["seconds"] for r in runs),
        "wall_seconds": min(r["wall_seconds"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
    }


READERS = {
    "--cin-census": ("analysis.cases.cin_census", "the census reader"),
    "--annex-a": ("analysis.cases.annex_a", "the Annex A reader"),
}


def _missing(flag: str, usage: str) -> list[str]:
    """What `kpis FLAG` needs to read its file and this checkout lacks."""
    missing = []
    for module, what in (READERS[flag], ("analysis.cases.kpis", "the KPI rules over records")):
        if importlib.util.find_spec(module) is None:
            missing.append(f"{module}: {what}")
    if flag not in usage:
        missing.append(f"the option kpis {flag}")
    return missing


_SIZES = """
import json, sys
from lxml import etree
from python_calamine import CalamineWorkbook
tree = etree.parse(sys.argv[1])
book = CalamineWorkbook.from_path(sys.argv[2])
print(json.dumps({
    "children": len(tree.findall("Children/Child")),
    "elements": sum(1 for _ in tree.iter()),
    "rows": {n: len(book.get_sheet_by_name(n).to_python()) - 1 for n in sys.argv[3:]},
}))
"""


def _sizes(xml: Path, book: Path) -> dict:
    """The files' sizes, counted in another interpreter: a child process starts with its
    parent's peak memory on Linux, so this one stays small for the peaks measured after."""
    done = subprocess.run(
        [sys.executable, "-c", _SIZES, str(xml), str(book), *LISTS],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def _synth(fmt: str, children: int, out: Path, *extra: str) -> None:
    command = [sys.executable, "-m", "analysis", "synth", "--format", fmt, "--story", "recent"]
    command += ["--children", str(children), "--out", str(out), *extra]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def _command(flag: str, path: Path, out: Path) -> dict[str, tuple[str, str]]:
    """The kpis command three ways, each as (setup, timed body) for _measure."""
    argv = ["kpis", flag, str(path), "--out", str(out)]
    as_subprocess = (
        "import subprocess\n"
        f"subprocess.run([sys.executable, '-m', 'analysis', *{argv!r}], check=True, "
        "stdout=subprocess.DEVNULL)"
    )
    through_main = f"from analysis.cli import main\nassert main({argv!r}) == 0"
    if flag == "--cin-census":
        setup = "from analysis.cases.cin_census import read_cin_census"
        rules = (
            f"records = read_cin_census([{str(path)!r}])\n"
            "kpis.monthly(records)\nkpis.census_years(records, {})"
        )
    else:
        setup = "from analysis.cases.annex_a import read_annex_a"
        rules = f"records = read_annex_a({str(path)!r})\nkpis.monthly(records)"
    return {
        "as a subprocess (start-up, imports)": ("", as_subprocess),
        "in process, imports included": ("", through_main),
        "reader + KPI rules, imports done": (f"{setup}\nfrom analysis.cases import kpis", rules),
    }


def main(argv: list[str] | None = None) -> int:
    """Write the files, time the bare reads and the command, print ratios beside the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--census-children", type=int, default=CENSUS_CHILDREN)
    parser.add_argument("--annex-a-children", type=int, default=ANNEX_A_CHILDREN)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-case-files-") as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        _synth("cin-census", args.census_children, root / "census", "--la-code", BENCH_LA_CODE)
        _synth("annex-a", args.annex_a_children, root / "annex")
        xml = root / "census" / f"cin_census_{CENSUS_YEAR}.xml"
        book = root / "annex" / "annex_a_2024_03.xlsx"
        print(f"synthetic files written in {time.perf_counter() - t:.1f} s")

        sizes = _sizes(xml, book)
        children, elements, rows = sizes["children"], sizes["elements"], sizes["rows"]
        print(
            f"census return {xml.name}: {children:,} children, {elements:,} elements, "
            f"{xml.stat().st_size / 1e6:.0f} MB"
        )
        print(
            f"Annex A workbook: {sum(rows.values()):,} rows in lists 3 to 7 "
            f"({', '.join(f'{n} {k:,}' for n, k in rows.items())}), "
            f"{book.stat().st_size / 1e6:.0f} MB"
        )

        bare = {
            "cin-census": _measure(
                "from lxml import etree\n"
                f"for element in etree.parse({str(xml)!r}).iter():\n"
                "    element.text"
            ),
            "annex-a": _measure(
                "from python_calamine import CalamineWorkbook\n"
                f"book = CalamineWorkbook.from_path({str(book)!r})\n"
                f"for name in {LISTS!r}:\n"
                "    book.get_sheet_by_name(name).to_python()"
            ),
        }
        print(f"bare lxml parse, every element touched: {bare['cin-census']['seconds']:6.2f} s")
        print(f"bare python-calamine read of 5 lists:   {bare['annex-a']['seconds']:6.2f} s")

        usage = subprocess.run(
            [sys.executable, "-m", "analysis", "kpis", "--help"], capture_output=True, text=True
        ).stdout
        failed = False
        for kind, flag, path in (
            ("cin-census", "--cin-census", xml),
            ("annex-a", "--annex-a", book),
        ):
            base, goal = bare[kind], GOALS[kind]
            print(f"\nkpis {flag} (goal <= {goal}x the bare read):")
            missing = _missing(flag, usage)
            if missing:
                print(
                    f"  CANNOT TIME `analysis kpis {flag}` in this checkout; it lacks "
                    + "; ".join(missing)
                )
                failed = True
                continue
            peak = 0.0
            for label, (setup, body) in _command(flag, path, root / f"out-{kind}").items():
                timed = _measure(body, setup=setup)
                # A subprocess pays an interpreter's start-up: so does the bare read's wall time.
                against = base["wall_seconds"] if label.startswith("as a") else base["seconds"]
                print(
                    f"  {label + ':':38} {timed['seconds']:6.2f} s -> "
                    f"{timed['seconds'] / against:.2f}x"
                )
                peak = max(peak, timed["peak_mb"])
            print(
                f"  peak memory: {peak:.0f} MB (goal < {MEMORY_GOAL_MB} MB); "
                f"bare read {base['peak_mb']:.0f} MB"
            )
            failed |= peak >= MEMORY_GOAL_MB
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark `analysis report` against a plain papermill loop and the drawing floor (make bench).

The plain loop is what an analyst would write without this project: each notebook (or pack
page) run by `papermill` in a fresh kernel, writing to a temporary folder, then `jupyter
nbconvert --to html --no-input`, one after another, typed as commands with this environment's
papermill and jupyter. Each run gets the parameters `analysis report` gives the same page, so
that both write the same files: `-p figures_dir figures` (a pack page: `figures/SLUG`), so that
its charts are saved as PNG, narrow PNG, CSV and, where the report writes them, SVG; a pack
page also `-p authority NAME` and, unless --svg, `-p svg False` (a pack writes no SVG by
default). Issue 17's speed table, measured in one run:

1. default report, cold: `analysis report` in a fresh copy of the project (a fresh clone's
   files: no reports/, no .report-cache/, nothing in data/processed, so every stage and
   notebook runs), against the plain loop over the same five notebooks in another fresh copy,
   after `analysis stage clean synth kpis benchmark` (the notebooks read what those stages
   write, so their time counts for the loop too);
2. the North East pack, cold: `analysis report --region "North East" --out TMP` in a fresh
   copy, against the plain loop over the same 12 pages (05_benchmark.ipynb -p authority NAME);
   those pages read only the DfE tables, so that loop runs no stage. The CPU time of both is
   printed too: on a shared machine the pack's wall time, spread over every CPU, suffers from
   the others' work far more than a serial loop's;
3. every authority: `analysis report --authority all --out TMP` in a fresh copy, against the
   floor: pages x one page's charts drawn alone / CPUs. One page's charts are timed in this
   process as notebook 05's chart cells draw and publish them (every file figures.publish
   writes for a pack page: no SVG unless --svg), with no kernel, notebook or HTML. Minutes:
   --skip-all leaves it out;
4. nothing changed: a second `analysis report` in the copy of 1, against B, the best of three
   fresh interpreters importing pandas, matplotlib.pyplot, seaborn, papermill and nbconvert;
5. `kpis` on 1M + 1M records against pandas' bare read of the two files: bench_kpis.py's
   in-process ratio, run here unless --skip-kpis (make bench runs bench_kpis.py itself).

`--only ROW` measures one row (default, pack, all or kpis) and what it needs; `--svg` builds
the packs with --svg, and their plain loops and the floor write SVGs too.

Every build goes to temporary folders, never the project's reports/ or data/processed/.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

# Beside this file: B, the project copy and the timed report run (report_runs also puts this
# checkout's src/ on sys.path).
from report_runs import ROOT, project_copy, stack_import_seconds, timed_report

# The pages the floor is drawn for: a town, a county, the smallest authority.
DRAWN_FOR = ("Luton", "Kent", "Isles of Scilly")

BIN = Path(sys.executable).parent  # papermill, jupyter and analysis, as an analyst types them
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
PAGE_NOTEBOOK = "05_benchmark.ipynb"
STAGES = ("clean", "synth", "kpis", "benchmark")
REGION = "North East"
DFE_DIR = "data/raw/dfe"  # the page notebook's default, from the project root
KPIS_RATIO = re.compile(r"kpis / pandas read:\s+([0-9.]+)x in process")


def _command(name: str) -> list[str]:
    """The console command `name` of this environment, else the module of that name."""
    script = BIN / name
    return [str(script)] if script.exists() else [sys.executable, "-m", name]


def _run(command: list[str], cwd: Path) -> None:
    """Run one command in the copy, with the copy's own package; stop with its error if it fails."""
    env = {**os.environ, "PYTHONPATH": str(cwd / "src")}  # the kernels inherit it too
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{done.stderr[-3000:]}")


def plain_loop(
    copy: Path, runs: Sequence[tuple[str, list[str]]], out: Path, stages: Sequence[str] = ()
) -> tuple[float, float]:
    """Seconds of `analysis stage STAGES` (if any), then of papermill + nbconvert per run.

    `runs` are (notebook file name, papermill arguments) pairs; each writes NAME-i.ipynb and
    its HTML under `out`.
    """
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if stages:
        _run([*_command("analysis"), "stage", *stages], copy)
    staged = time.perf_counter()
    for i, (notebook, arguments) in enumerate(runs):
        executed = out / f"{Path(notebook).stem}-{i}.ipynb"
        _run([*_command("papermill"), f"notebooks/{notebook}", str(executed), *arguments], copy)
        _run([*_command("jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], copy)
    return staged - started, time.perf_counter() - staged


def page_charts_seconds(authorities: Sequence[str] = DRAWN_FOR, svg: bool = False) -> float:
    """One pack page's charts, drawn and published as notebook 05's chart cells do, in seconds.

    The best of two rounds, averaged over the authorities: the trend chart, the bar chart and
    the strip chart of every authority, each saved as a pack page saves it (into a temporary
    folder; SVG too only with `svg`) and shown, with no kernel, no notebook and no HTML page
    around them. The pages' data are read before the clock starts.
    """
    from analysis.charts import benchmark as charts
    from analysis.charts import distribution, figures
    from analysis.published import distribution as everyone
    from analysis.published.page import load_page, with_every_area
    from analysis.story import benchmark_alt, benchmark_titles, distribution_titles

    pages = [load_page(a, dfe_dir=DFE_DIR) for a in authorities]
    points = [everyone.latest(with_every_area(p, DFE_DIR), charts.BAR_METRICS) for p in pages]

    def draw(page, points, folder: str) -> None:  # notebook 05's chart cells
        name, table = page.authority.name, page.table
        title = benchmark_titles.trend_title(table, name)
        fig = charts.trend_chart(table, title, benchmark_titles.trend_subtitle(table, name))
        alt = benchmark_alt.trend_alt_text(table, name)
        numbers = charts.trend_table(table, name)
        figures.publish(fig, "05_benchmark-trends", folder, alt=alt, table=numbers, svg=svg)
        title = benchmark_titles.bar_title(table, name)
        fig = charts.latest_bar_chart(table, title, benchmark_titles.bar_subtitle(table, name))
        alt = benchmark_alt.bar_alt_text(table, name)
        numbers = charts.latest_table(table)
        figures.publish(fig, "05_benchmark-neighbours", folder, alt=alt, table=numbers, svg=svg)
        strip_words = distribution_titles.words(points, name)
        distribution.publish(points, name, folder, svg=svg, **strip_words)

    best = float("inf")
    for _ in range(2):
        # Outside a kernel, what a page would show is printed: kept off the output.
        with (
            tempfile.TemporaryDirectory(prefix="bench-plain-charts-") as folder,
            contextlib.redirect_stdout(io.StringIO()),
        ):
            started = time.perf_counter()
            for page, drawn in zip(pages, points, strict=True):
                draw(page, drawn, folder)
            best = min(best, (time.perf_counter() - started) / len(pages))
    return best


def kpis_ratio() -> str:
    """bench_kpis.py's `kpis` / pandas read ratio (in process), run in its own interpreter."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_kpis.py")],
        capture_output=True,
        text=True,
    )
    found = KPIS_RATIO.search(done.stdout)
    if found is None:
        raise SystemExit(f"bench_kpis.py printed no ratio:\n{done.stdout}\n{done.stderr[-3000:]}")
    return found.group(1)


def region_names(region: str) -> list[str]:
    """The authorities of a region's pack, as `analysis report --region` chooses them."""
    from analysis.report.pack import pack_authorities

    return [a.name for a in pack_authorities([], [region], DFE_DIR)]


def pack_pages(out: Path) -> int:
    """Pages a pack wrote: every HTML page in the reports folder but the index."""
    return len(list(out.glob("*.html"))) - 1


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children, theirs included."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def page_runs(names: Sequence[str], svg: bool) -> list[tuple[str, list[str]]]:
    """The loop's papermill runs of pack pages, with the parameters the pack gives each page."""
    from analysis.report.pack import slug

    runs = []
    for name in names:
        arguments = ["-p", "authority", name, "-p", "figures_dir", f"figures/{slug(name)}"]
        runs.append((PAGE_NOTEBOOK, arguments + ([] if svg else ["-p", "svg", "False"])))
    return runs


ROWS = ("default", "pack", "all", "kpis")


def main(argv: list[str] | None = None) -> int:
    """Measure each row of issue 17's speed table and print it beside its goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-all", action="store_true", help="leave out --authority all (takes minutes)"
    )
    parser.add_argument(
        "--skip-kpis", action="store_true", help="leave out bench_kpis.py (make bench runs it)"
    )
    parser.add_argument(
        "--only",
        choices=ROWS,
        help="measure only this row: the default report (and nothing changed), the North East "
        "pack, every authority (with the floor), or kpis",
    )
    parser.add_argument(
        "--svg",
        action="store_true",
        help="build the packs with --svg; their plain loops and the floor write SVGs too",
    )
    args = parser.parse_args(argv)
    skipped = {"all"} if args.skip_all else set()
    skipped |= {"kpis"} if args.skip_kpis else set()
    wanted = {args.only} if args.only else set(ROWS) - skipped
    pack_options = ["--svg"] if args.svg else []
    cpus = os.cpu_count() or 1
    print(f"machine: {cpus} CPUs, Python {sys.version.split()[0]}", flush=True)
    if "default" in wanted:
        b = stack_import_seconds()
        print(f"B (import pandas, matplotlib.pyplot, seaborn, papermill, nbconvert): {b:.2f} s")
    print(f"{'what':<42} {'report':>8} {'against':>8} {'ratio':>6}   goal", flush=True)

    def show(what: str, seconds: float, against: float, goal: float, unit: str) -> None:
        ratio = seconds / against
        ok = "met" if ratio <= goal else "NOT met"
        line = f"  {what:<40} {seconds:7.1f}s {against:7.1f}s {ratio:5.2f}x   <= {goal} {unit}"
        print(f"{line}  {ok}", flush=True)  # each as it is measured: some take minutes

    def fresh_copy(tmp: Path, name: str) -> Path:
        copy = tmp / name
        project_copy(copy)
        return copy

    with tempfile.TemporaryDirectory(prefix="bench-plain-") as tmp_name:
        tmp = Path(tmp_name)
        if "default" in wanted:
            default = fresh_copy(tmp, "default")
            cold = timed_report(default)
            again = timed_report(default)
            # The runner's figures_dir: the loop's notebooks save the files the report's do.
            runs = [(nb, ["-p", "figures_dir", "figures"]) for nb in NOTEBOOKS]
            staged, notebooks = plain_loop(
                fresh_copy(tmp, "plain"), runs, tmp / "plain-out", STAGES
            )
            what = f"default report, cold ({len(NOTEBOOKS)} nb)"
            show(what, cold, staged + notebooks, 0.5, "x plain loop")
            print(
                f"    plain loop: `analysis stage {' '.join(STAGES)}` {staged:.1f} s, then "
                f"papermill + nbconvert {notebooks:.1f} s"
            )

        svg_note = ", with --svg" if args.svg else ""
        if "pack" in wanted:
            names = region_names(REGION)
            out = tmp / "region-out"
            copy = fresh_copy(tmp, "region")
            before = children_cpu()
            region = timed_report(copy, "--region", REGION, "--out", str(out), *pack_options)
            pack_cpu = children_cpu() - before
            pages = pack_pages(out)
            runs = page_runs(names, args.svg)
            before = children_cpu()
            _, loop = plain_loop(fresh_copy(tmp, "plain-region"), runs, tmp / "plain-region-out")
            loop_cpu = children_cpu() - before
            what = f"{REGION} pack, cold ({pages} pages{svg_note})"
            show(what, region, loop, 0.35, "x plain loop")
            # The machine may be shared: CPU time, unlike wall time, hardly depends on what else
            # runs. The pack's CPU spread over every CPU, against the serial loop's, is the
            # ratio an otherwise idle machine would give at best.
            print(
                f"    CPU (user + system, kernels included): pack {pack_cpu:.1f} s, plain loop "
                f"{loop_cpu:.1f} s; pack / {cpus} CPUs / loop = {pack_cpu / cpus / loop_cpu:.2f}x"
            )
            if pages != len(names):
                print(f"    note: the pack wrote {pages} pages, the loop ran {len(names)}")

        if "pack" in wanted or "all" in wanted:
            charts = page_charts_seconds(svg=args.svg)
            made = "PNG, narrow PNG, CSV" + (" and SVG" if args.svg else "")
            print(
                f"    floor: one page's charts alone, published as a pack page publishes them "
                f"({made}), in process: {charts:.2f} s; x pages / {cpus} CPUs"
            )
        if "pack" in wanted:
            floor = len(names) * charts / cpus
            print(f"    {REGION} pack's floor: {len(names)} pages: {floor:.1f} s")
        if "all" in wanted:
            out = tmp / "all-out"
            copy = fresh_copy(tmp, "all")
            every = timed_report(copy, "--authority", "all", "--out", str(out), *pack_options)
            pages = pack_pages(out)
            floor = pages * charts / cpus
            show(f"--authority all, cold ({pages} pages{svg_note})", every, floor, 1.25, "x floor")
        elif not args.only:
            print("  --authority all: skipped (--skip-all)")
        if "default" in wanted:
            show("nothing changed (default report)", again, b, 0.5, "B")

    if "kpis" not in wanted:
        if not args.only:
            print(
                "  kpis on 1M + 1M records: see bench_kpis.py's 'kpis / pandas read' (goal <= 1.0x)"
            )
    else:
        ratio = kpis_ratio()
        ok = "met" if float(ratio) <= 1.0 else "NOT met"
        print(f"  {'kpis, 1M + 1M records':<40} {'':>17} {ratio:>5}x   <= 1.0 x pandas read  {ok}")
        print("    (bench_kpis.py: the whole command in process / pandas read_csv of both files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

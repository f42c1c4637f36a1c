"""The command stages of pipeline.yaml, each run by calling its command's function.

A stage names an `analysis` command (`run`); its `needs` and `with` are the function's
arguments and the one path in `writes` is what it writes. Nothing is parsed from a command line.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from analysis import config, pipeline
from analysis.errors import DataError, Problem, UsageError


def _clean(raw: Path, out: Path) -> None:
    """`analysis clean`: data/raw's CSVs into the tidy metric table `out` (metrics.csv)."""
    from analysis.metrics import clean

    if out.name != "metrics.csv":
        raise UsageError(f"the clean stage writes metrics.csv, not {out.name}")
    table = clean.clean(raw, out.parent)
    print(f"wrote {config.relative_to_root(out)}: {len(table)} rows")


def _synth(out: Path, seed: int) -> None:
    """`analysis synth`: the synthetic case-level extract, from its seed."""
    from analysis.cases import synth, synthetic_files

    extract = synth.generate(seed)
    synthetic_files.write(extract, out)
    print(f"wrote the synthetic extract (seed {seed}) -> {config.relative_to_root(out)}")


def _kpis(cases: Path, out: Path, publish: bool = False) -> None:
    """`analysis kpis`: an extract's monthly KPIs into `out`, disclosure control if `publish`."""
    from analysis.cases import kpi_command

    kpi_command.write_kpis(out, cases=cases, publish=publish)


def _benchmark(dfe: Path, out: Path, authority: str, neighbours: str = "2025") -> None:
    """`analysis benchmark`: the authority's table beside England, region and neighbours.

    With the table (benchmarks.csv, as the command writes it), page.json holds the rest of
    what notebook 05 states, so that its page is shown without reading the DfE files again.
    """
    from analysis.published import page

    built = page.load_page(authority, neighbours, "", dfe)
    path = page.write_page(built, out)
    print(
        f"wrote {config.relative_to_root(path)}: {len(built.table)} rows for {built.authority.name}"
    )


FUNCTIONS: dict[str, Callable[..., None]] = {
    "clean": _clean,
    "synth": _synth,
    "kpis": _kpis,
    "benchmark": _benchmark,
}


def arguments(stage: pipeline.Stage) -> dict[str, Any]:
    """The keyword arguments a stage's function is called with: paths resolved, options as given.

    Raises DataError naming the stage's line when they do not fit the function.
    """
    (out,) = [config.resolve(o.path) for o in stage.writes] or [None]
    kwargs = {name: config.resolve(path) for name, path in stage.needs}
    kwargs |= dict(stage.options)
    kwargs["out"] = out
    try:
        inspect.signature(FUNCTIONS[str(stage.run)]).bind(**kwargs)
    except (TypeError, KeyError) as exc:
        raise DataError(
            [Problem("pipeline.yaml", stage.line, "run", stage.run, f"arguments that fit ({exc})")]
        ) from None
    return kwargs


def run_stage(stage: pipeline.Stage) -> None:
    """Run a command stage in this process; errors propagate."""
    kwargs = arguments(stage)
    # What a stage prints is progress for the log, kept apart from a command's own stdout.
    with contextlib.redirect_stdout(sys.stderr):
        FUNCTIONS[str(stage.run)](**kwargs)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `analysis stage`."""
    parser.add_argument(
        "names", nargs="+", metavar="STAGE", help="command stages of pipeline.yaml to run"
    )


def run(args: argparse.Namespace) -> int:
    """Run the named stages and those they need, skipping any whose inputs and outputs held."""
    from analysis.report import cache, tasks

    declared = pipeline.load()
    by_name = {s.name: s for s in declared.stages if s.run}
    unknown = [n for n in args.names if n not in by_name]
    if unknown:
        raise UsageError(
            f"no command stage {', '.join(unknown)} in pipeline.yaml (stages: {', '.join(by_name)})"
        )
    wanted = [out.path for n in args.names for out in by_name[n].writes]
    tasks.run_stages(declared.stages_for(wanted), cache.Cache(config.ROOT / ".report-cache"))
    return 0


def check(stages: Sequence[pipeline.Stage]) -> None:
    """Raise DataError if any command stage's declaration does not fit its function."""
    problems: list[Problem] = []
    for stage in stages:
        if stage.run:
            try:
                arguments(stage)
            except DataError as exc:
                problems += exc.problems
    if problems:
        raise DataError(problems)

"""`analysis report`: clean, run every notebook, export HTML and swap the result in when complete.

Safe to run unattended: a lock keeps runs apart; everything is built in a staging folder beside
reports/ and swapped in only when complete, so a failure or a killed run leaves the last good
report as it was; every run appends one line to logs/report-runs.log.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis import config, pipeline
from analysis.errors import DataError, UsageError
from analysis.report import cache, pages, provenance
from analysis.report.folders import (
    FIGURES,
    RUNNER_PARAMETERS,
    SVG_PARAMETER,
    Interrupted,
    Layout,
    NotebookFailed,
    runner_parameters,
)
from analysis.report.lock import LockBusy, run_lock
from analysis.report.pack import (
    PACK_INTRO,
    PACK_TITLE,
    Progress,
    any_authority_notebooks,
    pack_authorities,
    pack_notebook,
    page_authority,
    slug,
)
from analysis.report.params import CliValue, check_parameters, load_params_file, notebook_parameters
from analysis.report.safety import (
    _append_log,
    _now,
    _signals_blocked,
    _signals_raise,
    recover,
    swap_in,
)
from analysis.report.tasks import (
    FILE_PARAMETERS,
    _input_paths,
    check_needs,
    kernel_pool,
    make_tasks,
    own_files_given,
    plan,
    prestart_kernels,
    run_stages,
    run_tasks,
    task_key,
    write_index,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `analysis report`."""
    parser.add_argument(
        "-p",
        "--parameter",
        dest="parameters",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter (repeatable); checked against each notebook's defaults; "
        "a path here starts from the project root",
    )
    parser.add_argument(
        "--params-file",
        type=Path,
        help="YAML mapping of parameters (-p values win over it), from the current folder; "
        "paths in it start from the project root",
    )
    parser.add_argument(
        "--notebook",
        dest="notebooks",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this notebook (stem or file name; repeatable); reports/ then holds only it",
    )
    parser.add_argument(
        "--notebooks-dir",
        type=Path,
        default=config.NOTEBOOKS,
        help="folder of notebooks to run, from the current folder (default: the project's "
        "notebooks/)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=config.REPORTS,
        help="reports folder, from the current folder (default: the project's reports/); "
        "staging, lock and logs/ sit beside it",
    )
    parser.add_argument(
        "--authority",
        dest="authorities",
        action="append",
        default=[],
        metavar="NAME",
        help="build a pack: one benchmarking page per authority and an index (repeatable; "
        "'all' for every authority in the latest DfE tables)",
    )
    parser.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="NAME",
        help="add every authority of this region to the pack (repeatable)",
    )
    parser.add_argument(
        "--svg",
        action="store_true",
        help="in a pack, also write each chart as SVG (a pack page's charts are PNG and CSV; "
        "the default report always writes SVG)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=_positive_int,
        default=None,
        metavar="N",
        help="run up to N notebooks at the same time (default: the number of CPUs)",
    )
    parser.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="start a new kernel for every notebook instead of reusing warm ones (slower; "
        "the same bytes)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="run every stage and notebook, reusing and storing nothing in .report-cache/",
    )
    parser.add_argument(
        "--no-clean",
        action="store_true",
        help="use data/processed as it is: run no pipeline stage before the notebooks",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def default_jobs() -> int:
    """Notebooks run at once by default: one per CPU."""
    return os.cpu_count() or 1


def run(args: argparse.Namespace) -> int:
    """Run `analysis report`."""
    layout = Layout(
        out=config.from_command_line(args.out),
        notebooks_dir=config.from_command_line(args.notebooks_dir),
    )
    notebooks = select_notebooks(layout.notebooks_dir, args.notebooks)
    params_file = config.from_command_line(args.params_file) if args.params_file else None
    given: dict[str, Any] = load_params_file(params_file) if params_file else {}
    # -p values stay strings here; they are converted to each default's type when checked.
    given.update({name: CliValue(value) for name, value in args.parameters})
    for name in given:
        if name in RUNNER_PARAMETERS:
            raise UsageError(f"parameter {name!r} is set by the report runner; leave it out")
        if name == SVG_PARAMETER:
            raise UsageError(
                f"parameter {name!r} is set by the report runner; leave it out (a pack writes "
                "SVGs with --svg, the default report always does)"
            )
    pack = None
    if args.authorities or args.region:
        if "authority" in given:
            raise UsageError("a pack sets each page's authority: leave out -p authority")
        notebooks = [pack_notebook(layout, notebooks)]
        pack = pack_authorities(args.authorities, args.region, given.get("dfe_dir"))
    elif args.svg:
        raise UsageError(
            "--svg applies to a pack (--authority, --region): the default report always writes SVG"
        )
    else:
        if isinstance(given.get("authority"), str) and any_authority_notebooks(layout, notebooks):
            # The name as the DfE writes it: "-p authority hull" is the page a pack builds for
            # "Kingston upon Hull, City of", and its own notebooks are kept for Peterborough.
            found = page_authority(given["authority"], given.get("dfe_dir"))
            given["authority"] = CliValue(found.name)
        notebooks = honest_notebooks(layout, notebooks, given.get("authority"), given)
    try:
        with run_lock(layout.lock):
            return build(
                layout,
                notebooks,
                given,
                clean=not args.no_clean,
                jobs=args.jobs,
                warm=not args.fresh_kernels,
                use_cache=not args.no_cache,
                pack=pack,
                svg=args.svg or pack is None,
            )
    except LockBusy as exc:
        print(f"analysis report: {exc}; nothing was changed", file=sys.stderr)
        git = provenance.git_state()
        skipped = {"outcome": "skipped", "message": str(exc), "start": _now()}
        skipped.update(notebooks=[p.stem for p in notebooks], commit=git["commit"])
        _append_log(layout, skipped | {"dirty": git["dirty"]})
        return 1


def select_notebooks(folder: Path, names: Sequence[str]) -> list[Path]:
    """The notebooks to run, sorted: every *.ipynb in folder, or only the named ones."""
    found = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    if not found:
        raise UsageError(f"no notebooks in {config.relative_to_root(folder)}")
    if not names:
        return found
    by_name = {p.stem: p for p in found} | {p.name: p for p in found}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        known = ", ".join(p.stem for p in found)
        raise UsageError(f"unknown notebook {', '.join(map(repr, unknown))}; known: {known}")
    return sorted({by_name[n] for n in names})


def honest_notebooks(
    layout: Layout, notebooks: list[Path], authority: Any, given: Mapping[str, Any] | None = None
) -> list[Path]:
    """The notebooks that can truly be about `authority`; the others are left out, and said so.

    A notebook whose data are one authority's own (pipeline.yaml names it) never shows them
    under another's name, unless it reads the authority's own files it is given instead
    (`-p annex_a FILE`): then its data are that authority's. If none is left, nothing runs:
    exit status 2, nothing written.
    """
    if authority is None:
        return notebooks
    own_files = own_files_given(given or {})
    declared = pipeline.load(layout.pipeline)
    keep, left_out = [], []
    for path in notebooks:
        stage = declared.notebook_stage(path)
        owner = stage.authority if stage is not None else None
        reads_own_files = own_files and bool(FILE_PARAMETERS & set(notebook_parameters(path)))
        if (
            owner is None
            or owner.casefold() == str(authority).strip().casefold()
            or reads_own_files
        ):
            keep.append(path)
        else:
            left_out.append(f"{path.stem} (its data are {owner}'s own)")
    if not keep:
        raise UsageError(
            f"no notebook can show {authority}: left out {', '.join(left_out)}; nothing was run"
        )
    if left_out:
        print(f"analysis report: for {authority}, left out {', '.join(left_out)}", file=sys.stderr)
    return keep


def build(
    layout: Layout,
    notebooks: list[Path],
    given: Mapping[str, Any],
    clean: bool,
    jobs: int | None = None,
    warm: bool = True,
    use_cache: bool = True,
    pack: Sequence[Any] | None = None,
    svg: bool = True,
) -> int:
    """Build the whole report under the lock; return the exit status.

    With `pack` (authorities), the one notebook is run once per authority: a page each. With
    `svg` False, notebooks that take the `svg` parameter save their charts as PNG and CSV only.
    """
    started = _now()
    names = [p.stem for p in notebooks] if pack is None else [slug(a.name) for a in pack]
    entry: dict[str, Any] = {"start": started, "notebooks": names}
    note = recover(layout)
    if note:
        print(f"analysis report: {note}", file=sys.stderr)
        entry["recovered"] = note
    try:
        # Parameters first: a wrong name or type must stop the run before anything is written.
        per_notebook = check_parameters(
            notebooks, given, runner_parameters(svg), layout.cache if use_cache else None
        )
        # And the paths the notebooks read by default must be those pipeline.yaml makes.
        cache_dir = layout.cache if use_cache else None
        check_needs(layout, {p: notebook_parameters(p, cache_dir) for p in notebooks})
    except (UsageError, DataError) as exc:
        entry.update(outcome="usage error" if isinstance(exc, UsageError) else "failed")
        entry["message"] = str(exc)
        _append_log(layout, entry)
        raise
    swapped = False
    try:
        with _signals_raise():
            store = cache.Cache(layout.cache) if use_cache else None
            _build_into_staging(
                layout,
                notebooks,
                per_notebook,
                clean,
                entry,
                jobs or default_jobs(),
                warm,
                store,
                pack,
            )
            with _signals_blocked():  # only SIGKILL can split the swap, and recover() repairs that
                swap_in(layout)
                swapped = True
    except (KeyboardInterrupt, Interrupted) as exc:
        if not swapped:
            reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else str(exc)
            _fail(layout, entry, "interrupted", reason, None)
            return 130
        entry["note"] = "a stop signal arrived just after the report was complete"
    except (DataError, NotebookFailed) as exc:
        return _fail(layout, entry, "failed", str(exc), exc if isinstance(exc, DataError) else None)
    except BaseException as exc:
        _fail(layout, entry, "failed", f"{type(exc).__name__}: {exc}", None)
        raise
    entry.update(outcome="ok", end=_now())
    _append_log(layout, entry)
    count = len(names)
    where = config.relative_to_root(layout.out)
    print(f"wrote {where}/index.html: {count} report{'s' if count != 1 else ''}", file=sys.stderr)
    return 0


def _fail(
    layout: Layout, entry: dict[str, Any], outcome: str, message: str, reraise: Exception | None
) -> int:
    """Remove the staging folder, log the outcome and say that the last report is untouched."""
    recover(layout)  # also puts the last report back if the swap itself was cut short
    entry.update(outcome=outcome, end=_now(), message=message)
    _append_log(layout, entry)
    where = config.relative_to_root(layout.out)
    kept = (
        f"the previous report in {where}/ is untouched"
        if (layout.out / "index.html").exists()
        else f"no report was written to {where}/"
    )
    if reraise is not None:
        # The CLI prints a DataError's problems in the project's usual format.
        print(f"analysis report: stopped; {kept}", file=sys.stderr)
        raise reraise
    print(f"analysis report: {message}", file=sys.stderr)
    print(f"analysis report: {kept}", file=sys.stderr)
    return 1


def _build_into_staging(
    layout: Layout,
    notebooks: list[Path],
    per_notebook: Mapping[Path, dict[str, Any]],
    clean: bool,
    entry: dict[str, Any],
    jobs: int,
    warm: bool,
    store: cache.Cache | None = None,
    pack: Sequence[Any] | None = None,
) -> None:
    """Clean, run and export everything into the staging folder; note facts in the log entry."""
    staging = layout.staging
    (staging / FIGURES).mkdir(parents=True)
    (staging / ".gitkeep").touch()
    pool = kernel_pool(layout, notebooks, jobs, warm)
    try:
        _build_with_pool(layout, notebooks, per_notebook, clean, entry, jobs, pool, store, pack)
    finally:
        pool.kill_all()


def _build_with_pool(
    layout: Layout,
    notebooks: list[Path],
    per_notebook: Mapping[Path, dict[str, Any]],
    clean: bool,
    entry: dict[str, Any],
    jobs: int,
    pool: Any,
    store: cache.Cache | None,
    pack: Sequence[Any] | None,
) -> None:
    """The build itself, its notebooks run in `pool`'s kernels."""
    staging = layout.staging
    stages, sources = plan(layout, notebooks, per_notebook)
    if clean:
        # Kernels start and import the stack while the stages run, on the CPUs the stages
        # leave free (they run in this process, on one). Nothing is started when every stage
        # is current: the report may well come from the cache.
        count = min(jobs - 1, len(pack) if pack is not None else len(notebooks))
        run_stages(stages, store, lambda: prestart_kernels(pool, notebooks, count))

    cache_dir = store.root if store is not None else None
    effective = {p: notebook_parameters(p, cache_dir) | per_notebook[p] for p in notebooks}
    tasks = make_tasks(notebooks, per_notebook, effective, pack)
    task_effective = {t.name: effective[t.notebook] | dict(t.parameters) for t in tasks}
    inputs = provenance.hash_inputs(_input_paths(sources, notebooks, effective))
    data = provenance.manifest(inputs, task_effective)
    footer = pages.footer_html(data)
    entry.update(
        commit=data["git"]["commit"],
        dirty=data["git"]["dirty"],
        inputs_digest=data["inputs_digest"],
        inputs=inputs,
    )
    keys: dict[tuple[Path, str], Any] = {}
    tasks = [
        dataclasses.replace(
            t,
            key=task_key(
                layout, t.notebook, t.parameters, task_effective[t.name], inputs, memo=keys
            ),
        )
        for t in tasks
    ]
    progress = Progress(len(tasks), "pages") if pack is not None else None
    entries = run_tasks(layout, tasks, footer, jobs=jobs, store=store, progress=progress, pool=pool)
    if pack is None:
        write_index(staging, entries, footer, store)
    else:
        write_index(staging, entries, footer, store, heading=PACK_TITLE, intro=PACK_INTRO)
    (staging / "manifest.json").write_text(
        provenance.manifest_text(data), encoding="utf-8", newline="\n"
    )

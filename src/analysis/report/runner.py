"""`analysis report`: clean, run every notebook, export HTML and swap the result in when complete.

Safe to run unattended: a lock keeps runs apart; everything is built in a staging folder beside
reports/ and swapped in only when complete, so a failure or a killed run leaves the last good
report as it was; every run appends one line to logs/report-runs.log.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import config, pipeline
from analysis.errors import DataError, UsageError
from analysis.report import cache, execution, kernels, pages, provenance
from analysis.report.lock import LockBusy, run_lock
from analysis.report.params import CliValue, check_parameters, load_params_file, notebook_parameters

STAGING_NAME = ".report-build"
BACKUP_NAME = ".report-old"
LOCK_NAME = ".report.lock"
LOG_PATH = Path("logs") / "report-runs.log"
FIGURES = "figures"
RUNS = ".runs"  # inside staging: each notebook run's own folder, emptied before the swap
# Parameters the runner sets itself: a user value would send figures outside the report.
RUNNER_PARAMETERS = {"figures_dir": FIGURES}


class Interrupted(BaseException):
    """SIGTERM/SIGHUP during a run: unwinds like KeyboardInterrupt so staging is removed."""


class NotebookFailed(Exception):
    """A notebook raised: the message names the notebook and the cell."""


@dataclass
class Layout:
    """Where a run reads and writes: all beside the reports folder, so tests can relocate it."""

    out: Path
    notebooks_dir: Path
    pipeline: Path = config.PIPELINE
    workspace: Path = field(init=False)

    def __post_init__(self) -> None:
        self.workspace = self.out.parent

    @property
    def staging(self) -> Path:
        """The fixed build folder (a fixed name keeps paths in outputs the same run to run)."""
        return self.workspace / STAGING_NAME

    @property
    def backup(self) -> Path:
        """Where the previous reports wait during the swap."""
        return self.workspace / BACKUP_NAME

    @property
    def lock(self) -> Path:
        """The lock file that keeps two runs apart."""
        return self.workspace / LOCK_NAME

    @property
    def cache(self) -> Path:
        """Results reused by later runs (report.cache); safe to delete at any time."""
        return self.workspace / cache.CACHE_NAME

    @property
    def log(self) -> Path:
        """The run log: outside reports/ so that a swap never loses it."""
        return self.workspace / LOG_PATH


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
        help="set a notebook parameter (repeatable); checked against each notebook's defaults",
    )
    parser.add_argument(
        "--params-file", type=Path, help="YAML mapping of parameters (-p values win over it)"
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
        help="folder of notebooks to run (default: notebooks/)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=config.REPORTS,
        help="reports folder (default: reports/); staging, lock and logs/ sit beside it",
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
    layout = Layout(out=config.resolve(args.out), notebooks_dir=config.resolve(args.notebooks_dir))
    notebooks = select_notebooks(layout.notebooks_dir, args.notebooks)
    given: dict[str, Any] = load_params_file(args.params_file) if args.params_file else {}
    # -p values stay strings here; they are converted to each default's type when checked.
    given.update({name: CliValue(value) for name, value in args.parameters})
    for name in given:
        if name in RUNNER_PARAMETERS:
            raise UsageError(f"parameter {name!r} is set by the report runner; leave it out")
    pack = None
    if args.authorities or args.region:
        if "authority" in given:
            raise UsageError("a pack sets each page's authority: leave out -p authority")
        notebooks = [pack_notebook(layout, notebooks)]
        pack = pack_authorities(args.authorities, args.region, given.get("dfe_dir"))
    else:
        notebooks = honest_notebooks(layout, notebooks, given.get("authority"))
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


PACK_TITLE = "Benchmarks of English local authorities: children's social care"
PACK_INTRO = (
    "One page per authority: its published figures beside England, its region and the median "
    "of its ten statistical neighbours."
)


def slug(name: str) -> str:
    """A page's file name from an authority's name: 'Bristol, City of' -> bristol-city-of."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


def pack_notebook(layout: Layout, notebooks: list[Path]) -> Path:
    """The notebook a pack runs per authority: any authority's, taking an `authority` parameter."""
    declared = pipeline.load(layout.pipeline)
    found = []
    for path in notebooks:
        stage = declared.notebook_stage(path)
        if (
            stage is not None
            and stage.authority is None
            and "authority" in notebook_parameters(path)
        ):
            found.append(path)
    if len(found) != 1:
        names = ", ".join(p.stem for p in found) or "none"
        raise UsageError(
            f"a pack needs exactly one notebook that can show any authority (found: {names}); "
            "choose it with --notebook"
        )
    return found[0]


def pack_authorities(names: Sequence[str], regions: Sequence[str], dfe_dir: Any) -> list[Any]:
    """The authorities of a pack, by name: those named, 'all', and every one of each region.

    'all' and regions mean the authorities in the latest year of the DfE's table B1.
    """
    from analysis.published import areas
    from analysis.published.read import DFE_DIR, read_published

    published = read_published(config.resolve(str(dfe_dir)) if dfe_dir else DFE_DIR)
    known = areas.authorities(published)
    latest_year = max(a.years[-1] for a in known.values())
    current = [a for a in known.values() if a.years[-1] == latest_year]
    chosen: dict[str, Any] = {}
    for name in names:
        if name.strip().casefold() == "all":
            chosen |= {a.code: a for a in current}
        else:
            found = areas.find(name, known)
            chosen[found.code] = found
    by_region = {a.region_name.casefold(): a.region_name for a in current}
    for region in regions:
        wanted = region.strip().casefold()
        if wanted not in by_region:
            raise UsageError(
                f"no region called {region!r}; regions: {', '.join(sorted(by_region.values()))}"
            )
        chosen |= {a.code: a for a in current if a.region_name.casefold() == wanted}
    pages_by_slug: dict[str, Any] = {}
    for authority in chosen.values():
        other = pages_by_slug.setdefault(slug(authority.name), authority)
        if other is not authority:
            raise UsageError(f"{other.name} and {authority.name} would share a page name")
    return sorted(chosen.values(), key=lambda a: (slug(a.name), a.code))


def honest_notebooks(layout: Layout, notebooks: list[Path], authority: Any) -> list[Path]:
    """The notebooks that can truly be about `authority`; the others are left out, and said so.

    A notebook whose data are one authority's own (pipeline.yaml names it) never shows them
    under another's name. If none is left, nothing runs: exit status 2, nothing written.
    """
    if authority is None:
        return notebooks
    declared = pipeline.load(layout.pipeline)
    keep, left_out = [], []
    for path in notebooks:
        stage = declared.notebook_stage(path)
        owner = stage.authority if stage is not None else None
        if owner is None or owner.casefold() == str(authority).strip().casefold():
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
) -> int:
    """Build the whole report under the lock; return the exit status.

    With `pack` (authorities), the one notebook is run once per authority: a page each.
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
            notebooks, given, RUNNER_PARAMETERS, layout.cache if use_cache else None
        )
    except UsageError as exc:
        entry.update(outcome="usage error", message=str(exc))
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


def recover(layout: Layout) -> str | None:
    """Tidy after a run that was killed (we hold the lock, so nobody else is building)."""
    notes = []
    if layout.backup.exists():
        if layout.out.exists():
            shutil.rmtree(layout.backup)  # the swap finished; only the clean-up was cut short
        else:
            os.rename(layout.backup, layout.out)  # killed mid-swap: put the last report back
            notes.append("restored the previous report after an interrupted swap")
    if layout.staging.exists():
        shutil.rmtree(layout.staging)
        notes.append("removed the staging folder of an interrupted run")
    return "; ".join(notes) or None


def swap_in(layout: Layout) -> None:
    """Replace reports/ by the complete staging folder: two renames, then drop the old one."""
    if layout.backup.exists():
        shutil.rmtree(layout.backup)
    if layout.out.exists():
        os.rename(layout.out, layout.backup)
    os.rename(layout.staging, layout.out)
    shutil.rmtree(layout.backup, ignore_errors=True)


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
    stages, sources = plan(layout, notebooks, per_notebook)
    if clean:
        run_stages(stages, store)

    cache_dir = store.root if store is not None else None
    effective = {p: notebook_parameters(p, cache_dir) | per_notebook[p] for p in notebooks}
    if pack is None:
        tasks = [
            Task(name=path.stem, notebook=path, parameters=per_notebook[path], figures=FIGURES)
            for path in notebooks
        ]
    else:
        (path,) = notebooks
        order = list(effective[path])
        tasks = [
            Task(
                name=slug(authority.name),
                notebook=path,
                parameters=_in_order(per_notebook[path] | {"authority": authority.name}, order),
                figures=f"{FIGURES}/{slug(authority.name)}",
            )
            for authority in pack
        ]
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
    entries = run_tasks(layout, tasks, footer, jobs=jobs, warm=warm, store=store, progress=progress)
    if pack is None:
        write_index(staging, entries, footer, store)
    else:
        write_index(staging, entries, footer, store, heading=PACK_TITLE, intro=PACK_INTRO)
    (staging / "manifest.json").write_text(
        provenance.manifest_text(data), encoding="utf-8", newline="\n"
    )


def _in_order(values: Mapping[str, Any], order: Sequence[str]) -> dict[str, Any]:
    """Parameters in the notebook's own order (papermill injects them in the order given)."""
    return {k: values[k] for k in order if k in values}


def write_index(
    staging: Path,
    entries: list[dict[str, Any]],
    footer: str,
    store: cache.Cache | None,
    **options: Any,
) -> None:
    """Write index.html (or its cached copy: the same entries and footer give the same bytes)."""
    index_key = cache.key("index", entries, footer, options)
    hit = store.get("pages", index_key) if store is not None else None
    if hit is not None:
        shutil.copyfile(hit / "index.html", staging / "index.html")
        return
    index = pages.index_to_html(entries, footer, **options)
    (staging / "index.html").write_text(index, encoding="utf-8", newline="\n")
    if store is not None:
        store.put("pages", index_key, {"index.html": staging / "index.html"})


def run_stages(stages: Sequence[pipeline.Stage], store: cache.Cache | None) -> None:
    """Run the command stages, skipping those whose inputs, code and outputs are unchanged."""
    for stage in stages:
        needs = [config.resolve(p) for _, p in stage.needs]
        outputs = [config.resolve(o.path) for o in stage.writes]
        stage_key = cache.key("stage", stage.run, provenance.hash_inputs(needs), cache.versions())
        if store is not None and store.stage_is_current(stage.name, stage_key, outputs):
            print(f"stage {stage.name}: inputs and outputs unchanged, not run", file=sys.stderr)
            continue
        print(f"running stage {stage.name}: analysis {' '.join(stage.run)}", file=sys.stderr)
        pipeline.run_stage(stage)
        if store is not None:
            store.stage_ran(stage.name, stage_key, outputs)


def task_key(
    layout: Layout,
    path: Path,
    given: Mapping[str, Any],
    effective: Mapping[str, Any],
    inputs: Mapping[str, str],
    memo: dict[Any, Any] | None = None,
) -> str:
    """The cache key of running notebook `path`: its bytes, parameters, inputs, versions."""
    _, sources = plan(layout, [path], {path: dict(given)})
    paths = _input_paths(sources, [path], {path: dict(effective)})
    memo = {} if memo is None else memo
    if tuple(paths) not in memo:
        memo[tuple(paths)] = {config.relative_to_root(p) for p in provenance.files_under(paths)}
    names = memo[tuple(paths)]
    mine = {name: sha for name, sha in inputs.items() if name in names}
    notebook_sha = inputs.get(config.relative_to_root(path)) or provenance.sha256_file(path)
    return cache.notebook_key(notebook_sha, effective, mine, execution.kernel_env())


def plan(
    layout: Layout, notebooks: list[Path], per_notebook: Mapping[Path, dict[str, Any]]
) -> tuple[list[pipeline.Stage], list[str]]:
    """The command stages the notebooks need run first, and the raw inputs behind them.

    A need whose parameter the user set is not the pipeline's to make: its stage is left out.
    """
    declared = pipeline.load(layout.pipeline)
    needed: list[str] = []
    for path in notebooks:
        stage = declared.notebook_stage(path)
        if stage is not None:
            needed += [p for name, p in stage.needs if name not in per_notebook[path]]
    return declared.stages_for(needed), declared.source_inputs(needed)


def _input_paths(
    sources: list[str], notebooks: list[Path], effective: Mapping[Path, dict[str, Any]]
) -> list[Path]:
    """Every input: the raw data behind the stages, the notebooks, their path parameters."""
    paths = [config.resolve(s) for s in sources] + list(notebooks)
    for values in effective.values():
        for name, value in values.items():
            is_path = name.endswith(("_path", "_dir")) and name not in RUNNER_PARAMETERS
            if is_path and isinstance(value, str) and value:
                paths.append(config.resolve(value))
    return paths


@dataclass(frozen=True)
class Task:
    """One page to build: a notebook run with its parameters into `name`.ipynb and .html.

    `figures` is the folder (relative to the report) its figures are moved to; notebooks save
    them in a folder of their own run first, so that runs at the same time never mix them.
    """

    name: str
    notebook: Path
    parameters: Mapping[str, Any]
    figures: str
    key: str | None = None  # what determines its result (report.cache); None: never cached


def run_tasks(
    layout: Layout,
    tasks: Sequence[Task],
    footer: str,
    jobs: int,
    warm: bool = True,
    progress: Any = None,
    store: cache.Cache | None = None,
) -> list[dict[str, Any]]:
    """Run every task, up to `jobs` at a time; return their index entries in task order.

    The result never depends on which task finishes first: each writes only its own files.
    A failing notebook, a stop signal or any error ends every kernel before this returns.
    """
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    staging = layout.staging
    runs = staging / RUNS
    runs.mkdir(exist_ok=True)
    cwd = tasks[0].notebook.parent if tasks else layout.notebooks_dir
    pool = kernels.KernelPool(
        size=jobs,
        env=kernels.kernel_environment(execution.kernel_env()),
        cwd=cwd,
        kernel_name=execution.KERNEL,
        extra_arguments=list(execution.KERNEL_ARGS),
        warm=warm,
    )
    results: dict[str, dict[str, Any]] = {}
    workers = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(tasks))))
    futures = {
        workers.submit(_run_task, pool, staging, task, footer, store): task for task in tasks
    }
    finished = False
    try:
        pending = set(futures)
        while pending:
            # A short timeout keeps the main thread free to take a stop signal at once.
            done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            for future in done:
                task = futures[future]
                results[task.name] = future.result()  # raises NotebookFailed for a failed one
                if progress is not None:
                    progress.done(task.name)
        finished = True
    finally:
        if not finished:
            pool.kill_all()  # workers waiting on a dead kernel give up within a second or so
            for future in futures:
                future.cancel()
        workers.shutdown(wait=True)
        pool.kill_all()
    shutil.rmtree(runs, ignore_errors=True)
    return [results[task.name] for task in tasks]


def _run_task(
    pool: kernels.KernelPool,
    staging: Path,
    task: Task,
    footer: str,
    store: cache.Cache | None,
) -> dict[str, Any]:
    """Run one notebook (or reuse its cached result), write its page; return its index entry."""
    target = staging / task.figures
    target.mkdir(parents=True, exist_ok=True)
    out_nb = staging / f"{task.name}.ipynb"
    page_key = cache.key("page", task.key, footer, task.figures) if task.key else None
    hit = store.get("notebooks", task.key) if store is not None and task.key else None
    page_hit = store.get("pages", page_key) if store is not None and hit and page_key else None
    if hit is not None:
        shutil.copyfile(hit / "notebook.ipynb", out_nb)
        for figure in sorted((hit / FIGURES).iterdir()) if (hit / FIGURES).is_dir() else []:
            shutil.copyfile(figure, target / figure.name)
    if hit is not None and page_hit is not None:
        # Nothing to run or render: not even nbformat is imported.
        shutil.copyfile(page_hit / "page.html", staging / f"{task.name}.html")
        return json.loads((page_hit / "index-entry.json").read_text(encoding="utf-8"))
    if hit is not None:
        import nbformat

        nb = nbformat.read(str(out_nb), as_version=4)
    else:
        nb, made = _execute_task(pool, staging, task, out_nb, target)
        if store is not None and task.key:
            files = {"notebook.ipynb": out_nb}
            files |= {f"{FIGURES}/{f.name}": target / f.name for f in made}
            store.put("notebooks", task.key, files)
    entry = _page_entry(staging, task, nb, footer)
    if store is not None and page_key:
        meta = staging / RUNS / f"{task.name}.entry.json"
        meta.write_text(json.dumps(entry, sort_keys=True), encoding="utf-8")
        store.put(
            "pages",
            page_key,
            {"page.html": staging / f"{task.name}.html", "index-entry.json": meta},
        )
    return entry


def _execute_task(
    pool: kernels.KernelPool, staging: Path, task: Task, out_nb: Path, target: Path
) -> tuple[Any, list[Path]]:
    """Run a task's notebook in a kernel from the pool; move its figures into the report."""
    where = config.relative_to_root(task.notebook)
    if task.name == task.notebook.stem:  # a pack's pages are counted by its progress bar
        print(f"running {where}", file=sys.stderr)
    run_dir = staging / RUNS / task.name
    run_dir.mkdir(parents=True)
    kernel = pool.acquire()
    healthy = False
    try:
        nb = execution.execute_in_kernel(kernel, task.notebook, out_nb, task.parameters, run_dir)
        healthy = True
    except Exception as exc:
        detail = execution.describe_failure(exc, task.notebook)
        raise NotebookFailed(f"notebook {where} failed: {detail}") from exc
    finally:
        pool.release(kernel, healthy)
    made = run_dir / FIGURES
    moved = []
    for figure in sorted(made.iterdir()) if made.is_dir() else []:
        os.replace(figure, target / figure.name)
        moved.append(target / figure.name)
    return nb, moved


def _page_entry(staging: Path, task: Task, nb: Any, footer: str) -> dict[str, Any]:
    """Write the task's HTML page; return its index entry."""
    title = execution.notebook_title(nb, task.notebook.stem)
    try:
        page = pages.notebook_to_html(execution.without_injected_cell(nb), title, footer)
    except ValueError as exc:  # e.g. a figure without alt text cannot be published
        where = config.relative_to_root(task.notebook)
        raise NotebookFailed(f"notebook {where}: cannot publish it as HTML: {exc}") from exc
    (staging / f"{task.name}.html").write_text(page, encoding="utf-8", newline="\n")
    picture, alt = thumbnail(staging / task.figures, task.notebook.stem, nb, task.figures)
    return {
        "title": title,
        "href": f"{task.name}.html",
        "thumbnail": picture,
        "thumbnail_alt": alt,
        "finding": execution.finding(nb),
    }


def thumbnail(
    figures: Path, stem: str, nb: Any, folder: str = FIGURES
) -> tuple[str | None, str | None]:
    """The index's picture of a page: the first figure the page shows, and its alt text.

    That is the saved PNG with the same bytes as the notebook's first figure output; without
    one, the first PNG the notebook saved (by name), described by the page's title.
    """
    saved = [
        png
        for png in sorted(figures.glob(f"{stem}*.png"))
        if png.name[len(stem) :][:1] in ("-", "_", ".")
    ]
    shown = execution.first_png(nb)
    for png in saved:
        if shown is not None and png.read_bytes() == shown:
            return f"{folder}/{png.name}", pages.first_figure_alt(nb)
    return (f"{folder}/{saved[0].name}" if saved else None), None


class Progress:
    """Pages done and the time left: a bar on a terminal, plain lines otherwise (cron, logs)."""

    WIDTH = 30

    def __init__(self, total: int, what: str, stream: Any = None) -> None:
        self.total, self.what, self.count = total, what, 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        # Plain lines: about twenty in all, so a 153-page pack does not flood a cron mail.
        self.every = max(1, total // 20)

    def done(self, name: str) -> None:
        """One more page finished."""
        self.count += 1
        elapsed = time.monotonic() - self.started
        left = elapsed / self.count * (self.total - self.count)
        eta = f"about {_duration(left)} left" if self.count < self.total else "done"
        if self.tty:
            filled = round(self.WIDTH * self.count / self.total)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            end = "\n" if self.count == self.total else ""
            text = f"\r[{bar}] {self.count}/{self.total} {self.what}, {eta}\033[K{end}"
            self.stream.write(text)
        elif self.count % self.every == 0 or self.count == self.total:
            self.stream.write(f"{self.count}/{self.total} {self.what} done ({name}), {eta}\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


@contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception so a stopped run still cleans up."""

    def handler(signum: int, _frame: object) -> None:
        raise Interrupted(f"stopped by signal {signal.Signals(signum).name}")

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def _signals_blocked() -> Iterator[None]:
    """Hold back SIGINT, SIGTERM and SIGHUP for the block; they are delivered when it ends."""
    stoppers = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, stoppers)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _now() -> str:
    """Wall-clock time for the run log only (never written into reports/)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# Every run-log line has these fields, whatever the outcome (null where a run never learnt one),
# so that a line can be read without knowing which kind of run wrote it.
LOG_FIELDS = (
    "start", "end", "pid", "outcome", "message", "notebooks", "commit", "dirty",
    "inputs_digest", "inputs", "recovered", "note",
)  # fmt: skip


def _append_log(layout: Layout, entry: Mapping[str, Any]) -> None:
    """Append one JSON line; one write call, so concurrent appends do not interleave."""
    record = dict.fromkeys(LOG_FIELDS) | {"pid": os.getpid(), **entry}
    record["end"] = record["end"] or _now()
    line = json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        layout.log.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(layout.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    except OSError as exc:  # a log we cannot write must not turn a good build into a failure
        print(f"analysis report: could not write the run log: {exc}", file=sys.stderr)

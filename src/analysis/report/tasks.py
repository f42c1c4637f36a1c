"""The work of one report: stages, then each notebook run (cached, in parallel), then pages."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import config, pipeline
from analysis.errors import DataError, Problem
from analysis.report import cache, execution, failures, kernels, pages, provenance, stages
from analysis.report.folders import FIGURES, RUNNER_PARAMETERS, RUNS, Layout, NotebookFailed
from analysis.report.pack import slug


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


def run_stages(
    command_stages: Sequence[pipeline.Stage],
    store: cache.Cache | None,
    before_first_run: Callable[[], None] | None = None,
) -> None:
    """Run the command stages, skipping those whose inputs, code and outputs are unchanged.

    `before_first_run` is called once, just before the first stage that does run.
    """
    stages.check(command_stages)
    for stage in command_stages:
        needs = [config.resolve(p) for _, p in stage.needs]
        outputs = [config.resolve(o.path) for o in stage.writes]
        declared = [
            stage.run,
            list(stage.options),
            list(stage.needs),
            [o.path for o in stage.writes],
        ]
        stage_key = cache.key(
            "stage", [str(d) for d in declared], provenance.hash_inputs(needs), cache.versions()
        )
        if store is not None and store.stage_is_current(stage.name, stage_key, outputs):
            print(f"stage {stage.name}: inputs and outputs unchanged, not run", file=sys.stderr)
            continue
        if before_first_run is not None:
            before_first_run()
            before_first_run = None
        print(f"running stage {stage.name}: analysis {stage.run}", file=sys.stderr)
        stages.run_stage(stage)
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

    A need whose parameter the user set is not the pipeline's to make: its stage is left out,
    and so are all of a notebook's needs when it is given an authority's own files instead.
    """
    declared = pipeline.load(layout.pipeline)
    needed: list[str] = []
    for path in notebooks:
        stage = declared.notebook_stage(path)
        if stage is not None and not own_files_given(per_notebook[path]):
            needed += [p for name, p in stage.needs if name not in per_notebook[path]]
    return declared.stages_for(needed), declared.source_inputs(needed)


def check_needs(layout: Layout, defaults: Mapping[Path, Mapping[str, Any]]) -> None:
    """Raise DataError, before anything runs, where a notebook's default path is not the one
    pipeline.yaml says it needs: the stages would make one file and the notebook read another."""
    declared = pipeline.load(layout.pipeline)
    problems = []
    for path, values in defaults.items():
        stage = declared.notebook_stage(path)
        for name, need in stage.needs if stage is not None else []:
            if isinstance(values.get(name), str) and values[name] != need:
                problems.append(
                    Problem(
                        config.relative_to_root(path),
                        None,
                        None,
                        values[name],
                        f"'{need}', the path {layout.pipeline.name}:{stage.line} says this "
                        "notebook needs (change one to match the other)",
                        where=f"parameters cell, {name}",
                    )
                )
    if problems:
        raise DataError(problems)


def _input_paths(
    sources: list[str], notebooks: list[Path], effective: Mapping[Path, dict[str, Any]]
) -> list[Path]:
    """Every input: the raw data behind the stages, the notebooks, their path parameters."""
    paths = [config.resolve(s) for s in sources] + list(notebooks)
    for values in effective.values():
        # Given its own files, page 04 does not read the kpis stage's folder (own_data.load).
        unread = REPLACED_BY_OWN_FILES if own_files_given(values) else frozenset()
        for name, value in values.items():
            is_path = name.endswith(("_path", "_dir")) or name in FILE_PARAMETERS
            if not is_path or name in RUNNER_PARAMETERS or name in unread:
                continue
            # A list of files (several census returns) is as much an input as one file.
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item:
                    paths.append(config.resolve(item))
    return paths


# Parameters naming input files whose names do not end in _path or _dir: page 04's own files.
FILE_PARAMETERS = frozenset({"annex_a", "cin_census"})
# The default input those files replace.
REPLACED_BY_OWN_FILES = frozenset({"kpis_dir"})


def own_files_given(values: Mapping[str, Any]) -> bool:
    """True when a notebook is given an authority's own files (an Annex A workbook, returns)."""
    return any(values.get(name) not in (None, "", []) for name in FILE_PARAMETERS)


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


# Imported by the package's chart and table code inside its functions, so not seen in the
# notebooks' own import lines: a kernel started ahead of need imports them too.
STACK = ("pandas", "matplotlib.pyplot")


def kernel_pool(layout: Layout, notebooks: Sequence[Path], jobs: int, warm: bool = True) -> Any:
    """The pool of kernels a build runs its notebooks in (none started yet)."""
    return kernels.KernelPool(
        size=jobs,
        env=kernels.kernel_environment(execution.kernel_env()),
        cwd=notebooks[0].parent if notebooks else layout.notebooks_dir,
        kernel_name=execution.KERNEL,
        extra_arguments=list(execution.KERNEL_ARGS),
        warm=warm,
    )


def prestart_kernels(pool: Any, notebooks: Sequence[Path], count: int) -> None:
    """Start `count` kernels now, importing what the notebooks will (see KernelPool.prestart)."""
    pool.prestart(count, [*STACK, *kernels.imported_modules(notebooks)])


def make_tasks(
    notebooks: Sequence[Path],
    per_notebook: Mapping[Path, dict[str, Any]],
    effective: Mapping[Path, dict[str, Any]],
    pack: Sequence[Any] | None,
) -> list[Task]:
    """A page per notebook; or, for a pack, a page per authority from its one notebook."""
    if pack is None:
        return [
            Task(name=path.stem, notebook=path, parameters=per_notebook[path], figures=FIGURES)
            for path in notebooks
        ]
    (path,) = notebooks
    order = list(effective[path])
    return [
        Task(
            name=slug(authority.name),
            notebook=path,
            parameters=_in_order(per_notebook[path] | {"authority": authority.name}, order),
            figures=f"{FIGURES}/{slug(authority.name)}",
        )
        for authority in pack
    ]


def run_tasks(
    layout: Layout,
    tasks: Sequence[Task],
    footer: str,
    jobs: int,
    warm: bool = True,
    progress: Any = None,
    store: cache.Cache | None = None,
    pool: Any = None,
) -> list[dict[str, Any]]:
    """Run every task, up to `jobs` at a time; return their index entries in task order.

    The result never depends on which task finishes first: each writes only its own files.
    A failing notebook, a stop signal or any error ends every kernel before this returns,
    `pool`'s included (a pool made by `kernel_pool`, perhaps with kernels already started).
    """
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    staging = layout.staging
    runs = staging / RUNS
    runs.mkdir(exist_ok=True)
    if pool is None:
        pool = kernel_pool(layout, [t.notebook for t in tasks], jobs, warm)
    results: dict[str, dict[str, Any]] = {}
    workers = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(tasks))))
    futures = {
        workers.submit(_run_task, pool, staging, task, footer, store): task
        for task in longest_first(tasks)
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


def longest_first(tasks: Sequence[Task]) -> list[Task]:
    """The tasks in the order to start them: the longest expected first, ties as given.

    A build lasts as long as its busiest worker: starting the longest notebooks first keeps
    the short ones for the end, where they fill the gaps. Before a notebook has ever run here,
    its committed file's size (outputs included, mostly its figures) is the best guess of its
    cost: charts are most of a notebook's time.
    """
    sizes = {t.notebook: t.notebook.stat().st_size for t in tasks}
    return sorted(tasks, key=lambda t: -sizes[t.notebook])


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
        detail = failures.describe_failure(exc, task.notebook)
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
        page = pages.notebook_to_html(
            execution.without_injected_cell(nb), title, footer, figures=task.figures
        )
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

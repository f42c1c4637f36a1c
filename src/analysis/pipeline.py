"""The pipeline as declared in pipeline.yaml: each stage, what it needs, what it writes.

Every output is either `aggregate` (figures that may be published) or `record-level` (rows about
children or workers: restricted, never published). The report runner reads the declaration to
know which stages a notebook needs run first; the privacy guard reads it to know which outputs
must hold aggregates only. A record-level output may never sit inside an aggregate one.
"""

from __future__ import annotations

import contextlib
import importlib
import shlex
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from analysis import cli, config
from analysis.errors import DataError, Problem

AGGREGATE = "aggregate"
RECORD_LEVEL = "record-level"
LEVELS = (AGGREGATE, RECORD_LEVEL)
STAGE_KEYS = {"name", "run", "notebook", "authority", "needs", "writes", "note"}


@dataclass(frozen=True)
class Output:
    """One file or folder a stage writes, and whether it may be published."""

    path: str  # relative to the project root, POSIX form
    level: str

    @property
    def publishable(self) -> bool:
        """True for aggregate outputs."""
        return self.level == AGGREGATE


@dataclass(frozen=True)
class Stage:
    """One step: a command (`run`) or a notebook, what it reads and what it writes."""

    name: str
    line: int
    run: tuple[str, ...] = ()  # `analysis` command-line arguments
    notebook: str | None = None
    # The one authority whose data a notebook shows (its own documents or extracts), if fixed.
    authority: str | None = None
    # What the stage reads. For a notebook, keyed by the parameter that carries the path, so a
    # user who points the parameter elsewhere no longer needs the stage that writes the default.
    needs: tuple[tuple[str | None, str], ...] = ()
    writes: tuple[Output, ...] = ()


@dataclass(frozen=True)
class Pipeline:
    """The declared stages, in the order they run."""

    file: str
    stages: tuple[Stage, ...]

    def notebook_stage(self, notebook: Path) -> Stage | None:
        """The stage that runs this notebook, if the pipeline declares one."""
        name = config.relative_to_root(notebook)
        return next((s for s in self.stages if s.notebook == name), None)

    def producer(self, path: str) -> Stage | None:
        """The stage that writes `path` (or a folder holding it), if any."""
        for stage in self.stages:
            if any(_inside(path, out.path) for out in stage.writes):
                return stage
        return None

    def stages_for(self, paths: list[str]) -> list[Stage]:
        """The command stages that must run to make `paths`, with what they need, in order."""
        wanted: set[str] = set()
        todo = list(paths)
        while todo:
            stage = self.producer(todo.pop())
            if stage is not None and stage.notebook is None and stage.name not in wanted:
                wanted.add(stage.name)
                todo += [path for _, path in stage.needs]
        return [s for s in self.stages if s.name in wanted]

    def source_inputs(self, paths: list[str]) -> list[str]:
        """The inputs no stage writes (raw data) behind `paths`, found through their producers."""
        found: list[str] = []
        for path in paths:
            stage = self.producer(path)
            if stage is None:
                found.append(path)
            elif stage.notebook is None:
                found += self.source_inputs([p for _, p in stage.needs])
        return list(dict.fromkeys(found))

    def outputs(self, level: str) -> list[Output]:
        """Every declared output of one level, in stage order."""
        return [out for stage in self.stages for out in stage.writes if out.level == level]

    def notebooks(self) -> list[str]:
        """Every notebook the pipeline runs (committed with its outputs, so published too)."""
        return [s.notebook for s in self.stages if s.notebook]


def _inside(path: str, folder: str) -> bool:
    """True when `path` is `folder` itself or lies under it."""
    p, f = PurePosixPath(path), PurePosixPath(folder)
    return p == f or f in p.parents


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line each mapping starts on, for error messages."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def load(path: Path = config.PIPELINE) -> Pipeline:
    """Read and check a pipeline file; raise DataError listing every problem."""
    return _load(Path(path).resolve())


@cache
def _load(path: Path) -> Pipeline:
    name = config.relative_to_root(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(
            [Problem(name, None, None, None, f"a readable YAML file ({exc})")]
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
        raise DataError([Problem(name, 1, "stages", None, "a list of stages")])
    problems: list[Problem] = []
    stages = [_stage(name, raw, problems) for raw in data["stages"]]
    _check_flow(name, stages, problems)
    if problems:
        raise DataError(problems)
    return Pipeline(name, tuple(stages))


def _stage(file: str, raw: Any, problems: list[Problem]) -> Stage:
    """One stage from its YAML mapping, noting every problem."""
    if not isinstance(raw, dict):
        problems.append(Problem(file, None, "stages", raw, "a mapping per stage"))
        return Stage(name=str(raw), line=0)
    line = raw.pop("__line__")
    for key in sorted(set(raw) - STAGE_KEYS):
        problems.append(Problem(file, line, key, None, f"only the keys {', '.join(STAGE_KEYS)}"))
    name = str(raw.get("name", ""))
    if not name:
        problems.append(Problem(file, line, "name", None, "a stage name"))
    if bool(raw.get("run")) == bool(raw.get("notebook")):
        problems.append(Problem(file, line, "run", name, "either `run` or `notebook`, not both"))
    needs = raw.get("needs") or []
    if isinstance(needs, dict):
        needs.pop("__line__", None)
        need_pairs = tuple((str(k), str(v)) for k, v in needs.items())
    else:
        need_pairs = tuple((None, str(v)) for v in needs)
    writes = raw.get("writes") or {}
    writes.pop("__line__", None)
    outputs = []
    for path, level in writes.items():
        if level not in LEVELS:
            problems.append(Problem(file, line, "writes", level, f"one of {', '.join(LEVELS)}"))
        outputs.append(Output(str(path).rstrip("/"), str(level)))
    return Stage(
        name=name,
        line=line,
        run=tuple(shlex.split(str(raw.get("run") or ""))),
        notebook=raw.get("notebook"),
        authority=raw.get("authority"),
        needs=need_pairs,
        writes=tuple(outputs),
    )


def _check_flow(file: str, stages: list[Stage], problems: list[Problem]) -> None:
    """Unique names; needs are raw or written earlier; record-level never inside aggregate."""
    seen: set[str] = set()
    written: list[Output] = []
    for stage in stages:
        if stage.name in seen:
            problems.append(Problem(file, stage.line, "name", stage.name, "a name used once"))
        seen.add(stage.name)
        for _, need in stage.needs:
            # Raw data and paths outside the project are inputs that no stage writes.
            outside = PurePosixPath(need).is_absolute()
            raw = outside or _inside(need, config.relative_to_root(config.DATA_RAW))
            if not raw and not any(_inside(need, out.path) for out in written):
                problems.append(
                    Problem(
                        file, stage.line, "needs", need, "data/raw, or an earlier stage's output"
                    )
                )
        written += stage.writes
    aggregate = [o for o in written if o.publishable]
    for out in written:
        if out.publishable:
            continue
        for agg in aggregate:
            if _inside(out.path, agg.path):
                problems.append(
                    Problem(
                        file,
                        None,
                        "writes",
                        out.path,
                        f"a record-level output outside the aggregate output {agg.path}",
                    )
                )


def run_stage(stage: Stage) -> None:
    """Run a command stage in this process, as `analysis <run>` would; errors propagate."""
    args = cli.build_parser(stage.run[0]).parse_args(list(stage.run))
    module = importlib.import_module(args._module)
    # What a stage prints is progress for the log, kept apart from a command's own stdout; its
    # paths are written from the project root, wherever the report was started.
    with contextlib.redirect_stdout(sys.stderr), config.command_paths_from(config.ROOT):
        module.run(args)

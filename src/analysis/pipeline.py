"""The pipeline as declared in pipeline.yaml: each stage, what it needs, what it writes.

Every output is either `aggregate` (figures that may be published) or `record-level` (rows about
children or workers: restricted, never published). The report runner reads the declaration to
know which stages a notebook needs run first; the privacy guard reads it to know which outputs
must hold aggregates only. A record-level output may never sit inside an aggregate one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from analysis import config
from analysis.errors import DataError, Problem

AGGREGATE = "aggregate"
RECORD_LEVEL = "record-level"
LEVELS = (AGGREGATE, RECORD_LEVEL)
# The `analysis` commands a stage may run; report.stages calls each one's function.
STAGE_COMMANDS = ("clean", "synth", "kpis", "benchmark")

_PATHS = {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}}
# The shape of pipeline.yaml, checked with jsonschema; the flow of paths is checked after it.
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["stages"],
    "additionalProperties": False,
    "properties": {
        "stages": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"},
                    "note": {"type": "string"},
                    "run": {"enum": list(STAGE_COMMANDS)},
                    "with": {
                        "type": "object",
                        "additionalProperties": {"type": ["string", "integer", "boolean"]},
                    },
                    "notebook": {"type": "string", "pattern": "[.]ipynb$"},
                    "authority": {"type": "string", "minLength": 1},
                    "needs": _PATHS,
                    "writes": {"type": "object", "additionalProperties": {"enum": list(LEVELS)}},
                },
                # A stage runs a command or a notebook, never both.
                "oneOf": [
                    {"required": ["run"], "not": {"required": ["notebook"]}},
                    {"required": ["notebook"], "not": {"required": ["run"]}},
                ],
                "dependentSchemas": {
                    "run": {"required": ["writes"], "not": {"required": ["authority"]}},
                    "notebook": {"not": {"required": ["with"]}},
                },
            },
        }
    },
}


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
    run: str | None = None  # the `analysis` command whose function the stage calls
    options: tuple[tuple[str, Any], ...] = ()  # its other arguments (`with`), as declared
    notebook: str | None = None
    # The one authority whose data a notebook shows (its own documents or extracts), if fixed.
    authority: str | None = None
    # What the stage reads, keyed by the argument (a command's) or parameter (a notebook's) that
    # takes the path: a user who points a notebook's parameter elsewhere no longer needs the
    # stage that writes the default.
    needs: tuple[tuple[str, str], ...] = ()
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


def load(path: Path = config.PIPELINE) -> Pipeline:
    """Read and check a pipeline file; raise DataError listing every problem."""
    return _load(Path(path).resolve())


@cache
def _load(path: Path) -> Pipeline:
    import jsonschema

    name = config.relative_to_root(path)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(
            [Problem(name, None, None, None, f"a readable YAML file ({exc})")]
        ) from None
    validator = jsonschema.Draft202012Validator(SCHEMA)
    problems = [
        _problem(name, node, error)
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    ]
    if problems:
        raise DataError(problems)
    stages = [_stage(raw, _line(node, ["stages", i])) for i, raw in enumerate(data["stages"])]
    _check_flow(name, stages, problems)
    if problems:
        raise DataError(problems)
    return Pipeline(name, tuple(stages))


def _line(node: Any, where: list[Any]) -> int | None:
    """The line (from 1) of the YAML node at `where` (keys and indexes), or its nearest parent."""
    line = None if node is None else node.start_mark.line + 1
    for step in where:
        if isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            node = node.value[step] if step < len(node.value) else None
        elif isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _problem(file: str, node: Any, error: Any) -> Problem:
    """A schema error as a problem: the line of the value, the key it is under, what was wanted."""
    where = list(error.absolute_path)
    key = next((str(k) for k in reversed(where) if isinstance(k, str)), None)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(str(k) for k in error.instance if k not in allowed)
        if allowed and extra:  # an unknown key: name it, and the keys a stage may have
            return Problem(
                file,
                _line(node, where),
                extra[0],
                None,
                f"one of the keys {', '.join(sorted(allowed))}",
            )
    if error.validator == "oneOf" and isinstance(error.instance, dict):
        return Problem(
            file,
            _line(node, where),
            "run",
            error.instance.get("run"),
            "either `run` or `notebook`, not both",
        )
    if error.validator == "not" and isinstance(error.instance, dict):
        (extra,) = error.validator_value.get("required", ["?"])[:1]
        kind = "notebook" if "notebook" in error.instance else "command"
        return Problem(file, _line(node, where), extra, None, f"no `{extra}` in a {kind} stage")
    value = error.instance if not isinstance(error.instance, (dict, list)) else None
    if error.validator == "enum":
        wanted = f"one of {', '.join(map(str, error.validator_value))}"
    elif error.validator == "required":
        wanted = error.message.replace("'", "`")
    else:
        wanted = (
            error.message if value is None else f"a value matching the schema ({error.validator})"
        )
    return Problem(file, _line(node, where), key, value, wanted)


def _stage(raw: dict[str, Any], line: int | None) -> Stage:
    """One stage from its checked YAML mapping."""
    return Stage(
        name=raw["name"],
        line=line or 0,
        run=raw.get("run"),
        options=tuple((str(k), v) for k, v in (raw.get("with") or {}).items()),
        notebook=raw.get("notebook"),
        authority=raw.get("authority"),
        needs=tuple((str(k), str(v)) for k, v in (raw.get("needs") or {}).items()),
        writes=tuple(
            Output(str(p).rstrip("/"), str(lv)) for p, lv in (raw.get("writes") or {}).items()
        ),
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

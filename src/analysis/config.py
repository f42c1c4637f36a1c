"""Project paths, found from the package's own location and never from the current directory.

Two kinds of relative path: those typed on a command line start from the current folder
(`from_command_line`); notebook parameters and pipeline.yaml's start from the project root
(`resolve`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

ROOT: Path = Path(__file__).resolve().parents[2]
DATA_RAW: Path = ROOT / "data" / "raw"
# What the stages write there (metrics.csv, the extract, the KPIs) is named in pipeline.yaml.
DATA_PROCESSED: Path = ROOT / "data" / "processed"
# Record-level outputs that must never be published (rejected extract rows): gitignored, and
# never inside an aggregate output such as reports/.
DATA_RESTRICTED: Path = ROOT / "data" / "restricted"
NOTEBOOKS: Path = ROOT / "notebooks"
REPORTS: Path = ROOT / "reports"
PIPELINE: Path = ROOT / "pipeline.yaml"  # the stages, their inputs and outputs

# The report runner builds into a staging folder and swaps it in when complete; it tells the
# notebooks' kernels where that folder is through this variable.
REPORTS_ENV = "ANALYSIS_REPORTS_DIR"


def reports_dir() -> Path:
    """The reports folder in force: the runner's staging folder while a report is being built."""
    override = os.environ.get(REPORTS_ENV)
    return Path(override) if override else REPORTS


def resolve(path: str | os.PathLike[str]) -> Path:
    """A notebook parameter's or pipeline.yaml's path: absolute as given, else from the root."""
    p = Path(path)
    return p if p.is_absolute() else ROOT / p


# The folder a command line's relative paths start from: the current folder, as with every
# command-line tool; pipeline.yaml's `run` lines are written from the project root instead.
_COMMAND_FOLDER: ContextVar[Path | None] = ContextVar("command_folder", default=None)


def from_command_line(path: str | os.PathLike[str]) -> Path:
    """A path typed on the command line: absolute as given, else from the current folder."""
    p = Path(path)
    if p.is_absolute():
        return p
    base = _COMMAND_FOLDER.get()
    return (base if base is not None else Path.cwd()) / p


@contextlib.contextmanager
def command_paths_from(folder: Path) -> Iterator[None]:
    """Within this block, a command line's relative paths start from `folder`."""
    token = _COMMAND_FOLDER.set(folder)
    try:
        yield
    finally:
        _COMMAND_FOLDER.reset(token)


def figures_dir(name: str | os.PathLike[str] | None) -> Path | None:
    """Where a notebook saves figures: None or "" saves nothing; relative means under reports."""
    if name is None or str(name) == "":
        return None
    p = Path(name)
    return p if p.is_absolute() else reports_dir() / p


def relative_to_root(path: Path) -> str:
    """A path as shown to people and written in outputs: relative to the root where possible."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return Path(path).name

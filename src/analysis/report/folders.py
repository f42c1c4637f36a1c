"""Where a report run reads and writes, and the two ways a run can stop: names fixed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from analysis import config
from analysis.report import cache

STAGING_NAME = ".report-build"


BACKUP_NAME = ".report-old"


LOCK_NAME = ".report.lock"


LOG_PATH = Path("logs") / "report-runs.log"


FIGURES = "figures"


RUNS = ".runs"  # inside staging: each notebook run's own folder, emptied before the swap


# Parameters the runner sets itself: a user value would send figures outside the report.
RUNNER_PARAMETERS = {"figures_dir": FIGURES}


# The notebook parameter that asks for each chart as SVG too (notebook 05's; default True). A
# pack sets it False unless given --svg; the default report leaves it at the notebook's default.
SVG_PARAMETER = "svg"


def runner_parameters(svg: bool = True) -> dict[str, object]:
    """The parameters the runner sets: RUNNER_PARAMETERS, and `svg` False when SVGs are not wanted.

    Nothing is added when they are, so a page built with SVGs is the page the default report
    builds, executed notebook and all.
    """
    return RUNNER_PARAMETERS | ({} if svg else {SVG_PARAMETER: False})


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

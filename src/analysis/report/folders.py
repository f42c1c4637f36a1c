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

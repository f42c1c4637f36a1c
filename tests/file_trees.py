"""Folder helpers shared by the tests: a fresh clone's copy of the project, and snapshots."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from analysis import config


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# What a fresh clone would not hold; used only when the project is not a git checkout.
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git", ".venv", "reports", "processed", "logs", ".report-build", ".report-old",
    ".report.lock", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache",
    ".ipynb_checkpoints",
)  # fmt: skip


def project_files() -> list[str] | None:
    """Tracked and untracked-but-not-ignored files, as a fresh clone plus local edits would hold."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=config.ROOT,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    names = [n for n in done.stdout.decode().split("\0") if n]
    return [n for n in names if (config.ROOT / n).is_file()]  # deleted but still tracked


def copy_project(dest: Path) -> None:
    """Copy the project (code, raw data, notebooks; no built outputs, no .venv) to dest."""
    names = project_files()
    if names is None:
        shutil.copytree(config.ROOT, dest, ignore=NOT_IN_A_CLONE)
        return
    for name in names:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(config.ROOT / name, target)
    for folder in ("data/processed", "reports"):
        (dest / folder).mkdir(parents=True, exist_ok=True)

"""Provenance of a report: the commit, the inputs' hashes, parameters and package versions."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis import config

PACKAGES = ("pandas", "matplotlib", "seaborn", "papermill", "nbconvert", "analysis")
UNKNOWN = "unknown"


def git_output(*args: str) -> str | None:
    """Output of a git command run in ROOT, or None when ROOT is not itself a git checkout."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=config.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        # A project copied inside some other repository must not report that repository's commit.
        if Path(top).resolve() != config.ROOT.resolve():
            return None
        # No optional locks: `git status` would otherwise take .git/index.lock and could make a
        # commit made at the same moment fail.
        done = subprocess.run(
            ["git", "--no-optional-locks", *args],
            cwd=config.ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def git_state() -> dict[str, Any]:
    """HEAD's commit and whether the tree has uncommitted changes ("unknown" if no checkout)."""
    commit = git_output("rev-parse", "HEAD")
    if not commit:
        return {"commit": UNKNOWN, "dirty": UNKNOWN}
    status = git_output("status", "--porcelain", "--untracked-files=normal")
    return {"commit": commit, "dirty": bool(status)}


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def files_under(paths: Iterable[Path]) -> list[Path]:
    """Every regular file named or found under the given paths, hidden files aside, sorted."""
    found: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_file():
            found.add(path)
        elif path.is_dir():
            found.update(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
    return sorted(found)


def hash_inputs(paths: Iterable[Path]) -> dict[str, str]:
    """Relative path -> SHA-256 for every input file."""
    return {config.relative_to_root(p): sha256_file(p) for p in files_under(paths)}


def inputs_digest(hashes: Mapping[str, str]) -> str:
    """One short digest standing for all input hashes (changes if any input changes)."""
    lines = "".join(f"{name}\0{sha}\n" for name, sha in sorted(hashes.items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()[:12]


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape the outputs (Python as major.minor)."""
    versions = {"python": f"{sys.version_info.major}.{sys.version_info.minor}"}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = UNKNOWN
    return versions


def manifest(
    inputs: Mapping[str, str],
    parameters: Mapping[str, Any],
    git: Mapping[str, Any] | None = None,
    versions: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The manifest as a dict: derived from inputs only, never from the clock."""
    return {
        "git": dict(git if git is not None else git_state()),
        "inputs": dict(sorted(inputs.items())),
        "inputs_digest": inputs_digest(inputs),
        "parameters": dict(parameters),
        "packages": dict(versions if versions is not None else package_versions()),
    }


def manifest_text(data: Mapping[str, Any]) -> str:
    """Serialise a manifest deterministically: sorted keys, indent 2, final newline."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"

"""What a report run can reuse from an earlier one, keyed by everything that determines it.

A notebook's result (its executed notebook and the figures it saved) is determined by the
notebook's bytes, its parameters, the bytes of the inputs the pipeline says it reads, the package
versions (the analysis package's own source included) and the kernel's settings; the key is the
SHA-256 of all of them. A page's HTML is determined by that and the page footer.

Entries live in `.report-cache/` beside reports/. Each is written in a folder of its own and
renamed into place when complete, with the SHA-256 of every file in it; an entry that is
incomplete or whose files do not match is ignored (and rebuilt). Delete the folder to clear it.

A command stage (clean, synth) is skipped when its command, inputs and code are those of its
last run and its outputs still hold the bytes that run wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from analysis import config
from analysis.atomic import write_text
from analysis.report import provenance

CACHE_NAME = ".report-cache"
ENTRY_FILE = "cache-entry.json"
# Bump when the layout of an entry changes: older entries are then simply not found.
FORMAT = "1"


@cache
def source_hash() -> str:
    """SHA-256 of the analysis package's own files (code, templates, catalogue)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@cache
def versions() -> tuple[tuple[str, str], ...]:
    """Package versions (provenance's list) and the analysis package's source hash."""
    found = provenance.package_versions()
    return (*sorted(found.items()), ("analysis-source", source_hash()))


def key(*parts: Any) -> str:
    """SHA-256 of parts as canonical JSON."""
    text = json.dumps([FORMAT, *parts], sort_keys=True, ensure_ascii=False, default=_json_default)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json_default(value: Any) -> Any:
    if isinstance(value, Path):
        return value.as_posix()
    return repr(value)


def notebook_key(
    notebook_sha: str,
    parameters: Mapping[str, Any],
    inputs: Mapping[str, str],
    kernel_env: Mapping[str, str],
) -> str:
    """The key of one notebook run: what determines its executed notebook and figures."""
    env = {k: v for k, v in kernel_env.items() if k != config.REPORTS_ENV}
    # Types matter (1 and "1" are different parameters): keep each value's type name.
    params = {k: [type(v).__name__, v] for k, v in sorted(parameters.items())}
    return key("notebook", notebook_sha, params, dict(sorted(inputs.items())), env, versions())


class Cache:
    """The cache folder; every read is checked, every write is atomic."""

    def __init__(self, root: Path) -> None:
        self.root = root

    # --- notebook results --------------------------------------------------------------------

    def _entry(self, kind: str, name: str) -> Path:
        return self.root / kind / name[:2] / name

    def get(self, kind: str, name: str) -> Path | None:
        """The folder of a complete, intact entry, or None."""
        folder = self._entry(kind, name)
        try:
            listed = json.loads((folder / ENTRY_FILE).read_text(encoding="utf-8"))
            files = listed["files"]
            for rel, sha in files.items():
                if provenance.sha256_file(folder / rel) != sha:
                    return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return folder

    def put(self, kind: str, name: str, files: Mapping[str, Path]) -> None:
        """Store files (name in the entry -> source path) as one entry, atomically."""
        final = self._entry(kind, name)
        if self.get(kind, name) is not None:
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():  # corrupt or partial: set it aside, then drop it
            doomed = Path(tempfile.mkdtemp(prefix=f".{name[:12]}.bad.", dir=final.parent))
            with contextlib.suppress(OSError):
                os.rename(final, doomed / "entry")
            shutil.rmtree(doomed, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name[:12]}.", dir=final.parent))
        try:
            listed = {}
            for rel, source in sorted(files.items()):
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, tmp / rel)
                listed[rel] = provenance.sha256_file(tmp / rel)
            (tmp / ENTRY_FILE).write_text(
                json.dumps({"files": listed}, sort_keys=True), encoding="utf-8"
            )
            with contextlib.suppress(OSError):  # another run stored the same entry first
                os.rename(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    # --- command stages ----------------------------------------------------------------------

    def _stage_record(self, name: str) -> Path:
        return self.root / "stages" / f"{name}.json"

    def stage_is_current(self, name: str, stage_key: str, outputs: list[Path]) -> bool:
        """True when the stage last ran with this key and its outputs are as it wrote them."""
        try:
            record = json.loads(self._stage_record(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if not isinstance(record, dict) or record.get("key") != stage_key:
            return False
        written = record.get("outputs")
        return bool(written) and written == provenance.hash_inputs(outputs)

    def stage_ran(self, name: str, stage_key: str, outputs: list[Path]) -> None:
        """Record what a stage's run wrote."""
        record = {"key": stage_key, "outputs": provenance.hash_inputs(outputs)}
        write_text(self._stage_record(name), json.dumps(record, sort_keys=True, indent=1) + "\n")


def clear(root: Path) -> None:
    """Remove the cache folder."""
    shutil.rmtree(root, ignore_errors=True)

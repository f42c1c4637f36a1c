"""Unattended safety: the swap that puts a report in whole, recovery, signals and the run log."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from analysis.report.folders import Interrupted, Layout


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

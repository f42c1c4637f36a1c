"""A non-blocking lock so that two report runs never build at the same time."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LockBusy(Exception):
    """Another run holds the lock."""


@contextmanager
def run_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive flock on `path` for the block; raise LockBusy at once if it is taken.

    The kernel drops a flock when its holder dies, even by SIGKILL, so a stale lock file never
    blocks the next run; the pid written inside is only there to name the holder in messages.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            who = f" by process {holder}" if holder.isdigit() else ""
            raise LockBusy(
                f"another report run is in progress (lock {path.name} held{who})"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)

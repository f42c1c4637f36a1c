"""Kernels for the report runner: started with the run's environment, reused, always ended.

Each worker thread of a build takes a kernel from the pool, runs one notebook in it with
papermill and gives it back. A kernel that has run a notebook is reset before the next one
(names, figures, matplotlib's rcParams and pandas' options, warnings already shown, the
execution counter), so a notebook run in a warm kernel gives the same bytes as one run in a
fresh kernel; the tests compare the two.

Kernels get their environment and working folder when they start, so no thread ever changes
this process's os.environ or current folder. `kill_all` ends every kernel at once (a stop
signal, a failing notebook): nothing is left running after the runner exits.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis import config

# Run silently in a kernel before every notebook: what a notebook can see of the kernel's past.
# The snapshot of the warning filters is taken before the first notebook, so a warning shown
# once by an earlier notebook is shown again, as it would be in a fresh kernel.
_PREPARE = """
def _analysis_prepare(reports_dir, first):
    import os, sys, warnings
    from analysis.report import kernel_memory
    if first:
        kernel_memory.warning_filters[:] = warnings.filters
    else:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        if "matplotlib" in sys.modules:  # the style a fresh import reads (the backend is kept)
            sys.modules["matplotlib"].rc_file_defaults()
        if "pandas" in sys.modules:  # display and other options, as a fresh import has them
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # resetting deprecated options warns
                sys.modules["pandas"].reset_option("all")
        get_ipython().reset(new_session=True)
        warnings.resetwarnings()  # also forgets which warnings were already shown
        warnings.filters[:] = kernel_memory.warning_filters
        warnings.onceregistry.clear()
    os.environ[{env!r}] = reports_dir
_analysis_prepare({reports_dir!r}, {first!r})
globals().pop("_analysis_prepare", None)
"""


# Run silently in a kernel started ahead of its first notebook: the modules the notebooks import,
# imported inside a function so that no name is left behind; one that fails is left for the
# notebook itself to report.
_WARM_UP = """
def _analysis_warm_up(modules):
    import importlib
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:
            pass
_analysis_warm_up({modules!r})
del _analysis_warm_up
"""


_STARTING = threading.Lock()


class KernelError(RuntimeError):
    """A kernel could not be started or prepared."""


# How long a kernel may take to answer the runner's own requests (seconds): a budget of this
# project's, generous because a kernel's first answer also waits for it to start and import the
# stack on a loaded machine. A notebook's cells have their own budget (execution.CELL_TIMEOUT_S).
ANSWER_TIMEOUT_S = 180.0
# How often to look whether the kernel is still alive while waiting for its answer (seconds).
ALIVE_POLL_S = 0.5


def _manager_class() -> type:
    from jupyter_client import AsyncKernelManager

    class Manager(AsyncKernelManager):  # type: ignore[misc]
        """A kernel manager that remembers the clients made from it, to close their sockets.

        papermill's client of a kernel it does not own (the documented `km` parameter) is left
        connected when the notebook ends; `close_clients` closes it, so that a kernel running
        many notebooks does not collect one set of sockets and a heartbeat thread per notebook.
        """

        def client(self, **kwargs: Any) -> Any:
            kc = super().client(**kwargs)
            self.made = [*getattr(self, "made", []), kc]
            return kc

        def close_clients(self) -> None:
            for kc in getattr(self, "made", []):
                kc.stop_channels()
            self.made = []

    return Manager


class Kernel:
    """One python3 kernel, started on demand in the calling thread."""

    def __init__(self, name: str, env: Mapping[str, str], cwd: Path, extra_arguments: list[str]):
        from jupyter_core.utils import run_sync

        self.km = _manager_class()(kernel_name=name)
        self.runs = 0
        # One start at a time: two kernels started at the same moment could pick the same free
        # ports for their channels.
        with _STARTING:
            run_sync(self.km.start_kernel)(
                extra_arguments=list(extra_arguments), env=dict(env), cwd=str(cwd)
            )

    def alive(self) -> bool:
        """True while the kernel's process runs."""
        from jupyter_core.utils import run_sync

        return bool(run_sync(self.km.is_alive)())

    def prepare(self, reports_dir: Path) -> None:
        """Make the kernel look fresh to the next notebook; its figures go under reports_dir."""
        code = _PREPARE.format(
            env=config.REPORTS_ENV, reports_dir=str(reports_dir), first=self.runs == 0
        )
        self._run_silently(code, "prepare")
        self.runs += 1

    def warm_up(self, modules: Sequence[str]) -> None:
        """Import the notebooks' modules before the first notebook needs them."""
        self._run_silently(_WARM_UP.format(modules=list(modules)), "warm up")

    def _run_silently(self, code: str, what: str) -> None:
        """Run code in the kernel without output or history; raise KernelError if it fails."""
        # The shell channel alone: its reply says all the runner needs, and ZeroMQ holds a
        # request until the kernel takes it, so no IOPub subscription need be waited for.
        kc = self.km.blocking_client()
        kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        try:
            msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=False)
            reply = self._reply(kc, msg_id, what)
        finally:
            kc.stop_channels()
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelError(f"could not {what} a kernel: {content.get('evalue')}")

    def _reply(self, kc: Any, msg_id: str, what: str) -> dict[str, Any]:
        """The shell reply to msg_id; KernelError if the kernel ends or does not answer in time."""
        deadline = time.monotonic() + ANSWER_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                msg = kc.get_shell_msg(timeout=ALIVE_POLL_S)
            except queue.Empty:
                if not self.alive():
                    raise KernelError(f"could not {what} a kernel: it has ended") from None
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg
        raise KernelError(f"could not {what} a kernel: no answer in {ANSWER_TIMEOUT_S:.0f} s")

    def after_run(self) -> None:
        """Close the sockets papermill's client left open (it does not own the kernel)."""
        self.km.close_clients()

    def kill(self) -> None:
        """End the kernel's process now and remove its connection file (from any thread)."""
        from jupyter_core.utils import run_sync

        with contextlib.suppress(Exception):  # already ended, or never fully started
            run_sync(self.km.shutdown_kernel)(now=True)


class KernelPool:
    """Up to `size` kernels, started when first needed, reused, and all ended by `kill_all`.

    warm=False starts a new kernel for every notebook (the reference the tests compare with).
    """

    def __init__(
        self,
        size: int,
        env: Mapping[str, str],
        cwd: Path,
        kernel_name: str,
        extra_arguments: list[str],
        warm: bool = True,
    ) -> None:
        self.size = max(1, size)
        self.env = dict(env)
        self.cwd = cwd
        self.kernel_name = kernel_name
        # History in memory, as nbclient gives its own kernels: kernels never share a sqlite file.
        self.extra_arguments = [*extra_arguments, "--HistoryManager.hist_file=:memory:"]
        self.warm = warm
        self._idle: queue.SimpleQueue[Kernel] = queue.SimpleQueue()
        self._all: list[Kernel] = []
        self._lock = threading.Lock()
        self._closed = False
        self._starting = 0  # kernels being started ahead of need (prestart)

    def prestart(self, count: int, modules: Sequence[str]) -> None:
        """Start up to `count` kernels now, in the background, importing `modules`.

        The runner calls this while its command stages run, so that starting kernels and
        importing the stack overlap with them. A kernel that fails to start or warm up is ended;
        `acquire` then starts one as usual, and reports the failure if it recurs.
        """
        if not self.warm:
            return
        for _ in range(min(count, self.size)):
            with self._lock:
                if self._closed:
                    return
                self._starting += 1
            threading.Thread(target=self._start_warm, args=(list(modules),), daemon=True).start()

    def _start_warm(self, modules: list[str]) -> None:
        kernel = None
        try:
            kernel = Kernel(self.kernel_name, self.env, self.cwd, self.extra_arguments)
            with self._lock:
                self._all.append(kernel)
                closed = self._closed
            if not closed:
                kernel.warm_up(modules)
                self._idle.put(kernel)
                kernel = None
        except Exception:
            pass  # acquire() starts another kernel, and reports the failure if it recurs
        finally:
            if kernel is not None:
                kernel.kill()
            with self._lock:
                self._starting -= 1

    def acquire(self) -> Kernel:
        """An idle kernel, or a new one (workers never outnumber `size`)."""
        while self.warm:
            try:
                return self._idle.get(timeout=0.1) if self._starting else self._idle.get_nowait()
            except queue.Empty:
                with self._lock:
                    if not self._starting or self._closed:
                        break
        kernel = Kernel(self.kernel_name, self.env, self.cwd, self.extra_arguments)
        with self._lock:
            self._all.append(kernel)
            closed = self._closed
        if closed:  # a stop arrived while it started
            kernel.kill()
            raise KernelError("the run is stopping")
        return kernel

    def release(self, kernel: Kernel, healthy: bool) -> None:
        """Give a kernel back after a run; one that failed, or any in fresh mode, is ended."""
        kernel.after_run()
        if healthy and self.warm and not self._closed:
            self._idle.put(kernel)
        else:
            kernel.kill()

    def kill_all(self) -> None:
        """End every kernel this pool started (safe from any thread, more than once)."""
        with self._lock:
            self._closed = True
            kernels = list(self._all)
        for kernel in kernels:
            kernel.kill()


def imported_modules(notebooks: Sequence[Path]) -> list[str]:
    """The modules the notebooks' code cells import (absolute imports only), in first-use order."""
    import ast
    import json

    found: dict[str, None] = {}
    for path in notebooks:
        cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            try:
                tree = ast.parse(source if isinstance(source, str) else "".join(source))
            except SyntaxError:
                continue  # the notebook's own run reports it
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found |= {alias.name: None for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    # `from package import module` imports a submodule: try each name as one
                    # (the warm-up passes over names that are not modules).
                    found[node.module] = None
                    found |= {f"{node.module}.{alias.name}": None for alias in node.names}
    return list(found)


def kernel_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """This process's environment with the kernel's own settings on top (os.environ untouched)."""
    return {**os.environ, **extra}

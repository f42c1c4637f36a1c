"""Kernels started ahead of need: the notebooks' imports done, nothing left behind, reused."""

from __future__ import annotations

from pathlib import Path

from analysis import config
from analysis.report import execution, kernels

GOOD = Path(__file__).parents[1] / "fixtures" / "notebooks" / "good"


def test_the_modules_the_notebooks_import_in_first_use_order():
    # Read off tests/fixtures/notebooks/good/*.ipynb by hand: both notebooks import the same.
    assert kernels.imported_modules(sorted(GOOD.glob("*.ipynb"))) == [
        "io",
        "matplotlib.pyplot",
        "IPython.display",
        "IPython.display.HTML",
        "IPython.display.Image",
        "IPython.display.display",
        "analysis",
        "analysis.config",
        "IPython.display.Markdown",
    ]


def _pool(size: int) -> kernels.KernelPool:
    return kernels.KernelPool(
        size=size,
        env=kernels.kernel_environment(execution.kernel_env()),
        cwd=config.ROOT,
        kernel_name=execution.KERNEL,
        extra_arguments=list(execution.KERNEL_ARGS),
    )


def _ask(kernel: kernels.Kernel, expressions: dict[str, str]) -> dict[str, str]:
    kc = kernel.km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive(
            "", silent=True, timeout=60, user_expressions=expressions, output_hook=lambda _m: None
        )
    finally:
        kc.stop_channels()
    found = reply["content"]["user_expressions"]
    return {name: found[name]["data"]["text/plain"] for name in expressions}


def test_a_prestarted_kernel_is_reused_with_its_modules_and_no_names_left():
    pool = _pool(size=2)
    try:
        pool.prestart(1, ["json", "no_such_module_anywhere", "IPython.display.HTML"])
        kernel = pool.acquire()  # waits for the kernel being started: never a second one
        assert pool._all == [kernel]
        answers = _ask(
            kernel,
            {
                "json": "'json' in __import__('sys').modules",
                "left": "[n for n in globals() if 'warm' in n or n in ('importlib', 'json')]",
                "count": "get_ipython().execution_count",
            },
        )
        assert answers == {"json": "True", "left": "[]", "count": "1"}
    finally:
        pool.kill_all()
    assert not any(k.alive() for k in pool._all)


def test_fresh_kernels_are_never_prestarted():
    pool = kernels.KernelPool(
        size=2,
        env=kernels.kernel_environment(execution.kernel_env()),
        cwd=config.ROOT,
        kernel_name=execution.KERNEL,
        extra_arguments=list(execution.KERNEL_ARGS),
        warm=False,
    )
    pool.prestart(2, ["json"])
    assert pool._all == [] and pool._starting == 0


def _notebook(path: Path, *sources: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))
    return path


def _printed(nb) -> str:
    return "".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []))


def test_a_warm_kernel_forgets_the_style_and_options_an_earlier_notebook_set(tmp_path):
    changes = _notebook(
        tmp_path / "a.ipynb",
        "import matplotlib as mpl\nimport pandas as pd\n"
        "mpl.rcParams['font.size'] = 20\npd.set_option('display.max_rows', 3)",
    )
    shows = _notebook(
        tmp_path / "b.ipynb",
        "import matplotlib as mpl\nimport pandas as pd\n"
        "print(mpl.rcParams['font.size'], pd.get_option('display.max_rows'))",
    )
    pool = _pool(size=1)
    try:
        kernel = pool.acquire()
        execution.execute_in_kernel(kernel, changes, tmp_path / "a.out.ipynb", {}, tmp_path)
        after = execution.execute_in_kernel(kernel, shows, tmp_path / "b.out.ipynb", {}, tmp_path)
    finally:
        pool.kill_all()
    # matplotlib's default font size is 10.0 and pandas shows up to 60 rows, as in a fresh kernel.
    assert _printed(after) == "10.0 60\n"


def _end(kernel: kernels.Kernel) -> None:
    """Kill a kernel's process from outside, as the OS or a user might, and wait until it ends."""
    import signal
    import time

    from jupyter_core.utils import run_sync

    run_sync(kernel.km.signal_kernel)(signal.SIGKILL)
    deadline = time.monotonic() + 30
    while kernel.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not kernel.alive()


def test_preparing_a_kernel_whose_process_has_ended_fails_at_once():
    import time

    import pytest

    pool = _pool(size=1)
    try:
        kernel = pool.acquire()
        kernel.prepare(config.ROOT)  # a live kernel answers
        _end(kernel)
        started = time.monotonic()
        with pytest.raises(kernels.KernelError, match="has ended"):
            kernel.prepare(config.ROOT)
        # Judged by the process, not by waiting out the runner's budget for an answer (180 s).
        assert time.monotonic() - started < 30
    finally:
        pool.kill_all()


def test_a_kernel_that_runs_many_notebooks_keeps_no_connection_of_theirs(tmp_path):
    import threading

    sources = ["x = 1", "print(x)"]
    pool = _pool(size=1)
    try:
        kernel = pool.acquire()
        counts = []
        for n in range(4):
            nb = _notebook(tmp_path / f"n{n}.ipynb", *sources)
            execution.execute_in_kernel(kernel, nb, tmp_path / f"n{n}.out.ipynb", {}, tmp_path)
            pool.release(kernel, healthy=True)
            kernel = pool.acquire()
            counts.append(threading.active_count())
    finally:
        pool.kill_all()
    # Each notebook's client (its heartbeat thread among them) is closed when it ends: as many
    # threads after the fourth notebook as after the first.
    assert counts == [counts[0]] * 4

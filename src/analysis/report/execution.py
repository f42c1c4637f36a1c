"""Execute notebooks reproducibly: papermill for the report, in place for committed ones."""

from __future__ import annotations

import argparse
import base64
import copy
import functools
import os
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from analysis import config
from analysis.atomic import write_text
from analysis.errors import UsageError
from analysis.report.failures import _cell_error, describe_failure

KERNEL = "python3"
# A cell may legitimately take a while (national-scale KPIs); a hung kernel should still end.
CELL_TIMEOUT_S = 900
INJECTED_TAG = "injected-parameters"
# The cell whose Markdown output is a page's one-sentence headline, shown on the index too.
FINDING_TAG = "finding"
# The kernel's own log (ipykernel 7's warning about plain-TCP transport, which is local here; the
# stack it prints when a stopped run shuts it down mid-cell) would clutter every unattended
# run's mail. A failing cell is still reported in full: errors come back as cell outputs.
KERNEL_ARGS = ("--IPKernelApp.log_level=CRITICAL",)
# Run-to-run noise that papermill records at notebook level; the rest of its metadata (the
# parameters, its version) is a fact about the run worth keeping.
_VOLATILE_PAPERMILL_KEYS = ("start_time", "end_time", "duration", "input_path", "output_path")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `execute-notebooks`."""
    parser.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="notebooks to re-execute, from the current folder (default: every "
        "notebooks/*.ipynb of the project)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if any notebook's stored outputs are out of date",
    )


def run(args: argparse.Namespace) -> int:
    """Re-execute the committed notebooks in place from a clean kernel with default parameters."""
    paths = [config.from_command_line(p) for p in args.notebooks] or sorted(
        config.NOTEBOOKS.glob("*.ipynb")
    )
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise UsageError(f"no such notebook: {', '.join(missing)}")
    if not paths:
        raise UsageError(f"no notebooks in {config.relative_to_root(config.NOTEBOOKS)}")
    stale = []
    for path in paths:
        name = config.relative_to_root(path)
        print(f"executing {name}", file=sys.stderr)
        try:
            changed = execute_in_place(path, write=not args.check)
        except Exception as exc:  # a failing cell is reported, the committed file left as it was
            print(
                f"analysis execute-notebooks: {name}: {describe_failure(exc, path)}",
                file=sys.stderr,
            )
            return 1
        if changed:
            stale.append(name)
    verb = "out of date" if args.check else "updated"
    print(f"{verb}: {', '.join(stale) if stale else 'none'}", file=sys.stderr)
    return 1 if args.check and stale else 0


def kernel_env(reports_dir: Path | None = None) -> dict[str, str]:
    """Environment variables that make a kernel's outputs independent of the clock and machine."""
    env = {
        # Honour a caller's SOURCE_DATE_EPOCH (reproducible-builds.org); else pin one.
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or source_date_epoch(),
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        # debugpy's "frozen modules" notice would otherwise land on stderr of every run.
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "TZ": "UTC",
    }
    if reports_dir is not None:
        env[config.REPORTS_ENV] = str(reports_dir)
    return env


@functools.cache
def source_date_epoch() -> str:
    """The commit time of HEAD when ROOT is a git checkout, else 0: never the clock."""
    from analysis.report.provenance import git_output

    return git_output("log", "-1", "--format=%ct") or "0"


@contextmanager
def patched_environ(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the block (kernels inherit them), then restore."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def execute_in_kernel(
    kernel: Any,
    nb_path: Path,
    out_path: Path,
    parameters: Mapping[str, Any],
    reports_dir: Path,
) -> Any:
    """Run a notebook with papermill in a kernel of the runner's pool (see report.kernels).

    The kernel already has the run's environment and working folder; its figures go under
    reports_dir, whose absolute path is cut from outputs. Raises on a failing cell.
    """
    import nbformat
    import papermill

    kernel.prepare(reports_dir)
    prefixes = _prefixes(reports_dir)
    try:
        nb = papermill.execute_notebook(
            str(nb_path),
            str(out_path),
            parameters=dict(parameters),
            kernel_name=KERNEL,
            km=kernel.km,
            progress_bar=False,
            log_output=False,
            execution_timeout=CELL_TIMEOUT_S,
            # Written once at the end (or when a cell fails, that cell marked; a timeout or a dead
            # kernel writes nothing, and the staging folder goes anyway), not before and after
            # every cell: a page's figures made that 20 writes of a megabyte or more.
            request_save_on_cell_execute=False,
        )
    except BaseException:
        if Path(out_path).exists():  # the failed run as papermill wrote it, without machine paths
            partial = nbformat.read(str(out_path), as_version=4)
            write_notebook(normalise(partial, extra_prefixes=prefixes), out_path)
        raise
    nb = normalise(nb, extra_prefixes=prefixes)
    write_notebook(nb, out_path)
    return nb


def execute_in_place(nb_path: Path, write: bool = True) -> bool:
    """Execute a notebook from a clean kernel with its own defaults; return True if it changed."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb_path = Path(nb_path)
    before = nb_path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT_S,
        record_timing=False,
        extra_arguments=list(KERNEL_ARGS),  # a fresh list: nbclient appends to it
        resources={"metadata": {"path": str(nb_path.parent)}},
    )
    with patched_environ(kernel_env()):
        try:
            client.execute()
        except CellExecutionError:
            raise _cell_error(nb) from None
    after = notebook_text(normalise(nb))
    if after == before:
        return False
    if write:
        write_text(nb_path, after)
    return True


def normalise(nb: Any, extra_prefixes: tuple[str, ...] = ()) -> Any:
    """Strip what varies run to run: timings, cell ids papermill invents, absolute paths."""
    meta = nb.metadata.get("papermill")
    if meta is not None:
        for key in _VOLATILE_PAPERMILL_KEYS:
            meta.pop(key, None)
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if INJECTED_TAG in cell.metadata.get("tags", []):
            cell["id"] = INJECTED_TAG  # papermill gives it a fresh random uuid each run
        elif "id" not in cell:
            cell["id"] = f"cell-{index}"
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                _strip_paths(output, (*extra_prefixes, *_prefixes(None)))
    return nb


def _prefixes(reports_dir: Path | None) -> tuple[str, ...]:
    """Absolute folder prefixes to cut from outputs, longest first so nested ones go first."""
    found = {str(config.ROOT) + os.sep, sys.prefix + os.sep}
    if reports_dir is not None:
        found.add(str(reports_dir) + os.sep)
    return tuple(sorted(found, key=len, reverse=True))


def _strip_paths(output: Any, prefixes: tuple[str, ...]) -> None:
    """Make paths in an output's text relative (warnings and tracebacks print absolute ones)."""

    def fix(text: Any) -> Any:
        if isinstance(text, list):
            return [fix(t) for t in text]
        if not isinstance(text, str):
            return text
        for prefix in prefixes:
            text = text.replace(prefix, "")
        return text

    if "text" in output:
        output["text"] = fix(output["text"])
    if "traceback" in output:
        output["traceback"] = fix(output["traceback"])
    if "evalue" in output:
        output["evalue"] = fix(output["evalue"])
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") or mime == "image/svg+xml":
            output["data"][mime] = fix(value)


def notebook_text(nb: Any) -> str:
    """Serialise a notebook exactly as Jupyter saves it (indent 1, sorted keys, final newline)."""
    import nbformat

    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def write_notebook(nb: Any, path: Path) -> None:
    """Atomically write a notebook in Jupyter's own format."""
    write_text(Path(path), notebook_text(nb))


# --- what an executed notebook holds ---------------------------------------------------------


def without_injected_cell(nb: Any) -> Any:
    """A copy without papermill's parameters cell, so cell numbers match the notebook as written."""
    clone = copy.deepcopy(nb)
    clone.cells = [c for c in clone.cells if INJECTED_TAG not in c.metadata.get("tags", [])]
    return clone


def notebook_title(nb: Any, default: str) -> str:
    """The first markdown heading of a notebook, without its #s.

    A heading shown by a code cell (a Markdown output, e.g. one naming the authority of a
    parameterised page) counts too, with its markdown escapes undone.
    """
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            texts = [cell.source]
        elif cell.cell_type == "code":
            texts = [
                _as_text(out.get("data", {}).get("text/markdown", ""))
                for out in cell.get("outputs", [])
            ]
        else:
            continue
        for text in texts:
            for line in text.splitlines():
                if line.startswith("#"):
                    title = line.lstrip("#").strip()
                    return title if cell.cell_type == "markdown" else _MD_ESCAPE.sub(r"\1", title)
    return default


_MD_ESCAPE = re.compile(r"\\(.)")


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else "".join(value)


def finding(nb: Any) -> str | None:
    """The markdown shown by the cell tagged `finding`, if any."""
    for cell in nb.cells:
        if FINDING_TAG in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/markdown")
                if text:
                    return (text if isinstance(text, str) else "".join(text)).strip()
    return None


def first_png(nb: Any) -> bytes | None:
    """The bytes of the first PNG figure a notebook shows, if any."""
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = (output.get("data") or {}).get("image/png")
            if data:
                return base64.b64decode(data if isinstance(data, str) else "".join(data))
    return None

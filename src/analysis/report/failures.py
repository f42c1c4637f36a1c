"""A failing notebook named plainly: its cell as committed, the error, the line that raised."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any


def _cell_error(nb: Any) -> Exception:
    """The first error output of an executed notebook, as papermill reports it."""
    from papermill.exceptions import PapermillExecutionError

    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return PapermillExecutionError(
                    index,
                    cell.get("execution_count"),
                    cell.source,
                    output.get("ename", ""),
                    output.get("evalue", ""),
                    output.get("traceback", []),
                )
    return RuntimeError("the kernel failed before any cell reported an error")


def describe_failure(exc: BaseException, nb_path: Path) -> str:
    """Name the failing cell (number in the notebook as committed, first line) and the error."""
    from papermill.exceptions import PapermillExecutionError

    source = getattr(exc, "source", None)
    if isinstance(exc, PapermillExecutionError) or source is not None:
        number = _cell_number(nb_path, source or "", getattr(exc, "cell_index", None))
        first = next((ln for ln in str(source or "").splitlines() if ln.strip()), "")
        ename = getattr(exc, "ename", type(exc).__name__)
        evalue = getattr(exc, "evalue", "")
        error = f"{ename}: {evalue}" if evalue else str(ename)
        at = _failing_line(getattr(exc, "traceback", None) or [])
        return f"cell {number} ({first.strip()!r}) raised {error}" + (f" {at}" if at else "")
    text = str(exc).strip()
    last = text.splitlines()[-1] if text else type(exc).__name__
    return f"{type(exc).__name__}: {last}"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


_CELL_FRAME = re.compile(r"^Cell In\[\d+\], line (\d+)")


_ARROW = re.compile(r"^-*> *(\d+) (.*)$")


def _failing_line(traceback: list[str]) -> str:
    """'at line N: code' for the line of the cell itself that raised, from IPython's traceback."""
    lines = _ANSI.sub("", "\n".join(traceback)).splitlines()
    for index, line in enumerate(lines):
        if _CELL_FRAME.match(line.strip()):
            for later in lines[index + 1 :]:
                arrow = _ARROW.match(later.strip())
                if arrow:
                    return f"at line {arrow.group(1)}: {arrow.group(2).strip()}"
            break
    return ""


def _cell_number(nb_path: Path, source: str, fallback_index: int | None) -> str:
    """1-based cell number in the notebook as written (papermill's index counts its own cell)."""
    import nbformat

    try:
        nb = nbformat.read(str(nb_path), as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.source == source:
                return str(index + 1)
    except Exception:  # the number is a courtesy; never let it hide the real error
        pass
    return "?" if fallback_index is None else str(fallback_index + 1)

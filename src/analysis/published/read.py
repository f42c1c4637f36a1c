"""Read the DfE's EES files as text, check them against their schemas, report every problem."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis import config
from analysis.errors import DataError, Problem, not_utf8
from analysis.metrics.schema import problems as schema_problems
from analysis.published import schema
from analysis.published.schema import SYMBOLS, EesFile, NeighbourFile

DFE_DIR: Path = config.DATA_RAW / "dfe"
LINE = "_line"  # the row's line in its file (the header is line 1)


# pandera's names for its built-in checks, as the "expected ..." of a problem.
@dataclass(frozen=True)
class Published:
    """Every DfE file the benchmark needs, read and checked: EES tables and neighbour lists."""

    tables: dict[str, pd.DataFrame]  # FILES key -> rows as text, with their line numbers
    neighbours: dict[str, pd.DataFrame]  # model ("2025", "2021") -> one row per authority
    folder: Path


def split_value(text: str) -> tuple[float | None, str]:
    """A checked cell as (number, "") or (None, symbol): a symbol never becomes a number."""
    if text in SYMBOLS:
        return None, text
    return float(text), ""


def display(path: Path) -> str:
    """A path as the user knows it: relative inside the project, in full outside it."""
    path = Path(path).resolve()
    return (
        path.relative_to(config.ROOT).as_posix() if path.is_relative_to(config.ROOT) else str(path)
    )


def _read_text(path: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    name = display(path)
    if not path.is_file():
        return None, [Problem(name, None, None, None, "this file (a DfE EES CSV)")]
    try:
        # Every cell as text, and no cell read as missing: "x" and "" must reach the checks as
        # written. utf-8-sig drops the byte-order mark some of the DfE's files start with.
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None, not_utf8(path.read_bytes(), name)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return None, [Problem(name, None, None, None, f"a CSV file ({exc})")]
    df.columns = [str(c).strip() for c in df.columns]
    # One record per line in these files, so row i is on line i + 2.
    df[LINE] = range(2, len(df) + 2)
    return df, []


def _validated(df: pd.DataFrame, frame_schema: pa.DataFrameSchema, name: str) -> list[Problem]:
    """Every problem pandera finds in the file, through the project's one adapter."""
    return schema_problems(frame_schema, df, name, lines=df[LINE])


def read_ees(path: Path, spec: EesFile) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One EES file as text with its line numbers, and every problem found in it."""
    df, problems = _read_text(path)
    if df is None:
        return None, problems
    problems = _validated(df, schema.ees_schema(spec), display(path))
    return (None if problems else df), sorted(problems, key=_order)


def read_neighbours(path: Path, spec: NeighbourFile) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One neighbour file: an authority code, its name and its ten neighbours' codes per row."""
    df, problems = _read_text(path)
    if df is None:
        return None, problems
    # The April 2021 file ends with blank separator rows and an "Old SNs:" heading row before
    # the groupings of abolished authorities; those rows carry no authority code.
    if spec.code in df.columns:
        df = df[df[spec.code].str.strip() != ""]
    problems = _validated(df, schema.neighbour_schema(spec), display(path))
    if problems:
        return None, sorted(problems, key=_order)
    return df[[spec.code, spec.name_column, *spec.neighbours, LINE]], []


def _order(p: Problem) -> tuple:
    return (p.line or 0, str(p.column))


def read_published(folder: Path | str = DFE_DIR) -> Published:
    """Read and check every file the benchmark uses; raise DataError with all problems at once."""
    folder = config.resolve(folder)
    tables: dict[str, pd.DataFrame] = {}
    neighbours: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for key, spec in schema.FILES.items():
        df, found = read_ees(folder / spec.name, spec)
        problems += found
        if df is not None:
            tables[key] = df
    for model, spec in schema.NEIGHBOUR_FILES.items():
        df, found = read_neighbours(folder / spec.name, spec)
        problems += found
        if df is not None:
            neighbours[model] = df
    if problems:
        raise DataError(problems)
    return Published(tables, neighbours, folder)

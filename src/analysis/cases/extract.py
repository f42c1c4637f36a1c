"""Read and validate the two case-level extracts: assessments.csv and cin_episodes.csv.

Every bad row is found in one pass and reported with its file line (the header is line 1), so
the person who ran the extract can fix them all at once. In quarantine mode the bad rows are
set aside with their reasons instead, and the good rows carry on. What a good row is, is
declared once in analysis.cases.schema (pandera); checking a million rows against it takes a
fraction of the time it takes to read them.
"""

from __future__ import annotations

import hashlib
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.cases.schema import (
    ASSESSMENT_TYPES,
    ASSESSMENTS,
    EPISODES,
    SCHEMAS,
    ExtractSchema,
    Issue,
    check,
)
from analysis.errors import MAX_LISTED, DataError, Problem, capped, not_utf8

__all__ = [  # the schemas are declared in analysis.cases.schema; these names read on from here
    "ASSESSMENTS",
    "ASSESSMENT_TYPES",
    "EPISODES",
    "MAX_LISTED",
    "SCHEMAS",
    "Extract",
    "ExtractFile",
    "ExtractSchema",
    "read_extract",
    "read_file",
    "rejects_text",
]


@dataclass
class ExtractFile:
    """One validated extract file."""

    schema: ExtractSchema
    sha256: str
    rows: pd.DataFrame  # good rows: the schema's columns, dates as datetime64, plus "line"
    rows_read: int
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)  # bad rows + line + reason

    @property
    def name(self) -> str:
        """The extract's file name, as cited in the output's source column."""
        return self.schema.file


@dataclass
class Extract:
    """Both files of one extract."""

    assessments: ExtractFile
    episodes: ExtractFile

    @property
    def files(self) -> tuple[ExtractFile, ExtractFile]:
        """The two files, assessments first."""
        return (self.assessments, self.episodes)


def read_extract(folder: Path, quarantine: bool = False) -> Extract:
    """Read and validate both files; raise DataError listing every problem unless quarantining.

    A missing file or column is always an error: there is no row to quarantine.
    """
    folder = Path(folder)
    # The files are independent: read and check them side by side. pandas' parser lets go of
    # the GIL while it splits a file into fields, so one file is parsed while the other is
    # checked (which mostly holds it).
    with ThreadPoolExecutor(max_workers=len(SCHEMAS)) as pool:
        read = list(pool.map(lambda schema: read_file(folder / schema.file, schema), SCHEMAS))
    results = []
    problems: list[Problem] = []
    for table, found in read:
        results.append(table)
        if table is None or not quarantine:
            problems.extend(found)
    if problems:
        raise DataError(capped(problems, "every bad row with its reason"))
    return Extract(assessments=results[0], episodes=results[1])


def read_file(path: Path, schema: ExtractSchema) -> tuple[ExtractFile | None, list[Problem]]:
    """One file: its good rows and rejects, and every problem found (None if unreadable)."""
    digest, raw, unreadable = _load(path, schema)
    return (None, unreadable) if raw is None else _checked(schema, digest, raw)


def _load(path: Path, schema: ExtractSchema) -> tuple[str, pd.DataFrame | None, list[Problem]]:
    """The file's SHA-256 and its schema's columns as read; or why it cannot be read."""
    file = schema.file
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return (
            "",
            None,
            [Problem(file, None, None, None, f"the file {file} in {Path(path).parent}")],
        )
    digest = hashlib.sha256(data).hexdigest()
    try:
        raw = _read_ascii_fast(data, schema)
        if raw is None:  # not plain ASCII, or an id too long for the fast read
            raw = _read_csv(data, schema.read_dtypes())
    except UnicodeDecodeError:
        return digest, None, not_utf8(data, file)
    except (pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
        return digest, None, [Problem(file, None, None, None, f"a UTF-8 CSV file ({exc})")]
    missing = [c for c in schema.columns if c not in raw.columns]
    if missing:
        return (
            digest,
            None,
            [Problem(file, 1, c, None, "this column in the header") for c in missing],
        )
    raw = raw.loc[:, list(schema.columns)]
    blank = _blank(raw)
    # A blank line is no record, as `clean` reads one: dropped, and every other row keeps its
    # line (the frame's index is the row's place in the file).
    return digest, (raw.loc[~blank] if blank.any() else raw), []


def _blank(raw: pd.DataFrame) -> np.ndarray:
    """Rows read from a line holding nothing but spaces and commas."""
    empty = np.ones(len(raw), dtype=bool)
    text = []
    for name in raw.columns:
        column = raw[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            # A category column has few distinct values: strip those, not every row's.
            blank = np.append(column.cat.categories.astype(str).str.strip() == "", True)
            empty &= blank[column.cat.codes.to_numpy()]  # code -1 (none) picks the last: True
        else:
            text.append(name)
    for name in text:
        # Only the few rows still blank are stripped: a million ids are not.
        where = np.flatnonzero(empty)
        empty[where] = (raw[name].iloc[where].astype(str).str.strip() == "").to_numpy()
    return empty


def _read_csv(data: bytes, dtypes: dict[str, object]) -> pd.DataFrame:
    """The file's columns as pandas' parser reads them with these dtypes."""
    # All text, no NA guessing: an empty field is "", which the schema's checks name
    # exactly. Not looking for NA markers at all (na_filter=False) gives the same frame as
    # keep_default_na=False alone, and reads a million rows about a fifth faster.
    # Blank lines are kept so that row i is always file line i + 2.
    return pd.read_csv(
        io.BytesIO(data),
        dtype=dtypes,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        encoding="utf-8-sig",
    )


def _read_ascii_fast(data: bytes, schema: ExtractSchema) -> pd.DataFrame | None:
    """The frame `_read_csv` gives with the schema's dtypes, for a plain ASCII file; else None.

    Boxing a million distinct ids into Python strings is most of what pandas' parser spends on
    an extract, because it hashes each one on the way. Read as fixed-width bytes instead, and
    widened to text in bulk, they cost a fraction of that. Only a file of ASCII without NUL
    bytes takes this path (bytes widen to the same characters, and a NUL would be dropped), and
    only when no id fills the width (it could have been cut short).
    """
    body = data.removeprefix(b"\xef\xbb\xbf")  # the parser drops a BOM (utf-8-sig)
    if not body.isascii() or b"\0" in body:
        return None
    dtypes = schema.read_dtypes()
    text = [name for name, dtype in dtypes.items() if dtype is object]
    raw = _read_csv(data, {**dtypes, **dict.fromkeys(text, f"S{ID_WIDTH}")})
    for name in text:
        if name not in raw.columns:
            continue  # a missing column is reported as such by the caller
        widened = _widened(raw[name].to_numpy())
        if widened is None:
            return None
        raw[name] = pd.Series(widened, index=raw.index, dtype=object, copy=False)
    return raw


# Ids longer than this are read by the general path (they would fill the width).
ID_WIDTH = 32


def _widened(values: np.ndarray) -> np.ndarray | None:
    """ASCII fixed-width bytes as Python strings (object); None if any value fills the width."""
    if values.dtype.kind != "S":  # a header without rows: nothing to widen
        return values.astype(object)
    width = values.dtype.itemsize
    grid = values.view(np.uint8).reshape(len(values), width)
    used = np.flatnonzero(grid.any(axis=0))
    if used.size and used[-1] == width - 1:
        return None
    wide = used[-1] + 1 if used.size else 1
    # ASCII byte b is the character b: UCS-4 code points are the bytes widened to 32 bits.
    chars = np.ascontiguousarray(grid[:, :wide], dtype=np.uint32).view(f"U{wide}")
    return chars.reshape(len(values)).astype(object)


def _checked(
    schema: ExtractSchema, digest: str, raw: pd.DataFrame
) -> tuple[ExtractFile, list[Problem]]:
    """The rows checked against the schema: good rows typed, bad ones set aside with reasons."""
    typed, issues = check(raw, schema)
    lines = raw.index.to_numpy() + 2  # row i of the file is on line i + 2, blank lines or not
    typed["line"] = lines
    bad = np.zeros(len(raw), dtype=bool)
    if issues:
        bad[[issue.row for issue in issues]] = True
    table = ExtractFile(
        schema=schema,
        sha256=digest,
        rows=typed.loc[~bad].reset_index(drop=True) if bad.any() else typed,
        rows_read=len(raw),
        rejects=_rejects(raw, lines, bad, issues),
    )
    return table, [issue.problem for issue in issues]


def _rejects(
    raw: pd.DataFrame, lines: np.ndarray, bad: np.ndarray, issues: list[Issue]
) -> pd.DataFrame:
    """The bad rows as read, with their line and every reason, one row per line."""
    out = raw.loc[bad].copy()
    out.insert(0, "line", lines[bad])
    reasons: dict[int, list[str]] = {}
    for i, _, p in issues:
        reasons.setdefault(i, []).append(f"column '{p.column}': value '{p.value}': {p.expected}")
    out["reason"] = ["; ".join(reasons[i]) for i in np.flatnonzero(bad)]
    return out.reset_index(drop=True)


def rejects_text(table: ExtractFile) -> str:
    """The table's rejects as CSV text (line, the columns as read, reason), for quarantine."""
    return table.rejects.to_csv(index=False, lineterminator="\n")

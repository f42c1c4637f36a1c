"""The two case-level extracts' schemas, declared once with pandera, and how they are checked.

assessments.csv and cin_episodes.csv hold text as the extract gives it ("" for an empty field).
Each schema says, once: the file's columns, which must hold a value, which are dates (YYYY-MM-DD;
the end date empty while the assessment or episode is open), the allowed assessment types, the
file's key (an id used once) and that an end is never before its start.

`check()` validates a file's rows against its schema with pandera, lazily (every failure), and
says each failure as a Problem through metrics.schema.problems, the one adapter from pandera's
failures to problems. It stays fast on a million rows: a column read as categories (few distinct
values: types, dates, teams, workers) is validated on its distinct values, whose Problems are
then spread back over the rows; an id column is validated whole, on the file's lines. A strictly
increasing id column (as extracts sorted by id are) is all distinct, which is much faster to see
than hashing a million ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.errors import Problem
from analysis.metrics.schema import ASSESSMENT_TYPES, problems

REQUIRED = "a value (it is required)"
DATE = "a date YYYY-MM-DD"
DUPLICATE = "an id used once (also on line {others})"
TEXT = {"read_as": "text"}  # column metadata: many distinct values (ids), read as plain text


def parse_dates(values: np.ndarray | pd.Series) -> np.ndarray:
    """ISO dates as datetime64[D]; NaT where a value is empty or not a date YYYY-MM-DD."""
    days = pd.to_datetime(np.asarray(values, dtype=object), format="%Y-%m-%d", errors="coerce")
    return np.asarray(days, dtype="datetime64[D]")


def _filled(s: pd.Series) -> pd.Series:
    return pd.Series(s.to_numpy(dtype=object) != "", index=s.index)


def _required() -> pa.Check:
    return pa.Check(_filled, error=REQUIRED, ignore_na=False)


def _date() -> pa.Check:
    # An empty date is the required check's business (or allowed, for an end date).
    return pa.Check(lambda s: ~_filled(s) | ~np.isnat(parse_dates(s)), error=DATE, ignore_na=False)


def _code(codes: tuple[str, ...]) -> pa.Check:
    return pa.Check(
        lambda s: ~_filled(s) | s.isin(codes), error=f"one of {', '.join(codes)}", ignore_na=False
    )


def _not_before(start: str, end: str) -> pa.Check:
    """The end, when there is one, on or after the start (on dates, or ISO text)."""

    def test(df: pd.DataFrame) -> pd.Series:
        s, e = (
            df[c] if pd.api.types.is_datetime64_any_dtype(df[c]) else parse_dates(df[c])
            for c in (start, end)
        )
        return pd.Series(~(np.asarray(e) < np.asarray(s)), index=df.index)

    return pa.Check(test, name=end, error=f"a date on or after {start}", ignore_na=False)


def _text(*checks: pa.Check, **kwargs) -> pa.Column:
    # Text as read, held as Python strings (object): pandas' own str dtype would check each of
    # a million strings again on every validation, for nothing. Read without NA guessing, an
    # empty field is "", never missing: the required check names it.
    return pa.Column(object, list(checks), nullable=True, **kwargs)


@dataclass(frozen=True)
class ExtractSchema:
    """One extract file: its name, its pandera schema and the roles of its columns."""

    file: str
    frame: pa.DataFrameSchema
    id_column: str
    start: str
    end: str  # empty while the assessment or episode is open
    type_column: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The file's columns, in order."""
        return tuple(self.frame.columns)

    @property
    def required(self) -> tuple[str, ...]:
        """Columns that must hold a value on every row."""
        return tuple(
            name
            for name, column in self.frame.columns.items()
            if any(c.error == REQUIRED for c in column.checks)
        )

    def read_dtypes(self) -> dict[str, object]:
        """How to read each column: ids as plain text, the rest (few values) as categories."""
        return {
            name: object if (column.metadata or {}).get("read_as") == "text" else "category"
            for name, column in self.frame.columns.items()
        }


def _extract(
    file: str, id_column: str, start: str, end: str, type_column: str | None = None
) -> ExtractSchema:
    columns = {
        "child_id": _text(_required(), metadata=TEXT),
        id_column: _text(_required(), unique=True, metadata={**TEXT, "duplicate": DUPLICATE}),
    }
    if type_column:
        columns[type_column] = _text(_required(), _code(ASSESSMENT_TYPES))
    columns |= {
        start: _text(_required(), _date()),
        end: _text(_date()),
        "team": _text(_required()),
        "worker_id": _text(_required()),
    }
    frame = pa.DataFrameSchema(
        columns, checks=[_not_before(start, end)], strict=False, ordered=False, name=file
    )
    return ExtractSchema(file, frame, id_column, start, end, type_column)


ASSESSMENTS = _extract(
    "assessments.csv", "assessment_id", "start_date", "completed_date", "assessment_type"
)
EPISODES = _extract("cin_episodes.csv", "episode_id", "start_date", "end_date")
SCHEMAS: tuple[ExtractSchema, ...] = (ASSESSMENTS, EPISODES)


# --- checking -------------------------------------------------------------------------------


class Issue(NamedTuple):
    """One failure of a file's schema: the row's position in the frame, its column, the Problem."""

    row: int
    column: str
    problem: Problem


def check(raw: pd.DataFrame, schema: ExtractSchema) -> tuple[pd.DataFrame, list[Issue]]:
    """Typed rows (dates as datetime64, types as categories) and every failure of the schema.

    `raw` holds the schema's columns as read with `read_dtypes()`, indexed by each row's place
    in the file (row i is on line i + 2). Failures come as Issues, in row order then column
    order; their Problems are said by metrics.schema.problems.
    The frames validated are check's own, and no schema here coerces: pandera validates them in
    place (inplace=True) rather than copying a million rows first.
    """
    file = schema.file
    lines = raw.index.to_numpy() + 2
    line_of = pd.Series(lines, index=raw.index, copy=False)
    issues: list[Issue] = []
    typed: dict[str, object] = {c: raw[c] for c in schema.columns}
    for name, column in schema.frame.columns.items():
        values, codes = _distinct(raw[name])
        alone = pa.DataFrameSchema({name: column}, name=file)
        if codes is None:
            issues += _checked_whole(raw[name], alone, line_of)
        else:
            # Each distinct value is checked once, its Problem's line standing for its code.
            distinct = pd.DataFrame({name: pd.Series(values, dtype=object, copy=False)})
            found = problems(alone, distinct, file, pd.Series(np.arange(len(values))), inplace=True)
            issues += _spread_problems(found, codes, lines)
        if name in (schema.start, schema.end):
            typed[name] = _spread(parse_dates(values), codes, np.datetime64("NaT", "D"))
        elif name == schema.type_column:
            known = pd.Index(ASSESSMENT_TYPES).get_indexer(np.asarray(values, dtype=object))
            typed[name] = pd.Categorical.from_codes(
                _spread(known, codes, -1), categories=ASSESSMENT_TYPES
            )
    rows = pd.DataFrame(typed, copy=False)
    # Across columns, on the typed dates; a value is quoted as the file gives it.
    across = schema.frame.remove_columns(list(schema.columns))
    found = problems(across, rows, file, line_of, shown=raw, inplace=True)
    issues += _issues(found, lines)
    order = {c: i for i, c in enumerate(schema.columns)}
    issues.sort(key=lambda t: (t.row, order[t.column]))
    return rows, issues


def _checked_whole(ids: pd.Series, alone: pa.DataFrameSchema, line_of: pd.Series) -> list[Issue]:
    """A text column checked row by row; a repeated value named with the other lines."""
    name = ids.name
    values = ids.to_numpy(dtype=object)
    column = pd.DataFrame(
        {name: pd.Series(values, index=ids.index, dtype=object, copy=False)}, copy=False
    )
    unique = alone.columns[name].unique and not _strictly_increasing(values)
    found = problems(
        alone.update_column(name, unique=False), column, alone.name, line_of, inplace=True
    )
    if unique:
        # An empty id is the required check's business, not a repeat of the other empty ones.
        filled = values != ""
        repeats = alone.update_column(name, checks=[], unique=True)
        found += problems(
            repeats,
            column if filled.all() else column.loc[filled],
            alone.name,
            line_of,
            inplace=True,
        )
    return _issues(found, line_of.to_numpy())


def _issues(found: list[Problem], lines: np.ndarray) -> list[Issue]:
    """Problems said on file lines, with their rows' positions."""
    at = np.searchsorted(lines, [p.line for p in found]).tolist()
    return [Issue(i, p.column, p) for i, p in zip(at, found, strict=True)]


def _spread_problems(found: list[Problem], codes: np.ndarray, lines: np.ndarray) -> list[Issue]:
    """Problems of distinct values (on the line standing for their code) spread to the rows."""
    by_code: dict[int, list[Problem]] = {}
    for p in found:
        by_code.setdefault(p.line, []).append(p)
    if not by_code:
        return []
    rows = np.flatnonzero(np.isin(codes, list(by_code)))
    return [
        Issue(i, p.column, Problem(p.file, line, p.column, p.value, p.expected))
        for i, line, code in zip(
            rows.tolist(), lines[rows].tolist(), codes[rows].tolist(), strict=True
        )
        for p in by_code[code]
    ]


def _distinct(column: pd.Series) -> tuple[np.ndarray, np.ndarray | None]:
    """A categorical column's categories and codes; any other column as it is (codes None)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return np.asarray(column.cat.categories, dtype=object), column.cat.codes.to_numpy()
    return column.to_numpy(dtype=object), None


def _spread(done: np.ndarray, codes: np.ndarray | None, fill: object) -> np.ndarray:
    """Per-value results spread over the rows (code -1, a missing value, takes `fill`)."""
    if codes is None:
        return done
    return np.append(done, np.array([fill], dtype=done.dtype))[codes]


def _strictly_increasing(values: np.ndarray) -> bool:
    # Extracts sorted by id: all distinct, which is much faster to see than to hash.
    return bool((values[1:] > values[:-1]).all())

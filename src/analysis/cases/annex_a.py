"""Read an Ofsted Annex A workbook into an authority's case records.

Annex A is the Excel workbook of lists (List 1 contacts ... List 11 adopters) that inspectors
ask for. Five lists describe the events the KPIs count: List 3 referrals, 4 assessments, 5
section 47 enquiries, 6 children in need and 7 child protection plans; the others are not read.
Real workbooks are kept by hand and are messy, so sheet names, headers and values are matched
liberally (the rules are below and in data/raw/README.md), but a value that is not what its
column needs is reported, never guessed: every problem at once, each with the cell a person
would look at in Excel.

Each sheet is read in one pass by python-calamine (cells come typed: dates as dates, numbers as
floats, text as text). Only the declared columns are decoded, and each distinct value in a
column is decoded once, so the Python work grows with the number of distinct values, not cells.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from analysis.cases.records import COLUMNS, CaseRecords, SourceFile
from analysis.errors import DataError, Problem, capped

KIND = "annex-a"
REJECT_COLUMNS = ("file", "where", "child_id", "reason")


@dataclass(frozen=True)
class Column:
    """One column a list needs: its header as Ofsted's template names it, and what it becomes."""

    header: str
    role: str  # the column of the records table it fills
    kind: str  # "id", "date", "yesno" or "text"
    required: bool = False  # a row without a value here is a problem


@dataclass(frozen=True)
class AnnexList:
    """One list of the workbook that is read, and the columns taken from it."""

    number: int
    table: str  # the CaseRecords table its rows become
    columns: tuple[Column, ...]
    # Dates that cannot come before the row's start date (start role, later roles).
    order: tuple[str, tuple[str, ...]]
    constants: tuple[tuple[str, object], ...] = ()  # roles every row of this list has


_ID = Column("Child Unique ID", "child_id", "id", required=True)
OPTIONAL_ROLES = frozenset({"team", "worker_id"})  # columns a list may lack: caseloads only
_TEAM = Column("Allocated Team", "team", "text")
_WORKER = Column("Allocated Worker", "worker_id", "text")

LISTS: tuple[AnnexList, ...] = (
    AnnexList(
        3,
        "referrals",
        (
            _ID,
            Column("Date of referral", "referral_date", "date", required=True),
            Column("Referral NFA?", "nfa", "yesno", required=True),
        ),
        order=("referral_date", ()),
    ),
    AnnexList(
        4,
        "assessments",
        (
            _ID,
            Column("Continuous Assessment Start Date", "start_date", "date", required=True),
            # Empty while the assessment is open.
            Column("Continuous Assessment Date of Authorisation", "completed_date", "date"),
            _TEAM,
            _WORKER,
        ),
        order=("start_date", ("completed_date",)),
    ),
    AnnexList(
        5,
        "s47",
        (
            _ID,
            Column(
                "Strategy discussion initiating Section 47 Enquiry Start Date",
                "start_date",
                "date",
                required=True,
            ),
            # Empty: not deemed unnecessary (the conference may still be to come).
            Column(
                "Was an Initial Child Protection Conference deemed unnecessary?",
                "icpc_not_required",
                "yesno",
            ),
            Column("Date of Initial Child Protection Conference", "icpc_date", "date"),
        ),
        order=("start_date", ("icpc_date",)),
    ),
    AnnexList(
        6,
        "episodes",
        (
            _ID,
            Column("CIN Start Date", "start_date", "date", required=True),
            Column("CIN Closure Date", "end_date", "date"),
            _TEAM,
            _WORKER,
        ),
        order=("start_date", ("end_date",)),
        # List 6 holds children in need, not referrals closed with no further action.
        constants=(("nfa", False),),
    ),
    AnnexList(
        7,
        "cpp",
        (
            _ID,
            Column("Child Protection Plan Start Date", "start_date", "date", required=True),
            Column("Child Protection Plan End Date", "end_date", "date"),
        ),
        order=("start_date", ("end_date",)),
    ),
)

EXPECTED = {
    "id": "a child's identifier",
    "date": "a date",
    "yesno": "Yes or No",
}
# Rows above the header that a workbook may give to a title or notes.
HEADER_SEARCH_ROWS = 20
# Typed as text, these mean "no value", as an empty cell does. (Excel's error cells, such as a
# formula's #N/A, reach us already empty: python-calamine reads an error cell as "".)
MISSING_TEXT = frozenset({"", "#n/a"})
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})
# Annex A codes its answers with a letter: "a) Yes", "b) No", "a) Male".
_CODE_PREFIX = re.compile(r"^[a-z]{1,2}\)\s*", re.IGNORECASE)
_SHEET_NAME = re.compile(r"list\s*0*(\d+)(?:(?:\s|[-–—:.(]).*)?")
# Non-breaking and other odd spaces become spaces; typographic apostrophes become "'".
_FOLD = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
    }
)
_MISSING = object()
_BAD = object()


def read_annex_a(path: Path, quarantine: bool = False) -> CaseRecords:
    """Read lists 3 to 7 of an Annex A workbook; raise DataError listing every problem.

    With quarantine, rows with a bad value are set aside (SourceFile.rejects) and the rest are
    used; a missing sheet or column is always an error, as no row of it can be read.
    """
    path = Path(path)
    name = path.name
    try:
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        workbook = CalamineWorkbook.from_path(path)
    except (OSError, CalamineError) as exc:
        raise DataError([Problem(name, None, None, None, f"an Excel workbook ({exc})")]) from exc

    fatal: list[Problem] = []
    cells: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    rejects: list[pd.DataFrame] = []
    read = used = 0
    with workbook:
        sheets, sheet_problems = _match_sheets(name, workbook.sheet_names)
        fatal.extend(sheet_problems)
        for spec in LISTS:
            sheet = sheets.get(spec.number)
            if sheet is None:
                continue
            result = _read_list(name, sheet, workbook.get_sheet_by_name(sheet), spec)
            if isinstance(result, Problem):
                fatal.append(result)
                continue
            table, found, rejected, rows = result
            cells.extend(found)
            tables[spec.table] = table
            rejects.append(rejected)
            read += rows
            used += len(table)
    problems = fatal + ([] if quarantine else cells)
    if problems:
        raise DataError(capped(problems, "every bad row with its reason"))
    source = SourceFile(
        name=name,
        sha256=digest,
        kind=KIND,
        read=read,
        used=used,
        unit="rows",
        rejects=pd.concat(rejects, ignore_index=True),
    )
    return CaseRecords(KIND, [source], **tables)


def _match_sheets(file: str, names: list[str]) -> tuple[dict[int, str], list[Problem]]:
    """The sheet holding each list read, by its liberal name; problems if missing or twice."""
    wanted = {spec.number for spec in LISTS}
    found: dict[int, list[str]] = {}
    for sheet in names:
        match = _SHEET_NAME.fullmatch(_fold(sheet.replace("_", " ")))
        if match and int(match.group(1)) in wanted:
            found.setdefault(int(match.group(1)), []).append(sheet)
    listed = ", ".join(_quoted(s) for s in names) or "none"
    problems = []
    for spec in LISTS:
        sheets = found.get(spec.number, [])
        if not sheets:
            problems.append(
                Problem(
                    file,
                    None,
                    None,
                    None,
                    f"a sheet 'List {spec.number}' ({spec.table}); sheets found: {listed}",
                )
            )
        elif len(sheets) > 1:
            both = ", ".join(_quoted(s) for s in sheets)
            problems.append(
                Problem(
                    file,
                    None,
                    None,
                    None,
                    f"one sheet for List {spec.number}; found {both}",
                )
            )
    return {n: s[0] for n, s in found.items() if len(s) == 1}, problems


def _read_list(
    file: str, sheet_name: str, sheet: CalamineSheet, spec: AnnexList
) -> tuple[pd.DataFrame, list[Problem], pd.DataFrame, int] | Problem:
    """One list's rows as its records table, its cell problems, its rejects and rows read.

    A Problem alone when the sheet has no header row with every column the list needs.
    """
    rows = sheet.to_python()
    top, left = sheet.start or (0, 0)  # calamine leaves out empty rows and columns above/left
    sheet_ref = _quoted(sheet_name)
    header_at = _header_row(rows)
    header = rows[header_at] if header_at is not None else (rows[0] if rows else [])
    positions: dict[str, int] = {}
    for j, cell in enumerate(header):
        positions.setdefault(_fold(cell), j)
    # Team and worker feed only caseloads: a list without those columns is read, its
    # caseloads left uncounted, rather than refused.
    missing = [
        c.header
        for c in spec.columns
        if _fold(c.header) not in positions and c.role not in OPTIONAL_ROLES
    ]
    if header_at is None or missing:
        # Without a header row the first row is a record: its cells are never quoted.
        found = (
            ", ".join(f"'{c}'" for c in header if _fold(c)) or "none"
            if header_at is not None
            else "none (no row in the first 20 holds 'Child Unique ID')"
        )
        absent = ", ".join(f"'{h}'" for h in missing or [_ID.header])
        return Problem(
            file,
            None,
            None,
            None,
            f"the column{'s' if len(missing) > 1 else ''} {absent} in the header row; "
            f"headers found: {found}",
            where=sheet_ref,
        )

    data = rows[header_at + 1 :]
    # A column the list lacks (an optional one) is never named by a cell: it has no problems.
    idx = [positions.get(_fold(c.header), 0) for c in spec.columns]
    picked = [
        np.fromiter(
            map(itemgetter(positions[_fold(c.header)]), data), dtype=object, count=len(data)
        )
        if _fold(c.header) in positions
        else np.full(len(data), "", dtype=object)
        for c in spec.columns
    ]
    excel_rows = np.arange(len(data)) + (top + header_at + 2)  # Excel counts from 1

    decoded = {}
    missing_at = {}
    bad_at = {}
    for column, values in zip(spec.columns, picked, strict=True):
        out, is_missing, is_bad = _decode(column.kind, values)
        decoded[column.role] = out
        missing_at[column.role] = is_missing
        bad_at[column.role] = is_bad

    # A row empty in every column read is a blank row if it is empty everywhere; else its
    # missing values are reported like any others.
    blank = np.logical_and.reduce(list(missing_at.values())) if data else np.zeros(0, bool)
    for i in np.flatnonzero(blank):
        if any(not (isinstance(c, str) and not c.strip()) for c in data[i]):
            blank[i] = False

    issues: list[tuple[int, int, str]] = []  # (data row, column number in spec, expected)
    for k, column in enumerate(spec.columns):
        bad = bad_at[column.role]
        if column.required:
            bad = bad | missing_at[column.role]
        for i in np.flatnonzero(bad & ~blank):
            issues.append((int(i), k, EXPECTED[column.kind]))
    start_role, later = spec.order
    start = decoded[start_role]
    roles = [c.role for c in spec.columns]
    start_header = spec.columns[roles.index(start_role)].header
    for role in later:
        early = decoded[role] < start  # NaT compares False: a missing date is never early
        for i in np.flatnonzero(early & ~blank):
            shown = pd.Timestamp(start[i]).strftime("%d/%m/%Y")
            issues.append(
                (int(i), roles.index(role), f"a date on or after '{start_header}' ({shown})")
            )
    issues.sort()

    problems = []
    for i, k, expected in issues:
        column = spec.columns[k]
        excel_row = int(excel_rows[i])
        cell = f"{_letters(left + idx[k])}{excel_row}"
        problems.append(
            Problem(
                file,
                excel_row,
                column.header,
                _shown(picked[k][i]),
                expected,
                where=f"{sheet_ref}!{cell}",
            )
        )
    bad_rows = np.zeros(len(data), bool)
    bad_rows[[i for i, _, _ in issues]] = True
    keep = ~(bad_rows | blank)

    table = _table(file, spec, decoded, keep)
    rejected = _rejects(file, problems, decoded["child_id"], [i for i, _, _ in issues])
    return table, problems, rejected, int((~blank).sum())


def _header_row(rows: list[list[object]]) -> int | None:
    """The first row near the top holding 'Child Unique ID', which every list read begins with."""
    target = _fold(_ID.header)
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(_fold(cell) == target for cell in row):
            return i
    return None


def _decode(kind: str, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A column's values decoded, and which were missing and which bad.

    Each distinct value is decoded once: a column of 100,000 cells holds a few thousand dates
    and two answers to a yes/no question.
    """
    if kind == "id" and pd.api.types.infer_dtype(values, skipna=False) == "floating":
        return _decode_ids(values)  # every id a number, nearly all distinct: no need to group
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    uniques = np.asarray(uniques, dtype=object)
    if kind == "date":
        out, missing, bad = _decode_dates(uniques)
    elif kind == "id":
        out, missing, bad = _decode_ids(uniques)
    else:
        decoder = {"yesno": _decode_yesno, "text": _decode_text}[kind]
        results = [decoder(u) for u in uniques]
        missing = np.array([r is _MISSING for r in results], dtype=bool)
        bad = np.array([r is _BAD for r in results], dtype=bool)
        empty = False if kind == "yesno" else ""
        out = np.array(
            [empty if r is _MISSING or r is _BAD else r for r in results],
            dtype=bool if kind == "yesno" else object,
        )
    return out[codes], missing[codes], bad[codes]


def _decode_dates(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Excel dates as they are; text as d/m/yyyy; everything else bad. datetime64[ns]."""
    n = len(uniques)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    missing = np.zeros(n, bool)
    bad = np.zeros(n, bool)
    text_at: list[int] = []
    text: list[str] = []
    for i, value in enumerate(uniques):
        if isinstance(value, dt.date):  # datetime too: a time of day is dropped
            # Within the range a nanosecond timestamp holds (Excel's own start is 1900).
            if 1678 <= value.year <= 2261:
                out[i] = np.datetime64(dt.date(value.year, value.month, value.day), "D")
            else:
                bad[i] = True
        elif isinstance(value, str):
            cleaned = _clean(value)
            if cleaned.casefold() in MISSING_TEXT:
                missing[i] = True
            else:
                text_at.append(i)
                text.append(cleaned)
        else:  # a number, a time, a duration or TRUE/FALSE is not a date
            bad[i] = True
    if text:
        parsed = pd.to_datetime(pd.Series(text, dtype=object), format="%d/%m/%Y", errors="coerce")
        parsed = parsed.to_numpy(dtype="datetime64[ns]")
        out[text_at] = parsed
        bad[np.asarray(text_at)[np.isnat(parsed)]] = True
    return out, missing, bad


def _decode_ids(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ids as text: numbers that Excel keeps as floats (1234.0) become "1234"; or bad."""
    # Nearly every id is distinct, so the usual case, a column of whole numbers, is converted
    # by numpy in one go rather than one value at a time.
    floats = np.fromiter((type(u) is float for u in uniques), dtype=bool, count=len(uniques))
    numbers = uniques[floats].astype(np.float64)
    whole = np.isfinite(numbers) & (np.floor(numbers) == numbers) & (np.abs(numbers) < 2**53)
    out = np.empty(len(uniques), dtype=object)
    missing = np.zeros(len(uniques), bool)
    bad = np.zeros(len(uniques), bool)
    at = np.flatnonzero(floats)
    out[at[whole]] = numbers[whole].astype(np.int64).astype(str).astype(object)
    out[at[~whole]] = ""
    bad[at[~whole]] = True
    for i in np.flatnonzero(~floats):
        value = _decode_id(uniques[i])
        missing[i] = value is _MISSING
        bad[i] = value is _BAD
        out[i] = "" if value is _MISSING or value is _BAD else value
    return out, missing, bad


def _decode_id(value: object) -> object:
    if isinstance(value, str):
        cleaned = _clean(value)
        return _MISSING if cleaned.casefold() in MISSING_TEXT else cleaned
    if isinstance(value, bool):
        return _BAD
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):  # Excel keeps every number as a float: 1234.0 is "1234"
        return str(int(value)) if value.is_integer() else _BAD
    return _BAD


def _decode_yesno(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return True if value == 1 else False if value == 0 else _BAD
    if isinstance(value, str):
        cleaned = _clean(value).casefold()
        if cleaned in MISSING_TEXT:
            return _MISSING
        answer = _CODE_PREFIX.sub("", cleaned)
        return True if answer in YES else False if answer in NO else _BAD
    return _BAD


def _decode_text(value: object) -> object:
    if isinstance(value, str):
        cleaned = _clean(value)
        return _MISSING if cleaned.casefold() in MISSING_TEXT else cleaned
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(file: str, spec: AnnexList, decoded: dict, keep: np.ndarray) -> pd.DataFrame:
    """The kept rows in the records table's declared columns and types."""
    n = int(keep.sum())
    columns = {}
    for name in COLUMNS[spec.table]:
        if name == "source":
            columns[name] = pd.Series([file] * n, dtype=object)
        elif name in decoded:
            values = decoded[name][keep]
            columns[name] = pd.Series(values, dtype=values.dtype)
        else:
            value = dict(spec.constants).get(name)
            if value is None:
                raise KeyError(f"List {spec.number}: no column fills {spec.table}.{name}")
            columns[name] = pd.Series([value] * n, dtype=type(value))
    return pd.DataFrame(columns)


def _rejects(
    file: str, problems: list[Problem], child_ids: np.ndarray, rows: list[int]
) -> pd.DataFrame:
    """One row per bad row: the first bad cell, the child and every reason."""
    by_row: dict[int, list[Problem]] = {}
    for i, problem in zip(rows, problems, strict=True):
        by_row.setdefault(i, []).append(problem)
    records = [
        (
            file,
            found[0].where,
            child_ids[i],
            "; ".join(
                f"column '{p.column}': value '{p.value}': expected {p.expected}" for p in found
            ),
        )
        for i, found in by_row.items()
    ]
    return pd.DataFrame(records, columns=list(REJECT_COLUMNS), dtype=object)


def _fold(text: object) -> str:
    """A header or sheet name as compared: case, spacing, apostrophes and a final '?' ignored."""
    if not isinstance(text, str):
        return ""
    folded = " ".join(text.translate(_FOLD).split()).casefold()
    return folded.removesuffix("?").rstrip()


def _clean(text: str) -> str:
    """A text value with odd spaces made plain and runs of spaces made one."""
    return " ".join(text.translate(_FOLD).split())


def _shown(value: object) -> str:
    """A cell's value as a person sees it in Excel."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _letters(column: int) -> str:
    """Excel's letters for a column counted from 0: 0 is A, 25 Z, 26 AA."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _quoted(sheet: str) -> str:
    """A sheet's name as a cell reference writes it: 'List 4'."""
    return "'" + sheet.replace("'", "''") + "'"

"""An authority's case records in one shape, whichever file they were read from.

Annex A workbooks, CIN census returns and our own CSV layout all describe the same events:
referrals, assessments, section 47 enquiries, child protection plans and children in need
episodes. Each reader turns its file into a `CaseRecords`; the KPI rules (analysis.cases.kpis)
read only this shape, so a rule is written once and gives the same figure from every format.

Tables (pandas DataFrames), one row per event, dates as datetime64[ns] with NaT for missing:

- referrals:   child_id, referral_date, nfa (bool: no further action), source
- assessments: child_id, start_date, completed_date (NaT while open), team, worker_id, source
- episodes:    child_id, start_date, end_date (NaT while open), nfa (bool), team, worker_id, source
- s47:         child_id, start_date, icpc_date (NaT: none held), icpc_not_required (bool), source
- cpp:         child_id, start_date, end_date (NaT while open), source

`child_id`, `team` and `worker_id` are text ("" where the file has none); `source` is the file
name the row came from, for citations. Everything here is record-level: restricted, never
published; only the aggregates computed from it leave the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

COLUMNS: dict[str, tuple[str, ...]] = {
    "referrals": ("child_id", "referral_date", "nfa", "source"),
    "assessments": ("child_id", "start_date", "completed_date", "team", "worker_id", "source"),
    "episodes": ("child_id", "start_date", "end_date", "nfa", "team", "worker_id", "source"),
    "s47": ("child_id", "start_date", "icpc_date", "icpc_not_required", "source"),
    "cpp": ("child_id", "start_date", "end_date", "source"),
}
DATE_COLUMNS = frozenset({"referral_date", "start_date", "completed_date", "end_date", "icpc_date"})
BOOL_COLUMNS = frozenset({"nfa", "icpc_not_required"})
KINDS = ("csv", "annex-a", "cin-census")


@dataclass
class SourceFile:
    """One input file: what it is, its hash, and how much of it was used or set aside."""

    name: str  # the file's name, as cited in the output's source column
    sha256: str
    kind: str  # one of KINDS
    read: int  # units read: rows (Annex A's used lists, CSV) or children (census)
    used: int  # units used
    unit: str  # "rows" or "children"
    reference_date: date | None = None  # census: the header's ReferenceDate (31 March)
    la_code: str | None = None  # census: the header's three-digit LEA code
    # Record-level, restricted: what was set aside under --quarantine, one row per unit, with
    # at least "where" (sheet!cell or line) and "reason" columns.
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class CaseRecords:
    """Every event read from one kind of input, in the tables described above."""

    kind: str
    files: list[SourceFile]
    referrals: pd.DataFrame
    assessments: pd.DataFrame
    episodes: pd.DataFrame
    s47: pd.DataFrame
    cpp: pd.DataFrame
    # The authority as the input states it: the census header's LEA code; None for Annex A
    # and CSV, which carry none (the command's --authority names it instead).
    la_code: str | None = None

    def table(self, name: str) -> pd.DataFrame:
        """One of the five tables by name."""
        return getattr(self, name)


def frame(name: str, data: dict[str, object] | None = None) -> pd.DataFrame:
    """A table in its declared columns and types (empty when no data is given)."""
    data = data or {}
    columns = {}
    for column in COLUMNS[name]:
        values = data.get(column, [])
        if column in DATE_COLUMNS:
            columns[column] = pd.to_datetime(pd.Series(values, dtype="object")).astype(
                "datetime64[ns]"
            )
        elif column in BOOL_COLUMNS:
            columns[column] = pd.Series(values, dtype=bool)
        else:
            columns[column] = pd.Series(values, dtype=object)
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"{name}: columns of different lengths {sorted(lengths)}")
    return pd.DataFrame(columns)


def empty(kind: str, files: list[SourceFile] | None = None) -> CaseRecords:
    """Records with every table empty, in its declared columns."""
    return CaseRecords(kind, list(files or []), **{name: frame(name) for name in COLUMNS})

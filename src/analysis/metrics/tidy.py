"""The tidy metric table: its columns, its checks, and how it is read and written."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from analysis.atomic import write_text
from analysis.errors import DataError, Problem
from analysis.metrics import catalogue, schema

# The table's columns, key and codes are declared once, in analysis.metrics.schema.TIDY.
COLUMNS: tuple[str, ...] = schema.COLUMNS
KEY: tuple[str, ...] = schema.KEY
SUPPRESSED = schema.SUPPRESSED
TIMESCALE = schema.TIMESCALE  # in memory only: the timescale a kpis row was counted against
THRESHOLD = schema.THRESHOLD  # in memory only: counts from 1 to it are suppressed
SHOWN_NUMERATOR = schema.SHOWN_NUMERATOR  # in memory only: the published count behind a share


def validate(
    df: pd.DataFrame,
    file: str | pd.Series,
    lines: pd.Series | None = None,
    shown: pd.DataFrame | None = None,
) -> list[Problem]:
    """Every way the table breaks its schema, each naming file, line, column and value.

    `file` and `lines` may be per-row Series when the rows came from several raw files; `shown`
    holds the values as the user wrote them ("101%"), to quote in messages instead of 101.0.
    The rules that need the catalogue (a known metric, its unit, its scope kind) see it as two
    more columns, catalogue_unit and catalogue_scope_kind.
    """
    if "metric" in df.columns:
        known = catalogue.load()
        df = df.assign(
            catalogue_unit=df["metric"].map({k: m.unit for k, m in known.items()}),
            catalogue_scope_kind=df["metric"].map({k: m.scope_kind for k, m in known.items()}),
        )
    return schema.problems(schema.TIDY, df, file, lines, shown)


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT


def _number(x: object) -> str:
    if _missing(x):
        return ""
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:.10g}"


def to_csv_text(df: pd.DataFrame) -> str:
    """The table as CSV text in a fixed column and row order, so equal tables give equal bytes."""
    out = df.loc[:, list(COLUMNS)].copy()
    for col in ("period_start", "period_end"):
        out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d").fillna("")
    for col in ("value", "denominator"):
        out[col] = [_number(v) for v in out[col]]
    out["qualifier"] = out["qualifier"].fillna("")
    out = out.sort_values(
        ["metric", "scope", "period_start", "period_end", "period"], kind="stable"
    )
    return out.to_csv(index=False, lineterminator="\n")


def write(df: pd.DataFrame, path: Path, file_label: str | None = None) -> None:
    """Validate then atomically write the table; raises DataError and writes nothing if invalid."""
    problems = validate(df, file_label or Path(path).name)
    if problems:
        raise DataError(problems)
    write_text(Path(path), to_csv_text(df))


def read(path: Path) -> pd.DataFrame:
    """Read a tidy metric table: dates as timestamps (NaT when undated), numbers as floats."""
    df = pd.read_csv(
        path,
        dtype={c: "string" for c in COLUMNS if c not in ("value", "denominator")},
        keep_default_na=False,
        na_values={"value": [""], "denominator": [""]},
    )
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataError(Problem(Path(path).name, 1, c, None, "this column") for c in missing)
    for col in ("period_start", "period_end"):
        df[col] = pd.to_datetime(df[col].replace("", None), format="%Y-%m-%d")
    for col in ("value", "denominator"):
        df[col] = df[col].astype("float64")
    for col in df.columns:
        if df[col].dtype == "string":
            df[col] = df[col].astype(object)
    return df

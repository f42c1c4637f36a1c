"""The tidy metric table: its columns, its checks, and how it is read and written."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from analysis.atomic import write_text
from analysis.errors import DataError, Problem
from analysis.metrics import catalogue

COLUMNS: tuple[str, ...] = (
    "metric",  # catalogue id
    "scope",  # "service" or a team name
    "period",  # the period as a person reads it ("December 2011", "before (undated)")
    "period_start",  # ISO date; empty when the source gives no date
    "period_end",  # ISO date; empty when the source gives no date
    "date_quality",  # exact | approximate | undated
    "value",  # number; empty only when suppressed
    "unit",  # the catalogue's unit
    "qualifier",  # "" or how the source qualifies the value ("nearly", "suppressed")
    "denominator",  # "59 of 99": 99; empty otherwise
    "source",  # the document (or extract file) the figure came from
    "source_ref",  # paragraph, URL or the extract's SHA-256
)
KEY: tuple[str, ...] = ("metric", "scope", "period")
DATE_QUALITIES = ("exact", "approximate", "undated")
SUPPRESSED = "suppressed"


def validate(
    df: pd.DataFrame,
    file: str | pd.Series,
    lines: pd.Series | None = None,
    shown: pd.DataFrame | None = None,
) -> list[Problem]:
    """Every way the table breaks the contract, each naming file, line, column and value.

    `file` and `lines` may be per-row Series when the rows came from several raw files; `shown`
    holds the values as the user wrote them ("101%"), to quote in messages instead of 101.0.
    """
    problems: list[Problem] = []
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        name = file if isinstance(file, str) else "table"
        return [Problem(name, 1, c, None, "this column in the header") for c in missing]
    known = catalogue.load()
    line_of = lines if lines is not None else pd.Series(range(2, len(df) + 2), index=df.index)
    file_of = file if isinstance(file, pd.Series) else pd.Series(file, index=df.index)
    for idx, row in df.iterrows():
        line = int(line_of[idx])

        def bad(column: str, expected: str, idx=idx, line=line, f=file_of[idx]) -> None:
            src = shown if shown is not None and column in shown.columns else df
            problems.append(Problem(f, line, column, src.at[idx, column], expected))

        metric = known.get(row["metric"])
        if metric is None:
            bad("metric", "a metric id from the catalogue")
            continue
        if row["unit"] != metric.unit:
            bad("unit", f"'{metric.unit}' for {metric.id}")
        if metric.scope_kind == "service" and row["scope"] != "service":
            bad("scope", f"'service' for {metric.id}")
        if metric.scope_kind == "team" and row["scope"] in ("", "service"):
            bad("scope", f"a team name for {metric.id}")
        if row["date_quality"] not in DATE_QUALITIES:
            bad("date_quality", f"one of {', '.join(DATE_QUALITIES)}")
        value = row["value"]
        if _missing(value):
            if row["qualifier"] != SUPPRESSED:
                bad("value", "a number (empty only when suppressed)")
        elif metric.unit == "percent" and not 0 <= value <= 100:
            bad("value", "a percentage from 0 to 100")
        elif value < 0:
            bad("value", "a number of at least 0")
        elif metric.unit == "count" and value != int(value):
            bad("value", "a whole number for a count")
        den = row["denominator"]
        if not _missing(den) and (
            den != int(den)
            or den < 0
            or (metric.unit == "count" and not _missing(value) and den < value)
        ):
            bad("denominator", "a whole number (for a count, no smaller than the value)")
    reported: set = set()
    for cols, what in (
        (KEY, "period"),
        (("metric", "scope", "period_start", "period_end"), "dates"),
    ):
        dated = df if what == "period" else df[df["period_start"].notna()]
        first = dated.drop_duplicates(list(cols), keep="first")
        first_line = {
            tuple(r): i for i, r in zip(first.index, first[list(cols)].values, strict=True)
        }
        for idx in dated.index[dated.duplicated(list(cols), keep="first")]:
            if idx in reported:
                continue
            reported.add(idx)
            row = df.loc[idx]
            orig = first_line[tuple(dated.loc[idx, list(cols)])]
            problems.append(
                Problem(
                    file_of[idx],
                    int(line_of[idx]),
                    "period",
                    row["period"],
                    f"one row per metric, scope and {what}: {row['metric']} / {row['scope']} "
                    f"is already given at {file_of[orig]}:{int(line_of[orig])}",
                )
            )
    return problems


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

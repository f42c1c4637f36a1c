"""The metric tables' schemas, declared once with pandera, and their failures said as Problems.

Two tables: the metric catalogue (metric_catalogue.csv) and the tidy metric table
(data/processed/metrics.csv, and what `analysis kpis` writes). Each declares its columns, their
types, its key and its allowed codes here, once; the readers and writers validate against these
declarations (`problems`) and report every failure at once as `file:line: column 'x': value 'y':
expected …`. The codes shared with the case-level extracts (assessment types) live here too.

A check's `error` is the "expected …" phrase; it may name the row's columns in braces
("'{catalogue_unit}' for {metric}"), filled from the failing row. A check on the whole frame
names the one column it is about with `name`.
"""

from __future__ import annotations

from collections.abc import Callable
from string import Formatter

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.errors import Problem

# --- allowed codes --------------------------------------------------------------------------

UNITS = ("count", "percent", "cases per worker", "GBP", "per 10,000 children", "cases per FTE")
DIRECTIONS = ("higher", "lower", "neither")
# "area": a published statistic given per area (authority, region, England), not per team.
SCOPE_KINDS = ("service", "team", "area")
DATE_QUALITIES = ("exact", "approximate", "undated")
# Working Together 2010 (initial, core) and 2013 (single); their timescales are the catalogue's.
ASSESSMENT_TYPES = ("initial", "core", "single")
SERVICE = "service"
SUPPRESSED = "suppressed"
DAYS = "{days}"  # in a catalogue label or definition: the timescale in force


def _one_of(codes: tuple[str, ...]) -> pa.Check:
    return pa.Check.isin(codes, error=f"one of {', '.join(codes)}")


def _wide(column: str, expected: str, test: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    """A check on whole rows, reported on one column."""
    return pa.Check(test, name=column, error=expected, ignore_na=False)


# --- the metric catalogue -------------------------------------------------------------------


def _one_timescale_per_type(df: pd.DataFrame) -> pd.Series:
    typed = df["assessment_type"].notna()
    kinds = df.loc[typed].groupby("assessment_type")["timescale_working_days"].nunique()
    return ~typed | (df["assessment_type"].map(kinds) <= 1)


def _names_days(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda df: ~df[column].str.contains(DAYS, regex=False) | df["assessment_type"].notna()


CATALOGUE = pa.DataFrameSchema(
    {
        "id": pa.Column(
            str,
            pa.Check.str_matches(r"^[a-z0-9_]+$", error="an id of a-z, 0-9 and _"),
            unique=True,
            metadata={"duplicate": "an id used once (also on line {others})"},
        ),
        "label": pa.Column(str, pa.Check.str_length(min_value=1, error="a label")),
        "unit": pa.Column(str, _one_of(UNITS)),
        "better": pa.Column(str, _one_of(DIRECTIONS)),
        "scope_kind": pa.Column(str, _one_of(SCOPE_KINDS)),
        # Which assessment type's statutory timescale the metric counts against, if any.
        "assessment_type": pa.Column(str, _one_of(ASSESSMENT_TYPES), nullable=True),
        "timescale_working_days": pa.Column(
            "Int64",
            pa.Check.ge(1, error="a whole number of working days, at least 1"),
            nullable=True,
            metadata={"type": "a whole number of working days"},
        ),
        "target_pct": pa.Column(
            float,
            pa.Check.in_range(0, 100, error="a percentage from 0 to 100"),
            nullable=True,
            metadata={"type": "a percentage from 0 to 100"},
        ),
        "definition": pa.Column(str, pa.Check.str_length(min_value=1, error="a definition")),
    },
    checks=[
        _wide(
            "timescale_working_days",
            "a timescale for {assessment_type} assessments",
            lambda df: df["assessment_type"].isna() | df["timescale_working_days"].notna(),
        ),
        _wide(
            "timescale_working_days",
            "the same timescale as the catalogue's other {assessment_type} metrics",
            _one_timescale_per_type,
        ),
        _wide("label", "an assessment_type for a label naming {{days}}", _names_days("label")),
        _wide(
            "definition",
            "an assessment_type for a definition naming {{days}}",
            _names_days("definition"),
        ),
    ],
    coerce=True,
    strict=True,
    ordered=True,
    name="metric catalogue",
)
CATALOGUE_OPTIONAL = ("assessment_type", "timescale_working_days", "target_pct")  # "" is none


# --- the tidy metric table ------------------------------------------------------------------


def _known(df: pd.DataFrame) -> pd.Series:
    return df["catalogue_unit"].notna()


def _value_is(df: pd.DataFrame, unit: str | None) -> pd.Series:
    """Rows of a known metric whose value is present (and, if given, whose unit is `unit`)."""
    rows = _known(df) & df["value"].notna()
    return rows if unit is None else rows & (df["catalogue_unit"] == unit)


def _whole(x: pd.Series) -> pd.Series:
    return x == np.floor(x)


def _denominator_ok(df: pd.DataFrame) -> pd.Series:
    den = df["denominator"]
    below_value = (df["catalogue_unit"] == "count") & df["value"].notna() & (den < df["value"])
    return den.isna() | (_whole(den) & (den >= 0) & ~below_value)


def _dated_duplicate(df: pd.DataFrame) -> pd.Series:
    """Dated rows repeating another's metric, scope and dates (under another period label)."""
    dated = df["period_start"].notna()
    repeat = df[dated].duplicated(list(DATED_KEY), keep="first").reindex(df.index, fill_value=False)
    return ~(repeat & ~df.duplicated(list(KEY), keep="first"))


KEY: tuple[str, ...] = ("metric", "scope", "period")
DATED_KEY: tuple[str, ...] = ("metric", "scope", "period_start", "period_end")
_ALREADY = "is already given at {first}"
_DATED_REPEAT = "one row per metric, scope and dates: {metric} / {scope} " + _ALREADY

TIDY = pa.DataFrameSchema(
    {
        "metric": pa.Column(str, description="catalogue id"),
        "scope": pa.Column(str, description='"service" or a team name'),
        "period": pa.Column(
            str, description='the period as a person reads it ("December 2011", "before (undated)")'
        ),
        "period_start": pa.Column(
            "datetime64[ns]", nullable=True, description="ISO date; empty when undated"
        ),
        "period_end": pa.Column(
            "datetime64[ns]", nullable=True, description="ISO date; empty when undated"
        ),
        "date_quality": pa.Column(str, _one_of(DATE_QUALITIES)),
        "value": pa.Column(float, nullable=True, description="number; empty only when suppressed"),
        "unit": pa.Column(str, description="the catalogue's unit"),
        "qualifier": pa.Column(
            str, nullable=True, description='"" or how the source qualifies the value ("nearly")'
        ),
        "denominator": pa.Column(float, nullable=True, description='"59 of 99": 99; else empty'),
        "source": pa.Column(str, description="the document (or extract file) the figure came from"),
        "source_ref": pa.Column(str, description="paragraph, URL or the extract's SHA-256"),
    },
    checks=[
        _wide("metric", "a metric id from the catalogue", _known),
        _wide(
            "unit",
            "'{catalogue_unit}' for {metric}",
            lambda df: ~_known(df) | (df["unit"] == df["catalogue_unit"]),
        ),
        _wide(
            "scope",
            "'service' for {metric}",
            lambda df: (df["catalogue_scope_kind"] != "service") | (df["scope"] == SERVICE),
        ),
        _wide(
            "scope",
            "a team name for {metric}",
            lambda df: (df["catalogue_scope_kind"] != "team") | ~df["scope"].isin(["", SERVICE]),
        ),
        _wide(
            "value",
            "a number (empty only when suppressed)",
            lambda df: ~_known(df) | df["value"].notna() | (df["qualifier"] == SUPPRESSED),
        ),
        _wide(
            "value",
            "a percentage from 0 to 100",
            lambda df: ~_value_is(df, "percent") | df["value"].between(0, 100),
        ),
        _wide(
            "value",
            "a number of at least 0",
            lambda df: (
                ~_value_is(df, None) | (df["catalogue_unit"] == "percent") | (df["value"] >= 0)
            ),
        ),
        _wide(
            "value",
            "a whole number for a count",
            lambda df: ~_value_is(df, "count") | (df["value"] < 0) | _whole(df["value"]),
        ),
        _wide(
            "denominator",
            "a whole number (for a count, no smaller than the value)",
            _denominator_ok,
        ),
        _wide("period", _DATED_REPEAT, _dated_duplicate),
    ],
    unique=list(KEY),
    report_duplicates="exclude_first",
    metadata={
        "duplicate": "one row per metric, scope and period: {metric} / {scope} " + _ALREADY,
        "duplicate_column": "period",
        "repeat_keys": {_DATED_REPEAT: DATED_KEY},
    },
    coerce=True,
    name="tidy metric table",
)
COLUMNS: tuple[str, ...] = tuple(TIDY.columns)
# Columns `analysis kpis` keeps beside the table in memory and never writes: the count behind a
# rate or ratio (for disclosure control) and the timescale an assessment metric was counted
# against (for the labels and words that name it).
NUMERATOR = "numerator"
TIMESCALE = "timescale_working_days"
# Columns a page adds in memory after disclosure control, never written: the threshold the run
# suppressed counts up to (so every "suppressed" says which counts), and beside a share, the
# published count behind it (itself suppressed as any count is).
THRESHOLD = "suppression_threshold"
SHOWN_NUMERATOR = "shown_numerator"


# --- failures as Problems -------------------------------------------------------------------


def missing_columns(schema: pa.DataFrameSchema, columns, file: str) -> list[Problem]:
    """The schema's columns that a header lacks, each as a Problem on line 1."""
    return [
        Problem(file, 1, c, None, "this column in the header")
        for c, col in schema.columns.items()
        if col.required and c not in columns
    ]


FAILURE_COLUMNS: tuple[str, ...] = ("index", "column", "check", "failure_case")


def failures(
    schema: pa.DataFrameSchema, frame: pd.DataFrame, inplace: bool = False
) -> pd.DataFrame:
    """Every way `frame` breaks `schema`, validated lazily: one row per failing value.

    The one place that reads pandera's failure cases. Rows hold FAILURE_COLUMNS: the failing
    row's index label (missing for a check on the whole column or one that crashed), the
    column, the check (its `error`, the "expected ..." phrase, where it has one) and pandera's
    failure case (the value). No rows when `frame` passes. `inplace` is pandera's: coerce
    `frame` itself rather than a copy.
    """
    try:
        schema.validate(frame, lazy=True, inplace=inplace)
    except pa.errors.SchemaErrors as exc:
        return exc.failure_cases.loc[:, list(FAILURE_COLUMNS)]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in FAILURE_COLUMNS})


def problems(
    schema: pa.DataFrameSchema,
    frame: pd.DataFrame,
    file: str | pd.Series,
    lines: pd.Series | None = None,
    shown: pd.DataFrame | None = None,
    inplace: bool = False,
) -> list[Problem]:
    """Every way `frame` breaks `schema` (pandera, lazy: all failures), each as a Problem.

    Built on `failures`; the project's one adapter from them to problems, for the metric
    tables, the published tables and the case-level extracts (cases.schema.check).
    `file` and `lines` may be per-row Series (rows from several files); lines default to the
    row position + 2 (the header is line 1). `shown` holds values as the user wrote them ("101%"),
    quoted instead of the parsed ones (101.0). A column missing from the header is a problem on
    line 1, reported with the problems of the columns that are there. Problems come in line
    order, then column order.
    """
    name = file if isinstance(file, str) else "table"
    missing = missing_columns(schema, frame.columns, name)
    found_by_pandera = failures(schema, frame, inplace=inplace)
    if found_by_pandera.empty:
        return missing
    line_of = lines if lines is not None else pd.Series(np.arange(2, len(frame) + 2), frame.index)
    file_of = file if isinstance(file, pd.Series) else pd.Series(file, index=frame.index)
    where = _Where(frame, file_of, line_of)
    wide = {c.error: c.name for c in schema.checks}
    repeats = (schema.metadata or {}).get("repeat_keys", {})
    found: dict[tuple, Problem] = {}
    untyped: set[tuple] = set()
    unexplained = []
    for f in found_by_pandera.itertuples(index=False):
        column, check, idx = f.column, f.check, f.index
        if check == "column_in_dataframe":
            continue  # in `missing`, in the schema's column order
        if idx is None or (isinstance(idx, float) and np.isnan(idx)):
            unexplained.append(f"{column}: {check}: {f.failure_case}")  # a check that crashed
            continue
        if check in wide and column != wide[check]:
            continue  # a whole-row check is reported once, on the column it is about
        if check == "multiple_fields_uniqueness":
            meta = schema.metadata or {}
            keys = ", ".join(schema.unique)
            # Reported once a repeated row: on the column the schema names, else on its keys.
            column = meta.get("duplicate_column", keys)
            template = meta.get("duplicate", f"one row per {keys}; the same is at {{first}}")
            expected = where.duplicate(idx, list(schema.unique), template)
        elif check == "field_uniqueness":
            meta = schema.columns[column].metadata or {}
            template = meta.get("duplicate", "a value no other row has (also on line {others})")
            expected = where.duplicate(idx, [column], template)
        elif check in repeats:
            expected = where.duplicate(idx, list(repeats[check]), check)
        elif check == "not_nullable":
            expected = "a value (it is required)"
        elif check.startswith(("coerce_dtype", "dtype(")):
            if (idx, column) in untyped:
                continue  # a value that could not be converted also fails the type check
            untyped.add((idx, column))
            meta = schema.columns[column].metadata or {}
            expected = meta.get("type", f"a value of type {schema.columns[column].dtype}")
        else:
            expected = check.format(**where.row(idx)) if "{" in check else check
        src = shown if shown is not None and column in shown.columns else frame
        if column in src.columns:
            value = src.at[idx, column]
        elif check == "multiple_fields_uniqueness":  # the repeated key, as "2013 / ... / 874"
            value = " / ".join(str(frame.at[idx, k]) for k in schema.unique)
        else:
            value = f.failure_case
        found.setdefault(
            (idx, column, expected),
            Problem(file_of[idx], int(line_of[idx]), column, value, expected),
        )
    if unexplained and not found and not missing:
        raise ValueError(f"{schema.name}: checks could not run: " + "; ".join(unexplained))
    order = {c: i for i, c in enumerate(frame.columns)}
    return missing + sorted(
        found.values(), key=lambda p: (str(p.file), p.line, order.get(p.column, 0))
    )


class _Where:
    """Where rows are (file:line), and rows as dicts for filling in messages."""

    def __init__(self, frame: pd.DataFrame, file_of: pd.Series, line_of: pd.Series) -> None:
        self.frame, self.file_of, self.line_of = frame, file_of, line_of
        self._groups: dict[tuple[str, ...], dict] = {}

    def row(self, idx) -> dict:
        return {k: ("" if v is None else v) for k, v in self.frame.loc[idx].items()}

    def duplicate(self, idx, key: list[str], template: str) -> str:
        """The message for a row repeating a key: the first row's place, or the others' lines."""
        rows = self._same(tuple(key)).get(idx, (idx,))
        first = rows[0]
        others = ", ".join(str(int(self.line_of[r])) for r in rows if r != idx)
        fields = {f for _, f, _, _ in Formatter().parse(template) if f}
        return template.format(
            first=f"{self.file_of[first]}:{int(self.line_of[first])}",
            others=others,
            **(self.row(idx) if fields - {"first", "others"} else {}),
        )

    def _same(self, key: tuple[str, ...]) -> dict:
        """Each row whose key is repeated: every row with that key (itself too), in order."""
        # Grouped once for all the repeats: comparing the whole frame for each of many
        # repeated rows would take rows x repeats.
        if key not in self._groups:
            repeated = self.frame.duplicated(list(key), keep=False).to_numpy()
            if not repeated.any():
                self._groups[key] = {}
                return self._groups[key]
            sub = self.frame.loc[repeated, list(key)]
            labels = sub.index
            same = {}
            for at in sub.groupby(list(key), sort=False, dropna=False).indices.values():
                group = tuple(labels[at])
                same |= dict.fromkeys(group, group)
            self._groups[key] = same
        return self._groups[key]

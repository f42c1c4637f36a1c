"""Declared schemas of the DfE files we read: columns, codes, symbols and one row per key."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

# The DfE's symbols for a figure it does not give. None of them is a number, and none is 0.
SYMBOLS: tuple[str, ...] = ("c", "x", "z", "u", "low", "k", ":")
GEOGRAPHIC_LEVELS: tuple[str, ...] = ("National", "Regional", "Local authority")
NATIONAL, REGIONAL, LOCAL_AUTHORITY = GEOGRAPHIC_LEVELS
CLA_AT_31_MARCH = "Children looked after on 31 March each year"
CLA_POPULATION_TYPES = (
    "Children ceasing to be looked after each year",
    CLA_AT_31_MARCH,
    "Children starting to be looked after each year",
)
CHILDREN_0_TO_17 = "Children aged 0 to 17 years"

# Codes as the files write them. The workforce file gives two joint returns ("314 / 318").
OLD_CODE = r"\d{3}"
NEW_CODE = r"E\d{8}"
OLD_LA_CODE = rf"^({OLD_CODE}( / {OLD_CODE})*)?$"
NEW_LA_CODE = rf"^({NEW_CODE}( / {NEW_CODE})*)?$"
REGION_CODE = r"^(E1[23]\d{6})?$"
YEAR = r"^\d{4}$"


@dataclass(frozen=True)
class EesFile:
    """One EES file: its name, the publication it belongs to and the columns we read."""

    key: str
    name: str
    publication: str
    values: tuple[str, ...]
    # Columns that, with year and geography, make a row unique (CLA has three kinds of row).
    extra_keys: tuple[str, ...] = ()
    extra_allowed: tuple[tuple[str, tuple[str, ...]], ...] = ()


FILES: dict[str, EesFile] = {
    f.key: f
    for f in (
        EesFile(
            "b1",
            "b1_children_in_need_2013_to_2025.csv",
            "DfE, Children in need, table B1",
            ("At31_episodes",),
        ),
        EesFile(
            "c1",
            "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
            "DfE, Children in need, table C1",
            ("referral_count", "rereferral_percent"),
        ),
        EesFile(
            "d5",
            "d5_cpps_at31march_by_duration_2013_to_2025.csv",
            "DfE, Children in need, table D5",
            ("CPP_At31",),
        ),
        EesFile(
            "cla",
            "cla_number_and_rate_per_10k_children.csv",
            "DfE, Children looked after in England including adoptions",
            ("children_count", "rate_per_10000"),
            extra_keys=("population_type",),
            extra_allowed=(("population_type", CLA_POPULATION_TYPES),),
        ),
        EesFile(
            "csww",
            "csww_indicators_2017_to_2025.csv",
            "DfE, Children's social work workforce",
            ("caseload_fte", "agency_rate_fte", "turnover_rate_fte", "vacancy_rate_fte"),
        ),
        EesFile(
            "ons",
            "ons_mid-year_population_estimates_2012_to_2024.csv",
            "ONS mid-year population estimates, children aged 0 to 17, as used by the DfE",
            ("population_estimate",),
            extra_keys=("age_group",),
            extra_allowed=(("age_group", (CHILDREN_0_TO_17,)),),
        ),
    )
}
KEY_COLUMNS: tuple[str, ...] = ("time_period", "geographic_level", "region_code", "old_la_code")


def is_number_or_symbol(text: str) -> bool:
    """True for a finite, non-negative number as text, or one of the DfE's symbols."""
    if text in SYMBOLS:
        return True
    try:
        x = float(text)
    except ValueError:
        return False
    return math.isfinite(x) and x >= 0


NUMBER_OR_SYMBOL = f"a number of at least 0 or a symbol ({', '.join(SYMBOLS)})"


def _numbers_or_symbols() -> pa.Check:
    return pa.Check(lambda s: s.map(is_number_or_symbol), error=NUMBER_OR_SYMBOL)


def _text(pattern: str, expected: str) -> pa.Check:
    return pa.Check.str_matches(pattern, error=expected)


def _one_of(allowed: tuple[str, ...]) -> pa.Check:
    return pa.Check.isin(list(allowed), error=f"one of {', '.join(allowed)}")


def _rows_have(level: str, column: str) -> pa.Check:
    """A row of this geographic level must fill in this column."""

    def ok(df: pd.DataFrame) -> pd.Series:
        return (df["geographic_level"] != level) | (df[column] != "")

    return pa.Check(ok, error=f"a {column} on a {level} row")


def ees_schema(spec: EesFile) -> pa.DataFrameSchema:
    """The schema of one EES file, every cell read as text (so symbols survive to be checked)."""
    columns: dict[str, pa.Column] = {
        "time_period": pa.Column(str, _text(YEAR, "a year such as 2025")),
        "geographic_level": pa.Column(str, _one_of(GEOGRAPHIC_LEVELS)),
        "region_code": pa.Column(str, _text(REGION_CODE, "a region code (E12…) or nothing")),
        "region_name": pa.Column(str),
        "old_la_code": pa.Column(str, _text(OLD_LA_CODE, "a three-digit authority code")),
        "new_la_code": pa.Column(str, _text(NEW_LA_CODE, "an authority code such as E06000031")),
        "la_name": pa.Column(str),
    }
    for column, allowed in spec.extra_allowed:
        columns[column] = pa.Column(str, _one_of(allowed))
    for column in spec.values:
        columns[column] = pa.Column(str, _numbers_or_symbols())
    return pa.DataFrameSchema(
        columns,
        checks=[
            _rows_have(REGIONAL, "region_code"),
            _rows_have(LOCAL_AUTHORITY, "old_la_code"),
            _rows_have(LOCAL_AUTHORITY, "new_la_code"),
            _rows_have(LOCAL_AUTHORITY, "la_name"),
        ],
        unique=[*KEY_COLUMNS, *spec.extra_keys],
        report_duplicates="exclude_first",  # the first row is the one the repeat repeats
        name=spec.name,
    )


@dataclass(frozen=True)
class NeighbourFile:
    """A DfE statistical neighbour file: the authority's code column and its ten neighbours'."""

    model: str
    name: str
    publication: str
    code: str
    name_column: str
    neighbours: tuple[str, ...]


NEIGHBOUR_FILES: dict[str, NeighbourFile] = {
    "2025": NeighbourFile(
        "2025",
        "sn_model_2025_wide.csv",
        "DfE statistical neighbour model, 2025",
        "old_la_code",
        "la_name",
        tuple(f"SN_{i}" for i in range(1, 11)),
    ),
    "2021": NeighbourFile(
        "2021",
        "New_Statistical_Neighbour_Groupings_April_2021.csv",
        "DfE children's services statistical neighbour groupings, April 2021",
        "LA number",
        "LA Name",
        tuple(f"SN{i}" for i in range(1, 11)),
    ),
}


def neighbour_schema(spec: NeighbourFile) -> pa.DataFrameSchema:
    """The schema of a neighbour file: one row per authority, ten three-digit neighbour codes."""
    code = _text(rf"^{OLD_CODE}$", "a three-digit authority code")
    columns = {spec.code: pa.Column(str, code, unique=True), spec.name_column: pa.Column(str)}
    columns |= {c: pa.Column(str, code) for c in spec.neighbours}
    return pa.DataFrameSchema(columns, name=spec.name)

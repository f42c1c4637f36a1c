"""Which rows of a benchmark table a chart and its words show, and how a value reads."""

from __future__ import annotations

import pandas as pd

COMPARATORS = ("authority", "region", "england", "neighbours_median")
MEDIAN_NAME = "Statistical neighbours (median)"
# Trends compare rates and percentages; a count compares sizes of authorities.
TREND_METRICS = (
    "cin_rate_per_10k",
    "referral_rate_per_10k",
    "rereferral_pct",
    "cpp_rate_per_10k",
    "cla_rate_per_10k",
    "caseload_per_fte",
    "agency_rate_fte",
    "turnover_rate_fte",
    "vacancy_rate_fte",
)
BAR_METRICS = ("cin_rate_per_10k", "cpp_rate_per_10k", "cla_rate_per_10k", "caseload_per_fte")
WORKFORCE = ("caseload_per_fte", "agency_rate_fte", "turnover_rate_fte", "vacancy_rate_fte")
SYMBOL_MEANING = {
    "c": "suppressed",
    "x": "not available",
    "z": "not applicable",
    "u": "low reliability",
    "low": "rounds to zero",
    "k": "suppressed",
    ":": "not available",
}


def _unit_suffix(unit: str) -> str:
    return "%" if unit == "percent" else ""


def value_text(value: float, symbol: str, unit: str) -> str:
    """A value as its source states it: "351.8", "157", "18.4%", or the symbol and its meaning."""
    if symbol:
        return f"{symbol} ({SYMBOL_MEANING.get(symbol, 'not given')})"
    if pd.isna(value):
        return ""
    if unit == "count":
        return f"{value:,.0f}"
    # As published: the DfE's files write a figure with the decimals it has ("157", "16.6"),
    # never a ".0", and the rates worked out here are to one decimal.
    return f"{value:,.1f}".removesuffix(".0") + _unit_suffix(unit)


def series_name(area_type: str, area_name: str) -> str:
    """The legend name of a row's series."""
    return MEDIAN_NAME if area_type == "neighbours_median" else area_name


def trend_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows a trend chart draws: the four comparators, rates and percentages only."""
    rows = table[table["area_type"].isin(COMPARATORS) & table["metric"].isin(TREND_METRICS)]
    rows = rows.assign(
        series=[
            series_name(t, n) for t, n in zip(rows["area_type"], rows["area_name"], strict=True)
        ],
    )
    return rows


def symbol_text(s: object) -> str:
    """A symbol cell as text: an empty cell (read as NaN) is ""."""
    return s if isinstance(s, str) else ""


def latest_rows(table: pd.DataFrame, metric: str) -> tuple[pd.DataFrame, pd.Series | None]:
    """The authority's and its neighbours' rows in the metric's latest year, lowest first, rows
    with a symbol last; and England's row that year (None if it has none)."""
    rows = table[(table["metric"] == metric) & table["area_type"].isin(["authority", "neighbour"])]
    if rows.empty:
        return rows, None
    year = rows.loc[rows["area_type"] == "authority", "time_period"].max()
    rows = rows[rows["time_period"] == year]
    rows = rows.sort_values(["value", "area_name"], na_position="last", kind="stable")
    england = table[
        (table["metric"] == metric)
        & (table["area_type"] == "england")
        & (table["time_period"] == year)
    ]
    return rows, (england.iloc[0] if len(england) else None)

"""Alt text for the benchmark charts: what each shows, value by value, in words."""

from __future__ import annotations

import pandas as pd

from analysis.metrics import catalogue
from analysis.present.benchmark_rows import (
    BAR_METRICS,
    TREND_METRICS,
    latest_rows,
    symbol_text,
    trend_rows,
    value_text,
)


def bar_alt_text(table: pd.DataFrame, authority: str, metrics=BAR_METRICS) -> str:
    """Alt text for the bar chart: per metric, the areas in order with their values."""
    parts = [f"Bar charts of {authority} and its ten statistical neighbours in the latest year."]
    for metric in metrics:
        rows, england = latest_rows(table, metric)
        if rows.empty:
            continue
        unit = catalogue.get(metric).unit
        listed = "; ".join(
            f"{r['area_name']} {value_text(r['value'], symbol_text(r['symbol']), unit)}"
            for _, r in rows.iterrows()
        )
        eng = (
            ""
            if england is None
            else f" England: {value_text(england['value'], symbol_text(england['symbol']), unit)}."
        )
        year = int(rows["time_period"].iloc[0])
        parts.append(f"{catalogue.get(metric).label}, {year}, lowest first: {listed}.{eng}")
    return " ".join(parts)


def _at(row: pd.Series, unit: str) -> str:
    return (
        f"{value_text(row['value'], symbol_text(row['symbol']), unit)} in {int(row['time_period'])}"
    )


def trend_alt_text(table: pd.DataFrame, authority: str) -> str:
    """Alt text for the trends: per metric, each series' first and latest values."""
    rows = trend_rows(table)
    parts = [
        f"Line charts, one per measure, of {authority}, its region, England and the median of "
        "its statistical neighbours, by year."
    ]
    for metric in TREND_METRICS:
        mine = rows[rows["metric"] == metric]
        if mine.empty:
            continue
        unit = catalogue.get(metric).unit
        said = []
        for name, s in mine.groupby("series", sort=False):
            s = s.sort_values("time_period")
            first, last = s.iloc[0], s.iloc[-1]
            said.append(f"{name} {_at(first, unit)} to {_at(last, unit)}")
        parts.append(f"{catalogue.get(metric).label}: {'; '.join(said)}.")
    return " ".join(parts)

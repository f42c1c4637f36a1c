"""Disclosure control for figures computed from case-level records, applied before publishing.

Counts from 1 to the threshold could identify a child, so they are published as suppressed:
value empty, qualifier "suppressed", never shown as 0. Zero is published (nobody to identify).
A rate or ratio is suppressed with its parts: a percentage whose numerator or denominator count
lies in 1..threshold, and a caseload per worker whose team's open-case count does, since the
ratio times the (knowable) number of workers would give the small count back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.metrics import catalogue, tidy

DEFAULT_THRESHOLD = 5


def small(counts: pd.Series | np.ndarray, threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """True where a count is from 1 to the threshold (NaN is not small: there is no count)."""
    c = np.asarray(counts, dtype=float)
    with np.errstate(invalid="ignore"):
        return (c >= 1) & (c <= threshold)


def suppress(
    table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, complements: bool = False
) -> pd.DataFrame:
    """A copy of a tidy table with small counts and the rates and ratios built on them suppressed.

    Reads the optional `numerator` column (the count behind a rate or ratio, which
    analysis.cases.kpi_table adds and which is never written) and the `denominator` column.

    With `complements`, a small difference is protected too: when the late ones (completed minus
    on time) number 1 to the threshold, the share on time and the on-time count are suppressed,
    since either, with the completed count, gives the small number away.
    """
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, not {threshold}")
    out = table.copy()
    units = out["metric"].map(lambda m: catalogue.get(m).unit)
    numerator = out["numerator"] if "numerator" in out else pd.Series(np.nan, index=out.index)
    hide = (units == "count").to_numpy() & small(out["value"], threshold)
    hide |= (units != "count").to_numpy() & (
        small(numerator, threshold) | small(out["denominator"], threshold)
    )
    if complements:
        hide |= _small_complements(out, numerator, threshold)
    year_hide = _year_totals_of_hidden_months(out, hide)
    out.loc[year_hide, "denominator"] = np.nan  # a hidden share's parts go with it
    hide |= year_hide
    out.loc[hide, "value"] = np.nan
    out.loc[hide, "qualifier"] = tidy.SUPPRESSED
    # The denominator of a suppressed rate may itself be small; a published denominator must
    # never be a small count either.
    den_small = small(out["denominator"], threshold)
    out.loc[den_small, "denominator"] = np.nan
    if "numerator" in out:
        out["numerator"] = np.nan  # internal: never leaves the function un-suppressed
    return out


def _small_complements(table: pd.DataFrame, numerator: pd.Series, threshold: int) -> np.ndarray:
    """Rates whose denominator minus numerator is small, and the on-time counts beside them."""
    rates = table["metric"].str.endswith("_pct").to_numpy()
    rate_hit = rates & small(table["denominator"] - numerator, threshold)
    hit = table.loc[rate_hit, ["metric", "scope", "period"]]
    keys = set(
        zip(hit["metric"].str.removesuffix("_pct"), hit["scope"], hit["period"], strict=True)
    )
    counts = [
        (m, s, p) in keys
        for m, s, p in zip(table["metric"], table["scope"], table["period"], strict=True)
    ]
    return rate_hit | np.asarray(counts, dtype=bool)


# A census year's count is the sum of its months (kpis on census returns writes both). Where
# one of those months is suppressed, the year's count less the other months gives it back: the
# year's count is suppressed too, with the rates and shares built on it.
YEAR_TOTALS: dict[str, tuple[str, ...]] = {
    "referrals_received": ("referrals_received", "referral_rate_per_10k", "rereferral_pct"),
    "rereferrals": ("rereferrals", "rereferral_pct"),
    "single_assessments_completed": (
        "single_assessments_completed",
        "single_assessments_on_time_pct",
    ),
    "single_assessments_on_time": (
        "single_assessments_on_time",
        "single_assessments_on_time_pct",
    ),
}


def _year_totals_of_hidden_months(table: pd.DataFrame, hide: np.ndarray) -> np.ndarray:
    """Census-year rows to suppress because a month they add up is suppressed."""
    out = np.zeros(len(table), dtype=bool)
    years = table["period"].astype(str).str.startswith("year to").to_numpy()
    if not years.any():
        return out
    months = ~years & hide & table["metric"].isin(YEAR_TOTALS).to_numpy()
    hidden = table.loc[months, ["metric", "scope", "period_end"]]
    for i in np.flatnonzero(years):
        row = table.iloc[i]
        for part, covered in YEAR_TOTALS.items():
            if row["metric"] not in covered:
                continue
            inside = hidden[
                (hidden["metric"] == part)
                & (hidden["scope"] == row["scope"])
                & (hidden["period_end"] >= row["period_start"])
                & (hidden["period_end"] <= row["period_end"])
            ]
            if not inside.empty:
                out[i] = True
    return out

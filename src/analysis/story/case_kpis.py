"""Notebook 04's words and panels: the case-level KPIs as the page shows and states them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.cases.extract import read_extract
from analysis.cases.kpi_table import compute, month_labels
from analysis.config import resolve
from analysis.metrics import catalogue
from analysis.privacy import disclosure
from analysis.story.formatting import fmt_value, timescale

# The cabinet report's before and after (July 2012, paras 4.3 and 4.7), and the months charted.
STORY_BEFORE, STORY_AFTER = np.datetime64("2011-12", "M"), np.datetime64("2012-04", "M")
CHART_FROM, CHART_TO = np.datetime64("2011-04", "M"), np.datetime64("2012-09", "M")


def monthly_kpis(
    extract_dir: str | Path,
    threshold: int | None = None,
    timescales: Mapping[str, int | None] | None = None,
) -> pd.DataFrame:
    """The KPIs of an extract folder with disclosure control applied, as a notebook shows them.

    `timescales` (assessment type -> working days; None keeps the catalogue's) changes the rules,
    and the rows keep the timescale they were counted against, so labels and words name it.
    """
    chosen = {k: int(v) for k, v in (timescales or {}).items() if v is not None}
    table = compute(read_extract(resolve(extract_dir)), timescales=chosen)
    table = disclosure.suppress(table, threshold or disclosure.DEFAULT_THRESHOLD)
    return table.drop(columns="numerator")


def months_between(
    table: pd.DataFrame, first: np.datetime64 = CHART_FROM, last: np.datetime64 = CHART_TO
) -> pd.DataFrame:
    """Rows for months from `first` to `last` inclusive (all rows if the extract has none)."""
    months = table["period_start"].to_numpy().astype("datetime64[M]")
    inside = (months >= first) & (months <= last)
    return table[inside] if inside.any() else table


def pick(table: pd.DataFrame, *metrics: str) -> pd.DataFrame:
    """Rows of the given metrics, in the order given."""
    parts = [table[table["metric"] == m] for m in metrics]
    return pd.concat(parts, ignore_index=True)


def panels(table: pd.DataFrame, *metrics: str) -> list[pd.DataFrame]:
    """One chart panel per metric, in the order given."""
    return [pick(table, m) for m in metrics]


def team_panels(table: pd.DataFrame, metric: str) -> tuple[list[str], list[pd.DataFrame]]:
    """The teams holding a by-team metric, sorted, and one chart panel per team."""
    rows = pick(table, metric)
    teams = sorted(rows["scope"].unique())
    return teams, [rows[rows["scope"] == team] for team in teams]


def _at(table: pd.DataFrame, metric: str, month: np.datetime64) -> str:
    rows = table[
        (table["metric"] == metric)
        & (table["scope"] == "service")
        & (table["period_start"].to_numpy().astype("datetime64[M]") == month)
    ]
    if rows.empty:
        return "not available"
    r = rows.iloc[0]
    return fmt_value(r["value"], r["unit"], r["qualifier"])


def _month_name(month: np.datetime64) -> str:
    return month_labels(np.array([month], dtype="datetime64[M]"))[0]


def headline(table: pd.DataFrame, authority: str, synthetic: bool) -> str:
    """One sentence: open CIN cases and the initial backlog at the report's two month ends."""
    before, after = _month_name(STORY_BEFORE), _month_name(STORY_AFTER)
    who = (
        "In this synthetic extract (made-up records)" if synthetic else f"In {authority}'s records"
    )
    cin = [_at(table, "open_cin_cases", m) for m in (STORY_BEFORE, STORY_AFTER)]
    backlog = [_at(table, "initial_assessments_overdue", m) for m in (STORY_BEFORE, STORY_AFTER)]
    return (
        f"{who}, open children in need cases went from {cin[0]} at the end of {before} to "
        f"{cin[1]} at the end of {after}, and initial assessments out of timescale from "
        f"{backlog[0]} to {backlog[1]}."
    )


def timeliness_sentence(table: pd.DataFrame) -> str:
    """Plain words on the share of initial and core assessments on time after the backlog."""
    after = _month_name(STORY_AFTER)
    return (
        f"Of the assessments completed in {after}, "
        f"{_at(table, 'initial_assessments_on_time_pct', STORY_AFTER)} of initial assessments "
        f"were within {timescale(table, 'initial_assessments_on_time_pct')} working days and "
        f"{_at(table, 'core_assessments_on_time_pct', STORY_AFTER)} of core assessments within "
        f"{timescale(table, 'core_assessments_on_time_pct')}. Working days leave out weekends "
        "and England and Wales bank holidays."
    )


def counting_text(table: pd.DataFrame) -> str:
    """How the figures are counted, naming the timescales the table was counted against."""
    initial = timescale(table, "initial_assessments_on_time_pct")
    core = timescale(table, "core_assessments_on_time_pct")
    defaults = catalogue.timescales()
    source = (
        "Working Together 2010"
        if (initial, core) == (defaults["initial"], defaults["core"])
        else f"this page's choice; Working Together 2010 set {defaults['initial']} and "
        f"{defaults['core']}"
    )
    return (
        "How the figures are counted: an assessment is on time when the working days after its "
        "start, up to and including its completion, are no more than its timescale "
        f"({initial} for initial, {core} for core, {source}). It is out of timescale at a month "
        "end when it is still open on that day and its deadline came before it. A case is open "
        "at a month end when it started on or before that day and had not ended by it. "
        "Caseload per worker divides a team's open cases by the workers holding at least one; "
        "the extract records each case's current worker, so earlier months' caseloads are "
        "approximate."
    )

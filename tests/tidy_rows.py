"""Tidy-row builders shared by the tests: one row, a table of rows, the shipped headline
figures, and a user's monthly series; and value(), to read one figure back from a tidy table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.metrics import catalogue, tidy

# data/raw's figures as first transcribed (see its README): tests that pin those figures clean
# this folder, so an analyst's next month in data/raw/ leaves them passing.
RAW_FIGURES = Path(__file__).parent / "fixtures" / "raw_figures"

DOC = "Cabinet report"
FOI = "FOI figures"
SCRUTINY = "Scrutiny minute"


def row(
    metric: str,
    period: str,
    value: float | None,
    *,
    scope: str = "service",
    start: str | None = None,
    end: str | None = None,
    quality: str | None = None,
    qualifier: str = "",
    denominator: float | None = None,
    source: str = DOC,
    ref: str = "para 1",
) -> dict:
    """One tidy row; dates are ISO strings or None (undated)."""
    return {
        "metric": metric,
        "scope": scope,
        "period": period,
        "period_start": pd.Timestamp(start) if start else pd.NaT,
        "period_end": pd.Timestamp(end or start) if start else pd.NaT,
        "date_quality": quality or ("exact" if start else "undated"),
        "value": float("nan") if value is None else float(value),
        "unit": catalogue.get(metric).unit,
        "qualifier": qualifier,
        "denominator": float("nan") if denominator is None else float(denominator),
        "source": source,
        "source_ref": ref,
    }


def frame(*rows: dict) -> pd.DataFrame:
    """A tidy table from rows, with the columns in contract order."""
    return pd.DataFrame(list(rows), columns=list(tidy.COLUMNS))


def shipped_like() -> pd.DataFrame:
    """The headline figures the project ships, as tidy rows (a subset of metrics.csv)."""
    before, after = "before (undated)", "after (undated)"
    dec = {"start": "2011-12-01", "end": "2011-12-31"}
    apr_may = {"start": "2012-04-01", "end": "2012-05-31"}
    return frame(
        row("open_cin_cases", "December 2011", 1486, start="2011-12-01", end="2011-12-31"),
        row("open_cin_cases", "end of April 2012", 1000, start="2012-04-30", ref="para 4.7"),
        row("initial_assessments_overdue", "December 2011", 235, **dec),
        row("initial_assessments_overdue", "end of April 2012", 0, start="2012-04-30"),
        row("core_assessments_overdue", "December 2011", 125, **dec),
        row("core_assessments_overdue", "end of April 2012", 5, start="2012-04-30"),
        row("staff_establishment", after, 81),
        row("staff_establishment", before, 56),
        row("caseload_per_worker", before, 30, scope="Referral and Assessment"),
        row("caseload_per_worker", after, 17, scope="Referral and Assessment"),
        row("caseload_per_worker", before, 27, scope="Family Support"),
        row("caseload_per_worker", after, 20, scope="Family Support"),
        row("initial_assessments_on_time_pct", "April–May 2012", 99, **apr_may),
        row("core_assessments_on_time_pct", "April–May 2012", 92, **apr_may),
        row("initial_assessments_late", "March 2010", 59, start="2010-03-01", end="2010-03-31",
            denominator=99, source=FOI, ref="https://example.org/foi"),
        row("initial_assessments_late", "September 2011", 114, start="2011-09-01", end="2011-09-30",
            denominator=200, source=FOI, ref="https://example.org/foi"),
        row("initial_assessments_late", "April 2012", 1, start="2012-04-01", end="2012-04-30",
            denominator=220, source=FOI, ref="https://example.org/foi"),
        row("initial_assessments_on_time_pct", "year to date to September 2012", 97.6,
            start="2012-04-01", end="2012-09-30", quality="approximate", source=SCRUTINY,
            ref="https://example.org/minute"),
        row("core_assessments_on_time_pct", "year to date to September 2012", 88.8,
            start="2012-04-01", end="2012-09-30", quality="approximate", source=SCRUTINY,
            ref="https://example.org/minute"),
    )  # fmt: skip


def monthly(metric: str, values: list[float], scope: str = "service") -> pd.DataFrame:
    """A user's monthly series from January 2013, one row per month."""
    rows = []
    for i, v in enumerate(values):
        start = pd.Timestamp(2013, 1, 1) + pd.DateOffset(months=i)
        end = start + pd.offsets.MonthEnd(0)
        rows.append(
            row(metric, start.strftime("%B %Y"), v, scope=scope, start=str(start.date()),
                end=str(end.date()))
        )  # fmt: skip
    return frame(*rows)


def month_ends(
    metric: str, first: str, values: list[float], scope: str = "service"
) -> pd.DataFrame:
    """A series counted at the end of each month ("end of January 2012"...), from `first`
    (an ISO date in the first month)."""
    rows = []
    for i, v in enumerate(values):
        day = pd.Timestamp(first) + pd.offsets.MonthEnd(0) + pd.offsets.MonthEnd(i)
        rows.append(row(metric, f"end of {day:%B %Y}", v, scope=scope, start=str(day.date())))
    return frame(*rows)


def with_monthly_figures() -> pd.DataFrame:
    """The shipped figures plus an analyst's monthly additions: open children in need cases
    at the end of January to March 2012, and the initial backlog at the end of May 2012 (so
    the two backlog series no longer end in the same period)."""
    return pd.concat(
        [
            shipped_like(),
            month_ends("open_cin_cases", "2012-01-01", [1390, 1250, 1105]),
            month_ends("initial_assessments_overdue", "2012-05-01", [3]),
        ],
        ignore_index=True,
    )


def value(table: pd.DataFrame, metric: str, period: str, scope: str = "service") -> float | None:
    """The value of a metric in a period and scope; None when the table has no such row."""
    rows = table[(table.metric == metric) & (table.period == period) & (table.scope == scope)]
    assert len(rows) <= 1, f"{metric} / {scope} / {period}: {len(rows)} rows"
    return None if rows.empty else float(rows.iloc[0]["value"])

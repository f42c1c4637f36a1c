"""Numbers computed from the tidy metric table: rows in time order, changes, shares on time."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import config
from analysis.metrics import tidy
from analysis.present.formatting import fmt_number

SERVICE = "service"
MAIN, CONTEXT = "main", "context"
# The cabinet report's undated periods, as data/raw states them.
BEFORE, AFTER = "before (undated)", "after (undated)"


def load(metrics_path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the tidy metric table; a relative path resolves against the project root."""
    return tidy.read(config.resolve(metrics_path))


# --- ordering and picking rows -------------------------------------------------------------


def _period_key(row: pd.Series) -> tuple:
    # Undated "before"/"after" rows bracket the dated ones; other undated rows go last.
    label = str(row["period"]).lower()
    if pd.isna(row["period_start"]):
        rank = 0 if label.startswith("before") else 2 if label.startswith("after") else 3
        return (rank, pd.Timestamp.max, pd.Timestamp.max, label)
    end = row["period_end"] if pd.notna(row["period_end"]) else row["period_start"]
    return (1, row["period_start"], end, label)


def order_periods(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in time order: undated "before" first, dated by start then end, undated "after" last."""
    if rows.empty:
        return rows.copy()
    keys = [_period_key(r) for _, r in rows.iterrows()]
    order = sorted(range(len(rows)), key=lambda i: keys[i])
    return rows.iloc[order].reset_index(drop=True)


def select(df: pd.DataFrame, metric: str, scope: str | None = None) -> pd.DataFrame:
    """One metric's rows (optionally one scope), in time order; KeyError if there are none."""
    rows = df[df["metric"] == metric]
    if scope is not None:
        rows = rows[rows["scope"] == scope]
    if rows.empty:
        where = f" for scope '{scope}'" if scope is not None else ""
        raise KeyError(f"no rows for metric '{metric}'{where}")
    return order_periods(rows)


def periods(rows: pd.DataFrame) -> list[str]:
    """The distinct period labels of some rows, in time order."""
    return list(dict.fromkeys(order_periods(rows)["period"]))


def is_undated(rows: pd.DataFrame) -> bool:
    """True when none of the rows carries a date."""
    return bool(rows["period_start"].isna().all())


# --- numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A before and an after of one metric and scope, and the change between them."""

    metric: str
    scope: str
    unit: str
    before: float
    after: float
    before_period: str
    after_period: str
    undated: bool
    # Equal ends with other values between: "returned to", never "stayed at".
    came_back: bool = False

    @property
    def difference(self) -> float:
        """After minus before."""
        return self.after - self.before

    @property
    def pct_change(self) -> float | None:
        """The change as a percentage of the before value; None when before is zero."""
        return None if self.before == 0 else self.difference / self.before * 100


def change(df: pd.DataFrame, metric: str, scope: str = SERVICE) -> Change:
    """The first and last valued rows of a metric and scope; ValueError if fewer than two.

    `came_back` when they are equal and a row between differs: another figure, or a count
    withheld as 1 to 5 (never equal to a count that is shown).
    """
    rows = select(df, metric, scope)
    valued = np.flatnonzero(rows["value"].notna().to_numpy())
    if len(valued) < 2:
        raise ValueError(f"metric '{metric}' scope '{scope}' needs a before and an after value")
    first, last = rows.iloc[valued[0]], rows.iloc[valued[-1]]
    before, after = float(first["value"]), float(last["value"])
    span = rows.iloc[valued[0] : valued[-1] + 1]
    hidden = (span["qualifier"] == tidy.SUPPRESSED) & (span["unit"] == "count")
    moved = (span["value"].notna() & (span["value"] != before)) | hidden
    return Change(
        metric=metric,
        scope=scope,
        unit=str(first["unit"]),
        before=before,
        after=after,
        before_period=str(first["period"]),
        after_period=str(last["period"]),
        undated=pd.isna(first["period_start"]) or pd.isna(last["period_start"]),
        came_back=before == after and bool(moved.any()),
    )


def on_time_pct(late: float, denominator: float) -> float:
    """Share on time, in percent, from a count late out of a total ("59 of 99 late" -> 40.4)."""
    if denominator <= 0 or not 0 <= late <= denominator:
        raise ValueError(f"cannot take {late} late out of {denominator}")
    return (denominator - late) / denominator * 100


def main_source(df: pd.DataFrame) -> str:
    """The document supplying most rows: the report being analysed (ties: alphabetical)."""
    counts = df["source"].value_counts()
    top = counts[counts == counts.max()].index
    return sorted(top)[0]


TIMELINESS_COLUMNS = (
    "metric",
    "measured_as",
    "period",
    "period_start",
    "period_end",
    "date_quality",
    "value",
    "stated_value",
    "unit",
    "denominator",
    tidy.SHOWN_NUMERATOR,
    "note",
    "source",
    "source_ref",
    "role",
)


def timeliness_points(
    df: pd.DataFrame,
    pct_metric: str,
    late_metric: str | None = None,
    main: str | None = None,
) -> pd.DataFrame:
    """Percent-on-time points for a chart: the metric's own rows plus any "N of M late" rows.

    Late counts become shares on time; rows without a denominator cannot and are left out.
    `role` is "main" for rows from the main source (default: `main_source(df)`), else "context".
    """
    main = main if main is not None else main_source(df)
    parts = []
    own = df[df["metric"] == pct_metric].copy()
    own["measured_as"] = pct_metric
    own["stated_value"] = own["value"]
    own["note"] = ""
    if tidy.SHOWN_NUMERATOR not in own.columns:
        own[tidy.SHOWN_NUMERATOR] = float("nan")
    parts.append(own)
    if late_metric is not None:
        late = df[(df["metric"] == late_metric) & df["denominator"].notna()].copy()
        late["measured_as"] = late_metric
        # The figure as the source states it, then the on-time count the share is built on.
        late["note"] = [
            f"{fmt_number(v)} of {fmt_number(d)} late, as stated; {fmt_number(d - v)} on time"
            for v, d in zip(late["value"], late["denominator"], strict=True)
        ]
        late["stated_value"] = late["value"]  # the late count, kept for the CSV
        late[tidy.SHOWN_NUMERATOR] = late["denominator"] - late["value"]
        late["value"] = [
            on_time_pct(v, d) for v, d in zip(late["value"], late["denominator"], strict=True)
        ]
        parts.append(late)
    points = pd.concat(parts, ignore_index=True)
    points["metric"] = pct_metric
    points["unit"] = "percent"
    points["role"] = [MAIN if s == main else CONTEXT for s in points["source"]]
    return order_periods(points.loc[:, list(TIMELINESS_COLUMNS)])


# --- the rows each notebook draws -----------------------------------------------------------


def teams(df: pd.DataFrame, metric: str = "caseload_per_worker") -> list[str]:
    """The teams (scopes) a team-level metric is reported for, in first-seen order."""
    return list(dict.fromkeys(df.loc[df["metric"] == metric, "scope"]))


BACKLOG_METRICS = ("initial_assessments_overdue", "core_assessments_overdue")
TIMELINESS_METRICS = (
    ("initial_assessments_on_time_pct", "initial_assessments_late"),
    ("core_assessments_on_time_pct", None),
)


# Figures the documents state once, shown as tables of figures where a reader expects them.
RECRUITMENT_FIGURES = ("new_staff_commenced", "appointments_in_pipeline")
QUALITY_FIGURES = (
    "assurance_audits_completed",
    "assurance_audits_inadequate_pct",
    "family_support_commissioning",
)
REFERRAL_FIGURES = ("referrals_initial_assessment_late",)


def backlog_panels(df: pd.DataFrame) -> list[pd.DataFrame]:
    """The backlog metrics' rows, one frame per metric, for a chart panel each."""
    return [select(df, m) for m in BACKLOG_METRICS]


def timeliness_panels(df: pd.DataFrame) -> list[pd.DataFrame]:
    """Timeliness points for initial and core assessments, one frame per chart panel."""
    return [timeliness_points(df, pct, late) for pct, late in TIMELINESS_METRICS]


def latest_main(points: pd.DataFrame) -> pd.Series:
    """The most recent point from the main source that has a value (not suppressed)."""
    main = order_periods(points[(points["role"] == MAIN) & points["value"].notna()])
    if main.empty:
        raise ValueError(f"no figures from the main source for {points['metric'].iloc[0]}")
    return main.iloc[-1]


def source_numbers(points: Sequence[pd.DataFrame]) -> dict[str, int]:
    """Number the sources of timeliness points: the main source 1, the others in time order."""
    rows = pd.concat(list(points), ignore_index=True)
    rows = order_periods(rows)
    rows = rows.sort_values("role", key=lambda r: r != MAIN, kind="stable")
    return {s: n for n, s in enumerate(dict.fromkeys(rows["source"]), start=1)}

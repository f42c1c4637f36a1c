"""The numbers behind each chart as a table people read: one row per period, one column per series.

Wide, not long: a reader scans a period's figures across, and the source is said once beneath
the table (in `table.attrs["source"]`), not on every row. The metrics a table shows are kept in
`table.attrs["metrics"]`, so the page can define them. A suppressed count reads "suppressed
(1–5)" (the threshold its run used), never a blank or 0; a share on time carries its numerator
and denominator where the source gives them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.charts import csv_data
from analysis.metrics import tidy
from analysis.present.formatting import (
    fmt_number,
    fmt_value,
    label,
    labels,
    qualifier_text,
    suppressed_text,
    threshold,
)
from analysis.present.selection import CONTEXT, SERVICE, order_periods, source_numbers

PERIOD = "Period"


def _rows(rows: pd.DataFrame | Sequence[pd.DataFrame]) -> pd.DataFrame:
    if not isinstance(rows, pd.DataFrame):
        rows = pd.concat(list(rows), ignore_index=True)
    return rows


def is_suppressed(value: float, qualifier: object) -> bool:
    """Whether a row's value is withheld (suppressed, or missing: never shown as 0)."""
    return qualifier_text(qualifier) == tidy.SUPPRESSED or pd.isna(value)


def _cell(
    value: float, unit: str, qualifier: object, note: object = "", limit: int | None = None
) -> str:
    if is_suppressed(value, qualifier):
        return suppressed_text(limit)
    text = fmt_value(value, unit, qualifier_text(qualifier))
    return f"{text} ({note})" if isinstance(note, str) and note else text


def of_note(numerator: object, denominator: object) -> str:
    """A share's parts as "54 of 58" ("" unless both are published numbers)."""
    if pd.isna(numerator) or pd.isna(denominator):
        return ""
    return f"{fmt_number(float(numerator))} of {fmt_number(float(denominator))}"


def series_name(metric: str, scope: str) -> str:
    """A column heading: the measure, and the team when it is not the whole service."""
    return label(metric) if scope == SERVICE else f"{label(metric)}: {scope}"


def on_time_name(metric: str) -> str:
    """A share-on-time column heading that claims no way of counting days: "… on time"."""
    return f"{label(metric).split(' within')[0]} on time"


def source_line(rows: pd.DataFrame, numbers: dict[str, int] | None = None) -> str:
    """Each document once, with its references in row order; numbered when `numbers` is given."""
    refs: dict[str, list[str]] = {}
    for source, ref in zip(rows["source"], rows["source_ref"], strict=True):
        ref_list = refs.setdefault(str(source), [])
        if isinstance(ref, str) and ref and ref not in ref_list:
            ref_list.append(ref)
    order = sorted(refs, key=lambda s: numbers[s]) if numbers is not None else list(refs)
    parts = []
    for source in order:
        ref_list = refs[source]
        text = f"{source}, {', '.join(ref_list)}" if ref_list else source
        if numbers is not None:
            text = f"[{numbers[source]}] {text}"
        parts.append(text)
    return ("Sources: " if len(parts) > 1 else "Source: ") + "; ".join(parts) + "."


def _wide(rows: pd.DataFrame, cells: list[str], names: list[str]) -> pd.DataFrame:
    """Pivot rows to one row per period (in time order) and one column per series name."""
    ordered = order_periods(rows.assign(_cell=cells, _name=names))
    columns = list(dict.fromkeys(names))
    out: dict[str, dict[str, str]] = {}
    for _, r in ordered.iterrows():
        out.setdefault(str(r["period"]), {})[r["_name"]] = r["_cell"]
    frame = pd.DataFrame(
        [{PERIOD: p, **{c: v.get(c, "") for c in columns}} for p, v in out.items()],
        columns=[PERIOD, *columns],
    )
    return frame


def table(rows: pd.DataFrame | Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The numbers behind a chart: one row per period, one column per measure and team.

    Several frames (a chart's panels) make one table. The source line is `attrs["source"]`.
    """
    rows = _rows(rows)
    # Each measure named with the timescale its rows were counted against (kpis --initial-days).
    names = [
        lab if s == SERVICE else f"{lab}: {s}"
        for lab, s in zip(labels(rows), rows["scope"], strict=True)
    ]
    notes = rows["note"] if "note" in rows.columns else [""] * len(rows)
    if tidy.SHOWN_NUMERATOR in rows.columns:
        # A share on time shows how many of how many: "93.1% (54 of 58)".
        parts = [
            of_note(n, d)
            for n, d in zip(rows[tidy.SHOWN_NUMERATOR], rows["denominator"], strict=True)
        ]
        # A row's own note (a late count as its source states it) comes first.
        notes = [n or p for p, n in zip(parts, notes, strict=True)]
    limit = threshold(rows)
    cells = [
        _cell(v, u, q, n, limit)
        for v, u, q, n in zip(rows["value"], rows["unit"], rows["qualifier"], notes, strict=True)
    ]
    out = _wide(rows, cells, names)
    out.attrs["source"] = source_line(rows)
    out.attrs["metrics"] = list(dict.fromkeys(rows["metric"]))
    out.attrs["undated"] = bool(rows["period_start"].isna().any())
    return csv_data.attach(out, _records(rows, names, limit))


def _records(rows: pd.DataFrame, names: list[str], limit: int | None) -> list[dict[str, object]]:
    """The CSV's rows: one per figure, series by series in time order, raw numbers."""
    ordered = order_periods(rows.assign(_name=names))
    series = {n: i for i, n in enumerate(dict.fromkeys(names))}
    ordered = ordered.sort_values("_name", key=lambda c: c.map(series), kind="stable")
    numerators = (
        ordered[tidy.SHOWN_NUMERATOR]
        if tidy.SHOWN_NUMERATOR in ordered.columns
        else pd.Series(float("nan"), index=ordered.index)
    )
    return [
        {
            "metric": r["metric"],
            "measure": r["_name"],
            "scope": r["scope"],
            "period": r["period"],
            "period_start": r["period_start"],
            "period_end": r["period_end"],
            "date_quality": r["date_quality"],
            "value": r["value"],
            "unit": r["unit"],
            "qualifier": "" if is_suppressed(r["value"], r["qualifier"]) else _q(r["qualifier"]),
            "numerator": n,
            "denominator": r["denominator"],
            "status": suppressed_text(limit) if is_suppressed(r["value"], r["qualifier"]) else "",
            "source": csv_data.citation(r["source"], r["source_ref"]),
        }
        for (_, r), n in zip(ordered.iterrows(), numerators, strict=True)
    ]


def _first_seen(column: pd.Series) -> dict[object, int]:
    return {v: i for i, v in enumerate(dict.fromkeys(column))}


def _q(qualifier: object) -> str:
    return qualifier_text(qualifier)


def timeliness_table(points: list[pd.DataFrame]) -> pd.DataFrame:
    """The numbers behind the timeliness chart: shares on time, each marked with its source.

    A share derived from "N of M late" shows how many of how many were on time, and its CSV row
    keeps the late count as stated (`counted_as`, `stated_value`); figures from another source
    than the report's carry that source's number, as the chart's legend does.
    """
    rows = pd.concat(points, ignore_index=True)
    numbers = source_numbers(points)
    # "on time", not "within 10 working days": other sources count "longer than 10 days",
    # and do not say working days.
    names = [on_time_name(m) for m in rows["metric"]]
    cells = []
    records = []
    ordered = order_periods(rows)
    ordered = ordered.sort_values("metric", key=lambda c: c.map(_first_seen(c)), kind="stable")
    for _, r in ordered.iterrows():
        records.append(
            {
                "metric": r["metric"],
                "measure": on_time_name(r["metric"]),
                "counted_as": r["measured_as"],
                # The source's own figure of `counted_as` ("59" of "59 of 99 late"), unrounded.
                "stated_value": r["stated_value"],
                "period": r["period"],
                "period_start": r["period_start"],
                "period_end": r["period_end"],
                "date_quality": r["date_quality"],
                # A share derived from "N of M late" to one decimal, as the page shows it.
                "value": round(float(r["value"]), 1) if pd.notna(r["value"]) else r["value"],
                "unit": "percent",
                "numerator": r[tidy.SHOWN_NUMERATOR],
                "denominator": r["denominator"],
                "status": "" if pd.notna(r["value"]) else "not available",
                "source_number": numbers[r["source"]],
                "role": r["role"],
                "source": csv_data.citation(r["source"], r["source_ref"]),
            }
        )
    for _, r in rows.iterrows():
        text = _cell(r["value"], "percent", "", r["note"])
        cells.append(f"{text} [{numbers[r['source']]}]")
    out = _wide(rows, cells, names)
    source = source_line(rows, numbers)
    if (rows["role"] == CONTEXT).any() and (rows["role"] != CONTEXT).any():
        source += " [1] is this report's source; the others are given for context."
    out.attrs["source"] = source
    measured = rows["measured_as"] if "measured_as" in rows.columns else rows["metric"]
    out.attrs["metrics"] = list(dict.fromkeys([*rows["metric"], *measured]))
    out.attrs["undated"] = False
    return csv_data.attach(out, records)


def figures_table(df: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    """Figures a document states once, without a chart: measure, when, value and citation.

    A count "of" a total keeps both and the share ("1,051 of 3,280 (32%)"); a qualifier such as
    "nearly" stays with its number. Each row cites its own document and paragraph, since the
    figures come from different places.
    """
    records = []
    metric_ids = []
    undated = False
    for metric in metrics:
        rows = df[df["metric"] == metric]
        for _, r in order_periods(rows).iterrows():
            value = _cell(r["value"], r["unit"], r["qualifier"])
            denominator = r.get("denominator")
            shown = not is_suppressed(r["value"], r["qualifier"])
            if shown and pd.notna(denominator) and denominator > 0:
                share = fmt_value(r["value"] / denominator * 100, "percent")
                value = f"{value} of {fmt_value(denominator, 'count')} ({share})"
            records.append(
                {
                    "Measure": label(metric),
                    PERIOD: str(r["period"]),
                    "Value": value,
                    "Source": f"{r['source']}, {r['source_ref']}",
                }
            )
            metric_ids.append(metric)
            undated = undated or pd.isna(r["period_start"])
    out = pd.DataFrame(records, columns=["Measure", PERIOD, "Value", "Source"])
    out.attrs["metrics"] = list(dict.fromkeys(metric_ids))
    out.attrs["undated"] = undated
    return out

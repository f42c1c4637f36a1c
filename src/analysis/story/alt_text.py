"""Alt text for charts: what a chart shows, value by value, in words a screen reader reads out."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.present import selection
from analysis.present.formatting import (
    fmt_value,
    label,
    labels,
    qualifier_text,
    suppressed_text,
    threshold,
)
from analysis.present.panels import as_panels, chart_kind, series


def describe(panels: pd.DataFrame | Sequence[pd.DataFrame], title: str) -> str:
    """Alt text stating what a change or timeliness chart shows, value by value."""
    parts = [title.rstrip(".") + "."]
    for rows in as_panels(panels):
        if "role" in rows.columns:
            values = "; ".join(
                f"{r['period']} {fmt_value(r['value'], 'percent')}"
                + (" (other source)" if r["role"] == selection.CONTEXT else "")
                for _, r in selection.order_periods(rows).iterrows()
            )
            # "on time", never "within 10 working days": other sources do not say working days.
            what = label(rows["metric"].iloc[0]).split(" within")[0]
            parts.append(f"Points, {what} on time: {values}.")
            continue
        kind = {"slope": "Slope chart", "line": "Line chart", "points": "Points"}[chart_kind(rows)]
        hidden = suppressed_text(threshold(rows))
        for name, s in series(rows):
            values = "; ".join(
                f"{p} {hidden if pd.isna(v) else fmt_value(v, u, qualifier_text(q))}"
                for p, v, u, q in zip(
                    s["period"], s["value"], s["unit"], s["qualifier"], strict=True
                )
            )
            what = labels(s.iloc[:1])[0]  # names the timescale the rows were counted against
            what = name if name.startswith(what) else f"{what}, {name}"
            parts.append(f"{kind}, {what.replace(', service', '')}: {values}.")
    return " ".join(parts)

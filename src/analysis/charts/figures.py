"""Figures leaving the notebook: shown as PNG with alt text and a table, saved as PNG and SVG."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis import config
from analysis.atomic import write_bytes
from analysis.charts.kinds import as_panels, chart_kind, series
from analysis.charts.style import DPI, house_style
from analysis.story import selection
from analysis.story.formatting import fmt_value, label, qualifier_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes: fixed dpi and size, no software or time stamp."""
    buf = io.BytesIO()
    with house_style():
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def svg_bytes(fig: Figure) -> bytes:
    """The figure as SVG bytes: fixed hash salt, no date or creator, glyphs as paths."""
    buf = io.BytesIO()
    with house_style():
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def _table_html(table: pd.DataFrame, caption: str) -> str:
    html = table.to_html(index=False, border=0, escape=True, classes="chart-data")
    # A caption names the table for screen readers; pandas' to_html has no option for it.
    head, rest = html.split(">", 1)
    return f"{head}>\n  <caption>{_escape(caption)}</caption>{rest}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def show(
    fig: Figure, alt: str, table: pd.DataFrame, caption: str = "The numbers behind the chart"
) -> None:
    """Display the figure as a PNG with alt text, then the numbers behind it as an HTML table."""
    from IPython.display import HTML, Image, display

    if not alt.strip():
        raise ValueError("a figure needs alt text that says what it shows")
    display(Image(data=png_bytes(fig), format="png", metadata={"alt": alt}))
    display(HTML(_table_html(table, caption)))
    close(fig)


def close(fig: Figure) -> None:
    """Release a figure (a no-op for figures pyplot never knew about)."""
    import matplotlib.pyplot as plt

    plt.close(fig)


def save(fig: Figure, name: str, figures_dir: str | os.PathLike[str] | None) -> list[Path]:
    """Write NAME.png and NAME.svg under figures_dir ("" or None saves nothing); return paths."""
    folder = config.figures_dir(figures_dir)
    if folder is None:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, data in ((".png", png_bytes(fig)), (".svg", svg_bytes(fig))):
        path = folder / f"{name}{suffix}"
        write_bytes(path, data)
        written.append(path)
    return written


def alt_text(panels: pd.DataFrame | Sequence[pd.DataFrame], title: str) -> str:
    """Alt text stating what a change or timeliness chart shows, value by value."""
    parts = [title.rstrip(".") + "."]
    for rows in as_panels(panels):
        if "role" in rows.columns:
            values = "; ".join(
                f"{r['period']} {fmt_value(r['value'], 'percent')}"
                + (" (other source)" if r["role"] == selection.CONTEXT else "")
                for _, r in selection.order_periods(rows).iterrows()
            )
            parts.append(f"Points, {label(rows['metric'].iloc[0])}: {values}.")
            continue
        kind = {"slope": "Slope chart", "line": "Line chart", "points": "Points"}[chart_kind(rows)]
        for name, s in series(rows):
            values = "; ".join(
                f"{p} {fmt_value(v, u, qualifier_text(q))}"
                for p, v, u, q in zip(
                    s["period"], s["value"], s["unit"], s["qualifier"], strict=True
                )
            )
            what = label(s["metric"].iloc[0])
            what = name if name.startswith(what) else f"{what}, {name}"
            parts.append(f"{kind}, {what.replace(', service', '')}: {values}.")
    return " ".join(parts)

"""Figures leaving the notebook: shown as PNG with alt text and a table, saved as PNG and SVG."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis import config
from analysis.atomic import write_bytes
from analysis.charts.style import DPI, house_style

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

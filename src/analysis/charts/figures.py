"""Figures leaving the notebook: shown as PNG with alt text and a table, saved as PNG (and SVG)."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis import config
from analysis.atomic import write_bytes
from analysis.charts import csv_data, headings, layout, variants
from analysis.charts.style import DPI, PAGE_PX_PER_INCH, house_style

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# A chart's numbers: one table, or several small ones (one per measure).
Tables = pd.DataFrame | Sequence[pd.DataFrame]


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes: fixed dpi and size, no software or time stamp.

    The figure is laid out first and keeps that layout (layout.settle): positions rounded, so
    that the same chart gives the same bytes in every run.
    """
    layout.settle(fig)
    buf = io.BytesIO()
    with house_style():
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def svg_bytes(fig: Figure) -> bytes:
    """The figure as SVG bytes: fixed hash salt, no date or creator, glyphs as paths."""
    layout.settle(fig)
    buf = io.BytesIO()
    with house_style():
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


CSV_LINK_TEXT = "Download the data (CSV)"


NUMBERS_SUMMARY = "The numbers behind the chart"


def _table_html(table: pd.DataFrame, caption: str) -> str:
    html = table.to_html(index=False, border=0, escape=True, classes="chart-data")
    # A caption names the table for screen readers; pandas' to_html has no option for it.
    head, rest = html.split(">", 1)
    html = f"{head}>\n  <caption>{_escape(caption)}</caption>{rest}"
    # The source once, beneath the table, not on every row.
    source = table.attrs.get("source")
    if source:
        html += f'\n<p class="table-source">{_escape(str(source))}</p>'
    return html


def _download_html(csv_href: str) -> str:
    href = _escape(csv_href).replace('"', "&quot;")
    return f'<p class="download"><a href="{href}">{CSV_LINK_TEXT}</a></p>'


def numbers_html(tables: Sequence[str], csv_href: str | None = None) -> str:
    """A chart's tables folded into a <details> element, the CSV link beneath it, always shown.

    Closed, the tables take one line, so a page of charts reads as charts; a reader opens them
    with a click or the keyboard. <details> needs no script (the pages' CSP forbids scripts).
    """
    html = (
        f'<details class="chart-numbers">\n<summary>{NUMBERS_SUMMARY}</summary>\n'
        + "\n".join(tables)
        + "\n</details>"
    )
    if csv_href:
        html += "\n" + _download_html(csv_href)
    return html


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def show(
    fig: Figure,
    alt: str,
    table: Tables,
    caption: str = NUMBERS_SUMMARY,
    csv_href: str | None = None,
    png: bytes | None = None,
    links: dict[str, object] | None = None,
) -> None:
    """Display the figure as a PNG with alt text, then the numbers behind it, folded (numbers_html).

    The image's metadata also holds the chart's title and subtitle as text, and the size a page
    shows it at (PAGE_PX_PER_INCH CSS px an inch, the same for every chart); `links` adds the
    saved full-size PNG ("href") and the narrow variant's file and size (see `publish`).
    The table's output carries the metrics it shows (`table.attrs["metrics"]`) in its metadata,
    so that the page can end with their definitions; `csv_href` links the table's CSV file.
    `png` is the figure already drawn by `png_bytes` (drawing it again costs as much).
    """
    from IPython.display import HTML, Image, display

    if not alt.strip():
        raise ValueError("a figure needs alt text that says what it shows")
    png = png_bytes(fig) if png is None else png
    width, height = page_size(png)
    metadata: dict[str, object] = {"alt": alt, "width": width, "height": height}
    metadata |= {"title": headings.title_of(fig), "subtitle": headings.subtitle_of(fig)}
    metadata |= links or {}
    display(Image(data=png, format="png", metadata=metadata))
    tables = _tables(table)
    html = numbers_html(
        [_table_html(t, str(t.attrs.get("caption", caption))) for t in tables], csv_href
    )
    display(HTML(html), metadata={"analysis": _about(tables)})
    close(fig)


def png_pixels(png: bytes) -> tuple[int, int]:
    """A PNG's width and height in pixels, read from its header (the IHDR chunk)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def page_size(png: bytes) -> tuple[int, int]:
    """The size, in CSS px, a page shows a chart's PNG at: PAGE_PX_PER_INCH an inch of figure."""
    width, height = png_pixels(png)
    return round(width * PAGE_PX_PER_INCH / DPI), round(height * PAGE_PX_PER_INCH / DPI)


def _tables(table: Tables) -> list[pd.DataFrame]:
    """One table, or several small ones (a chart's panels), as a list."""
    return [table] if isinstance(table, pd.DataFrame) else list(table)


def _about(tables: list[pd.DataFrame]) -> dict[str, object]:
    """What the page needs to know of some tables: the metrics they show, any undated figure."""
    metrics = [str(m) for t in tables for m in t.attrs.get("metrics", [])]
    return {
        "metrics": list(dict.fromkeys(metrics)),
        "undated": any(bool(t.attrs.get("undated", False)) for t in tables),
    }


def show_table(table: pd.DataFrame, caption: str) -> None:
    """Display a table of figures (no chart) with a caption, its metrics in the metadata."""
    from IPython.display import HTML, display

    display(HTML(_table_html(table, caption)), metadata={"analysis": _about([table])})


def csv_bytes(table: Tables) -> bytes:
    """A chart's numbers as CSV bytes: UTF-8, LF line ends, the source in a column of its own.

    Tables that carry machine-readable rows (csv_data.attach) give those: raw numbers, their
    parts, a status and each row's citation. Others are written as shown; several small tables
    (one per measure) then make one CSV, with the measure in a first column.
    """
    tables = _tables(table)
    data = csv_data.data_of(tables)
    if data is not None:
        return csv_data.csv_text(data).encode("utf-8")
    frames = []
    # Several small tables say their source once, beneath the last: every CSV row carries it.
    shared = next((t.attrs["source"] for t in reversed(tables) if t.attrs.get("source")), None)
    for t in tables:
        frame = t.copy()
        if len(tables) > 1 and "caption" in t.attrs:
            frame.insert(0, "Measure", str(t.attrs["caption"]))
        source = t.attrs.get("source") or shared
        if source:
            frame["Source"] = str(source).removeprefix("Sources: ").removeprefix("Source: ")
        frames.append(frame)
    whole = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return whole.to_csv(index=False, lineterminator="\n").encode("utf-8")


def publish(
    fig: Figure,
    name: str,
    figures_dir: str | os.PathLike[str] | None,
    alt: str,
    table: Tables,
    caption: str = NUMBERS_SUMMARY,
    *,
    svg: bool = True,
) -> None:
    """Save the figure (PNG, SVG unless `svg` is False), its narrow variant and its numbers
    (CSV), then show them.

    The page links the CSV under the table ("Download the data (CSV)") when it was written, and
    the saved PNG from the chart, which opens it full size. A chart that offers a narrow
    variant (variants.offer_narrow) is drawn again with its panels in one column, saved as
    NAME-narrow.png, and shown instead at phone widths.
    Returns nothing, so that a notebook cell ending with it displays nothing more.
    """
    # Drawn once: the page shows the very bytes of the saved PNG (the index's thumbnail relies
    # on that), and drawing a chart is most of a page's build time.
    png = png_bytes(fig)
    saving = config.figures_dir(figures_dir) is not None
    narrow = variants.narrow_of(fig) if saving else None
    narrow_png = png_bytes(narrow) if narrow is not None else None
    if narrow is not None:
        close(narrow)
    written = save(fig, name, figures_dir, table=table, png=png, narrow_png=narrow_png, svg=svg)
    by_name = {p.name: p for p in written}
    links: dict[str, object] = {}
    if f"{name}.png" in by_name:
        links["href"] = _href(by_name[f"{name}.png"])
    if narrow_png is not None and f"{name}{NARROW_SUFFIX}" in by_name:
        width, height = png_pixels(narrow_png)
        links |= {"narrow": _href(by_name[f"{name}{NARROW_SUFFIX}"])}
        links |= {"narrow_width": width, "narrow_height": height}
    csv_path = by_name.get(f"{name}.csv")
    href = _href(csv_path) if csv_path is not None else None
    show(fig, alt=alt, table=table, caption=caption, csv_href=href, png=png, links=links)


NARROW_SUFFIX = "-narrow.png"


def _href(path: Path) -> str:
    """A link to a written file from a page in the reports folder (relative when inside it)."""
    try:
        return path.resolve().relative_to(config.reports_dir().resolve()).as_posix()
    except ValueError:
        return path.name if path.parent.name == "" else f"{path.parent.name}/{path.name}"


def keep_layout(fig: Figure) -> None:
    """Keep a figure's layout as its engine makes it now: later draws skip it (layout.settle)."""
    layout.settle(fig)


def close(fig: Figure) -> None:
    """Release a figure (a no-op for figures pyplot never knew about)."""
    import matplotlib.pyplot as plt

    plt.close(fig)


def save(
    fig: Figure,
    name: str,
    figures_dir: str | os.PathLike[str] | None,
    table: Tables | None = None,
    png: bytes | None = None,
    narrow_png: bytes | None = None,
    *,
    svg: bool = True,
) -> list[Path]:
    """Write NAME.png, NAME.svg (and NAME.csv of `table`, NAME-narrow.png of `narrow_png`)
    under figures_dir; return the paths.

    With `svg` False no NAME.svg is written (nor drawn): a pack page's default, whose page links
    only the PNG and CSV. "" or None saves nothing. `png` must be `png_bytes(fig)` of this
    figure as it is now: it is written as given, not checked. Drawing freezes the figure's
    layout (layout.settle), so a later draw keeps the axes where this one put them.
    """
    folder = config.figures_dir(figures_dir)
    if folder is None:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    # png_bytes settled the layout: the SVG keeps it rather than laying the figure out again
    # (constrained layout takes 0.2-0.3 s a chart), and so matches the PNG.
    png = png_bytes(fig) if png is None else png
    files = [(".png", png)]
    if svg:
        files.append((".svg", svg_bytes(fig)))
    if table is not None:
        files.append((".csv", csv_bytes(table)))
    if narrow_png is not None:
        files.append((NARROW_SUFFIX, narrow_png))
    for suffix, data in files:
        path = folder / f"{name}{suffix}"
        write_bytes(path, data)
        written.append(path)
    return written

"""The end of every page: definitions of the measures it shows, and the caveats of their data."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

# The data log's quality notes (data/raw/README.md), said on every page that shows such figures.
CAVEAT_COUNCIL = (
    "Figures from the council's own documents and case records are management information, "
    "not audited statistics; they are shown as the documents state them, rounded as printed, "
    'with qualifiers such as "nearly" kept.'
)

if TYPE_CHECKING:
    import nbformat


CAVEAT_AREA = (
    "Figures for areas are the Department for Education's published statistics; a symbol the "
    "DfE publishes in place of a number (such as c, suppressed, or x, not available) is shown "
    "as published, never as 0."
)


CAVEAT_UNDATED = (
    'Some figures are undated in their source ("before", "after", "at the time of writing"): '
    "no dates are invented for them, and they are drawn as categories, not on a time axis."
)


def shown_metrics(nb: nbformat.NotebookNode) -> tuple[list[str], bool]:
    """The metrics a notebook's tables show (from their output metadata), and if any is undated."""
    metrics: list[str] = []
    undated = False
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            about = (out.get("metadata") or {}).get("analysis") or {}
            metrics += [m for m in about.get("metrics", []) if m not in metrics]
            undated = undated or bool(about.get("undated"))
    return metrics, undated


def about_the_figures(nb: nbformat.NotebookNode) -> str:
    """The end of a page: the definitions of the measures it shows and the quality caveats.

    Built from what the page shows (the metrics its tables record), with the catalogue's labels
    and definitions: nothing is typed per notebook. "" when the page shows no measure.
    """
    from analysis.metrics import catalogue

    metrics, undated = shown_metrics(nb)
    entries = catalogue.load()
    known = [entries[m] for m in metrics if m in entries]
    if not known:
        return ""
    items = "\n".join(
        f"<dt>{html.escape(m.label)}</dt>\n<dd>{html.escape(m.definition)}</dd>" for m in known
    )
    caveats = []
    if any(m.scope_kind != "area" for m in known):
        caveats.append(CAVEAT_COUNCIL)
    if any(m.scope_kind == "area" for m in known):
        caveats.append(CAVEAT_AREA)
    if undated:
        caveats.append(CAVEAT_UNDATED)
    notes = "\n".join(f"<li>{html.escape(c)}</li>" for c in caveats)
    return (
        '\n<section class="about-measures" aria-labelledby="about-measures">\n'
        '<h2 id="about-measures">About these figures</h2>\n'
        f"<h3>Definitions</h3>\n<dl>\n{items}\n</dl>\n"
        f"<h3>Quality</h3>\n<ul>\n{notes}\n</ul>\n"
        "</section>\n"
    )

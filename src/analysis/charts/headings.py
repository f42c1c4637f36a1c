"""A chart's heading: a short title stating its finding, and a subtitle saying what it measures.

The Government Analysis Function's chart guidance: the title is an active statement of the
main finding ("Open CIN cases fell by a third"), short enough to read at a glance; what is
measured and its units go in the subtitle beneath, in a lighter face. Both are drawn at the top
left, the source line at the bottom left, each wrapped to the figure's width as measured by its
renderer; the panels get the band between (layout.framed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.charts import layout
from analysis.charts.style import MUTED, SOURCE_FONTSIZE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TITLE_SIZE, SUBTITLE_SIZE = 13.0, 10.5
TITLE_LEADING, SUBTITLE_LEADING, SOURCE_LEADING = 1.25, 1.3, 1.3
TOP_PAD = 0.06  # inches above the title
SUBTITLE_GID, SOURCE_GID = "subtitle", "source"


def frame(width: float, body_in: float, title: str, subtitle: str, source: str) -> Figure:
    """A chart's figure `width` inches wide: heading, `body_in` inches of panels, source line.

    Make the panels with the figure's `subplots`: constrained layout keeps them in their band.
    """
    fig = layout.new_figure(width, body_in)
    line = width - 2 * layout.MARGIN
    title = layout.wrap(fig, title, line, TITLE_SIZE, "bold")
    subtitle = layout.wrap(fig, subtitle, line, SUBTITLE_SIZE)
    source = layout.wrap(fig, source, line, SOURCE_FONTSIZE)
    head_in = (
        TOP_PAD
        + layout.lines_height(title, TITLE_SIZE, TITLE_LEADING)
        + layout.lines_height(subtitle, SUBTITLE_SIZE, SUBTITLE_LEADING)
        + layout.GAP
    )
    foot_in = layout.lines_height(source, SOURCE_FONTSIZE, SOURCE_LEADING) + layout.GAP
    layout.framed(fig, head_in, body_in, foot_in)
    height = fig.get_figheight()
    x = layout.MARGIN / width
    top = 1 - TOP_PAD / height
    # The title is the figure's suptitle, kept out of the layout: its row is the heading's.
    suptitle = fig.suptitle(title, x=x, y=top, ha="left", va="top", fontsize=TITLE_SIZE,
                            fontweight="bold", linespacing=TITLE_LEADING)  # fmt: skip
    suptitle.set_in_layout(False)
    if subtitle:
        y = top - layout.lines_height(title, TITLE_SIZE, TITLE_LEADING) / height
        fig.text(x, y, subtitle, ha="left", va="top", fontsize=SUBTITLE_SIZE, color=MUTED,
                 linespacing=SUBTITLE_LEADING, gid=SUBTITLE_GID)  # fmt: skip
    if source:
        fig.text(x, layout.GAP / 2 / height, source, ha="left", va="bottom", color=MUTED,
                 fontsize=SOURCE_FONTSIZE, linespacing=SOURCE_LEADING, gid=SOURCE_GID)  # fmt: skip
    return fig


def title_of(fig: Figure) -> str:
    """The title drawn on a figure, its lines joined by spaces."""
    return " ".join(fig.get_suptitle().split())


def subtitle_of(fig: Figure) -> str:
    """The subtitle drawn on a figure, lines joined by spaces ("" if none)."""
    texts = [t.get_text() for t in fig.texts if t.get_gid() == SUBTITLE_GID]
    return " ".join(" ".join(texts).split())

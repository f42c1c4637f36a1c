"""A chart's heading: a short title stating its finding, and a subtitle saying what it measures.

The Government Analysis Function's chart guidance: the title is an active statement of the
main finding ("Open CIN cases fell by a third"), short enough to read at a glance; what is
measured and its units go in the subtitle beneath, in a lighter face. Both are drawn at the top
left, and the space they take is kept free of the axes.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from analysis.charts.style import MUTED

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TITLE_SIZE, SUBTITLE_SIZE = 13.0, 10.5
TITLE_LEADING, SUBTITLE_LEADING = 1.25, 1.3
TOP_PAD, GAP = 0.06, 0.12  # inches: above the title; between the heading and the plots
SUBTITLE_GID = "subtitle"


def _wrapped(text: str, size: float, width_in: float, glyph: float) -> str:
    return textwrap.fill(text, max(20, int(width_in * 72 / (size * glyph)))) if text else ""


def wrapped(title: str, subtitle: str, width_in: float) -> tuple[str, str]:
    """Title and subtitle broken into lines that fit a figure `width_in` inches wide."""
    return (
        _wrapped(title, TITLE_SIZE, width_in, 0.62),
        _wrapped(subtitle, SUBTITLE_SIZE, width_in, 0.55),
    )


def height_inches(title: str, subtitle: str, width_in: float) -> float:
    """How tall the heading is, in inches, gap beneath included."""
    t, s = wrapped(title, subtitle, width_in)
    lines_t = t.count("\n") + 1 if t else 0
    lines_s = s.count("\n") + 1 if s else 0
    return (
        TOP_PAD
        + lines_t * TITLE_SIZE * TITLE_LEADING / 72
        + lines_s * SUBTITLE_SIZE * SUBTITLE_LEADING / 72
        + GAP
    )


def subtitle_inches(subtitle: str, width_in: float) -> float:
    """The height a subtitle adds to a figure, in inches (0 without one)."""
    _, s = wrapped("", subtitle, width_in)
    return (s.count("\n") + 1) * SUBTITLE_SIZE * SUBTITLE_LEADING / 72 if s else 0.0


def draw(fig: Figure, title: str, subtitle: str = "") -> float:
    """Draw the heading at the figure's top left; return the share of its height it takes.

    The title is the figure's suptitle, placed by hand (so no layout engine moves it); the
    layout is then given the rest of the figure.
    """
    width_in, height_in = fig.get_figwidth(), fig.get_figheight()
    t, s = wrapped(title, subtitle, width_in)
    top = 1 - TOP_PAD / height_in
    suptitle = fig.suptitle(t, x=0.01, y=top, ha="left", va="top", fontsize=TITLE_SIZE,
                            fontweight="bold", linespacing=TITLE_LEADING)  # fmt: skip
    suptitle.set_in_layout(False)  # its space is the heading's, kept by the caller's rect
    if s:
        lines_t = t.count("\n") + 1
        y = top - lines_t * TITLE_SIZE * TITLE_LEADING / 72 / height_in
        fig.text(0.01, y, s, ha="left", va="top", fontsize=SUBTITLE_SIZE, color=MUTED,
                 linespacing=SUBTITLE_LEADING, gid=SUBTITLE_GID)  # fmt: skip
    return height_inches(title, subtitle, width_in) / height_in


def subtitle_of(fig: Figure) -> str:
    """The subtitle drawn on a figure, lines joined by spaces ("" if none)."""
    texts = [t.get_text() for t in fig.texts if t.get_gid() == SUBTITLE_GID]
    return " ".join(" ".join(texts).split())

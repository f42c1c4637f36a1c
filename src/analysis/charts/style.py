"""The house style every chart is drawn in: palette, fonts, sizes, and a context applying them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from afcharts.af_colours import get_af_colours

# The Government Analysis Function's categorical palette (afcharts), in its own order: dark
# blue, turquoise, dark pink, orange, dark grey, light purple; each at least 3:1 on white.
# Charts never rely on colour alone: series also differ by marker, line style or direct label.
PALETTE: tuple[str, ...] = tuple(get_af_colours("categorical", number_of_colours=6))
TEXT = "#1a1a1a"
MUTED = "#4d4d4d"  # 8:1 on white, still readable in the small source line
DPI = 150
WIDTH_PER_PANEL, MAX_WIDTH = 5.0, 11.0
BODY_HEIGHT = 3.8  # inches: a row of panels, between the heading and the source line
SOURCE_FONTSIZE = 8.5
# A chart's narrow variant, for phones: panels in one column, the figure NARROW_WIDTH inches
# wide. Its smallest text (8 points) stays at least 9 CSS px where the page shows the image
# 350 px wide (a 390 px screen less the page's margins): 8 / 72 * 350 / 4.2 = 9.26 px.
NARROW_WIDTH = 4.2
NARROW_PANEL_HEIGHT = 3.0
SMALLEST_FONTSIZE = 8
# How wide a page shows a chart on a desktop: this many CSS px for each inch of figure, the same
# for every chart, so that text is one size across a page. The widest chart (MAX_WIDTH) then
# fills the page's 59.5rem column: 11 * 86 = 946 px.
PAGE_PX_PER_INCH = 86

STYLE: dict[str, object] = {
    # DejaVu Sans ships with matplotlib, so every machine draws the same glyphs.
    "font.family": "DejaVu Sans",
    "font.size": 10.5,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": MUTED,
    "axes.titlesize": 11.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": TEXT,
    "ytick.labelcolor": TEXT,
    "figure.titlesize": 13,
    "figure.titleweight": "bold",
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "legend.frameon": False,
    "legend.fontsize": 9,
    "lines.linewidth": 2.2,
    "lines.markersize": 8,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
    # Fixed salt and paths for glyphs: SVG ids and bytes do not change from run to run.
    "svg.hashsalt": "analysis-charts",
    "svg.fonttype": "path",
    "path.simplify": True,
    # Text from data (a team's name, an authority's) is text: "$" is a dollar sign, never the
    # start of a formula (a name with "$\\x$" in it would otherwise fail to draw).
    "text.parse_math": False,
}


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style for the duration of a block (colours, fonts, no chart junk)."""
    import matplotlib as mpl

    with mpl.rc_context({**STYLE, "axes.prop_cycle": mpl.cycler(color=PALETTE)}):
        yield

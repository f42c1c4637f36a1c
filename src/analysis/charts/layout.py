"""Where a chart's parts go: heading, panels and source line, laid out by constrained layout.

A chart is one figure in three bands: the heading on top, the panels in the middle, the source
line at the bottom. The heading and source bands are as tall as their text, measured with the
figure's own renderer; matplotlib's constrained layout places the panels, their titles and
labels in the middle band (its `rect`), and a figure legend in a band of its own at the middle
band's top or bottom edge (legend_band).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend

MARGIN = 0.08  # inches: text keeps this far from the figure's left and right edges
GAP = 0.12  # inches: between the heading and the panels, and above the source line


def new_figure(width: float, height: float, **kwargs: Any) -> Figure:
    """A blank figure (inches) with its own Agg canvas; pyplot never knows of it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), **kwargs)
    # A canvas of its own: text is measured by the renderer that draws the PNG.
    FigureCanvasAgg(fig)
    return fig


def text_width(fig: Figure, text: str, size: float, weight: str = "normal") -> float:
    """How wide `text` is drawn on this figure, in inches (one line, the current rc font)."""
    from matplotlib.font_manager import FontProperties

    renderer = fig.canvas.get_renderer()
    prop = FontProperties(size=size, weight=weight)
    width, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return width / fig.dpi


def wrap(fig: Figure, text: str, width_in: float, size: float, weight: str = "normal") -> str:
    """`text` broken at spaces into lines no wider than `width_in` inches, measured as drawn.

    A word wider than a line (a web address) is broken after a "/", "-", "." or "?" in it, or
    failing those anywhere, so that nothing is drawn beyond the line.
    """

    def fits(line: str) -> bool:
        return text_width(fig, line, size, weight) <= width_in

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if fits(candidate):
                line = candidate
                continue
            if line:
                lines.append(line)
            pieces = _pieces(word, fits)
            lines += pieces[:-1]
            line = pieces[-1]
        lines.append(line)
    return "\n".join(lines) if text else ""


def _pieces(word: str, fits: Any) -> list[str]:
    """A word in pieces that each fit a line: broken after separators where possible."""
    if fits(word):
        return [word]
    parts = [p for p in re.split(r"(?<=[/\-.?&=_])", word) if p]
    if len(parts) == 1:  # no separator: break between characters
        parts = list(word)
    pieces, piece = [], ""
    for part in parts:
        if piece and not fits(piece + part):
            pieces.append(piece)
            piece = ""
        if not fits(part) and len(part) > 1:
            *whole, piece = _pieces(part, fits)
            pieces += whole
        else:
            piece += part
    pieces.append(piece)
    return pieces


def lines_height(text: str, size: float, leading: float) -> float:
    """The height of `text` in inches: its lines at `size` points, `leading` times apart."""
    return (text.count("\n") + 1) * size * leading / 72 if text else 0.0


def framed(fig: Figure, head_in: float, body_in: float, foot_in: float) -> None:
    """Size the figure to heading + panels + source line (inches), and lay out the panels
    (constrained layout) in the band between the two."""
    height = head_in + body_in + foot_in
    fig.set_size_inches(fig.get_figwidth(), height)
    fig.set_layout_engine("constrained", rect=(0, foot_in / height, 1, body_in / height))


def legend_band(fig: Figure, legend: Legend, edge: str) -> None:
    """Put a figure legend in a band of its own at the "top" or "bottom" of the panels' band,
    as tall as the legend measures; the panels keep the rest."""
    left, bottom, width, height = fig.get_layout_engine().get()["rect"]
    tall = legend.get_window_extent(fig.canvas.get_renderer()).height / fig.dpi
    band = (tall + GAP) / fig.get_figheight()
    x = MARGIN / fig.get_figwidth()
    if edge == "top":
        legend.set_bbox_to_anchor((x, bottom + height), transform=fig.transFigure)
        legend.set_loc("upper left")
        fig.get_layout_engine().set(rect=(left, bottom, width, height - band))
    else:
        legend.set_bbox_to_anchor((x, bottom), transform=fig.transFigure)
        legend.set_loc("lower left")
        fig.get_layout_engine().set(rect=(left, bottom + band, width, height - band))


# Positions are kept to a millionth of the figure: constrained layout's solver can give the same
# layout with differences in the last bits from run to run, and those would change the bytes.
PLACES = 6


def settle(fig: Figure) -> None:
    """Lay the figure out now (its engine's documented `execute`), keep every panel where it put
    it, rounded to PLACES, and drop the engine: every later draw then gives the same bytes."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    for ax in fig.axes:
        ax.set_position([round(float(v), PLACES) for v in ax.get_position().bounds])
    import matplotlib as mpl

    # None means no engine only while the rc settings ask for none.
    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)

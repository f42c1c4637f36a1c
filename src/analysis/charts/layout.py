"""Where a chart's parts go: heading, panels and source line, laid out by constrained layout.

A chart is one figure split into three rows (matplotlib subfigures): the heading on top, the
panels in the middle, the source line at the bottom. The heading and source rows are as tall as
their text, measured with the figure's own renderer; matplotlib's constrained layout places
the panels, their titles and labels, and any figure legend (`loc="outside ..."`) in the middle.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure, SubFigure

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


def framed(
    fig: Figure, head_in: float, body_in: float, foot_in: float
) -> tuple[SubFigure, SubFigure, SubFigure]:
    """Size the figure to heading + panels + source line (inches) and split it into three rows.

    Constrained layout lays out the middle row; the outer two hold text placed by their owners.
    """
    fig.set_size_inches(fig.get_figwidth(), head_in + body_in + foot_in)
    head, body, foot = fig.subfigures(3, 1, height_ratios=[head_in, body_in, foot_in])
    fig.set_layout_engine("constrained")
    return head, body, foot

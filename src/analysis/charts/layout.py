"""Where a chart's panels go: a figure with a canvas of its own, and margins fitted once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def new_figure(width: float, height: float, **kwargs: Any) -> Figure:
    """A blank figure (inches) with its own Agg canvas; pyplot never knows of it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), **kwargs)
    # A canvas of its own keeps one renderer for every measurement and the PNG's draw, so text
    # measured to lay the figure out is not measured again. A figure without one gets a new
    # renderer, and so an empty text cache, each time anything is measured.
    FigureCanvasAgg(fig)
    return fig


def fit_panels(fig: Figure, rect: tuple[float, float, float, float]) -> None:
    """`fig.tight_layout(rect=rect)`, with each panel measured once rather than twice."""

    # Given a rect, tight_layout measures every panel's extent (ticks, labels, title) in two
    # passes: margins first, then the same margins fitted into the rect. Nothing moves between
    # the passes, so the second measurement only repeats the first: half of a 0.6-0.9 s layout.
    def once(ax: Any) -> Any:
        real, measured = ax.get_tightbbox, {}

        def measure(*args: Any, **kwargs: Any) -> Any:
            key = (tuple(map(id, args)), tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
            if key not in measured:
                measured[key] = real(*args, **kwargs)
            return measured[key]

        return measure

    panels = {ax: vars(ax).get("get_tightbbox") for ax in fig.axes}  # any patch of its own
    for ax in panels:
        ax.get_tightbbox = once(ax)  # this call only: the instance attribute hides the method
    try:
        fig.tight_layout(rect=rect)
    finally:
        for ax, own in panels.items():
            if own is None:
                del ax.get_tightbbox
            else:
                ax.get_tightbbox = own

"""A chart's narrow variant: the same chart redrawn with its panels in one column, for phones.

A chart function offers its narrow variant as it builds the wide one; `figures.publish` draws
it only when the figure is saved for a page (the page's <picture> picks it at phone widths).
The narrow variant has no title or subtitle of its own: the page gives them as text right
above it (its <figcaption>), and a phone's screen has no room to say them twice.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_NARROW: weakref.WeakKeyDictionary[Figure, Callable[[], Figure]] = weakref.WeakKeyDictionary()


def offer_narrow(fig: Figure, redraw: Callable[[], Figure]) -> Figure:
    """Record how to draw `fig`'s narrow variant (called only if it is wanted); return `fig`."""
    _NARROW[fig] = redraw
    return fig


def narrow_of(fig: Figure) -> Figure | None:
    """The narrow variant of `fig`, drawn now; None when its chart offers none."""
    redraw = _NARROW.get(fig)
    return None if redraw is None else redraw()

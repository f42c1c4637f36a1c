"""Laying charts out: margins fitted as tight_layout fits them, each panel measured once."""

from __future__ import annotations

import matplotlib.axes

from analysis.charts import layout

RECT = (0, 0.1, 1, 0.85)  # room for a source line beneath and a heading above


def _four_panels():
    fig = layout.new_figure(8, 5)
    for i, ax in enumerate(fig.subplots(2, 2).flat):
        ax.plot([2021, 2022, 2023], [10 * i, 1000 * i, 5])
        ax.set_title(f"Panel {i + 1}: a title long enough to matter")
        ax.set_ylabel("per 10,000 children")
    return fig


def test_fit_panels_measures_each_panel_once_and_fits_as_tight_layout_does(monkeypatch):
    reference = _four_panels()
    reference.tight_layout(rect=RECT)

    measured = []
    real = matplotlib.axes.Axes.get_tightbbox

    def counting(self, *args, **kwargs):
        measured.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "get_tightbbox", counting)
    fig = _four_panels()
    layout.fit_panels(fig, RECT)

    assert len(measured) == 4  # four panels, once each (tight_layout alone: twice each)
    got = [ax.get_position().bounds for ax in fig.axes]
    assert got == [ax.get_position().bounds for ax in reference.axes]
    assert all("get_tightbbox" not in vars(ax) for ax in fig.axes)  # the method is back


def test_fit_panels_gives_back_a_measurement_a_panel_had_of_its_own():
    fig = _four_panels()
    first = fig.axes[0]
    real = first.get_tightbbox
    own = []

    def patched(*args, **kwargs):
        own.append(1)
        return real(*args, **kwargs)

    first.get_tightbbox = patched
    layout.fit_panels(fig, RECT)
    assert own == [1]  # used once by the layout, through the memo
    assert vars(first)["get_tightbbox"] is patched

"""The benchmark trend chart: nine panels that fit the figure, one legend, years at the bottom."""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg

from analysis.charts import benchmark as charts
from analysis.published.page import load_page


def test_the_trend_panels_and_their_titles_fit_inside_the_figure():
    fig = charts.trend_chart(load_page("Leeds").table, "Leeds")
    renderer = FigureCanvasAgg(fig).get_renderer()
    width = fig.get_figwidth() * fig.dpi
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == 9
    for ax in shown:
        title = ax.title.get_window_extent(renderer)
        assert title.x0 >= 0 and title.x1 <= width, ax.get_title()
    # One legend for the figure, in the comparators' order; none inside a panel.
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        "Leeds",
        "Yorkshire and The Humber",
        "England",
        "Statistical neighbours (median)",
    ]
    assert all(ax.get_legend() is None for ax in shown)
    # Years under the bottom row only: the panels share the time axis.
    with_years = [ax for ax in shown if any(t.get_text() for t in ax.get_xticklabels())]
    assert with_years == shown[6:]

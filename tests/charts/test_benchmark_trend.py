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
    # One legend for the figure, above the panels, in the comparators' order; none inside one.
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


def test_each_series_is_drawn_in_its_style_and_a_suppressed_year_breaks_the_line():
    import math

    from analysis.charts.style import PALETTE

    fig = charts.trend_chart(load_page("Isles of Scilly").table, "Isles of Scilly")
    cin = fig.axes[0]  # children in need rate, the first panel
    lines = {line.get_label(): line for line in cin.get_lines()}
    assert list(lines) == [
        "Isles of Scilly",
        "South West",
        "England",
        "Statistical neighbours (median)",
    ]
    scilly = lines["Isles of Scilly"]
    points = dict(zip(scilly.get_xdata(), scilly.get_ydata(), strict=True))
    # b1 At31_episodes over ONS children aged 0 to 17: 13 / 364 in 2013, 16 / 319 in 2025.
    assert points[2013] == 357.1
    assert points[2025] == 501.6
    # 2014 and 2023 are published as "c": no value, so no line across those years.
    assert math.isnan(points[2014]) and math.isnan(points[2023])
    assert scilly.get_color() == PALETTE[1] and scilly.get_linestyle() == "-"
    assert scilly.get_marker() == "o"
    # England is dashed in dark grey, in the legend as in the panel.
    assert lines["England"].get_color() == PALETTE[4]
    assert lines["England"].get_linestyle() == "--"
    (legend,) = fig.legends
    england = legend.legend_handles[2]
    assert england.get_color() == PALETTE[4] and england.get_linestyle() == "--"


def test_the_narrow_trend_chart_is_one_column_each_panel_with_its_years():
    from analysis.charts import variants

    fig = variants.narrow_of(charts.trend_chart(load_page("Leeds").table, "Leeds"))
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == 9
    fig.draw_without_rendering()
    lefts = {round(ax.get_window_extent().x0) for ax in shown}
    assert len(lefts) == 1  # one column of panels
    for ax in shown:  # a phone shows one panel at a time: each says its years
        assert any(t.get_text() for t in ax.get_xticklabels())

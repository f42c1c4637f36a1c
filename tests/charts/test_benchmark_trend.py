"""The benchmark trend chart: nine panels that fit the figure, one legend, years at the bottom.

What the chart shows is checked (titles, units, each series' points, its colour and dashes in
panel and legend alike), not how it is drawn.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import same_color, to_hex

from analysis.charts import benchmark as charts
from analysis.charts import figures, variants
from analysis.charts.style import PALETTE
from analysis.published.page import load_page

# The catalogue's labels, in TREND_METRICS' order; workforce figures are at 30 September.
TITLES = [
    "Children in need per 10,000 children",
    "Referrals per 10,000 children",
    "Re-referrals within 12 months",
    "Child protection plans per 10,000 children",
    "Children looked after per 10,000 children",
    "Average caseload per case-holding FTE social worker (at 30 September)",
    "Agency social worker rate (at 30 September)",
    "Social worker turnover rate (at 30 September)",
    "Social worker vacancy rate (at 30 September)",
]
RATE, PERCENT = "per 10,000 children", "percent"
UNITS = [RATE, RATE, PERCENT, RATE, RATE, "cases per FTE", PERCENT, PERCENT, PERCENT]
SCILLY_SERIES = ["Isles of Scilly", "South West", "England", "Statistical neighbours (median)"]


def _shown(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def test_the_trend_panels_and_their_titles_fit_inside_the_figure():
    fig = charts.trend_chart(load_page("Leeds").table, "Leeds")
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw_without_rendering()
    width = fig.get_figwidth() * fig.dpi
    shown = _shown(fig)
    assert len(shown) == 9
    # Each panel names its measure (wrapped to the panel, never cut) and its unit.
    assert [" ".join(ax.get_title(loc="left").split()) for ax in shown] == TITLES
    assert [ax.get_ylabel() for ax in shown] == UNITS
    assert all(ax.yaxis.label.get_visible() for ax in shown)
    for ax in shown:
        title = ax.title.get_window_extent(renderer)
        assert title.x0 >= 0 and title.x1 <= width, ax.get_title()
        assert ax.get_ylim()[0] == 0  # rates and shares from zero
    # One legend for the figure, above the panels, in the comparators' order; none inside one.
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        "Leeds",
        "Yorkshire and The Humber",
        "England",
        "Statistical neighbours (median)",
    ]
    assert all(ax.get_legend() is None for ax in shown)
    legend_bottom = legend.get_window_extent(renderer).y0
    assert all(ax.get_tightbbox(renderer).y1 <= legend_bottom for ax in shown)
    # Years under the bottom row only: the panels share the time axis. Whole years, no "2017.5".
    with_years = [ax for ax in shown if any(t.get_text() for t in ax.get_xticklabels())]
    assert with_years == shown[6:]
    for ax in with_years:
        low, high = ax.get_xlim()
        years = [t.get_text() for t in ax.get_xticklabels() if low <= t.get_position()[0] <= high]
        assert years and all(re.fullmatch(r"20\d\d", y) for y in years), years


def _lines_by_series(fig, ax) -> dict[str, object]:
    """A panel's lines, each named by the legend entry of its colour (one colour a series)."""
    (legend,) = fig.legends
    names = [t.get_text() for t in legend.get_texts()]
    found = {}
    for line in ax.get_lines():
        (name,) = [
            n for n, h in zip(names, legend.legend_handles, strict=True)
            if same_color(h.get_color(), line.get_color())
        ]  # fmt: skip
        found[name] = line
    return found


def test_each_series_is_drawn_in_its_style_and_a_suppressed_year_breaks_the_line():
    fig = charts.trend_chart(load_page("Isles of Scilly").table, "Isles of Scilly")
    cin = _shown(fig)[0]  # children in need rate, the first panel
    lines = _lines_by_series(fig, cin)
    assert list(lines) == SCILLY_SERIES  # drawn in the legend's order
    scilly = lines["Isles of Scilly"]
    assert same_color(scilly.get_color(), PALETTE[1])
    assert same_color(lines["England"].get_color(), PALETTE[4])
    drawn = [
        (None, None) if math.isnan(y) else (int(x), y)
        for x, y in zip(scilly.get_xdata(), scilly.get_ydata(), strict=True)
    ]
    # 2014 and 2023 are published as "c": no value, and a break in the line there (a point
    # with no position), never a join across the gap.
    years = [2013, None, *range(2015, 2023), None, 2024, 2025]
    assert [x for x, _ in drawn] == years
    # b1 At31_episodes over ONS children aged 0 to 17: 13 / 364 in 2013, 16 / 319 in 2025.
    assert drawn[0] == (2013, 357.1)
    assert drawn[-1] == (2025, 501.6)
    # Every point is marked.
    assert all(line.get_marker() == "o" for line in lines.values())


def test_each_series_has_one_colour_and_dash_pattern_in_every_panel_and_the_legend():
    fig = charts.trend_chart(load_page("Isles of Scilly").table, "Isles of Scilly")
    svg = figures.svg_bytes(fig).decode()
    # Each drawn line's stroke in the SVG: its colour and its dashes (none when solid).
    styles = defaultdict(set)
    counts = defaultdict(int)
    for style in re.findall(r'style="fill: none;([^"]*)"', svg):
        colour = re.search(r"stroke: (#[0-9a-f]{6})", style)
        if colour and "stroke-width: 1.8" in style:
            dashes = re.search(r"stroke-dasharray: ([0-9.,]+)", style)
            styles[colour[1]].add(dashes[1] if dashes else "solid")
            counts[colour[1]] += 1
    authority, region, england, median = (to_hex(PALETTE[k]) for k in (1, 0, 4, 2))
    # 9 panels and the legend: each series the same all ten times. The dashes are in points,
    # 1.8 points wide lines: the region 4 x 1.8 on, 1.5 x 1.8 off; England 2 and 2; the median
    # 6 and 2.
    assert dict(styles) == {
        authority: {"solid"},
        region: {"7.2,2.7"},
        england: {"3.6,3.6"},
        median: {"10.8,3.6"},
    }
    assert set(counts.values()) == {10}


def test_the_trend_chart_draws_the_same_bytes_twice():
    table = load_page("Isles of Scilly").table
    first = charts.trend_chart(table, "Isles of Scilly")
    again = charts.trend_chart(table, "Isles of Scilly")
    assert figures.png_bytes(first) == figures.png_bytes(again)
    assert figures.svg_bytes(first) == figures.svg_bytes(again)


def test_the_narrow_trend_chart_is_one_column_each_panel_with_its_years():
    fig = variants.narrow_of(charts.trend_chart(load_page("Leeds").table, "Leeds"))
    shown = _shown(fig)
    assert len(shown) == 9
    assert [" ".join(ax.get_title(loc="left").split()) for ax in shown] == TITLES
    fig.draw_without_rendering()
    lefts = {round(ax.get_window_extent().x0) for ax in shown}
    assert len(lefts) == 1  # one column of panels
    for ax in shown:  # a phone shows one panel at a time: each says its years
        assert any(t.get_text() for t in ax.get_xticklabels())
    (legend,) = fig.legends
    assert len(legend.get_texts()) == 4  # every series, one a line


def test_a_panel_with_none_below_it_shows_its_years():
    # Without the vacancy rate, eight panels in three columns: rows of 3, 3 and 2. The third
    # panel of the second row (caseloads) has none below it, so it shows its years, as do the
    # two of the last row; the five above them do not.
    table = load_page("Leeds").table
    fig = charts.trend_chart(table[table["metric"] != "vacancy_rate_fte"], "Leeds")
    fig.draw_without_rendering()
    shown = _shown(fig)
    assert [" ".join(ax.get_title(loc="left").split()) for ax in shown] == TITLES[:8]
    with_years = [
        k for k, ax in enumerate(shown) if any(t.get_text() for t in ax.get_xticklabels())
    ]
    assert with_years == [5, 6, 7]

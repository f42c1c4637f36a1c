"""Every authority's name fits: no chart text cut; England's line clear of value labels."""

from __future__ import annotations

import pytest
from matplotlib.text import Text

from analysis.charts import benchmark as charts
from analysis.charts import figures, variants
from analysis.published.page import load_page

LONGEST = (
    "Bournemouth, Christchurch and Poole",
    "Kingston upon Hull, City of",
    "Herefordshire, County of",
    "Bristol, City of",
)


def _cut(fig) -> list[str]:
    """The texts drawn on a figure that reach beyond its edges (after a draw)."""
    figures.png_bytes(fig)
    frame = fig.bbox
    shown = [ax for ax in fig.axes if ax.get_visible()]
    extents = [(ax.get_title(loc="left"), ax.get_tightbbox()) for ax in shown]
    # Figure-level text: title, subtitle, source line and legends.
    title = [t for t in fig.findobj(Text) if t.get_text() == fig.get_suptitle()]
    drawn = [t for t in [*title, *fig.texts] if t.get_text()]
    extents += [(t.get_text(), t.get_window_extent()) for t in drawn]
    extents += [("legend", leg.get_window_extent()) for leg in fig.legends]
    return [
        text
        for text, box in extents
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > frame.x1 + 0.5 or box.y1 > frame.y1 + 0.5
    ]


@pytest.mark.parametrize("name", LONGEST)
def test_the_neighbours_chart_keeps_every_text_inside_the_figure(name):
    table = load_page(name).table
    fig = charts.latest_bar_chart(table, f"{name} is compared with its neighbours", "subtitle")
    narrow = variants.narrow_of(fig)
    assert _cut(fig) == []
    assert _cut(narrow) == []
    # The name is wrapped, never shortened: its words are all on the axis, in order.
    for drawn in (fig, narrow):
        ax = drawn.axes[0]
        labels = [" ".join(t.get_text().split()) for t in ax.get_yticklabels()]
        assert name in labels


def test_the_trend_chart_keeps_every_text_inside_the_figure():
    name = LONGEST[0]
    fig = charts.trend_chart(load_page(name).table, f"{name}'s rates over the years", "subtitle")
    assert _cut(fig) == []
    assert _cut(variants.narrow_of(fig)) == []


def test_englands_line_never_runs_through_a_value_label():
    # Cornwall's children in need rate (318.6) and caseload (13.5) sit just short of England's
    # (330.3 and 15.2, say): their labels would start left of England's line.
    fig = charts.latest_bar_chart(load_page("Cornwall").table, "t")
    figures.png_bytes(fig)
    crossings = []
    for ax in fig.axes:
        (england,) = ax.get_lines()  # the one line on a bar panel: England's, dashed
        x = ax.transData.transform((england.get_xdata()[0], 0))[0]
        for label in ax.texts:
            box = label.get_window_extent()
            line = england.get_window_extent()  # its own label ("England 330.3") too
            if box.x0 <= x <= box.x1 and box.y0 < line.y1 and line.y0 < box.y1:
                crossings.append(label.get_text())
    assert crossings == []
    labels = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert {"318.6", "13.5"} <= labels  # both still shown


def test_the_timeliness_chart_and_its_long_sources_stay_inside_the_figure():
    from tidy_rows import shipped_like

    from analysis.charts import kinds
    from analysis.present import selection

    rows = shipped_like()
    # The FOI's source is cited by a long web address: it wraps, broken after its slashes.
    rows.loc[rows["source_ref"] == "https://example.org/foi", "source_ref"] = (
        "https://careappointments.com/care-news/england/85834/figures-show-extent-of-social-"
        "care-failings-in-peterborough"
    )
    points = [
        selection.timeliness_points(rows, p, late) for p, late in selection.TIMELINESS_METRICS
    ]
    fig = kinds.timeliness_chart(
        points, "In April–May 2012, 99% of initial assessments were on time"
    )
    assert _cut(fig) == []
    assert _cut(variants.narrow_of(fig)) == []

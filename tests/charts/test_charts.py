"""The chart functions draw the right values, honestly, and save the same bytes every time."""

from __future__ import annotations

import base64
import itertools

import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter
from matplotlib.lines import Line2D
from matplotlib.path import Path
from tidy_rows import (
    DOC,
    FOI,
    SCRUTINY,
    frame,
    month_ends,
    monthly,
    row,
    shipped_like,
    with_monthly_figures,
)

from analysis import config
from analysis.charts import data_tables, figures, kinds, layout
from analysis.metrics import tidy
from analysis.present import formatting, selection
from analysis.story import alt_text


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _data_lines(ax) -> list[Line2D]:
    # Lines that carry markers are the plotted points; dotted ones are slope connectors.
    return [ln for ln in ax.get_lines() if ln.get_marker() not in (None, "None", "")]


def _ticks(ax) -> list[str]:
    return [t.get_text() for t in ax.get_xticklabels()]


def _figure_text(fig) -> str:
    return "\n".join(t.get_text() for t in fig.texts)


# --- change charts ------------------------------------------------------------------------


def test_before_and_after_draw_two_points_and_a_dotted_connector():
    rows = selection.select(shipped_like(), "open_cin_cases")
    fig = kinds.change_chart(rows, "Open children in need cases fell by 486 (32.7%)")
    ax = fig.axes[0]
    (points,) = _data_lines(ax)
    assert list(points.get_xdata()) == [0, 1]
    assert list(points.get_ydata()) == [1486, 1000]
    assert points.get_linestyle() == "None"  # the points themselves are not joined by a path
    connectors = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":"]
    assert len(connectors) == 1 and list(connectors[0].get_ydata()) == [1486, 1000]
    assert [t.replace("\n", " ") for t in _ticks(ax)] == ["December 2011", "end of April 2012"]
    assert sorted(_texts(ax)) == ["1,000", "1,486"]
    assert kinds.chart_kind(rows) == "slope"


def test_three_or_more_dated_periods_draw_a_line_in_time():
    rows = monthly("open_cin_cases", [900, 950, 1010, 980])
    fig = kinds.change_chart(rows, "A trend")
    ax = fig.axes[0]
    (line,) = _data_lines(ax)
    assert list(line.get_ydata()) == [900, 950, 1010, 980]
    solid = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-"]
    assert [list(ln.get_ydata()) for ln in solid] == [[900, 950], [950, 1010], [1010, 980]]
    xs = pd.to_datetime(pd.Series(line.get_xdata()))
    assert xs.is_monotonic_increasing and xs.iloc[0].month == 1 and xs.iloc[0].day == 16
    assert sorted(_texts(ax)) == sorted(["900", "950", "1,010", "980"])
    assert kinds.chart_kind(rows) == "line"


def test_long_monthly_series_still_labels_every_point():
    values = list(range(100, 124))
    ax = kinds.change_chart(monthly("open_cin_cases", values), "Two years").axes[0]
    assert len(_data_lines(ax)[0].get_ydata()) == 24
    assert len(ax.texts) == 24
    # Upright, smaller labels so 24 neighbours do not overlap; a date axis, not 24 names.
    assert {t.get_rotation() for t in ax.texts} == {90}
    assert "January 2013" not in _ticks(ax)


def test_two_dated_periods_of_a_monthly_metric_stay_a_slope():
    rows = monthly("open_cin_cases", [900, 950])
    assert kinds.chart_kind(rows) == "slope"
    ax = kinds.change_chart(rows, "Two months").axes[0]
    assert [ln.get_linestyle() for ln in _data_lines(ax)] == ["None"]


def test_undated_before_and_after_are_categories_said_to_be_undated():
    df = shipped_like()
    fig = kinds.change_chart(
        [selection.select(df, "caseload_per_worker"), selection.select(df, "staff_establishment")],
        "Caseloads fell",
    )
    loads, staff = fig.axes
    assert _ticks(loads) == ["Before", "After"] == _ticks(staff)
    assert "undated" in loads.get_xlabel().lower() and "undated" in staff.get_xlabel().lower()
    series = {ln.get_label(): list(ln.get_ydata()) for ln in _data_lines(loads)}
    assert series == {"Referral and Assessment": [30, 17], "Family Support": [27, 20]}
    assert sorted(_texts(loads)) == ["17", "20", "27", "30"]
    assert [list(ln.get_ydata()) for ln in _data_lines(staff)] == [[56, 81]]
    assert [t.get_text() for t in loads.get_legend().get_texts()] == list(series)
    assert staff.get_legend() is None  # one series: the panel title names it


def test_count_axes_start_at_zero_and_leave_room_for_labels():
    df = shipped_like()
    for metric in ("open_cin_cases", "staff_establishment", "caseload_per_worker"):
        ax = kinds.change_chart(selection.select(df, metric), "t").axes[0]
        bottom, top = ax.get_ylim()
        assert bottom == 0
        assert top > df.loc[df["metric"] == metric, "value"].max()


def test_percent_axes_run_from_zero_to_one_hundred():
    rows = monthly("initial_assessments_on_time_pct", [80, 85, 90])
    ax = kinds.change_chart(rows, "t").axes[0]
    assert ax.get_ylim()[0] == 0
    assert list(ax.get_yticks()) == [0, 20, 40, 60, 80, 100]
    assert sorted(_texts(ax)) == ["80%", "85%", "90%"]


def test_shared_y_gives_panels_the_same_scale():
    df = shipped_like()
    panels = [selection.select(df, m) for m in selection.BACKLOG_METRICS]
    fig = kinds.change_chart(panels, "Backlogs", share_y=True)
    assert fig.axes[0].get_ylim() == fig.axes[1].get_ylim()
    unshared = kinds.change_chart(panels, "Backlogs")
    assert unshared.axes[0].get_ylim() != unshared.axes[1].get_ylim()


def test_source_line_names_document_and_paragraphs():
    rows = selection.select(shipped_like(), "open_cin_cases")
    fig = kinds.change_chart(rows, "t")
    assert "Source: Cabinet report, para 1, para 4.7." in _figure_text(fig).replace("\n", " ")


def test_source_text_numbers_several_sources():
    df = frame(
        row("open_cin_cases", "a", 1, source="A", ref="p1"),
        row("open_cin_cases", "b", 1, source="B", ref="p2"),
        row("open_cin_cases", "c", 1, source="A", ref="p1"),
    )
    assert kinds.source_text(df) == "Sources: A, p1; B, p2."
    assert kinds.source_text(df, numbered=True) == "Sources: [1] A, p1; [2] B, p2."


def test_title_states_the_finding_wrapped_to_the_figure():
    rows = selection.select(shipped_like(), "open_cin_cases")
    title = (
        "In Peterborough, open children in need cases fell by 486 (32.7%), from 1,486 in December"
        " 2011 to 1,000 at the end of April 2012."
    )
    fig = kinds.change_chart(rows, title)
    # One panel makes a figure 5.0 + 0.5 = 5.5 inches wide; less 0.08-inch margins each side,
    # a line of title is 5.34 inches. Each line is as many words as fit, measured as drawn.
    lines = fig.get_suptitle().split("\n")
    assert " ".join(lines) == title
    assert len(lines) == 3
    for k, line in enumerate(lines):
        assert layout.text_width(fig, line, 13, "bold") <= 5.34
        if k + 1 < len(lines):  # and the next line's first word would not have fitted
            longer = f"{line} {lines[k + 1].split()[0]}"
            assert layout.text_width(fig, longer, 13, "bold") > 5.34


def test_approximate_dates_are_said_on_the_chart():
    rows = frame(
        row("open_cin_cases", "spring 2012", 10, start="2012-03-01", end="2012-05-31",
            quality="approximate"),
        row("open_cin_cases", "June 2012", 12, start="2012-06-01", end="2012-06-30"),
    )  # fmt: skip
    ax = kinds.change_chart(rows, "t").axes[0]
    assert _ticks(ax) == ["spring 2012\n(date approximate)", "June 2012"]


def test_qualified_and_suppressed_values_are_labelled_as_such():
    rows = frame(
        row("open_cin_cases", "January 2012", 600, start="2012-01-01", qualifier="nearly"),
        row("open_cin_cases", "February 2012", None, start="2012-02-01", qualifier="suppressed"),
    )
    ax = kinds.change_chart(rows, "t").axes[0]
    assert sorted(_texts(ax)) == ["nearly 600", "suppressed"]


def test_close_labels_are_nudged_apart():
    rows = frame(
        row("initial_assessments_overdue", "December 2011", 235, start="2011-12-01"),
        row("initial_assessments_overdue", "April 2012", 0, start="2012-04-30"),
        row("core_assessments_overdue", "December 2011", 125, start="2011-12-01"),
        row("core_assessments_overdue", "April 2012", 5, start="2012-04-30"),
    )
    ax = kinds.change_chart(rows, "t").axes[0]
    ys = {t.get_text(): t.xy[1] for t in ax.texts}
    top = ax.get_ylim()[1]
    assert ys["5"] - ys["0"] >= 0.05 * top
    assert (ys["235"], ys["125"]) == (235, 125)  # labels far apart stay on their points


def test_one_unit_per_panel():
    rows = pd.concat(
        [selection.select(shipped_like(), m) for m in ("open_cin_cases", "caseload_per_worker")]
    )
    with pytest.raises(ValueError, match="one unit per panel"):
        kinds.change_chart(rows, "t")


def _tick_label_boxes(fig, ax):
    # Only the labels of ticks inside the view are drawn; measure those, left to right.
    fig.draw_without_rendering()
    low, high = sorted(ax.get_xlim())
    shown = [
        (label.get_text(), label.get_window_extent())
        for x, label in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True)
        if low <= x <= high and label.get_text()
    ]
    return sorted(shown, key=lambda item: item[1].x0)


def _assert_tick_labels_apart(fig):
    width, height = fig.bbox.width, fig.bbox.height
    for ax in fig.axes:
        shown = _tick_label_boxes(fig, ax)
        assert len(shown) >= 2, [text for text, _ in shown]
        for (a, box_a), (b, box_b) in itertools.pairwise(shown):
            assert box_a.x1 < box_b.x0, (a, b)  # strictly apart, not merely touching
        for text, box in shown:
            assert box.x0 >= 0 and box.x1 <= width and 0 <= box.y0 <= height, text


def test_few_dated_periods_name_each_point_in_short_at_its_date():
    # An analyst's month-end counts after a whole-month figure: five periods, one tick each.
    rows = selection.select(with_monthly_figures(), "open_cin_cases")
    fig = kinds.change_chart(rows, "Open children in need cases fell by 486 (32.7%)")
    ax = fig.axes[0]
    (line,) = _data_lines(ax)
    xs = list(pd.to_datetime(pd.Series(line.get_xdata())).dt.strftime("%Y-%m-%d"))
    # A month sits at its middle; "end of April" on 30 April.
    assert xs == ["2011-12-16", "2012-01-31", "2012-02-29", "2012-03-31", "2012-04-30"]
    assert [t for t, _ in _tick_label_boxes(fig, ax)] == [
        "Dec\n2011", "end Jan\n2012", "end Feb\n2012", "end Mar\n2012", "end Apr\n2012",
    ]  # fmt: skip
    assert list(ax.get_xticks()) == list(ax.convert_xunits(line.get_xdata()))  # a tick per point
    _assert_tick_labels_apart(fig)


MONTH = "open_cin_cases"
CROWDED_KINDS = frame(
    row(MONTH, "March 2010", 5, start="2010-03-01", end="2010-03-31"),
    row(MONTH, "September 2011", 6, start="2011-09-01", end="2011-09-30"),
    row(MONTH, "April 2012", 7, start="2012-04-01", end="2012-04-30"),
    row(MONTH, "April–May 2012", 8, start="2012-04-01", end="2012-05-31"),
    row(MONTH, "year to date to September 2012", 9, start="2012-04-01", end="2012-09-30",
        quality="approximate"),
)  # fmt: skip


@pytest.mark.parametrize(
    "panels",
    [
        [selection.select(with_monthly_figures(), "open_cin_cases")],
        selection.backlog_panels(with_monthly_figures()),
        [CROWDED_KINDS],
        [month_ends(MONTH, "2012-01-01", [3, 4, 5])],
        [frame(row(MONTH, "2012", 1, start="2012-01-01", end="2012-12-31"),
               row(MONTH, "Q1 2013", 2, start="2013-01-01", end="2013-03-31"),
               row(MONTH, "15 April 2013", 3, start="2013-04-15"),
               row(MONTH, "16 April–15 May 2013", 4, start="2013-04-16", end="2013-05-15"))],
        *([monthly(MONTH, list(range(n)))] for n in (3, 6, 7, 9, 13, 24, 40, 120)),
        [CROWDED_KINDS, monthly(MONTH, list(range(6))), month_ends(MONTH, "2012-01-01", [1, 2, 3])],
    ],
    ids=["cin", "backlogs", "crowded", "month-ends", "kinds", "m3", "m6", "m7", "m9", "m13",
         "m24", "m40", "m120", "three-panels"],
)  # fmt: skip
def test_time_axis_tick_labels_never_overlap(panels, request):
    fig = kinds.change_chart(panels, "t", share_y=True)
    _assert_tick_labels_apart(fig)
    # The points stay on a true time axis whatever the ticks are: each at its period's middle.
    expected = MIDDLES[request.node.callspec.id]
    for ax, rows, dates in zip(fig.axes, panels, expected, strict=True):
        if dates is None:  # a before and an after: categories, not a time axis
            assert kinds.chart_kind(rows) == "slope"
            continue
        (line,) = _data_lines(ax)
        got = [str(d) for d in pd.to_datetime(pd.Series(line.get_xdata()))]
        if isinstance(dates, tuple):  # a long monthly series: how many, the first and the last
            count, first, last = dates
            assert (len(got), got[0], got[-1]) == (count, first, last)
        else:
            assert got == dates


# The middle of each period worked out by hand, one list per panel (None: not a line). The middle
# is the start plus half the days from the first to the last day: a 31-day month's is its 16th,
# a 30-day month's the 15th at noon, February's the 14th at noon (the 15th in a leap year); a
# date ("end of April 2012") is itself. Monthly series (tidy_rows.monthly) start in January 2013.
CROWDED_MIDDLES = [
    "2010-03-16 00:00:00",  # March 2010
    "2011-09-15 12:00:00",  # September 2011
    "2012-04-15 12:00:00",  # April 2012
    "2012-05-01 00:00:00",  # 1 April to 31 May 2012: 60 days after the start, halved
    "2012-07-01 00:00:00",  # 1 April to 30 September 2012: 182 days, halved
]
MONTHLY_MIDDLES = [
    "2013-01-16 00:00:00",
    "2013-02-14 12:00:00",
    "2013-03-16 00:00:00",
    "2013-04-15 12:00:00",
    "2013-05-16 00:00:00",
    "2013-06-15 12:00:00",
]
END_OF_JAN_TO_MAR_2012 = ["2012-01-31 00:00:00", "2012-02-29 00:00:00", "2012-03-31 00:00:00"]
MIDDLES = {
    "cin": [["2011-12-16 00:00:00", *END_OF_JAN_TO_MAR_2012, "2012-04-30 00:00:00"]],
    # Initial: December 2011, end of April, end of May 2012; core: a before and an after.
    "backlogs": [["2011-12-16 00:00:00", "2012-04-30 00:00:00", "2012-05-31 00:00:00"], None],
    "crowded": [CROWDED_MIDDLES],
    "month-ends": [END_OF_JAN_TO_MAR_2012],
    "kinds": [
        [
            "2012-07-01 12:00:00",  # 2012: 365 days from 1 January to 31 December, halved
            "2013-02-14 12:00:00",  # Q1 2013: 89 days from 1 January to 31 March, halved
            "2013-04-15 00:00:00",
            "2013-04-30 12:00:00",  # 16 April to 15 May 2013: 29 days, halved
        ]
    ],
    "m3": [MONTHLY_MIDDLES[:3]],
    "m6": [MONTHLY_MIDDLES],
    "m7": [(7, "2013-01-16 00:00:00", "2013-07-16 00:00:00")],
    "m9": [(9, "2013-01-16 00:00:00", "2013-09-15 12:00:00")],
    "m13": [(13, "2013-01-16 00:00:00", "2014-01-16 00:00:00")],
    "m24": [(24, "2013-01-16 00:00:00", "2014-12-16 00:00:00")],
    "m40": [(40, "2013-01-16 00:00:00", "2016-04-15 12:00:00")],
    "m120": [(120, "2013-01-16 00:00:00", "2022-12-16 00:00:00")],
    "three-panels": [CROWDED_MIDDLES, MONTHLY_MIDDLES, END_OF_JAN_TO_MAR_2012],
}


def test_short_tick_labels_follow_the_period_kind_and_say_approximate():
    rows = frame(
        row(MONTH, "spring 2012", 10, start="2012-03-01", end="2012-05-31", quality="approximate"),
        row(MONTH, "June 2012", 12, start="2012-06-01", end="2012-06-30"),
        row(MONTH, "end of July 2012", 11, start="2012-07-31"),
        row(MONTH, "2 October 2012", 11, start="2012-10-02"),
    )
    fig = kinds.change_chart(rows, "t")
    assert [t for t, _ in _tick_label_boxes(fig, fig.axes[0])] == [
        "Mar–May\n2012\n(approx.)", "Jun\n2012", "end Jul\n2012", "2 Oct\n2012",
    ]  # fmt: skip


def test_crowded_periods_fall_back_to_round_dates_and_name_approximate_ones():
    # April 2012 and April–May 2012 are a fortnight apart on a two-year axis: a tick for each
    # period would collide, so the axis shows round dates and says which date is approximate.
    fig = kinds.change_chart(CROWDED_KINDS, "t")
    ax = fig.axes[0]
    texts = [t for t, _ in _tick_label_boxes(fig, ax)]
    assert "2012" in texts and not any("April" in t for t in texts)
    assert ax.get_xlabel().replace("\n", " ") == (
        "Date approximate: year to date to September 2012"
    )


# --- timeliness ---------------------------------------------------------------------------


def _timeliness_fig():
    df = shipped_like()
    points = [selection.timeliness_points(df, p, late) for p, late in selection.TIMELINESS_METRICS]
    return kinds.timeliness_chart(points, "In April–May 2012, 99% ..."), points


def _marker_dates(ax) -> dict[float, pd.Timestamp]:
    # value -> where its marker sits on the time axis
    return {
        round(float(y), 1): pd.Timestamp(x)
        for ln in _data_lines(ax)
        for x, y in zip(ln.get_xdata(), ln.get_ydata(), strict=True)
    }


def _spans(ax) -> set[tuple[str, str, float]]:
    # Lines without markers: (first day, last day, value) of each period drawn as a span.
    return {
        (str(pd.Timestamp(ln.get_xdata()[0]).date()), str(pd.Timestamp(ln.get_xdata()[-1]).date()),
         round(float(ln.get_ydata()[0]), 1))
        for ln in ax.get_lines()
        if ln not in _data_lines(ax) and ln.get_linestyle() == "-"
    }  # fmt: skip


def test_timeliness_marks_context_points_as_other_sources():
    fig, _ = _timeliness_fig()
    initial, core = fig.axes
    by_label = {ln.get_label(): ln for ln in _data_lines(initial)}
    main = by_label["[1] this report's source"]
    assert list(main.get_ydata()) == [99]
    assert main.get_markerfacecolor() != "white"
    foi = by_label["[2] other source, for context"]
    assert [round(v, 1) for v in foi.get_ydata()] == [40.4, 43.0, 99.5]
    assert foi.get_markerfacecolor() == "white" and foi.get_linestyle() == "None"
    scrutiny = by_label["[3] other source, for context"]
    assert list(scrutiny.get_ydata()) == [97.6]
    assert scrutiny.get_marker() != foi.get_marker()
    # The same source keeps its number and marker in every panel.
    core_labels = {ln.get_label(): ln.get_marker() for ln in _data_lines(core)}
    assert core_labels == {
        "[1] this report's source": "o",
        "[3] other source, for context": scrutiny.get_marker(),
    }
    legend = [t.get_text() for t in initial.get_legend().get_texts()]
    assert legend == [*sorted(by_label), kinds.SPAN_LEGEND]


def test_timeliness_points_sit_mid_period_on_a_time_axis():
    fig, _ = _timeliness_fig()
    initial, core = fig.axes
    at = _marker_dates(initial)
    assert at == {
        40.4: pd.Timestamp("2010-03-16"),
        43.0: pd.Timestamp("2011-09-15 12:00"),
        99.5: pd.Timestamp("2012-04-15 12:00"),
        99.0: pd.Timestamp("2012-05-01"),
        97.6: pd.Timestamp("2012-07-01"),  # 1 April to 30 September
    }
    assert sorted(at, key=at.get) == [40.4, 43.0, 99.5, 99.0, 97.6]  # time order, left to right
    # Distance on the page is proportional to time: 18 months then 7, not two equal steps.
    fig.draw_without_rendering()
    x = {v: initial.transData.transform((initial.convert_xunits(d), v))[0] for v, d in at.items()}
    on_page = (x[43.0] - x[40.4]) / (x[99.5] - x[43.0])
    in_time = (at[43.0] - at[40.4]) / (at[99.5] - at[43.0])
    assert on_page == pytest.approx(in_time, rel=1e-6) and in_time > 2.5
    assert _marker_dates(core) == {92.0: pd.Timestamp("2012-05-01"), 88.8: at[97.6]}
    # Tick labels are dates, each naming its year.
    fig.draw_without_rendering()
    ticks = [t for t in _ticks(initial) if t]
    assert "2011" in ticks and "Jul 2011" in ticks
    assert all(t.endswith("2012") for t in _ticks(core) if t)


def test_periods_longer_than_a_month_show_their_span_and_nothing_else_is_joined():
    fig, _ = _timeliness_fig()
    initial, core = fig.axes
    assert _spans(initial) == {
        ("2012-04-01", "2012-05-31", 99.0),
        ("2012-04-01", "2012-09-30", 97.6),
    }  # April 2012 alone is one month: a point, no span
    assert _spans(core) == {("2012-04-01", "2012-05-31", 92.0), ("2012-04-01", "2012-09-30", 88.8)}
    for ax in (initial, core):
        markers = {
            round(float(y), 1): ln.get_color() for ln in _data_lines(ax) for y in ln.get_ydata()
        }
        for ln in ax.get_lines():
            if ln in _data_lines(ax):
                assert ln.get_linestyle() == "None"  # no path through points of any source
                continue
            ys = {round(float(y), 1) for y in ln.get_ydata()}
            assert len(ln.get_xdata()) == 2 and len(ys) == 1  # a flat span, joining nothing
            assert ln.get_color() == markers[ys.pop()]  # drawn in its point's colour
            assert ln.get_linewidth() < 2


def _boxes(fig, ax):
    # The text alone: an annotation's own extent would include its leader line.
    from matplotlib.text import Text

    fig.draw_without_rendering()
    return {t.get_text(): Text.get_window_extent(t) for t in ax.texts}


def test_crowded_value_labels_do_not_overlap_and_approximate_dates_are_said():
    fig, _ = _timeliness_fig()
    for ax in fig.axes:
        boxes = _boxes(fig, ax)
        frame_box = ax.get_window_extent()
        names = list(boxes)
        for i, a in enumerate(names):
            assert frame_box.contains(boxes[a].x0, boxes[a].y0)
            assert frame_box.contains(boxes[a].x1, boxes[a].y1)
            for b in names[i + 1 :]:
                assert not boxes[a].overlaps(boxes[b]), (a, b)
        for t in ax.texts:
            if t.arrow_patch is not None:  # a leader line crosses no other label
                xy = ax.transData.transform((ax.convert_xunits(t.xy[0]), t.xy[1]))
                leader = Path([xy, boxes[t.get_text()].get_points().mean(axis=0)])
                others = [b for k, b in boxes.items() if k != t.get_text()]
                assert not any(leader.intersects_bbox(b) for b in others), t.get_text()
    initial, core = fig.axes
    assert sorted(_texts(initial)) == sorted(
        ["40.4%", "43%", "99.5%", "99%", "97.6%\n(date approximate)"]
    )
    assert sorted(_texts(core)) == ["88.8%\n(date approximate)", "92%"]
    # April 2012, April–May 2012 and the year to date crowd: some labels move out on leaders.
    moved = {t.get_text() for t in initial.texts if t.arrow_patch is not None}
    assert moved and moved <= {"99.5%", "99%", "97.6%\n(date approximate)"}
    alone = {t.get_text(): t.xyann for t in initial.texts if t.get_text() in ("40.4%", "43%")}
    assert alone == {"40.4%": (0, 7), "43%": (0, 7)}  # far from others: just above the point


def test_value_labels_keep_clear_of_other_points_markers():
    fig, _ = _timeliness_fig()
    initial = fig.axes[0]
    boxes = _boxes(fig, initial)
    for ln in _data_lines(initial):
        for x, y in zip(ln.get_xdata(), ln.get_ydata(), strict=True):
            px, py = initial.transData.transform((initial.convert_xunits(x), y))
            own = formatting.fmt_value(y, "percent")
            for text, box in boxes.items():
                if not text.startswith(own):
                    assert not box.padded(4).contains(px, py), (text, own)


def test_timeliness_labels_axis_and_sources():
    fig, _ = _timeliness_fig()
    initial, core = fig.axes
    assert initial.get_ylim()[0] == 0 and max(initial.get_yticks()) == 100
    assert list(core.get_yticks()) == [0, 20, 40, 60, 80, 100]
    # Other sources count "longer than 10 days": no label on the chart claims working days.
    assert initial.get_ylabel() == core.get_ylabel() == "% on time"
    assert "working" not in initial.get_title() + core.get_title()
    source = _figure_text(fig).replace("\n", " ")
    assert f"[1] {DOC}, para 1" in source
    assert f"[2] {FOI}, https://example.org/foi" in source
    assert f"[3] {SCRUTINY}" in source


def test_timeliness_refuses_undated_points():
    df = frame(row("initial_assessments_on_time_pct", "before (undated)", 50))
    points = selection.timeliness_points(df, "initial_assessments_on_time_pct")
    with pytest.raises(ValueError, match=r"need dates; undated: before \(undated\)"):
        kinds.timeliness_chart(points, "t")


def test_timeliness_with_monthly_main_figures_draws_a_line():
    rows = monthly("initial_assessments_on_time_pct", [70, 75, 80, 85])
    points = selection.timeliness_points(rows, "initial_assessments_on_time_pct")
    fig = kinds.timeliness_chart(points, "t")
    ax = fig.axes[0]
    (line,) = _data_lines(ax)
    assert line.get_linestyle() == "-" and list(line.get_ydata()) == [70, 75, 80, 85]
    xs = pd.to_datetime(pd.Series(line.get_xdata()))
    assert xs.is_monotonic_increasing and list(xs.dt.month) == [1, 2, 3, 4]
    assert _spans(ax) == set() and ax.get_legend_handles_labels()[1] == [line.get_label()]
    boxes = list(_boxes(fig, ax).values())
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


# --- alt text, show and save --------------------------------------------------------------


def test_alt_text_states_every_value():
    df = shipped_like()
    panels = [
        selection.select(df, "caseload_per_worker"),
        selection.select(df, "staff_establishment"),
    ]
    alt = alt_text.describe(panels, "Caseloads fell")
    assert alt.startswith("Caseloads fell. Slope chart, Average caseload per worker, ")
    for value in ("30", "17", "27", "20", "56", "81"):
        assert f" {value}" in alt
    _, points = _timeliness_fig()
    alt = alt_text.describe(points, "t")
    assert "March 2010 40.4% (other source)" in alt and "April–May 2012 99%;" in alt


def test_show_displays_png_with_alt_then_the_table(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    rows = selection.select(shipped_like(), "open_cin_cases")
    fig = kinds.change_chart(rows, "t")
    figures.show(fig, alt="Open cases fell from 1,486 to 1,000", table=data_tables.table(rows))
    image, html = shown
    data, metadata = DisplayFormatter().format(image)
    assert data["image/png"].startswith("iVBORw0KGgo")  # base64 of the PNG signature
    # The chart's title as text, and the size a page shows it at: the 5.5 by 4.x-inch figure
    # drawn at 150 dpi is 825 px wide, shown 86 px an inch: 825 * 86 / 150 = 473 CSS px.
    png_width, png_height = figures.png_pixels(base64.b64decode(data["image/png"]))
    assert png_width == 825
    assert metadata == {
        "image/png": {
            "alt": "Open cases fell from 1,486 to 1,000",
            "title": "t",
            "subtitle": "",
            "width": 473,
            "height": round(png_height * 86 / 150),
        }
    }
    assert html.data == TABLE_HTML


# The two open children in need rows of shipped_like() as the page shows them, written out:
# folded in a <details> element whose summary says what it holds.
TABLE_HTML = """\
<details class="chart-numbers">
<summary>The numbers behind the chart</summary>
<table class="dataframe chart-data">
  <caption>The numbers behind the chart</caption>
  <thead>
    <tr style="text-align: right;">
      <th>Period</th>
      <th>Open children in need cases</th>
    </tr>
  </thead>
  <tbody>
    <tr>
      <td>December 2011</td>
      <td>1,486</td>
    </tr>
    <tr>
      <td>end of April 2012</td>
      <td>1,000</td>
    </tr>
  </tbody>
</table>
<p class="table-source">Source: Cabinet report, para 1, para 4.7.</p>
</details>"""


def test_show_escapes_the_table_and_its_caption(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    fig = kinds.change_chart(selection.select(shipped_like(), "open_cin_cases"), "t")
    table = pd.DataFrame({"Period": ["April & May 2012"], "Source": ["<b>FOI</b>"]})
    figures.show(fig, alt="a chart", table=table, caption="Shares < 100% & more")
    assert shown[1].data == (
        '<details class="chart-numbers">\n<summary>The numbers behind the chart</summary>\n'
        '<table class="dataframe chart-data">\n'
        "  <caption>Shares &lt; 100% &amp; more</caption>\n"
        "  <thead>\n"
        '    <tr style="text-align: right;">\n'
        "      <th>Period</th>\n"
        "      <th>Source</th>\n"
        "    </tr>\n"
        "  </thead>\n"
        "  <tbody>\n"
        "    <tr>\n"
        "      <td>April &amp; May 2012</td>\n"
        "      <td>&lt;b&gt;FOI&lt;/b&gt;</td>\n"
        "    </tr>\n"
        "  </tbody>\n"
        "</table>\n"
        "</details>"
    )


def test_show_refuses_a_figure_without_alt_text(monkeypatch):
    monkeypatch.setattr("IPython.display.display", lambda obj: None)
    fig = kinds.change_chart(selection.select(shipped_like(), "open_cin_cases"), "t")
    with pytest.raises(ValueError, match="alt text"):
        figures.show(fig, alt=" ", table=pd.DataFrame())


def test_save_writes_png_and_svg_with_the_same_bytes_every_time(tmp_path):
    rows = selection.select(shipped_like(), "open_cin_cases")
    first = figures.save(kinds.change_chart(rows, "t"), "02_cin_cases-open-cin", tmp_path / "a")
    again = figures.save(kinds.change_chart(rows, "t"), "02_cin_cases-open-cin", tmp_path / "b")
    assert [p.name for p in first] == ["02_cin_cases-open-cin.png", "02_cin_cases-open-cin.svg"]
    for a, b in zip(first, again, strict=True):
        assert a.read_bytes() == b.read_bytes()
    png, svg = (p.read_bytes() for p in first)
    assert png.startswith(b"\x89PNG") and b"Software" not in png and b"Matplotlib" not in png
    assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg


def test_save_timeliness_twice_is_identical(tmp_path):
    a = figures.save(_timeliness_fig()[0], "03-t", tmp_path / "a")
    b = figures.save(_timeliness_fig()[0], "03-t", tmp_path / "b")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_save_with_no_folder_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_REPORTS_DIR", str(tmp_path))
    fig = kinds.change_chart(selection.select(shipped_like(), "open_cin_cases"), "t")
    assert figures.save(fig, "x", "") == [] and figures.save(fig, "x", None) == []
    assert list(tmp_path.iterdir()) == []


def test_save_relative_folder_goes_under_the_reports_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_REPORTS_DIR", str(tmp_path))
    fig = kinds.change_chart(selection.select(shipped_like(), "open_cin_cases"), "t")
    written = figures.save(fig, "02_cin_cases-open-cin", "figures")
    assert [p.parent for p in written] == [tmp_path / "figures"] * 2


def test_charts_do_not_touch_global_style():
    import matplotlib as mpl

    before = dict(mpl.rcParams)
    kinds.change_chart(selection.select(shipped_like(), "open_cin_cases"), "t")
    assert dict(mpl.rcParams) == before


# --- the committed notebooks use the charts as agreed ----------------------------------------

NOTEBOOKS = sorted(config.NOTEBOOKS.glob("*.ipynb"))
# Each notebook reads one input, named by a parameter with a path relative to the project: the
# tidy table (notebooks 01-03) or the kpis stage's folder (04). A notebook reading another
# input adds its line here.
INPUT_PARAMETERS = {
    'metrics_path = "data/processed/metrics.csv"',
    'kpis_dir = "data/processed/kpis"',
}


def test_every_committed_notebook_is_checked_for_the_conventions():
    # The conventions test below is parametrized by glob: an empty glob would only skip it.
    assert {p.stem for p in NOTEBOOKS} >= {
        "01_caseloads", "02_cin_cases", "03_assessment_timeliness", "04_case_level_kpis",
    }  # fmt: skip


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_notebook_follows_the_conventions(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    tagged = {}
    for cell in nb.cells:
        for tag in cell.metadata.get("tags", []):
            tagged.setdefault(tag, []).append(cell)
    (params,) = tagged["parameters"]
    lines = params.source.splitlines()
    assert 'figures_dir = ""' in lines
    assert len(INPUT_PARAMETERS.intersection(lines)) == 1, lines
    (finding,) = tagged["finding"]
    (output,) = finding.outputs
    assert output.output_type == "display_data" and output.data["text/markdown"].strip()
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert images, "each notebook shows at least one chart"
    for image in images:
        alt = image.metadata["image/png"]["alt"]
        assert len(alt) > 40 and any(ch.isdigit() for ch in alt)
    text = nbformat.writes(nb)
    assert str(config.ROOT) not in text and "/home/" not in text


@pytest.fixture
def shown(monkeypatch, tmp_path) -> list:
    """What publish displays (object, keywords), the reports folder being tmp_path."""
    found: list = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: found.append((obj, kw)))
    monkeypatch.setenv("ANALYSIS_REPORTS_DIR", str(tmp_path))
    return found


def test_publish_writes_the_csv_beside_the_figure_and_links_it(shown, tmp_path):
    rows = selection.select(shipped_like(), "open_cin_cases")
    table = data_tables.table(rows)
    result = figures.publish(
        kinds.change_chart(rows, "t"), "02-open", "figures", alt="a chart", table=table
    )
    assert result is None  # a notebook cell ending with publish shows nothing more
    written = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert written == ["02-open-narrow.png", "02-open.csv", "02-open.png", "02-open.svg"]
    csv = (tmp_path / "figures" / "02-open.csv").read_bytes()
    # Raw numbers for machines, each row with its own citation (the page shows "1,486").
    assert csv == (
        b"metric,measure,scope,period,period_start,period_end,date_quality,value,unit,"
        b"qualifier,numerator,denominator,status,source\n"
        b"open_cin_cases,Open children in need cases,service,December 2011,2011-12-01,"
        b'2011-12-31,exact,1486,count,,,,,"Cabinet report, para 1"\n'
        b"open_cin_cases,Open children in need cases,service,end of April 2012,2012-04-30,"
        b'2012-04-30,exact,1000,count,,,,,"Cabinet report, para 4.7"\n'
    )
    assert figures.csv_bytes(table) == csv  # same bytes every time
    image, _ = shown[0]
    links = image.metadata
    assert links["href"] == "figures/02-open.png"  # the chart opens full size
    assert links["narrow"] == "figures/02-open-narrow.png"  # phones get the narrow variant
    narrow = (tmp_path / "figures" / "02-open-narrow.png").read_bytes()
    # NARROW_WIDTH 4.2 inches at 150 dpi: 630 px.
    assert (links["narrow_width"], links["narrow_height"]) == figures.png_pixels(narrow)
    assert links["narrow_width"] == 630
    html, meta = shown[1]
    assert '<a href="figures/02-open.csv">Download the data (CSV)</a>' in html.data
    assert meta == {"metadata": {"analysis": {"metrics": ["open_cin_cases"], "undated": False}}}


def test_publish_without_svg_writes_png_narrow_and_csv_and_links_no_svg(shown, tmp_path):
    rows = selection.select(shipped_like(), "open_cin_cases")
    table = data_tables.table(rows)
    fig = kinds.change_chart(rows, "t")
    figures.publish(fig, "02-open", "figures", alt="a chart", table=table, svg=False)
    # The four files of the test above less 02-open.svg.
    written = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert written == ["02-open-narrow.png", "02-open.csv", "02-open.png"]
    image, _ = shown[0]
    html, _ = shown[1]
    links = [str(v) for v in image.metadata.values()] + [html.data]
    assert not any(".svg" in text for text in links)
    assert image.metadata["href"] == "figures/02-open.png"
    # The same chart with SVG: the PNG, narrow PNG and CSV are the same bytes, the SVG added.
    figures.publish(
        kinds.change_chart(rows, "t"), "02-open", "with-svg", alt="a chart", table=table
    )
    for name in written:
        assert (tmp_path / "with-svg" / name).read_bytes() == (
            tmp_path / "figures" / name
        ).read_bytes()
    assert (tmp_path / "with-svg" / "02-open.svg").read_bytes().startswith(b"<?xml")


def test_save_without_svg_writes_the_png_alone(tmp_path):
    rows = selection.select(shipped_like(), "open_cin_cases")
    written = figures.save(kinds.change_chart(rows, "t"), "02-open", tmp_path, svg=False)
    assert [p.name for p in written] == ["02-open.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["02-open.png"]


def _joins(ax) -> list[tuple[list[float], str]]:
    """The segments joining a line's points: their values and line style."""
    return [
        (list(ln.get_ydata()), ln.get_linestyle())
        for ln in ax.get_lines()
        if ln.get_linestyle() in ("-", ":") and len(ln.get_ydata()) == 2
    ]


def test_a_suppressed_point_breaks_the_line_never_joined_across():
    rows = monthly("open_cin_cases", [12, float("nan"), 40, 41])
    rows.loc[1, "qualifier"] = tidy.SUPPRESSED
    ax = kinds.change_chart(rows, "t").axes[0]
    assert _joins(ax) == [([40, 41], "-")]  # nothing joins 12 to 40 across the gap
    assert "suppressed" in _texts(ax)


def test_a_long_gap_in_time_is_dotted_never_a_solid_monthly_path():
    # A before/after pair months apart, then the next month added.
    rows = frame(
        row("open_cin_cases", "December 2011", 1486, start="2011-12-01", end="2011-12-31"),
        row("open_cin_cases", "April 2012", 1000, start="2012-04-01", end="2012-04-30"),
        row("open_cin_cases", "May 2012", 990, start="2012-05-01", end="2012-05-31"),
    )
    ax = kinds.change_chart(rows, "t").axes[0]
    assert kinds.chart_kind(rows) == "line"
    assert _joins(ax) == [([1486, 1000], ":"), ([1000, 990], "-")]


def test_charts_use_the_analysis_function_palette():
    from analysis.charts.style import PALETTE

    # afcharts' categorical palette: dark blue, turquoise, dark pink, orange, grey, purple.
    assert PALETTE == ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
    ax = kinds.change_chart(selection.select(shipped_like(), "open_cin_cases"), "t").axes[0]
    assert _data_lines(ax)[0].get_color() == "#12436D"


def test_csv_of_several_small_tables_names_the_measure_and_source_on_every_row():
    first = pd.DataFrame({"Year": ["2024"], "Town": ["1.0"]})
    first.attrs["caption"] = "Rate A"
    second = pd.DataFrame({"Year": ["2024"], "Town": ["c"]})
    second.attrs.update(caption="Rate B", source="Source: DfE.")
    assert figures.csv_bytes([first, second]) == (
        b"Measure,Year,Town,Source\nRate A,2024,1.0,DfE.\nRate B,2024,c,DfE.\n"
    )

"""Where periods sit on a chart's x axis, and how its tick labels name them without crowding."""

from __future__ import annotations

import itertools
import textwrap
from typing import TYPE_CHECKING

import pandas as pd

from analysis.charts import layout
from analysis.present import selection

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

TICK_LABEL_WIDTH = 16
MAX_PERIOD_TICKS = 6  # up to this many periods are named on the axis; beyond, a date axis


def midpoints(rows: pd.DataFrame) -> pd.Series:
    """Each row's place on a time axis: the middle of its period (its date when it has one)."""
    end = rows["period_end"].fillna(rows["period_start"])
    return rows["period_start"] + (end - rows["period_start"]) / 2


def category_tick_label(period: str, date_quality: str) -> str:
    """A period's tick label on a category axis: "Before"/"After" for undated ones, else wrapped."""
    lower = period.lower()
    if date_quality == "undated" and lower.startswith(("before", "after")):
        return "Before" if lower.startswith("before") else "After"
    text = textwrap.fill(period, TICK_LABEL_WIDTH)
    return text + "\n(date approximate)" if date_quality == "approximate" else text


def _short_period(period: str, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """A period in a few characters, read from its dates and split over two lines.

    For example "Dec 2011", "end Apr 2012", "Apr–May 2012", "15 Apr–14 May 2012", "2012".
    """
    end = start if pd.isna(end) else end
    lower = period.lower()
    if start == end:
        # "end of April 2012" is 30 April: say "end", as the source does.
        if lower.startswith("end of") and start.is_month_end:
            return f"end {start:%b}\n{start:%Y}"
        if lower.startswith("start of") and start.is_month_start:
            return f"start {start:%b}\n{start:%Y}"
        return f"{start.day} {start:%b}\n{start:%Y}"
    if start.is_month_start and end.is_month_end:
        if start.month == 1 and end.month == 12:  # whole years
            return f"{start:%Y}" if start.year == end.year else f"{start:%Y}–{end:%Y}"
        if (start.year, start.month) == (end.year, end.month):
            return f"{start:%b}\n{start:%Y}"
        if start.year == end.year:
            return f"{start:%b}–{end:%b}\n{end:%Y}"
        return f"{start:%b %Y}–\n{end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b}–\n{end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y}–\n{end.day} {end:%b %Y}"


def _period_ticks(ax: Axes, ordered: pd.DataFrame) -> None:
    """A tick at each period's middle, named in short; approximate ones say so."""
    labels = []
    for _, r in ordered.iterrows():
        text = _short_period(str(r["period"]), r["period_start"], r["period_end"])
        labels.append(text + "\n(approx.)" if r["date_quality"] == "approximate" else text)
    ax.set_xticks(list(midpoints(ordered)), labels)


def _concise_dates(ax: Axes, maxticks: int = 7) -> None:
    """Dates chosen by matplotlib, each naming its year: "Jul 2011", "2012", "Sep 2012"."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    formatter = mdates.ConciseDateFormatter(
        locator,
        formats=["%Y", "%b %Y", "%d %b %Y", "%H:%M", "%H:%M", "%S.%f"],
        zero_formats=["", "%Y", "%b %Y", "%d %b %Y", "%H:%M", "%H:%M"],
        show_offset=False,
    )
    ax.xaxis.set_major_formatter(formatter)


def _approximate_note(ax: Axes, ordered: pd.DataFrame) -> None:
    # On a date axis the ticks are not the periods: name the approximate ones underneath.
    approximate = list(ordered.loc[ordered["date_quality"] == "approximate", "period"])
    if approximate:
        fig = ax.get_figure(root=True)
        width_in = ax.get_window_extent().width / fig.dpi  # before layout: a little wider
        text = f"Date approximate: {'; '.join(approximate)}"
        size = float(ax.xaxis.label.get_fontsize())
        ax.set_xlabel(layout.wrap(fig, text, width_in, size))


def date_ticks(ax: Axes, rows: pd.DataFrame, maxticks: int | None = None) -> None:
    """A time axis for a line: few periods are named at their middles, else dates are ticked.

    With more than MAX_PERIOD_TICKS periods, or when `maxticks` is given, the ticks are concise
    dates at round intervals chosen by matplotlib.
    """
    import matplotlib.dates as mdates

    ordered = selection.order_periods(rows.drop_duplicates("period"))
    if maxticks is None and len(ordered) <= MAX_PERIOD_TICKS:
        _period_ticks(ax, ordered)
        return
    if maxticks is None:
        locator = mdates.AutoDateLocator()
    else:
        locator = mdates.AutoDateLocator(minticks=min(3, maxticks), maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    _approximate_note(ax, ordered)


def time_axis(ax: Axes, points: pd.DataFrame) -> None:
    """A time axis spanning every point's period with a margin, ticked with concise dates."""
    first = points["period_start"].min()
    last = points["period_end"].fillna(points["period_start"]).max()
    pad = max(pd.Timedelta(days=20), (last - first) * 0.05)
    ax.set_xlim(first - pad, last + pad)
    _concise_dates(ax, maxticks=7)


def _tick_boxes(ax: Axes) -> list[Bbox]:
    """The drawn extents of the x tick labels inside the view, left to right."""
    low, high = sorted(ax.get_xlim())
    boxes = [
        label.get_window_extent()
        for x, label in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True)
        if low <= x <= high and label.get_visible() and label.get_text()
    ]
    return sorted(boxes, key=lambda b: b.x0)


def _ticks_crowd(ax: Axes, gap_points: float = 3) -> bool:
    """True when two x tick labels overlap or come closer than `gap_points` (after a draw)."""
    gap = gap_points * ax.figure.dpi / 72
    boxes = _tick_boxes(ax)
    return any(a.x1 + gap > b.x0 for a, b in itertools.pairwise(boxes))


def fit_date_ticks(fig: Figure, lines: list[tuple[Axes, pd.DataFrame]]) -> None:
    """Where the x tick labels of line panels crowd, fall back to fewer, round-interval dates.

    Labels are measured once the layout is set, and the fallback repeats with fewer and fewer
    ticks until no two labels touch.
    """
    if not lines:
        return  # nothing to measure: spare the extra layout pass
    limits: dict[int, int | None] = {id(ax): None for ax, _ in lines}  # None: period ticks
    for _ in range(12):  # each step re-runs the layout, which can move the axes a little
        fig.draw_without_rendering()
        changed = False
        for ax, rows in lines:
            limit = limits[id(ax)]
            if (limit is None or limit > 2) and _ticks_crowd(ax):
                limits[id(ax)] = 7 if limit is None else limit - 1
                date_ticks(ax, rows, limits[id(ax)])
                changed = True
        if not changed:
            return


def y_axis(ax: Axes, unit: str, top: float) -> None:
    """A value axis from zero: 0-100 for percentages, else to the top with room for labels."""
    if unit == "percent":
        ax.set_ylim(0, 112)
        ax.set_yticks(range(0, 101, 20))
        ax.spines["left"].set_bounds(0, 100)
        ax.set_ylabel("Percent")
        return
    # Counts, caseloads and money start at zero; the headroom keeps value labels inside.
    from matplotlib.ticker import StrMethodFormatter

    ax.set_ylim(0, top * 1.18 if top > 0 else 1)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}" if top >= 10 else "{x:,.1f}"))
    ax.set_ylabel({"count": "Number", "GBP": "£"}.get(unit, unit.capitalize()))

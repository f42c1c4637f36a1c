"""Charts in one house style, and how they are shown in a notebook and saved to files.

Public API:
- `change_chart(panels, title, panel_titles=None, share_y=False) -> Figure`: tidy rows, one
  panel per frame (a DataFrame or a list of them); one unit per panel, and every (metric,
  scope) in a panel is a series. Three or more dated periods draw a line on a time axis;
  otherwise the periods are categories (a before and an after give a slope: two points and a
  dotted connector, never an invented path). Undated rows sit at "Before"/"After".
- `timeliness_chart(panels, title, panel_titles=None) -> Figure`: percent on time, 0-100,
  from `findings.timeliness_points`, on a time axis: each point at the middle of its period,
  a period longer than a month drawn as a span through it; rows with role "context" are
  hollow, per-source markers, and value labels are moved apart (on leader lines) where
  points crowd.
- `show(fig, alt, table, caption=...)`: the figure as PNG with alt text, then its numbers.
- `save(fig, name, figures_dir) -> list[Path]`: NAME.png and NAME.svg, same bytes every time.
- `alt_text(panels, title) -> str`: alt text for either chart, stating every value.
- `house_style()`: the style as a context manager, for callers drawing their own figures.

Figures are built with `matplotlib.figure.Figure`, not pyplot, so a notebook never displays a
figure twice and nothing depends on the backend.
"""

from __future__ import annotations

import io
import itertools
import os
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis import catalogue, config, findings
from analysis.atomic import write_bytes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.path import Path as MplPath
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox

# Okabe-Ito, ordered so that the colours used first have at least 3:1 contrast on white.
PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00")
TEXT = "#1a1a1a"
MUTED = "#4d4d4d"  # 8:1 on white, still readable in the small source line
DPI = 150
WIDTH_PER_PANEL, MAX_WIDTH, HEIGHT = 5.0, 11.0, 4.8
SOURCE_FONTSIZE = 8.5
CONTEXT_MARKERS = ("s", "D", "^", "v", "P")
LINE_MIN_PERIODS = 3
TICK_LABEL_WIDTH = 16
MAX_PERIOD_TICKS = 6  # up to this many periods are named on the axis; beyond, a date axis
COMPACT_AFTER = 8  # beyond this many points across, value labels are small and upright
SPAN_MIN_DAYS = 31  # start to end 31 days or more apart: longer than any calendar month
SPAN_WIDTH = 1.2
SPAN_LEGEND = "line: the period covered, if over a month"
DAYS_PER_PANEL_WIDTH = 540  # a time panel widens by one panel width per 18 months, up to two
# Where a value label may go, in points from its point, tried in order: beside the point
# first, then further out on a leader line.
LABEL_SPOTS: tuple[tuple[float, float], ...] = (
    (0, 7), (0, -9), (10, 0), (-10, 0),
    (0, 24), (0, -26), (-24, 20), (24, 20), (-24, -22), (24, -22),
    (0, 42), (0, -44), (-44, 34), (44, 34), (-44, -36), (44, -36),
    (0, -64), (-64, -50), (64, -50), (0, -86), (-80, -70), (80, -70),
)  # fmt: skip
LEADER_AFTER = 12  # points: a label further than this from its point gets a leader line
LABEL_MARGIN = 6  # points a label keeps clear of markers other than its own
LEADER = {"arrowstyle": "-", "color": MUTED, "linewidth": 0.8, "shrinkA": 1, "shrinkB": 5}

STYLE: dict[str, object] = {
    # DejaVu Sans ships with matplotlib, so every machine draws the same glyphs.
    "font.family": "DejaVu Sans",
    "font.size": 10.5,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": MUTED,
    "axes.titlesize": 11.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": TEXT,
    "ytick.labelcolor": TEXT,
    "figure.titlesize": 13,
    "figure.titleweight": "bold",
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "legend.frameon": False,
    "legend.fontsize": 9,
    "lines.linewidth": 2.2,
    "lines.markersize": 8,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
    # Fixed salt and paths for glyphs: SVG ids and bytes do not change from run to run.
    "svg.hashsalt": "analysis-charts",
    "svg.fonttype": "path",
    "path.simplify": True,
}


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style for the duration of a block (colours, fonts, no chart junk)."""
    import matplotlib as mpl

    with mpl.rc_context({**STYLE, "axes.prop_cycle": mpl.cycler(color=PALETTE)}):
        yield


# --- building blocks ------------------------------------------------------------------------


def _as_list(panels: pd.DataFrame | Sequence[pd.DataFrame]) -> list[pd.DataFrame]:
    frames = [panels] if isinstance(panels, pd.DataFrame) else list(panels)
    if not frames or any(f.empty for f in frames):
        raise ValueError("every panel needs at least one row")
    return frames


def _figure(title: str, widths: Sequence[float]) -> tuple[Figure, list[Axes]]:
    from matplotlib.figure import Figure

    width = min(MAX_WIDTH, WIDTH_PER_PANEL * sum(widths) + 0.5)
    fig = Figure(figsize=(width, HEIGHT), layout="constrained")
    axes = fig.subplots(1, len(widths), width_ratios=list(widths), squeeze=False)[0]
    fig.suptitle(textwrap.fill(title, int(width * 72 / (13 * 0.62))), x=0.01, ha="left")
    return fig, list(axes)


def source_text(rows: pd.DataFrame, numbered: bool = False) -> str:
    """The source line for some rows: each document once (numbered [1], [2]... if asked),
    followed by its references, in the order the rows give them."""
    refs: dict[str, list[str]] = {}
    for source, ref in zip(rows["source"], rows["source_ref"], strict=True):
        ref_list = refs.setdefault(str(source), [])
        if ref and str(ref) not in ref_list:
            ref_list.append(str(ref))
    parts = [f"{s}, {', '.join(r)}" if r else s for s, r in refs.items()]
    if numbered:
        parts = [f"[{i}] {p}" for i, p in enumerate(parts, start=1)]
    return ("Sources: " if len(parts) > 1 else "Source: ") + "; ".join(parts) + "."


def _finish(fig: Figure, rows: pd.DataFrame, numbered: bool = False) -> Figure:
    # The source line goes under everything; the layout keeps a strip of the right height free.
    width_chars = int(fig.get_figwidth() * 72 / (SOURCE_FONTSIZE * 0.55))
    text = textwrap.fill(source_text(rows, numbered), width_chars)
    lines = text.count("\n") + 1
    strip = (lines * SOURCE_FONTSIZE * 1.3 / 72 + 0.12) / fig.get_figheight()
    fig.text(0.01, 0.02, text, ha="left", va="bottom", fontsize=SOURCE_FONTSIZE, color=MUTED)
    fig.get_layout_engine().set(rect=(0, strip, 1, 1 - strip))  # left, bottom, w, h
    return fig


Label = tuple[object, float, str, str]  # x, y, text, where ("above", "left" or "right")


def _place_labels(ax: Axes, labels: list[Label]) -> None:
    """Write value labels beside their points, nudging apart those that would overlap."""
    offsets = {
        "above": ((0, 7), "center", "bottom"),
        "left": ((-9, 0), "right", "center"),
        "right": ((9, 0), "left", "center"),
    }
    bottom, top = ax.get_ylim()
    gap = (top - bottom) * 0.06  # about one line of label text on a 4-inch axis
    # Many points side by side: smaller labels standing upright so neighbours do not overlap.
    compact = len({str(label[0]) for label in labels}) > COMPACT_AFTER
    groups: dict[tuple[str, str], list[Label]] = {}
    for label in labels:
        groups.setdefault((str(label[0]), label[3]), []).append(label)
    for group in groups.values():
        previous = None
        for x, y, text, where in sorted(group, key=lambda g: g[1]):
            y_text = y if previous is None else max(y, previous + gap)
            previous = y_text
            xy, ha, va = offsets[where]
            ax.annotate(
                text,
                (x, y_text),
                xytext=xy,
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=8 if compact else 10,
                rotation=90 if compact and where == "above" else 0,
                color=TEXT,
            )


def _qualifier(q: object) -> str:
    return q if isinstance(q, str) else ""


def _tick_label(period: str, date_quality: str) -> str:
    lower = period.lower()
    if date_quality == "undated" and lower.startswith(("before", "after")):
        return "Before" if lower.startswith("before") else "After"
    text = textwrap.fill(period, TICK_LABEL_WIDTH)
    return text + "\n(date approximate)" if date_quality == "approximate" else text


def _panel_title(ax: Axes, title: str) -> None:
    # Constrained layout does not shrink a long axes title: wrap it to the panel's width.
    width_in = ax.get_position().width * ax.figure.get_figwidth()
    ax.set_title(textwrap.fill(title, max(20, int(width_in * 72 / (11.5 * 0.62)))))


def _y_axis(ax: Axes, unit: str, top: float) -> None:
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


def _series(rows: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    groups = list(rows.groupby(["metric", "scope"], sort=False))
    several_metrics = rows["metric"].nunique() > 1
    out = []
    for (metric, scope), g in groups:
        name = findings.label(metric) if several_metrics else str(scope)
        if several_metrics and scope != findings.SERVICE:
            name += f" ({scope})"
        out.append((name, findings.order_periods(g)))
    return out


def chart_kind(rows: pd.DataFrame) -> str:
    """How rows are drawn: "line" (3+ dated periods), "slope" (exactly two), else "points"."""
    n = len(findings.periods(rows))
    if n >= LINE_MIN_PERIODS and rows["period_start"].notna().all():
        return "line"
    return "slope" if n == 2 else "points"


def _midpoints(rows: pd.DataFrame) -> pd.Series:
    end = rows["period_end"].fillna(rows["period_start"])
    return rows["period_start"] + (end - rows["period_start"]) / 2


def _short_period(period: str, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """A period in a few characters, read from its dates and split over two lines: "Dec 2011",
    "end Apr 2012", "Apr–May 2012", "15 Apr–14 May 2012", "2012"."""
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
    ax.set_xticks(list(_midpoints(ordered)), labels)


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
        width_in = ax.get_position().width * ax.figure.get_figwidth()
        text = f"Date approximate: {'; '.join(approximate)}"
        ax.set_xlabel(textwrap.fill(text, max(20, int(width_in * 72 / (10.5 * 0.6)))))


def _date_ticks(ax: Axes, rows: pd.DataFrame, maxticks: int | None = None) -> None:
    """A time axis for a line: each period named at its middle when there are few; else, or
    when `maxticks` is given, concise dates at round intervals chosen by matplotlib."""
    import matplotlib.dates as mdates

    ordered = findings.order_periods(rows.drop_duplicates("period"))
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


def _fit_date_ticks(fig: Figure, lines: list[tuple[Axes, pd.DataFrame]]) -> None:
    """Measure the tick labels of line panels once the layout is set; where they crowd, fall
    back to dates at round intervals, fewer and fewer until no two labels touch."""
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
                _date_ticks(ax, rows, limits[id(ax)])
                changed = True
        if not changed:
            return


def _draw_change(ax: Axes, rows: pd.DataFrame, title: str, top: float | None = None) -> str:
    kind = chart_kind(rows)
    units = rows["unit"].unique()
    if len(units) != 1:
        raise ValueError(f"one unit per panel, got {', '.join(map(str, units))}")
    unit = str(units[0])
    categories = findings.periods(rows)
    position = {p: i for i, p in enumerate(categories)}
    labels: list[Label] = []
    for i, (name, s) in enumerate(_series(rows)):
        colour = PALETTE[i % len(PALETTE)]
        valued = s[s["value"].notna()]
        xs = list(_midpoints(valued)) if kind == "line" else [position[p] for p in valued["period"]]
        # clip_on=False: a point at zero sits on the axis, drawn whole.
        style = {"marker": "o", "color": colour, "label": name, "clip_on": False}
        if kind == "line":
            dense = len(categories) > COMPACT_AFTER
            ax.plot(xs, valued["value"], markersize=5 if dense else None, **style)
        else:
            ax.plot(xs, valued["value"], linestyle="none", zorder=3, **style)
            if kind == "slope" and len(xs) == 2:
                ax.plot(xs, valued["value"], linestyle=":", linewidth=1.4, color=colour, zorder=2)
        for j, (x, (_, r)) in enumerate(zip(xs, valued.iterrows(), strict=True)):
            where = "above"
            if kind == "slope":
                where = "left" if j == 0 else "right"
            text = findings.fmt_value(r["value"], unit, _qualifier(r["qualifier"]))
            labels.append((x, r["value"], text, where))
        for _, r in s[s["value"].isna()].iterrows():
            x = position[r["period"]] if kind != "line" else _midpoints(r.to_frame().T).iloc[0]
            ax.annotate("suppressed", (x, 0), ha="center", va="bottom", fontsize=9, color=MUTED)
    if kind == "line":
        _date_ticks(ax, rows)
    else:
        quality = dict(zip(rows["period"], rows["date_quality"], strict=False))
        ax.set_xticks(range(len(categories)))
        ax.set_xticklabels([_tick_label(p, quality[p]) for p in categories])
        ax.set_xlim(-0.6, len(categories) - 0.4)
        if findings.is_undated(rows):
            ax.set_xlabel("Undated: the source gives no dates")
    _y_axis(ax, unit, top if top is not None else float(rows["value"].max(skipna=True) or 0))
    _place_labels(ax, labels)
    _panel_title(ax, title)
    if rows.groupby(["metric", "scope"]).ngroups > 1:
        ax.legend(loc="best")
    return kind


# --- charts ---------------------------------------------------------------------------------


def change_chart(
    panels: pd.DataFrame | Sequence[pd.DataFrame],
    title: str,
    panel_titles: Sequence[str] | None = None,
    share_y: bool = False,
) -> Figure:
    """Before/after or trend of tidy rows: one panel per frame, one series per metric and scope.

    `title` states the finding; panel titles default to the metric's catalogue label.
    `share_y` gives every panel the same scale (for panels of the same unit to be compared).
    """
    frames = _as_list(panels)
    top = max(float(f["value"].max(skipna=True) or 0) for f in frames) if share_y else None
    with house_style():
        fig, axes = _figure(title, [1.0] * len(frames))
        lines = []
        for k, (ax, rows) in enumerate(zip(axes, frames, strict=True)):
            metrics = list(dict.fromkeys(rows["metric"]))
            default = findings.label(metrics[0]) if len(metrics) == 1 else ""
            kind = _draw_change(ax, rows, panel_titles[k] if panel_titles else default, top)
            if kind == "line":
                lines.append((ax, rows))
        _finish(fig, pd.concat(frames, ignore_index=True))
        # Tick labels are checked by measuring them, so the layout must be settled first.
        _fit_date_ticks(fig, lines)
        return fig


def _source_styles(frames: list[pd.DataFrame]) -> dict[tuple[str, str], dict[str, object]]:
    # One numbered style per source, main first: filled circles for the main source; each
    # other source its own hollow marker and colour, the same in every panel.
    numbers = findings.source_numbers(frames)
    everything = pd.concat(frames, ignore_index=True)
    roles = dict(zip(everything["source"], everything["role"], strict=True))
    styles: dict[tuple[str, str], dict[str, object]] = {}
    for source, n in numbers.items():
        i = n - 2 if findings.MAIN in roles.values() else n - 1  # index among other sources
        if roles[source] == findings.MAIN:
            style = {"marker": "o", "color": PALETTE[0], "label": f"[{n}] this report's source"}
        else:
            style = {
                "marker": CONTEXT_MARKERS[i % len(CONTEXT_MARKERS)],
                "color": PALETTE[1 + i % (len(PALETTE) - 1)],
                "markerfacecolor": "white",
                "markeredgewidth": 2,
                "label": f"[{n}] other source, for context",
            }
        styles[(source, roles[source])] = style
    return styles


def _spans(rows: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Each row's first and last day (a single day when the source gives one date)."""
    ends = rows["period_end"].fillna(rows["period_start"])
    return list(zip(rows["period_start"], ends, strict=True))


PointLabel = tuple[pd.Timestamp, float, str, bool]  # x, y, text, main source first


def _draw_timeliness(
    ax: Axes, points: pd.DataFrame, title: str, styles: dict[tuple[str, str], dict[str, object]]
) -> list[PointLabel]:
    """Draw one panel on a time axis; return the value labels, placed once the layout is set."""
    points = findings.order_periods(points)
    main = points[points["role"] == findings.MAIN]
    joined = len(findings.periods(main)) >= LINE_MIN_PERIODS
    for key, style in styles.items():
        rows = points[(points["source"] == key[0]) & (points["role"] == key[1])]
        if rows.empty:
            continue
        is_main = key[1] == findings.MAIN
        ax.plot(
            list(_midpoints(rows)),
            rows["value"],
            linestyle="-" if joined and is_main else "none",
            zorder=4 if is_main else 3,  # where points crowd, the main figure stays whole
            clip_on=False,  # a point at 0 or 100 sits on the axis, drawn whole
            **style,
        )
        # A period longer than a month is drawn as the span it covers, through its point.
        for (start, end), value in zip(_spans(rows), rows["value"], strict=True):
            if _longer_than_a_month(start, end):
                ax.plot([start, end], [value, value], color=style["color"], linewidth=SPAN_WIDTH,
                        solid_capstyle="butt", zorder=2)  # fmt: skip
    labels: list[PointLabel] = []
    for x, (_, r) in zip(_midpoints(points), points.iterrows(), strict=True):
        text = findings.fmt_value(r["value"], "percent")
        if r["date_quality"] == "approximate":
            text += "\n(date approximate)"
        labels.append((x, r["value"], text, r["role"] == findings.MAIN))
    metric = catalogue.get(points["metric"].iloc[0])
    if metric.target_pct is not None:
        ax.axhline(metric.target_pct, color=MUTED, linestyle="--", linewidth=1)
        ax.annotate(
            f"target {findings.fmt_value(metric.target_pct, 'percent')}",
            (0, metric.target_pct),
            xycoords=("axes fraction", "data"),
            xytext=(2, 3),
            textcoords="offset points",
            fontsize=9,
            color=MUTED,
        )
    _time_axis(ax, points)
    _y_axis(ax, "percent", 100)
    days = metric.timescale_working_days
    ax.set_ylabel(f"% within {days} working days" if days else "% on time")
    _panel_title(ax, title or metric.label)
    return labels


def _time_axis(ax: Axes, points: pd.DataFrame) -> None:
    first = points["period_start"].min()
    last = points["period_end"].fillna(points["period_start"]).max()
    pad = max(pd.Timedelta(days=20), (last - first) * 0.05)
    ax.set_xlim(first - pad, last + pad)
    _concise_dates(ax, maxticks=7)


def _longer_than_a_month(start: pd.Timestamp, end: pd.Timestamp) -> bool:
    return (end - start).days >= SPAN_MIN_DAYS


def _has_span(points: pd.DataFrame) -> bool:
    return any(_longer_than_a_month(start, end) for start, end in _spans(points))


def _time_width(points: pd.DataFrame) -> float:
    days = (
        points["period_end"].fillna(points["period_start"]).max() - points["period_start"].min()
    ).days
    return min(2.0, max(1.0, days / DAYS_PER_PANEL_WIDTH))


def _obstacles(ax: Axes) -> tuple[list[tuple[float, float, float]], list[MplPath]]:
    """What a label must not cover, in display units: markers (x, y, radius), drawn lines."""
    markers, paths = [], []
    for line in ax.get_lines():
        path = line.get_transform().transform_path(line.get_path())
        if line.get_linestyle() not in ("None", "none", ""):
            paths.append(path)
        if line.get_marker() not in (None, "None", "none", ""):
            radius = line.get_markersize() / 2 * ax.figure.dpi / 72
            markers += [(x, y, radius) for x, y in path.vertices]
    return markers, paths


def _label_at(
    ax: Axes, text: str, xy: tuple[object, float], spot: tuple[float, float], **kw: object
) -> Annotation:
    # Anchored on the side facing the point, so the text grows away from it.
    dx, dy = spot
    return ax.annotate(
        text,
        xy,
        xytext=spot,
        textcoords="offset points",
        ha="center" if dx == 0 else "left" if dx > 0 else "right",
        va="center" if dy == 0 else "bottom" if dy > 0 else "top",
        fontsize=10,
        color=TEXT,
        linespacing=1.1,
        **kw,
    )


def _place_point_labels(ax: Axes, labels: list[PointLabel]) -> None:
    """Write each value label in the first spot near its point that covers nothing drawn so far.

    The main source's labels go first, then the others in time order. A label keeps clear of
    other points' markers by a margin, so it cannot be read as theirs; one moved away from
    a crowded point is tied to it by a thin leader line.
    """
    from matplotlib.path import Path as MplPath
    from matplotlib.transforms import Bbox

    markers, paths = _obstacles(ax)
    margin = LABEL_MARGIN * ax.figure.dpi / 72
    frame = ax.get_window_extent()
    placed: list[Bbox] = []
    leaders: list[MplPath] = []
    for x, y, text, _ in sorted(labels, key=lambda lab: not lab[3]):  # stable: time order
        px, py = ax.transData.transform((ax.convert_xunits(x), y))
        others = [
            Bbox.from_extents(mx - r - margin, my - r - margin, mx + r + margin, my + r + margin)
            for mx, my, r in markers
            if abs(mx - px) > 0.5 or abs(my - py) > 0.5  # not this label's own point
        ]
        best = None
        for spot in LABEL_SPOTS:
            ann = _label_at(ax, text, (x, y), spot)
            box = ann.get_window_extent()
            ann.remove()
            leader = MplPath([(px, py), ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)])
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            clashes = (
                sum(box.overlaps(b) for b in others + placed)
                + sum(p.intersects_bbox(box, filled=False) for p in paths + leaders)
                + sum(leader.intersects_bbox(b, filled=False) for b in placed)
                # Outside the axes is worse than any overlap: it would clash with ticks or title.
                + (0 if inside else len(labels) + len(markers) + len(paths))
            )
            if best is None or clashes < best[0]:
                best = (clashes, spot, box, leader)
            if clashes == 0:
                break
        _, spot, box, leader = best
        far = (spot[0] ** 2 + spot[1] ** 2) ** 0.5 > LEADER_AFTER
        _label_at(ax, text, (x, y), spot, arrowprops=LEADER if far else None)
        placed.append(box)
        if far:
            leaders.append(leader)


def timeliness_chart(
    panels: pd.DataFrame | Sequence[pd.DataFrame],
    title: str,
    panel_titles: Sequence[str] | None = None,
) -> Figure:
    """Share completed within the statutory timescale, 0-100%, main figures beside context ones.

    Each frame comes from `findings.timeliness_points`, and every point must be dated: points
    sit on a time axis at the middle of their period, and a period longer than a month also
    shows its span as a line through the point. The main source's rows are filled markers
    (joined when there are three or more periods); each other source has its own hollow
    marker and legend entry, and is never joined to anything.
    """
    frames = _as_list(panels)
    undated = [p for f in frames for p in f.loc[f["period_start"].isna(), "period"]]
    if undated:
        raise ValueError(f"timeliness points need dates; undated: {', '.join(map(str, undated))}")
    styles = _source_styles(frames)
    with house_style():
        fig, axes = _figure(title, [_time_width(f) for f in frames])
        labels = [
            _draw_timeliness(ax, points, panel_titles[k] if panel_titles else "", styles)
            for k, (ax, points) in enumerate(zip(axes, frames, strict=True))
        ]
        numbers = findings.source_numbers(frames)
        rows = pd.concat(frames, ignore_index=True)
        rows = rows.sort_values("source", key=lambda s: s.map(numbers), kind="stable")
        _finish(fig, rows, numbered=True)
        # Labels are placed by measuring them, so the layout must be settled first.
        fig.draw_without_rendering()
        for ax, panel_labels in zip(axes, labels, strict=True):
            _place_point_labels(ax, panel_labels)
        handles: dict[str, object] = {}
        for ax in axes:
            for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
                handles.setdefault(lab, h)
        order = sorted(handles)  # "[1] ...", "[2] ...": by source number
        if any(_has_span(f) for f in frames):
            from matplotlib.lines import Line2D

            order.append(SPAN_LEGEND)
            handles[SPAN_LEGEND] = Line2D([], [], color=MUTED, linewidth=SPAN_WIDTH)
        # Inside the first panel: a figure legend outside the axes collides with the title.
        axes[0].legend([handles[k] for k in order], order, loc="best")
        return fig


# --- output ---------------------------------------------------------------------------------


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes: fixed dpi and size, no software or time stamp."""
    buf = io.BytesIO()
    with house_style():
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def svg_bytes(fig: Figure) -> bytes:
    """The figure as SVG bytes: fixed hash salt, no date or creator, glyphs as paths."""
    buf = io.BytesIO()
    with house_style():
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def _table_html(table: pd.DataFrame, caption: str) -> str:
    html = table.to_html(index=False, border=0, escape=True, classes="chart-data")
    # A caption names the table for screen readers; pandas' to_html has no option for it.
    head, rest = html.split(">", 1)
    return f"{head}>\n  <caption>{_escape(caption)}</caption>{rest}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def show(
    fig: Figure, alt: str, table: pd.DataFrame, caption: str = "The numbers behind the chart"
) -> None:
    """Display the figure as a PNG with alt text, then the numbers behind it as an HTML table."""
    from IPython.display import HTML, Image, display

    if not alt.strip():
        raise ValueError("a figure needs alt text that says what it shows")
    display(Image(data=png_bytes(fig), format="png", metadata={"alt": alt}))
    display(HTML(_table_html(table, caption)))
    close(fig)


def close(fig: Figure) -> None:
    """Release a figure (a no-op for figures pyplot never knew about)."""
    import matplotlib.pyplot as plt

    plt.close(fig)


def save(fig: Figure, name: str, figures_dir: str | os.PathLike[str] | None) -> list[Path]:
    """Write NAME.png and NAME.svg under figures_dir ("" or None saves nothing); return paths."""
    folder = config.figures_dir(figures_dir)
    if folder is None:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, data in ((".png", png_bytes(fig)), (".svg", svg_bytes(fig))):
        path = folder / f"{name}{suffix}"
        write_bytes(path, data)
        written.append(path)
    return written


def alt_text(panels: pd.DataFrame | Sequence[pd.DataFrame], title: str) -> str:
    """Alt text stating what a change or timeliness chart shows, value by value."""
    parts = [title.rstrip(".") + "."]
    for rows in _as_list(panels):
        if "role" in rows.columns:
            values = "; ".join(
                f"{r['period']} {findings.fmt_value(r['value'], 'percent')}"
                + (" (other source)" if r["role"] == findings.CONTEXT else "")
                for _, r in findings.order_periods(rows).iterrows()
            )
            parts.append(f"Points, {findings.label(rows['metric'].iloc[0])}: {values}.")
            continue
        kind = {"slope": "Slope chart", "line": "Line chart", "points": "Points"}[chart_kind(rows)]
        for name, s in _series(rows):
            values = "; ".join(
                f"{p} {findings.fmt_value(v, u, _qualifier(q))}"
                for p, v, u, q in zip(
                    s["period"], s["value"], s["unit"], s["qualifier"], strict=True
                )
            )
            what = findings.label(s["metric"].iloc[0])
            what = name if name.startswith(what) else f"{what}, {name}"
            parts.append(f"{kind}, {what.replace(', service', '')}: {values}.")
    return " ".join(parts)

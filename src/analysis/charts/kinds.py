"""The chart kinds the notebooks draw, in the house style: change charts and timeliness charts."""

# change_chart: three or more dated periods draw a line on a time axis; otherwise the periods
# are categories, and a before and an after give a slope (two points and a dotted connector),
# never an invented path between them. timeliness_chart: shares on time at the middle of their
# periods, other sources as hollow markers never joined to the main one.
# Figures are built with matplotlib.figure.Figure, not pyplot, so a notebook never displays a
# figure twice and nothing depends on the backend. Showing and saving them is in
# figure_output; tick and value-label placement in chart_ticks and chart_labels.

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from analysis.charts import headings, layout, ticks, value_labels, variants
from analysis.charts.style import (
    BODY_HEIGHT,
    MAX_WIDTH,
    MUTED,
    NARROW_PANEL_HEIGHT,
    NARROW_WIDTH,
    PALETTE,
    WIDTH_PER_PANEL,
    house_style,
)
from analysis.metrics import catalogue
from analysis.present import formatting, selection
from analysis.present.panels import LINE_MIN_PERIODS, as_panels, chart_kind, series

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


CONTEXT_MARKERS = ("s", "D", "^", "v", "P")
SERIES_MARKERS = ("o", "s", "D", "^", "v", "P")
LONG_GAP_DAYS = 45  # a month and a half between one period's end and the next's start
SPAN_MIN_DAYS = 31  # start to end 31 days or more apart: longer than any calendar month
SPAN_WIDTH = 1.2
SPAN_LEGEND = "line: the period covered, if over a month"
DAYS_PER_PANEL_WIDTH = 540  # a time panel widens by one panel width per 18 months, up to two


def _figure(
    title: str, widths: Sequence[float], subtitle: str, source: str, narrow: bool
) -> tuple[Figure, list[Axes], list[float]]:
    """The figure, its panels (a row; one column when `narrow`) and each panel's width, inches."""
    n = len(widths)
    if narrow:
        fig = headings.frame(NARROW_WIDTH, NARROW_PANEL_HEIGHT * n, title, subtitle, source)
        axes = list(fig.subplots(n, 1, squeeze=False)[:, 0])
        return fig, axes, [NARROW_WIDTH] * n
    width = min(MAX_WIDTH, WIDTH_PER_PANEL * sum(widths) + 0.5)
    fig = headings.frame(width, BODY_HEIGHT, title, subtitle, source)
    axes = list(fig.subplots(1, n, width_ratios=list(widths), squeeze=False)[0])
    return fig, axes, [width * w / sum(widths) for w in widths]


def source_text(rows: pd.DataFrame, numbered: bool = False) -> str:
    """The source line for some rows: each document once, then its references, in row order.

    Documents are numbered [1], [2]... when `numbered` is true (the timeliness chart's legend
    refers to them by number).
    """
    refs: dict[str, list[str]] = {}
    for source, ref in zip(rows["source"], rows["source_ref"], strict=True):
        ref_list = refs.setdefault(str(source), [])
        if ref and str(ref) not in ref_list:
            ref_list.append(str(ref))
    parts = [f"{s}, {', '.join(r)}" if r else s for s, r in refs.items()]
    if numbered:
        parts = [f"[{i}] {p}" for i, p in enumerate(parts, start=1)]
    return ("Sources: " if len(parts) > 1 else "Source: ") + "; ".join(parts) + "."


# Room a panel's title leaves for the value axis's label and ticks on its left, in inches.
AXIS_ALLOWANCE = 0.75


def _panel_title(ax: Axes, title: str, panel_in: float) -> None:
    # Constrained layout does not shrink a long axes title: wrap it to the panel's width.
    fig = ax.get_figure(root=True)
    size = float(ax.title.get_fontsize())
    ax.set_title(layout.wrap(fig, title, panel_in - AXIS_ALLOWANCE, size, "bold"))


def line_segments(rows: pd.DataFrame) -> list[tuple[int, int, str]]:
    """How a line joins its points, as (from, to, style) between neighbouring rows in time order.

    "solid" joins neighbouring periods; "dotted" spans a gap in time (the next period starts more
    than LONG_GAP_DAYS after the last one ends), so that a long gap never reads as a monthly
    path; a suppressed or missing value breaks the line: nothing joins it to its neighbours.
    """
    rows = selection.order_periods(rows)
    ends = rows["period_end"].fillna(rows["period_start"])
    out = []
    for k in range(len(rows) - 1):
        if pd.isna(rows["value"].iloc[k]) or pd.isna(rows["value"].iloc[k + 1]):
            continue
        gap = (rows["period_start"].iloc[k + 1] - ends.iloc[k]).days
        out.append((k, k + 1, "dotted" if gap > LONG_GAP_DAYS else "solid"))
    return out


def _draw_line(ax: Axes, rows: pd.DataFrame, style: dict[str, object], markersize=None) -> None:
    """A series on a time axis: markers at its values, joined as `line_segments` says."""
    rows = selection.order_periods(rows)
    xs = list(ticks.midpoints(rows))
    valued = rows["value"].notna().to_numpy()
    ax.plot(
        [x for x, v in zip(xs, valued, strict=True) if v],
        rows.loc[valued, "value"],
        linestyle="none",
        markersize=markersize,
        zorder=3,
        **style,
    )
    for a, b, how in line_segments(rows):
        ax.plot(
            [xs[a], xs[b]],
            [rows["value"].iloc[a], rows["value"].iloc[b]],
            color=style["color"],
            linestyle="-" if how == "solid" else ":",
            linewidth=None if how == "solid" else 1.4,
            zorder=2,
        )


def _draw_change(
    ax: Axes, rows: pd.DataFrame, title: str, panel_in: float, top: float | None = None
) -> str:
    kind = chart_kind(rows)
    units = rows["unit"].unique()
    if len(units) != 1:
        raise ValueError(f"one unit per panel, got {', '.join(map(str, units))}")
    unit = str(units[0])
    categories = selection.periods(rows)
    position = {p: i for i, p in enumerate(categories)}
    labels: list[value_labels.Label] = []
    hidden = formatting.suppressed_text(formatting.threshold(rows))
    for i, (name, s) in enumerate(series(rows)):
        colour = PALETTE[i % len(PALETTE)]
        valued = s[s["value"].notna()]
        xs = (
            list(ticks.midpoints(valued))
            if kind == "line"
            else [position[p] for p in valued["period"]]
        )
        # clip_on=False: a point at zero sits on the axis, drawn whole.
        # Each series its own marker as well as its colour: never colour alone.
        marker = SERIES_MARKERS[i % len(SERIES_MARKERS)]
        style = {"marker": marker, "color": colour, "label": name, "clip_on": False}
        if kind == "line":
            dense = len(categories) > value_labels.COMPACT_AFTER
            _draw_line(ax, s, style, markersize=5 if dense else None)
        else:
            ax.plot(xs, valued["value"], linestyle="none", zorder=3, **style)
            if kind == "slope" and len(xs) == 2:
                ax.plot(xs, valued["value"], linestyle=":", linewidth=1.4, color=colour, zorder=2)
        for j, (x, (_, r)) in enumerate(zip(xs, valued.iterrows(), strict=True)):
            where = "above"
            if kind == "slope":
                where = "left" if j == 0 else "right"
            text = formatting.fmt_value(r["value"], unit, formatting.qualifier_text(r["qualifier"]))
            labels.append((x, r["value"], text, where))
        for _, r in s[s["value"].isna()].iterrows():
            x = position[r["period"]] if kind != "line" else ticks.midpoints(r.to_frame().T).iloc[0]
            # Upright where points crowd, as the value labels are: it then fits its month.
            upright = len(categories) > value_labels.COMPACT_AFTER
            ax.annotate(hidden, (x, 0), xytext=(0, 3), textcoords="offset points", ha="center",
                        va="bottom", fontsize=8 if upright else 9, color=MUTED,
                        rotation=90 if upright else 0)  # fmt: skip
    if kind == "line":
        ticks.date_ticks(ax, rows)
    else:
        quality = dict(zip(rows["period"], rows["date_quality"], strict=False))
        ax.set_xticks(range(len(categories)))
        ax.set_xticklabels([ticks.category_tick_label(p, quality[p]) for p in categories])
        ax.set_xlim(-0.6, len(categories) - 0.4)
        if selection.is_undated(rows):
            ax.set_xlabel("Undated: the source gives no dates")
    ticks.y_axis(ax, unit, top if top is not None else float(rows["value"].max(skipna=True) or 0))
    value_labels.place_labels(ax, labels)
    _panel_title(ax, title, panel_in)
    if rows.groupby(["metric", "scope"]).ngroups > 1:
        ax.legend(loc="best")
    return kind


def change_chart(
    panels: pd.DataFrame | Sequence[pd.DataFrame],
    title: str,
    panel_titles: Sequence[str] | None = None,
    share_y: bool = False,
    subtitle: str = "",
    narrow: bool = False,
) -> Figure:
    """Before/after or trend of tidy rows: one panel per frame, one series per metric and scope.

    `title` states the finding, `subtitle` what is measured; panel titles default to the
    metric's catalogue label.
    `share_y` gives every panel the same scale (for panels of the same unit to be compared).
    `narrow` draws the panels in one column, for phones (variants.narrow_of gives it).
    """
    frames = as_panels(panels)
    top = max(float(f["value"].max(skipna=True) or 0) for f in frames) if share_y else None
    source = source_text(pd.concat(frames, ignore_index=True))
    with house_style():
        fig, axes, widths = _figure(title, [1.0] * len(frames), subtitle, source, narrow)
        lines = []
        for k, (ax, rows) in enumerate(zip(axes, frames, strict=True)):
            metrics = list(dict.fromkeys(rows["metric"]))
            default = formatting.labels(rows.iloc[:1])[0] if len(metrics) == 1 else ""
            panel_title = panel_titles[k] if panel_titles else default
            kind = _draw_change(ax, rows, panel_title, widths[k], top)
            if kind == "line":
                lines.append((ax, rows))
        # Tick labels are checked by measuring them, so the layout must be settled first.
        ticks.fit_date_ticks(fig, lines)
    if narrow:
        return fig
    return variants.offer_narrow(
        fig,
        lambda: change_chart(frames, "", panel_titles, share_y, "", narrow=True),
    )


def _source_styles(frames: list[pd.DataFrame]) -> dict[tuple[str, str], dict[str, object]]:
    # One numbered style per source, main first: filled circles for the main source; each
    # other source its own hollow marker and colour, the same in every panel.
    numbers = selection.source_numbers(frames)
    everything = pd.concat(frames, ignore_index=True)
    roles = dict(zip(everything["source"], everything["role"], strict=True))
    styles: dict[tuple[str, str], dict[str, object]] = {}
    for source, n in numbers.items():
        i = n - 2 if selection.MAIN in roles.values() else n - 1  # index among other sources
        if roles[source] == selection.MAIN:
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


def _draw_timeliness(
    ax: Axes,
    points: pd.DataFrame,
    title: str,
    styles: dict[tuple[str, str], dict[str, object]],
    panel_in: float,
) -> list[value_labels.PointLabel]:
    """Draw one panel on a time axis; return the value labels, placed once the layout is set."""
    points = selection.order_periods(points)
    main = points[points["role"] == selection.MAIN]
    joined = len(selection.periods(main)) >= LINE_MIN_PERIODS
    for key, style in styles.items():
        rows = points[(points["source"] == key[0]) & (points["role"] == key[1])]
        if rows.empty:
            continue
        is_main = key[1] == selection.MAIN
        ax.plot(
            list(ticks.midpoints(rows)),
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
    labels: list[value_labels.PointLabel] = []
    for x, (_, r) in zip(ticks.midpoints(points), points.iterrows(), strict=True):
        text = formatting.fmt_value(r["value"], "percent")
        if r["date_quality"] == "approximate":
            text += "\n(date approximate)"
        labels.append((x, r["value"], text, r["role"] == selection.MAIN))
    metric = catalogue.get(points["metric"].iloc[0])
    if metric.target_pct is not None:
        ax.axhline(metric.target_pct, color=MUTED, linestyle="--", linewidth=1)
        ax.annotate(
            f"target {formatting.fmt_value(metric.target_pct, 'percent')}",
            (0, metric.target_pct),
            xycoords=("axes fraction", "data"),
            xytext=(2, 3),
            textcoords="offset points",
            fontsize=9,
            color=MUTED,
        )
    ticks.time_axis(ax, points)
    ticks.y_axis(ax, "percent", 100)
    # Not "% within 10 working days": other sources' shares count "longer than 10 days".
    ax.set_ylabel("% on time")
    _panel_title(ax, title or f"{metric.label.split(' within')[0]} on time", panel_in)
    return labels


def _longer_than_a_month(start: pd.Timestamp, end: pd.Timestamp) -> bool:
    return (end - start).days >= SPAN_MIN_DAYS


def _has_span(points: pd.DataFrame) -> bool:
    return any(_longer_than_a_month(start, end) for start, end in _spans(points))


def _time_width(points: pd.DataFrame) -> float:
    days = (
        points["period_end"].fillna(points["period_start"]).max() - points["period_start"].min()
    ).days
    return min(2.0, max(1.0, days / DAYS_PER_PANEL_WIDTH))


def timeliness_chart(
    panels: pd.DataFrame | Sequence[pd.DataFrame],
    title: str,
    panel_titles: Sequence[str] | None = None,
    subtitle: str = "",
    narrow: bool = False,
) -> Figure:
    """Share completed within the statutory timescale, 0-100%, main figures beside context ones.

    Each frame comes from `selection.timeliness_points`, and every point must be dated: points
    sit on a time axis at the middle of their period, and a period longer than a month also
    shows its span as a line through the point. The main source's rows are filled markers
    (joined when there are three or more periods); each other source has its own hollow
    marker and legend entry, and is never joined to anything.
    """
    frames = as_panels(panels)
    undated = [p for f in frames for p in f.loc[f["period_start"].isna(), "period"]]
    if undated:
        raise ValueError(f"timeliness points need dates; undated: {', '.join(map(str, undated))}")
    styles = _source_styles(frames)
    numbers = selection.source_numbers(frames)
    rows = pd.concat(frames, ignore_index=True)
    rows = rows.sort_values("source", key=lambda s: s.map(numbers), kind="stable")
    source = source_text(rows, numbered=True)
    with house_style():
        widths = [_time_width(f) for f in frames]
        fig, axes, panel_in = _figure(title, widths, subtitle, source, narrow)
        labels = [
            _draw_timeliness(ax, points, panel_titles[k] if panel_titles else "", styles, inches)
            for k, (ax, points, inches) in enumerate(zip(axes, frames, panel_in, strict=True))
        ]
        handles: dict[str, object] = {}
        for ax in axes:
            for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
                handles.setdefault(lab, h)
        order = sorted(handles)  # "[1] ...", "[2] ...": by source number
        if any(_has_span(f) for f in frames):
            from matplotlib.lines import Line2D

            order.append(SPAN_LEGEND)
            handles[SPAN_LEGEND] = Line2D([], [], color=MUTED, linewidth=SPAN_WIDTH)
        shown = [handles[k] for k in order]
        if narrow:  # beneath the panels: a narrow panel has no room to spare for it
            layout.legend_band(fig, fig.legend(shown, order), "bottom")
        # Labels are placed by measuring them, so the layout must be settled first.
        fig.draw_without_rendering()
        for ax, panel_labels in zip(axes, labels, strict=True):
            value_labels.place_point_labels(ax, panel_labels)
        if not narrow:  # inside the first panel, where it covers the fewest points
            axes[0].legend(shown, order, loc="best")
    if narrow:
        return fig
    return variants.offer_narrow(
        fig, lambda: timeliness_chart(frames, "", panel_titles, "", narrow=True)
    )

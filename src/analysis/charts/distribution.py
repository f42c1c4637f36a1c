"""Where an authority sits among all authorities: every authority's latest figure as a dot.

One panel per measure, one column of panels, so that the chart keeps its text readable on a
phone (the figure is narrow: at 350 px wide, 9 pt text is 9 px). seaborn's swarmplot places
the dots without overlap and without random jitter (the same bytes every run); the page's
authority is a large diamond, labelled with its name and value, its statistical neighbours
squares, every other authority a small grey circle, England's figure a dashed line. Colour is
never the only cue: shape and size differ too. Authorities whose figure the DfE gives as a
symbol (c, x, z...) are left out of the dots, and counted in the subtitle; the table and the
CSV list them with their symbol.

The words (title, subtitle, alt text) are worked out in story.distribution_titles and passed
in: charts never import story.
"""

from __future__ import annotations

import textwrap
import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.charts import csv_data, figures, headings, layout
from analysis.charts.benchmark import SOURCE_LINE, SYMBOL_MEANING, WORKFORCE, value_text
from analysis.charts.style import MUTED, PALETTE, house_style
from analysis.metrics import catalogue

if TYPE_CHECKING:
    import os

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend
    from matplotlib.path import Path

NAME = "05_benchmark-among-all"
WIDTH = 4.8  # inches: 720 px at 150 dpi, shown about half size on a phone
PANEL_HEIGHT = 2.5  # inches, a panel's title and axis labels included
LEGEND_HEIGHT = 0.5  # inches: two rows of the legend
FONT = 9.5  # the smallest text drawn: 9 px at 350 px wide
OTHER_GREY = "#808080"  # 3.9:1 on white
# (colour, marker, size in points, legend name) by role; the legend names the authority.
STYLE = {
    "other": (OTHER_GREY, "o", 3.8, "Other authorities"),
    "neighbour": (PALETTE[0], "s", 5.2, "Statistical neighbours"),
    "authority": (PALETTE[1], "D", 8.0, ""),
}
ENGLAND_COLOUR = PALETTE[4]
ENGLAND_DASHES = (0, (3, 2))
EDGE = "white"  # a white rim keeps touching dots apart
ROW_TOP, ROW_BOTTOM = -0.78, 0.7  # the swarm fills -0.4 to 0.4: room for a label above, below


def _panel_title(metric: str, year: int) -> str:
    label = catalogue.get(metric).label
    when = f"at 30 September {year}" if metric in WORKFORCE else str(year)
    return textwrap.fill(f"{label}, {when}", int(WIDTH * 72 / ((FONT + 1) * 0.66)))


def _marker_path(marker: str) -> Path:
    from matplotlib.markers import MarkerStyle

    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


def _dots(ax: Axes, drawn: pd.DataFrame) -> None:
    """The swarm of every authority with a figure, each dot styled by its role."""
    import seaborn as sns

    before = len(ax.collections)
    with warnings.catch_warnings():
        # swarmplot places the dots once while the figure is half built, panels not yet at their
        # size: a dot it cannot place then says nothing of the finished chart, whose draws place
        # them again (and warn there).
        warnings.filterwarnings("ignore", "[0-9.]+% of the points cannot be placed", UserWarning)
        sns.swarmplot(
            data=drawn,
            x="value",
            size=STYLE["other"][2],
            color=OTHER_GREY,
            edgecolor=EDGE,
            linewidth=0.6,
            legend=False,
            warn_thresh=0,  # any dot it cannot place is said, never silently stacked
            ax=ax,
        )
    (dots,) = ax.collections[before:]
    # swarmplot gives all the dots of one swarm one marker; the roles' shapes and sizes are set
    # on its collection, dot by dot, so that the swarm leaves room for the larger ones. The dots
    # must be in the frame's order: checked, not assumed.
    if not np.array_equal(dots.get_offsets()[:, 0], drawn["value"].to_numpy()):
        raise RuntimeError("swarmplot drew the dots in another order than the rows given")
    roles = list(drawn["role"])
    dots.set_paths([_marker_path(STYLE[r][1]) for r in roles])
    dots.set_sizes(np.array([STYLE[r][2] ** 2 for r in roles]))
    dots.set_facecolors([STYLE[r][0] for r in roles])


def _left(ax: Axes, x: float, text: str, size: float, weight: str) -> tuple[float, float]:
    """Where a label centred on data x starts, as a share of the panel's width, moved in so that
    it stays inside the panel; and where x falls along the label (0 its left end, 1 its right).

    Measured with the renderer, in a laid-out figure: the panel's width is final.
    """
    from matplotlib.font_manager import FontProperties

    renderer = ax.figure.canvas.get_renderer()
    prop = FontProperties(family="DejaVu Sans", size=size, weight=weight)
    width, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    panel = ax.get_window_extent().width
    lo, hi = ax.get_xlim()
    at = (x - lo) / (hi - lo) * panel  # pixels from the panel's left edge
    start = min(max(at - width / 2, 0.0), max(panel - width, 0.0))
    return start / panel, min(max((at - start) / width, 0.0), 1.0)


def _label_authority(ax: Axes, drawn: pd.DataFrame, name: str, unit: str) -> None:
    """The authority's name and value above the swarm, a line down to its dot."""
    from matplotlib.transforms import Bbox

    index = [i for i, r in enumerate(drawn["role"]) if r == "authority"]
    if not index:
        return
    i = index[0]
    value = drawn["value"].iloc[i]
    dots = ax.collections[0]
    text = f"{name} {value_text(value, '', unit)}"
    size = FONT + 0.5
    left, along = _left(ax, value, text, size, "bold")

    def at_dot(renderer):
        # Where the swarm put the dot in this draw: the swarm is laid out when the dots are
        # drawn (zorder 1), before this label (zorder 4).
        x, y = ax.transData.transform(dots.get_offsets()[i])
        return Bbox.from_bounds(x, y, 0, 0)

    label = ax.annotate(
        text,
        xy=(0, 0),
        xycoords=at_dot,
        xytext=(left, 0.98),
        textcoords="axes fraction",
        ha="left",
        va="top",
        fontsize=size,
        fontweight="bold",
        parse_math=False,  # a name is text: a "$" in it is a dollar sign
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.8},
        arrowprops={
            "arrowstyle": "-",
            "color": MUTED,
            "linewidth": 0.8,
            "shrinkA": 1,
            "shrinkB": 5,
            "relpos": (along, 0.0),
        },
        zorder=4,
    )
    label.set_in_layout(False)  # in the room kept above the swarm


def _unpublished_note(ax: Axes, rows: pd.DataFrame, name: str) -> None:
    mine = rows[rows["role"] == "authority"]
    if mine.empty or pd.notna(mine["value"].iloc[0]):
        return
    symbol = mine["symbol"].iloc[0]
    meaning = SYMBOL_MEANING.get(symbol, "not given")
    note = ax.text(
        0.0,
        0.98,
        f"{name}: not published ({symbol}, {meaning})",
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=FONT + 0.5,
        fontweight="bold",
        parse_math=False,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.8},
        zorder=4,
    )
    note.set_in_layout(False)


def _england_line(ax: Axes, england: pd.DataFrame) -> None:
    if england.empty or pd.isna(england["value"].iloc[0]):
        return
    value = england["value"].iloc[0]
    ax.axvline(value, color=ENGLAND_COLOUR, linestyle=ENGLAND_DASHES, linewidth=1.4, zorder=0.5)


def _england_label(ax: Axes, england: pd.DataFrame, unit: str) -> None:
    if england.empty or pd.isna(england["value"].iloc[0]):
        return
    value = england["value"].iloc[0]
    text = f"England {value_text(value, '', unit)}"
    left, _ = _left(ax, value, text, FONT, "normal")
    label = ax.text(
        left,
        0.02,
        text,
        transform=ax.transAxes,
        ha="left",
        va="bottom",
        fontsize=FONT,
        # A white box keeps the label readable where the dashed line runs through it.
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.8},
        zorder=4,
    )
    label.set_in_layout(False)


def _panel(ax: Axes, rows: pd.DataFrame) -> None:
    metric = rows["metric"].iloc[0]
    unit = catalogue.get(metric).unit
    drawn = _drawn(rows)
    _dots(ax, drawn)
    # The axis spans the figures, not from zero: a dot's place, not a bar's length, shows its
    # value, and the spread gives the swarm room.
    values = [*drawn["value"], *rows.loc[rows["role"] == "england", "value"].dropna()]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.04 or 1.0
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(ROW_BOTTOM, ROW_TOP)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_ylabel("")
    ax.set_xlabel(unit, fontsize=FONT)
    ax.tick_params(axis="x", labelsize=FONT)
    _england_line(ax, rows[rows["role"] == "england"])
    year = int(rows["time_period"].iloc[0])
    ax.set_title(_panel_title(metric, year), loc="left", fontsize=FONT + 1)


def _labels(ax: Axes, rows: pd.DataFrame, name: str) -> None:
    """A laid-out panel's labels: the authority's, England's, or why the authority has no dot."""
    unit = catalogue.get(rows["metric"].iloc[0]).unit
    _england_label(ax, rows[rows["role"] == "england"], unit)
    _label_authority(ax, _drawn(rows), name, unit)
    _unpublished_note(ax, rows, name)


def _drawn(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows drawn as dots: authorities with a figure, in the rows' order."""
    authorities = rows[rows["role"] != "england"]
    return authorities[authorities["value"].notna()].reset_index(drop=True)


def _legend(fig: Figure, name: str, top: float) -> Legend:
    from matplotlib.lines import Line2D

    handles, labels = [], []
    for role in ("authority", "neighbour", "other"):
        colour, marker, size, label = STYLE[role]
        handles.append(
            Line2D(
                [],
                [],
                linestyle="",
                marker=marker,
                markersize=size,
                color=colour,
                markeredgecolor=EDGE,
                markeredgewidth=0.6,
            )
        )
        labels.append(label or name)
    handles.append(Line2D([], [], color=ENGLAND_COLOUR, linestyle=ENGLAND_DASHES, linewidth=1.4))
    labels.append("England")
    legend = fig.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(0.01, top),
        ncol=2,
        frameon=False,
        fontsize=FONT,
        handletextpad=0.4,
        columnspacing=1.2,
    )
    for text in legend.get_texts():
        text.set_parse_math(False)
    return legend


def strip_chart(points: pd.DataFrame, name: str, title: str, subtitle: str = "") -> Figure:
    """Every authority's latest figure as a dot, one panel per measure (published.distribution
    rows), the authority `name` marked and labelled, its neighbours marked, England a line."""
    metrics = list(dict.fromkeys(points["metric"]))
    if not metrics:
        raise ValueError("no measure to draw: the points hold no rows")
    by_metric = {m: points[points["metric"] == m] for m in metrics}
    with house_style():
        # The heading and source line are the house frame's (headings.frame); the legend takes
        # a band of its own above the panels.
        body = LEGEND_HEIGHT + PANEL_HEIGHT * len(metrics)
        fig = headings.frame(WIDTH, body, title, subtitle, SOURCE_LINE)
        axes = fig.subplots(len(metrics), 1, squeeze=False).ravel()
        # swarmplot draws the whole figure to place its dots: the panels not being drawn are
        # hidden meanwhile, so that each swarm is placed once here, not once per later panel.
        for ax in axes:
            ax.set_visible(False)
        for ax, metric in zip(axes, metrics, strict=True):
            ax.set_visible(True)
            _panel(ax, by_metric[metric])
            ax.set_visible(False)
        for ax in axes:
            ax.set_visible(True)
        legend = _legend(fig, name, 1.0)
        layout.legend_band(fig, legend, "top")
        # Laid out once, now, and kept: the labels are placed in the final panels, and saving
        # the PNG and SVG then draws the figure once each, without laying it out again.
        fig.get_layout_engine().set(h_pad=0.04)
        fig.get_layout_engine().execute(fig)
        figures.keep_layout(fig)
        for ax, metric in zip(axes, metrics, strict=True):
            _labels(ax, by_metric[metric], name)
    return fig


GROUPS = {
    "authority": "This authority",
    "neighbour": "Statistical neighbour",
    "england": "England",
    "other": "Other authority",
}
GROUP_ORDER = {role: i for i, role in enumerate(GROUPS)}


def _table_order(rows: pd.DataFrame) -> pd.DataFrame:
    """The authority, its neighbours closest first, England, then the other authorities by name."""
    return rows.assign(_g=rows["role"].map(GROUP_ORDER)).sort_values(
        ["_g", "neighbour_order", "area_name"], kind="stable"
    )


def strip_table(points: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind the chart: a row per area, a column per measure, each figure with its
    rank among the authorities with one (a symbol where the DfE gives one); the CSV's rows
    (csv_data: one per figure, area_type "other" for an authority neither the page's nor a
    neighbour) attached."""
    columns: dict[str, dict[tuple[str, str], str]] = {}
    keys: dict[tuple[str, str], None] = {}
    data = []
    for metric, rows in points.groupby("metric", sort=False):
        unit = catalogue.get(metric).unit
        year = int(rows["time_period"].iloc[0])
        cells = columns.setdefault(_panel_title(metric, year).replace("\n", " "), {})
        for _, r in _table_order(rows).iterrows():
            key = (r["role"], r["area_name"])
            keys[key] = None
            symbol = r["symbol"] if isinstance(r["symbol"], str) else ""
            text = value_text(r["value"], symbol, unit)
            if pd.notna(r["rank"]):
                text += f" (rank {int(r['rank'])} of {int(r['ranked_of'])})"
            cells[key] = text
            data.append(
                csv_data.area_row(metric, year, r["role"], r["area_name"], r, SYMBOL_MEANING)
            )
    # An area missing from the first measure (a workforce return only) keeps its group's place.
    order = sorted(keys, key=lambda k: (GROUP_ORDER[k[0]], 0 if k[0] == "neighbour" else k[1]))
    frame = pd.DataFrame(
        [
            {"Area": k[1], "Group": GROUPS[k[0]], **{h: c.get(k, "") for h, c in columns.items()}}
            for k in order
        ],
        columns=["Area", "Group", *columns],
    )
    frame.attrs.update(
        metrics=list(dict.fromkeys(points["metric"])),
        source=SOURCE_LINE
        + " Rank 1 is the lowest figure of the authorities with one that year; authorities "
        "with the same figure share a rank.",
    )
    return csv_data.attach(frame, data)


def publish(
    points: pd.DataFrame,
    name: str,
    figures_dir: str | os.PathLike[str] | None,
    *,
    title: str,
    subtitle: str,
    alt: str,
    svg: bool = True,
) -> None:
    """Draw the chart, save it with its numbers as NAME.png/.csv (and .svg unless `svg` is
    False) and show both on the page."""
    fig = strip_chart(points, name, title, subtitle)
    figures.publish(fig, NAME, figures_dir, alt=alt, table=strip_table(points), svg=svg)

"""Benchmark charts: an authority against England, its region and its statistical neighbours."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import pandas as pd

from analysis.charts import csv_data, headings, layout
from analysis.charts.style import MAX_WIDTH, MUTED, PALETTE, SOURCE_FONTSIZE, house_style
from analysis.metrics import catalogue
from analysis.present.benchmark_rows import (
    BAR_METRICS,
    COMPARATORS,
    SYMBOL_MEANING,
    TREND_METRICS,
    WORKFORCE,
    latest_rows,
    symbol_text,
    trend_rows,
    value_text,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

PANEL_HEIGHT = 2.75  # inches: a trend panel; three rows of them
LEGEND_INCHES = 0.3  # the trend chart's legend, one row beneath the heading
NEIGHBOUR_COLOUR = "#6b8fb3"  # a paler blue for the neighbours' bars: 3.3:1 on white
SOURCE_LINE = (
    "Source: Department for Education, Explore Education Statistics (children in need, children "
    "looked after, children's social work workforce); ONS mid-year estimates. Rates per 10,000 "
    "children aged 0 to 17."
)


def _title(metric: str) -> str:
    label = catalogue.get(metric).label
    return f"{label} (at 30 September)" if metric in WORKFORCE else label


def _palette(rows: pd.DataFrame) -> tuple[list[str], dict[str, str], dict[str, object]]:
    # Authority first and strongest; England black and dashed; region blue; median green.
    colour = {"authority": PALETTE[1], "region": PALETTE[0], "england": PALETTE[4]}
    colour["neighbours_median"] = PALETTE[2]
    dash = {"authority": "", "region": (4, 1.5), "england": (2, 2), "neighbours_median": (6, 2)}
    order, colours, dashes = [], {}, {}
    for area_type in COMPARATORS:
        names = rows.loc[rows["area_type"] == area_type, "series"].unique()
        for name in names:
            order.append(name)
            colours[name] = colour[area_type]
            dashes[name] = dash[area_type]
    return order, colours, dashes


def _source(fig: Figure, extra: str = "") -> None:
    text = textwrap.fill(f"{SOURCE_LINE} {extra}".strip(), int(fig.get_figwidth() * 72 / 5.2))
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=SOURCE_FONTSIZE, color=MUTED)


def trend_chart(table: pd.DataFrame, title: str, subtitle: str = "") -> Figure:
    """Small multiples, one per metric: the authority, its region, England and the neighbour
    median over the years. A symbol leaves a gap; every point is marked.

    `title` states the finding (story.benchmark_titles), `subtitle` what is drawn."""
    from matplotlib.lines import Line2D

    rows = trend_rows(table)
    order, colours, dashes = _palette(rows)
    metrics = [m for m in TREND_METRICS if m in set(rows["metric"])]
    cols = 3
    n_rows = (len(metrics) + cols - 1) // cols
    with house_style():
        # One figure, one layout pass: seaborn's relplot lays a FacetGrid out three times and
        # draws it twice more to place the legend, 2-3 s a page, 153 times in a pack.
        heading = headings.height_inches(title, subtitle, MAX_WIDTH)
        source = 0.5  # inches: the source line beneath
        height = PANEL_HEIGHT * n_rows + heading + LEGEND_INCHES + source
        fig = layout.new_figure(MAX_WIDTH, height)
        axes = fig.subplots(n_rows, cols, sharex=True, squeeze=False).ravel()
        by_metric = dict(tuple(rows.groupby("metric", sort=False)))
        for ax, metric in zip(axes, metrics, strict=False):
            _trend_panel(ax, by_metric[metric], order, colours, dashes)
            # A third of the figure's width holds about 30 characters of a bold title.
            ax.set_title(textwrap.fill(_title(metric), 30), loc="left", fontsize=10.5)
            ax.set_ylim(bottom=0)  # rates and shares start at zero: no exaggerated changes
            ax.set_ylabel(catalogue.get(metric).unit)
            ax.xaxis.set_major_locator(_year_locator())
        for k, ax in enumerate(axes):
            if k >= len(metrics):
                ax.set_visible(False)
            elif k + cols < len(metrics):  # a panel below shows the years
                ax.tick_params(axis="x", labelbottom=False)
        # Every series in the legend, in order, whichever panels it has figures in.
        handles = [_trend_line(Line2D([], []), name, colours, dashes) for name in order]
        labels = order
        head = headings.draw(fig, title, subtitle)
        fig.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(0.01, 1 - head),
            ncol=4,
            title=None,
            frameon=False,
        )
        _source(fig, "Years to 31 March; workforce at 30 September.")
        layout.fit_panels(fig, (0, source / height, 1, 1 - head - LEGEND_INCHES / height))
    return fig


LINE_STYLE = {"marker": "o", "markersize": 5, "linewidth": 1.8}
# A white rim keeps overlapping markers apart.
MARKER_EDGE = {"markeredgewidth": 0.75, "markeredgecolor": "white"}


def _trend_line(line: Line2D, name: str, colours: dict, dashes: dict) -> Line2D:
    line.set(color=colours[name], label=name, **LINE_STYLE, **MARKER_EDGE)
    if dashes[name]:
        line.set_dashes(dashes[name])
    return line


def _trend_panel(ax: Axes, rows: pd.DataFrame, order: list, colours: dict, dashes: dict) -> None:
    """One metric's series in legend order, each a line through its years, every point marked.

    matplotlib directly, not seaborn's lineplot: each series has one value a year, so there is
    nothing to aggregate, and lineplot's grouping and sorting cost 0.1 s a panel, nine panels
    a page. A year whose figure is a symbol has no value: the line breaks there.
    """
    rows = rows.sort_values("time_period", kind="stable")
    by_name = dict(tuple(rows.groupby("series", sort=False)))
    for name in order:
        if name in by_name:
            series = by_name[name]
            (line,) = ax.plot(series["time_period"].to_numpy(), series["value"].to_numpy())
            _trend_line(line, name, colours, dashes)


def _year_locator():
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True, nbins=5)


def trend_table(table: pd.DataFrame, authority: str) -> list[pd.DataFrame]:
    """The numbers behind the trend chart: one small table per metric, a row per year and a
    column per area (the authority, its region, England, the neighbours' median).

    Each table's caption is `attrs["caption"]` (the measure), the source line `attrs["source"]`.
    """
    rows = trend_rows(table)
    regions = rows.loc[rows["area_type"] == "region", "area_name"]
    region = regions.iloc[0] if len(regions) else "Region"
    tables = []
    # Plain records, grouped once: filtering the frame per year and area took 0.4 s a page.
    by_metric: dict[str, dict[object, dict[str, dict[str, object]]]] = {}
    for r in rows.to_dict("records"):
        years = by_metric.setdefault(r["metric"], {})
        # The first row of an area in a year, as the table has it.
        years.setdefault(r["time_period"], {}).setdefault(r["area_type"], r)
    # The table's rows are in catalogue order, then year: the groups come out in that order.
    for metric, years in by_metric.items():
        unit = catalogue.get(metric).unit
        out, data = [], []
        for year, areas in years.items():
            record = {"Year": str(year)}
            for area_type, heading in (
                ("authority", authority),
                ("region", region),
                ("england", "England"),
                ("neighbours_median", "Neighbours' median"),
            ):
                hit = areas.get(area_type)
                record[heading] = (
                    value_text(hit["value"], symbol_text(hit["symbol"]), unit)
                    if hit is not None
                    else NO_MEDIAN
                    if area_type == "neighbours_median"
                    else ""
                )
                if hit is not None or area_type == "neighbours_median":
                    data.append(
                        csv_data.area_row(
                            metric, year, area_type, heading, hit, SYMBOL_MEANING, NO_MEDIAN
                        )
                    )
            out.append(record)
        frame = pd.DataFrame(out)
        frame.attrs.update(caption=catalogue.get(metric).label, metrics=[metric])
        tables.append(csv_data.attach(frame, data))
    if tables:
        tables[-1].attrs["source"] = SOURCE_LINE  # said once, beneath the last table
    return tables


NO_MEDIAN = "no median (fewer than 5 neighbours with a figure)"


def _bars(ax: Axes, metric: str, rows: pd.DataFrame, england: pd.Series | None) -> None:
    # matplotlib's barh, not seaborn's barplot: one bar an area, nothing to aggregate, and
    # barplot's categorical set-up cost 0.1 s a panel.
    unit = catalogue.get(metric).unit
    names = list(rows["area_name"])
    is_authority = list(rows["area_type"] == "authority")
    colours = [PALETTE[1] if a else NEIGHBOUR_COLOUR for a in is_authority]
    positions = range(len(names))
    ax.barh(positions, rows["value"].fillna(0).to_numpy(), height=0.7, color=colours)
    ax.set_yticks(positions, labels=names)
    top = max(
        [
            *rows["value"].dropna(),
            england["value"] if england is not None and pd.notna(england["value"]) else 0,
            1,
        ]
    )
    for i, (_, r) in enumerate(rows.iterrows()):
        text = (
            value_text(r["value"], "", unit)
            if pd.notna(r["value"])
            else f"{r['symbol']}: {SYMBOL_MEANING.get(r['symbol'], 'not given')}"
        )
        weight = "bold" if r["area_type"] == "authority" else "normal"
        ax.text(
            (r["value"] if pd.notna(r["value"]) else 0) + top * 0.01,
            i,
            text,
            va="center",
            ha="left",
            fontsize=9,
            fontweight=weight,
            # A white box keeps the label readable where England's line crosses it.
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
            zorder=4,
        )
    for label, authority in zip(ax.get_yticklabels(), is_authority, strict=True):
        if authority:
            label.set_fontweight("bold")
    if england is not None and pd.notna(england["value"]):
        ax.axvline(england["value"], color=PALETTE[4], linestyle=(0, (2, 2)), linewidth=1.4)
        ax.text(
            england["value"],
            -0.75,
            f"England {value_text(england['value'], '', unit)}",
            ha="center",
            va="bottom",
            fontsize=9,
        )
    ax.set_xlim(0, top * 1.22)
    ax.set_ylim(len(names) - 0.5, -1.3)
    ax.set_xlabel(unit)
    ax.set_ylabel("")
    year = int(rows["time_period"].iloc[0])
    ax.set_title(textwrap.fill(f"{_title(metric)}, {year}", 34), loc="left", fontsize=10.5)


def latest_bar_chart(
    table: pd.DataFrame, title: str, subtitle: str = "", metrics=BAR_METRICS
) -> Figure:
    """The latest year's value for the authority and each of its neighbours, sorted, the
    authority highlighted and England marked, one panel per metric, under a heading."""
    metrics = [m for m in metrics if not latest_rows(table, m)[0].empty]
    cols = 2
    n_rows = (len(metrics) + cols - 1) // cols
    with house_style():
        heading = headings.height_inches(title, subtitle, MAX_WIDTH)
        fig = layout.new_figure(MAX_WIDTH, 0.35 + heading + 3.3 * n_rows)
        axes = fig.subplots(n_rows, cols, squeeze=False).ravel()
        for ax, metric in zip(axes, metrics, strict=False):
            rows, england = latest_rows(table, metric)
            _bars(ax, metric, rows, england)
        for ax in axes[len(metrics) :]:
            ax.set_visible(False)
        head = headings.draw(fig, title, subtitle)
        _source(fig)
        layout.fit_panels(fig, (0, 0.05, 1, 1 - head))
    return fig


def latest_table(table: pd.DataFrame, metrics=BAR_METRICS) -> pd.DataFrame:
    """The numbers behind the bar chart: one row per area, one column per measure (its latest
    year in the heading), each value with the area's rank among all authorities."""
    columns: dict[str, dict[str, str]] = {}
    order: list[str] = []
    authority = ""
    data = []
    for metric in metrics:
        rows, england = latest_rows(table, metric)
        if rows.empty:
            continue
        unit = catalogue.get(metric).unit
        year = int(rows["time_period"].iloc[0])
        heading = f"{catalogue.get(metric).label} ({year})"
        cells = columns.setdefault(heading, {})
        both = [rows, *([] if england is None else [england.to_frame().T])]
        for _, r in pd.concat(both).iterrows():
            data.append(csv_data.area_row(metric, year, r["area_type"], "", r, SYMBOL_MEANING))
        for _, r in rows.iterrows():
            text = value_text(r["value"], symbol_text(r["symbol"]), unit)
            rank = rank_text(r)
            cells[r["area_name"]] = f"{text} (rank {rank})" if rank else text
            if r["area_type"] == "authority":
                authority = r["area_name"]
            elif r["area_name"] not in order:
                order.append(r["area_name"])
        if england is not None:
            cells["England"] = value_text(england["value"], symbol_text(england["symbol"]), unit)
    # The authority first, its neighbours by name, England last.
    names = [authority, *sorted(order), "England"]
    frame = pd.DataFrame(
        [{"Area": n, **{h: c.get(n, "") for h, c in columns.items()}} for n in names],
        columns=["Area", *columns],
    )
    frame.attrs.update(
        metrics=list(metrics),
        source=SOURCE_LINE + " Rank 1 is the lowest value of all authorities that year.",
    )
    return csv_data.attach(frame, data)


def rank_text(r: pd.Series) -> str:
    """A row's rank among all authorities, as "64 of 151" ("" when unranked)."""
    if pd.isna(r["rank"]):
        return ""
    return f"{int(r['rank'])} of {int(r['ranked_of'])}"

"""Benchmark charts: an authority against England, its region and its statistical neighbours."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis.charts import csv_data, headings, layout, variants
from analysis.charts.style import (
    MAX_WIDTH,
    NARROW_WIDTH,
    PALETTE,
    house_style,
)
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
    from matplotlib.text import Text

PANEL_HEIGHT = 2.45  # inches: a row of trend panels, its title included
NARROW_PANEL_HEIGHT = 2.3
PANEL_TITLE_SIZE = 10.5
AXIS_ALLOWANCE = 0.7  # inches a trend panel's title leaves for the value axis on its left
BAR_SLOT = 0.3  # inches a bar takes, with its gap, when every name fits one line
# Inches: an area's name on the bar chart wraps beyond this ("Bournemouth, Christchurch" fits
# the wide chart's line; a phone's narrow chart leaves its bars 2.3 inches).
NAME_WIDTH, NARROW_NAME_WIDTH = 2.0, 1.5
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
    """The series in legend order, each one's colour and line style (matplotlib's forms)."""
    # Authority first and strongest; England black and dashed; region blue; median green.
    colour = {"authority": PALETTE[1], "region": PALETTE[0], "england": PALETTE[4]}
    colour["neighbours_median"] = PALETTE[2]
    style = {
        "authority": "-",
        "region": (0, (4, 1.5)),
        "england": (0, (2, 2)),
        "neighbours_median": (0, (6, 2)),
    }
    order, colours, styles = [], {}, {}
    for area_type in COMPARATORS:
        names = rows.loc[rows["area_type"] == area_type, "series"].unique()
        for name in names:
            order.append(name)
            colours[name] = colour[area_type]
            styles[name] = style[area_type]
    return order, colours, styles


# Every point marked, with a white rim that keeps overlapping markers apart.
MARKER, POINT_SIZE, LINE_WIDTH, EDGE_WIDTH, EDGE = "o", 5, 1.8, 0.75, "white"


def trend_chart(
    table: pd.DataFrame, title: str, subtitle: str = "", narrow: bool = False
) -> Figure:
    """Small multiples, one per metric: the authority, its region, England and the neighbour
    median over the years. A symbol leaves a gap; every point is marked.

    `title` states the finding (story.benchmark_titles), `subtitle` what is drawn; `narrow`
    draws the panels in one column, for phones."""
    import matplotlib as mpl
    import seaborn.objects as so
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    # Each series' years in order: a Path joins its points as they come, and breaks at a year
    # with no value (a symbol), where a Line (which sorts) would join across it.
    rows = trend_rows(table).sort_values("time_period", kind="stable")
    order, colours, styles = _palette(rows)
    metrics = [m for m in TREND_METRICS if m in set(rows["metric"])]
    cols = 1 if narrow else 3
    n_rows = (len(metrics) + cols - 1) // cols
    width = NARROW_WIDTH if narrow else MAX_WIDTH
    source = f"{SOURCE_LINE} Years to 31 March; workforce at 30 September."
    legend_in = (len(order) if narrow else 1) * 0.25 + 0.1
    body_in = (NARROW_PANEL_HEIGHT if narrow else PANEL_HEIGHT) * n_rows + legend_in
    title_in = width / cols - AXIS_ALLOWANCE
    with house_style():
        fig = headings.frame(width, body_in, title, subtitle, source)
        # Every series in the legend, in order, whichever panels it has figures in; above the
        # panels, in a band of its own that constrained layout leaves them out of.
        handles = [
            Line2D(
                [],
                [],
                color=colours[name],
                linestyle=styles[name],
                marker=MARKER,
                markersize=POINT_SIZE,
                linewidth=LINE_WIDTH,
                markeredgewidth=EDGE_WIDTH,
                markeredgecolor=EDGE,
            )
            for name in order
        ]
        legend = fig.legend(handles, order, ncol=1 if narrow else 4)
        layout.legend_band(fig, legend, "top")
        # seaborn draws in its own theme unless told: the house style's value for each setting.
        theme = {key: mpl.rcParams[key] for key in so.Plot.config.theme}
        theme["axes.titlesize"] = PANEL_TITLE_SIZE
        (
            so.Plot(rows, x="time_period", y="value", color="series", linestyle="series")
            .facet(col="metric", order=metrics, wrap=cols)
            .share(y=False)  # each measure on its own scale; the years shared
            .add(
                so.Path(
                    marker=MARKER,
                    pointsize=POINT_SIZE,
                    linewidth=LINE_WIDTH,
                    edgecolor=EDGE,
                    edgewidth=EDGE_WIDTH,
                ),
                legend=False,
            )
            .scale(
                color=so.Nominal(colours, order=order),
                linestyle=so.Nominal(styles, order=order),
                x=so.Continuous().tick(locator=MaxNLocator(integer=True, nbins=5)),
            )
            .limit(y=(0, None))  # rates and shares start at zero: no exaggerated changes
            .label(
                x="",
                y="",
                title=lambda m: layout.wrap(fig, _title(m), title_in, PANEL_TITLE_SIZE, "bold"),
            )
            .theme(theme)
            .on(fig)  # the heading's figure: its constrained layout places the panels
            .plot()
        )
        # The panels are the figure's axes, in the facets' order.
        for ax, metric in zip(fig.axes, metrics, strict=True):
            # Each measure its unit (seaborn labels only the left column, with one name).
            ax.set_ylabel(catalogue.get(metric).unit, visible=True)
            if narrow:  # on a phone the panel below is a screen away: every one its years
                ax.tick_params(axis="x", labelbottom=True)
    if narrow:
        return fig
    return variants.offer_narrow(fig, lambda: trend_chart(table, "", "", narrow=True))


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


def _bars(
    ax: Axes, metric: str, rows: pd.DataFrame, england: pd.Series | None, names: list[str]
) -> list[Text]:
    """One panel of bars, `names` the areas' labels (wrapped); returns the value labels."""
    # matplotlib's barh, not seaborn's barplot: one bar an area, nothing to aggregate, and
    # barplot's categorical set-up cost 0.1 s a panel.
    unit = catalogue.get(metric).unit
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
    labels = []
    for i, (_, r) in enumerate(rows.iterrows()):
        text = (
            value_text(r["value"], "", unit)
            if pd.notna(r["value"])
            else f"{r['symbol']}: {SYMBOL_MEANING.get(r['symbol'], 'not given')}"
        )
        weight = "bold" if r["area_type"] == "authority" else "normal"
        label = ax.text(
            (r["value"] if pd.notna(r["value"]) else 0) + top * 0.01,
            i,
            text,
            va="center",
            ha="left",
            fontsize=9,
            fontweight=weight,
            zorder=4,
        )
        labels.append(label)
    for label, authority in zip(ax.get_yticklabels(), is_authority, strict=True):
        if authority:
            label.set_fontweight("bold")
    if england is not None and pd.notna(england["value"]):
        # From the bars' top to the axis: it stops short of its own label above the bars.
        ax.plot(
            [england["value"]] * 2,
            [-0.6, len(names) - 0.5],
            color=PALETTE[4],
            linestyle=(0, (2, 2)),
            linewidth=1.4,
        )
        ax.text(
            england["value"],
            -0.75,
            f"England {value_text(england['value'], '', unit)}",
            ha="center",
            va="bottom",
            fontsize=9,
        )
    ax.set_xlim(0, top * 1.25)
    ax.set_ylim(len(names) - 0.5, -1.3)
    ax.set_xlabel(unit)
    ax.set_ylabel("")
    return labels


def _clear_of_england(ax: Axes, labels: list[Text], england: pd.Series | None) -> None:
    """Move any value label that England's line would cross to just beyond the line.

    Run once the layout is settled: labels are measured where they are drawn.
    """
    if england is None or pd.isna(england["value"]):
        return
    pad = 3 * ax.get_figure(root=True).dpi / 72  # 3 points clear of the dashes
    line_x = ax.transData.transform((england["value"], 0))[0]
    for label in labels:
        box = label.get_window_extent()
        if box.x0 - pad < line_x < box.x1 + pad:
            x = ax.transData.inverted().transform((line_x + pad, 0))[0]
            label.set_x(x)
    # A label moved right must still fit inside the panel.
    right = max(label.get_window_extent().x1 for label in labels)
    frame = ax.get_window_extent()
    if right > frame.x1:
        low, high = ax.get_xlim()
        ax.set_xlim(low, high * (right - frame.x0) / frame.width * 1.02)


def latest_bar_chart(
    table: pd.DataFrame, title: str, subtitle: str = "", metrics=BAR_METRICS, narrow=False
) -> Figure:
    """The latest year's value for the authority and each of its neighbours, sorted, the
    authority highlighted and England marked, one panel per metric, under a heading.

    Long names wrap onto two or more lines, never cut; `narrow` draws one column, for phones.
    """
    wanted = metrics
    metrics = [m for m in metrics if not latest_rows(table, m)[0].empty]
    cols = 1 if narrow else 2
    n_rows = (len(metrics) + cols - 1) // cols
    width = NARROW_WIDTH if narrow else MAX_WIDTH
    with house_style():
        fig = layout.new_figure(width, 1)  # for measuring names; frame() makes the chart's own
        size = float(mpl_rc("ytick.labelsize"))
        name_in = NARROW_NAME_WIDTH if narrow else NAME_WIDTH
        panels = []
        for metric in metrics:
            rows, england = latest_rows(table, metric)
            names = [layout.wrap(fig, str(n), name_in, size) for n in rows["area_name"]]
            panels.append((metric, rows, england, names))
        lines = max((n.count("\n") + 1 for p in panels for n in p[3]), default=1)
        # A bar's slot grows with its name's lines, so that wrapped names never overlap.
        slot = max(BAR_SLOT, lines * size * 1.15 / 72 + 0.06)
        bars = max((len(p[3]) for p in panels), default=1) + 1  # England's label on top
        panel_in = bars * slot + 0.9  # the panel's title and value axis
        fig = headings.frame(width, panel_in * n_rows, title, subtitle, SOURCE_LINE)
        axes = fig.subplots(n_rows, cols, squeeze=False).ravel()
        placed = []
        for ax, (metric, rows, england, names) in zip(axes, panels, strict=False):
            labels = _bars(ax, metric, rows, england, names)
            year = int(rows["time_period"].iloc[0])
            ax.set_title(f"{_title(metric)}, {year}", loc="left", fontsize=PANEL_TITLE_SIZE)
            placed.append((ax, labels, england))
        for ax in axes[len(metrics) :]:
            ax.set_visible(False)
        fig.get_layout_engine().execute(fig)  # lay the panels out: what follows is measured there
        for ax, labels, england in placed:
            # The title sits over the bars, right of the names: it wraps to the bars' width.
            title_in = ax.get_window_extent().width / fig.dpi
            wrapped = layout.wrap(fig, ax.get_title(loc="left"), title_in, PANEL_TITLE_SIZE, "bold")
            ax.set_title(wrapped, loc="left", fontsize=PANEL_TITLE_SIZE)
            _clear_of_england(ax, labels, england)
    if narrow:
        return fig
    return variants.offer_narrow(fig, lambda: latest_bar_chart(table, "", "", wanted, narrow=True))


def mpl_rc(name: str) -> object:
    """The rc setting in force (house_style's, inside its block), font sizes in points."""
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties

    value = mpl.rcParams[name]
    if isinstance(value, str) and not value.replace(".", "").isdigit():
        return FontProperties(size=value).get_size_in_points()
    return value


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

"""The words of a benchmark page, generated from the benchmark table (plain text: notebooks
display it with present.formatting.markdown, which escapes what data hold)."""

from __future__ import annotations

import html

import pandas as pd

from analysis.metrics import catalogue
from analysis.present.benchmark_rows import SYMBOL_MEANING, TREND_METRICS, value_text
from analysis.present.formatting import when
from analysis.published.page import Page

# One word a cell: a long phrase repeated down a narrow column made the table twice as tall.
# The note beneath the table says what "neither" means.
BETTER = {"lower": "lower", "higher": "higher", "neither": "neither"}


def _symbol(s: object) -> str:
    return s if isinstance(s, str) else ""


def latest(table: pd.DataFrame, metric: str) -> dict[str, pd.Series]:
    """The metric's rows in the authority's latest year, by area type (neighbours left out)."""
    mine = table[(table["metric"] == metric) & (table["area_type"] == "authority")]
    if mine.empty:
        return {}
    year = mine["time_period"].max()
    rows = table[
        (table["metric"] == metric)
        & (table["time_period"] == year)
        & (table["area_type"] != "neighbour")
    ]
    return {r["area_type"]: r for _, r in rows.iterrows()}


def _show(row: pd.Series | None, unit: str) -> str:
    if row is None:
        return ""
    return value_text(row["value"], _symbol(row["symbol"]), unit)


def _compare(mine: float, other: float) -> str:
    return "above" if mine > other else "below" if mine < other else "the same as"


def finding(table: pd.DataFrame, authority: str) -> str:
    """The headline: the latest children in need rate beside England's and the neighbours'."""
    rows = latest(table, "cin_rate_per_10k")
    name = str(authority)
    me = rows.get("authority")
    if me is None:
        return f"The DfE publishes no children in need figures for {name}."
    year, unit = int(me["time_period"]), me["unit"]
    if pd.isna(me["value"]):
        return (
            f"The DfE does not publish {name}'s children in need rate for {year}: "
            f"{_show(me, unit)!s}."
        )
    text = f"At 31 March {year}, {name} had {_show(me, unit)} children in need per 10,000 children"
    comparisons = []
    england = rows.get("england")
    if england is not None and pd.notna(england["value"]):
        comparisons.append(
            f"{_compare(me['value'], england['value'])} England's {_show(england, unit)}"
        )
    median = rows.get("neighbours_median")
    if median is not None:
        comparisons.append(
            f"{_compare(me['value'], median['value'])} the median of its statistical "
            f"neighbours ({_show(median, unit)})"
        )
    if comparisons:
        text += ": " + " and ".join(comparisons)
    return text + "."


def latest_values_table(table: pd.DataFrame, authority: str) -> pd.DataFrame:
    """Each metric's latest value for the authority, region, England and neighbour median,
    with the authority's rank and quartile among all authorities and the better direction."""
    regions = table.loc[table["area_type"] == "region", "area_name"]
    region = regions.iloc[0] if len(regions) else "Region"
    out = []
    for metric in TREND_METRICS:
        rows = latest(table, metric)
        if not rows:
            continue
        me, unit = rows["authority"], catalogue.get(metric).unit
        rank = "" if pd.isna(me["rank"]) else f"{int(me['rank'])} of {int(me['ranked_of'])}"
        out.append(
            {
                "Measure": catalogue.get(metric).label,
                "Year": str(int(me["time_period"])),
                authority: _show(me, unit),
                region: _show(rows.get("region"), unit),
                "England": _show(rows.get("england"), unit),
                "Neighbours' median": _show(rows.get("neighbours_median"), unit)
                or "none (fewer than 5 neighbours with a figure)",
                "Rank": rank,
                "Quartile": "" if pd.isna(me["quartile"]) else str(int(me["quartile"])),
                "Better": BETTER[catalogue.get(metric).better],
            }
        )
    return pd.DataFrame(out)


def table_html(frame: pd.DataFrame, caption: str) -> str:
    """A table as accessible HTML: escaped cells and a caption naming it."""
    body = frame.to_html(index=False, border=0, escape=True, classes="chart-data")
    head, rest = body.split(">", 1)
    return f"{head}>\n  <caption>{html.escape(caption)}</caption>{rest}"


def coverage_text(page: Page) -> str:
    """Why a series starts late or is missing, which figures are symbols, and the neighbours."""
    name = str(page.authority.name)
    table = page.table
    parts = []
    first = page.authority.years[0]
    if first > page.first_census_year:
        parts.append(
            f"{name}'s figures start in {first}: it first appears in the DfE's children in need "
            f"census in the year to 31 March {first}, after a reorganisation. Figures of the "
            "council it replaced are not shown as its own, and no comparison is drawn for the "
            "years before it existed."
        )
    if page.joint_workforce:
        parts.append(
            f"The DfE publishes one workforce return for {page.joint_workforce!s} together. "
            f"A joint figure is not {name}'s own, so no workforce figures are shown for it."
        )
    mine = table[table["area_type"] == "authority"]
    symbols = mine[mine["symbol"].fillna("") != ""]
    if len(symbols):
        kinds = ", ".join(
            f"{s!s} ({SYMBOL_MEANING.get(s, 'not given')})" for s in sorted(set(symbols["symbol"]))
        )
        parts.append(
            f"{len(symbols)} of {name}'s {len(mine)} figures are published as symbols, not "
            f"numbers: {kinds}. They are shown as symbols, never as 0, and leave gaps in lines."
        )
    neighbours = table[table["area_type"] == "neighbour"]
    names = ", ".join(str(n) for n in dict.fromkeys(neighbours["area_name"]))
    parts.append(
        f"Statistical neighbours (the DfE's {page.model!s} model), closest first: {names}. "
        "Their median uses the neighbours with a figure that year, and is left out when fewer "
        "than five have one. Rates per 10,000 children divide a count at 31 March by the ONS "
        "estimate of children aged 0 to 17 at the mid-year before."
    )
    return "\n\n".join(parts)


def report_vs_census_text(metrics: pd.DataFrame, table: pd.DataFrame) -> str:
    """What happened after the cabinet report, in the DfE's figures, and why the two sources'
    figures are not one series."""
    report = metrics[(metrics["metric"] == "open_cin_cases") & (metrics["scope"] == "service")]
    report = report.sort_values("period_start")
    census = table[(table["metric"] == "cin_count") & (table["area_type"] == "authority")]
    census = census[census["value"].notna()].sort_values("time_period")
    counts = [
        f"{value_text(r['value'], '', 'count')} {when(r['period'])!s}" for _, r in report.iterrows()
    ]
    if not counts:
        return "The metric table holds none of the cabinet report's open children in need cases."
    counts[0] = counts[0].replace(" ", " open children in need cases ", 1)
    text = f"The cabinet report counted {' and '.join(counts)}."
    if len(census):
        a, b = census.iloc[0], census.iloc[-1]
        text += (
            f" The DfE's census counted {value_text(a['value'], '', 'count')} children in need "
            f"at 31 March {int(a['time_period'])} and {value_text(b['value'], '', 'count')} at "
            f"31 March {int(b['time_period'])}."
        )
    text += (
        " The two are different measures from different collections: the report's are the "
        "council's own management information on cases open at a date; the census counts "
        "children in need at 31 March under the DfE's national definitions. The lines are "
        "therefore not joined, and the step between them is not a measured change."
    )
    caseloads = metrics[metrics["metric"] == "caseload_per_worker"]
    published = table[(table["metric"] == "caseload_per_fte") & (table["area_type"] == "authority")]
    published = published[published["value"].notna()].sort_values("time_period")
    if len(caseloads) and len(published):
        teams = []
        for team, rows in caseloads.groupby("scope", sort=True):
            by_period = dict(zip(rows["period"], rows["value"], strict=True))
            if {"before (undated)", "after (undated)"} <= set(by_period):
                teams.append(
                    f"{team!s} {by_period['before (undated)']:.0f} to "
                    f"{by_period['after (undated)']:.0f}"
                )
        a, b = published.iloc[0], published.iloc[-1]
        text += (
            f"\n\nThe report's caseloads per worker ({'; '.join(teams)}; undated) count a team's "
            "open cases per worker. The DfE's average caseload per case-holding FTE social "
            f"worker, published from {int(a['time_period'])}, was {a['value']:.1f} at 30 "
            f"September {int(a['time_period'])} and {b['value']:.1f} in {int(b['time_period'])}: "
            "cases over the full-time equivalent of every case holder, another measure again."
        )
    return text

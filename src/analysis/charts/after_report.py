"""After the cabinet report: Peterborough's own figures beside the DfE's, never joined."""

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
from analysis.present.benchmark_rows import SYMBOL_MEANING, symbol_text, value_text
from analysis.present.selection import AFTER, BEFORE

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _midpoint(start: pd.Timestamp, end: pd.Timestamp) -> pd.Timestamp:
    return start + (end - start) / 2


def report_vs_census_rows(metrics: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The council report's open CIN cases and the DfE's children in need at 31 March, as two
    series with a date, value, source and what each counts."""
    report = metrics[(metrics["metric"] == "open_cin_cases") & (metrics["scope"] == "service")]
    report = report[report["period_start"].notna()]
    census = table[(table["metric"] == "cin_count") & (table["area_type"] == "authority")]
    rows = [
        {
            "series": "report",
            "date": _midpoint(r["period_start"], r["period_end"]),
            "period": r["period"],
            "value": r["value"],
            "symbol": "",
            "counts": "open children in need cases (the council's management information)",
            "source": f"{r['source']}, {r['source_ref']}",
            "citation": f"{r['source']}, {r['source_ref']}",
        }
        for _, r in report.iterrows()
    ]
    rows += [
        {
            "series": "census",
            "date": pd.Timestamp(int(r["time_period"]), 3, 31),
            "period": f"31 March {int(r['time_period'])}",
            "value": r["value"],
            "symbol": symbol_text(r["symbol"]),
            "counts": "children in need at 31 March (DfE children in need census)",
            "source": f"{r['source']}, {r['source_ref']}",
            "citation": r["source"],
        }
        for _, r in census.iterrows()
    ]
    return pd.DataFrame(rows).sort_values(["series", "date"], ascending=[False, True])


REPORT_LABEL = "Council report: open CIN cases (local management information)"
CENSUS_LABEL = "DfE census: children in need at 31 March (national statistics)"


def report_vs_census_chart(
    rows: pd.DataFrame, title: str, subtitle: str = "", narrow: bool = False
) -> Figure:
    """The report's two figures and the census series, on one time axis, never joined."""
    from matplotlib.dates import YearLocator

    with house_style():
        width = NARROW_WIDTH if narrow else MAX_WIDTH
        fig = headings.frame(
            width, 3.6 if narrow else 3.4, title, subtitle, _source_note(rows["citation"])
        )
        ax = fig.subplots()
        for series, colour, marker, label in (
            ("report", PALETTE[0], "s", REPORT_LABEL),
            ("census", PALETTE[1], "o", CENSUS_LABEL),
        ):
            s = rows[rows["series"] == series]
            # Each source is its own line: the two are never joined to each other.
            ax.plot(s["date"], s["value"], marker=marker, color=colour, label=label)
            for i, (_, r) in enumerate(s.iterrows()):
                if series == "census" and 0 < i < len(s) - 1:
                    continue  # the first and latest census years are labelled; the table has all
                # The report's two points sit close: label the first on its left, the second
                # on its right; census points above.
                dx, ha = (
                    ((-9, "right"), (9, "left"))[i % 2] if series == "report" else (0, "center")
                )
                if pd.notna(r["value"]):
                    ax.annotate(
                        f"{r['value']:,.0f}",
                        (r["date"], r["value"]),
                        textcoords="offset points",
                        xytext=(dx, 0 if series == "report" else 8),
                        ha=ha,
                        va="center" if series == "report" else "bottom",
                        fontsize=9,
                    )
        ax.set_ylim(bottom=0)  # counts start at zero
        # Room on the left for the first label.
        ax.set_xlim(left=rows["date"].min() - pd.Timedelta(days=270))
        ax.set_ylabel("children / cases")
        ax.xaxis.set_major_locator(YearLocator(4 if narrow else 2))
        if narrow:  # under the panel: inside it, the legend would cover the lines
            layout.legend_band(fig, fig.legend(*ax.get_legend_handles_labels()), "bottom")
        else:
            ax.legend(loc="lower left")
    if narrow:
        return fig
    return variants.offer_narrow(fig, lambda: report_vs_census_chart(rows, "", "", narrow=True))


def report_vs_census_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind the report-and-census chart, with what each figure counts."""
    out = pd.DataFrame(
        {
            "Source": [REPORT_LABEL if s == "report" else CENSUS_LABEL for s in rows["series"]],
            "Date": rows["period"],
            "Counts": rows["counts"],
            "Value": [
                value_text(v, s, "count")
                for v, s in zip(rows["value"], rows["symbol"], strict=True)
            ],
            "Reference": rows["source"],
        }
    ).reset_index(drop=True)
    out.attrs["metrics"] = ["open_cin_cases", "cin_count"]
    return csv_data.attach(out, _records(rows, "period", {"report": "count", "census": "count"}))


def _records(rows: pd.DataFrame, when: str, units: dict[str, str]) -> list[dict[str, object]]:
    """The CSV's rows: each figure's raw value, any DfE symbol apart, what it counts, citation."""
    return [
        {
            "series": r["series"],
            **({"team": r["team"]} if "team" in rows.columns else {}),
            "period": r[when],
            "counts": r["counts"],
            "value": r["value"],
            "unit": units[r["series"]],
            "symbol": r["symbol"],
            "status": SYMBOL_MEANING.get(r["symbol"], "not given")
            if r["symbol"]
            else "not available"
            if pd.isna(r["value"])
            else "",
            "source": r["source"],
        }
        for _, r in rows.iterrows()
    ]


def report_vs_census_alt(rows: pd.DataFrame, authority: str) -> str:
    """Alt text for the report-and-census chart."""
    parts = [f"Chart of {authority}'s children in need from two sources, drawn as separate lines."]
    for series, label in (("report", REPORT_LABEL), ("census", CENSUS_LABEL)):
        s = rows[rows["series"] == series]
        listed = "; ".join(
            f"{p} {value_text(v, sym, 'count')}"
            for p, v, sym in zip(s["period"], s["value"], s["symbol"], strict=True)
        )
        parts.append(f"{label}: {listed}.")
    return " ".join(parts)


def _source_note(citations: pd.Series) -> str:
    cited = "; ".join(dict.fromkeys(map(str, citations)))
    return (
        f"Sources: {cited}. Different definitions and "
        "collections: the council's and the DfE's figures are not one series."
    )


def caseload_rows(metrics: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The report's undated caseloads per worker by team, and the DfE's average caseload per
    case-holding FTE social worker at 30 September each year."""
    report = metrics[
        (metrics["metric"] == "caseload_per_worker") & metrics["period"].isin([BEFORE, AFTER])
    ]
    published = table[(table["metric"] == "caseload_per_fte") & (table["area_type"] == "authority")]
    rows = [
        {
            "series": "report",
            "team": r["scope"],
            "when": r["period"],
            "value": r["value"],
            "symbol": "",
            "counts": "open cases per worker in the team (the council's management information)",
            "source": f"{r['source']}, {r['source_ref']}",
            "citation": f"{r['source']}, {r['source_ref']}",
        }
        for _, r in report.sort_values(["scope", "period"], ascending=[True, False]).iterrows()
    ]
    rows += [
        {
            "series": "published",
            "team": "whole service",
            "when": f"30 September {int(r['time_period'])}",
            "value": r["value"],
            "symbol": symbol_text(r["symbol"]),
            "counts": "cases per case-holding FTE social worker (DfE workforce statistics)",
            "source": f"{r['source']}, {r['source_ref']}",
            "citation": r["source"],
        }
        for _, r in published.sort_values("time_period").iterrows()
    ]
    return pd.DataFrame(rows)


def caseload_chart(
    rows: pd.DataFrame, title: str, subtitle: str = "", narrow: bool = False
) -> Figure:
    """Two panels on one scale: the report's before and after per team (undated), and the
    published caseload per FTE by year. Separate panels: the two are never joined."""
    report = rows[rows["series"] == "report"]
    published = rows[rows["series"] == "published"]
    top = max([*rows["value"].dropna(), 1]) * 1.15
    with house_style():
        width = NARROW_WIDTH if narrow else MAX_WIDTH
        body_in = 6.4 if narrow else 3.4
        fig = headings.frame(width, body_in, title, subtitle, _source_note(rows["citation"]))
        if narrow:
            left, right = fig.subplots(2, 1, sharey=True)
        else:
            left, right = fig.subplots(1, 2, width_ratios=(1, 2.2), sharey=True)
        for i, (team, t) in enumerate(report.groupby("team", sort=True)):
            t = t.set_index("when").reindex([BEFORE, AFTER])
            left.plot([0, 1], t["value"], marker="s", color=PALETTE[i % 2 * 2], label=team)
            for x, v in zip((0, 1), t["value"], strict=True):
                left.annotate(
                    f"{v:.0f}",
                    (x, v),
                    textcoords="offset points",
                    xytext=(-9 if x == 0 else 9, 0),
                    ha="right" if x == 0 else "left",
                    va="center",
                    fontsize=9,
                )
        left.set_xticks([0, 1], ["before", "after"])
        left.set_xlim(-0.5, 1.5)
        left.set_xlabel("undated: the report gives no dates")
        left.set_title("Cabinet report: caseload per worker", loc="left", fontsize=10.5)
        left.legend(loc="lower left")
        years = [int(w.split()[-1]) for w in published["when"]]
        right.plot(years, published["value"], marker="o", color=PALETTE[1])
        for x, v in zip(years, published["value"], strict=True):
            if pd.notna(v):
                right.annotate(
                    f"{v:.1f}",
                    (x, v),
                    textcoords="offset points",
                    xytext=(0, 8),
                    ha="center",
                    fontsize=9,
                )
        right.set_title(
            "DfE: average caseload per case-holding FTE,\n30 September"
            if narrow
            else "DfE: average caseload per case-holding FTE, 30 September",
            loc="left",
            fontsize=10.5,
        )
        left.set_ylim(0, top)  # counts of cases start at zero
        left.set_ylabel("cases per worker / per FTE")
        if narrow:
            right.set_ylabel("cases per FTE")
    if narrow:
        return fig
    return variants.offer_narrow(fig, lambda: caseload_chart(rows, "", "", narrow=True))


def caseload_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind the caseload chart, with what each figure counts."""
    out = pd.DataFrame(
        {
            "Source": ["Cabinet report" if s == "report" else "DfE" for s in rows["series"]],
            "Team": rows["team"],
            "When": rows["when"],
            "Counts": rows["counts"],
            "Value": [
                value_text(v, s, "cases per FTE")
                for v, s in zip(rows["value"], rows["symbol"], strict=True)
            ],
            "Reference": rows["source"],
        }
    ).reset_index(drop=True)
    out.attrs.update(metrics=["caseload_per_worker", "caseload_per_fte"], undated=True)
    units = {"report": "cases per worker", "published": "cases per FTE"}
    return csv_data.attach(out, _records(rows, "when", units))


def caseload_alt(rows: pd.DataFrame, authority: str) -> str:
    """Alt text for the caseload chart."""
    parts = [f"Two panels of {authority}'s caseloads from two sources, never joined."]
    for team, t in rows[rows["series"] == "report"].groupby("team", sort=True):
        by = dict(zip(t["when"], t["value"], strict=True))
        parts.append(
            f"Cabinet report, {team}: {by.get(BEFORE, float('nan')):.0f} before and "
            f"{by.get(AFTER, float('nan')):.0f} after, undated."
        )
    published = rows[rows["series"] == "published"]
    listed = "; ".join(
        f"{w} {value_text(v, s, 'cases per FTE')}"
        for w, v, s in zip(published["when"], published["value"], published["symbol"], strict=True)
    )
    parts.append(f"DfE average caseload per case-holding FTE social worker: {listed}.")
    return " ".join(parts)

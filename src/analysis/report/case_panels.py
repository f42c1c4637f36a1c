"""Notebook 04's charts: the panels of a page of case-level KPIs drawn, described, published.

Drawing (charts) and words (story) meet here, above both, so that neither imports the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from analysis import charts
from analysis.charts import data_tables, figures
from analysis.present import formatting
from analysis.present.formatting import label, markdown
from analysis.privacy import disclosure
from analysis.story import alt_text, case_kpis, case_titles, own_data
from analysis.story.case_kpis import CasePage
from analysis.story.own_data import OwnPage


def show_panels(
    panels: Sequence[pd.DataFrame],
    title: str,
    name: str,
    figures_dir: str,
    **chart_options: Any,
) -> None:
    """Chart the panels that hold a number, and say plainly which are wholly suppressed.

    A panel whose every value is suppressed would be an empty chart: it is left out and named.
    """
    from IPython.display import display

    drawn, titles, hidden = [], [], []
    wanted = list(chart_options.pop("panel_titles", None) or [None] * len(panels))
    for rows, panel_title in zip(panels, wanted, strict=True):
        if rows.empty:
            continue
        if rows["value"].notna().any():
            drawn.append(rows)
            titles.append(panel_title)
        else:
            hidden.append(panel_title or label(rows["metric"].iloc[0]))
    if drawn:
        if any(t is not None for t in titles):
            chart_options["panel_titles"] = titles
        fig = charts.change_chart(drawn, title, **chart_options)
        alt = alt_text.describe(drawn, title)
        figures.publish(fig, name, figures_dir, alt=alt, table=data_tables.table(drawn))
    if hidden or not drawn:
        what = ", ".join(hidden) if hidden else "these figures"
        limits = [formatting.threshold(p) for p in panels]
        limit = max([n for n in limits if n is not None], default=disclosure.DEFAULT_THRESHOLD)
        display(
            markdown(
                f"Not charted: every month's count of {what} is from 1 to {limit}, or built on "
                "one, and "
                "is suppressed to protect the children it counts."
                if hidden
                else f"Not charted: the extract holds no records for {what}."
            )
        )


# --- an authority's own files (Annex A, census returns): sections the CSV layout cannot give ---

CONFERENCE_RULE = (
    "A conference is on time when it is held within 15 working days after the section 47 "
    "enquiry's start (the strategy discussion); enquiries where a conference was not required "
    "are left out."
)
NO_CASELOADS = {
    "cin-census": "a census return names no team or worker",
    "annex-a": "List 6 of this workbook gives no allocated team and worker",
}


def show_own_panels(page: CasePage | OwnPage, figures_dir: str) -> None:
    """Referrals and child protection charts for an authority's own files; nothing otherwise.

    Our CSV layout holds only assessments and episodes, so its page has no such sections (and
    no headings for them: the headings are outputs here, not markdown cells).
    """
    if not isinstance(page, OwnPage):
        return
    from IPython.display import Markdown, display

    display(Markdown("## Referrals and re-referrals within 12 months"))
    referrals = case_kpis.panels(page.shown, "referrals_received", "rereferrals_pct")
    show_panels(
        referrals,
        own_data.referrals_title(page),
        "04_case_level_kpis-referrals",
        figures_dir,
        subtitle=case_titles.subtitle(page, referrals, "received in each month"),
    )
    display(markdown(own_data.limits(page)))
    display(Markdown("## Child protection"))
    protection = case_kpis.panels(
        page.shown, "children_on_cpp", "s47_enquiries_started", "icpcs_on_time_pct"
    )
    show_panels(
        protection,
        own_data.protection_title(page),
        "04_case_level_kpis-protection",
        figures_dir,
        subtitle=case_titles.subtitle(
            page, protection, "plans at each month end; enquiries and conferences in each month"
        ),
    )
    display(markdown(CONFERENCE_RULE))


def show_caseloads(page: CasePage | OwnPage, figures_dir: str) -> None:
    """Caseload per worker by team, or why it cannot be counted from this input."""
    teams, rows = case_kpis.team_panels(page.shown, "caseload_per_worker")
    if not teams:
        from IPython.display import display

        why = NO_CASELOADS.get(getattr(page, "kind", ""), "the records name no team and worker")
        display(markdown(f"Caseloads cannot be counted: {why}."))
        return
    show_panels(
        rows,
        case_titles.caseload_title(page, teams),
        "04_case_level_kpis-caseloads",
        figures_dir,
        panel_titles=teams,
        share_y=True,
        subtitle=case_titles.subtitle(
            page, rows, "open cases over workers holding any, month ends"
        ),
    )


def show_comparison(page: CasePage | OwnPage) -> None:
    """The census-year comparison with its heading, or nothing for other inputs."""
    from IPython.display import HTML, Markdown, display

    frame = own_data.census_comparison(page)
    if frame.empty:
        return
    display(Markdown("## Census years beside the DfE's published figures"))
    display(HTML(own_data.comparison_html(frame, page)))
    display(markdown(own_data.comparison_sources(page)))
    display(markdown(own_data.MADE_UP if page.synthetic else own_data.NOT_PUBLISHED))

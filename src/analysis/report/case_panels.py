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
from analysis.story import alt_text


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

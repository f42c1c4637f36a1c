"""Figures on the page: the numbers behind a chart folded away, the CSV link always in view."""

from __future__ import annotations

import pandas as pd
from tidy_rows import shipped_like

from analysis.charts import figures, kinds
from analysis.present import selection


def _shown(monkeypatch) -> list:
    shown: list = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    return shown


def test_several_tables_fold_into_one_details_with_the_csv_link_outside(monkeypatch):
    shown = _shown(monkeypatch)
    fig = kinds.change_chart(selection.select(shipped_like(), "open_cin_cases"), "t")
    first = pd.DataFrame({"Year": ["2024"], "Town": ["1.0"]})
    first.attrs["caption"] = "Rate A"
    second = pd.DataFrame({"Year": ["2024"], "Town": ["2.0"]})
    second.attrs.update(caption="Rate B", source="Source: DfE.")
    figures.show(fig, alt="a chart", table=[first, second], csv_href="figures/x.csv")
    html = shown[1].data
    # One fold, opened by its summary; both tables inside it; the download link after it.
    assert html.startswith(
        '<details class="chart-numbers">\n<summary>The numbers behind the chart</summary>\n'
        '<table class="dataframe chart-data">\n  <caption>Rate A</caption>'
    )
    assert html.count("<details") == 1 and html.count("<table") == 2
    assert html.endswith(
        '<p class="table-source">Source: DfE.</p>\n</details>\n'
        '<p class="download"><a href="figures/x.csv">Download the data (CSV)</a></p>'
    )
    assert "<script" not in html  # <details> opens without any script


def test_a_table_shown_without_a_chart_is_not_folded(monkeypatch):
    shown = _shown(monkeypatch)
    figures.show_table(pd.DataFrame({"Measure": ["Audits"], "Value": ["nearly 600"]}), "Audits")
    assert shown[0].data.startswith('<table class="dataframe chart-data">')

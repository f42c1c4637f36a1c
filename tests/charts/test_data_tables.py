"""The numbers behind a chart as the page shows them: shares with their parts, suppression named."""

from __future__ import annotations

from tidy_rows import frame, monthly, row

from analysis.charts import data_tables, kinds
from analysis.metrics import tidy
from analysis.story import alt_text


def _on_time(threshold: int):
    """Initial assessments on time in two months, as page 04 holds them after suppression:
    54 of 58 in May 2012 (54 / 58 = 93.10…% -> 93.1%), and June 2012 suppressed (3 of 40)."""
    rows = frame(
        row("initial_assessments_on_time_pct", "May 2012", 93.1, start="2012-05-01",
            end="2012-05-31", denominator=58),
        row("initial_assessments_on_time_pct", "June 2012", None, start="2012-06-01",
            end="2012-06-30", qualifier=tidy.SUPPRESSED, denominator=40),
    )  # fmt: skip
    rows[tidy.SHOWN_NUMERATOR] = [54.0, float("nan")]
    rows[tidy.THRESHOLD] = threshold
    return rows


def test_a_share_on_time_shows_its_numerator_and_denominator():
    t = data_tables.table(_on_time(5))
    assert t.values.tolist() == [
        ["May 2012", "93.1% (54 of 58)"],
        ["June 2012", "suppressed (1–5)"],
    ]


def test_suppressed_cells_name_the_threshold_the_run_used():
    t = data_tables.table(_on_time(3))
    assert t.values.tolist()[1] == ["June 2012", "suppressed (1–3)"]


def test_chart_annotations_name_the_threshold_the_run_used():
    rows = frame(
        row("open_cin_cases", "May 2012", 40, start="2012-05-01", end="2012-05-31"),
        row("open_cin_cases", "June 2012", None, start="2012-06-01", end="2012-06-30",
            qualifier=tidy.SUPPRESSED),
        row("open_cin_cases", "July 2012", 44, start="2012-07-01", end="2012-07-31"),
    )  # fmt: skip
    rows[tidy.THRESHOLD] = 3
    ax = kinds.change_chart(rows, "t").axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["40", "44", "suppressed (1–3)"]
    assert "June 2012 suppressed (1–3); July 2012 44." in alt_text.describe(rows, "t")


def test_a_suppressed_month_among_many_is_marked_upright_like_the_value_labels():
    values = [float(v) for v in range(20, 32)]
    rows = monthly("open_cin_cases", values)
    rows.loc[5, ["value", "qualifier"]] = [float("nan"), tidy.SUPPRESSED]
    rows[tidy.THRESHOLD] = 5
    ax = kinds.change_chart(rows, "t").axes[0]
    (mark,) = [t for t in ax.texts if t.get_text() == "suppressed (1–5)"]
    assert mark.get_rotation() == 90

"""The numbers and sentences the notebooks state, computed from tidy rows."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from tidy_rows import (
    DOC,
    FOI,
    SCRUTINY,
    frame,
    month_ends,
    monthly,
    row,
    shipped_like,
    with_monthly_figures,
)

from analysis.charts import data_tables
from analysis.metrics import catalogue, tidy
from analysis.present import formatting, selection
from analysis.story import wording

# --- ordering and picking ---------------------------------------------------------------------


def test_order_periods_puts_undated_before_first_and_after_last():
    df = frame(
        row("open_cin_cases", "after (undated)", 3),
        row("open_cin_cases", "March 2012", 2, start="2012-03-01", end="2012-03-31"),
        row("open_cin_cases", "before (undated)", 0),
        row("open_cin_cases", "January 2012", 1, start="2012-01-01", end="2012-01-31"),
    )
    assert list(selection.order_periods(df)["value"]) == [0, 1, 2, 3]


def test_order_periods_breaks_equal_starts_by_end():
    df = shipped_like()
    pts = selection.select(df, "initial_assessments_on_time_pct")
    assert list(pts["period"]) == ["April–May 2012", "year to date to September 2012"]


def test_select_names_a_missing_metric_and_scope():
    with pytest.raises(KeyError, match=r"caseload_per_worker.*Nowhere"):
        selection.select(shipped_like(), "caseload_per_worker", "Nowhere")


def test_change_takes_first_and_last_period_whatever_the_row_order():
    df = shipped_like().iloc[::-1]
    c = selection.change(df, "open_cin_cases")
    assert (c.before, c.after) == (1486, 1000)
    assert (c.before_period, c.after_period) == ("December 2011", "end of April 2012")
    assert c.difference == -486
    assert c.pct_change == pytest.approx(-32.705, abs=1e-3)
    assert not c.undated


def test_change_knows_undated_rows():
    c = selection.change(shipped_like(), "caseload_per_worker", "Referral and Assessment")
    assert (c.before, c.after, c.undated) == (30, 17, True)


def test_change_needs_two_values():
    df = frame(row("open_cin_cases", "December 2011", 1486, start="2011-12-01"))
    with pytest.raises(ValueError, match="before and an after"):
        selection.change(df, "open_cin_cases")


def test_change_skips_suppressed_values():
    df = frame(
        row("open_cin_cases", "January 2012", 10, start="2012-01-01"),
        row("open_cin_cases", "February 2012", 12, start="2012-02-01"),
        row("open_cin_cases", "March 2012", None, start="2012-03-01", qualifier="suppressed"),
    )
    assert selection.change(df, "open_cin_cases").after == 12


def test_pct_change_is_none_from_zero():
    df = frame(
        row("core_assessments_overdue", "January 2012", 0, start="2012-01-01"),
        row("core_assessments_overdue", "February 2012", 4, start="2012-02-01"),
    )
    assert selection.change(df, "core_assessments_overdue").pct_change is None
    assert wording.change_sentence(selection.change(df, "core_assessments_overdue")).endswith(
        "(up 4)."
    )


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("late", "of", "expected"), [(59, 99, 40.404), (114, 200, 43.0), (1, 220, 99.545), (0, 5, 100)]
)
def test_on_time_pct(late, of, expected):
    assert selection.on_time_pct(late, of) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(("late", "of"), [(5, 4), (-1, 4), (0, 0)])
def test_on_time_pct_refuses_impossible_counts(late, of):
    with pytest.raises(ValueError):
        selection.on_time_pct(late, of)


def test_main_source_is_the_one_with_most_rows():
    assert selection.main_source(shipped_like()) == DOC


def test_timeliness_points_turns_late_counts_into_shares_and_marks_roles():
    pts = selection.timeliness_points(
        shipped_like(), "initial_assessments_on_time_pct", "initial_assessments_late"
    )
    assert list(pts["period"]) == [
        "March 2010",
        "September 2011",
        "April 2012",
        "April–May 2012",
        "year to date to September 2012",
    ]
    assert [round(v, 1) for v in pts["value"]] == [40.4, 43.0, 99.5, 99.0, 97.6]
    assert list(pts["role"]) == ["context", "context", "context", "main", "context"]
    # As stated (late of all), then on time: 99 - 59 = 40, 200 - 114 = 86, 220 - 1 = 219.
    assert list(pts["note"])[:3] == [
        "59 of 99 late, as stated; 40 on time",
        "114 of 200 late, as stated; 86 on time",
        "1 of 220 late, as stated; 219 on time",
    ]
    assert set(pts["metric"]) == {"initial_assessments_on_time_pct"}
    assert set(pts["unit"]) == {"percent"}


def test_timeliness_points_leave_out_late_counts_without_a_denominator():
    df = pd.concat(
        [shipped_like(), frame(row("initial_assessments_late", "May 2012", 3, start="2012-05-01"))]
    )
    pts = selection.timeliness_points(
        df, "initial_assessments_on_time_pct", "initial_assessments_late"
    )
    assert "May 2012" not in set(pts["period"])


def test_timeliness_points_main_source_can_be_chosen():
    pts = selection.timeliness_points(shipped_like(), "core_assessments_on_time_pct", main=SCRUTINY)
    assert list(pts["role"]) == ["context", "main"]


# --- words --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "text"),
    [
        (1486, "count", "", "1,486"),
        (99, "percent", "", "99%"),
        (97.6, "percent", "", "97.6%"),
        (40.40404, "percent", "", "40.4%"),
        (200000, "GBP", "", "£200,000"),
        (600, "count", "nearly", "nearly 600"),
        (17, "cases per worker", "", "17"),
        (math.nan, "count", "suppressed", "suppressed"),
    ],
)
def test_fmt_value(value, unit, qualifier, text):
    assert formatting.fmt_value(value, unit, qualifier) == text


@pytest.mark.parametrize(
    ("period", "phrase"),
    [
        ("December 2011", "in December 2011"),
        ("end of April 2012", "at the end of April 2012"),
        ("year to date to September 2012", "in the year to date to September 2012"),
        ("April–May 2012", "in April–May 2012"),
    ],
)
def test_when(period, phrase):
    assert formatting.when(period) == phrase


def test_cin_words_are_computed_from_the_data():
    df = shipped_like()
    assert wording.cin_finding(df, "Peterborough") == (
        "In Peterborough, open children in need cases fell by 486 (32.7%), "
        "from 1,486 in December 2011 to 1,000 at the end of April 2012."
    )
    # Other numbers give other words: nothing is typed by hand.
    df.loc[(df["metric"] == "open_cin_cases") & (df["value"] == 1000), "value"] = 1600
    assert wording.cin_finding(df, "Elsewhere") == (
        "In Elsewhere, open children in need cases rose by 114 (7.7%), "
        "from 1,486 in December 2011 to 1,600 at the end of April 2012."
    )


def test_cin_text_says_only_two_counts_exist():
    text = wording.cin_text(shipped_like())
    assert "(down 486, 32.7%)" in text
    assert "Only these two counts" in text


def test_caseload_words():
    df = shipped_like()
    finding = wording.caseload_finding(df, "Peterborough")
    assert finding.startswith("In Peterborough, as the staff establishment rose from 56 to 81, ")
    assert "fell from 30 to 17 in Referral and Assessment" in finding
    assert "fell from 27 to 20 in Family Support" in finding
    text = wording.caseload_text(df)
    assert (
        "In Referral and Assessment, the average caseload fell from 30 to 17 (down 13, 43.3%)."
        in text
    )
    assert "The staff establishment rose from 56 to 81 (up 25, 44.6%)." in text
    assert "gives no dates" in text


def test_timeliness_words():
    df = shipped_like()
    points = [selection.timeliness_points(df, p, late) for p, late in selection.TIMELINESS_METRICS]
    text = wording.timeliness_text(points)
    assert text.startswith(
        "In April–May 2012, 99% of initial assessments were completed within 10 working days "
        "and 92% of core assessments within 35 working days."
    )
    assert (
        f"For context, [2] {FOI} gives 40.4% of initial assessments on time in March 2010 "
        "(59 of 99 late, as stated; 40 on time)" in text
    )
    assert text.index(f"[2] {FOI}") < text.index(f"[3] {SCRUTINY}")
    assert "88.8% of core assessments on time in the year to date to September 2012" in text
    assert wording.timeliness_finding(df, points, "Peterborough") == (
        "In Peterborough, the initial assessment backlog fell from 235 to 0 and the core "
        "assessment backlog fell from 125 to 5 between December 2011 and the end of April 2012, "
        "and in April–May 2012 "
        "99% of initial and 92% of core assessments were completed within the statutory timescale."
    )


def test_source_numbers_put_the_main_source_first_then_time_order():
    df = shipped_like()
    points = [selection.timeliness_points(df, p, late) for p, late in selection.TIMELINESS_METRICS]
    assert selection.source_numbers(points) == {DOC: 1, FOI: 2, SCRUTINY: 3}
    assert selection.source_numbers(points[1:]) == {DOC: 1, SCRUTINY: 2}


def test_backlog_words():
    df = shipped_like()
    assert (
        "Core assessments out of timescale fell from 125 in December 2011 to 5 at the end of "
        "April 2012 (down 120, 96.0%)." in wording.backlog_text(df)
    )


def _points(df):
    return [selection.timeliness_points(df, p, late) for p, late in selection.TIMELINESS_METRICS]


def test_timeliness_finding_names_each_backlogs_own_periods():
    # The initial backlog now runs to the end of May; the core one still ends in April.
    df = with_monthly_figures()
    assert wording.timeliness_finding(df, _points(df), "Peterborough") == (
        "In Peterborough, the initial assessment backlog fell from 235 in December 2011 to 3 "
        "at the end of May 2012 and the core assessment backlog fell from 125 in December 2011 "
        "to 5 at the end of April 2012, and in April–May 2012 99% of initial and 92% of core "
        "assessments were completed within the statutory timescale."
    )
    text = wording.backlog_text(df)
    assert "fell from 235 in December 2011 to 3 at the end of May 2012 (down 232, 98.7%)" in text
    assert "fell from 125 in December 2011 to 5 at the end of April 2012 (down 120, 96.0%)" in text


def test_undated_backlogs_are_not_said_to_be_between_periods():
    df = shipped_like()
    df = df[~df["metric"].isin(selection.BACKLOG_METRICS)]
    df = pd.concat([df, frame(
        row("initial_assessments_overdue", "before (undated)", 235),
        row("initial_assessments_overdue", "after (undated)", 0),
        row("core_assessments_overdue", "before (undated)", 125),
        row("core_assessments_overdue", "after (undated)", 5),
    )])  # fmt: skip
    finding = wording.timeliness_finding(df, _points(df), "P")
    assert finding.startswith(
        "In P, the initial assessment backlog fell from 235 to 0 and the core assessment "
        "backlog fell from 125 to 5, and in April–May 2012 "
    )
    assert "undated" not in finding


def test_latest_timeliness_shares_name_their_own_periods():
    # A monthly initial-assessment figure from the main source, later than the core one.
    df = pd.concat([shipped_like(), frame(
        row("initial_assessments_on_time_pct", "June 2012", 95, start="2012-06-01",
            end="2012-06-30"),
    )])  # fmt: skip
    points = _points(df)
    assert wording.timeliness_finding(df, points, "P").endswith(
        "between December 2011 and the end of April 2012, and 95% of initial assessments in "
        "June 2012 and 92% of core assessments in April–May 2012 were completed within the "
        "statutory timescale."
    )
    assert wording.timeliness_text(points).startswith(
        "In June 2012, 95% of initial assessments were completed within 10 working days. "
        "In April–May 2012, 92% of core assessments were completed within 35 working days."
    )


def test_latest_main_skips_a_suppressed_figure():
    df = pd.concat([shipped_like(), frame(
        row("initial_assessments_on_time_pct", "June 2012", None, start="2012-06-01",
            end="2012-06-30", qualifier="suppressed"),
    )])  # fmt: skip
    points = _points(df)
    assert selection.latest_main(points[0])["period"] == "April–May 2012"


def test_monthly_changes_compare_the_first_and_last_figures_and_say_when():
    # A path that rises before it falls: the change is still first against last.
    df = pd.concat([shipped_like(), month_ends("open_cin_cases", "2012-01-01", [1600, 1250, 1105])])
    assert wording.cin_finding(df, "P") == (
        "In P, open children in need cases fell by 486 (32.7%), "
        "from 1,486 in December 2011 to 1,000 at the end of April 2012."
    )
    assert "Only these two counts" not in wording.cin_text(df)
    # A suppressed last month: the last figure is the last one published.
    df = pd.concat([df, month_ends("open_cin_cases", "2012-05-01", [None])])
    assert "to 1,000 at the end of April 2012" in wording.cin_finding(df, "P")


def test_an_unchanged_dated_figure_still_says_when():
    df = frame(
        row("core_assessments_overdue", "December 2011", 5, start="2011-12-01", end="2011-12-31"),
        row("core_assessments_overdue", "end of April 2012", 5, start="2012-04-30"),
    )
    assert wording.change_sentence(selection.change(df, "core_assessments_overdue")) == (
        "Core assessments out of timescale stayed at 5 from December 2011 to the end of April 2012."
    )


# --- tables -------------------------------------------------------------------------------


def test_table_is_wide_one_row_per_period_one_column_per_team_source_once():
    t = data_tables.table(selection.select(shipped_like(), "caseload_per_worker"))
    assert list(t.columns) == [
        "Period",
        "Average caseload per worker: Referral and Assessment",
        "Average caseload per worker: Family Support",
    ]
    assert t.values.tolist() == [["before (undated)", "30", "27"], ["after (undated)", "17", "20"]]
    assert t.attrs["source"] == f"Source: {DOC}, para 1."
    assert t.attrs["metrics"] == ["caseload_per_worker"] and t.attrs["undated"] is True


def test_table_marks_suppressed_cells_and_keeps_gaps():
    rows = monthly("open_cin_cases", [12.0, float("nan"), 40.0])
    rows.loc[1, "qualifier"] = tidy.SUPPRESSED
    rows[tidy.THRESHOLD] = 5  # the threshold the run suppressed with
    t = data_tables.table(rows)
    assert list(t["Open children in need cases"]) == ["12", "suppressed (1–5)", "40"]


def test_timeliness_table_shows_numerator_denominator_and_source_number():
    df = shipped_like()
    points = [selection.timeliness_points(df, p, late) for p, late in selection.TIMELINESS_METRICS]
    t = data_tables.timeliness_table(points)
    assert list(t.columns) == ["Period", "Initial assessments on time", "Core assessments on time"]
    first = t.iloc[0]
    assert (first["Period"], first["Initial assessments on time"]) == (
        "March 2010",
        "40.4% (59 of 99 late, as stated; 40 on time) [2]",
    )
    assert t.set_index("Period").loc["April–May 2012"].tolist() == ["99% [1]", "92% [1]"]
    assert t.attrs["source"].startswith(f"Sources: [1] {DOC}, para 1; [2] {FOI}")
    # The FOI counts "longer than 10 days": no heading may claim working days.
    assert not any("working" in c for c in t.columns)


def test_figures_table_keeps_qualifier_denominator_and_citation():
    df = frame(
        row("assurance_audits_completed", "at the time of writing (undated)", 600,
            qualifier="nearly", ref="para 4.15"),
        row("referrals_initial_assessment_late", "November 2009 to April 2012", 1051,
            start="2009-11-01", end="2012-04-30", denominator=3280, source=FOI, ref="https://x"),
    )  # fmt: skip
    t = data_tables.figures_table(df, selection.QUALITY_FIGURES + selection.REFERRAL_FIGURES)
    values = dict(zip(t["Measure"], t["Value"], strict=True))
    assert values["Assurance audits completed"] == "nearly 600"
    assert values["Referrals whose initial assessment missed 10 days"] == "1,051 of 3,280 (32%)"
    assert list(t["Source"]) == [f"{DOC}, para 4.15", f"{FOI}, https://x"]
    assert t.attrs["undated"] is True


def test_load_resolves_relative_paths_against_the_root(tmp_path, monkeypatch):
    path = tmp_path / "metrics.csv"
    df = shipped_like()
    path.write_text(tidy.to_csv_text(df), encoding="utf-8")
    monkeypatch.chdir(tmp_path.parent)  # the cwd must not matter
    loaded = selection.load(path)
    assert selection.change(loaded, "open_cin_cases").difference == -486
    assert catalogue.get("open_cin_cases").unit == "count"

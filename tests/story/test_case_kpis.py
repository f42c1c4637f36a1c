"""Page 04 on a small real-shaped extract: its own months, plain words, nothing mislabelled."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from tidy_rows import frame, row

from analysis import config
from analysis.cli import main
from analysis.metrics import tidy
from analysis.report import folders, runner
from analysis.report.case_panels import show_panels
from analysis.story import case_kpis

SMALL = Path(__file__).parents[1] / "fixtures" / "small_extract"


def test_a_real_extract_is_charted_over_exactly_the_months_it_covers():
    page = case_kpis.load(SMALL)
    assert not page.synthetic
    assert sorted(set(page.shown["period_start"].dt.strftime("%Y-%m"))) == [
        "2023-01", "2023-02", "2023-03", "2023-04",
    ]  # fmt: skip
    assert page.label == "extract, January 2023 to April 2023"


def test_the_data_are_described_as_what_they_are():
    text = case_kpis.describe(case_kpis.load(SMALL))
    # Row counts from `wc -l` less the header; hashes from `sha256sum`, first 12 characters.
    assert "assessments.csv (40 rows read, 40 used; SHA-256 bc9db8f8c5f5…)" in text
    assert "cin_episodes.csv (30 rows read, 30 used; SHA-256 5d6d76ae0202…)" in text
    assert "covering January 2023 to April 2023" in text
    assert "synthetic" not in text


def test_the_headline_compares_the_extracts_own_first_and_last_months():
    page = case_kpis.load(SMALL)
    text = case_kpis.headline(page.monthly, "Peterborough", page.synthetic)
    # Open at a month end, counted with awk: started on or before it, not ended by it.
    assert text.startswith(
        "In this extract, open children in need cases went from 16 at the end of January 2023 "
        "to 19 at the end of April 2023, and single assessments out of timescale from 0 to "
        "between 1 and 5, exact counts from 1 to 5 being withheld to protect the children they "
        "count."
    )
    assert "Peterborough" not in text and "not available" not in text


def test_page_04_on_a_small_extract_shows_its_months_and_names_nothing_it_is_not(tmp_path):
    layout = folders.Layout(out=tmp_path / "reports", notebooks_dir=config.NOTEBOOKS)
    notebook = config.NOTEBOOKS / "04_case_level_kpis.ipynb"
    kpis = tmp_path / "kpis"  # what the kpis stage writes, from the small extract
    assert main(["kpis", "--cases", str(SMALL), "--out", str(kpis), "--publish"]) == 0
    assert runner.build(layout, [notebook], {"kpis_dir": str(kpis)}, clean=False) == 0
    html = (layout.out / "04_case_level_kpis.html").read_text(encoding="utf-8")
    page = " ".join(BeautifulSoup(html, "html.parser").get_text().split())
    assert "covering January 2023 to April 2023" in page
    for wrong in ("Peterborough extract", "default data are synthetic", "of core", "2022"):
        assert wrong not in page, wrong
    # Every period in the numbers behind the charts is one of the extract's four months.
    periods = {cell.get_text() for cell in BeautifulSoup(html, "html.parser").find_all("td")}
    assert {p for p in periods if p.endswith(" 2023")} <= {
        "January 2023", "February 2023", "March 2023", "April 2023",
    }  # fmt: skip


def test_a_wholly_suppressed_panel_is_named_not_drawn_empty(monkeypatch, tmp_path):
    import IPython.display

    shown: list[object] = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **_: shown.extend(objs))
    page = case_kpis.load(SMALL)
    rows = case_kpis.pick(page.shown, "single_assessments_overdue")
    hidden = rows.assign(value=float("nan"), qualifier="suppressed")
    show_panels([hidden], "Backlog", "x", str(tmp_path))
    assert [type(o).__name__ for o in shown] == ["Markdown"]  # no figure, no table
    assert shown[0].data.startswith(
        "Not charted: every month's count of Single assessments out of timescale is from 1 to 5"
    )
    assert list(tmp_path.iterdir()) == []  # nothing saved either


def test_each_share_on_time_carries_its_published_count_and_the_threshold():
    table = frame(
        row("initial_assessments_on_time", "May 2012", 54, start="2012-05-01"),
        row("initial_assessments_on_time_pct", "May 2012", 87.1, start="2012-05-01",
            denominator=62),
        row("initial_assessments_on_time", "June 2012", None, start="2012-06-01",
            qualifier="suppressed"),
        row("initial_assessments_on_time_pct", "June 2012", None, start="2012-06-01",
            qualifier="suppressed"),
        row("open_cin_cases", "May 2012", 1000, start="2012-05-01"),
    )  # fmt: skip
    out = case_kpis.with_numerators(table, 4)
    assert out[tidy.THRESHOLD].tolist() == [4] * 5
    numerators = out[tidy.SHOWN_NUMERATOR].fillna(-1).tolist()
    assert numerators == [-1, 54, -1, -1, -1]  # only beside shares; a suppressed count stays so


def test_the_threshold_of_the_run_reaches_the_pages_rows():
    page = case_kpis.load(SMALL, threshold=3)
    assert set(page.monthly[tidy.THRESHOLD]) == {3}


def test_a_share_with_few_late_ones_is_shown_without_its_parts():
    table = frame(
        row("initial_assessments_on_time", "May 2012", 58, start="2012-05-01"),
        row("initial_assessments_on_time_pct", "May 2012", 96.7, start="2012-05-01",
            denominator=60),
        row("initial_assessments_on_time", "June 2012", 54, start="2012-06-01"),
        row("initial_assessments_on_time_pct", "June 2012", 90, start="2012-06-01",
            denominator=60),
    )  # fmt: skip
    out = case_kpis.with_numerators(table, 5)
    shares = out[out["metric"] == "initial_assessments_on_time_pct"]
    # May: 60 - 58 = 2 late, from 1 to 5: "58 of 60" would give them away. June: 6 late.
    assert shares[tidy.SHOWN_NUMERATOR].fillna(-1).tolist() == [-1, 54]
    assert shares["denominator"].fillna(-1).tolist() == [-1, 60]
    assert shares["value"].tolist() == [96.7, 90]  # the shares themselves stay


def test_a_suppressed_share_is_not_read_as_a_count_of_assessments():
    page = case_kpis.load(SMALL)
    monthly = page.monthly.copy()
    april = (monthly["metric"].str.endswith("_on_time_pct")) & (
        monthly["period_start"].dt.strftime("%Y-%m") == "2023-04"
    )
    assert april.any()
    monthly.loc[april, "qualifier"] = tidy.SUPPRESSED
    monthly.loc[april, "value"] = float("nan")
    sentence = case_kpis.timeliness_sentence(monthly, synthetic=False)
    # April 2023: 10 single assessments completed (awk -F, '$5 ~ /^2023-04/' over the
    # fixture's assessments.csv), so the reason given is the on-time count's.
    assert sentence.startswith(
        "10 single assessments were completed in April 2023, and between 1 and 5 of them on "
        "time: how many were within 45 working days is not shown, because numbers that small "
        "could identify the children concerned."
    )
    assert "suppressed of" not in sentence and "(1–" not in sentence


A_HEADER = "child_id,assessment_id,assessment_type,start_date,completed_date,team,worker_id\n"
E_HEADER = "child_id,episode_id,start_date,end_date,team,worker_id\n"


def test_suppressed_and_missing_shares_are_said_in_words_a_councillor_reads_aloud(tmp_path):
    # June 2012: three initial assessments completed (A4, A5, A6: from 1 to 5, suppressed) and
    # no core assessment (A3, the only one, was completed in May). One open case (C1) at the
    # end of May and of June: suppressed too. No initial assessment was open past its deadline.
    (tmp_path / "assessments.csv").write_text(
        A_HEADER
        + "C1,A1,initial,2012-05-01,2012-05-08,Family Support,W1\n"
        + "C2,A2,initial,2012-05-02,2012-05-09,Family Support,W1\n"
        + "C3,A3,core,2012-05-01,2012-05-20,Family Support,W1\n"
        + "C4,A4,initial,2012-06-01,2012-06-05,Family Support,W1\n"
        + "C5,A5,initial,2012-06-04,2012-06-08,Family Support,W1\n"
        + "C6,A6,initial,2012-06-05,2012-06-29,Family Support,W1\n",
        encoding="utf-8",
    )
    (tmp_path / "cin_episodes.csv").write_text(
        E_HEADER + "C1,E1,2012-05-01,,Family Support,W1\n", encoding="utf-8"
    )
    page = case_kpis.load(tmp_path)
    assert case_kpis.timeliness_sentence(page.monthly, synthetic=False) == (
        "Between 1 and 5 initial assessments were completed in June 2012: how many were within "
        "10 working days is not shown, because numbers that small could identify the children "
        "concerned. No core assessment was completed in June 2012. Working days leave out "
        "weekends and England and Wales bank holidays."
    )
    assert case_kpis.headline(page.monthly, "Peterborough", synthetic=False) == (
        "In this extract, open children in need cases went from between 1 and 5 at the end of "
        "May 2012 to between 1 and 5 at the end of June 2012, and initial assessments out of "
        "timescale stayed at 0, exact counts from 1 to 5 being withheld to protect the children "
        "they count."
    )

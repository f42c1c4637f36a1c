"""`analysis kpis --annex-a`: the shared Annex A sample's monthly figures, worked out by hand.

The sample (tests/fixtures/annex_a, made up, MIT) as read: List 3, six referrals of six children
on 16/09/2020, none NFA. List 4, five assessments: started 16/05/2019, 30/10/2019, 26/12/2019 and
twice 26/02/2020, authorised 08/02/2021, 19/01/2021, 11/11/2020 and twice 02/02/2021. List 5,
five enquiries started 16/09/2020: conferences on 05/10/2020 (two) and 01/10/2020, and two
marked not required. List 6, five episodes started 2006 to 2017, none closed, team and worker
#N/A. List 7, seven plans: 23/11/2020-16/02/2021, two from 08/02/2021 still open, two
27/04/2020-04/01/2021, two 25/06/2019-17/09/2020.
"""

from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main

SAMPLE = Path(__file__).parents[1] / "fixtures" / "annex_a" / "Annex_A_sample_2024_Jan.xlsx"


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    out = tmp_path_factory.mktemp("kpis")
    assert main(["kpis", "--annex-a", str(SAMPLE), "--out", str(out)]) == 0
    return pd.read_csv(out / "metrics.csv", keep_default_na=False)


def value(table, metric, period, scope="service"):
    rows = table[(table.metric == metric) & (table.period == period) & (table.scope == scope)]
    assert len(rows) == 1, (metric, period, len(rows))
    return float(rows.value.iloc[0])


def test_months_run_over_the_workbooks_window(table):
    # List 3's referrals open the window (September 2020); the latest referral, assessment or
    # enquiry date closes it (an authorisation on 08/02/2021). Assessments started in 2019 and
    # plans from 2019 do not stretch it back: those months' referrals are not in the workbook.
    months = table.loc[table.metric == "open_cin_cases", "period"].tolist()
    assert (months[0], months[-1], len(months)) == ("September 2020", "February 2021", 6)


def test_referrals(table):
    assert value(table, "referrals_received", "September 2020") == 6
    assert value(table, "referrals_received", "October 2020") == 0
    # Six different children with no earlier referral: no re-referral.
    assert value(table, "rereferrals_pct", "September 2020") == 0.0


def test_assessments(table):
    assert value(table, "single_assessments_completed", "November 2020") == 1
    assert value(table, "single_assessments_completed", "February 2021") == 3
    # Every one took far longer than 45 working days.
    assert value(table, "single_assessments_on_time_pct", "February 2021") == 0.0
    # All five were long past 45 working days by September 2020: five overdue then; four at
    # 30 November (one authorised 11 November); three at 31 January (one on 19 January); at
    # 28 February 2021 none is open.
    assert value(table, "single_assessments_overdue", "September 2020") == 5
    assert value(table, "single_assessments_overdue", "November 2020") == 4
    assert value(table, "single_assessments_overdue", "January 2021") == 3
    assert value(table, "single_assessments_overdue", "February 2021") == 0


def test_children_in_need_and_no_caseload_without_teams(table):
    assert value(table, "open_cin_cases", "September 2020") == 5
    assert value(table, "open_cin_cases", "February 2021") == 5
    # List 6's team and worker are #N/A: no caseload can be counted.
    assert "caseload_per_worker" not in set(table.metric)


def test_section_47_and_conferences(table):
    assert value(table, "s47_enquiries_started", "September 2020") == 5
    # 16/09/2020 to 05/10/2020: 17-18, 21-25, 28-30 Sept, 1-2 and 5 Oct = 13 working days;
    # to 01/10/2020, 11. All three held in October, on time; the two not required left out.
    assert value(table, "icpcs_held", "October 2020") == 3
    assert value(table, "icpcs_on_time_pct", "October 2020") == 100.0


def test_children_on_a_plan(table):
    # 30/09/2020: the two plans from 27/04/2020 (the 2019 ones ended 17/09/2020).
    assert value(table, "children_on_cpp", "September 2020") == 2
    # 31/12/2020: those two and the plan from 23/11/2020.
    assert value(table, "children_on_cpp", "December 2020") == 3
    # 31/01/2021: only the plan from 23/11/2020 (the others ended 04/01/2021).
    assert value(table, "children_on_cpp", "January 2021") == 1
    # 28/02/2021: the two from 08/02/2021.
    assert value(table, "children_on_cpp", "February 2021") == 2


def test_no_child_id_or_worker_name_is_written(table):
    text = table.to_csv()
    for personal in ("6537810", "Hallie Erwin", "Marty Gonsalves", "2019-05-16"):
        assert personal not in text


def test_without_authority_the_run_says_it_is_not_known(tmp_path):
    import json

    assert main(["kpis", "--annex-a", str(SAMPLE), "--out", str(tmp_path)]) == 0
    run = json.loads((tmp_path / "kpis_run.json").read_text())
    assert run["authority"] is None
    assert "the authority is not known" in run["authority_note"]


def test_a_bad_cell_is_reported_and_nothing_written(tmp_path, capsys):
    import xlsxwriter

    book = tmp_path / "bad.xlsx"
    with xlsxwriter.Workbook(book) as wb:
        sheet = wb.add_worksheet("List 4")
        sheet.write_row(0, 0, ["Child Unique ID", "Continuous Assessment Start Date",
                               "Continuous Assessment Date of Authorisation",
                               "Allocated Team", "Allocated Worker"])  # fmt: skip
        sheet.write_row(1, 0, ["1", "01/02/2020", "31/02/2020", "T", "W"])
        for n in (3, 5, 6, 7):
            wb.add_worksheet(f"List {n}")
    out = tmp_path / "out"
    assert main(["kpis", "--annex-a", str(book), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert (
        "bad.xlsx: 'List 4'!C2: column 'Continuous Assessment Date of Authorisation': "
        "value '31/02/2020': expected a date"
    ) in err
    assert not out.exists()


CENSUS_2024 = Path(__file__).parents[1] / "fixtures" / "cin_census" / "valid_2024.xml"


def test_census_year_figures_from_a_return_worked_by_hand(tmp_path):
    # valid_2024.xml (made up), LA code 874 (Peterborough), year to 31 March 2024:
    # K1 referred 10/05/2023, closed 30/11/2023, plan 25/05/2023-20/11/2023, assessment
    # 11/05/2023-20/06/2023 (27 working days: on time); K2 referred 01/12/2022 (closed
    # 20/04/2023) and 01/02/2024 (NFA); K3 referred 01/03/2024, open, assessment open.
    out = tmp_path / "out"
    assert main(["kpis", "--cin-census", str(CENSUS_2024), "--out", str(out)]) == 0
    t = pd.read_csv(out / "metrics.csv", keep_default_na=False)
    at, year = "31 March 2024", "year to 31 March 2024"
    assert value(t, "cin_count", at) == 1  # K3 (K2's second is NFA, never open)
    assert value(t, "referrals_received", year) == 3  # K1, K2's NFA, K3
    # K2's 01/02/2024 follows 01/12/2022, more than twelve months before: not a re-referral.
    assert value(t, "rereferral_pct", year) == 0
    assert value(t, "children_on_cpp", at) == 0
    assert value(t, "single_assessments_on_time_pct", year) == 100
    # Peterborough's children aged 0 to 17 at mid-2023: 56,451 (ONS file, line 261).
    # 1 x 10,000 / 56,451 = 0.177 -> 0.2; 3 x 10,000 / 56,451 = 0.531 -> 0.5.
    assert value(t, "cin_rate_per_10k", at) == 0.2
    assert value(t, "referral_rate_per_10k", year) == 0.5
    rate = t[t.metric == "cin_rate_per_10k"].iloc[0]
    assert "ons_mid-year_population_estimates_2012_to_2024.csv:261" in rate.source_ref


def test_page_04_sets_census_years_beside_the_published_figures():
    from analysis.story import own_data

    # The notebook's default kpis_dir is what the returns, when given, replace.
    page = own_data.load(kpis_dir="data/processed/kpis", cin_census=[str(CENSUS_2024)])
    assert page.name == "Peterborough" and not page.synthetic
    frame = own_data.census_comparison(page)
    row = frame[(frame["Measure"] == "Children in need per 10,000 children")]
    row = row[row["Year to 31 March"] == "2024"].iloc[0]
    # Own: 0.2 (above), but counted from one child: the page suppresses it with its count.
    # Published: b1 2024 At31_episodes 2,282 x 10,000 / 56,451 = 404.2.
    assert (row["Own records (unpublished)"], row["DfE published"]) == (
        "suppressed (1–5)",
        "404.2",
    )
    # Earlier published years stand beside it with no own figure.
    earlier = frame[(frame["Year to 31 March"] == "2021")]
    assert set(earlier["Own records (unpublished)"]) == {""}
    assert "unpublished management information" in own_data.describe(page)
    sources = own_data.comparison_sources(page)
    assert "valid_2024.xml (SHA-256 " in sources and "DfE, Children in need, table B1" in sources
    assert "SHA-256 " in own_data.describe(page)


def test_made_up_returns_are_shown_under_no_authoritys_name(tmp_path):
    from analysis.story import own_data

    folder = tmp_path / "made_up"
    assert main(["synth", "--format", "cin-census", "--children", "60", "--la-code", "805",
                 "--out", str(folder)]) == 0  # fmt: skip
    page = own_data.load(cin_census=sorted(str(p) for p in folder.glob("*.xml")))
    assert page.synthetic and page.name == "the made-up authority"
    text = own_data.describe(page) + own_data.headline(page, "")
    assert "Hartlepool" not in text and "synthetic" in text
    # Chart subtitles name the kind of made-up file, not the CSV layout's synthetic extract.
    from analysis.story import case_titles

    cin = page.shown[page.shown["metric"] == "open_cin_cases"]
    subtitle = case_titles.subtitle(page, [cin], "at each month end")
    assert "Data: synthetic CIN census returns (made-up records)" in subtitle


def test_no_month_to_count_is_an_error_and_the_last_figures_stay(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["kpis", "--annex-a", str(SAMPLE), "--out", str(out)]) == 0
    before = (out / "metrics.csv").read_bytes()
    args = ["kpis", "--annex-a", str(SAMPLE), "--out", str(out)]
    assert main([*args, "--from", "2024-08", "--to", "2024-05"]) == 2
    assert "--from 2024-08 is after --to 2024-05" in capsys.readouterr().err
    # The workbook's window ends in February 2021: nothing from 2030 on.
    assert main([*args, "--from", "2030-01"]) == 2
    assert "no month to count" in capsys.readouterr().err
    assert (out / "metrics.csv").read_bytes() == before


def test_made_up_returns_are_marked_synthetic_in_the_run_record(tmp_path):
    import json

    folder = tmp_path / "made_up"
    assert main(["synth", "--format", "cin-census", "--children", "60", "--out", str(folder)]) == 0
    returns = [a for p in sorted(folder.glob("*.xml")) for a in ("--cin-census", str(p))]
    assert main(["kpis", *returns, "--out", str(tmp_path / "out")]) == 0
    run = json.loads((tmp_path / "out" / "kpis_run.json").read_text())
    assert run["synthetic"] is True
    # Code 999, which table B1 does not know: no authority, and said so.
    assert run["authority"] is None and "999" in run["authority_note"]


def test_caseloads_are_counted_by_team_and_no_worker_is_named(tmp_path):
    # The made-up workbook's List 6 names teams and workers ("Worker 017"): caseloads come out
    # by team, and no worker's name reaches metrics.csv or kpis_run.json.
    folder = tmp_path / "made_up"
    assert main(["synth", "--format", "annex-a", "--children", "80", "--out", str(folder)]) == 0
    out = tmp_path / "out"
    assert main(["kpis", "--annex-a", str(folder / "annex_a_2024_03.xlsx"), "--out", str(out)]) == 0
    table = pd.read_csv(out / "metrics.csv", keep_default_na=False)
    assert (table.metric == "caseload_per_worker").any()
    written = (out / "metrics.csv").read_text() + (out / "kpis_run.json").read_text()
    assert "Worker " not in written

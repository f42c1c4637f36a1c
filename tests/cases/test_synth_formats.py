"""`analysis synth --story recent` in each shape: valid files, real headers, the same records.

The expected counts are worked out here from the generated records with the rules that the
files' README and analysis.cases.synth_formats state (which records each shape holds), never
taken from the writers' own tables.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import python_calamine
from lxml import etree

from analysis.cases import extract, kpi_table, kpis, synth_recent
from analysis.cli import main

SEED, CHILDREN = 7, 400
WINDOW_START, WINDOW_END = pd.Timestamp("2021-04-01"), pd.Timestamp("2024-03-31")
SCHEMAS = Path(__file__).parents[2] / "src/analysis/cases/cin_census_schemas"
YEARS = (2022, 2023, 2024)

# Annex A's lists 3 to 7, header by header, as data/case-level's README gives them.
COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
TEAM = ["Allocated Team", "Allocated Worker"]
ANNEX_A_HEADERS = {
    "List 3": [
        *COMMON, "Date of referral", "Referral Source", "Referral NFA?",
        "Number of Referrals in Last 12 Months", *TEAM,
    ],
    "List 4": [
        *COMMON, "Does the Child have a Disability", "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?", *TEAM,
    ],
    "List 5": [
        *COMMON, "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months", *TEAM,
    ],
    "List 6": [
        *COMMON, "Does the Child have a Disability", "CIN Start Date", "Primary Need Code",
        "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure", "Case Status",
        *TEAM,
    ],
    "List 7": [
        *COMMON, "Does the Child have a Disability", "Child Protection Plan Start Date",
        "Initial Category of Abuse", "Latest Category of Abuse",
        "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
        "Date of latest review conference", "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
        "Months (Y/N)",
        "Number of Previous Child Protection Plans", *TEAM,
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """The recent story at a small size, in all three shapes."""
    root = tmp_path_factory.mktemp("recent")
    for fmt in ("annex-a", "cin-census", "csv"):
        args = ["synth", "--format", fmt, "--story", "recent", "--seed", str(SEED)]
        assert main([*args, "--children", str(CHILDREN), "--out", str(root / fmt)]) == 0
    return root


@pytest.fixture(scope="module")
def truth():
    """The records the files were written from."""
    return synth_recent.generate(SEED, CHILDREN).records()


def _sheet(path: Path, name: str) -> list[list]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def _day(value) -> pd.Timestamp | None:
    return None if value in ("", None) else pd.Timestamp(value)


def _keys(*columns) -> list[tuple]:
    """Rows as sorted tuples, NaT and empty cells as None."""
    rows = zip(*[[None if pd.isna(v) or v == "" else v for v in c] for c in columns], strict=True)
    return sorted(rows, key=repr)


# --- every file says it is made up, and is the same bytes each time -------------------------


def test_every_folder_has_a_readme_saying_synthetic(written):
    for fmt in ("annex-a", "cin-census", "csv"):
        text = (written / fmt / "README.txt").read_text(encoding="utf-8")
        assert text.startswith("SYNTHETIC DATA - made up by `analysis synth")
        assert "not records of any\nreal child, worker or authority" in text


def test_files_written_are_the_ones_named(written):
    assert sorted(p.name for p in (written / "annex-a").iterdir()) == [
        "README.txt",
        "annex_a_2024_03.xlsx",
    ]
    assert sorted(p.name for p in (written / "cin-census").iterdir()) == [
        "README.txt",
        "cin_census_2022.xml",
        "cin_census_2023.xml",
        "cin_census_2024.xml",
    ]
    assert sorted(p.name for p in (written / "csv").iterdir()) == [
        "README.txt",
        "assessments.csv",
        "cin_episodes.csv",
    ]


def test_same_seed_same_bytes_other_seed_other_bytes(written, tmp_path):
    for fmt in ("annex-a", "cin-census"):
        for seed in (SEED, SEED + 1):
            args = ["synth", "--format", fmt, "--seed", str(seed), "--children", str(CHILDREN)]
            assert main([*args, "--out", str(tmp_path / f"{fmt}{seed}")]) == 0
        for original in (written / fmt).iterdir():
            again = (tmp_path / f"{fmt}{SEED}" / original.name).read_bytes()
            other = (tmp_path / f"{fmt}{SEED + 1}" / original.name).read_bytes()
            assert again == original.read_bytes(), original.name
            assert other != again, original.name


def test_peterborough_story_is_csv_only_and_options_belong_to_their_story(tmp_path, capsys):
    out = str(tmp_path / "x")
    assert main(["synth", "--format", "annex-a", "--story", "peterborough", "--out", out]) == 2
    assert "census schemas start in 2017" in capsys.readouterr().err
    assert main(["synth", "--format", "cin-census", "--rows", "5000", "--out", out]) == 2
    assert main(["synth", "--children", "500", "--out", out]) == 2  # peterborough by default
    assert main(["synth", "--format", "annex-a", "--la-code", "874", "--out", out]) == 2
    assert main(["synth", "--format", "cin-census", "--la-code", "87", "--out", out]) == 2
    assert not (tmp_path / "x").exists()


# --- the census returns ----------------------------------------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_each_return_is_valid_against_its_own_years_schema(written, year):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / f"CIN_schema_{year}.xsd")))
    doc = etree.parse(str(written / "cin-census" / f"cin_census_{year}.xml"))
    assert schema.validate(doc), schema.error_log
    header = doc.find("Header")
    assert header.findtext("CollectionDetails/Collection") == "CIN"
    assert header.findtext("CollectionDetails/Year") == str(year)
    assert header.findtext("CollectionDetails/ReferenceDate") == f"{year}-03-31"
    assert header.findtext("Source/LEA") == "999"  # made up: no authority has it


def _in_year(frame: pd.DataFrame, start: str, end: str, year: int) -> pd.Series:
    """Open at some point in the census year: begun by 31 March, not ended before 1 April."""
    ref, first = pd.Timestamp(f"{year}-03-31"), pd.Timestamp(f"{year - 1}-04-01")
    return (frame[start] <= ref) & (frame[end].isna() | (frame[end] >= first))


@pytest.mark.parametrize("year", YEARS)
def test_each_return_holds_the_episodes_open_in_its_year_as_known_on_31_march(written, truth, year):
    doc = etree.parse(str(written / "cin-census" / f"cin_census_{year}.xml"))
    ref = pd.Timestamp(f"{year}-03-31")
    e = truth.episodes[_in_year(truth.episodes, "start_date", "end_date", year)]
    known_end = e["end_date"].where(e["end_date"] <= ref)  # a later closure is not known yet
    got = [
        (
            child.findtext("ChildIdentifiers/LAchildID"),
            pd.Timestamp(d.findtext("CINreferralDate")),
            _day(d.findtext("CINclosureDate")),
            d.findtext("ReferralNFA") == "1",
        )
        for child in doc.iterfind("Children/Child")
        for d in child.iterfind("CINdetails")
    ]
    assert len(got) == len(e) > 0
    assert _keys(*zip(*got, strict=True)) == _keys(e.child_id, e.start_date, known_end, e.nfa)
    # One Child element per child, never two.
    ids = [c.findtext("ChildIdentifiers/LAchildID") for c in doc.iterfind("Children/Child")]
    assert len(ids) == len(set(ids)) == e["child_id"].nunique()
    # Nothing dated after the reference date (a conference's target date is a plan, not news).
    events = {
        "CINreferralDate", "CINclosureDate", "AssessmentActualStartDate",
        "AssessmentAuthorisationDate", "S47ActualStartDate", "DateOfInitialCPC",
        "CPPstartDate", "CPPendDate",
    }  # fmt: skip
    dated = [el for el in doc.iter() if el.tag in events]
    assert {el.tag for el in dated} == events
    assert max(pd.Timestamp(el.text) for el in dated) <= ref


def test_the_returns_together_hold_every_assessment_enquiry_and_plan(written, truth):
    # The latest return an episode is in knows the most: together they give the records.
    latest: dict[tuple, etree._Element] = {}
    for year in YEARS:
        doc = etree.parse(str(written / "cin-census" / f"cin_census_{year}.xml"))
        for child in doc.iterfind("Children/Child"):
            for d in child.iterfind("CINdetails"):
                key = (child.findtext("ChildIdentifiers/LAchildID"), d.findtext("CINreferralDate"))
                latest[key] = d
    assessments, s47, cpp = [], [], []
    for (child, _), d in latest.items():
        for a in d.iterfind("Assessments"):
            assessments.append(
                (
                    child,
                    pd.Timestamp(a.findtext("AssessmentActualStartDate")),
                    _day(a.findtext("AssessmentAuthorisationDate")),
                )
            )
        for s in d.iterfind("Section47"):
            s47.append(
                (
                    child,
                    pd.Timestamp(s.findtext("S47ActualStartDate")),
                    _day(s.findtext("DateOfInitialCPC")),
                    s.findtext("ICPCnotRequired") == "1",
                )
            )
        for p in d.iterfind("ChildProtectionPlans"):
            cpp.append(
                (child, pd.Timestamp(p.findtext("CPPstartDate")), _day(p.findtext("CPPendDate")))
            )
    a, s, p = truth.assessments, truth.s47, truth.cpp
    assert _keys(*zip(*assessments, strict=True)) == _keys(
        a.child_id, a.start_date, a.completed_date
    )
    assert _keys(*zip(*s47, strict=True)) == _keys(
        s.child_id, s.start_date, s.icpc_date, s.icpc_not_required
    )
    assert _keys(*zip(*cpp, strict=True)) == _keys(p.child_id, p.start_date, p.end_date)


# --- the Annex A workbook --------------------------------------------------------------------


def test_workbook_has_the_eleven_lists_and_the_real_headers(written):
    path = written / "annex-a" / "annex_a_2024_03.xlsx"
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == [f"List {n}" for n in range(1, 12)]
    for name, headers in ANNEX_A_HEADERS.items():
        assert _sheet(path, name)[0] == headers, name
    for n in (1, 2, 8, 9, 10, 11):
        rows = _sheet(path, f"List {n}")
        assert len(rows) == 1 and rows[0][0] in ("Child Unique ID", "Individual adopter identifier")


def _list(written: Path, name: str) -> pd.DataFrame:
    rows = _sheet(written / "annex-a" / "annex_a_2024_03.xlsx", name)
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_workbook_lists_hold_the_records_that_touch_the_window(written, truth):
    r, a, s, e, p = truth.referrals, truth.assessments, truth.s47, truth.episodes, truth.cpp
    # List 3: referrals made from 1 April 2021 to 31 March 2024, NFA ones included.
    refs = r[(r.referral_date >= WINDOW_START) & (r.referral_date <= WINDOW_END)]
    got = _list(written, "List 3")
    assert _keys(
        got["Child Unique ID"], got["Date of referral"].map(_day), got["Referral NFA?"] == "Yes"
    ) == _keys(refs.child_id, refs.referral_date, refs.nfa)
    # List 4: assessments authorised in the window or still open on 31 March 2024.
    asm = a[a.completed_date.isna() | (a.completed_date >= WINDOW_START)]
    got = _list(written, "List 4")
    assert _keys(
        got["Child Unique ID"],
        got["Continuous Assessment Start Date"].map(_day),
        got["Continuous Assessment Date of Authorisation"].map(_day),
        got["Allocated Worker"],
    ) == _keys(asm.child_id, asm.start_date, asm.completed_date, asm.worker_id)
    # List 5: enquiries started in the window, or whose conference was held in it.
    enq = s[(s.start_date >= WINDOW_START) | (s.icpc_date >= WINDOW_START)]
    got = _list(written, "List 5")
    assert _keys(
        got["Child Unique ID"],
        got["Strategy discussion initiating Section 47 Enquiry Start Date"].map(_day),
        got["Date of Initial Child Protection Conference"].map(_day),
        got["Was an Initial Child Protection Conference deemed unnecessary?"] == "Yes",
    ) == _keys(enq.child_id, enq.start_date, enq.icpc_date, enq.icpc_not_required)
    # List 6: children in need episodes (not NFA) open at some point in the window.
    cin = e[~e.nfa & (e.end_date.isna() | (e.end_date >= WINDOW_START))]
    got = _list(written, "List 6")
    assert _keys(
        got["Child Unique ID"],
        got["CIN Start Date"].map(_day),
        got["CIN Closure Date"].map(_day),
        got["Allocated Team"],
        got["Allocated Worker"],
    ) == _keys(cin.child_id, cin.start_date, cin.end_date, cin.team, cin.worker_id)
    # List 7: plans open at some point in the window; one per child.
    plans = p[p.end_date.isna() | (p.end_date >= WINDOW_START)]
    got = _list(written, "List 7")
    assert _keys(
        got["Child Unique ID"],
        got["Child Protection Plan Start Date"].map(_day),
        got["Child Protection Plan End Date"].map(_day),
    ) == _keys(plans.child_id, plans.start_date, plans.end_date)
    assert got["Child Unique ID"].is_unique


def test_workbook_dates_are_excel_dates_and_workers_are_made_up_names(written):
    got = _list(written, "List 6")
    assert all(isinstance(v, dt.date) for v in got["CIN Start Date"])
    assert {type(v) for v in got["CIN Closure Date"]} == {dt.date, str}  # open ones are empty
    assert set(got.loc[got["CIN Closure Date"] == "", "Case Status"]) == {"Open"}
    assert got["Allocated Worker"].str.fullmatch(r"Worker \d{3}").all()


# --- our CSV layout --------------------------------------------------------------------------


def test_csv_layout_reads_back_and_holds_lists_4_and_6(written):
    read = extract.read_extract(written / "csv")
    a, e = read.assessments.rows, read.episodes.rows
    assert set(a["assessment_type"]) == {"single"}
    got4, got6 = _list(written, "List 4"), _list(written, "List 6")
    assert _keys(a.child_id, a.start_date, a.completed_date, a.worker_id) == _keys(
        got4["Child Unique ID"],
        got4["Continuous Assessment Start Date"].map(_day),
        got4["Continuous Assessment Date of Authorisation"].map(_day),
        got4["Allocated Worker"],
    )
    assert _keys(e.child_id, e.start_date, e.end_date, e.team, e.worker_id) == _keys(
        got6["Child Unique ID"],
        got6["CIN Start Date"].map(_day),
        got6["CIN Closure Date"].map(_day),
        got6["Allocated Team"],
        got6["Allocated Worker"],
    )


# --- the story has what the brief asks for ---------------------------------------------------


def test_the_story_has_each_kind_of_event_the_kpis_count(truth):
    table = kpis.monthly(truth, np.datetime64("2021-04"), np.datetime64("2024-03"))

    def total(metric: str) -> float:
        return table.loc[table.metric == metric, "value"].sum()

    r = truth.referrals
    assert r.nfa.any() and (~r.nfa).any()
    assert total("rereferrals") > 0
    done = total("single_assessments_completed")
    assert 0 < total("single_assessments_on_time") < done  # some late
    assert total("single_assessments_overdue") > 0  # some open past 45 days at a month end
    held = total("icpcs_held")
    assert 0 < total("icpcs_on_time") < held  # some within 15 working days, some later
    assert truth.s47.icpc_not_required.any()
    assert total("children_on_cpp") > 0 and total("open_cin_cases") > 0
    assert (table.metric == "caseload_per_worker").any()
    # Every month of the window is there, April 2021 to March 2024.
    assert table.loc[table.metric == "open_cin_cases", "period"].nunique() == 36


def test_children_per_census_year_is_about_the_size_asked_for(truth):
    # --children 400: within 15% of 400 children in each year's return.
    for year in YEARS:
        e = truth.episodes[_in_year(truth.episodes, "start_date", "end_date", year)]
        assert abs(e["child_id"].nunique() - CHILDREN) <= 0.15 * CHILDREN, year


def test_kpis_from_the_csv_layout_equal_kpis_from_the_records(written, truth):
    # The metrics our CSV layout can carry: single assessments, open episodes, caseloads.
    months = (np.datetime64("2021-04"), np.datetime64("2024-03"))
    from_csv = kpi_table.compute(extract.read_extract(written / "csv"), first=months[0])
    from_records = kpis.monthly(truth, *months)
    shared = [
        "single_assessments_completed",
        "single_assessments_on_time",
        "single_assessments_on_time_pct",
        "single_assessments_overdue",
        "open_cin_cases",
        "caseload_per_worker",
    ]
    assert _figures(from_csv, shared) == _figures(from_records, shared)


def _figures(table: pd.DataFrame, metrics: list[str]) -> dict[tuple, float]:
    rows = table[table.metric.isin(metrics) & (table.period_end <= WINDOW_END)]
    return {(r.metric, r.scope, r.period): float(r.value) for r in rows.itertuples()}


# --- read back with the package's readers ----------------------------------------------------

# What each table's rows must agree on (source names the file, so it differs by design).
COMPARED = {
    "referrals": ("child_id", "referral_date", "nfa"),
    "assessments": ("child_id", "start_date", "completed_date", "team", "worker_id"),
    "episodes": ("child_id", "start_date", "end_date", "nfa", "team", "worker_id"),
    "s47": ("child_id", "start_date", "icpc_date", "icpc_not_required"),
    "cpp": ("child_id", "start_date", "end_date"),
}
WINDOW_MONTHS = (np.datetime64("2021-04"), np.datetime64("2024-03"))


def _annex_a_view(truth) -> dict[str, pd.DataFrame]:
    """The records an Annex A workbook holds: those touching April 2021 to March 2024."""
    r, a, s, e, p = truth.referrals, truth.assessments, truth.s47, truth.episodes, truth.cpp
    return {
        "referrals": r[(r.referral_date >= WINDOW_START) & (r.referral_date <= WINDOW_END)],
        "assessments": a[a.completed_date.isna() | (a.completed_date >= WINDOW_START)],
        "s47": s[(s.start_date >= WINDOW_START) | (s.icpc_date >= WINDOW_START)],
        "episodes": e[~e.nfa & (e.end_date.isna() | (e.end_date >= WINDOW_START))],
        "cpp": p[p.end_date.isna() | (p.end_date >= WINDOW_START)],
    }


def _rows_of(table: pd.DataFrame, columns: tuple[str, ...]) -> list[tuple]:
    return _keys(*(table[c] for c in columns))


def test_annex_a_reader_gives_back_the_records_the_workbook_holds(written, truth):
    from analysis.cases.annex_a import read_annex_a

    read = read_annex_a(written / "annex-a" / "annex_a_2024_03.xlsx")
    assert read.kind == "annex-a" and read.la_code is None
    assert [f.name for f in read.files] == ["annex_a_2024_03.xlsx"]
    assert len(read.files[0].rejects) == 0
    for name, expected in _annex_a_view(truth).items():
        assert len(read.table(name)) == len(expected) > 0, name
        assert _rows_of(read.table(name), COMPARED[name]) == _rows_of(expected, COMPARED[name]), (
            name
        )


def test_kpis_from_the_workbook_equal_kpis_from_the_records(written, truth):
    from analysis.cases.annex_a import read_annex_a

    read = read_annex_a(written / "annex-a" / "annex_a_2024_03.xlsx")
    from_book = kpis.monthly(read, *WINDOW_MONTHS)
    from_records = kpis.monthly(truth, *WINDOW_MONTHS)
    every = sorted(set(from_records.metric))
    assert len(every) == 14  # every monthly metric, caseloads by team included
    assert _figures(from_book, every) == _figures(from_records, every)


def test_kpis_command_gives_the_same_figures_from_the_workbook_and_the_csv_layout(
    written, tmp_path
):
    window = ["--from", "2021-04", "--to", "2024-03"]
    book, csv = tmp_path / "book", tmp_path / "csv"
    workbook = str(written / "annex-a" / "annex_a_2024_03.xlsx")
    assert main(["kpis", "--annex-a", workbook, "--out", str(book), *window]) == 0
    assert main(["kpis", "--cases", str(written / "csv"), "--out", str(csv), *window]) == 0
    from_book = pd.read_csv(book / "metrics.csv", keep_default_na=False)
    from_csv = pd.read_csv(csv / "metrics.csv", keep_default_na=False)
    # Everything our CSV layout carries: single assessments, open episodes, caseloads.
    assert set(from_csv.metric) == {
        "single_assessments_completed",
        "single_assessments_on_time",
        "single_assessments_on_time_pct",
        "single_assessments_overdue",
        "open_cin_cases",
        "caseload_per_worker",
    }
    shared = sorted(set(from_csv.metric))
    columns = ["metric", "scope", "period", "period_start", "period_end", "value", "unit"]
    in_book = from_book[from_book.metric.isin(shared)][columns]
    assert len(in_book) == len(from_csv) > 36 * 5
    assert _keys(*(in_book[c] for c in columns)) == _keys(*(from_csv[c] for c in columns))


def _census_records(written: Path):
    from analysis.cases.cin_census import read_cin_census

    return read_cin_census([written / "cin-census" / f"cin_census_{y}.xml" for y in YEARS])


def test_census_reader_gives_back_every_record_from_the_three_returns(written, truth):
    read = _census_records(written)
    assert read.kind == "cin-census" and read.la_code == "999"
    assert [f.reference_date for f in read.files] == [dt.date(y, 3, 31) for y in YEARS]
    assert all(len(f.rejects) == 0 for f in read.files)
    for name, columns in COMPARED.items():
        # The census names no team or worker: everything else must agree.
        columns = tuple(c for c in columns if c not in ("team", "worker_id"))
        assert len(read.table(name)) == len(truth.table(name)) > 0, name
        assert _rows_of(read.table(name), columns) == _rows_of(truth.table(name), columns), name
    assert set(read.episodes.team) <= {""} and set(read.assessments.worker_id) <= {""}


def test_kpis_give_the_same_monthly_figures_from_every_shape(written, truth):
    from analysis.cases.annex_a import read_annex_a

    book = kpis.monthly(read_annex_a(written / "annex-a" / "annex_a_2024_03.xlsx"), *WINDOW_MONTHS)
    census = kpis.monthly(_census_records(written), *WINDOW_MONTHS)
    csv = kpi_table.compute(extract.read_extract(written / "csv"), first=WINDOW_MONTHS[0])
    # Annex A and the census share every monthly metric but caseloads (the census has no
    # teams); our CSV layout carries single assessments and episodes only.
    no_caseload = sorted(set(book.metric) - {"caseload_per_worker"})
    assert len(no_caseload) == 13
    assert _figures(census, no_caseload) == _figures(book, no_caseload)
    all_three = [
        "single_assessments_completed",
        "single_assessments_on_time",
        "single_assessments_on_time_pct",
        "single_assessments_overdue",
        "open_cin_cases",
    ]
    assert _figures(csv, all_three) == _figures(census, all_three) == _figures(book, all_three)
    assert len(_figures(csv, all_three)) >= 5 * 35  # each month of the window, nearly all


def test_out_starts_from_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = ["synth", "--format", "cin-census", "--children", "60", "--out", "rel"]
    assert main(argv) == 0
    assert (tmp_path / "rel" / "cin_census_2024.xml").is_file()

"""Reading Ofsted Annex A workbooks: the shared sample by hand, messy workbooks, every error."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from analysis.cases import annex_a
from analysis.cases.annex_a import read_annex_a
from analysis.cases.records import COLUMNS, frame
from analysis.errors import DataError

SAMPLE = Path(__file__).parents[1] / "fixtures" / "annex_a" / "Annex_A_sample_2024_Jan.xlsx"
D = dt.date

# The five lists read, with only the columns the reader needs (in the template's order).
HEADERS = {
    "List 3": ["Child Unique ID", "Date of referral", "Referral NFA?"],
    "List 4": [
        "Child Unique ID",
        "Continuous Assessment Start Date",
        "Continuous Assessment Date of Authorisation",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 5": [
        "Child Unique ID",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
    ],
    "List 6": [
        "Child Unique ID",
        "CIN Start Date",
        "CIN Closure Date",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 7": [
        "Child Unique ID",
        "Child Protection Plan Start Date",
        "Child Protection Plan End Date",
    ],
}
GOOD_ROWS = {
    "List 3": [["C1", D(2023, 1, 5), "No"]],
    "List 4": [["C1", D(2023, 1, 6), D(2023, 2, 1), "Team A", "Worker 1"]],
    "List 5": [["C1", D(2023, 1, 9), "No", D(2023, 1, 20)]],
    "List 6": [["C1", D(2023, 1, 6), "", "Team A", "Worker 1"]],
    "List 7": [["C1", D(2023, 1, 20), ""]],
}


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write each sheet's rows from A1; None leaves a cell empty, dates become Excel dates."""
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)  # "1234" stays text, "" an empty string
                else:
                    sheet.write(r, c, value)
    book.close()
    return path


def standard(**changes: list[list[object]]) -> dict[str, list[list[object]]]:
    """The five lists, header and one good row each; a keyword (List_4=rows) replaces a sheet."""
    sheets = {name: [HEADERS[name], *GOOD_ROWS[name]] for name in HEADERS}
    for key, rows in changes.items():
        sheets[key.replace("_", " ")] = rows
    return sheets


def problems_of(path: Path, quarantine: bool = False) -> list[str]:
    with pytest.raises(DataError) as caught:
        read_annex_a(path, quarantine=quarantine)
    return [str(p) for p in caught.value.problems]


def dates(*values: D | None) -> list[pd.Timestamp]:
    return [pd.NaT if v is None else pd.Timestamp(v) for v in values]


# --- The shared sample, read by hand -------------------------------------------------------------
# Opened in Excel (every row of Lists 3 to 7; ids are numbers, shown here without ".0"):
# List 3, rows 2-7: six referrals, every one on 16/09/2020, "Referral NFA?" No for all six: none
#   is NFA. The header reads "Date of Referral" (capital R). Children 6537810, 4653765, 997679,
#   14007367, 10897459, 11096583.
# List 4, rows 2-6: five assessments, every one with a "Date of Authorisation": none is open.
#   10692868 16/05/2019 -> 08/02/2021 Children in Care Team 1, Lexie Defore
#   15221387 30/10/2019 -> 19/01/2021 Children in Care Team 3, Hallie Erwin
#   12590177 26/12/2019 -> 11/11/2020 Children in Care Team 3, Hallie Erwin
#   15765513 26/02/2020 -> 02/02/2021 Locality 4 Unit 2, Marty Gonsalves
#   12012513 26/02/2020 -> 02/02/2021 Locality 4 Unit 2, Marty Gonsalves
#   (each worker's name has a non-breaking space between first name and surname)
# List 5, rows 2-6: five enquiries, every one started 16/09/2020.
#   11641472 unnecessary? No, ICPC 05/10/2020; 6537810 No, 05/10/2020; 10273003 Yes, none;
#   4073694 Yes, none; 11578763 No, 01/10/2020.
# List 6, rows 2-6: five children in need, none with a closure date: all open. Team and worker
#   are #N/A error cells in every row: no team, no worker.
#   12598894 09/06/2010; 8140425 23/11/2006; 10160219 06/11/2008; 7657294 20/07/2010;
#   6434087 26/03/2017.
# List 7, rows 2-8: seven plans, two still open (no end date).
#   10721552 23/11/2020 -> 16/02/2021; 5358472 08/02/2021 open; 14953858 08/02/2021 open;
#   16036763 and 9396243 27/04/2020 -> 04/01/2021; 11811692 and 6913085 25/06/2019 -> 17/09/2020.
# Rows read: 6 + 5 + 5 + 5 + 7 = 28, all used.


@pytest.fixture(scope="module")
def sample():
    return read_annex_a(SAMPLE)


def test_sample_referrals(sample):
    t = sample.referrals
    assert t["child_id"].tolist() == [
        "6537810",
        "4653765",
        "997679",
        "14007367",
        "10897459",
        "11096583",
    ]
    assert t["referral_date"].tolist() == dates(*[D(2020, 9, 16)] * 6)
    assert t["nfa"].tolist() == [False] * 6


def test_sample_assessments_none_open(sample):
    t = sample.assessments
    assert t["child_id"].tolist() == ["10692868", "15221387", "12590177", "15765513", "12012513"]
    assert t["start_date"].tolist() == dates(
        D(2019, 5, 16), D(2019, 10, 30), D(2019, 12, 26), D(2020, 2, 26), D(2020, 2, 26)
    )
    assert t["completed_date"].tolist() == dates(
        D(2021, 2, 8), D(2021, 1, 19), D(2020, 11, 11), D(2021, 2, 2), D(2021, 2, 2)
    )
    assert t["team"].tolist() == [
        "Children in Care Team 1",
        "Children in Care Team 3",
        "Children in Care Team 3",
        "Locality 4 Unit 2",
        "Locality 4 Unit 2",
    ]
    # The non-breaking space inside each name is a plain space: one worker, one key.
    assert t["worker_id"].tolist() == [
        "Lexie Defore",
        "Hallie Erwin",
        "Hallie Erwin",
        "Marty Gonsalves",
        "Marty Gonsalves",
    ]


def test_sample_section_47(sample):
    t = sample.s47
    assert t["child_id"].tolist() == ["11641472", "6537810", "10273003", "4073694", "11578763"]
    assert t["start_date"].tolist() == dates(*[D(2020, 9, 16)] * 5)
    assert t["icpc_not_required"].tolist() == [False, False, True, True, False]
    assert t["icpc_date"].tolist() == dates(
        D(2020, 10, 5), D(2020, 10, 5), None, None, D(2020, 10, 1)
    )


def test_sample_children_in_need_all_open_without_team(sample):
    t = sample.episodes
    assert t["child_id"].tolist() == ["12598894", "8140425", "10160219", "7657294", "6434087"]
    assert t["start_date"].tolist() == dates(
        D(2010, 6, 9), D(2006, 11, 23), D(2008, 11, 6), D(2010, 7, 20), D(2017, 3, 26)
    )
    assert t["end_date"].isna().all()
    assert t["nfa"].tolist() == [False] * 5
    assert t["team"].tolist() == [""] * 5  # #N/A error cells: missing
    assert t["worker_id"].tolist() == [""] * 5


def test_sample_child_protection_plans(sample):
    t = sample.cpp
    assert t["child_id"].tolist() == [
        "10721552",
        "5358472",
        "14953858",
        "16036763",
        "9396243",
        "11811692",
        "6913085",
    ]
    assert t["start_date"].tolist() == dates(
        D(2020, 11, 23),
        D(2021, 2, 8),
        D(2021, 2, 8),
        D(2020, 4, 27),
        D(2020, 4, 27),
        D(2019, 6, 25),
        D(2019, 6, 25),
    )
    assert t["end_date"].tolist() == dates(
        D(2021, 2, 16),
        None,
        None,
        D(2021, 1, 4),
        D(2021, 1, 4),
        D(2020, 9, 17),
        D(2020, 9, 17),
    )


def test_sample_source_file_and_table_shapes(sample):
    (source,) = sample.files
    assert sample.kind == "annex-a"
    assert sample.la_code is None  # Annex A names no authority
    assert source.name == "Annex_A_sample_2024_Jan.xlsx"
    assert source.sha256 == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    assert (source.kind, source.read, source.used, source.unit) == ("annex-a", 28, 28, "rows")
    assert source.rejects.empty
    for name in COLUMNS:
        table = sample.table(name)
        pd.testing.assert_series_equal(table.dtypes, frame(name).dtypes, check_names=False)
        assert set(table["source"]) == {"Annex_A_sample_2024_Jan.xlsx"}


# --- Messy workbooks, as real ones are ---------------------------------------------------------


def test_messy_sheet_names_headers_and_values_are_read(tmp_path):
    nbsp = "\u00a0"
    sheets = {
        "List_3": [
            ["Annex A: referrals"],  # a title above the header, then a blank row
            [],
            ["child unique id", "DATE OF REFERRAL", "Referral  NFA"],  # no "?", two spaces
            [1234.0, "1/2/2023", "a) Yes"],  # id kept as a number; d/m/yyyy text
            [" C-7 ", "01/02/2023", "N"],
            [],  # a blank row between rows: skipped, not counted
            ["C8", D(2023, 2, 3), 0],
            ["C9", D(2023, 2, 4), True],
        ],
        "list 4": [
            [
                "Child Unique ID",
                f"Continuous{nbsp}Assessment Start Date",
                "Continuous Assessment Date of Authorisation",
                "Allocated Team",
                "Allocated Worker",
                "Was the child assessed as requiring LA children’s social care support?",
            ],
            ["C1", D(2023, 1, 2), "#N/A", f" Team{nbsp}A ", f"Ann{nbsp}Smith", "Yes"],
            ["C2", "03/01/2023", "", "#N/A", "", "No"],
        ],
        "List 5 - Section 47 enquiries": [
            [
                "Child Unique ID",
                "Strategy discussion initiating Section 47 Enquiry Start Date",
                "Was an Initial Child Protection Conference deemed unnecessary",
                "Date of Initial Child Protection Conference?",
            ],
            ["C1", D(2023, 1, 9), "b) No", "20/01/2023"],
            ["C2", D(2023, 1, 9), "", ""],  # unanswered: not marked unnecessary
            ["C3", D(2023, 1, 9), "a) Yes", None],
        ],
        "LIST6": [
            [
                "Child Unique ID",
                "CIN Start Date",
                "cin closure date",
                "Allocated Team",
                "Allocated Worker",
            ],
            ["C1", D(2022, 12, 1), D(2023, 3, 1), 12.0, "Bo  Li"],
        ],
        "List 7": [HEADERS["List 7"], ["C1", D(2023, 1, 20), "#N/A"]],
        "List 10": [["Child Unique ID", "Nothing read here"], ["X", "Y"]],  # not List 1
    }
    records = read_annex_a(write_workbook(tmp_path / "messy.xlsx", sheets))

    referrals = records.referrals
    assert referrals["child_id"].tolist() == ["1234", "C-7", "C8", "C9"]
    assert referrals["referral_date"].tolist() == dates(
        D(2023, 2, 1), D(2023, 2, 1), D(2023, 2, 3), D(2023, 2, 4)
    )
    assert referrals["nfa"].tolist() == [True, False, False, True]

    assessments = records.assessments
    assert assessments["start_date"].tolist() == dates(D(2023, 1, 2), D(2023, 1, 3))
    assert assessments["completed_date"].tolist() == dates(None, None)  # #N/A and empty: open
    assert assessments["team"].tolist() == ["Team A", ""]
    assert assessments["worker_id"].tolist() == ["Ann Smith", ""]

    s47 = records.s47
    assert s47["icpc_not_required"].tolist() == [False, False, True]
    assert s47["icpc_date"].tolist() == dates(D(2023, 1, 20), None, None)

    episodes = records.episodes
    assert episodes["end_date"].tolist() == dates(D(2023, 3, 1))
    assert (episodes["team"].tolist(), episodes["worker_id"].tolist()) == (["12"], ["Bo Li"])
    assert records.cpp["end_date"].tolist() == dates(None)
    # 4 referrals (the blank row is not one) + 2 + 3 + 1 + 1
    assert (records.files[0].read, records.files[0].used) == (11, 11)


def test_headers_match_whatever_their_apostrophes_spaces_and_case():
    fold = annex_a._fold
    assert fold("Was the child assessed as requiring LA children’s social care support?") == (
        fold("was the child assessed as requiring la children's social care support")
    )
    assert fold("Date\u00a0of  Referral ") == fold("Date of referral")


# --- Errors ----------------------------------------------------------------------------------


def test_a_bad_date_is_named_by_its_cell_as_excel_shows_it(tmp_path):
    # List 4 laid out as the template: the authorisation date is column I. A blank row 1,
    # the header in row 2, good rows 3 to 6: the bad value is in row 7.
    template = [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age",
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        "Allocated Team",
        "Allocated Worker",
    ]
    good = ["C1", "a) Male", "a) WBRI", D(2010, 1, 1), 9, "b) No", D(2020, 1, 6), "Yes"]
    rows = [[], template, *[[*good, D(2020, 2, 3), "Yes", "T", "W"]] * 4]
    rows.append([*good, "31/02/2020", "Yes", "T", "W"])
    path = write_workbook(tmp_path / "FILE.xlsx", standard(List_4=rows))
    assert problems_of(path) == [
        "FILE.xlsx: 'List 4'!I7: column 'Continuous Assessment Date of Authorisation': "
        "value '31/02/2020': expected a date"
    ]


def test_columns_are_lettered_from_where_the_data_begins(tmp_path):
    # The table starts at C3 (two empty columns, two empty rows): the start date is column D
    # and the first data row is row 4.
    rows = [[], [], [None, None, *HEADERS["List 7"]], [None, None, "C1", "2023-01-20", ""]]
    path = write_workbook(tmp_path / "a.xlsx", standard(List_7=rows))
    assert problems_of(path) == [
        "a.xlsx: 'List 7'!D4: column 'Child Protection Plan Start Date': value '2023-01-20': "
        "expected a date"
    ]


def test_missing_values_bad_answers_and_ends_before_starts_are_all_reported(tmp_path):
    path = write_workbook(
        tmp_path / "a.xlsx",
        standard(
            List_3=[
                HEADERS["List 3"],
                ["", D(2023, 1, 5), "No"],  # row 2: no child
                ["C2", "#N/A", "Maybe"],  # row 3: no date, not an answer
                ["C3", D(2023, 1, 5), ""],  # row 4: NFA unanswered
            ],
            List_4=[HEADERS["List 4"], ["C1", D(2023, 2, 1), D(2023, 1, 31), "T", "W"]],
            List_5=[HEADERS["List 5"], ["C1", D(2023, 1, 9), 2, D(2023, 1, 8)]],
            List_7=[HEADERS["List 7"], [12.5, D(2023, 1, 20), 44927]],
        ),
    )
    assert problems_of(path) == [
        "a.xlsx: 'List 3'!A2: column 'Child Unique ID': value '': expected a child's identifier",
        "a.xlsx: 'List 3'!B3: column 'Date of referral': value '#N/A': expected a date",
        "a.xlsx: 'List 3'!C3: column 'Referral NFA?': value 'Maybe': expected Yes or No",
        "a.xlsx: 'List 3'!C4: column 'Referral NFA?': value '': expected Yes or No",
        "a.xlsx: 'List 4'!C2: column 'Continuous Assessment Date of Authorisation': "
        "value '31/01/2023': expected a date on or after 'Continuous Assessment Start Date' "
        "(01/02/2023)",
        "a.xlsx: 'List 5'!C2: column 'Was an Initial Child Protection Conference deemed "
        "unnecessary?': value '2': expected Yes or No",
        "a.xlsx: 'List 5'!D2: column 'Date of Initial Child Protection Conference': "
        "value '08/01/2023': expected a date on or after 'Strategy discussion initiating "
        "Section 47 Enquiry Start Date' (09/01/2023)",
        "a.xlsx: 'List 7'!A2: column 'Child Unique ID': value '12.5': "
        "expected a child's identifier",
        # A bare number is not taken for a date serial: that would be a guess.
        "a.xlsx: 'List 7'!C2: column 'Child Protection Plan End Date': value '44927': "
        "expected a date",
    ]


def test_a_missing_sheet_names_the_sheets_found(tmp_path):
    sheets = standard()
    del sheets["List 7"]
    sheets["Notes"] = [["anything"]]
    path = write_workbook(tmp_path / "a.xlsx", sheets)
    assert problems_of(path) == [
        "a.xlsx: expected a sheet 'List 7' (cpp); sheets found: 'List 3', 'List 4', "
        "'List 5', 'List 6', 'Notes'"
    ]


def test_two_sheets_for_one_list_are_an_error(tmp_path):
    sheets = standard()
    sheets["List_4 (old)"] = sheets["List 4"]
    path = write_workbook(tmp_path / "a.xlsx", sheets)
    assert problems_of(path) == [
        "a.xlsx: expected one sheet for List 4; found 'List 4', 'List_4 (old)'"
    ]


def test_a_missing_column_lists_the_headers_found(tmp_path):
    rows = [["Child Unique ID", "Gender", "CIN Start Date", "Allocated Team", "Allocated Worker"]]
    path = write_workbook(tmp_path / "a.xlsx", standard(List_6=rows))
    assert problems_of(path) == [
        "a.xlsx: 'List 6': expected the column 'CIN Closure Date' in the header row; "
        "headers found: 'Child Unique ID', 'Gender', 'CIN Start Date', 'Allocated Team', "
        "'Allocated Worker'"
    ]


def test_a_sheet_without_a_header_row_never_quotes_its_first_row(tmp_path):
    # Without a header the first row may well be a record: a child's id, a worker's name.
    rows = [["C1", "b) No", "T1", "Jane Smith"]]
    path = write_workbook(tmp_path / "a.xlsx", standard(List_3=rows))
    (problem,) = problems_of(path)
    assert problem == (
        "a.xlsx: 'List 3': expected the columns 'Child Unique ID', 'Date of referral', "
        "'Referral NFA?' in the header row; headers found: none (no row in the first 20 holds "
        "'Child Unique ID')"
    )
    assert "Jane Smith" not in problem and "C1" not in problem


def test_a_list_without_team_and_worker_columns_is_read(tmp_path):
    # They feed only caseloads, which are then not counted.
    header = [h for h in HEADERS["List 4"] if h not in ("Allocated Team", "Allocated Worker")]
    row = ["C1" if h == "Child Unique ID" else "" for h in header]
    row[header.index("Continuous Assessment Start Date")] = "01/02/2024"
    records = read_annex_a(write_workbook(tmp_path / "a.xlsx", standard(List_4=[header, row])))
    assert records.assessments[["child_id", "team", "worker_id"]].values.tolist() == [
        ["C1", "", ""]
    ]


def test_sheet_and_cell_problems_are_reported_together(tmp_path):
    sheets = standard(List_3=[HEADERS["List 3"], ["C1", "5/13/2023", "No"]])
    del sheets["List 5"]
    assert problems_of(write_workbook(tmp_path / "a.xlsx", sheets)) == [
        "a.xlsx: expected a sheet 'List 5' (s47); sheets found: 'List 3', 'List 4', "
        "'List 6', 'List 7'",
        "a.xlsx: 'List 3'!B2: column 'Date of referral': value '5/13/2023': expected a date",
    ]


def test_the_first_hundred_problems_are_listed_then_how_many_more(tmp_path):
    rows = [HEADERS["List 3"], *[["C1", "not a date", "No"]] * 150]
    problems = problems_of(write_workbook(tmp_path / "a.xlsx", standard(List_3=rows)))
    assert len(problems) == 101
    assert problems[99].startswith("a.xlsx: 'List 3'!B101: ")  # the 100th bad row is row 101
    assert problems[100].startswith("a.xlsx: value '50 more problems not listed'")


def test_a_file_that_is_not_a_workbook_is_an_error(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_text("not a workbook")
    (problem,) = problems_of(path)
    assert problem.startswith("a.xlsx: expected an Excel workbook")


# --- Quarantine ------------------------------------------------------------------------------


def test_quarantine_sets_bad_rows_aside_and_uses_the_rest(tmp_path):
    path = write_workbook(
        tmp_path / "a.xlsx",
        standard(
            List_4=[
                HEADERS["List 4"],
                ["C1", D(2023, 1, 6), "31/02/2023", "T", "W"],  # row 2: bad end date
                ["C2", D(2023, 1, 6), "", "T", "W"],  # row 3: good, open
                ["", "", D(2023, 1, 1), "T", "W"],  # row 4: no child, no start
            ]
        ),
    )
    records = read_annex_a(path, quarantine=True)
    assert records.assessments["child_id"].tolist() == ["C2"]
    (source,) = records.files
    # Rows read: 1 referral + 3 assessments + 1 + 1 + 1 = 7; two set aside.
    assert (source.read, source.used) == (7, 5)
    assert source.rejects.to_dict("records") == [
        {
            "file": "a.xlsx",
            "where": "'List 4'!C2",
            "child_id": "C1",
            "reason": "column 'Continuous Assessment Date of Authorisation': "
            "value '31/02/2023': expected a date",
        },
        {
            "file": "a.xlsx",
            "where": "'List 4'!A4",
            "child_id": "",
            "reason": "column 'Child Unique ID': value '': expected a child's identifier; "
            "column 'Continuous Assessment Start Date': value '': expected a date",
        },
    ]


def test_quarantine_does_not_excuse_a_missing_column(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", standard(List_7=[["Child Unique ID"]]))
    (problem,) = problems_of(path, quarantine=True)
    assert problem.startswith("a.xlsx: 'List 7': expected the columns ")

"""Reading CIN census XML returns: tables, errors with lines, quarantine, several years.

The fixtures in tests/fixtures/cin_census/ are made up and written by hand; every expected value
below is read off them (line numbers as an editor shows them).
"""

from __future__ import annotations

import hashlib
from datetime import date
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from analysis.cases.cin_census import read_cin_census, schema_years
from analysis.cases.records import frame
from analysis.errors import DataError, UsageError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cin_census"
NaT = None  # a missing date, as frame() takes it
V24 = "valid_2024.xml"
V25 = "valid_2025.xml"


def _read(*names: str | Path, quarantine: bool = False):
    return read_cin_census([FIXTURES / n for n in names], quarantine=quarantine)


def _problems(*paths: Path, quarantine: bool = False) -> list[str]:
    with pytest.raises(DataError) as caught:
        read_cin_census(list(paths), quarantine=quarantine)
    return str(caught.value).splitlines()


def _variant(tmp_path: Path, fixture: str, name: str, *edits: tuple[str, str]) -> Path:
    """A copy of a fixture with each (old, new) text replaced once: a one-off bad file."""
    text = (FIXTURES / fixture).read_text()
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text)
    return path


def _equal(table: pd.DataFrame, name: str, **columns: list) -> None:
    pd.testing.assert_frame_equal(table, frame(name, columns))


# valid_2024.xml, worked by hand: K1 one episode (referral 2023-05-10, closed 2023-11-30, not
# NFA) with one assessment, one enquiry and one plan; K2 two episodes (2022-12-01 closed
# 2023-04-20 with ReferralNFA "false"; 2024-02-01 closed the same day with "true"); K3 one open
# episode (2024-03-01) with an open assessment and an enquiry needing no conference ("1").
def test_a_2024_return_gives_one_referral_and_one_episode_per_cindetails():
    records = _read(V24)
    src = [V24] * 4
    _equal(
        records.referrals,
        "referrals",
        child_id=["K1", "K2", "K2", "K3"],
        referral_date=["2023-05-10", "2022-12-01", "2024-02-01", "2024-03-01"],
        nfa=[False, False, True, False],
        source=src,
    )
    _equal(
        records.episodes,
        "episodes",
        child_id=["K1", "K2", "K2", "K3"],
        start_date=["2023-05-10", "2022-12-01", "2024-02-01", "2024-03-01"],
        end_date=["2023-11-30", "2023-04-20", "2024-02-01", NaT],
        nfa=[False, False, True, False],
        team=[""] * 4,
        worker_id=[""] * 4,
        source=src,
    )
    _equal(
        records.assessments,
        "assessments",
        child_id=["K1", "K2", "K3"],
        start_date=["2023-05-11", "2022-12-02", "2024-03-04"],
        completed_date=["2023-06-20", "2023-01-10", NaT],
        team=[""] * 3,
        worker_id=[""] * 3,
        source=src[:3],
    )
    # K1's enquiry: its conference is the Section47's DateOfInitialCPC (2023-05-25, line 45),
    # not the CINdetails' own (2023-05-26, line 34).
    _equal(
        records.s47,
        "s47",
        child_id=["K1", "K3"],
        start_date=["2023-05-12", "2024-03-05"],
        icpc_date=["2023-05-25", NaT],
        icpc_not_required=[False, True],
        source=src[:2],
    )
    _equal(
        records.cpp,
        "cpp",
        child_id=["K1"],
        start_date=["2023-05-25"],
        end_date=["2023-11-20"],
        source=src[:1],
    )
    assert records.kind == "cin-census"
    assert records.la_code == "874"


def test_the_file_is_described_by_its_header_hash_and_children():
    (described,) = _read(V24).files
    assert described.name == V24
    assert described.sha256 == hashlib.sha256((FIXTURES / V24).read_bytes()).hexdigest()
    assert (described.kind, described.read, described.used, described.unit) == (
        "cin-census",
        3,
        3,
        "children",
    )
    assert described.reference_date == date(2024, 3, 31)
    assert described.la_code == "874"
    assert list(described.rejects.columns) == ["file", "line", "child_id", "reason"]
    assert described.rejects.empty


def test_a_2025_return_is_checked_against_the_2025_schema_with_sex():
    records = _read(V25)
    # K3: referral 2024-03-01 closed 2024-06-30; K4: referral 2024-09-09 open, an enquiry
    # whose conference (2024-09-30, ICPCnotRequired "false") began a plan still open.
    _equal(
        records.episodes,
        "episodes",
        child_id=["K3", "K4"],
        start_date=["2024-03-01", "2024-09-09"],
        end_date=["2024-06-30", NaT],
        nfa=[False, False],
        team=["", ""],
        worker_id=["", ""],
        source=[V25, V25],
    )
    _equal(
        records.s47,
        "s47",
        child_id=["K3", "K4"],
        start_date=["2024-03-05", "2024-09-10"],
        icpc_date=[NaT, "2024-09-30"],
        icpc_not_required=[True, False],
        source=[V25, V25],
    )
    _equal(
        records.cpp, "cpp", child_id=["K4"], start_date=["2024-09-30"], end_date=[NaT], source=[V25]
    )


def test_the_header_year_chooses_the_schema(tmp_path):
    # The 2025 return's Sex is not in the 2024 schema (GenderCurrent is): labelled 2024, the
    # same children are invalid at each Sex (lines 18 and 42).
    relabelled = _variant(
        tmp_path,
        V25,
        "relabelled.xml",
        ("<Year>2025</Year>", "<Year>2024</Year>"),
        ("2025-03-31", "2024-03-31"),
    )
    expected = (
        "expected UPN, FormerUPN, UPNunknown, PersonBirthDate, ExpectedPersonBirthDate or "
        "GenderCurrent here, not this element"
    )
    assert _problems(relabelled) == [
        "2 problems found:",
        f"  relabelled.xml:18: column 'Sex': {expected}",
        f"  relabelled.xml:42: column 'Sex': {expected}",
    ]


def test_every_shipped_year_has_a_schema_the_reader_can_use(tmp_path):
    assert schema_years() == tuple(range(2017, 2027))
    # The 2024 fixture uses nothing added after 2017 (no CINPlanDates): valid as a 2017 return.
    old = _variant(
        tmp_path,
        V24,
        "old.xml",
        ("<Year>2024</Year>", "<Year>2017</Year>"),
        ("2024-03-31", "2017-03-31"),
    )
    assert len(read_cin_census([old]).episodes) == 4


def test_the_shipped_schemas_allow_only_0_and_1_so_true_and_false_are_added():
    source = resources.files("analysis.cases") / "cin_census_schemas" / "CIN_schema_2024.xsd"
    schema = etree.XMLSchema(etree.fromstring(source.read_bytes()))
    text = (FIXTURES / V24).read_bytes()
    assert not schema.validate(etree.fromstring(text))
    assert {e.line for e in schema.error_log} == {75, 82}  # ReferralNFA false, true
    assert schema.validate(
        etree.fromstring(text.replace(b">false<", b">0<").replace(b">true<", b">1<"))
    )


# --- several years ---------------------------------------------------------------------------


def test_an_episode_in_two_returns_is_taken_once_from_the_later_return():
    # K3's referral of 2024-03-01 is in both returns: open in 2024's, closed 2024-06-30 in
    # 2025's, whose assessment is authorised 2024-04-15. The 2025 version is kept whole
    # (episode, assessment, enquiry); everything else is in one return only.
    records = _read(V24, V25)
    _equal(
        records.episodes,
        "episodes",
        child_id=["K1", "K2", "K2", "K3", "K4"],
        start_date=["2023-05-10", "2022-12-01", "2024-02-01", "2024-03-01", "2024-09-09"],
        end_date=["2023-11-30", "2023-04-20", "2024-02-01", "2024-06-30", NaT],
        nfa=[False, False, True, False, False],
        team=[""] * 5,
        worker_id=[""] * 5,
        source=[V24, V24, V24, V25, V25],
    )
    _equal(
        records.referrals,
        "referrals",
        child_id=["K1", "K2", "K2", "K3", "K4"],
        referral_date=["2023-05-10", "2022-12-01", "2024-02-01", "2024-03-01", "2024-09-09"],
        nfa=[False, False, True, False, False],
        source=[V24, V24, V24, V25, V25],
    )
    _equal(
        records.assessments,
        "assessments",
        child_id=["K1", "K2", "K3"],
        start_date=["2023-05-11", "2022-12-02", "2024-03-04"],
        completed_date=["2023-06-20", "2023-01-10", "2024-04-15"],
        team=[""] * 3,
        worker_id=[""] * 3,
        source=[V24, V24, V25],
    )
    _equal(
        records.s47,
        "s47",
        child_id=["K1", "K3", "K4"],
        start_date=["2023-05-12", "2024-03-05", "2024-09-10"],
        icpc_date=["2023-05-25", NaT, "2024-09-30"],
        icpc_not_required=[False, True, False],
        source=[V24, V25, V25],
    )
    _equal(
        records.cpp,
        "cpp",
        child_id=["K1", "K4"],
        start_date=["2023-05-25", "2024-09-30"],
        end_date=["2023-11-20", NaT],
        source=[V24, V25],
    )
    assert [(f.name, f.read, f.used) for f in records.files] == [(V24, 3, 3), (V25, 2, 2)]
    assert records.la_code == "874"


def test_the_order_the_returns_are_given_in_does_not_matter():
    first, second = _read(V24, V25), _read(V25, V24)
    for name in ("referrals", "episodes", "assessments", "s47", "cpp"):
        pd.testing.assert_frame_equal(first.table(name), second.table(name))
    assert [f.name for f in second.files] == [V24, V25]


def test_returns_of_two_authorities_are_refused(tmp_path):
    other = _variant(tmp_path, V25, "other.xml", ("<LEA>874</LEA>", "<LEA>875</LEA>"))
    assert _problems(FIXTURES / V24, other) == [
        "1 problem found:",
        "  other.xml:11: column 'LEA': value '875': expected the LA code of valid_2024.xml "
        "(874): returns read together must be one authority's",
    ]


def test_two_returns_for_one_census_year_are_refused():
    assert _problems(FIXTURES / V24, FIXTURES / V24) == [
        "1 problem found:",
        "  valid_2024.xml:7: column 'ReferenceDate': value '2024-03-31': expected one return "
        "per census year (valid_2024.xml has the same reference date)",
    ]


# --- bad files ---------------------------------------------------------------------------------


def test_a_file_that_is_not_well_formed_gets_every_parse_error_with_its_line():
    # Line 16: a bare "&" in "K1 & K2"; line 18: </ChildIdentifier> closes <ChildIdentifiers>
    # (opened on line 15).
    for quarantine in (False, True):
        assert _problems(FIXTURES / "not_well_formed.xml", quarantine=quarantine) == [
            "2 problems found:",
            "  not_well_formed.xml:16: expected well-formed XML (xmlParseEntityRef: no name)",
            "  not_well_formed.xml:18: expected well-formed XML (Opening and ending tag mismatch: "
            "ChildIdentifiers line 15 and ChildIdentifier)",
        ]


INVALID = [
    # K1: 30 February; "yes" is not a boolean.
    "  invalid_2024.xml:23: column 'CINreferralDate': value '2023-02-30': expected a date as "
    "YYYY-MM-DD",
    "  invalid_2024.xml:25: column 'ReferralNFA': value 'yes': expected one of '0', '1', "
    "'false', 'true'",
    # K3: Sex is 2025's element; ReferralSource before CINreferralDate.
    "  invalid_2024.xml:45: column 'Sex': expected UPN, FormerUPN, UPNunknown, PersonBirthDate, "
    "ExpectedPersonBirthDate or GenderCurrent here, not this element",
    "  invalid_2024.xml:51: column 'ReferralSource': expected CINreferralDate here, not this "
    "element",
]


def test_an_invalid_file_gets_every_schema_error_with_line_element_and_value():
    assert _problems(FIXTURES / "invalid_2024.xml") == ["4 problems found:", *INVALID]


def test_quarantine_sets_invalid_children_aside_whole_and_keeps_the_rest():
    records = _read("invalid_2024.xml", quarantine=True)
    name = "invalid_2024.xml"
    _equal(
        records.episodes,
        "episodes",
        child_id=["K2"],
        start_date=["2023-06-01"],
        end_date=[NaT],
        nfa=[False],
        team=[""],
        worker_id=[""],
        source=[name],
    )
    (described,) = records.files
    assert (described.read, described.used) == (3, 1)
    rejects = described.rejects
    assert rejects[["file", "line", "child_id"]].values.tolist() == [
        [name, 14, "K1"],
        [name, 42, "K3"],
    ]
    assert rejects["reason"].tolist() == [
        "line 23: column 'CINreferralDate': value '2023-02-30': expected a date as YYYY-MM-DD; "
        "line 25: column 'ReferralNFA': value 'yes': expected one of '0', '1', 'false', 'true'",
        "line 45: column 'Sex': expected UPN, FormerUPN, UPNunknown, PersonBirthDate, "
        "ExpectedPersonBirthDate or GenderCurrent here, not this element; "
        "line 51: column 'ReferralSource': expected CINreferralDate here, not this element",
    ]


OUT_OF_ORDER = [
    "line 25: column 'CINclosureDate': value '2023-05-31': expected a date on or after the "
    "referral date 2023-06-01 (line 23)",
    "line 71: column 'AssessmentAuthorisationDate': value '2023-08-01': expected a date on or "
    "after the assessment's start 2023-08-02 (line 70)",
    "line 75: column 'DateOfInitialCPC': value '2023-08-02': expected a date on or after the "
    "enquiry's start 2023-08-03 (line 74)",
    "line 81: column 'CPPendDate': value '2023-08-19': expected a date on or after the plan's "
    "start 2023-08-20 (line 80)",
]


def test_dates_out_of_order_are_problems_the_schema_cannot_find():
    # K1 closed the day before its referral; K3's authorisation, conference and plan end each
    # fall a day before their start. K2's dates are in order (a conference and a plan on the
    # same day are fine).
    name = "out_of_order_2024.xml"
    listed = [f"  {name}:{p.removeprefix('line ')}" for p in OUT_OF_ORDER]
    assert _problems(FIXTURES / name) == ["4 problems found:", *listed]


def test_quarantine_sets_aside_a_child_whose_dates_are_out_of_order():
    records = _read("out_of_order_2024.xml", quarantine=True)
    name = "out_of_order_2024.xml"
    _equal(
        records.assessments,
        "assessments",
        child_id=["K2"],
        start_date=["2023-07-04"],
        completed_date=["2023-08-15"],
        team=[""],
        worker_id=[""],
        source=[name],
    )
    _equal(
        records.s47,
        "s47",
        child_id=["K2"],
        start_date=["2023-07-05"],
        icpc_date=["2023-07-20"],
        icpc_not_required=[False],
        source=[name],
    )
    _equal(
        records.cpp,
        "cpp",
        child_id=["K2"],
        start_date=["2023-07-20"],
        end_date=[NaT],
        source=[name],
    )
    assert records.episodes["child_id"].tolist() == ["K2"]
    rejects = records.files[0].rejects
    assert rejects.values.tolist() == [
        [name, 14, "K1", OUT_OF_ORDER[0]],
        [name, 58, "K3", "; ".join(OUT_OF_ORDER[1:])],
    ]


def test_problems_outside_any_child_stop_the_run_even_under_quarantine(tmp_path):
    bad = _variant(tmp_path, "invalid_2024.xml", "bad_lea.xml", ("<LEA>874</LEA>", "<LEA>87</LEA>"))
    # The LA code's error (line 10) is listed; the children's are set aside, not listed.
    assert _problems(bad, quarantine=True) == [
        "1 problem found:",
        "  bad_lea.xml:10: column 'LEA': value '87': expected a value matching the pattern \\d{3}",
    ]
    # Without quarantine the children's are listed too, in the file's order.
    assert _problems(bad) == [
        "5 problems found:",
        "  bad_lea.xml:10: column 'LEA': value '87': expected a value matching the pattern \\d{3}",
        *(line.replace("invalid_2024.xml", "bad_lea.xml") for line in INVALID),
    ]


def test_an_element_inside_children_that_is_not_a_child_is_refused(tmp_path):
    stray = _variant(tmp_path, V24, "stray.xml", ("  </Children>", "    <Kid/>\n  </Children>"))
    # <Kid/> is on line 106, after K3's </Child> on line 105.
    assert _problems(stray, quarantine=True) == [
        "1 problem found:",
        "  stray.xml:106: column 'Kid': expected only Child elements here",
    ]


YEARS = ", ".join(str(y) for y in range(2017, 2027))


def test_an_unknown_year_names_the_years_there_are_schemas_for(tmp_path):
    path = _variant(tmp_path, V24, "old_year.xml", ("<Year>2024</Year>", "<Year>2016</Year>"))
    assert _problems(path) == [
        "1 problem found:",
        "  old_year.xml:6: column 'Year': value '2016': expected a collection year in "
        f"Header/CollectionDetails/Year that has a schema: {YEARS}",
    ]


def test_a_missing_year_names_the_years_there_are_schemas_for(tmp_path):
    path = _variant(tmp_path, V24, "no_year.xml", ("      <Year>2024</Year>\n", ""))
    assert _problems(path) == [
        "1 problem found:",
        "  no_year.xml: column 'Year': expected a collection year in "
        f"Header/CollectionDetails/Year that has a schema: {YEARS}",
    ]


def test_a_reference_date_outside_the_collection_year_is_refused(tmp_path):
    path = _variant(tmp_path, V24, "date.xml", ("2024-03-31", "2023-03-31"))
    assert _problems(path) == [
        "1 problem found:",
        "  date.xml:7: column 'ReferenceDate': value '2023-03-31': expected 2024-03-31, the "
        "census date of the collection year 2024 (Header/CollectionDetails/Year)",
    ]


def test_a_reference_date_other_than_31_march_is_refused(tmp_path):
    # Otherwise a copy dated 30 March would pass as another census year beside the real one.
    path = _variant(tmp_path, V24, "date.xml", ("2024-03-31", "2024-03-30"))
    assert _problems(path) == [
        "1 problem found:",
        "  date.xml:7: column 'ReferenceDate': value '2024-03-30': expected 2024-03-31, the "
        "census date of the collection year 2024 (Header/CollectionDetails/Year)",
    ]


def test_a_blank_child_identifier_is_refused(tmp_path):
    # The schema allows <LAchildID></LAchildID>; two such children would be counted as one.
    path = _variant(
        tmp_path, V24, "blank.xml", ("<LAchildID>K3</LAchildID>", "<LAchildID></LAchildID>")
    )
    (problem,) = _problems(path)[1:]
    assert problem.startswith("  blank.xml:") and problem.endswith(
        "column 'LAchildID': value '': expected a child's identifier"
    )


def test_dates_with_a_time_zone_are_read_and_implausible_years_refused(tmp_path):
    # xs:date allows a time zone after the date (libxml2 refuses spaces around it).
    zoned = _variant(
        tmp_path,
        V24,
        "zoned.xml",
        ("<CINreferralDate>2023-05-10<", "<CINreferralDate>2023-05-10+01:00<"),
        ("<CPPendDate>2023-11-20<", "<CPPendDate>2023-11-20Z<"),
    )
    records = read_cin_census([zoned])
    assert records.episodes["start_date"].iloc[0] == pd.Timestamp("2023-05-10")
    assert records.cpp["end_date"].iloc[0] == pd.Timestamp("2023-11-20")
    old = _variant(
        tmp_path, V24, "old.xml", ("<CINclosureDate>2023-04-20<", "<CINclosureDate>1023-04-20<")
    )
    # K2's first closure (line 69) is a valid xs:date, but no event of ours is that old (and
    # it is before the referral of 2022-12-01 on line 67).
    assert _problems(old) == [
        "2 problems found:",
        "  old.xml:69: column 'CINclosureDate': value '1023-04-20': expected a date from 1900 to "
        "2099",
        "  old.xml:69: column 'CINclosureDate': value '1023-04-20': expected a date on or after "
        "the referral date 2022-12-01 (line 67)",
    ]


def test_a_missing_file_and_an_empty_file_are_reported_with_the_rest(tmp_path):
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    assert _problems(tmp_path / "absent.xml", empty, FIXTURES / "invalid_2024.xml") == [
        "6 problems found:",
        "  absent.xml: expected a readable file (No such file or directory)",
        "  empty.xml: expected an XML document (the file is empty)",
        *INVALID,
    ]


def test_no_file_at_all_is_a_usage_error():
    with pytest.raises(UsageError, match="at least one"):
        read_cin_census([])


def test_more_than_a_hundred_problems_are_cut_with_a_count_of_the_rest(tmp_path):
    # K1's referral date repeated in 120 children, each 30 February: 120 problems; the first
    # 100 are listed, then one line for the other 20.
    text = (FIXTURES / "invalid_2024.xml").read_text()
    start, end = text.index("    <Child>"), text.index("    </Child>") + len("    </Child>\n")
    child = text[start:end].replace("<ReferralNFA>yes<", "<ReferralNFA>0<")
    path = tmp_path / "many.xml"
    path.write_text(text[:start] + child * 120 + text[text.index("  </Children>") :])
    lines = _problems(path)
    assert lines[0] == "101 problems found:"
    assert lines[1] == (
        "  many.xml:23: column 'CINreferralDate': value '2023-02-30': expected a date as YYYY-MM-DD"
    )
    # Each child takes 14 lines: the 100th child's date is on line 23 + 99 * 14 = 1409.
    assert lines[100].startswith("  many.xml:1409: column 'CINreferralDate'")
    assert lines[101] == (
        "  many.xml: value '20 more problems not listed': expected see the first ones above; "
        "--quarantine sets aside every child that breaks a rule, with its reasons"
    )


def test_a_bad_date_of_birth_is_named_by_line_and_never_quoted(tmp_path):
    # Error messages reach terminals, logs and notebooks: a child's date of birth stays out.
    path = _variant(tmp_path, V24, "dob.xml", ("2015-06-01", "2015-06-31"))
    (problem,) = _problems(path)[1:]
    assert problem.startswith("  dob.xml:22: column 'PersonBirthDate': expected ")
    assert "2015-06" not in problem

"""The recent synthetic records (analysis.cases.synth_recent) written in each shape.

- `annex_a`: one Ofsted Annex A workbook, `annex_a_2024_03.xlsx`: lists 3 to 7 filled, the other
  lists' sheets with their headers only; dates are Excel dates;
- `cin_census`: one DfE children in need census return a census year, `cin_census_YYYY.xml`,
  valid against that year's schema;
- `csv`: our CSV layout, `assessments.csv` (single assessments) and `cin_episodes.csv`.

What each file holds, so that every shape gives the same figures for April 2021 to March 2024:

- Annex A and CSV hold what touches the window: referrals made in it (list 3); assessments
  authorised in it or still open (list 4, assessments.csv); section 47 enquiries started in it
  or whose conference was held in it (list 5); children in need episodes, not NFA, open at some
  point in it (list 6, cin_episodes.csv); plans open at some point in it (list 7).
- A census return for the year ending 31 March holds every episode open at some point in that
  year (referred on or before 31 March, not closed before 1 April), NFA referrals included,
  with what was known on 31 March: a closure, an authorisation, a conference or a plan's end
  only if it came on or before then; assessments, enquiries and plans only if they had started.

Every file is labelled made up: a README.txt beside it. Same seed, same bytes.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from lxml import etree

from analysis.atomic import atomic_path, write_text
from analysis.cases.extract import ASSESSMENTS, EPISODES
from analysis.cases.synth_recent import (
    CENSUS_YEARS,
    NAT,
    WINDOW_END,
    WINDOW_START,
    Story,
    earlier_in_year,
)

ANNEX_A_FILE = "annex_a_2024_03.xlsx"
WORKBOOK_DATE = dt.datetime(2024, 3, 31)  # the workbook's date: ages and properties use it
DEFAULT_LA_CODE = "999"  # made up: no English authority has it


def census_file(year: int) -> str:
    """The name of the census return for the collection year (the year ending 31 March)."""
    return f"cin_census_{year}.xml"


# --- Annex A --------------------------------------------------------------------------------

COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
DISABLED = "Does the Child have a Disability"
ALLOCATED = ["Allocated Team", "Allocated Worker"]
EPO = (
    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months "
    "(Y/N)"
)
HEADERS: dict[str, list[str]] = {
    "List 1": [*COMMON, "Date of Contact", "Contact Source"],
    "List 2": [
        *COMMON,
        "Assessment start date",
        "Assessment completion date",
        "Organisation completing assessment",
    ],
    "List 3": [
        *COMMON,
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        *ALLOCATED,
    ],
    "List 4": [
        *COMMON,
        DISABLED,
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        *ALLOCATED,
    ],
    "List 5": [
        *COMMON,
        DISABLED,
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        *ALLOCATED,
    ],
    "List 6": [
        *COMMON,
        DISABLED,
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        *ALLOCATED,
    ],
    "List 7": [
        *COMMON,
        DISABLED,
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        EPO,
        "Number of Previous Child Protection Plans",
        *ALLOCATED,
    ],
    "List 8": [
        *COMMON,
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))",
        DISABLED,
        "Date Started to be Looked After",
        "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last "
        "12 months (Y/N)",
        "Start date of current legal status",
        "Child's Legal Status",
        "Date of Latest Statutory Review",
        "Date of Last Social Work Visit",
        "What is the permanence plan for this child?",
        "Date of Last IRO Visit / Contact to the Child",
        "Date of Last Health Assessment",
        "Date of Last Dental Check",
        "Number of Placements in the Last 12 months",
        "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Placement Provider",
        "Placement postcode",
        "URN of Placement",
        "Placement Location",
        "LA of Placement",
        "Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 "
        "months",
        "Number of Episodes the Child has been ‘Absent’ from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
        *ALLOCATED,
    ],
    "List 9": [
        *COMMON,
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
        DISABLED,
        *ALLOCATED,
        "Allocated Personal Advisor",
        "Eligibility Category",
        "Latest Pathway Plan Review Date",
        "LA in Touch",
        "Latest Date of Contact",
        "Type of Accommodation",
        "Suitability of Accommodation",
        "Activity Status",
    ],
    "List 10": [
        "Child Unique ID",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        DISABLED,
        "Date the Child Entered Care",
        "Date of Decision that Child Should be Placed for Adoption",
        "Date of Placement Order",
        "Date of Matching Child and Prospective Adopters",
        "Date Placed for Adoption",
        "Date of Adoption Order",
        "Date of Decision that Child Should No Longer be Placed for Adoption",
        "Reason Why Child No Longer Placed for Adoption",
        "Date the child was placed for fostering in FFA or concurrent planning placement",
    ],
    "List 11": [
        "Individual adopter identifier",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Disability",
        "Is the (prospective) adopter fostering for adoption?",
        "Date enquiry received",
        "Date Stage 1 started",
        "Date Stage 1 ended",
        "Date Stage 2 started",
        "Date Stage 2 ended",
        "Date application submitted",
        "Date application approved",
        "Date adopter matched with child(ren)",
        "Date child/children placed with adopter(s)",
        "No. of children placed",
        "Date of Adoption Order",
        "Date of leaving adoption process",
        "Reason for leaving adoption process",
    ],
}
FILLED = ("List 3", "List 4", "List 5", "List 6", "List 7")

# Annex A's coded values: a letter, then the census code or a label.
GENDER = {1: "a) Male", 2: "b) Female"}
ETHNIC_ORDER = (
    *("WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND"),
    *("APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "NOBT", "REFU"),
)
ETHNICITY = {code: f"{chr(97 + i)}) {code}" for i, code in enumerate(ETHNIC_ORDER)}
SOURCE_ORDER = (
    *("1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4"),
    *("5A", "5B", "5C", "6", "7", "8", "9", "10"),
)
SOURCE_LABEL = {"1": "Individual", "2A": "Schools", "2B": "Education services"}
SOURCE_LABEL |= {"3": "Health services", "4": "Housing", "5": "LA services", "6": "Police"}
SOURCE_LABEL |= {"7": "Other legal agency", "8": "Other", "9": "Anonymous", "10": "Unknown"}
NEED_LABEL = {
    "N1": "Abuse or Neglect", "N2": "Child's disability", "N3": "Parental disability or illness",
    "N4": "Family in acute stress", "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour", "N7": "Low income", "N8": "Absent parenting",
    "N9": "Cases other than children in need",
}  # fmt: skip
CLOSURE_LABEL = {
    "RC5": "Transferred to services of another local authority",
    "RC7": "Services ceased for any other reason, including child no longer in need",
    "RC8": "Case closed after assessment, no further action",
}
ABUSE_LABEL = {
    "NEG": "Neglect",
    "EMO": "Emotional abuse",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "MUL": "Multiple/not recommended",
}


def _source(code: str) -> str:
    label = SOURCE_LABEL.get(code) or SOURCE_LABEL[code[0]]
    return f"{chr(97 + SOURCE_ORDER.index(code))}) {code}: {label}"


def _yes(flags: np.ndarray | pd.Series) -> np.ndarray:
    return np.where(np.asarray(flags, dtype=bool), "Yes", "No").astype(object)


def _days(values: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[ns]").astype("datetime64[D]")


def annex_a_lists(story: Story) -> dict[str, pd.DataFrame]:
    """Lists 3 to 7 as they are written: the real headers, one row per record."""
    people = story.children.set_index("child_id")
    birth = _days(people["birth_date"])
    age = _whole_years(birth, np.datetime64(WORKBOOK_DATE.date()))
    about = pd.DataFrame(
        {
            "Gender": people["gender"].map(GENDER).to_numpy(),
            "Ethnicity": people["ethnicity"].map(ETHNICITY).to_numpy(),
            "Date of Birth": birth,
            "Age of Child (Years)": age,
            DISABLED: np.where(people["disability"] != "NONE", "a) Yes", "b) No").astype(object),
        },
        index=people.index,
    )
    child_number = pd.Series(np.arange(len(people)), index=people.index)
    e, a, s, p = story.episodes, story.assessments, story.s47, story.cpp

    def with_child(rows: pd.DataFrame, columns: dict, disabled: bool = True) -> pd.DataFrame:
        ids = rows["child_id"].to_numpy()
        known = about.loc[ids]
        front = {"Child Unique ID": ids}
        front |= {c: known[c].to_numpy() for c in COMMON[1:]}
        if disabled:
            front[DISABLED] = known[DISABLED].to_numpy()
        return pd.DataFrame(front | columns)

    start, end = _days(e["start_date"]), _days(e["end_date"])
    refs = e[(start >= WINDOW_START) & (start <= WINDOW_END)]
    list3 = with_child(
        refs,
        {
            "Date of referral": _days(refs["start_date"]),
            "Referral Source": refs["source_code"].map(_source).to_numpy(),
            "Referral NFA?": _yes(refs["nfa"]),
            "Number of Referrals in Last 12 Months": refs["previous_referrals"].to_numpy(),
            "Allocated Team": refs["assessment_team"].to_numpy(),
            "Allocated Worker": refs["referral_worker"].to_numpy(),
        },
        disabled=False,
    )

    done = _days(a["completed_date"])
    open_or_recent = np.isnat(done) | (done >= WINDOW_START)
    asm = a[open_or_recent]
    asm_done = _days(asm["completed_date"])
    list4 = with_child(
        asm,
        {
            "Continuous Assessment Start Date": _days(asm["start_date"]),
            "Child Seen During Continuous Assessment": np.full(len(asm), "Yes", dtype=object),
            "Continuous Assessment Date of Authorisation": asm_done,
            "Was the child assessed as requiring LA children's social care support?": np.where(
                np.isnat(asm_done), "", _yes(asm["support"])
            ).astype(object),
            "Allocated Team": asm["team"].to_numpy(),
            "Allocated Worker": asm["worker"].to_numpy(),
        },
    )

    s_start, icpc = _days(s["start_date"]), _days(s["icpc_date"])
    enq = s[(s_start >= WINDOW_START) | (icpc >= WINDOW_START)]
    enq_start, enq_icpc = _days(enq["start_date"]), _days(enq["icpc_date"])
    s_child = child_number[s["child_id"]].to_numpy()
    held = ~np.isnat(icpc)
    q_child = child_number[enq["child_id"]].to_numpy()
    list5 = with_child(
        enq,
        {
            "Strategy discussion initiating Section 47 Enquiry Start Date": enq_start,
            "Was an Initial Child Protection Conference deemed unnecessary?": _yes(
                enq["icpc_not_required"]
            ),
            "Date of Initial Child Protection Conference": enq_icpc,
            "Did the Initial Child Protection Conference Result in a Child Protection Plan": (
                np.where(np.isnat(enq_icpc), "", _yes(enq["plan"])).astype(object)
            ),
            "Number of Section 47 Enquiries in the last 12 months": earlier_in_year(
                s_child, s_start, q_child, enq_start
            ),
            "Number of ICPCs in the last 12 months": earlier_in_year(
                s_child[held], icpc[held], q_child, enq_start
            ),
            "Allocated Team": enq["team"].to_numpy(),
            "Allocated Worker": enq["worker"].to_numpy(),
        },
    )

    cin = e[~e["nfa"].to_numpy() & (np.isnat(end) | (end >= WINDOW_START))]
    cin_end = _days(cin["end_date"])
    list6 = with_child(
        cin,
        {
            "CIN Start Date": _days(cin["start_date"]),
            "Primary Need Code": np.array(
                [f"{c} - {NEED_LABEL[c]}" for c in cin["primary_need"]], dtype=object
            ),
            "Date Child Was Last Seen": _days(cin["last_seen"]),
            "CIN Closure Date": cin_end,
            "Reason for Closure": np.where(
                np.isnat(cin_end),
                "",
                [f"{c} - {CLOSURE_LABEL[c]}" for c in cin["reason_for_closure"]],
            ).astype(object),
            "Case Status": np.where(np.isnat(cin_end), "Open", "Closed").astype(object),
            "Allocated Team": cin["team"].to_numpy(),
            "Allocated Worker": cin["worker"].to_numpy(),
        },
    )

    p_end = _days(p["end_date"])
    plans = p[np.isnat(p_end) | (p_end >= WINDOW_START)]
    plan_start, plan_end = _days(plans["start_date"]), _days(plans["end_date"])
    until = np.where(np.isnat(plan_end), WINDOW_END, plan_end)
    review = plan_start + 91  # the first review conference: three months in
    list7 = with_child(
        plans,
        {
            "Child Protection Plan Start Date": plan_start,
            "Initial Category of Abuse": plans["initial_category"].map(ABUSE_LABEL).to_numpy(),
            "Latest Category of Abuse": plans["latest_category"].map(ABUSE_LABEL).to_numpy(),
            "Date of the Last Statutory Visit": until - np.minimum((until - plan_start), 9),
            "Was the Child Seen Alone?": np.full(len(plans), "a) Yes", dtype=object),
            "Date of latest review conference": np.where(review <= until, review, NAT),
            "Child Protection Plan End Date": plan_end,
            EPO: np.full(len(plans), "b) No", dtype=object),
            "Number of Previous Child Protection Plans": np.zeros(len(plans), dtype=np.int64),
            "Allocated Team": plans["team"].to_numpy(),
            "Allocated Worker": plans["worker"].to_numpy(),
        },
    )
    lists = {"List 3": list3, "List 4": list4, "List 5": list5, "List 6": list6, "List 7": list7}
    for name, table in lists.items():
        if list(table.columns) != HEADERS[name]:
            raise AssertionError(f"{name}: columns out of order: {list(table.columns)}")
        first_date = table.columns[5 if name == "List 3" else 6]  # the list's first date
        lists[name] = table.sort_values([first_date, "Child Unique ID"], kind="stable").reset_index(
            drop=True
        )
    return lists


def _whole_years(birth: np.ndarray, on: np.datetime64) -> np.ndarray:
    """Age in whole years on a date."""
    b = pd.DatetimeIndex(birth)
    when = pd.Timestamp(on)
    before_birthday = (b.month > when.month) | ((b.month == when.month) & (b.day > when.day))
    return (when.year - b.year - before_birthday.astype(int)).to_numpy()


def write_annex_a(story: Story, target: Path) -> dict[str, int]:
    """Write the workbook atomically; the rows written in each filled list."""
    lists = annex_a_lists(story)
    with atomic_path(target) as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        # A fixed creation date: xlsxwriter would otherwise stamp the clock's.
        book.set_properties(
            {
                "title": "Annex A (synthetic)",
                "subject": "Made-up records: not any real child or worker",
                "author": "analysis synth",
                "comments": "SYNTHETIC DATA written by analysis synth --format annex-a",
                "created": WORKBOOK_DATE,
            }
        )
        bold = book.add_format({"bold": True})
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        for name, headers in HEADERS.items():
            sheet = book.add_worksheet(name)
            sheet.write_row(0, 0, headers, bold)
            if name in lists:
                _write_rows(sheet, lists[name], day)
        book.close()
    return {name: len(table) for name, table in lists.items()}


EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # Excel's day 0 (1900 date system)


def _write_rows(sheet, table: pd.DataFrame, day_format) -> None:
    """Text as text, whole numbers as numbers, dates as Excel dates; empty cells left blank."""
    columns = []
    for name in table.columns:
        values = table[name].to_numpy()
        if np.issubdtype(values.dtype, np.datetime64):
            days = np.asarray(values, dtype="datetime64[D]")
            serial = (days - EXCEL_EPOCH).astype("timedelta64[D]").astype(float)
            serial[np.isnat(days)] = np.nan
            columns.append(("date", serial.tolist()))
        elif np.issubdtype(values.dtype, np.integer):
            columns.append(("number", values.tolist()))
        else:
            columns.append(("text", values.tolist()))
    for c, (kind, values) in enumerate(columns):
        for r, v in enumerate(values, start=1):
            if kind == "text":
                if v:
                    sheet.write_string(r, c, v)
            elif kind == "number":
                sheet.write_number(r, c, v)
            elif v == v:  # not NaN
                sheet.write_number(r, c, v, day_format)


# --- CIN census -----------------------------------------------------------------------------


def census_tables(story: Story, year: int) -> dict[str, pd.DataFrame]:
    """The episodes (and their parts) in the return for a year, as known on 31 March."""
    ref = np.datetime64(f"{year}-03-31", "D")
    first = np.datetime64(f"{year - 1}-04-01", "D")
    e = story.episodes
    start, end = _days(e["start_date"]), _days(e["end_date"])
    inside = (start <= ref) & (np.isnat(end) | (end >= first))
    episodes = e[inside].copy()
    episodes["end_date"] = _known(end[inside], ref)
    kept = set(np.flatnonzero(inside))

    def parts(table: pd.DataFrame, begins: str, later: tuple[str, ...]) -> pd.DataFrame:
        mine = table["episode"].isin(kept).to_numpy() & (_days(table[begins]) <= ref)
        out = table[mine].copy()
        for column in later:
            out[column] = _known(_days(out[column]), ref)
        return out

    return {
        "episodes": episodes,
        "assessments": parts(story.assessments, "start_date", ("completed_date",)),
        "s47": parts(story.s47, "start_date", ("icpc_date",)),
        "cpp": parts(story.cpp, "start_date", ("end_date",)),
    }


def _known(days: np.ndarray, ref: np.datetime64) -> np.ndarray:
    """Dates after the reference date were not known on it."""
    return np.where(days > ref, np.datetime64("NaT", "D"), days)


def _text(day: object) -> str:
    """A date as the schema's xs:date, YYYY-MM-DD."""
    return pd.Timestamp(day).strftime("%Y-%m-%d")


def _sub(parent: etree._Element, tag: str, text: str) -> None:
    etree.SubElement(parent, tag).text = text


def write_cin_census(story: Story, target: Path, year: int, la_code: str) -> int:
    """Write one year's census return atomically; the number of children in it."""
    tables = census_tables(story, year)
    parts: dict[str, dict[int, list]] = {}
    for name in ("assessments", "s47", "cpp"):
        parts[name] = {}
        for row in tables[name].itertuples(index=False):
            parts[name].setdefault(row.episode, []).append(row)
    people = {row.child_id: row for row in story.children.itertuples(index=False)}
    episodes = tables["episodes"].sort_values(["child_id", "start_date"], kind="stable")
    children = 0
    with atomic_path(target) as tmp, etree.xmlfile(str(tmp), encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            xf.write("\n  ")
            xf.write(_header(year, la_code))
            xf.write("\n  ")
            with xf.element("Children"):
                child, current = None, None
                for row in episodes.itertuples():
                    if row.child_id != current:
                        if child is not None:
                            _put(xf, child)
                            children += 1
                        current = row.child_id
                        child = _child(people[current])
                    _cin_details(child, row, parts)
                if child is not None:
                    _put(xf, child)
                    children += 1
                xf.write("\n  ")
            xf.write("\n")
    return children


def _put(xf: etree.xmlfile, child: etree._Element) -> None:
    """Write a Child element indented as if the whole file were pretty-printed."""
    etree.indent(child, space="  ", level=2)
    xf.write("\n    ")
    xf.write(child)


def _header(year: int, la_code: str) -> etree._Element:
    header = etree.Element("Header")
    details = etree.SubElement(header, "CollectionDetails")
    _sub(details, "Collection", "CIN")
    _sub(details, "Year", str(year))
    _sub(details, "ReferenceDate", f"{year}-03-31")
    source = etree.SubElement(header, "Source")
    _sub(source, "SourceLevel", "L")
    _sub(source, "LEA", la_code)
    _sub(source, "SoftwareCode", "analysis synth (synthetic data)")
    _sub(source, "Release", "synthetic")
    _sub(source, "SerialNo", "001")
    _sub(source, "DateTime", f"{year}-04-30T09:00:00")  # fixed: same seed, same bytes
    etree.indent(header, space="  ", level=1)
    return header


def _child(person) -> etree._Element:
    """A Child element with its identifiers and characteristics; episodes are added after."""
    child = etree.Element("Child")
    ids = etree.SubElement(child, "ChildIdentifiers")
    _sub(ids, "LAchildID", person.child_id)
    _sub(ids, "PersonBirthDate", _text(person.birth_date))
    _sub(ids, "GenderCurrent", str(person.gender))
    about = etree.SubElement(child, "ChildCharacteristics")
    _sub(about, "Ethnicity", person.ethnicity)
    disabilities = etree.SubElement(about, "Disabilities")
    _sub(disabilities, "Disability", person.disability)
    return child


def _cin_details(child: etree._Element, e, parts: dict[str, dict[int, list]]) -> None:
    """A CINdetails element for an episode (a row of census_tables), in the schema's order."""
    details = etree.SubElement(child, "CINdetails")
    _sub(details, "CINreferralDate", _text(e.start_date))
    _sub(details, "ReferralSource", e.source_code)
    if not e.nfa:
        _sub(details, "PrimaryNeedCode", e.primary_need)
    if not pd.isna(e.end_date):
        _sub(details, "CINclosureDate", _text(e.end_date))
        _sub(details, "ReasonForClosure", e.reason_for_closure)
    for a in parts["assessments"].get(e.Index, ()):
        item = etree.SubElement(details, "Assessments")
        _sub(item, "AssessmentActualStartDate", _text(a.start_date))
        if not pd.isna(a.completed_date):
            _sub(item, "AssessmentAuthorisationDate", _text(a.completed_date))
            factors = etree.SubElement(item, "FactorsIdentifiedAtAssessment")
            _sub(factors, "AssessmentFactors", a.factor)
    for s in parts["s47"].get(e.Index, ()):
        item = etree.SubElement(details, "Section47")
        _sub(item, "S47ActualStartDate", _text(s.start_date))
        _sub(item, "InitialCPCtarget", _text(s.icpc_target))
        if not pd.isna(s.icpc_date):
            _sub(item, "DateOfInitialCPC", _text(s.icpc_date))
        _sub(item, "ICPCnotRequired", "1" if s.icpc_not_required else "0")
    _sub(details, "ReferralNFA", "1" if e.nfa else "0")
    for p in parts["cpp"].get(e.Index, ()):
        item = etree.SubElement(details, "ChildProtectionPlans")
        _sub(item, "CPPstartDate", _text(p.start_date))
        if not pd.isna(p.end_date):
            _sub(item, "CPPendDate", _text(p.end_date))
        _sub(item, "InitialCategoryOfAbuse", p.initial_category)
        _sub(item, "LatestCategoryOfAbuse", p.latest_category)
        _sub(item, "NumberOfPreviousCPP", "0")


# --- our CSV layout -------------------------------------------------------------------------


def csv_tables(story: Story) -> tuple[pd.DataFrame, pd.DataFrame]:
    """assessments.csv and cin_episodes.csv as text: the same records as lists 4 and 6."""
    lists = annex_a_lists(story)
    a, e = lists["List 4"], lists["List 6"]
    assessments = pd.DataFrame(
        {
            "child_id": a["Child Unique ID"],
            "assessment_id": [f"A{i:06d}" for i in range(1, len(a) + 1)],
            "assessment_type": "single",
            "start_date": _iso(a["Continuous Assessment Start Date"]),
            "completed_date": _iso(a["Continuous Assessment Date of Authorisation"]),
            "team": a["Allocated Team"],
            "worker_id": a["Allocated Worker"],
        },
        columns=list(ASSESSMENTS.columns),
    )
    episodes = pd.DataFrame(
        {
            "child_id": e["Child Unique ID"],
            "episode_id": [f"E{i:06d}" for i in range(1, len(e) + 1)],
            "start_date": _iso(e["CIN Start Date"]),
            "end_date": _iso(e["CIN Closure Date"]),
            "team": e["Allocated Team"],
            "worker_id": e["Allocated Worker"],
        },
        columns=list(EPISODES.columns),
    )
    return assessments, episodes


def _iso(values: pd.Series) -> np.ndarray:
    days = _days(values)
    return np.where(np.isnat(days), "", np.datetime_as_string(days, unit="D")).astype(object)


def write_csv(story: Story, out: Path) -> tuple[int, int]:
    """Write assessments.csv and cin_episodes.csv atomically; their row counts."""
    assessments, episodes = csv_tables(story)
    for table, schema in ((assessments, ASSESSMENTS), (episodes, EPISODES)):
        write_text(out / schema.file, table.to_csv(index=False, lineterminator="\n"))
    return len(assessments), len(episodes)


# --- the labels -----------------------------------------------------------------------------

README = """\
SYNTHETIC DATA - made up by `analysis synth --format {fmt} --story recent`, not records of any
real child, worker or authority.

{what}

The records: one made-up authority, 1 April 2021 to 31 March 2024 (census years 2021-22 to
2023-24), generated with seed {seed} at about {size} children a census year: referrals (some
with no further action, some re-referrals within 12 months), single assessments (45 working
days; some late, some open at a month end), section 47 enquiries (a conference within 15
working days, later, or not required), child protection plans, and children in need episodes
held by teams and made-up workers ("Worker 017"). Every identifier, date and name is invented.
The same records are written by --format annex-a, cin-census and csv; `analysis kpis` gives the
same monthly figures from each. Same seed, same bytes.
"""


def write(story: Story, fmt: str, out: Path, la_code: str = DEFAULT_LA_CODE) -> str:
    """Write the story in one format into `out`, with its README.txt; a line saying what."""
    out = Path(out)
    if fmt == "annex-a":
        rows = write_annex_a(story, out / ANNEX_A_FILE)
        counts = ", ".join(f"{name} {n}" for name, n in rows.items())
        what = (
            f"{ANNEX_A_FILE} is an Ofsted Annex A workbook dated 31 March 2024. Lists 3 to 7 "
            f"hold the records ({counts} rows); the other lists' sheets hold their headers "
            "only. Unlike most real workbooks, lists 3 to 5 cover all three years."
        )
        said = f"Annex A workbook, {counts} rows"
    elif fmt == "cin-census":
        counts = {year: write_cin_census(story, out / census_file(year), year, la_code)
                  for year in CENSUS_YEARS}  # fmt: skip
        listed = ", ".join(f"{census_file(y)} ({n} children)" for y, n in counts.items())
        what = (
            f"Children in need census returns, one a census year: {listed}, each valid "
            f"against its year's schema. The header's LA code, {la_code}, "
            + (
                "is made up: no English authority has it."
                if la_code == DEFAULT_LA_CODE
                else "is borrowed from a real authority only so that commands needing one run:"
                " the records are still made up and are not that authority's."
            )
        )
        said = f"census returns: {listed}"
    elif fmt == "csv":
        n_a, n_e = write_csv(story, out)
        what = (
            f"Our CSV layout: {n_a} single assessments (assessments.csv) and {n_e} children in "
            "need episodes (cin_episodes.csv). Columns are described in data/raw/README.md "
            '("Case-level extracts").'
        )
        said = f"{n_a} assessments and {n_e} episodes"
    else:
        raise ValueError(f"unknown format {fmt!r}")
    what = textwrap.fill(what, width=92, break_on_hyphens=False)
    write_text(
        out / "README.txt", README.format(fmt=fmt, what=what, seed=story.seed, size=story.size)
    )
    return said

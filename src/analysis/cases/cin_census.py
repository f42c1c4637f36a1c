"""Read DfE children in need (CIN) census XML returns into an authority's case records.

Each return is checked against the DfE schema of its own collection year (the header's
`Year`), shipped inside the package, and then against the date rules a schema cannot state.
Every problem in every file is reported at once, with its line; under quarantine a child any
of whose records breaks a rule is set aside whole and the other children are used. Several
years' returns read together give each children in need episode once.

Speed: a valid return is validated while it is parsed, which costs a fraction of the parse;
only a return that fails is looked at child by child, to say where. Validating the whole tree
instead would cost, for each error, a walk over the children before it (libxml2 names the node
of an error by counting its preceding siblings): minutes for a large return with many errors.
The records are then read in one pass over just the elements they come from.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from itertools import compress
from pathlib import Path

import pandas as pd
from lxml import etree

from analysis.cases.records import COLUMNS, CaseRecords, SourceFile, frame
from analysis.errors import DataError, Problem, UsageError, capped

KIND = "cin-census"
REJECT_COLUMNS = ("file", "line", "child_id", "reason")
XS = "{http://www.w3.org/2001/XMLSchema}"
SCHEMA_PACKAGE = "analysis.cases"
SCHEMA_FOLDER = "cin_census_schemas"
SCHEMA_NAME = re.compile(r"CIN_schema_(\d{4})\.xsd")
# The schemas allow only 0 and 1; returns from several case management systems carry the
# XML Schema boolean spellings, which mean the same. Both are read; nothing else is.
TRUE = frozenset({"1", "true"})
BOOLEAN_SPELLINGS = ("0", "1", "false", "true")
# Event dates outside these years are typing errors in practice (and would not fit a
# datetime64[ns] column beyond 1677 to 2262); the schema's xs:date accepts any year.
FIRST_DATE, END_DATE = "1900-01-01", "2100-01-01"

# The elements records are read from; nothing else in a return is looked at. Each record
# begins with a required element (the schema's sequences fix the order), so the containers
# (CINdetails, Assessments, Section47, ChildProtectionPlans) need not be visited.
RECORD_TAGS = (
    "LAchildID",
    "CINreferralDate",
    "CINclosureDate",
    "ReferralNFA",
    "AssessmentActualStartDate",
    "AssessmentAuthorisationDate",
    "S47ActualStartDate",
    "DateOfInitialCPC",
    "ICPCnotRequired",
    "CPPstartDate",
    "CPPendDate",
)
DATE_TAGS = frozenset(t for t in RECORD_TAGS if t.endswith("Date") or t.startswith("Date"))


def read_cin_census(paths: Sequence[Path], quarantine: bool = False) -> CaseRecords:
    """Read census returns of one authority; raise DataError listing every problem found.

    With quarantine, a child any of whose records breaks a rule is set aside (listed in its
    file's rejects) and the rest are used; problems outside any child are always fatal.
    """
    if not paths:
        raise UsageError("give at least one CIN census XML file")
    problems: list[Problem] = []
    returns: list[_Return] = []
    for path in paths:
        census, found = _read_return(Path(path))
        if census is not None:
            returns.append(census)
            found = list(census.fatal)
            if not quarantine:
                found.extend(p for child in census.rejected for p in child.problems)
        problems.extend(sorted(found, key=lambda p: p.line or 0))  # a file's, in its order
    problems.extend(_across_returns(returns))
    if problems:
        raise DataError(capped(problems, "every child that breaks a rule, with its reasons"))
    return _records(returns)


# --- schemas -------------------------------------------------------------------------------


def schema_years() -> tuple[int, ...]:
    """The collection years whose schema the package holds."""
    folder = resources.files(SCHEMA_PACKAGE) / SCHEMA_FOLDER
    found = (SCHEMA_NAME.fullmatch(item.name) for item in folder.iterdir())
    return tuple(sorted(int(match.group(1)) for match in found if match))


@dataclass(frozen=True)
class _Schemas:
    """One year's schema, as three validators."""

    whole: etree.XMLSchema  # the return, booleans widened: validates while parsing
    outline: etree.XMLSchema  # the return with each child's content skipped: header, layout
    child: etree.XMLSchema  # a Child element on its own


@cache
def _schemas(year: int) -> _Schemas:
    """The year's validators, built once per process (the schema is package data)."""
    source = resources.files(SCHEMA_PACKAGE) / SCHEMA_FOLDER / f"CIN_schema_{year}.xsd"
    tree = etree.fromstring(source.read_bytes())
    restriction = tree.find(f"{XS}simpleType[@name='yesnotype']/{XS}restriction")
    if restriction is not None:
        present = {e.get("value") for e in restriction.iter(f"{XS}enumeration")}
        for spelling in BOOLEAN_SPELLINGS:
            if spelling not in present:
                etree.SubElement(restriction, f"{XS}enumeration", value=spelling)
    outline = copy.deepcopy(tree)
    sequence = outline.find(f"{XS}complexType[@name='childrentype']/{XS}sequence")
    for item in list(sequence):
        sequence.remove(item)
    # Any element, unchecked: each child is checked on its own, and anything inside Children
    # that is not a Child is reported by name (the reader looks at every element there).
    etree.SubElement(
        sequence, f"{XS}any", processContents="skip", minOccurs="1", maxOccurs="unbounded"
    )
    child = copy.deepcopy(tree)
    etree.SubElement(child, f"{XS}element", name="Child", type="childtype")
    return _Schemas(etree.XMLSchema(tree), etree.XMLSchema(outline), etree.XMLSchema(child))


# --- one return ------------------------------------------------------------------------------


@dataclass
class _Child:
    """A child set aside, with every problem found in its records."""

    line: int
    child_id: str
    problems: list[Problem]


@dataclass
class _Return:
    """One return as read: its header, its records as columns, its children set aside."""

    name: str
    sha256: str
    reference_date: date | None
    reference_line: int | None
    la_code: str | None
    la_line: int | None
    children: int
    fatal: list[Problem] = field(default_factory=list)  # outside any child
    rejected: list[_Child] = field(default_factory=list)
    # Episodes (one per CINdetails, which is also one referral), then the records inside
    # them, each holding the index of its episode in this return. Dates are YYYY-MM-DD text.
    ep_child: list[str] = field(default_factory=list)
    ep_start: list[str] = field(default_factory=list)
    ep_end: list[str | None] = field(default_factory=list)
    ep_nfa: list[bool] = field(default_factory=list)
    as_ep: list[int] = field(default_factory=list)
    as_child: list[str] = field(default_factory=list)
    as_start: list[str] = field(default_factory=list)
    as_done: list[str | None] = field(default_factory=list)
    s47_ep: list[int] = field(default_factory=list)
    s47_child: list[str] = field(default_factory=list)
    s47_start: list[str] = field(default_factory=list)
    s47_icpc: list[str | None] = field(default_factory=list)
    s47_not_required: list[bool] = field(default_factory=list)
    cpp_ep: list[int] = field(default_factory=list)
    cpp_child: list[str] = field(default_factory=list)
    cpp_start: list[str] = field(default_factory=list)
    cpp_end: list[str | None] = field(default_factory=list)

    def tables(self) -> tuple[tuple[list, ...], ...]:
        """The columns of each table (episodes, assessments, s47, cpp), episode index first."""
        return (
            (self.ep_child, self.ep_start, self.ep_end, self.ep_nfa),
            (self.as_ep, self.as_child, self.as_start, self.as_done),
            (self.s47_ep, self.s47_child, self.s47_start, self.s47_icpc, self.s47_not_required),
            (self.cpp_ep, self.cpp_child, self.cpp_start, self.cpp_end),
        )


def _read_return(path: Path) -> tuple[_Return | None, list[Problem]]:
    """One return read and checked; None (with the problems) when it cannot be read at all."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, None, None, None, f"a readable file ({exc.strerror})")]
    digest = hashlib.sha256(data).hexdigest()
    year, year_problems = _collection_year(name, data)
    if year is None:
        broken = _syntax_problems(name, data)
        return None, broken or year_problems
    root, valid = _parse(data, _schemas(year))
    if root is None:
        return None, _syntax_problems(name, data)
    census, fatal = _header(name, digest, root, year)
    census.fatal.extend(fatal)
    children_element = root.find("Children")
    children = (
        [] if children_element is None else list(children_element.iterchildren(etree.Element))
    )
    invalid: dict[int, list[Problem]] = {}
    if not valid:
        census.fatal.extend(_outline_problems(name, root, _schemas(year)))
        invalid = _child_problems(name, children, _schemas(year).child)
        census.fatal.extend(
            Problem(name, child.sourceline, child.tag, None, "only Child elements here")
            for child in children
            if child.tag != "Child"
        )
    _read_children(census, children, invalid)
    return census, []


def _collection_year(name: str, data: bytes) -> tuple[int | None, list[Problem]]:
    """The header's collection year, read without parsing the whole return."""
    years = ", ".join(str(y) for y in schema_years())
    expected = f"a collection year in Header/CollectionDetails/Year that has a schema: {years}"
    path: list[str] = []
    try:
        for event, element in etree.iterparse(
            io.BytesIO(data), events=("start", "end"), resolve_entities=False, no_network=True
        ):
            if event == "start":
                path.append(element.tag)
                if path == ["Message", "Children"]:
                    break
                continue
            if path == ["Message", "Header", "CollectionDetails", "Year"]:
                text = (element.text or "").strip()
                if text.isdigit() and int(text) in schema_years():
                    return int(text), []
                return None, [Problem(name, element.sourceline, "Year", text, expected)]
            path.pop()
    except etree.XMLSyntaxError:
        return None, []  # not well formed: the full parse lists every error
    return None, [Problem(name, None, "Year", None, expected)]


def _parser(**options: object) -> etree.XMLParser:
    # Entities are not expanded and nothing is fetched: a return is data, not a program.
    return etree.XMLParser(resolve_entities=False, no_network=True, **options)


def _parse(data: bytes, schemas: _Schemas) -> tuple[etree._Element | None, bool]:
    """The return's root and whether it is valid; no root if it is not well formed."""
    try:
        return etree.fromstring(data, _parser(schema=schemas.whole)), True
    except etree.XMLSyntaxError:
        pass  # not valid, or not well formed: parse again without the schema to tell
    root, log = _recovered(data)
    return (None if _errors(log) else root), False


def _errors(log: etree._ListErrorLog) -> list[etree._LogEntry]:
    return [entry for entry in log if entry.level >= etree.ErrorLevels.ERROR]


def _syntax_problems(name: str, data: bytes) -> list[Problem]:
    """Every error libxml2 reports in a file that is not well formed (parsed in recover mode)."""
    if not data.strip():
        return [Problem(name, None, None, None, "an XML document (the file is empty)")]
    root, log = _recovered(data)
    problems = [
        Problem(name, entry.line or None, None, None, f"well-formed XML ({entry.message})")
        for entry in _errors(log)
    ]
    if root is None and not problems:
        problems = [Problem(name, None, None, None, "an XML document")]
    return problems


def _recovered(data: bytes) -> tuple[etree._Element | None, etree._ListErrorLog]:
    """The document as libxml2 recovers it, and every error it reported on the way."""
    parser = _parser(recover=True)
    try:
        return etree.fromstring(data, parser), parser.error_log
    except etree.XMLSyntaxError as exc:  # nothing to recover (no root element at all)
        return None, exc.error_log


def _header(
    name: str, digest: str, root: etree._Element, year: int
) -> tuple[_Return, list[Problem]]:
    """The return's reference date and authority from its header, and what is wrong there."""
    problems = []
    reference = root.find("Header/CollectionDetails/ReferenceDate")
    reference_date = None
    if reference is None:
        problems.append(
            Problem(name, None, "ReferenceDate", None, "Header/CollectionDetails/ReferenceDate")
        )
    else:
        text = (reference.text or "").strip()[:10]
        with contextlib.suppress(ValueError):  # not a date: the schema's check reports it
            reference_date = date.fromisoformat(text)
        if reference_date is not None and reference_date != date(year, 3, 31):
            # The census year runs from 1 April to 31 March: another date would make a year
            # of other months, and two returns for one year would slip past as two years.
            problems.append(
                Problem(
                    name,
                    reference.sourceline,
                    "ReferenceDate",
                    text,
                    f"{year}-03-31, the census date of the collection year {year} "
                    "(Header/CollectionDetails/Year)",
                )
            )
    codes = root.findall("Header/Source/LEA")
    la_code = (codes[0].text or "").strip() if codes else None
    if not codes:
        problems.append(Problem(name, None, "LEA", None, "Header/Source/LEA, the LA code"))
    for code in codes[1:]:
        if (code.text or "").strip() != la_code:
            problems.append(
                Problem(
                    name, code.sourceline, "LEA", code.text, f"one LA code per return ({la_code})"
                )
            )
    census = _Return(
        name=name,
        sha256=digest,
        reference_date=reference_date,
        reference_line=None if reference is None else reference.sourceline,
        la_code=la_code,
        la_line=codes[0].sourceline if codes else None,
        children=0,
    )
    return census, problems


def _outline_problems(name: str, root: etree._Element, schemas: _Schemas) -> list[Problem]:
    """Schema errors outside the children: the header and the return's layout."""
    if schemas.outline.validate(root):
        return []
    return [_schema_problem(name, entry) for entry in _errors(schemas.outline.error_log)]


def _child_problems(
    name: str, children: list[etree._Element], schema: etree.XMLSchema
) -> dict[int, list[Problem]]:
    """Schema errors of each child, by its position among the children."""
    found = {}
    for position, child in enumerate(children):
        if child.tag == "Child" and not schema.validate(child):
            found[position] = [_schema_problem(name, e) for e in _errors(schema.error_log)]
    return found


# libxml2's schema messages, turned into what a person fixing the file needs: the element,
# the value as written and what the schema wanted there.
MESSAGE = re.compile(
    r"Element '(?P<element>[^']*)'(?:, attribute '(?P<attr>[^']*)')?: (?P<rest>.*)"
)
BAD_TYPE = re.compile(
    r"'(?P<value>.*)' is not a valid value of the (?:local )?\w+ type(?: '(?P<type>[^']*)')?\."
)
FACET = re.compile(r"\[facet '(?P<facet>\w+)'\] The value '(?P<value>.*?)' (?P<why>.*)")
EXPECTED = re.compile(r"Expected is (?:one of )?\( (?P<names>.*) \)\.")
TYPES = {
    "xs:date": "a date as YYYY-MM-DD",
    "xs:gYear": "a year as YYYY",
    "xs:dateTime": "a date and time as YYYY-MM-DDThh:mm:ss",
    "xs:integer": "a whole number",
}


def _schema_problem(name: str, entry: etree._LogEntry) -> Problem:
    """One schema error as a Problem: line, element, value and what was expected."""
    message = entry.message.strip()
    line = entry.line or None
    found = MESSAGE.fullmatch(message)
    if found is None:
        return Problem(name, line, None, None, f"a return valid against its schema ({message})")
    element = found.group("element")
    if found.group("attr"):
        element = f"{element}/@{found.group('attr')}"
    rest = found.group("rest")
    value, expected = _explained(rest)
    if element in PERSONAL:
        # Messages reach terminals, logs and notebook outputs: a child's identifiers and
        # dates of birth are named by line, never quoted.
        value = None
    return Problem(name, line, element, value, expected)


PERSONAL = frozenset(
    {
        "LAchildID",
        "UPN",
        "FormerUPN",
        "PersonBirthDate",
        "ExpectedPersonBirthDate",
        "PersonDeathDate",
    }
)


def _explained(rest: str) -> tuple[str | None, str]:
    """The value and the expectation in the part of a schema message after the element."""
    if bad := BAD_TYPE.fullmatch(rest):
        kind = bad.group("type")
        return bad.group("value"), TYPES.get(kind, f"a valid {kind or 'value'}")
    if facet := FACET.fullmatch(rest):
        value, why = facet.group("value"), facet.group("why")
        kind = facet.group("facet")
        if kind == "enumeration" and (allowed := re.search(r"\{(.*)\}", why)):
            return value, f"one of {allowed.group(1)}"
        if kind == "pattern" and (pattern := re.search(r"pattern '(.*)'", why)):
            return value, f"a value matching the pattern {pattern.group(1)}"
        if kind in {"minLength", "length"} and value == "":
            return value, "a value (the element is empty)"
        return value, why.rstrip(".")
    names = EXPECTED.search(rest)
    wanted = "" if names is None else _either(names.group(1))
    if rest.startswith("This element is not expected"):
        return None, f"{wanted} here, not this element" if wanted else "no such element here"
    if rest.startswith("Missing child element"):
        return None, f"a child element {wanted}, which is missing"
    if rest.startswith("Character content other than whitespace"):
        return None, "elements only, not text"
    return None, rest.rstrip(".")


def _either(names: str) -> str:
    items = [n.strip() for n in names.split(",")]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


# --- records ---------------------------------------------------------------------------------


def _read_children(
    census: _Return, children: list[etree._Element], invalid: dict[int, list[Problem]]
) -> None:
    """Every valid child's records into the return's columns, in one pass over their elements.

    A child with a schema error, or whose dates break a rule, keeps no records: it is set aside
    with its problems. Rule checks run on children that pass the schema (a value the schema
    refused cannot be compared).
    """
    name = census.name
    tables = census.tables()
    ep_child, ep_start, ep_end, ep_nfa = tables[0]
    as_ep, as_child, as_start, as_done = tables[1]
    s47_ep, s47_child, s47_start, s47_icpc, s47_nr = tables[2]
    cpp_ep, cpp_child, cpp_start, cpp_end = tables[3]
    low, high = FIRST_DATE, END_DATE
    for position, child in enumerate(children):
        if child.tag != "Child":
            continue
        census.children += 1
        if position in invalid:
            census.rejected.append(_Child(child.sourceline, _child_id(child), invalid[position]))
            continue
        marks = [len(columns[0]) for columns in tables]
        problems: list[Problem] = []
        child_id = ""
        episode = -1
        in_s47 = False  # DateOfInitialCPC is read inside Section47, not CINdetails' own
        begun = started = child  # the elements that began the current records: for messages
        for element in child.iter(RECORD_TAGS):
            tag = element.tag
            text = element.text
            if tag in DATE_TAGS and (len(text) != 10 or not low <= text < high):
                text = _odd_date(name, element, problems)
            if tag == "CINreferralDate":
                episode = len(ep_child)
                ep_child.append(child_id)
                ep_start.append(text)
                ep_end.append(None)
                ep_nfa.append(False)
                in_s47 = False
                begun = element
            elif tag == "AssessmentActualStartDate":
                as_ep.append(episode)
                as_child.append(child_id)
                as_start.append(text)
                as_done.append(None)
                in_s47 = False
                started = element
            elif tag == "AssessmentAuthorisationDate":
                as_done[-1] = text
                if text < as_start[-1]:
                    problems.append(_before(name, element, "the assessment's start", started))
            elif tag == "CINclosureDate":
                ep_end[-1] = text
                if text < ep_start[-1]:
                    problems.append(_before(name, element, "the referral date", begun))
            elif tag == "ReferralNFA":
                ep_nfa[-1] = text in TRUE
            elif tag == "S47ActualStartDate":
                s47_ep.append(episode)
                s47_child.append(child_id)
                s47_start.append(text)
                s47_icpc.append(None)
                s47_nr.append(False)
                in_s47 = True
                started = element
            elif tag == "DateOfInitialCPC":
                if in_s47:
                    s47_icpc[-1] = text
                    if text < s47_start[-1]:
                        problems.append(_before(name, element, "the enquiry's start", started))
            elif tag == "ICPCnotRequired":
                s47_nr[-1] = text in TRUE
            elif tag == "CPPstartDate":
                cpp_ep.append(episode)
                cpp_child.append(child_id)
                cpp_start.append(text)
                cpp_end.append(None)
                in_s47 = False
                started = element
            elif tag == "CPPendDate":
                cpp_end[-1] = text
                if text < cpp_start[-1]:
                    problems.append(_before(name, element, "the plan's start", started))
            elif tag == "LAchildID":
                child_id = (text or "").strip()
        if not child_id:
            # The schema allows an empty LAchildID, but records without one would be merged
            # with every other child's that lacks one (re-referrals, plans, episodes).
            problems.append(
                Problem(name, child.sourceline, "LAchildID", "", "a child's identifier")
            )
        if problems:
            for columns, mark in zip(tables, marks, strict=True):
                for column in columns:
                    del column[mark:]
            census.rejected.append(_Child(child.sourceline, child_id, problems))


def _odd_date(name: str, element: etree._Element, problems: list[Problem]) -> str:
    """A date written with a time zone after it (xs:date allows one), or out of range."""
    text = element.text.strip()[:10]
    if not FIRST_DATE <= text < END_DATE:
        problems.append(
            Problem(name, element.sourceline, element.tag, element.text, "a date from 1900 to 2099")
        )
    return text


def _before(name: str, element: etree._Element, what: str, start: etree._Element) -> Problem:
    """A date before the one it follows: the rule, with both dates and their lines."""
    return Problem(
        name,
        element.sourceline,
        element.tag,
        element.text,
        f"a date on or after {what} {start.text} (line {start.sourceline})",
    )


def _child_id(child: etree._Element) -> str:
    return (child.findtext("ChildIdentifiers/LAchildID") or "").strip()


# --- several returns -------------------------------------------------------------------------


def _across_returns(returns: list[_Return]) -> list[Problem]:
    """One authority, and one return per census year."""
    problems = []
    coded = [r for r in returns if r.la_code is not None]
    if coded:
        first = coded[0]
        problems.extend(
            Problem(
                r.name,
                r.la_line,
                "LEA",
                r.la_code,
                f"the LA code of {first.name} ({first.la_code}): returns read together "
                "must be one authority's",
            )
            for r in coded[1:]
            if r.la_code != first.la_code
        )
    seen: dict[date, _Return] = {}
    for r in returns:
        if r.reference_date is None:
            continue
        if r.reference_date in seen:
            problems.append(
                Problem(
                    r.name,
                    r.reference_line,
                    "ReferenceDate",
                    r.reference_date.isoformat(),
                    f"one return per census year ({seen[r.reference_date].name} has the same "
                    "reference date)",
                )
            )
        else:
            seen[r.reference_date] = r
    return problems


# The columns each table of a return holds after its episode index, in records.py's names.
RECORD_COLUMNS = {
    "assessments": ("child_id", "start_date", "completed_date"),
    "s47": ("child_id", "start_date", "icpc_date", "icpc_not_required"),
    "cpp": ("child_id", "start_date", "end_date"),
}


def _records(returns: list[_Return]) -> CaseRecords:
    """The returns' records, each episode once: from the latest return that holds it."""
    returns = sorted(returns, key=lambda r: r.reference_date)
    # An episode in two returns (same child, same referral date) is taken whole from the later
    # one, which knows more: its closure, its later assessments, enquiries and plans.
    holder: dict[tuple[str, str], int] = {}
    for index in range(len(returns) - 1, -1, -1):
        r = returns[index]
        for key in zip(r.ep_child, r.ep_start, strict=True):
            holder.setdefault(key, index)
    data: dict[str, dict[str, list]] = {
        name: {column: [] for column in COLUMNS[name]} for name in COLUMNS
    }
    for index, r in enumerate(returns):
        kept = [holder[key] == index for key in zip(r.ep_child, r.ep_start, strict=True)]
        (child, start, end, nfa), *inside = r.tables()
        for name, columns in (
            ("referrals", {"child_id": child, "referral_date": start, "nfa": nfa}),
            ("episodes", {"child_id": child, "start_date": start, "end_date": end, "nfa": nfa}),
        ):
            for column, values in columns.items():
                data[name][column].extend(compress(values, kept))
        for (name, names), (episode, *values) in zip(RECORD_COLUMNS.items(), inside, strict=True):
            held = [kept[e] for e in episode]
            for column, column_values in zip(names, values, strict=True):
                data[name][column].extend(compress(column_values, held))
        for table in data.values():
            table["source"].extend([r.name] * (len(table["child_id"]) - len(table["source"])))
    for name in ("assessments", "episodes"):
        data[name]["team"] = data[name]["worker_id"] = [""] * len(data[name]["child_id"])
    return CaseRecords(
        kind=KIND,
        files=[_source_file(r) for r in returns],
        la_code=returns[0].la_code,
        **{name: frame(name, columns) for name, columns in data.items()},
    )


def _source_file(census: _Return) -> SourceFile:
    rejects = pd.DataFrame(
        {
            "file": [census.name] * len(census.rejected),
            "line": pd.Series([c.line for c in census.rejected], dtype="int64"),
            "child_id": pd.Series([c.child_id for c in census.rejected], dtype=object),
            "reason": pd.Series([_reasons(c.problems) for c in census.rejected], dtype=object),
        },
        columns=list(REJECT_COLUMNS),
    )
    return SourceFile(
        name=census.name,
        sha256=census.sha256,
        kind=KIND,
        read=census.children,
        used=census.children - len(census.rejected),
        unit="children",
        reference_date=census.reference_date,
        la_code=census.la_code,
        rejects=rejects,
    )


def _reasons(problems: list[Problem]) -> str:
    """A child's problems in one cell: each as listed, its line in place of the file name."""
    return "; ".join(_without_file(p) for p in problems)


def _without_file(problem: Problem) -> str:
    """The problem as listed, "line N" in place of "FILE:N" (the rejects name the file)."""
    text = str(problem).removeprefix(problem.file)
    if problem.line is None:
        return text.removeprefix(": ")
    return f"line {problem.line}" + text.removeprefix(f":{problem.line}")

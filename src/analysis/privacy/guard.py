"""Privacy guard: fail when notebooks or reports hold record-level (personal) data.

Published outputs must be aggregates. This scans notebook outputs and report files for the marks
of record-level data: column headers named like person identifiers, names, dates of birth,
postcodes or NHS numbers, and tables or printouts listing more than a handful of distinct id-like
values (C000123, W-0042, an NHS number, a postcode).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from analysis import config, pipeline
from analysis.errors import UsageError
from analysis.privacy.output_tables import OutputTable, html_parts, markdown_tables

DEFAULT_MAX_IDS = 10
SCANNED_SUFFIXES = {".ipynb", ".html", ".htm", ".csv"}
TEXT_MIMETYPES = ("text/plain", "text/markdown", "text/html")  # poorest to richest

_PEOPLE = (
    r"child|person|pupil|student|client|worker|staff|employee|social_?worker|sw|young_?person"
    r"|case|family|carer|parent|referral|patient|service_?user|individual|subject|customer"
    r"|assessment|episode|record|contact|plan|placement|visit"
)
_ID_HEADER = re.compile(
    rf"^({_PEOPLE})_?(id|ids|identifier|number|no|num|ref|reference|key|code)$"
    r"|^(upn|uln|nhs|nhs_?(number|no|num|id)|chi_?(number|no)?|ni_?(number|no)|nino"
    r"|national_?insurance(_?number)?|lcs_?id|mosaic_?id|la_?child_?id"
    # Annex A's "Child Unique ID" and the census's "LAchildID"
    r"|(child_?)?unique_?(id|identifier)|lachildid)$"
)
_NAME_HEADER = re.compile(
    r"^(name|names|first_?names?|fore_?names?|given_?names?|middle_?names?|sur_?name|last_?name"
    rf"|family_?name|full_?name|preferred_?name|known_?as|({_PEOPLE})_?(full_?)?names?"
    # Annex A's "Allocated Worker" (and "Allocated Social Worker") holds a worker's name.
    r"|(allocated_?|named_?|key_?)(social_?)?worker)$"
)
_DOB_HEADER = re.compile(r"^(dob|d_o_b|date_?of_?birth|birth_?date|birthdate|date_?born|born)$")
_POSTCODE_HEADER = re.compile(
    r"^((home_?)?(post_?code|postal_?code|zip_?code|zip)|(home_?)?address(_?line_?\d)?)$"
)
_HEADER_KINDS = (
    (_ID_HEADER, "a person/case identifier"),
    (_NAME_HEADER, "a person's name"),
    (_DOB_HEADER, "a date of birth"),
    (_POSTCODE_HEADER, "a postcode or address"),
)
# Words too common in prose or pandas reprs ("Name: value, dtype: int64") to judge plain text by.
_PROSE_WORDS = {"name", "names", "born", "address", "zip", "chi"}

_ID_VALUE = re.compile(
    r"^(?:[A-Z]{1,4}[-_/]?\d{3,}"  # C000123, CIN-00012, W0042
    r"|\d{3}[ -]?\d{3}[ -]?\d{4}"  # NHS number
    r"|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})$",  # UK postcode
    re.IGNORECASE,
)
_PLACE_CODE_HEADER = re.compile(
    r"^(new_?|old_?)?(area|la|lad|local_?authority|region|country|geography|ons)_?code$"
)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_/-]*[A-Za-z0-9]|[A-Za-z0-9]")
_POSTCODE_IN_TEXT = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b")


@dataclass(frozen=True)
class Leak:
    """One piece of record-level data: where it is and what it is."""

    file: str
    where: str  # "cell 7, output 1 (text/html)", "line 1", "table 2"
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.what}"


def normalise_header(text: str) -> str:
    """Header text as a comparable key: lower case, runs of other characters as one '_'."""
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def sensitive_header(text: str, prose: bool = False) -> str | None:
    """What a header names if it names personal data, else None; prose=True for loose text."""
    key = normalise_header(text)
    if not key or (prose and key in _PROSE_WORDS):
        return None
    for pattern, kind in _HEADER_KINDS:
        if pattern.match(key):
            return kind
    return None


def id_like(value: str) -> bool:
    """Whether a cell value looks like a record identifier, NHS number or postcode."""
    return bool(_ID_VALUE.match(value.strip()))


def _ids_in_text(text: str) -> set[str]:
    """Distinct id-like tokens in free text (postcodes are two tokens, so are matched whole)."""
    found = {t for t in _TOKEN.findall(text) if id_like(t)}
    found.update(_POSTCODE_IN_TEXT.findall(text))
    return found


def _examples(values: Iterable[str]) -> str:
    return ", ".join(sorted(values)[:3])


def check_table(table: OutputTable, max_ids: int) -> list[str]:
    """What in a table marks it as record-level; empty for an aggregate table."""
    problems = []
    for header in dict.fromkeys(table.headers):
        kind = sensitive_header(header)
        if kind:
            problems.append(f"column '{header.strip()}' looks like {kind}")
    # A column headed as a geography code (E06000031, an authority's ONS code) lists places,
    # not people: its codes are public and are not counted as record identifiers.
    places = {
        i for i, h in enumerate(table.headers) if _PLACE_CODE_HEADER.match(normalise_header(h))
    }
    ids = {
        cell.strip()
        for row in table.rows
        for i, cell in enumerate(row)
        if id_like(cell) and not (i in places and len(row) == len(table.headers))
    }
    if len(ids) > max_ids:
        problems.append(
            f"table lists {len(ids)} distinct id-like values (more than {max_ids}), "
            f"e.g. {_examples(ids)}"
        )
    return problems


def check_text(text: str, max_ids: int) -> list[str]:
    """What in plain text (a printed DataFrame, a log) marks it as record-level."""
    problems = []
    kinds = {}
    for token in _TOKEN.findall(text):
        kind = sensitive_header(token, prose=True) if ("_" in token or len(token) > 2) else None
        if kind and token not in kinds:
            kinds[token] = kind
    problems += [f"'{token}' looks like {kind}" for token, kind in kinds.items()]
    ids = _ids_in_text(text)
    if len(ids) > max_ids:
        problems.append(
            f"lists {len(ids)} distinct id-like values (more than {max_ids}), e.g. {_examples(ids)}"
        )
    return problems


def check_html(fragment: str, max_ids: int) -> list[str]:
    """Record-level marks in an HTML page or fragment: its tables, then the text around them."""
    parser = html_parts(fragment)
    problems = []
    for number, table in enumerate(parser.tables, start=1):
        label = f"table {number}: " if len(parser.tables) > 1 else ""
        problems += [label + p for p in check_table(table, max_ids)]
    for text in parser.pres:  # printed outputs: a DataFrame's text form, a log
        problems += check_text(text, max_ids)
    outside = " ".join(parser.outside)
    problems += [p for p in check_text(outside, max_ids) if "id-like" in p]
    return problems


def check_markdown(text: str, max_ids: int) -> list[str]:
    """Record-level marks in markdown: its pipe tables, and id lists anywhere."""
    problems = []
    for table in markdown_tables(text):
        problems += check_table(table, max_ids)
    if not any("id-like" in p for p in problems):
        problems += [p for p in check_text(text, max_ids) if "id-like" in p]
    return problems


def _text(value: object) -> str:
    """Notebook strings may be stored as lists of lines."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return "" if value is None else str(value)


def scan_notebook(path: Path, max_ids: int) -> list[Leak]:
    """Leaks in a notebook's outputs and markdown tables, each naming its cell."""
    name = config.relative_to_root(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [Leak(name, "file", f"cannot be read as a notebook ({exc})")]
    leaks = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") == "markdown":
            for p in check_markdown(_text(cell.get("source")), max_ids):
                leaks.append(Leak(name, f"cell {number} (markdown)", p))
            continue
        for out_no, out in enumerate(cell.get("outputs", []), start=1):
            where = f"cell {number}, output {out_no}"
            if out.get("output_type") == "stream":
                for p in check_text(_text(out.get("text")), max_ids):
                    leaks.append(Leak(name, f"{where} ({out.get('name', 'stream')})", p))
                continue
            if out.get("output_type") == "error":
                text = "\n".join(_text(line) for line in out.get("traceback", []))
                for p in check_text(text, max_ids):
                    leaks.append(Leak(name, f"{where} (error)", p))
                continue
            data = out.get("data", {})
            # A DataFrame's text/plain repeats its text/html: read the richest form only.
            for mimetype in [m for m in TEXT_MIMETYPES[::-1] if m in data][:1]:
                text = _text(data[mimetype])
                if mimetype == "text/html":
                    problems = check_html(text, max_ids)
                elif mimetype == "text/markdown":
                    problems = check_markdown(text, max_ids)
                else:
                    problems = check_text(text, max_ids)
                leaks += [Leak(name, f"{where} ({mimetype})", p) for p in problems]
    return leaks


def scan_csv(path: Path, max_ids: int) -> list[Leak]:
    """Leaks in a CSV file: personal-data headers (line 1) and id lists."""
    name = config.relative_to_root(path)
    try:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [Leak(name, "file", f"cannot be read as CSV ({exc})")]
    if not rows:
        return []
    table = OutputTable(headers=rows[0], rows=rows[1:])
    return [
        Leak(name, "line 1" if p.startswith("column") else "rows", p)
        for p in check_table(table, max_ids)
    ]


def scan_html(path: Path, max_ids: int) -> list[Leak]:
    """Leaks in an HTML page: its tables and the text around them."""
    name = config.relative_to_root(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Leak(name, "file", f"cannot be read as HTML ({exc})")]
    return [Leak(name, "page", p) for p in check_html(text, max_ids)]


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The scannable files under the given files and folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                wanted = f.suffix.lower() in SCANNED_SUFFIXES
                if wanted and f.is_file() and ".ipynb_checkpoints" not in f.parts:
                    yield f
        elif path.is_file():
            yield path


def scan(paths: Iterable[Path], max_ids: int = DEFAULT_MAX_IDS) -> tuple[int, list[Leak]]:
    """Scan files and folders; return how many files were read and every leak."""
    count = 0
    leaks: list[Leak] = []
    for f in iter_files(paths):
        count += 1
        suffix = f.suffix.lower()
        if suffix == ".ipynb":
            leaks += scan_notebook(f, max_ids)
        elif suffix == ".csv":
            leaks += scan_csv(f, max_ids)
        elif suffix in (".html", ".htm"):
            leaks += scan_html(f, max_ids)
    return count, leaks


def published_paths(
    declared: pipeline.Pipeline | None = None, root: Path = config.ROOT
) -> list[Path]:
    """What must hold aggregates only: every notebook under `root`, and every output folder.

    A notebook is published with its outputs whether or not the pipeline runs it (one added in
    JupyterLab and committed is published too), so every notebook in the project is scanned.
    So is everything under the output folders (data/processed, reports) and every aggregate
    output the pipeline declares, except the record-level outputs it declares: those are
    restricted, never published, and the pipeline refuses to declare one inside an aggregate
    output. Hidden folders (.venv, .git, caches) and Python environments are not the project's.
    """
    declared = declared or pipeline.load()
    restricted = [root / out.path for out in declared.outputs(pipeline.RECORD_LEVEL)]
    restricted.append(root / config.relative_to_root(config.DATA_RESTRICTED))
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and not (here / d / "pyvenv.cfg").exists()
            and here / d not in restricted
        )
        found += [here / f for f in sorted(files) if f.endswith(".ipynb")]
    outputs = [
        root / config.relative_to_root(config.DATA_PROCESSED),
        root / config.relative_to_root(config.REPORTS),
        *(root / out.path for out in declared.outputs(pipeline.AGGREGATE)),
    ]
    for output in dict.fromkeys(outputs):
        if output.is_dir():
            found += [
                f
                for f in sorted(output.rglob("*"))
                if f.is_file() and not any(f == r or r in f.parents for r in restricted)
            ]
        elif output.is_file():
            found.append(output)
    return list(dict.fromkeys(found))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `analysis check-outputs`."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders to scan, from the current folder (default: every notebook in the "
        "project and every output except the record-level ones pipeline.yaml declares)",
    )
    parser.add_argument(
        "--max-ids",
        type=int,
        default=DEFAULT_MAX_IDS,
        metavar="N",
        help=f"most distinct id-like values a table may list (default {DEFAULT_MAX_IDS})",
    )


def run(args: argparse.Namespace) -> int:
    """Scan and report; exit status 1 if any record-level data was found."""
    if args.max_ids < 0:
        raise UsageError("--max-ids must be 0 or more")
    given = [config.from_command_line(p) for p in args.paths] or published_paths()
    missing = [p for p, g in zip(args.paths, given, strict=False) if not g.exists()]
    if missing:
        raise UsageError("no such file or folder: " + ", ".join(missing))
    count, leaks = scan([p for p in given if p.exists()], args.max_ids)
    if leaks:
        print(
            f"check-outputs: record-level data found ({len(leaks)} place"
            f"{'s' if len(leaks) != 1 else ''}); publish aggregates only:",
            file=sys.stderr,
        )
        for leak in leaks:
            print(f"  {leak}", file=sys.stderr)
        return 1
    print(f"check-outputs: {count} file{'s' if count != 1 else ''} scanned, no record-level data")
    return 0

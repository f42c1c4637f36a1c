"""`analysis kpis`: read an authority's case records, compute the monthly KPIs, write metrics.csv.

Three kinds of input, one a run: our CSV layout (`--cases DIR`), an Ofsted Annex A workbook
(`--annex-a FILE.xlsx`) or DfE children in need census returns (`--cin-census FILE.xml ...`).
Census returns also give census-year figures, with rates per 10,000 children worked out from
the ONS populations in data/raw/dfe as `analysis benchmark` works out the DfE's.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config, pipeline
from analysis.atomic import write_text
from analysis.cases import kpis
from analysis.cases.extract import Extract, read_extract, rejects_text
from analysis.cases.kpi_table import compute
from analysis.cases.records import CaseRecords
from analysis.cases.synthetic_files import is_synthetic
from analysis.config import from_command_line, relative_to_root, resolve
from analysis.errors import UsageError
from analysis.metrics import catalogue, tidy
from analysis.privacy import disclosure
from analysis.published import areas, population
from analysis.published.read import Published

RUN_FILE = "kpis_run.json"  # what went in: files, hashes, rows used and quarantined
NOT_FOR_PUBLICATION = (
    "not for publication: counts from 1 to the threshold are not suppressed "
    "(run with --publish to apply disclosure control)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `analysis kpis`."""
    given = parser.add_mutually_exclusive_group(required=True)
    given.add_argument(
        "--cases", metavar="DIR", help="folder with assessments.csv and cin_episodes.csv"
    )
    given.add_argument(
        "--annex-a", metavar="FILE.xlsx", help="an Ofsted Annex A workbook (lists 3 to 7 are read)"
    )
    given.add_argument(
        "--cin-census",
        metavar="FILE.xml",
        action="append",
        help="a DfE children in need census return; repeat for several years",
    )
    parser.add_argument(
        "--authority",
        metavar="NAME_OR_CODE",
        help="the authority an Annex A workbook belongs to (it names none); a census return "
        "names its own",
    )
    parser.add_argument(
        "--dfe",
        default=None,
        metavar="DIR",
        help="the DfE files, for ONS populations and authority names, from the current folder "
        f"(default: the project's {relative_to_root(config.DATA_RAW / 'dfe')})",
    )
    parser.add_argument(
        "--out", required=True, help="folder for metrics.csv, from the current folder"
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="apply disclosure control (suppress small counts) before writing",
    )
    parser.add_argument(
        "--threshold",
        type=int,
        default=None,
        help="with --publish, suppress counts from 1 to this (default 5)",
    )
    parser.add_argument(
        "--protect-differences",
        action="store_true",
        help="with --publish, also suppress on-time figures when the late ones are 1..threshold",
    )
    parser.add_argument(
        "--quarantine",
        action="store_true",
        help="set bad rows aside with their reasons in REJECTS/<file>.rejects.csv and carry on",
    )
    parser.add_argument(
        "--rejects",
        default=None,
        metavar="REJECTS",
        help="restricted folder for quarantined rows, from the current folder; never inside "
        "OUT or an aggregate output "
        f"(default {relative_to_root(config.DATA_RESTRICTED / 'rejects')})",
    )
    parser.add_argument("--from", dest="first", help="first month, YYYY-MM (default: the data's)")
    parser.add_argument("--to", dest="last", help="last month, YYYY-MM (default: the data's)")
    for kind, days in catalogue.timescales().items():
        parser.add_argument(
            f"--{kind}-days",
            type=int,
            default=days,
            help=f"timescale for {kind} assessments in working days (default {days}, the "
            "catalogue's)",
        )


def run(args: argparse.Namespace) -> int:
    """Read the case records, compute the monthly KPIs and write OUT/metrics.csv."""
    out = from_command_line(args.out)
    if (args.threshold is not None or args.protect_differences) and not args.publish:
        raise UsageError("--threshold and --protect-differences only apply with --publish")
    threshold = disclosure.DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if threshold < 1:
        raise UsageError(f"--threshold must be at least 1, not {threshold}")
    timescales = {k: getattr(args, f"{k}_days") for k in catalogue.timescales()}
    if min(timescales.values()) < 1:
        raise UsageError("timescales must be at least 1 working day")
    try:
        first = np.datetime64(args.first, "M") if args.first else None
        last = np.datetime64(args.last, "M") if args.last else None
    except ValueError as exc:
        raise UsageError(f"--from/--to must be months like 2012-04 ({exc})") from None
    if first is not None and last is not None and last < first:
        raise UsageError(f"--from {args.first} is after --to {args.last}: no month to count")
    if args.authority and args.cases:
        raise UsageError("--authority goes with --annex-a or --cin-census, not --cases")

    rejects_dir = restricted_folder(args.rejects, out)
    if args.cases:
        extract = read_extract(from_command_line(args.cases), quarantine=args.quarantine)
        for table in extract.files:
            _set_aside(
                args,
                rejects_dir,
                table.name,
                rejects_text(table),
                len(table.rejects),
                table.rows_read,
                "rows",
            )
        table = compute(extract, timescales=timescales, first=first, last=last)
        inputs = _extract_inputs(extract, args, rejects_dir)
        # Made-up records (`analysis synth`): the page says so and charts the story's months.
        about = {"input": "csv", "synthetic": is_synthetic(from_command_line(args.cases))}
    else:
        records = _read_records(args)
        for f in records.files:
            rejects = f.rejects.to_csv(index=False, lineterminator="\n") if len(f.rejects) else ""
            _set_aside(args, rejects_dir, f.name, rejects, len(f.rejects), f.read, f.unit)
        # The DfE files name the authority and give census rates; a workbook without
        # --authority needs neither, so they are not read (a third of a second).
        known = None
        authority = None
        if records.la_code is not None or args.authority:
            known = population.names_and_populations(
                from_command_line(args.dfe) if args.dfe else config.DATA_RAW / "dfe"
            )
            authority = population.authority_for(records.la_code, args.authority, known)
        table = _own_table(records, authority, known, timescales["single"], first, last)
        inputs = _record_inputs(records, args, rejects_dir)
        given = [args.annex_a] if args.annex_a else args.cin_census
        made_up = all(is_synthetic(from_command_line(p).parent) for p in given)
        about = {
            "input": records.kind,
            # Made-up files carry a code but are no authority's records: said, so that nothing
            # built from this table shows them under that authority's name.
            "synthetic": made_up,
            "authority": None
            if authority is None
            else {"name": authority.name, "code": authority.code},
            "authority_note": None if authority is not None else unknown_note(records.la_code),
            "census_reference_dates": sorted(
                f.reference_date.isoformat() for f in records.files if f.reference_date
            ),
        }
    if table.empty:
        # Writing an empty table would replace the last run's figures with nothing.
        raise UsageError(
            "no month to count: the input holds no dated records in the months asked for; "
            "nothing was written"
        )
    if args.publish:
        table = disclosure.suppress(
            table, threshold=threshold, complements=args.protect_differences
        )
    tidy.write(table, out / "metrics.csv")
    record = run_record(inputs, about, args, timescales, threshold, table)
    write_text(out / RUN_FILE, record)
    suppressed = int((table["qualifier"] == tidy.SUPPRESSED).sum())
    note = f", {suppressed} suppressed (threshold {threshold})" if args.publish else ""
    print(f"wrote {len(table)} rows{note} -> {relative_to_root(out / 'metrics.csv')}")
    if about.get("authority_note"):
        print(f"note: {about['authority_note']}")
    if not args.publish:
        print(f"{relative_to_root(out / 'metrics.csv')}: {NOT_FOR_PUBLICATION}")
    return 0


def unknown_note(la_code: str | None) -> str:
    """Why the authority is not known, and what follows from it."""
    if la_code is None:
        return "the authority is not known: an Annex A workbook names none; give --authority"
    return (
        f"the authority is not known: the census return's LA code {la_code} is not in the "
        "DfE's table B1, so no rate per 10,000 children is worked out"
    )


def _set_aside(
    args: argparse.Namespace, folder: Path, name: str, text: str, count: int, read: int, unit: str
) -> None:
    """Write a file's quarantined records to the restricted folder, or clear an old one."""
    rejects = folder / f"{Path(name).stem}.rejects.csv"
    if args.quarantine:
        write_text(rejects, text)
        print(
            f"{name}: {count} of {read} {unit} quarantined -> {relative_to_root(rejects)} "
            "(record-level: restricted, never publish)"
        )
    else:
        # A rejects file left by an earlier run would describe other input.
        rejects.unlink(missing_ok=True)


def _read_records(args: argparse.Namespace) -> CaseRecords:
    """The Annex A workbook or the census returns, read and checked (DataError if bad)."""
    if args.annex_a:
        from analysis.cases.annex_a import read_annex_a

        return read_annex_a(from_command_line(args.annex_a), quarantine=args.quarantine)
    from analysis.cases.cin_census import read_cin_census

    return read_cin_census(
        [from_command_line(p) for p in args.cin_census], quarantine=args.quarantine
    )


def _own_table(
    records: CaseRecords,
    authority: areas.Authority | None,
    known: Published | None,
    single_days: int,
    first: np.datetime64 | None,
    last: np.datetime64 | None,
) -> pd.DataFrame:
    """Monthly rows, and census-year rows for census returns (with rates where populations are)."""
    monthly = kpis.monthly(records, first=first, last=last, timescale=single_days)
    if records.kind != "cin-census":
        return monthly
    people = {}
    if authority is not None and known is not None:
        people = {
            year: kpis.Population(count, source, ref)
            for year, (count, source, ref) in population.children(known, authority).items()
        }
    yearly = kpis.census_years(records, people, timescale=single_days)
    return pd.concat([monthly, yearly], ignore_index=True)


def restricted_folder(given: str | None, out: Path) -> Path:
    """Where quarantined rows go: never inside OUT, reports/ or any aggregate output.

    Rejected rows are records about children: whatever is published from OUT must not carry
    them along, so the folder is checked before anything is read or written.
    """
    folder = from_command_line(given) if given else config.DATA_RESTRICTED / "rejects"
    published = [out, config.REPORTS] + [
        resolve(o.path) for o in pipeline.load().outputs(pipeline.AGGREGATE)
    ]
    for place in published:
        if folder.resolve() == place.resolve() or place.resolve() in folder.resolve().parents:
            raise UsageError(
                f"--rejects {relative_to_root(folder)} is inside {relative_to_root(place)}, "
                "which may be published; rejected rows are record-level: choose a restricted "
                "folder outside it"
            )
    return folder


def _extract_inputs(extract: Extract, args: argparse.Namespace, folder: Path) -> list[dict]:
    return [
        {
            "file": t.name,
            "sha256": t.sha256,
            "rows_read": t.rows_read,
            "rows_used": len(t.rows),
            "rows_quarantined": len(t.rejects),
            "rejects_file": (
                relative_to_root(folder / f"{Path(t.name).stem}.rejects.csv")
                if args.quarantine
                else None
            ),
        }
        for t in extract.files
    ]


def _record_inputs(records: CaseRecords, args: argparse.Namespace, folder: Path) -> list[dict]:
    return [
        {
            "file": f.name,
            "sha256": f.sha256,
            f"{f.unit}_read": f.read,
            f"{f.unit}_used": f.used,
            f"{f.unit}_quarantined": len(f.rejects),
            "reference_date": f.reference_date.isoformat() if f.reference_date else None,
            "la_code": f.la_code,
            "rejects_file": (
                relative_to_root(folder / f"{Path(f.name).stem}.rejects.csv")
                if args.quarantine
                else None
            ),
        }
        for f in records.files
    ]


def run_record(
    inputs: list[dict],
    about: dict,
    args: argparse.Namespace,
    timescales: Mapping[str, int],
    threshold: int,
    table: pd.DataFrame,
) -> str:
    """A JSON note of what went into metrics.csv, so quarantined records are never invisible.

    It also says what each metric written means under the timescales used: a run with
    --initial-days 12 labels its initial assessment metrics "within 12 working days".
    """
    record = {
        **about,
        "extracts": inputs,
        "timescales_working_days": dict(timescales),
        "metrics": {
            m: {"label": metric.label, "definition": metric.definition}
            for m in sorted(table["metric"].unique())
            for metric in [catalogue.get(m, timescales)]
        },
        "published": bool(args.publish),
        "for_publication": bool(args.publish),
        "publication_note": None if args.publish else NOT_FOR_PUBLICATION,
        "suppression_threshold": threshold if args.publish else None,
        "differences_protected": bool(args.publish and args.protect_differences),
        "rows_written": len(table),
        "rows_suppressed": int((table["qualifier"] == tidy.SUPPRESSED).sum()),
    }
    return json.dumps(record, indent=2) + "\n"

"""`analysis kpis`: read an authority's case records, compute the monthly KPIs, write metrics.csv.

Three kinds of input, one a run: our CSV layout (`--cases DIR`), an Ofsted Annex A workbook
(`--annex-a FILE.xlsx`) or DfE children in need census returns (`--cin-census FILE.xml ...`).
Census returns also give census-year figures, with rates per 10,000 children worked out from
the ONS populations in data/raw/dfe as `analysis benchmark` works out the DfE's.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
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
    write_kpis(
        from_command_line(args.out),
        cases=from_command_line(args.cases) if args.cases else None,
        annex_a=from_command_line(args.annex_a) if args.annex_a else None,
        cin_census=[from_command_line(p) for p in args.cin_census or ()],
        authority=args.authority,
        dfe=from_command_line(args.dfe) if args.dfe else None,
        publish=args.publish,
        threshold=args.threshold,
        protect_differences=args.protect_differences,
        quarantine=args.quarantine,
        rejects=from_command_line(args.rejects) if args.rejects else None,
        first=args.first,
        last=args.last,
        timescales={k: getattr(args, f"{k}_days") for k in catalogue.timescales()},
    )
    return 0


def write_kpis(
    out: Path,
    *,
    cases: Path | None = None,
    annex_a: Path | None = None,
    cin_census: Sequence[Path] = (),
    authority: str | None = None,
    dfe: Path | None = None,
    publish: bool = False,
    threshold: int | None = None,
    protect_differences: bool = False,
    quarantine: bool = False,
    rejects: Path | None = None,
    first: str | None = None,
    last: str | None = None,
    timescales: Mapping[str, int] | None = None,
) -> None:
    """Read one input (a `cases` folder, an `annex_a` workbook or `cin_census` returns), compute
    the monthly KPIs and write `out`/metrics.csv with its run record.

    The options are `analysis kpis`'s, under the same names; `first` and `last` are months like
    2012-04, `timescales` maps assessment kinds to working days (any left out: the catalogue's).
    Raises UsageError for options that do not fit, DataError for bad input; nothing is written
    then.
    """
    if sum(bool(given) for given in (cases, annex_a, list(cin_census))) != 1:
        raise UsageError("give one input: a cases folder, an Annex A workbook or census returns")
    if (threshold is not None or protect_differences) and not publish:
        raise UsageError("--threshold and --protect-differences only apply with --publish")
    threshold = disclosure.DEFAULT_THRESHOLD if threshold is None else threshold
    if threshold < 1:
        raise UsageError(f"--threshold must be at least 1, not {threshold}")
    # Kinds the caller leaves out keep the catalogue's timescale.
    timescales = {**catalogue.timescales(), **(timescales or {})}
    if min(timescales.values()) < 1:
        raise UsageError("timescales must be at least 1 working day")
    try:
        first_month = np.datetime64(first, "M") if first else None
        last_month = np.datetime64(last, "M") if last else None
    except ValueError as exc:
        raise UsageError(f"--from/--to must be months like 2012-04 ({exc})") from None
    if first_month is not None and last_month is not None and last_month < first_month:
        raise UsageError(f"--from {first} is after --to {last}: no month to count")
    if authority and cases:
        raise UsageError("--authority goes with --annex-a or --cin-census, not --cases")

    rejects_dir = restricted_folder(rejects, out)
    if cases:
        extract = read_extract(cases, quarantine=quarantine)
        aside = [
            (t.name, rejects_text(t), len(t.rejects), t.rows_read, "rows") for t in extract.files
        ]
        table = compute(extract, timescales=timescales, first=first_month, last=last_month)
        inputs = _extract_inputs(extract, quarantine, rejects_dir)
        # Made-up records (`analysis synth`): the page says so and charts the story's months.
        about = {"input": "csv", "synthetic": is_synthetic(cases)}
    else:
        records = _read_records(annex_a, cin_census, quarantine)
        aside = [
            (
                f.name,
                f.rejects.to_csv(index=False, lineterminator="\n") if len(f.rejects) else "",
                len(f.rejects),
                f.read,
                f.unit,
            )
            for f in records.files
        ]
        # The DfE files name the authority and give census rates; a workbook without
        # --authority needs neither, so they are not read (a third of a second).
        known = None
        named = None
        if records.la_code is not None or authority:
            known = population.names_and_populations(dfe or config.DATA_RAW / "dfe")
            named = population.authority_for(records.la_code, authority, known)
        table = _own_table(records, named, known, timescales["single"], first_month, last_month)
        inputs = _record_inputs(records, quarantine, rejects_dir)
        given = [annex_a] if annex_a else cin_census
        made_up = all(is_synthetic(p.parent) for p in given)
        about = {
            "input": records.kind,
            # Made-up files carry a code but are no authority's records: said, so that nothing
            # built from this table shows them under that authority's name.
            "synthetic": made_up,
            "authority": None if named is None else {"name": named.name, "code": named.code},
            "authority_note": None if named is not None else unknown_note(records.la_code),
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
    if quarantine:
        for name, text, count, read, unit in aside:
            _set_aside(rejects_dir, name, text, count, read, unit)
    if publish:
        table = disclosure.suppress(table, threshold=threshold, complements=protect_differences)
    tidy.write(table, out / "metrics.csv")
    record = run_record(inputs, about, publish, protect_differences, timescales, threshold, table)
    write_text(out / RUN_FILE, record)
    suppressed = int((table["qualifier"] == tidy.SUPPRESSED).sum())
    note = f", {suppressed} suppressed (threshold {threshold})" if publish else ""
    print(f"wrote {len(table)} rows{note} -> {relative_to_root(out / 'metrics.csv')}")
    if about.get("authority_note"):
        print(f"note: {about['authority_note']}")
    if not publish:
        print(f"{relative_to_root(out / 'metrics.csv')}: {NOT_FOR_PUBLICATION}")


def unknown_note(la_code: str | None) -> str:
    """Why the authority is not known, and what follows from it."""
    if la_code is None:
        return "the authority is not known: an Annex A workbook names none; give --authority"
    return (
        f"the authority is not known: the census return's LA code {la_code} is not in the "
        "DfE's table B1, so no rate per 10,000 children is worked out"
    )


def _set_aside(folder: Path, name: str, text: str, count: int, read: int, unit: str) -> None:
    """Write a file's quarantined records to the restricted folder.

    Only a quarantining run touches the folder: a run without --quarantine (the kpis stage of
    every report) leaves the rejects an analyst set aside from other input where they are.
    """
    rejects = folder / f"{Path(name).stem}.rejects.csv"
    write_text(rejects, text)
    print(
        f"{name}: {count} of {read} {unit} quarantined -> {relative_to_root(rejects)} "
        "(record-level: restricted, never publish)"
    )


def _read_records(
    annex_a: Path | None, cin_census: Sequence[Path], quarantine: bool
) -> CaseRecords:
    """The Annex A workbook or the census returns, read and checked (DataError if bad)."""
    if annex_a:
        from analysis.cases.annex_a import read_annex_a

        return read_annex_a(annex_a, quarantine=quarantine)
    from analysis.cases.cin_census import read_cin_census

    return read_cin_census(list(cin_census), quarantine=quarantine)


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


def restricted_folder(given: Path | None, out: Path) -> Path:
    """Where quarantined rows go: never inside OUT, reports/ or any aggregate output.

    Rejected rows are records about children: whatever is published from OUT must not carry
    them along, so the folder is checked before anything is read or written.
    """
    folder = given or config.DATA_RESTRICTED / "rejects"
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


def _extract_inputs(extract: Extract, quarantine: bool, folder: Path) -> list[dict]:
    return [
        {
            "file": t.name,
            "sha256": t.sha256,
            "rows_read": t.rows_read,
            "rows_used": len(t.rows),
            "rows_quarantined": len(t.rejects),
            "rejects_file": (
                relative_to_root(folder / f"{Path(t.name).stem}.rejects.csv")
                if quarantine
                else None
            ),
        }
        for t in extract.files
    ]


def _record_inputs(records: CaseRecords, quarantine: bool, folder: Path) -> list[dict]:
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
                if quarantine
                else None
            ),
        }
        for f in records.files
    ]


def run_record(
    inputs: list[dict],
    about: dict,
    publish: bool,
    protect_differences: bool,
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
        "published": publish,
        "for_publication": publish,
        "publication_note": None if publish else NOT_FOR_PUBLICATION,
        "suppression_threshold": threshold if publish else None,
        "differences_protected": publish and protect_differences,
        "rows_written": len(table),
        "rows_suppressed": int((table["qualifier"] == tidy.SUPPRESSED).sum()),
    }
    return json.dumps(record, indent=2) + "\n"

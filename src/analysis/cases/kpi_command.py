"""`analysis kpis`: read a case-level extract, compute the monthly KPIs, write metrics.csv."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config, pipeline
from analysis.atomic import write_text
from analysis.cases.extract import Extract, read_extract, rejects_text
from analysis.cases.kpi_table import compute
from analysis.cases.synthetic_files import is_synthetic
from analysis.config import relative_to_root, resolve
from analysis.errors import UsageError
from analysis.metrics import catalogue, tidy
from analysis.privacy import disclosure

RUN_FILE = "kpis_run.json"  # what went in: files, hashes, rows used and quarantined
NOT_FOR_PUBLICATION = (
    "not for publication: counts from 1 to the threshold are not suppressed "
    "(run with --publish to apply disclosure control)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `analysis kpis`."""
    parser.add_argument(
        "--cases", required=True, help="folder with assessments.csv and cin_episodes.csv"
    )
    parser.add_argument(
        "--out", required=True, help="folder for metrics.csv (relative to the project)"
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
        help="restricted folder for quarantined rows, never inside OUT or an aggregate output "
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
    """Read the extract, compute the monthly KPIs and write OUT/metrics.csv."""
    cases, out = resolve(args.cases), resolve(args.out)
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

    rejects_dir = restricted_folder(args.rejects, out)

    extract = read_extract(cases, quarantine=args.quarantine)
    for table in extract.files:
        rejects = rejects_dir / f"{Path(table.name).stem}.rejects.csv"
        if args.quarantine:
            write_text(rejects, rejects_text(table))
            print(
                f"{table.name}: {len(table.rejects)} of {table.rows_read} rows quarantined "
                f"-> {relative_to_root(rejects)} (record-level: restricted, never publish)"
            )
        else:
            # A rejects file left by an earlier run would describe other input.
            rejects.unlink(missing_ok=True)
    table = compute(extract, timescales=timescales, first=first, last=last)
    if args.publish:
        table = disclosure.suppress(
            table, threshold=threshold, complements=args.protect_differences
        )
    tidy.write(table, out / "metrics.csv")
    record = run_record(extract, args, timescales, threshold, table, rejects_dir)
    write_text(out / RUN_FILE, record)
    suppressed = int((table["qualifier"] == tidy.SUPPRESSED).sum())
    note = f", {suppressed} suppressed (threshold {threshold})" if args.publish else ""
    print(f"wrote {len(table)} rows{note} -> {relative_to_root(out / 'metrics.csv')}")
    if not args.publish:
        print(f"{relative_to_root(out / 'metrics.csv')}: {NOT_FOR_PUBLICATION}")
    return 0


def restricted_folder(given: str | None, out: Path) -> Path:
    """Where quarantined rows go: never inside OUT, reports/ or any aggregate output.

    Rejected rows are records about children: whatever is published from OUT must not carry
    them along, so the folder is checked before anything is read or written.
    """
    folder = resolve(given) if given else config.DATA_RESTRICTED / "rejects"
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


def run_record(
    extract: Extract,
    args: argparse.Namespace,
    timescales: Mapping[str, int],
    threshold: int,
    table: pd.DataFrame,
    rejects_dir: Path,
) -> str:
    """A JSON note of what went into metrics.csv, so quarantined rows are never invisible.

    It also says what each metric written means under the timescales used: a run with
    --initial-days 12 labels its initial assessment metrics "within 12 working days".
    """
    record = {
        "extracts": [
            {
                "file": t.name,
                "sha256": t.sha256,
                "rows_read": t.rows_read,
                "rows_used": len(t.rows),
                "rows_quarantined": len(t.rejects),
                "rejects_file": (
                    relative_to_root(rejects_dir / f"{Path(t.name).stem}.rejects.csv")
                    if args.quarantine
                    else None
                ),
            }
            for t in extract.files
        ],
        # Made-up records (`analysis synth`): the page says so and charts the story's months.
        "synthetic": is_synthetic(args.cases),
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

"""Clean raw figure files into the tidy metric table, reporting every problem at once."""

from __future__ import annotations

import argparse
import csv
import difflib
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.errors import DataError, Problem, not_utf8
from analysis.metrics import catalogue, teams, tidy
from analysis.metrics.parse import ParseError, parse_period, parse_scope, parse_value

RAW_COLUMNS = ("metric", "scope", "period", "value", "source", "source_ref")
OPTIONAL_COLUMNS = ("note",)


def _display(path: Path) -> str:
    """A path as the user knows it: relative inside the project, in full outside it."""
    path = Path(path).resolve()
    return (
        path.relative_to(config.ROOT).as_posix() if path.is_relative_to(config.ROOT) else str(path)
    )


def _unknown_metric(given: str, known: dict[str, catalogue.Metric]) -> str:
    """What an unknown metric id should have been: the nearest ids, and where they are listed."""
    where = config.relative_to_root(catalogue.CATALOGUE_CSV)
    near = difflib.get_close_matches(given, list(known), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(near)}?" if near else ""
    return f"a metric id from the catalogue ({where}, column 'id'){hint}"


def read_raw_file(
    path: Path, known_teams: dict[str, str] | None = None
) -> tuple[list[dict], list[Problem]]:
    """Parse one raw CSV into tidy rows (with their file and line), and the problems found."""
    name = _display(path)
    rows: list[dict] = []
    problems: list[Problem] = []
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], not_utf8(data, name)
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    if header is None:
        return [], [Problem(name, 1, None, None, "a header row: " + ",".join(RAW_COLUMNS))]
    header = [h.strip() for h in header]
    missing = [c for c in RAW_COLUMNS if c not in header]
    unknown = [c for c in header if c not in RAW_COLUMNS + OPTIONAL_COLUMNS]
    problems += [Problem(name, 1, c, None, "this column in the header") for c in missing]
    problems += [
        Problem(name, 1, c, c, f"only the columns {', '.join(RAW_COLUMNS + OPTIONAL_COLUMNS)}")
        for c in unknown
    ]
    if missing:
        return [], problems
    known = catalogue.load()
    line = reader.line_num
    for cells in reader:
        start_line, line = line + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(name, start_line, None, ",".join(cells), f"{len(header)} fields")
            )
            continue
        raw = dict(zip(header, (c.strip() for c in cells), strict=True))
        row_problems: list[Problem] = []

        def bad(column: str, expected: str, raw=raw, row_problems=row_problems, ln=start_line):
            row_problems.append(Problem(name, ln, column, raw[column], expected))

        metric = known.get(raw["metric"])
        if metric is None:
            bad("metric", _unknown_metric(raw["metric"], known))
        for col in ("source", "source_ref"):
            if not raw[col]:
                bad(col, "a citation: every figure names its document and paragraph or URL")
        try:
            period = parse_period(raw["period"])
        except ParseError as exc:
            bad("period", str(exc))
        try:
            scope = parse_scope(raw["scope"], known_teams)
        except ParseError as exc:
            bad("scope", str(exc))
        if metric is not None:
            try:
                value = parse_value(raw["value"], metric.unit)
            except ParseError as exc:
                bad("value", str(exc))
        if row_problems:
            problems += row_problems
            continue
        rows.append(
            {
                "metric": metric.id,
                "scope": scope,
                "period": period.label,
                "period_start": period.start,
                "period_end": period.end,
                "date_quality": period.quality,
                "value": value.value,
                "unit": metric.unit,
                "qualifier": value.qualifier,
                "denominator": value.denominator,
                "source": raw["source"],
                "source_ref": raw["source_ref"],
                "_value_text": raw["value"],
                "_file": name,
                "_line": start_line,
            }
        )
    return rows, problems


def clean(raw_dir: Path, out_dir: Path) -> pd.DataFrame:
    """Clean every raw CSV into out_dir/metrics.csv; on any problem, raise and write nothing."""
    raw_dir, out_dir = config.resolve(raw_dir), config.resolve(out_dir)
    files = sorted(raw_dir.glob("*.csv"))
    if not files:
        raise DataError(
            [Problem(_display(raw_dir), None, None, None, "a folder holding CSV files")]
        )
    rows: list[dict] = []
    problems: list[Problem] = []
    known_teams = teams.load(teams.teams_file(raw_dir))
    for path in files:
        file_rows, file_problems = read_raw_file(path, known_teams)
        rows += file_rows
        problems += file_problems
    columns = [*tidy.COLUMNS, "_value_text", "_file", "_line"]
    df = pd.DataFrame(rows, columns=columns)
    df[["value", "denominator"]] = df[["value", "denominator"]].astype("float64")
    # Rows that parsed are validated too, so one run reports every problem in every file.
    shown = df[["_value_text"]].rename(columns={"_value_text": "value"})
    problems += tidy.validate(df[list(tidy.COLUMNS)], df["_file"], df["_line"], shown)
    if problems:
        raise DataError(sorted(problems, key=lambda p: (p.file, p.line or 0)))
    table = df[list(tidy.COLUMNS)]
    tidy.write(table, out_dir / "metrics.csv")
    return table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `analysis clean`."""
    parser.add_argument(
        "--raw",
        type=Path,
        default=config.DATA_RAW,
        help="folder of raw CSVs, from the current folder (default: the project's data/raw)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=config.DATA_PROCESSED,
        help="output folder, from the current folder (default: the project's data/processed)",
    )


def run(args: argparse.Namespace) -> int:
    """Run `analysis clean`."""
    raw, out_dir = config.from_command_line(args.raw), config.from_command_line(args.out)
    table = clean(raw, out_dir)
    out = out_dir / "metrics.csv"
    metrics = table["metric"].nunique()
    print(f"wrote {config.relative_to_root(out)}: {len(table)} rows, {metrics} metrics")
    return 0

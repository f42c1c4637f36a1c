"""`analysis benchmark`: an authority beside England, its region and its statistical neighbours."""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis import config
from analysis.published import areas, benchmark
from analysis.published.read import DFE_DIR, display


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `analysis benchmark`."""
    parser.add_argument(
        "--authority",
        required=True,
        metavar="NAME_OR_CODE",
        help="an English local authority: its name (any case), old code (874) or E-code",
    )
    parser.add_argument(
        "--neighbours",
        choices=areas.MODELS,
        default="2025",
        help="the DfE statistical neighbour model to compare with (default 2025)",
    )
    parser.add_argument(
        "--dfe",
        type=Path,
        default=DFE_DIR,
        help="folder of the DfE's EES CSV files, from the current folder (default: the "
        "project's data/raw/dfe)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="folder to write benchmarks.csv into, from the current folder",
    )


def run(args: argparse.Namespace) -> int:
    """Run `analysis benchmark`: build the table, then write it (nothing is written on error)."""
    dfe = config.from_command_line(args.dfe)
    authority, table = benchmark.build(args.authority, args.neighbours, dfe)
    path = benchmark.write(table, config.from_command_line(args.out))
    print(
        f"wrote {display(path)}: {len(table)} rows for {authority.name} "
        f"({authority.code}), neighbours from the {args.neighbours} model"
    )
    return 0

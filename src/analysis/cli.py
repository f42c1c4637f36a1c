"""Command line: `python -m analysis <command>`; each command lives in its own module."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from analysis.errors import DataError, UsageError

# command -> (module, one-line help). Modules are imported only when their command runs, so a
# quick command never pays for papermill or matplotlib.
COMMANDS: dict[str, tuple[str, str]] = {
    "clean": ("analysis.metrics.clean", "parse and validate data/raw into the tidy metric table"),
    "report": (
        "analysis.report.runner",
        "run the notebooks with papermill and build the HTML report",
    ),
    "execute-notebooks": (
        "analysis.report.execution",
        "re-execute the committed notebooks in place with stable outputs",
    ),
    "kpis": ("analysis.cases.kpi_command", "compute monthly KPIs from case-level extracts"),
    "synth": ("analysis.cases.synth", "write a synthetic case-level extract (made-up records)"),
    "benchmark": (
        "analysis.published.command",
        "benchmark an authority against England, its region and its statistical neighbours",
    ),
    "stage": (
        "analysis.report.stages",
        "run command stages of pipeline.yaml by name (and the stages they need)",
    ),
    "check-outputs": (
        "analysis.privacy.guard",
        "fail if notebooks or reports hold record-level (personal) data",
    ),
}


PATHS = (
    "Paths typed on the command line (--out, --raw, --cases, --params-file, ...) start from "
    "the current folder; notebook parameters (-p NAME VALUE, a --params-file's values) and "
    "pipeline.yaml's paths start from the project root."
)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; only the named command's module is imported to add its options."""
    parser = argparse.ArgumentParser(prog="analysis", description=__doc__, epilog=PATHS)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=PATHS)
        p.set_defaults(_module=module)
        if name == command:
            importlib.import_module(module).add_arguments(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser(command).parse_args(argv)
    module = importlib.import_module(args._module)
    try:
        return int(module.run(args) or 0)
    except DataError as exc:
        print(f"analysis {args.command}: {exc}", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"analysis {args.command}: error: {exc}", file=sys.stderr)
        return 2

"""The known teams: canonical names and the spellings accepted for them, read from data/raw."""

from __future__ import annotations

import csv
import difflib
from functools import cache
from pathlib import Path

from analysis import config
from analysis.errors import DataError, Problem

# Kept with the raw data because it is the authority's own: another authority lists its teams.
TEAMS_CSV: Path = config.DATA_RAW / "reference" / "teams.csv"


def key(text: str) -> str:
    """A team name as compared: spaces folded, lower case, a plural 'teams' made singular."""
    folded = " ".join(str(text).split()).lower()
    return folded.removesuffix("s") if folded.endswith("teams") else folded


def teams_file(raw_dir: Path | None = None) -> Path:
    """The teams list for a raw folder: its own reference/teams.csv, else the project's."""
    own = Path(raw_dir) / "reference" / "teams.csv" if raw_dir is not None else None
    return own if own is not None and own.is_file() else TEAMS_CSV


@cache
def load(path: Path = TEAMS_CSV) -> dict[str, str]:
    """Accepted spelling (as compared) -> canonical team name; every problem reported at once."""
    name = config.relative_to_root(path)
    known: dict[str, str] = {}
    problems: list[Problem] = []
    with open(path, newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            team, alias = (row.get("team") or "").strip(), (row.get("alias") or "").strip()
            if not team or not alias:
                problems.append(Problem(name, line, "team", team, "a team and an alias"))
                continue
            if known.get(key(alias), team) != team:
                expected = f"one team per spelling (already {known[key(alias)]})"
                problems.append(Problem(name, line, "alias", alias, expected))
            known[key(alias)] = team
    if problems:
        raise DataError(problems)
    return known


def suggestion(text: str, known: dict[str, str]) -> str:
    """' (did you mean X?)' for the closest known team, or '' when none is close."""
    close = difflib.get_close_matches(key(text), list(known), n=1, cutoff=0.6)
    return f" (did you mean {known[close[0]]}?)" if close else ""

"""What a benchmark page needs: the authority, its table (never another's) and coverage facts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.published import areas, benchmark
from analysis.published.read import DFE_DIR, Published, read_published
from analysis.published.schema import FILES, LOCAL_AUTHORITY, NEIGHBOUR_FILES


@dataclass(frozen=True)
class Page:
    """One authority's benchmark table and the facts its page states about coverage."""

    authority: areas.Authority
    table: pd.DataFrame
    model: str
    first_census_year: int  # the first year of table B1 for any authority
    joint_workforce: str  # "" or the names of a joint workforce return the authority is in


def _joint_return(published, code: str) -> str:
    csww = published.tables["csww"]
    joint = csww[
        (csww["geographic_level"] == LOCAL_AUTHORITY) & csww["old_la_code"].str.contains(" / ")
    ]
    for codes, names in zip(joint["old_la_code"], joint["la_name"], strict=True):
        if code in codes.split(" / "):
            return names
    return ""


@dataclass(frozen=True)
class _AllAreas:
    """The DfE files read and checked, and what every page works out from all of them."""

    published: Published
    known: dict[str, areas.Authority]
    everyone: pd.DataFrame
    ranked: pd.DataFrame


# One entry: the folder's path and its files' digest. A pack builds every authority's page in
# the same warm kernels: reading, checking and ranking every area is then done once per kernel,
# not once per page, and a changed file (another digest) is read again.
_LOADED: dict[tuple[str, str], _AllAreas] = {}


def _digest(folder: Path) -> str:
    """SHA-256 over the name and bytes of every DfE file the benchmark reads."""
    sha = hashlib.sha256()
    for spec in [*FILES.values(), *NEIGHBOUR_FILES.values()]:
        path = folder / spec.name
        sha.update(spec.name.encode() + b"\0")
        sha.update(path.read_bytes() if path.is_file() else b"missing")
        sha.update(b"\0")
    return sha.hexdigest()


def _all_areas(folder: Path) -> _AllAreas:
    """The folder's files read and every area ranked, reused while their bytes are unchanged."""
    key = (str(folder), _digest(folder))
    if key not in _LOADED:
        published = read_published(folder)  # raises DataError naming every problem
        everyone = benchmark.all_areas(published)
        loaded = _AllAreas(
            published, areas.authorities(published), everyone, benchmark.ranks(everyone)
        )
        _LOADED.clear()
        _LOADED[key] = loaded
    return _LOADED[key]


def load_page(
    authority: str,
    neighbours: str = "2025",
    benchmarks_path: str | Path = "",
    dfe_dir: str | Path = "",
) -> Page:
    """The authority's page: its table read from benchmarks_path, or built from the DfE files.

    benchmarks_path (the benchmark stage's output) is used when it holds this authority's
    table with this neighbour model; a page for any other authority or model is built from the
    DfE files in dfe_dir, so a page never shows one authority's figures under another's name.
    """
    loaded = _all_areas(config.resolve(dfe_dir) if str(dfe_dir) else DFE_DIR)
    published = loaded.published
    found = areas.find(authority, loaded.known)
    table = _written_table(benchmarks_path, found.code, neighbours)
    if table is None:
        table = benchmark.benchmark(
            published, found, neighbours, everyone=loaded.everyone, ranked=loaded.ranked
        )
    first = int(published.tables["b1"]["time_period"].astype(int).min())
    return Page(found, table, str(neighbours), first, _joint_return(published, found.code))


def _written_table(path: str | Path, code: str, model: str) -> pd.DataFrame | None:
    """The table at `path` if it is the authority's (by old code) with the model, else None."""
    if not str(path) or not config.resolve(path).is_file():
        return None
    table = benchmark.load(config.resolve(path))
    mine = table[table["area_type"] == "authority"]
    used = set(table["neighbours_model"].dropna()) - {""}
    if set(mine["old_la_code"]) == {code} and used <= {str(model)}:
        return table
    return None

"""What a benchmark page needs: the authority, its table (never another's) and coverage facts."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.atomic import write_text
from analysis.errors import UsageError
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
    latest_census_year: int  # the last year of table B1: a name means an authority of that year
    # Every area's figures (benchmark.all_areas), read only: where the authority sits among all.
    everyone: pd.DataFrame | None = field(default=None, repr=False, compare=False)


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


# Beside a written benchmarks.csv: what its page states besides the table (the benchmark stage).
FACTS_FILE = "page.json"


def load_page(
    authority: str,
    neighbours: str = "2025",
    benchmarks_path: str | Path = "",
    dfe_dir: str | Path = "",
) -> Page:
    """The authority's page: as the benchmark stage wrote it, or built from the DfE files.

    benchmarks_path (the stage's benchmarks.csv, with its page.json) is used when it is this
    authority's page with this neighbour model; a page for any other authority or model is built
    from the DfE files in dfe_dir, so a page never shows one authority's figures under another's
    name.
    """
    written = _written_page(benchmarks_path, authority, neighbours)
    if written is not None:
        return written
    loaded = _all_areas(config.resolve(dfe_dir) if str(dfe_dir) else DFE_DIR)
    published = loaded.published
    found = areas.find(authority, loaded.known)
    table = benchmark.benchmark(
        published, found, neighbours, everyone=loaded.everyone, ranked=loaded.ranked
    )
    years = published.tables["b1"]["time_period"].astype(int)
    joint = _joint_return(published, found.code)
    return Page(
        found,
        table,
        str(neighbours),
        int(years.min()),
        joint,
        int(years.max()),
        everyone=loaded.everyone,
    )


def write_page(page: Page, folder: Path) -> Path:
    """Write a page's table (benchmarks.csv) and its other facts (page.json); return the table."""
    path = benchmark.write(page.table, folder)
    # The tables are written (benchmarks.csv) or rebuilt (every area's rows), not put in the JSON.
    facts = {
        f.name: dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value
        for f in dataclasses.fields(page)
        if f.name not in ("table", "everyone")
        for value in [getattr(page, f.name)]
    }
    write_text(Path(folder) / FACTS_FILE, json.dumps(facts, indent=1, sort_keys=True) + "\n")
    return path


def _written_page(path: str | Path, query: str, model: str) -> Page | None:
    """The page written at `path` if it is the authority's with the model, else None."""
    if not str(path):
        return None
    table_file = config.resolve(path)
    facts_file = table_file.parent / FACTS_FILE
    if not (table_file.is_file() and facts_file.is_file()):
        return None
    facts = json.loads(facts_file.read_text(encoding="utf-8"))
    held = areas.Authority(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in facts["authority"].items()}
    )
    if facts["model"] != str(model):
        return None
    try:
        # A name means the authority of the latest year (Dorset: 838, not 835), as areas.find
        # decides among every authority: a page written for an older one is not it.
        found = areas.find(query, {held.code: held})
    except UsageError:
        return None
    if found.years[-1] != facts["latest_census_year"] and query.strip() not in (
        found.code,
        *found.new_codes,
    ):
        return None
    table = benchmark.load(table_file)
    mine = table[table["area_type"] == "authority"]
    if set(mine["old_la_code"]) != {found.code}:
        return None
    return Page(
        found,
        table,
        str(model),
        int(facts["first_census_year"]),
        str(facts["joint_workforce"]),
        int(facts["latest_census_year"]),
    )


def with_every_area(page: Page, dfe_dir: str | Path = "") -> Page:
    """The page with every area's figures, read from dfe_dir if the page was written without.

    A page the benchmark stage wrote holds only its own table; where the authority sits among
    all needs every authority's figures.
    """
    if page.everyone is not None:
        return page
    loaded = _all_areas(config.resolve(dfe_dir) if str(dfe_dir) else DFE_DIR)
    return dataclasses.replace(page, everyone=loaded.everyone)

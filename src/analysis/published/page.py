"""What a benchmark page needs: the authority, its table (never another's) and coverage facts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.published import areas, benchmark
from analysis.published.read import DFE_DIR, read_published
from analysis.published.schema import LOCAL_AUTHORITY


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


def load_page(
    authority: str,
    neighbours: str = "2025",
    benchmarks_path: str | Path = "",
    dfe_dir: str | Path = "",
) -> Page:
    """Build the authority's table from the DfE files, or read it from benchmarks_path.

    A table read from a file must be the named authority's: a page never shows one
    authority's figures under another's name.
    """
    published = read_published(config.resolve(dfe_dir) if str(dfe_dir) else DFE_DIR)
    found = areas.find(authority, areas.authorities(published))
    if str(benchmarks_path):
        table = benchmark.load(config.resolve(benchmarks_path))
        mine = table[table["area_type"] == "authority"]
        codes = set(mine["old_la_code"])
        if codes != {found.code}:
            held = ", ".join(sorted(set(mine["area_name"])))
            raise ValueError(f"{benchmarks_path} holds the benchmarks of {held}, not {found.name}")
        used = set(table["neighbours_model"].dropna()) - {""}
        model = used.pop() if used else neighbours
    else:
        table = benchmark.benchmark(published, found, neighbours)
        model = neighbours
    first = int(published.tables["b1"]["time_period"].astype(int).min())
    return Page(found, table, str(model), first, _joint_return(published, found.code))

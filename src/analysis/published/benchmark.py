"""The tidy benchmark table: an authority beside England, its region and its neighbours."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

from analysis.atomic import write_text
from analysis.errors import DataError, Problem
from analysis.metrics import catalogue
from analysis.published import areas
from analysis.published.read import Published, display, read_published, split_value
from analysis.published.schema import (
    CHILDREN_0_TO_17,
    CLA_AT_31_MARCH,
    FILES,
    LOCAL_AUTHORITY,
    NATIONAL,
    NEIGHBOUR_FILES,
    REGIONAL,
)

COLUMNS: tuple[str, ...] = (
    "metric",  # catalogue id
    "area_type",  # authority | region | england | neighbour | neighbours_median
    "area_code",  # the area's E-code in that year
    "area_name",
    "time_period",  # the DfE's year: to 31 March, or at 30 September for the workforce
    "value",  # a number; empty when the source gives a symbol
    "symbol",  # the DfE's symbol (c, x, z, u, low, k, :) or empty
    "unit",  # the catalogue's unit
    "source",  # the publication
    "source_ref",  # file:line and column (and the population's, for a rate we compute)
)
EXTRA_COLUMNS: tuple[str, ...] = (
    "old_la_code",  # the three-digit code an authority keeps when its E-code changes
    "neighbours_model",  # 2025 or 2021, on neighbour and median rows
    "neighbours_used",  # on median rows: how many neighbours had a number
    "rank",  # latest year, authority and neighbour rows: 1 = lowest of all authorities
    "ranked_of",  # how many authorities had a number that year
    "quartile",  # 1 = the lowest quarter of authorities, 4 = the highest
)
PLACE_COLUMNS = [
    "time_period",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "_line",
]
AREA_TYPES = ("authority", "region", "england", "neighbours_median", "neighbour")
MIN_NEIGHBOURS = 5  # fewer neighbours with a number than this: no median (as the DfE's tools)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Source:
    """Where a metric comes from: a file's column, divided by children aged 0-17 or not."""

    metric: str
    file: str  # a key of schema.FILES
    column: str
    per_10k: bool = False


SOURCES: tuple[Source, ...] = (
    Source("cin_count", "b1", "At31_episodes"),
    Source("cin_rate_per_10k", "b1", "At31_episodes", per_10k=True),
    Source("referral_rate_per_10k", "c1", "referral_count", per_10k=True),
    Source("rereferral_pct", "c1", "rereferral_percent"),
    Source("cpp_rate_per_10k", "d5", "CPP_At31", per_10k=True),
    Source("cla_rate_per_10k", "cla", "rate_per_10000"),
    Source("caseload_per_fte", "csww", "caseload_fte"),
    Source("agency_rate_fte", "csww", "agency_rate_fte"),
    Source("turnover_rate_fte", "csww", "turnover_rate_fte"),
    Source("vacancy_rate_fte", "csww", "vacancy_rate_fte"),
)
METRICS: tuple[str, ...] = tuple(s.metric for s in SOURCES)
# Files of years to 31 March: an authority is in a year only if the census (B1) has it then.
MARCH_FILES = ("b1", "c1", "d5", "cla")


def round_half_up(x: Decimal) -> Decimal:
    """To one decimal place, halves away from zero (as published), not to even."""
    return x.quantize(TENTH, rounding=ROUND_HALF_UP)


def _level(row: dict) -> str | None:
    if row["geographic_level"] == NATIONAL:
        return "england"
    if row["geographic_level"] == REGIONAL:
        # Inner and Outer London are sub-regions; London itself has its own rows.
        return "region" if row["region_code"].startswith("E12") else None
    # A joint workforce return ("314 / 318") is not either council's own figure.
    return None if " / " in row["old_la_code"] else "authority"


def _place(row: dict, level: str) -> tuple[str, str]:
    if level == "england":
        return row["country_code"], row["country_name"]
    if level == "region":
        return row["region_code"], row["region_name"]
    return row["new_la_code"], row["la_name"]


def _where(row: dict) -> tuple[str, str, str]:
    region = row["region_code"] if row["geographic_level"] == REGIONAL else ""
    return row["geographic_level"], region, row["old_la_code"]


def all_areas(published: Published) -> pd.DataFrame:
    """Every metric for every authority, region and England, in every year it is given."""
    ons = published.tables["ons"]
    ons = ons[ons["age_group"] == CHILDREN_0_TO_17]
    ons = ons[[*PLACE_COLUMNS, "population_estimate"]]
    population = {(*_where(r), int(r["time_period"])): r for r in ons.to_dict("records")}
    b1 = published.tables["b1"]
    in_census = {
        (r["old_la_code"], r["time_period"])
        for r in b1.loc[b1["geographic_level"] == LOCAL_AUTHORITY, PLACE_COLUMNS].to_dict("records")
    }
    records: list[dict] = []
    # mid-year -> areas without a population that year (level, name), and the files asking.
    unpopulated: dict[int, dict[tuple[str, str], None]] = {}
    asking: dict[int, dict[str, None]] = {}
    for src in SOURCES:
        spec, unit = FILES[src.file], catalogue.get(src.metric).unit
        table = published.tables[src.file]
        if src.file == "cla":
            table = table[table["population_type"] == CLA_AT_31_MARCH]
        # Only the columns used: to_dict on every column of the wide files is slow.
        for row in table[[*PLACE_COLUMNS, src.column]].to_dict("records"):
            level = _level(row)
            if level is None:
                continue
            if (
                level == "authority"
                and src.file in MARCH_FILES
                and (row["old_la_code"], row["time_period"]) not in in_census
            ):
                # The CLA file lists abolished and future authorities with x or z in years they
                # did not exist; no row is made for a year an authority did not exist.
                continue
            year = int(row["time_period"])
            ref = f"{spec.name}:{row['_line']} {src.column}"
            value, symbol = split_value(row[src.column])
            source = spec.publication
            if src.per_10k:
                pop = population.get((*_where(row), year - 1))
                if pop is None:
                    unpopulated.setdefault(year - 1, {})[(level, _place(row, level)[1])] = None
                    asking.setdefault(year - 1, {})[spec.name] = None
                    continue
                # "mid-year 2012", not "mid-2012": the privacy guard reads "mid-2012" as an id.
                ref += (
                    f" / {FILES['ons'].name}:{pop['_line']} population_estimate"
                    f" (mid-year {year - 1}) × 10,000"
                )
                source += f"; {FILES['ons'].publication}"
                people, pop_symbol = split_value(pop["population_estimate"])
                if value is not None and pop_symbol:
                    value, symbol = None, pop_symbol
                elif value is not None and people == 0:
                    value, symbol = None, "z"
                elif value is not None:
                    rate = Decimal(row[src.column]) * 10_000 / Decimal(pop["population_estimate"])
                    value = float(round_half_up(rate))
            elif value is not None and unit != "count":
                value = float(round_half_up(Decimal(row[src.column])))
            code, name = _place(row, level)
            records.append(
                {
                    "metric": src.metric,
                    "level": level,
                    "area_code": code,
                    "area_name": name,
                    "old_la_code": row["old_la_code"] if level == "authority" else "",
                    "time_period": year,
                    "value": value,
                    "symbol": symbol,
                    "unit": unit,
                    "source": source,
                    "source_ref": ref,
                }
            )
    if unpopulated:
        ons = display(published.folder / FILES["ons"].name)
        raise DataError(
            _no_population(ons, year, list(unpopulated[year]), list(asking[year]))
            for year in sorted(unpopulated)
        )
    out = pd.DataFrame.from_records(records)
    out["value"] = out["value"].astype("float64")
    return out


def _no_population(
    ons: str, year: int, missing: list[tuple[str, str]], files: list[str]
) -> Problem:
    """One problem for a mid-year without populations: a new DfE year needs ONS's new file."""
    if len(missing) <= 5:
        which = ", ".join(name for _, name in missing)
    else:
        plural = {"region": ("region", "regions"), "authority": ("authority", "authorities")}
        parts = []
        for level in ("england", "region", "authority"):
            n = sum(1 for lv, _ in missing if lv == level)
            if n:
                parts.append("England" if level == "england" else f"{n} {plural[level][n != 1]}")
        which = parts[-1] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    areas_said = f"{len(missing)} area{'s' if len(missing) != 1 else ''}"
    return Problem(
        ons,
        None,
        "population_estimate",
        None,
        f"children aged 0 to 17 at mid-year {year}, to divide the {year + 1} figures of "
        f"{', '.join(files)} by: no ONS mid-{year} population for {areas_said} ({which}): "
        "add the new mid-year estimates to this file",
    )


def ranks(everyone: pd.DataFrame) -> pd.DataFrame:
    """Rank (1 = lowest, ties share the lower rank) and quartile of every authority with a number,
    in each metric's latest year; counts are not ranked (they measure an authority's size)."""
    parts = []
    for metric, rows in everyone[everyone["level"] == "authority"].groupby("metric", sort=False):
        if catalogue.get(metric).unit == "count":
            continue
        latest = rows[rows["time_period"] == rows["time_period"].max()]
        latest = latest[latest["value"].notna()]
        n = len(latest)
        rank = latest["value"].rank(method="min").astype(int)
        parts.append(
            pd.DataFrame(
                {
                    "metric": metric,
                    "old_la_code": latest["old_la_code"],
                    "time_period": latest["time_period"],
                    "rank": rank,
                    "ranked_of": n,
                    "quartile": [math.ceil(4 * r / n) for r in rank],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _median(values: pd.Series) -> float:
    exact = statistics.median(Decimal(repr(v)) for v in values)
    return float(round_half_up(exact))


def medians(neighbours: pd.DataFrame, model: str) -> pd.DataFrame:
    """The median of the neighbours' numbers per metric and year; none from fewer than five."""
    spec = NEIGHBOUR_FILES[model]
    rows = []
    for (metric, year), group in neighbours.groupby(["metric", "time_period"], sort=True):
        if catalogue.get(metric).unit == "count":
            continue  # a median of counts compares sizes, not services
        numbers = group["value"].dropna()
        if len(numbers) < MIN_NEIGHBOURS:
            continue
        used = ", ".join(group.loc[numbers.index, "old_la_code"])
        rows.append(
            {
                "metric": metric,
                "area_type": "neighbours_median",
                "area_code": "",
                "area_name": "Statistical neighbours (median)",
                "time_period": year,
                "value": _median(numbers),
                "symbol": "",
                "unit": group["unit"].iloc[0],
                "source": f"{spec.publication}; the neighbours' rows of this table",
                "source_ref": f"{spec.name}: median of {len(numbers)} neighbours ({used})",
                "neighbours_model": model,
                "neighbours_used": len(numbers),
            }
        )
    return pd.DataFrame(rows)


def benchmark(
    published: Published,
    authority: areas.Authority,
    model: str = "2025",
    everyone: pd.DataFrame | None = None,
    ranked: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The tidy benchmark table for one authority, in a fixed row order.

    `everyone` and `ranked`, when given, are `all_areas(published)` and `ranks` of it, already
    worked out (a pack's pages share them); they are only read.
    """
    codes = areas.neighbour_codes(authority, published, model)
    everyone = all_areas(published) if everyone is None else everyone
    ranked = ranks(everyone) if ranked is None else ranked
    mine = everyone[
        (everyone["level"] == "authority") & (everyone["old_la_code"] == authority.code)
    ]
    # Comparators only for the years the authority has a row: a council created in 2021 is
    # not compared before it existed.
    years = mine[["metric", "time_period"]]
    region = everyone[
        (everyone["level"] == "region") & (everyone["area_code"] == authority.region_code)
    ]
    england = everyone[everyone["level"] == "england"]
    position = {code: i for i, code in enumerate(codes)}
    near = everyone[(everyone["level"] == "authority") & everyone["old_la_code"].isin(codes)]
    near = near.merge(years, on=["metric", "time_period"])
    parts = [
        mine.assign(area_type="authority"),
        region.merge(years, on=["metric", "time_period"]).assign(area_type="region"),
        england.merge(years, on=["metric", "time_period"]).assign(area_type="england"),
        medians(near, model),
        near.assign(area_type="neighbour", neighbours_model=model),
    ]
    table = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    table = table.merge(ranked, on=["metric", "old_la_code", "time_period"], how="left")
    table.loc[
        ~table["area_type"].isin(["authority", "neighbour"]), ["rank", "ranked_of", "quartile"]
    ] = None
    order = {m: i for i, m in enumerate(METRICS)}
    table["_m"] = table["metric"].map(order)
    table["_a"] = table["area_type"].map({t: i for i, t in enumerate(AREA_TYPES)})
    table["_n"] = table["old_la_code"].map(position).fillna(-1)
    table = table.sort_values(["_m", "_a", "_n", "time_period"], kind="stable")
    for col in EXTRA_COLUMNS:
        if col not in table.columns:
            table[col] = None
    return table[[*COLUMNS, *EXTRA_COLUMNS]].reset_index(drop=True)


def _text(value: object, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    # A whole rate or percentage is written whole, as the DfE's files write it ("157").
    return f"{int(value)}" if unit == "count" else f"{value:.1f}".removesuffix(".0")


def _whole(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(int(value))


def to_csv_text(table: pd.DataFrame) -> str:
    """The table as CSV text: counts whole, rates and percentages to one decimal place at most."""
    out = table.copy()
    out["value"] = [_text(v, u) for v, u in zip(out["value"], out["unit"], strict=True)]
    for col in ("neighbours_used", "rank", "ranked_of", "quartile"):
        out[col] = [_whole(v) for v in out[col]]
    out = out.fillna("")
    return out.to_csv(index=False, lineterminator="\n")


def write(table: pd.DataFrame, out_dir: Path) -> Path:
    """Atomically write OUT_DIR/benchmarks.csv; return its path."""
    path = Path(out_dir) / "benchmarks.csv"
    write_text(path, to_csv_text(table))
    return path


def build(
    query: str, model: str = "2025", dfe_dir: Path | str | None = None
) -> tuple[areas.Authority, pd.DataFrame]:
    """Find the authority and build its benchmark table from the DfE files in dfe_dir."""
    published = read_published(dfe_dir) if dfe_dir else read_published()
    authority = areas.find(query, areas.authorities(published))
    return authority, benchmark(published, authority, model)


def load(path: Path | str) -> pd.DataFrame:
    """Read a benchmarks.csv: numbers as floats (NaN where a symbol stands), the rest as text."""
    numbers = ("value", "time_period", "neighbours_used", "rank", "ranked_of", "quartile")
    df = pd.read_csv(
        path,
        dtype={c: str for c in (*COLUMNS, *EXTRA_COLUMNS) if c not in numbers},
        keep_default_na=False,
        na_values={c: [""] for c in numbers},
    )
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataError(Problem(str(path), 1, c, None, "this column") for c in missing)
    return df

"""Authorities, their regions and statistical neighbours, found by name or either code."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from analysis.errors import UsageError
from analysis.published.read import Published
from analysis.published.schema import LOCAL_AUTHORITY, NEIGHBOUR_FILES

LONDON_CODE = "E12000007"
# The DfE files put each London borough in Inner or Outer London; the region (and the region of
# the DfE's neighbour files) is London.
SUB_REGIONS = {"E13000001": LONDON_CODE, "E13000002": LONDON_CODE}
MODELS = tuple(NEIGHBOUR_FILES)  # "2025" (the default), "2021"


@dataclass(frozen=True)
class Authority:
    """A local authority as the children in need census (table B1) knows it."""

    code: str  # old three-digit code: the one code an authority keeps across reorganisations
    name: str  # its name in its latest year
    new_codes: tuple[str, ...]  # every E-code it has had, oldest first
    region_code: str
    region_name: str
    years: tuple[int, ...]  # years to 31 March with a row in table B1


def _normal(text: str) -> str:
    # "Bristol, City of" and "bristol city of" are the same authority to a person typing it.
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def authorities(published: Published) -> dict[str, Authority]:
    """Every authority in table B1, by old code, in code order."""
    b1 = published.tables["b1"]
    rows = b1[b1["geographic_level"] == LOCAL_AUTHORITY].copy()
    rows["year"] = rows["time_period"].astype(int)
    regions = published.tables["b1"][["region_code", "region_name"]].drop_duplicates()
    region_names = dict(zip(regions["region_code"], regions["region_name"], strict=True))
    found: dict[str, Authority] = {}
    for code, group in sorted(rows.groupby("old_la_code"), key=lambda kv: kv[0]):
        group = group.sort_values("year")
        latest = group.iloc[-1]
        region = SUB_REGIONS.get(latest["region_code"], latest["region_code"])
        found[code] = Authority(
            code=code,
            name=latest["la_name"],
            new_codes=tuple(dict.fromkeys(group["new_la_code"])),
            region_code=region,
            region_name=region_names.get(region, ""),
            years=tuple(group["year"]),
        )
    return found


def find(query: str, known: dict[str, Authority]) -> Authority:
    """The authority a person means by a name (any case), old code (874) or new code (E06…)."""
    text = query.strip()
    if text in known:
        return known[text]
    by_new = [a for a in known.values() if text.upper() in a.new_codes]
    if by_new:
        return by_new[0]
    matches = [a for a in known.values() if _normal(a.name) == _normal(text)]
    if len(matches) > 1:
        # Dorset: the county to 2019 (835) and the unitary council from 2020 (838) share a name;
        # a name means the authority that exists now.
        latest = max(a.years[-1] for a in matches)
        matches = [a for a in matches if a.years[-1] == latest]
    if len(matches) == 1:
        return matches[0]
    if matches:
        codes = ", ".join(f"{a.code} ({a.name})" for a in matches)
        raise UsageError(f"'{query}' names several authorities: give a code, one of {codes}")
    names = sorted({a.name for a in known.values()})
    by_normal = {_normal(n): n for n in names}
    near = difflib.get_close_matches(_normal(text), list(by_normal), n=3, cutoff=0.6)
    hint = (
        f"did you mean {' or '.join(by_normal[n] for n in near)}?"
        if near
        else "give a name as the DfE writes it, an old code such as 874 or a code such as E06000031"
    )
    raise UsageError(f"no English local authority called '{query}': {hint}")


def neighbour_codes(authority: Authority, published: Published, model: str = "2025") -> list[str]:
    """The authority's ten statistical neighbours' old codes, closest first, in that model."""
    if model not in MODELS:
        raise UsageError(f"--neighbours must be one of {', '.join(MODELS)}, not '{model}'")
    spec = NEIGHBOUR_FILES[model]
    table = published.neighbours[model]
    row = table[table[spec.code] == authority.code]
    if row.empty:
        other = [m for m in MODELS if m != model]
        raise UsageError(
            f"{authority.name} ({authority.code}) has no statistical neighbours in the "
            f"{spec.publication} ({spec.name}); try --neighbours {' or '.join(other)}"
        )
    return [str(c) for c in row.iloc[0][list(spec.neighbours)]]

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


# The DfE writes some names with a trailing ", City of" or ", County of" that nobody says aloud
# ("Kingston upon Hull, City of"); people also write them first ("City of Bristol").
_SUFFIX = re.compile(r"\s*,\s*(city|county)\s+of\s*$", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*(the\s+)?(city|county)\s+of\s+", re.IGNORECASE)


def spoken(name: str) -> str:
    """A name as said aloud, normalised: "Kingston upon Hull, City of" -> "kingston upon hull"."""
    return _normal(_SUFFIX.sub("", name))


def _spoken_query(text: str) -> str:
    # "City of London" is a name in its own right: the "City of" is dropped only for matching,
    # and an exact match on the full name is tried first.
    return _normal(_PREFIX.sub("", _SUFFIX.sub("", text)))


def _one(matches: list[Authority]) -> list[Authority]:
    """Matches sharing one name are the one that exists now (Dorset: 835 to 2019, 838 from 2020)."""
    if len({a.name for a in matches}) == 1 and len(matches) > 1:
        latest = max(a.years[-1] for a in matches)
        return [a for a in matches if a.years[-1] == latest]
    return matches


def _within(words: str, name: str) -> bool:
    """Whether `words` are whole words of `name`, in order ("hull" in "kingston upon hull")."""
    return f" {words} " in f" {name} "


def find(query: str, known: dict[str, Authority]) -> Authority:
    """The authority a person means by a name, old code (874) or new code (E06…).

    A name is matched, ignoring case and punctuation, first exactly (as the DfE writes it, or
    without its ", City of" / ", County of"), then by a unique beginning ("Hereford") or whole
    words ("Hull", "Durham"); only then are the nearest names suggested. Several matches at one
    step are listed rather than guessed between.
    """
    text = query.strip()
    if text in known:
        return known[text]
    by_new = [a for a in known.values() if text.upper() in a.new_codes]
    if by_new:
        return by_new[0]
    typed, said = _normal(text), _spoken_query(text)
    everyone = list(known.values())
    steps = (
        [a for a in everyone if _normal(a.name) == typed],
        [a for a in everyone if spoken(a.name) == said],
        [
            a
            for a in everyone
            if said and (spoken(a.name).startswith(said) or _within(said, spoken(a.name)))
        ],
    )
    for matches in steps:
        matches = _one(matches)
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise UsageError(_several(query, matches))
    names = sorted({a.name for a in everyone})
    by_spoken: dict[str, list[str]] = {}
    for n in names:
        by_spoken.setdefault(spoken(n), []).append(n)
    near = difflib.get_close_matches(said or typed, list(by_spoken), n=3, cutoff=0.6)
    hint = (
        f"did you mean {' or '.join(n for s in near for n in by_spoken[s])}?"
        if near
        else "give a name as the DfE writes it, an old code such as 874 or a code such as E06000031"
    )
    raise UsageError(f"no English local authority called '{query}': {hint}")


def _several(query: str, matches: list[Authority]) -> str:
    """The message for a name that fits several authorities: each with its code."""
    names = {a.name for a in matches}
    listed = "; ".join(
        f"{a.name} ({a.code})" if len(names) < len(matches) else a.name
        for a in sorted(matches, key=lambda a: (a.name, a.code))
    )
    if len(names) < len(matches):
        return f"'{query}' names several authorities: give a code, one of {listed}"
    return f"'{query}' could be any of {len(matches)} authorities: {listed}; give the whole name"


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

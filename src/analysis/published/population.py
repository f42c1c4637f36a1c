"""An authority's children aged 0 to 17 by mid-year, and its name, from the DfE's own files.

`analysis kpis` turns an authority's own census-year counts into rates per 10,000 children with
the same ONS estimates, the same rule (the mid-year before the 31 March) and the same rounding
as `analysis benchmark` applies to the DfE's published counts, so the two sit side by side.
Only the two files needed are read (table B1 for names, the ONS estimates), not all of them.
"""

from __future__ import annotations

from pathlib import Path

from analysis.errors import DataError, UsageError
from analysis.published import areas
from analysis.published.read import Published, read_ees, split_value
from analysis.published.schema import CHILDREN_0_TO_17, FILES, LOCAL_AUTHORITY


def names_and_populations(folder: Path) -> Published:
    """Table B1 and the ONS estimates, read and checked (DataError lists every problem)."""
    tables, problems = {}, []
    for key in ("b1", "ons"):
        df, found = read_ees(Path(folder) / FILES[key].name, FILES[key])
        problems += found
        if df is not None:
            tables[key] = df
    if problems:
        raise DataError(problems)
    return Published(tables, {}, Path(folder))


def children(published: Published, authority: areas.Authority) -> dict[int, tuple[int, str, str]]:
    """Mid-year -> (children aged 0 to 17, publication, file:line reference), where published."""
    ons = published.tables["ons"]
    rows = ons[
        (ons["geographic_level"] == LOCAL_AUTHORITY)
        & (ons["old_la_code"] == authority.code)
        & (ons["age_group"] == CHILDREN_0_TO_17)
    ]
    spec = FILES["ons"]
    found = {}
    for row in rows.to_dict("records"):
        people, symbol = split_value(row["population_estimate"])
        if people is None or symbol:
            continue
        year = int(row["time_period"])
        ref = f"{spec.name}:{row['_line']} population_estimate (mid-year {year})"
        found[year] = (int(people), spec.publication, ref)
    return found


def authority_for(
    la_code: str | None, given: str | None, known: Published
) -> areas.Authority | None:
    """The authority records belong to: their own LA code (a census header's) or the one named.

    A census return names its authority; an Annex A workbook does not, so the person names it
    (`given`, a name or code). Both given and disagreeing is an error. A code that table B1
    does not know (a made-up return's 999) gives None, as nothing named does: the authority is
    then not known, and nothing is compared with the DfE's figures.
    """
    everyone = areas.authorities(known)
    named = areas.find(given, everyone) if given else None
    if la_code is None:
        return named
    own = everyone.get(la_code)
    if own is None:
        if named is not None:
            raise UsageError(
                f"--authority names {named.name} ({named.code}) but the census return's LA code "
                f"is {la_code}, which table B1 ({FILES['b1'].name}) does not know"
            )
        return None
    if named is not None and named.code != own.code:
        raise UsageError(
            f"--authority names {named.name} ({named.code}) but the census return is "
            f"{own.name}'s ({own.code})"
        )
    return own

"""The metric catalogue: for each metric its label, unit, better direction and timescale."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOGUE_CSV = Path(__file__).with_name("metric_catalogue.csv")

UNITS = ("count", "percent", "cases per worker", "GBP", "per 10,000 children", "cases per FTE")
DIRECTIONS = ("higher", "lower", "neither")
# "area": a published statistic given per area (authority, region, England), not per team.
SCOPE_KINDS = ("service", "team", "area")


@dataclass(frozen=True)
class Metric:
    """One catalogue entry."""

    id: str
    label: str
    unit: str
    better: str
    scope_kind: str
    timescale_working_days: int | None
    target_pct: float | None
    definition: str


def _optional(text: str, kind: type) -> int | float | None:
    return kind(text) if text.strip() else None


@cache
def load(path: Path = CATALOGUE_CSV) -> dict[str, Metric]:
    """Read the catalogue, checking each entry's unit, direction and scope kind."""
    metrics: dict[str, Metric] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            m = Metric(
                id=row["id"],
                label=row["label"],
                unit=row["unit"],
                better=row["better"],
                scope_kind=row["scope_kind"],
                timescale_working_days=_optional(row["timescale_working_days"], int),
                target_pct=_optional(row["target_pct"], float),
                definition=row["definition"],
            )
            for field, allowed in (
                ("unit", UNITS),
                ("better", DIRECTIONS),
                ("scope_kind", SCOPE_KINDS),
            ):
                if getattr(m, field) not in allowed:
                    raise ValueError(
                        f"{path.name}:{line}: column '{field}': value '{getattr(m, field)}': "
                        f"expected one of {', '.join(allowed)}"
                    )
            if m.id in metrics:
                raise ValueError(f"{path.name}:{line}: column 'id': value '{m.id}': duplicate id")
            metrics[m.id] = m
    return metrics


def get(metric_id: str) -> Metric:
    """One metric by id; KeyError names the unknown id."""
    try:
        return load()[metric_id]
    except KeyError:
        raise KeyError(f"unknown metric id '{metric_id}'") from None

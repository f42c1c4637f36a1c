"""The metric catalogue: for each metric its label, unit, better direction and timescale.

The catalogue is the one place the statutory timescales live. A metric counted against an
assessment type's timescale names that type (`assessment_type`) and its timescale in working
days; its label and definition say the timescale as `{days}`, filled with the timescale in force
(the catalogue's, or the one a `kpis --initial-days 12` run used). A metric with a timescale
but no assessment type is a figure as a document counted it ("over 10 days"): its words are
fixed, whatever timescale a run uses. The columns and codes are declared in
analysis.metrics.schema.CATALOGUE.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.errors import DataError
from analysis.metrics import schema

CATALOGUE_CSV = Path(__file__).with_name("metric_catalogue.csv")


@dataclass(frozen=True)
class Metric:
    """One catalogue entry, its words filled in for one timescale."""

    id: str
    label: str
    unit: str
    better: str
    scope_kind: str
    timescale_working_days: int | None
    target_pct: float | None
    definition: str
    assessment_type: str | None = None
    label_template: str = dataclasses.field(default="", repr=False)
    definition_template: str = dataclasses.field(default="", repr=False)

    def with_timescale(self, days: int | None) -> Metric:
        """The entry as it reads under a timescale of `days` working days (None: unchanged)."""
        if days is None or self.assessment_type is None:
            return self
        return dataclasses.replace(
            self,
            timescale_working_days=int(days),
            label=self.label_template.format(days=int(days)),
            definition=self.definition_template.format(days=int(days)),
        )


def _optional(value: object, kind: type) -> int | float | str | None:
    return None if pd.isna(value) else kind(value)


@cache
def load(path: Path = CATALOGUE_CSV) -> dict[str, Metric]:
    """Read the catalogue and validate it against its schema; DataError lists every problem."""
    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in schema.CATALOGUE_OPTIONAL:
        if column in frame.columns:
            frame[column] = frame[column].replace("", None)
    problems = schema.problems(schema.CATALOGUE, frame, path.name)
    if problems:
        raise DataError(problems)
    metrics: dict[str, Metric] = {}
    for row in schema.CATALOGUE.validate(frame).itertuples(index=False):
        days = _optional(row.timescale_working_days, int)
        metrics[row.id] = Metric(
            id=row.id,
            label=row.label.format(days=days),
            unit=row.unit,
            better=row.better,
            scope_kind=row.scope_kind,
            timescale_working_days=days,
            target_pct=_optional(row.target_pct, float),
            definition=row.definition.format(days=days),
            assessment_type=_optional(row.assessment_type, str),
            label_template=row.label,
            definition_template=row.definition,
        )
    return metrics


def get(metric_id: str, timescales: Mapping[str, int] | None = None) -> Metric:
    """One metric by id, its words under `timescales` (assessment type -> working days).

    Without `timescales`, or for a type they do not name, the catalogue's timescale is in force.
    KeyError names an unknown id.
    """
    known = load()
    if metric_id not in known:
        near = difflib.get_close_matches(str(metric_id), list(known), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(near)}?" if near else ""
        where = config.relative_to_root(CATALOGUE_CSV)
        raise KeyError(f"unknown metric id '{metric_id}' (not in {where}){hint}")
    metric = known[metric_id]
    if timescales and metric.assessment_type in timescales:
        return metric.with_timescale(timescales[metric.assessment_type])
    return metric


def timescales() -> dict[str, int]:
    """The statutory timescale of each assessment type, in working days, from the catalogue."""
    found = {m.assessment_type: m.timescale_working_days for m in load().values()}
    return {kind: found[kind] for kind in schema.ASSESSMENT_TYPES if kind in found}

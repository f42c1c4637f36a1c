"""The synthetic extract as files: its two CSVs and the README that labels it made up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.atomic import write_text
from analysis.cases.extract import ASSESSMENTS, EPISODES
from analysis.config import resolve


@dataclass
class Synthetic:
    """A generated extract: both tables as text columns, and how it was made."""

    assessments: pd.DataFrame
    episodes: pd.DataFrame
    seed: int
    rows: int | None


README = """\
SYNTHETIC DATA - made up by `analysis synth`, not records of any real child or worker.

This folder is a synthetic case-level extract: {assessments} assessments (assessments.csv) and
{episodes} children in need episodes (cin_episodes.csv), April 2009 to March 2014, generated
with seed {seed}{rows}. Its shape follows Peterborough City Council's published figures for
2011-12 (Cabinet report, 10 July 2012) so that `analysis kpis` gives them back, but every
identifier, date and record is invented. Same seed, same bytes.

Columns are described in data/raw/README.md ("Case-level extracts").
"""


def write(extract: Synthetic, out: Path) -> None:
    """Write assessments.csv, cin_episodes.csv and README.txt into `out`, each atomically."""
    out = Path(out)
    for frame, schema in ((extract.assessments, ASSESSMENTS), (extract.episodes, EPISODES)):
        write_text(out / schema.file, frame.to_csv(index=False, lineterminator="\n"))
    rows = "" if extract.rows is None else f" at about {extract.rows} rows per file"
    write_text(
        out / "README.txt",
        README.format(
            assessments=len(extract.assessments),
            episodes=len(extract.episodes),
            seed=extract.seed,
            rows=rows,
        ),
    )


def is_synthetic(folder: str | Path) -> bool:
    """True when an extract folder holds the README.txt that `analysis synth` writes."""
    readme = resolve(folder) / "README.txt"
    return readme.is_file() and readme.read_text(encoding="utf-8").startswith("SYNTHETIC DATA")

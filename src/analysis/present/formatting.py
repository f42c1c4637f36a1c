"""How numbers, values, periods and metric names are written: "1,486", "99%", "in May 2012"."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from analysis.metrics import catalogue, tidy


def fmt_number(x: float) -> str:
    """A number as people write it: thousands separated, at most one decimal place."""
    x = round(float(x), 1)
    return f"{x:,.0f}" if x.is_integer() else f"{x:,.1f}"


def fmt_value(value: float, unit: str, qualifier: str = "") -> str:
    """A value with its unit ("99%", "£200,000") and any qualifier ("nearly 600")."""
    if qualifier == tidy.SUPPRESSED or pd.isna(value):
        return "suppressed"
    text = fmt_number(value)
    if unit == "percent":
        text += "%"
    elif unit == "GBP":
        text = "£" + text
    return f"{qualifier} {text}" if qualifier else text


def suppressed_text(threshold: float | None = None) -> str:
    """How a suppressed figure reads: "suppressed (1–5)", naming the counts the run hid."""
    if threshold is None or pd.isna(threshold):
        return "suppressed"
    return f"suppressed (1–{int(threshold)})"


def threshold(rows: pd.DataFrame) -> int | None:
    """The suppression threshold some rows were published with (None when not recorded)."""
    if tidy.THRESHOLD not in rows.columns:
        return None
    values = rows[tidy.THRESHOLD].dropna().unique()
    return int(values.max()) if len(values) else None


def fmt_pct(x: float) -> str:
    """A percentage to one decimal place, as in "32.7%"."""
    return f"{x:.1f}%"


def qualifier_text(q: object) -> str:
    """A qualifier cell as text: an empty cell (read as NaN) is ""."""
    return q if isinstance(q, str) else ""


def when(period: str) -> str:
    """A period label as it reads inside a sentence: "in December 2011", "at the end of April"."""
    lower = period.lower()
    if lower.startswith(("end of", "start of")):
        return f"at the {period}"
    if lower.startswith("year to date"):
        return f"in the {period}"
    if lower.startswith(("before", "after", "at the time")):
        return period
    return f"in {period}"


def label(metric: str, days: float | None = None) -> str:
    """The catalogue label of a metric, naming `days` as its timescale when given."""
    entry = catalogue.get(metric)
    return entry.with_timescale(None if days is None or pd.isna(days) else int(days)).label


def labels(rows: pd.DataFrame) -> list[str]:
    """Each row's label, naming the timescale its figures were counted against.

    Rows from `analysis kpis` say it in their (internal) timescale_working_days column; other
    rows were counted against the catalogue's.
    """
    days = rows[tidy.TIMESCALE] if tidy.TIMESCALE in rows.columns else [None] * len(rows)
    return [label(m, d) for m, d in zip(rows["metric"], days, strict=True)]


def timescale(rows: pd.DataFrame, metric: str) -> int | None:
    """The timescale in working days that a metric's rows were counted against."""
    if tidy.TIMESCALE in rows.columns:
        days = rows.loc[rows["metric"] == metric, tidy.TIMESCALE].dropna().unique()
        if len(days) == 1:
            return int(days[0])
    return catalogue.get(metric).timescale_working_days


# Characters that markdown (CommonMark, with $ for math) or HTML would read as markup anywhere
# in a line; a backslash before ASCII punctuation shows it as itself.
_MARKDOWN_INLINE = set("\\`*_{}[]<>#|~$&!")
# At the start of a line these begin a list, heading or quote: "- x", "+ x", "1. x", "1) x".
_LINE_START = re.compile(r"^(\s*)([-+>]|\d+[.)])", re.MULTILINE)


def markdown_escape(text: str) -> str:
    """Text to put into markdown so that every character shows as written, never as markup.

    Sentences here are built from data (team names, periods, citations), and a team name such as
    `<b onmouseover=...>` must be shown, not run. The project's sentences use no markdown
    syntax of their own, so a whole sentence can be escaped.
    """
    escaped = "".join(f"\\{c}" if c in _MARKDOWN_INLINE else c for c in str(text))
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], escaped)


def markdown(text: str) -> Any:
    """A sentence as a notebook Markdown output, escaped so data in it are shown as text."""
    from IPython.display import Markdown  # only notebooks call this; the CLI never loads IPython

    return Markdown(markdown_escape(text))

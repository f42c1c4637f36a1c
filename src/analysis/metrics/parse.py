"""Parse figures as documents state them: values ("nearly 600", "99%", "£200,000") and periods."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from analysis.metrics import teams

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9

# Words a document puts before a figure to say it is not exact; kept, never dropped.
QUALIFIERS = (
    "more than",
    "fewer than",
    "less than",
    "at least",
    "up to",
    "nearly",
    "almost",
    "about",
    "around",
    "approximately",
    "over",
    "under",
)
# Words a count may carry after it ("56 staff"): they restate the unit, so they are dropped.
COUNT_NOUNS = ("staff", "cases", "workers", "audits", "children", "posts", "referrals")

# The local-authority year runs April to March: "year to date" means from the April before.
FINANCIAL_YEAR_START_MONTH = 4


class ParseError(ValueError):
    """A value or period that does not have an accepted form; the message says what was expected."""


@dataclass(frozen=True)
class Value:
    """A parsed figure."""

    value: float
    qualifier: str = ""
    denominator: float | None = None


@dataclass(frozen=True)
class Period:
    """A parsed period: a canonical label, and dates unless the source gave none."""

    label: str
    start: date | None
    end: date | None
    quality: str  # exact | approximate | undated


_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _split_qualifier(text: str) -> tuple[str, str]:
    lowered = text.lower()
    for q in QUALIFIERS:
        if lowered.startswith(q + " "):
            return q, text[len(q) :].strip()
    return "", text


def parse_value(text: str, unit: str) -> Value:
    """Parse a figure for a metric of the given catalogue unit."""
    raw = " ".join(str(text).split())
    if not raw:
        raise ParseError("a figure, not an empty cell")
    qualifier, body = _split_qualifier(raw)
    if unit == "count":
        m = re.fullmatch(rf"({_NUMBER})(?: of ({_NUMBER}))?(?: ({'|'.join(COUNT_NOUNS)}))?", body)
        if not m or "." in m.group(1):
            raise ParseError("a whole number such as '1486', '1,051', 'nearly 600' or '59 of 99'")
        den = _number(m.group(2)) if m.group(2) else None
        return Value(_number(m.group(1)), qualifier, den)
    if unit == "percent":
        m = re.fullmatch(rf"({_NUMBER}) ?(?:%|per ?cent)", body)
        if not m:
            raise ParseError("a percentage such as '99%' or '97.6%'")
        return Value(_number(m.group(1)), qualifier)
    if unit == "cases per worker":
        m = re.fullmatch(rf"({_NUMBER})(?: (?:cases )?per worker)?", body)
        if not m:
            raise ParseError("a caseload such as '30 per worker' or '17'")
        return Value(_number(m.group(1)), qualifier)
    if unit == "GBP":
        m = re.fullmatch(rf"£ ?({_NUMBER})(?: ?(k|m|million))?", body, flags=re.IGNORECASE)
        if not m:
            raise ParseError("an amount in pounds such as '£200,000' or '£1.2m'")
        scale = {"k": 1e3, "m": 1e6, "million": 1e6}.get((m.group(2) or "").lower(), 1)
        return Value(_number(m.group(1)) * scale, qualifier)
    raise ParseError(f"a known unit, not '{unit}'")


def _month(name: str) -> int:
    try:
        return MONTHS[name.lower().rstrip(".")]
    except KeyError:
        raise ParseError(f"a month name, not '{name}'") from None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _label(d: date, day: bool = False) -> str:
    text = f"{calendar.month_name[d.month]} {d.year}"
    return f"{d.day} {text}" if day else text


_M = r"([A-Za-z]+\.?)"
_Y = r"(\d{4})"

PERIOD_FORMS = (
    "'December 2011'",
    "'end of April 2012'",
    "'31 March 2012'",
    "'April and May 2012' or 'April–May 2012'",
    "'November 2009 to April 2012'",
    "'year to date to September 2012'",
    "'about March 2012'",
    "a label containing '(undated)'",
)


def parse_period(text: str) -> Period:
    """Parse a period as documents state it; an undated figure stays undated, never invented."""
    raw = " ".join(str(text).split())
    if "undated" in raw.lower():
        return Period(raw, None, None, "undated")
    quality = "exact"
    body = raw
    m = re.fullmatch(r"(?:about|around|approximately|circa|c\.) (.+)", raw, flags=re.IGNORECASE)
    if m:
        quality, body = "approximate", m.group(1)
    try:
        period = _parse_dated(body)
    except ParseError:
        raise ParseError("a period such as " + ", ".join(PERIOD_FORMS)) from None
    if quality == "approximate":
        return Period(f"about {period.label}", period.start, period.end, "approximate")
    return period


def _parse_dated(body: str) -> Period:
    flags = re.IGNORECASE
    if m := re.fullmatch(rf"{_M} {_Y}", body, flags):
        y, mo = int(m.group(2)), _month(m.group(1))
        start = date(y, mo, 1)
        return Period(_label(start), start, _last_day(y, mo), "exact")
    if m := re.fullmatch(rf"(?:the )?end of {_M} {_Y}", body, flags):
        end = _last_day(int(m.group(2)), _month(m.group(1)))
        return Period(f"end of {_label(end)}", end, end, "exact")
    if m := re.fullmatch(rf"(?:at )?(\d{{1,2}}) {_M} {_Y}", body, flags):
        try:
            d = date(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
        except ValueError as exc:
            raise ParseError(str(exc)) from None
        return Period(_label(d, day=True), d, d, "exact")
    if m := re.fullmatch(rf"{_M} ?(?:and|to|-|–|—) ?{_M} {_Y}", body, flags):
        y = int(m.group(3))
        first, last = _month(m.group(1)), _month(m.group(2))
        if last < first:
            raise ParseError("a range whose second month follows the first")
        start, end = date(y, first, 1), _last_day(y, last)
        label = f"{calendar.month_name[first]}–{calendar.month_name[last]} {y}"
        return Period(label, start, end, "exact")
    if m := re.fullmatch(rf"{_M} {_Y} ?(?:to|-|–|—) ?{_M} {_Y}", body, flags):
        start = date(int(m.group(2)), _month(m.group(1)), 1)
        end = _last_day(int(m.group(4)), _month(m.group(3)))
        if end < start:
            raise ParseError("a range whose end follows its start")
        return Period(f"{_label(start)} to {_label(end)}", start, end, "exact")
    if m := re.fullmatch(rf"(?:the )?year to date to {_M} {_Y}", body, flags):
        y, mo = int(m.group(2)), _month(m.group(1))
        start_year = y if mo >= FINANCIAL_YEAR_START_MONTH else y - 1
        start = date(start_year, FINANCIAL_YEAR_START_MONTH, 1)
        # "Year to date" is read as the financial year: an assumption, so the dates are approximate.
        return Period(
            f"year to date to {_label(date(y, mo, 1))}", start, _last_day(y, mo), "approximate"
        )
    raise ParseError("a known period form")


def parse_scope(text: str, known: Mapping[str, str] | None = None) -> str:
    """'service' for the whole service, else a known team in its canonical spelling.

    `known` maps accepted spellings to team names (analysis.metrics.teams; by default the
    project's data/raw/reference/teams.csv). An unknown name is an error, never a new series.
    """
    known = teams.load() if known is None else known
    raw = " ".join(str(text).split())
    if teams.key(raw) in ("service", "whole service", "all"):
        return "service"
    if not raw:
        raise ParseError("'service' or a team name, not an empty cell")
    if teams.key(raw) not in known:
        names = ", ".join(sorted(set(known.values())))
        raise ParseError(
            f"'service' or a known team ({names}; the list is data/raw/reference/teams.csv)"
            + teams.suggestion(raw, dict(known))
        )
    return known[teams.key(raw)]

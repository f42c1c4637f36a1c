"""Tables as they appear in outputs (HTML, markdown pipe tables), read for the privacy guard."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class OutputTable:
    """A table as found in an output: its header names and body cell texts."""

    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class HtmlParts:
    """An HTML page or fragment split for the guard: tables, printed text, and the rest."""

    tables: list[OutputTable]
    pres: list[str]  # <pre> blocks outside tables: a DataFrame's text form, a log
    outside: list[str]  # text outside tables and <pre> blocks


def html_parts(fragment: str) -> HtmlParts:
    """Split HTML into its tables (nested ones each on their own), <pre> texts and other text."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(fragment, "html.parser")
    for hidden in soup.find_all(["script", "style"]):
        hidden.decompose()
    tables = [_table(t) for t in soup.find_all("table")]
    pres = [pre.get_text() for pre in soup.find_all("pre") if pre.find_parent("table") is None]
    for block in soup.find_all(["table", "pre"]):
        if block.find_parent(["table", "pre"]) is None:
            block.extract()
    return HtmlParts(tables, pres, [str(s) for s in soup.find_all(string=True)])


def _table(table: Any) -> OutputTable:
    """One <table>: header names (every th in its thead, else the th of its first row) and rows."""
    found = OutputTable()
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    has_thead = any(h.find_parent("table") is table for h in table.find_all("thead"))
    for number, tr in enumerate(rows):
        in_head = tr.find_parent(["thead", "table"]).name == "thead"
        head_row = in_head or (not has_thead and number == 0)
        body = []
        for cell in tr.find_all(["td", "th"], recursive=False):
            text = " ".join(cell.get_text().split())
            if cell.name == "th" and head_row:
                found.headers.append(text)
            else:
                body.append(text)
        if body:
            found.rows.append(body)
    return found


def markdown_tables(text: str) -> Iterator[OutputTable]:
    """Pipe tables in markdown: the first row is the header, the |---| row is skipped."""
    lines = [ln.strip() for ln in text.splitlines()]
    block: list[list[str]] = []
    for line in [*lines, ""]:
        if line.startswith("|"):
            block.append([c.strip() for c in line.strip("|").split("|")])
            continue
        if len(block) >= 2:
            body = [r for r in block[1:] if not all(re.fullmatch(r":?-+:?", c) for c in r if c)]
            yield OutputTable(headers=block[0], rows=body)
        block = []

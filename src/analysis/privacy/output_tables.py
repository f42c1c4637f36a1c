"""Tables as they appear in outputs (HTML, markdown pipe tables), read for the privacy guard."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class OutputTable:
    """A table as found in an output: its header names and body cell texts."""

    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


class HtmlTables(HTMLParser):
    """Splits HTML into its tables and the text outside them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[OutputTable] = []
        self.outside: list[str] = []
        self.pres: list[str] = []
        self._pre: list[str] | None = None
        self._stack: list[tuple[OutputTable, bool]] = []  # (table, whether its head is over)
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._cell_is_header = False
        self._in_thead = False
        self._skip = 0  # inside <script>/<style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "pre" and not self._stack:
            self._pre = []
        elif tag == "table":
            self._stack.append((OutputTable(), False))
        elif not self._stack:
            return
        elif tag == "thead":
            self._in_thead = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
            self._cell_is_header = tag == "th"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "pre" and self._pre is not None:
            self.pres.append("".join(self._pre))
            self._pre = None
        elif not self._stack:
            return
        elif tag == "table":
            table, _ = self._stack.pop()
            self.tables.append(table)
        elif tag == "thead":
            self._in_thead = False
            table, _ = self._stack[-1]
            self._stack[-1] = (table, True)
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = " ".join("".join(self._cell).split())
            table, head_over = self._stack[-1]
            # Header names: every th in <thead>, or the th of a first row when there is no thead.
            first_row = not table.rows and not table.headers and not head_over
            if self._cell_is_header and (self._in_thead or first_row):
                table.headers.append(text)
            else:
                self._row.append(text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table, _ = self._stack[-1]
            if self._row:
                table.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._pre is not None:
            self._pre.append(data)
        elif not self._stack:
            self.outside.append(data)


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

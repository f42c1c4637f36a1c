"""One HTML outline parser for the page tests: what they assert on, read without a browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

CODE_CLASSES = {"input_area", "jp-InputArea", "input_prompt", "jp-InputPrompt"}


class Outline(HTMLParser):
    """A page's lang, title, headings, images, links, table headers, footers and code inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.title = ""
        self.headings: list[int] = []
        self.imgs: list[dict[str, str | None]] = []
        self.links: list[str] = []
        self.ths: list[dict[str, str | None]] = []
        self.footers = 0
        self.code_inputs = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "img":
            self.imgs.append(a)
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        elif tag == "th":
            self.ths.append(a)
        elif tag == "footer":
            self.footers += 1
        if CODE_CLASSES & set((a.get("class") or "").split()):
            self.code_inputs += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def outline(page: str) -> Outline:
    """Parse a page into its outline."""
    parser = Outline()
    parser.feed(page)
    return parser

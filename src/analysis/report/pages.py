"""Accessible, deterministic HTML pages: each executed notebook without its code, and the index."""

from __future__ import annotations

import copy
import functools
import html
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.report import provenance
from analysis.report.about import about_the_figures

if TYPE_CHECKING:  # nbformat is light, but keep the CLI's start-up free of it anyway
    import nbformat

LANG = "en-GB"
INDEX_TITLE = "Peterborough children's services improvement, 2011–12: reports"
NO_ALT_DEFAULT = "No description has been provided for this image"
TEMPLATE_DIR = Path(__file__).parent / "templates"

# Outputs a report must not carry: scripts would need ids (nbconvert gives them random ones) and
# could not run offline; stderr holds warnings with the machine's paths.
_DROPPED_MIMETYPES = (
    "application/javascript",
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
)

# The pages need no script: forbid every one, so that a slip in escaping cannot run code in a
# reader's browser. Styles are inline; images are the page's own files or embedded data.
CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)


class AccessibilityError(ValueError):
    """A notebook output that cannot be published accessibly, such as a figure without alt text."""


INDEX_HREF = "index.html"


@functools.cache
def _templates() -> Any:
    """The Jinja2 environment of the page shell and the index (autoescaped; made once)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _page(title: str, body_html: str, footer_html: str, nav: bool = True) -> str:
    """The page shell every report shares: language, title, landmarks and the footer.

    Every page but the index starts with a link back to the index, in a nav landmark.
    `body_html` and `footer_html` are HTML; the title is text.
    """
    from markupsafe import Markup

    return (
        _templates()
        .get_template("page.html.j2")
        .render(
            lang=LANG,
            csp=CSP,
            title=title,
            nav=nav,
            index_href=INDEX_HREF,
            body=Markup(body_html.strip()),
            footer=Markup(footer_html.strip()),
        )
    )


def _alt_text(output: dict[str, Any]) -> str | None:
    """The alt text the charts module stored in an image output's metadata, if any."""
    meta = output.get("metadata", {}) or {}
    for mimetype in ("image/png", "image/jpeg", "image/svg+xml"):
        alt = (meta.get(mimetype) or {}).get("alt")
        if isinstance(alt, str) and alt.strip():
            return alt.strip()
    return None


def first_figure_alt(nb: nbformat.NotebookNode) -> str | None:
    """The alt text of a notebook's first figure: a fitting alt for its thumbnail on the index."""
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if {"image/png", "image/jpeg", "image/svg+xml"} & set(out.get("data") or {}):
                return _alt_text(out)
    return None


def prepare_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of nb fit to publish: no empty code cells, stable cell ids, no scripts or stderr.

    Raises AccessibilityError naming the cell when a figure has no alt text.
    """
    nb = copy.deepcopy(nb)
    cells = []
    missing_alt = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code":
            outputs = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    continue
                data = out.get("data")
                if data is not None:
                    for mimetype in _DROPPED_MIMETYPES:
                        data.pop(mimetype, None)
                    if not data:
                        continue
                    images = {"image/png", "image/jpeg", "image/svg+xml"} & set(data)
                    if images and _alt_text(out) is None:
                        missing_alt.append(number)
                outputs.append(out)
            if not outputs:
                continue  # with the code hidden, an output-less cell would be an empty box
            cell.outputs = outputs
        cells.append(cell)
    if missing_alt:
        where = ", ".join(str(n) for n in missing_alt)
        raise AccessibilityError(
            f"figure without alt text in cell {where}: show figures with "
            "analysis.charts.figures.show(fig, alt=...), which stores the alt text in the output "
            "metadata"
        )
    # Cell ids become HTML ids; papermill's injected cell gets a random one, so number them.
    for index, cell in enumerate(cells):
        cell.id = f"cell-{index}"
    nb.cells = cells
    return nb


_TABLE_RE = re.compile(r"<table\b.*?</table>", re.DOTALL | re.IGNORECASE)
# A number as the tables print it: 1,486 / 32.7% / £200,000 / -5 / 1486.0
_NUMBER_RE = re.compile(r"[-−+]?£?\d[\d,]*(\.\d+)?%?")


def accessible_tables(fragment: str) -> str:
    """Give every HTML table header cells with a scope, no empty header cells, numbers marked.

    pandas writes an empty <th> in the corner above the index and leaves scope out; screen
    readers then cannot tell row headers from column headers. Numeric cells get class "num" so
    that numbers line up on the right while text reads from the left.
    """
    if "<table" not in fragment.lower():
        return fragment
    from bs4 import BeautifulSoup

    def fix(match: re.Match[str]) -> str:
        soup = BeautifulSoup(match.group(0), "html.parser")
        for table in soup.find_all("table"):
            for th in table.find_all("th"):
                if not th.get_text(strip=True):
                    th.name = "td"  # an empty corner cell is not a header of anything
                    th.attrs.pop("scope", None)
                    continue
                if th.has_attr("scope"):
                    continue
                in_head = th.find_parent("thead") is not None
                row = th.find_parent("tr")
                row_has_data = row is not None and row.find("td", recursive=False) is not None
                th["scope"] = "row" if (not in_head and row_has_data) else "col"
            for td in table.find_all("td"):
                if _NUMBER_RE.fullmatch(td.get_text(strip=True)):
                    td["class"] = [*td.get("class", []), "num"]
        return str(soup)

    return _TABLE_RE.sub(fix, fragment)


_CAPTION_RE = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL | re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]+>")


def scrolling_tables(fragment: str) -> str:
    """Wrap every table in a focusable region that scrolls sideways on its own.

    A wide table then never makes the page scroll sideways on a phone; the region can be
    scrolled from the keyboard (tabindex) and is named after the table's caption (axe's
    scrollable-region-focusable rule), numbered when captions repeat. The caption goes above
    the region, as a paragraph that names the table: inside a scrolling table it would be as
    wide as the table, and cut at the screen's edge.
    """
    count = 0
    seen: dict[str, int] = {}

    def wrap(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        table = match.group(0)
        caption = _CAPTION_RE.search(table)
        name = _TAG_RE.sub("", caption.group(1)).strip() if caption else ""
        name = html.unescape(" ".join(name.split())) or f"Table {count}"
        # Regions are landmarks, and landmarks need distinct names (axe's landmark-unique).
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name} ({seen[name]})"
        region = (
            f'<div class="table-scroll" tabindex="0" role="region" '
            f'aria-label="{html.escape(name, quote=True)}">'
        )
        if caption is None:
            return f"{region}{table}</div>"
        label = f"table-caption-{count}"  # numbered in page order: the same every build
        table = table[: caption.start()] + table[caption.end() :]
        table = re.sub(r"^<table\b", f'<table aria-labelledby="{label}"', table, count=1)
        return (
            f'<div class="table-wrap"><p class="table-caption" id="{label}">{caption.group(1)}</p>'
            f"{region}{table}</div></div>"
        )

    return _TABLE_RE.sub(wrap, fragment)


_RELATIVE_LINK_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*")
FIGURES = "figures"  # where a notebook run by the report saves its figures (report.folders)


def _relinked(link: str, figures: str) -> str:
    """A link to a saved figure, pointed at the folder the page's figures were moved to."""
    if figures != FIGURES and link.startswith(f"{FIGURES}/"):
        return f"{figures}/{link.removeprefix(f'{FIGURES}/')}"
    return link


def _chart_links(meta: dict[str, Any], figures: str) -> None:
    """Point a chart's links (full size, narrow variant) at `figures`; drop any that is not a
    plain relative path."""
    for key in ("href", "narrow"):
        value = meta.get(key)
        if value is None:
            continue
        if isinstance(value, str) and _RELATIVE_LINK_RE.fullmatch(value) and ".." not in value:
            meta[key] = _relinked(value, figures)
        else:
            del meta[key]


def notebook_to_html(
    nb: nbformat.NotebookNode, title: str, footer_html: str, figures: str = FIGURES
) -> str:
    """An executed notebook as one accessible HTML page without code, footer_html at the end.

    HTML outputs are sanitised (nh3, ALLOWED_TAGS): what a notebook displays as HTML cannot
    run in a reader's browser, whatever text reached it. `figures` is the folder, relative to
    the page, that holds the figures the notebook saved in "figures" (a pack's page has its
    own): links to them are pointed there, so that a pack's notebook stays the one run alone.
    """
    prepared = prepare_notebook(nb)
    for cell in prepared.cells:
        for out in cell.get("outputs", []):
            data = out.get("data") or {}
            if "text/html" in data:
                clean = _sanitised(_as_text(data["text/html"]), figures)
                data["text/html"] = accessible_tables(clean)
            if "image/png" in data:
                _chart_links((out.get("metadata") or {}).get("image/png") or {}, figures)
    body, _ = _page_exporter().from_notebook_node(prepared)
    if NO_ALT_DEFAULT in body:  # belt and braces: nbconvert adds this to any img without alt
        raise AccessibilityError(f"an image in {title!r} has no alt text")
    body += about_the_figures(prepared)
    return _page(title, scrolling_tables(body), footer_html)


def _as_text(value: str | Iterable[str]) -> str:
    """Notebook multi-line strings may be stored as lists of lines."""
    return value if isinstance(value, str) else "".join(value)


def _markdown_to_html(text: str) -> str:
    """Markdown as HTML with any raw HTML in it escaped and no javascript: links.

    Our markdown is written by us or escaped from data, and never needs raw HTML: refusing it
    here means that text which slipped through unescaped is still shown, never run. mistune's
    own options escape it and drop harmful link targets; nh3 then keeps only plain markup.
    """
    return _sanitised(_markdown()(text))


@functools.cache
def _markdown() -> Any:
    import mistune

    # escape: raw HTML is shown as text; harmful protocols (javascript:) are mistune's default.
    return mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])


# What a page's HTML may hold: the markup our tables, charts and findings use, nothing that runs.
ALLOWED_TAGS = {
    *("a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div"),
    *("dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre"),
    *("section", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot"),
    *("th", "thead", "tr", "ul"),
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id"},
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


def _sanitised(fragment: str, figures: str = FIGURES) -> str:
    """An HTML fragment with only ALLOWED_TAGS and ALLOWED_ATTRIBUTES, links http(s) or relative.

    Links to saved figures are pointed at `figures` (see notebook_to_html).
    """
    import nh3

    def relink(tag: str, attribute: str, value: str) -> str:
        return _relinked(value, figures) if (tag, attribute) == ("a", "href") else value

    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        attribute_filter=relink,
    )


_EXPORTERS = threading.local()


def _page_exporter() -> Any:
    """This thread's exporter of pages, made once: compiling its templates took 0.2 s a page.

    One a thread, as a pack's pages are written from several threads at once.
    """
    from nbconvert import HTMLExporter

    exporter = getattr(_EXPORTERS, "page", None)
    if exporter is None:
        exporter = _EXPORTERS.page = HTMLExporter(
            # Body only, from the package's template (classic cells, charts as figures, SVG
            # alt); naming the base folder also stops nbconvert looking for templates in the
            # current directory.
            extra_template_basedirs=[str(TEMPLATE_DIR.parent)],
            template_name=TEMPLATE_DIR.name,
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_anchor_links=True,  # "¶" links read out as noise by screen readers
            # nbconvert's documented filters option: markdown cells and outputs are rendered
            # by _markdown_to_html (raw HTML escaped, sanitised by nh3).
            filters={"markdown2html": _markdown_to_html},
        )
    return exporter


def _markdown_inline(text: str) -> str:
    """Render a one-line markdown finding to HTML without a wrapping paragraph."""
    rendered = _markdown_to_html(text.strip()).strip()
    match = re.fullmatch(r"<p>(.*)</p>", rendered, re.DOTALL)
    return match.group(1) if match else rendered


def index_to_html(
    entries: list[dict[str, Any]],
    footer_html: str,
    heading: str = INDEX_TITLE,
    intro: str = (
        "Each report below shows one part of the improvement programme's figures, with the "
        "numbers behind every chart in a table beside it."
    ),
) -> str:
    """The index page: each report's title as a link, its thumbnail with alt text and finding.

    An entry is {"title", "href", "thumbnail" (relative path or None), "finding" (markdown)} with
    an optional "thumbnail_alt" (default: "First chart of the report: <title>").
    """
    from markupsafe import Markup

    shown = [
        {
            "title": str(entry["title"]),
            "href": str(entry["href"]),
            "thumbnail": entry.get("thumbnail"),
            "alt": entry.get("thumbnail_alt") or f"First chart of the report: {entry['title']}",
            "finding": Markup(_markdown_inline(str(entry["finding"])))
            if entry.get("finding")
            else "",
        }
        for entry in entries
    ]
    body = _templates().get_template("reports-index.html.j2")
    html_body = body.render(heading=heading, intro=intro, entries=shown)
    return _page(heading, html_body, footer_html, nav=False)


def footer_html(data: Mapping[str, Any]) -> str:
    """A short HTML footer stating the same facts as the manifest, for every report page."""
    git = data["git"]
    commit = str(git["commit"])
    state = "with uncommitted changes" if git["dirty"] is True else "clean tree"
    return (
        _templates()
        .get_template("footer.html.j2")
        .render(
            commit=None if commit == provenance.UNKNOWN else commit[:12],
            state=state,
            count=len(data["inputs"]),
            digest=str(data["inputs_digest"]),
            packages=[(str(k), str(v)) for k, v in data["packages"].items()],
        )
        .strip()
    )

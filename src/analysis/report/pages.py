"""Accessible, deterministic HTML pages: each executed notebook without its code, and the index."""

from __future__ import annotations

import copy
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

# Plain colours chosen for contrast on white (all at least 7:1 except the table rules, which
# carry no text), so the pages pass WCAG 2.2 AA without relying on a theme.
CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #ffffff; color: #1b1b1b;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: 1.0625rem; line-height: 1.5; }
.page { max-width: 62rem; margin: 0 auto; padding: 1rem 1.25rem 2rem;
  overflow-wrap: break-word; }
a { color: #1d4f91; text-decoration: underline; }
a:visited { color: #4c2c92; }
a:focus, a:hover { outline: 3px solid #ffbf47; outline-offset: 2px; background: #fff3cd; }
h1, h2, h3, h4 { line-height: 1.25; }
img, svg { max-width: 100%; height: auto; }
nav.site { margin: 0 0 0.5rem; font-size: 0.9375rem; }
.table-scroll { max-width: 100%; overflow-x: auto; margin: 0.5rem 0 1.25rem; }
.table-scroll:focus { outline: 3px solid #ffbf47; outline-offset: 2px; }
.table-scroll > table { margin: 0; }
.download { margin: 0 0 1.25rem; }
.about-measures dt { font-weight: 600; }
.about-measures dd { margin: 0 0 0.5rem 1.25rem; }
code { overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4; color: #1b1b1b;
  padding: 0.5rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.25rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
th, td { border: 1px solid #8a8a8a; padding: 0.25rem 0.6rem; text-align: left;
  vertical-align: top; }
th { background: #eeeeee; }
td.num { text-align: right; }
.output_png, .output_svg { margin: 1rem 0 0.5rem; }
.finding { font-size: 1.125rem; }
ul.reports { list-style: none; padding: 0; }
ul.reports li { display: flex; gap: 1rem; align-items: flex-start; padding: 1rem 0;
  border-top: 1px solid #8a8a8a; }
ul.reports img { width: 12rem; flex: none; border: 1px solid #8a8a8a; }
ul.reports li > div { min-width: 0; }
@media (max-width: 40rem) {
  ul.reports li { flex-direction: column; }
  ul.reports img { width: 100%; max-width: 24rem; }
}
ul.reports h2 { margin: 0 0 0.25rem; font-size: 1.25rem; }
ul.reports p { margin: 0; }
footer { overflow-wrap: anywhere; border-top: 1px solid #8a8a8a; margin-top: 2rem;
  padding-top: 0.75rem; font-size: 0.9375rem; color: #333333; }
""".strip()


# The pages need no script: forbid every one, so that a slip in escaping cannot run code in a
# reader's browser. Styles are inline; images are the page's own files or embedded data.
CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)


class AccessibilityError(ValueError):
    """A notebook output that cannot be published accessibly, such as a figure without alt text."""


INDEX_HREF = "index.html"
NAV_HTML = f'<nav class="site" aria-label="Reports"><a href="{INDEX_HREF}">All reports</a></nav>'


def _page(title: str, body_html: str, footer_html: str, nav: bool = True) -> str:
    """The page shell every report shares: language, title, landmarks and the footer.

    Every page but the index starts with a link back to the index, in a nav landmark.
    """
    nav_html = f"{NAV_HTML}\n" if nav else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{LANG}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"<style>\n{CSS}\n</style>\n"
        "</head>\n"
        "<body>\n"
        '<div class="page">\n'
        f"{nav_html}"
        f"<main>\n{body_html.strip()}\n</main>\n"
        f"<footer>\n{footer_html.strip()}\n</footer>\n"
        "</div>\n"
        "</body>\n"
        "</html>\n"
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
    scrollable-region-focusable rule), numbered when captions repeat.
    """
    count = 0
    seen: dict[str, int] = {}

    def wrap(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        caption = _CAPTION_RE.search(match.group(0))
        name = _TAG_RE.sub("", caption.group(1)).strip() if caption else ""
        name = html.unescape(" ".join(name.split())) or f"Table {count}"
        # Regions are landmarks, and landmarks need distinct names (axe's landmark-unique).
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name} ({seen[name]})"
        return (
            f'<div class="table-scroll" tabindex="0" role="region" '
            f'aria-label="{html.escape(name, quote=True)}">{match.group(0)}</div>'
        )

    return _TABLE_RE.sub(wrap, fragment)


def notebook_to_html(nb: nbformat.NotebookNode, title: str, footer_html: str) -> str:
    """An executed notebook as one accessible HTML page without code, footer_html at the end."""
    prepared = prepare_notebook(nb)
    for cell in prepared.cells:
        for out in cell.get("outputs", []):
            data = out.get("data") or {}
            if "text/html" in data:
                data["text/html"] = accessible_tables(_as_text(data["text/html"]))
    body, _ = _page_exporter().from_notebook_node(prepared)
    if NO_ALT_DEFAULT in body:  # belt and braces: nbconvert adds this to any img without alt
        raise AccessibilityError(f"an image in {title!r} has no alt text")
    body += about_the_figures(prepared)
    return _page(title, scrolling_tables(body), footer_html)


def _as_text(value: str | Iterable[str]) -> str:
    """Notebook multi-line strings may be stored as lists of lines."""
    return value if isinstance(value, str) else "".join(value)


def _markdown_to_html(text: str, **options: Any) -> str:
    """Markdown as HTML with any raw HTML in it escaped and no javascript: links.

    Our markdown is written by us or escaped from data, and never needs raw HTML: refusing it
    here means that text which slipped through unescaped is still shown, never run.
    """
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    renderer = IPythonRenderer(escape=True, allow_harmful_protocols=False, **options)
    return MarkdownWithMath(renderer=renderer).render(text)


_EXPORTERS = threading.local()


def _page_exporter() -> Any:
    """This thread's exporter of pages, made once: compiling its templates took 0.2 s a page.

    One a thread, as a pack's pages are written from several threads at once.
    """
    exporter = getattr(_EXPORTERS, "page", None)
    if exporter is None:
        exporter = _EXPORTERS.page = _text_safe_exporter(
            # Body only, from the package's template (classic cells + SVG alt); naming the base
            # folder also stops nbconvert looking for templates in the current directory.
            extra_template_basedirs=[str(TEMPLATE_DIR.parent)],
            template_name=TEMPLATE_DIR.name,
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_anchor_links=True,  # "¶" links read out as noise by screen readers
        )
    return exporter


def _text_safe_exporter(**config: Any) -> Any:
    """nbconvert's HTML exporter, rendering markdown cells and outputs as `_markdown_to_html`."""
    from nbconvert import HTMLExporter

    class TextSafeExporter(HTMLExporter):
        # Registered as a plain jinja filter (the base class's takes the template context, which
        # is only used for cell attachments: the project's notebooks have none).
        def markdown2html(self, source: str) -> str:  # type: ignore[override]
            return _markdown_to_html(
                source,
                exclude_anchor_links=self.exclude_anchor_links,
                anchor_link_text=self.anchor_link_text,
            )

    return TextSafeExporter(**config)


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
    items = []
    for entry in entries:
        title = str(entry["title"])
        href = html.escape(str(entry["href"]), quote=True)
        parts = ["<li>"]
        thumbnail = entry.get("thumbnail")
        if thumbnail:
            alt = entry.get("thumbnail_alt") or f"First chart of the report: {title}"
            parts.append(
                f'<img src="{html.escape(str(thumbnail), quote=True)}" '
                f'alt="{html.escape(str(alt), quote=True)}">'
            )
        parts.append("<div>")
        parts.append(f'<h2><a href="{href}">{html.escape(title)}</a></h2>')
        finding = entry.get("finding")
        if finding:
            parts.append(f'<p class="finding">{_markdown_inline(str(finding))}</p>')
        parts.append("</div>")
        parts.append("</li>")
        items.append("\n".join(parts))
    body = (
        f"<h1>{html.escape(heading)}</h1>\n"
        f"<p>{html.escape(intro, quote=False)}</p>\n"
        '<ul class="reports">\n' + "\n".join(items) + "\n</ul>"
    )
    return _page(heading, body, footer_html, nav=False)


def footer_html(data: Mapping[str, Any]) -> str:
    """A short HTML footer stating the same facts as the manifest, for every report page."""
    git = data["git"]
    commit = str(git["commit"])
    if commit == provenance.UNKNOWN:
        built = "Built outside a git checkout (commit unknown)"
    else:
        state = "with uncommitted changes" if git["dirty"] is True else "clean tree"
        built = f"Built from commit <code>{html.escape(commit[:12])}</code> ({state})"
    packages = ", ".join(f"{html.escape(k)} {html.escape(v)}" for k, v in data["packages"].items())
    count = len(data["inputs"])
    return (
        f"<p>{built}; {count} input files, digest <code>{html.escape(data['inputs_digest'])}</code>"
        f' (SHA-256 of each in <a href="manifest.json">manifest.json</a>).</p>\n'
        f"<p>Packages: {packages}.</p>"
    )

"""Every HTML page of the report, index included, is accessible (WCAG 2.2 AA, axe-core).

Two layers: fast structural checks without a browser, and axe-core run in headless Debian
chromium driven by Playwright. Without chromium the browser tests fail, never skip: a suite
must not pass by not looking. `make test` installs it (`make browser`, `.ci/install-browser`);
CHROMIUM=/path/to/chromium names another build.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from built_report import report_folder
from html_outline import Outline
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.report import pages

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.0-2.2 A and AA, plus axe's best practices (landmarks, one h1, heading order).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
# reports/, a report ANALYSIS_REPORTS_DIR names, or one built for the tests (built_report).
REPORTS = report_folder()
PNG_B64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC"
)


def fail_without(reason: str) -> None:
    """A missing prerequisite is a failure, never a silent pass."""
    pytest.fail(reason)


def report_pages() -> list[Path]:
    """The built report's HTML pages, index first."""
    if not (REPORTS / "index.html").is_file():
        return []
    pages = sorted(REPORTS.glob("*.html"))
    return sorted(pages, key=lambda p: p.name != "index.html")


PAGES = report_pages()
PAGE_IDS = [p.name for p in PAGES]
NOT_BUILT = f"{REPORTS}/index.html was not built"


# --- fast structural checks, no browser ------------------------------------------------------


def outline_problems(page: str) -> list[str]:
    """Everything structurally wrong with a page, as readable lines."""
    o = Outline()
    o.feed(page)
    problems = []
    if o.lang != "en-GB":
        problems.append(f'<html lang> is {o.lang!r}, expected "en-GB"')
    if not o.title.strip():
        problems.append("no <title>")
    if o.headings.count(1) != 1:
        problems.append(f"{o.headings.count(1)} h1 elements, expected exactly one")
    if o.headings and o.headings[0] != 1:
        problems.append(f"first heading is h{o.headings[0]}, expected h1")
    for before, after in zip(o.headings, o.headings[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading h{after} follows h{before}: a level is skipped")
    for img in o.imgs:
        alt = (img.get("alt") or "").strip()
        if not alt:
            problems.append(f"img without alt text: {str(img.get('src'))[:60]}")
        elif alt == pages.NO_ALT_DEFAULT:
            problems.append("img with nbconvert's placeholder alt text")
    if o.footers != 1:
        problems.append(f"{o.footers} footers, expected one (provenance)")
    if o.code_inputs:
        problems.append(f"{o.code_inputs} code inputs or prompts shown")
    return problems


def sample_pages(folder: Path) -> list[Path]:
    """A report page and an index made here by html_export, for when reports/ is not built."""
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# Open children in need cases\n\nBefore and after the programme."),
        new_code_cell('authority = "Peterborough"', metadata={"tags": ["parameters"]}),
        new_code_cell(
            "charts.show(fig, alt=alt, table=df)",
            outputs=[
                new_output(
                    "display_data",
                    data={"image/png": PNG_B64, "text/plain": "<Figure>"},
                    metadata={"image/png": {"alt": "Open CIN cases fell from 1486 to 1000."}},
                ),
                new_output(
                    "display_data",
                    data={
                        "text/html": (
                            '<table border="1" class="dataframe"><thead><tr style="text-align: '
                            'right;"><th></th><th>open CIN cases</th></tr><tr><th>period</th>'
                            "<th></th></tr></thead><tbody><tr><th>December 2011</th><td>1486</td>"
                            "</tr><tr><th>end of April 2012</th><td>1000</td></tr></tbody></table>"
                        )
                    },
                ),
            ],
        ),
        new_markdown_cell("## What it shows\n\nThe open caseload fell by about a third."),
        new_code_cell(
            "finding",
            metadata={"tags": ["finding"]},
            outputs=[new_output("display_data", data={"text/markdown": "Fell by **486**."})],
        ),
    ]
    footer = '<p>Commit <code>abc1234</code>; <a href="manifest.json">inputs and versions</a>.</p>'
    report = folder / "02_cin_cases.html"
    report.write_text(pages.notebook_to_html(nb, "Open CIN cases", footer), "utf-8")
    (folder / "thumb.png").write_bytes(base64.b64decode(PNG_B64))
    entries = [
        {"title": "Open CIN cases", "href": report.name, "thumbnail": "thumb.png", "finding": "x"}
    ]
    index = folder / "index.html"
    index.write_text(pages.index_to_html(entries, footer), "utf-8")
    return [index, report]


def test_report_is_built_or_skip_with_reason() -> None:
    if not PAGES:
        fail_without(NOT_BUILT)
    assert (REPORTS / "index.html") in PAGES
    assert len(PAGES) >= 2, "the index links no report page"


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_report_page_structure(page: Path) -> None:
    problems = outline_problems(page.read_text(encoding="utf-8"))
    assert not problems, f"{page.name}:\n  " + "\n  ".join(problems)


def test_index_links_and_thumbnails_resolve() -> None:
    if not PAGES:
        fail_without(NOT_BUILT)
    o = Outline()
    o.feed((REPORTS / "index.html").read_text(encoding="utf-8"))
    local = [h for h in o.links if not re.match(r"[a-z]+:|#", h)]
    pages = [h for h in local if h.endswith(".html")]
    assert pages, "the index links no report"
    assert sorted(pages) == sorted(p.name for p in PAGES if p.name != "index.html")
    missing = [h for h in local if not (REPORTS / h).exists()]
    missing += [str(i["src"]) for i in o.imgs if not (REPORTS / str(i["src"])).is_file()]
    assert not missing, f"index.html links to missing files: {missing}"


def test_outline_checks_catch_bad_pages() -> None:
    bad = (
        '<!DOCTYPE html><html lang="en"><head><title></title></head><body><h2>x</h2><h1>a</h1>'
        f'<h1>b</h1><h4>c</h4><img src="a.png"><img src="b.png" alt="{pages.NO_ALT_DEFAULT}">'
        '<div class="input_area">code</div></body></html>'
    )
    problems = "\n".join(outline_problems(bad))
    for expected in (
        "lang",
        "no <title>",
        "2 h1",
        "first heading is h2",
        "h4 follows h1",
        "img without alt",
        "placeholder alt",
        "0 footers",
        "code inputs",
    ):
        assert expected in problems


def test_sample_pages_have_a_sound_outline(tmp_path: Path) -> None:
    for page in sample_pages(tmp_path):
        assert outline_problems(page.read_text(encoding="utf-8")) == [], page.name


# --- axe-core in headless chromium ----------------------------------------------------------


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Any]:
    """One headless chromium page for the module; without a browser the tests fail."""
    chromium = shutil.which(CHROMIUM) or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if chromium is None:
        fail_without(f"chromium not found at {CHROMIUM}: `make browser` installs Debian's")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        fail_without("playwright is not installed (pip install playwright)")
    try:
        import axe_playwright_python  # noqa: F401
    except ImportError:
        fail_without("axe-playwright-python is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def axe_violations(page: Any, path: Path) -> tuple[int, str]:
    """Open a file in the browser, run axe-core; return the violation count and a report."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(path.resolve().as_uri())
    results = Axe().run(page, options=AXE_OPTIONS)
    lines = []
    for v in results.response["violations"]:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return results.violations_count, "\n".join(lines)


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_report_page_has_no_axe_violations(browser_page: Any, path: Path) -> None:
    count, report = axe_violations(browser_page, path)
    assert count == 0, f"{path.name}: {count} axe-core violation(s):\n{report}"


def test_sample_pages_have_no_axe_violations(browser_page: Any, tmp_path: Path) -> None:
    # Checks html_export itself, whether or not reports/ has been built.
    for path in sample_pages(tmp_path):
        count, report = axe_violations(browser_page, path)
        assert count == 0, f"{path.name}: {count} axe-core violation(s):\n{report}"


def test_axe_harness_reports_planted_violations(browser_page: Any, tmp_path: Path) -> None:
    # A zero from the tests above means something only if the harness can see a violation.
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>t</title></head><body><main><h1>t</h1>"
        '<img src="x.png"><p style="color:#bbbbbb;background:#ffffff">faint text</p>'
        "</main></body></html>",
        encoding="utf-8",
    )
    count, report = axe_violations(browser_page, bad)
    assert count >= 3, report
    for rule in ("html-has-lang", "image-alt", "color-contrast"):
        assert f"- {rule} " in report


def page_overflow(page: Any, path: Path, width: int) -> int:
    """How many pixels a page scrolls sideways at a viewport this wide (0: none)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(path.resolve().as_uri())
    return int(page.evaluate("document.documentElement.scrollWidth")) - width


@pytest.mark.parametrize("width", [1200, 390])
@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_report_page_never_scrolls_sideways(browser_page: Any, path: Path, width: int) -> None:
    # Wide tables scroll inside their own region; long sources and hashes wrap.
    assert page_overflow(browser_page, path, width) <= 0, f"{path.name} at {width} px"


def test_a_wide_table_and_a_long_hash_do_not_widen_a_phone_page(
    browser_page: Any, tmp_path: Path
) -> None:
    cells = "".join(f"<th>Series number {i} with a long name</th>" for i in range(12))
    fragment = (
        f"<table><caption>Wide</caption><tr>{cells}</tr></table>"
        f"<p>Source: assessments.csv, sha256:{'ab12' * 16}</p>"
    )
    page = tmp_path / "wide.html"
    page.write_text(
        pages._page("Wide", "<h1>Wide</h1>" + pages.scrolling_tables(fragment), "<p>f</p>"),
        encoding="utf-8",
    )
    assert page_overflow(browser_page, page, 390) <= 0


def test_a_wide_tables_caption_wraps_on_a_phone_and_its_first_column_stays_in_view(
    browser_page: Any, tmp_path: Path
) -> None:
    heads = "".join(f"<th>Series number {i} with a long name</th>" for i in range(8))
    cells = "".join(f"<td>{i}.5</td>" for i in range(7))
    caption = "Latest values, rank among all authorities and quartile, for every measure shown"
    fragment = (
        f"<table><caption>{caption}</caption><thead><tr>{heads}</tr></thead>"
        f"<tbody><tr><th>Children in need</th>{cells}</tr></tbody></table>"
    )
    page = tmp_path / "wide.html"
    page.write_text(
        pages._page("Wide", "<h1>Wide</h1>" + pages.scrolling_tables(fragment), "<p>f</p>"),
        encoding="utf-8",
    )
    browser_page.set_viewport_size({"width": 390, "height": 900})
    browser_page.goto(page.resolve().as_uri())
    shown = browser_page.evaluate(
        """() => {
        const caption = document.querySelector('.table-caption');
        const region = document.querySelector('.table-scroll');
        const first = () => document.querySelector('tbody th').getBoundingClientRect().left;
        const before = first();
        region.scrollLeft = 300;
        return {captionRight: caption.getBoundingClientRect().right,
                captionText: caption.textContent,
                scrolls: region.scrollWidth > region.clientWidth,
                scrolled: region.scrollLeft,
                firstBefore: before, firstAfter: first(),
                regionLeft: region.getBoundingClientRect().left,
                shadow: getComputedStyle(region).backgroundImage};
        }"""
    )
    assert shown["captionText"] == caption
    assert shown["captionRight"] <= 390  # the caption wraps within the screen, whole
    assert shown["scrolls"] and shown["scrolled"] == 300
    # The first column stays where it was while the rest scrolls under it.
    assert abs(shown["firstAfter"] - shown["firstBefore"]) <= 1
    assert abs(shown["firstAfter"] - shown["regionLeft"]) <= 1  # at the region's left edge
    assert "gradient" in shown["shadow"]  # the edge that hides columns is shaded


def chart_page(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A page with two published charts (one panel, two panels) and their saved files."""
    from IPython.core.formatters import DisplayFormatter
    from tidy_rows import shipped_like

    from analysis import config
    from analysis.charts import data_tables, figures, kinds
    from analysis.present import selection

    shown: list[Any] = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append((obj, kw)))
    monkeypatch.setenv(config.REPORTS_ENV, str(folder))
    rows = shipped_like()
    cin = selection.select(rows, "open_cin_cases")
    both = [selection.select(rows, "caseload_per_worker"), cin]
    for name, panels in (("one", cin), ("two", both)):
        fig = kinds.change_chart(panels, f"Chart {name}", subtitle="What it measures")
        table = data_tables.table(panels)
        figures.publish(fig, name, "figures", alt=f"Chart {name}.", table=table)
    outputs = []
    for obj, kw in shown:
        data, meta = DisplayFormatter().format(obj)
        meta = {**meta, **kw.get("metadata", {})}
        outputs.append(new_output("display_data", data=data, metadata=meta))
    nb = new_notebook()
    nb.cells = [new_markdown_cell("# Charts"), new_code_cell("charts", outputs=outputs)]
    page = folder / "charts.html"
    page.write_text(pages.notebook_to_html(nb, "Charts", "<p>f</p>"), "utf-8")
    return page


# The smallest text a chart draws: 8 points (style.SMALLEST_FONTSIZE), at 150 dpi 16.67 px of
# the PNG. The page shows the PNG scaled by (shown width / PNG width): on a 390 px phone that
# must leave at least 9 CSS px.
SMALLEST_PNG_PX = 8 / 72 * 150


def _charts_as_shown(page: Any, path: Path, width: int) -> list[dict[str, Any]]:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    return page.evaluate(
        """() => [...document.querySelectorAll('figure.chart img')].map(i => ({
            src: i.currentSrc, natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
            link: i.closest('a') && i.closest('a').getAttribute('href')}))"""
    )


def test_charts_on_a_phone_are_narrow_variants_with_text_of_9_css_px_or_more(
    browser_page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = chart_page(tmp_path, monkeypatch)
    charts = _charts_as_shown(browser_page, page, 390)
    assert [c["src"].rsplit("/", 1)[-1] for c in charts] == ["one-narrow.png", "two-narrow.png"]
    for chart in charts:
        assert SMALLEST_PNG_PX * chart["shown"] / chart["natural"] >= 9, chart
    assert [c["link"] for c in charts] == ["figures/one.png", "figures/two.png"]  # full size
    assert page_overflow(browser_page, page, 390) <= 0


def test_charts_on_a_desktop_are_shown_at_one_scale(
    browser_page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = chart_page(tmp_path, monkeypatch)
    one, two = _charts_as_shown(browser_page, page, 1200)
    assert one["src"].startswith("data:image/png") and two["natural"] > one["natural"]
    # 86 CSS px an inch of a 150 dpi figure: every chart scaled by 86 / 150 = 0.573, its
    # smallest text 16.67 * 0.573 = 9.6 px, whatever its width.
    for chart in (one, two):
        assert abs(chart["shown"] / chart["natural"] - 86 / 150) < 0.002, chart

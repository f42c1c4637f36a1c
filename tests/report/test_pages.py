"""The HTML export: no code, alt text from metadata, one h1, stable bytes, accessible tables."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from html_outline import outline
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.report import pages

# A 1x1 white PNG: the export only needs a valid image, not a chart.
PNG_B64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC"
)
ALT = "Dot plot: open children in need cases fell from 1486 in December 2011 to 1000 in April 2012."
FOOTER = '<p>Built from commit <code>abc1234</code>. <a href="manifest.json">Provenance</a></p>'


def sample_notebook(alt: str | None = ALT) -> nbformat.NotebookNode:
    """A small executed notebook shaped like the project's: title, parameters, chart, finding."""
    table = pd.DataFrame(
        {"period": ["December 2011", "end of April 2012"], "open CIN cases": [1486, 1000]}
    ).set_index("period")
    figure_meta = {"image/png": {"alt": alt}} if alt is not None else {}
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# Open children in need cases\n\nWhat happened to the open caseload."),
        new_code_cell(
            'metrics_path = "data/processed/metrics.csv"', metadata={"tags": ["parameters"]}
        ),
        new_code_cell('SECRET_CODE = load("metrics.csv")'),
        new_code_cell(
            "charts.show(fig, alt=alt, table=df)",
            outputs=[
                new_output(
                    "display_data",
                    data={"image/png": PNG_B64, "text/plain": "<Figure size 640x480>"},
                    metadata=figure_meta,
                ),
                new_output("display_data", data={"text/html": table.to_html(), "text/plain": "t"}),
                new_output(
                    "stream", name="stderr", text="/home/someone/.venv/lib/x.py:3: FutureWarning\n"
                ),
            ],
        ),
        new_markdown_cell("## What it shows\n\nThe open caseload fell by about a third."),
        new_code_cell(
            "Markdown(finding)",
            metadata={"tags": ["finding"]},
            outputs=[
                new_output(
                    "display_data",
                    data={
                        "text/markdown": "Open CIN cases fell by **486** (32.7%).",
                        "text/plain": "<IPython.core.display.Markdown object>",
                    },
                )
            ],
        ),
    ]
    return nb


def test_report_page_has_no_code_and_keeps_outputs() -> None:
    page = pages.notebook_to_html(sample_notebook(), "Open CIN cases", FOOTER)
    assert "SECRET_CODE" not in page
    assert "metrics_path" not in page
    assert "In&nbsp;[" not in page and "Out[" not in page
    assert "input_area" not in page
    assert "<strong>486</strong>" in page  # the finding is rendered, not shown as markdown source
    assert "December 2011" in page  # the numbers behind the figure
    assert "FutureWarning" not in page and "/home/someone" not in page  # stderr dropped


def test_report_page_structure_for_assistive_technology() -> None:
    page = pages.notebook_to_html(sample_notebook(), "Open CIN cases", FOOTER)
    o = outline(page)
    assert o.lang == "en-GB"
    assert o.title == "Open CIN cases"
    assert o.headings == [1, 2]
    assert "<main>" in page and page.index("<main>") < page.index("<footer>")
    assert [img.get("alt") for img in o.imgs] == [ALT]
    assert pages.NO_ALT_DEFAULT not in page


def test_footer_is_inserted_verbatim_at_the_bottom() -> None:
    page = pages.notebook_to_html(sample_notebook(), "t", FOOTER)
    footer = page[page.index("<footer>") :]
    assert FOOTER in footer
    assert page.index(FOOTER) > page.index("</main>")


def test_figure_without_alt_text_is_refused_naming_the_cell() -> None:
    with pytest.raises(pages.AccessibilityError, match=r"cell 4"):
        pages.notebook_to_html(sample_notebook(alt=None), "t", FOOTER)


def test_tables_get_header_scopes_and_no_empty_header_cells() -> None:
    page = pages.notebook_to_html(sample_notebook(), "t", FOOTER)
    o = outline(page)
    scopes = [th.get("scope") for th in o.ths]
    assert scopes.count("row") == 2  # the two period labels head their rows
    assert "col" in scopes
    assert None not in scopes
    assert not re.search(r"<th[^>]*>\s*</th>", page)


def test_output_is_deterministic_whatever_the_cell_ids() -> None:
    first = sample_notebook()
    second = sample_notebook()  # nbformat gives every new cell a random id
    assert [c.id for c in first.cells] != [c.id for c in second.cells]
    a = pages.notebook_to_html(first, "t", FOOTER)
    b = pages.notebook_to_html(second, "t", FOOTER)
    assert a == b
    for cell in first.cells:
        assert cell.id not in a


def test_export_does_not_modify_the_callers_notebook() -> None:
    nb = sample_notebook()
    before = nbformat.writes(nb)
    pages.notebook_to_html(nb, "t", FOOTER)
    assert nbformat.writes(nb) == before


def test_index_links_each_report_with_thumbnail_alt_and_finding() -> None:
    entries = [
        {
            "title": "Caseloads & staffing",
            "href": "01_caseloads.html",
            "thumbnail": "figures/01_caseloads-caseload.png",
            "finding": "Caseloads fell to **17** per worker.",
        },
        {
            "title": "Open CIN cases",
            "href": "02_cin_cases.html",
            "thumbnail": None,
            "finding": "Open CIN cases fell by 486.",
        },
    ]
    page = pages.index_to_html(entries, FOOTER)
    o = outline(page)
    assert o.lang == "en-GB" and o.title
    assert o.headings == [1, 2, 2]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', page)
    assert ("01_caseloads.html", "Caseloads &amp; staffing") in links
    assert ("02_cin_cases.html", "Open CIN cases") in links
    assert [img["src"] for img in o.imgs] == ["figures/01_caseloads-caseload.png"]
    assert all(img.get("alt") for img in o.imgs)
    assert "<strong>17</strong>" in page
    assert FOOTER in page[page.index("<footer>") :]


def test_index_uses_given_thumbnail_alt() -> None:
    entry = {"title": "T", "href": "t.html", "thumbnail": "f.png", "finding": "F."}
    page = pages.index_to_html([{**entry, "thumbnail_alt": "Dot plot of X"}], "")
    assert 'alt="Dot plot of X"' in page


def test_first_figure_alt_gives_the_thumbnail_its_description() -> None:
    assert pages.first_figure_alt(sample_notebook()) == ALT
    no_figures = sample_notebook()
    no_figures.cells = [c for c in no_figures.cells if c.cell_type == "markdown"]
    assert pages.first_figure_alt(no_figures) is None


def test_svg_figures_get_their_alt_text_too() -> None:
    nb = sample_notebook()
    figure = nb.cells[3].outputs[0]
    figure.data = {"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg"/>'}
    figure.metadata = {"image/svg+xml": {"alt": ALT}}
    o = outline(pages.notebook_to_html(nb, "t", FOOTER))
    assert [img.get("alt") for img in o.imgs] == [ALT]
    assert o.imgs[0]["src"].startswith("data:image/svg+xml;base64,")


def test_templates_are_not_looked_up_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # nbconvert searches the working directory for templates unless told where they are.
    decoy = tmp_path / "templates"
    decoy.mkdir()
    (decoy / "index.html.j2").write_text("DECOY", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert "DECOY" not in pages.notebook_to_html(sample_notebook(), "t", FOOTER)


def test_numeric_cells_are_marked_to_align_right() -> None:
    table = pd.DataFrame({"period": ["April 2012"], "value": ["1,486"], "share": ["32.7%"]})
    fixed = pages.accessible_tables(table.to_html(index=False))
    assert "<td>April 2012</td>" in fixed
    assert '<td class="num">1,486</td>' in fixed
    assert '<td class="num">32.7%</td>' in fixed


def test_every_table_scrolls_in_its_own_focusable_named_region() -> None:
    from bs4 import BeautifulSoup

    page = pages.notebook_to_html(sample_notebook(), "Open CIN cases", FOOTER)
    soup = BeautifulSoup(page, "html.parser")
    tables = soup.find_all("table")
    assert tables
    for table in tables:
        region = table.parent
        assert region.name == "div" and "table-scroll" in region.get("class", [])
        assert region["tabindex"] == "0" and region["role"] == "region"
        assert region["aria-label"].strip()
    assert ".table-scroll { max-width: 100%; overflow-x: auto;" in page


def test_scrolling_region_is_named_after_the_caption() -> None:
    fragment = "<table><caption>Numbers &amp; <b>more</b></caption><tr><td>1</td></tr></table>"
    wrapped = pages.scrolling_tables(fragment)
    assert 'aria-label="Numbers &amp; more"' in wrapped
    # The caption above the scrolling region, so that it wraps within the screen; it names the
    # table it was taken from.
    assert wrapped == (
        '<div class="table-wrap">'
        '<p class="table-caption" id="table-caption-1">Numbers &amp; <b>more</b></p>'
        '<div class="table-scroll" tabindex="0" role="region" aria-label="Numbers &amp; more">'
        '<table aria-labelledby="table-caption-1"><tr><td>1</td></tr></table></div></div>'
    )


def test_report_pages_link_back_to_the_index_and_the_index_does_not() -> None:
    from bs4 import BeautifulSoup

    page = pages.notebook_to_html(sample_notebook(), "Open CIN cases", FOOTER)
    nav = BeautifulSoup(page, "html.parser").find("nav")
    assert nav is not None and nav.find("a", href="index.html").get_text() == "All reports"
    index = pages.index_to_html([], FOOTER)
    assert "All reports</a>" not in index


def test_page_ends_with_definitions_and_caveats_of_what_it_shows() -> None:
    from bs4 import BeautifulSoup

    nb = sample_notebook()
    about = {"metrics": ["open_cin_cases", "new_staff_commenced"], "undated": True}
    nb.cells[3].outputs[1]["metadata"] = {"analysis": about}
    soup = BeautifulSoup(pages.notebook_to_html(nb, "Open CIN cases", FOOTER), "html.parser")
    section = soup.find("main").find_all("section")[-1]
    assert section.find("h2").get_text() == "About these figures"
    terms = [dt.get_text() for dt in section.find_all("dt")]
    assert terms == ["Open children in need cases", "New permanent staff commenced"]
    assert section.find("dd").get_text().startswith("Children in need cases open at the date")
    text = section.get_text(" ")
    assert "management information, not audited statistics" in text
    assert "undated" in text
    # A page showing no measure has no such section.
    assert "About these figures" not in pages.notebook_to_html(sample_notebook(), "t", FOOTER)


def test_scrolling_regions_have_distinct_names_when_captions_repeat() -> None:
    table = "<table><caption>The numbers behind the chart</caption><tr><td>1</td></tr></table>"
    wrapped = pages.scrolling_tables(table * 3)
    names = re.findall(r'aria-label="([^"]*)"', wrapped)
    assert names == [
        "The numbers behind the chart",
        "The numbers behind the chart (2)",
        "The numbers behind the chart (3)",
    ]


def test_a_chart_is_a_figure_with_its_title_as_text_a_narrow_variant_and_a_full_size_link():
    from bs4 import BeautifulSoup

    nb = sample_notebook()
    nb.cells[3].outputs[0]["metadata"]["image/png"].update(
        title="Open CIN cases fell by a third",
        subtitle="Open children in need cases <at month end>",
        width=473,
        height=330,
        href="figures/02-open.png",
        narrow="figures/02-open-narrow.png",
        narrow_width=630,
        narrow_height=900,
    )
    soup = BeautifulSoup(pages.notebook_to_html(nb, "t", FOOTER), "html.parser")
    (figure,) = soup.find_all("figure")
    assert figure.figcaption.get_text(" ", strip=True) == (
        "Open CIN cases fell by a third Open children in need cases <at month end>"
    )
    link = figure.find("a")
    assert link["href"] == "figures/02-open.png"  # one tap opens it full size
    source = link.picture.source  # phones get the one-column variant
    assert source["media"] == "(max-width: 48rem)"
    assert source["srcset"] == "figures/02-open-narrow.png"
    assert (source["width"], source["height"]) == ("630", "900")
    img = link.picture.img
    assert (img["width"], img["height"], img["alt"]) == ("473", "330", ALT)


def test_a_chart_link_that_is_not_a_relative_path_is_dropped():
    from bs4 import BeautifulSoup

    nb = sample_notebook()
    nb.cells[3].outputs[0]["metadata"]["image/png"].update(
        href="javascript:alert(1)", narrow="/etc/passwd"
    )
    soup = BeautifulSoup(pages.notebook_to_html(nb, "t", FOOTER), "html.parser")
    (figure,) = soup.find_all("figure")
    assert figure.find("a") is None and figure.find("source") is None
    assert figure.find("img")["alt"] == ALT


def test_html_outputs_keep_their_tables_and_lose_anything_that_runs():
    nb = sample_notebook()
    nb.cells[3].outputs[1]["data"]["text/html"] = (
        '<details class="chart-numbers"><summary>Numbers</summary>'
        '<table><caption>C</caption><tr><td onclick="alert(1)">1</td></tr></table></details>'
        '<p class="download"><a href="figures/x.csv">CSV</a></p><script>alert(2)</script>'
        '<a href="javascript:alert(3)">x</a>'
    )
    page = pages.notebook_to_html(nb, "t", FOOTER)
    assert '<details class="chart-numbers"><summary>Numbers</summary>' in page
    assert '<a href="figures/x.csv">CSV</a>' in page
    assert "onclick" not in page and "<script" not in page and "javascript:" not in page


def test_a_pack_page_links_the_figures_in_its_own_folder():
    from bs4 import BeautifulSoup

    nb = sample_notebook()
    nb.cells[3].outputs[0]["metadata"]["image/png"].update(
        href="figures/05-trends.png", narrow="figures/05-trends-narrow.png"
    )
    nb.cells[3].outputs[1]["data"]["text/html"] = '<p><a href="figures/05-trends.csv">CSV</a></p>'
    page = pages.notebook_to_html(nb, "t", FOOTER, figures="figures/luton")
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("figure").a["href"] == "figures/luton/05-trends.png"
    assert soup.find("source")["srcset"] == "figures/luton/05-trends-narrow.png"
    assert soup.find("a", string="CSV")["href"] == "figures/luton/05-trends.csv"

"""Text from data is shown as text on every page, never as markup; no page may run a script."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis import config
from analysis.cases import synth
from analysis.cli import main
from analysis.errors import DataError
from analysis.metrics.clean import clean
from analysis.present import formatting
from analysis.report import folders, pages, runner

HOSTILE = 'Family <b onmouseover="alert(1)">Support</b>'
HOSTILE_LINK = "[see](javascript:alert(2)) <script>alert(3)</script> <img src=x onerror=alert(4)>"


def live_markup(page: str) -> list[str]:
    """Elements or attributes in a page that could run code or that came from planted text."""
    soup = BeautifulSoup(page, "html.parser")
    found = [f"<{t.name}>" for t in soup.find_all(["script", "iframe", "object", "embed"])]
    for tag in soup.find_all(True):
        found += [f"{tag.name} {a}" for a in tag.attrs if a.lower().startswith("on")]
        for attr in ("href", "src", "action", "formaction"):
            value = str(tag.get(attr, "")).strip().lower()
            if value.startswith("javascript:"):
                found.append(f"{tag.name} {attr}={value}")
    found += [f"<b>{b.get_text()}</b>" for b in soup.find_all("b") if "Support" in b.get_text()]
    found += [f"<img src={i.get('src')}>" for i in soup.find_all("img") if i.get("src") == "x"]
    return found


def shown_text(page: str) -> str:
    return " ".join(BeautifulSoup(page, "html.parser").get_text().split())


def test_escaped_markdown_shows_every_character_as_written() -> None:
    rendered = pages._markdown_inline(formatting.markdown_escape(HOSTILE + " " + HOSTILE_LINK))
    assert live_markup(rendered) == []
    assert shown_text(rendered) == " ".join((HOSTILE + " " + HOSTILE_LINK).split())


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (HOSTILE, HOSTILE),
        # Unescaped markdown is still markdown: the link keeps its words but loses its target.
        (HOSTILE_LINK, "see <script>alert(3)</script> <img src=x onerror=alert(4)>"),
    ],
)
def test_unescaped_text_that_slips_through_is_still_shown_not_run(text: str, shown: str) -> None:
    # A notebook that forgot to escape: markdown output and a markdown cell holding raw HTML.
    out = new_output("display_data", data={"text/markdown": text, "text/plain": "md"})
    nb = new_notebook(
        cells=[new_markdown_cell(f"# Title\n\n{text}"), new_code_cell("x", outputs=[out])]
    )
    page = pages.notebook_to_html(nb, "Title", "")
    assert live_markup(page) == []
    assert shown_text(page).count(shown) == 2
    index = pages.index_to_html([{"title": text, "href": "a.html", "finding": text}], "")
    assert live_markup(index) == []


def test_every_page_forbids_scripts() -> None:
    nb = new_notebook(cells=[new_markdown_cell("# Title")])
    for page in (pages.notebook_to_html(nb, "T", ""), pages.index_to_html([], "")):
        meta = BeautifulSoup(page, "html.parser").find(
            "meta", attrs={"http-equiv": "Content-Security-Policy"}
        )
        assert meta is not None
        assert meta["content"].startswith("default-src 'none';")
        assert "script-src" not in meta["content"]  # so scripts fall back to 'none'


def _plant(raw_dir: Path, team: bool = False) -> None:
    """The shipped raw figures, with hostile text as every citation (and as a team name)."""
    for path in sorted(config.DATA_RAW.glob("*.csv")):
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        for row in rows:
            row["source"], row["source_ref"] = HOSTILE, HOSTILE_LINK
            if team and row["scope"] == "Family Support":
                row["scope"] = HOSTILE
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        (raw_dir / path.name).write_text(out.getvalue(), encoding="utf-8")


def test_hostile_citations_reach_the_pages_as_text(tmp_path: Path) -> None:
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    _plant(raw)
    clean(raw, processed)
    layout = folders.Layout(out=tmp_path / "reports", notebooks_dir=config.NOTEBOOKS)
    notebooks = [config.NOTEBOOKS / "01_caseloads.ipynb", config.NOTEBOOKS / "02_cin_cases.ipynb"]
    given = {"metrics_path": str(processed / "metrics.csv")}
    assert runner.build(layout, notebooks, given, clean=False) == 0
    for name in ("01_caseloads.html", "02_cin_cases.html", "index.html"):
        page = (layout.out / name).read_text(encoding="utf-8")
        assert live_markup(page) == [], name
    cin = shown_text((layout.out / "02_cin_cases.html").read_text(encoding="utf-8"))
    assert " ".join(HOSTILE_LINK.split()) in cin  # the citation, in the table, as written


def test_a_hostile_team_name_in_data_raw_is_refused_and_quoted_as_written(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _plant(raw, team=True)
    with pytest.raises(DataError) as err:
        clean(raw, tmp_path / "processed")
    assert f"column 'scope': value '{HOSTILE}': expected 'service' or a known team" in str(
        err.value
    )


def test_a_hostile_team_name_in_an_extract_reaches_page_04_as_text(tmp_path: Path) -> None:
    cases = tmp_path / "extract"
    synth.write(synth.generate(2012), cases)
    episodes = (cases / "cin_episodes.csv").read_text(encoding="utf-8")
    (cases / "cin_episodes.csv").write_text(
        episodes.replace(",Family Support,", f',"{HOSTILE.replace(chr(34), chr(34) * 2)}",'),
        encoding="utf-8",
    )
    layout = folders.Layout(out=tmp_path / "reports", notebooks_dir=config.NOTEBOOKS)
    notebook = config.NOTEBOOKS / "04_case_level_kpis.ipynb"
    kpis = tmp_path / "kpis"  # what the kpis stage writes, from the hostile extract
    assert main(["kpis", "--cases", str(cases), "--out", str(kpis), "--publish"]) == 0
    assert runner.build(layout, [notebook], {"kpis_dir": str(kpis)}, clean=False) == 0
    for name in ("04_case_level_kpis.html", "index.html"):
        assert live_markup((layout.out / name).read_text(encoding="utf-8")) == [], name
    page = shown_text((layout.out / "04_case_level_kpis.html").read_text(encoding="utf-8"))
    assert HOSTILE in page  # the team, in the caseload table, as written

"""Fast builds give the bytes of a slow one: parallel, warm kernels, the cache, the pack.

The reference is a serial build with a fresh kernel per notebook and no cache, as the runner
built before it ran notebooks in parallel. These tests are about bytes, never about time.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from file_trees import snapshot

from analysis import config
from analysis.report import cache, folders, pack, params, tasks

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"
GOOD = FIXTURES / "good"


def report(workspace: Path, *extra: str, notebooks: Path | None = GOOD, timeout: float = 600):
    """`python -m analysis report` writing under `workspace` (fixture notebooks, no stages)."""
    cmd = [sys.executable, "-m", "analysis", "report", "--no-clean"]
    if notebooks is not None:
        cmd += ["--notebooks-dir", str(notebooks)]
    cmd += ["--out", str(workspace / "reports"), *extra]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    """A serial, uncached build, a fresh kernel per notebook."""
    workspace = tmp_path_factory.mktemp("serial")
    report(workspace, "-p", "repeats", "4", "--jobs", "1", "--fresh-kernels", "--no-cache")
    assert not (workspace / cache.CACHE_NAME).exists()
    return snapshot(workspace / "reports")


def test_parallel_warm_build_gives_the_bytes_of_a_serial_fresh_one(tmp_path, reference):
    report(tmp_path, "-p", "repeats", "4", "--jobs", "2")
    assert snapshot(tmp_path / "reports") == reference


def test_one_warm_kernel_running_every_notebook_gives_the_same_bytes(tmp_path, reference):
    report(tmp_path, "-p", "repeats", "4", "--jobs", "1", "--no-cache")
    assert snapshot(tmp_path / "reports") == reference


def test_a_rebuild_with_nothing_changed_runs_nothing_and_gives_the_same_bytes(tmp_path, reference):
    first = report(tmp_path, "-p", "repeats", "4")
    assert first.stderr.count("running ") == 2
    again = report(tmp_path, "-p", "repeats", "4")
    assert "running " not in again.stderr  # no notebook was run, no kernel started
    assert snapshot(tmp_path / "reports") == reference
    assert (
        json.loads((tmp_path / "logs" / "report-runs.log").read_text().splitlines()[-1])["outcome"]
        == "ok"
    )
    # Another parameter is another result: only that is run again.
    other = report(tmp_path, "-p", "repeats", "5")
    assert other.stderr.count("running ") == 2


def test_a_corrupt_or_partial_cache_entry_is_ignored_and_replaced(tmp_path, reference):
    report(tmp_path, "-p", "repeats", "4")
    entries = sorted((tmp_path / cache.CACHE_NAME / "notebooks").glob("*/*/notebook.ipynb"))
    assert len(entries) == 2
    entries[0].write_text("{not a notebook", encoding="utf-8")  # corrupt
    partial = entries[1].parent / cache.ENTRY_FILE
    partial.unlink()  # as if the run died before finishing the entry
    done = report(tmp_path, "-p", "repeats", "4")
    assert done.stderr.count("running ") == 2
    assert snapshot(tmp_path / "reports") == reference
    assert "running " not in report(tmp_path, "-p", "repeats", "4").stderr  # replaced, good


def test_a_notebook_key_follows_only_the_inputs_it_reads():
    layout = folders.Layout(out=config.REPORTS, notebooks_dir=config.NOTEBOOKS)
    caseloads = config.NOTEBOOKS / "01_caseloads.ipynb"
    kpis = config.NOTEBOOKS / "04_case_level_kpis.ipynb"
    given = {"figures_dir": "figures"}
    inputs = {
        "data/raw/cabinet_report_2012-07-10.csv": "a" * 64,
        "data/processed/metrics.csv": "b" * 64,
        "data/processed/kpis/metrics.csv": "c" * 64,
        "notebooks/01_caseloads.ipynb": "d" * 64,
        "notebooks/04_case_level_kpis.ipynb": "e" * 64,
    }

    def keys(hashes):
        return [
            tasks.task_key(layout, path, given, params.notebook_parameters(path) | given, hashes)
            for path in (caseloads, kpis)
        ]

    before = keys(inputs)
    metrics_changed = keys(inputs | {"data/processed/metrics.csv": "f" * 64})
    kpis_changed = keys(inputs | {"data/processed/kpis/metrics.csv": "0" * 64})
    assert metrics_changed[0] != before[0] and metrics_changed[1] == before[1]
    assert kpis_changed[0] == before[0] and kpis_changed[1] != before[1]


def test_a_stage_is_current_only_while_its_outputs_are_as_it_wrote_them(tmp_path):
    store = cache.Cache(tmp_path / cache.CACHE_NAME)
    out = tmp_path / "out.csv"
    out.write_text("a,b\n1,2\n")
    assert not store.stage_is_current("clean", "k1", [out])
    store.stage_ran("clean", "k1", [out])
    assert store.stage_is_current("clean", "k1", [out])
    assert not store.stage_is_current("clean", "k2", [out])  # inputs or code changed
    out.write_text("a,b\n1,3\n")
    assert not store.stage_is_current("clean", "k1", [out])  # someone changed the output
    out.unlink()
    assert not store.stage_is_current("clean", "k1", [out])


def test_progress_prints_plain_lines_when_not_on_a_terminal():
    stream = io.StringIO()
    progress = pack.Progress(3, "pages", stream=stream)
    for name in ("a", "b", "c"):
        progress.done(name)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("1/3 pages done (a), about ") and lines[0].endswith(" left")
    assert lines[-1] == "3/3 pages done (c), done"
    assert "\r" not in stream.getvalue()


def test_page_names_are_plain_file_names():
    assert pack.slug("Bristol, City of") == "bristol-city-of"
    assert pack.slug("Kingston upon Hull, City of") == "kingston-upon-hull-city-of"
    assert pack.slug("St. Helens") == "st-helens"


def test_a_page_in_a_pack_is_the_page_built_alone(tmp_path):
    """Two authorities in a pack with --svg (warm kernels, in parallel) and each built alone;
    then the same pack without --svg, in the same workspace (its cache kept)."""
    pack = tmp_path / "pack"
    authorities = ("--authority", "Luton", "--authority", "York")
    done = report(pack, "--svg", *authorities, notebooks=None)
    pages = snapshot(pack / "reports")
    assert {"luton.html", "york.html", "luton.ipynb", "york.ipynb", "index.html"} <= set(pages)
    assert "2/2 pages done" in done.stderr
    index = pages["index.html"].decode()
    assert '<a href="luton.html">Benchmarks: Luton beside England' in index
    assert 'src="figures/york/05_benchmark-trends.png"' in index
    for name, slug in (("Luton", "luton"), ("York", "york")):
        alone = tmp_path / slug
        report(alone, "-p", "authority", name, "--no-cache", "--jobs", "1", notebooks=None)
        single = snapshot(alone / "reports")
        # The same page, but that its links name the pack's figures folder for the authority.
        relinked = pages[f"{slug}.html"].replace(f"figures/{slug}/".encode(), b"figures/")
        assert relinked == single["05_benchmark.html"]
        assert f'href="figures/{slug}/05_benchmark-trends.png"'.encode() in pages[f"{slug}.html"]
        assert pages[f"{slug}.ipynb"] == single["05_benchmark.ipynb"]
        assert f"<h1>Benchmarks: {name} beside England".encode() in pages[f"{slug}.html"]
        # Peterborough's cabinet report section, heading and all, is on Peterborough's page only.
        assert b"after the cabinet report" not in pages[f"{slug}.html"]
        assert b"cabinet report only" not in pages[f"{slug}.html"]
        figures = {k.split("/")[-1]: v for k, v in single.items() if k.startswith("figures/")}
        assert figures == {
            k.split("/")[-1]: v for k, v in pages.items() if k.startswith(f"figures/{slug}/")
        }
        # The default report writes SVGs: the trend, neighbours and strip charts (three).
        assert sum(name.endswith(".svg") for name in figures) == 3

    # Without --svg: the cached --svg runs are not reused (their SVGs would come back).
    report(pack, *authorities, notebooks=None)
    plain = snapshot(pack / "reports")
    assert not [name for name in plain if name.endswith(".svg")]
    assert set(plain) == {name for name in pages if not name.endswith(".svg")}
    for page in ("index.html", "luton.html", "york.html"):
        # Every file a page links or shows is there: a PNG, a narrow PNG, a CSV, no SVG.
        links = re.findall(r'(?:href|src|srcset)="(figures/[^"]+)"', plain[page].decode())
        assert links and all(link in plain for link in links), page
    manifest = json.loads(plain["manifest.json"])["parameters"]
    assert manifest["luton"]["svg"] is False
    assert json.loads(pages["manifest.json"])["parameters"]["luton"]["svg"] is True
    for name, data in plain.items():
        if name.endswith(".ipynb"):
            # The page's run differs by the parameter the pack gave it, its outputs do not.
            assert b"svg = False" in data and b"svg = False" not in pages[name]
        elif name != "manifest.json":
            # The pages, index, PNGs and CSVs are those of the pack with SVGs, byte for byte.
            assert data == pages[name], name
    # And back: --svg again has its SVGs (its cached runs, not those without).
    report(pack, "--svg", *authorities, notebooks=None)
    assert snapshot(pack / "reports") == pages


def test_an_unknown_region_is_refused_naming_the_regions(tmp_path):
    cmd = [sys.executable, "-m", "analysis", "report", "--no-clean", "--region", "Atlantis"]
    done = subprocess.run(
        [*cmd, "--out", str(tmp_path / "reports")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "no region called 'Atlantis'" in done.stderr and "North East" in done.stderr
    assert not (tmp_path / "reports").exists()


def test_the_longest_notebooks_start_first(tmp_path):
    # Sizes written by hand: the committed outputs (mostly figures) guess a notebook's cost.
    sizes = {"01_small": 10, "05_big": 300, "04_middle": 200, "02_small_too": 10}
    made = []
    for name, size in sizes.items():
        path = tmp_path / f"{name}.ipynb"
        path.write_bytes(b"x" * size)
        made.append(tasks.Task(name=name, notebook=path, parameters={}, figures="figures"))
    order = [t.name for t in tasks.longest_first(made)]
    assert order == ["05_big", "04_middle", "01_small", "02_small_too"]

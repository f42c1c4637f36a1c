"""The "among all authorities" chart: a swarm per measure, the authority and its neighbours
marked by shape as well as colour, England a line, readable on a phone, its numbers as a table
and a CSV.

Counts were found by hand from data/raw/dfe (see tests/story/test_distribution_titles.py for
how): 2025 figures published by 153 of 153 authorities (CIN rate), 151 of 153 (CPP rate), 151 of
153 (CLA rate) and 147 of 149 (caseload).
"""

from __future__ import annotations

import io
import warnings

import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.markers import MarkerStyle

from analysis.charts import distribution as chart
from analysis.charts import figures
from analysis.published import distribution
from analysis.published.page import load_page

HEADLINES = ("cin_rate_per_10k", "cpp_rate_per_10k", "cla_rate_per_10k", "caseload_per_fte")
PUBLISHED = [153, 151, 151, 147]


def _points(name: str) -> pd.DataFrame:
    return distribution.latest(load_page(name), HEADLINES)


def _drawn(name: str):
    points = _points(name)
    fig = chart.strip_chart(points, name, f"{name}'s title", "A subtitle")
    # Drawn as the page draws it; a dot swarmplot cannot place would warn here.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = figures.png_bytes(fig)
    return points, fig, png


@pytest.fixture(scope="module")
def hartlepool():
    return _drawn("Hartlepool")


@pytest.fixture(scope="module")
def scilly():
    return _drawn("Isles of Scilly")


def _shape(path) -> tuple:
    return tuple(map(tuple, path.vertices.round(6)))


SHAPES = {
    _shape(MarkerStyle(m).get_path().transformed(MarkerStyle(m).get_transform())): role
    for m, role in (("o", "other"), ("s", "neighbour"), ("D", "authority"))
}


def _roles(ax) -> list[str]:
    (dots,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    return [SHAPES[_shape(p)] for p in dots.get_paths()]


def test_one_panel_per_measure_every_published_figure_a_dot(hartlepool):
    _, fig, _ = hartlepool
    assert len(fig.axes) == 4
    assert [len(_roles(ax)) for ax in fig.axes] == PUBLISHED
    titles = [ax.get_title(loc="left").replace("\n", " ") for ax in fig.axes]
    assert titles[0] == "Children in need per 10,000 children, 2025"
    assert titles[3].endswith("at 30 September 2025")


def test_the_authority_and_its_neighbours_differ_by_shape(hartlepool):
    _, fig, _ = hartlepool
    # Hartlepool and its ten 2025 neighbours (sn_model_2025_wide.csv row 54) all published a
    # CIN rate: one diamond, ten squares, 142 circles.
    roles = _roles(fig.axes[0])
    assert roles.count("authority") == 1
    assert roles.count("neighbour") == 10
    assert roles.count("other") == 142
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Hartlepool", "Statistical neighbours", "Other authorities", "England"]


def test_the_authority_is_labelled_and_england_drawn(hartlepool):
    _, fig, _ = hartlepool
    cin = fig.axes[0]
    texts = [t.get_text() for t in cin.texts]
    # b1 2025 At31_episodes over ONS children aged 0 to 17 at mid-year 2024: Hartlepool
    # 1341 / 21090 × 10,000 = 635.8; England 402400 / 12183016 = 330.3.
    assert "Hartlepool 635.8" in texts
    assert "England 330.3" in texts
    (england,) = [line for line in cin.get_lines() if line.get_linestyle() != "None"]
    assert list(england.get_xdata()) == [330.3, 330.3]


def test_a_withheld_figure_is_left_out_and_said(scilly):
    _, fig, _ = scilly
    cpp = fig.axes[1]
    # d5 2025: Isles of Scilly and City of London "c": 151 dots, none of them a diamond.
    roles = _roles(cpp)
    assert len(roles) == 151 and "authority" not in roles
    assert "Isles of Scilly: not published (c, suppressed)" in [t.get_text() for t in cpp.texts]


def test_labels_stay_inside_their_panel(scilly):
    _, fig, _ = scilly
    # Isles of Scilly's caseload, 6.0, is the lowest of all: its label is moved in, not cut.
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        box = ax.get_window_extent(renderer)
        for text in ax.texts:
            extent = text.get_window_extent(renderer)
            assert box.x0 - 1 <= extent.x0 and extent.x1 <= box.x1 + 1, text.get_text()


def test_text_is_readable_on_a_phone(hartlepool):
    _, fig, png = hartlepool
    # A 390 px phone gives a chart 366 CSS px (the page's content width there, as the browser
    # tests in tests/report measure): every text at least 9 px at that width.
    scale = 366 / (fig.get_figwidth() * 72)  # px per point
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize")) if t.get_text()]
    assert texts
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() * scale < 9]
    assert small == []
    # Nothing laid out runs off the figure (the labels inside the panels: the test above).
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())  # inches
    assert drawn.x0 >= 0 and drawn.y0 >= 0
    assert drawn.x1 <= fig.get_figwidth() and drawn.y1 <= fig.get_figheight()
    assert png.startswith(b"\x89PNG")


def test_the_same_chart_twice_is_the_same_bytes(hartlepool):
    points, _, png = hartlepool
    again = chart.strip_chart(points, "Hartlepool", "Hartlepool's title", "A subtitle")
    assert figures.png_bytes(again) == png  # no random jitter: the swarm is placed, not shaken


def test_the_numbers_behind_the_chart():
    points = _points("Isles of Scilly")
    table = chart.strip_table(points)
    # A row per area: 153 authorities of the CIN file and England.
    assert len(table) == 154
    first = table.iloc[0]
    assert (first["Area"], first["Group"]) == ("Isles of Scilly", "This authority")
    # 16 / 319 × 10,000 = 501.6; 14 authorities are higher (see the story test): rank 139.
    assert first["Children in need per 10,000 children, 2025"] == "501.6 (rank 139 of 153)"
    assert first["Child protection plans per 10,000 children, 2025"] == "c (suppressed)"
    assert list(table["Group"][1:12]) == ["Statistical neighbour"] * 10 + ["England"]
    assert table.iloc[11]["Children in need per 10,000 children, 2025"] == "330.3"
    others = list(table["Area"][12:])
    assert others == sorted(others)


def test_the_csv_keeps_symbols_and_every_area():
    points = _points("Isles of Scilly")
    csv = pd.read_csv(
        io.BytesIO(figures.csv_bytes(chart.strip_table(points))), keep_default_na=False
    )
    # One row per figure: 153 + 153 + 153 + 149 authority rows and England's for each measure.
    assert len(csv) == 153 * 3 + 149 + 4
    cpp = csv[(csv["metric"] == "cpp_rate_per_10k") & (csv["area_name"] == "Isles of Scilly")]
    assert cpp[["value", "symbol", "status", "area_type"]].values.tolist() == [
        ["", "c", "suppressed", "authority"]
    ]
    assert set(csv["area_type"]) == {"authority", "neighbour", "england", "other"}
    assert csv["source"].str.len().min() > 0

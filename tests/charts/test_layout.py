"""Laying charts out: text wrapped to widths measured as drawn, rows for heading and source."""

from __future__ import annotations

import pytest

from analysis.charts import layout
from analysis.charts.style import house_style

TEXT = "Bournemouth, Christchurch and Poole beside Kingston upon Hull, City of"


def test_wrapped_lines_fit_the_width_and_keep_every_word():
    with house_style():
        fig = layout.new_figure(4, 1)
        wrapped = layout.wrap(fig, TEXT, 1.5, 10.5)
        lines = wrapped.split("\n")
        assert " ".join(lines) == TEXT  # nothing lost, nothing cut mid-word
        assert len(lines) > 1
        for k, line in enumerate(lines):
            assert layout.text_width(fig, line, 10.5) <= 1.5
            if k + 1 < len(lines):  # greedy: the next word would not have fitted
                longer = f"{line} {lines[k + 1].split()[0]}"
                assert layout.text_width(fig, longer, 10.5) > 1.5


URL = "https://careappointments.com/care-news/england/85834/figures-show-extent-of-failings"


def test_a_web_address_wider_than_the_line_breaks_after_its_slashes_and_hyphens():
    with house_style():
        fig = layout.new_figure(4, 1)
        lines = layout.wrap(fig, f"Source: {URL}.", 2.0, 8.5).split("\n")
        assert "".join(lines[1:]) == f"{URL}." and lines[0] == "Source:"
        for line in lines:
            assert layout.text_width(fig, line, 8.5) <= 2.0
        assert all(line.endswith(("/", "-", ".")) for line in lines[1:-1])
        # With no separator to break at, a word breaks between characters, and still fits.
        pieces = layout.wrap(fig, "Christchurch", 0.3, 10.5).split("\n")
        assert "".join(pieces) == "Christchurch" and len(pieces) > 1
        assert all(layout.text_width(fig, p, 10.5) <= 0.3 for p in pieces)
        assert layout.wrap(fig, "", 1, 10.5) == ""


def test_bold_text_is_measured_wider_than_regular():
    with house_style():
        fig = layout.new_figure(4, 1)
        assert layout.text_width(fig, TEXT, 10.5, "bold") > layout.text_width(fig, TEXT, 10.5)


def test_text_height_counts_lines_at_their_leading():
    # Two lines of 13-point text at 1.25 leading: 2 * 13 * 1.25 / 72 = 0.4514 inches.
    assert layout.lines_height("a\nb", 13, 1.25) == pytest.approx(0.4514, abs=1e-4)
    assert layout.lines_height("", 13, 1.25) == 0


def test_a_framed_figure_is_as_tall_as_its_three_bands_and_its_panels_keep_to_theirs():
    fig = layout.new_figure(5, 1)
    layout.framed(fig, 0.5, 3.0, 0.25)
    assert fig.get_figheight() == pytest.approx(3.75)
    ax = fig.subplots()
    ax.set_title("A panel's title")
    ax.set_xlabel("years")
    fig.draw_without_rendering()
    # The panel, its title and labels lie within the middle band: from 0.25 to 3.25 inches.
    box = ax.get_tightbbox()
    assert box.y1 <= 3.25 * fig.dpi and box.y0 >= 0.25 * fig.dpi


def test_a_legend_band_at_the_top_pushes_the_panels_down_by_its_height():
    fig = layout.new_figure(5, 1)
    layout.framed(fig, 0.5, 3.0, 0.25)
    ax = fig.subplots()
    ax.plot([1, 2], [1, 2], label="England")
    legend = fig.legend()
    layout.legend_band(fig, legend, "top")
    fig.draw_without_rendering()
    key = legend.get_window_extent()
    assert key.y1 <= 3.25 * fig.dpi + 0.5  # under the heading's band
    assert ax.get_tightbbox().y1 <= key.y0  # and above the panel


def test_a_settled_figure_keeps_its_panels_where_they_are_rounded_and_has_no_engine():
    fig = layout.new_figure(5, 1)
    layout.framed(fig, 0.5, 3.0, 0.25)
    ax = fig.subplots()
    ax.set_title("A title")
    layout.settle(fig)
    assert fig.get_layout_engine() is None
    bounds = ax.get_position().bounds
    assert all(round(v, layout.PLACES) == v for v in bounds)
    fig.draw_without_rendering()  # later draws do not move it
    assert ax.get_position().bounds == bounds

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


def test_a_framed_figure_is_as_tall_as_its_three_rows():
    fig = layout.new_figure(5, 1)
    head, body, foot = layout.framed(fig, 0.5, 3.0, 0.25)
    assert fig.get_figheight() == pytest.approx(3.75)
    ax = body.subplots()
    fig.draw_without_rendering()
    # The panel lies within the middle row: below 3.25 inches from the bottom, above 0.25.
    box = ax.get_window_extent()
    assert box.y1 <= 3.25 * fig.dpi and box.y0 >= 0.25 * fig.dpi
    assert fig.subfigs == [head, body, foot]

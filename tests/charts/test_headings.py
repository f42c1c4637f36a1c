"""A chart's heading: the finding as title, what is measured as subtitle, clear of the plots."""

from __future__ import annotations

import pytest
from tidy_rows import shipped_like

from analysis.charts import headings, kinds
from analysis.present import selection


def test_the_subtitle_sits_under_the_title_and_the_plots_keep_their_height():
    rows = selection.select(shipped_like(), "open_cin_cases")
    bare = kinds.change_chart(rows, "Open CIN cases fell by a third")
    fig = kinds.change_chart(
        rows, "Open CIN cases fell by a third", subtitle="Open children in need (CIN) cases"
    )
    assert fig.get_suptitle() == "Open CIN cases fell by a third"
    assert headings.subtitle_of(fig) == "Open children in need (CIN) cases"
    assert headings.subtitle_of(bare) == ""
    # One 10.5-point subtitle line at 1.3 leading: 10.5 × 1.3 / 72 = 0.1896 inches more.
    assert fig.get_figheight() - bare.get_figheight() == pytest.approx(0.1896, abs=1e-4)
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    (sub,) = [t for t in fig.texts if t.get_gid() == headings.SUBTITLE_GID]
    below = sub.get_window_extent(renderer).y0
    above_title = fig._suptitle.get_window_extent(renderer).y0
    assert below < above_title  # under the title
    for ax in fig.axes:  # and above every panel, its title included
        assert ax.get_tightbbox(renderer).y1 <= below

"""A chart's heading: the finding as title, what is measured as subtitle, clear of the plots."""

from __future__ import annotations

from matplotlib.text import Text
from tidy_rows import shipped_like

from analysis.charts import headings, kinds
from analysis.present import selection


def test_the_subtitle_sits_under_the_title_and_above_every_panel():
    rows = selection.select(shipped_like(), "open_cin_cases")
    bare = kinds.change_chart(rows, "Open CIN cases fell by a third")
    fig = kinds.change_chart(
        rows, "Open CIN cases fell by a third", subtitle="Open children in need (CIN) cases"
    )
    assert fig.get_suptitle() == "Open CIN cases fell by a third"
    assert headings.title_of(fig) == "Open CIN cases fell by a third"
    assert headings.subtitle_of(fig) == "Open children in need (CIN) cases"
    assert headings.subtitle_of(bare) == ""
    # The panels keep their height: the subtitle's line makes the figure taller instead.
    assert fig.get_figheight() > bare.get_figheight()
    fig.draw_without_rendering()
    (sub,) = [t for t in fig.texts if t.get_gid() == headings.SUBTITLE_GID]
    (title,) = [t for t in fig.findobj(Text) if t.get_text() == fig.get_suptitle()]
    below = sub.get_window_extent().y0
    assert below < title.get_window_extent().y0  # under the title
    for ax in fig.axes:  # and above every panel, its title included
        assert ax.get_tightbbox().y1 <= below
    (source,) = [t for t in fig.texts if t.get_gid() == headings.SOURCE_GID]
    for ax in fig.axes:  # the source line beneath every panel
        assert ax.get_tightbbox().y0 >= source.get_window_extent().y1

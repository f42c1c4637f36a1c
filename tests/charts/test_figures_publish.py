"""Publishing a figure: the page shows the very bytes saved beside it, SVG and PNG alike."""

from __future__ import annotations

import base64

from IPython.core.formatters import DisplayFormatter
from tidy_rows import shipped_like

from analysis.charts import data_tables, figures, kinds
from analysis.present import selection


def test_publish_shows_the_saved_bytes(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    rows = selection.select(shipped_like(), "open_cin_cases")
    fig = kinds.change_chart(rows, "t")
    figures.publish(fig, "02-open", tmp_path, alt="Open cases fell", table=data_tables.table(rows))

    data, _ = DisplayFormatter().format(shown[0])
    saved = (tmp_path / "02-open.png").read_bytes()
    assert base64.b64decode(data["image/png"]) == saved
    assert saved.startswith(b"\x89PNG")


def test_the_svg_keeps_the_layout_the_png_was_drawn_with(tmp_path):
    rows = selection.select(shipped_like(), "open_cin_cases")
    fig = kinds.change_chart(rows, "t")
    figures.save(fig, "02-open", tmp_path, table=data_tables.table(rows))
    placed = [ax.get_position().bounds for ax in fig.axes]
    # Saved, the figure has no layout engine left: a later draw (the SVG's) moves nothing.
    assert fig.get_layout_engine() is None
    figures.svg_bytes(fig)
    assert [ax.get_position().bounds for ax in fig.axes] == placed
    # The PNG is the one a figure still under its layout engine gives.
    again = kinds.change_chart(rows, "t")
    assert (tmp_path / "02-open.png").read_bytes() == figures.png_bytes(again)
    assert (tmp_path / "02-open.svg").read_bytes().startswith(b"<?xml")

"""Publishing a figure draws it once: the page shows the very bytes saved beside it."""

from __future__ import annotations

import base64

from IPython.core.formatters import DisplayFormatter
from tidy_rows import shipped_like

from analysis.charts import data_tables, figures, kinds
from analysis.present import selection


def test_publish_draws_the_png_once_and_shows_the_saved_bytes(tmp_path, monkeypatch):
    drawn = []
    real = figures.png_bytes

    def counting(fig):
        drawn.append(fig)
        return real(fig)

    shown = []
    monkeypatch.setattr(figures, "png_bytes", counting)
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    rows = selection.select(shipped_like(), "open_cin_cases")
    fig = kinds.change_chart(rows, "t")
    figures.publish(fig, "02-open", tmp_path, alt="Open cases fell", table=data_tables.table(rows))

    assert len(drawn) == 1
    data, _ = DisplayFormatter().format(shown[0])
    saved = (tmp_path / "02-open.png").read_bytes()
    assert base64.b64decode(data["image/png"]) == saved
    assert saved.startswith(b"\x89PNG")


def test_the_svg_keeps_the_layout_the_png_was_drawn_with(tmp_path, monkeypatch):
    import matplotlib.layout_engine

    laid_out = []
    real = matplotlib.layout_engine.ConstrainedLayoutEngine.execute

    def counting(self, fig):
        laid_out.append(fig)
        return real(self, fig)

    monkeypatch.setattr(matplotlib.layout_engine.ConstrainedLayoutEngine, "execute", counting)
    rows = selection.select(shipped_like(), "open_cin_cases")
    fig = kinds.change_chart(rows, "t")
    before = len(laid_out)
    figures.save(fig, "02-open", tmp_path, table=data_tables.table(rows))
    # One layout for the PNG's draw; the SVG is drawn where that left the axes.
    assert len(laid_out) - before == 1
    assert not isinstance(fig.get_layout_engine(), matplotlib.layout_engine.ConstrainedLayoutEngine)
    # The PNG is the one a figure still under its layout engine gives.
    again = kinds.change_chart(rows, "t")
    assert (tmp_path / "02-open.png").read_bytes() == figures.png_bytes(again)
    assert (tmp_path / "02-open.svg").read_bytes().startswith(b"<?xml")


def test_a_chart_laid_out_once_is_drawn_once_for_each_format(tmp_path, monkeypatch):
    import io

    from matplotlib.figure import Figure

    from analysis.charts import benchmark as charts
    from analysis.charts.style import DPI, house_style
    from analysis.published.page import load_page

    drawn = []
    real = Figure.draw

    def counting(self, renderer):
        drawn.append(type(renderer).__name__)
        return real(self, renderer)

    monkeypatch.setattr(Figure, "draw", counting)
    table = load_page("Luton").table
    fig = charts.latest_bar_chart(table, "Luton")  # laid out by tight_layout as it is built
    before = len(drawn)
    figures.save(fig, "bars", tmp_path)
    # No unseen layout draw before each: tight_layout left nothing for savefig to lay out.
    assert drawn[before:] == ["RendererAgg", "MixedModeRenderer"]  # PNG, then SVG
    assert fig.get_layout_engine() is None
    # The same bytes as matplotlib's own savefig of the same chart, extra draw and all.
    again = charts.latest_bar_chart(table, "Luton")
    buf = io.BytesIO()
    with house_style():
        again.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    assert (tmp_path / "bars.png").read_bytes() == buf.getvalue()


def test_a_chart_is_measured_and_drawn_with_one_renderer(tmp_path, monkeypatch):
    from matplotlib.backends import backend_agg

    from analysis.charts import benchmark as charts
    from analysis.published.page import load_page

    made = []
    real = backend_agg.RendererAgg.__init__

    def counting(self, *args, **kwargs):
        made.append(args)
        real(self, *args, **kwargs)

    monkeypatch.setattr(backend_agg.RendererAgg, "__init__", counting)
    fig = charts.latest_bar_chart(load_page("Luton").table, "Luton")
    figures.png_bytes(fig)
    # Laying out the panels and drawing the PNG share one renderer, and so its text cache.
    assert len(made) == 1

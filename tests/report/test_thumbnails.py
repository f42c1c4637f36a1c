"""The index pictures each page by the first figure that page shows, with that figure's alt."""

from __future__ import annotations

import base64

from nbformat.v4 import new_code_cell, new_notebook, new_output

from analysis.report import tasks

# Two tiny stand-ins for PNG files: the runner compares bytes, it does not decode images.
FIRST_SHOWN = b"\x89PNG first shown"
SHOWN_LATER = b"\x89PNG shown later"


def figure_cell(png: bytes, alt: str):
    data = {"image/png": base64.b64encode(png).decode("ascii")}
    out = new_output("display_data", data=data, metadata={"image/png": {"alt": alt}})
    return new_code_cell(source="figures.show(fig)", outputs=[out])


def test_the_thumbnail_is_the_first_figure_shown_not_the_first_file_by_name(tmp_path):
    # By name "04_kpis-backlogs" sorts before "04_kpis-open-cin", but the page shows open CIN first.
    (tmp_path / "04_kpis-backlogs.png").write_bytes(SHOWN_LATER)
    (tmp_path / "04_kpis-open-cin.png").write_bytes(FIRST_SHOWN)
    (tmp_path / "03_other-a.png").write_bytes(FIRST_SHOWN)  # another page's file is never used
    nb = new_notebook(
        cells=[
            figure_cell(FIRST_SHOWN, "Line chart, open CIN cases: 1,486 then 1,000."),
            figure_cell(SHOWN_LATER, "Backlogs."),
        ]
    )
    assert tasks.thumbnail(tmp_path, "04_kpis", nb) == (
        "figures/04_kpis-open-cin.png",
        "Line chart, open CIN cases: 1,486 then 1,000.",
    )


def test_without_a_matching_figure_the_first_saved_file_is_used_without_borrowed_alt(tmp_path):
    (tmp_path / "05_x-b.png").write_bytes(SHOWN_LATER)
    (tmp_path / "05_x-a.png").write_bytes(SHOWN_LATER)
    (tmp_path / "05_xy-a.png").write_bytes(SHOWN_LATER)  # "05_xy" is another stem
    nb = new_notebook(cells=[figure_cell(FIRST_SHOWN, "Not saved.")])
    assert tasks.thumbnail(tmp_path, "05_x", nb) == ("figures/05_x-a.png", None)
    assert tasks.thumbnail(tmp_path, "06_none", nb) == (None, None)

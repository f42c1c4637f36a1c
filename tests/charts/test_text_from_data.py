"""Text from data is drawn as text: a team's name with dollar signs is not a formula."""

from tidy_rows import shipped_like

from analysis.charts import figures, kinds
from analysis.present import selection


def test_a_team_name_with_dollar_signs_is_drawn_as_written():
    # An Annex A List 6 team typed as "Team $\x$ <b>1</b>": mathtext would refuse "\x" and the
    # page would fail; as text it is drawn exactly.
    name = "Team $\\x$ <b>1</b>"
    rows = selection.select(shipped_like(), "open_cin_cases")
    fig = kinds.change_chart([rows], "Chart", panel_titles=[name])
    assert figures.png_bytes(fig).startswith(b"\x89PNG")
    drawn = [ax.get_title(loc=where) for ax in fig.axes for where in ("left", "center")]
    assert name in drawn

"""HTML split into tables, printed text and the rest, as the privacy guard reads it."""

from __future__ import annotations

from analysis.privacy import guard
from analysis.privacy.output_tables import OutputTable, html_parts

# A DataFrame as pandas shows it: two header rows in <thead>, the index as <th> in the body.
DATAFRAME = """
<div><style>.dataframe th {color: red}</style>
<table class="dataframe">
  <thead>
    <tr><th></th><th>child_id</th><th>Date of birth</th></tr>
    <tr><th>row</th><th></th><th></th></tr>
  </thead>
  <tbody>
    <tr><th>0</th><td>C<b>0001</b></td><td>2010-01-02</td></tr>
    <tr><th>1</th><td>C0002</td><td>2011-03-04</td></tr>
  </tbody>
</table></div>
"""


def test_a_dataframes_headers_are_every_th_of_its_thead_and_its_rows_the_rest():
    parts = html_parts(DATAFRAME)
    # By hand from DATAFRAME: five th in <thead> (two empty), rows keep the index th;
    # "C<b>0001</b>" is one cell's text, so one value.
    assert parts.tables == [
        OutputTable(
            headers=["", "child_id", "Date of birth", "row", "", ""],
            rows=[["0", "C0001", "2010-01-02"], ["1", "C0002", "2011-03-04"]],
        )
    ]
    assert "color" not in " ".join(parts.outside)  # a <style> is not text


def test_without_thead_the_first_rows_th_are_the_headers_and_nested_tables_stand_alone():
    html = (
        "<table><tr><th>Name</th><th>Count</th></tr>"
        "<tr><td>Alpha</td><td><table><tr><th>inner</th></tr><tr><td>1</td></tr></table></td>"
        "</tr></table>"
    )
    outer, inner = sorted(html_parts(html).tables, key=lambda t: len(t.headers), reverse=True)
    assert outer.headers == ["Name", "Count"]
    assert outer.rows[0][0] == "Alpha"
    assert inner == OutputTable(headers=["inner"], rows=[["1"]])


def test_pre_blocks_and_text_outside_tables_are_kept_apart():
    html = "<p>Before</p><pre>child_id  C0001</pre><table><tr><td>x</td></tr></table><p>After</p>"
    parts = html_parts(html)
    assert parts.pres == ["child_id  C0001"]
    assert " ".join(s.strip() for s in parts.outside if s.strip()) == "Before After"


def test_the_guard_names_the_columns_of_an_html_table_of_children():
    problems = guard.check_html(DATAFRAME, max_ids=10)
    assert problems == [
        "column 'child_id' looks like a person/case identifier",
        "column 'Date of birth' looks like a date of birth",
    ]


def test_eleven_ids_in_text_outside_tables_are_a_list_of_records():
    ids = " ".join(f"C{n:05d}" for n in range(11))  # 11 distinct ids: more than 10
    problems = guard.check_html(f"<p>{ids}</p>", max_ids=10)
    assert problems == [
        "lists 11 distinct id-like values (more than 10), e.g. C00000, C00001, C00002"
    ]

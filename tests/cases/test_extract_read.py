"""The fast read of plain ASCII extracts gives exactly the frame of pandas' general read."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.cases import extract

A_HEADER = "child_id,assessment_id,assessment_type,start_date,completed_date,team,worker_id\n"
ROWS = (
    "C1,A1,initial,2012-03-05,2012-03-19,Family Support,FS1\n"
    '"C2","A2",core,2012-03-06,,"Referral, and Assessment",RA1\n'
    "\n"
    ",A4,single,2012-03-07,,Family Support,\n"
)


def _general(data: bytes) -> pd.DataFrame:
    return extract._read_csv(data, extract.ASSESSMENTS.read_dtypes())


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_fast_read_equals_the_general_read_quotes_blank_lines_and_empty_fields(bom):
    data = bom + (A_HEADER + ROWS).encode()
    fast = extract._read_ascii_fast(data, extract.ASSESSMENTS)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, _general(data))
    assert fast["child_id"].tolist() == ["C1", "C2", "", ""]
    assert fast["assessment_id"].tolist() == ["A1", "A2", "", "A4"]
    assert fast["child_id"].dtype == object


def test_header_only_file_reads_the_same_either_way():
    data = A_HEADER.encode()
    pd.testing.assert_frame_equal(
        extract._read_ascii_fast(data, extract.ASSESSMENTS), _general(data)
    )


@pytest.mark.parametrize(
    "row",
    [
        "C1,A1,initial,2012-03-05,,Équipe,FS1\n",  # not ASCII: the general read decodes it
        "C1,A1,initial,2012-03-05,,Family\x00Support,FS1\n",  # a NUL byte
        f"C1,A{'9' * 31},initial,2012-03-05,,Family Support,FS1\n",  # an id of 32 characters
    ],
)
def test_files_the_fast_read_could_misread_go_to_the_general_read(row, tmp_path):
    data = (A_HEADER + row).encode()
    assert extract._read_ascii_fast(data, extract.ASSESSMENTS) is None
    path = tmp_path / "assessments.csv"
    path.write_bytes(data)
    table, problems = extract.read_file(path, extract.ASSESSMENTS)
    assert problems == []
    assert table.rows["assessment_id"].tolist() == [row.split(",")[1]]


def test_an_id_one_short_of_the_width_is_read_whole():
    long_id = "A" + "7" * 30  # 31 characters: the last that the fast read takes
    data = (A_HEADER + f"C1,{long_id},initial,2012-03-05,,Family Support,FS1\n").encode()
    fast = extract._read_ascii_fast(data, extract.ASSESSMENTS)
    assert fast["assessment_id"].tolist() == [long_id]


@pytest.mark.parametrize(
    ("row", "child_ids"),
    [
        ("C1\n", ["C1"]),  # too few fields: the rest are empty
        ("C1,A1,initial\n", ["C1"]),
        (",\n", [""]),
        ("C1,A1,initial,2012-03-05,,T,W\n\n\n", ["C1", "", ""]),  # blank lines at the end
    ],
)
def test_fast_read_equals_the_general_read_on_ragged_rows(row, child_ids):
    data = (A_HEADER + row).encode()
    fast = extract._read_ascii_fast(data, extract.ASSESSMENTS)
    pd.testing.assert_frame_equal(fast, _general(data))
    assert fast["child_id"].tolist() == child_ids

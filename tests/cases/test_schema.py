"""The extract schemas: the fast per-value check finds exactly what pandera finds row by row."""

from __future__ import annotations

import io

import pandas as pd
import pandera.pandas as pa
import pytest

from analysis.cases import extract, schema

A_HEADER = "child_id,assessment_id,assessment_type,start_date,completed_date,team,worker_id\n"
ROWS = (
    "C1,A1,initial,2012-03-05,2012-03-19,Referral and Assessment,RA0001\n"  # 0: good
    "C2,A2,initial,2012-13-01,,Referral and Assessment,RA0001\n"  # 1: not a date
    "C3,A3,core,2012-03-05,2012-03-01,Family Support,FS0001\n"  # 2: completed before start
    "C4,A1,core,2012-03-05,,Family Support,FS0001\n"  # 3: repeats row 0's id
    "C5,A5,review,2012-03-05,,Family Support,FS0001\n"  # 4: unknown type
    ",,,,,,\n"  # 5: nothing at all
    "C7,A7,single,2012-02-30,,Referral and Assessment,\n"  # 6: no such day; no worker
)
EXPECTED = {
    (0, "assessment_id"),
    (1, "start_date"),
    (2, "completed_date"),
    (3, "assessment_id"),
    (4, "assessment_type"),
    *((5, c) for c in schema.ASSESSMENTS.required),
    (6, "start_date"),
    (6, "worker_id"),
}


def raw(dtype) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(A_HEADER + ROWS), dtype=dtype, keep_default_na=False)


def test_pandera_on_every_row_finds_the_hand_worked_problems():
    with pytest.raises(pa.errors.SchemaErrors) as info:
        schema.ASSESSMENTS.frame.validate(raw(object), lazy=True)
    cases = info.value.failure_cases
    # A check across columns fails on every column of its row; it is about the one it names.
    about = {c.error: c.name for c in schema.ASSESSMENTS.frame.checks}
    found = {
        (int(i), column)
        for i, column, check in zip(cases["index"], cases["column"], cases["check"], strict=True)
        if about.get(check, column) == column
    }
    assert found == EXPECTED


def test_the_per_value_check_agrees_with_pandera_on_every_row():
    _, issues = schema.check(raw(schema.ASSESSMENTS.read_dtypes()), schema.ASSESSMENTS)
    assert {(i, c) for i, c, _ in issues} == EXPECTED


def test_a_repeated_id_names_the_other_file_lines_past_a_blank_line_and_no_empty_id_repeats(
    tmp_path,
):
    text = (
        A_HEADER
        + "C1,A1,initial,2012-03-05,,Referral and Assessment,RA0001\n"  # line 2
        + "\n"  # line 3: blank, no record
        + "C4,A1,core,2012-03-05,,Family Support,FS0001\n"  # line 4: repeats line 2's id
        + "C5,,core,2012-03-05,,Family Support,FS0001\n"  # line 5: no id
        + "C6,,core,2012-03-05,,Family Support,FS0001\n"  # line 6: no id either
    )
    (tmp_path / "assessments.csv").write_text(text, encoding="utf-8")
    _, found = extract.read_file(tmp_path / "assessments.csv", schema.ASSESSMENTS)
    # Lines 2 and 4 share A1 (line 3 is blank: not "also on line 3"); lines 5 and 6 lack an id,
    # which is the required check's failure only, not a repeat of each other.
    assert [str(p) for p in found] == [
        "assessments.csv:2: column 'assessment_id': value 'A1': "
        "expected an id used once (also on line 4)",
        "assessments.csv:4: column 'assessment_id': value 'A1': "
        "expected an id used once (also on line 2)",
        "assessments.csv:5: column 'assessment_id': value '': expected a value (it is required)",
        "assessments.csv:6: column 'assessment_id': value '': expected a value (it is required)",
    ]


def test_a_categorical_failure_is_spread_to_every_row_with_that_value():
    text = (
        A_HEADER
        + "C1,A1,initial,2012-13-01,,T,W\n"  # row 0: bad date
        + "C2,A2,initial,2012-03-05,,T,W\n"  # row 1: good
        + "C3,A3,initial,2012-13-01,,T,W\n"  # row 2: the same bad date
    )
    read = pd.read_csv(io.StringIO(text), dtype=schema.ASSESSMENTS.read_dtypes(), na_filter=False)
    _, issues = schema.check(read, schema.ASSESSMENTS)
    # One distinct bad value, checked once, said on each of its two rows (lines 2 and 4).
    assert [(i.row, i.column, str(i.problem)) for i in issues] == [
        (
            0,
            "start_date",
            "assessments.csv:2: column 'start_date': value '2012-13-01': "
            "expected a date YYYY-MM-DD",
        ),
        (
            2,
            "start_date",
            "assessments.csv:4: column 'start_date': value '2012-13-01': "
            "expected a date YYYY-MM-DD",
        ),
    ]

"""metrics.schema.problems: repeated keys said with the other rows' places."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from analysis.errors import Problem
from analysis.metrics.schema import problems

IDS = pa.DataFrameSchema(
    {"id": pa.Column(str, unique=True, metadata={"duplicate": "one id (also on line {others})"})}
)
PAIRS = pa.DataFrameSchema(
    {"k": pa.Column(str), "p": pa.Column(str)},
    unique=["k", "p"],
    report_duplicates="exclude_first",
    metadata={"duplicate": "one row per k and p: {k} / {p} is at {first}", "duplicate_column": "p"},
)


def test_each_repeated_value_names_every_other_line_with_it() -> None:
    frame = pd.DataFrame({"id": ["a", "b", "a", "c", "a", "c"]})
    lines = pd.Series([10, 11, 12, 13, 14, 15])
    found = problems(IDS, frame, "f.csv", lines)
    # "a" is on lines 10, 12 and 14; "c" on 13 and 15; "b" once (no problem).
    assert found == [
        Problem("f.csv", 10, "id", "a", "one id (also on line 12, 14)"),
        Problem("f.csv", 12, "id", "a", "one id (also on line 10, 14)"),
        Problem("f.csv", 13, "id", "c", "one id (also on line 15)"),
        Problem("f.csv", 14, "id", "a", "one id (also on line 10, 12)"),
        Problem("f.csv", 15, "id", "c", "one id (also on line 13)"),
    ]


def test_a_repeated_key_names_the_first_row_and_fills_in_the_row() -> None:
    frame = pd.DataFrame({"k": ["x", "x", "y", "x", "y"], "p": ["1", "2", "1", "1", "1"]})
    found = problems(PAIRS, frame, "t.csv")
    # Rows 3 (line 5) and 4 (line 6) repeat rows 0 (line 2) and 2 (line 4); the first of each
    # key is not reported (exclude_first).
    assert found == [
        Problem("t.csv", 5, "p", "1", "one row per k and p: x / 1 is at t.csv:2"),
        Problem("t.csv", 6, "p", "1", "one row per k and p: y / 1 is at t.csv:4"),
    ]


def test_many_repeats_are_each_named_with_their_own_partner() -> None:
    # 3,000 ids each used twice, the copies after all the originals: id i on lines i + 2 and
    # i + 3002 (grouped once, not the whole frame compared for each of 6,000 rows).
    ids = [f"i{n}" for n in range(3000)] * 2
    found = problems(IDS, pd.DataFrame({"id": ids}), "f.csv")
    assert len(found) == 6000
    assert found[0] == Problem("f.csv", 2, "id", "i0", "one id (also on line 3002)")
    assert found[-1] == Problem("f.csv", 6001, "id", "i2999", "one id (also on line 3001)")

"""metrics.schema.failures: the one reader of pandera's failure cases."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from analysis.metrics.schema import FAILURE_COLUMNS, failures

SCHEMA = pa.DataFrameSchema(
    {
        "kind": pa.Column(str, pa.Check.isin(["a", "b"], error="one of a, b")),
        "n": pa.Column(int, pa.Check.ge(0, error="at least 0")),
    }
)


def test_every_failing_value_is_a_row_with_its_index_column_check_and_value() -> None:
    frame = pd.DataFrame({"kind": ["a", "c", "b"], "n": [1, 2, -3]}, index=[10, 11, 12])
    found = failures(SCHEMA, frame)
    assert tuple(found.columns) == FAILURE_COLUMNS
    # Row 11's kind "c" is not a or b; row 12's n -3 is below 0; row 10 passes both.
    rows = sorted(found.astype(str).itertuples(index=False, name=None))
    assert rows == [("11", "kind", "one of a, b", "c"), ("12", "n", "at least 0", "-3")]


def test_a_frame_that_passes_has_no_failures() -> None:
    found = failures(SCHEMA, pd.DataFrame({"kind": ["b"], "n": [0]}))
    assert found.empty and tuple(found.columns) == FAILURE_COLUMNS

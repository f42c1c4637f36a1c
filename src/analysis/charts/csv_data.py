"""The numbers behind a chart for machines: raw values, their parts and status, in a CSV.

A page's table shows "1,486" and "93.1% (54 of 58)"; the CSV beside it holds 1486 and 93.1,
with the numerator and denominator in columns of their own, a status saying why a value is
missing (suppressed, not published), a published symbol (c, x, z...) kept as the symbol in a
column of its own (never 0), and every row's citation. Long, not wide: one row per figure.
A display table carries its machine-readable frame in `attrs["data"]`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.metrics import catalogue

DATA = "data"  # the attrs key of a display table's machine-readable frame


def attach(display: pd.DataFrame, records: Sequence[dict[str, object]]) -> pd.DataFrame:
    """Give a display table its machine-readable rows (`attrs["data"]`); return the table."""
    display.attrs[DATA] = pd.DataFrame(list(records))
    return display


def data_of(tables: Sequence[pd.DataFrame]) -> pd.DataFrame | None:
    """The machine-readable rows of some display tables, one frame; None if any has none."""
    frames = [t.attrs.get(DATA) for t in tables]
    if not frames or any(f is None for f in frames):
        return None
    return pd.concat(frames, ignore_index=True)


def plain(x: object) -> str:
    """A cell as a machine reads it: 1486, 93.1, 2011-12-01; "" for a missing value."""
    if x is None or x is pd.NaT or (isinstance(x, float) and pd.isna(x)):
        return ""
    if isinstance(x, pd.Timestamp):
        return x.strftime("%Y-%m-%d")
    if isinstance(x, float | int) and not isinstance(x, bool):
        x = float(x)
        return str(int(x)) if x.is_integer() else f"{x:.10g}"
    return str(x)


def csv_text(frame: pd.DataFrame) -> str:
    """A frame as CSV text with plain numbers and ISO dates (never "1,486" or "1486.0")."""
    out = frame.astype(object).map(plain)
    return out.to_csv(index=False, lineterminator="\n")


def citation(source: object, ref: object) -> str:
    """A row's citation: the document, then its paragraph or reference when it has one."""
    ref_text = "" if ref is None or (isinstance(ref, float) and pd.isna(ref)) else str(ref)
    return f"{source}, {ref_text}" if ref_text else str(source)


def area_row(
    metric: str,
    year: object,
    area_type: str,
    area: str,
    row: Mapping[str, object] | None,
    meanings: Mapping[str, str],
    missing: str = "not available",
) -> dict[str, object]:
    """One published figure of an area: the raw value, the DfE's symbol apart, a status.

    `row` is the benchmark table's row (a Series or a dict; None when the figure does not exist,
    such as a median of fewer than five neighbours: `missing` then says why); `area` names it
    then.
    """
    symbol = row["symbol"] if row is not None and isinstance(row["symbol"], str) else ""
    value = row["value"] if row is not None else float("nan")
    status = meanings.get(symbol, "not given") if symbol else ""
    if row is None or (not symbol and pd.isna(value)):
        status = missing
    return {
        "metric": metric,
        "measure": catalogue.get(metric).label,
        "year": int(year),
        "area_type": area_type,
        "area_name": row["area_name"] if row is not None else area,
        "value": value,
        "unit": catalogue.get(metric).unit,
        "symbol": symbol,
        "status": status,
        "rank": row.get("rank", float("nan")) if row is not None else float("nan"),
        "ranked_of": row.get("ranked_of", float("nan")) if row is not None else float("nan"),
        "source": citation(row["source"], row["source_ref"]) if row is not None else "",
    }

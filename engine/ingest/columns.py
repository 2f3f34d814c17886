"""Text columns as dictionary codes: each distinct value handled once, rows as integer codes.

A million-row export has few distinct values per column (a product name, a date, a status
repeat on many rows), so every cleaning step runs on the distinct values (`Col.values`) and is
broadcast to rows through `Col.codes` — the reason ingest stays within a few seconds. Codes come
from pyarrow's C++ dictionary encoding of the string columns the reader produced.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


@dataclass
class Col:
    """`codes[i]` is the index in `values` of row i's (stripped) text; "" means empty."""

    codes: np.ndarray          # int64, one per row
    values: pd.Series          # str, distinct values, positional

    @property
    def empty(self) -> np.ndarray:
        """True on rows whose cell is empty."""
        return (self.values == "").to_numpy(dtype=bool)[self.codes]

    def at(self, rows: np.ndarray) -> "Col":
        """The same column restricted to / reordered by `rows` (-1 = no row: empty)."""
        values = self.values
        empty_code = _empty_code(values)
        if empty_code is None:
            values = pd.concat([values, pd.Series([""], dtype="str")], ignore_index=True)
            empty_code = len(values) - 1
        codes = np.where(rows >= 0, self.codes[np.maximum(rows, 0)], empty_code)
        return Col(codes=codes, values=values)

    def row_values(self) -> pd.Series:
        """The text of every row (str), built with a pyarrow take (no Python objects)."""
        taken = _arrow(self.values).take(pa.array(self.codes))
        return pd.Series(pd.array(taken, dtype="str"))

    def map(self, parsed: pd.Series | np.ndarray) -> np.ndarray:
        """Per-row values of something computed per distinct value."""
        arr = parsed.to_numpy() if isinstance(parsed, pd.Series) else parsed
        return arr[self.codes]


def _empty_code(values: pd.Series) -> int | None:
    hit = np.flatnonzero((values == "").to_numpy(dtype=bool))
    return int(hit[0]) if hit.size else None


def _arrow(s: pd.Series) -> pa.Array:
    data = s.array
    if hasattr(data, "__arrow_array__"):
        arr = data.__arrow_array__()
    else:
        arr = pa.array(s.astype(object).where(s.notna(), "").tolist(), type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks else pa.array([], type=pa.large_string())
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = pc.cast(arr, pa.large_string())
    return pc.fill_null(arr, "")


def encode(s: pd.Series, *, strip: bool = True) -> Col:
    """Dictionary codes of a text column (cells stripped of outer whitespace)."""
    enc = _arrow(s).dictionary_encode()
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    values = pd.Series(pd.array(enc.dictionary, dtype="str"))
    col = Col(codes=codes, values=values)
    if not strip:
        return col
    padded = pc.match_substring_regex(enc.dictionary, r"^\s|\s$")
    if not pc.any(padded).as_py():   # the usual case: nothing to strip, nothing to merge
        return col
    return refactor(col, pd.Series(pd.array(pc.utf8_trim_whitespace(enc.dictionary), dtype="str")))


def refactor(col: Col, new_values: pd.Series) -> Col:
    """`col` with its distinct values replaced (e.g. stripped), merging values that now coincide."""
    remap, uniques = pd.factorize(new_values.reset_index(drop=True))
    return Col(codes=remap.astype(np.int64)[col.codes], values=pd.Series(uniques, dtype="str"))


def concat(cols: list[Col], sep: str) -> Col:
    """Cells of several columns joined with `sep` (e.g. 姓 + 名, 電話番号1‥3)."""
    out = cols[0]
    for other in cols[1:]:
        key = out.codes * len(other.values) + other.codes
        codes, uniques = pd.factorize(key)
        left = out.values.to_numpy(dtype=object)[uniques // len(other.values)]
        right = other.values.to_numpy(dtype=object)[uniques % len(other.values)]
        joined = (pd.Series(left, dtype="str") + sep + pd.Series(right, dtype="str")).str.strip()
        out = refactor(Col(codes=codes.astype(np.int64), values=joined), joined)
    return out


def constant(n: int, value: str = "") -> Col:
    return Col(codes=np.zeros(n, dtype=np.int64), values=pd.Series([value], dtype="str"))


def row_numbers(n: int, prefix: str = "row-", start: int = 2) -> Col:
    """One distinct value per row (files without an order id: each row is an order)."""
    values = pd.Series(np.char.add(prefix, (np.arange(n) + start).astype(str)), dtype="str")
    return Col(codes=np.arange(n, dtype=np.int64), values=values)


def row_key(cols: list[Col]) -> np.ndarray:
    """One int64 per row, equal exactly when all the columns are equal (duplicate detection)."""
    n = len(cols[0].codes) if cols else 0
    key = np.zeros(n, dtype=np.int64)
    width = 1
    for col in cols:
        key = key * len(col.values) + col.codes
        width *= max(1, len(col.values))
        if width > 2**40:  # keep the product far from int64 overflow: renumber densely
            key, uniques = pd.factorize(key)
            key = key.astype(np.int64)
            width = len(uniques)
    return key


def first_rows(order: np.ndarray, mask: np.ndarray, n_orders: int) -> np.ndarray:
    """For each order, the first row where `mask` holds (-1 when none)."""
    out = np.full(n_orders, np.iinfo(np.int64).max, dtype=np.int64)
    rows = np.flatnonzero(mask)
    np.minimum.at(out, order[rows], rows)
    out[out == np.iinfo(np.int64).max] = -1
    return out

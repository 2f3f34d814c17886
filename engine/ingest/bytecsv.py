"""CP932 / EUC-JP text files split as bytes: only each column's distinct values are decoded.

In CP932 and EUC-JP the bytes that shape a CSV (delimiters, quotes, CR, LF) are below 0x40 and
never occur inside a multi-byte character (a CP932 trail byte is 0x40 or above, an EUC-JP one
0xA1 or above), so pyarrow's CSV reader can split the raw upload with every column typed as
binary. Each column is then dictionary-encoded on its bytes and only the distinct values are
decoded — strictly: the file decodes as a whole exactly when its header lines and every distinct
cell do, so a bad byte is still found.

This path never decides anything the text path (`engine.ingest.reader.read_text`) would decide
differently: the encoding is chosen on the same rule (strict UTF-8 first, then CP932, EUC-JP when
CP932 reads as half-width kana soup), and whenever it cannot read a file exactly as the text path
would — a bad byte anywhere, a ragged row, something pyarrow cannot split — it raises `Fallback`
and the caller reads the file the old way, which then gives today's answer or today's message.
"""
from __future__ import annotations

import codecs
import io
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from engine.ingest.columns import Col, refactor
from engine.ingest.limits import Limits

# bytes decoded up front for sniffing: the text path looks at the first MiB of characters,
# and a character takes at most 3 bytes in EUC-JP (2 in CP932)
_SNIFF_CHARS = 1 << 20
_PREFIX_BYTES = 3 * _SNIFF_CHARS + 8


class Fallback(Exception):
    """The byte path cannot promise the text path's result: read the file the old way."""


def _prefix(data: bytes, encoding: str) -> str:
    """The first characters of `data` decoded strictly (a cut character at the end is left out)."""
    head = data[:_PREFIX_BYTES]
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    return decoder.decode(head, final=len(data) <= _PREFIX_BYTES)


def plan(data: bytes, looks_like_euc) -> tuple[str, str, tuple[str, ...]] | None:
    """(encoding, decoded prefix, encodings every cell must decode in) when the byte path applies.

    None when the text path must read the file: a BOM, a UTF-8 file (its prefix decodes as
    UTF-8: the whole of it may, and that path reads UTF-8 without decoding), or a prefix that is
    not CP932 (the text path's detector then decides).
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        _prefix(data, "utf-8")
        return None
    except UnicodeDecodeError:
        pass                       # not UTF-8 as a whole either: the text path tries CP932 next
    try:
        text = _prefix(data, "cp932")
    except UnicodeDecodeError:
        return None
    if looks_like_euc(text):
        # the text path reads EUC-JP when the whole file decodes as CP932 *and* as EUC-JP; a
        # cell that is CP932 only falls back to it (it then reads CP932, as before)
        try:
            return "euc_jp", _prefix(data, "euc_jp"), ("cp932", "euc_jp")
        except UnicodeDecodeError:
            pass
    return "cp932", text, ("cp932",)


def _decode_values(values: pa.Array, encoding: str) -> pa.Array:
    """The distinct byte strings of a column decoded strictly (UnicodeDecodeError on a bad byte).

    All values are joined with LF and decoded in one call: LF cannot be a trail byte, so a value
    ending in a cut character still fails, as it would alone.
    """
    if len(values) == 0:
        return pa.array([], pa.large_string())
    if pc.any(pc.match_substring(values, "\n")).as_py():   # multi-line cells: one by one
        return pa.array([v.decode(encoding) for v in values.to_pylist()], pa.large_string())
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(values)], pa.int32()), values),
                            b"\n")[0].as_py()
    text = joined.decode(encoding)
    del joined
    parts = pc.split_pattern(pa.array([text], pa.large_string()), "\n").flatten()
    if len(parts) != len(values):   # cannot happen without LF in a value; be exact anyway
        return pa.array([v.decode(encoding) for v in values.to_pylist()], pa.large_string())
    return parts


def _column(chunked: pa.ChunkedArray, encodings: tuple[str, ...]) -> tuple[np.ndarray, pa.Array]:
    """(int32 codes per row, decoded distinct values in first-occurrence order) of a binary
    column. A bad byte raises UnicodeDecodeError."""
    enc = chunked.combine_chunks().dictionary_encode() if chunked.num_chunks else None
    if enc is None or len(enc) == 0:
        return np.zeros(0, dtype=np.int32), pa.array([], pa.large_string())
    codes = enc.indices.to_numpy(zero_copy_only=False)
    decoded = None
    for encoding in encodings:
        decoded = _decode_values(enc.dictionary, encoding)
    return codes, decoded


def _frame_column(codes: np.ndarray, values: pa.Array) -> tuple[pd.Series, Col]:
    """The raw cells (what the file says) as an Arrow dictionary column, no copy of the rows,
    and the stripped `Col` the build reads (each distinct text once)."""
    cells = pd.Series(pd.arrays.ArrowExtensionArray(pa.DictionaryArray.from_arrays(pa.array(codes), values)))
    strings = pd.Series(pd.array(values, dtype="str"))
    col = Col(codes=codes.astype(np.int64), values=strings)
    # distinct bytes are distinct text, except that two CP932 byte pairs can decode to one
    # character (NEC / IBM duplicates such as ≒): only possible off ASCII, merged when met
    if not pc.all(pc.string_is_ascii(values)).as_py() and len(pc.unique(values)) != len(values):
        col = refactor(col, strings)
    if pc.any(pc.match_substring_regex(values, r"^\s|\s$")).as_py():
        col = refactor(col, pd.Series(pd.array(pc.utf8_trim_whitespace(values), dtype="str")))
    return cells, col


def read(data: bytes, encodings: tuple[str, ...], delimiter: str, names: list[str], skip: int,
         limits: Limits) -> tuple[pd.DataFrame, dict[str, Col]]:
    """(frame of categorical text columns, stripped `Col` per column) of a CP932 / EUC-JP file,
    or `Fallback`. Every cell must decode in each of `encodings`; the last one is the text."""
    try:     # a ragged row raises (no handler: pyarrow would decode its text as UTF-8)
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=skip, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.binary() for n in names},
                                                 strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as exc:
        raise Fallback from exc
    # one dictionary per column, in the order values first occur; pyarrow releases the GIL,
    # so the columns are encoded on both cores
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        try:
            decoded = list(pool.map(lambda c: _column(c, encodings), table.columns))
        except UnicodeDecodeError as exc:
            raise Fallback from exc
    del table
    for codes, values in decoded:   # the text path's cell-length check, on distinct values
        if len(codes) and len(values):
            lengths = pc.utf8_length(values).to_numpy(zero_copy_only=False)
            if lengths.max() > limits.max_field_chars:
                per_row = lengths[codes]
                raise limits.field_too_long(f"{skip + int(np.argmax(per_row)) + 1:,}")
    n = len(decoded[0][0]) if decoded else 0
    limits.check_cells(n, len(names))
    frame_cols, cols = {}, {}
    for name, (codes, values) in zip(names, decoded):
        frame_cols[name], cols[name] = _frame_column(codes, values)
    return pd.DataFrame(frame_cols), cols

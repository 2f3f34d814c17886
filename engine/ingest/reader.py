"""Bytes -> a raw table of strings: encoding, delimiter, Excel sheet, header row.

Every cell is read as text (nothing is lost to type guessing); cleaning happens later in
`engine.ingest.clean`. The upload stays in memory: nothing here touches the disk.
Fast path for big CSVs: decode once in Python (CP932 needs the `cp932` codec for ①, ㈱, 髙),
hand UTF-8 bytes to pyarrow's multi-threaded CSV reader with every column typed as string.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from engine.errors import IngestError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_DELIMITERS = (",", "\t", ";")
_HTML_START = re.compile(r"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SNIFF_CHARS = 1 << 20          # binary / delimiter checks look at the first MiB only
_HEADER_SCAN_ROWS = 20          # Excel: the header is within the first rows of the sheet
MALFORMED = "malformed_row"


@dataclass
class RawTable:
    """A file read as text: `frame` has one str column per header cell, "" for empty cells."""

    frame: pd.DataFrame
    encoding: str
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1                                  # 1-based line / sheet row of the header
    malformed: int = 0                                   # rows that could not be split
    # where and how wide, never the cells: a misaligned row cannot be stripped of personal data
    malformed_examples: list[dict[str, int]] = field(default_factory=list)


def is_excel(data: bytes, filename: str) -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith(EXCEL_SUFFIXES)


# ---------------------------------------------------------------- text files
def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name). BOMs first, then strict UTF-8, strict CP932, then a detector."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]          # Excel's "Unicode text" (tab-separated)
    else:
        candidates = ["utf-8", "cp932"]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "cp932" and _looks_like_euc(text):
            try:
                return data.decode("euc_jp"), "euc_jp"
            except UnicodeDecodeError:
                pass
        return text, enc
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:_SNIFF_CHARS]).best()
    except Exception:  # the detector is a heuristic on untrusted bytes: any failure = unknown
        best = None
    if best is not None and best.encoding:
        enc = "cp932" if best.encoding.replace("-", "_").lower() in {"shift_jis", "sjis"} else best.encoding
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass
    raise IngestError("ingest.error.unreadable")


_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]")


def _looks_like_euc(text: str) -> bool:
    """EUC-JP bytes also decode as CP932, but into a soup of half-width katakana."""
    head = text[:65536]
    kana = len(_HALFWIDTH_KANA.findall(head))
    return kana > 20 and kana > len(head) // 10


def check_text(text: str) -> None:
    """Reject what is not a table of text: empty, binary noise, an HTML page saved as .csv."""
    head = text[:_SNIFF_CHARS]
    if not head.strip():
        raise IngestError("ingest.error.empty_file")
    if _HTML_START.match(head[:2048]) or "<html" in head[:2048].lower():
        raise IngestError("ingest.error.html")
    if "\x00" in head or len(_CONTROL.findall(head)) > max(2, len(head) // 200):
        raise IngestError("ingest.error.unreadable")


def sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: the one splitting the first lines most consistently.

    The most common count per line decides, so a title line above the header does not.
    """
    lines = [ln for ln in text[:65536].splitlines()[:_HEADER_SCAN_ROWS] if ln.strip()]
    best, best_score = ",", -1.0
    for delim in _DELIMITERS:
        counts = [ln.count(delim) for ln in lines]
        nonzero = [c for c in counts if c]
        if not nonzero:
            continue
        mode = Counter(nonzero).most_common(1)[0][0]
        score = counts.count(mode) / len(counts) * 1000 + mode
        if score > best_score:
            best, best_score = delim, score
    return best


def _dedupe(names: list[str]) -> list[str]:
    """Unique, non-empty column names ("" -> "column_3", repeats -> "名前.1")."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name.strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _header(text: str, delimiter: str) -> tuple[list[str], int]:
    """(column names, index of the header line): leading lines much narrower than the table
    below them (a title such as "受注データ 2024/01/01", blank lines) are skipped."""
    try:
        rows = list(islice(csv.reader(io.StringIO(text[:_SNIFF_CHARS], newline=""), delimiter=delimiter),
                           _HEADER_SCAN_ROWS))
    except csv.Error as exc:
        raise IngestError("ingest.error.unreadable") from exc
    if not any(rows):
        return [], 0
    width = Counter(len(r) for r in rows if r).most_common(1)[0][0]
    # a title is much narrower than the table; a header is at least half as wide
    index = next((i for i, r in enumerate(rows) if len(r) >= max(2, width / 2) or len(r) == width), 0)
    return _dedupe(rows[index]), index


def _read_arrow(utf8: bytes, delimiter: str, names: list[str], skip: int) -> tuple[pd.DataFrame, int, list]:
    bad: list[dict[str, int]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append({"cells": row.actual_columns, "expected": row.expected_columns})
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(utf8),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=skip, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                         invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    # keep pyarrow's 32-bit-offset strings (pandas' "str" would copy every column to large_string)
    frame = table.to_pandas(types_mapper={pa.string(): pd.ArrowDtype(pa.string())}.get)
    return frame, len(bad), bad[:3]


def _read_python(text: str, delimiter: str, names: list[str], skip: int) -> tuple[pd.DataFrame, int, list]:
    """Slow, forgiving path: short rows padded, surplus empty cells trimmed, the rest counted."""
    width = len(names)
    rows, bad, examples = [], 0, []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    skipped = 0
    while skipped < skip and next(reader, None) is not None:
        skipped += 1
    for row in reader:
        if not row:
            continue
        if len(row) < width:
            row = row + [""] * (width - len(row))
        elif len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                bad += 1
                if len(examples) < 3:
                    examples.append({"row": reader.line_num, "cells": len(row), "expected": width})
                continue
            row = row[:width]
        rows.append(row)
    frame = pd.DataFrame(rows, columns=names, dtype="str") if rows else pd.DataFrame(
        {n: pd.Series([], dtype="str") for n in names})
    return frame, bad, examples


def read_text(data: bytes) -> RawTable:
    text, encoding = decode(data)
    check_text(text)
    delimiter = sniff_delimiter(text)
    names, header_index = _header(text, delimiter)
    skip = header_index + 1
    if not names:
        raise IngestError("ingest.error.empty_file")
    # pyarrow reads UTF-8: a UTF-8 upload is handed over as is, anything else re-encoded once;
    # the decoded str is released first so a big file is not held three times in memory
    if encoding in ("utf-8", "utf-8-sig"):
        utf8 = data
        del text
    else:
        utf8 = text.encode("utf-8")
        del text
    try:
        frame, bad, examples = _read_arrow(utf8, delimiter, names, skip)
        if bad:  # ragged rows: re-read forgivingly rather than lose them
            frame, bad, examples = _read_python(utf8.decode("utf-8-sig"), delimiter, names, skip)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        try:
            frame, bad, examples = _read_python(utf8.decode("utf-8-sig"), delimiter, names, skip)
        except csv.Error as exc:
            raise IngestError("ingest.error.unreadable") from exc
    return RawTable(frame=frame, encoding=encoding, delimiter=delimiter, malformed=bad,
                    malformed_examples=examples, header_row=skip)


# ---------------------------------------------------------------- Excel
def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))          # 536365.0 -> "536365": ids stay ids
    return str(value)


def _header_index(rows: list[list[str]]) -> int:
    """The first row that is about as wide as the table below it (skips titles and notes)."""
    widths = [sum(1 for c in r if c.strip()) for r in rows]
    widest = max(widths, default=0)
    for i, w in enumerate(widths):
        if w >= max(2, widest * 0.6):
            return i
    return next((i for i, w in enumerate(widths) if w), 0)   # a one-column table


def _sheet_score(rows: list[list[str]]) -> int:
    """How much a sheet looks like an order table: known column names, then filled cells."""
    from engine.ingest.presets import fold, generic_preset

    if not rows:
        return 0
    header = rows[_header_index(rows)]
    words = {fold(w) for ws in generic_preset().synonyms.values() for w in ws}
    known = sum(fold(c) in words for c in header if c)
    filled = sum(1 for r in rows for c in r if c.strip())
    return known * 1000 + filled


def _rows_fast(data: bytes, sheet: str | None) -> tuple[list[str], str, list[list[str]]]:
    from engine.ingest import xlsx

    book = xlsx.Workbook(data)
    names = book.sheetnames
    _check_sheet(names, sheet)
    head_rows = _HEADER_SCAN_ROWS + 10
    chosen = sheet or max(names, key=lambda n: (_sheet_score(list(book.rows(n, head_rows))), -names.index(n)))
    return names, chosen, list(book.rows(chosen))


def _rows_openpyxl(data: bytes, sheet: str | None) -> tuple[list[str], str, list[list[str]]]:
    """The reference reader (slower): used when the fast reader meets something unexpected."""
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on corrupt archives: all mean "not a workbook"
        raise IngestError("ingest.error.bad_excel") from exc
    try:
        names = list(book.sheetnames)
        _check_sheet(names, sheet)

        def head(name: str) -> list[list[str]]:
            rows = book[name].iter_rows(max_row=_HEADER_SCAN_ROWS + 10, values_only=True)
            return [[_cell_text(v) for v in row] for row in rows]

        chosen = sheet or max(names, key=lambda n: (_sheet_score(head(n)), -names.index(n)))
        try:
            rows = [[_cell_text(v) for v in row] for row in book[chosen].iter_rows(values_only=True)]
        except Exception as exc:  # corrupt sheet XML
            raise IngestError("ingest.error.bad_excel") from exc
    finally:
        book.close()
    return names, chosen, rows


def _check_sheet(names: list[str], sheet: str | None) -> None:
    if not names:
        raise IngestError("ingest.error.empty_file")
    if sheet is not None and sheet not in names:
        raise IngestError("ingest.error.no_sheet", sheet=sheet, sheets=", ".join(names))


def read_excel(data: bytes, sheet: str | None = None, *, fast: bool = True) -> RawTable:
    """The data sheet of a workbook (or `sheet`), its header row found below any title rows."""
    try:
        names, chosen, rows = _rows_fast(data, sheet) if fast else _rows_openpyxl(data, sheet)
    except IngestError:
        raise
    except Exception:  # anything the fast reader did not expect: let openpyxl decide
        names, chosen, rows = _rows_openpyxl(data, sheet)
    if not any(c.strip() for r in rows for c in r):
        raise IngestError("ingest.error.empty_file")
    start = _header_index(rows[:_HEADER_SCAN_ROWS])
    header = rows[start]
    width = max(i + 1 for i, c in enumerate(header) if c.strip())
    names_ = _dedupe(header[:width])
    body = [(r + [""] * width)[:width] for r in rows[start + 1:]]
    while body and not any(c.strip() for c in body[-1]):
        body.pop()                      # Excel's formatted-but-empty trailing rows
    frame = (pd.DataFrame(body, columns=names_, dtype="str") if body else
             pd.DataFrame({n: pd.Series([], dtype="str") for n in names_}))
    return RawTable(frame=frame, encoding="xlsx", sheet=chosen, sheets=names, header_row=start + 1)


def read(data: bytes, filename: str, sheet: str | None = None) -> RawTable:
    """The raw table of an upload (CSV / TSV / TXT / XLSX)."""
    if not data or not data.strip():
        raise IngestError("ingest.error.empty_file")
    if is_excel(data, filename):
        if data[:4] != b"PK\x03\x04":
            raise IngestError("ingest.error.bad_excel")
        return read_excel(data, sheet)
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IngestError("ingest.error.bad_excel")   # a zip / old .xls under another name
    return read_text(data)

"""Bytes -> a raw table of strings: encoding, delimiter, Excel sheet, header row.

Every cell is read as text (nothing is lost to type guessing); cleaning happens later in
`engine.ingest.clean`. The upload stays in memory: nothing here touches the disk.
Fast path for big CSVs: decode once in Python (CP932 needs the `cp932` codec for ①, ㈱, 髙),
hand UTF-8 bytes to pyarrow's multi-threaded CSV reader with every column typed as string.

Limits (`engine.ingest.limits`, from engine/data/limits.toml) are checked where the work they
protect starts: the header's width before any row is read, made-up cells (padding of short rows,
rows an .xlsx skips) before they are made, rows and cells as rows arrive, cell length in both
CSV paths. Going past one raises `IngestError` with an `ingest.limit.*` key.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from engine.errors import IngestError
from engine.ingest import bytecsv
from engine.ingest.columns import Col
from engine.ingest.limits import Limits, default

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_DELIMITERS = (",", "\t", ";")
_HTML_START = re.compile(r"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SNIFF_CHARS = 1 << 20          # binary / delimiter checks look at the first MiB only
_HEADER_SCAN_ROWS = 20          # Excel: the header is within the first rows of the sheet
MALFORMED = "malformed_row"
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet[\s/>]")


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
    # column -> its cells as dictionary codes (stripped), when the reader made them (the byte
    # path does): the build reuses them instead of encoding the frame's columns again
    columns: dict[str, Col] = field(default_factory=dict)


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


def _csv_error(exc: csv.Error, line: int, limits: Limits) -> IngestError:
    """csv.Error as the user's message: a cell over the length limit, else unreadable."""
    if "field larger than field limit" in str(exc):
        return limits.field_too_long(f"{line:,}")
    return IngestError("ingest.error.unreadable")


def _field_limit(limits: Limits) -> None:
    """csv's own cell-length limit (131,072 by default) set to ours, so both CSV paths agree."""
    csv.field_size_limit(limits.max_field_chars)


def _header(text: str, delimiter: str, limits: Limits | None = None) -> tuple[list[str], int]:
    """(column names, index of the header line): leading lines much narrower than the table
    below them (a title such as "受注データ 2024/01/01", blank lines) are skipped."""
    limits = limits or default()
    _field_limit(limits)
    reader = csv.reader(io.StringIO(text[:_SNIFF_CHARS], newline=""), delimiter=delimiter)
    try:
        rows = list(islice(reader, _HEADER_SCAN_ROWS))
    except csv.Error as exc:
        raise _csv_error(exc, max(reader.line_num, 1), limits) from exc
    if not any(rows):
        return [], 0
    width = Counter(len(r) for r in rows if r).most_common(1)[0][0]
    # a title is much narrower than the table; a header is at least half as wide
    index = next((i for i, r in enumerate(rows) if len(r) >= max(2, width / 2) or len(r) == width), 0)
    return _dedupe(rows[index]), index


def _read_arrow(utf8: bytes, delimiter: str, names: list[str], skip: int,
                limits: Limits) -> tuple[pd.DataFrame, int, list]:
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
    for column in table.columns:          # bytes bound characters: count characters only when needed
        if len(column) and (pc.max(pc.binary_length(column)).as_py() or 0) > limits.max_field_chars:
            lengths = pc.utf8_length(column)
            longest = pc.max(lengths).as_py() or 0
            if longest > limits.max_field_chars:   # its line, counting one line per row
                raise limits.field_too_long(f"{skip + pc.index(lengths, longest).as_py() + 1:,}")
    limits.check_cells(table.num_rows, len(names))
    # keep pyarrow's 32-bit-offset strings (pandas' "str" would copy every column to large_string)
    frame = table.to_pandas(types_mapper={pa.string(): pd.ArrowDtype(pa.string())}.get)
    return frame, len(bad), bad[:3]


def _read_python(text: str, delimiter: str, names: list[str], skip: int,
                 limits: Limits | None = None, size: int = 0) -> tuple[pd.DataFrame, int, list]:
    """Slow, forgiving path: short rows padded, surplus empty cells trimmed, the rest counted.

    Rows, cells and padding are checked before each row is kept; a cell over the length limit
    stops the reading with the line it is on.
    """
    limits = limits or default()
    _field_limit(limits)
    width = len(names)
    rows, bad, examples = [], 0, []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    skipped = 0
    padded = 0
    try:
        while skipped < skip and next(reader, None) is not None:
            skipped += 1
        for row in reader:
            if not row:
                continue
            if len(row) < width:
                padded += width - len(row)
                if padded > limits.max_padding_cells:
                    limits.check_padding(padded, size)
                row = row + [""] * (width - len(row))
            elif len(row) > width:
                if any(cell.strip() for cell in row[width:]):
                    bad += 1
                    if len(examples) < 3:
                        examples.append({"row": reader.line_num, "cells": len(row), "expected": width})
                    continue
                row = row[:width]
            if len(rows) >= limits.max_rows or (len(rows) + 1) * width > limits.max_cells:
                limits.check_cells(len(rows) + 1, width)
            rows.append(row)
    except csv.Error as exc:
        raise _csv_error(exc, max(reader.line_num, 1), limits) from exc
    frame = pd.DataFrame(rows, columns=names, dtype="str") if rows else pd.DataFrame(
        {n: pd.Series([], dtype="str") for n in names})
    return frame, bad, examples


def _read_bytes(data: bytes, limits: Limits) -> RawTable | None:
    """A CP932 / EUC-JP file split as bytes (engine.ingest.bytecsv), or None: read it as text.

    What is decided before every cell is known to decode (the sniffing, the header, its width)
    is decided on the decoded first MiB as the text path does; if it objects, the text path
    reads the file, so a file with a bad byte further down gets exactly today's message.
    """
    planned = bytecsv.plan(data, _looks_like_euc)
    if planned is None:
        return None
    encoding, head, encodings = planned
    try:
        check_text(head)
        delimiter = sniff_delimiter(head)
        names, header_index = _header(head, delimiter, limits)
        if not names:
            return None
        limits.check_columns(len(names))
    except IngestError:
        return None
    del head
    skip = header_index + 1
    try:
        frame, cols = bytecsv.read(data, encodings, delimiter, names, skip, limits)
    except bytecsv.Fallback:
        return None
    return RawTable(frame=frame, encoding=encoding, delimiter=delimiter, header_row=skip, columns=cols)


def read_text(data: bytes, limits: Limits | None = None, *, as_bytes: bool = True) -> RawTable:
    """The raw table of a text file; CP932 / EUC-JP split as bytes unless `as_bytes` is False."""
    limits = limits or default()
    if as_bytes:
        raw = _read_bytes(data, limits)
        if raw is not None:
            return raw
    text, encoding = decode(data)
    check_text(text)
    delimiter = sniff_delimiter(text)
    names, header_index = _header(text, delimiter, limits)
    skip = header_index + 1
    if not names:
        raise IngestError("ingest.error.empty_file")
    limits.check_columns(len(names))       # before any row is split into that many cells
    size = len(data)
    # pyarrow reads UTF-8: a UTF-8 upload is handed over as is, anything else re-encoded once;
    # the decoded str is released first so a big file is not held three times in memory
    if encoding in ("utf-8", "utf-8-sig"):
        utf8 = data
        del text
    else:
        utf8 = text.encode("utf-8")
        del text
    try:
        frame, bad, examples = _read_arrow(utf8, delimiter, names, skip, limits)
        arrow_failed = False
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        arrow_failed = True
    if arrow_failed or bad:  # ragged rows (or what arrow cannot split): re-read forgivingly
        frame, bad, examples = _read_python(utf8.decode("utf-8-sig"), delimiter, names, skip, limits, size)
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


Items = Iterator[tuple[int, list[str], int]]     # (rows skipped before, cells, beyond-cap width)


def _filled(row: list[str]) -> bool:
    return any(c.strip() for c in row)


def _first_rows(items: Items, n: int) -> list[list[str]]:
    """The first `n` rows of a sheet, skipped rows as empty ones (for choosing the sheet)."""
    out: list[list[str]] = []
    for gap, cells, _ in items:
        out.extend([[]] * min(gap, n - len(out)))
        if len(out) >= n:
            break
        out.append(cells)
        if len(out) >= n:
            break
    return out


def _choose(names: list[str], sheet: str | None, head: Callable[[str], list[list[str]]]) -> str:
    _check_sheet(names, sheet)
    return sheet or max(names, key=lambda n: (_sheet_score(head(n)), -names.index(n)))


def _rows_fast(data: bytes, sheet: str | None, limits: Limits) -> tuple[list[str], str, Items, object]:
    from engine.ingest import xlsx

    book = xlsx.Workbook(data, limits)
    names = book.sheetnames
    head_rows = _HEADER_SCAN_ROWS + 10
    chosen = _choose(names, sheet, lambda n: _first_rows(book.rows(n), head_rows))
    return names, chosen, book.rows(chosen), book


def _openpyxl_items(sheet, limits: Limits, cap: list[int]) -> Items:
    """openpyxl's rows in the fast reader's shape, within the same limits.

    The sheet's declared dimension is ignored (it can claim A1:XFD1048576 and have every row
    padded to it); openpyxl still yields one empty row per skipped row number, so rows are
    counted against Excel's last row, and the cells it pads are counted too.
    """
    sheet.reset_dimensions()
    count = cells = gap = 0
    for values in sheet.iter_rows(values_only=True):
        count += 1
        if count > limits.max_row_number:
            raise IngestError("ingest.limit.row_number", row=f"{count:,}", limit=f"{limits.max_row_number:,}")
        if not values:                  # a skipped row number: counted, as the fast reader does
            gap += 1
            continue
        cells += len(values)
        if cells > limits.max_cells:
            limits.check_cells(count, -(-cells // count))
        width = cap[0]
        beyond = 0
        if len(values) > width:
            beyond = max((i + 1 for i in range(width, len(values)) if _cell_text(values[i]).strip()), default=0)
        yield gap, [_cell_text(v) for v in values[:width]], beyond
        gap = 0


def _prescan(data: bytes, limits: Limits) -> None:
    """Before openpyxl (which reads parts whole and keeps every shared string): the same limits
    as the fast reader, checked by streaming the parts without parsing them."""
    import zipfile

    from engine.ingest import xlsx

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # not a zip archive
        raise IngestError("ingest.error.bad_excel") from exc
    with zf:
        xlsx.check_archive(zf, limits)
        for info in zf.infolist():
            if not info.filename.startswith("xl/") or not info.filename.endswith((".xml", ".rels")):
                continue
            try:
                count = xlsx.scan_part(zf, info.filename, limits, b"<si>")
            except IngestError:
                raise
            except Exception as exc:  # damaged part: openpyxl would fail on it too
                raise IngestError("ingest.error.bad_excel") from exc
            if info.filename == "xl/sharedStrings.xml" and count > limits.max_shared_strings:
                raise IngestError("ingest.limit.shared_strings", limit=f"{limits.max_shared_strings:,}")
            if info.filename == "xl/workbook.xml" and info.file_size <= limits.max_small_part_bytes:
                # openpyxl sets up every sheet on opening: thousands take seconds
                if len(_SHEET_TAG.findall(zf.read(info))) > limits.max_sheets:
                    raise IngestError("ingest.limit.sheets", limit=f"{limits.max_sheets:,}")


def _cap_setter(cap: list[int]) -> Callable[[int], None]:
    def set_cap(width: int) -> None:
        cap[0] = width
    return set_cap


def _check_sheet(names: list[str], sheet: str | None) -> None:
    if not names:
        raise IngestError("ingest.error.empty_file")
    if sheet is not None and sheet not in names:
        raise IngestError("ingest.error.no_sheet", sheet=sheet, sheets=", ".join(names))


def _table(items: Items, limits: Limits, size: int, set_cap: Callable[[int], None]
           ) -> tuple[int, list[str], list[list[str]]]:
    """(header row index, column names, body rows) of a sheet's rows, read as they stream in.

    The header is looked for among the first non-empty rows (title rows and empty rows above
    it are skipped); its width is checked before the body is read, and each body row against
    the row, cell and padding limits before it is made.
    """
    rows: list[list[str]] = []
    beyond: list[int] = []
    filled = 0
    items = iter(items)
    for gap, cells, wide in items:
        if gap:
            limits.check_padding(gap, size)
            rows.extend([[]] * gap)
            beyond.extend([0] * gap)
        rows.append(cells)
        beyond.append(wide)
        filled += _filled(cells)
        if filled >= _HEADER_SCAN_ROWS:
            break
    if not filled:
        raise IngestError("ingest.error.empty_file")
    # the header is among the first filled rows, however many empty rows come before them
    where = [i for i, r in enumerate(rows) if _filled(r)][:_HEADER_SCAN_ROWS]
    start = where[_header_index([rows[i] for i in where])]
    header = rows[start]
    if beyond[start]:
        limits.check_columns(beyond[start])
    width = max(i + 1 for i, c in enumerate(header) if c.strip())
    limits.check_columns(width)
    set_cap(width)                     # cells right of the header are not even kept from now on
    blank = [""] * width
    body = [(r + blank)[:width] if r else blank for r in rows[start + 1:]]
    made_up = sum(1 for r in rows[start + 1:] if not r) * width
    limits.check_padding(made_up, size)
    del rows
    for gap, cells, _ in items:
        n = len(body) + gap + 1
        if n > limits.max_rows or n * width > limits.max_cells:
            limits.check_cells(n, width)
        if gap:
            made_up += gap * width
            limits.check_padding(made_up, size)
            body.extend([blank] * gap)
        body.append((cells + blank)[:width] if cells else blank)
    while body and not any(c.strip() for c in body[-1]):
        body.pop()                      # Excel's formatted-but-empty trailing rows
    return start, _dedupe(header[:width]), body


def _table_openpyxl(data: bytes, sheet: str | None, limits: Limits
                    ) -> tuple[list[str], str, tuple[int, list[str], list[list[str]]]]:
    """The reference reader (slower): used when the fast reader meets something unexpected."""
    _prescan(data, limits)
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on corrupt archives: all mean "not a workbook"
        raise IngestError("ingest.error.bad_excel") from exc
    cap = [limits.max_columns + 1]
    try:
        names = list(book.sheetnames)
        if len(names) > limits.max_sheets:
            raise IngestError("ingest.limit.sheets", limit=f"{limits.max_sheets:,}")
        chosen = _choose(names, sheet, lambda n: _first_rows(_openpyxl_items(book[n], limits, cap),
                                                             _HEADER_SCAN_ROWS + 10))
        table = _table(_openpyxl_items(book[chosen], limits, cap), limits, len(data), _cap_setter(cap))
    except IngestError:
        raise
    except Exception as exc:  # corrupt sheet XML, anywhere in the sheet
        raise IngestError("ingest.error.bad_excel") from exc
    finally:
        book.close()
    return names, chosen, table


def read_excel(data: bytes, sheet: str | None = None, *, fast: bool = True,
               limits: Limits | None = None) -> RawTable:
    """The data sheet of a workbook (or `sheet`), its header row found below any title rows."""
    limits = limits or default()
    try:
        if not fast:
            raise NotImplementedError
        names, chosen, items, book = _rows_fast(data, sheet, limits)
        table = _table(items, limits, len(data), lambda width: setattr(book, "column_cap", width))
    except IngestError:
        raise
    except Exception:  # anything the fast reader did not expect: let openpyxl decide
        names, chosen, table = _table_openpyxl(data, sheet, limits)
    start, names_, body = table
    frame = (pd.DataFrame(body, columns=names_, dtype="str") if body else
             pd.DataFrame({n: pd.Series([], dtype="str") for n in names_}))
    return RawTable(frame=frame, encoding="xlsx", sheet=chosen, sheets=names, header_row=start + 1)


def read(data: bytes, filename: str, sheet: str | None = None, limits: Limits | None = None) -> RawTable:
    """The raw table of an upload (CSV / TSV / TXT / XLSX), within `limits` (default: limits.toml)."""
    limits = limits or default()
    if not data or data.isspace():        # (no copy of the upload, unlike data.strip())
        raise IngestError("ingest.error.empty_file")
    if is_excel(data, filename):
        if data[:4] != b"PK\x03\x04":
            raise IngestError("ingest.error.bad_excel")
        return read_excel(data, sheet, limits=limits)
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IngestError("ingest.error.bad_excel")   # a zip / old .xls under another name
    return read_text(data, limits)

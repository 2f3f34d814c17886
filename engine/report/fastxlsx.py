"""A small, fast .xlsx writer for plain tables (the report workbook and its customer lists).

openpyxl builds one Python object per cell, which takes about 30 s for a 100,000-customer list
(1 million cells); writing the sheet XML directly takes a few seconds. Only what the report
needs: text, numbers, booleans, a bold frozen header row and column widths. Text goes through
`engine.exporting.neutralise` (no formula can run) and loses the control characters XML cannot
hold. Dates are written as ISO text.
"""
from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from datetime import date, datetime
from typing import Iterable, Mapping
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from engine.exporting import EXCEL_SHEET_NAME_MAX, neutralise

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_WIDTH = 50

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>")
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
               'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>")
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{rels}"
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>')
_SHEET_REL = ('<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
              '2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>')
# Style 0: normal; style 1: bold (the header row).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>")
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="{dimension}"/><sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    "</sheetView></sheetViews>{cols}<sheetData>")
_SHEET_TAIL = "</sheetData></worksheet>"


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _text(value: str) -> str:
    return escape(_ILLEGAL_XML.sub("", str(neutralise(value))))


def _display_width(value: str) -> float:
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in value)


def _cells(series: pd.Series) -> tuple[list[str], float]:
    """Each value's cell body (attributes after r="…", then content) and a width estimate."""
    values = series.to_numpy(dtype=object)
    out: list[str] = []
    width = 0.0
    for v in values:
        if isinstance(v, (bool, np.bool_)):
            out.append(f' t="b"><v>{int(v)}</v></c>')
        elif isinstance(v, (int, np.integer)):
            out.append(f"><v>{int(v)}</v></c>")
            width = max(width, len(str(v)))
        elif isinstance(v, (float, np.floating)):
            if math.isfinite(v):
                text = repr(float(v))
                out.append(f"><v>{text}</v></c>")
                width = max(width, min(len(text), 12))
            else:
                out.append("")
        elif v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            out.append("")
        else:
            if isinstance(v, (pd.Timestamp, datetime, date)):
                v = v.isoformat()[:10] if not isinstance(v, datetime) or (
                    v.hour == v.minute == v.second == 0) else v.isoformat(sep=" ")
            text = _text(v)
            out.append(f' t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
            if len(out) <= 200:  # the first rows are enough to size a column
                width = max(width, _display_width(str(v)))
    return out, width


def _sheet_xml(frame: pd.DataFrame) -> Iterable[str]:
    headers = [str(c) for c in frame.columns]
    letters = [column_letter(i) for i in range(len(headers))]
    columns = [_cells(frame[c]) if frame.columns.is_unique else _cells(frame.iloc[:, i])
               for i, c in enumerate(frame.columns)]
    widths = [min(max(_display_width(h), w, 6) + 2, _MAX_WIDTH)
              for h, (_, w) in zip(headers, columns)]
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w:.1f}" customWidth="1"/>'
                   for i, w in enumerate(widths))
    last = f"{letters[-1]}{len(frame) + 1}" if letters else "A1"
    yield _SHEET_HEAD.format(dimension=f"A1:{last}", cols=f"<cols>{cols}</cols>" if cols else "")
    head = "".join(f'<c r="{col}1" s="1" t="inlineStr"><is><t xml:space="preserve">'
                   f"{_text(h)}</t></is></c>" for col, h in zip(letters, headers))
    yield f'<row r="1">{head}</row>'
    bodies = [cells for cells, _ in columns]
    chunk: list[str] = []
    for r, row in enumerate(zip(*bodies), start=2):
        parts = [f'<row r="{r}">']
        for col, body in zip(letters, row):
            if body:
                parts.append(f'<c r="{col}{r}"{body}')
        parts.append("</row>")
        chunk.append("".join(parts))
        if len(chunk) >= 5000:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)
    yield _SHEET_TAIL


def write(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook, one sheet per entry (names must already be valid and unique)."""
    buf = io.BytesIO()
    names = [str(n)[:EXCEL_SHEET_NAME_MAX] or "Sheet" for n in sheets] or ["Sheet"]
    frames = list(sheets.values()) or [pd.DataFrame()]
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        n = len(names)
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES.format(
            sheets="".join(_SHEET_TYPE.format(n=i + 1) for i in range(n))))
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK.format(sheets="".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i + 1}" '
            f'r:id="rId{i + 1}"/>' for i, name in enumerate(names))))
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(
            rels="".join(_SHEET_REL.format(n=i + 1) for i in range(n))))
        zf.writestr("xl/styles.xml", _STYLES)
        for i, frame in enumerate(frames):
            with zf.open(f"xl/worksheets/sheet{i + 1}.xml", "w") as fh:
                for piece in _sheet_xml(frame):
                    fh.write(piece.encode("utf-8"))
    return buf.getvalue()

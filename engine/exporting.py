"""Files the user downloads: CSV (UTF-8 with BOM, so Excel opens it) and Excel workbooks.

Every text cell that a spreadsheet could read as a formula (starting with =, +, -, @, or a tab /
carriage return) is neutralised with a leading apostrophe, so an export is safe to open.
Numbers stay numbers.
"""
from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXCEL_SHEET_NAME_MAX = 31


def neutralise(value: Any) -> Any:
    """A text value that cannot be run as a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell (and header) neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV encoded as UTF-8 with BOM, formula-safe."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per entry, formula-safe.

    Written by `engine.report.fastxlsx` (sheet XML directly): openpyxl takes ~30 s for a
    100,000-customer list, this a few seconds.
    """
    from engine.report.fastxlsx import write  # imports this module: keep the import here

    names: dict[str, pd.DataFrame] = {}
    for name, frame in sheets.items():
        sheet = str(name)[:EXCEL_SHEET_NAME_MAX] or "Sheet"
        names[sheet] = frame
    return write(names)

"""The fast .xlsx reader gives exactly what the openpyxl reader (the reference) gives."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from engine.ingest.reader import _first_rows, read_excel
from engine.ingest.xlsx import Workbook, is_date_format


def _book(write_only: bool = False) -> bytes:
    book = openpyxl.Workbook(write_only=write_only)
    notes = book.create_sheet("メモ") if write_only else book.active
    if not write_only:
        notes.title = "メモ"
    notes.append(["注文データ（説明）"])
    sheet = book.create_sheet("注文")
    sheet.append(["2024年 注文一覧"])                       # title row
    sheet.append([])                                       # gap row
    sheet.append(["注文番号", "顧客ID", "注文日", "単価", "数量", "メモ", "会員", "和暦日"])
    sheet.append([536365, 17850.0, dt.datetime(2024, 1, 5, 9, 3, 7), 2.55, 6, "髙島屋 ①", True,
                  dt.datetime(2024, 1, 5)])
    sheet.append([536366, None, dt.date(2024, 1, 6), 0.1 + 0.2, -3, None, False, dt.datetime(2019, 5, 1)])
    sheet.append(["C536367", "A-01", "2024/01/07", 1234567890123, 1e-7, "=1+1", None, None])
    if not write_only:
        for row in sheet.iter_rows(min_row=4, min_col=8, max_col=8):
            for cell in row:
                cell.number_format = 'yyyy"年"m"月"d"日"'
        sheet["F8"] = "x"                                  # a sparse cell far below
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("write_only", [False, True])
def test_fast_reader_matches_openpyxl(write_only):
    data = _book(write_only)
    fast, slow = read_excel(data, fast=True), read_excel(data, fast=False)
    assert fast.sheet == slow.sheet == "注文"
    assert fast.sheets == slow.sheets and fast.header_row == slow.header_row == 3
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    assert fast.frame["注文日"].tolist()[:2] == ["2024-01-05 09:03:07", "2024-01-06 00:00:00"]
    assert fast.frame["顧客ID"].tolist()[0] == "17850"


def test_each_sheet_and_row_limit():
    book = Workbook(_book())
    assert book.sheetnames == ["メモ", "注文"]
    assert _first_rows(book.rows("注文"), 2) == [["2024年 注文一覧"], []]
    # rows come sparse: skipped row numbers as a count, not as empty rows
    assert [gap for gap, _, _ in book.rows("注文")] == [0, 1, 0, 0, 0, 1]


@pytest.mark.parametrize("code,is_date", [('yyyy"年"m"月"d"日"', True), ("m/d/yy h:mm", True),
                                          ("0.00", False), ('#,##0"円"', False), ("[Red]0.0", False),
                                          ("General", False)])
def test_date_formats(code, is_date):
    assert is_date_format(code) is is_date


def test_unexpected_workbook_falls_back_to_openpyxl(monkeypatch):
    import engine.ingest.xlsx as xlsx

    def broken(self, data, limits=None):
        raise KeyError("xl/workbook.xml")
    monkeypatch.setattr(xlsx.Workbook, "__init__", broken)
    assert read_excel(_book()).sheet == "注文"

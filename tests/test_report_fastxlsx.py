"""The fast workbook writer gives what openpyxl reads back exactly, and nothing runnable."""
from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd

from engine.report.fastxlsx import column_letter, write


def _read(raw: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(raw))


def test_values_and_types_come_back_as_written() -> None:
    frame = pd.DataFrame({
        "text": ["山田 ①㈱髙", "  spaced  ", "a<b & c>d", "x\x01y\x0bz", None],
        "int": np.array([1, -2, 0, 10**12, 7], dtype=np.int64),
        "float": [1.5, -0.1, float("nan"), float("inf"), 1 / 3],
        "flag": [True, False, True, False, True],
        "day": pd.to_datetime(["2026-01-02", "2026-11-24", None, "2025-03-04", "2024-02-29"]),
    })
    ws = _read(write({"s": frame}))["s"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["text", "int", "float", "flag", "day"]
    assert [r[0] for r in rows[1:]] == ["山田 ①㈱髙", "  spaced  ", "a<b & c>d", "xyz", None]
    assert [r[1] for r in rows[1:]] == [1, -2, 0, 10**12, 7]
    assert [r[2] for r in rows[1:]] == [1.5, -0.1, None, None, 1 / 3]   # exact round trip
    assert [r[3] for r in rows[1:]] == [True, False, True, False, True]
    assert [r[4] for r in rows[1:]] == ["2026-01-02", "2026-11-24", None, "2025-03-04",
                                        "2024-02-29"]
    assert ws["B3"].data_type == "n" and ws["D2"].data_type == "b"


def test_text_that_looks_like_a_formula_is_inert() -> None:
    frame = pd.DataFrame({"=SUM(A1)": ["=cmd|' /C calc'!A0", "+1", "-1", "@x", "\tx", "ok"],
                          "n": [-1, -2, -3, -4, -5, -6]})
    ws = _read(write({"s": frame}))["s"]
    assert ws["A1"].value == "'=SUM(A1)"
    texts = [ws.cell(r, 1).value for r in range(2, 8)]
    assert texts == ["'=cmd|' /C calc'!A0", "'+1", "'-1", "'@x", "'\tx", "ok"]
    assert all(ws.cell(r, 1).data_type == "s" for r in range(2, 8))
    assert [ws.cell(r, 2).value for r in range(2, 8)] == [-1, -2, -3, -4, -5, -6]


def test_sheets_keep_their_names_and_order() -> None:
    sheets = {"概要": pd.DataFrame({"a": [1]}), 'A & "B"': pd.DataFrame({"b": ["x"]}),
              "空": pd.DataFrame()}
    wb = _read(write(sheets))
    assert wb.sheetnames == ["概要", 'A & "B"', "空"]
    assert wb['A & "B"']["A2"].value == "x"
    assert wb["空"].max_row == 1


def test_the_header_is_bold_and_frozen() -> None:
    ws = _read(write({"s": pd.DataFrame({"a": [1, 2]})}))["s"]
    assert ws["A1"].font.b and not ws["A2"].font.b
    assert ws.freeze_panes == "A2"


def test_readers_that_trust_the_dimension_see_every_row() -> None:
    raw = write({"s": pd.DataFrame({"a": range(5), "b": ["x"] * 5})})
    ws = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)["s"]
    assert (ws.max_row, ws.max_column) == (6, 2)
    assert pd.read_excel(io.BytesIO(raw))["a"].tolist() == [0, 1, 2, 3, 4]


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == \
        ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_duplicate_column_names_are_written_side_by_side() -> None:
    frame = pd.DataFrame([[1, 2]], columns=["x", "x"])
    ws = _read(write({"s": frame}))["s"]
    assert [c.value for c in ws[2]] == [1, 2]

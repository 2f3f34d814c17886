"""Downloads are safe to open in Excel: no cell can run as a formula."""
import io

import openpyxl
import pandas as pd

from engine.exporting import csv_bytes, neutralise, xlsx_bytes


def test_text_starting_with_formula_characters_is_neutralised():
    for bad in ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx"]:
        assert neutralise(bad) == "'" + bad


def test_numbers_and_plain_text_are_unchanged():
    assert neutralise(-5) == -5
    assert neutralise("山田") == "山田"


def test_csv_has_bom_and_no_live_formula():
    data = csv_bytes(pd.DataFrame({"customer": ["=HYPERLINK(\"x\")", "ok"], "m": [-1, 2]}))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n-1," not in text or ",-1" in text  # numbers keep their sign


def test_xlsx_cells_are_inert():
    raw = xlsx_bytes({"list": pd.DataFrame({"name": ["=1+1", "@x"], "value": [-3, 4]})})
    ws = openpyxl.load_workbook(io.BytesIO(raw))["list"]
    assert ws["A2"].value == "'=1+1"
    assert ws["A2"].data_type == "s"
    assert ws["B2"].value == -3

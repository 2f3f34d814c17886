"""The Excel report: the same content as sheets, and no cell that can run as a formula."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd

from engine.exporting import csv_bytes
from engine.i18n import t
from engine.report.content import build
from engine.report.xlsx import render, sheets
from report_fixtures import FORMULA, XSS, hostile_input


def _book(inp: dict, lang: str = "ja") -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render(inp, lang)))


def _cells(wb: openpyxl.Workbook):
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                yield ws.title, cell


def test_every_section_has_its_sheet_in_order() -> None:
    wb = _book(hostile_input(), "en")
    expected = [t(f"report.sheet.{k}", "en") for k in
                ("summary", "scores", "kpis", "comparison", "segments", "ranks", "dormant",
                 "actions", "plan")] + [f"{t('report.sheet.list', 'en')}_dormant"]
    assert wb.sheetnames == expected


def test_no_cell_starts_a_formula_and_text_is_kept() -> None:
    wb = _book(hostile_input(), "ja")
    texts = []
    for _, cell in _cells(wb):
        if isinstance(cell.value, str):
            texts.append(cell.value)
            assert cell.data_type == "s"
            assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
    assert "'" + FORMULA in texts            # the reason, the plan action, the list key
    assert texts.count("'" + FORMULA) >= 4
    assert "'+81-3-1234" in texts
    assert XSS + "山田商店" in texts          # HTML is not Excel's problem: kept as text


def test_numbers_stay_numbers_with_their_sign() -> None:
    wb = _book(hostile_input(), "en")
    lst = wb[f"{t('report.sheet.list', 'en')}_dormant"]
    assert [c.value for c in lst["C"]][1:] == [-5, 100, 3.5]
    plan = wb[t("report.sheet.plan", "en")]
    header = [c.value for c in plan[1]]
    assert plan.cell(2, header.index(t("report.col.expected_profit", "en")) + 1).value == -200


def test_scores_sheet_holds_the_diagnosis() -> None:
    ws = _book(hostile_input(), "en")[t("report.sheet.scores", "en")]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][:3] == [t("report.col.area", "en"), t("report.col.score", "en"),
                           t("report.col.level", "en")]
    assert [r[1] for r in rows[1:]] == [40, 80]


def test_segment_tables_are_stacked_with_their_name() -> None:
    frames = sheets({"segments": {"cpm": [{"segment": "初回客", "customers": 5}],
                                  "rfm": {"Champions": 2, "New": 7}}}, "en")
    seg = frames[t("report.sheet.segments", "en")]
    assert seg.iloc[:, 0].tolist() == ["CPM segments", "RFM segments", "RFM segments"]
    assert len(seg) == 3


def test_sheet_names_are_valid_and_unique() -> None:
    lists = {"a/b:c*?[x]": pd.DataFrame({"x": [1]}), "y" * 40: pd.DataFrame({"x": [2]}),
             "y" * 41: pd.DataFrame({"x": [3]})}
    names = list(sheets({"lists": lists}, "en"))
    assert len(names) == len(set(n.casefold() for n in names)) == 4
    for name in names:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    wb = _book({"lists": lists}, "en")
    assert wb.sheetnames == names


def test_a_chosen_list_downloaded_as_csv_is_inert_too() -> None:
    rep = build(hostile_input(), "ja")
    text = csv_bytes(rep.lists["dormant"]).decode("utf-8-sig")
    assert "\n'" + FORMULA in text.replace("\r\n", "\n")
    assert "\n'+81-3-1234" in text.replace("\r\n", "\n")

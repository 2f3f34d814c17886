"""Customer lists to download: the right customers, readable headers, safe to open in Excel."""
import io

import openpyxl

from analysis_helpers import make_book
from engine.analysis import customers, lists, ranks, rfm
from engine.exporting import csv_bytes, xlsx_bytes

ROWS = [("1", "=cmd|x", "2024-01-01", 1000), ("2", "B", "2024-01-02", 500),
        ("3", "B", "2024-06-01", 500), ("4", "C", "2024-06-02", 90000)]


def _inputs():
    table = customers.customer_table(make_book(ROWS).orders)
    th = rfm.RFMThresholds((30, 90, 180, 365), (2, 3, 4, 6), (5000, 10000, 30000, 100000))
    scored = rfm.score(table, th)
    scored["rank"] = ranks.assign_ranks(table).ranks["rank"]
    return table, scored


def test_selection_filters_and_keeps_scores():
    table, scored = _inputs()
    out = lists.customer_list(table, scored, {"rank": "active"})
    assert out["customer_id"].tolist() == ["B"]
    assert out.loc[0, ["frequency", "monetary", "R", "F"]].tolist() == [2, 1000.0, 5, 2]
    everyone = lists.customer_list(table, scored)
    assert everyone["customer_id"].tolist() == sorted(table.index)


def test_selection_by_list_of_values():
    table, scored = _inputs()
    out = lists.customer_list(table, scored, {"segment": ["new", "lost"]})
    assert set(out["segment"]) <= {"new", "lost"} and len(out) >= 1


def test_japanese_headers_and_labels():
    table, scored = _inputs()
    out = lists.customer_list(table, scored, {"rank": "basic"}, lang="ja")
    assert "顧客ID" in out.columns and "会員ランク" in out.columns
    assert set(out["会員ランク"]) == {"ベーシック"}


def test_downloads_neutralise_formula_like_keys():
    table, scored = _inputs()
    out = lists.customer_list(table, scored, lang="ja")
    text = csv_bytes(out).decode("utf-8-sig")
    assert "'=cmd|x" in text
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"list": out})))["list"]
    assert ws["A2"].value == "'=cmd|x"

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


# --- lists a shop can use: a 楽天 file keyed by name + phone ----------------------------------

import re  # noqa: E402

import pytest  # noqa: E402

from list_files import rakuten_orders  # noqa: E402

from engine.ingest import ingest  # noqa: E402
from engine.ingest.contacts import contacts  # noqa: E402
from engine.shop import ShopAnalysis  # noqa: E402

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


@pytest.fixture(scope="module")
def rakuten():
    data, expected = rakuten_orders()
    analysis = ShopAnalysis(ingest(data, "RMS.csv", salt=b"lists"))
    last = lists.last_orders(analysis.known_orders)["last_order_id"].to_dict()
    found = contacts([(data, "RMS.csv")], salt=b"lists", last_orders=last)
    return analysis, expected, found


def test_rakuten_list_carries_the_last_order_number_and_date(rakuten):
    analysis, expected, found = rakuten
    out = lists.shop_list(analysis, lang="ja", contacts=found)
    assert list(out.columns[:3]) == ["顧客キー（氏名＋電話番号から作成）", "最終注文番号", "最終購入日"]
    assert len(out) == len(expected) == 30
    for row in out.to_dict("records"):
        want = expected[row["電話番号"]]          # worked out while writing the file
        assert row["最終注文番号"] == want["last_order"]
        assert str(row["最終購入日"]).replace("-", "") == want["last_order"].split("-")[1]
        assert (row["氏名"], row["郵便番号"], row["住所"]) == (want["name"], want["postcode"], want["address"])
    assert "メールアドレス" not in out.columns    # masked relay addresses: no column at all


def test_without_opt_in_no_contact_column(rakuten):
    analysis, _, _ = rakuten
    out = lists.shop_list(analysis, lang="ja")
    assert not {"氏名", "郵便番号", "住所", "電話番号"} & set(out.columns)
    assert "最終注文番号" in out.columns


def test_one_workbook_with_every_segment_in_japanese(rakuten):
    analysis, _, found = rakuten
    sheets = lists.workbook(analysis, lang="ja", contacts=found)
    names = list(sheets)
    assert names[0] == "全顧客" and len(sheets["全顧客"]) == 30
    scored = analysis.rfm
    labels = rfm.segment_labels("ja")
    for seg, n in scored["segment"].value_counts().items():   # every RFM segment with customers
        assert len(sheets[f"RFM-{labels[seg]}"]) == n
    assert any(n.startswith("CPM-") for n in names) and any(n.startswith("ランク-") for n in names)
    dormant = analysis.dormant.layers
    for row in dormant.to_dict("records"):
        if row["customers"]:
            assert len(sheets[f"休眠-{row['label_ja']}"]) == row["customers"]
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(sheets)))
    assert wb.sheetnames == names
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        assert not [h for h in header if SNAKE.search(str(h))], (ws.title, header)
        for row in ws.iter_rows(min_row=2, values_only=True):
            assert not {"let_go", "dm", "likely", "True", "False"} & {str(v) for v in row}


def test_dormant_list_has_japanese_layers_and_headers(rakuten):
    analysis, _, _ = rakuten
    out = lists.dormant_list(analysis, lang="ja")
    assert {"層", "最終注文番号", "取り戻せる見込み額"} <= set(out.columns)
    assert set(out["層"]) <= set(analysis.dormant.layers["label_ja"])
    text = csv_bytes(out).decode("utf-8-sig")
    assert "let_go" not in text and "layer" not in text


def test_file_names_carry_the_date_and_no_unsafe_characters():
    import datetime as dt

    name = lists.file_name("RFM", "要注意(離反予備軍)/x", date=dt.date(2026, 3, 4), suffix="csv")
    assert name == "karte_RFM_要注意(離反予備軍)_x_20260304.csv"

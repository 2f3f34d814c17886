"""Several files of one shop at once (engine/ingest/combine.py)."""
from __future__ import annotations

import pytest

from engine.errors import IngestError
from engine.ingest import ingest_files
from ingest_files import RAKUTEN_HEADER, YAHOO_ITEM_HEADER, YAHOO_ORDER_HEADER, table
from test_ingest_presets import SALT, _rakuten_row


def _rk(order, day, status, total, last, phone, item="Tシャツ"):
    return _rakuten_row(order, status, f"2024-{day} 10:00:00", total, last, "太郎", phone,
                        f"{order[-3:]}@pc.fw.rakuten.ne.jp", item, total, "1")


def test_two_overlapping_rakuten_exports_count_each_order_once():
    january = [_rk("1-0000001", "01-05", "発送済", "3000", "上田", "090-0000-0021"),
               _rk("1-0000002", "01-20", "発送済", "2000", "村上", "090-0000-0022"),
               _rk("1-0000003", "01-31", "キャンセル確定", "1000", "村上", "090-0000-0022")]
    # the second download covers 01-20 .. 02-28: orders 2 and 3 again, plus a new one
    february = [_rk("1-0000002", "01-20", "発送済", "2000", "村上", "090-0000-0022"),
                _rk("1-0000003", "01-31", "キャンセル確定", "1000", "村上", "090-0000-0022"),
                _rk("1-0000004", "02-10", "発送済", "4000", "上田", "090-0000-0021")]
    book = ingest_files([(table(RAKUTEN_HEADER, january, encoding="cp932"), "2024-01.csv"),
                         (table(RAKUTEN_HEADER, february, encoding="cp932"), "2024-02.csv")], salt=SALT)
    s = book.summary()
    # orders 1, 2, 4 once: 3000 + 2000 + 4000 = 9000; 上田 and 村上 (same keys across files)
    assert (s["format"], s["orders"], s["customers"], s["revenue"]) == ("rakuten_rms", 3, 2, 9000)
    assert s["rows_in"] == 6 and s["rows_kept"] == 3
    assert s["rows_dropped"] == {"cancelled": 2, "in_other_file": 1}
    assert book.report.reconciles()
    assert book.report.details["overlap_orders"] == 1
    assert [f["orders_in_other_file"] for f in book.report.details["files"]] == [0, 1]
    assert "ingest.notice.files_combined" in book.report.notices
    assert list(book.orders["order_id"]) == ["1-0000001", "1-0000002", "1-0000004"]


def _yahoo_order(oid, status, email, total):
    return {"OrderId": oid, "OrderTime": "2024/06/01 10:00:00", "OrderStatus": status,
            "BillFirstName": "健", "BillLastName": "松本", "BillPhoneNumber": "09000000005",
            "BillMailAddress": email, "Total": total, "TotalPrice": total}


def _yahoo_item(oid, line, item, price, qty):
    return {"OrderId": oid, "LineId": line, "ItemId": item, "Title": item, "UnitPrice": price,
            "Quantity": qty, "LineSubTotal": str(int(price) * int(qty))}


def test_yahoo_order_file_and_item_file_are_joined():
    orders = table(YAHOO_ORDER_HEADER, [_yahoo_order("s-1", "5", "a@example.ne.jp", "4400"),
                                        _yahoo_order("s-2", "4", "a@example.ne.jp", "1500"),
                                        _yahoo_order("s-3", "2", "b@example.ne.jp", "1100")], encoding="cp932")
    items = table(YAHOO_ITEM_HEADER, [_yahoo_item("s-1", "1", "tea", "1500", "2"),
                                      _yahoo_item("s-1", "2", "cup", "1400", "1"),
                                      _yahoo_item("s-2", "1", "tea", "1500", "1"),
                                      _yahoo_item("s-3", "1", "cup", "1100", "1")], encoding="cp932")
    book = ingest_files([(items, "item.csv"), (orders, "order.csv")], salt=SALT)
    s = book.summary()
    # s-1 4400 + s-3 1100 = 5500 (s-2 cancelled); a@ and b@
    assert (s["format"], s["orders"], s["customers"], s["revenue"]) == ("yahoo", 2, 2, 5500)
    assert (s["rows_in"], s["rows_kept"], s["rows_dropped"]) == (4, 3, {"cancelled": 1})
    o = book.orders.set_index("order_id")
    assert o.loc["s-1", "n_products"] == 2
    joined = book.report.details["yahoo_joined"]
    assert (joined["order_rows"], joined["item_rows"]) == (3, 4)


def test_yahoo_item_file_alone_asks_for_its_order_file():
    items = table(YAHOO_ITEM_HEADER, [_yahoo_item("s-1", "1", "tea", "1500", "2")])
    with pytest.raises(IngestError) as err:
        ingest_files([(items, "item.csv")])
    assert err.value.key == "ingest.error.yahoo_needs_orders"
    assert "注文データ" in err.value.message("ja")

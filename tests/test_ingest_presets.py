"""One export per platform, written from its real header: detected, and its orders, customers,
revenue and row accounting exact (the other platforms are in test_ingest_platforms.py).

Every expected figure is computed by hand in the comments next to the rows.
"""
from __future__ import annotations

import pandas as pd
import pytest

from engine.ingest import ingest, list_presets
from ingest_files import (AMAZON_HEADER, ECUBE_HEADER, RAKUTEN_HEADER,
                          RAKUTEN_OLD_HEADER, SHOPIFY_HEADER, UCI_HEADER, table)

SALT = b"test-session"


def check(book, *, fmt, orders, customers, revenue, rows_in, rows_kept, dropped):
    s = book.summary()
    assert s["format"] == fmt
    assert s["orders"] == orders
    assert s["customers"] == customers
    assert s["revenue"] == pytest.approx(revenue)
    assert s["rows_in"] == rows_in
    assert s["rows_kept"] == rows_kept
    assert s["rows_dropped"] == dropped
    assert book.report.reconciles()
    assert len(book.lines) == rows_kept


def no_personal_data(book, *values):
    """None of the given names / e-mails / phones anywhere in lines, orders or examples."""
    text = book.lines.to_csv() + book.orders.to_csv() + repr(book.report.examples)
    for v in values:
        assert v not in text, v


def test_every_platform_has_a_preset():
    ids = {p.id for p in list_presets()}
    assert {"shopify", "rakuten_rms", "rakuten_rms_old", "amazon_all_orders", "amazon_order_report",
            "ecube", "ecube3", "ecube2", "base", "yahoo", "yahoo_items", "futureshop", "makeshop",
            "colorme", "next_engine", "next_engine_detail", "next_engine_delivery",
            "uci_online_retail", "generic"} <= ids
    assert list_presets()[-1].id == "generic"


def test_shopify_totals_on_first_line_and_email_case():
    first = {"Currency": "JPY", "Billing Name": "山田 太郎", "Billing Phone": "090-0000-0001"}
    rows = [
        # #1001: two lines, Total 5500 only on the first line -> 5500 once
        {"Name": "#1001", "Email": "Taro@Example.jp", "Financial Status": "paid", "Total": "5500",
         "Created at": "2024-01-05 09:03:00 +0900", "Lineitem quantity": "1",
         "Lineitem name": "美容液", "Lineitem price": "3000", "Lineitem sku": "SER-1", **first},
        {"Name": "#1001", "Email": "Taro@Example.jp", "Created at": "2024-01-05 09:03:00 +0900",
         "Lineitem quantity": "2", "Lineitem name": "化粧水", "Lineitem price": "1000",
         "Lineitem sku": "LOT-1"},
        # exact duplicate of the line above -> duplicate_row
        {"Name": "#1001", "Email": "Taro@Example.jp", "Created at": "2024-01-05 09:03:00 +0900",
         "Lineitem quantity": "2", "Lineitem name": "化粧水", "Lineitem price": "1000",
         "Lineitem sku": "LOT-1"},
        # #1002: same customer, lower-case e-mail -> same key; 3300
        {"Name": "#1002", "Email": "taro@example.jp", "Financial Status": "paid", "Total": "3300",
         "Created at": "2024-02-05 23:30:00 +0900", "Lineitem quantity": "1",
         "Lineitem name": "美容液", "Lineitem price": "3000"},
        # #1003 voided + Cancelled at -> cancelled
        {"Name": "#1003", "Email": "hana@example.jp", "Financial Status": "voided", "Total": "3000",
         "Created at": "2024-02-06 10:00:00 +0900", "Cancelled at": "2024-02-06 11:00:00 +0900",
         "Lineitem quantity": "1", "Lineitem name": "美容液", "Lineitem price": "3000"},
        # #1004 refunded -> returned
        {"Name": "#1004", "Email": "jiro@example.jp", "Financial Status": "refunded", "Total": "2000",
         "Created at": "2024-02-07 10:00:00 +0900", "Lineitem quantity": "1",
         "Lineitem name": "洗顔料", "Lineitem price": "2000"},
        # #1005 partially refunded: 4000 - 1000 = 3000
        {"Name": "#1005", "Email": "jiro@example.jp", "Financial Status": "partially_refunded",
         "Total": "4000", "Refunded Amount": "1000", "Created at": "2024-02-08 10:00:00 +0900",
         "Lineitem quantity": "2", "Lineitem name": "洗顔料", "Lineitem price": "2000"},
        # #1006 free sample, store in New York: 20:00 -0500 = 10:00 next day in Japan; revenue 0
        {"Name": "#1006", "Email": "hana@example.jp", "Financial Status": "paid", "Total": "0",
         "Created at": "2024-02-29 20:00:00 -0500", "Lineitem quantity": "1",
         "Lineitem name": "サンプル 定期便お試し", "Lineitem price": "0"},
    ]
    book = ingest(table(SHOPIFY_HEADER, rows), "orders_export.csv", salt=SALT)
    # kept: #1001 5500, #1002 3300, #1005 3000, #1006 0 -> 11800; taro, jiro, hana
    check(book, fmt="shopify", orders=4, customers=3, revenue=11800, rows_in=8, rows_kept=5,
          dropped={"cancelled": 1, "duplicate_row": 1, "returned": 1})
    o = book.orders.set_index("order_id")
    assert o.loc["#1001", "n_products"] == 2
    assert o.loc["#1001", "customer_id"] == o.loc["#1002", "customer_id"] == "taro@example.jp"
    assert o.loc["#1006", "order_date"] == pd.Timestamp("2024-03-01 10:00:00")
    assert o.loc["#1006", "subscription"]
    assert book.summary()["date_max"] == "2024-03-01"
    no_personal_data(book, "山田", "090-0000-0001", "Taro@Example.jp")


def _rakuten_row(order, status, when, total, last, first, phone, email, item, price, qty, **extra):
    p1, p2, p3 = phone.split("-")
    return {"注文番号": order, "ステータス": status, "注文日時": when, "注文日": when[:10],
            "合計金額": total, "請求金額": total, "注文者姓": last, "注文者名": first,
            "注文者電話番号1": p1, "注文者電話番号2": p2, "注文者電話番号3": p3,
            "注文者メールアドレス": email, "商品名": item, "単価": price, "個数": qty, **extra}


def test_rakuten_rms_cp932_totals_on_every_row_and_name_phone_key():
    rows = [
        # same buyer 髙橋 一郎 in two orders, e-mail masked differently per order
        _rakuten_row("364012-20240105-0000001", "発送済", "2024-01-05 09:03:00", "8800", "髙橋", "一郎",
                     "090-0000-0001", "a1b2c3@pc.fw.rakuten.ne.jp", "Tシャツ①", "3000", "2",
                     商品明細ID="1"),
        _rakuten_row("364012-20240105-0000001", "発送済", "2024-01-05 09:03:00", "8800", "髙橋", "一郎",
                     "090-0000-0001", "a1b2c3@pc.fw.rakuten.ne.jp", "靴下", "2800", "1", 商品明細ID="2"),
        _rakuten_row("364012-20240210-0000002", "発送済", "2024-02-10 12:00:00", "5500", "髙橋", "一郎",
                     "090-0000-0001", "d4e5f6@pc.fw.rakuten.ne.jp", "㈱コラボ パーカー", "5500", "1",
                     商品明細ID="3"),
        _rakuten_row("364012-20240301-0000003", "キャンセル確定", "2024-03-01 08:00:00", "4000", "佐藤",
                     "花子", "090-0000-0002", "g7h8@pc.fw.rakuten.ne.jp", "靴下", "4000", "1",
                     商品明細ID="4"),
        _rakuten_row("364012-20240302-0000004", "発送済", "2024-03-02 08:00:00", "6000", "佐藤", "花子",
                     "090-0000-0002", "i9j0@pc.fw.rakuten.ne.jp", "ワンピース", "6000", "1",
                     商品明細ID="5", 申込番号="T-001"),
    ]
    book = ingest(table(RAKUTEN_HEADER, rows, encoding="cp932"), "RMS_orders.csv", salt=SALT)
    # 8800 (counted once) + 5500 + 6000 = 20300; buyers 髙橋 and 佐藤
    check(book, fmt="rakuten_rms", orders=3, customers=2, revenue=20300, rows_in=5, rows_kept=4,
          dropped={"cancelled": 1})
    assert book.report.encoding == "cp932"
    assert "ingest.notice.key_name_phone" in book.report.notices
    assert {"Tシャツ①", "㈱コラボ パーカー"} <= set(book.lines["product"])
    o = book.orders.set_index("order_id")
    assert o.loc["364012-20240105-0000001", "customer_id"] == o.loc["364012-20240210-0000002", "customer_id"]
    assert o.loc["364012-20240302-0000004", "subscription"]
    no_personal_data(book, "髙橋", "佐藤", "0000-0001", "a1b2c3@")


def test_rakuten_rms_old_layout_with_invalid_total():
    def row(order, total, last, phone3, item, price, qty, status="発送済"):
        return {"受注番号": order, "受注ステータス": status, "注文日時": "2018-06-01 10:00:00",
                "合計金額(-99999=無効値)": total, "注文者名字": last, "注文者名前": "太郎",
                "注文者電話番号１": "03", "注文者電話番号２": "0000", "注文者電話番号３": phone3,
                "メールアドレス": "x@pc.fw.rakuten.ne.jp", "商品名": item, "単価": price, "個数": qty}
    rows = [row("100-1", "5000", "田中", "1111", "米 5kg", "2500", "2"),
            row("100-1", "5000", "田中", "1111", "送料", "0", "1"),
            # -99999 = no value: the lines add up to 1500 x 2 = 3000
            row("100-2", "-99999", "鈴木", "2222", "米 2kg", "1500", "2")]
    book = ingest(table(RAKUTEN_OLD_HEADER, rows, encoding="cp932"), "old.csv", salt=SALT)
    check(book, fmt="rakuten_rms_old", orders=2, customers=2, revenue=8000, rows_in=3, rows_kept=3,
          dropped={})
    assert book.lines["is_product"].tolist() == [True, False, True]


def test_amazon_all_orders_has_no_customers():
    def row(oid, when, status, product, qty, price):
        return {"amazon-order-id": oid, "purchase-date": when, "order-status": status,
                "product-name": product, "sku": product[:3], "asin": "B000000000", "quantity": qty,
                "currency": "JPY", "item-price": price, "ship-city": "渋谷区"}
    rows = [row("503-1111111-1111111", "2024-01-05T00:03:00+00:00", "Shipped", "緑茶 100g", "2", "3000"),
            row("503-1111111-1111111", "2024-01-05T00:03:00+00:00", "Shipped", "急須", "1", "1500"),
            # 20:00 UTC on Jan 31 is 05:00 on Feb 1 in Japan
            row("503-2222222-2222222", "2024-01-31T20:00:00+00:00", "Shipped", "緑茶 100g", "1", "2000"),
            row("503-3333333-3333333", "2024-02-02T00:00:00+00:00", "Cancelled", "急須", "1", ""),
            row("503-4444444-4444444", "2024-02-03T00:00:00+00:00", "Pending", "急須", "1", "")]
    book = ingest(table(AMAZON_HEADER, rows, delimiter="\t"), "all_orders.txt")
    check(book, fmt="amazon_all_orders", orders=2, customers=None, revenue=6500, rows_in=5,
          rows_kept=3, dropped={"cancelled": 1, "status_invalid": 1})
    assert not book.report.has_customers
    assert "ingest.notice.no_buyer_amazon" in book.report.notices
    assert book.orders["customer_id"].isna().all() and book.lines["customer_id"].isna().all()
    assert book.summary()["date_max"] == "2024-02-01"


def test_ecube_nonproduct_lines_guest_and_statuses():
    def row(oid, member, email, status, when, total, detail, item, price, qty, kind="商品"):
        return {"注文ID": oid, "注文番号": oid, "会員ID": member, "お名前(姓)": "山本", "お名前(名)": "一",
                "メールアドレス": email, "TEL": "09000000003", "支払合計": total, "合計": total,
                "対応状況(名称)": status, "受注日": when, "注文詳細ID": detail, "商品名": item,
                "価格": price, "個数": qty, "明細区分(名称)": kind}
    rows = [
        # order 1 (member 12): two products + 送料 + 手数料 rows, 支払合計 7260 on every row
        row("1", "12", "m12@example.jp", "発送済み", "2024-07-10 10:00:00", "7260", "1", "水ようかん詰め合わせ", "3000", "1"),
        row("1", "12", "m12@example.jp", "発送済み", "2024-07-10 10:00:00", "7260", "2", "お中元ギフト①セット", "3000", "1"),
        row("1", "12", "m12@example.jp", "発送済み", "2024-07-10 10:00:00", "7260", "3", "送料", "800", "1", "送料"),
        row("1", "12", "m12@example.jp", "発送済み", "2024-07-10 10:00:00", "7260", "4", "手数料", "0", "1", "手数料"),
        # order 2: guest (no member id) -> key is the e-mail, lower-cased
        row("2", "", "Guest@Example.jp", "新規受付", "2024-12-01 09:00:00", "5000", "5", "お歳暮ハム", "4200", "1"),
        row("2", "", "Guest@Example.jp", "新規受付", "2024-12-01 09:00:00", "5000", "6", "送料", "800", "1", "送料"),
        row("3", "12", "m12@example.jp", "キャンセル", "2024-12-02 09:00:00", "3000", "7", "羊羹", "3000", "1"),
        row("4", "34", "m34@example.jp", "返品", "2024-12-03 09:00:00", "3000", "8", "羊羹", "3000", "1"),
        # order 5: free sample, kept with revenue 0
        row("5", "34", "m34@example.jp", "発送済み", "2024-12-04 09:00:00", "0", "9", "試食サンプル", "0", "1"),
    ]
    book = ingest(table(ECUBE_HEADER, rows, encoding="cp932"), "order_20241231.csv", salt=SALT)
    # 7260 + 5000 + 0 = 12260; customers 12, guest@example.jp, 34
    check(book, fmt="ecube", orders=3, customers=3, revenue=12260, rows_in=9, rows_kept=7,
          dropped={"cancelled": 1, "returned": 1})
    o = book.orders.set_index("order_id")
    assert o.loc["1", "n_products"] == 2
    assert o.loc["2", "customer_id"] == "guest@example.jp"
    assert o.loc["1", "customer_id"] == "12"
    assert (~book.lines["is_product"]).sum() == 3
    assert "お中元ギフト①セット" in set(book.lines["product"])


def test_uci_online_retail_cancel_invoices_and_postage():
    rows = [
        ["536365", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", "6", "12/1/2010 8:26", "2.55", "17850.0", "United Kingdom"],  # 15.30
        ["536365", "71053", "WHITE METAL LANTERN", "6", "12/1/2010 8:26", "3.39", "17850.0", "United Kingdom"],  # 20.34
        ["536365", "POST", "POSTAGE", "1", "12/1/2010 8:26", "18.00", "17850.0", "United Kingdom"],  # 18.00, not a product
        ["C536379", "D", "Discount", "-1", "12/1/2010 9:41", "27.50", "14527.0", "United Kingdom"],  # invoice_cancel
        ["536380", "22961", "JAM MAKING SET PRINTED", "-3", "12/1/2010 9:45", "1.45", "17809.0", "United Kingdom"],  # negative_quantity
        ["536381", "22139", "RETROSPOT TEA SET CERAMIC 11 PC", "2", "12/1/2010 9:41", "4.95", "", "United Kingdom"],  # 9.90, no customer -> no_buyer
        ["536382", "22139", "RETROSPOT TEA SET CERAMIC 11 PC", "1", "12/2/2010 10:00", "4.95", "17850", "United Kingdom"],  # 4.95
    ]
    data = table(UCI_HEADER, [dict(zip(UCI_HEADER, r)) for r in rows])
    book = ingest(data, "Online Retail.csv")
    # kept: 15.30 + 20.34 + 18.00 + 4.95 = 58.59, all customer 17850; 536381 (9.90) has no buyer
    check(book, fmt="uci_online_retail", orders=2, customers=1, revenue=58.59, rows_in=7,
          rows_kept=4, dropped={"invoice_cancel": 1, "negative_quantity": 1, "no_buyer": 1})
    o = book.orders.set_index("order_id")
    assert o.loc["536365", "n_products"] == 2
    assert o.loc["536365", "customer_id"] == o.loc["536382", "customer_id"] == "17850"
    assert "536381" not in o.index
    assert book.report.details["no_buyer"] == {"orders": 1, "revenue": 9.90}
    assert book.summary()["date_min"] == "2010-12-01" and book.summary()["date_max"] == "2010-12-02"


def test_generic_synonyms_fullwidth_amounts_and_japanese_dates():
    header = ["顧客ID", "注文番号", "購入日", "合計金額（税込）"]
    rows = [["K1", "1", "2024/1/5 9:03", "¥1,200"],
            ["K1", "2", "2024年1月6日", "１，０００円"],
            ["K2", "3", "R6.1.7", "2000"],
            ["K2", "4", "20240108", "(500)"],        # negative total -> returned
            ["K3", "5", "45300", "3,000"],           # Excel serial 45300 = 2024-01-09
            ["K3", "6", "不明", "100"]]              # no_date
    book = ingest(table(header, [dict(zip(header, r)) for r in rows]), "顧客別売上.csv")
    check(book, fmt="generic", orders=4, customers=3, revenue=7200, rows_in=6, rows_kept=4,
          dropped={"no_date": 1, "returned": 1})
    assert book.orders["order_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-05", "2024-01-06", "2024-01-07", "2024-01-09"]


def test_generic_without_order_id_identical_rows_are_separate_purchases():
    data = "date,customer_id,amount\n2024-01-01,a,100\n2024-01-01,a,100\n2024-01-02,b,50\n,,\n"
    book = ingest(data.encode(), "simple.csv")
    # no order id: the second row is a second purchase of 100 on the same day; the last is blank
    check(book, fmt="generic", orders=3, customers=2, revenue=250, rows_in=4, rows_kept=3,
          dropped={"blank_row": 1})
    assert book.report.details["identical_rows"] == 1
    assert "ingest.notice.identical_rows_kept" in book.report.notices


def test_uci_online_retail_as_the_original_xlsx():
    import datetime as dt
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Online Retail"
    sheet.append(UCI_HEADER)
    sheet.append([536365, "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 6, dt.datetime(2010, 12, 1, 8, 26),
                  2.55, 17850.0, "United Kingdom"])                                       # 15.30
    sheet.append(["C536379", "D", "Discount", -1, dt.datetime(2010, 12, 1, 9, 41), 27.5, 14527.0,
                  "United Kingdom"])                                                      # cancelled
    sheet.append([536366, 22633, "HAND WARMER UNION JACK", 6, dt.datetime(2010, 12, 1, 8, 28), 1.85,
                  17850.0, "United Kingdom"])                                             # 11.10
    buf = io.BytesIO()
    book.save(buf)
    result = ingest(buf.getvalue(), "Online Retail.xlsx")
    check(result, fmt="uci_online_retail", orders=2, customers=1, revenue=26.40, rows_in=3, rows_kept=2,
          dropped={"invoice_cancel": 1})
    assert result.orders["customer_id"].unique().tolist() == ["17850"]
    assert result.lines["order_date"].min() == pd.Timestamp("2010-12-01 08:26")


def test_examples_never_show_personal_columns():
    rows = [_rakuten_row("364012-20240301-0000003", "キャンセル確定", "2024-03-01 08:00:00", "4000", "佐藤",
                         "花子", "090-0000-0002", "g7h8@pc.fw.rakuten.ne.jp", "靴下", "4000", "1",
                         ひとことメモ="佐藤様 要連絡", 注文者住所都道府県="東京都")]
    book = ingest(table(RAKUTEN_HEADER, rows, encoding="cp932"), "RMS.csv", salt=SALT)
    (example,) = book.report.examples["cancelled"]
    assert example["注文番号"] == "364012-20240301-0000003" and example["商品名"] == "靴下"
    assert not {"注文者姓", "注文者名", "注文者電話番号1", "注文者メールアドレス", "ひとことメモ",
                "注文者住所都道府県"} & set(example)
    no_personal_data(book, "佐藤", "0000-0002", "東京都", "g7h8")


def test_generic_total_that_varies_within_an_order_is_summed_as_lines():
    data = "注文番号,注文日,商品名,合計金額\n1,2024-01-01,茶,1000\n1,2024-01-01,菓子,500\n2,2024-01-02,茶,1000\n"
    book = ingest(data.encode(), "lines.csv")
    assert book.orders["revenue"].tolist() == [1500, 1000]
    assert "ingest.notice.total_varies_summed" in book.report.notices


def test_generic_total_repeated_on_every_line_is_counted_once():
    data = "注文番号,注文日,商品名,合計金額\n1,2024-01-01,茶,1500\n1,2024-01-01,菓子,1500\n"
    book = ingest(data.encode(), "orders.csv")
    assert book.orders["revenue"].tolist() == [1500]
    assert "ingest.notice.total_varies_summed" not in book.report.notices

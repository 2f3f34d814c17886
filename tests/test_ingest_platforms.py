"""Each platform's export as its real header writes it (tests/ingest_files.py), read exactly.

Expected orders, customers and revenue are computed by hand next to the rows; every test also
checks rows_in == kept + dropped. Shopify, 楽天, Amazon All Orders, EC-CUBE 4 and UCI are in
test_ingest_presets.py.
"""
from __future__ import annotations

import pandas as pd

from engine.ingest import ingest
from ingest_files import (AMAZON_ORDER_REPORT_HEADER, BASE_HEADER, BASE_HEADER_NEW, COLORME_HEADER,
                          ECUBE2_HEADER, ECUBE3_HEADER, ECUBE_HEADER, FUTURESHOP_HEADER,
                          MAKESHOP_HEADER, NE_DELIVERY_HEADER, NE_DETAIL_HEADER, NEXT_ENGINE_HEADER,
                          RAKUTEN_HEADER, SHOPIFY_HEADER, UCI2_HEADER, YAHOO_ORDER_HEADER, table)
from test_ingest_presets import SALT, check, no_personal_data


def _base_row(oid, when, email, item, price, qty, total, status="発送済み", item_id="P1", **extra):
    return {"注文ID": oid, "注文日時": when, "氏(請求先)": "木村", "名(請求先)": "咲",
            "電話番号(請求先)": "080-0000-0004", "メールアドレス(請求先)": email,
            # a gift: the shipping name / e-mail belong to the recipient, never the buyer
            "氏(配送先)": "贈り先", "名(配送先)": "様", "電話番号(配送先)": "03-9999-9999",
            "商品名": item, "バリエーション": "M", "価格": price, "数量": qty, "合計金額": total,
            "発送状況": status, "商品ID": item_id, **extra}


def test_base_billing_columns_are_the_buyer_and_cancellations_are_dropped():
    rows = [_base_row("A1", "2024-04-01 10:00:00", "saki@example.com", "ニット", "3000", "2", "6600"),
            # an option row of the same order: not a product, no 商品ID
            _base_row("A1", "2024-04-01 10:00:00", "saki@example.com", "商品オプション「ギフト包装」", "0", "1",
                      "6600", item_id=""),
            _base_row("A2", "2024-04-02 10:00:00", "saki@example.com", "ニット", "3000", "1", "3300",
                      status="キャンセル"),
            _base_row("A3", "2024-05-01 10:00:00", "SAKI@example.com", "靴下 送料無料", "2200", "1", "2200")]
    book = ingest(table(BASE_HEADER, rows, encoding="cp932"), "base_orders.csv", salt=SALT)
    # A1 6600 (once) + A3 2200 = 8800; one buyer (e-mail case folded)
    check(book, fmt="base", orders=2, customers=1, revenue=8800, rows_in=4, rows_kept=3,
          dropped={"cancelled": 1})
    assert book.report.mapping["email"] == "メールアドレス(請求先)"
    assert book.report.mapping["name"] == "氏(請求先)+名(請求先)"
    assert book.lines["is_product"].tolist() == [True, False, True]   # 「靴下 送料無料」 is a product
    assert book.report.details["match"]["share"] == 1.0
    no_personal_data(book, "木村", "080-0000-0004", "贈り先")


def test_base_newer_header_with_reordered_columns():
    header = BASE_HEADER_NEW[::-1]      # column order changed between versions
    rows = [_base_row("B1", "2024-06-01 10:00:00", "", "器", "2500", "2", "5500", 商品コード="U-1"),
            # no e-mail: the buyer is 氏+名 + 電話番号(請求先)
            _base_row("B2", "2024-06-03 10:00:00", "", "器", "2500", "1", "3000", 商品コード="U-1")]
    book = ingest(table(header, rows), "base_new.csv", salt=SALT)
    check(book, fmt="base", orders=2, customers=1, revenue=8500, rows_in=2, rows_kept=2, dropped={})
    assert book.orders["customer_id"].str.fullmatch(r"[0-9a-f]{16}").all()   # salted hash


def _ecube_row(oid, member, email, status, when, total, detail, item, price, qty, kind="商品"):
    return {"注文ID": oid, "注文番号": oid, "会員ID": member, "お名前(姓)": "山本", "お名前(名)": "一",
            "メールアドレス": email, "TEL": "09000000003", "支払合計": total, "合計": total,
            "対応状況(名称)": status, "受注日": when, "注文詳細ID": detail, "商品名": item,
            "価格": price, "個数": qty, "明細区分(名称)": kind}


def test_ecube4_customised_export_missing_columns_keeps_its_rules():
    """A shop switched off 注文番号, 注文詳細ID, 商品規格ID and the shipping columns."""
    dropped_cols = {"注文番号", "注文詳細ID", "商品規格ID", "出荷ID", "税率ルール(ID)"}
    header = [c for c in ECUBE_HEADER if c not in dropped_cols and not c.startswith("配送先_")]
    rows = [
        _ecube_row("1", "12", "m12@example.jp", "発送済み", "2024-07-10 10:00:00", "7260", "", "水ようかん", "3000", "2"),
        _ecube_row("1", "12", "m12@example.jp", "発送済み", "2024-07-10 10:00:00", "7260", "", "送料", "800", "1", "送料"),
        # 注文取消し and 返品: not sales (the generic reader used to count them)
        _ecube_row("2", "12", "m12@example.jp", "注文取消し", "2024-07-11 10:00:00", "3000", "", "羊羹", "3000", "1"),
        _ecube_row("3", "34", "m34@example.jp", "返品", "2024-07-12 10:00:00", "3300", "", "羊羹", "3000", "1"),
        _ecube_row("4", "", "Guest@Example.jp", "新規受付", "2024-07-13 10:00:00", "3800", "", "羊羹", "3000", "1"),
        _ecube_row("4", "", "Guest@Example.jp", "新規受付", "2024-07-13 10:00:00", "3800", "", "送料", "800", "1", "送料"),
    ]
    rows = [{k: v for k, v in r.items() if k in header} for r in rows]
    book = ingest(table(header, rows, encoding="cp932"), "order_custom.csv", salt=SALT)
    # 7260 + 3800 = 11060; member 12 and the guest's e-mail
    check(book, fmt="ecube", orders=2, customers=2, revenue=11060, rows_in=6, rows_kept=4,
          dropped={"cancelled": 1, "returned": 1})
    match = book.report.details["match"]
    assert match["preset"] == "ecube" and match["share"] < 1
    assert {"注文番号", "注文詳細ID"} <= set(match["missing"])
    assert (~book.lines["is_product"]).sum() == 2


def test_ecube3_tel_in_three_columns_and_cancel_status():
    def row(oid, member, status, total, item, price):
        return {"注文ID": oid, "会員ID": member, "お名前(姓)": "佐々木", "お名前(名)": "健",
                "メールアドレス": f"{member or 'g'}@example.jp", "TEL1": "090", "TEL2": "0000",
                "TEL3": "0007", "支払合計": total, "対応状況(名称)": status,
                "受注日": "2016-05-01 10:00:00", "商品名": item, "価格": price, "個数": "1"}
    rows = [row("10", "5", "発送済み", "3240", "茶", "3000"),
            row("11", "5", "キャンセル", "1080", "茶", "1000"),
            row("12", "", "入金済み", "2160", "菓子", "2000")]
    book = ingest(table(ECUBE3_HEADER, rows, encoding="cp932"), "order_2016.csv", salt=SALT)
    check(book, fmt="ecube3", orders=2, customers=2, revenue=5400, rows_in=3, rows_kept=2,
          dropped={"cancelled": 1})


def test_ecube2_one_row_per_order_numeric_status_and_guest_zero():
    def row(oid, member, email, status, total, when):
        return {"注文番号": oid, "会員ID": member, "お名前(姓)": "高田", "お名前(名)": "純",
                "メールアドレス": email, "電話番号1": "03", "電話番号2": "0000", "電話番号3": "0008",
                "お支払い合計": total, "合計": total, "対応状況": status, "注文日時": when}
    rows = [row("101", "7", "m7@example.jp", "5", "4320", "2015-01-05 10:00:00"),
            row("102", "7", "m7@example.jp", "3", "2000", "2015-01-06 10:00:00.123456"),
            # guests: 会員ID 0 — two different guests, keyed by their e-mails
            row("103", "0", "a@example.jp", "6", "1500", "2015-01-07 10:00:00"),
            row("104", "0", "b@example.jp", "1", "2500", "2015-01-08 10:00:00")]
    book = ingest(table(ECUBE2_HEADER, rows, encoding="cp932"), "order.csv", salt=SALT)
    # 4320 + 1500 + 2500 = 8320; customers 7, a@, b@ (not one "0" customer)
    check(book, fmt="ecube2", orders=3, customers=3, revenue=8320, rows_in=4, rows_kept=3,
          dropped={"cancelled": 1})
    assert sorted(book.orders["customer_id"]) == ["7", "a@example.jp", "b@example.jp"]


def test_futureshop_real_columns_name_and_main_phone_as_key():
    def row(oid, total, item, price, qty, last="石田", phone="090-0000-0009"):
        return {"受注コード": oid, "注文日時": "2024/03/01 10:00:00", "請求合計金額": total, "氏名(姓)": last,
                "氏名(名)": "剛", "メールアドレス(モバイル)": "x@docomo.ne.jp", "電話番号(メイン)": phone,
                "商品番号": item, "商品名": item, "販売単価": price, "購入数量": qty}
    rows = [row("FS-1", "5500", "石鹸", "1500", "2"), row("FS-1", "5500", "タオル", "2000", "1"),
            row("FS-2", "2200", "タオル", "2000", "1"),
            row("FS-3", "1100", "石鹸", "1000", "1", last="別人", phone="090-1111-1111")]
    book = ingest(table(FUTURESHOP_HEADER, rows, encoding="cp932"), "fs.csv", salt=SALT)
    # 5500 + 2200 + 1100 = 8800; 石田 twice, 別人 once
    check(book, fmt="futureshop", orders=3, customers=2, revenue=8800, rows_in=4, rows_kept=4,
          dropped={})
    assert book.report.mapping["order_total"] == "請求合計金額"
    assert "email" not in book.report.mapping     # サブ / モバイル are not the main address


def test_makeshop_confirmed_columns_and_shop_chosen_ones():
    def row(day, oid, status, item, price, qty, total):
        return {"日付": day, "注文時間": "103309", "注文番号": oid, "処理状況": status, "注文者": "井上 真",
                "注文者(振り仮名)": "イノウエ マコト", "注文者メールアドレス": "m@example.jp",
                "商品名": item, "商品価格": price, "数量": qty, "決済金額": total}
    rows = [row("2022/8/10", "P171323551145213731", "配送", "帽子", "1000", "2", "3000"),
            row("2022/8/10", "P171323551145213731", "配送", "送料", "1000", "1", "3000"),
            row("2022/8/11", "P171323551145213732", "注文キャンセル", "帽子", "1000", "1", "1000"),
            row("2022/8/12", "P171323551145213733", "返送", "帽子", "1000", "1", "1000"),
            row("2022/8/13", "P171323551145213734", "未処理", "帽子", "1000", "1", "1000")]
    book = ingest(table(MAKESHOP_HEADER, rows, encoding="cp932"), "makeshop.csv", salt=SALT)
    check(book, fmt="makeshop", orders=2, customers=1, revenue=4000, rows_in=5, rows_kept=3,
          dropped={"cancelled": 1, "returned": 1})
    assert book.report.mapping["email"] == "注文者メールアドレス"
    assert book.summary()["date_min"] == "2022-08-10"


def test_colorme_unconfirmed_header_read_by_its_preset():
    rows = [{"売上ID": "1001", "受注日": "2024-10-01 10:00:00", "顧客ID": "c1", "商品名": "器", "販売価格": "2500",
             "販売個数": "2", "合計金額": "5500"},
            {"売上ID": "1001", "受注日": "2024-10-01 10:00:00", "顧客ID": "c1", "商品名": "箸", "販売価格": "500",
             "販売個数": "1", "合計金額": "5500"},
            {"売上ID": "1002", "受注日": "2024-10-02 10:00:00", "顧客ID": "c1", "商品名": "器", "販売価格": "2500",
             "販売個数": "1", "合計金額": "2500", "キャンセル": "キャンセル"},
            {"売上ID": "1003", "受注日": "2024-10-03 10:00:00", "顧客ID": "c2", "商品名": "箸", "販売価格": "1500",
             "販売個数": "1", "合計金額": "1500"}]
    book = ingest(table(COLORME_HEADER, rows, encoding="cp932"), "colorme.csv", salt=SALT)
    check(book, fmt="colorme", orders=2, customers=2, revenue=7000, rows_in=4, rows_kept=3,
          dropped={"cancelled": 1})


def test_next_engine_import_csv():
    def row(oid, email, item, price, qty, total):
        return {"店舗伝票番号": oid, "受注日": "2024/09/01 10:00:00", "受注名": "小林 誠",
                "受注電話番号": "09000000006", "受注メールアドレス": email, "合計金額": total, "商品名": item,
                "商品コード": item[:2], "商品価格": price, "受注数量": qty}
    rows = [row("NE-1", "kobayashi@example.jp", "そば 2食", "1500", "2", "3300"),
            row("NE-1", "kobayashi@example.jp", "つゆ", "300", "1", "3300"),
            row("NE-2", "Kobayashi@Example.jp", "そば 2食", "1500", "1", "2200")]
    book = ingest(table(NEXT_ENGINE_HEADER, rows, encoding="cp932"), "ne.csv", salt=SALT)
    check(book, fmt="next_engine", orders=2, customers=1, revenue=5500, rows_in=3, rows_kept=3,
          dropped={})


def _ne_row(slip, cancel, line, line_cancel, total, email, item, price, qty, shop="自社サイト"):
    return {"伝票番号": slip, "受注番号": f"R-{slip}", "受注日": "2024/10/01 09:00:00", "キャンセル区分": cancel,
            "店舗名": shop, "総合計": total, "購入者名": "中村 洋", "購入者電話番号": "090-0000-0010",
            "購入者メールアドレス": email, "明細行": line, "明細行キャンセル": line_cancel,
            "商品コード（伝票）": item, "商品名（伝票）": item, "受注数": qty, "売単価": price,
            "小計": str(int(price) * int(qty)), "受注状態": "出荷確定済（完了）"}


def test_next_engine_order_line_export_cancelled_orders_and_lines():
    rows = [
        # slip 1: two lines, the second cancelled alone; 総合計 already 3300 without it
        _ne_row("1", "0", "1", "0", "3300", "n@example.jp", "そば", "1500", "2"),
        _ne_row("1", "0", "2", "1", "3300", "n@example.jp", "つゆ", "500", "1"),
        # slip 2: the whole order cancelled (キャンセル区分 other than 0)
        _ne_row("2", "2", "1", "0", "1650", "n@example.jp", "そば", "1500", "1"),
        # slip 3: a 楽天 order through Next Engine, masked e-mail -> name + phone, same person
        _ne_row("3", "0", "1", "0", "1650", "abc@pc.fw.rakuten.ne.jp", "そば", "1500", "1", shop="楽天"),
    ]
    data = table(NE_DETAIL_HEADER, rows, encoding="cp932", quote_all=True)
    book = ingest(data, "受注明細.csv", salt=SALT)
    # 3300 + 1650 = 4950; n@example.jp and the name+phone key of the 楽天 order
    check(book, fmt="next_engine_detail", orders=2, customers=2, revenue=4950, rows_in=4,
          rows_kept=2, dropped={"cancelled": 1, "line_cancelled": 1})
    assert book.report.encoding == "cp932"
    assert "つゆ" not in set(book.lines["product"])
    no_personal_data(book, "中村", "090-0000-0010", "abc@pc")


def test_next_engine_delivery_slip_export():
    def row(slip, total, item, price, qty, cancel=""):
        return {"店舗名": "自社", "伝票番号": slip, "受注番号": f"W{slip}", "受注日": "2024/11/02 10:00:00",
                "受注状態": "出荷確定済（完了）", "合計金額": total, "購入者名": "原 朋",
                "購入者電話番号": "0311112222", "購入者メールアドレス": "hara@example.jp", "商品コード": item,
                "商品名": item, "受注数": qty, "商品単価": price, "小計": str(int(price) * int(qty)),
                "キャンセル": cancel}
    rows = [row("50", "4400", "皿", "2000", "2"), row("50", "4400", "箸", "400", "1", cancel="1"),
            row("51", "2200", "皿", "2000", "1")]
    book = ingest(table(NE_DELIVERY_HEADER, rows, encoding="cp932", quote_all=True), "納品書.csv", salt=SALT)
    check(book, fmt="next_engine_delivery", orders=2, customers=1, revenue=6600, rows_in=3,
          rows_kept=2, dropped={"line_cancelled": 1})


def test_yahoo_order_file_alone_one_row_per_order():
    def row(oid, status, email, total):
        return {"OrderId": oid, "ParentOrderId": "", "DeviceType": "1", "OrderTime": "2024/06/01 10:00:00",
                "OrderStatus": status, "BillFirstName": "健", "BillLastName": "松本",
                "BillPhoneNumber": "09000000005", "BillMailAddress": email, "Total": total,
                "TotalPrice": total}
    rows = [row("store-10000001", "5", "a@example.ne.jp", "4400"),
            row("store-10000002", "4", "a@example.ne.jp", "1500"),
            row("store-10000003", "1", "b@example.ne.jp", "1100"),   # 予約中: not yet a sale
            row("store-10000004", "2", "b@example.ne.jp", "1100")]
    book = ingest(table(YAHOO_ORDER_HEADER, rows, encoding="cp932"), "order.csv", salt=SALT)
    check(book, fmt="yahoo", orders=2, customers=2, revenue=5500, rows_in=4, rows_kept=2,
          dropped={"cancelled": 1, "status_invalid": 1})


def test_amazon_order_report_has_buyers_tab_separated_cp932():
    def row(oid, item_id, email, name, product, qty, price):
        return {"order-id": oid, "order-item-id": item_id, "purchase-date": "2024-03-01T01:00:00+00:00",
                "payments-date": "2024-03-01T01:00:00+00:00", "buyer-email": email, "buyer-name": name,
                "sku": product[:2], "product-name": product, "quantity-purchased": qty, "currency": "JPY",
                "item-price": price, "shipping-price": "500", "recipient-name": name}
    rows = [row("250-1111111-1111111", "1", "x1@marketplace.amazon.co.jp", "岡田 亮", "緑茶 100g", "2", "3000"),
            row("250-1111111-1111111", "2", "x1@marketplace.amazon.co.jp", "岡田 亮", "急須", "1", "1500"),
            row("250-2222222-2222222", "3", "x1@marketplace.amazon.co.jp", "岡田 亮", "緑茶 100g", "1", "1500"),
            row("250-3333333-3333333", "4", "y2@marketplace.amazon.co.jp", "森 恵", "急須", "1", "1500")]
    data = table(AMAZON_ORDER_REPORT_HEADER, rows, encoding="cp932", delimiter="\t")
    book = ingest(data, "Order Report.txt", salt=SALT)
    # item-price is the line total: 3000 + 1500 + 1500 + 1500 = 7500 (shipping not counted)
    check(book, fmt="amazon_order_report", orders=3, customers=2, revenue=7500, rows_in=4,
          rows_kept=4, dropped={})
    assert book.report.has_customers
    assert book.summary()["date_min"] == "2024-03-01"


def test_shopify_newer_spelling_canceled_at_and_pos_orders_without_buyer():
    header = ["Canceled at" if c == "Cancelled at" else "Lineitem SKU" if c == "Lineitem sku" else c
              for c in SHOPIFY_HEADER]
    rows = [
        {"Name": "#2001", "Email": "a@example.jp", "Financial Status": "paid", "Total": "3000",
         "Created at": "2024-05-01 10:00:00 +0900", "Lineitem quantity": "1", "Lineitem name": "茶",
         "Lineitem price": "3000", "Lineitem SKU": "T-1", "Source": "web"},
        # cancelled, spelled the new way
        {"Name": "#2002", "Email": "a@example.jp", "Financial Status": "paid", "Total": "2000",
         "Created at": "2024-05-02 10:00:00 +0900", "Canceled at": "2024-05-02 11:00:00 +0900",
         "Lineitem quantity": "1", "Lineitem name": "茶", "Lineitem price": "2000", "Source": "web"},
        # POS sale: no e-mail, no billing name or phone -> no buyer
        {"Name": "#2003", "Financial Status": "paid", "Total": "1200", "Created at": "2024-04-01 10:00:00 +0900",
         "Lineitem quantity": "1", "Lineitem name": "菓子", "Lineitem price": "1200", "Source": "pos"},
    ]
    book = ingest(table(header, rows), "orders_export.csv", salt=SALT)
    check(book, fmt="shopify", orders=1, customers=1, revenue=3000, rows_in=3, rows_kept=1,
          dropped={"cancelled": 1, "no_buyer": 1})
    # the POS order's date does not move the period
    assert book.summary()["date_min"] == "2024-05-01"
    assert book.report.details["no_buyer"] == {"orders": 1, "revenue": 1200.0}
    assert "ingest.notice.no_buyer_dropped" in book.report.notices


def test_rakuten_products_named_free_shipping_stay_products_and_order_type_subscription():
    def row(order, item, price, kind="1", line="1"):
        return {"注文番号": order, "ステータス": "発送済", "注文日時": "2024-02-01 10:00:00", "合計金額": "5000",
                "注文者姓": "林", "注文者名": "茂", "注文者電話番号1": "090", "注文者電話番号2": "0000",
                "注文者電話番号3": "0011", "注文種別": kind, "商品明細ID": line, "商品名": item, "単価": price,
                "個数": "1"}
    rows = [row("1-1", "【定期便】 青汁 30包 送料無料", "4000", kind="4"), row("1-1", "送料", "1000", line="2"),
            row("1-2", "青汁 お試し 送料無料", "5000", line="3")]
    book = ingest(table(RAKUTEN_HEADER, rows, encoding="cp932"), "RMS.csv", salt=SALT)
    check(book, fmt="rakuten_rms", orders=2, customers=1, revenue=10000, rows_in=3, rows_kept=3,
          dropped={})
    assert book.lines["is_product"].tolist() == [True, False, True]
    o = book.orders.set_index("order_id")
    assert o.loc["1-1", "subscription"] and not o.loc["1-2", "subscription"]
    assert o["n_products"].tolist() == [1, 1]


def test_uci_online_retail_ii_header():
    rows = [["489434", "85048", "15CM CHRISTMAS GLASS BALL 20 LIGHTS", "12", "2009-12-01 07:45:00", "6.95",
             "13085.0", "United Kingdom"],                                    # 83.40
            ["C489449", "22087", "PAPER BUNTING WHITE LACE", "-12", "2009-12-01 10:33:00", "2.95", "16321.0",
             "Australia"]]                                                    # invoice_cancel
    book = ingest(table(UCI2_HEADER, [dict(zip(UCI2_HEADER, r)) for r in rows]), "online_retail_II.csv")
    check(book, fmt="uci_online_retail", orders=1, customers=1, revenue=83.40, rows_in=2, rows_kept=1,
          dropped={"invoice_cancel": 1})
    assert book.orders["order_date"].tolist() == [pd.Timestamp("2009-12-01 07:45:00")]

"""Column roles: headers matched by their words, not whole names (engine/ingest/roles.py)."""
from __future__ import annotations

import pytest

from engine.ingest import ingest, inspect
from engine.ingest.roles import recognise
from ingest_files import table


@pytest.mark.parametrize("header,field", [
    ("金額(税込)", "amount"), ("金額（税込）", "amount"), ("ご請求金額（税込）", "order_total"),
    ("合計金額(税込)", "order_total"), ("メールアドレス(請求先)", "email"), ("注文者メールアドレス", "email"),
    ("購入日", "order_date"), ("受注番号", "order_id"), ("Customer ID", "member_id"), ("数量", "quantity"),
])
def test_a_header_finds_its_role(header, field):
    assert recognise([header]).columns[field] == (header,)


def test_shipping_and_furigana_columns_are_never_the_buyer():
    cols = ["メールアドレス(配送先)", "お名前(セイ)", "お名前(メイ)", "お届け先電話番号", "注文日", "金額"]
    found = recognise(cols).columns
    assert not {"email", "name", "phone"} & set(found)


def test_split_names_and_phones_are_groups():
    cols = ["注文者姓", "注文者名", "注文者姓カナ", "注文者名カナ", "注文者電話番号1", "注文者電話番号2",
            "注文者電話番号3", "氏(配送先)", "名(配送先)"]
    found = recognise(cols).columns
    assert found["name"] == ("注文者姓", "注文者名")
    assert found["phone"] == ("注文者電話番号1", "注文者電話番号2", "注文者電話番号3")


def test_generic_file_with_tax_included_amount_and_status_meaning_cancelled():
    header = ["注文番号", "注文日", "会員番号", "金額(税込)", "ステータス"]
    rows = [["1", "2024/01/05", "K1", "1,200", "発送済み"],
            ["2", "2024/01/06", "K1", "1,000", "注文取消し"],      # contains 取消 -> cancelled
            ["3", "2024/01/07", "K2", "2,000", "返品済み"],        # contains 返品 -> returned
            ["4", "2024/01/08", "K2", "3,000", "一部返金"]]        # a partial refund stays a sale
    book = ingest(table(header, [dict(zip(header, r)) for r in rows]), "売上.csv")
    s = book.summary()
    assert (s["format"], s["orders"], s["customers"], s["revenue"]) == ("generic", 2, 2, 4200)
    assert s["rows_dropped"] == {"cancelled": 1, "returned": 1}
    assert book.report.mapping["amount"] == "金額(税込)"
    assert "unsure" not in book.report.details


def test_unsure_reading_says_so_and_the_mapping_step_stars_every_needed_field():
    # no buyer column at all and the amount only guessed from part of a header
    data = "購入日,金額内訳メモ\n2024-01-01,100\n".encode()
    book = ingest(data, "x.csv")
    assert "ingest.notice.unsure" in book.report.notices
    assert {"amount", "member_id"} <= set(book.report.details["unsure"])
    insp = inspect(data, "x.csv")
    starred = {f for f, g in insp.fields.items() if g.required}
    assert {"order_date", "order_total", "amount", "unit_price", "member_id", "email"} <= starred


def test_purchase_amount_is_not_mistaken_for_a_payment_column():
    # 購入金額 contains the characters of 入金 (payment received): still the amount
    assert recognise(["購入日", "購入金額"]).columns["amount"] == ("購入金額",)

"""Contact columns for a DM / LINE list, read again from the upload only when asked.

Specification: one row per customer, keyed exactly as the reader keys the book (so the rows join
the lists), holding the name, postcode, address, phone and e-mail of the customer's latest order;
the shipping recipient's columns are never taken for the customer's; masked 楽天 e-mails are left
out."""
from __future__ import annotations

from ingest_files import ECUBE_HEADER, RAKUTEN_HEADER, table

from engine.ingest import ingest
from engine.ingest.contacts import contacts

SALT = b"contacts-test"


def _rakuten(order, date, last, first, phone, zip1, zip2, pref, city, rest, total="3000",
             status="発送済", **extra):
    p1, p2, p3 = phone.split("-")
    return {"注文番号": order, "ステータス": status, "注文日時": date, "合計金額": total,
            "注文者姓": last, "注文者名": first, "注文者電話番号1": p1, "注文者電話番号2": p2,
            "注文者電話番号3": p3, "注文者メールアドレス": f"{order[-3:]}@pc.fw.rakuten.ne.jp",
            "注文者郵便番号1": zip1, "注文者郵便番号2": zip2, "注文者住所都道府県": pref,
            "注文者住所郡市区": city, "注文者住所それ以降の住所": rest,
            # a gift to someone else: never the customer's address
            "送付先郵便番号1": "999", "送付先郵便番号2": "9999", "送付先住所都道府県": "沖縄県",
            "送付先姓": "贈答", "送付先名": "先",
            "商品名": "石けん", "単価": total, "個数": "1", **extra}


RAKUTEN_ROWS = [
    _rakuten("100-20240105-001", "2024-01-05 09:00:00", "髙橋", "一郎", "090-0000-0001",
             "150", "0001", "東京都", "渋谷区", "神宮前1-1"),
    # the same buyer moved: her latest order carries the new address
    _rakuten("100-20240301-002", "2024-03-01 09:00:00", "髙橋", "一郎", "090-0000-0001",
             "530", "0001", "大阪府", "大阪市北区", "梅田2-2 ⑩号室"),
    _rakuten("100-20240210-003", "2024-02-10 09:00:00", "佐藤", "花子", "080-1111-2222",
             "060", "0001", "北海道", "札幌市中央区", "北1条"),
]


def test_rakuten_contacts_join_the_books_keys_with_the_latest_orders_address() -> None:
    data = table(RAKUTEN_HEADER, RAKUTEN_ROWS, encoding="cp932")
    book = ingest(data, "RMS.csv", salt=SALT)
    last = book.orders.groupby("customer_id")["order_id"].last()   # orders sorted by date
    found = contacts([(data, "RMS.csv")], salt=SALT, last_orders=last.to_dict())
    assert set(found.index) == set(book.orders["customer_id"])
    takahashi = book.orders.set_index("order_id").loc["100-20240301-002", "customer_id"]
    row = found.loc[takahashi]
    assert row["name"] == "髙橋 一郎"
    assert row["postcode"] == "530-0001"
    assert row["address"] == "大阪府大阪市北区梅田2-2 ⑩号室"
    assert row["phone"] == "090-0000-0001"
    assert "email" not in found         # 楽天's per-order relay addresses reach nobody
    assert "沖縄県" not in found["address"].str.cat() and "贈答" not in found["name"].str.cat()
    # without the order ids: the customer's last row in the file (here the same order)
    assert contacts([(data, "RMS.csv")], salt=SALT).loc[takahashi, "postcode"] == "530-0001"


def test_another_secret_gives_keys_that_join_nothing() -> None:
    data = table(RAKUTEN_HEADER, RAKUTEN_ROWS, encoding="cp932")
    book = ingest(data, "RMS.csv", salt=SALT)
    other = contacts([(data, "RMS.csv")], salt=b"another")
    assert not set(other.index) & set(book.orders["customer_id"])


def test_member_id_files_key_by_member_and_keep_the_buyers_columns() -> None:
    rows = [{"注文ID": "1", "注文番号": "1", "会員ID": "17", "お名前(姓)": "山田", "お名前(名)": "太郎",
             "郵便番号": "1000001", "都道府県(ID)": "13", "都道府県(名称)": "東京都", "住所1": "千代田区",
             "住所2": "1-1", "メールアドレス": "Taro@Example.jp", "TEL": "0312345678",
             "対応状況(名称)": "発送済み", "受注日": "2024-01-05", "合計": "5000", "支払合計": "5000",
             "商品名": "茶", "価格": "5000", "個数": "1", "配送先_住所1": "別の住所"}]
    data = table(ECUBE_HEADER, rows)
    book = ingest(data, "ec.csv", salt=SALT)
    found = contacts([(data, "ec.csv")], salt=SALT)
    assert list(found.index) == list(book.orders["customer_id"].unique()) == ["17"]
    row = found.loc["17"]
    assert row["address"] == "東京都千代田区1-1"     # 都道府県(ID) and 配送先_ left out
    assert row["postcode"] == "1000001" and row["email"] == "taro@example.jp"
    assert row["name"] == "山田 太郎" and row["phone"] == "0312345678"


def test_the_latest_order_wins_over_the_row_order_of_the_file() -> None:
    data = table(RAKUTEN_HEADER, RAKUTEN_ROWS[::-1], encoding="cp932")   # newest order first
    book = ingest(data, "RMS.csv", salt=SALT)
    last = book.orders.groupby("customer_id")["order_id"].last().to_dict()
    takahashi = book.orders.set_index("order_id").loc["100-20240301-002", "customer_id"]
    assert contacts([(data, "RMS.csv")], salt=SALT, last_orders=last).loc[takahashi, "postcode"] == "530-0001"
    assert contacts([(data, "RMS.csv")], salt=SALT).loc[takahashi, "postcode"] == "150-0001"

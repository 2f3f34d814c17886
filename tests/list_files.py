"""A small 楽天 RMS order file (cp932, the real header) for the list tests: 30 buyers with 1–4
orders each over 2023–2024, postcode and address of the buyer and a gift recipient, plus the
expected last 注文番号 per buyer worked out here in plain Python."""
from __future__ import annotations

import datetime as dt
import random

from ingest_files import RAKUTEN_HEADER, table

PREFS = ("東京都", "大阪府", "北海道", "福岡県", "愛知県")


def rakuten_orders(buyers: int = 30, seed: int = 7) -> tuple[bytes, dict[str, dict]]:
    """(file bytes, {phone: {"last_order": 注文番号, "name": 氏名, "postcode", "address"}})."""
    rng = random.Random(seed)
    rows, expected = [], {}
    n = 0
    for b in range(buyers):
        last, first = f"山田{b:02d}", ("太郎" if b % 2 else "花子")
        phone = f"090-{b:04d}-{1000 + b:04d}"
        day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 200))
        for k in range(1 + rng.randrange(0, 4)):
            n += 1
            order = f"364012-{day:%Y%m%d}-{n:07d}"
            zip1, zip2 = f"{100 + b:03d}", f"{k:04d}"      # the buyer moves with every order
            pref = PREFS[(b + k) % len(PREFS)]
            city, rest = f"市{b}区", f"{k}丁目{b}番"
            price = 1000 * (1 + rng.randrange(0, 20))
            rows.append({"注文番号": order, "ステータス": "発送済", "注文日時": f"{day} 10:00:00",
                         "合計金額": str(price), "注文者姓": last, "注文者名": first,
                         "注文者電話番号1": phone[:3], "注文者電話番号2": phone[4:8],
                         "注文者電話番号3": phone[9:], "注文者メールアドレス": f"x{n}@pc.fw.rakuten.ne.jp",
                         "注文者郵便番号1": zip1, "注文者郵便番号2": zip2, "注文者住所都道府県": pref,
                         "注文者住所郡市区": city, "注文者住所それ以降の住所": rest,
                         "送付先郵便番号1": "999", "送付先郵便番号2": "9999", "送付先住所都道府県": "沖縄県",
                         "商品名": "石けん" if k % 2 else "=HYPERLINK(\"x\")", "単価": str(price), "個数": "1"})
            expected[phone] = {"last_order": order, "name": f"{last} {first}",
                               "postcode": f"{zip1}-{zip2}", "address": f"{pref}{city}{rest}"}
            day += dt.timedelta(days=20 + rng.randrange(0, 120))
    return table(RAKUTEN_HEADER, rows, encoding="cp932"), expected

"""The built-in sample shops: real export layouts, realistic customer behaviour, determinism.

Shapes are measured from the generated files themselves, read here with plain pandas and the
platform's own rules (customer key, cancel status), independently of `engine.ingest`.
"""
from __future__ import annotations

import io
import re
import tomllib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine import samples
from engine.errors import KarteError
from engine.i18n import catalogue

ENCODING = {"cosmetics": "utf-8", "food_gift": "cp932", "apparel": "cp932"}
PRESET = {"cosmetics": "shopify", "food_gift": "ecube", "apparel": "rakuten_rms"}
PRESET_DIR = Path(__file__).parents[1] / "engine" / "data" / "presets"


@lru_cache(maxsize=None)
def _file(shop: str, seed: int = 0) -> tuple[bytes, str]:
    return samples.generate(shop, seed)


@lru_cache(maxsize=None)
def _raw(shop: str) -> pd.DataFrame:
    data, _ = _file(shop)
    return pd.read_csv(io.BytesIO(data), encoding=ENCODING[shop], dtype=str,
                       keep_default_na=False)


def _orders(shop: str) -> pd.DataFrame:
    """One row per kept (not cancelled / returned) order: customer key, date, total."""
    raw = _raw(shop)
    if shop == "cosmetics":           # Shopify: order fields on the first line; e-mail key
        first = raw[raw["Financial Status"] != ""]
        kept = first[first["Financial Status"] == "paid"]
        return pd.DataFrame({"customer": kept["Email"].str.lower(),
                             "date": pd.to_datetime(kept["Created at"].str[:19]),
                             "total": kept["Total"].astype(int)})
    if shop == "food_gift":           # EC-CUBE: 会員ID, else e-mail (guests)
        first = raw.drop_duplicates("注文ID")
        kept = first[~first["対応状況(名称)"].isin(["注文取消し", "返品"])]
        key = kept["会員ID"].where(kept["会員ID"] != "", "mail:" + kept["メールアドレス"])
        return pd.DataFrame({"customer": key, "date": pd.to_datetime(kept["受注日"]),
                             "total": kept["支払合計"].astype(int)})
    first = raw.drop_duplicates("注文番号")   # 楽天: name + phone (e-mail is masked)
    kept = first[first["ステータス"] != "キャンセル確定"]
    key = kept["注文者姓"] + kept["注文者名"] + kept["注文者電話番号1"] + kept["注文者電話番号2"] \
        + kept["注文者電話番号3"]
    return pd.DataFrame({"customer": key, "date": pd.to_datetime(kept["注文日時"]),
                         "total": kept["合計金額"].astype(int)})


def _preset(preset_id: str) -> dict:
    path = PRESET_DIR / f"{preset_id}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------ determinism
@pytest.mark.parametrize("shop", samples.SHOPS)
def test_same_seed_gives_identical_bytes_and_other_seed_differs(shop):
    again, name = samples.generate(shop, 0)
    assert again == _file(shop)[0]
    assert samples.generate(shop, 1)[0] != again
    assert name == f"sample_{shop}_{PRESET[shop].split('_')[0]}.csv"


# ------------------------------------------------------------------------------ encodings
def test_shopify_sample_is_utf8():
    data, _ = _file("cosmetics")
    assert not data.startswith(b"\xef\xbb\xbf")
    data.decode("utf-8")


@pytest.mark.parametrize("shop", ["food_gift", "apparel"])
def test_ecube_and_rakuten_samples_are_cp932_not_utf8(shop):
    data, _ = _file(shop)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp932")
    assert "注文" in text.splitlines()[0]


def test_ecube_sample_needs_cp932_not_plain_shift_jis():
    data, _ = _file("food_gift")
    text = data.decode("cp932")
    assert "㈱" in text and "①" in text          # NEC special characters: CP932 only
    with pytest.raises(UnicodeDecodeError):
        data.decode("shift_jis")


def test_apparel_names_include_the_cp932_only_kanji():
    assert (_raw("apparel")["注文者姓"] == "髙橋").any()


# ------------------------------------------------------------------------------ headers
@pytest.mark.parametrize("shop", samples.SHOPS)
def test_header_has_every_column_the_ingest_preset_reads(shop):
    preset = _preset(PRESET[shop])
    header = set(_raw(shop).columns)
    wanted = set(preset["signature"])
    for value in preset.get("columns", {}).values():
        names = [value] if isinstance(value, str) else value
        assert any(n in header for n in names), names
    for parts in preset.get("concat", {}).values():
        assert any(p in header for p in parts), parts
    assert wanted <= header, wanted - header


# ------------------------------------------------------------------------------ shapes
@pytest.mark.parametrize("shop", samples.SHOPS)
def test_customer_base_is_shaped_like_a_real_shop(shop):
    orders = _orders(shop)
    per_customer = orders.groupby("customer").size()
    assert 2000 <= len(per_customer) <= 5000
    one_time = (per_customer == 1).mean()
    f2 = (per_customer >= 2).mean()
    assert one_time > 0.5
    assert 0.20 <= f2 <= 0.35, f2
    # a loyal core: a few customers with many orders
    assert per_customer.max() >= 8
    assert (per_customer >= 5).mean() > 0.01


@pytest.mark.parametrize("shop, low, high", [("cosmetics", 3000, 8000),
                                             ("food_gift", 4000, 15000),
                                             ("apparel", 5000, 20000)])
def test_order_values_fit_the_shop(shop, low, high):
    totals = _orders(shop)["total"]
    assert low <= totals.median() <= high
    inside = totals.between(low, high).mean()
    assert inside > 0.6, inside


@pytest.mark.parametrize("shop", samples.SHOPS)
def test_history_covers_two_to_three_years_up_to_end_of_october_2026(shop):
    dates = _orders(shop)["date"]
    assert pd.Timestamp("2026-10-25") <= dates.max() < pd.Timestamp("2026-11-01")
    years = (dates.max() - dates.min()).days / 365.25
    assert 2.0 <= years <= 3.1


def test_food_gifts_peak_in_july_and_december():
    month = _orders("food_gift")["date"].dt.month
    share = month.value_counts(normalize=True)
    average = 1 / 12
    assert share[7] > 2.5 * average and share[12] > 2.5 * average
    assert share[[7, 12]].sum() > 0.4
    others = share.drop([7, 8, 11, 12])
    assert others.max() < share[7] / 2


def test_cosmetics_subscription_deliveries_every_month_with_churn():
    raw = _raw("cosmetics")
    subs = raw[raw["Lineitem name"].str.contains("定期")]
    assert len(subs) > 500
    first = raw[raw["Financial Status"] == "paid"].set_index("Name")
    subs = subs[subs["Name"].isin(first.index)]
    email = subs["Email"].str.lower()
    date = pd.to_datetime(subs["Created at"].str[:19])
    frame = pd.DataFrame({"c": email, "d": date}).sort_values(["c", "d"], kind="mergesort")
    gaps = frame.groupby("c")["d"].diff().dt.days.dropna()
    assert 27 <= gaps.median() <= 33
    deliveries = frame.groupby("c").size()
    # more subscribers reach delivery 2 than 4, more reach 4 than 8: churn by delivery count
    reach = [(deliveries >= k).sum() for k in (1, 2, 4, 8)]
    assert reach[0] > reach[1] > reach[2] > reach[3] > 0
    # the funnel starts with the trial set
    assert raw["Lineitem name"].str.contains("トライアル").sum() > 300


# ------------------------------------------------------------------------------ platform quirks
def test_shopify_totals_only_on_first_line_and_email_case_varies():
    raw = _raw("cosmetics")
    first = ~raw["Name"].duplicated()
    assert (raw.loc[first, "Total"] != "").all()
    assert (raw.loc[~first, "Total"] == "").all() and (~first).sum() > 100
    emails = raw.loc[first, "Email"]
    folded = emails.str.lower()
    spellings = emails.groupby(folded).nunique()
    assert (spellings > 1).sum() > 20            # same customer, other capitals
    assert (raw["Financial Status"] == "voided").any()
    assert (raw["Financial Status"] == "refunded").any()
    assert (raw.loc[raw["Financial Status"] == "voided", "Cancelled at"] != "").all()


def test_shopify_order_total_is_subtotal_plus_shipping():
    raw = _raw("cosmetics")
    first = raw[raw["Financial Status"] != ""]
    total = first["Total"].astype(int)
    assert (total == first["Subtotal"].astype(int) + first["Shipping"].astype(int)).all()
    assert (first["Shipping"].astype(int) > 0).any()
    # Subtotal = the order's lines minus the coupon
    lines = raw.assign(v=raw["Lineitem price"].astype(int) * raw["Lineitem quantity"].astype(int))
    goods = lines.groupby("Name", sort=False)["v"].sum()
    expect = first.set_index("Name")["Subtotal"].astype(int) \
        + first.set_index("Name")["Discount Amount"].astype(int)
    assert (goods.loc[expect.index] == expect).all()


def test_ecube_has_guests_shipping_and_fee_lines_and_repeated_totals():
    raw = _raw("food_gift")
    kind = raw["明細区分(名称)"]
    assert set(kind) == {"商品", "送料", "手数料"}
    assert (raw.loc[kind == "送料", "商品名"] == "送料").all()
    fee = raw.loc[kind == "手数料", "価格"].astype(int)
    assert (fee > 0).any() and (fee == 0).any()        # 代金引換 only
    guests = raw[raw["会員ID"] == ""]
    assert guests["注文ID"].nunique() > 100
    assert (guests["メールアドレス"] != "").all()
    per_order = raw.groupby("注文ID")["支払合計"].nunique()
    assert (per_order == 1).all()
    assert {"注文取消し", "返品"} <= set(raw["対応状況(名称)"])
    # 価格 is before tax; with tax the lines add up to the order total
    rate = raw["税率"].astype(int)
    gross = np.rint(raw["価格"].astype(int) * (100 + rate) / 100) * raw["個数"].astype(int)
    summed = gross.groupby(raw["注文ID"]).sum()
    total = raw.drop_duplicates("注文ID").set_index("注文ID")["支払合計"].astype(int)
    assert (summed.loc[total.index] == total).all()


def test_rakuten_masks_email_per_order_and_repeats_totals():
    raw = _raw("apparel")
    assert (raw.groupby("注文番号")["合計金額"].nunique() == 1).all()
    assert raw["注文番号"].duplicated().sum() > 100        # multi-item orders
    orders = raw.drop_duplicates("注文番号")
    key = orders["注文者姓"] + orders["注文者名"] + orders["注文者電話番号3"]
    repeat = key.duplicated(keep=False)
    # a repeat buyer has a different e-mail on each order
    assert (orders[repeat].groupby(key[repeat])["注文者メールアドレス"].nunique() > 1).all()
    assert (orders["ステータス"] == "キャンセル確定").mean() > 0.01
    assert re.fullmatch(r"\d{6}-\d{8}-\d{10}", orders["注文番号"].iloc[0])


# ------------------------------------------------------------------------------ made-up people
@pytest.mark.parametrize("shop, email_col, phone_cols", [
    ("cosmetics", "Email", ["Billing Phone"]),
    ("food_gift", "メールアドレス", ["TEL"]),
    ("apparel", "注文者メールアドレス", ["注文者電話番号1", "注文者電話番号2", "注文者電話番号3"]),
])
def test_contacts_are_clearly_fake(shop, email_col, phone_cols):
    raw = _raw(shop)
    emails = raw[email_col][raw[email_col] != ""].str.lower()
    assert emails.str.fullmatch(r"[^@]+@([a-z.]+\.)?example\.(jp|com)").all()
    phone = raw[phone_cols[0]].str.cat(raw[phone_cols[1:]]).str.replace("-", "")
    phone = phone[phone != ""]
    assert phone.str.fullmatch(r"0900000\d{4}").all()


# ------------------------------------------------------------------------------ answers
@pytest.mark.parametrize("shop", samples.SHOPS)
def test_sample_answers_are_valid_answers(shop):
    from engine import questions

    answers = samples.sample_answers(shop)
    canonical = questions.validate_answers(answers)
    for qid in [f"q{i}" for i in range(1, 11)] + ["gross_margin", "subscription", "sales_basis"]:
        assert qid in answers
    assert canonical["subscription"] is (shop == "cosmetics")
    answers["q1"] = -1                       # a caller's edit does not leak into the next call
    assert samples.sample_answers(shop)["q1"] != -1


def test_labels_and_descriptions_in_both_languages():
    for shop in samples.SHOPS:
        ja, en = samples.shop_label(shop, "ja"), samples.shop_label(shop, "en")
        assert ja and en and ja != en
        assert samples.shop_description(shop, "en")


def test_unknown_shop_is_a_karte_error_with_a_catalogued_message():
    with pytest.raises(KarteError) as info:
        samples.generate("bakery")
    assert info.value.key in catalogue("ja") and info.value.key in catalogue("en")
    assert "bakery" in info.value.message("en")


# ------------------------------------------------------------------------------ customer file
def test_customer_file_matches_shop_customers_and_has_a_few_ambassadors():
    data, name = samples.customer_file("cosmetics")
    assert name.endswith(".csv") and data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(frame.columns) == ["メールアドレス", "紹介数", "レビュー数", "アンケート回答"]
    buyers = set(_orders("cosmetics")["customer"])
    assert set(frame["メールアドレス"]) >= buyers
    ambassadors = ((frame["紹介数"] > 0) & (frame["レビュー数"] > 0)).mean()
    assert 0.001 < ambassadors < 0.10
    assert set(frame["アンケート回答"]) == {0, 1}
    with pytest.raises(KarteError):
        samples.customer_file("apparel")


# ------------------------------------------------------------------------------ big file
def test_large_lineitem_csv_has_exact_rows_and_generic_header():
    data = samples.large_lineitem_csv(20_000, 3_000, years=2, seed=5)
    assert data == samples.large_lineitem_csv(20_000, 3_000, years=2, seed=5)
    frame = pd.read_csv(io.BytesIO(data), encoding="cp932")
    assert list(frame.columns) == ["注文番号", "会員ID", "受注日", "商品名", "数量", "金額"]
    assert len(frame) == 20_000
    assert frame["会員ID"].nunique() <= 3_000
    dates = pd.to_datetime(frame["受注日"], format="%Y/%m/%d %H:%M:%S")
    assert dates.max() <= pd.Timestamp("2026-11-01") and dates.min() >= pd.Timestamp("2024-10-30")
    # order numbers follow the dates, and an order's rows are adjacent with one date
    assert dates.groupby(frame["注文番号"]).nunique().max() == 1
    assert frame["注文番号"].is_monotonic_increasing
    assert not frame.duplicated().any()      # the reader would drop exact duplicates
    per_customer = frame.drop_duplicates("注文番号").groupby("会員ID").size()
    assert per_customer.max() > 3 * per_customer.median()
    small = samples.large_lineitem_csv(10, 5, encoding="utf-8").decode("utf-8")
    assert small.splitlines()[0].replace('"', "") == "注文番号,会員ID,受注日,商品名,数量,金額"


# ------------------------------------------------------------------------------ ingest
@pytest.mark.parametrize("shop", samples.SHOPS)
def test_each_sample_ingests_with_its_preset_and_reconciles(shop):
    from engine.ingest import ingest

    data, name = _file(shop)
    book = ingest(data, name)
    report = book.report
    assert report.format == PRESET[shop]
    assert report.encoding.replace("-", "").lower().startswith(ENCODING[shop].replace("-", ""))
    assert report.reconciles()
    assert report.rows_in == len(_raw(shop))
    orders = _orders(shop)
    assert book.n_orders == len(orders)
    assert book.n_customers == orders["customer"].nunique()
    assert book.revenue == pytest.approx(orders["total"].sum())
    if shop == "cosmetics":
        assert book.orders["subscription"].sum() > 500


# ---- on a projector: every area judged, no two segments with the same count --------------

@pytest.mark.parametrize("shop", samples.SHOPS)
def test_a_sample_shops_demo_judges_every_area(shop):
    from engine.ingest import ingest
    from engine.shop import ShopAnalysis, diagnosis_of

    result = diagnosis_of(ShopAnalysis(ingest(*_file(shop))), samples.sample_answers(shop), "ja")
    assert [a.id for a in result.areas if a.score is None or a.level == "unknown"] == []


@pytest.mark.parametrize("shop", samples.SHOPS)
def test_no_two_segments_of_a_sample_shop_show_the_same_count(shop):
    """Identical counts side by side (育成中 996 = 休眠 996) look made up on a projector."""
    from engine.analysis import rfm
    from engine.ingest import ingest
    from engine.shop import ShopAnalysis

    analysis = ShopAnalysis(ingest(*_file(shop)))
    charts = {"rfm": rfm.segment_counts(analysis.rfm),
              "cpm": analysis.cpm.value_counts().to_dict(),
              "ranks": analysis.ranks.ranks["rank"].value_counts().to_dict()}
    for name, counts in charts.items():
        shown = [n for n in counts.values() if n]
        assert len(shown) == len(set(shown)), (name, counts)

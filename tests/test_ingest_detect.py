"""Format detection: every preset recognises its own header, and nothing else is forced on a file."""
from __future__ import annotations

import pytest

from engine.ingest import get_preset, list_presets
from engine.ingest.presets import detect, fold, resolve

PLATFORMS = [p for p in list_presets() if p.signature]


@pytest.mark.parametrize("preset", PLATFORMS, ids=lambda p: p.id)
def test_each_preset_is_detected_from_its_own_signature(preset):
    header = [entry.split("|")[0] for entry in preset.signature] + ["unrelated column"]
    assert detect(header).id == preset.id


@pytest.mark.parametrize("preset", [p for p in PLATFORMS if not p.needs], ids=lambda p: p.id)
def test_each_preset_names_a_date_and_an_amount(preset):
    fields = set(preset.columns) | set(preset.concat)
    assert "order_date" in fields
    assert fields & {"order_total", "amount", "unit_price"}
    assert preset.label_ja and preset.label_en


def test_header_matching_ignores_width_case_and_spaces():
    # 楽天's old CSV writes 電話番号１ with a full-width digit; users retype headers freely
    assert fold("注文者電話番号１") == fold("注文者電話番号1")
    assert fold("Customer ID") == fold("customerid")
    assert fold("合計金額（税込）") == fold("合計金額(税込)")


def test_unknown_header_is_not_forced_into_a_platform():
    assert detect(["日付", "売上", "担当"]) is None


def test_most_signature_columns_found_wins_over_priority():
    # a header carrying both Yahoo's and Shopify's whole signatures: Shopify's is longer
    shopify, yahoo = get_preset("shopify"), get_preset("yahoo")
    header = [e.split("|")[0] for e in (*shopify.signature, *yahoo.signature)]
    assert len(shopify.signature) > len(yahoo.signature)
    assert detect(header).id == "shopify"


def test_a_file_missing_a_few_columns_keeps_its_platform_and_the_match_is_reported():
    from engine.ingest.presets import best_match

    sig = [e.split("|")[0] for e in get_preset("rakuten_rms").signature]
    m = best_match(sig[:-3] + ["unrelated"])
    assert m.preset.id == "rakuten_rms" and m.missing == tuple(sig[-3:])
    assert m.share == pytest.approx((len(sig) - 3) / len(sig))
    # below the preset's share: generic
    assert best_match(sig[:3]) is None


def test_item_file_preset_only_wins_alone():
    items, orders = get_preset("yahoo_items"), get_preset("yahoo")
    assert detect(list(items.signature)).id == "yahoo_items"
    assert detect(list(items.signature) + list(orders.signature)).id == "yahoo"


def test_platform_presets_never_guess_from_synonyms():
    # Shopify's "Name" is the order number: it must not become the buyer's name
    cols = resolve(get_preset("shopify"), ["Name", "Email", "Created at", "Total"])
    assert cols["order_id"] == ("Name",) and "name" not in cols

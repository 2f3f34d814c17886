"""Specification of the KPIs derived from the answers (engine.kpis)."""
from __future__ import annotations

import pytest

from engine.kpis import KPI_FORMATS, compute_kpis, format_value, kpi_cards
from engine.questions import validate_answers


def kpis(**answers):
    return compute_kpis(validate_answers(answers))


def test_all_unknown_gives_no_numbers():
    result = kpis()
    assert set(result) == set(KPI_FORMATS)
    assert all(v is None for v in result.values())


def test_gross_profit_ltv_allowable_cpa_and_ratio():
    # LTV ¥20,000 at 40 % gross margin = ¥8,000 gross profit; CPA ¥4,000 -> 2.0×
    result = kpis(q9=20000, gross_margin=40, q6=4000)
    assert result["gross_profit_ltv"] == 8000
    assert result["allowable_cpa"] == 8000  # break-even within a year
    assert result["ltv_cpa_ratio"] == pytest.approx(2.0)
    assert result["ltv_sales_cpa_ratio"] == pytest.approx(5.0)


def test_ratio_needs_every_input_and_a_positive_cpa():
    assert kpis(q9=20000, q6=4000)["ltv_cpa_ratio"] is None  # margin unknown: no guess
    assert kpis(q9=20000, gross_margin=40, q6=0)["ltv_cpa_ratio"] is None
    assert kpis(q9=20000, gross_margin=40)["allowable_cpa"] == 8000


def test_active_trend_is_the_relative_change():
    assert kpis(q7=900, active_last_year=1000)["active_trend"] == pytest.approx(-0.1)
    assert kpis(q7=1200, active_last_year=1000)["active_trend"] == pytest.approx(0.2)
    assert kpis(q7=1200, active_last_year=0)["active_trend"] is None
    assert kpis(q7=1200)["active_trend"] is None


def test_revenue_decomposition_only_what_the_answers_allow():
    # ¥30M / 1,000 customers = ¥30,000 each; repeat 25 % -> at least 1.25 orders -> at most ¥24,000
    result = kpis(q1=30_000_000, q7=1000, q8=25)
    assert result["revenue_per_customer"] == 30000
    assert result["orders_per_customer_min"] == pytest.approx(1.25)
    assert result["order_value_max"] == 24000
    partial = kpis(q1=30_000_000, q7=1000)
    assert partial["revenue_per_customer"] == 30000
    assert partial["order_value_max"] is None


def test_own_site_share_is_a_fraction_and_absent_for_mall_only_shops():
    assert kpis(q2=35)["own_site_share"] == pytest.approx(0.35)
    assert kpis(sales_basis="mall_only", q2=35)["own_site_share"] is None


@pytest.mark.parametrize("value, fmt, lang, text", [
    (1234, "yen", "ja", "¥1,234"),
    (0.123, "percent_fraction", "en", "12.3%"),
    (2.06, "ratio", "ja", "2.1倍"),
    (2.06, "ratio", "en", "2.1×"),
    (-0.2, "change", "ja", "-20.0%"),
    (0.05, "change", "en", "+5.0%"),
    (1234, "count", "ja", "1,234人"),
])
def test_format_value(value, fmt, lang, text):
    assert format_value(value, fmt, lang) == text


def test_kpi_cards_keep_every_kpi_with_a_note_in_both_languages():
    values = kpis(q9=20000, gross_margin=40, q6=4000)
    for lang in ("ja", "en"):
        cards = kpi_cards(values, lang)
        assert [c["id"] for c in cards] == list(KPI_FORMATS)
        for card in cards:
            assert card["label"] and card["note"]
            assert not card["label"].startswith("diagnosis.")  # found in the catalogue
            assert not card["note"].startswith("diagnosis.")
        by_id = {c["id"]: c for c in cards}
        assert by_id["ltv_cpa_ratio"]["available"] is True
        assert by_id["active_trend"]["available"] is False
        assert by_id["active_trend"]["value"] == "—"
    assert {c["id"]: c for c in kpi_cards(values, "ja")}["ltv_cpa_ratio"]["value"] == "2.0倍"

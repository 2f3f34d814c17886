"""Specification of the diagnosis checked against the data (engine/datacheck.py and the `data=`
path of engine.diagnosis.diagnose), on small hand-built OrderBooks with hand-computed figures."""
from __future__ import annotations

import pytest

from analysis_helpers import make_book
from engine.config import load
from engine.datacheck import (apply_data, compare, data_kpi_cards, data_kpis, file_channel,
                              gap_of)
from engine.diagnosis import diagnose
from engine.i18n import t
from engine.questions import validate_answers

AS_OF = "2026-01-01"   # window = 365 days [2025-01-01, 2026-01-01); the 365 days before that
                       # start on 2024-01-02 (2024 is a leap year)

# (order_id, customer, date, revenue[, subscription])
ROWS = [
    ("o1", "A", "2024-02-01", 1000),          # A: year before, and ...
    ("o2", "A", "2025-03-01", 2000),          # ... in the window: active, 2 orders
    ("o3", "B", "2024-06-01", 3000),          # B: year before only
    ("o4", "C", "2025-06-01", 4000, True),    # C: two orders in the window, one 定期
    ("o5", "C", "2025-07-01", 5000),
    ("o6", "D", "2025-12-31", 6000),          # D: one order, last day of the window
    ("o7", None, "2025-05-05", 700),          # guest order in the window
    ("o8", "E", "2023-06-01", 800),           # E: long gone (and the start of the history)
    ("o9", "F", "2026-01-01", 9999),          # on the reference date: not counted
]
PRODUCTS = {"o1": ["P1"], "o2": ["P2"], "o6": ["P1", "P2", "P3"]}


@pytest.fixture(scope="module")
def book():
    return make_book(ROWS, products=PRODUCTS)


@pytest.fixture(scope="module")
def kpis(book):
    return data_kpis(book, AS_OF)


# --- data_kpis -------------------------------------------------------------------------------------

def test_revenue_of_the_last_12_months_counts_every_order_guests_included(kpis):
    assert kpis["revenue_12m"] == 2000 + 4000 + 5000 + 6000 + 700
    assert kpis["orders_12m"] == 5


def test_active_customers_bought_in_the_last_12_months(kpis):
    assert kpis["active_customers"] == 3            # A, C, D


def test_repeat_rate_is_the_share_of_last_years_buyers_with_two_orders_within_it(kpis):
    # Q8: buyers of the window A, C, D; only C ordered twice WITHIN the window (A's second
    # order is from the year before, which the question does not ask about)
    assert kpis["repeat_rate"] == pytest.approx(1 / 3, abs=1e-4)


def test_annual_ltv_is_the_first_year_of_the_latest_complete_cohort(kpis):
    # Q9: first order in [2024-01-02, 2025-01-01): A (2024-02-01) and B (2024-06-01).
    # A's first year ends 2025-01-31: o1 ¥1,000 only (o2 on 2025-03-01 is in year two);
    # B: ¥3,000. E started before the cohort year, C and D have no complete first year.
    assert kpis["annual_ltv"] == (1000 + 3000) / 2
    assert kpis["annual_ltv_customers"] == 2


def test_annual_ltv_is_none_without_a_complete_first_year():
    short = make_book([("o1", "A", "2025-06-01", 1000), ("o2", "A", "2025-08-01", 2000)])
    assert data_kpis(short, AS_OF)["annual_ltv"] is None


def test_a_mall_export_does_not_replace_own_site_answers_but_answers_a_mall_shop():
    mall = make_book(ROWS, products=PRODUCTS)
    mall.report.format = "rakuten_rms"
    figures = data_kpis(mall, AS_OF)
    assert figures["channel"] == "mall"
    own = validate_answers(ANSWERS)
    merged, replaced = apply_data(own, figures)
    assert replaced == () and merged == own
    rows = compare(own, figures, "ja")
    assert all(not r["used"] for r in rows) and "楽天" in rows[0]["channel_note"]
    mall_shop = validate_answers({**ANSWERS, "sales_basis": "mall_only"})
    assert set(apply_data(mall_shop, figures)[1]) == {"q1", "q7", "q8", "q9",
                                                     "active_last_year"}
    assert data_kpis(make_book(ROWS), AS_OF)["channel"] == file_channel("generic")


def test_active_last_year_and_the_trend(kpis):
    assert kpis["active_last_year"] == 2            # A and B bought in 2024
    assert kpis["active_trend"] == pytest.approx(3 / 2 - 1)


def test_multi_product_share_and_subscription_customers(kpis):
    # products per customer: A {P1, P2}, B {P1}, C {P1}, D {P1, P2, P3}, E {P1}
    assert kpis["multi_product_share"] == pytest.approx(2 / 5)
    assert kpis["subscription_customers"] == 1      # C


def test_the_reference_date_defaults_to_the_day_after_the_last_order(book):
    figures = data_kpis(book)
    assert figures["as_of"] == "2026-01-02"
    assert figures["revenue_12m"] == 2000 + 4000 + 5000 + 6000 + 700 + 9999


def test_trend_needs_two_full_years_of_history():
    short = make_book([("o1", "A", "2025-02-01", 1000), ("o2", "B", "2025-12-01", 2000)])
    figures = data_kpis(short, AS_OF)
    assert figures["active_customers"] == 2
    assert figures["active_last_year"] is None and figures["active_trend"] is None


def test_a_file_without_buyers_gives_revenue_but_never_invents_customers():
    rows = [("o1", None, "2025-03-01", 1000), ("o2", None, "2025-04-01", 2500)]
    figures = data_kpis(make_book(rows, has_customers=False), AS_OF)
    assert figures["revenue_12m"] == 3500 and figures["customers_known"] is False
    assert figures["active_customers"] is None and figures["repeat_rate"] is None
    assert figures["annual_ltv"] is None


def test_every_data_kpi_has_a_card_with_label_and_note_in_both_languages(kpis):
    for lang in ("ja", "en"):
        cards = data_kpi_cards(kpis, lang)
        assert all(not c["label"].startswith("plan.") and not c["note"].startswith("plan.")
                   for c in cards)
    by_id = {c["id"]: c for c in data_kpi_cards(kpis, "ja")}
    assert by_id["active_customers"]["value"] == "3人"
    assert by_id["repeat_rate"]["value"] == "33.3%"


# --- compare -------------------------------------------------------------------------------------

def _row(rows, row_id):
    return next(r for r in rows if r["id"] == row_id)


def test_each_answer_is_shown_beside_the_data_value_in_answer_units(kpis):
    answers = validate_answers({"q1": 17700, "q7": 3, "q8": 50, "q9": None})
    rows = compare(answers, kpis, "ja")
    assert [r["id"] for r in rows] == [c["id"] for c in load("plan")["checks"]]
    q8 = _row(rows, "q8")
    assert q8["data"] == pytest.approx(33.3)           # repeat rate in percent, 1 decimal
    assert q8["gap"] == pytest.approx((50 - 33.3) / 33.3, abs=1e-6)
    assert _row(rows, "q1")["gap"] == 0 and _row(rows, "q1")["data_text"] == "¥17,700"
    q9 = _row(rows, "q9")
    assert q9["answer"] is None and q9["gap"] is None and q9["flag"] is False
    assert q9["answer_text"] == t("diagnosis.unknown_value", "ja")


def test_a_gap_at_the_threshold_is_not_flagged_one_yen_beyond_is(kpis):
    threshold = load("plan")["check"]["gap_threshold"]
    at = 17700 + round(17700 * threshold)
    row_at = _row(compare(validate_answers({"q1": at}), kpis, "ja"), "q1")
    row_beyond = _row(compare(validate_answers({"q1": at + 1}), kpis, "ja"), "q1")
    assert row_at["gap"] == pytest.approx(threshold) and row_at["flag"] is False
    assert row_at["message"] == ""
    assert row_beyond["flag"] is True
    assert row_beyond["message"] == "回答と実績に差があります"


def test_answers_below_the_data_are_flagged_too(kpis):
    row = _row(compare(validate_answers({"q7": 2}), kpis, "en"), "q7")   # 2 vs 3: −33 %
    assert row["gap"] == pytest.approx(-1 / 3, abs=1e-6) and row["flag"] is True
    assert row["message"] == t("plan.compare.gap", "en")


def test_the_trend_row_compares_changes_in_points(kpis):
    answers = validate_answers({"q7": 300, "active_last_year": 300})   # answers: flat (0 %)
    row = _row(compare(answers, kpis, "ja"), "active_trend")
    assert row["gap_kind"] == "absolute"
    assert row["gap"] == pytest.approx(0 - 0.5)                         # data: +50 %
    assert row["flag"] is True


def test_gap_of_is_none_without_a_base():
    assert gap_of(5, 0) is None and gap_of(None, 3) is None
    assert gap_of(12, 10) == pytest.approx(0.2) and gap_of(0.1, 0.3, "absolute") == -0.2


# --- scoring with the data ---------------------------------------------------------------------

ANSWERS = {"sales_basis": "own_site", "q1": 50_000_000, "q2": 80, "q3": "trial",
           "q4": "subscription", "subscription": True, "q5": ["organic_search"], "q6": 3000,
           "q7": 100, "active_last_year": 100, "q8": 10, "q9": 40_000, "gross_margin": 60,
           "q10": ["thank_you"]}


def test_apply_data_replaces_only_the_measured_answers(kpis):
    merged, replaced = apply_data(validate_answers(ANSWERS), kpis)
    assert set(replaced) == {"q1", "q7", "q8", "q9", "active_last_year"}
    assert merged["q8"] == pytest.approx(33.3) and merged["q7"] == 3
    assert merged["gross_margin"] == 60 and merged["q6"] == 3000   # not in an order file


def test_scores_use_the_data_value_where_it_exists(kpis):
    with_data = diagnose(ANSWERS, "ja", data=kpis)
    by_hand = diagnose({**ANSWERS, "q1": 17700, "q7": 3, "q8": 33.3, "q9": 2000,
                        "active_last_year": 2}, "ja")
    assert [a.score for a in with_data.areas] == [a.score for a in by_hand.areas]
    assert with_data.kpis == by_hand.kpis
    assert with_data.answers["q8"] == 10        # the owner's answers are kept as answered


def test_each_area_says_whether_its_inputs_came_from_the_data(kpis):
    result = diagnose(ANSWERS, "ja", data=kpis).to_json()
    sources = {a["id"]: a["source"] for a in result["areas"]}
    assert sources == {"repeat_headroom": "data", "business_model": "answer",
                       "acquisition": "answer", "retention": "data",
                       "unit_economics": "data", "fan_building": "answer"}
    assert result["data_kpis"]["active_customers"] == 3
    assert [r["id"] for r in result["comparison"]][0] == "q1"


def test_a_figure_the_data_lacks_keeps_the_answer():
    short = make_book([("o1", "A", "2025-02-01", 1000), ("o2", "B", "2025-12-01", 2000)])
    result = diagnose(ANSWERS, "ja", data=data_kpis(short, AS_OF))
    assert "active_last_year" not in result.from_data
    assert result.kpis["active_trend"] == pytest.approx(2 / 100 - 1)   # data q7 / answered


def test_without_data_the_diagnosis_is_exactly_as_before():
    result = diagnose(ANSWERS, "ja").to_json()
    assert set(result) == {"areas", "weakest", "kpis", "actions"}
    assert all("source" not in a for a in result["areas"])


def test_an_order_book_can_be_given_directly(book):
    assert (diagnose(ANSWERS, "en", data=book).to_json()
            == diagnose(ANSWERS, "en", data=data_kpis(book)).to_json())

"""Answers that do not fit together are pointed out (questions.toml [[consistency]])."""
from engine.consistency import check_answers
from engine.i18n import t

BASE = {"q1": 12_000_000, "q7": 850, "q9": 15_000}   # 850 × ¥15,000 ≈ ¥12.75M: fits


def test_answers_that_fit_raise_nothing():
    assert check_answers(BASE) == []


def test_an_ltv_typed_as_the_annual_sales_is_pointed_out():
    found = check_answers({**BASE, "q9": 12_000_000}, "ja")
    assert [f.id for f in found] == ["ltv_customers_vs_sales"]
    assert found[0].ratio == 850
    assert "850.0" in found[0].message


def test_far_too_small_is_pointed_out_too():
    found = check_answers({**BASE, "q9": 1_000}, "en")   # 850 × ¥1,000 = 7 % of sales
    assert [f.id for f in found] == ["ltv_customers_vs_sales"]
    assert found[0].message.startswith(t("diagnosis.consistency.ltv_customers_vs_sales", "en",
                                         product="x", against="y", ratio="z")[:10])


def test_the_edges_of_the_range_still_fit():
    assert check_answers({**BASE, "q9": 3 * 12_000_000 / 850}) == []
    assert check_answers({**BASE, "q9": 0.33 * 12_000_000 / 850}) == []


def test_unknown_answers_skip_the_check():
    assert check_answers({**BASE, "q9": None}) == []
    assert check_answers({"q9": 12_000_000, "q7": 850}) == []
    assert check_answers({**BASE, "q1": 0}) == []

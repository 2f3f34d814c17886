"""Specification of area scoring (engine.scoring with engine/data/scoring.toml)."""
from __future__ import annotations

import pytest

from engine.config import load
from engine.i18n import catalogue
from engine.kpis import compute_kpis
from engine.questions import get_question, validate_answers
from engine.scoring import (AreaResult, AreaSpec, Context, Rule, area_ids, area_specs, check,
                            interpolate, level_label, level_of, score_area, score_areas,
                            weakest_first)

AREAS = ["repeat_headroom", "business_model", "acquisition", "retention", "unit_economics",
         "fan_building"]

BEST = {"sales_basis": "own_site", "q1": 500_000_000, "q2": 95, "q3": "trial",
        "q4": "subscription", "subscription": True,
        "q5": ["organic_search", "organic_sns", "referral"], "q6": 1000, "q7": 20000,
        "active_last_year": 10000, "q8": 70, "q9": 60000, "gross_margin": 70,
        "q10": ["thank_you", "usage_guide", "brand_story", "newsletter", "next_offer", "survey",
                "sample"]}
WORST = {"sales_basis": "own_site", "q1": 0, "q2": 0, "q3": "undecided", "q4": "none",
         "subscription": False, "q5": ["listing_ads"], "q6": 100_000, "q7": 100,
         "active_last_year": 1000, "q8": 0, "q9": 1000, "gross_margin": 10, "q10": ["none"]}


def areas_for(answers: dict, lang: str = "ja") -> dict[str, AreaResult]:
    canonical = validate_answers(answers)
    return {a.id: a for a in score_areas(canonical, compute_kpis(canonical), lang)}


def rule_score(rule_id: str, value) -> float:
    rule = next(r for spec in area_specs() for r in spec.rules if r.id == rule_id)
    return rule.score(value)


# --- the generic evaluator (hand-built rules, independent of scoring.toml) ------------------------

def test_interpolate_is_piecewise_linear_and_flat_outside():
    points = [[0, 0], [10, 50], [20, 100]]
    assert interpolate(5, points) == 25
    assert interpolate(15, points) == 75
    assert interpolate(-3, points) == 0
    assert interpolate(99, points) == 100
    assert interpolate(10, [[0, 100], [10, 0]]) == 0  # decreasing curves work too


def test_rule_kinds():
    linear = Rule("x", {"kind": "linear", "points": [[0, 0], [10, 100]], "source": {}})
    assert linear.score(4) == 40 and linear.score(None) is None
    choice = Rule("x", {"kind": "choice", "scores": {"a": 80, "true": 90, "false": 10}})
    assert choice.score("a") == 80 and choice.score(True) == 90 and choice.score(False) == 10
    chosen = Rule("x", {"kind": "set", "items": {"a": 1, "b": 2}, "points": [[0, 0], [3, 90]]})
    assert chosen.score(["a"]) == 30 and chosen.score(["a", "b", "zzz"]) == 90
    constant = Rule("x", {"kind": "constant", "score": 15})
    assert constant.score(None) == 15


def test_unknown_input_is_left_out_of_the_weighted_mean_and_lowers_confidence():
    spec = AreaSpec("demo", {"label_ja": "デモ", "label_en": "Demo"}, (
        Rule("repeat_rate", {"kind": "linear", "points": [[0, 0], [100, 100]], "weight": 0.6,
                             "source": {"question": "q8"}, "inputs": ["q8"], "format": "percent",
                             "benchmark": 30}),
        Rule("cpa_level", {"kind": "linear", "points": [[0, 100], [100, 0]], "weight": 0.4,
                           "source": {"question": "q6"}, "inputs": ["q6"], "format": "yen",
                           "benchmark": 10}),
    ))
    both = score_area(spec, Context({"q8": 50.0, "q6": 20}))
    assert both.score == 62  # 0.6 × 50 + 0.4 × 80
    assert both.confidence == 1.0
    one = score_area(spec, Context({"q8": 50.0, "q6": None}))
    assert one.score == 50  # not 0.6 × 50 + 0.4 × 0 = 30
    assert one.confidence == 0.5
    none = score_area(spec, Context({"q8": None, "q6": None}))
    assert (none.score, none.level, none.confidence) == (None, "unknown", 0.0)


def test_conditions():
    ctx = Context({"q8": 18.0, "q10": ["survey"], "q6": None, "subscription": False},
                  kpis={"ltv_cpa_ratio": 0.8},
                  areas={"retention": AreaResult("retention", "R", 30, "poor", 1.0, "")})
    assert check({"question": "q8", "op": "<", "value": 30}, ctx)
    assert not check({"question": "q8", "op": ">=", "value": 30}, ctx)
    assert check({"question": "q10", "op": "lacks", "value": "thank_you"}, ctx)
    assert check({"question": "q10", "op": "has", "value": "survey"}, ctx)
    assert check({"question": "q10", "op": "has_none_of", "value": ["a", "b"]}, ctx)
    assert check({"kpi": "ltv_cpa_ratio", "op": "<", "value": 1}, ctx)
    assert check({"area": "retention", "level_in": ["poor", "caution"]}, ctx)
    assert not check({"area": "fan_building", "level_in": ["poor"]}, ctx)  # not scored
    assert check({"question": "subscription", "op": "==", "value": False}, ctx)
    # an unknown answer never triggers anything except an explicit "unknown" test
    for op in ("<", ">", "==", "!=", "lacks", "has_none_of"):
        assert not check({"question": "q6", "op": op, "value": 1}, ctx)
    assert check({"question": "q6", "op": "unknown"}, ctx)
    with pytest.raises(ValueError):
        check({"question": "subscription", "op": "<", "value": 1}, ctx)
    with pytest.raises(ValueError):
        check({"question": "q8", "op": "≈", "value": 1}, ctx)


def test_levels_follow_the_thresholds_of_the_toml():
    good, caution = load("scoring")["levels"]["good"], load("scoring")["levels"]["caution"]
    assert level_of(good) == "good"
    assert level_of(good - 0.1) == "caution"
    assert level_of(caution) == "caution"
    assert level_of(caution - 0.1) == "poor"
    assert level_of(None) == "unknown"
    assert [level_label(x, "ja") for x in ("good", "caution", "poor")] == ["良好", "注意", "要改善"]


# --- scoring.toml as a whole ----------------------------------------------------------------------

def test_the_six_areas_in_order_with_labels_in_both_languages():
    assert area_ids() == AREAS
    for spec in area_specs():
        assert spec.label("ja") and spec.label("en") and spec.label("ja") != spec.label("en")


def test_every_rule_has_reasons_in_both_languages_and_real_inputs():
    for spec in area_specs():
        for rule in spec.rules:
            for lang in ("ja", "en"):
                for status in ("low", "ok"):
                    assert f"diagnosis.rule.{rule.id}.{status}" in catalogue(lang)
            for qid in rule.inputs:
                get_question(qid)  # raises for a typo
            assert spec.id in get_question(rule.inputs[0]).areas or rule.id == "mall_only" \
                or "kpi" in rule.spec["source"]


def _direction(points) -> int:
    return 1 if points[-1][1] >= points[0][1] else -1


def test_a_value_at_the_benchmark_is_good_and_a_worse_one_is_not():
    for spec in area_specs():
        for rule in spec.rules:
            if rule.spec["kind"] != "linear" or "benchmark" not in rule.spec:
                continue
            bench = rule.spec["benchmark"]
            step = _direction(rule.spec["points"]) * max(abs(bench) * 0.05, 0.01)
            assert level_of(rule.score(bench)) == "good", rule.id
            assert level_of(rule.score(bench - step)) != "good", rule.id


def test_all_unknown_every_area_unknown_with_zero_confidence():
    for area in areas_for({}).values():
        assert area.score is None and area.level == "unknown" and area.confidence == 0.0
        assert area.reason and not area.reason.startswith("diagnosis.")


def test_extreme_answers():
    assert {a.level for a in areas_for(BEST).values()} == {"good"}
    assert all(a.score >= 90 for a in areas_for(BEST).values())
    assert {a.level for a in areas_for(WORST).values()} == {"poor"}
    for area in list(areas_for(BEST).values()) + list(areas_for(WORST).values()):
        assert 0 <= area.score <= 100 and area.confidence == 1.0


def test_reason_names_the_answer_and_the_benchmark():
    retention = areas_for({"q8": 18})["retention"]
    assert "18%" in retention.reason and "30%" in retention.reason
    assert retention.level in ("poor", "caution")
    assert retention.confidence == pytest.approx(0.33)
    en = areas_for({"q8": 18}, "en")["retention"]
    assert "18%" in en.reason and "Repeat rate" in en.reason


def test_reason_names_the_rule_that_costs_the_most_points():
    # Own-site share 35 % (weight 0.7) hurts more than ¥12M sales (weight 0.3).
    area = areas_for({"q1": 12_000_000, "q2": 35})["repeat_headroom"]
    assert "35%" in area.reason


def test_mall_only_shop_is_judged_without_an_own_site_share():
    mall = areas_for({"sales_basis": "mall_only", "q1": 50_000_000})["repeat_headroom"]
    assert mall.score is not None and mall.level in ("poor", "caution")
    assert mall.confidence == 1.0  # q2 is not expected from a mall-only shop
    assert "モール" in mall.reason
    # the own-site answer is ignored, even if given (it would describe the malls)
    again = areas_for({"sales_basis": "mall_only", "q1": 50_000_000, "q2": 90})
    assert again["repeat_headroom"].score == mall.score
    only_basis = areas_for({"sales_basis": "mall_only"})["repeat_headroom"]
    assert only_basis.score is not None and only_basis.confidence == 0.5


def test_unit_economics_without_gross_margin_uses_sales_ltv_with_lower_confidence():
    with_margin = areas_for({"q9": 30000, "gross_margin": 50, "q6": 5000})["unit_economics"]
    without = areas_for({"q9": 30000, "q6": 5000})["unit_economics"]
    assert with_margin.confidence == 1.0
    assert without.score is not None
    assert without.confidence == pytest.approx(0.67)
    assert with_margin.score == round(rule_score("ltv_cpa", 3.0))  # 15,000 / 5,000
    assert without.score == round(rule_score("ltv_cpa_sales", 6.0))  # 30,000 / 5,000
    assert with_margin.score == 100 and without.score == 100        # three years' payback a year


def test_broken_model_ltv_below_cpa_is_poor():
    area = areas_for({"q9": 10000, "gross_margin": 50, "q6": 8000})["unit_economics"]
    assert area.level == "poor"
    assert "0.6" in area.reason  # 5,000 / 8,000 = 0.625


def test_ad_only_acquisition_is_poor_and_organic_inflow_helps():
    ads = areas_for({"q5": ["listing_ads", "sns_ads", "affiliate"]})["acquisition"]
    organic = areas_for({"q5": ["listing_ads", "organic_search"]})["acquisition"]
    assert ads.level == "poor"
    assert organic.score > ads.score


def test_falling_active_customers_lower_retention():
    flat = areas_for({"q8": 30, "q7": 1000, "active_last_year": 1000})["retention"]
    falling = areas_for({"q8": 30, "q7": 700, "active_last_year": 1000})["retention"]
    assert falling.score < flat.score
    assert "-30.0%" in falling.reason


def test_zero_active_customers_last_year_does_not_crash():
    area = areas_for({"q7": 500, "active_last_year": 0})["retention"]
    assert area.score is None and area.level == "unknown"
    assert area.confidence == pytest.approx(0.67)
    assert "リピート率" in area.reason  # what would make it judgeable
    trend_only = AreaSpec("t", {"label_ja": "t"}, tuple(
        r for r in next(s for s in area_specs() if s.id == "retention").rules
        if r.id == "active_trend"))
    ctx = Context({"q7": 500, "active_last_year": 0}, kpis={"active_trend": None})
    result = score_area(trend_only, ctx)
    assert result.score is None and result.confidence == 1.0
    assert result.reason == catalogue("ja")["diagnosis.not_computable"]


def test_weakest_first_puts_unknown_last_and_keeps_file_order_on_ties():
    def area(i, score):
        return AreaResult(i, i, score, level_of(score), 1.0, "")
    order = weakest_first([area("a", 50), area("b", None), area("c", 20), area("d", 50)])
    assert order == ["c", "a", "d", "b"]


# --- unit economics on a one-year basis (scoring.toml) ------------------------------------------

def test_paying_back_cpa_within_one_year_is_good():
    # one-year gross-profit LTV ¥12,000 × 75 % = ¥9,000 against CPA ¥9,000: ratio 1 = payback
    area = areas_for({"q9": 12000, "gross_margin": 75, "q6": 9000})["unit_economics"]
    assert area.score == 70 and area.level == "good"
    # half of it back in the first year: poor (points [0.5, 25])
    half = areas_for({"q9": 12000, "gross_margin": 75, "q6": 18000})["unit_economics"]
    assert half.score == 25 and half.level == "poor"


def test_cpa_zero_is_acquisition_without_ad_cost_not_unjudged():
    area = areas_for({"q9": 12000, "gross_margin": 50, "q6": 0})["unit_economics"]
    assert area.level == "good" and area.score == 90
    assert "0" in area.reason and "判定" not in area.reason
    unknown = areas_for({"q9": 12000, "gross_margin": 50})["unit_economics"]
    assert unknown.level == "unknown"                       # an unanswered CPA stays unknown

"""Specification of the action plan (engine.actions with engine/data/actions.toml) and of
`engine.diagnosis.diagnose` as a whole."""
from __future__ import annotations

import json

import pytest

from engine.actions import STEPS, ActionSpec, build_plan, catalogue, step_title
from engine.config import load
from engine.diagnosis import diagnose, level_label
from engine.errors import AnswerError
from engine.kpis import KPI_FORMATS
from engine.questions import get_question
from engine.scoring import AreaResult, Context, area_ids

SHOP = {"sales_basis": "own_site", "q1": "1,200万", "q2": 35, "q3": "trial", "q4": "none",
        "subscription": False, "q5": ["listing_ads", "sns_ads"], "q6": 12000, "q7": 800,
        "active_last_year": 1000, "q8": 18, "q9": 15000, "gross_margin": 60,
        "q10": ["usage_guide"]}


def ids(result) -> list[str]:
    return [a.id for a in result.actions]


# --- the catalogue --------------------------------------------------------------------------------

def test_catalogue_size_steps_and_both_languages():
    actions = catalogue()
    assert 20 <= len(actions) <= 30
    assert len({a.id for a in actions}) == len(actions)
    assert {a.step for a in actions} == set(STEPS)  # every Omega step A-F is represented
    for action in actions:
        for lang in ("ja", "en"):
            assert action.title(lang).strip() and action.first_step(lang).strip(), action.id
        assert action.title("ja") != action.title("en")
        assert action.areas and set(action.areas) <= set(area_ids()), action.id
    for step in STEPS:
        assert step_title(step, "ja") and step_title(step, "en")
    assert step_title("A", "ja") == "リストのランク分けをする"


def test_every_trigger_refers_to_real_questions_choices_kpis_and_areas():
    for action in catalogue():
        conds = action.table.get("when", []) + action.table.get("when_any", [])
        assert conds, f"{action.id} has no trigger"
        for cond in conds:
            if "area" in cond:
                assert cond["area"] in area_ids()
                assert set(cond["level_in"]) <= {"good", "caution", "poor", "unknown"}
            elif "kpi" in cond:
                assert cond["kpi"] in KPI_FORMATS
            else:
                question = get_question(cond["question"])
                if question.type in ("choice", "multi_choice"):
                    values = cond["value"] if isinstance(cond.get("value"), list) else (
                        [cond["value"]] if "value" in cond else [])
                    assert set(values) <= set(question.choice_ids()), (action.id, values)


# --- triggering -----------------------------------------------------------------------------------

def test_conditions_met_all_and_any():
    spec = ActionSpec("x", "D", ("fan_building",), {
        "when": [{"question": "q10", "op": "lacks", "value": "thank_you"}],
        "when_any": [{"question": "q8", "op": "<", "value": 30},
                     {"kpi": "ltv_cpa_ratio", "op": "<", "value": 1}]})
    assert spec.conditions_met(Context({"q10": ["survey"], "q8": 50.0}, {"ltv_cpa_ratio": 2})) \
        is None  # no "any" condition holds
    met = spec.conditions_met(Context({"q10": ["survey"], "q8": 10.0}, {"ltv_cpa_ratio": 2}))
    assert [c.get("question") or c.get("kpi") for c in met] == ["q10", "q8"]
    assert spec.conditions_met(Context({"q10": None, "q8": 10.0})) is None  # unknown: no trigger
    assert ActionSpec("y", "A", ("retention",), {}).conditions_met(Context({})) is None


def test_missing_thank_you_letter_triggers_it_with_the_actual_answer_in_why():
    result = diagnose(SHOP, "ja")
    letter = next(a for a in result.actions if a.id == "thank_you_letter")
    assert letter.step == "D" and letter.area == "fan_building"
    assert "お礼状" in letter.why
    assert diagnose({**SHOP, "q10": ["thank_you"]}).actions  # still a plan
    assert "thank_you_letter" not in ids(diagnose({**SHOP, "q10": ["thank_you"]}))


def test_unknown_inserts_trigger_no_insert_action():
    result = diagnose({**SHOP, "q10": None})
    assert not {"thank_you_letter", "brand_story", "newsletter"} & set(ids(result))


def test_broken_unit_economics_triggers_the_cpa_cap_with_the_ratio_in_why():
    result = diagnose(SHOP, "en")
    cap = next(a for a in result.actions if a.id == "cpa_cap")
    assert "0.8×" in cap.why  # 9,000 / 12,000 = 0.75
    healthy = diagnose({**SHOP, "q6": 1000})
    assert "cpa_cap" not in ids(healthy)


def test_area_condition_why_names_the_level_and_score():
    result = diagnose(SHOP, "ja")
    retention = result.area("retention")
    rank = next(a for a in result.actions if a.id == "rank_list")
    assert level_label(retention.level, "ja") in rank.why and str(retention.score) in rank.why


def test_mall_only_shop_gets_the_own_list_action():
    result = diagnose({"sales_basis": "mall_only", "q1": "3億"})
    assert "own_site_list" in ids(result)
    assert result.area("repeat_headroom").score is not None


def test_all_unknown_asks_for_the_numbers_first():
    result = diagnose({})
    assert ids(result) == ["measure_basics"]
    assert result.actions[0].top is True


# --- ordering -------------------------------------------------------------------------------------

def test_plan_is_weakest_area_first_stable_and_top_three_marked():
    result = diagnose(SHOP, "ja")
    rank = {area_id: i for i, area_id in enumerate(result.weakest)}
    positions = [rank[a.area] for a in result.actions]
    assert positions == sorted(positions)
    order = {a.id: i for i, a in enumerate(catalogue())}
    for earlier, later in zip(result.actions, result.actions[1:]):
        if earlier.area == later.area:
            assert order[earlier.id] < order[later.id]  # catalogue order within an area
    assert [a.top for a in result.actions[:3]] == [True, True, True]
    assert not any(a.top for a in result.actions[3:])


def test_action_is_filed_under_its_weakest_area():
    areas = [AreaResult("retention", "R", 60, "caution", 1.0, ""),
             AreaResult("fan_building", "F", 20, "poor", 1.0, "")]
    plan = build_plan({"q10": ["survey"], "q8": None}, {}, areas, "ja")
    newsletter = next(a for a in plan if a.id == "newsletter")  # areas: fan_building, retention
    assert newsletter.area == "fan_building"


# --- diagnose() as a whole ------------------------------------------------------------------------

def test_to_json_has_exactly_the_public_keys():
    data = diagnose(SHOP, "ja").to_json()
    assert set(data) == {"areas", "weakest", "kpis", "actions"}
    assert [a["id"] for a in data["areas"]] == area_ids()
    for area in data["areas"]:
        assert set(area) == {"id", "label", "score", "level", "confidence", "reason"}
        assert 0 <= area["confidence"] <= 1
    assert sorted(data["weakest"]) == sorted(area_ids())
    for action in data["actions"]:
        assert set(action) == {"step", "title", "why", "area", "first_step", "top"}
        assert action["step"] in STEPS
    json.dumps(data, ensure_ascii=False)  # serialisable


def test_diagnose_is_deterministic_and_pure():
    answers = dict(SHOP)
    first = diagnose(answers, "ja").to_json()
    assert diagnose(dict(SHOP), "ja").to_json() == first
    assert answers == SHOP  # input not modified
    assert diagnose(SHOP, "en").to_json()["weakest"] == first["weakest"]  # language-neutral order


def test_diagnose_validates():
    with pytest.raises(AnswerError):
        diagnose({"q2": 150})
    with pytest.raises(AnswerError):
        diagnose({"q99": 1})


def test_changing_an_answer_changes_the_result():
    before = diagnose(SHOP).area("retention").score
    after = diagnose({**SHOP, "q8": 45}).area("retention").score
    assert after > before


def test_every_step_of_the_toml_has_a_title():
    assert set(load("actions")["steps"]) == set(STEPS)


# --- every diagnosis yields a plan; steps a consultant would choose -------------------------------

HEALTHY = {"sales_basis": "own_site", "q1": 500_000_000, "q2": 95, "q3": "trial",
           "q4": "subscription", "subscription": True,
           "q5": ["organic_search", "organic_sns", "referral"], "q6": 1000, "q7": 20000,
           "active_last_year": 10000, "q8": 70, "q9": 60000, "gross_margin": 70,
           "q10": ["thank_you", "usage_guide", "brand_story", "newsletter", "next_offer",
                   "survey", "sample"]}


def test_a_healthy_shop_gets_the_next_omega_steps_not_an_empty_plan():
    result = diagnose(HEALTHY, "ja")
    assert all(a.level == "good" for a in result.areas)
    assert result.actions and {a.step for a in result.actions} >= {"E", "F", "A"}
    assert sum(a.top for a in result.actions) == min(3, len(result.actions))


def test_the_fallback_is_used_when_nothing_triggers():
    from economics_helpers import settings_with

    quiet = settings_with(actions={"actions": [dict(a.table, when=[{"question": "q1",
                                                                   "op": "<", "value": 0}],
                                                    when_any=[])
                                               for a in catalogue()]})
    result = diagnose(HEALTHY, "en", settings=quiet)
    fallback = load("actions")["plan"]["fallback"]
    assert [a.id for a in result.actions] == fallback
    assert all(a.why and not a.why.startswith("diagnosis.") for a in result.actions)


def test_a_mall_only_shop_first_builds_its_own_list_within_the_mall_rules():
    mall = {**SHOP, "sales_basis": "mall_only", "q2": 0}
    result = diagnose(mall, "ja")
    first = result.actions[0]
    assert first.id == "own_site_list" and first.top
    assert "規約" in first.first_step                   # inserts may not lead to the own shop
    assert ids(diagnose({**SHOP, "q2": 80}, "ja"))[0] != "own_site_list"


def test_actions_sit_under_the_step_a_consultant_would_choose():
    step = {a.id: a.step for a in catalogue()}
    assert step["cpa_cap"] == "C"          # allowable CPA is about making an order pay, not A
    assert step["f2_followup"] == "D"      # a step mail gives value (D); B is asking (surveys)
    assert step["survey_by_rank"] == "B" and step["rank_list"] == "A"
    assert {t["id"]: t["step"] for t in load("plan")["targets"]}["f2_candidates"] == "D"

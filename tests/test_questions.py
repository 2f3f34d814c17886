"""Specification of the question definitions and of answer parsing (engine.questions)."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import AnswerError
from engine.i18n import catalogue
from engine.questions import (TYPES, format_answer, get_question, load_questions, parse_answer,
                              steps, validate_answers)

LOCALES = Path(__file__).resolve().parents[1] / "engine" / "locales"


def q(qid: str):
    return get_question(qid)


def error_key(qid: str, raw) -> str:
    with pytest.raises(AnswerError) as info:
        parse_answer(q(qid), raw)
    return info.value.key


# --- definitions -----------------------------------------------------------------------------

def test_the_ten_questions_come_in_domain_order_with_the_follow_ups():
    ids = [x.id for x in load_questions()]
    ten = [i for i in ids if i.startswith("q") and i[1:].isdigit()]
    assert ten == [f"q{n}" for n in range(1, 11)]
    for follow_up in ("gross_margin", "active_last_year", "subscription", "sales_basis"):
        assert follow_up in ids


def test_types_units_and_ranges_match_the_brief():
    assert q("q1").type == "yen" and q("q1").unit == "yen"
    assert (q("q2").type, q("q2").min, q("q2").max) == ("percent", 0, 100)
    assert q("q7").type == "count" and q("q7").unit == "people"
    assert q("q3").type == q("q4").type == "choice"
    assert q("q5").type == q("q10").type == "multi_choice"
    assert q("subscription").type == "bool"
    assert set(q("sales_basis").choice_ids()) == {"own_site", "mall_only"}
    assert {"thank_you", "usage_guide", "brand_story", "newsletter", "next_offer", "survey",
            "sample", "none"} <= set(q("q10").choice_ids())
    for question in load_questions():
        assert question.type in TYPES


def test_every_question_and_choice_has_both_languages():
    for question in load_questions():
        for lang in ("ja", "en"):
            assert question.label(lang).strip(), (question.id, lang)
            assert question.help(lang).strip(), (question.id, lang)
            assert question.short(lang).strip(), (question.id, lang)
        assert question.label("ja") != question.label("en")
        for choice in question.choices:
            assert choice.label_ja.strip() and choice.label_en.strip(), (question.id, choice.id)


def test_steps_cover_every_question_once_in_four_to_five_short_steps():
    all_steps = steps()
    assert 4 <= len(all_steps) <= 5
    listed = [qid for s in all_steps for qid in s.question_ids]
    assert sorted(listed) == sorted(x.id for x in load_questions())
    for s in all_steps:
        assert s.title("ja") and s.title("en") and s.title("ja") != s.title("en")


def test_diagnosis_tables_of_ja_and_en_have_the_same_keys():
    def keys(table, prefix=""):
        out = set()
        for k, v in table.items():
            out |= keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
        return out

    ja = tomllib.loads((LOCALES / "ja.toml").read_text("utf-8"))["diagnosis"]
    en = tomllib.loads((LOCALES / "en.toml").read_text("utf-8"))["diagnosis"]
    assert keys(ja) == keys(en)
    assert keys(ja)  # the table exists


def test_unit_labels_come_from_the_catalogue():
    assert q("q1").unit_label("ja") == catalogue("ja")["diagnosis.unit.yen"]
    assert q("q3").unit_label("ja") == ""


# --- parsing numbers -------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    (12000000, 12000000),
    ("12000000", 12000000),
    ("12,000,000", 12000000),
    ("¥12,000,000", 12000000),
    ("¥12,000,000", 12000000),       # full-width yen sign
    ("12,000,000円", 12000000),
    ("1,200万", 12000000),
    ("1200万円", 12000000),
    ("1.5万", 15000),
    ("3億", 300000000),
    ("1億2000万", 120000000),
    ("１２００万", 12000000),          # full-width digits
    ("  5000  ", 5000),
    (1234.6, 1235),                    # yen are whole
])
def test_yen_accepts_what_people_type(raw, expected):
    value = parse_answer(q("q1"), raw)
    assert value == expected and isinstance(value, int)


@pytest.mark.parametrize("raw, expected", [
    ("35", 35.0), ("35%", 35.0), ("35%", 35.0), ("12.5", 12.5), (0, 0.0), (100, 100.0),
    ("３５", 35.0),
])
def test_percent_is_a_float_from_0_to_100(raw, expected):
    value = parse_answer(q("q8"), raw)
    assert value == expected and isinstance(value, float)


def test_count_accepts_people_units():
    assert parse_answer(q("q7"), "3,500人") == 3500
    assert parse_answer(q("q7"), "１万人") == 10000


@pytest.mark.parametrize("raw", [None, "", "   ", "わからない", "unknown", float("nan")])
def test_unknown_is_none_not_zero(raw):
    assert parse_answer(q("q1"), raw) is None
    assert parse_answer(q("q8"), raw) is None


@pytest.mark.parametrize("qid, raw, key", [
    ("q1", "abc", "diagnosis.error.not_a_number"),
    ("q1", "12x", "diagnosis.error.not_a_number"),
    ("q1", "万", "diagnosis.error.not_a_number"),
    ("q1", True, "diagnosis.error.not_a_number"),
    ("q1", [1], "diagnosis.error.not_a_number"),
    ("q1", float("inf"), "diagnosis.error.not_a_number"),
    ("q1", -1, "diagnosis.error.negative"),
    ("q1", "-5,000", "diagnosis.error.negative"),
    ("q1", "▲5,000", "diagnosis.error.negative"),
    ("q6", "−300", "diagnosis.error.negative"),   # U+2212 minus sign
    ("q2", 101, "diagnosis.error.percent_over_100"),
    ("q8", "100.5%", "diagnosis.error.percent_over_100"),
    ("q7", "2.5", "diagnosis.error.not_integer"),
    ("q6", 10_000_001, "diagnosis.error.out_of_range"),
])
def test_invalid_numbers_raise_an_answer_error_with_a_catalogue_key(qid, raw, key):
    assert error_key(qid, raw) == key


def test_error_message_names_the_question_in_both_languages():
    with pytest.raises(AnswerError) as info:
        parse_answer(q("q2"), 101)
    ja, en = info.value.message("ja"), info.value.message("en")
    assert "q2" in ja and "q2" in en
    assert q("q2").short("ja") in ja and q("q2").short("en") in en
    assert "101" in ja and "101" in en
    assert info.value.key in catalogue("ja") and info.value.key in catalogue("en")


# --- parsing choices, lists, bools, text ---------------------------------------------------------

def test_choice_accepts_id_or_label_in_either_language():
    assert parse_answer(q("q3"), "trial") == "trial"
    assert parse_answer(q("q3"), q("q3").choice_label("trial", "ja")) == "trial"
    assert parse_answer(q("q3"), "Trial size or sample") == "trial"
    assert error_key("q3", "coupon") == "diagnosis.error.unknown_choice"
    assert error_key("q3", 3) == "diagnosis.error.unknown_choice"


def test_multi_choice_is_canonical_ordered_and_deduplicated():
    assert parse_answer(q("q5"), ["referral", "listing_ads", "referral"]) == [
        "listing_ads", "referral"]
    assert parse_answer(q("q5"), "referral, listing_ads") == ["listing_ads", "referral"]
    assert parse_answer(q("q10"), ["none"]) == ["none"]
    assert parse_answer(q("q10"), ["none", "survey"]) == ["survey"]  # "none" + items: items
    assert parse_answer(q("q10"), []) is None  # an untouched multiselect is unknown
    assert error_key("q5", ["tv_shopping"]) == "diagnosis.error.unknown_choice"


def test_bool_accepts_yes_no_words():
    sub = q("subscription")
    assert parse_answer(sub, True) is True
    assert parse_answer(sub, "はい") is True
    assert parse_answer(sub, "false") is False
    assert parse_answer(sub, 0) is False
    assert parse_answer(sub, None) is None
    assert error_key("subscription", "maybe") == "diagnosis.error.not_bool"


def test_text_is_stripped_and_limited():
    assert parse_answer(q("q3_name"), "  お試しセット ") == "お試しセット"
    assert parse_answer(q("q3_name"), "  ") is None
    assert error_key("q3_name", "x" * 81) == "diagnosis.error.too_long"


def test_parsing_a_canonical_value_again_changes_nothing():
    raw = {"q1": "1,200万", "q2": "35%", "q5": "referral", "q7": "800人", "subscription": "はい",
           "q10": ["survey", "thank_you"], "q3": "trial"}
    once = validate_answers(raw)
    assert validate_answers(once) == once


# --- whole answer sets -------------------------------------------------------------------------

def test_validate_answers_fills_every_id_and_rejects_unknown_ids():
    result = validate_answers({"q1": "100万"})
    assert set(result) == {x.id for x in load_questions()}
    assert result["q1"] == 1_000_000 and result["q2"] is None
    with pytest.raises(AnswerError) as info:
        validate_answers({"q11": 3})
    assert info.value.key == "diagnosis.error.unknown_question"
    assert "q11" in info.value.message("en")
    with pytest.raises(AnswerError) as info:
        validate_answers(["q1"])
    assert info.value.key == "diagnosis.error.not_a_mapping"


def test_invalid_value_in_a_set_names_its_id():
    with pytest.raises(AnswerError) as info:
        validate_answers({"q1": 1, "q8": 140})
    assert info.value.params["id"] == "q8"


def test_format_answer_writes_values_for_people():
    assert format_answer(q("q1"), 1234567, "ja") == "¥1,234,567"
    assert format_answer(q("q8"), 18.0, "en") == "18%"
    assert format_answer(q("q8"), None, "ja") == catalogue("ja")["diagnosis.unknown_value"]
    assert format_answer(q("q10"), ["thank_you", "survey"], "en") == "Thank-you letter, Survey"


@settings(max_examples=150, deadline=None)
@given(raw=st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.booleans(),
                     st.none(), st.lists(st.text(max_size=12), max_size=4), st.just("9" * 400)))
def test_any_input_is_a_value_or_an_answer_error_never_a_crash(raw):
    for question in load_questions():
        try:
            parse_answer(question, raw)
        except AnswerError as exc:
            assert exc.key.startswith("diagnosis.error.")
            assert exc.message("ja") and exc.message("en")


# --- every problem at once; a fraction typed for a percent ---------------------------------------

def test_every_invalid_answer_is_reported_at_once():
    from engine.questions import AnswerErrors, validate_answers

    with pytest.raises(AnswerErrors) as err:
        validate_answers({"q1": -1, "q8": 150, "nope": 1})
    keys = [e.key for e in err.value.errors]
    assert sorted(keys) == sorted(["diagnosis.error.unknown_question",
                                   "diagnosis.error.negative",
                                   "diagnosis.error.percent_over_100"])
    message = err.value.message("ja")
    assert message.startswith("3") and "q1" in message and "q8" in message and "nope" in message
    assert isinstance(err.value, AnswerError)
    with pytest.raises(AnswerError) as one:                 # a single problem: its own error
        validate_answers({"q1": -1})
    assert one.value.key == "diagnosis.error.negative"


@pytest.mark.parametrize("raw", [0.65, "0.65", "０．６５"])
def test_a_fraction_for_a_percent_asks_whether_65_percent_was_meant(raw):
    with pytest.raises(AnswerError) as err:
        parse_answer(q("gross_margin"), raw)
    assert err.value.key == "diagnosis.error.percent_fraction"
    assert "65%" in err.value.message("ja") and "65%" in err.value.message("en")


def test_a_fraction_of_a_percent_typed_with_its_sign_is_taken_as_written():
    assert parse_answer(q("gross_margin"), "0.65%") == pytest.approx(0.65)
    assert parse_answer(q("q8"), 0) == 0 and parse_answer(q("q8"), 1) == 1

"""The wizard and the result page, driven through Streamlit's AppTest (no browser)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.i18n import t
from engine.questions import load_questions, steps

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TYPED = {"q1": "1,200万", "q2": "60", "q6": "12000", "q7": "3000", "q8": "15", "q9": "9000",
         "gross_margin": "50", "active_last_year": "3500"}


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    return at.switch_page("pages/diagnosis.py").run()


def _fill_step(at: AppTest, step) -> None:
    questions = {q.id: q for q in load_questions()}
    for qid in step.question_ids:
        q = questions[qid]
        if q.type in ("yen", "percent", "count"):
            at.text_input(key=f"w_{qid}").input(TYPED.get(qid, "10")).run()
        elif q.type == "choice":
            at.radio(key=f"w_{qid}").set_value(q.choices[0].id).run()
        elif q.type == "multi_choice":
            at.button_group(key=f"w_{qid}").set_value([q.choices[0].id]).run()
        elif q.type == "bool":
            at.radio(key=f"w_{qid}").set_value(True).run()
        else:
            at.text_input(key=f"w_{qid}").input("お試しセット").run()


def _button(at: AppTest, key: str, lang: str = "ja"):
    label = t(key, lang)
    return next(b for b in at.button if b.label == label)


def _walk_to_result(at: AppTest) -> AppTest:
    all_steps = steps()
    for i, step in enumerate(all_steps):
        _fill_step(at, step)
        assert not at.exception
        last = i == len(all_steps) - 1
        _button(at, "ui.wizard.finish" if last else "ui.wizard.next").click().run()
    return at


def test_walking_the_wizard_reaches_the_result_with_six_areas_and_a_plan():
    at = _walk_to_result(_app())
    assert not at.exception
    assert at.title[0].value == t("ui.result.title", "ja")
    assert len(at.get("vega_lite_chart")) >= 1 or len(at.get("arrow_vega_lite_chart")) >= 1
    area_rows = [m.value for m in at.markdown if "-badge[" in m.value]
    assert len(area_rows) == 6
    assert any(m.value.startswith("**★") for m in at.markdown)
    assert at.session_state["answers"]["q1"] == 12_000_000


def test_changing_an_answer_changes_the_result():
    at = _walk_to_result(_app())
    before = [m.value for m in at.markdown if "-badge[" in m.value]
    at.switch_page("pages/diagnosis.py").run()
    at.session_state["wizard_step"] = 3  # customers step: repeat rate and LTV
    at.run()
    at.text_input(key="w_q8").input("45").run()
    at.text_input(key="w_q9").input("60000").run()
    at.switch_page("pages/result.py").run()
    after = [m.value for m in at.markdown if "-badge[" in m.value]
    assert before != after


def test_invalid_number_shows_inline_message_and_disables_next():
    at = _app()
    at.text_input(key="w_q1").input("-500").run()
    assert not at.exception
    assert f":red[{t('ui.inline_error.negative', 'ja')}]" in [m.value for m in at.markdown]
    assert _button(at, "ui.wizard.next").disabled
    at.text_input(key="w_q1").input("abc").run()
    assert _button(at, "ui.wizard.next").disabled


@pytest.mark.parametrize("lang", ["en"])
def test_answers_survive_page_switch_and_language_switch(lang):
    at = _app()
    at.text_input(key="w_q1").input("5,000,000").run()
    at.switch_page("pages/home.py").run()
    # AppTest drops app.py's sidebar after switch_page; the browser test clicks the real switch.
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/diagnosis.py").run()
    assert at.text_input(key="w_q1").value == "5,000,000"
    assert at.title[0].value == t("ui.wizard.title", lang)
    assert at.session_state["answers"]["q1"] == 5_000_000


def test_unknown_box_records_none_not_zero():
    at = _app()
    at.checkbox(key="u_q1").check().run()
    assert at.session_state["answers"]["q1"] is None


def test_answers_that_do_not_fit_together_are_pointed_out_on_the_result():
    from engine.consistency import check_answers

    slip = {"q1": 12_000_000, "q7": 850, "q9": 12_000_000}
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["answers"] = slip
    at.run()
    at.switch_page("pages/result.py").run()
    assert not at.exception
    expected = check_answers(slip, "ja")[0].message
    assert expected in [w.value for w in at.warning]

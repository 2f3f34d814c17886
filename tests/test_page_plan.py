"""The plan page and the data-vs-answer comparison through AppTest."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from engine import samples
from engine.i18n import t
from engine.ingest import ingest
from engine.roi import PlanAssumptions, build_data_plan, plan_totals

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _with_sample() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    next(b for b in at.button if b.label == t("ui.home.sample_button", "ja")).click().run()
    assert not at.exception
    return at


def _metric(at: AppTest, key: str) -> str:
    return next(m.value for m in at.metric if m.label == t(key, "ja"))


def test_result_page_puts_answers_beside_the_data_and_flags_gaps():
    at = _with_sample()
    assert at.title[0].value == t("ui.result.title", "ja")
    flagged = [w.value for w in at.warning if t("plan.compare.gap", "ja") in w.value]
    assert flagged, "the cosmetics owner over-states the repeat rate"
    assert any(t("plan.source_data", "ja") in m.value for m in at.markdown)


def test_plan_totals_follow_the_engine_and_react_to_the_dm_cost():
    at = _with_sample()
    at.switch_page("pages/plan.py").run()
    assert not at.exception
    book = ingest(*samples.generate("cosmetics"))
    answers = samples.sample_answers("cosmetics")
    expected = plan_totals(build_data_plan(book, answers, PlanAssumptions.defaults(answers)))
    assert _metric(at, "plan.field.profit") == f"¥{expected['profit']:,.0f}"

    at.number_input(key="plan_dm_cost").set_value(1000).run()
    dearer = PlanAssumptions.defaults(answers)
    import dataclasses
    dearer = dataclasses.replace(dearer, dm_cost=1000.0)
    expected_dearer = plan_totals(build_data_plan(book, answers, dearer))
    assert expected_dearer["profit"] < expected["profit"]
    assert _metric(at, "plan.field.profit") == f"¥{expected_dearer['profit']:,.0f}"
    assert any(t("plan.flag.negative", "ja") in m.value for m in at.markdown), \
        "an action that loses money is shown and flagged, not hidden"


def test_without_data_the_plan_falls_back_to_the_answers():
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["answers"] = {"q8": 10.0, "q10": ["thank_you"]}
    at.run()
    at.switch_page("pages/plan.py").run()
    assert not at.exception
    assert at.info[0].value == t("plan.fallback", "ja")
    assert not at.metric

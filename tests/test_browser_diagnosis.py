"""End to end in Chromium: a shop owner answers all ten questions and sees the chart and plan."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browser_helpers import shot, wait_idle
from engine.i18n import t
from engine.questions import load_questions, steps

pytestmark = pytest.mark.browser

TYPED = {"q1": "1,200万", "q2": "６０", "q6": "8000", "q7": "3,000", "q8": "22",
         "q9": "15000", "gross_margin": "55", "active_last_year": "2800"}


def _answer(page: Page, q, lang: str) -> None:
    box = page.locator(f".st-key-w_{q.id}")
    if q.type in ("yen", "percent", "count"):
        field = box.locator("input")
        field.fill(TYPED.get(q.id, "10"))
        field.press("Tab")
    elif q.type == "choice":
        box.get_by_text(q.choice_label(q.choices[0].id, lang), exact=True).click()
    elif q.type == "multi_choice":
        for choice in q.choices[:2]:
            box.get_by_role("button", name=q.choice_label(choice.id, lang)).click()
            wait_idle(page)
    elif q.type == "bool":
        box.get_by_text(t("ui.wizard.yes", lang), exact=True).click()
    else:
        field = box.locator("input")
        field.fill("トライアルセット")
        field.press("Tab")
    wait_idle(page)


def test_owner_answers_every_question_and_sees_chart_and_plan(page: Page, app_url: str):
    page.goto(app_url)
    page.get_by_role("button", name=t("ui.home.start", "ja")).click()
    questions = {q.id: q for q in load_questions()}
    all_steps = steps()
    for i, step in enumerate(all_steps):
        expect(page.get_by_text(t("ui.wizard.progress", "ja", current=i + 1,
                                  total=len(all_steps), title=step.title("ja")))).to_be_visible()
        for qid in step.question_ids:
            _answer(page, questions[qid], "ja")
        if i == 0:
            shot(page, "wizard_step1_ja")
        last = i == len(all_steps) - 1
        page.get_by_role("button", name=t("ui.wizard.finish" if last else "ui.wizard.next", "ja")).click()
        wait_idle(page)

    expect(page.get_by_role("heading", name=t("ui.result.title", "ja"), exact=True)).to_be_visible()
    expect(page.locator("[data-testid=stVegaLiteChart]").first).to_be_visible(timeout=15000)
    expect(page.get_by_text(t("ui.result.plan_title", "ja"))).to_be_visible()
    expect(page.get_by_text("★").first).to_be_visible()
    shot(page, "result_ja")

    # The whole app in English, answers kept.
    page.get_by_text("English", exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("heading", name=t("ui.result.title", "en"), exact=True)).to_be_visible()
    expect(page.locator("[data-testid=stVegaLiteChart]").first).to_be_visible(timeout=15000)
    shot(page, "result_en")


def test_invalid_number_gets_an_inline_message_and_blocks_next(page: Page, app_url: str):
    page.goto(app_url)
    page.get_by_role("button", name=t("ui.home.start", "ja")).click()
    field = page.locator(".st-key-w_q2 input")
    field.fill("150")
    field.press("Tab")
    wait_idle(page)
    expect(page.get_by_text(t("ui.wizard.fix_errors", "ja"))).to_be_visible()
    expect(page.get_by_role("button", name=t("ui.wizard.next", "ja"))).to_be_disabled()
    field.fill("40")
    field.press("Tab")
    wait_idle(page)
    expect(page.get_by_role("button", name=t("ui.wizard.next", "ja"))).to_be_enabled()

"""End to end in Chromium: a sample shop's plan, with profit per action and an assumption change."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from engine.i18n import t

pytestmark = pytest.mark.browser


def test_sample_shop_plan_shows_profit_and_reacts_to_assumptions(page: Page, app_url: str):
    page.goto(app_url)
    page.get_by_role("button", name=t("ui.home.sample_button", "ja")).click()
    expect(page.get_by_role("heading", name=t("ui.result.title", "ja"))).to_be_visible(
        timeout=60000)
    expect(page.get_by_text(t("plan.compare.title", "ja"))).to_be_visible()

    page.get_by_role("link", name=t("ui.nav.plan", "ja")).click()
    expect(page.get_by_role("heading", name=t("plan.title", "ja"))).to_be_visible(timeout=60000)
    profit = page.locator("[data-testid=stMetric]").filter(has_text=t("plan.field.profit", "ja"))
    expect(profit).to_be_visible(timeout=60000)
    before = profit.locator("[data-testid=stMetricValue]").inner_text()
    # a ★ action card (the estimate table draws its ★ on a canvas, not as page text)
    expect(page.locator("[data-testid=stMarkdownContainer]").filter(has_text="★").first
           ).to_be_visible()

    page.get_by_text(t("ui.plan.assumptions", "ja")).click()
    field = page.locator(".st-key-plan_dm_cost input")
    field.fill("2000")
    field.press("Enter")
    expect(profit.locator("[data-testid=stMetricValue]")).not_to_have_text(before, timeout=30000)
    expect(page.get_by_text(t("plan.flag.negative", "ja")).first).to_be_visible()

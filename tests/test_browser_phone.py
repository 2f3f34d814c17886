"""A prospect on a phone (390 px): the drawer closes after picking a page, number questions
open the numeric keypad, KPI cards come two to a row."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from browser_helpers import shot, wait_script_idle
from engine.i18n import t

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser: Browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP",
                                  is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def drawer_open(page) -> bool:
    box = page.locator("[data-testid=stSidebar]").bounding_box()
    return box is not None and box["x"] + box["width"] > 10


def test_the_drawer_closes_after_picking_a_page(phone, app_url: str):
    phone.goto(app_url)
    expect(phone.get_by_role("heading", name=t("ui.home.title", "ja"))).to_be_visible(
        timeout=60000)
    wait_script_idle(phone)
    phone.locator("[data-testid=stExpandSidebarButton]").click()
    phone.wait_for_timeout(600)
    assert drawer_open(phone)
    phone.get_by_role("link", name=t("ui.nav.data", "ja")).click()
    expect(phone.get_by_role("heading", name=t("ui.data.title", "ja"))).to_be_visible(
        timeout=60000)
    phone.wait_for_timeout(800)
    assert not drawer_open(phone)
    shot(phone, "phone_after_navigation")


def test_number_questions_open_the_numeric_keypad(phone, app_url: str):
    phone.goto(f"{app_url}/diagnosis")
    wait_script_idle(phone)
    field = phone.locator(".st-key-w_q1 input")
    expect(field).to_have_attribute("inputmode", "numeric", timeout=15000)
    phone.locator(".st-key-w_q1 input").fill("12000000")   # still a text field: 万 works too


def test_kpi_cards_come_two_to_a_row(phone, app_url: str):
    phone.goto(app_url)
    wait_script_idle(phone)
    phone.get_by_role("button", name=t("ui.home.sample_button", "ja")).click()
    expect(phone.get_by_role("heading", name=t("ui.result.title", "ja"))).to_be_visible(
        timeout=60000)
    wait_script_idle(phone)
    cards = phone.locator(".st-key-kpi_cards [data-testid=stMetric]")
    expect(cards.first).to_be_visible(timeout=30000)
    assert cards.count() >= 3
    first, second, third = (cards.nth(i).bounding_box() for i in range(3))
    assert abs(first["y"] - second["y"]) < 2 and third["y"] > first["y"] + first["height"] / 2
    assert first["x"] + first["width"] <= second["x"] + 1 and second["x"] + second["width"] <= 391
    shot(phone, "phone_kpi_cards")

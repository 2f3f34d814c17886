"""The live page in a real browser: picking another shop reports nobody moving, one moved cut
point reports exactly its effect on the shop on screen, the presenter view fits a projector,
and a bookmarked /live on a fresh server opens without Streamlit's raw list of page files."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from browser_helpers import shot, wait_script_idle
from engine import samples
from engine.analysis import customers, rfm
from engine.i18n import t
from engine.ingest import ingest

pytestmark = pytest.mark.browser
MOVED = t("analysis.rfm.changed", "ja", n="").split("{")[0][:6]   # 「しきい値の変更で」


def moved_by(shop: str, dimension: str, position: int, value: float) -> int:
    """Customers whose RFM segment changes when one cut point of the shop's own cut points is
    set to `value`, from the file: read, customer table, scores, compared."""
    book = ingest(*samples.generate(shop))
    table = customers.customer_table(book.orders, customers.default_as_of(book.orders),
                                     book.lines)
    defaults = rfm.default_thresholds(table)
    before = rfm.score(table, defaults)["segment"]
    after = rfm.score(table, defaults.with_cut(dimension, position, value))["segment"]
    return int((before != after).sum())


def pick_shop(page: Page, shop: str) -> None:
    page.locator(".st-key-live_shop").click()
    page.get_by_role("option", name=samples.shop_label(shop, "ja")).click()
    name = samples.generate(shop)[1]   # the caption names the file on screen
    expect(page.get_by_text(name)).to_be_visible(timeout=60000)
    wait_script_idle(page)


def slider(page: Page, key: str):
    return page.locator(f".st-key-data_live_rfm_{key} input[type=range]")


def test_switching_shops_then_moving_one_cut_point_reports_its_real_effect(page: Page,
                                                                          app_url: str):
    page.goto(f"{app_url}/live")
    expect(page.get_by_role("heading", name=t("ui.live.title", "ja"))).to_be_visible(
        timeout=60000)
    wait_script_idle(page)
    # move a cut point on the first shop, so that a stale value could follow the switch
    slider(page, "frequency_0").focus()
    page.keyboard.press("ArrowRight")
    wait_script_idle(page)
    expect(page.get_by_text(MOVED)).to_be_visible(timeout=30000)

    pick_shop(page, "food_gift")
    expect(page.get_by_text(MOVED)).to_have_count(0)   # picking a shop moves nobody
    assert slider(page, "frequency_0").get_attribute("aria-valuetext") == \
        t("ui.analysis.times", "ja", n="2")

    slider(page, "recency_days_1").focus()          # R4→R3: 90 → 120 days
    page.keyboard.press("ArrowRight")
    wait_script_idle(page)
    assert slider(page, "recency_days_1").get_attribute("aria-valuetext") == \
        t("ui.live.days", "ja", n="120")
    expected = moved_by("food_gift", "recency_days", 1, 120)
    assert expected > 0
    expect(page.get_by_text(t("analysis.rfm.changed", "ja", n=f"{expected:,}"))).to_be_visible(
        timeout=30000)


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_presenter_view_fits_a_projector(browser: Browser, app_url: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{app_url}/live")
    expect(page.get_by_role("heading", name=t("ui.live.title", "ja"))).to_be_visible(
        timeout=60000)
    wait_script_idle(page)
    page.locator(".st-key-presenter").get_by_text(t("ui.live.presenter", "ja")).click()
    wait_script_idle(page)
    slider(page, "frequency_0").focus()
    page.keyboard.press("ArrowRight")
    wait_script_idle(page)
    page.wait_for_timeout(800)   # charts drawn
    expect(page.locator("[data-testid=stSidebar]")).to_be_hidden()

    charts = page.locator("[data-testid=stVegaLiteChart]")
    expect(charts).to_have_count(2)
    on_screen = [charts.nth(0), charts.nth(1),   # the score chart, the segments before → after
                 *[page.locator(f".st-key-data_live_rfm_{k}") for k in
                   ("recency_days_1", "recency_days_2", "frequency_0", "frequency_1",
                    "frequency_2", "monetary_1")]]
    for element in on_screen:
        box = element.bounding_box()
        assert box is not None and box["y"] >= 0 and box["x"] >= 0
        assert box["y"] + box["height"] <= height and box["x"] + box["width"] <= width, box
    label = page.locator(".st-key-data_live_rfm_frequency_0 [data-testid=stWidgetLabel] p")
    assert label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 20
    value = page.locator(".st-key-data_live_rfm_frequency_0 [data-testid=stSliderThumbValue]")
    assert value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 18
    shot(page, f"live_presenter_{width}x{height}", full_page=False)
    context.close()


def test_a_bookmarked_live_page_on_a_fresh_server_never_shows_the_page_files(
        page: Page, fresh_app_url: str):
    page.goto(f"{fresh_app_url}/live", wait_until="commit")
    heading = page.get_by_role("heading", name=t("ui.live.title", "ja"))
    raw_list = page.get_by_role("link", name="app", exact=True)
    for _ in range(600):  # watch every 100 ms until the page is there
        assert raw_list.count() == 0
        if heading.count():
            break
        page.wait_for_timeout(100)
    wait_script_idle(page)
    assert raw_list.count() == 0
    expect(page.get_by_role("link", name=t("ui.nav.analysis", "ja"))).to_be_visible()
    expect(page.locator("[data-testid=stVegaLiteChart]").first).to_be_visible()

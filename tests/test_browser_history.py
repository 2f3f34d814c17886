"""End to end in Chromium: try the sample shop, save the diagnosis with consent, open it from the
history page and download its HTML report; the live page's presenter view."""
from __future__ import annotations

import html
import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from browser_helpers import shot, wait_idle, wait_script_idle
from engine import samples
from engine.diagnosis import diagnose
from engine.i18n import t
from engine.ingest import ingest

pytestmark = pytest.mark.browser
CLIENT = "<b>山田</b> & 商店"  # markup and an ampersand: must come out escaped in the report


def test_save_with_consent_open_from_history_and_download_the_report(page: Page, app_url: str,
                                                                      tmp_path):
    page.goto(app_url)
    page.get_by_role("button", name=t("ui.home.sample_button", "ja")).click()
    expect(page.get_by_role("heading", name=t("ui.result.title", "ja"))).to_be_visible()
    wait_idle(page)

    # The workbook of the result page, with the dormant customers list the user ticks.
    page.locator(".st-key-report_lists").get_by_text(t("ui.report.lists_dormant", "ja")).click()
    wait_idle(page)
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name=t("report.download_xlsx", "ja")).click()
    assert info.value.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    lists = [s for s in workbook.sheetnames if s.startswith(t("report.sheet.list", "ja"))]
    assert len(lists) == 1 and t("report.sheet.scores", "ja") in workbook.sheetnames

    save = page.get_by_role("button", name=t("history.save", "ja"))
    name_field = page.locator(".st-key-save_client input")
    name_field.fill(CLIENT)
    name_field.press("Tab")
    wait_idle(page)
    expect(save).to_be_disabled()  # no consent, no saving
    page.locator(".st-key-save_consent").get_by_text(t("history.consent", "ja")).click()
    wait_idle(page)
    expect(save).to_be_enabled()
    save.click()
    wait_idle(page)
    expect(page.get_by_text(t("history.saved", "ja", id=1))).to_be_visible()
    shot(page, "result_saved_ja")

    page.get_by_role("link", name=t("ui.history.go_history", "ja")).click()
    expect(page.get_by_role("heading", name=t("history.title", "ja"))).to_be_visible()
    wait_idle(page)
    expect(page.locator("[data-testid=stVegaLiteChart]").first).to_be_visible(timeout=15000)
    shot(page, "history_open_ja")

    with page.expect_download(timeout=30000) as info:
        page.get_by_role("button", name=t("report.download_html", "ja")).click()
    path = tmp_path / "report.html"
    info.value.save_as(path)
    report = path.read_text(encoding="utf-8")
    assert html.escape(CLIENT, quote=False) in report  # &lt;b&gt;山田&lt;/b&gt; &amp; 商店
    assert CLIENT not in report
    shop = samples.SHOPS[0]  # the home page's first sample shop: its answers and orders
    result = diagnose(samples.sample_answers(shop), "ja", data=ingest(*samples.generate(shop)))
    for area in result.areas:  # each area's row: its name, then its score
        score = "–" if area.score is None else f"{area.score}"
        assert f'<td>{html.escape(area.label)}</td><td class="num">{score}</td>' in report


def test_presenter_view_hides_the_sidebar_and_enlarges_type(page: Page, app_url: str):
    page.goto(f"{app_url}/live")
    expect(page.get_by_role("heading", name=t("ui.live.title", "ja"))).to_be_visible(
        timeout=60000)
    wait_script_idle(page)
    expect(page.locator("[data-testid=stSidebar]")).to_be_visible()
    # the type of the page (a cut point's label; the title stays compact to fit 1280×720)
    label = page.locator(".st-key-data_live_rfm_frequency_0 [data-testid=stWidgetLabel] p")
    normal = label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    page.locator(".st-key-presenter").get_by_text(t("ui.live.presenter", "ja")).click()
    expect(page.locator("[data-testid=stSidebar]")).to_be_hidden()
    wait_script_idle(page)
    expect(label).to_have_count(1)
    assert label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") > normal
    expect(page.locator("[data-testid=stVegaLiteChart]").first).to_be_visible(timeout=15000)
    shot(page, "live_presenter_ja")

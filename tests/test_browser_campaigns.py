"""End to end in Chromium (issue 15): on the sample shop's plan, keep a control group for the F2
postcard, download the mailed list, save the campaign; upload a later export in which the mailed
customers ordered more (planted); 施策の効果 shows the measured lift, counted here by hand."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from engine import samples
from engine.i18n import t
from engine.ingest import ingest_files
from engine.roi import select, targets
from engine.shop import ShopAnalysis
from tests.browser_helpers import shot, wait_idle
from tests.campaign_helpers import later_shopify_export, planted_rows

pytestmark = pytest.mark.browser


def test_campaign_with_control_group_measured_on_a_later_export(page: Page, app_url: str,
                                                                tmp_path) -> None:
    page.goto(app_url)
    page.get_by_role("button", name=t("ui.home.sample_button", "ja")).click()
    expect(page.get_by_role("heading", name=t("ui.result.title", "ja"))).to_be_visible(
        timeout=60000)
    page.get_by_role("link", name=t("ui.nav.plan", "ja")).click()
    expect(page.get_by_role("heading", name=t("plan.title", "ja"))).to_be_visible(timeout=60000)
    page.locator(".st-key-cg_on_plan_f2_candidates label").click()
    wait_idle(page)
    shot(page, "campaign_plan")
    thumb = page.locator(".st-key-cg_share_plan_f2_candidates input[type=range]")
    expect(thumb).to_have_count(1, timeout=90000)
    thumb.focus()
    for _ in range(10):                  # 15 % → 25 %: a control group of 30 or more
        thumb.press("ArrowRight")
    expect(page.locator(".st-key-cg_share_plan_f2_candidates")).to_contain_text("25%")
    wait_idle(page)
    download = page.locator(".st-key-cg_dl_plan_f2_candidates button")
    # the new split (25 % of the 149 F2 candidates), not the 15 % one still on screen
    expect(page.get_by_text(re.compile(r"3[78]人を対照群として残します"))).to_be_visible(
        timeout=90000)
    wait_idle(page)
    expect(download).to_be_visible(timeout=60000)
    with page.expect_download(timeout=60000) as info:
        download.click()
    path = tmp_path / "mailed.xlsx"
    info.value.save_as(path)
    mailed = set(pd.read_excel(path).iloc[:, 0].astype(str))
    page.locator(".st-key-cg_client_plan_f2_candidates input").fill("ブラウザ試験店")
    page.locator(".st-key-cg_client_plan_f2_candidates input").press("Enter")
    wait_idle(page)
    page.locator(".st-key-cg_consent_plan_f2_candidates label").click()
    wait_idle(page)
    page.locator(".st-key-cg_save_plan_f2_candidates button").click()
    expect(page.get_by_text("アクセスコード", exact=False).first).to_be_visible(timeout=60000)

    # the owner mails the list; weeks later a newer export, in which the mailed group ordered more
    raw, name = samples.generate("cosmetics")
    analysis = ShopAnalysis(ingest_files([(raw, name)]))
    frame = analysis.for_answers(samples.sample_answers("cosmetics")).plan_frame
    where = next(tg for tg in targets() if tg["id"] == "f2_candidates")["where"]
    members = frame.loc[select(frame, where)].copy()
    assert mailed < set(members.index)                  # the list is part of the target
    members["group"] = ["mailed" if cid in mailed else "control" for cid in members.index]
    rows = planted_rows(members, base=0.1, lift=0.4, seed=7,
                        date=analysis.as_of.normalize())
    later = tmp_path / "later_orders.csv"
    later.write_bytes(later_shopify_export(raw, rows))
    hit = pd.Series([r[0] for r in rows]).map(members["group"]).value_counts()
    size = members["group"].value_counts()
    lift = hit.get("mailed", 0) / size["mailed"] - hit.get("control", 0) / size["control"]

    page.get_by_role("link", name=t("ui.nav.data", "ja")).click()
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(later))
    expect(page.get_by_text(t("ui.data.loaded", "ja", name=later.name))).to_be_visible(
        timeout=60000)
    page.get_by_role("link", name=t("campaign.title", "ja")).click()
    expect(page.get_by_role("heading", name=t("campaign.title", "ja"))).to_be_visible(
        timeout=60000)
    expect(page.get_by_text(f"{lift * 100:+.1f}pt", exact=True).first).to_be_visible(
        timeout=60000)
    expect(page.get_by_text(t("campaign.verdict.worked", "ja")).first).to_be_visible()

"""End to end in Chromium: load a sample shop, see the cluster chart, download a customer list."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from engine import samples
from engine.analysis import lists
from engine.i18n import t
from engine.ingest import ingest

pytestmark = pytest.mark.browser


def test_sample_shop_clusters_and_list_download(page: Page, app_url: str, tmp_path):
    book = ingest(*samples.generate(samples.SHOPS[0]))   # the data page's first sample shop
    page.goto(f"{app_url}/data")
    page.get_by_role("button", name=t("ui.home.sample_button", "ja")).click()
    expect(page.get_by_text(t("ui.data.rows_title", "ja"))).to_be_visible(timeout=60000)

    page.get_by_role("link", name=t("ui.nav.analysis", "ja")).click()
    expect(page.get_by_role("heading", name=t("analysis.title", "ja"))).to_be_visible(timeout=60000)
    page.get_by_role("tab", name=t("ui.analysis.tab_clusters", "ja")).click()
    panel = page.get_by_role("tabpanel", name=t("ui.analysis.tab_clusters", "ja"))
    k_chosen = re.escape(t("analysis.clusters.k_chosen", "ja", k="@")).replace("@", r"\d")
    expect(panel.get_by_text(re.compile(k_chosen))).to_be_visible(timeout=30000)
    expect(panel.locator("[data-testid=stVegaLiteChart]")).to_have_count(1)
    expect(panel.locator("[data-testid=stVegaLiteChart]")).to_be_visible()

    page.get_by_role("tab", name=t("ui.analysis.tab_lists", "ja")).click()
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name=t("ui.analysis.download_csv", "ja")).click()
    path = tmp_path / "list.csv"
    info.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens it in Japanese
    header, *rows = raw.decode("utf-8-sig").splitlines()
    assert header.split(",")[:2] == [lists.id_header(lists.key_kind(book), "ja"),
                                     t("analysis.columns.last_order_id", "ja")]
    assert rows, "the chosen group has customers"
    assert not any(r.startswith(("=", "+", "-", "@")) for r in rows)

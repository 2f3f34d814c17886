"""Deep links: the first request to a fresh server may be /analysis, not the home page."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from engine.i18n import t

pytestmark = pytest.mark.browser


def test_a_deep_link_as_first_request_gets_the_full_app(page: Page, fresh_app_url: str):
    page.goto(f"{fresh_app_url}/data")
    expect(page.get_by_role("heading", name=t("ui.data.title", "ja"))).to_be_visible(
        timeout=60000)
    # The app's own navigation and language switch, not Streamlit's list of files.
    expect(page.get_by_role("link", name=t("ui.nav.analysis", "ja"))).to_be_visible()
    expect(page.get_by_text("English", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="app", exact=True)).to_have_count(0)

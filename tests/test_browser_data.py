"""End to end in Chromium: upload a CP932 export through the real file picker, see the summary."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from engine import samples
from engine.i18n import t
from engine.ingest import ingest

pytestmark = pytest.mark.browser


def test_cp932_upload_shows_format_rows_and_figures(page: Page, app_url: str, tmp_path):
    data, name = samples.generate("food_gift")
    assert data.decode("cp932")  # the EC-CUBE sample is a CP932 file
    path = tmp_path / name
    path.write_bytes(data)
    expected = ingest(data, name).summary()

    page.goto(f"{app_url}/data")
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(path))
    expect(page.get_by_text(t("ui.data.loaded", "ja", name=name))).to_be_visible(timeout=60000)
    expect(page.get_by_text("cp932")).to_be_visible()
    reconciliation = t("ingest.reconciliation", "ja", rows_in=f"{expected['rows_in']:,}",
                       rows_kept=f"{expected['rows_kept']:,}",
                       dropped=f"{sum(expected['rows_dropped'].values()):,}")
    expect(page.get_by_text(reconciliation)).to_be_visible()
    expect(page.get_by_text(f"{expected['orders']:,}件", exact=True)).to_be_visible()
    expect(page.get_by_text(f"¥{expected['revenue']:,.0f}", exact=True)).to_be_visible()

"""End to end in Chromium: a 楽天 owner goes from home to upload to a list she can act on.

The file is a 楽天 RMS export (the real header, CP932) whose buyers are keyed by name + phone.
The downloaded list must carry each buyer's last 注文番号 and date (to find her in RMS) and,
only after the opt-in box is ticked, her name, postcode, address and phone from her latest
order — checked against what was written into the file (tests/list_files.py)."""
from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from list_files import rakuten_orders

from engine.i18n import t

pytestmark = pytest.mark.browser


def _download(page: Page, tmp_path, name: str) -> tuple[str, list[dict]]:
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name=t("ui.analysis.download_csv", "ja")).click()
    path = tmp_path / name
    info.value.save_as(path)
    text = path.read_bytes().decode("utf-8-sig")
    return info.value.suggested_filename, list(csv.DictReader(io.StringIO(text)))


def test_rakuten_list_with_order_numbers_and_opt_in_contacts(page: Page, app_url: str, tmp_path):
    data, expected = rakuten_orders()
    path = tmp_path / "RMS_orders.csv"
    path.write_bytes(data)

    page.goto(app_url)
    page.get_by_role("button", name=t("ui.home.lists_button", "ja")).click()
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name=t("ui.data.to_lists", "ja")).click(timeout=60000)
    panel = page.get_by_role("tabpanel", name=t("ui.analysis.tab_lists", "ja"))
    expect(panel).to_be_visible(timeout=60000)
    count = re.escape(t("ui.analysis.list_count", "ja", n="@")).replace("@", r"[\d,]+")
    expect(panel.get_by_text(re.compile(count))).to_be_visible(timeout=120000)
    page.wait_for_timeout(1000)   # the page's last rerun has settled
    name, rows = _download(page, tmp_path, "plain.csv")
    assert re.fullmatch(r"karte_RFMグループ_.+_\d{8}\.csv", name), name
    key, order_no = t("analysis.columns.customer_id_name_phone", "ja"), t("analysis.columns.last_order_id", "ja")
    assert list(rows[0])[:2] == [key, order_no]
    assert t("analysis.columns.phone", "ja") not in rows[0]        # nothing personal yet
    plain_orders = {r[order_no] for r in rows}
    last_orders = {e["last_order"] for e in expected.values()}
    assert plain_orders and plain_orders <= last_orders

    panel.get_by_text(t("ui.lists.contacts_opt_in", "ja")).click()
    expect(panel.get_by_text(re.compile(re.escape(t("ui.lists.contacts_included", "ja", columns="@"))
                                        .replace("@", ".+")))).to_be_visible(timeout=30000)
    _, rows = _download(page, tmp_path, "contacts.csv")
    phone, name_col = t("analysis.columns.phone", "ja"), t("analysis.columns.name", "ja")
    postcode, address = t("analysis.columns.postcode", "ja"), t("analysis.columns.address", "ja")
    assert {r[order_no] for r in rows} == plain_orders
    for r in rows:
        want = expected[r[phone]]
        assert r[order_no] == want["last_order"]
        assert (r[name_col], r[postcode], r[address]) == (want["name"], want["postcode"], want["address"])
    assert "沖縄県" not in "".join(r[address] for r in rows)   # the gift recipient's address
    print(f"list rows: {len(rows)}, columns: {list(rows[0])}")

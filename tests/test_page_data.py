"""The data page through AppTest: a sample shop, and the mapping step for an unknown layout.

AppTest cannot drive a file picker, so an upload is simulated by putting the file's bytes where
the picker puts them (ui.data.use_upload does nothing else); the browser test uses the real picker.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from engine.i18n import t
from ui.data import Source

APP = str(Path(__file__).resolve().parent.parent / "app.py")

ODD_LAYOUT = ("いつ,だれ,いくら,なに\n"
              "2024/01/05,A1,1000,せっけん\n"
              "2024/02/05,A1,2000,せっけん\n"
              "2024/03/01,B2,1500,タオル\n").encode("cp932")


def _data_page(file: bytes | None = None, name: str = "odd.csv") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if file is not None:
        at.session_state["source_bytes"] = file
        at.session_state["source"] = Source("upload", name,
                                            hashlib.blake2b(file, digest_size=16).hexdigest())
    at.run()
    return at.switch_page("pages/data.py").run()


def _metric(at: AppTest, key: str) -> str:
    label = t(key, "ja")
    return next(m.value for m in at.metric if m.label == label)


def test_sample_button_loads_a_shop_and_reconciles_rows():
    at = _data_page()
    assert not at.exception
    next(b for b in at.button if b.label == t("ui.home.sample_button", "ja")).click().run()
    assert not at.exception
    assert int(_metric(at, "ui.data.orders").replace(",", "").rstrip("件")) > 1000
    assert any(m.value.startswith(":material/check_circle:") for m in at.markdown)


def test_unknown_layout_opens_mapping_and_result_updates_when_columns_are_chosen():
    at = _data_page(ODD_LAYOUT)
    assert not at.exception
    assert at.error, "an unknown layout is explained"
    assert at.selectbox(key="map_order_date") is not None
    at.selectbox(key="map_order_date").set_value("いつ").run()
    at.selectbox(key="map_amount").set_value("いくら").run()
    at.selectbox(key="map_member_id").set_value("だれ").run()
    assert not at.exception
    assert _metric(at, "ui.data.orders") == "3件"
    assert _metric(at, "ui.data.customers") == "2人"
    assert _metric(at, "ui.data.revenue") == "¥4,500"


def test_a_file_that_cannot_be_read_gets_a_message_not_a_traceback():
    at = _data_page(b"<html><body>login</body></html>", "orders.csv")
    assert not at.exception
    assert at.error[0].value == t("ingest.error.html", "ja")


def test_a_saved_mapping_is_reused_for_the_next_file_with_the_same_columns(tmp_path, monkeypatch):
    monkeypatch.setenv("KARTE_DATA_DIR", str(tmp_path))
    at = _data_page(ODD_LAYOUT)
    at.selectbox(key="map_order_date").set_value("いつ").run()
    at.selectbox(key="map_amount").set_value("いくら").run()
    at.selectbox(key="map_member_id").set_value("だれ").run()
    next(b for b in at.button if b.label == t("ui.data.mapping_save", "ja")).click().run()
    assert not at.exception
    assert list((tmp_path / "mappings").glob("*.toml")), "the mapping is saved as a TOML file"

    next_month = ODD_LAYOUT + "2024/04/02,C3,800,せっけん\n".encode("cp932")
    again = _data_page(next_month, "odd_april.csv")
    assert not again.exception
    assert _metric(again, "ui.data.orders") == "4件"
    assert _metric(again, "ui.data.customers") == "3人"

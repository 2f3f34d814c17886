"""The data page with several files at once (AppTest): figures combined, overlap reconciled.

The uploads are put where ui.data.use_uploads puts them (AppTest cannot drive a file picker).
"""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from engine.i18n import t
from ui.data import Source

APP = str(Path(__file__).resolve().parent.parent / "app.py")
JAN = "注文番号,会員ID,受注日,金額\n1,A,2024/1/5,1000\n2,B,2024/1/20,700\n".encode("cp932")
FEB = "注文番号,会員ID,受注日,金額\n2,B,2024/1/20,700\n3,A,2024/2/3,300\n".encode("cp932")


def test_two_overlapping_files_are_read_as_one_shop():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at = at.switch_page("pages/data.py")
    # the state ui.data.use_uploads leaves behind
    at.session_state["source_bytes"] = JAN
    at.session_state["source_extra"] = [(FEB, "feb.csv")]
    at.session_state["source"] = Source("upload", "jan.csv + feb.csv", "jan+feb", files=("jan.csv", "feb.csv"))
    at.run()
    assert not at.exception
    orders = next(m.value for m in at.metric if m.label == t("ui.data.orders", "ja"))
    revenue = next(m.value for m in at.metric if m.label == t("ui.data.revenue", "ja"))
    assert orders == "3件" and revenue == "¥2,000"     # order 2 counted once: 1000 + 700 + 300
    notice = t("ingest.notice.files_combined", "ja", files="2", orders="1")
    assert any(w.value == notice for w in at.warning)
    assert any(t("ingest.reason.in_other_file", "ja") in str(df.value.to_dict()) for df in at.dataframe)

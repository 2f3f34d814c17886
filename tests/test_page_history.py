"""Saving a diagnosis with consent, the history page (open, compare, delete), the report
downloads and the live page, driven through Streamlit's AppTest (no browser).

Every test points KARTE_DATA_DIR at its own temporary folder, so the project's data/ folder is
never touched; `ui.store` keeps one Store per database URL.
"""
from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.errors import AppTestError

from engine import samples
from engine.analysis import customers, rfm
from engine.diagnosis import diagnose
from engine.report.builder import report_input, save_record
from engine.shop import ShopAnalysis
from engine.i18n import t
from engine.ingest import ingest
from engine.store import Store, resolve_url, scrub
from ui import saving
from ui.text import md

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CLIENT = "山田商店"
# Two visits of one client: the second with a better repeat rate and LTV.
BEFORE = {"q1": 12_000_000, "q2": 60, "q6": 12_000, "q7": 3_000, "q8": 15, "q9": 9_000,
          "gross_margin": 50}
AFTER = {**BEFORE, "q8": 30, "q9": 18_000}


@pytest.fixture(autouse=True)
def single_user(monkeypatch):
    """These tests are the single user of a local app (no passphrase, bound to 127.0.0.1):
    everything open, as `make run` starts it. The gates are in tests/test_page_access.py."""
    from streamlit import config

    monkeypatch.delenv("KARTE_CONSULTANT_PASSPHRASE", raising=False)
    monkeypatch.delenv("KARTE_CONSULTANT_PASSPHRASE_HASH", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)


@pytest.fixture
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("KARTE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KARTE_DATABASE_URL", raising=False)
    db = Store(resolve_url())
    yield db
    db.close()


def _seed(db: Store, client: str, answers: dict, when: str) -> int:
    return db.save({"client": client, "created_at": when, "lang": "ja", "answers": answers,
                    "diagnosis": diagnose(answers, "ja").to_json()})


def _history(lang: str = "ja") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    at.switch_page("pages/history.py").run()
    assert not at.exception
    return at


def _result_with_sample(shop: str = "cosmetics") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/live.py").run()  # the first sample shop's answers and orders
    if shop != at.selectbox(key="live_shop").value:
        at.selectbox(key="live_shop").set_value(shop).run()  # picking a shop loads it
    at.switch_page("pages/result.py").run()
    assert not at.exception
    return at


# ---- history: compare -------------------------------------------------------------------------

def test_comparing_two_diagnoses_shows_the_engines_score_and_kpi_deltas(store):
    first = _seed(store, CLIENT, BEFORE, "2026-08-01T10:00")
    second = _seed(store, CLIENT, AFTER, "2026-11-20T10:00")
    _seed(store, "別の店", BEFORE, "2026-09-01T10:00")
    expected = store.compare(first, second)

    at = _history()
    at.selectbox(key="hist_client").set_value(CLIENT).run()
    at.selectbox(key="hist_a").set_value(first).run()
    at.selectbox(key="hist_b").set_value(second).run()
    assert not at.exception

    compare_tab = at.tabs[1]
    shown = {m.label: m for m in compare_tab.metric}
    assert len(shown) == len(expected["scores"]) == 6
    changed = 0
    for row in expected["scores"]:
        metric = shown[md(row["label"])]  # shown as text: Markdown characters escaped
        assert metric.value == (f"{row['b']:g}" if row["b"] is not None else "—")
        if row["delta"] is None:
            assert not metric.delta
        else:
            assert float(metric.delta.replace("±", "")) == pytest.approx(row["delta"])
            changed += row["delta"] != 0
    assert changed >= 1  # a better repeat rate and LTV move at least one area

    kpi_table = compare_tab.dataframe[0].value
    assert len(kpi_table) == len(expected["kpis"])
    ltv = next(r for r in expected["kpis"] if r["kpi"] == "gross_profit_ltv")
    # 9,000 → 18,000 yen of sales LTV at 50 % margin: gross-profit LTV 4,500 → 9,000.
    assert (ltv["a"], ltv["b"], ltv["delta"]) == (4500, 9000, 4500)
    row = kpi_table[kpi_table[t("history.kpi", "ja")] == t("diagnosis.kpi.gross_profit_ltv.label",
                                                          "ja")]
    assert row[t("history.delta", "ja")].tolist() == ["+¥4,500"]


def test_figures_of_the_order_data_are_compared_with_their_own_labels(store):
    visits = (("2026-08-01", 1_000_000, 400), ("2026-11-01", 1_200_000, 490))
    ids = [store.save({"client": CLIENT, "created_at": when,
                       "diagnosis": diagnose(BEFORE).to_json(),
                       "data_kpis": {"revenue_12m": {"value": revenue}, "history_days": days}})
           for when, revenue, days in visits]
    at = _history()
    at.selectbox(key="hist_client").set_value(CLIENT).run()
    at.selectbox(key="hist_a").set_value(ids[0]).run()
    at.selectbox(key="hist_b").set_value(ids[1]).run()
    table = at.tabs[1].dataframe[0].value
    row = table[table[t("history.kpi", "ja")].str.startswith(
        t("plan.data_kpi.revenue_12m.label", "ja"))]
    assert row[t("history.delta", "ja")].tolist() == ["+¥200,000"]
    assert not table[t("history.kpi", "ja")].str.contains("history_days").any()  # not a KPI


def test_compare_needs_one_client_with_two_diagnoses(store):
    _seed(store, CLIENT, BEFORE, "2026-08-01T10:00")
    at = _history()
    assert at.tabs[1].info[0].value == t("ui.history.pick_client", "ja")
    at.selectbox(key="hist_client").set_value(CLIENT).run()
    assert at.tabs[1].info[0].value == t("ui.history.need_two", "ja", n=1)
    charts = at.tabs[2].get("arrow_vega_lite_chart") + at.tabs[2].get("vega_lite_chart")
    assert len(charts) == 1  # the scores over time, one point per area


def test_picking_the_same_diagnosis_twice_asks_for_two(store):
    first = _seed(store, CLIENT, BEFORE, "2026-08-01T10:00")
    _seed(store, CLIENT, AFTER, "2026-11-20T10:00")
    at = _history()
    at.selectbox(key="hist_client").set_value(CLIENT).run()
    at.selectbox(key="hist_a").set_value(first).run()
    at.selectbox(key="hist_b").set_value(first).run()
    assert at.tabs[1].warning[0].value == t("ui.history.same_pick", "ja")
    assert len(at.tabs[1].metric) == 0


# ---- history: open and delete -----------------------------------------------------------------

def test_an_opened_diagnosis_shows_its_saved_scores_and_report_buttons(store):
    first = _seed(store, CLIENT, BEFORE, "2026-08-01T10:00")
    at = _history("en")
    at.selectbox(key="hist_open").set_value(first).run()
    assert not at.exception
    assert at.title[0].value == t("history.title", "en")
    labels = [b.label for b in at.get("download_button")]
    assert t("report.download_html", "ja") in labels  # the report keeps its saved language


def test_delete_asks_first_and_then_removes_the_diagnosis(store):
    first = _seed(store, CLIENT, BEFORE, "2026-08-01T10:00")
    second = _seed(store, CLIENT, AFTER, "2026-11-20T10:00")
    at = _history()
    at.selectbox(key="hist_open").set_value(first).run()
    at.button(key="hist_delete_ask").click().run()
    assert [s.id for s in store.list()] == [second, first]  # nothing deleted yet
    assert str(first) in at.warning[0].value
    at.button(key="hist_delete_no").click().run()
    assert len(store.list()) == 2
    at.button(key="hist_delete_ask").click().run()
    at.button(key="hist_delete_yes").click().run()
    assert not at.exception
    assert [s.id for s in store.list()] == [second]


# ---- saving needs consent ---------------------------------------------------------------------

def test_save_is_impossible_without_consent_and_saves_one_row_with_it(store):
    at = _result_with_sample()
    at.text_input(key="save_client").input(CLIENT).run()
    button = at.button(key="save_button")
    assert button.disabled
    with pytest.raises(AppTestError):  # a browser user cannot click it either
        button.click()
    at.run()
    assert store.list() == []

    at.checkbox(key="save_consent").check().run()
    assert not at.button(key="save_button").disabled
    at.button(key="save_button").click().run()
    assert not at.exception
    saved = store.list()
    assert len(saved) == 1 and saved[0].client == CLIENT
    assert at.success[0].value == t("history.saved", "ja", id=saved[0].id)
    record = store.get(saved[0].id)
    assert record["answers"] == samples.sample_answers("cosmetics")
    assert len(record["areas"]) == 6
    assert {"rfm", "cpm", "ranks", "dormant"} <= set(record["segments"])
    # Counts and revenue per segment only: no customer keys anywhere in the saved row.
    rfm_rows = record["segments"]["rfm"]
    assert set(rfm_rows[0]) <= {"segment", "customers", "revenue", "revenue_share"}
    assert "customer_id" not in str(record)
    assert record["plan"] and record["assumptions"]
    assert record["data_kpis"]["customers"] > 0  # a count of the data, kept as a number


def test_saving_without_a_client_name_says_what_is_missing(store):
    at = _result_with_sample()
    at.checkbox(key="save_consent").check().run()
    at.button(key="save_button").click().run()
    assert at.error[-1].value == t("history.error.no_client", "ja")
    assert store.list() == []


# ---- report content (the functions behind the download buttons) -----------------------------

@pytest.fixture(scope="module")
def sample_book():
    data, name = samples.generate("food_gift")
    return ingest(data, name)


def test_the_report_carries_the_escaped_client_the_scores_and_the_chosen_lists(sample_book):
    answers = samples.sample_answers("food_gift")
    analysis = ShopAnalysis(sample_book)
    diagnosis = analysis.diagnose(answers, "ja").to_json()
    hostile = "=cmd|' /C calc'!A0<script>alert(1)</script>"
    report = report_input(analysis, answers, "ja", lists="dormant", client=hostile,
                          cta={"text": "相談する", "url": "https://example.jp/a"})
    html = saving.html_bytes(lambda: report, "ja").decode("utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for area in diagnosis["areas"]:
        assert area["label"] in html
    assert "https://example.jp/a" in html
    revenue = diagnosis["data_kpis"]["revenue_12m"]  # the figure the scoring used, labelled
    assert f"¥{revenue:,}" in html and t("plan.data_kpi.revenue_12m.label", "ja") in html
    book = openpyxl.load_workbook(io.BytesIO(saving.xlsx_file(lambda: report, "ja")))
    list_sheets = [s for s in book.sheetnames if s.startswith(t("report.sheet.list", "ja"))]
    assert len(list_sheets) == 1  # "dormant": the dormant list only, not every segment
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row
             if isinstance(c, str)]
    assert any("alert(1)" in c for c in cells)
    assert not any(c.startswith("=") for c in cells)  # the client name is not a formula


def test_the_saved_record_keeps_aggregates_and_never_the_lists(sample_book):
    answers = samples.sample_answers("food_gift")
    analysis = ShopAnalysis(sample_book)
    report = report_input(analysis, answers, "ja", lists="all", client=" 山田商店 ")
    assert report["lists"]  # the report may carry customer lists ...
    record = save_record(report, answers)
    assert "lists" not in record  # ... the saved record never does
    assert record["client"] == "山田商店"
    cpm = record["segments"]["cpm"]
    assert list(cpm.columns) == ["segment", "customers", "revenue", "revenue_share"]
    assert int(cpm["customers"].sum()) == record["data_kpis"]["customers"]
    # one name, one figure: the diagnosis's repeat rate and the analysis's stay apart
    diagnosis = analysis.diagnose(answers, "ja").to_json()
    assert record["data_kpis"]["repeat_rate"] == diagnosis["data_kpis"]["repeat_rate"]
    assert record["data_kpis"]["orders"] == sample_book.n_orders
    assert scrub(record).removed == []  # nothing in it looks like personal data to the store


def test_the_call_to_action_is_empty_by_default():
    assert saving.cta("ja") == {} and saving.cta("en") == {}


def test_a_configured_call_to_action_keeps_only_safe_links(monkeypatch):
    config = {"text_ja": "無料相談のご予約", "text_en": "", "url": "javascript:alert(1)"}
    monkeypatch.setattr(saving, "load", lambda name: config)
    assert saving.cta("en") == {"text": "無料相談のご予約", "url": ""}  # falls back to ja
    config["url"] = "https://example.jp/booking"
    assert saving.cta("ja")["url"] == "https://example.jp/booking"


# ---- live page --------------------------------------------------------------------------------

def test_live_page_counts_the_customers_a_cut_point_moves():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/live.py").run()  # the first sample shop, loaded at once
    assert not at.exception
    assert at.selectbox(key="live_shop").value == "cosmetics"
    assert at.info == [] or all("人" not in i.value for i in at.info)
    at.select_slider(key="data_live_rfm_frequency_0").set_value(3.0).run()
    assert not at.exception

    data, name = samples.generate("cosmetics")
    book = ingest(data, name)
    table = customers.customer_table(book.orders, customers.default_as_of(book.orders),
                                      book.lines)
    defaults = rfm.default_thresholds(table)
    moved = rfm.segment_changes(rfm.score(table, defaults),
                                rfm.score(table, defaults.with_cut("frequency", 0, 3)))
    assert at.info[0].value == t("analysis.rfm.changed", "ja", n=f"{len(moved):,}")
    at.button(key="live_reset").click().run()
    assert at.select_slider(key="data_live_rfm_frequency_0").value == defaults.frequency[0]


def test_presenter_view_injects_local_css_only():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/live.py").run()
    at.toggle(key="presenter").set_value(True).run()
    assert not at.exception
    css = " ".join(h.proto.body for h in at.get("html"))
    assert "stSidebar" in css and "display: none" in css
    assert "http" not in css and "@import" not in css


def test_the_english_compare_names_areas_in_english_though_saved_in_japanese(store):
    import re

    from engine.scoring import area_label

    first = _seed(store, CLIENT, BEFORE, "2026-08-01T10:00")
    second = _seed(store, CLIENT, AFTER, "2026-11-20T10:00")
    at = _history("en")
    at.selectbox(key="hist_client").set_value(CLIENT).run()
    at.selectbox(key="hist_a").set_value(first).run()
    at.selectbox(key="hist_b").set_value(second).run()
    assert not at.exception
    labels = [m.label for m in at.tabs[1].metric]
    expected = [md(area_label(row["area"], "en")) for row in store.compare(first, second)["scores"]]
    assert sorted(labels) == sorted(expected)   # (drawn in three columns)
    assert not [l for l in labels if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", l)]

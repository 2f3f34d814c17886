"""Contracts: one shop, one set of figures, on every screen, in every report and command.

Each test puts two places that show the same figure side by side (a page and the command line,
the UI report and the CLI report, the plan and the ranks tab) and says they agree. The expected
values are never computed here: the two places are each other's check, and the figures
themselves are pinned by hand-computed cases in the engine tests.
"""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from engine import samples
from engine.cli import main as cli_main
from engine.figures import FIGURES, display
from engine.i18n import t
from engine.ingest import ingest
from engine.report.builder import report_input
from engine.report.xlsx import render as render_xlsx
from engine.settings import Settings
from engine.shop import ShopAnalysis
from ingest_files import AMAZON_HEADER, table

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SHOPS = samples.SHOPS  # cosmetics (Shopify), food_gift (EC-CUBE, CP932), apparel (楽天 RMS)
INTERNAL_IDS = {"gap_kind", "threshold", "flag", "question", "answer_text", "data_text", "note",
                "gap_text", "active_last_year", "id", "name_id", "kpi", "display"} | {
                    f"q{n}" for n in range(1, 11)}


def _files(tmp_path: Path, shop: str) -> tuple[str, str]:
    data, name = samples.generate(shop)
    orders = tmp_path / name
    orders.write_bytes(data)
    answers = tmp_path / f"{shop}_answers.json"
    answers.write_text(json.dumps({"answers": samples.sample_answers(shop)}), encoding="utf-8")
    return str(answers), str(orders)


def _ui_session(shop: str, lang: str = "ja") -> AppTest:
    """The app's own session code (ui.data, ui.analysis, ui.saving) on a sample shop: the
    report callable the download buttons use, run as the buttons run it."""
    def script() -> None:
        import streamlit as st

        from ui import data, saving

        data.use_sample_shop(st.session_state["shop"])
        build = saving.session_report(st.session_state["lang"], "none", "", saving.cta("ja"))
        st.session_state["html"] = saving.html_bytes(build, st.session_state["lang"])
        st.session_state["xlsx"] = saving.xlsx_file(build, st.session_state["lang"])

    at = AppTest.from_function(script, default_timeout=180)
    at.session_state["shop"] = shop
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    return at


def _sheets(xlsx: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book}


@pytest.mark.slow
@pytest.mark.parametrize("shop", SHOPS)
def test_the_ui_report_and_the_cli_report_are_the_same_report(shop, tmp_path):
    ui = _ui_session(shop)
    answers, orders = _files(tmp_path, shop)
    for ext in ("html", "xlsx"):
        out = tmp_path / f"cli.{ext}"
        assert cli_main(["--lang", "ja", "report", answers, "--orders", orders,
                         "--out", str(out)]) == 0
        if ext == "html":
            assert out.read_text(encoding="utf-8") == ui.session_state["html"].decode("utf-8")
        else:
            assert _sheets(out.read_bytes()) == _sheets(ui.session_state["xlsx"])


@pytest.fixture(scope="module")
def apparel_pages() -> AppTest:
    """The app on the 楽天-layout sample shop: home → sample → result, then the analysis page."""
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.selectbox(key="home_shop_ja").set_value("apparel").run()
    next(b for b in at.button if b.label == t("ui.home.sample_button", "ja")).click().run()
    assert not at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_pages_segment_and_diagnose_agree_on_every_figure_that_shares_a_label(apparel_pages,
                                                                              tmp_path, capsys):
    answers, orders = _files(tmp_path, "apparel")
    assert cli_main(["--lang", "ja", "segment", orders, "--json"]) == 0
    segment = json.loads(capsys.readouterr().out)
    assert cli_main(["--lang", "ja", "diagnose", answers, "--orders", orders, "--json"]) == 0
    diagnosed = json.loads(capsys.readouterr().out)
    # segment has no answers: its dormant layers are valued at plan.toml's default margin,
    # diagnose's at the owner's answered margin, as the pages value them (checked below)
    same = [k for k in FIGURES if k != "dormant_high_value"]
    assert {k: segment["figures"][k] for k in same} == {k: diagnosed["figures"][k] for k in same}
    assert {k: diagnosed["data_kpis"][k] for k in diagnosed["data_kpis"] if k in FIGURES} == {
        k: segment["figures"][k] for k in diagnosed["data_kpis"] if k in FIGURES}
    assert segment["repeat_rate"] == diagnosed["data_kpis"]["repeat_rate"]

    # the result page: the answers compared with the same data figures
    rows = {r["id"]: r for r in diagnosed["comparison"]}
    shown = apparel_pages.dataframe[0].value
    data_col = t("plan.compare.data", "ja")
    assert sorted(shown[data_col]) == sorted(r["data_text"] for r in rows.values())
    # the analysis page: its headline figures are segment's, in the same units and labels
    apparel_pages.switch_page("pages/analysis.py").run()
    assert not apparel_pages.exception
    metrics = _metrics(apparel_pages)
    for key in ("customers", "repeat_rate_all", "f2_rate_90", "active_customers"):
        label = t(FIGURES[key].label, "ja")
        assert metrics[label] == display(key, segment["figures"][key], "ja"), key
    # the dormant tab's layers (all but 見送り) are diagnose's dormant_high_value
    layer_col, count_col = t("clv.dormant.columns.layer", "ja"), t("ui.analysis.customers", "ja")
    layers = next(d.value for d in apparel_pages.dataframe if layer_col in d.value.columns)
    let_go = Settings.default().clv["dormant"]["layers"][-1]["label_ja"]
    acting = layers.loc[layers[layer_col] != let_go, count_col].sum()
    assert acting == diagnosed["figures"]["dormant_high_value"] > 0
    # the plan's ★ are the result page's ★
    plan_page_stars = None
    apparel_pages.switch_page("pages/plan.py").run()
    plan_page_stars = [m.value for m in apparel_pages.markdown if m.value.startswith("**★")]
    apparel_pages.switch_page("pages/result.py").run()
    result_stars = [m.value for m in apparel_pages.markdown if m.value.startswith("**★")]
    star_titles = [row["title"] for row in diagnosed["plan"] if row["top"]]
    assert len(star_titles) == 3
    for title in star_titles:
        assert any(title in m for m in plan_page_stars)
        assert any(title in m for m in result_stars)
    assert len(plan_page_stars) == len(result_stars) == 3


def _amazon_all_orders() -> bytes:
    rows = []
    for i in range(30):
        rows.append({"amazon-order-id": f"250-{i:07d}-0000001",
                     "purchase-date": f"2025-{1 + i % 12:02d}-{1 + i % 27:02d}T10:00:00+09:00",
                     "order-status": "Shipped", "sku": f"SKU{i % 3}", "quantity": "1",
                     "item-price": str(2000 + 100 * (i % 5)), "currency": "JPY",
                     "product-name": "テスト商品"})
    return table(AMAZON_HEADER, rows, delimiter="\t")


def test_a_file_without_buyers_gives_the_same_diagnosis_on_the_page_and_the_cli(tmp_path, capsys):
    raw = _amazon_all_orders()
    path = tmp_path / "all_orders.txt"
    path.write_bytes(raw)
    answers = samples.sample_answers("cosmetics")
    answers_path = tmp_path / "answers.json"
    answers_path.write_text(json.dumps({"answers": answers}), encoding="utf-8")
    assert cli_main(["--lang", "ja", "diagnose", str(answers_path), "--orders", str(path),
                     "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)

    import hashlib

    from ui.data import Source

    at = AppTest.from_file(APP, default_timeout=120)
    # the session after an upload of the file (ui.data.use_upload) and the ten answers
    at.session_state["source"] = Source("upload", path.name,
                                        hashlib.blake2b(raw, digest_size=16).hexdigest())
    at.session_state["source_bytes"] = raw
    at.session_state["answers"] = dict(answers)
    at.run()
    at.switch_page("pages/result.py").run()
    assert not at.exception
    page_text = "\n".join(m.value for m in at.markdown)
    areas = {a["id"]: a for a in cli["areas"]}
    assert areas, "the diagnosis has areas"
    for area in areas.values():
        score = t("ui.result.unknown_score", "ja") if area["score"] is None else str(area["score"])
        assert f"**{area['label']}** — {score} ·" in page_text
    assert all(a.get("source", "answer") == "answer" for a in cli["areas"])  # nothing replaced


def test_edited_plan_assumptions_reach_the_saved_diagnosis_and_the_report(tmp_path,
                                                                          monkeypatch):
    monkeypatch.setenv("KARTE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KARTE_DATABASE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    next(b for b in at.button if b.label == t("ui.home.sample_button", "ja")).click().run()
    at.switch_page("pages/plan.py").run()
    at.number_input(key="plan_dm_cost").set_value(333.0).run()
    assert not at.exception
    assert at.session_state["analysis_inputs"]["plan"]["dm_cost"] == 333.0
    at.switch_page("pages/result.py").run()
    at.text_input(key="save_client").input("契約テスト商店").run()
    at.checkbox(key="save_consent").check().run()
    at.button(key="save_button").click().run()
    assert not at.exception
    from ui.store import store  # the app's own store (KARTE_DATA_DIR of the tests)

    record = store().get(at.session_state["saved"]["id"])
    assert record["assumptions"][t("plan.assumption.dm_cost", "ja")] == 333.0
    # the report is built by the same callable as the save (ui.saving.session_report)
    def script() -> None:
        import streamlit as st

        from ui import saving

        st.session_state["report"] = saving.session_report("ja")()

    again = AppTest.from_function(script, default_timeout=180)
    for key in ("source", "source_bytes", "answers", "analysis_inputs"):   # keys: the installation's secret
        again.session_state[key] = at.session_state[key]
    again.run()
    assert not again.exception
    report = again.session_state["report"]
    assert report["assumptions"][t("plan.assumption.dm_cost", "ja")] == 333.0
    assert report["plan"] == record["plan"]


def test_with_a_customer_file_the_plan_ranks_are_the_ranks_tab():
    data, name = samples.generate("cosmetics")
    book = ingest(data, name)
    raw, file_name = samples.customer_file("cosmetics")
    from engine.shop import open_shop

    analysis = open_shop(book, customer_file=(raw, file_name))
    counts = analysis.ranks.counts()
    assert counts["ambassador"], "the customer file names ambassadors"
    plan_ranks = analysis.plan_frame["rank"].value_counts().to_dict()
    assert {r: n for r, n in counts.items() if n} == plan_ranks
    from engine.roi import select, targets

    target = next(tg for tg in targets() if tg["id"] == "ambassador_candidates")
    frame = analysis.plan_frame
    chosen = frame.loc[select(frame, target["where"])]
    assert (chosen["rank"] == "ambassador").any(), "the ambassador target finds ambassadors"
    plan = analysis.plan(samples.sample_answers("cosmetics"))
    row = next(row for row in plan if row.id == "ambassador_candidates")
    assert row.customers == len(chosen)


def test_each_model_is_fitted_once_per_file_and_parameters():
    book = ingest(*samples.generate("food_gift"))
    analysis = ShopAnalysis(book)
    answers = samples.sample_answers("food_gift")
    cuts = analysis.rfm_defaults.monetary
    moved = analysis.with_params(rfm=analysis.rfm_defaults.with_cut(
        "monetary", 1, (cuts[0] + cuts[1]) / 2))
    for shop in (analysis, moved, analysis):
        shop.figures()
        shop.plan(answers)
        report_input(shop, answers, "ja", lists="all")
        shop.diagnose(answers)
    assert dict(analysis.fits) == {"dormant": 1, "clusters": 1}


def test_models_refused_by_the_guard_rails_are_not_fitted_again_for_the_dormant_list(monkeypatch):
    from engine import dormant
    from engine.clv import predict

    calls = []

    def refuse(summary, **kwargs):
        calls.append(len(summary.table))
        raise predict.PredictionUnavailable("clv.unavailable.not_converged", model="BG/NBD")

    monkeypatch.setattr(predict, "fit_models", refuse)
    monkeypatch.setattr(dormant, "fit_models", refuse)
    analysis = ShopAnalysis(ingest(*samples.generate("food_gift")))
    result = analysis.dormant
    assert analysis.clv_fit is None and len(calls) == 1
    assert result.to_dict()["reason"] == "clv.unavailable.not_converged"
    analysis.figures()
    report_input(analysis, samples.sample_answers("food_gift"), "ja", lists="all")
    assert len(calls) == 1


def test_a_session_fits_each_model_once_across_every_page_and_the_report():
    at = AppTest.from_file(APP, default_timeout=180).run()
    next(b for b in at.button if b.label == t("ui.home.sample_button", "ja")).click().run()
    for page in ("pages/analysis.py", "pages/plan.py", "pages/result.py", "pages/live.py",
                 "pages/analysis.py"):
        at.switch_page(page).run()
        assert not at.exception, page
    from ui import analysis as cached

    from ui.data import _salt

    key = (at.session_state["source"], _salt(at.session_state["source"]))  # ui.data.book_key()
    base = cached._base(key, cached.settings().digest, None, None)
    assert dict(base.fits) == {"dormant": 1, "clusters": 1}


def test_no_report_cell_or_header_is_an_internal_id_and_orders_are_never_people():
    book = ingest(*samples.generate("apparel"))
    answers = samples.sample_answers("apparel")
    report = report_input(ShopAnalysis(book), answers, "ja", lists="none")
    for sheet, rows in _sheets(render_xlsx(report, "ja")).items():
        header = rows[0]
        assert not INTERNAL_IDS & {str(c) for c in header if c is not None}, (sheet, header)
        for row in rows:
            assert not INTERNAL_IDS & {str(c) for c in row if isinstance(c, str)}, (sheet, row)
    from engine.report.html import render

    html = render(report, "ja")
    for key, spec in FIGURES.items():
        if spec.format == "order_count":
            label = re.escape(t(spec.label, "ja"))
            found = re.search(label + r"</td><td[^>]*>([^<]*)<", html)
            assert found and found.group(1).endswith("件"), key
    assert not re.search(r"注文[^<]{0,12}</td><td[^>]*>[\d,]+人", html)

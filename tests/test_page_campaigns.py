"""施策の効果 through AppTest: a campaign made on the plan page of the sample shop (control group
held back, mailed list offered, saved with consent), then measured on a later export with a
planted effect: the page shows the engine's figures; the measured response reaches the plan."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from engine import samples
from engine.campaigns import measure
from engine.i18n import t
from engine.ingest import ingest_files
from engine.store import Store
from tests.campaign_helpers import later_shopify_export, planted_rows

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("KARTE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KARTE_DATABASE_URL", raising=False)
    return tmp_path


def test_create_save_and_measure_a_campaign(data_dir: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=180).run()
    next(b for b in at.button if b.label == t("ui.home.sample_button", "ja")).click().run()
    at.switch_page("pages/plan.py").run()
    assert not at.exception
    at.checkbox(key="cg_on_plan_f2_candidates").check().run()
    assert not at.exception
    assert any("f2_candidates-" in c.value for c in at.caption)
    # 25 %: the sample's F2 target (about 150) then keeps a control group of 30 or more
    at.slider(key="cg_share_plan_f2_candidates").set_value(25).run()
    at.text_input(key="cg_client_plan_f2_candidates").set_value("サンプル化粧品").run()
    at.checkbox(key="cg_consent_plan_f2_candidates").check().run()
    at.button(key="cg_save_plan_f2_candidates").click().run()
    assert not at.exception
    assert at.success and "アクセスコード" in at.success[0].value

    store = Store(f"sqlite:///{data_dir / 'karte.sqlite'}")
    (saved,) = store.list_campaigns()
    campaign = store.get_campaign(saved["row_id"])
    store.close()
    assert saved["client"] == "サンプル化粧品" and "@" not in str(campaign)

    # weeks later: a newer export in which the mailed group ordered more (planted)
    raw, name = samples.generate("cosmetics")
    book = ingest_files([(raw, name)])
    from engine.campaigns import create_campaign
    from engine.shop import ShopAnalysis
    split = create_campaign(ShopAnalysis(book), samples.sample_answers("cosmetics"),
                            target="f2_candidates", control_share=0.25)
    assert split.campaign.id == campaign["id"]   # the same file and choice: the same split
    rows = planted_rows(split.customers, base=0.1, lift=0.4, seed=5,
                        date=pd.Timestamp(campaign["date"]))
    later = later_shopify_export(raw, rows)
    from ui.data import Source
    at.session_state["source_bytes"] = later
    at.session_state["source_extra"] = []
    at.session_state["source"] = Source("upload", "later.csv",
                                        hashlib.blake2b(later, digest_size=16).hexdigest())
    at.switch_page("pages/campaigns.py").run()
    assert not at.exception
    expected = measure(campaign, ingest_files([(later, "later.csv")]), lang="ja").to_json("ja")
    shown = " ".join(m.value for m in at.markdown) + " ".join(str(x.value) for x in at.metric)
    assert f"{expected['lift'] * 100:+.1f}pt" in shown
    assert any(expected["sentence"] in m.value for m in at.markdown)
    table = at.dataframe[0].value
    assert list(table.iloc[:, 4]) == [expected["groups"]["mailed"]["responders"],
                                      expected["groups"]["control"]["responders"]]

    # the measured response can replace the plan's assumption
    at.checkbox(key="campaign_use_measured").check().run()
    at.switch_page("pages/plan.py").run()
    assert not at.exception
    assert any(t("campaign.measured", "ja") in c.value or campaign["id"] in c.value
               for c in at.caption)


def test_a_visitor_sees_no_one_elses_campaign(data_dir: Path, monkeypatch) -> None:
    from engine.auth import new_access_code
    from tests.campaign_helpers import synthetic_campaign

    campaign, _ = synthetic_campaign(200, seed=1)
    store = Store(f"sqlite:///{data_dir / 'karte.sqlite'}")
    code = new_access_code()
    store.save_campaign({**campaign.to_json(), "client": "他社"}, access_code=code)
    store.close()
    monkeypatch.setenv("KARTE_CONSULTANT_PASSPHRASE", "secret words here")
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/campaigns.py").run()
    assert not at.exception
    assert any(t("campaign.ui.none", "ja") in i.value for i in at.info)
    at.text_input(key="campaign_code_input").set_value(code)
    next(b for b in at.button if b.label == t("campaign.ui.open", "ja")).click().run()
    assert not at.exception
    assert not any(t("campaign.ui.none", "ja") in i.value for i in at.info)
    assert any("テスト" in o for o in at.multiselect(key="campaign_chosen").options)

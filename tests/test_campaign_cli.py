"""`python -m engine campaign create|measure`: the mailed list file, the saved campaign, and the
same figures as the engine on a later export with a planted effect."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from engine import samples
from engine.campaigns import Campaign, measure
from engine.ingest import ingest_files
from tests.campaign_helpers import later_shopify_export, planted_rows

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "KARTE_DATA_DIR": str(data_dir),
           "KARTE_SECRET": "cli-campaign-secret"}
    return subprocess.run([sys.executable, "-m", "engine", "--lang", "en", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


def test_create_then_measure_on_a_later_export(tmp_path: Path) -> None:
    raw, name = samples.generate("cosmetics")
    orders = tmp_path / name
    orders.write_bytes(raw)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"answers": samples.sample_answers("cosmetics")}))
    out = tmp_path / "mailed.csv"
    created = _run(["campaign", "create", "--plan", str(answers), "--orders", str(orders),
                    "--action", "f2_candidates", "--control", "0.2", "--out", str(out),
                    "--save", "--client", "Sample shop", "--json",
                    "--campaign-json", str(tmp_path / "c.json")], tmp_path)
    assert created.returncode == 0, created.stderr
    info = json.loads(created.stdout)
    listed = pd.read_csv(out, encoding="utf-8-sig")
    assert len(listed) == info["mailed"] and info["control"] > 0
    assert info["access_code"] and (tmp_path / "karte.sqlite").exists()
    campaign = Campaign.from_json(json.loads((tmp_path / "c.json").read_text()))
    assert len(campaign.mailed) == info["mailed"]
    # the later export: the mailed list's customers respond more (planted), read by the reader
    mailed_ids = set(listed.iloc[:, 0].astype(str))
    book = ingest_files([(raw, name)])
    from engine.shop import ShopAnalysis
    from engine.roi import select, targets
    frame = ShopAnalysis(book).for_answers(samples.sample_answers("cosmetics")).plan_frame
    where = next(tg for tg in targets() if tg["id"] == "f2_candidates")["where"]
    members = frame.loc[select(frame, where)].copy()
    members["group"] = ["mailed" if cid in mailed_ids else "control" for cid in members.index]
    rows = planted_rows(members, base=0.1, lift=0.4, seed=3,
                        date=pd.Timestamp(campaign.date))
    later = tmp_path / "later.csv"
    later.write_bytes(later_shopify_export(raw, rows))
    measured = _run(["campaign", "measure", "--orders", str(later), "--json"], tmp_path)
    assert measured.returncode == 0, measured.stderr
    report = json.loads(measured.stdout)
    (item,) = report["campaigns"]
    m = item["measurement"]
    by_hand = pd.Series([r[0] for r in rows]).map(members["group"]).value_counts()
    assert m["groups"]["mailed"]["responders"] == by_hand["mailed"]
    assert m["groups"]["control"]["responders"] == by_hand.get("control", 0)
    assert m["groups"]["mailed"]["size"] + m["groups"]["control"]["size"] == len(members)
    # the same figures as the engine on the same file
    engine_m = measure(campaign, ingest_files([(later.read_bytes(), "later.csv")]),
                       secret=b"cli-campaign-secret", lang="en").to_json("en")
    for key in ("lift", "lift_low", "lift_high", "incremental_profit", "verdict",
                "estimated_profit"):
        assert m[key] == engine_m[key]
    assert m["lift_low"] <= 0.4 <= m["lift_high"]
    # the measured lift can replace the plan's assumption
    assert report["measured_responses"]["f2_candidates"]["campaign_id"] == campaign.id
    text_out = _run(["campaign", "measure", "--orders", str(later)], tmp_path)
    assert "Mailed group" in text_out.stdout and "Campaign" not in text_out.stderr


def test_a_bad_control_share_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    raw, name = samples.generate("cosmetics")
    (tmp_path / name).write_bytes(raw)
    (tmp_path / "a.json").write_text(json.dumps({"answers": {}}))
    done = _run(["campaign", "create", "--plan", str(tmp_path / "a.json"), "--orders",
                 str(tmp_path / name), "--action", "f2_candidates", "--control", "0.9",
                 "--out", str(tmp_path / "x.xlsx")], tmp_path)
    assert done.returncode == 2 and "control share" in done.stderr
    assert "Traceback" not in done.stderr

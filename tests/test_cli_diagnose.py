"""Specification of `python -m engine diagnose` (engine/commands/diagnose.py), run as a user would
run it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main as cli_main
from engine.questions import load_questions

ROOT = Path(__file__).resolve().parents[1]
SHOP = {"sales_basis": "own_site", "q1": 12000000, "q2": 35, "q3": "trial", "q4": "none",
        "subscription": False, "q5": ["listing_ads", "sns_ads"], "q6": 12000, "q7": 800,
        "active_last_year": 1000, "q8": 18, "q9": 15000, "gross_margin": 60,
        "q10": ["usage_guide"]}
AREAS = ["repeat_headroom", "business_model", "acquisition", "retention", "unit_economics",
         "fan_building"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)


def write(tmp_path: Path, payload, name: str = "answers.json") -> str:
    path = tmp_path / name
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), "utf-8")
    return str(path)


def test_json_output_has_the_documented_shape(tmp_path):
    done = run("diagnose", write(tmp_path, {"answers": SHOP}), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"areas", "weakest", "kpis", "actions", "consistency"}
    assert [a["id"] for a in data["areas"]] == AREAS
    assert all(set(a) == {"id", "label", "score", "level", "confidence", "reason"}
               for a in data["areas"])
    assert sorted(data["weakest"]) == sorted(AREAS)
    assert data["kpis"]["gross_profit_ltv"] == 9000  # ¥15,000 × 60 %
    assert data["actions"] and all(a["step"] in "ABCDEF" for a in data["actions"])
    assert {"step", "title", "why", "area"} <= set(data["actions"][0])


def test_bad_input_exits_2_with_a_message_on_stderr_and_no_traceback(tmp_path):
    done = run("diagnose", write(tmp_path, {"answers": {"q2": 101}}), "--json")
    assert done.returncode == 2
    assert "q2" in done.stderr and "100" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_help_lists_every_question_id_and_type():
    done = run("diagnose", "--help")
    assert done.returncode == 0
    lines = [line.split() for line in done.stdout.splitlines() if line.strip()]
    for question in load_questions():
        assert any(words[:2] == [question.id, question.type] for words in lines), question.id


# The cases below run the same entry point in-process (engine.cli.main): a subprocess costs
# ~3 s of imports on this machine, and the process boundary is already covered above.

def main(capsys, *args: str) -> tuple[int, str, str]:
    code = cli_main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_japanese_labels_with_lang_ja_and_nulls_as_unknown(tmp_path, capsys):
    answers = {**SHOP, "q8": None, "active_last_year": None, "q7": None}
    code, out, err = main(capsys, "--lang", "ja", "diagnose",
                          write(tmp_path, {"answers": answers}), "--json")
    assert code == 0, err
    data = json.loads(out)
    retention = next(a for a in data["areas"] if a["id"] == "retention")
    assert retention["score"] is None and retention["confidence"] == 0
    assert data["weakest"][-1] == "retention"
    assert "判定" in retention["reason"]
    assert "\\u" not in out  # ensure_ascii=False


def test_summary_without_json(tmp_path, capsys):
    code, out, err = main(capsys, "--lang", "ja", "diagnose", write(tmp_path, {"answers": SHOP}))
    assert code == 0, err
    assert "要改善" in out and "[A]" in out


@pytest.mark.parametrize("payload, needle", [
    ({"answers": {"q1": -5}}, "q1"),
    ({"answers": {"q1": "abc"}}, "abc"),
    ({"answers": {"q42": 1}}, "q42"),
    ({"answers": {"q3": "coupon"}}, "coupon"),
    ({"answers": {"q7": 2.5}}, "q7"),
    ({"no_answers": {}}, "answers"),
    ("{not json", "JSON"),
])
def test_bad_input_exits_2_with_a_message(tmp_path, capsys, payload, needle):
    code, out, err = main(capsys, "diagnose", write(tmp_path, payload), "--json")
    assert code == 2
    assert needle in err and err.startswith("error: ")
    assert out == ""


def test_missing_file_exits_2(tmp_path, capsys):
    code, _, err = main(capsys, "diagnose", str(tmp_path / "nope.json"))
    assert code == 2 and err.startswith("error: ")


def test_the_consistency_check_runs_in_the_command_line_too(tmp_path):
    # LTV ¥12,000,000 × 1,000 customers = ¥12 billion against ¥12 million of sales: a slip
    slip = {**SHOP, "q1": 12_000_000, "q7": 1000, "q9": 12_000_000}
    done = run("diagnose", write(tmp_path, {"answers": slip}), "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)["consistency"]
    assert [c["id"] for c in found] == ["ltv_customers_vs_sales"]
    assert found[0]["ratio"] == pytest.approx(12_000_000 * 1000 / 12_000_000)
    text = run("diagnose", write(tmp_path, {"answers": slip}))
    assert text.stdout.startswith("! ")
    fine = run("diagnose", write(tmp_path, {"answers": SHOP}), "--json")
    assert json.loads(fine.stdout)["consistency"] == []


def test_every_invalid_answer_is_reported_at_once(tmp_path):
    bad = {**SHOP, "q1": -5, "q8": 150, "gross_margin": 0.65}
    done = run("diagnose", write(tmp_path, {"answers": bad}))
    assert done.returncode == 2
    for qid in ("q1", "q8", "gross_margin"):
        assert f"({qid})" in done.stderr
    assert "65%" in done.stderr

"""Specification of `python -m engine diagnose ANSWERS.json --orders FILE --json`: the
diagnosis checked against an order file, as a user runs it (one subprocess; the other cases run
the same entry point in-process, the CLI is slow to start)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main as cli_main
from engine.datacheck import data_kpis
from engine.ingest import ingest
from engine.samples import generate, sample_answers

ROOT = Path(__file__).resolve().parents[1]
AREAS = ["repeat_headroom", "business_model", "acquisition", "retention", "unit_economics",
         "fan_building"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("orders")
    data, name = generate("food_gift")
    orders = folder / name
    orders.write_bytes(data)
    answers = folder / "answers.json"
    answers.write_text(json.dumps({"answers": sample_answers("food_gift")}), "utf-8")
    return str(answers), str(orders), ingest(data, name)


@pytest.fixture(scope="module")
def output(files):
    answers, orders, _ = files
    done = subprocess.run([sys.executable, "-m", "engine", "diagnose", answers, "--orders",
                           orders, "--json"], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_orders_add_data_kpis_and_a_source_per_area(output, files):
    _, _, book = files
    assert {"areas", "weakest", "kpis", "actions", "data_kpis"} <= set(output)
    assert [a["id"] for a in output["areas"]] == AREAS
    assert all(a["source"] in ("answer", "data") for a in output["areas"])
    sources = {a["id"]: a["source"] for a in output["areas"]}
    assert sources["retention"] == "data" and sources["fan_building"] == "answer"
    assert output["data_kpis"] == json.loads(json.dumps(data_kpis(book), ensure_ascii=False))


def test_the_comparison_flags_a_gap_beyond_the_threshold_only(output):
    rows = {r["id"]: r for r in output["comparison"]}
    # the food-gift owner answered 25 %; the data (2+ orders WITHIN the last 12 months, Q8)
    # is close to it, so the repeat rate is not flagged
    q8 = rows["q8"]
    assert q8["answer"] == 25 and q8["data"] == round(output["data_kpis"]["repeat_rate"] * 100, 1)
    for row in rows.values():
        assert row["flag"] == (row["gap"] is not None and abs(row["gap"]) > row["threshold"])
        assert bool(row["message"]) == row["flag"]
    assert q8["used"] and output["data_kpis"]["channel"] == "own_site"     # an EC-CUBE file


def test_the_plan_is_data_backed_and_sorted_by_expected_profit(output):
    plan = output["plan"]
    priced = [r for r in plan if r["estimate"] is not None]
    assert priced and all(r["source"] == "data" and r["customers"] > 0 for r in priced)
    # the priced targets come first; then the diagnosis's actions no target covers, unpriced
    assert plan[:len(priced)] == priced
    assert all(r["source"] == "answers" for r in plan[len(priced):])
    covered = {r["action"] for r in priced}
    assert not covered & {r["id"] for r in plan[len(priced):]}
    plan = priced
    profits = [r["estimate"]["profit"] for r in plan]
    assert profits == sorted(profits, reverse=True)
    assert all(r["negative"] == (r["estimate"]["profit"] < 0) for r in plan)


def test_without_orders_the_output_is_unchanged(files, capsys):
    answers, _, _ = files
    assert cli_main(["diagnose", answers, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"areas", "weakest", "kpis", "actions", "consistency"}
    assert all("source" not in a for a in out["areas"])


def test_an_unreadable_order_file_is_a_message_and_exit_code_2(files, tmp_path, capsys):
    answers, _, _ = files
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert cli_main(["diagnose", answers, "--orders", str(empty), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error:")
    assert cli_main(["diagnose", answers, "--orders", str(tmp_path / "missing.csv")]) == 2

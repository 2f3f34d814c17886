"""Specification of the plan that pays (engine/roi.py): the ROI arithmetic, the stated
assumptions, target selection, ordering by expected profit, and the fallback without data."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis_helpers import make_book
from economics_helpers import settings_with
from engine.config import load
from engine.diagnosis import diagnose
from engine.errors import KarteError
from engine.roi import (PlanAssumptions, build_data_plan, customer_frame, estimate,
                        new_customer_cost, plan_totals, select, targets)

ANSWERS = {"q6": 9000, "gross_margin": 60, "q8": 20, "q10": ["thank_you"]}


# --- arithmetic ----------------------------------------------------------------------------------

def test_roi_arithmetic_by_hand():
    e = estimate(contacts=1000, cost_per_contact=150, response_rate=0.02, order_value=6000,
                 gross_margin=0.6)
    assert e.expected_orders == pytest.approx(20)
    assert e.revenue == pytest.approx(120_000)
    assert e.gross_profit == pytest.approx(72_000)
    assert e.cost == pytest.approx(150_000)
    assert e.profit == pytest.approx(-78_000)
    assert e.roi == pytest.approx(-0.52)
    assert e.to_json()["profit"] == -78_000 and e.to_json()["roi"] == -0.52


def test_a_cost_free_action_has_no_roi():
    e = estimate(500, 0, 0.01, 4000, 0.5)
    assert e.cost == 0 and e.roi is None and e.cost_free
    assert e.profit == pytest.approx(500 * 0.01 * 4000 * 0.5)


def test_new_customers_at_the_answered_cpa_or_by_the_1_to_5_rule():
    with_cpa = PlanAssumptions.defaults({"q6": 9000})
    assert new_customer_cost(20, 150_000, with_cpa) == (pytest.approx(180_000), "cpa")
    without = PlanAssumptions.defaults({})
    multiple = load("plan")["economics"]["acquisition_multiple"]
    assert new_customer_cost(20, 150_000, without) == (pytest.approx(150_000 * multiple),
                                                       "rule_1_5")


# --- assumptions -----------------------------------------------------------------------------------

def test_defaults_come_from_plan_toml_and_the_answers():
    cfg = load("plan")
    a = PlanAssumptions.defaults({"gross_margin": 60, "q6": 9000})
    assert a.dm_cost == cfg["channels"]["dm"]["cost"] and a.email_cost == 0
    assert a.gross_margin == pytest.approx(0.6) and a.gross_margin_source == "answer"
    assert a.cpa == 9000
    b = PlanAssumptions.defaults({})
    assert b.gross_margin == cfg["economics"]["default_gross_margin"]
    assert b.gross_margin_source == "default" and b.cpa is None


def test_every_field_can_be_overridden_and_bad_values_are_refused():
    a = PlanAssumptions.defaults({})
    assert replace(a, dm_cost=120).cost("dm") == 120
    target = targets()[0]
    assert a.with_response(target["id"], 0.2).response(target) == 0.2
    assert a.response(target) == target.get("lift", a.winback_lift)
    for field, value in (("dm_cost", -1), ("email_reach", 1.5), ("gross_margin", float("nan"))):
        with pytest.raises(KarteError) as err:
            replace(a, **{field: value})
        assert err.value.key == "plan.error.bad_assumption"
    with pytest.raises(KarteError):
        a.with_response(target["id"], 2)


# --- targets ---------------------------------------------------------------------------------------

def test_select_applies_every_condition():
    frame = pd.DataFrame({"frequency": [1, 1, 2, 1], "tenure_days": [10, 45, 45, np.nan],
                          "cpm": ["first", "first", "steady", "first"]})
    where = {"frequency_max": 1, "tenure_days_min": 30, "cpm_in": ["first"]}
    assert select(frame, where).tolist() == [False, True, False, False]   # NaN never meets
    assert select(frame, {"cpm_is": "steady"}).tolist() == [False, False, True, False]
    with pytest.raises(ValueError):
        select(frame, {"colour_is": "red"})


def test_every_target_names_its_step_a_channel_and_a_response():
    channels = set(load("plan")["channels"])
    for target in targets():
        assert target["step"] in "ABCDEF" and target["channel"] in channels
        assert target["where"]
        # a stated incremental response, or the dormant model's win-back lift
        assert 0 <= target["lift"] <= 1 if "lift" in target else target["value"] == "winback"


# --- the plan on a hand-built shop ----------------------------------------------------------------

def _shop():
    """Two customers per target kind with known order values; a hand-made customer frame."""
    rows, frame = [], []
    spec = [  # customer, orders (revenues), frame columns (dormant: the model's figures)
        ("d1", [6000], dict(dormant_layer="likely", p_alive=0.5, expected_orders=1.0,
                            recoverable_value=6000)),
        ("d2", [8000, 6000], dict(dormant_layer="likely", p_alive=1.0, expected_orders=2.0,
                                  recoverable_value=12000)),
        ("m1", [2000], dict(dormant_layer="dm", p_alive=0.5, expected_orders=0.5,
                            recoverable_value=2000)),
        ("f1", [3000], dict(frequency=1, tenure_days=40)),
        ("f2", [5000], dict(frequency=1, tenure_days=60)),
        ("n1", [4000], dict(frequency=1, tenure_days=5)),
    ]
    day = 0
    for cust, revenues, cols in spec:
        for revenue in revenues:
            day += 1
            rows.append((f"o{day}", cust, f"2025-06-{day:02d}", revenue))
        base = dict(recency_days=200, frequency=len(revenues), tenure_days=400, monetary=0,
                    n_distinct_products=5, subscription_orders=0, cpm="excellent",
                    rfm="champions", rank="basic", dormant_layer="not_dormant",
                    p_alive=np.nan, expected_orders=np.nan, recoverable_value=np.nan)
        base.update(cols)
        frame.append(pd.Series(base, name=cust))
    return make_book(rows), pd.DataFrame(frame)


@pytest.fixture(scope="module")
def shop():
    return _shop()


TINY = settings_with(plan={"plan": {"min_customers": 1, "min_contacts": 1}})  # 1-2 per target


def _plain(assumptions: PlanAssumptions, rate: float = 0.02) -> PlanAssumptions:
    """Every channel reaches everybody, every target responds at `rate`."""
    a = replace(assumptions, email_reach=1.0, line_reach=1.0)
    for target in targets():
        a = a.with_response(target["id"], rate)
    return a


def test_each_row_has_its_target_count_channel_and_estimate(shop):
    book, frame = shop
    a = _plain(PlanAssumptions.defaults(ANSWERS))
    rows = {r.id: r for r in build_data_plan(book, ANSWERS, a, "2025-07-01", "en", frame=frame,
                                             settings=TINY)}
    assert set(rows) == {"dormant_likely", "dormant_dm", "f2_candidates", "new_buyers_insert"}
    likely = rows["dormant_likely"]
    assert likely.customers == 2 and likely.channel == "dm" and likely.step == "A"
    e = likely.estimate
    # win-back: lift 2 % of what the model expects anyway (¥6,000 + ¥12,000), margin 60 %
    assert e.contacts == 2 and e.order_value == pytest.approx(18000 / 3)   # per expected order
    assert e.cost == pytest.approx(2 * a.dm_cost)
    assert e.gross_profit == pytest.approx(0.02 * 18000 * 0.6)
    assert e.baseline_basis == "model"
    assert rows["f2_candidates"].estimate.order_value == 4000   # median of 3000 and 5000
    assert rows["new_buyers_insert"].channel == "insert"
    assert "2" in likely.why and likely.source == "data"


def test_negative_roi_actions_are_kept_and_flagged(shop):
    book, frame = shop
    rows = build_data_plan(book, ANSWERS, _plain(PlanAssumptions.defaults(ANSWERS)),
                           "2025-07-01", "ja", frame=frame, settings=TINY)
    dm = next(r for r in rows if r.id == "dormant_dm")
    # 1 contact × ¥150; 2 % × ¥2,000 × 60 % = ¥24 gross profit
    assert dm.estimate.profit == pytest.approx(24 - 150) and dm.negative
    assert dm.to_json("ja")["flag"] and dm.to_json("ja")["negative"] is True
    assert not dm.top


def test_rows_are_sorted_by_expected_profit_ties_in_file_order(shop):
    book, frame = shop
    a = _plain(PlanAssumptions.defaults(ANSWERS), rate=0.0)      # every profit = −cost
    a = replace(a, dm_cost=100, insert_cost=100)
    rows = build_data_plan(book, ANSWERS, a, "2025-07-01", "ja", frame=frame, settings=TINY)
    profits = [r.estimate.profit for r in rows]
    assert profits == sorted(profits, reverse=True)
    # dormant_dm and new_buyers_insert both cost 1 × ¥100: plan.toml order decides
    order = [t["id"] for t in targets()]
    tied = [r.id for r in rows if r.estimate.profit == -100]
    assert tied == sorted(tied, key=order.index) and len(tied) == 2
    assert not any(r.top for r in rows)                           # no row makes money


def test_top_rows_are_the_first_three_that_make_money(shop):
    book, frame = shop
    rows = build_data_plan(book, ANSWERS, _plain(PlanAssumptions.defaults(ANSWERS), 0.5),
                           "2025-07-01", "ja", frame=frame, settings=TINY)
    assert [r.top for r in rows] == [True, True, True, False]
    assert plan_totals(rows)["profit"] == round(sum(r.estimate.profit for r in rows))


def test_without_data_the_plan_falls_back_to_the_answer_based_plan():
    rows = build_data_plan(None, ANSWERS, lang="ja")
    actions = diagnose(ANSWERS, "ja").actions
    assert [r.id for r in rows] == [a.id for a in actions] and rows
    assert all(r.source == "answers" and r.estimate is None for r in rows)
    assert plan_totals(rows) is None
    no_buyers = make_book([("o1", None, "2025-03-01", 1000)], has_customers=False)
    assert [r.id for r in build_data_plan(no_buyers, ANSWERS)] == [a.id for a in actions]


# --- a sample shop: the whole chain, deterministic --------------------------------------------------

@pytest.fixture(scope="module")
def sample():
    from engine.ingest import ingest
    from engine.samples import generate, sample_answers

    data, name = generate("cosmetics")
    return ingest(data, name), sample_answers("cosmetics")


def test_customer_frame_carries_every_column_the_targets_use(sample):
    book, _ = sample
    frame = customer_frame(book)
    used = {key.rpartition("_")[0] for t in targets() for key in t["where"]}
    assert used <= set(frame.columns)
    assert frame.index.is_unique and len(frame) == book.n_customers
    assert set(frame["dormant_layer"]) <= {"likely", "dm", "let_go", "not_dormant"}
    assert frame["subscription_orders"].sum() == int(
        book.orders["subscription"].sum())           # every 定期 order belongs to a buyer here


def test_the_sample_plan_is_deterministic_and_covers_the_steps(sample):
    book, answers = sample
    first = [r.to_json("en") for r in build_data_plan(book, answers, lang="en")]
    second = [r.to_json("en") for r in build_data_plan(book, answers, lang="en")]
    assert first == second
    assert {r["step"] for r in first} >= {"A", "C", "D", "E"}
    priced = [r for r in first if not r["small"]]
    assert all(r["customers"] > 0 and r["estimate"] for r in priced)
    assert all(r["estimate"] is None and not r["top"] for r in first if r["small"])
    profits = [r["estimate"]["profit"] for r in priced]
    assert profits == sorted(profits, reverse=True)


def test_a_small_shop_gets_its_plan_from_its_own_customer_frame():
    # too few customers for the BG/NBD fit: the dormant layers come from the stated rule
    rows = [(f"o{i}", f"c{i % 7}", f"2025-{1 + i % 12:02d}-{1 + i % 27:02d}", 1000 + 100 * i)
            for i in range(30)]
    book = make_book(rows)
    frame = customer_frame(book, "2026-01-01")
    assert len(frame) == 7
    plan = build_data_plan(book, ANSWERS, as_of="2026-01-01", lang="en", settings=TINY)
    by_id = {t["id"]: t for t in targets()}
    assert plan and all(row.source == "data" for row in plan)
    for row in plan:
        assert row.customers == int(select(frame, by_id[row.id]["where"]).sum())

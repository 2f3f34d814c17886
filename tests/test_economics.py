"""Specification of the one campaign economics model (engine/economics.py): incremental
arithmetic over a baseline, the baseline measured in the orders, orders after a conversion,
and the promise that the dormant layers and the plan agree (a layer "worth one DM" makes money
in the plan)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis_helpers import make_book
from economics_helpers import settings_with
from engine.economics import (PlanAssumptions, contact_profit, estimate, measured_baseline,
                              orders_after_nth, return_on_contact)
from engine.roi import build_data_plan, customer_frame

TINY = settings_with(plan={"plan": {"min_customers": 1, "min_contacts": 1}})


def test_only_the_response_above_the_baseline_is_credited():
    # 1,000 postcards at ¥150; 25 % order with the postcard, 20 % would have anyway:
    # 5 % = 50 extra customers × 2 orders × ¥5,000 × 50 % margin = ¥250,000 gross profit
    e = estimate(1000, 150, 0.25, 5000, 0.5, baseline_rate=0.20, orders_per_responder=2)
    assert e.incremental_rate == pytest.approx(0.05)
    assert e.expected_orders == pytest.approx(100)
    assert e.gross_profit == pytest.approx(250_000)
    assert e.profit == pytest.approx(250_000 - 150_000)
    # a response below the baseline brings nothing: only the cost remains
    assert estimate(100, 150, 0.10, 5000, 0.5, baseline_rate=0.3).profit == -15_000


def test_contact_profit_and_return_per_customer():
    value = np.array([3000.0, 1000.0, 0.0])       # extra revenue a contact brings
    assert contact_profit(value, 0.5, 150).tolist() == [1350, 350, -150]
    assert return_on_contact(value, 0.5, 150).tolist() == [10, pytest.approx(1000 / 300), 0]
    assert return_on_contact(value, 0.5, 0).tolist() == [np.inf, np.inf, 0]


def test_orders_after_the_second_order_over_complete_years_only():
    known = make_book([
        ("o1", "A", "2024-01-01", 1), ("o2", "A", "2024-02-01", 1),   # 2nd order 2024-02-01
        ("o3", "A", "2024-06-01", 1), ("o4", "A", "2025-03-01", 1),   # o4 is after the year
        ("o5", "B", "2024-01-01", 1), ("o6", "B", "2024-03-01", 1),   # B: 1 order in its year
        ("o7", "C", "2025-09-01", 1), ("o8", "C", "2025-10-01", 1),   # C: year not complete
    ]).orders
    mean, customers = orders_after_nth(known, pd.Timestamp("2025-06-01"), 2, 365)
    assert customers == 2 and mean == pytest.approx((2 + 1) / 2)


def test_measured_baseline_is_the_share_who_ordered_anyway():
    known = make_book([("o1", "A", "2025-05-01", 1), ("o2", "C", "2025-06-01", 1),
                       ("o3", "D", "2025-03-01", 1)]).orders
    ids = pd.Index(["A", "B", "C", "D"])
    start, end = pd.Timestamp("2025-04-02"), pd.Timestamp("2025-07-01")
    assert measured_baseline(np.array([1, 1, 1, 0], bool), ids, known, start, end) == 2 / 3
    assert measured_baseline(np.zeros(4, bool), ids, known, start, end) is None


F2_ROWS = [  # one response window (90 days) before 2025-07-01 is 2025-04-02
    ("a1", "A", "2025-02-01", 4000), ("a2", "A", "2025-05-01", 4000),   # F2 candidate then, came back
    ("b1", "B", "2025-02-10", 4000),                                    # F2 candidate then, did not
    ("c1", "C", "2025-02-15", 4000), ("c2", "C", "2025-06-15", 4000),   # came back
    ("d1", "D", "2025-01-20", 4000),                                    # did not
    ("e1", "E", "2025-05-01", 3000), ("f1", "F", "2025-05-10", 5000),   # today's F2 candidates
]


def test_the_f2_postcard_is_credited_with_its_lift_over_the_natural_f2_rate():
    book = make_book(F2_ROWS)
    a = PlanAssumptions.defaults({"gross_margin": 50})
    rows = {r.id: r for r in build_data_plan(book, {"gross_margin": 50}, a, "2025-07-01",
                                             settings=TINY)}
    f2 = rows["f2_candidates"]
    assert f2.customers == 2                                   # E and F
    e = f2.estimate
    assert e.baseline_rate == pytest.approx(2 / 4)             # A and C of A, B, C, D
    lift = a.response({"id": "f2_candidates", "lift": 0.03})
    assert e.response_rate == pytest.approx(0.5 + lift)
    # nobody has a complete year after a second order: one order each; median ¥4,000
    assert e.gross_profit == pytest.approx(2 * lift * 4000 * 0.5)
    assert e.profit == pytest.approx(2 * lift * 4000 * 0.5 - 2 * a.dm_cost)
    assert "50.0%" in f2.baseline_note and e.baseline_basis == "measured"


def test_targets_too_small_to_act_on_are_listed_as_such_not_as_actions():
    book = make_book(F2_ROWS)
    rows = build_data_plan(book, {"gross_margin": 50}, as_of="2025-07-01")  # shipped limits
    assert rows and all(r.small and r.estimate is None and not r.top for r in rows)
    assert "2" in next(r for r in rows if r.id == "f2_candidates").baseline_note


@pytest.fixture(scope="module")
def cosmetics():
    from engine.ingest import ingest
    from engine.samples import generate, sample_answers

    data, name = generate("cosmetics")
    return ingest(data, name), sample_answers("cosmetics")


def test_a_layer_worth_one_dm_makes_money_in_the_plan(cosmetics):
    book, answers = cosmetics
    a = PlanAssumptions.defaults(answers)            # the owner's 75 % margin, ¥150 a DM
    frame = customer_frame(book, assumptions=a)
    paid = [layer for layer in ("likely", "dm") if (frame["dormant_layer"] == layer).any()]
    assert paid, "the cosmetics shop has dormant customers worth a letter"
    for layer in paid:
        part = frame.loc[frame["dormant_layer"] == layer]
        # by hand: 10 % of the model's recoverable value × 75 % ≥ ¥150 for every customer
        assert (part["recoverable_value"] * a.winback_lift * 0.75 >= 150 - 1e-6).all()
    rows = {r.id: r for r in build_data_plan(book, answers, a, frame=frame)}
    for target, layer in (("dormant_likely", "likely"), ("dormant_dm", "dm")):
        part = frame.loc[frame["dormant_layer"] == layer]
        if len(part) < 10:  # too small to act on: listed as such, without an estimate
            continue
        by_hand = (part["recoverable_value"] * 0.10 * 0.75 - 150).sum()
        assert rows[target].estimate.profit == pytest.approx(by_hand)
        assert rows[target].estimate.profit > 0


def test_a_lower_margin_moves_customers_out_of_the_dm_layers(cosmetics):
    book, answers = cosmetics
    rich = customer_frame(book, assumptions=PlanAssumptions.defaults(answers))
    poor = customer_frame(book, assumptions=replace(PlanAssumptions.defaults(answers),
                                                    gross_margin=0.2))
    paid = {"likely", "dm"}
    assert poor["dormant_layer"].isin(paid).sum() < rich["dormant_layer"].isin(paid).sum()


def test_the_plan_is_ranked_by_incremental_profit_not_by_gross_response(cosmetics):
    book, answers = cosmetics
    rows = [r for r in build_data_plan(book, answers) if not r.small]
    profits = [r.estimate.profit for r in rows]
    assert profits == sorted(profits, reverse=True)
    # the free ambassador e-mail does not top the plan on its response alone
    assert rows[0].id != "ambassador_candidates"
    for r in rows:
        assert r.estimate.response_rate >= r.estimate.baseline_rate

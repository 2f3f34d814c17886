"""Specification of engine.dormant: 優良休眠客, ranked by what can be won back, in layers."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from engine.clv import fit_clv
from engine.clv.simulate import simulate_orders
from engine.config import load
from engine.dormant import COLUMNS, dormant_high_value

CFG = load("clv")
DORMANT = CFG["dormant"]
HORIZON_DAYS = DORMANT["horizon_months"] * CFG["time_unit"]["days_per_month"]


def orders_frame(rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "revenue"])
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    frame["revenue"] = frame["revenue"].astype(float)
    return frame


SMALL = orders_frame([
    ("A", "2024-01-01", 1000), ("A", "2024-02-01", 2000), ("A", "2024-03-02", 3000),
    ("B", "2024-06-01", 5000),                       # one-time, recent: not dormant
    ("C", "2024-01-15", 9000),                       # one-time, long ago
    ("D", "2024-05-01", 100), ("D", "2024-05-11", 100),   # fast buyer, small spend
    (None, "2024-01-01", 50000),                     # no customer: never listed
    ("F", "2024-07-10", 7000),                       # after as_of: not seen yet
])
AS_OF = "2024-06-30"


@pytest.fixture(scope="module")
def small():
    # Four customers: far below the guard rails, so the stated rule is used.
    return dormant_high_value(SMALL, AS_OF)


def test_without_enough_data_the_rule_is_used_and_the_reason_given(small):
    assert small.method == "rule"
    assert small.reason == "clv.unavailable.too_few_customers"
    assert small.time_unit is None


def test_dormant_means_past_the_own_usual_interval(small):
    listed = small.customers.set_index("customer_id")
    assert list(small.customers.columns) == list(COLUMNS)
    assert set(listed.index) == {"A", "C", "D"}
    # A: 61 days over 2 repeat purchases; C: one-time floor; D: 10 days, raised to the floor.
    assert listed.loc["A", "interval_days"] == 30.5
    assert listed.loc["C", "interval_days"] == DORMANT["one_time_interval_days"]
    assert listed.loc["D", "interval_days"] == DORMANT["min_interval_days"]
    assert listed.loc["A", "recency"] == 120 and listed.loc["C", "recency"] == 167
    assert listed.loc["A", "frequency"] == 3 and listed.loc["A", "monetary"] == 6000


def test_rule_scores_by_hand(small):
    listed = small.customers.set_index("customer_id")
    # score = interval / recency; expected = order value × min(horizon / interval, max orders)
    assert listed.loc["A", "p_alive"] == pytest.approx(30.5 / 120, abs=1e-4)
    assert listed.loc["A", "expected_value"] == pytest.approx(2000 * HORIZON_DAYS / 30.5, abs=0.01)
    assert listed.loc["A", "recoverable_value"] == pytest.approx(2000 * HORIZON_DAYS / 120,
                                                                 abs=0.01)
    assert listed.loc["C", "recoverable_value"] == pytest.approx(9000 * HORIZON_DAYS / 167,
                                                                 abs=0.01)
    capped = min(HORIZON_DAYS / 30, DORMANT["fallback"]["max_orders"])
    assert listed.loc["D", "expected_value"] == pytest.approx(100 * capped, abs=0.01)


def test_layers_weigh_value_against_a_dm(small):
    listed = small.customers.set_index("customer_id")
    # C: likely back (score 0.54, ~2.2 orders) and worth far more than a DM.
    # A: unlikely by itself (0.25) but 6,088 × 0.5 × 0.1 = 304 > ¥150: worth one DM.
    # D: 720 × 0.5 × 0.1 = 36 < ¥150: let go.
    assert listed["layer"].to_dict() == {"C": "likely", "A": "dm", "D": "let_go"}
    assert small.count == 2
    layers = small.layers.set_index("layer")
    assert list(layers.index) == ["likely", "dm", "let_go"]
    assert layers.loc["dm", "customers"] == 1 and layers.loc["dm", "past_revenue"] == 6000
    assert layers.loc["likely", "revenue_at_stake"] == pytest.approx(
        listed.loc["C", "recoverable_value"])


def test_best_recoverable_value_first(small):
    assert list(small.customers["customer_id"]) == ["C", "A", "D"]


def test_downloads_are_formula_safe_and_per_layer(small):
    tricky = SMALL.copy()
    tricky.loc[tricky["customer_id"] == "C", "customer_id"] = "=HYPERLINK(1)"
    result = dormant_high_value(tricky, AS_OF)
    text = result.csv().decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and text.splitlines()[0].startswith("customer_id,")
    assert result.csv("dm").decode("utf-8-sig").count("\n") == 2   # header + A
    book = pd.read_excel(io.BytesIO(result.xlsx("ja")), sheet_name=None)
    assert list(book) == ["all", "復帰見込み", "DM1通の価値あり", "見送り"]
    assert len(book["all"]) == 3 and list(book["見送り"]["customer_id"]) == ["D"]


def test_no_orders_up_to_as_of_gives_an_empty_list():
    result = dormant_high_value(SMALL, "2023-01-01")
    assert result.count == 0 and result.customers.empty
    assert result.to_dict()["layers"]["likely"]["customers"] == 0


@pytest.fixture(scope="module")
def simulated():
    orders = simulate_orders(3000, r=0.9, alpha=40, a=1.5, b=4, p=6, q=4, v=2500, seed=11)
    as_of = orders["order_date"].max()
    return orders, as_of, dormant_high_value(orders, as_of)


def test_with_enough_data_the_models_rank_the_list(simulated):
    orders, as_of, result = simulated
    assert result.method == "model" and result.reason is None and result.time_unit == "W"
    c = result.customers
    assert (c["recency"] > c["interval_days"] * DORMANT["interval_factor"]).all()
    # p_alive is shown to 4 decimals: allow that rounding times the value.
    gap = (c["recoverable_value"] - c["p_alive"] * c["expected_value"]).abs()
    assert (gap <= 0.5e-4 * c["expected_value"] + 0.01).all()
    assert c["recoverable_value"].is_monotonic_decreasing
    assert result.count == int((c["layer"] != "let_go").sum()) > 0


def test_p_alive_is_the_bgnbd_probability(simulated):
    orders, as_of, result = simulated
    fit = fit_clv(orders, calibration_end=as_of)
    values = fit.customer_values()
    row = result.customers.iloc[0]
    assert row["p_alive"] == pytest.approx(values.loc[row["customer_id"], "p_alive"], abs=1e-4)
    # Value if alive × P(alive) is the undiscounted predictive CLV over the horizon.
    assert row["recoverable_value"] == pytest.approx(values.loc[row["customer_id"], "clv"],
                                                     rel=1e-3)


def test_a_given_model_is_used_as_is(simulated):
    orders, as_of, result = simulated
    fit = fit_clv(orders, calibration_end=as_of)
    again = dormant_high_value(orders, as_of, model=fit)
    pd.testing.assert_frame_equal(again.customers, result.customers)


def test_layer_rules_hold_for_every_customer(simulated):
    _, _, result = simulated
    c = result.customers
    # the plan's campaign model (plan.toml): win-back lift × recoverable value × default
    # margin / DM cost (no answers here, so the default margin)
    econ, dm_cost = load("plan")["economics"], load("plan")["channels"]["dm"]["cost"]
    dm_return = c["recoverable_value"] * econ["default_gross_margin"] * econ["winback_lift"] / \
        dm_cost
    likely, dm = (r for r in DORMANT["layers"][:2])
    is_likely = (c["p_alive"] >= likely["min_p_alive"]) & \
        (c["expected_orders"] >= likely["min_expected_orders"]) & \
        (dm_return >= likely["min_dm_return"])
    # Rounded columns: leave out customers within rounding of a threshold.
    assert (c.loc[is_likely, "layer"] == "likely").mean() > 0.99
    assert (c.loc[~is_likely & (dm_return >= dm["min_dm_return"] * 1.001), "layer"]
            == "dm").all()
    assert (c.loc[dm_return < 0.999, "layer"] == "let_go").all()


def test_the_result_says_how_it_was_ranked(small, simulated):
    ja = small.note("ja")
    assert "顧客数が4人" in ja and "ルール" in ja
    assert "Gamma-Gamma" in simulated[2].note("en")

"""Specification of engine.dormant: 優良休眠客, ranked by what can be won back, in layers."""
from __future__ import annotations

import copy
import io

import pandas as pd
import pytest

from engine.clv import fit_clv
from engine.clv.simulate import simulate_orders
from engine.config import load
from engine.dormant import COLUMNS, dormant_high_value, in_top_share, return_rates, selection
from engine.settings import FILES, Settings

CFG = load("clv")
DORMANT = CFG["dormant"]
HORIZON_DAYS = DORMANT["horizon_months"] * CFG["time_unit"]["days_per_month"]


def orders_frame(rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "revenue"])
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    frame["revenue"] = frame["revenue"].astype(float)
    return frame


def settings_with(**dormant_changes) -> Settings:
    """The shipped settings with some keys of clv.toml [dormant] replaced."""
    base = Settings.default()
    parts = {name: copy.deepcopy(dict(getattr(base, name))) for name in FILES}
    parts["clv"]["dormant"].update(dormant_changes)
    return Settings(**parts)


SMALL = orders_frame([
    ("A", "2024-01-01", 1000), ("A", "2024-02-01", 2000), ("A", "2024-03-02", 3000),
    ("B", "2024-11-01", 5000),                       # one-time, 60 days: not dormant
    ("C", "2024-01-15", 9000),                       # one-time, 351 days
    ("D", "2024-05-01", 100), ("D", "2024-05-11", 100),   # fast buyer, small spend
    ("E", "2024-09-01", 3000), ("E", "2024-09-11", 3000), ("E", "2024-10-02", 4000),
    ("G", "2024-10-01", 4000), ("G", "2024-10-31", 4000), ("G", "2024-11-30", 4000),
    ("G", "2024-12-20", 4000),                       # monthly buyer, 11 days: on schedule
    ("H", "2022-01-01", 30000), ("H", "2022-06-01", 30000),  # 944 days: gone, not dormant
    (None, "2024-01-01", 50000),                     # no customer: never listed
    ("F", "2025-01-10", 7000),                       # after as_of: not seen yet
])
AS_OF = "2024-12-31"
# Seven customers: "top 20 %" would be one or two of them; the hand case uses the top half.
HALF = settings_with(high_value_top_share=0.5)


@pytest.fixture(scope="module")
def small():
    # Far below the guard rails, so the stated rule is used.
    return dormant_high_value(SMALL, AS_OF, settings=HALF)


def test_without_enough_data_the_rule_is_used_and_the_reason_given(small):
    assert small.method == "rule"
    assert small.reason == "clv.unavailable.too_few_customers"
    assert small.time_unit is None


def test_dormant_and_high_value_by_hand(small):
    # usual interval: A 61/2 = 30.5; D 10 and E 15.5 raised to 30; C, B one-time 90; G 30.
    # dormant (>= 2 x interval, >= 90 days, <= 730 days): A 304, C 351, D 234, E 90.
    # B (60 days) and G (11) are on schedule; H (944 days) is gone.
    # high value, top half (4 of 7) by past spend: H 60,000, G 16,000, E 10,000, C 9,000;
    # by value if back (order value x min(365.25 / interval, 12)): H 72,566, G 48,000,
    # E 40,000, C 36,525, then A 23,951. So A (6,000 / 23,951) and D are not high value.
    listed = small.customers.set_index("customer_id")
    assert list(small.customers.columns) == list(COLUMNS)
    assert set(listed.index) == {"C", "E"}
    assert listed.loc["E", "interval_days"] == DORMANT["min_interval_days"]
    assert listed.loc["C", "interval_days"] == DORMANT["one_time_interval_days"]
    assert listed.loc["E", "recency"] == 90 and listed.loc["C", "recency"] == 351
    assert listed.loc["E", "frequency"] == 3 and listed.loc["E", "monetary"] == 10000
    assert bool(listed.loc["C", "one_time"]) and not bool(listed.loc["E", "one_time"])


def test_rule_scores_by_hand(small):
    listed = small.customers.set_index("customer_id")
    # score = interval / recency; expected = order value × min(horizon / interval, max orders)
    assert listed.loc["E", "p_alive"] == pytest.approx(30 / 90, abs=1e-4)
    assert listed.loc["E", "expected_value"] == pytest.approx(10000 / 3 * 12, abs=0.01)
    assert listed.loc["C", "p_alive"] == pytest.approx(90 / 351, abs=1e-4)
    assert listed.loc["C", "recoverable_value"] == pytest.approx(9000 * HORIZON_DAYS / 351,
                                                                 abs=0.01)


def test_layers_weigh_value_against_a_dm(small):
    listed = small.customers.set_index("customer_id")
    # E: 13,333 × 0.5 × 0.1 = 667 > ¥150 and C: 9,365 × 0.05 = 468: both worth one DM, neither
    # likely by itself (return scores 0.33 and 0.26).
    assert listed["layer"].to_dict() == {"E": "dm", "C": "dm"}
    assert small.count == 2
    layers = small.layers.set_index("layer")
    assert list(layers.index) == ["likely", "dm", "let_go"]
    assert layers.loc["dm", "customers"] == 2 and layers.loc["dm", "past_revenue"] == 19000


def test_best_recoverable_value_first(small):
    assert list(small.customers["customer_id"]) == ["E", "C"]


def test_selection_hand_cases():
    # factor 2, at least 90 and at most 730 days; top 70 % = 7 of 10; P >= 0.1
    recency = [61, 89, 120, 120, 731, 200, 200, 200, 200, 200]
    interval = [30, 30, 61, 60, 30, 30, 30, 30, 30, 30]
    past = [10, 10, 10, 10, 10, 10, 1, 10, 1, 1]    # seven 10s: ranks 1-7, all in the top 7
    back = [1, 1, 1, 1, 1, 1, 7e5, 1, 1, 1]
    p = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.09, 0.5, 0.5]
    sel = selection(recency, interval, past, back, p,
                    settings=settings_with(high_value_top_share=0.7))
    # 61 >= 2 x 30 but under 90 days; 89 under 90; 120 < 2 x 61; 120 = 2 x 60 dormant;
    # 731 gone; #5 high past value; #6 high value if back; #7 P < 0.1; #8, #9 small.
    assert sel.tolist() == [False, False, False, True, False, True, True, False, False, False]


def test_top_share_counts_ties_against_them():
    # Six equal values do not fit in the top 2 of 10: only the two above them are in.
    assert in_top_share([9, 8, 5, 5, 5, 5, 5, 5, 1, 1], 0.2).tolist() == \
        [True, True] + [False] * 8
    assert in_top_share([9, 8, 8, 1, 1, 1, 1, 1, 1, 1], 0.2).tolist() == \
        [True] + [False] * 9


def test_return_rates_by_months_since_first_order():
    frame = orders_frame([("c1", "2024-01-01", 1), ("c1", "2024-01-21", 1),
                          ("c2", "2024-01-01", 1), ("c2", "2024-03-01", 1),
                          ("c3", "2024-01-01", 1),
                          ("c4", "2024-01-01", 1), ("c4", "2024-05-01", 1)])
    # gaps 20, 60, never, 121 days; 181 days observed; horizon 60 days; month = 30.4375 days
    rates = return_rates(frame, "2024-06-30", 60, settings=settings_with(
        return_rate_min_at_risk=3))
    assert rates["at_risk"].tolist() == [4, 3, 2, 2, 0, 0]
    assert rates["returned"].tolist() == [2, 1, 0, 1, 0, 0]
    # month 2 has 2 at risk: pooled with months 1-3 (7, 2 back); month 3 with 2-4 (4, 1 back)
    assert rates["rate"].round(4).tolist()[:4] == [0.5, round(1 / 3, 4), round(2 / 7, 4), 0.25]


def test_one_time_buyers_get_the_return_rate_not_p_alive_1(simulated):
    orders, as_of, result = simulated
    fit = fit_clv(orders, calibration_end=as_of)
    values = fit.customer_values()
    one = values.loc[fit.summary.table["frequency"] == 0]
    assert (one["p_alive"] == 1.0).all()            # the BG/NBD artefact
    full = dormant_high_value(orders, as_of, settings=settings_with(
        min_return_probability=0.0, high_value_top_share=1.0, max_dormant_days=10**6))
    c = full.customers.set_index("customer_id")
    ones = c.loc[c["one_time"]]
    assert len(ones) > 0 and (ones["p_alive"] < 1.0).all()
    rates = return_rates(orders, fit.summary.calibration_end,
                         DORMANT["horizon_months"] * CFG["time_unit"]["days_per_month"])
    age = (fit.summary.calibration_end - fit.summary.table["first_date"]).dt.days
    month = (age // CFG["time_unit"]["days_per_month"]).clip(upper=len(rates) - 1)
    expected = rates["rate"].to_numpy()[month.loc[ones.index].astype(int)]
    assert ones["p_alive"].to_numpy() == pytest.approx(expected, abs=1e-4)


def test_downloads_are_formula_safe_and_per_layer(small):
    tricky = SMALL.copy()
    tricky.loc[tricky["customer_id"] == "C", "customer_id"] = "=HYPERLINK(1)"
    result = dormant_high_value(tricky, AS_OF, settings=HALF)
    text = result.csv().decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and text.splitlines()[0].startswith("customer_id,")
    assert result.csv("dm").decode("utf-8-sig").count("\n") == 3   # header + E, C
    book = pd.read_excel(io.BytesIO(result.xlsx("ja")), sheet_name=None)
    assert list(book) == ["all", "復帰見込み", "DM1通の価値あり", "見送り"]
    assert len(book["all"]) == 2 and book["見送り"].empty


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
    # interval_days is shown to one decimal
    assert (c["recency"] >= (c["interval_days"] - 0.05) * DORMANT["interval_factor"]).all()
    assert (c["recency"] >= DORMANT["min_dormant_days"]).all()
    assert (c["p_alive"] >= DORMANT["min_return_probability"] - 1e-4).all()
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
    assert "顧客数が7人" in ja and "ルール" in ja
    assert "Gamma-Gamma" in simulated[2].note("en")

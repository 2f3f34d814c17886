"""Specification of engine.clv.predict: guard rails, fitting both models, per-customer CLV."""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from engine.clv import (BetaGeoModel, GammaGammaModel, PredictionUnavailable, clv, fit_clv)
from engine.clv.simulate import simulate_orders
from engine.config import load
from engine.settings import FILES, Settings

GUARD = load("clv")["guard"]


def shop(n_customers: int, n_repeat: int, days: int) -> pd.DataFrame:
    """n customers buying on day 0 .. days-1 spread evenly; the first n_repeat buy again."""
    start = pd.Timestamp("2024-01-01")
    rows = []
    for i in range(n_customers):
        first = start + pd.Timedelta(days=i % max(days // 2, 1))
        rows.append((f"c{i}", first, 1000.0 + i))
        if i < n_repeat:
            rows.append((f"c{i}", first + pd.Timedelta(days=days // 2 - 1), 800.0 + i))
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "revenue"])
    return frame


def reason(orders: pd.DataFrame) -> str:
    with pytest.raises(PredictionUnavailable) as err:
        fit_clv(orders)
    return err.value.key


def test_too_few_customers():
    assert reason(shop(GUARD["min_customers"] - 1, 40, 200)) == \
        "clv.unavailable.too_few_customers"


def test_too_short_a_history():
    days = GUARD["min_history_days"] - 10
    assert reason(shop(200, 100, days)) == "clv.unavailable.short_history"


def test_too_few_repeat_buyers():
    assert reason(shop(200, GUARD["min_repeat_customers"] - 1, 200)) == \
        "clv.unavailable.too_few_repeat"


def test_too_low_a_repeat_share():
    n = 2000
    repeat = int(n * GUARD["min_repeat_share"]) - 1
    assert repeat >= GUARD["min_repeat_customers"]
    assert reason(shop(n, repeat, 200)) == "clv.unavailable.low_repeat_share"


def test_a_fit_that_does_not_converge_is_refused():
    orders = simulate_orders(500, r=0.9, alpha=40, a=1.5, b=4, p=6, q=4, v=2500, seed=3)
    base = Settings.default()
    parts = {name: copy.deepcopy(dict(getattr(base, name))) for name in FILES}
    parts["clv"]["fit"]["max_iter"] = 1      # the settings reach the estimator's constructor
    with pytest.raises(PredictionUnavailable) as err:
        fit_clv(orders, settings=Settings(**parts))
    assert err.value.key == "clv.unavailable.not_converged"
    assert "BG/NBD" in err.value.message("en")


def test_refusals_have_a_message_in_both_languages():
    with pytest.raises(PredictionUnavailable) as err:
        fit_clv(shop(10, 5, 200))
    for lang in ("ja", "en"):
        text = err.value.message(lang)
        assert "10" in text and not text.startswith("clv.")


@pytest.fixture(scope="module")
def fitted():
    orders = simulate_orders(3000, r=0.9, alpha=40, a=1.5, b=4, p=6, q=4, v=2500, seed=5)
    return fit_clv(orders)


def test_fit_reports_the_clv_json_figures(fitted):
    d = fitted.to_dict()
    assert set(d) >= {"bgnbd", "gamma_gamma", "customers", "repeat_customers", "time_unit"}
    assert set(d["bgnbd"]) == {"r", "alpha", "a", "b", "loglik"}
    assert set(d["gamma_gamma"]) == {"p", "q", "v"}
    assert d["customers"] == 3000 and d["time_unit"] == "W"   # two years of history


def test_undiscounted_clv_is_expected_purchases_times_expected_value():
    bg, gg = BetaGeoModel(), GammaGammaModel()
    bg.params_ = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}
    gg.params_ = {"p": 6.0, "q": 4.0, "v": 15.0}
    x, t_x, T, m = np.array([0, 2, 5]), np.array([0, 10, 30]), np.array([40, 40, 40]), \
        np.array([0, 30, 20])
    value = clv(bg, gg, x, t_x, T, m, months=12, units_per_month=4.0, margin=0.5)
    expected = bg.expected_purchases(48, x, t_x, T) * gg.expected_average_value(x, m) * 0.5
    np.testing.assert_allclose(value, expected, rtol=1e-12)


def test_discounting_weighs_each_month_by_its_factor():
    bg, gg = BetaGeoModel(), GammaGammaModel()
    bg.params_ = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}
    gg.params_ = {"p": 6.0, "q": 4.0, "v": 15.0}
    args = (np.array([2]), np.array([10]), np.array([40]), np.array([30]))
    d = 0.01
    value = clv(bg, gg, *args, months=2, units_per_month=4.0, monthly_discount=d)
    e1 = bg.expected_purchases(4, *args[:3])
    e2 = bg.expected_purchases(8, *args[:3])
    by_hand = (e1 / (1 + d) + (e2 - e1) / (1 + d) ** 2) * gg.expected_average_value(2, 30)
    np.testing.assert_allclose(value, by_hand, rtol=1e-12)
    assert value < clv(bg, gg, *args, months=2, units_per_month=4.0)


def test_customer_values_table(fitted):
    values = fitted.customer_values(horizon_months=6)
    assert list(values.columns) == ["p_alive", "expected_purchases", "expected_order_value",
                                    "clv"]
    assert len(values) == 3000 and values.index.equals(fitted.summary.table.index)
    assert values["p_alive"].between(0, 1).all()
    np.testing.assert_allclose(values["clv"],
                               values["expected_purchases"] * values["expected_order_value"])


def test_spend_rising_with_frequency_is_flagged():
    from engine.clv import ClvFit, customer_summary

    rows = []
    for i in range(60):
        n = 2 + i % 5                       # 1..5 repeat purchases
        for k in range(n):
            rows.append((f"c{i}", pd.Timestamp("2024-01-01") + pd.Timedelta(days=20 * k),
                         1000.0 * n + i))      # spend per order grows with frequency
    summary = customer_summary(pd.DataFrame(rows, columns=["customer_id", "order_date",
                                                           "revenue"]))
    fit = ClvFit(summary=summary, bgnbd=None, gamma_gamma=None)
    assert fit.frequency_value_correlation() > 0.9
    assert fit.notices() == ["clv.notice.value_depends_on_frequency"]


def test_independent_spend_is_not_flagged(fitted):
    # Simulated customers draw spend independently of frequency, as the model assumes.
    assert abs(fitted.frequency_value_correlation()) < 0.3
    assert fitted.notices() == []


def test_every_clv_message_exists_in_both_languages():
    import re
    from pathlib import Path

    from engine.i18n import catalogue

    ja = {k for k in catalogue("ja") if k.startswith("clv.")}
    en = {k for k in catalogue("en") if k.startswith("clv.")}
    assert ja == en
    root = Path(__file__).resolve().parent.parent / "engine"
    sources = [*(root / "clv").glob("*.py"), root / "dormant.py", root / "commands" / "clv.py"]
    used = {m for f in sources for m in re.findall(r'"(clv\.[a-z_.]+)"', f.read_text())}
    assert used and used <= ja


def test_a_very_large_shop_is_fitted_on_a_stated_fixed_seed_sample_and_every_customer_scored():
    orders = simulate_orders(3000, r=0.9, alpha=40, a=1.5, b=4, p=6, q=4, v=2500, seed=5)
    base = Settings.default()
    parts = {name: copy.deepcopy(dict(getattr(base, name))) for name in FILES}
    parts["clv"]["fit"]["fit_sample"] = 1000
    small = Settings(**parts)
    fit = fit_clv(orders, settings=small)
    again = fit_clv(orders.sample(frac=1, random_state=1), settings=small)
    whole = fit_clv(orders)
    out = fit.to_dict()
    assert out["fitted_on"] == 1000 and out["customers"] == 3000 and "fitted_on" not in whole.to_dict()
    assert out["bgnbd"] == fit_clv(orders, settings=small).to_dict()["bgnbd"], "same file, same fit"
    assert out["bgnbd"] != whole.to_dict()["bgnbd"], "the sample really is a sample"
    # parameters near the full fit's (3000 customers vs a third of them)
    assert abs(out["bgnbd"]["a"] / whole.to_dict()["bgnbd"]["a"] - 1) < 0.5
    assert again.fitted_on == 1000
    assert len(fit.customer_values()) == 3000, "every customer scored with the sampled parameters"

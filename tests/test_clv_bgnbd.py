"""Specification of engine.clv.bgnbd: the BG/NBD model of Fader, Hardie & Lee (2005).

Checked against the published CDNOW estimates, against numerical integration over the gamma
(λ) and beta (p) mixing distributions, and by recovering parameters from simulated customers.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from scipy.optimize import approx_fprime

from engine.clv.bgnbd import BetaGeoModel, _Data, _loglik_terms, _neg_mean_ll
from engine.clv.simulate import simulate_orders
from engine.clv.summary import customer_summary

CDNOW_CSV = Path(__file__).parent / "data" / "cdnow_sample.csv"


def cdnow_orders() -> pd.DataFrame:
    raw = pd.read_csv(CDNOW_CSV, dtype={"customer_id": str})
    return pd.DataFrame({"customer_id": raw["customer_id"],
                         "order_date": pd.to_datetime(raw["date"]),
                         "revenue": raw["amount"].astype(float)})


@pytest.fixture(scope="module")
def cdnow_summary():
    # 39-week calibration: 1997-01-01 .. 1997-09-30 (T of a 1 January buyer = 272/7 = 38.86).
    return customer_summary(cdnow_orders(), calibration_end="1997-09-30", time_unit="W")


@pytest.fixture(scope="module")
def cdnow_model(cdnow_summary):
    tb = cdnow_summary.table
    return BetaGeoModel().fit(tb["frequency"], tb["recency"], tb["T"])


def published_model() -> BetaGeoModel:
    model = BetaGeoModel()
    model.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    return model


def test_cdnow_sample_has_the_published_counts(cdnow_summary):
    assert cdnow_summary.n_customers == 2357
    assert cdnow_summary.n_repeat == 946
    assert cdnow_summary.table["T"].max() == pytest.approx(38.86, abs=0.005)


def test_reproduces_published_cdnow_estimates(cdnow_model):
    p = cdnow_model.params_
    assert cdnow_model.converged_
    assert (round(p["r"], 3), round(p["alpha"], 3), round(p["a"], 3), round(p["b"], 3)) == \
        (0.243, 4.414, 0.793, 2.426)
    assert round(cdnow_model.loglik_, 1) == -9582.4   # the paper's LL


def test_published_conditional_expectation_for_customer_1():
    # Paper, section 5: x = 2, t_x = 30.43, T = 38.86 -> 1.226 purchases in the next 39 weeks.
    e = published_model().expected_purchases(39, 2, 30.43, 38.86)
    assert float(e) == pytest.approx(1.226, abs=0.0005)


# -- closed forms against numerical integration --------------------------------------------
THETA = {"r": 2.0, "alpha": 3.0, "a": 2.5, "b": 4.0}   # a > 1 so that E[1/p] is finite
CASES = [(0, 0.0, 6.0), (1, 2.0, 6.0), (3, 4.5, 8.0)]


def mixed(func, theta=THETA):
    """∫∫ func(λ, p) g(λ | r, α) f(p | a, b) dλ dp."""
    r, alpha, a, b = theta["r"], theta["alpha"], theta["a"], theta["b"]
    # Densities written out with math (scipy.stats' per-call overhead makes dblquad slow).
    log_g0 = r * math.log(alpha) - math.lgamma(r)
    log_f0 = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)

    def integrand(lam: float, p: float) -> float:
        if lam <= 0 or p <= 0 or p >= 1:
            return 0.0
        density = math.exp(log_g0 + (r - 1) * math.log(lam) - alpha * lam + log_f0
                           + (a - 1) * math.log(p) + (b - 1) * math.log1p(-p))
        return func(lam, p) * density

    value, _ = integrate.dblquad(integrand, 0, 1, 0, np.inf, epsabs=1e-12, epsrel=1e-9)
    return value


def individual_likelihood(x, t_x, T):
    def alive(lam, p):
        return (1 - p) ** x * lam ** x * math.exp(-lam * T)

    def dropped(lam, p):
        return p * (1 - p) ** (x - 1) * lam ** x * math.exp(-lam * t_x) if x > 0 else 0.0

    return alive, dropped


def model(theta=THETA) -> BetaGeoModel:
    m = BetaGeoModel()
    m.params_ = dict(theta)
    return m


@pytest.mark.parametrize("x,t_x,T", CASES)
def test_loglik_equals_log_of_integrated_likelihood(x, t_x, T):
    alive, dropped = individual_likelihood(x, t_x, T)
    numeric = mixed(lambda lam, p: alive(lam, p) + dropped(lam, p))
    closed = _loglik_terms(np.array(list(THETA.values())), _Data.build([x], [t_x], [T]))[0][0]
    assert closed == pytest.approx(np.log(numeric), abs=1e-7)


@pytest.mark.parametrize("x,t_x,T", CASES)
def test_p_alive_matches_posterior_integral(x, t_x, T):
    alive, dropped = individual_likelihood(x, t_x, T)
    numeric = mixed(alive) / mixed(lambda lam, p: alive(lam, p) + dropped(lam, p))
    assert float(model().p_alive(x, t_x, T)) == pytest.approx(numeric, rel=1e-6)


@pytest.mark.parametrize("x,t_x,T", CASES)
def test_conditional_expected_purchases_matches_posterior_integral(x, t_x, T):
    t = 5.0
    alive, dropped = individual_likelihood(x, t_x, T)
    # Alive at T: purchases in the next t are (1 - exp(-λ p t)) / p in expectation.
    numeric = mixed(lambda lam, p: alive(lam, p) * (-math.expm1(-lam * p * t)) / p) / \
        mixed(lambda lam, p: alive(lam, p) + dropped(lam, p))
    assert float(model().expected_purchases(t, x, t_x, T)) == pytest.approx(numeric, rel=1e-6)


def test_expected_purchases_of_a_new_customer_matches_integral():
    t = 7.0
    numeric = mixed(lambda lam, p: (-math.expm1(-lam * p * t)) / p)
    assert float(model().expected_purchases_new(t)) == pytest.approx(numeric, rel=1e-6)


def test_p_alive_is_one_without_repeat_and_falls_with_silence():
    m = published_model()
    assert m.p_alive(0, 0, 30) == 1.0
    assert m.p_alive(3, 10, 30) < m.p_alive(3, 25, 30) < 1.0


# -- fitting -------------------------------------------------------------------------------
def test_gradient_is_the_derivative_of_the_objective(cdnow_summary):
    tb = cdnow_summary.table
    data = _Data.build(tb["frequency"], tb["recency"], tb["T"])
    point = np.log([0.5, 3.0, 1.2, 2.0])
    analytic = _neg_mean_ll(point, data, 0.1)[1]
    numeric = approx_fprime(point, lambda p: _neg_mean_ll(p, data, 0.1)[0], 1e-7)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-7)


def test_recovers_parameters_of_simulated_customers():
    true = {"r": 0.9, "alpha": 40.0, "a": 1.5, "b": 4.0}   # per day
    orders = simulate_orders(8000, **true, p=6, q=4, v=2500, days=900, seed=7)
    tb = customer_summary(orders, time_unit="D").table
    fitted = BetaGeoModel().fit(tb["frequency"], tb["recency"], tb["T"]).params_
    assert fitted["r"] == pytest.approx(true["r"], rel=0.1)
    assert fitted["alpha"] == pytest.approx(true["alpha"], rel=0.15)
    # a and b are weakly identified separately; their mean dropout a/(a+b) is not.
    assert fitted["a"] / (fitted["a"] + fitted["b"]) == pytest.approx(
        true["a"] / (true["a"] + true["b"]), rel=0.15)


def test_penalizer_shrinks_parameters(cdnow_summary):
    tb = cdnow_summary.table
    plain = BetaGeoModel().fit(tb["frequency"], tb["recency"], tb["T"])
    shrunk = BetaGeoModel(penalizer=0.1).fit(tb["frequency"], tb["recency"], tb["T"])
    assert sum(v ** 2 for v in shrunk.params_.values()) < \
        sum(v ** 2 for v in plain.params_.values())
    assert shrunk.loglik_ < plain.loglik_


# -- properties over many inputs -------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

params = st.fixed_dictionaries({
    "r": st.floats(0.05, 5), "alpha": st.floats(0.5, 50), "a": st.floats(0.05, 5),
    "b": st.floats(0.05, 20)})
history = st.tuples(st.integers(0, 40), st.floats(0, 1), st.floats(1, 200))


@settings(max_examples=200, deadline=None)
@given(params, history, st.floats(0.1, 100))
def test_predictions_are_probabilities_and_grow_with_the_horizon(theta, hist, t):
    x, share, T = hist
    t_x = share * T if x > 0 else 0.0
    m = model(theta)
    p = float(m.p_alive(x, t_x, T))
    assert 0 <= p <= 1
    e1, e2 = (float(m.expected_purchases(h, x, t_x, T)) for h in (t, 2 * t))
    assert np.isfinite(e1) and np.isfinite(e2)
    assert -1e-9 <= e1 <= e2 + 1e-9
    # A later last purchase (same x and T) can only mean a customer more likely alive.
    if x > 0 and share < 1:
        assert float(m.p_alive(x, T, T)) >= p - 1e-12


def test_a_equal_to_one_is_the_continuous_limit_not_a_division_by_zero():
    theta = {**THETA, "a": 1.0}
    t = 5.0
    numeric_new = mixed(lambda lam, p: -math.expm1(-lam * p * t) / p, theta)
    assert float(model(theta).expected_purchases_new(t)) == pytest.approx(numeric_new, rel=1e-6)
    alive, dropped = individual_likelihood(2, 3.0, 6.0)
    numeric = mixed(lambda lam, p: alive(lam, p) * -math.expm1(-lam * p * t) / p, theta) / \
        mixed(lambda lam, p: alive(lam, p) + dropped(lam, p), theta)
    assert float(model(theta).expected_purchases(t, 2, 3.0, 6.0)) == pytest.approx(numeric,
                                                                                   rel=1e-6)


def test_optimiser_settings_are_constructor_parameters():
    from engine.config import load
    shipped = BetaGeoModel()
    fit = load("clv")["fit"]
    assert (shipped.maxiter, shipped.gtol, shipped.log_bound) == (
        fit["max_iter"], fit["gtol"], fit["log_bound"])
    assert BetaGeoModel(maxiter=7, starts=[[1, 1, 1, 1]]).maxiter == 7

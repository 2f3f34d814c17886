"""Specification of engine.clv.gamma_gamma: spend per order (Fader, Hardie & Lee 2005, RFM & CLV).

Checked against the published CDNOW estimates on the 946 repeat buyers and against numerical
integration over the gamma mixing distribution of ν.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from scipy.optimize import approx_fprime

from engine.clv.gamma_gamma import GammaGammaModel, _Data, _loglik, _neg_mean_ll
from engine.clv.summary import customer_summary

CDNOW_CSV = Path(__file__).parent / "data" / "cdnow_sample.csv"


@pytest.fixture(scope="module")
def cdnow_table():
    raw = pd.read_csv(CDNOW_CSV, dtype={"customer_id": str})
    orders = pd.DataFrame({"customer_id": raw["customer_id"],
                           "order_date": pd.to_datetime(raw["date"]),
                           "revenue": raw["amount"].astype(float)})
    return customer_summary(orders, calibration_end="1997-09-30", time_unit="W").table


def test_reproduces_published_cdnow_estimates(cdnow_table):
    # Fitted on the repeat buyers' mean repeat-transaction value in the calibration period.
    model = GammaGammaModel().fit(cdnow_table["frequency"], cdnow_table["monetary"])
    p = model.params_
    assert model.converged_ and model.n_customers_ == 946
    assert (round(p["p"], 2), round(p["q"], 2), round(p["v"], 2)) == (6.25, 3.74, 15.44)


def test_one_time_buyers_do_not_enter_the_fit(cdnow_table):
    repeat = cdnow_table[cdnow_table["frequency"] > 0]
    all_rows = GammaGammaModel().fit(cdnow_table["frequency"], cdnow_table["monetary"])
    only = GammaGammaModel().fit(repeat["frequency"], repeat["monetary"])
    assert all_rows.params_ == pytest.approx(only.params_, rel=1e-9)


# -- closed forms against numerical integration --------------------------------------------
P, Q, V = 3.0, 4.0, 60.0


def nu_integral(func):
    """∫ func(ν) g(ν | q, v) dν with ν ~ Gamma(shape q, rate v)."""
    log_g0 = Q * math.log(V) - math.lgamma(Q)
    value, _ = integrate.quad(
        lambda nu: func(nu) * math.exp(log_g0 + (Q - 1) * math.log(nu) - V * nu) if nu > 0
        else 0.0, 0, np.inf, epsabs=1e-14, epsrel=1e-10, limit=200)
    return value


def mean_density(m, x, nu):
    """Density of the mean of x Gamma(P, ν) values: Gamma(shape P·x, rate x·ν) at m."""
    k, rate = P * x, x * nu
    return math.exp(k * math.log(rate) - math.lgamma(k) + (k - 1) * math.log(m) - rate * m)


@pytest.mark.parametrize("x,m", [(1, 25.0), (3, 40.0), (10, 12.5)])
def test_loglik_equals_log_of_integrated_density(x, m):
    numeric = nu_integral(lambda nu: mean_density(m, x, nu))
    closed = _loglik(np.array([P, Q, V]), _Data.build([x], [m]))[0]
    assert closed == pytest.approx(math.log(numeric), abs=1e-8)


@pytest.mark.parametrize("x,m", [(1, 25.0), (3, 40.0), (10, 12.5)])
def test_expected_average_value_is_posterior_mean_spend(x, m):
    # E[P/ν | data], the posterior weighting ν by the likelihood of the observed mean.
    numeric = nu_integral(lambda nu: P / nu * mean_density(m, x, nu)) / \
        nu_integral(lambda nu: mean_density(m, x, nu))
    model = GammaGammaModel()
    model.params_ = {"p": P, "q": Q, "v": V}
    assert float(model.expected_average_value(x, m)) == pytest.approx(numeric, rel=1e-8)


def test_without_repeat_purchases_the_expectation_is_the_population_mean():
    model = GammaGammaModel()
    model.params_ = {"p": P, "q": Q, "v": V}
    assert float(model.expected_average_value(0, 0)) == pytest.approx(P * V / (Q - 1))
    assert model.population_mean() == pytest.approx(nu_integral(lambda nu: P / nu))


def test_more_transactions_pull_the_estimate_towards_the_own_mean():
    model = GammaGammaModel()
    model.params_ = {"p": P, "q": Q, "v": V}
    own = 200.0
    few, many = model.expected_average_value([1, 20], [own, own])
    assert model.population_mean() < few < many < own


def test_gradient_is_the_derivative_of_the_objective(cdnow_table):
    rep = cdnow_table[cdnow_table["frequency"] > 0]
    data = _Data.build(rep["frequency"], rep["monetary"])
    point = np.log([2.0, 3.0, 20.0])
    analytic = _neg_mean_ll(point, data, 0.01)[1]
    numeric = approx_fprime(point, lambda p: _neg_mean_ll(p, data, 0.01)[0], 1e-7)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-7)


def test_no_repeat_buyers_is_not_a_converged_fit():
    model = GammaGammaModel().fit([0, 0, 0], [0.0, 0.0, 0.0])
    assert not model.converged_ and model.n_customers_ == 0

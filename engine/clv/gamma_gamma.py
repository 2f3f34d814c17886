"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie's 2013 note).

Each transaction value is Gamma(p, ν) with ν ~ Gamma(q, γ) across customers (γ is `v` here).
Fitted on repeat customers only (x > 0) from their number of repeat transactions x and mean
repeat-transaction value m; `expected_average_value` is the posterior mean spend per order,
which shrinks a customer's own average towards the population mean p·v / (q − 1).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import digamma, gammaln

from engine.clv._mle import collapse, maximise
from engine.config import load

PARAM_NAMES = ("p", "q", "v")


def _loglik(theta: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    p, q, v = theta
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v)
            + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(v + x * m))


def _neg_mean_ll(log_theta: np.ndarray, x: np.ndarray, m: np.ndarray, w: np.ndarray,
                 penalizer: float) -> tuple[float, np.ndarray]:
    theta = np.exp(log_theta)
    p, q, v = theta
    ll = _loglik(theta, x, m)
    px = p * x
    log_vxm = np.log(v + x * m)
    g_p = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - log_vxm)
    g_q = digamma(px + q) - digamma(q) + np.log(v) - log_vxm
    g_v = q / v - (px + q) / (v + x * m)
    total = w.sum()
    value = -(w @ ll) / total + penalizer * np.sum(theta ** 2)
    grad = -np.array([w @ g_p, w @ g_q, w @ g_v]) / total * theta + 2 * penalizer * theta ** 2
    return float(value), grad


class GammaGammaModel:
    """Gamma-Gamma fitted by MLE: `GammaGammaModel().fit(frequency, monetary)`.

    Customers with frequency 0 (or non-positive monetary) are ignored: the model describes the
    spread of repeat-transaction values. After fit: `params_` (p, q, v), `loglik_`,
    `converged_`, `n_customers_` (repeat customers used).
    """

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    def fit(self, frequency: Any, monetary: Any) -> "GammaGammaModel":
        x, m = np.asarray(frequency, dtype=float), np.asarray(monetary, dtype=float)
        use = (x > 0) & (m > 0)
        (ux, um), w = collapse(x[use], m[use])
        cfg = load("clv")["fit"]
        scale = float(np.average(um, weights=w)) if len(um) else 1.0
        starts = [np.array([s[0], s[1], s[2] * scale]) for s in cfg["gamma_gamma_starts"]]
        if len(um) == 0:
            self.params_ = dict.fromkeys(PARAM_NAMES, float("nan"))
            self.loglik_, self.converged_, self.n_customers_ = float("-inf"), False, 0
            return self
        res = maximise(lambda th: _neg_mean_ll(th, ux, um, w, self.penalizer), starts,
                       n_customers=w.sum(), gtol=cfg["gtol"], max_iter=cfg["max_iter"],
                       log_bound=cfg["log_bound"])
        self.params_ = dict(zip(PARAM_NAMES, (float(v) for v in res.params)))
        self.loglik_ = float(w @ _loglik(res.params, ux, um)) if np.all(
            np.isfinite(res.params)) else float("-inf")
        # The mean spend p·v/(q−1) is finite only for q > 1.
        self.converged_ = bool(res.converged and self.params_["q"] > 1)
        self.n_customers_ = int(use.sum())
        return self

    def population_mean(self) -> float:
        """Mean spend per order across customers, p·v / (q − 1)."""
        p, q, v = (self.params_[k] for k in PARAM_NAMES)
        return p * v / (q - 1)

    def expected_average_value(self, x: Any, m: Any) -> np.ndarray:
        """E[spend per order | x repeat transactions with mean m]; population mean for x = 0."""
        p, q, v = (self.params_[k] for k in PARAM_NAMES)
        x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
        return p * (v + x * m) / (p * x + q - 1)

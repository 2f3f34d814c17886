"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie's 2013 note).

Each transaction value is Gamma(p, ν) with ν ~ Gamma(q, γ) across customers (γ is `v` here).
Fitted on repeat customers only (x > 0) from their number of repeat transactions x and mean
repeat-transaction value m; `expected_average_value` is the posterior mean spend per order,
which shrinks a customer's own average towards the population mean p·v / (q − 1).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import digamma, gammaln

from engine.clv._mle import collapse, maximise
from engine.settings import Settings, resolve

PARAM_NAMES = ("p", "q", "v")


@dataclass(frozen=True)
class _Data:
    """Fitting data: rows, weights, and per distinct x the index for the special functions."""

    x: np.ndarray
    m: np.ndarray
    w: np.ndarray
    log_xm: np.ndarray    # log(x·m), constant during the fit
    xu: np.ndarray        # distinct frequencies
    xi: np.ndarray

    @classmethod
    def build(cls, x: Any, m: Any, w: Any = None) -> "_Data":
        x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
        w = np.ones_like(x) if w is None else np.asarray(w, dtype=float)
        xu, xi = np.unique(x, return_inverse=True)
        return cls(x, m, w, np.log(x * m), xu, xi.ravel())


def _loglik(theta: np.ndarray, d: _Data) -> np.ndarray:
    """Log-density of the mean repeat value m of x transactions, ν integrated out."""
    p, q, v = theta
    pxu = p * d.xu
    head = (gammaln(pxu + q) - gammaln(pxu) - gammaln(q))[d.xi]
    # (px − 1)·log m + px·log x, rewritten with log(x·m) precomputed
    return (head + q * np.log(v) + p * d.x * d.log_xm - np.log(d.m)
            - (p * d.x + q) * np.log(v + d.x * d.m))


def _neg_mean_ll(log_theta: np.ndarray, d: _Data, penalizer: float
                 ) -> tuple[float, np.ndarray]:
    theta = np.exp(log_theta)
    p, q, v = theta
    ll = _loglik(theta, d)
    pxu = p * d.xu
    psi_pxq = digamma(pxu + q)
    log_vxm = np.log(v + d.x * d.m)
    g_p = d.x * ((psi_pxq - digamma(pxu))[d.xi] + d.log_xm - log_vxm)
    g_q = psi_pxq[d.xi] - digamma(q) + np.log(v) - log_vxm
    g_v = q / v - (p * d.x + q) / (v + d.x * d.m)
    w = d.w
    total = w.sum()
    value = -np.sum(w * ll) / total + penalizer * np.sum(theta ** 2)
    grad = -np.array([np.sum(w * g) for g in (g_p, g_q, g_v)]) / total
    grad = grad * theta + 2 * penalizer * theta ** 2   # chain rule to log-parameters
    return float(value), grad


class GammaGammaModel:
    """Gamma-Gamma fitted by MLE: `GammaGammaModel().fit(frequency, monetary)`.

    Customers with frequency 0 (or non-positive monetary) are ignored: the model describes the
    spread of repeat-transaction values. After fit: `params_` (p, q, v), `loglik_`,
    `converged_`, `n_customers_` (repeat customers used).
    """

    def __init__(self, penalizer: float = 0.0, *, maxiter: int | None = None,
                 gtol: float | None = None, starts: list[list[float]] | None = None,
                 log_bound: float | None = None, settings: Settings | None = None) -> None:
        # Optimiser settings: given here, else clv.toml [fit] of `settings` (the shipped ones).
        fit = resolve(settings).clv["fit"]
        self.penalizer = penalizer
        self.maxiter = int(fit["max_iter"] if maxiter is None else maxiter)
        self.gtol = float(fit["gtol"] if gtol is None else gtol)
        self.starts = [list(map(float, s)) for s in (fit["gamma_gamma_starts"] if starts is None
                                                     else starts)]
        self.log_bound = float(fit["log_bound"] if log_bound is None else log_bound)

    def fit(self, frequency: Any, monetary: Any) -> "GammaGammaModel":
        x, m = np.asarray(frequency, dtype=float), np.asarray(monetary, dtype=float)
        use = (x > 0) & (m > 0)
        (ux, um), w = collapse(x[use], m[use])
        scale = float(np.average(um, weights=w)) if len(um) else 1.0
        starts = [np.array([s[0], s[1], s[2] * scale]) for s in self.starts]
        if len(um) == 0:
            self.params_ = dict.fromkeys(PARAM_NAMES, float("nan"))
            self.loglik_, self.converged_, self.n_customers_ = float("-inf"), False, 0
            return self
        data = _Data.build(ux, um, w)
        res = maximise(lambda th: _neg_mean_ll(th, data, self.penalizer), starts,
                       n_customers=w.sum(), gtol=self.gtol, max_iter=self.maxiter,
                       log_bound=self.log_bound)
        self.params_ = dict(zip(PARAM_NAMES, (float(v) for v in res.params)))
        self.loglik_ = float(np.sum(w * _loglik(res.params, data))) if np.all(
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

"""BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

While alive, a customer buys at Poisson rate λ ~ Gamma(r, α); after each purchase they drop out
with probability p ~ Beta(a, b). Fitted by maximum likelihood (eq. 6 of the paper), with the
closed forms for P(alive), conditional expected purchases (eq. 10, Gaussian hypergeometric
function) and expected purchases of a new customer (eq. 9).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import betaln, digamma, gammaln, hyp2f1

from engine.clv._mle import collapse, maximise
from engine.settings import Settings, resolve

PARAM_NAMES = ("r", "alpha", "a", "b")


@dataclass(frozen=True)
class _Data:
    """Fitting data: collapsed rows, weights, and the distinct frequencies.

    Special functions of r + x, b + x, a + b + x are evaluated once per distinct x (a few
    dozen values) and indexed back, which is what makes 100,000 customers fast.
    """

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    w: np.ndarray
    xu: np.ndarray        # distinct frequencies
    xi: np.ndarray        # index of each row's frequency in xu

    @classmethod
    def build(cls, x: Any, t_x: Any, T: Any, w: Any = None) -> "_Data":
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        w = np.ones_like(x) if w is None else np.asarray(w, dtype=float)
        xu, xi = np.unique(x, return_inverse=True)
        return cls(x, t_x, T, w, xu, xi.ravel())


def _loglik_terms(theta: np.ndarray, d: _Data
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-customer log-likelihood (eq. 6) and the weights of its two terms."""
    r, alpha, a, b = theta
    x, xu = d.x, d.xu
    a1 = (gammaln(r + xu) - gammaln(r) + r * np.log(alpha))[d.xi]
    a2 = (betaln(a, b + xu) - betaln(a, b))[d.xi]
    a3 = -(r + x) * np.log(alpha + d.T)
    # The "dropped out right after the last purchase" term exists only for repeat buyers.
    log_b_x1 = np.log(np.where(xu > 0, b + xu - 1, 1.0))[d.xi]
    a4 = np.where(x > 0, np.log(a) - log_b_x1 - (r + x) * np.log(alpha + d.t_x), -np.inf)
    lse = np.logaddexp(a3, a4)
    return a1 + a2 + lse, np.exp(a3 - lse), np.exp(a4 - lse)


def _neg_mean_ll(log_theta: np.ndarray, d: _Data, penalizer: float
                 ) -> tuple[float, np.ndarray]:
    """Negative weighted mean log-likelihood and its gradient w.r.t. log-parameters."""
    theta = np.exp(log_theta)
    r, alpha, a, b = theta
    x, xu, xi = d.x, d.xu, d.xi
    ll, w3, w4 = _loglik_terms(theta, d)
    inv_b_x1 = np.where(xu > 0, 1.0 / np.where(xu > 0, b + xu - 1, 1.0), 0.0)[xi]
    g_r = (digamma(r + xu) - digamma(r))[xi] + np.log(alpha) - w3 * np.log(alpha + d.T) \
        - w4 * np.log(alpha + d.t_x)
    g_alpha = r / alpha - (r + x) * (w3 / (alpha + d.T) + w4 / (alpha + d.t_x))
    g_a = (digamma(a + b) - digamma(a + b + xu))[xi] + w4 / a
    g_b = (digamma(a + b) + digamma(b + xu) - digamma(b) - digamma(a + b + xu))[xi] \
        - w4 * inv_b_x1
    w = d.w
    total = w.sum()
    value = -np.sum(w * ll) / total + penalizer * np.sum(theta ** 2)
    grad = -np.array([np.sum(w * g) for g in (g_r, g_alpha, g_a, g_b)]) / total
    grad = grad * theta + 2 * penalizer * theta ** 2   # chain rule to log-parameters
    return float(value), grad


class BetaGeoModel:
    """BG/NBD fitted by MLE: `BetaGeoModel().fit(frequency, recency, T)`.

    After fit: `params_` (dict r, alpha, a, b), `loglik_` (total log-likelihood),
    `converged_`, `n_customers_`. `penalizer` adds penalizer × Σθ² to the negative mean
    log-likelihood (as `lifetimes` does), 0 for plain MLE.
    """

    def __init__(self, penalizer: float = 0.0, *, maxiter: int | None = None,
                 gtol: float | None = None, starts: list[list[float]] | None = None,
                 log_bound: float | None = None, settings: Settings | None = None) -> None:
        # Optimiser settings: given here, else clv.toml [fit] of `settings` (the shipped ones).
        fit = resolve(settings).clv["fit"]
        self.penalizer = penalizer
        self.maxiter = int(fit["max_iter"] if maxiter is None else maxiter)
        self.gtol = float(fit["gtol"] if gtol is None else gtol)
        self.starts = [list(map(float, s)) for s in (fit["bgnbd_starts"] if starts is None
                                                     else starts)]
        self.log_bound = float(fit["log_bound"] if log_bound is None else log_bound)

    def fit(self, frequency: Any, recency: Any, T: Any) -> "BetaGeoModel":
        x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        (ux, ut, uT), w = collapse(x, t_x, big_t)
        data = _Data.build(ux, ut, uT, w)
        scale = float(np.mean(big_t)) or 1.0
        starts = [np.array([s[0], s[1] * scale, s[2], s[3]]) for s in self.starts]
        res = maximise(lambda p: _neg_mean_ll(p, data, self.penalizer), starts,
                       n_customers=w.sum(), gtol=self.gtol, max_iter=self.maxiter,
                       log_bound=self.log_bound)
        self.params_ = dict(zip(PARAM_NAMES, (float(v) for v in res.params)))
        # Report the unpenalised log-likelihood of the data.
        self.loglik_ = float(self.loglik(ux, ut, uT, w)) if np.all(
            np.isfinite(res.params)) else float("-inf")
        self.converged_ = res.converged
        self.n_customers_ = int(len(x))
        return self

    # -- closed forms -------------------------------------------------------------------------
    def _theta(self) -> tuple[float, float, float, float]:
        p = self.params_
        return p["r"], p["alpha"], p["a"], p["b"]

    def loglik(self, frequency: Any, recency: Any, T: Any, weights: Any = None) -> float:
        """Total log-likelihood of the data under the fitted parameters."""
        d = _Data.build(frequency, recency, T, weights)
        return float(np.sum(d.w * _loglik_terms(np.array(self._theta()), d)[0]))

    def p_alive(self, x: Any, t_x: Any, T: Any) -> np.ndarray:
        """P(still a customer at T | x repeat purchases, last at t_x); 1 for x = 0."""
        r, alpha, a, b = self._theta()
        x, t_x, big_t = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        b_x1 = np.where(x > 0, b + x - 1, 1.0)
        log_odds = np.log(a) - np.log(b_x1) + (r + x) * (np.log(alpha + big_t)
                                                         - np.log(alpha + t_x))
        return np.where(x > 0, 1.0 / (1.0 + np.exp(log_odds)), 1.0)

    def expected_purchases(self, t: Any, x: Any, t_x: Any, T: Any) -> np.ndarray:
        """E[purchases in (T, T + t] | x, t_x, T] — eq. 10 of the paper."""
        r, alpha, a, b = self._theta()
        t, x, t_x, big_t = (np.asarray(v, dtype=float) for v in (t, x, t_x, T))

        def if_alive(a_: float) -> np.ndarray:
            z = t / (alpha + big_t + t)
            ratio = np.exp((r + x) * (np.log(alpha + big_t) - np.log(alpha + big_t + t)))
            return (a_ + b + x - 1) / (a_ - 1) * (
                1 - ratio * hyp2f1(r + x, b + x, a_ + b + x - 1, z))

        return _around_a_equal_1(if_alive, a) * self.p_alive(x, t_x, big_t)

    def expected_purchases_new(self, t: Any) -> np.ndarray:
        """E[X(t)] for a customer just acquired (first purchase at 0) — eq. 9."""
        r, alpha, a, b = self._theta()
        t = np.asarray(t, dtype=float)

        def formula(a_: float) -> np.ndarray:
            ratio = np.exp(r * (np.log(alpha) - np.log(alpha + t)))
            return (a_ + b - 1) / (a_ - 1) * (1 - ratio * hyp2f1(r, b, a_ + b - 1, t / (alpha + t)))

        return _around_a_equal_1(formula, a)


_A_GAP = 1e-4


def _around_a_equal_1(formula: Any, a: float) -> np.ndarray:
    """formula(a), or at a ≈ 1 (0/0 in the closed forms) the mean of a = 1 ± gap, which is
    the continuous limit up to O(gap²)."""
    if abs(a - 1) >= _A_GAP:
        return formula(a)
    return (formula(1 - _A_GAP) + formula(1 + _A_GAP)) / 2

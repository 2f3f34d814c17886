"""BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

While alive, a customer buys at Poisson rate λ ~ Gamma(r, α); after each purchase they drop out
with probability p ~ Beta(a, b). Fitted by maximum likelihood (eq. 6 of the paper), with the
closed forms for P(alive), conditional expected purchases (eq. 10, Gaussian hypergeometric
function) and expected purchases of a new customer (eq. 9).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import betaln, digamma, gammaln, hyp2f1

from engine.clv._mle import collapse, maximise
from engine.config import load

PARAM_NAMES = ("r", "alpha", "a", "b")


def _loglik_terms(theta: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-customer log-likelihood and the pieces its gradient needs."""
    r, alpha, a, b = theta
    repeat = x > 0
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    # The "dropped out right after the last purchase" term exists only for repeat buyers.
    a4 = np.full_like(a3, -np.inf)
    a4[repeat] = (np.log(a) - np.log(b + x[repeat] - 1)
                  - (r + x[repeat]) * np.log(alpha + t_x[repeat]))
    d = np.logaddexp(a3, a4)
    return a1 + a2 + d, np.exp(a3 - d), np.exp(a4 - d), a1, a2


def _neg_mean_ll(log_theta: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
                 w: np.ndarray, penalizer: float) -> tuple[float, np.ndarray]:
    theta = np.exp(log_theta)
    r, alpha, a, b = theta
    ll, w3, w4, _, _ = _loglik_terms(theta, x, t_x, T)
    b_x1 = np.where(x > 0, b + x - 1, 1.0)   # only used where w4 > 0
    g_r = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * np.log(alpha + T) \
        - w4 * np.log(alpha + t_x)
    g_alpha = r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + t_x))
    g_a = digamma(a + b) - digamma(a + b + x) + w4 / a
    g_b = digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x) - w4 / b_x1
    total = w.sum()
    value = -(w @ ll) / total + penalizer * np.sum(theta ** 2)
    grad = -np.array([w @ g_r, w @ g_alpha, w @ g_a, w @ g_b]) / total
    grad = grad * theta + 2 * penalizer * theta ** 2   # chain rule to log-parameters
    return float(value), grad


class BetaGeoModel:
    """BG/NBD fitted by MLE: `BetaGeoModel().fit(frequency, recency, T)`.

    After fit: `params_` (dict r, alpha, a, b), `loglik_` (total log-likelihood),
    `converged_`, `n_customers_`. `penalizer` adds penalizer × Σθ² to the negative mean
    log-likelihood (as `lifetimes` does), 0 for plain MLE.
    """

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    def fit(self, frequency: Any, recency: Any, T: Any) -> "BetaGeoModel":
        x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        (ux, ut, uT), w = collapse(x, t_x, big_t)
        cfg = load("clv")["fit"]
        scale = float(np.mean(big_t)) or 1.0
        starts = [np.array([s[0], s[1] * scale, s[2], s[3]]) for s in cfg["bgnbd_starts"]]
        res = maximise(lambda p: _neg_mean_ll(p, ux, ut, uT, w, self.penalizer), starts,
                       n_customers=w.sum(), gtol=cfg["gtol"], max_iter=cfg["max_iter"],
                       log_bound=cfg["log_bound"])
        self.params_ = dict(zip(PARAM_NAMES, (float(v) for v in res.params)))
        # Report the unpenalised log-likelihood of the data.
        self.loglik_ = float(self.loglik(ux, ut, uT, w)) if res.converged or np.all(
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
        x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        ll = _loglik_terms(np.array(self._theta()), x, t_x, big_t)[0]
        w = np.ones_like(ll) if weights is None else np.asarray(weights, dtype=float)
        return float(w @ ll)

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
        z = t / (alpha + big_t + t)
        ratio = np.exp((r + x) * (np.log(alpha + big_t) - np.log(alpha + big_t + t)))
        head = (a + b + x - 1) / (a - 1) * (1 - ratio * hyp2f1(r + x, b + x, a + b + x - 1, z))
        return head * self.p_alive(x, t_x, big_t)

    def expected_purchases_new(self, t: Any) -> np.ndarray:
        """E[X(t)] for a customer just acquired (first purchase at 0) — eq. 9."""
        r, alpha, a, b = self._theta()
        t = np.asarray(t, dtype=float)
        ratio = np.exp(r * (np.log(alpha) - np.log(alpha + t)))
        return (a + b - 1) / (a - 1) * (1 - ratio * hyp2f1(r, b, a + b - 1, t / (alpha + t)))

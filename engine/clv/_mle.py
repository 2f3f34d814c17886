"""Shared maximum-likelihood machinery for the CLV models (log-parameters, restarts, weights).

Customers with identical inputs are collapsed into one row with a weight, which makes fitting
100,000 customers cheap (daily data repeat the same (x, t_x, T) many times).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits


def collapse(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Unique rows of the stacked columns and how many customers share each."""
    stacked = np.column_stack([np.asarray(c, dtype=float) for c in columns])
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return [unique[:, i] for i in range(unique.shape[1])], counts.astype(float)


@dataclass(frozen=True)
class MleResult:
    params: np.ndarray
    loglik: float          # total log-likelihood (sum over customers)
    converged: bool
    n_iter: int


def maximise(neg_mean_ll: Callable[[np.ndarray], tuple[float, np.ndarray]],
             starts: Sequence[np.ndarray], *, n_customers: float, gtol: float,
             max_iter: int, log_bound: float) -> MleResult:
    """Minimise a negative mean log-likelihood over log-parameters from several starts.

    `neg_mean_ll(log_params)` returns (value, gradient w.r.t. log_params). The best optimum
    wins; it counts as converged when the optimiser reports success, the value is finite and no
    parameter sits on the bound (where the data do not identify it).
    """
    # Four parameters: BLAS threads only add contention (measured 10x slower on a busy box).
    with threadpool_limits(limits=1):
        best = _best_of(neg_mean_ll, starts, gtol=gtol, max_iter=max_iter, log_bound=log_bound)
    if best is None:
        return MleResult(np.full(len(starts[0]), np.nan), float("-inf"), False, 0)
    on_bound = bool(np.any(np.abs(best.x) >= log_bound - 1e-6))
    # L-BFGS-B may stop on the relative-reduction test with a tiny gradient: accept when the
    # projected gradient is small as well.
    small_grad = bool(np.max(np.abs(best.jac)) < max(gtol, 1e-6) * 100)
    converged = (bool(best.success) or small_grad) and not on_bound
    return MleResult(np.exp(best.x), float(-best.fun * n_customers), converged, int(best.nit))


def _best_of(neg_mean_ll: Callable[[np.ndarray], tuple[float, np.ndarray]],
             starts: Sequence[np.ndarray], *, gtol: float, max_iter: int, log_bound: float
             ) -> Any:
    best = None
    for start in starts:
        x0 = np.clip(np.log(np.asarray(start, dtype=float)), -log_bound + 1, log_bound - 1)
        res = minimize(neg_mean_ll, x0, jac=True, method="L-BFGS-B",
                       bounds=[(-log_bound, log_bound)] * len(x0),
                       options={"gtol": gtol, "ftol": 1e-15, "maxiter": max_iter})
        if not np.isfinite(res.fun):
            continue
        if best is None or res.fun < best.fun - 1e-12:
            best = res
    return best

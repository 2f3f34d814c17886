"""Synthetic customers drawn from the BG/NBD and Gamma-Gamma generative stories.

For benchmarks and tests (parameter recovery, guard rails, dormant lists): the customers are
generated exactly as the models assume, so a fit must recover the parameters used.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def simulate_orders(n_customers: int, *, r: float, alpha: float, a: float, b: float,
                    p: float, q: float, v: float, start: str = "2024-01-01",
                    days: int = 730, acquisition_days: int | None = None,
                    seed: int = 0) -> pd.DataFrame:
    """An `orders` table (customer_id, order_date, revenue) for `n_customers`.

    Rates are per day: λ ~ Gamma(r, α) purchases/day while alive, dropout p ~ Beta(a, b) after
    each purchase; spend per order ~ Gamma(p, ν) with ν ~ Gamma(q, v). Customers arrive
    uniformly over the first `acquisition_days` (default half the period) and are observed
    until `start + days - 1`.
    """
    rng = np.random.default_rng(seed)
    acq = days // 2 if acquisition_days is None else acquisition_days
    lam = rng.gamma(r, 1.0 / alpha, n_customers)
    drop = rng.beta(a, b, n_customers)
    nu = rng.gamma(q, 1.0 / v, n_customers)
    first = rng.integers(0, acq, n_customers)
    ids, times = [], []
    for i in range(n_customers):
        t, horizon = float(first[i]), days - 1
        ids.append(i)
        times.append(t)
        while True:
            t += rng.exponential(1.0 / lam[i]) if lam[i] > 0 else np.inf
            if t > horizon:
                break
            ids.append(i)
            times.append(t)
            if rng.random() < drop[i]:
                break
    ids_arr = np.asarray(ids)
    spend = rng.gamma(p, 1.0 / nu[ids_arr])
    dates = pd.Timestamp(start) + pd.to_timedelta(np.floor(times), unit="D")
    frame = pd.DataFrame({"customer_id": [f"c{i:06d}" for i in ids_arr],
                          "order_date": dates, "revenue": spend.round(0)})
    return frame.sort_values(["order_date", "customer_id"], kind="mergesort").reset_index(
        drop=True)

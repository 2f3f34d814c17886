"""From orders to a predictive-CLV fit, with the guard rails that say when not to predict.

`fit_clv(orders)` builds the customer summary, refuses data that cannot support a prediction
(too few customers or repeat buyers, too short a history) and fits BG/NBD and Gamma-Gamma.
A fit that does not converge is refused too. Every refusal is a `PredictionUnavailable` whose
message key says why (limits in engine/data/clv.toml [guard]).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from engine.clv.bgnbd import BetaGeoModel
from engine.clv.gamma_gamma import GammaGammaModel
from engine.clv.summary import CustomerSummary, customer_summary
from engine.errors import KarteError
from engine.settings import Settings, resolve


class PredictionUnavailable(KarteError):
    """The data cannot support a prediction; `key` (clv.unavailable.*) says why."""


def check_data(summary: CustomerSummary, *, settings: Settings | None = None) -> None:
    """Raise PredictionUnavailable when the summary is below the limits of clv.toml [guard]."""
    guard = resolve(settings).clv["guard"]
    n, n_repeat = summary.n_customers, summary.n_repeat
    # Ordered from the most basic shortfall to the subtlest, so the message names the first.
    if n < guard["min_customers"]:
        raise PredictionUnavailable("clv.unavailable.too_few_customers", n=n,
                                    min=guard["min_customers"])
    if summary.history_days < guard["min_history_days"]:
        raise PredictionUnavailable("clv.unavailable.short_history", days=summary.history_days,
                                    min=guard["min_history_days"])
    if n_repeat < guard["min_repeat_customers"]:
        raise PredictionUnavailable("clv.unavailable.too_few_repeat", n=n_repeat,
                                    min=guard["min_repeat_customers"])
    if n_repeat / n < guard["min_repeat_share"]:
        raise PredictionUnavailable("clv.unavailable.low_repeat_share",
                                    share=round(100 * n_repeat / n, 1),
                                    min=round(100 * guard["min_repeat_share"], 1))


@dataclass(frozen=True)
class ClvFit:
    """Both fitted models and the summary they were fitted on."""

    summary: CustomerSummary
    bgnbd: BetaGeoModel
    gamma_gamma: GammaGammaModel
    fitted_on: int | None = None     # customers the parameters were fitted on, when a sample

    @property
    def time_unit(self) -> str:
        return self.summary.time_unit

    def frequency_value_correlation(self) -> float:
        """Pearson correlation of frequency and mean repeat spend among repeat buyers."""
        rep = self.summary.table.loc[self.summary.table["frequency"] > 0]
        if len(rep) < 3 or rep["monetary"].nunique() < 2 or rep["frequency"].nunique() < 2:
            return 0.0
        return float(np.corrcoef(rep["frequency"], rep["monetary"])[0, 1])

    def notices(self, *, settings: Settings | None = None) -> list[str]:
        """Message keys of caveats to show beside the prediction."""
        limit = resolve(settings).clv["guard"]["max_frequency_value_correlation"]
        if abs(self.frequency_value_correlation()) > limit:
            return ["clv.notice.value_depends_on_frequency"]
        return []

    def units_per_month(self) -> float:
        return self.summary.days_per_month / self.summary.days_per_unit

    def to_dict(self) -> dict[str, Any]:
        """The `clv --json` figures."""
        bg, gg = self.bgnbd.params_, self.gamma_gamma.params_
        return {
            "bgnbd": {"r": bg["r"], "alpha": bg["alpha"], "a": bg["a"], "b": bg["b"],
                      "loglik": self.bgnbd.loglik_},
            "gamma_gamma": {"p": gg["p"], "q": gg["q"], "v": gg["v"]},
            "customers": self.summary.n_customers,
            "repeat_customers": self.summary.n_repeat,
            "time_unit": self.summary.time_unit,
            "calibration_end": self.summary.calibration_end.date().isoformat(),
            **({"fitted_on": self.fitted_on} if self.fitted_on is not None else {}),
        }

    def customer_values(self, horizon_months: float | None = None,
                        monthly_discount: float | None = None, *,
                        settings: Settings | None = None) -> pd.DataFrame:
        """Per customer: p_alive, expected purchases and value over the horizon, and CLV."""
        cfg = resolve(settings).clv["clv"]
        months = cfg["horizon_months"] if horizon_months is None else horizon_months
        disc = cfg["monthly_discount"] if monthly_discount is None else monthly_discount
        tb = self.summary.table
        x, t_x, big_t, m = (tb[c].to_numpy(dtype=float)
                            for c in ("frequency", "recency", "T", "monetary"))
        horizon = months * self.units_per_month()
        out = pd.DataFrame(index=tb.index)
        out["p_alive"] = self.bgnbd.p_alive(x, t_x, big_t)
        out["expected_purchases"] = self.bgnbd.expected_purchases(horizon, x, t_x, big_t)
        out["expected_order_value"] = self.gamma_gamma.expected_average_value(x, m)
        out["clv"] = clv(self.bgnbd, self.gamma_gamma, x, t_x, big_t, m, months=months,
                         units_per_month=self.units_per_month(), monthly_discount=disc)
        return out


def clv(bgnbd: BetaGeoModel, gamma_gamma: GammaGammaModel, x: Any, t_x: Any, T: Any,
        m: Any, *, months: float = 12, units_per_month: float = 30.4375,
        monthly_discount: float = 0.0, margin: float = 1.0) -> np.ndarray:
    """Predicted value of each customer over the next `months`, month by month discounted.

    value = Σ_i (E[Y(i)] − E[Y(i−1)]) × E[spend per order] × margin / (1 + d)^i, where E[Y(i)]
    is the expected number of purchases in the first i months after T. With d = 0 this is
    simply E[Y(months)] × E[spend per order] × margin.
    """
    x, t_x, big_t, m = (np.asarray(v, dtype=float) for v in (x, t_x, T, m))
    value = gamma_gamma.expected_average_value(x, m) * margin
    total = np.zeros(np.broadcast(x, t_x, big_t).shape)
    previous = np.zeros_like(total)
    n_steps = int(np.ceil(months))
    for i in range(1, n_steps + 1):
        upto = min(i, months) * units_per_month
        cumulative = bgnbd.expected_purchases(upto, x, t_x, big_t)
        total = total + (cumulative - previous) / (1 + monthly_discount) ** i
        previous = cumulative
    return total * value


def fit_models(summary: CustomerSummary, *, penalizer: float = 0.0,
               settings: Settings | None = None) -> ClvFit:
    """Fit both models on a summary that passed `check_data`; refuse a non-converged fit."""
    tb = summary.table
    fit_cfg = resolve(settings).clv["fit"]
    cap = int(fit_cfg.get("fit_sample", 0) or 0)
    fitted_on = None
    if cap and len(tb) > cap:   # very large shops: parameters from a fixed-seed sample
        rows = np.sort(np.random.default_rng(int(fit_cfg.get("sample_seed", 0))).choice(
            len(tb), cap, replace=False))
        tb = tb.iloc[rows]
        fitted_on = cap
    bg = BetaGeoModel(penalizer=penalizer, settings=settings).fit(
        tb["frequency"], tb["recency"], tb["T"])
    if not bg.converged_:
        raise PredictionUnavailable("clv.unavailable.not_converged", model="BG/NBD")
    gg = GammaGammaModel(penalizer=penalizer, settings=settings).fit(tb["frequency"],
                                                                     tb["monetary"])
    if not gg.converged_:
        raise PredictionUnavailable("clv.unavailable.not_converged", model="Gamma-Gamma")
    return ClvFit(summary=summary, bgnbd=bg, gamma_gamma=gg, fitted_on=fitted_on)


def fit_clv(orders: pd.DataFrame, *, calibration_end: object = None, time_unit: str = "auto",
            penalizer: float = 0.0, settings: Settings | None = None) -> ClvFit:
    """Summary, guard rails and both models from the `orders` table of an OrderBook."""
    summary = customer_summary(orders, calibration_end=calibration_end, time_unit=time_unit,
                               settings=settings)
    check_data(summary, settings=settings)
    return fit_models(summary, penalizer=penalizer, settings=settings)

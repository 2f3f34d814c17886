"""優良休眠客 — high-value dormant customers, ranked by what can still be won back.

A customer is dormant when the days since their last order exceed their usual interval (their
own mean days between purchase days; a floor for one-time buyers; both in clv.toml [dormant]).
Each dormant customer gets:
    p_alive            P(still a customer) from BG/NBD
    expected_orders    E[orders over the horizon] (BG/NBD, P(alive) included)
    expected_value     spend over the horizon if they are still a customer
                       = E[purchases | alive] (BG/NBD) × E[spend per order] (Gamma-Gamma, which
                         is their own past average order value shrunk to the shop's mean)
    recoverable_value  p_alive × expected_value (the undiscounted predictive CLV): past value
                       enters through the order value and the purchase rate learnt from it.
When the models are unavailable (guard rails), a stated rule replaces them and the result says
so (`method == "rule"`, `reason` = the message key why). Layers (likely / dm / let_go) follow
the ordered rules of clv.toml [[dormant.layers]], weighing value against the cost of a DM with
the campaign model of `engine.economics` (`PlanAssumptions`: DM cost, gross margin, win-back
lift): the same figures that price the dormant targets of the plan (engine.roi), so every
customer of a layer "worth one DM" has a positive expected incremental profit there.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.clv.predict import ClvFit, PredictionUnavailable, check_data, fit_models
from engine.clv.summary import CustomerSummary, customer_summary
from engine.config import load, localized
from engine.economics import PlanAssumptions, return_on_contact, winback_value
from engine.errors import KarteError
from engine.exporting import csv_bytes, xlsx_bytes
from engine.i18n import t
from engine.settings import Settings, resolve

COLUMNS = ("customer_id", "recency", "frequency", "monetary", "p_alive", "expected_value",
           "recoverable_value", "layer", "interval_days", "expected_orders")
LET_GO = "let_go"


@dataclass(frozen=True)
class DormantResult:
    """The dormant list and its layers.

    customers: one row per dormant customer (COLUMNS), best recoverable value first.
        recency = days since last order, frequency = orders, monetary = total past spend.
    layers: one row per layer in clv.toml order: layer, label_ja, label_en, customers,
        revenue_at_stake (sum of recoverable_value), past_revenue (sum of monetary).
    method: "model" or "rule"; reason: message key why the model was not used (rule only).
    """

    customers: pd.DataFrame
    layers: pd.DataFrame
    method: str
    reason: str | None
    reason_params: dict
    as_of: pd.Timestamp
    horizon_months: float
    time_unit: str | None

    @property
    def count(self) -> int:
        """Dormant customers worth an action (every layer but let_go)."""
        return int((self.customers["layer"] != LET_GO).sum())

    def layer_customers(self, layer: str) -> pd.DataFrame:
        return self.customers.loc[self.customers["layer"] == layer].reset_index(drop=True)

    def csv(self, layer: str | None = None) -> bytes:
        """CSV download (UTF-8 BOM, formula-safe) of one layer or of the whole list."""
        frame = self.customers if layer is None else self.layer_customers(layer)
        return csv_bytes(frame)

    def xlsx(self, lang: str = "ja") -> bytes:
        """Excel workbook: the whole list, then one sheet per layer (sheet names localised)."""
        sheets = {"all": self.customers}
        for row in self.layers.itertuples(index=False):
            sheets[localized(row._asdict(), "label", lang)] = self.layer_customers(row.layer)
        return xlsx_bytes(sheets)

    def note(self, lang: str = "ja") -> str:
        """How the list was ranked, and why the models were not used when they were not."""
        if self.method == "model":
            return t("clv.dormant.method_model", lang)
        why = t(self.reason, lang, **self.reason_params) if self.reason else ""
        return f"{why} {t('clv.dormant.method_rule', lang)}".strip()

    def to_dict(self) -> dict:
        """Summary figures for JSON (segment --json) and the page."""
        return {
            "count": self.count,
            "method": self.method,
            "reason": self.reason,
            "as_of": None if pd.isna(self.as_of) else self.as_of.date().isoformat(),
            "horizon_months": self.horizon_months,
            "time_unit": self.time_unit,
            "layers": {r.layer: {"customers": int(r.customers),
                                 "revenue_at_stake": round(float(r.revenue_at_stake), 2),
                                 "past_revenue": round(float(r.past_revenue), 2)}
                       for r in self.layers.itertuples(index=False)},
        }


def usual_interval_days(summary: CustomerSummary) -> pd.Series:
    """Each customer's own mean days between purchase days, floored (clv.toml [dormant])."""
    cfg = load("clv")["dormant"]
    tb = summary.table
    span = (tb["last_date"] - tb["first_date"]).dt.days.astype(float)
    own = span / tb["frequency"].where(tb["frequency"] > 0)
    interval = own.fillna(float(cfg["one_time_interval_days"]))
    return interval.clip(lower=float(cfg["min_interval_days"]))


def _model_scores(fit: ClvFit, summary: CustomerSummary, horizon_months: float
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    tb = summary.table
    x, t_x, big_t, m = (tb[c].to_numpy(dtype=float)
                        for c in ("frequency", "recency", "T", "monetary"))
    p_alive = fit.bgnbd.p_alive(x, t_x, big_t)
    horizon = horizon_months * load("clv")["time_unit"]["days_per_month"] / summary.days_per_unit
    # E[Y | data] = P(alive) × E[Y | alive]: divide P(alive) out to get the value if back.
    expected_orders = fit.bgnbd.expected_purchases(horizon, x, t_x, big_t)
    value_if_alive = expected_orders / p_alive * fit.gamma_gamma.expected_average_value(x, m)
    return p_alive, value_if_alive, expected_orders


def _rule_scores(summary: CustomerSummary, interval: np.ndarray, recency: np.ndarray,
                 horizon_months: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rule = load("clv")["dormant"]["fallback"]
    tb = summary.table
    score = np.minimum(1.0, (interval / np.maximum(recency, 1.0)) ** rule["decay"])
    order_value = tb["total_value"].to_numpy(dtype=float) / tb["orders"].to_numpy(dtype=float)
    horizon_days = horizon_months * load("clv")["time_unit"]["days_per_month"]
    orders_if_back = np.minimum(horizon_days / interval, float(rule["max_orders"]))
    return score, order_value * orders_if_back, score * orders_if_back


def dm_return(recoverable: np.ndarray, assumptions: PlanAssumptions) -> np.ndarray:
    """Incremental gross profit of one win-back DM / its cost, per customer (engine.economics):
    winback_lift × recoverable value × gross margin / DM cost. ≥ 1 ⇔ the DM pays for itself."""
    return return_on_contact(winback_value(recoverable, assumptions), assumptions.gross_margin,
                             assumptions.cost("dm"))


def _layers(p_alive: np.ndarray, expected_orders: np.ndarray, recoverable: np.ndarray,
            assumptions: PlanAssumptions | None = None, settings: Settings | None = None
            ) -> np.ndarray:
    cfg = resolve(settings).clv["dormant"]
    assumptions = assumptions or PlanAssumptions.defaults(settings=settings)
    returns = dm_return(recoverable, assumptions)
    rules = cfg["layers"]
    conditions = [(p_alive >= r["min_p_alive"]) & (expected_orders >= r["min_expected_orders"])
                  & (returns >= r["min_dm_return"]) for r in rules]
    return np.select(conditions, [r["id"] for r in rules], default=LET_GO)


def dormant_high_value(orders: pd.DataFrame, as_of: object = None, *,
                       model: ClvFit | None = None,
                       horizon_months: float | None = None,
                       assumptions: PlanAssumptions | None = None,
                       settings: Settings | None = None) -> DormantResult:
    """The dormant list as of `as_of` (default: the last order date) from the orders table.

    `model`: an already fitted ClvFit (e.g. the one the CLV page shows); without it the models
    are fitted here on the orders up to `as_of`, and a rule is used when they are unavailable.
    `assumptions`: the plan's campaign assumptions (DM cost, the owner's gross margin, win-back
    lift) the layers are valued with; default `PlanAssumptions.defaults()` (plan.toml).
    """
    cfg = load("clv")["dormant"]
    months = float(cfg["horizon_months"] if horizon_months is None else horizon_months)
    unit = model.time_unit if model is not None else "auto"
    try:
        summary = customer_summary(orders, calibration_end=as_of, time_unit=unit)
    except KarteError as exc:
        if exc.key != "clv.unavailable.no_customers":
            raise
        return _empty(as_of, months)

    reason, reason_params, fit = None, {}, model
    if fit is None:
        try:
            check_data(summary)
            fit = fit_models(summary)
        except PredictionUnavailable as exc:
            reason, reason_params = exc.key, exc.params

    tb = summary.table
    interval = usual_interval_days(summary).to_numpy()
    recency = (summary.calibration_end - tb["last_date"]).dt.days.to_numpy(dtype=float)
    if fit is not None:
        p_alive, expected, expected_orders = _model_scores(fit, summary, months)
    else:
        p_alive, expected, expected_orders = _rule_scores(summary, interval, recency, months)
    recoverable = p_alive * expected

    frame = pd.DataFrame({
        "customer_id": tb.index.to_numpy(),
        "recency": recency.astype(np.int64),
        "frequency": tb["orders"].to_numpy(),
        "monetary": tb["total_value"].to_numpy(dtype=float).round(2),
        "p_alive": p_alive.round(4),
        "expected_value": expected.round(2),
        "recoverable_value": recoverable.round(2),
        "layer": _layers(p_alive, expected_orders, recoverable, assumptions, settings),
        "interval_days": interval.round(1),
        "expected_orders": expected_orders.round(3),
    })
    dormant = recency > cfg["interval_factor"] * interval
    frame = frame.loc[dormant]
    # Best first; ties by customer id so the list is the same on every run.
    frame = frame.sort_values(["recoverable_value", "customer_id"], ascending=[False, True],
                              kind="mergesort").reset_index(drop=True)
    return DormantResult(customers=frame, layers=_layer_table(frame),
                         method="model" if fit is not None else "rule", reason=reason,
                         reason_params=reason_params, as_of=summary.calibration_end,
                         horizon_months=months,
                         time_unit=summary.time_unit if fit is not None else None)


def _layer_table(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for rule in load("clv")["dormant"]["layers"]:
        part = frame.loc[frame["layer"] == rule["id"]]
        rows.append({"layer": rule["id"], "label_ja": rule["label_ja"],
                     "label_en": rule["label_en"], "customers": len(part),
                     "revenue_at_stake": float(part["recoverable_value"].sum()),
                     "past_revenue": float(part["monetary"].sum())})
    return pd.DataFrame(rows)


def _empty(as_of: object, months: float) -> DormantResult:
    frame = pd.DataFrame({c: pd.Series(dtype=float) for c in COLUMNS})
    end = pd.Timestamp(as_of).normalize() if as_of is not None else pd.Timestamp("NaT")
    return DormantResult(customers=frame, layers=_layer_table(frame.assign(layer="")),
                         method="rule", reason="clv.unavailable.no_customers", reason_params={},
                         as_of=end, horizon_months=months, time_unit=None)

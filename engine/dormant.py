"""優良休眠客 — high-value dormant customers, ranked by what can still be won back.

Who is on the list (clv.toml [dormant], each number with its basis there):
    dormant     days since the last order >= interval_factor (2) × the usual interval AND
                >= min_dormant_days (90) AND <= max_dormant_days; the usual interval is the
                customer's own mean days between purchase days (at least min_interval_days; for
                a one-time buyer one_time_interval_days)
    high value  past spend in the shop's top `high_value_top_share` of customers, OR value if
                they come back (`expected_value`) in that top share among all customers
    still alive p_alive (below) >= min_return_probability: under it they have most likely left.
Each customer on the list gets:
    p_alive            P(still a customer) from BG/NBD for repeat buyers. For one-time buyers
                       BG/NBD says 1.0 (they never had a chance to drop out), so they get the
                       data's own return rate instead: the share of one-time buyers at the same
                       months since their first order who ordered again within the horizon
                       (`return_rates`); `one_time` marks them.
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
           "recoverable_value", "layer", "interval_days", "expected_orders", "one_time")
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


def usual_interval_days(summary: CustomerSummary, *,
                        settings: Settings | None = None) -> pd.Series:
    """Each customer's own mean days between purchase days, floored (clv.toml [dormant])."""
    cfg = resolve(settings).clv["dormant"]
    tb = summary.table
    span = (tb["last_date"] - tb["first_date"]).dt.days.astype(float)
    own = span / tb["frequency"].where(tb["frequency"] > 0)
    interval = own.fillna(float(cfg["one_time_interval_days"]))
    return interval.clip(lower=float(cfg["min_interval_days"]))


def return_rates(orders: pd.DataFrame, calibration_end: object, horizon_days: float, *,
                 settings: Settings | None = None) -> pd.DataFrame:
    """The data's own chance that a one-time buyer orders again, by months since the first order.

    For month m (age a = m × days_per_month): the customers with no second purchase day by age
    a whose history reaches a + horizon are at risk; `returned` are those whose second purchase
    day came within (a, a + horizon]. rate = returned / at_risk, pooled with the neighbouring
    months until at least `return_rate_min_at_risk` customers are at risk (months too recent
    to have a full horizon behind them borrow the nearest months that have one).
    Index: month; columns at_risk, returned, rate. Empty when the whole shop has fewer at risk.
    """
    cfg = resolve(settings).clv
    per_month = float(cfg["time_unit"]["days_per_month"])
    min_n = int(cfg["dormant"]["return_rate_min_at_risk"])
    end = pd.Timestamp(calibration_end).normalize()
    known = orders.loc[orders["customer_id"].notna(), ["customer_id", "order_date"]]
    day = pd.to_datetime(known["order_date"]).dt.normalize()
    days = pd.DataFrame({"customer_id": known["customer_id"].to_numpy(), "day": day.to_numpy()})
    days = days.loc[days["day"] <= end].drop_duplicates().sort_values(["customer_id", "day"])
    rank = days.groupby("customer_id", sort=False).cumcount()
    first = days.loc[rank == 0].set_index("customer_id")["day"]
    second = days.loc[rank == 1].set_index("customer_id")["day"].reindex(first.index)
    gap = (second - first).dt.days.to_numpy(dtype=float)          # NaN: never came back
    observed = (end - first).dt.days.to_numpy(dtype=float)
    months = int(observed.max() // per_month) + 1 if len(observed) else 0
    at_risk = np.zeros(months, dtype=np.int64)
    returned = np.zeros(months, dtype=np.int64)
    not_back_by = np.where(np.isnan(gap), np.inf, gap)
    for m in range(months):
        age = m * per_month
        risk = (not_back_by > age) & (observed >= age + horizon_days)
        at_risk[m] = int(risk.sum())
        returned[m] = int((risk & (not_back_by <= age + horizon_days)).sum())
    frame = pd.DataFrame({"at_risk": at_risk, "returned": returned}, index=pd.RangeIndex(
        months, name="month"))
    if at_risk.sum() < min_n:
        return frame.assign(rate=np.nan).iloc[0:0]
    rate = np.empty(months)
    for m in range(months):
        for width in range(months):
            lo, hi = max(0, m - width), min(months, m + width + 1)
            n = at_risk[lo:hi].sum()
            if n >= min_n:
                rate[m] = returned[lo:hi].sum() / n
                break
    return frame.assign(rate=rate)


def definition_note(lang: str = "ja", *, settings: Settings | None = None) -> str:
    """One plain sentence on who is on the list (shown where the owner sees it)."""
    cfg = resolve(settings).clv["dormant"]
    return t("clv.dormant.definition", lang, factor=f"{cfg['interval_factor']:g}",
             min_days=f"{cfg['min_dormant_days']:,.0f}",
             max_days=f"{cfg['max_dormant_days']:,.0f}",
             top=f"{100 * cfg['high_value_top_share']:g}",
             min_p=f"{100 * cfg['min_return_probability']:g}",
             months=f"{cfg['horizon_months']:g}")


def _model_scores(fit: ClvFit, summary: CustomerSummary, horizon_months: float, clv_cfg: dict
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    tb = summary.table
    x, t_x, big_t, m = (tb[c].to_numpy(dtype=float)
                        for c in ("frequency", "recency", "T", "monetary"))
    p_alive = fit.bgnbd.p_alive(x, t_x, big_t)
    horizon = horizon_months * clv_cfg["time_unit"]["days_per_month"] / summary.days_per_unit
    # E[Y | data] = P(alive) × E[Y | alive]: divide P(alive) out to get the value if back.
    expected_orders = fit.bgnbd.expected_purchases(horizon, x, t_x, big_t)
    value_if_alive = expected_orders / p_alive * fit.gamma_gamma.expected_average_value(x, m)
    return p_alive, value_if_alive, expected_orders


def _rule_scores(summary: CustomerSummary, interval: np.ndarray, recency: np.ndarray,
                 horizon_months: float, clv_cfg: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rule = clv_cfg["dormant"]["fallback"]
    tb = summary.table
    score = np.minimum(1.0, (interval / np.maximum(recency, 1.0)) ** rule["decay"])
    order_value = tb["total_value"].to_numpy(dtype=float) / tb["orders"].to_numpy(dtype=float)
    horizon_days = horizon_months * clv_cfg["time_unit"]["days_per_month"]
    orders_if_back = np.minimum(horizon_days / interval, float(rule["max_orders"]))
    return score, order_value * orders_if_back, score * orders_if_back


def _one_time_scores(orders: pd.DataFrame, summary: CustomerSummary, p: np.ndarray,
                     value_if_back: np.ndarray, expected_orders: np.ndarray,
                     horizon_months: float, settings: Settings | None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-time buyers: the data's return rate at their months since first order replaces the
    model's P(alive); if back, at least one order at the value per order the model expects."""
    cfg = resolve(settings).clv
    per_month = float(cfg["time_unit"]["days_per_month"])
    rates = return_rates(orders, summary.calibration_end, horizon_months * per_month,
                         settings=settings)
    tb = summary.table
    one = (tb["frequency"] == 0).to_numpy()
    if rates.empty or not one.any():
        return p, value_if_back, expected_orders
    age = (summary.calibration_end - tb["first_date"]).dt.days.to_numpy(dtype=float)
    month = np.minimum(age // per_month, len(rates) - 1).astype(np.int64)
    orders_if_back = np.divide(expected_orders, p, out=np.zeros_like(p), where=p > 0)
    per_order = np.divide(value_if_back, orders_if_back, out=np.zeros_like(p),
                          where=orders_if_back > 0)
    per_order = np.where(orders_if_back > 0, per_order, tb["total_value"].to_numpy(dtype=float))
    back = np.maximum(orders_if_back, 1.0)
    rate = rates["rate"].to_numpy()[month]
    p = np.where(one, rate, p)
    value_if_back = np.where(one, back * per_order, value_if_back)
    expected_orders = np.where(one, rate * back, expected_orders)
    return p, value_if_back, expected_orders


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
                       refused: PredictionUnavailable | None = None,
                       horizon_months: float | None = None,
                       assumptions: PlanAssumptions | None = None,
                       settings: Settings | None = None) -> DormantResult:
    """The dormant list as of `as_of` (default: the last order date) from the orders table.

    `model`: an already fitted ClvFit (e.g. the one the CLV page shows); without it the models
    are fitted here on the orders up to `as_of`, and a rule is used when they are unavailable.
    `refused`: the guard rails already refused the models on these orders (the caller tried
    them, e.g. `ShopAnalysis.clv_fit`): the rule is used without fitting them a second time.
    `assumptions`: the plan's campaign assumptions (DM cost, the owner's gross margin, win-back
    lift) the layers are valued with; default `PlanAssumptions.defaults()` (plan.toml).
    """
    clv_cfg = resolve(settings).clv
    cfg = clv_cfg["dormant"]
    months = float(cfg["horizon_months"] if horizon_months is None else horizon_months)
    unit = model.time_unit if model is not None else "auto"
    try:
        summary = customer_summary(orders, calibration_end=as_of, time_unit=unit,
                                   settings=settings)
    except KarteError as exc:
        if exc.key != "clv.unavailable.no_customers":
            raise
        return _empty(as_of, months)

    reason, reason_params, fit = None, {}, model
    if fit is None and refused is not None:
        reason, reason_params = refused.key, refused.params
    elif fit is None:
        try:
            check_data(summary, settings=settings)
            fit = fit_models(summary, settings=settings)
        except PredictionUnavailable as exc:
            reason, reason_params = exc.key, exc.params

    tb = summary.table
    interval = usual_interval_days(summary, settings=settings).to_numpy()
    recency = (summary.calibration_end - tb["last_date"]).dt.days.to_numpy(dtype=float)
    if fit is not None:
        p_alive, expected, expected_orders = _model_scores(fit, summary, months, clv_cfg)
    else:
        p_alive, expected, expected_orders = _rule_scores(summary, interval, recency, months,
                                                          clv_cfg)
    p_alive, expected, expected_orders = _one_time_scores(
        orders, summary, p_alive, expected, expected_orders, months, settings)
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
        "one_time": (tb["frequency"] == 0).to_numpy(),
    })
    frame = frame.loc[selection(recency, interval, frame["monetary"].to_numpy(), expected,
                                p_alive, settings=settings)]
    # Best first; ties by customer id so the list is the same on every run.
    frame = frame.sort_values(["recoverable_value", "customer_id"], ascending=[False, True],
                              kind="mergesort").reset_index(drop=True)
    return DormantResult(customers=frame, layers=_layer_table(frame),
                         method="model" if fit is not None else "rule", reason=reason,
                         reason_params=reason_params, as_of=summary.calibration_end,
                         horizon_months=months,
                         time_unit=summary.time_unit if fit is not None else None)


def selection(recency: np.ndarray, interval: np.ndarray, past_value: np.ndarray,
              value_if_back: np.ndarray, p_return: np.ndarray | None = None, *,
              settings: Settings | None = None) -> np.ndarray:
    """Who is 優良休眠: dormant (well past their own rhythm, within the reachable window) AND
    high value (past spend or value if back in the shop's top share, over all customers) AND
    still likely to come back (P(alive) or return rate at least `min_return_probability`)."""
    cfg = resolve(settings).clv["dormant"]
    recency, interval = np.asarray(recency, dtype=float), np.asarray(interval, dtype=float)
    past_value = np.asarray(past_value, dtype=float)
    value_if_back = np.asarray(value_if_back, dtype=float)
    dormant = ((recency >= cfg["interval_factor"] * interval)
               & (recency >= cfg["min_dormant_days"]) & (recency <= cfg["max_dormant_days"]))
    share = float(cfg["high_value_top_share"])
    high = in_top_share(past_value, share) | in_top_share(value_if_back, share)
    if p_return is not None:
        high &= np.asarray(p_return, dtype=float) >= float(cfg["min_return_probability"])
    return dormant & high


def in_top_share(values: np.ndarray, share: float) -> np.ndarray:
    """True for the values among the top `share` of all: fewer than share × n customers have
    more, counting ties against them (a block of equal values — every one-time buyer's value
    if back is one average order — is in only if the whole block fits)."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    # rank "max": each value gets the worst position of its block of ties (1 = the largest)
    worst_rank = pd.Series(values).rank(ascending=False, method="max").to_numpy()
    return worst_rank <= np.ceil(share * len(values) - 1e-9)


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

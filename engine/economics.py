"""One campaign economics model behind every estimate of the app (seed 003: profit, not sales).

This module owns the arithmetic of "is this contact worth its cost", used by the plan
(`engine.roi`) and by the layers of the dormant list (`engine.dormant`), so a layer called
「DM1通の価値あり」 is exactly a layer whose expected incremental profit is positive in the plan:

* `PlanAssumptions`: the one set of stated assumptions (cost and reach per channel, gross
  margin: the owner's answer when given, the owner's CPA, the 1:5 rule, the win-back lift,
  the response window and the value horizon), read from plan.toml [economics] / [channels];
* `estimate(...)`: contacts × (response − baseline) = incremental responders × orders per
  responder × order value × gross margin − contacts × cost per contact = incremental profit;
* `contact_profit(...)`: the same per customer (vectorised), for the dormant layers;
* `measured_baseline(...)`: the share of a target that ordered anyway, measured in the data
  (the same selection one response window earlier; who of them ordered within the window);
* `orders_after_nth(...)`: orders a customer places in the value horizon from their n-th order,
  measured over complete horizons (what a converted F2 customer is worth in orders).

Only the *incremental* response is credited to an action: customers who would have ordered
anyway (the baseline) are not the action's doing.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any, Mapping

import numpy as np
import pandas as pd

from engine.errors import KarteError
from engine.settings import Settings, resolve

CHANNELS: tuple[str, ...] = ("dm", "email", "line", "insert")


# --- assumptions -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanAssumptions:
    """The stated defaults behind every estimate; the page may override any field
    (`dataclasses.replace(a, dm_cost=120)`, `a.with_response("f2_candidates", 0.08)`).

    Costs are yen per contact; reach, gross margin and rates are fractions.
    `responses`: overrides of a target's stated incremental response (its `lift`).
    """

    dm_cost: float
    email_cost: float
    line_cost: float
    insert_cost: float
    dm_reach: float
    email_reach: float
    line_reach: float
    insert_reach: float
    gross_margin: float
    gross_margin_source: str          # "answer" (粗利率 answered) or "default" (plan.toml)
    cpa: float | None                 # the owner's CPA (q6); None = unknown, the 1:5 rule is used
    acquisition_multiple: float       # the 1:5 rule (seed 002)
    responses: tuple[tuple[str, float], ...] = ()  # (target id, incremental response) overrides
    winback_lift: float = 0.10        # share of a dormant customer's recoverable value a DM adds
    response_window_days: int = 90    # responses (and the baseline) are counted in this window
    value_horizon_days: int = 365     # a converted customer's orders are counted over this

    def __post_init__(self) -> None:
        for channel in CHANNELS:
            cost, reach = getattr(self, f"{channel}_cost"), getattr(self, f"{channel}_reach")
            _check(f"{channel}_cost", cost, 0, math.inf)
            _check(f"{channel}_reach", reach, 0, 1)
        _check("gross_margin", self.gross_margin, 0, 1)
        _check("acquisition_multiple", self.acquisition_multiple, 0, math.inf)
        _check("winback_lift", self.winback_lift, 0, 1)
        _check("response_window_days", self.response_window_days, 1, 3650)
        _check("value_horizon_days", self.value_horizon_days, 1, 3650)
        if self.cpa is not None:
            _check("cpa", self.cpa, 0, math.inf)
        for target, rate in self.responses:
            _check(f"response.{target}", rate, 0, 1)

    @classmethod
    def defaults(cls, answers: Mapping[str, Any] | None = None, *,
                 settings: Settings | None = None) -> "PlanAssumptions":
        """plan.toml defaults; the owner's gross margin (percent) and CPA when answered."""
        cfg = resolve(settings).plan
        answers = answers or {}
        margin = answers.get("gross_margin")
        channels, econ = cfg["channels"], cfg["economics"]
        return cls(
            **{f"{c}_cost": float(channels[c]["cost"]) for c in CHANNELS},
            **{f"{c}_reach": float(channels[c]["reach"]) for c in CHANNELS},
            gross_margin=(float(margin) / 100 if margin is not None
                          else float(econ["default_gross_margin"])),
            gross_margin_source="answer" if margin is not None else "default",
            cpa=None if answers.get("q6") is None else float(answers["q6"]),
            acquisition_multiple=float(econ["acquisition_multiple"]),
            winback_lift=float(econ["winback_lift"]),
            response_window_days=int(econ["response_window_days"]),
            value_horizon_days=int(econ["value_horizon_days"]),
        )

    def cost(self, channel: str) -> float:
        return float(getattr(self, f"{channel}_cost"))

    def reach(self, channel: str) -> float:
        return float(getattr(self, f"{channel}_reach"))

    def response(self, target: Mapping[str, Any]) -> float:
        """The target's incremental response: the override when set, else plan.toml's `lift`
        (share of contacted customers who order because of the contact); a win-back target
        (value = "winback", no lift of its own) uses `winback_lift`."""
        stated = float(target["lift"]) if "lift" in target else self.winback_lift
        return dict(self.responses).get(target["id"], stated)

    def with_response(self, target_id: str, rate: float) -> "PlanAssumptions":
        rates = dict(self.responses)
        rates[target_id] = float(rate)
        return replace(self, responses=tuple(sorted(rates.items())))

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["responses"] = dict(self.responses)
        return out


def _check(name: str, value: Any, low: float, high: float) -> None:
    """A user-editable assumption must be a finite number in [low, high]."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or not math.isfinite(value) or not low <= value <= high:
        raise KarteError("plan.error.bad_assumption", name=name, value=value, min=low,
                         max="∞" if high == math.inf else high)


# --- the arithmetic -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Estimate:
    """What one action is expected to bring on top of what happens anyway (yen; rates as
    fractions). `response_rate` is the expected share of contacted customers who order in the
    window with the action; `baseline_rate` those who would have ordered anyway; only the
    difference (`incremental_rate`) is credited: expected_orders, revenue, gross_profit and
    profit are incremental."""

    contacts: int
    cost_per_contact: float
    response_rate: float
    order_value: float
    gross_margin: float
    expected_orders: float
    revenue: float
    gross_profit: float
    cost: float
    profit: float
    roi: float | None          # profit / cost; None when the action costs nothing
    baseline_rate: float = 0.0
    orders_per_responder: float = 1.0
    baseline_basis: str = "none"   # "measured" | "model" | "none" (see engine.roi)

    @property
    def cost_free(self) -> bool:
        return self.cost == 0

    @property
    def incremental_rate(self) -> float:
        return max(self.response_rate - self.baseline_rate, 0.0)

    @property
    def incremental_profit(self) -> float:
        return self.profit

    def to_json(self) -> dict[str, Any]:
        return {
            "contacts": self.contacts, "cost_per_contact": self.cost_per_contact,
            "response_rate": round(self.response_rate, 4),
            "baseline_rate": round(self.baseline_rate, 4),
            "incremental_rate": round(self.incremental_rate, 4),
            "baseline_basis": self.baseline_basis,
            "orders_per_responder": round(self.orders_per_responder, 3),
            "order_value": round(self.order_value),
            "gross_margin": self.gross_margin,
            "expected_orders": round(self.expected_orders, 2),
            "revenue": round(self.revenue), "gross_profit": round(self.gross_profit),
            "cost": round(self.cost), "profit": round(self.profit),
            "roi": None if self.roi is None else round(self.roi, 4),
            "cost_free": self.cost_free,
        }


def estimate(contacts: int, cost_per_contact: float, response_rate: float, order_value: float,
             gross_margin: float, *, baseline_rate: float = 0.0,
             orders_per_responder: float = 1.0, baseline_basis: str = "none") -> Estimate:
    """contacts × (response − baseline, at least 0) → incremental responders × orders per
    responder → orders × order value → revenue × margin → gross profit; cost = contacts × cost
    per contact; profit = gross profit − cost; ROI = profit / cost.

    With baseline 0 and one order per responder this is the plain response arithmetic.
    """
    incremental = max(float(response_rate) - float(baseline_rate), 0.0)
    orders = contacts * incremental * orders_per_responder
    revenue = orders * order_value
    gross_profit = revenue * gross_margin
    cost = contacts * cost_per_contact
    profit = gross_profit - cost
    return Estimate(contacts=int(contacts), cost_per_contact=float(cost_per_contact),
                    response_rate=float(response_rate), order_value=float(order_value),
                    gross_margin=float(gross_margin), expected_orders=orders, revenue=revenue,
                    gross_profit=gross_profit, cost=cost, profit=profit,
                    roi=None if cost == 0 else profit / cost,
                    baseline_rate=float(baseline_rate),
                    orders_per_responder=float(orders_per_responder),
                    baseline_basis=baseline_basis)


def contact_profit(incremental_value: np.ndarray | float, gross_margin: float,
                   cost_per_contact: float) -> np.ndarray:
    """Expected incremental profit of contacting each customer once:
    incremental value (expected extra revenue the contact brings) × margin − cost."""
    return np.asarray(incremental_value, dtype=float) * gross_margin - cost_per_contact


def return_on_contact(incremental_value: np.ndarray | float, gross_margin: float,
                      cost_per_contact: float) -> np.ndarray:
    """Incremental gross profit / cost of one contact; ≥ 1 ⇔ the contact pays for itself.
    A free contact returns inf when it brings anything and 0 when it brings nothing."""
    gross = np.asarray(incremental_value, dtype=float) * gross_margin
    if cost_per_contact > 0:
        return gross / cost_per_contact
    return np.where(gross > 0, np.inf, 0.0)


def winback_value(recoverable_value: np.ndarray | float,
                  assumptions: PlanAssumptions) -> np.ndarray:
    """Incremental revenue one win-back DM brings from a dormant customer: the stated lift
    (plan.toml [economics] winback_lift) × the value the model expects from them anyway
    (P(alive) × value over the horizon if alive, engine.dormant)."""
    return np.asarray(recoverable_value, dtype=float) * assumptions.winback_lift


def new_customer_cost(expected_orders: float, cost: float,
                      assumptions: PlanAssumptions) -> tuple[float, str]:
    """(cost of winning the same number of orders from new customers, basis).

    Basis "cpa": expected orders × the owner's CPA. Basis "rule_1_5" when the CPA is unknown:
    the 1:5 rule, new customers cost `acquisition_multiple` × what this action costs.
    """
    if assumptions.cpa is not None:
        return expected_orders * assumptions.cpa, "cpa"
    return cost * assumptions.acquisition_multiple, "rule_1_5"


# --- what the data says happens anyway ------------------------------------------------------------

def ordered_within(known: pd.DataFrame, ids: pd.Index, start: pd.Timestamp,
                   end: pd.Timestamp) -> np.ndarray:
    """Boolean per id: the customer has an order in [start, end)."""
    dates = known["order_date"]
    buyers = pd.Index(known.loc[(dates >= start) & (dates < end), "customer_id"].unique())
    return ids.isin(buyers)


def measured_baseline(selected_then: np.ndarray, ids_then: pd.Index, known: pd.DataFrame,
                      start: pd.Timestamp, end: pd.Timestamp) -> float | None:
    """Share of the customers selected at `start` (mask over ids_then) who ordered in
    [start, end) without this action: the target's baseline. None when nobody was selected."""
    n = int(np.asarray(selected_then).sum())
    if n == 0:
        return None
    hit = ordered_within(known, ids_then[np.asarray(selected_then, dtype=bool)], start, end)
    return float(hit.sum()) / n


def orders_after_nth(known: pd.DataFrame, as_of: pd.Timestamp, nth: int,
                     horizon_days: int) -> tuple[float | None, int]:
    """(mean orders a customer places in the `horizon_days` from their `nth` order, that order
    included; customers counted) over customers whose horizon ends before `as_of` (complete
    horizons only). (None, 0) when no customer has a complete horizon."""
    ordered = known.sort_values(["customer_id", "order_date"], kind="mergesort")
    rank = ordered.groupby("customer_id", sort=False).cumcount() + 1
    start = ordered.loc[rank == nth].set_index("customer_id")["order_date"]
    horizon = pd.Timedelta(days=int(horizon_days))
    start = start.loc[start + horizon <= as_of]
    if start.empty:
        return None, 0
    when = ordered["customer_id"].map(start)
    inside = when.notna() & (ordered["order_date"] >= when) & (ordered["order_date"] < when + horizon)
    counts = inside.groupby(ordered["customer_id"]).sum().reindex(start.index)
    return float(counts.mean()), int(len(start))


__all__ = ["CHANNELS", "Estimate", "PlanAssumptions", "contact_profit", "estimate",
           "measured_baseline", "new_customer_cost", "ordered_within", "orders_after_nth",
           "return_on_contact", "winback_value"]

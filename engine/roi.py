"""A plan that pays (seed 003: profit, not just sales): data-backed actions with their estimate.

This module owns
* `PlanAssumptions`: the stated, editable defaults (cost and reach per channel, gross margin,
  the owner's CPA, the 1:5 rule, response-rate overrides), read from plan.toml;
* `estimate(...)`: contacts × cost per contact, response rate, order value, gross margin →
  expected orders, revenue, gross profit, cost, profit = gross profit − cost, ROI = profit / cost
  (None when the action costs nothing: "cost-free");
* `customer_frame(book, as_of)`: one row per customer with the columns the data targets of
  plan.toml [[targets]] select on (RFM, CPM, rank, dormant layer, subscription deliveries …);
* `build_data_plan(book, answers, assumptions, as_of, lang)`: one `PlanRow` per target that has
  customers, sorted by expected profit (stable). Negative-profit actions are kept and flagged.
  Without data (book None, or a file without buyers) the rows are the answer-based plan of
  `engine.actions`, without estimates.
"""
from __future__ import annotations

import math
import operator
from dataclasses import asdict, dataclass, replace
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from engine.config import load, localized
from engine.errors import KarteError
from engine.i18n import t
from engine.orderbook import OrderBook

CHANNELS: tuple[str, ...] = ("dm", "email", "line", "insert")
TOP_N = 3

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "min": operator.ge, "max": operator.le, "under": operator.lt, "over": operator.gt,
    "is": operator.eq,
}
NOT_DORMANT = "not_dormant"


def _config() -> Mapping[str, Any]:
    return load("plan")


# --- assumptions -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanAssumptions:
    """The stated defaults behind every estimate; the page may override any field
    (`dataclasses.replace(a, dm_cost=120)`, `a.with_response("f2_candidates", 0.08)`).

    Costs are yen per contact; reach, gross margin and response rates are fractions.
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
    responses: tuple[tuple[str, float], ...] = ()  # (target id, response rate) overrides

    def __post_init__(self) -> None:
        for channel in CHANNELS:
            cost, reach = getattr(self, f"{channel}_cost"), getattr(self, f"{channel}_reach")
            _check(f"{channel}_cost", cost, 0, math.inf)
            _check(f"{channel}_reach", reach, 0, 1)
        _check("gross_margin", self.gross_margin, 0, 1)
        _check("acquisition_multiple", self.acquisition_multiple, 0, math.inf)
        if self.cpa is not None:
            _check("cpa", self.cpa, 0, math.inf)
        for target, rate in self.responses:
            _check(f"response.{target}", rate, 0, 1)

    @classmethod
    def defaults(cls, answers: Mapping[str, Any] | None = None) -> "PlanAssumptions":
        """plan.toml defaults; the owner's gross margin (percent) and CPA when answered."""
        cfg = _config()
        answers = answers or {}
        margin = answers.get("gross_margin")
        channels = cfg["channels"]
        return cls(
            **{f"{c}_cost": float(channels[c]["cost"]) for c in CHANNELS},
            **{f"{c}_reach": float(channels[c]["reach"]) for c in CHANNELS},
            gross_margin=(float(margin) / 100 if margin is not None
                          else float(cfg["economics"]["default_gross_margin"])),
            gross_margin_source="answer" if margin is not None else "default",
            cpa=None if answers.get("q6") is None else float(answers["q6"]),
            acquisition_multiple=float(cfg["economics"]["acquisition_multiple"]),
        )

    def cost(self, channel: str) -> float:
        return float(getattr(self, f"{channel}_cost"))

    def reach(self, channel: str) -> float:
        return float(getattr(self, f"{channel}_reach"))

    def response(self, target: Mapping[str, Any]) -> float:
        """The target's response rate: the override when set, else plan.toml's."""
        return dict(self.responses).get(target["id"], float(target["response"]))

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
    """What one action is expected to bring (yen; rates as fractions)."""

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

    @property
    def cost_free(self) -> bool:
        return self.cost == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "contacts": self.contacts, "cost_per_contact": self.cost_per_contact,
            "response_rate": self.response_rate, "order_value": round(self.order_value),
            "gross_margin": self.gross_margin,
            "expected_orders": round(self.expected_orders, 2),
            "revenue": round(self.revenue), "gross_profit": round(self.gross_profit),
            "cost": round(self.cost), "profit": round(self.profit),
            "roi": None if self.roi is None else round(self.roi, 4),
            "cost_free": self.cost_free,
        }


def estimate(contacts: int, cost_per_contact: float, response_rate: float, order_value: float,
             gross_margin: float) -> Estimate:
    """contacts × response → orders × order value → revenue × margin → gross profit;
    cost = contacts × cost per contact; profit = gross profit − cost; ROI = profit / cost."""
    orders = contacts * response_rate
    revenue = orders * order_value
    gross_profit = revenue * gross_margin
    cost = contacts * cost_per_contact
    profit = gross_profit - cost
    return Estimate(contacts=int(contacts), cost_per_contact=float(cost_per_contact),
                    response_rate=float(response_rate), order_value=float(order_value),
                    gross_margin=float(gross_margin), expected_orders=orders, revenue=revenue,
                    gross_profit=gross_profit, cost=cost, profit=profit,
                    roi=None if cost == 0 else profit / cost)


def new_customer_cost(expected_orders: float, cost: float,
                      assumptions: PlanAssumptions) -> tuple[float, str]:
    """(cost of winning the same number of orders from new customers, basis).

    Basis "cpa": expected orders × the owner's CPA. Basis "rule_1_5" when the CPA is unknown:
    the 1:5 rule, new customers cost `acquisition_multiple` × what this action costs.
    """
    if assumptions.cpa is not None:
        return expected_orders * assumptions.cpa, "cpa"
    return cost * assumptions.acquisition_multiple, "rule_1_5"


# --- the customers the targets select on -----------------------------------------------------------

def customer_frame(book: OrderBook, as_of: Any = None,
                   relationship: pd.DataFrame | None = None, dormant: Any = None
                   ) -> pd.DataFrame:
    """One row per known customer with the default segments (see `frame_from_parts`).
    `dormant`: an engine.dormant.DormantResult already computed for the same orders and as_of,
    else it is computed here. `engine.shop.ShopAnalysis.plan_frame` composes the same frame from
    the parts it already has."""
    from engine.analysis import cpm, ranks, rfm
    from engine.analysis.customers import (customer_table, known_orders, require_customers,
                                           resolve_as_of)

    require_customers(book)
    as_of = resolve_as_of(book.orders, as_of)
    table = customer_table(book.orders, as_of, book.lines)
    known = known_orders(book.orders, as_of)
    if dormant is None:
        from engine.dormant import dormant_high_value

        dormant = dormant_high_value(known, as_of)
    return frame_from_parts(table, known, cpm=cpm.cpm_segments(table),
                            rfm_segment=rfm.score(table)["segment"],
                            rank=ranks.assign_ranks(table, relationship).ranks["rank"],
                            dormant=dormant)


def frame_from_parts(table: pd.DataFrame, known: pd.DataFrame, *, cpm: pd.Series,
                     rfm_segment: pd.Series, rank: pd.Series, dormant: Any) -> pd.DataFrame:
    """One row per customer of `table` (engine.analysis.customers.customer_table columns) plus
    cpm, rfm (segment ids), rank, dormant_layer (clv.toml layer id or "not_dormant") and
    subscription_orders, from segments already computed for the same customers."""
    frame = table.copy()
    frame["cpm"] = cpm
    frame["rfm"] = rfm_segment
    frame["rank"] = rank
    listed = dormant.customers
    layers = pd.Series(listed["layer"].to_numpy(dtype=object),
                       index=pd.Index(listed["customer_id"].astype(str)))
    # reindex, not .loc assignment: an id outside the table can never add a row
    frame["dormant_layer"] = (layers.reindex(table.index.astype(str)).fillna(NOT_DORMANT)
                              .to_numpy(dtype=object))
    codes = table.index.get_indexer(known["customer_id"])
    subs = known["subscription"].to_numpy(dtype=bool)
    frame["subscription_orders"] = np.bincount(codes[subs], minlength=len(table)).astype(np.int64)
    return frame


def select(frame: pd.DataFrame, where: Mapping[str, Any]) -> np.ndarray:
    """Boolean mask of the rows of `frame` meeting every `<column>_<op> = value` condition
    (op: min max under over is in; see plan.toml). Missing values never meet a condition."""
    mask = np.ones(len(frame), dtype=bool)
    for key, value in where.items():
        column, _, op = key.rpartition("_")
        if column not in frame or op not in (*_OPS, "in"):
            raise ValueError(f"plan.toml: cannot read target condition {key!r}")
        series = frame[column]
        if op == "in":
            hit = series.isin(list(value)).to_numpy(dtype=bool)
        else:
            hit = _OPS[op](series, value).fillna(False).to_numpy(dtype=bool)
        mask &= hit & series.notna().to_numpy()
    return mask


def targets() -> list[dict[str, Any]]:
    """The data targets of plan.toml [[targets]], in file order."""
    return list(_config()["targets"])


def channel_label(channel: str, lang: str = "ja") -> str:
    return localized(_config()["channels"][channel], "label", lang)


# --- the plan ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanRow:
    """One action of the plan. `source` "data": a data target with its estimate; "answers":
    an answer-based action of engine.actions (no target count, no estimate)."""

    id: str                        # target id (data) or action id (answers)
    step: str                      # Omega step A–F
    step_title: str
    title: str
    first_step: str
    why: str
    source: str                    # "data" | "answers"
    action: str | None = None      # related actions.toml id
    target_label: str | None = None
    customers: int | None = None   # customers in the target (from the data)
    channel: str | None = None
    channel_label: str | None = None
    estimate: Estimate | None = None
    new_customer_cost: float | None = None   # the same orders from new customers (CPA / 1:5)
    new_customer_basis: str | None = None    # "cpa" | "rule_1_5"
    area: str | None = None        # answers plan: the diagnosis area it is filed under
    top: bool = False

    @property
    def profit(self) -> float | None:
        return None if self.estimate is None else self.estimate.profit

    @property
    def negative(self) -> bool:
        """Expected to lose money: kept in the plan and flagged, never hidden."""
        return self.estimate is not None and self.estimate.profit < 0

    def roi_text(self, lang: str = "ja") -> str:
        if self.estimate is None:
            return "—"
        if self.estimate.roi is None:
            return t("plan.roi.cost_free", lang)
        return f"{self.estimate.roi * 100:+.0f}%"

    def to_json(self, lang: str = "ja") -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "step": self.step, "step_title": self.step_title,
            "title": self.title, "first_step": self.first_step, "why": self.why,
            "source": self.source, "action": self.action, "area": self.area,
            "target_label": self.target_label, "customers": self.customers,
            "channel": self.channel, "channel_label": self.channel_label, "top": self.top,
            "negative": self.negative,
            "flag": t("plan.flag.negative", lang) if self.negative else "",
            "roi_text": self.roi_text(lang),
            "new_customer_cost": (None if self.new_customer_cost is None
                                  else round(self.new_customer_cost)),
            "new_customer_basis": self.new_customer_basis,
        }
        out["estimate"] = None if self.estimate is None else self.estimate.to_json()
        return out


def _answer_rows(answers: Mapping[str, Any], lang: str) -> list[PlanRow]:
    """The fallback without data: the answer-based plan of engine.actions, as PlanRows."""
    from engine.actions import step_title
    from engine.diagnosis import diagnose

    return [PlanRow(id=a.id, step=a.step, step_title=step_title(a.step, lang), title=a.title,
                    first_step=a.first_step, why=a.why, source="answers", action=a.id,
                    area=a.area, top=a.top)
            for a in diagnose(dict(answers), lang).actions]


def build_data_plan(book: OrderBook | None, answers: Mapping[str, Any],
                    assumptions: PlanAssumptions | None = None, as_of: Any = None,
                    lang: str = "ja", *, frame: pd.DataFrame | None = None,
                    relationship: pd.DataFrame | None = None) -> list[PlanRow]:
    """The plan: one row per plan.toml target with customers, best expected profit first.

    `answers`: raw or canonical answers (gross margin and CPA feed the defaults). `frame`: a
    `customer_frame` already computed for this book and as_of (saves the dormant model fit).
    Ties in profit keep plan.toml order; the first three rows with a positive profit are top.
    Without data (book None, or no buyer column) the answer-based plan is returned instead.
    """
    from engine.actions import step_title
    from engine.analysis.customers import known_orders, resolve_as_of
    from engine.questions import validate_answers

    canonical = validate_answers(dict(answers))
    if book is None or not book.report.has_customers:
        return _answer_rows(canonical, lang)
    assumptions = assumptions or PlanAssumptions.defaults(canonical)
    as_of = resolve_as_of(book.orders, as_of)
    if frame is None:
        try:
            frame = customer_frame(book, as_of, relationship)
        except KarteError as exc:
            if exc.key != "analysis.error.no_customers":
                raise
            return _answer_rows(canonical, lang)   # only guest orders before as_of
    known = known_orders(book.orders, as_of)
    order_owner = frame.index.get_indexer(known["customer_id"])
    order_revenue = known["revenue"].to_numpy(dtype=float)
    rows = []
    for target in targets():
        mask = select(frame, target.get("where", {}))
        customers = int(mask.sum())
        if customers == 0:
            continue  # nobody to contact (e.g. no 定期 in the data): not an action for this shop
        channel = target["channel"]
        contacts = round(customers * assumptions.reach(channel) * int(target.get("touches", 1)))
        revenue = order_revenue[mask[order_owner]]
        order_value = float(np.median(revenue)) if len(revenue) else 0.0
        est = estimate(contacts, assumptions.cost(channel), assumptions.response(target),
                       order_value, assumptions.gross_margin)
        new_cost, basis = new_customer_cost(est.expected_orders, est.cost, assumptions)
        label = localized(target, "label", lang)
        rows.append(PlanRow(
            id=target["id"], step=target["step"], step_title=step_title(target["step"], lang),
            title=localized(target, "title", lang),
            first_step=localized(target, "first_step", lang),
            why=t("plan.why.target", lang, label=label, count=f"{customers:,}"),
            source="data", action=target.get("action"), target_label=label,
            customers=customers, channel=channel, channel_label=channel_label(channel, lang),
            estimate=est, new_customer_cost=new_cost, new_customer_basis=basis,
        ))
    rows.sort(key=lambda row: -row.estimate.profit)  # list.sort is stable: ties keep file order
    top = {row.id for row in [r for r in rows if r.estimate.profit > 0][:TOP_N]}
    return [replace(row, top=row.id in top) for row in rows]


def plan_totals(rows: list[PlanRow]) -> dict[str, float] | None:
    """Sums over the data rows (revenue, gross profit, cost, profit); None without estimates.
    A customer in two targets is counted in both: read it as the plan's upper bound."""
    data = [r.estimate for r in rows if r.estimate is not None]
    if not data:
        return None
    return {key: round(sum(getattr(e, key) for e in data))
            for key in ("revenue", "gross_profit", "cost", "profit")}


__all__ = ["CHANNELS", "Estimate", "PlanAssumptions", "PlanRow", "build_data_plan",
           "channel_label", "customer_frame", "estimate", "frame_from_parts", "new_customer_cost", "plan_totals",
           "select", "targets"]

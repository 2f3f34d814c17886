"""A plan that pays (seed 003: profit, not just sales): data-backed actions with their estimate.

This module owns
* `customer_frame(book, as_of)`: one row per customer with the columns the data targets of
  plan.toml [[targets]] select on (RFM, CPM, rank, dormant layer and its model values,
  subscription deliveries …);
* `build_data_plan(book, answers, assumptions, as_of, lang)`: one `PlanRow` per target that has
  customers, priced with the campaign model of `engine.economics` (the same one the dormant
  layers use): each estimate credits only the *incremental* response, the baseline the data
  shows for the target (or the dormant model's own expectation) is subtracted and named; rows
  are ranked by expected incremental profit (stable). Negative-profit actions are kept and
  flagged; targets too small to act on (plan.toml [plan]) are listed as such, last, unpriced.
  Without data (book None, or a file without buyers) the rows are the answer-based plan of
  `engine.actions`, without estimates.
The assumptions and the arithmetic (`PlanAssumptions`, `estimate`, …) are re-exported from
`engine.economics`.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from engine.config import localized
from engine.economics import (CHANNELS, Estimate, PlanAssumptions, estimate,
                              measured_baseline, new_customer_cost, orders_after_nth)
from engine.errors import KarteError
from engine.i18n import t
from engine.orderbook import OrderBook
from engine.settings import Settings, resolve

TOP_N = 3

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "min": operator.ge, "max": operator.le, "under": operator.lt, "over": operator.gt,
    "is": operator.eq,
}
NOT_DORMANT = "not_dormant"


def _config(settings: Settings | None = None) -> Mapping[str, Any]:
    return resolve(settings).plan


# The assumptions and the arithmetic live in engine.economics (one model for the plan and the
# dormant layers); they are re-exported here so `engine.roi.PlanAssumptions` keeps working.

# --- the customers the targets select on -----------------------------------------------------------

DORMANT_VALUES = ("p_alive", "expected_orders", "recoverable_value")


def customer_frame(book: OrderBook, as_of: Any = None,
                   relationship: pd.DataFrame | None = None, dormant: Any = None, *,
                   assumptions: PlanAssumptions | None = None,
                   settings: Settings | None = None) -> pd.DataFrame:
    """One row per known customer with the default segments (see `frame_from_parts`).
    `dormant`: an engine.dormant.DormantResult already computed for the same orders and as_of,
    else it is computed here with `assumptions`. `engine.shop.ShopAnalysis.plan_frame` composes
    the same frame from the parts it already has."""
    from engine.analysis import cpm, ranks, rfm
    from engine.analysis.customers import (customer_table, known_orders, require_customers,
                                           resolve_as_of)

    require_customers(book)
    as_of = resolve_as_of(book.orders, as_of)
    table = customer_table(book.orders, as_of, book.lines)
    known = known_orders(book.orders, as_of)
    if dormant is None:
        from engine.dormant import dormant_high_value

        dormant = dormant_high_value(known, as_of, assumptions=assumptions, settings=settings)
    return frame_from_parts(
        table, known, cpm=cpm.cpm_segments(table, settings=settings),
        rfm_segment=rfm.score(table, settings=settings)["segment"],
        rank=ranks.assign_ranks(table, relationship, settings=settings).ranks["rank"],
        dormant=dormant)


def frame_from_parts(table: pd.DataFrame, known: pd.DataFrame, *, cpm: pd.Series,
                     rfm_segment: pd.Series, rank: pd.Series, dormant: Any) -> pd.DataFrame:
    """One row per customer of `table` (engine.analysis.customers.customer_table columns) plus
    cpm, rfm (segment ids), rank, dormant_layer (clv.toml layer id or "not_dormant"), the
    dormant model's p_alive / expected_orders / recoverable_value (NaN when not dormant) and
    subscription_orders, from segments already computed for the same customers."""
    frame = table.copy()
    frame["cpm"] = cpm
    frame["rfm"] = rfm_segment
    frame["rank"] = rank
    listed = dormant.customers
    ids = pd.Index(listed["customer_id"].astype(str))
    keys = table.index.astype(str)
    # reindex, not .loc assignment: an id outside the table can never add a row
    frame["dormant_layer"] = (pd.Series(listed["layer"].to_numpy(dtype=object), index=ids)
                              .reindex(keys).fillna(NOT_DORMANT).to_numpy(dtype=object))
    for column in DORMANT_VALUES:
        values = listed[column] if column in listed else pd.Series(np.nan, index=listed.index)
        frame[column] = (pd.Series(values.to_numpy(dtype=float), index=ids).reindex(keys)
                         .to_numpy(dtype=float))
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


def targets(*, settings: Settings | None = None) -> list[dict[str, Any]]:
    """The data targets of plan.toml [[targets]], in file order."""
    return list(_config(settings)["targets"])


def channel_label(channel: str, lang: str = "ja", *, settings: Settings | None = None) -> str:
    return localized(_config(settings)["channels"][channel], "label", lang)


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
    small: bool = False            # too few customers / contacts to act on (plan.toml [plan])
    baseline_note: str = ""        # one sentence: what happens anyway, and what is credited

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
            "small": self.small, "baseline_note": self.baseline_note,
        }
        out["estimate"] = None if self.estimate is None else self.estimate.to_json()
        return out


def _answer_rows(answers: Mapping[str, Any], lang: str,
                 settings: Settings | None = None) -> list[PlanRow]:
    """The fallback without data: the answer-based plan of engine.actions, as PlanRows."""
    from engine.actions import step_title
    from engine.diagnosis import diagnose

    return [PlanRow(id=a.id, step=a.step, step_title=step_title(a.step, lang, settings=settings),
                    title=a.title, first_step=a.first_step, why=a.why, source="answers",
                    action=a.id, area=a.area, top=a.top)
            for a in diagnose(dict(answers), lang, settings=settings).actions]


def _empty_dormant() -> Any:
    """A stand-in DormantResult with nobody listed (for the baseline frame, see _Baselines)."""
    return SimpleNamespace(customers=pd.DataFrame({"customer_id": pd.Series(dtype=str),
                                                   "layer": pd.Series(dtype=object)}))


class _Baselines:
    """The baseline of a target measured in the data: the same selection made one response
    window before `as_of`; the share of those customers who ordered within the window anyway.
    Targets that select on the dormant layer get the dormant model's expectation instead
    (layers need the model fitted at that earlier date: not measured, said so)."""

    def __init__(self, book: OrderBook, known: pd.DataFrame, as_of: pd.Timestamp,
                 relationship: pd.DataFrame | None, settings: Settings | None) -> None:
        self.book, self.known, self.as_of = book, known, as_of
        self.relationship, self.settings = relationship, settings
        self._frames: dict[int, pd.DataFrame | None] = {}

    def frame(self, window: int) -> pd.DataFrame | None:
        if window not in self._frames:
            start = self.as_of - pd.Timedelta(days=window)
            try:
                self._frames[window] = customer_frame(self.book, start, self.relationship,
                                                      dormant=_empty_dormant(),
                                                      settings=self.settings)
            except KarteError:   # no customer before the earlier date: nothing to measure
                self._frames[window] = None
        return self._frames[window]

    def rate(self, where: Mapping[str, Any], window: int) -> float | None:
        if any(key.startswith("dormant_layer") for key in where):
            return None
        frame = self.frame(window)
        if frame is None:
            return None
        start = self.as_of - pd.Timedelta(days=window)
        return measured_baseline(select(frame, where), frame.index, self.known, start,
                                 self.as_of)


def _winback_figures(part: pd.DataFrame, lift: float) -> tuple[float, float, float, float]:
    """(incremental response, orders per responder, order value, baseline orders per
    customer) of a win-back DM to the dormant customers `part`, from the dormant model:
    a DM brings `lift` × what the model expects from each customer anyway (recoverable value
    = P(alive) × value over the horizon if alive), the same figure the layers are cut on."""
    p_alive = part["p_alive"].fillna(0).to_numpy(dtype=float)
    orders = part["expected_orders"].fillna(0).to_numpy(dtype=float)
    value = part["recoverable_value"].fillna(0).to_numpy(dtype=float)
    n = max(len(part), 1)
    rate = lift * float(p_alive.sum()) / n
    per_responder = float(orders.sum() / p_alive.sum()) if p_alive.sum() > 0 else 0.0
    order_value = float(value.sum() / orders.sum()) if orders.sum() > 0 else 0.0
    return rate, per_responder, order_value, float(orders.sum()) / n


def build_data_plan(book: OrderBook | None, answers: Mapping[str, Any],
                    assumptions: PlanAssumptions | None = None, as_of: Any = None,
                    lang: str = "ja", *, frame: pd.DataFrame | None = None,
                    relationship: pd.DataFrame | None = None,
                    settings: Settings | None = None) -> list[PlanRow]:
    """The plan: one row per plan.toml target with customers, best expected incremental
    profit first.

    `answers`: raw or canonical answers (gross margin and CPA feed the defaults). `frame`: a
    `customer_frame` already computed for this book and as_of (saves the dormant model fit).
    Each estimate subtracts the target's baseline (see `_Baselines`) and credits the stated
    incremental response (`lift`) only. Ties keep plan.toml order; the first three priced rows
    with a positive profit are top; targets below plan.toml [plan] min_customers /
    min_contacts are kept as `small` rows (no estimate) after the priced ones.
    Without data (book None, or no buyer column) the answer-based plan is returned instead.
    """
    from engine.actions import step_title
    from engine.analysis.customers import known_orders, resolve_as_of
    from engine.questions import validate_answers

    cfg = _config(settings)
    canonical = validate_answers(dict(answers), settings=settings)
    if book is None or not book.report.has_customers:
        return _answer_rows(canonical, lang, settings)
    assumptions = assumptions or PlanAssumptions.defaults(canonical, settings=settings)
    as_of = resolve_as_of(book.orders, as_of)
    if frame is None:
        try:
            frame = customer_frame(book, as_of, relationship, assumptions=assumptions,
                                   settings=settings)
        except KarteError as exc:
            if exc.key != "analysis.error.no_customers":
                raise
            return _answer_rows(canonical, lang, settings)   # only guest orders before as_of
    known = known_orders(book.orders, as_of)
    baselines = _Baselines(book, known, as_of, relationship, settings)
    order_owner = frame.index.get_indexer(known["customer_id"])
    order_revenue = known["revenue"].to_numpy(dtype=float)
    limits = cfg["plan"]
    after_second: tuple[float | None, int] | None = None
    rows, small = [], []
    for target in cfg["targets"]:
        where = target.get("where", {})
        mask = select(frame, where)
        customers = int(mask.sum())
        if customers == 0:
            continue  # nobody to contact (e.g. no 定期 in the data): not an action for this shop
        channel = target["channel"]
        contacts = round(customers * assumptions.reach(channel) * int(target.get("touches", 1)))
        label = localized(target, "label", lang)
        common = dict(id=target["id"], step=target["step"],
                      step_title=step_title(target["step"], lang, settings=settings),
                      title=localized(target, "title", lang),
                      first_step=localized(target, "first_step", lang),
                      why=t("plan.why.target", lang, label=label, count=f"{customers:,}"),
                      source="data", action=target.get("action"), target_label=label,
                      customers=customers, channel=channel,
                      channel_label=channel_label(channel, lang, settings=settings))
        if customers < int(limits["min_customers"]) or contacts < int(limits["min_contacts"]):
            small.append(PlanRow(**common, small=True, baseline_note=t(
                "plan.small", lang, customers=f"{customers:,}", contacts=f"{contacts:,}",
                min_customers=limits["min_customers"], min_contacts=limits["min_contacts"])))
            continue
        value = target.get("value", "order")
        lift = assumptions.response(target)
        if value == "winback":
            rate, per_responder, order_value, base_orders = _winback_figures(
                frame.loc[mask], lift)
            est = estimate(contacts, assumptions.cost(channel), rate, order_value,
                           assumptions.gross_margin, orders_per_responder=per_responder,
                           baseline_basis="model")
            note = t("plan.baseline.model", lang, orders=f"{base_orders * customers:,.0f}",
                     months=round(assumptions.value_horizon_days / 30.4375),
                     lift=f"{lift * 100:.0f}")
        else:
            window = int(target.get("window_days", assumptions.response_window_days))
            base = baselines.rate(where, window)
            per_responder = 1.0
            if value == "after_second_order":
                if after_second is None:
                    after_second = orders_after_nth(known, as_of, 2,
                                                    assumptions.value_horizon_days)
                per_responder = after_second[0] or 1.0
            revenue = order_revenue[mask[order_owner]]
            order_value = float(np.median(revenue)) if len(revenue) else 0.0
            est = estimate(contacts, assumptions.cost(channel), min((base or 0.0) + lift, 1.0),
                           order_value, assumptions.gross_margin, baseline_rate=base or 0.0,
                           orders_per_responder=per_responder,
                           baseline_basis="measured" if base is not None else "none")
            note = (t("plan.baseline.measured", lang, rate=f"{base * 100:.1f}", days=window,
                      lift=f"{lift * 100:.1f}") if base is not None
                    else t("plan.baseline.none", lang, lift=f"{lift * 100:.1f}"))
            if per_responder != 1.0:
                note += t("plan.baseline.orders_after_second", lang,
                          orders=f"{per_responder:.1f}",
                          months=round(assumptions.value_horizon_days / 30.4375))
        new_cost, basis = new_customer_cost(est.expected_orders, est.cost, assumptions)
        rows.append(PlanRow(**common, estimate=est, new_customer_cost=new_cost,
                            new_customer_basis=basis, baseline_note=note))
    rows.sort(key=lambda row: -row.estimate.profit)  # list.sort is stable: ties keep file order
    top = {row.id for row in [r for r in rows if r.estimate.profit > 0][:TOP_N]}
    return [replace(row, top=row.id in top) for row in rows] + small


def plan_totals(rows: list[PlanRow]) -> dict[str, float] | None:
    """Sums over the data rows (revenue, gross profit, cost, profit); None without estimates.
    A customer in two targets is counted in both: read it as the plan's upper bound."""
    data = [r.estimate for r in rows if r.estimate is not None]  # small rows have none
    if not data:
        return None
    return {key: round(sum(getattr(e, key) for e in data))
            for key in ("revenue", "gross_profit", "cost", "profit")}


__all__ = ["CHANNELS", "Estimate", "PlanAssumptions", "PlanRow", "build_data_plan",
           "channel_label", "customer_frame", "estimate", "frame_from_parts", "new_customer_cost", "plan_totals",
           "select", "targets"]

"""The shop's headline figures: one name, one definition, one label, one unit each.

Every screen, the report, the saved diagnosis and the command line show a figure under the key
it has here, computed by `shop_figures` from one `engine.shop.ShopAnalysis`, labelled and
written by `labelled` (units through `engine.kpis.format_value`: 人 for people, 件 for orders,
¥, %). Two figures that measure different things have different keys and labels everywhere:
`repeat_rate` is the diagnosis's (Q8, `engine.datacheck`), `repeat_rate_all` the customer
analysis's (every customer in the file, whole history).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from engine.i18n import t
from engine.kpis import format_value

if TYPE_CHECKING:
    from engine.shop import ShopAnalysis


@dataclass(frozen=True)
class FigureSpec:
    label: str        # message key of the label
    note: str         # message key of the one-sentence definition
    format: str       # engine.kpis format: count (人), order_count (件), yen, percent_fraction …


def _spec(key: str, fmt: str, section: str = "figure") -> FigureSpec:
    return FigureSpec(f"{section}.{key}.label", f"{section}.{key}.note", fmt)


# In display order. The second group is engine.datacheck.data_kpis (what the answers are
# compared with); its labels stay under plan.data_kpi.
FIGURES: dict[str, FigureSpec] = {
    "customers": _spec("customers", "count"),
    "orders": _spec("orders", "order_count"),
    "revenue": _spec("revenue", "yen"),
    "repeat_rate_all": _spec("repeat_rate_all", "percent_fraction"),
    "f2_rate_90": _spec("f2_rate_90", "percent_fraction"),
    "dormant_high_value": _spec("dormant_high_value", "count"),
    "revenue_12m": _spec("revenue_12m", "yen", "plan.data_kpi"),
    "orders_12m": _spec("orders_12m", "order_count", "plan.data_kpi"),
    "active_customers": _spec("active_customers", "count", "plan.data_kpi"),
    "repeat_rate": _spec("repeat_rate", "percent_fraction", "plan.data_kpi"),
    "annual_ltv": _spec("annual_ltv", "yen", "plan.data_kpi"),
    "active_last_year": _spec("active_last_year", "count", "plan.data_kpi"),
    "active_trend": _spec("active_trend", "change", "plan.data_kpi"),
    "multi_product_share": _spec("multi_product_share", "percent_fraction", "plan.data_kpi"),
    "subscription_customers": _spec("subscription_customers", "count", "plan.data_kpi"),
}


def _num(value: Any, digits: int = 4) -> float | int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, int):
        return value
    return round(float(value), digits)


def shop_figures(analysis: "ShopAnalysis") -> dict[str, Any]:
    """{key: plain number or None} for every key of FIGURES (None: the file cannot say)."""
    from engine.analysis import retention

    out: dict[str, Any] = {key: None for key in FIGURES}
    book = analysis.book
    out["orders"] = book.n_orders
    out["revenue"] = round(book.revenue)
    kpis = analysis.data_kpis
    for key in FIGURES:
        if key in kpis:
            out[key] = _num(kpis[key])
    if not analysis.has_customers or analysis.known_orders.empty:
        return out
    table = analysis.customers
    out["customers"] = len(table)
    out["repeat_rate_all"] = _num(retention.repeat_rate(table))
    f2 = analysis.retention["f2"]
    out["f2_rate_90"] = _num(f2.loc[90, "rate"]) if 90 in f2.index else None
    out["dormant_high_value"] = int(analysis.dormant.count)
    return out


def display(key: str, value: Any, lang: str = "ja") -> str:
    """`value` of figure `key` written for people (「—」 when unknown)."""
    if value is None:
        return "—"
    return format_value(value, FIGURES[key].format, lang)


def labelled(values: Mapping[str, Any], lang: str = "ja") -> dict[str, dict[str, Any]]:
    """{key: {"value", "label", "note", "display"}} for the known figures, in FIGURES order."""
    out = {}
    for key, spec in FIGURES.items():
        value = values.get(key)
        if value is None:
            continue
        out[key] = {"value": value, "label": t(spec.label, lang), "note": t(spec.note, lang),
                    "display": display(key, value, lang)}
    return out


def label(key: str, lang: str = "ja") -> str:
    return t(FIGURES[key].label, lang)


__all__ = ["FIGURES", "FigureSpec", "display", "label", "labelled", "shop_figures"]

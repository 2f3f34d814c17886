"""KPIs derived from the diagnosis answers, and how numbers are written for people.

Only what follows from the answers is computed; a KPI whose inputs are unknown is None (never
guessed). Rates and changes are fractions (0.35 = 35 %); money is yen; ratios are plain numbers.

Rules used:
- gross-profit LTV = annual LTV (sales, q9) × gross margin.
- allowable CPA = gross-profit LTV: the acquisition cost at which a new customer's first-year
  gross profit exactly pays back what it cost to win them (break-even within a year).
- ltv_cpa_ratio = gross-profit LTV / CPA (q6): below 1 the model loses money in year one.
- active_trend = active customers now (q7) / a year ago − 1.
- revenue decomposition 売上 = 客数 × 回数 × 単価: revenue per customer = annual sales (q1) /
  active customers (q7). The repeat rate (q8) only bounds orders per customer from below
  (1 + repeat rate, since repeaters buy at least twice), hence order value from above.
"""
from __future__ import annotations

from typing import Any, Callable

from engine.i18n import t

# KPI id -> display format; the order is the order of the cards.
KPI_FORMATS: dict[str, str] = {
    "own_site_share": "percent_fraction",
    "gross_profit_ltv": "yen",
    "allowable_cpa": "yen",
    "ltv_cpa_ratio": "ratio",
    "ltv_sales_cpa_ratio": "ratio",
    "active_trend": "change",
    "active_customers": "count",
    "revenue_per_customer": "yen",
    "orders_per_customer_min": "orders",
    "order_value_max": "yen",
}


def _known(*values: Any) -> bool:
    return all(v is not None for v in values)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not _known(numerator, denominator) or denominator <= 0:
        return None
    return numerator / denominator


def compute_kpis(answers: dict[str, Any], *,
                 settings: Any = None) -> dict[str, float | int | None]:
    """The KPI dict from canonical answers (see `engine.questions.validate_answers`).

    `settings` is accepted like every rule-driven function; the KPIs are definitions (the
    rules above), no rule file is read."""
    a = answers
    mall_only = a.get("sales_basis") == "mall_only"
    # Mall-only shops answered Q1-2 for the malls: there is no own-site share to report.
    own_share = None if mall_only or a.get("q2") is None else a["q2"] / 100
    gross_ltv = None
    if _known(a.get("q9"), a.get("gross_margin")):
        gross_ltv = a["q9"] * a["gross_margin"] / 100
    repeat = a.get("q8")
    orders_min = None if repeat is None else 1 + repeat / 100
    rev_per_customer = _ratio(a.get("q1"), a.get("q7"))
    trend = _ratio(a.get("q7"), a.get("active_last_year"))
    return {
        "own_site_share": own_share,
        "gross_profit_ltv": None if gross_ltv is None else round(gross_ltv),
        "allowable_cpa": None if gross_ltv is None else round(gross_ltv),
        "ltv_cpa_ratio": _round(_ratio(gross_ltv, a.get("q6")), 3),
        "ltv_sales_cpa_ratio": _round(_ratio(a.get("q9"), a.get("q6")), 3),
        "active_trend": None if trend is None else round(trend - 1, 4),
        "active_customers": a.get("q7"),
        "revenue_per_customer": None if rev_per_customer is None else round(rev_per_customer),
        "orders_per_customer_min": _round(orders_min, 3),
        "order_value_max": (None if rev_per_customer is None or orders_min is None
                            else round(rev_per_customer / orders_min)),
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


# --- formatting --------------------------------------------------------------------------------

def _yen(v: float, lang: str) -> str:
    return f"¥{round(v):,}"


def _percent(v: float, lang: str) -> str:  # v in percent points (answers)
    return f"{v:.1f}%" if v != int(v) else f"{int(v)}%"


def _percent_fraction(v: float, lang: str) -> str:  # v as a fraction (KPIs)
    return f"{v * 100:.1f}%"


def _change(v: float, lang: str) -> str:
    return f"{v * 100:+.1f}%"


def _ratio_text(v: float, lang: str) -> str:
    return t("diagnosis.format.ratio", lang, value=f"{v:.1f}")


def _count(v: float, lang: str) -> str:
    return t("diagnosis.format.count", lang, value=f"{round(v):,}")


def _orders(v: float, lang: str) -> str:
    return t("diagnosis.format.orders", lang, value=f"{v:.2f}")


def _order_count(v: float, lang: str) -> str:
    return t("diagnosis.format.order_count", lang, value=f"{round(v):,}")


def _plain(v: Any, lang: str) -> str:
    return f"{v:,}" if isinstance(v, (int, float)) else str(v)


FORMATTERS: dict[str, Callable[[Any, str], str]] = {
    "yen": _yen,
    "percent": _percent,
    "percent_fraction": _percent_fraction,
    "change": _change,
    "ratio": _ratio_text,
    "count": _count,
    "orders": _orders,             # orders per customer (回)
    "order_count": _order_count,   # a number of orders (件): never counted in 人
    "none": _plain,
}


def format_value(value: Any, fmt: str, lang: str = "ja") -> str:
    """`value` written for people in `lang` (¥1,234 / 12.3% / 2.1倍 / +5.0% / 1,234人)."""
    if value is None:
        return t("diagnosis.unknown_value", lang)
    return FORMATTERS.get(fmt, _plain)(value, lang)


def kpi_cards(kpis: dict[str, Any], lang: str = "ja") -> list[dict[str, Any]]:
    """One card per KPI in a fixed order: id, label, value (formatted), raw, note, available.

    A KPI that cannot be computed keeps its card with value 「—」 and a note naming what is
    missing, so the owner sees what an answer would unlock.
    """
    cards = []
    for kpi_id, fmt in KPI_FORMATS.items():
        raw = kpis.get(kpi_id)
        available = raw is not None
        cards.append({
            "id": kpi_id,
            "label": t(f"diagnosis.kpi.{kpi_id}.label", lang),
            "value": format_value(raw, fmt, lang) if available else "—",
            "raw": raw,
            "note": t(f"diagnosis.kpi.{kpi_id}.{'note' if available else 'missing'}", lang),
            "available": available,
        })
    return cards

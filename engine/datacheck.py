"""The diagnosis checked against the order data: what the file says about the owner's answers.

This module owns
* `data_kpis(book, as_of)`: the figures the owner was asked for, derived from an OrderBook
  (definitions below), as plain numbers;
* `compare(answers, data_kpis, lang)`: each answer beside the figure from the data, with the
  relative gap and the 「回答と実績に差があります」 flag (threshold in plan.toml [check]);
* `apply_data(answers, data_kpis)`: the answers with the data values put in where the data has
  them (plan.toml [[checks]] `override`), for scoring with the data.

Definitions (reference date `as_of`, default the day after the last order; window = the 365 days
before it, plan.toml [check] window_days):
  revenue_12m        own-site revenue of the window: every kept order, guest orders included (Q1)
  active_customers   known buyers with an order in the window (稼働顧客, Q7)
  repeat_rate        share of the active customers (buyers of the window) with 2+ orders
                     WITHIN the window (Q8: 「過去1年の購入者のうち2回以上購入した人の割合」)
  annual_ltv         sales in the year after the first purchase (Q9): over the latest complete
                     first-year cohorts (customers whose first order is 1–2 years before
                     as_of, or all with a complete first year when the data is shorter), the
                     mean revenue of their orders in the 365 days from their first order day,
                     the first order included; `annual_ltv_customers` says how many. A file
                     that starts in the middle of a customer's history sees the first order
                     in the file as the first purchase.
  active_last_year   known buyers with an order in the 365 days before the window; None when
                     the data does not reach back two full windows (trend_min_history_days)
  active_trend       active_customers / active_last_year − 1
  multi_product_share share of customers (whole history) who bought 2+ different products
                     (`engine.analysis.retention.multi_product_share`)
A file without a buyer column (Amazon All Orders) gives the revenue only: customer figures are
None, never invented.

Channel: `channel` says which sales channel the file is ("own_site" / "mall" / "unknown", from
the ingest preset via plan.toml [file_channel]). Its figures replace an answer only when the
answers are about that channel (a mall export answers the questions of a mall-only shop, not
an own-site shop's 「自社サイトの年間売上」); otherwise the comparison shows them and says why
they were not used.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

from engine.analysis import retention
from engine.analysis.customers import customer_table, known_orders, resolve_as_of
from engine.i18n import t
from engine.kpis import compute_kpis, format_value
from engine.orderbook import OrderBook
from engine.questions import format_answer, question_map
from engine.settings import Settings, resolve

# The keys of `data_kpis`, in display order, with their engine.kpis display format.
DATA_KPI_FORMATS: dict[str, str] = {
    "revenue_12m": "yen",
    "active_customers": "count",
    "repeat_rate": "percent_fraction",
    "annual_ltv": "yen",
    "active_last_year": "count",
    "active_trend": "change",
    "multi_product_share": "percent_fraction",
    "orders_12m": "order_count",
    "subscription_customers": "count",
}


def _config(settings: Settings | None = None) -> Mapping[str, Any]:
    return resolve(settings).plan


def checks(*, settings: Settings | None = None) -> list[dict[str, Any]]:
    """The comparison rows of plan.toml [[checks]], in file order."""
    return list(_config(settings)["checks"])


def file_channel(fmt: str | None, *, settings: Settings | None = None) -> str:
    """"own_site" | "mall" | "unknown" for an ingest preset id (plan.toml [file_channel])."""
    return str(_config(settings).get("file_channel", {}).get(fmt or "", "unknown"))


def answers_channel(answers: Mapping[str, Any]) -> str:
    """The channel the owner's answers are about: "mall" when the shop sells mainly on malls
    (sales_basis = mall_only: Q1–2 answered for the malls), else "own_site"."""
    return "mall" if answers.get("sales_basis") == "mall_only" else "own_site"


def channel_matches(kpis: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """The file measures what the answers are about (an unknown channel is taken as matching:
    the owner chose the file; the page says the channel could not be told)."""
    channel = kpis.get("channel")
    return channel in (None, "unknown") or channel == answers_channel(answers)


def _num(value: float | None, digits: int = 4) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def _active_in(orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Distinct known buyers with an order in [start, end)."""
    dates = orders["order_date"]
    keep = orders["customer_id"].notna() & (dates >= start) & (dates < end)
    return int(orders.loc[keep, "customer_id"].nunique())


def repeat_rate_12m(known: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
                    ) -> float | None:
    """Share of the buyers with an order in [start, end) who have 2+ orders in it (Q8)."""
    dates = known["order_date"]
    counts = known.loc[(dates >= start) & (dates < end)].groupby("customer_id").size()
    return None if counts.empty else float((counts >= 2).mean())


def first_year_value(known: pd.DataFrame, as_of: pd.Timestamp, days: int
                     ) -> tuple[float | None, int]:
    """(mean sales in the `days` from the first order day, first order included; customers)
    over the latest complete first-year cohorts (first order in [as_of − 2·days, as_of − days),
    or from the start of the data when it is shorter). (None, 0) without a complete cohort."""
    if known.empty:
        return None, 0
    first = known.groupby("customer_id")["order_date"].min().dt.normalize()
    span = pd.Timedelta(days=days)
    cohort = first.loc[(first >= as_of - 2 * span) & (first < as_of - span)]
    if cohort.empty:
        return None, 0
    start = known["customer_id"].map(cohort)
    inside = start.notna() & (known["order_date"] < start + span)
    revenue = known.loc[inside].groupby("customer_id")["revenue"].sum().reindex(cohort.index,
                                                                                fill_value=0)
    return float(revenue.mean()), int(len(cohort))


def data_kpis(book: OrderBook, as_of: Any = None, *,
              settings: Settings | None = None) -> dict[str, Any]:
    """The figures the owner was asked for, derived from `book` (see the module docstring).

    Rates are fractions, money yen, counts ints; a figure the data cannot give is None.
    Also returns as_of, window_start (ISO dates), history_days, customers_known, format (the
    ingest preset) and channel (own_site / mall / unknown).
    """
    cfg = _config(settings)["check"]
    orders = book.orders
    as_of = resolve_as_of(orders, as_of)
    window = pd.Timedelta(days=int(cfg["window_days"]))
    start = as_of - window
    before = orders.loc[orders["order_date"] < as_of]
    in_window = before.loc[before["order_date"] >= start]
    first_day = before["order_date"].min() if len(before) else pd.NaT
    history_days = None if pd.isna(first_day) else int((as_of - first_day.normalize()).days)
    out: dict[str, Any] = {key: None for key in DATA_KPI_FORMATS}
    out.update({
        "as_of": as_of.date().isoformat(),
        "window_start": start.date().isoformat(),
        "history_days": history_days,
        "customers_known": bool(book.report.has_customers),
        "format": book.report.format,
        "channel": file_channel(book.report.format, settings=settings),
        "annual_ltv_customers": 0,
        "revenue_12m": round(float(in_window["revenue"].sum())),
        "orders_12m": int(len(in_window)),
    })
    if not book.report.has_customers or known_orders(orders, as_of).empty:
        return out
    table = customer_table(orders, as_of)
    active_mask = (table["recency_days"] <= int(cfg["window_days"])).to_numpy()
    active = int(active_mask.sum())
    known = known_orders(orders, as_of)
    out["active_customers"] = active
    out["repeat_rate"] = _num(repeat_rate_12m(known, start, as_of)) if active else None
    ltv, cohort = first_year_value(known, as_of, int(cfg["window_days"]))
    out["annual_ltv"] = None if ltv is None else round(ltv)
    out["annual_ltv_customers"] = cohort
    if history_days is not None and history_days >= int(cfg["trend_min_history_days"]):
        last_year = _active_in(orders, start - window, start)
        out["active_last_year"] = last_year
        out["active_trend"] = _num(active / last_year - 1) if last_year else None
    multi = retention.multi_product_share(book.lines, as_of)
    if multi["customers"].sum() > 0:
        out["multi_product_share"] = _num(float(multi.loc[["2", "3+"], "share"].sum()))
    subs = in_window.loc[in_window["subscription"].to_numpy(dtype=bool)
                         & in_window["customer_id"].notna().to_numpy(), "customer_id"]
    out["subscription_customers"] = int(subs.nunique())
    return out


def data_kpi_cards(kpis: Mapping[str, Any], lang: str = "ja") -> list[dict[str, Any]]:
    """One card per data KPI (id, label, value formatted, raw, note) in display order."""
    cards = []
    for key, fmt in DATA_KPI_FORMATS.items():
        raw = kpis.get(key)
        cards.append({"id": key, "label": t(f"plan.data_kpi.{key}.label", lang),
                      "value": format_value(raw, fmt, lang) if raw is not None else "—",
                      "raw": raw, "note": t(f"plan.data_kpi.{key}.note", lang),
                      "available": raw is not None})
    return cards


def data_value(check: Mapping[str, Any], kpis: Mapping[str, Any]) -> float | int | None:
    """The data figure of one check in the answer's units (None when the data lacks it)."""
    raw = kpis.get(check["kpi"])
    if raw is None:
        return None
    value = round(float(raw) * float(check.get("scale", 1)), int(check.get("digits", 0)))
    return int(value) if int(check.get("digits", 0)) == 0 else value


def apply_data(answers: Mapping[str, Any], kpis: Mapping[str, Any], *,
               settings: Settings | None = None) -> tuple[dict[str, Any], tuple[str, ...]]:
    """(answers with data values put in, ids of the questions the data replaced).

    Only checks with `override = true` and a data value replace an answer, and only when the
    file's channel matches the answers' (`channel_matches`); everything else (gross margin,
    CPA, inserts …) stays as the owner answered.
    """
    merged = dict(answers)
    replaced: list[str] = []
    if not channel_matches(kpis, answers):
        return merged, ()
    for check in checks(settings=settings):
        question = check.get("question")
        if not question or not check.get("override", False):
            continue
        value = data_value(check, kpis)
        if value is not None:
            merged[question] = value
            replaced.append(question)
    return merged, tuple(replaced)


def gap_of(answer: float | None, data: float | None, kind: str = "relative") -> float | None:
    """answer − data, relative to data ("relative") or in the value's own units ("absolute").

    Positive = the answer is higher than the data. None when either is unknown, or for a
    relative gap when the data figure is 0 (no base to compare with).
    """
    if answer is None or data is None:
        return None
    if kind == "absolute":
        return round(float(answer) - float(data), 6)
    if data == 0:
        return None
    return round((float(answer) - float(data)) / float(data), 6)


def _answer_value(check: Mapping[str, Any], answers: Mapping[str, Any],
                  answer_kpis: Mapping[str, Any]) -> Any:
    if check.get("question"):
        return answers.get(check["question"])
    return answer_kpis.get(check["answer_kpi"])


def _label(check: Mapping[str, Any], lang: str, answers: Mapping[str, Any] | None = None) -> str:
    if check.get("question"):   # a mall-only shop reads its own wording (questions.toml)
        return question_map()[check["question"]].short(lang, answers)
    return t(f"diagnosis.kpi.{check['answer_kpi']}.label", lang)


def _text(check: Mapping[str, Any], value: Any, lang: str) -> str:
    if value is None:
        return t("diagnosis.unknown_value", lang)
    if check.get("question"):
        return format_answer(question_map()[check["question"]], value, lang)
    return format_value(value, check.get("format", "none"), lang)


def compare(answers: Mapping[str, Any], kpis: Mapping[str, Any],
            lang: str = "ja", *, settings: Settings | None = None) -> list[dict[str, Any]]:
    """Each answer beside the figure from the data, in plan.toml [[checks]] order.

    `answers` are canonical answers (engine.questions.validate_answers). Row keys:
    id, question (or None), label, answer, data (both in answer units), answer_text, data_text,
    gap (relative unless the check says absolute; None when not comparable), gap_kind,
    gap_text, flag (True when |gap| is above the threshold), message (「回答と実績に差が
    あります」 when flagged, else ""), used (the data value replaced the answer in the scoring),
    channel_note (why not, when the file is another channel than the answers).
    """
    cfg = _config(settings)["check"]
    answer_kpis = compute_kpis(dict(answers))
    matches = channel_matches(kpis, answers)
    channel_note = "" if matches else t(
        "plan.compare.channel_mismatch", lang,
        file=t(f"plan.channel.{kpis.get('channel')}", lang),
        answers=t(f"plan.channel.{answers_channel(answers)}", lang))
    rows = []
    for check in checks(settings=settings):
        kind = check.get("gap", "relative")
        threshold = float(check.get("threshold", cfg["gap_threshold"]))
        answer = _answer_value(check, answers, answer_kpis)
        data = data_value(check, kpis)
        gap = gap_of(answer, data, kind)
        flag = gap is not None and abs(gap) > threshold
        if gap is None:
            gap_text = "—"
        elif kind == "absolute":
            gap_text = t("plan.compare.points", lang, value=f"{gap * 100:+.1f}")
        else:
            gap_text = f"{gap * 100:+.1f}%"
        rows.append({
            "id": check["id"], "question": check.get("question"), "label": _label(check, lang, answers),
            "answer": answer, "data": data,
            "answer_text": _text(check, answer, lang), "data_text": _text(check, data, lang),
            "gap": gap, "gap_kind": kind, "gap_text": gap_text, "threshold": threshold,
            "flag": flag, "message": t("plan.compare.gap", lang) if flag else "",
            "used": bool(matches and check.get("override", False) and data is not None),
            "channel_note": channel_note,
        })
    return rows


def flagged(rows: list[dict[str, Any]]) -> list[str]:
    """Ids of the comparison rows whose gap is flagged."""
    return [row["id"] for row in rows if row["flag"]]


__all__ = ["DATA_KPI_FORMATS", "answers_channel", "apply_data", "channel_matches", "checks",
           "compare", "data_kpi_cards", "data_kpis", "data_value", "file_channel",
           "first_year_value", "flagged", "gap_of", "repeat_rate_12m"]

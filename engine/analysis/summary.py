"""Every customer analysis of one OrderBook at once, as plain figures (the `segment` command,
the benchmark and a quick overview). The UI calls the separate functions instead, to cache each.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from engine.analysis import clusters, cpm, customers, ranks, retention, rfm
from engine.dormant import dormant_high_value
from engine.orderbook import OrderBook
from engine.settings import Settings


def dormant_count(orders: pd.DataFrame, table: pd.DataFrame, as_of: pd.Timestamp, *,
                  settings: Settings | None = None) -> tuple[int, str]:
    """(count, method) of high-value dormant customers, from engine.dormant (BG/NBD)."""
    known = customers.known_orders(orders, as_of)
    return int(dormant_high_value(known, as_of, settings=settings).count), "engine.dormant"


def _num(x: float, digits: int = 4) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), digits)


def analyse_book(book: OrderBook, as_of: Any = None, k: int | None = None,
                 relationship: pd.DataFrame | None = None, seed: int = 0,
                 lang: str = "en", *, settings: Settings | None = None) -> dict[str, Any]:
    """The `segment --json` analysis figures (without the ingest figures)."""
    customers.require_customers(book)
    orders = book.orders
    as_of = customers.resolve_as_of(orders, as_of)
    table = customers.customer_table(orders, as_of, book.lines)
    thresholds = rfm.default_thresholds(table, settings=settings)
    scored = rfm.score(table, thresholds, settings=settings)
    clustered = clusters.fit_clusters(table, k=k, seed=seed, settings=settings)
    cpm_seg = cpm.cpm_segments(table, settings=settings)
    ranked = ranks.assign_ranks(table, relationship, settings=settings)
    f2 = retention.f2_conversion(orders, (90,), as_of)
    dormant, dormant_method = dormant_count(orders, table, as_of, settings=settings)
    out: dict[str, Any] = {
        "as_of": as_of.date().isoformat(),
        "customers_in_file": book.n_customers,
        "customers": len(table),
        "guest_orders": customers.guest_orders(orders, as_of),
        "repeat_rate": _num(retention.repeat_rate(table)),
        "f2_rate": _num(f2.loc[90, "rate"]),
        "f2_eligible": int(f2.loc[90, "eligible"]),
        "active_customers": retention.active_customers(table),
        "rfm": {"segments": rfm.segment_counts(scored, settings=settings),
                "thresholds": thresholds.as_dict()},
        "k": clustered.k,
        "clusters": None,
        "cpm": {sid: int(n) for sid, n in
                cpm.cpm_grid(table, cpm_seg, settings=settings)["customers"].items()},
        "ranks": ranked.counts(),
        "dormant_high_value": dormant,
        "dormant_method": dormant_method,
    }
    if clustered.ok:
        out["clusters"] = [{
            "name": row[f"name_{lang}"], "id": row["name_id"], "size": int(row["size"]),
            "revenue_share": _num(row["revenue_share"]),
            "recency_median": _num(row["recency_median"], 1),
            "frequency_median": _num(row["frequency_median"], 1),
            "monetary_median": _num(row["monetary_median"], 2),
        } for row in clustered.profile.to_dict("records")]
        out["k_chosen_by"] = clustered.k_chosen_by
    else:
        out["clusters"] = []
        out["clusters_unavailable"] = {"key": clustered.reason_key,
                                       "message": _message(clustered, lang)}
    if not ranked.ambassador_known:
        out["ranks_note"] = ranked.reason_key
    else:
        out["relationship_matched"] = ranked.matched
    return out


def _message(result: clusters.ClusterResult, lang: str) -> str:
    from engine.i18n import t

    return t(result.reason_key, lang, **result.reason_params)

"""Every customer analysis of one shop at once, as plain figures: the `segment --json` output.

Reads one `engine.shop.ShopAnalysis`, so the command line shows the figures the pages show,
under the names of `engine.figures`.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from engine.analysis import clusters
from engine.orderbook import OrderBook
from engine.settings import Settings


def _num(x: float, digits: int = 4) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), digits)


def analyse_book(book: OrderBook, as_of: Any = None, k: int | None = None,
                 relationship: pd.DataFrame | None = None, seed: int = 0,
                 lang: str = "en", *, settings: Settings | None = None) -> dict[str, Any]:
    """The `segment --json` analysis figures of `book`."""
    import hashlib

    from engine.shop import AnalysisParams, ShopAnalysis

    digest = None
    if relationship is not None:
        digest = hashlib.blake2b(pd.util.hash_pandas_object(relationship).to_numpy().tobytes(),
                                 digest_size=16).hexdigest()
    analysis = ShopAnalysis(book, AnalysisParams(as_of=as_of, k=k, relationship=digest,
                                                 seed=seed), relationship=relationship,
                            settings=settings)
    return segment_figures(analysis, lang)


def segment_figures(analysis: Any, lang: str = "en") -> dict[str, Any]:
    """The `segment --json` analysis figures (without the ingest figures) of one analysis."""
    from engine.analysis import cpm, rfm

    analysis.require_customers()
    table = analysis.customers
    figures = analysis.figures()
    clustered = analysis.clusters
    ranked = analysis.ranks
    out: dict[str, Any] = {
        "as_of": analysis.as_of.date().isoformat(),
        "customers_in_file": analysis.book.n_customers,
        "customers": len(table),
        "guest_orders": analysis.guest_orders,
        # engine.figures names: repeat_rate is the diagnosis's (last 12 months' buyers),
        # repeat_rate_all every customer's over the whole history.
        "repeat_rate": figures["repeat_rate"],
        "repeat_rate_all": figures["repeat_rate_all"],
        "f2_rate": figures["f2_rate_90"],
        "f2_eligible": int(analysis.retention["f2"].loc[90, "eligible"]),
        "active_customers": figures["active_customers"],
        "rfm": {"segments": rfm.segment_counts(analysis.rfm, settings=analysis.settings),
                "thresholds": analysis.rfm_thresholds.as_dict()},
        "k": clustered.k,
        "clusters": None,
        "cpm": {sid: int(n) for sid, n in
                cpm.cpm_grid(table, analysis.cpm, settings=analysis.settings)["customers"].items()},
        "ranks": ranked.counts(),
        "dormant_high_value": figures["dormant_high_value"],
        "dormant_method": "engine.dormant",
        "figures": figures,
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

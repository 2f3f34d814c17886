"""Report sections from an order file: segment summaries, ranks, dormant layers, data KPIs and
the customer lists to include, built with the analysis modules (`engine.analysis`,
`engine.dormant`). Only aggregated tables, plus the lists the user explicitly chose.
"""
from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from engine.i18n import t
from engine.orderbook import OrderBook

LIST_CHOICES = ("none", "dormant", "all")
LIST_COLUMNS = ("customer_id", "R", "F", "M", "segment", "rank", "top_product")


def top_products(lines: pd.DataFrame, customers: pd.Index) -> pd.Series:
    """Each customer's most bought product (by quantity; ties → first in product order)."""
    product_lines = lines.loc[lines["is_product"] & lines["customer_id"].notna()
                              & lines["product"].notna(), ["customer_id", "product", "quantity"]]
    if product_lines.empty:
        return pd.Series(pd.NA, index=customers, name="top_product", dtype="object")
    totals = (product_lines.groupby(["customer_id", "product"], sort=True)["quantity"].sum()
              .reset_index()
              .sort_values(["customer_id", "quantity", "product"], ascending=[True, False, True],
                           kind="mergesort"))
    best = totals.drop_duplicates("customer_id").set_index("customer_id")["product"]
    return best.reindex(customers).rename("top_product")


def sections(book: OrderBook, lang: str = "ja", lists: str = "none",
             as_of: Any = None) -> dict[str, Any]:
    """The report-input keys the order file provides (segments, ranks, dormant, data_kpis,
    lists). Parts whose module is missing or not applicable are left out; `notes` says why."""
    from engine.analysis import cpm, customers, ranks, retention, rfm

    if lists not in LIST_CHOICES:
        raise ValueError(f"lists must be one of {LIST_CHOICES}")
    out: dict[str, Any] = {"notes": []}
    customers.require_customers(book)
    as_of = customers.resolve_as_of(book.orders, as_of)
    table = customers.customer_table(book.orders, as_of, book.lines)
    scored = rfm.score(table)
    rfm_labels = rfm.segment_labels(lang)
    seg = pd.DataFrame({"segment": scored["segment"], "monetary": table["monetary"]})
    rfm_table = (seg.groupby("segment", sort=False)
                 .agg(customers=("monetary", "size"), revenue=("monetary", "sum"))
                 .reindex(rfm.segment_ids(), fill_value=0).reset_index())
    rfm_table["segment"] = rfm_table["segment"].map(lambda s: rfm_labels.get(s, s))
    cpm_seg = cpm.cpm_segments(table)
    cpm_labels = cpm.segment_labels(lang)
    grid = cpm.cpm_grid(table, cpm_seg).reset_index()[["segment", "customers", "revenue",
                                                        "revenue_share"]]
    grid["segment"] = grid["segment"].map(lambda s: cpm_labels.get(s, s))
    out["segments"] = {"rfm": rfm_table, "cpm": grid}
    try:
        from engine.analysis import clusters

        fitted = clusters.fit_clusters(table)
        if fitted.ok:
            out["segments"]["clusters"] = fitted.profile[
                [f"name_{lang}", "size", "revenue_share", "recency_median", "frequency_median",
                 "monetary_median"]].rename(
                     columns={f"name_{lang}": "segment", "size": "customers"})
    except ImportError:
        out["notes"].append("clusters_unavailable")
    ranked = ranks.assign_ranks(table)
    rank_labels = ranks.rank_labels(lang)
    counts = ranked.counts()
    out["ranks"] = pd.DataFrame({"rank": [rank_labels.get(r, r) for r in counts],
                                 "customers": list(counts.values())})
    repeat = float(retention.repeat_rate(table))
    out["data_kpis"] = {
        "customers": {"value": len(table), "display": f"{len(table):,}"},
        "orders": {"value": book.n_orders, "display": f"{book.n_orders:,}"},
        "revenue": {"value": round(book.revenue), "display": f"¥{round(book.revenue):,}"},
        "repeat_rate": {"value": round(repeat, 4), "display": f"{repeat * 100:.1f}%"},
        "active_customers": {"value": int(retention.active_customers(table)),
                             "display": f"{int(retention.active_customers(table)):,}"},
    }
    dormant = None
    try:
        from engine.dormant import dormant_high_value

        dormant = dormant_high_value(customers.known_orders(book.orders, as_of), as_of)
        layers = dormant.layers
        out["dormant"] = pd.DataFrame({
            "layer": layers[f"label_{lang}"], "customers": layers["customers"],
            "revenue_at_stake": layers["revenue_at_stake"].round(0),
            "past_revenue": layers["past_revenue"].round(0)})
    except ImportError:
        out["notes"].append("dormant_unavailable")
    if lists == "none":
        return out
    base = pd.DataFrame({
        "customer_id": table.index, "R": scored["R"].to_numpy(), "F": scored["F"].to_numpy(),
        "M": scored["M"].to_numpy(),
        "segment": [rfm_labels.get(s, s) for s in scored["segment"]],
        "rank": [rank_labels.get(r, r) for r in ranked.ranks["rank"]],
        "top_product": top_products(book.lines, table.index).to_numpy(),
        "recency_days": table["recency_days"].to_numpy(),
        "frequency": table["frequency"].to_numpy(),
        "monetary": table["monetary"].to_numpy(),
    })
    chosen: dict[str, pd.DataFrame] = {}
    if dormant is not None and not dormant.customers.empty:  # like the segment lists below
        layer_label = dict(zip(dormant.layers["layer"], dormant.layers[f"label_{lang}"]))
        d = dormant.customers[["customer_id", "layer", "p_alive", "recoverable_value"]]
        d = d.assign(layer=d["layer"].map(lambda x: layer_label.get(x, x)))
        chosen[t("report.sheet.dormant", lang)] = d.merge(base, on="customer_id", how="left")
    if lists == "all":
        for sid in rfm.segment_ids():
            part = base.loc[scored["segment"].to_numpy() == sid].reset_index(drop=True)
            if not part.empty:
                chosen[rfm_labels.get(sid, sid)] = part
    out["lists"] = chosen
    return out


ASSUMPTIONS = ("dm_cost", "email_cost", "line_cost", "insert_cost", "dm_reach", "email_reach",
               "line_reach", "insert_reach", "gross_margin", "cpa", "acquisition_multiple")


def plan_section(book: OrderBook, answers: Mapping[str, Any],
                 lang: str) -> tuple[list[dict], dict[str, Any]]:
    """The data plan's estimates as report rows, and its assumptions {label: value}."""
    from engine import roi

    assumptions = roi.PlanAssumptions.defaults(dict(answers))
    rows = roi.build_data_plan(book, answers, assumptions, lang=lang)
    table = [{"action": r.title, "target": r.target_label, "channel": r.channel_label,
              "customers": r.customers, "contacts": r.estimate.contacts,
              "cost": round(r.estimate.cost), "response_rate": r.estimate.response_rate,
              "order_value": round(r.estimate.order_value),
              "gross_profit": round(r.estimate.gross_profit),
              "profit": round(r.estimate.profit),
              "roi": None if r.estimate.roi is None else round(r.estimate.roi, 4)}
             for r in rows if r.estimate is not None]
    if not table:
        return [], {}
    values = assumptions.to_json()
    stated = {t(f"plan.assumption.{name}", lang): values[name] for name in ASSUMPTIONS
              if values.get(name) is not None}
    return table, stated

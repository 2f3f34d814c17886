"""Report sections from a shop's analysis: segment summaries, ranks, dormant layers, the priced
plan and the customer lists to include, read from one `engine.shop.ShopAnalysis` (the figures
every screen shows). Only aggregated tables, plus the lists the user explicitly chose.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import pandas as pd

from engine.i18n import t

if TYPE_CHECKING:
    from engine.shop import ShopAnalysis

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


def sections(analysis: "ShopAnalysis", lang: str = "ja", lists: str = "none") -> dict[str, Any]:
    """The report-input keys the shop's analysis provides (segments, ranks, dormant, lists),
    read from `analysis` (engine.shop.ShopAnalysis): the figures every screen shows."""
    from engine.analysis import cpm, ranks, rfm
    from engine.analysis import lists as shop_lists

    if lists not in LIST_CHOICES:
        raise ValueError(f"lists must be one of {LIST_CHOICES}")
    analysis.require_customers()
    table, scored = analysis.customers, analysis.rfm
    rfm_labels = rfm.segment_labels(lang)
    seg = pd.DataFrame({"segment": scored["segment"], "monetary": table["monetary"]})
    rfm_table = (seg.groupby("segment", sort=False)
                 .agg(customers=("monetary", "size"), revenue=("monetary", "sum"))
                 .reindex(rfm.segment_ids(), fill_value=0).reset_index())
    rfm_table["segment"] = rfm_table["segment"].map(lambda s: rfm_labels.get(s, s))
    cpm_labels = cpm.segment_labels(lang)
    grid = analysis.cpm_grid.reset_index()[["segment", "customers", "revenue", "revenue_share"]]
    grid["segment"] = grid["segment"].map(lambda s: cpm_labels.get(s, s))
    out: dict[str, Any] = {"segments": {"rfm": rfm_table, "cpm": grid}}
    fitted = analysis.clusters
    if fitted.ok:
        out["segments"]["clusters"] = fitted.profile[
            [f"name_{lang}", "size", "revenue_share", "recency_median", "frequency_median",
             "monetary_median"]].rename(columns={f"name_{lang}": "segment", "size": "customers"})
    ranked = analysis.ranks
    rank_labels = ranks.rank_labels(lang)
    counts = ranked.counts()
    out["ranks"] = pd.DataFrame({"rank": [rank_labels.get(r, r) for r in counts],
                                 "customers": list(counts.values())})
    dormant = analysis.dormant
    layers = dormant.layers
    out["dormant"] = pd.DataFrame({
        "layer": layers[f"label_{lang}"], "customers": layers["customers"],
        "revenue_at_stake": layers["revenue_at_stake"].round(0),
        "past_revenue": layers["past_revenue"].round(0)})
    if lists == "none":
        return out
    base = pd.DataFrame({
        "customer_id": table.index, "R": scored["R"].to_numpy(), "F": scored["F"].to_numpy(),
        "M": scored["M"].to_numpy(),
        "segment": [rfm_labels.get(s, s) for s in scored["segment"]],
        "rank": [rank_labels.get(r, r) for r in ranked.ranks["rank"]],
        "top_product": top_products(analysis.book.lines, table.index).to_numpy(),
        "recency_days": table["recency_days"].to_numpy(),
        "frequency": table["frequency"].to_numpy(),
        "monetary": table["monetary"].to_numpy(),
        # the shop's own way to find the customer (楽天: the last 注文番号), as on the page
        "last_order_id": shop_lists.last_orders(analysis.known_orders)["last_order_id"]
        .reindex(table.index).to_numpy(),
        "last_order": table["last_order"].dt.date.to_numpy(),
    })
    chosen: dict[str, pd.DataFrame] = {}
    if not dormant.customers.empty:  # like the segment lists below: no empty sheet
        layer_label = dict(zip(dormant.layers["layer"], dormant.layers[f"label_{lang}"]))
        d = dormant.customers[["customer_id", "layer", "p_alive", "recoverable_value"]]
        d = d.assign(layer=d["layer"].map(lambda x: layer_label.get(x, x)))
        chosen[t("report.sheet.dormant", lang)] = d.merge(base, on="customer_id", how="left")
    if lists == "all":
        for sid in rfm.segment_ids():
            part = base.loc[scored["segment"].to_numpy() == sid].reset_index(drop=True)
            if not part.empty:
                chosen[rfm_labels.get(sid, sid)] = part
    key_header = shop_lists.id_header(shop_lists.key_kind(analysis.book), lang)
    out["lists"] = {name: frame.rename(columns={"customer_id": key_header})
                    for name, frame in chosen.items()}
    return out


ASSUMPTIONS = ("dm_cost", "email_cost", "line_cost", "insert_cost", "dm_reach", "email_reach",
               "line_reach", "insert_reach", "gross_margin", "cpa", "acquisition_multiple")


def plan_section(plan: list, assumptions: Any, answers: Mapping[str, Any],
                 lang: str) -> tuple[list[dict], dict[str, Any]]:
    """The plan's priced rows as report rows, and the assumptions they used {label: value}."""
    from engine import roi

    if assumptions is None:
        assumptions = roi.PlanAssumptions.defaults(dict(answers))
    table = [{"action": ("★ " if r.top else "") + r.title, "target": r.target_label,
              "channel": r.channel_label, "customers": r.customers,
              "contacts": r.estimate.contacts, "cost": round(r.estimate.cost),
              "response_rate": round(r.estimate.response_rate, 6),  # not the last bit of a sum
              "order_value": round(r.estimate.order_value),
              "gross_profit": round(r.estimate.gross_profit),
              "profit": round(r.estimate.profit),
              "roi": None if r.estimate.roi is None else round(r.estimate.roi, 4)}
             for r in plan if r.estimate is not None]
    if not table:
        return [], {}
    values = assumptions.to_json()
    stated = {t(f"plan.assumption.{name}", lang): values[name] for name in ASSUMPTIONS
              if values.get(name) is not None}
    return table, stated

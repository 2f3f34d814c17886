"""Four membership ranks (seed 001): ベーシック, アクティブ, プレミアム, アンバサダー.

Scored on money × behaviour × relationship, not spend alone (segments.toml [[ranks.rules]],
first match wins). Relationship (referrals, reviews/UGC, survey answers) is not in an order file:
it comes from the optional customer file (`relationship.read_customer_file`). Without it the
アンバサダー rule is not applied and `RankResult.ambassador_known` is False: the count of
ambassadors is undetermined (None), never guessed, and `reason_key` says what data would allow it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.analysis import rules
from engine.settings import Settings, resolve

RANK_IDS = ("basic", "active", "premium", "ambassador")
# customer-file column -> its weight in segments.toml [ranks]
RELATIONSHIP_WEIGHTS = {"referrals": "referral_points", "reviews": "review_points",
                        "survey": "survey_points"}


@dataclass
class RankResult:
    ranks: pd.DataFrame            # index customer_id: rank, relationship_points, monetary_ratio
    ambassador_known: bool
    reason_key: str | None         # "analysis.ranks.no_relationship" when not known
    matched: int | None = None     # customers found in the customer file

    def counts(self) -> dict[str, int | None]:
        """{rank id: customers}; ambassador None when it cannot be judged."""
        vc = self.ranks["rank"].value_counts()
        out: dict[str, int | None] = {r: int(vc.get(r, 0)) for r in RANK_IDS}
        if not self.ambassador_known:
            out["ambassador"] = None
        return out


def rank_labels(lang: str = "ja", *, settings: Settings | None = None) -> dict[str, str]:
    return rules.labels(resolve(settings).segments["ranks"]["rules"], lang)


def relationship_points(relationship: pd.DataFrame, index: pd.Index, *,
                        settings: Settings | None = None) -> pd.Series:
    """Points per customer of `index` from the customer file (absent customers: 0)."""
    cfg = resolve(settings).segments["ranks"]
    rel = relationship.reindex(index)
    points = pd.Series(0.0, index=index)
    for col, weight_key in RELATIONSHIP_WEIGHTS.items():
        if col in rel:
            points += rel[col].fillna(0).astype(float) * cfg[weight_key]
    return points


def assign_ranks(table: pd.DataFrame, relationship: pd.DataFrame | None = None,
                 rank_rules: list[dict] | None = None, *,
                 settings: Settings | None = None) -> RankResult:
    """The rank of each customer of `table` (customer_table).

    `relationship`: DataFrame indexed by customer_id with referrals / reviews / survey counts
    (from `relationship.read_customer_file`), or None. `rank_rules` overrides segments.toml.
    """
    rank_rules = (rank_rules if rank_rules is not None
                  else resolve(settings).segments["ranks"]["rules"])
    known = relationship is not None
    mean_money = float(table["monetary"].mean()) if len(table) else 0.0
    frame = pd.DataFrame({
        "frequency": table["frequency"].to_numpy(),
        "monetary": table["monetary"].to_numpy(),
        "recency_days": table["recency_days"].to_numpy(),
        "monetary_ratio": (table["monetary"] / mean_money).to_numpy() if mean_money > 0
        else np.zeros(len(table)),
    }, index=table.index)
    if known:
        frame["relationship_points"] = relationship_points(relationship, table.index,
                                                           settings=settings)
        applied = list(rank_rules)
    else:
        applied = [r for r in rank_rules if r.get("requires") != "relationship"]
    frame["rank"] = rules.match(frame, applied, default=applied[-1]["id"])
    matched = int(table.index.isin(relationship.index).sum()) if known else None
    cols = ["rank", "monetary_ratio"] + (["relationship_points"] if known else [])
    return RankResult(ranks=frame[cols], ambassador_known=known,
                      reason_key=None if known else "analysis.ranks.no_relationship",
                      matched=matched)

"""CPM (customer portfolio management) segments, the Japanese EC standard.

初回 / よちよち / コツコツ / 流行 / 優良 from order count, spend and tenure (segments.toml
[[cpm.segments]], first match wins), each split into its 離脱 counterpart when the days since
the last order exceed the lapse threshold. Segment ids: "<group>" or "<group>_lapsed".
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from engine.analysis import rules
from engine.config import localized
from engine.settings import Settings, resolve


@dataclass(frozen=True)
class CPMThresholds:
    """The editable CPM numbers (hashable for UI caching). Defaults come from segments.toml."""

    monetary: float          # spend separating 優良/流行 from コツコツ/よちよち
    tenure_days: float       # tenure separating 優良/コツコツ from 流行/よちよち
    lapse_days: float        # days since the last order after which a group is 離脱
    first_lapse_days: float  # the same for 初回客

    def with_value(self, name: str, value: float) -> "CPMThresholds":
        return replace(self, **{name: float(value)})


def _config(settings: Settings | None) -> dict[str, Any]:
    return resolve(settings).segments["cpm"]


def default_thresholds(*, settings: Settings | None = None) -> CPMThresholds:
    """The thresholds written in segments.toml (spend/tenure read off the rules)."""
    cfg = _config(settings)
    money = next(r["monetary_min"] for r in cfg["segments"] if "monetary_min" in r)
    tenure = next(r["tenure_min"] for r in cfg["segments"] if "tenure_min" in r)
    return CPMThresholds(float(money), float(tenure), float(cfg["lapse_days"]),
                         float(cfg["first_lapse_days"]))


def _rules(thresholds: CPMThresholds, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """segments.toml rules with the spend/tenure values replaced by `thresholds`."""
    out = []
    for rule in cfg["segments"]:
        rule = dict(rule)
        if "monetary_min" in rule:
            rule["monetary_min"] = thresholds.monetary
        if "tenure_min" in rule:
            rule["tenure_min"] = thresholds.tenure_days
        out.append(rule)
    return out


def segment_ids(*, settings: Settings | None = None) -> list[str]:
    """All CPM segment ids: the active groups, then their 離脱 counterparts."""
    groups = [r["id"] for r in _config(settings)["segments"]]
    return groups + [f"{g}_lapsed" for g in groups]


def segment_labels(lang: str = "ja", *, settings: Settings | None = None) -> dict[str, str]:
    cfg = _config(settings)
    out = {}
    for rule in cfg["segments"]:
        out[rule["id"]] = localized(rule, "label", lang)
    for rule in cfg["segments"]:
        out[f"{rule['id']}_lapsed"] = localized(rule, "lapsed_label", lang)
    return out


def cpm_segments(table: pd.DataFrame, thresholds: CPMThresholds | None = None, *,
                 settings: Settings | None = None) -> pd.Series:
    """CPM segment id per customer of `table` (customer_table), indexed like it."""
    cfg = _config(settings)
    thresholds = thresholds or default_thresholds(settings=settings)
    frame = pd.DataFrame({
        "frequency": table["frequency"].to_numpy(),
        "monetary": table["monetary"].to_numpy(),
        "tenure": table[cfg["tenure_column"]].to_numpy(),
    })
    seg_rules = _rules(thresholds, cfg)
    group = rules.match(frame, seg_rules, default=seg_rules[-1]["id"])
    first_id = seg_rules[0]["id"]
    lapse = np.where(group == first_id, thresholds.first_lapse_days, thresholds.lapse_days)
    lapsed = table["recency_days"].to_numpy() > lapse
    ids = np.where(lapsed, np.char.add(group.astype(str), "_lapsed"), group.astype(str))
    return pd.Series(ids.astype(object), index=table.index, name="cpm")


def cpm_grid(table: pd.DataFrame, segments: pd.Series, *,
             settings: Settings | None = None) -> pd.DataFrame:
    """Customers, revenue and revenue share per CPM segment, every segment listed (zeros kept).

    Index: segment id in `segment_ids()` order; columns customers, revenue, revenue_share,
    group (the active group id) and lapsed (bool), so a page can draw the 5 × 2 grid.
    """
    ids = segment_ids(settings=settings)
    customers = segments.value_counts().reindex(ids, fill_value=0).astype(np.int64)
    revenue = table["monetary"].groupby(segments).sum().reindex(ids, fill_value=0.0)
    total = float(revenue.sum())
    grid = pd.DataFrame({"customers": customers, "revenue": revenue.astype(float)})
    grid["revenue_share"] = grid["revenue"] / total if total else 0.0
    grid["lapsed"] = [i.endswith("_lapsed") for i in ids]
    grid["group"] = [i.removesuffix("_lapsed") for i in ids]
    grid.index.name = "segment"
    return grid

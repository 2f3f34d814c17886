"""RFM scores 1-5, RFM segments, and who changes segment when a threshold moves (seed 003).

Thresholds are four ascending cut points per dimension. Scoring, ties included:
  R = 5 if recency_days <= cut1, 4 if <= cut2, 3 if <= cut3, 2 if <= cut4, else 1
  F, M = 1 + number of cuts the value reaches (value >= cut)
so a customer exactly AT a threshold gets the better score. Cut points come from
segments.toml: "quantile" (this shop's own 20/40/60/80 % points) or "fixed" per dimension; the
`source` of each dimension says which, for the page to show.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import numpy as np
import pandas as pd

from engine.analysis import rules
from engine.config import load
from engine.errors import KarteError

DIMENSIONS = ("recency_days", "frequency", "monetary")
SCORE_OF = {"recency_days": "R", "frequency": "F", "monetary": "M"}


@dataclass(frozen=True)
class RFMThresholds:
    """Four ascending cut points per dimension; hashable so the UI can cache on it."""

    recency_days: tuple[float, ...]
    frequency: tuple[float, ...]
    monetary: tuple[float, ...]
    source: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # dim -> method

    def __post_init__(self) -> None:
        for dim in DIMENSIONS:
            cuts = tuple(float(c) for c in getattr(self, dim))
            if len(cuts) != 4:
                raise KarteError("analysis.error.thresholds_count", dimension=dim)
            if any(b < a for a, b in zip(cuts, cuts[1:])):
                raise KarteError("analysis.error.thresholds_order", dimension=dim)
            object.__setattr__(self, dim, cuts)

    def with_cut(self, dimension: str, position: int, value: float) -> "RFMThresholds":
        """A copy with one cut point moved (what a slider on the page does)."""
        cuts = list(getattr(self, dimension))
        cuts[position] = value
        return replace(self, **{dimension: tuple(cuts)})

    def as_dict(self) -> dict[str, Any]:
        return {dim: list(getattr(self, dim)) for dim in DIMENSIONS} | {"source": dict(self.source)}


def _config() -> Mapping[str, Any]:
    return load("segments")["rfm"]


def default_thresholds(table: pd.DataFrame) -> RFMThresholds:
    """Cut points per segments.toml: quantiles of `table` or the fixed values, per dimension.

    Quantile cuts are rounded (days and yen to whole numbers) so they read well on a slider.
    """
    cfg = _config()
    cuts, source = {}, []
    for dim in DIMENSIONS:
        method = cfg[f"{dim.split('_')[0]}_method"]
        if method == "quantile" and len(table):
            values = np.quantile(table[dim].to_numpy(dtype=float), cfg["quantiles"])
            cuts[dim] = tuple(float(np.round(v)) for v in values)
        else:
            method = "fixed"
            cuts[dim] = tuple(cfg["fixed"][dim])
        source.append((dim, method))
    return RFMThresholds(**cuts, source=tuple(source))


def scores(table: pd.DataFrame, thresholds: RFMThresholds) -> pd.DataFrame:
    """R, F, M (int 1-5) indexed like `table`."""
    out = {}
    for dim in DIMENSIONS:
        cuts = np.asarray(getattr(thresholds, dim))
        values = table[dim].to_numpy(dtype=float)
        if dim == "recency_days":  # fewer days is better; a value equal to a cut keeps the cut's score
            out["R"] = 5 - np.searchsorted(cuts, values, side="left")
        else:
            out[SCORE_OF[dim]] = 1 + np.searchsorted(cuts, values, side="right")
    return pd.DataFrame(out, index=table.index).astype(np.int64)


def score(table: pd.DataFrame, thresholds: RFMThresholds | None = None) -> pd.DataFrame:
    """R, F, M scores and the RFM `segment` id (segments.toml [[rfm.segments]]) per customer."""
    thresholds = thresholds or default_thresholds(table)
    out = scores(table, thresholds)
    seg_rules = _config()["segments"]
    out["segment"] = rules.match(out, seg_rules, default=seg_rules[-1]["id"])
    out["segment"] = out["segment"].astype(object)
    return out


class RFMScorer:
    """scikit-learn style: `fit` settles the thresholds (given, or the defaults of the data)."""

    def __init__(self, thresholds: RFMThresholds | None = None) -> None:
        self.thresholds = thresholds

    def fit(self, table: pd.DataFrame, y: Any = None) -> "RFMScorer":
        self.thresholds_ = self.thresholds or default_thresholds(table)
        return self

    def transform(self, table: pd.DataFrame) -> pd.DataFrame:
        return score(table, self.thresholds_)

    def fit_transform(self, table: pd.DataFrame, y: Any = None) -> pd.DataFrame:
        return self.fit(table).transform(table)


def segment_ids() -> list[str]:
    """RFM segment ids in the order of segments.toml."""
    return [r["id"] for r in _config()["segments"]]


def segment_labels(lang: str = "ja") -> dict[str, str]:
    return rules.labels(_config()["segments"], lang)


def segment_counts(scored: pd.DataFrame) -> dict[str, int]:
    """{segment id: customers} for every segment (zeros kept), in segments.toml order."""
    counts = scored["segment"].value_counts()
    return {sid: int(counts.get(sid, 0)) for sid in segment_ids()}


def segment_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Customers whose segment differs between two `score` results (same customers).

    Columns: from_segment, to_segment, and the R/F/M scores before (R_old ...) and after.
    Sorted by customer_id. `len(...)` is how many customers a threshold move changes.
    """
    joined = old[["R", "F", "M", "segment"]].merge(
        new[["R", "F", "M", "segment"]], left_index=True, right_index=True, how="inner",
        suffixes=("_old", "_new"))
    moved = joined[joined["segment_old"] != joined["segment_new"]]
    out = moved.rename(columns={"segment_old": "from_segment", "segment_new": "to_segment"})
    out = out[["from_segment", "to_segment", "R_old", "F_old", "M_old", "R_new", "F_new", "M_new"]]
    return out.sort_index(kind="stable")


def change_matrix(changes: pd.DataFrame) -> pd.DataFrame:
    """Counts of moves: rows from_segment, columns to_segment (only moves that happened)."""
    if changes.empty:
        return pd.DataFrame(dtype=np.int64)
    return pd.crosstab(changes["from_segment"], changes["to_segment"])

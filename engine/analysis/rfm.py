"""RFM scores 1-5, RFM segments, and who changes segment when a threshold moves (seed 003).

Thresholds are four ascending cut points per dimension. Scoring, ties included:
  R = 5 if recency_days <= cut1, 4 if <= cut2, 3 if <= cut3, 2 if <= cut4, else 1
  F, M = 1 + number of cuts the value reaches (value >= cut)
so a customer exactly AT a threshold gets the better score. Cut points come from
segments.toml: "fixed" (recency by default: 30 / 90 / 180 / 365 days, so R means the same in
every shop) or "quantile" (this shop's own 20/40/60/80 % points) per dimension; the `source` of
each dimension says which, for the page to show.

Segment rules may also test `recency_days` itself (新規 = one order AND within the CPM first
lapse window, so no 新規 customer is CPM 初回離脱). `used_cuts` says which cut points the
segment rules read, so an editor shows only cut points that can move somebody, and
`cut_label` names each one the way it reads ("R5→R4: ≤30日").
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from engine.analysis import rules
from engine.errors import KarteError
from engine.i18n import t
from engine.settings import Settings, resolve

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
            # the message names the dimension in the reader's language, never by its id
            named = {"dimension": dim, "dimension_ja": t(f"analysis.columns.{dim}", "ja"),
                     "dimension_en": t(f"analysis.columns.{dim}", "en")}
            if len(cuts) != 4:
                raise KarteError("analysis.error.thresholds_count", **named)
            if any(b < a for a, b in zip(cuts, cuts[1:])):
                raise KarteError("analysis.error.thresholds_order", **named)
            object.__setattr__(self, dim, cuts)

    def with_cut(self, dimension: str, position: int, value: float) -> "RFMThresholds":
        """A copy with one cut point moved (what a slider on the page does)."""
        cuts = list(getattr(self, dimension))
        cuts[position] = value
        return replace(self, **{dimension: tuple(cuts)})

    def as_dict(self) -> dict[str, Any]:
        return {dim: list(getattr(self, dim)) for dim in DIMENSIONS} | {"source": dict(self.source)}


def _config(settings: Settings | None) -> Mapping[str, Any]:
    return resolve(settings).segments["rfm"]


def default_thresholds(table: pd.DataFrame, *, settings: Settings | None = None) -> RFMThresholds:
    """Cut points per segments.toml: quantiles of `table` or the fixed values, per dimension.

    Quantile cuts are rounded (days and yen to whole numbers) so they read well on a slider.
    """
    cfg = _config(settings)
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


def score(table: pd.DataFrame, thresholds: RFMThresholds | None = None, *,
          settings: Settings | None = None) -> pd.DataFrame:
    """R, F, M scores and the RFM `segment` id (segments.toml [[rfm.segments]]) per customer.

    The rules see the scores R, F, M and the customer's own `recency_days`.
    """
    thresholds = thresholds or default_thresholds(table, settings=settings)
    out = scores(table, thresholds)
    seg_rules = _config(settings)["segments"]
    frame = out.assign(recency_days=table["recency_days"].to_numpy(dtype=float))
    out["segment"] = rules.match(frame, seg_rules, default=seg_rules[-1]["id"])
    out["segment"] = out["segment"].astype(object)
    return out


def _cut_of(score_name: str, op: str, value: float) -> int | None:
    """The cut position (0-3) a condition on a 1-5 score reads, None if it reads none."""
    # "score >= v" is decided by the boundary between v-1 and v; "score <= v" by v and v+1.
    upper = {"min": value, "over": value + 1, "max": value + 1, "under": value}[op]
    if not 2 <= upper <= 5 or upper != int(upper):
        return None
    upper = int(upper)
    # R: score 5 is the first cut (fewest days), so the boundary v-1|v is cut 5-v;
    # F, M: score = 1 + cuts reached, so the boundary v-1|v is cut v-2.
    return 5 - upper if score_name == "R" else upper - 2


def used_cuts(*, settings: Settings | None = None) -> dict[str, tuple[int, ...]]:
    """{dimension: cut positions the segment rules read}: only these can move anybody between
    segments; the others change a score but never a segment."""
    used: dict[str, set[int]] = {dim: set() for dim in DIMENSIONS}
    dim_of = {v: k for k, v in SCORE_OF.items()}
    for rule in _config(settings)["segments"]:
        for column, op, value in rules.conditions(rule):
            if column in dim_of:
                pos = _cut_of(column, op, float(value))
                if pos is not None:
                    used[dim_of[column]].add(pos)
    return {dim: tuple(sorted(p)) for dim, p in used.items()}


def cut_label(dimension: str, position: int, value: float | None = None, lang: str = "ja"
              ) -> str:
    """How a cut point reads: "R5→R4: ≤30日", "F1→F2: ≥2回", "M2→M3: ≥¥3,740"; without a
    value, the field label of an editor ("R5→R4: ≤ 日")."""
    s = SCORE_OF[dimension]
    kind = dimension.split("_")[0]
    key = f"analysis.rfm.cut_{kind}" + ("_field" if value is None else "")
    text = "" if value is None else f"{value:,.0f}"
    if dimension == "recency_days":  # R5 holds the fewest days: the cut leads from 5-i to 4-i
        return t(key, lang, lower=f"{s}{5 - position}", higher=f"{s}{4 - position}", value=text)
    return t(key, lang, lower=f"{s}{position + 1}", higher=f"{s}{position + 2}", value=text)


def definitions_note(thresholds: RFMThresholds, lang: str = "ja", *,
                     settings: Settings | None = None) -> str:
    """One plain sentence on what R and 新規 mean with these cut points (shown on the page)."""
    r = [f"{c:,.0f}" for c in thresholds.recency_days]
    new = next((rule for rule in _config(settings)["segments"] if rule["id"] == "new"), {})
    new_days = min(float(new.get("recency_days_max", np.inf)), thresholds.recency_days[1])
    return t("analysis.rfm.definitions", lang, r0=r[0], r1=r[1], r2=r[2], r3=r[3],
             new_days=f"{new_days:,.0f}")


def cut_steps(dimension: str, keep: Iterable[float] = (), *,
              settings: Settings | None = None) -> list[float]:
    """The values a cut point of `dimension` steps through on a slider, ascending: the bands of
    [rfm.steps] in segments.toml (days by the week, then by the month; yen by ¥1,000, then in
    larger steps), plus every value in `keep` (the file's own cut points and the current ones,
    which need not fall on a step). With `keep`, the steps stop at twice its largest value, so
    that a slider spends its length where this shop's customers are."""
    keep = [float(v) for v in keep]
    limit = 2 * max(keep) if keep else float("inf")
    values: set[float] = set()
    low = 0.0
    for upper, step in _config(settings)["steps"][dimension]:
        value = (low // step + 1) * step
        while value <= min(upper, limit):
            values.add(float(value))
            value += step
        low = float(upper)
    values.update(keep)
    return sorted(values)


def complete_cuts(defaults: tuple[float, ...], edited: Mapping[int, float]) -> tuple[float, ...]:
    """Four cut points from the edited ones; a cut not shown keeps its default, moved just far
    enough to stay in order with the edited ones (it reads no segment rule, so moving it moves
    nobody between segments)."""
    cuts = [float(edited.get(i, c)) for i, c in enumerate(defaults)]
    for i in range(len(cuts)):
        if i in edited:
            continue
        below = [float(v) for j, v in edited.items() if j < i]
        above = [float(v) for j, v in edited.items() if j > i]
        if below:
            cuts[i] = max(cuts[i], max(below))
        if above:
            cuts[i] = min(cuts[i], min(above))
    return tuple(cuts)


class RFMScorer:
    """scikit-learn style: `fit` settles the thresholds (given, or the defaults of the data)."""

    def __init__(self, thresholds: RFMThresholds | None = None, *,
                 settings: Settings | None = None) -> None:
        self.thresholds = thresholds
        self.settings = settings

    def fit(self, table: pd.DataFrame, y: Any = None) -> "RFMScorer":
        self.thresholds_ = self.thresholds or default_thresholds(table, settings=self.settings)
        return self

    def transform(self, table: pd.DataFrame) -> pd.DataFrame:
        return score(table, self.thresholds_, settings=self.settings)

    def fit_transform(self, table: pd.DataFrame, y: Any = None) -> pd.DataFrame:
        return self.fit(table).transform(table)


def segment_ids(*, settings: Settings | None = None) -> list[str]:
    """RFM segment ids in the order of segments.toml."""
    return [r["id"] for r in _config(settings)["segments"]]


def segment_labels(lang: str = "ja", *, settings: Settings | None = None) -> dict[str, str]:
    return rules.labels(_config(settings)["segments"], lang)


def segment_counts(scored: pd.DataFrame, *, settings: Settings | None = None) -> dict[str, int]:
    """{segment id: customers} for every segment (zeros kept), in segments.toml order."""
    counts = scored["segment"].value_counts()
    return {sid: int(counts.get(sid, 0)) for sid in segment_ids(settings=settings)}


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

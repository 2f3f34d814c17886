"""KMeans clusters on RFM, named in business terms from how the clusters rank against each other.

Pipeline: log1p (RFM is heavily right-skewed) → StandardScaler → KMeans with a fixed seed and
`n_init` starts (segments.toml [clusters]). k is the best silhouette for k in [k_min, k_max] on
a fixed-seed sample of at most `silhouette_sample` customers (silhouette is quadratic in n),
unless the caller fixes k.

The same customers give the same clusters whatever their order and whatever their ids (ids are
salted per session): the model is fitted on the rows sorted by their RFM values, never by id.
Customers with no spend (free samples, refunds netting to zero) are not fitted on — log1p(0)
sits far from everybody and would take a cluster of its own — and join the nearest cluster.

Names come from the clusters' ranking against each other with a margin (`name_margin`, in
standard deviations of the log-scaled data): "high value" is within the margin of the best
cluster's spend and clearly above the lowest; "recent" / "old" within the margin of the newest /
oldest cluster and clearly apart from the other end. A centroid a hair above the average no
longer flips a name. Clusters are numbered 0..k-1 by descending monetary median (ties: recency,
then size), so cluster 0 is always the most valuable. Too few customers, or everybody with one
order, gives a result with `ok = False` and a message key, never an exception.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from threadpoolctl import threadpool_limits

from engine.analysis import rules
from engine.config import localized
from engine.settings import Settings, resolve

FEATURES = ["recency_days", "frequency", "monetary"]
PROFILE_COLUMNS = ["cluster", "name_id", "name_ja", "name_en", "size", "revenue_share",
                   "recency_median", "frequency_median", "monetary_median", "r_z", "f_z", "m_z",
                   "high_value", "recent", "old"]


@dataclass
class ClusterResult:
    ok: bool
    reason_key: str | None = None           # analysis.clusters.* message when not ok
    reason_params: dict = field(default_factory=dict)
    k: int | None = None
    k_chosen_by: str | None = None          # "silhouette" or "user"
    silhouette: dict[int, float] = field(default_factory=dict)  # k -> score on the sample
    labels: pd.Series | None = None         # customer_id -> cluster number
    profile: pd.DataFrame | None = None     # one row per cluster, PROFILE_COLUMNS
    pipeline: Pipeline | None = None
    n_init: int | None = None               # KMeans starts searched
    fitted_on: int | None = None            # customers the final KMeans was fitted on (sample)

    def names(self, lang: str = "ja") -> pd.Series:
        """customer_id -> cluster name in `lang`."""
        if not self.ok:
            return pd.Series(dtype=object)
        mapping = self.profile.set_index("cluster")[f"name_{lang}"]
        return self.labels.map(mapping)


def _config(settings: Settings | None) -> dict:
    return resolve(settings).segments["clusters"]


def make_pipeline(k: int, seed: int = 0, n_init: int | None = None, *,
                  settings: Settings | None = None) -> Pipeline:
    cfg = _config(settings)
    return Pipeline([
        ("log", FunctionTransformer(np.log1p, feature_names_out="one-to-one")),
        ("scale", StandardScaler()),
        ("kmeans", KMeans(n_clusters=k, n_init=n_init or cfg["n_init"], random_state=seed)),
    ])


def _not_meaningful(table: pd.DataFrame, cfg: dict) -> tuple[str, dict] | None:
    if len(table) < cfg["min_customers"]:
        return "analysis.clusters.too_few", {"n": len(table), "min": cfg["min_customers"]}
    if (table["frequency"] <= 1).all():
        return "analysis.clusters.all_single", {"n": len(table)}
    if len(table[FEATURES].drop_duplicates()) < cfg["k_min"]:
        return "analysis.clusters.too_few_distinct", {}
    return None


def _canonical(X: np.ndarray) -> np.ndarray:
    """X with its rows sorted by value: the fit then never sees the customers' order or ids."""
    return X[np.lexsort(X.T[::-1])]


def choose_k(X: np.ndarray, seed: int = 0, *,
             settings: Settings | None = None) -> tuple[int, dict[int, float]]:
    """Best silhouette k on a fixed-seed sample of X (raw RFM values, any row order)."""
    cfg = _config(settings)
    X = _canonical(X)
    X = X[_sample(len(X), cfg["silhouette_sample"], seed)]
    n_distinct = len(np.unique(X, axis=0))
    scores: dict[int, float] = {}
    for k in range(cfg["k_min"], cfg["k_max"] + 1):
        if k >= n_distinct:
            break
        pipe = make_pipeline(k, seed, settings=settings)
        labels = pipe.fit_predict(X)
        if len(np.unique(labels)) < 2:
            continue
        Z = pipe[:-1].transform(X)
        scores[k] = round(float(silhouette_score(Z, labels)), 4)
    if not scores:
        return cfg["k_min"], scores
    best = max(scores.items(), key=lambda kv: (kv[1], -kv[0]))[0]  # tie: fewer clusters
    return best, scores


def fit_clusters(table: pd.DataFrame, k: int | None = None, seed: int = 0, *,
                 settings: Settings | None = None) -> ClusterResult:
    """Cluster the customers of `table` (from customer_table) on recency, frequency, monetary."""
    # One thread: at these sizes threading gains little, and on a busy shared server OpenMP /
    # BLAS threads spin-waiting for a core made KMeans + silhouette 10-50× slower (measured).
    with threadpool_limits(limits=1):
        return _fit_clusters(table, k, seed, _config(settings), settings)


def _fit_clusters(table: pd.DataFrame, k: int | None, seed: int, cfg: dict,
                  settings: Settings | None) -> ClusterResult:
    X = np.clip(table[FEATURES].to_numpy(dtype=float), 0, None)  # refunds: log1p needs >= 0
    spending = X[:, 2] > 0
    problem = _not_meaningful(table.loc[spending], cfg)
    if problem:
        return ClusterResult(ok=False, reason_key=problem[0], reason_params=problem[1])
    fit_on = _canonical(X[spending])
    silhouette: dict[int, float] = {}
    if k is None:
        k, silhouette = choose_k(fit_on, seed, settings=settings)
        chosen_by = "silhouette"
    else:
        chosen_by = "user"
        n_distinct = len(np.unique(fit_on, axis=0))
        if not 2 <= k <= n_distinct:
            return ClusterResult(ok=False, reason_key="analysis.clusters.bad_k",
                                 reason_params={"k": k, "max": n_distinct})
    pipe = _fit_pipeline(fit_on, k, seed, cfg, settings)
    cap = int(cfg.get("final_fit_sample", 0) or 0)
    fitted_on = min(len(fit_on), cap) if cap else len(fit_on)
    raw = pipe.predict(X)  # zero-spend customers join the nearest cluster
    centres = pipe.named_steps["kmeans"].cluster_centers_
    labels, profile = _profile(table, raw, centres, cfg)
    return ClusterResult(ok=True, k=k, k_chosen_by=chosen_by, silhouette=silhouette,
                         labels=labels, profile=profile, pipeline=pipe, n_init=cfg["n_init"],
                         fitted_on=fitted_on)


def _sample(n: int, size: int, seed: int) -> np.ndarray:
    """Row positions of the fixed-seed sample (all rows when n <= size)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


def _fit_pipeline(fit_on: np.ndarray, k: int, seed: int, cfg: dict,
                  settings: Settings | None) -> Pipeline:
    """The `n_init` KMeans starts are searched on the fixed-seed sample (cheap), and the best
    is refined on every customer: the same partition as n_init starts on all, at the cost of
    about one (100,000 customers: 10 full starts took seconds on the project machine)."""
    pipe = make_pipeline(k, seed, settings=settings)
    Z = pipe[:-1].fit_transform(fit_on)
    best = KMeans(n_clusters=k, n_init=cfg["n_init"], random_state=seed).fit(
        Z[_sample(len(Z), cfg["silhouette_sample"], seed)])
    pipe.set_params(kmeans__init=best.cluster_centers_, kmeans__n_init=1)
    cap = int(cfg.get("final_fit_sample", 0) or 0)
    # very large shops: refined on a fixed-seed sample, every customer still assigned (predict)
    pipe.named_steps["kmeans"].fit(Z[_sample(len(Z), cap, seed)] if cap and len(Z) > cap else Z)
    return pipe


def rank_flags(r_z: np.ndarray, m_z: np.ndarray, margin: float) -> pd.DataFrame:
    """high_value / recent / old (0 or 1) per cluster, from the clusters' ranking against each
    other: within `margin` of the best (newest, oldest) cluster and at least `margin` away from
    the other end. r_z > 0 means longer since the last order."""
    r_z, m_z = np.asarray(r_z, dtype=float), np.asarray(m_z, dtype=float)
    high = (m_z >= m_z.max() - margin) & (m_z >= m_z.min() + margin)
    recent = (r_z <= r_z.min() + margin) & (r_z <= r_z.max() - margin)
    old = (r_z >= r_z.max() - margin) & (r_z >= r_z.min() + margin) & ~recent
    return pd.DataFrame({"high_value": high.astype(np.int64), "recent": recent.astype(np.int64),
                         "old": old.astype(np.int64)})


def _profile(table: pd.DataFrame, raw: np.ndarray, centres: np.ndarray,
             cfg: dict) -> tuple[pd.Series, pd.DataFrame]:
    frame = table[FEATURES].assign(raw=raw)
    grouped = frame.groupby("raw", sort=True)
    prof = pd.DataFrame({
        "size": grouped.size(),
        "revenue": grouped["monetary"].sum(),
        "recency_median": grouped["recency_days"].median(),
        "frequency_median": grouped["frequency"].median(),
        "monetary_median": grouped["monetary"].median(),
    })
    z = pd.DataFrame(centres, columns=["r_z", "f_z", "m_z"]).loc[prof.index]
    prof = prof.join(z)
    prof = prof.join(rank_flags(prof["r_z"], prof["m_z"], float(cfg["name_margin"]))
                     .set_axis(prof.index))
    # stable numbering: most valuable first (the centroid breaks any remaining tie)
    prof = prof.sort_values(["monetary_median", "recency_median", "size", "m_z", "r_z"],
                            ascending=[False, True, False, False, True], kind="mergesort")
    renumber = {old: new for new, old in enumerate(prof.index)}
    prof.index = [renumber[i] for i in prof.index]
    total = float(table["monetary"].clip(lower=0).sum())
    prof["revenue_share"] = prof["revenue"].clip(lower=0) / total if total > 0 else 0.0
    name_rules = cfg["names"]
    prof["name_id"] = rules.match(prof, name_rules, default=name_rules[-1]["id"])
    by_id = {r["id"]: r for r in name_rules}
    seen: dict[str, int] = {}
    for lang in ("ja", "en"):
        seen.clear()
        names = []
        for nid in prof["name_id"]:
            seen[nid] = seen.get(nid, 0) + 1
            base = localized(by_id[nid], "label", lang)
            names.append(base if seen[nid] == 1 else f"{base} {seen[nid]}")
        prof[f"name_{lang}"] = names
    prof["cluster"] = prof.index
    labels = pd.Series(pd.Series(raw).map(renumber).to_numpy(), index=table.index, name="cluster")
    return labels, prof[PROFILE_COLUMNS].reset_index(drop=True)


def scatter_frame(table: pd.DataFrame, result: ClusterResult, lang: str = "ja",
                  max_points: int = 5000, seed: int = 0) -> pd.DataFrame:
    """Points for the recency × monetary chart: at most `max_points` customers (fixed-seed
    sample, so the chart stays light on a phone), with the cluster name in `lang`.

    Columns customer_id, recency_days, monetary, frequency, cluster, name.
    """
    if not result.ok:
        return pd.DataFrame(columns=["customer_id", "recency_days", "monetary", "frequency",
                                     "cluster", "name"])
    frame = table[["recency_days", "monetary", "frequency"]].assign(
        cluster=result.labels, name=result.names(lang))
    if len(frame) > max_points:
        rng = np.random.default_rng(seed)
        frame = frame.iloc[np.sort(rng.choice(len(frame), max_points, replace=False))]
    return frame.reset_index()

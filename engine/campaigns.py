"""Campaigns with a control group, measured on the next export (issue 15; seeds 003, 004).

This module owns
* `create_campaign(analysis, answers, target=…)`: a campaign from a plan target (plan.toml
  [[targets]]) or a dormant layer of a `ShopAnalysis`: the target's customers split into a
  mailed group and a control group held back (share editable, campaigns.toml [control]), at
  random but reproducibly (seeded by the campaign id), stratified on what the target was
  chosen by (segment × value band), each customer in exactly one group. The groups are kept
  as keyed hashes of the customer keys (HMAC-SHA256 under the installation's secret and the
  campaign id): no names, e-mails or phones, and nobody without the secret can test a guess;
* `measure(campaign, book)`: the campaign read on a newer export of the same shop (read by
  the same reader: orders as `engine.ingest` counts them), orders from the campaign date
  within its response window only; per group size, matched keys, responders, response rate,
  orders, revenue, gross profit per customer (margin of the campaign's saved assumptions);
  the difference with a 95 % interval (Newcombe's hybrid Wilson interval for the response
  rates, a fixed-seed bootstrap for gross profit per customer), the incremental profit after
  contact costs, the plan's estimate beside it, and "too small to tell" under
  campaigns.toml [measure] min_group;
* `measured_responses` / `apply_measured`: the measured lifts as plan overrides
  (`PlanAssumptions.with_response`), each with the campaign it came from (「実測」).

A customer of a group whose key is not found in the newer export is counted as unmatched, kept
in the group's denominator (they placed no order under that key) and reported.
"""
from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import asdict, dataclass, field
from statistics import NormalDist
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from engine.config import load, localized
from engine.errors import KarteError

KEY_HEX = 32          # 128 bits of HMAC-SHA256: no collision among any shop's customers
GROUPS = ("mailed", "control")
SOURCES = ("plan", "dormant")


def config() -> dict[str, Any]:
    """campaigns.toml."""
    return load("campaigns")


# --- keys ---------------------------------------------------------------------------------------

def campaign_secret() -> bytes:
    """The key of the campaign hashes: the installation's secret (engine.secret)."""
    from engine.secret import installation_secret

    return installation_secret()


def customer_hashes(customer_ids: Iterable[Any], campaign_id: str, secret: bytes) -> list[str]:
    """The keyed hash of each customer key for one campaign: HMAC-SHA256(secret, campaign id +
    customer key), hex, 32 characters. Per campaign, so two campaigns' groups cannot be joined."""
    prefix = f"{campaign_id}\x1f".encode()
    return [hmac.new(secret, prefix + str(cid).encode("utf-8", "surrogatepass"),
                     hashlib.sha256).hexdigest()[:KEY_HEX] for cid in customer_ids]


def key_fingerprint(secret: bytes) -> str:
    """A short public fingerprint of the secret: tells whether a newer export is measured
    under the same installation secret as the campaign was made with."""
    return hmac.new(secret, b"karte/campaign-fingerprint", hashlib.sha256).hexdigest()[:12]


def seed_of(campaign_id: str) -> int:
    return int.from_bytes(hashlib.sha256(campaign_id.encode()).digest()[:8], "big")


# --- the campaign -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Campaign:
    """One campaign: what was done to whom (as hashes), and what the plan expected of it."""

    id: str
    source: str                     # "plan" | "dormant"
    target: str                     # plan.toml target id (a dormant layer's target, if any)
    layer: str | None               # clv.toml layer id when made from a dormant layer
    action: str | None              # actions.toml id
    step: str                       # Omega step A–F
    label_ja: str
    label_en: str
    where: dict[str, Any]           # the target definition (plan.toml conditions)
    channel: str
    cost_per_contact: float
    reach: float
    date: str                       # ISO date: orders from this day on are responses
    window_days: int
    gross_margin: float
    control_share: float
    value: str                      # plan.toml value rule ("order", "winback", …)
    target_customers: int
    mean_p_alive: float | None      # the dormant model's mean P(alive) of the target (winback)
    estimate: dict[str, Any] | None  # engine.economics.Estimate.to_json of the whole target
    assumptions: dict[str, Any]
    mailed: tuple[str, ...]
    control: tuple[str, ...]
    strata: list[dict[str, Any]] = field(default_factory=list)
    key_fingerprint: str = ""
    client: str = ""

    def label(self, lang: str = "ja") -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_ja

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["mailed"], out["control"] = list(self.mailed), list(self.control)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Campaign":
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["mailed"] = tuple(values.get("mailed") or ())
        values["control"] = tuple(values.get("control") or ())
        return cls(**values)

    def summary(self) -> dict[str, Any]:
        """The campaign without its key lists (for lists and the history)."""
        out = self.to_json()
        out.pop("mailed"), out.pop("control")
        out["mailed_size"], out["control_size"] = len(self.mailed), len(self.control)
        return out


@dataclass
class Split:
    """A created campaign and the target's customers with their group (indexed by customer
    id: for the mailed list the user downloads, never stored)."""

    campaign: Campaign
    customers: pd.DataFrame         # plan_frame rows of the target + "group"

    @property
    def mailed_ids(self) -> pd.Index:
        return self.customers.index[self.customers["group"] == "mailed"]

    def mailed_list(self, lang: str | None = "ja") -> pd.DataFrame:
        """The customers to contact (the control group is not in it), as the lists page
        writes them (engine.analysis.lists.customer_list)."""
        from engine.analysis.lists import customer_list

        frame = self.customers.loc[self.mailed_ids]
        scores = {c: frame[c] for c in ("rfm", "cpm", "rank") if c in frame}
        if "rfm" in scores:
            scores["segment"] = scores.pop("rfm")
        return customer_list(frame, scores, None, lang=lang)


def _stratum_segment(where: Mapping[str, Any]) -> str:
    return "dormant_layer" if any(k.startswith("dormant_layer") for k in where) else "cpm"


def split_groups(hashes: Sequence[str], segments: Sequence[Any], values: Sequence[float],
                 share: float, campaign_id: str) -> np.ndarray:
    """True where the customer is held back as control.

    Strata: segment × value band (rank-based bands of `values`, campaigns.toml value_bands,
    fewer when a band would have fewer than min_per_band customers). Customers are ordered by
    stratum, then at random within it (sorted by their hash first, so the file's row order
    never matters; the generator is seeded by the campaign id), and every 1/share-th position
    from a random start is control: each stratum holds back its share ±1 customer, and the
    total is share × n rounded up or down.
    """
    cfg = config()["control"]
    n = len(hashes)
    if not 0 < share < 1:
        raise KarteError("campaign.error.bad_share", share=share, min=cfg["min_share"],
                         max=cfg["max_share"])
    if n == 0:
        return np.zeros(0, dtype=bool)
    rng = np.random.default_rng(seed_of(campaign_id))
    hashes = np.asarray(hashes, dtype=object)
    seg = pd.Series(segments, dtype=object).fillna("").astype(str).to_numpy()
    vals = np.nan_to_num(np.asarray(values, dtype=float))
    bands_n = max(1, min(int(cfg["value_bands"]), n // int(cfg["min_per_band"])))
    by_value = np.lexsort((hashes.astype(str), vals))
    band = np.empty(n, dtype=np.int64)
    band[by_value] = np.arange(n) * bands_n // n
    order = np.lexsort((hashes.astype(str), band, seg))     # stratum, then hash
    # shuffle within each stratum: a random key per customer, drawn in hash order
    noise = np.empty(n)
    noise[order] = rng.random(n)
    order = np.lexsort((noise, band, seg))
    start = rng.random()
    position = np.arange(n)
    picks = np.floor((position + 1) * share + start) - np.floor(position * share + start) >= 1
    control = np.zeros(n, dtype=bool)
    control[order[picks]] = True
    return control


def _plan_row(analysis: Any, answers: Mapping[str, Any], target: str, assumptions: Any,
              lang: str) -> Any:
    for row in analysis.plan(answers, assumptions, lang):
        if row.id == target and row.source == "data":
            return row
    return None


def target_of_layer(layer: str, settings: Any = None) -> dict[str, Any] | None:
    """The plan target that contacts exactly one dormant layer (dormant_layer_is = layer)."""
    from engine.roi import targets

    for tg in targets(settings=settings):
        if tg.get("where", {}) == {"dormant_layer_is": layer}:
            return tg
    return None


def create_campaign(analysis: Any, answers: Mapping[str, Any], *, target: str | None = None,
                    layer: str | None = None, control_share: float | None = None,
                    campaign_date: Any = None, campaign_id: str | None = None,
                    assumptions: Any = None, secret: bytes | None = None, client: str = "",
                    lang: str = "ja") -> Split:
    """A campaign on the plan target `target` or the dormant layer `layer` of `analysis`.

    `campaign_date`: the day contacts go out (default: the analysis's reference date, the
    day after the file's last order). `campaign_id`: default derived from the target, date and
    customers, so the same file and choice give the same campaign (and the same split).
    """
    from engine.economics import PlanAssumptions
    from engine.roi import select, targets

    if (target is None) == (layer is None):
        raise KarteError("campaign.error.target_or_layer")
    share = float(config()["control"]["default_share"] if control_share is None
                  else control_share)
    cfg = config()["control"]
    if not float(cfg["min_share"]) <= share <= float(cfg["max_share"]):
        raise KarteError("campaign.error.bad_share", share=share, min=cfg["min_share"],
                         max=cfg["max_share"])
    analysis.require_customers()
    priced = analysis.for_answers(answers, assumptions)
    assumptions = priced.assumptions
    settings = analysis.settings
    if layer is not None:
        spec = target_of_layer(layer, settings)
        where = {"dormant_layer_is": layer}
        labels = _layer_labels(layer, settings)
        if spec is not None:
            target = spec["id"]
    else:
        spec = next((tg for tg in targets(settings=settings) if tg["id"] == target), None)
        if spec is None:
            raise KarteError("campaign.error.unknown_target", target=target)
        where = dict(spec.get("where", {}))
        labels = {lg: localized(spec, "label", lg) for lg in ("ja", "en")}
    frame = priced.plan_frame
    members = frame.loc[select(frame, where)].copy()
    if members.empty:
        raise KarteError("campaign.error.empty_target")
    row = _plan_row(analysis, answers, target, assumptions, lang) if spec is not None else None
    channel = (spec or {}).get("channel", "dm")
    when = pd.Timestamp(campaign_date if campaign_date is not None else priced.as_of).normalize()
    ids = members.index.astype(str)
    if campaign_id is None:
        digest = hashlib.sha256("\n".join([str(target or layer), when.date().isoformat(),
                                           f"{share:.4f}", *sorted(ids)]).encode()
                                ).hexdigest()[:10]
        campaign_id = f"{target or layer}-{when:%Y%m%d}-{digest}"
    secret = campaign_secret() if secret is None else secret
    hashes = customer_hashes(ids, campaign_id, secret)
    seg_col = _stratum_segment(where)
    control = split_groups(hashes, members[seg_col].to_numpy(), members["monetary"].to_numpy(),
                           share, campaign_id)
    members["group"] = np.where(control, "control", "mailed")
    hashes_arr = np.asarray(hashes, dtype=object)
    strata = (members.assign(segment=members[seg_col].astype(str))
              .groupby(["segment", "group"]).size().unstack(fill_value=0)
              .reindex(columns=list(GROUPS), fill_value=0).reset_index())
    p_alive = members["p_alive"].to_numpy(dtype=float) if "p_alive" in members else None
    mean_p = (float(np.nanmean(p_alive)) if p_alive is not None
              and np.isfinite(p_alive).any() else None)
    campaign = Campaign(
        id=campaign_id, source="dormant" if layer is not None else "plan",
        target=str(target or ""), layer=layer, action=(spec or {}).get("action"),
        step=str((spec or {}).get("step", "A")), label_ja=labels["ja"], label_en=labels["en"],
        where=where, channel=channel, cost_per_contact=assumptions.cost(channel),
        reach=assumptions.reach(channel), date=when.date().isoformat(),
        window_days=int((spec or {}).get("window_days", assumptions.response_window_days)),
        gross_margin=float(assumptions.gross_margin), control_share=share,
        value=str((spec or {}).get("value", "order")), target_customers=len(members),
        mean_p_alive=mean_p,
        estimate=None if row is None or row.estimate is None else row.estimate.to_json(),
        assumptions=PlanAssumptions.to_json(assumptions),
        mailed=tuple(sorted(hashes_arr[~control])), control=tuple(sorted(hashes_arr[control])),
        strata=[{str(k): (int(v) if not isinstance(v, str) else v) for k, v in r.items()}
                for r in strata.to_dict(orient="records")],
        key_fingerprint=key_fingerprint(secret), client=client)
    return Split(campaign, members)


def _layer_labels(layer: str, settings: Any) -> dict[str, str]:
    from engine.settings import resolve

    for spec in resolve(settings).clv.get("dormant", {}).get("layers", []):
        if spec.get("id") == layer:
            return {lg: localized(spec, "label", lg) for lg in ("ja", "en")}
    raise KarteError("campaign.error.unknown_layer", layer=layer)


# --- measurement --------------------------------------------------------------------------------

def wilson(x: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval of a proportion x / n."""
    if n == 0:
        return 0.0, 1.0
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95
             ) -> tuple[float, float, float]:
    """(difference p1 − p2, low, high): Newcombe's hybrid score interval (his method 10), from
    the two Wilson intervals; good coverage even for rates of a few percent."""
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, z)
    l2, u2 = wilson(x2, n2, z)
    d = p1 - p2
    return (d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def bootstrap_mean_diff(a: np.ndarray, n_a: int, b: np.ndarray, n_b: int, *, resamples: int,
                        seed: int, confidence: float = 0.95) -> tuple[float, float]:
    """Percentile interval of mean(A) − mean(B), groups resampled independently. `a` / `b`
    hold the non-zero values of groups of `n_a` / `n_b` customers (the rest are 0): only the
    draws that land on a non-zero customer are made (the ordinary bootstrap, without drawing
    every zero)."""
    rng = np.random.default_rng(seed)

    def means(values: np.ndarray, n: int) -> np.ndarray:
        k = len(values)
        if n == 0 or k == 0:
            return np.zeros(resamples)
        # of n draws with replacement, Binomial(n, k/n) land on the non-zero customers, each
        # of them uniformly: the same distribution as drawing all n, at the cost of ~k draws
        hits = rng.binomial(n, k / n, size=resamples)
        picks = rng.integers(0, k, size=(resamples, int(hits.max()) if len(hits) else 0))
        used = np.arange(picks.shape[1]) < hits[:, None]
        return np.where(used, values[picks], 0.0).sum(axis=1) / n

    diff = means(np.asarray(a, dtype=float), n_a) - means(np.asarray(b, dtype=float), n_b)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(diff, [tail, 100 - tail])
    return float(low), float(high)


@dataclass
class GroupResult:
    group: str
    size: int
    matched: int
    unmatched: int
    responders: int
    response_rate: float
    orders: int
    revenue: float
    gross_profit: float
    gross_profit_per_customer: float

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["response_rate"] = round(self.response_rate, 5)
        for key in ("revenue", "gross_profit"):
            out[key] = round(self.revenue if key == "revenue" else self.gross_profit)
        out["gross_profit_per_customer"] = round(self.gross_profit_per_customer, 2)
        return out


@dataclass
class Measurement:
    """What a campaign earned, read on a newer export. Rates as fractions, money in yen."""

    campaign_id: str
    target: str
    label: str
    date: str
    window_end: str
    observed_until: str | None
    days_observed: int
    groups: dict[str, GroupResult]
    lift: float                       # response rate mailed − control
    lift_low: float
    lift_high: float
    gp_diff: float                    # gross profit per customer, mailed − control
    gp_diff_low: float
    gp_diff_high: float
    contact_cost: float               # mailed × reach × cost per contact
    incremental_gross_profit: float   # gp_diff × mailed
    incremental_profit: float         # … − contact cost
    incremental_profit_low: float
    incremental_profit_high: float
    verdict: str                      # worked | unclear | worse | too_small | no_data
    estimated_lift: float | None      # the plan's incremental response, per listed customer
    estimated_profit: float | None    # the plan's profit, scaled to the mailed group
    confidence: float
    min_group: int
    notices: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.verdict == "worked"

    def sentence(self, lang: str = "ja") -> str:
        """The result in one sentence a consultant can say out loud."""
        from engine.i18n import t

        if self.verdict in ("too_small", "no_data"):
            return t(f"campaign.verdict.{self.verdict}", lang, min_group=self.min_group)
        return t("campaign.sentence", lang, lift=f"{self.lift * 100:+.1f}",
                 low=f"{self.lift_low * 100:+.1f}", high=f"{self.lift_high * 100:+.1f}",
                 confidence=f"{self.confidence * 100:.0f}") + " " + t(
            f"campaign.verdict.{self.verdict}", lang, min_group=self.min_group)

    def to_json(self, lang: str = "ja") -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "groups"}
        out["groups"] = {g: r.to_json() for g, r in self.groups.items()}
        for key in ("lift", "lift_low", "lift_high", "estimated_lift"):
            if out[key] is not None:
                out[key] = round(out[key], 5)
        for key in ("gp_diff", "gp_diff_low", "gp_diff_high"):
            out[key] = round(out[key], 2)
        for key in ("contact_cost", "incremental_gross_profit", "incremental_profit",
                    "incremental_profit_low", "incremental_profit_high", "estimated_profit"):
            if out[key] is not None:
                out[key] = round(out[key])
        out["success"] = self.success
        out["sentence"] = self.sentence(lang)
        return out


def _orders_of(book_or_orders: Any) -> pd.DataFrame:
    orders = getattr(book_or_orders, "orders", book_or_orders)
    if getattr(book_or_orders, "report", None) is not None \
            and not book_or_orders.report.has_customers:
        raise KarteError("analysis.error.no_buyer_column")
    return orders.loc[orders["customer_id"].notna()]


def measure(campaign: Campaign | Mapping[str, Any], book: Any, *, secret: bytes | None = None,
            lang: str = "ja") -> Measurement:
    """`campaign` read on `book` (an OrderBook of a newer export, or its orders table)."""
    if not isinstance(campaign, Campaign):
        campaign = Campaign.from_json(campaign)
    cfg = config()["measure"]
    confidence, min_group = float(cfg["confidence"]), int(cfg["min_group"])
    secret = campaign_secret() if secret is None else secret
    notices: list[str] = []
    if campaign.key_fingerprint and campaign.key_fingerprint != key_fingerprint(secret):
        notices.append("campaign.notice.other_secret")
    orders = _orders_of(book)
    start = pd.Timestamp(campaign.date)
    end = start + pd.Timedelta(days=int(campaign.window_days))
    ids = orders["customer_id"].astype(str)
    uniques = pd.unique(ids)
    key_of = dict(zip(uniques, customer_hashes(uniques, campaign.id, secret)))
    seen = set(key_of.values())
    inside = (orders["order_date"] >= start) & (orders["order_date"] < end)
    window = orders.loc[inside.to_numpy()]
    window_keys = ids.loc[window.index].map(key_of)
    per_key = (pd.DataFrame({"key": window_keys.to_numpy(),
                             "revenue": window["revenue"].to_numpy(dtype=float)})
               .groupby("key").agg(orders=("revenue", "size"), revenue=("revenue", "sum")))
    last = orders["order_date"].max() if len(orders) else None
    if len(orders) and orders["order_date"].min() >= start:
        notices.append("campaign.notice.starts_after")
    observed_until = None if last is None or last < start else min(end, last.normalize()
                                                                    + pd.Timedelta(days=1))
    days = 0 if observed_until is None else int((observed_until - start).days)
    if observed_until is not None and observed_until < end:
        notices.append("campaign.notice.window_open")
    groups, values = {}, {}
    margin = float(campaign.gross_margin)
    for name in GROUPS:
        keys = list(getattr(campaign, name))
        matched = sum(k in seen for k in keys)
        hit = per_key.reindex(keys).dropna()
        revenue = float(hit["revenue"].sum())
        size = len(keys)
        groups[name] = GroupResult(
            group=name, size=size, matched=matched, unmatched=size - matched,
            responders=len(hit), response_rate=len(hit) / size if size else 0.0,
            orders=int(hit["orders"].sum()), revenue=revenue, gross_profit=revenue * margin,
            gross_profit_per_customer=revenue * margin / size if size else 0.0)
        values[name] = hit["revenue"].to_numpy(dtype=float) * margin
    if any(g.unmatched for g in groups.values()):
        notices.append("campaign.notice.unmatched")
    m, c = groups["mailed"], groups["control"]
    if min(m.size, c.size) == 0:
        lift = low = high = 0.0
    else:
        lift, low, high = newcombe(m.responders, m.size, c.responders, c.size, confidence)
    gp_diff = m.gross_profit_per_customer - c.gross_profit_per_customer
    gp_low, gp_high = bootstrap_mean_diff(values["mailed"], m.size, values["control"], c.size,
                                          resamples=int(cfg["bootstrap_resamples"]),
                                          seed=int(cfg["bootstrap_seed"]),
                                          confidence=confidence)
    cost = m.size * campaign.reach * campaign.cost_per_contact
    if observed_until is None:
        verdict = "no_data"
    elif min(m.size, c.size) < min_group:
        verdict = "too_small"
    elif low > 0:
        verdict = "worked"
    elif high < 0:
        verdict = "worse"
    else:
        verdict = "unclear"
    est = campaign.estimate
    est_lift = est_profit = None
    if est:
        est_lift = float(est["incremental_rate"]) * campaign.reach
        if campaign.target_customers:
            est_profit = float(est["profit"]) * m.size / campaign.target_customers
    return Measurement(
        campaign_id=campaign.id, target=campaign.target, label=campaign.label(lang),
        date=campaign.date, window_end=end.date().isoformat(),
        observed_until=None if observed_until is None else observed_until.date().isoformat(),
        days_observed=days, groups=groups, lift=lift, lift_low=low, lift_high=high,
        gp_diff=gp_diff, gp_diff_low=gp_low, gp_diff_high=gp_high, contact_cost=cost,
        incremental_gross_profit=gp_diff * m.size, incremental_profit=gp_diff * m.size - cost,
        incremental_profit_low=gp_low * m.size - cost,
        incremental_profit_high=gp_high * m.size - cost, verdict=verdict,
        estimated_lift=est_lift, estimated_profit=est_profit, confidence=confidence,
        min_group=min_group, notices=notices)


# --- measured responses for the next plan ----------------------------------------------------------

@dataclass(frozen=True)
class MeasuredResponse:
    """A plan target's response as measured by a campaign (「実測」)."""

    target: str
    response: float          # in the plan's terms (per contact; winback: the lift multiplier)
    lift: float              # measured difference in response rates, per listed customer
    campaign_id: str
    date: str


def plan_response(campaign: Campaign, measurement: Measurement) -> float | None:
    """The measured lift in the plan's terms, or None when it cannot replace the assumption
    (too small to tell, nothing observed, no plan target). The plan credits `lift` per
    contact (listed customers × reach); a win-back target's response multiplies each
    customer's P(alive), so the measured difference is divided by the mean P(alive)."""
    if measurement.verdict in ("too_small", "no_data") or not campaign.target:
        return None
    per_contact = max(measurement.lift, 0.0) / (campaign.reach or 1.0)
    if campaign.value == "winback":
        if not campaign.mean_p_alive:
            return None
        per_contact /= campaign.mean_p_alive
    return min(per_contact, 1.0)


def measured_responses(results: Iterable[tuple[Campaign, Measurement]]
                       ) -> dict[str, MeasuredResponse]:
    """Per plan target the latest campaign's measured response (by campaign date, then id)."""
    out: dict[str, MeasuredResponse] = {}
    for campaign, measurement in sorted(results, key=lambda r: (r[0].date, r[0].id)):
        rate = plan_response(campaign, measurement)
        if rate is not None:
            out[campaign.target] = MeasuredResponse(campaign.target, rate, measurement.lift,
                                                    campaign.id, campaign.date)
    return out


def apply_measured(assumptions: Any, measured: Mapping[str, MeasuredResponse]) -> Any:
    """`assumptions` with each measured target's response replacing the stated one."""
    for target, found in sorted(measured.items()):
        assumptions = assumptions.with_response(target, found.response)
    return assumptions


def measure_all(campaigns: Iterable[Campaign | Mapping[str, Any]], book: Any, *,
                secret: bytes | None = None, lang: str = "ja") -> dict[str, Any]:
    """Every campaign measured on `book`, as the page, the CLI and the report show it:
    {"campaigns": [{"campaign": summary, "measurement": Measurement.to_json}],
    "measured_responses": {target: {response, lift, campaign_id, date}}}."""
    results = []
    for item in campaigns:
        campaign = item if isinstance(item, Campaign) else Campaign.from_json(item)
        results.append((campaign, measure(campaign, book, secret=secret, lang=lang)))
    measured = measured_responses(results)
    return {"campaigns": [{"campaign": c.summary(), "measurement": m.to_json(lang)}
                          for c, m in results],
            "measured_responses": {k: asdict(v) for k, v in measured.items()}}


def campaign_date(value: Any) -> str:
    """An ISO date from a date, a datetime or text (KarteError when unreadable)."""
    try:
        return pd.Timestamp(value).date().isoformat()
    except (ValueError, TypeError) as exc:
        raise KarteError("campaign.error.bad_date", value=value) from exc


__all__ = ["Campaign", "GroupResult", "MeasuredResponse", "Measurement", "Split",
           "apply_measured", "bootstrap_mean_diff", "campaign_secret", "create_campaign",
           "customer_hashes", "key_fingerprint", "measure", "measure_all", "measured_responses", "newcombe",
           "plan_response", "split_groups", "target_of_layer", "wilson"]

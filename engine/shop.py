"""One shop, one set of figures: `ShopAnalysis` composes every analysis of one OrderBook.

Every consumer reads the same object: the pages, the plan, the report, the saved diagnosis and
every `python -m engine` command. Built from an OrderBook, a hashable `AnalysisParams` (reference
date, RFM / CPM thresholds, k, the customer file's digest, the seed) and the `Settings` loaded
once at the entry point. Each part is computed once, on first use, and memoised under the
parameters it depends on; `with_params` gives a sibling for other parameters that shares what
does not depend on them (moving an RFM cut point re-scores RFM only, never refits the clusters
or the dormant model).

The pure functions of `engine.analysis`, `engine.dormant`, `engine.datacheck` and `engine.roi`
stay what they are; this module only composes them and decides the few rules that used to live
in every caller (a file without buyers gives no customer figures and never replaces an answer;
the plan's ★ is the same everywhere).
"""
from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping

import pandas as pd

from engine.analysis import clusters as clusters_mod
from engine.analysis import cpm as cpm_mod
from engine.analysis import customers as customers_mod
from engine.analysis import ranks as ranks_mod
from engine.analysis import retention as retention_mod
from engine.analysis import rfm as rfm_mod
from engine.errors import KarteError
from engine.orderbook import OrderBook
from engine.settings import Settings, resolve

F2_WINDOWS = (30, 60, 90, 180, 365)
F2_HEADLINE = 90
# Variants kept per threshold-dependent part (a consultant moving a slider makes many).
VARIANTS_KEPT = 8


@dataclass(frozen=True)
class AnalysisParams:
    """What, besides the file, shapes the figures. Hashable: a cache key.

    as_of: reference date (None = the day after the last order); rfm / cpm: cut points (None =
    the defaults of segments.toml for this file); k: clusters (None = chosen from the data);
    relationship: digest of the customer file (referrals, reviews) or None; seed: of every
    random start.
    """

    as_of: pd.Timestamp | None = None
    rfm: rfm_mod.RFMThresholds | None = None
    cpm: cpm_mod.CPMThresholds | None = None
    k: int | None = None
    relationship: str | None = None
    seed: int = 0
    assumptions: Any = None    # engine.economics.PlanAssumptions: values the dormant layers

    def __post_init__(self) -> None:
        if self.as_of is not None and not isinstance(self.as_of, pd.Timestamp):
            object.__setattr__(self, "as_of", customers_mod.resolve_as_of(
                pd.DataFrame({"order_date": []}), self.as_of))


class ShopAnalysis:
    """Every figure of one shop for one set of parameters, each computed once on first use.

    `relationship`: the customer file read by `engine.analysis.relationship.read_customer_file`
    (its digest in `params.relationship`). `fits` counts the model fits of this object and its
    siblings (a test reads it: each model is fitted once per file and parameters).
    """

    def __init__(self, book: OrderBook, params: AnalysisParams | None = None, *,
                 settings: Settings | None = None, relationship: pd.DataFrame | None = None,
                 _shared: "_Shared | None" = None) -> None:
        self.book = book
        self.params = params or AnalysisParams()
        self.settings = resolve(settings)
        self.relationship = relationship
        if relationship is not None and self.params.relationship is None:
            raise ValueError("a customer file needs its digest in params.relationship")
        self._shared = _shared or _Shared()

    # --- parameters -------------------------------------------------------------------------

    def with_params(self, **changes: Any) -> "ShopAnalysis":
        """A sibling for other parameters, sharing every part that does not depend on them.
        `relationship=(digest, frame)` swaps the customer file."""
        rel = self.relationship
        if "relationship" in changes:
            digest_frame = changes.pop("relationship")
            digest, rel = digest_frame if digest_frame is not None else (None, None)
            changes["relationship"] = digest
        params = replace(self.params, **changes)
        if params == self.params and rel is self.relationship:
            return self
        return ShopAnalysis(self.book, params, settings=self.settings, relationship=rel,
                            _shared=self._shared)

    def for_answers(self, answers: Mapping[str, Any], assumptions: Any = None) -> "ShopAnalysis":
        """The sibling whose campaign assumptions are `assumptions`, or the plan's defaults for
        the owner's answers (their gross margin and CPA): what the diagnosis, the plan and the
        report of those answers read."""
        if assumptions is None:
            from engine.economics import PlanAssumptions
            from engine.questions import validate_answers

            assumptions = PlanAssumptions.defaults(
                validate_answers(dict(answers), settings=self.settings), settings=self.settings)
        return self.with_params(assumptions=assumptions)

    @property
    def fits(self) -> Counter:
        return self._shared.fits

    @property
    def has_customers(self) -> bool:
        """The file names buyers (Amazon All Orders does not): customer figures exist."""
        return bool(self.book.report.has_customers)

    @property
    def as_of(self) -> pd.Timestamp:
        return customers_mod.resolve_as_of(self.book.orders, self.params.as_of)

    def _part(self, name: str, depends: tuple, compute: Callable[[], Any], *,
              variants: bool = False) -> Any:
        return self._shared.get((name, self.as_of, depends), compute, variants=variants)

    # --- the customers -------------------------------------------------------------------------

    def require_customers(self) -> None:
        """KarteError (analysis.error.no_buyer_column / no_customers) when nobody can be analysed."""
        customers_mod.require_customers(self.book)
        if self.customers.empty:
            raise KarteError("analysis.error.no_customers")

    @property
    def customers(self) -> pd.DataFrame:
        """One row per known buyer with an order before as_of (customer_table)."""
        customers_mod.require_customers(self.book)
        return self._part("customers", (), lambda: customers_mod.customer_table(
            self.book.orders, self.as_of, self.book.lines))

    @property
    def known_orders(self) -> pd.DataFrame:
        return self._part("known_orders", (), lambda: customers_mod.known_orders(
            self.book.orders, self.as_of))

    @property
    def guest_orders(self) -> int:
        return customers_mod.guest_orders(self.book.orders, self.as_of)

    # --- segments -----------------------------------------------------------------------------

    @property
    def rfm_defaults(self) -> rfm_mod.RFMThresholds:
        return self._part("rfm_defaults", (), lambda: rfm_mod.default_thresholds(
            self.customers, settings=self.settings))

    @property
    def rfm_thresholds(self) -> rfm_mod.RFMThresholds:
        return self.params.rfm if self.params.rfm is not None else self.rfm_defaults

    def rfm_scores(self, thresholds: rfm_mod.RFMThresholds | None = None) -> pd.DataFrame:
        """R, F, M and segment per customer under `thresholds` (default: the analysis's)."""
        cuts = thresholds if thresholds is not None else self.rfm_thresholds
        return self._part("rfm", (cuts,), lambda: rfm_mod.score(self.customers, cuts,
                                                              settings=self.settings),
                          variants=True)

    @property
    def rfm(self) -> pd.DataFrame:
        return self.rfm_scores()

    def rfm_moves(self) -> pd.DataFrame:
        """Customers whose RFM segment differs from the defaults under the analysis's cuts."""
        return rfm_mod.segment_changes(self.rfm_scores(self.rfm_defaults), self.rfm)

    @property
    def cpm_thresholds(self) -> cpm_mod.CPMThresholds:
        if self.params.cpm is not None:
            return self.params.cpm
        return cpm_mod.default_thresholds(settings=self.settings)

    @property
    def cpm(self) -> pd.Series:
        cuts = self.cpm_thresholds
        return self._part("cpm", (cuts,), lambda: cpm_mod.cpm_segments(self.customers, cuts,
                                                                   settings=self.settings),
                          variants=True)

    @property
    def cpm_grid(self) -> pd.DataFrame:
        return cpm_mod.cpm_grid(self.customers, self.cpm, settings=self.settings)

    @property
    def ranks(self) -> ranks_mod.RankResult:
        return self._part("ranks", (self.params.relationship,),
                          lambda: ranks_mod.assign_ranks(self.customers, self.relationship,
                                                         settings=self.settings),
                          variants=True)

    @property
    def clusters(self) -> clusters_mod.ClusterResult:
        def fit() -> clusters_mod.ClusterResult:
            self.fits["clusters"] += 1
            # Rows in the order of their features, not of their ids: the ids of name + phone
            # keys are salted per session, and KMeans' random starts follow the row order.
            # Customers with equal features are interchangeable, so the fit is the same for
            # every salt and every order of the file.
            table = self.customers
            ordered = table.sort_values(clusters_mod.FEATURES, kind="mergesort")
            return clusters_mod.fit_clusters(ordered, k=self.params.k, seed=self.params.seed,
                                             settings=self.settings)
        return self._part("clusters", (self.params.k, self.params.seed), fit, variants=True)

    # --- retention, dormant, data figures ---------------------------------------------------------

    @property
    def retention(self) -> dict[str, Any]:
        """F2 by window, active customers by month, cohorts, 12-month LTV, products, subscriptions."""
        def compute() -> dict[str, Any]:
            orders, as_of = self.book.orders, self.as_of
            return {
                "f2": retention_mod.f2_conversion(orders, F2_WINDOWS, as_of),
                "active": retention_mod.active_by_month(orders, as_of),
                "cohorts": retention_mod.cohort_matrix(orders, as_of),
                "ltv12": retention_mod.ltv12_by_cohort(orders, as_of),
                "products": retention_mod.multi_product_share(self.book.lines, as_of),
                "subscription": retention_mod.subscription_continuation(orders, as_of),
            }
        customers_mod.require_customers(self.book)
        return self._part("retention", (), compute)

    @property
    def clv_fit(self):
        """BG/NBD + Gamma-Gamma on the known orders (engine.clv.ClvFit), fitted once per file
        and date; None when the guard rails refuse the data (the dormant list then uses its
        stated rule)."""
        fit = self._clv_attempt
        return None if isinstance(fit, Exception) else fit

    @property
    def _clv_attempt(self):
        """The fitted models, or the guard rail's refusal (kept so nobody fits them again)."""
        from engine.clv.predict import PredictionUnavailable, check_data, fit_models
        from engine.clv.summary import customer_summary

        def fit():
            self.fits["dormant"] += 1
            try:
                summary = customer_summary(self.known_orders, calibration_end=self.as_of,
                                           settings=self.settings)
                check_data(summary, settings=self.settings)
                return fit_models(summary, settings=self.settings)
            except PredictionUnavailable as exc:
                return exc
            except KarteError:
                return None
        customers_mod.require_customers(self.book)
        return self._part("clv_fit", (), fit)

    @property
    def assumptions(self):
        """The campaign assumptions of this analysis (engine.economics.PlanAssumptions)."""
        if self.params.assumptions is not None:
            return self.params.assumptions
        from engine.economics import PlanAssumptions

        return PlanAssumptions.defaults(settings=self.settings)

    @property
    def dormant(self):
        """優良休眠客 (engine.dormant.DormantResult): the models fitted once (`clv_fit`), the
        layers valued with this analysis's campaign assumptions, as the plan values them."""
        from engine.dormant import dormant_high_value

        customers_mod.require_customers(self.book)
        assumptions = self.assumptions
        attempt = self._clv_attempt
        refused = attempt if isinstance(attempt, Exception) else None
        return self._part("dormant", (assumptions,), lambda: dormant_high_value(
            self.known_orders, self.as_of, model=self.clv_fit, refused=refused,
            assumptions=assumptions, settings=self.settings), variants=True)

    @property
    def data_kpis(self) -> dict[str, Any]:
        """The figures the diagnosis compares with the answers (engine.datacheck.data_kpis)."""
        from engine.datacheck import data_kpis

        return self._part("data_kpis", (), lambda: data_kpis(self.book, self.as_of,
                                                             settings=self.settings))

    def figures(self) -> dict[str, Any]:
        """Every headline figure of the shop by its one name (engine.figures.FIGURES)."""
        from engine.figures import shop_figures

        # the dormant figure depends on the campaign assumptions that value its layers
        return self._part("figures", (self.params.relationship, self.assumptions),
                          lambda: shop_figures(self),
                          variants=True)

    # --- diagnosis and plan --------------------------------------------------------------------

    def diagnose(self, answers: Mapping[str, Any], lang: str = "ja"):
        """The diagnosis of `answers` with this file's figures where the file has them.

        A file without buyers (Amazon All Orders) gives no customer figures, so the diagnosis
        is the answers' own: the one rule every screen and command follows.
        """
        from engine.diagnosis import diagnose

        if not self.has_customers or self.known_orders.empty:
            return diagnose(dict(answers), lang, settings=self.settings)
        return diagnose(dict(answers), lang, data=self.data_kpis, settings=self.settings)

    @property
    def plan_frame(self) -> pd.DataFrame:
        """Per-customer targets of the plan, from this analysis's own segments and dormant list."""
        from engine.roi import frame_from_parts

        def compute() -> pd.DataFrame:
            return frame_from_parts(self.customers, self.known_orders, cpm=self.cpm,
                                    rfm_segment=self.rfm["segment"],
                                    rank=self.ranks.ranks["rank"], dormant=self.dormant)
        key = (self.rfm_thresholds, self.cpm_thresholds, self.params.relationship,
               self.assumptions)
        return self._part("plan_frame", key, compute, variants=True)

    def plan(self, answers: Mapping[str, Any], assumptions: Any = None,
             lang: str = "ja") -> list:
        """The plan every screen, report and command shows: one list of engine.roi.PlanRow.

        With customers: the priced data targets (best expected profit first), then the actions
        of the diagnosis that no target covers, unpriced. ★ is decided here once: the data
        plan's top rows, or the diagnosis's when no target is expected to pay.
        """
        from engine.roi import build_data_plan

        diagnosis = self.diagnose(answers, lang)
        if not self.has_customers or self.known_orders.empty:
            return answer_rows(diagnosis, lang)
        priced = self.for_answers(answers, assumptions)
        rows = build_data_plan(self.book, answers, priced.assumptions, self.as_of, lang,
                               frame=priced.plan_frame, settings=self.settings)
        covered = {row.action for row in rows if row.action}
        extra = [row for row in answer_rows(diagnosis, lang) if row.id not in covered]
        if any(row.top for row in rows):
            extra = [replace(row, top=False) for row in extra]
        return rows + extra


def answer_rows(diagnosis: Any, lang: str) -> list:
    """The diagnosis's actions (engine.actions) as unpriced plan rows."""
    from engine.actions import step_title
    from engine.roi import PlanRow

    return [PlanRow(id=a.id, step=a.step, step_title=step_title(a.step, lang), title=a.title,
                    first_step=a.first_step, why=a.why, source="answers", action=a.id,
                    area=a.area, top=a.top)
            for a in diagnosis.actions]


def open_shop(book: OrderBook, *, as_of: Any = None, k: int | None = None,
              customer_file: tuple[bytes, str] | None = None,
              settings: Settings | None = None) -> ShopAnalysis:
    """The analysis of `book` for the command line: the customer file (bytes, file name) is
    read here and keyed by its digest, as the app does."""
    import hashlib

    relationship, digest = None, None
    if customer_file is not None:
        from engine.analysis.relationship import read_customer_file

        raw, name = customer_file
        relationship = read_customer_file(raw, name)
        digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    params = AnalysisParams(as_of=as_of, k=k, relationship=digest)
    return ShopAnalysis(book, params, settings=settings, relationship=relationship)


def plan_of(analysis: ShopAnalysis | None, answers: Mapping[str, Any], assumptions: Any = None,
            lang: str = "ja") -> list:
    """The plan with or without data (the diagnosis's actions when no analysis is given)."""
    if analysis is None:
        return answer_rows(diagnosis_of(None, answers, lang), lang)
    return analysis.plan(answers, assumptions, lang)


def diagnosis_of(analysis: ShopAnalysis | None, answers: Mapping[str, Any], lang: str = "ja"):
    """The diagnosis with or without data."""
    if analysis is None:
        from engine.diagnosis import diagnose

        return diagnose(dict(answers), lang)
    return analysis.diagnose(answers, lang)


class _Shared:
    """The memo shared by an analysis and its siblings: parts by (name, as_of, depends).

    Thread-safe (a Streamlit server runs sessions in threads): one part is computed once even
    when two reruns ask for it at the same time. Threshold variants are kept LRU-bounded.
    """

    def __init__(self) -> None:
        self.parts: dict[tuple, Any] = {}
        self.variants: OrderedDict[tuple, Any] = OrderedDict()
        self.fits: Counter = Counter()
        self._lock = threading.RLock()

    def get(self, key: tuple, compute: Callable[[], Any], *, variants: bool) -> Any:
        store = self.variants if variants else self.parts
        with self._lock:
            if key in store:
                if variants:
                    self.variants.move_to_end(key)
                return store[key]
            value = compute()
            store[key] = value
            if variants:
                same = [k for k in self.variants if k[0] == key[0]]
                for old in same[:-VARIANTS_KEPT]:
                    del self.variants[old]
            return value


__all__ = ["AnalysisParams", "ShopAnalysis", "answer_rows", "diagnosis_of", "open_shop",
           "plan_of"]

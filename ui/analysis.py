"""Cached customer analyses of the session's OrderBook.

Each analysis is its own cached function, keyed by the book's small key and its own parameters,
so moving an RFM slider re-scores RFM only: the file is not re-read and the customer table, the
clusters and the retention figures come from the cache. `_book` (underscore: not hashed) carries
the data itself.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from engine.analysis import clusters, cpm, customers, ranks, retention, rfm
from engine.orderbook import OrderBook

ENTRIES = 16


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def table(key: tuple, as_of: pd.Timestamp, _book: OrderBook) -> pd.DataFrame:
    return customers.customer_table(_book.orders, as_of, _book.lines)


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def rfm_defaults(key: tuple, as_of: pd.Timestamp, _table: pd.DataFrame) -> rfm.RFMThresholds:
    return rfm.default_thresholds(_table)


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def rfm_scores(key: tuple, as_of: pd.Timestamp, thresholds: rfm.RFMThresholds,
               _table: pd.DataFrame) -> pd.DataFrame:
    return rfm.score(_table, thresholds)


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def cluster_result(key: tuple, as_of: pd.Timestamp, k: int | None,
                   _table: pd.DataFrame) -> clusters.ClusterResult:
    result = clusters.fit_clusters(_table, k=k, seed=0)
    result.pipeline = None  # not needed on the page; keeps the cached object small
    return result


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def cpm_segments(key: tuple, as_of: pd.Timestamp, thresholds: cpm.CPMThresholds,
                 _table: pd.DataFrame) -> pd.Series:
    return cpm.cpm_segments(_table, thresholds)


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def rank_result(key: tuple, as_of: pd.Timestamp, relationship_digest: str | None,
                _table: pd.DataFrame, _relationship: pd.DataFrame | None) -> ranks.RankResult:
    return ranks.assign_ranks(_table, _relationship)


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def retention_figures(key: tuple, as_of: pd.Timestamp, _book: OrderBook) -> dict[str, Any]:
    orders = _book.orders
    return {
        "f2": retention.f2_conversion(orders, (30, 60, 90, 180, 365), as_of),
        "active": retention.active_by_month(orders, as_of),
        "cohorts": retention.cohort_matrix(orders, as_of),
        "ltv12": retention.ltv12_by_cohort(orders, as_of),
        "products": retention.multi_product_share(_book.lines, as_of),
        "subscription": retention.subscription_continuation(orders, as_of),
    }


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def dormant(key: tuple, as_of: pd.Timestamp, _book: OrderBook):
    from engine.dormant import dormant_high_value

    return dormant_high_value(customers.known_orders(_book.orders, as_of), as_of)


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def plan_frame(key: tuple, as_of: pd.Timestamp, _book: OrderBook,
               assumptions: Any = None) -> pd.DataFrame:
    """Per-customer targets of the plan (includes the dormant model fit: the slow part). The
    dormant layers are cut with the plan's own `assumptions` (engine.economics), so the page's
    layers and estimates agree."""
    from engine.roi import customer_frame

    return customer_frame(_book, as_of, assumptions=assumptions)

"""The per-customer table every customer analysis starts from, and the reference date.

One row per known buyer (customer_id not <NA>) with an order before the reference date `as_of`.
Guest orders (customer_id <NA>) are left out and counted by `guest_orders`; a file without any
buyer column is refused with the message key `analysis.error.no_buyer_column`.

Day arithmetic is on calendar days: recency_days = days from the day of the last order to
`as_of` (so with the default as_of a customer who bought on the last day has recency 1).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from engine.errors import KarteError
from engine.orderbook import OrderBook

TABLE_COLUMNS = ("first_order", "last_order", "recency_days", "frequency", "monetary",
                 "tenure_days", "span_days", "avg_order_value", "n_distinct_products",
                 "subscription")


def unique_ints(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct non-negative int64 keys; a bitmap when the key space is small, else a
    sort. Both are several times faster than np.unique's hash path on 1M keys."""
    if len(keys) == 0:
        return keys.astype(np.int64)
    top = int(keys.max()) + 1
    if top <= 8 * len(keys) + 1024:
        seen = np.zeros(top, dtype=bool)
        seen[keys] = True
        return np.flatnonzero(seen)
    k = np.sort(keys)
    return k[np.r_[True, k[1:] != k[:-1]]]


def default_as_of(orders: pd.DataFrame) -> pd.Timestamp:
    """The day after the last order (midnight), or today when there are no orders."""
    if orders.empty:
        return pd.Timestamp.today().normalize()
    return pd.Timestamp(orders["order_date"].max()).normalize() + pd.Timedelta(days=1)


def resolve_as_of(orders: pd.DataFrame, as_of: Any = None) -> pd.Timestamp:
    """`as_of` as a midnight Timestamp; None means `default_as_of(orders)`."""
    if as_of is None:
        return default_as_of(orders)
    try:
        return pd.Timestamp(as_of).normalize()
    except (ValueError, TypeError) as exc:
        raise KarteError("analysis.error.bad_as_of", value=str(as_of)) from exc


def require_customers(book: OrderBook) -> None:
    """Refuse a book whose file has no buyer column: customers are never invented."""
    if not book.report.has_customers:
        raise KarteError("analysis.error.no_buyer_column")


def known_orders(orders: pd.DataFrame, as_of: Any = None) -> pd.DataFrame:
    """Orders with a known buyer placed before `as_of`."""
    as_of = resolve_as_of(orders, as_of)
    keep = orders["customer_id"].notna().to_numpy() & (orders["order_date"] < as_of).to_numpy()
    return orders.loc[keep]


def guest_orders(orders: pd.DataFrame, as_of: Any = None) -> int:
    """Orders before `as_of` without a buyer (guest / unknown): excluded from customer analysis."""
    as_of = resolve_as_of(orders, as_of)
    return int((orders["customer_id"].isna() & (orders["order_date"] < as_of)).sum())


def customer_table(orders: pd.DataFrame, as_of: Any = None,
                   lines: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per customer, indexed by customer_id (sorted), columns `TABLE_COLUMNS`.

    frequency = orders, monetary = total revenue, tenure_days = days from the first order to
    as_of, span_days = days from the first to the last order, n_distinct_products = distinct
    product codes on product lines (<NA> when `lines` is not given), subscription = any order
    marked as a subscription delivery.
    """
    as_of = resolve_as_of(orders, as_of)
    known = known_orders(orders, as_of)
    if known.empty:
        raise KarteError("analysis.error.no_customers")
    # factorize + bincount: several times faster than groupby on 1M string keys
    codes, uniques = pd.factorize(known["customer_id"], sort=True)
    n = len(uniques)
    days = known["order_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first, codes, days)
    np.maximum.at(last, codes, days)
    frequency = np.bincount(codes, minlength=n)
    monetary = np.bincount(codes, weights=known["revenue"].to_numpy(dtype=float), minlength=n)
    subscription = np.bincount(codes, weights=known["subscription"].to_numpy(dtype=bool),
                               minlength=n) > 0
    as_of_day = np.datetime64(as_of.date(), "D").astype(np.int64)
    table = pd.DataFrame({
        "first_order": first.astype("datetime64[D]").astype("datetime64[ns]"),
        "last_order": last.astype("datetime64[D]").astype("datetime64[ns]"),
        "recency_days": as_of_day - last,
        "frequency": frequency.astype(np.int64),
        "monetary": monetary,
        "tenure_days": as_of_day - first,
        "span_days": last - first,
        "avg_order_value": monetary / frequency,
        "subscription": subscription,
    }, index=pd.Index(uniques, name="customer_id"))
    table["n_distinct_products"] = _distinct_products(lines, table.index, as_of)
    return table[list(TABLE_COLUMNS)]


def _distinct_products(lines: pd.DataFrame | None, index: pd.Index,
                       as_of: pd.Timestamp) -> pd.Series:
    if lines is None:
        return pd.Series(pd.NA, index=index, dtype="Int64")
    keep = (lines["is_product"].to_numpy(dtype=bool) & lines["customer_id"].notna().to_numpy()
            & lines["product"].notna().to_numpy() & (lines["order_date"] < as_of).to_numpy())
    sub = lines.loc[keep, ["customer_id", "product"]]
    cust, cust_ids = pd.factorize(sub["customer_id"])
    prod, prod_ids = pd.factorize(sub["product"])
    pairs = unique_ints(cust.astype(np.int64) * max(len(prod_ids), 1) + prod)  # distinct pairs
    counts = np.bincount(pairs // max(len(prod_ids), 1), minlength=len(cust_ids))
    return (pd.Series(counts, index=pd.Index(cust_ids)).reindex(index, fill_value=0)
            .astype("Int64"))

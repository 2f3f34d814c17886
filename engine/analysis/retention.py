"""Retention metrics (seed 004): repeat rate, F2 conversion, active customers per month, cohort
retention, 12-month LTV by cohort, multi-product buyers, subscription continuation.

All take the canonical `orders` / `lines` tables and a reference date `as_of` (default: the day
after the last order); only orders with a known buyer before `as_of` count. Months are calendar
months; every month from the first order's month to the month before `as_of` appears, with
zero counts when nothing happened (ratios of an empty group are NaN, not 0).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from engine.analysis.customers import known_orders, resolve_as_of, unique_ints

ACTIVE_DAYS = 365          # 稼働顧客: bought at least once in the last 12 months
CHUNK = 50_000             # customers per block in the month matrix (bounds memory)


def _month_index(dates: pd.Series) -> np.ndarray:
    d = dates.to_numpy().astype("datetime64[M]").astype(np.int64)
    return d


def _month_labels(first: int, n: int) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(np.arange(first, first + n).astype("datetime64[M]")
                            .astype("datetime64[ns]"), name="month")


def _last_month(as_of: pd.Timestamp) -> int:
    return int(np.datetime64((as_of - pd.Timedelta(days=1)).date(), "M").astype(np.int64))


def repeat_rate(data: pd.DataFrame, as_of: Any = None) -> float:
    """Share of customers with 2 or more orders (リピート率); NaN with no customers.

    `data` is a customer_table (has `frequency`) or the orders table.
    """
    if "frequency" in data:
        freq = data["frequency"]
    else:
        freq = known_orders(data, as_of)["customer_id"].value_counts()
    return float((freq >= 2).mean()) if len(freq) else float("nan")


def active_customers(table: pd.DataFrame, days: int = ACTIVE_DAYS) -> int:
    """Customers whose last order is within `days` of the reference date (稼働顧客)."""
    return int((table["recency_days"] <= days).sum())


def _first_two(known: pd.DataFrame) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Per customer: first and second order day (int days; second = -1 when none)."""
    codes, uniques = pd.factorize(known["customer_id"], sort=True)
    days = known["order_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    order = np.lexsort((days, codes))
    codes, days = codes[order], days[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    first = days[starts]
    has_second = np.r_[starts[1:], len(codes)] - starts >= 2
    second = np.full(len(starts), -1, dtype=np.int64)
    second[has_second] = days[starts[has_second] + 1]
    return pd.Index(uniques, name="customer_id"), first, second


def f2_conversion(orders: pd.DataFrame, windows: Sequence[int] = (30, 60, 90, 180, 365),
                  as_of: Any = None) -> pd.DataFrame:
    """F2 転換率: share of customers whose second order came within N days of the first.

    Only customers whose first order is at least N days before `as_of` are in the denominator
    (`eligible`): a customer who started last week has not had N days to come back yet.
    A second order on the same day as the first counts. Index window_days; columns eligible,
    converted, rate (NaN when nobody is eligible).
    """
    as_of = resolve_as_of(orders, as_of)
    known = known_orders(orders, as_of)
    as_of_day = np.datetime64(as_of.date(), "D").astype(np.int64)
    if known.empty:
        first = second = np.array([], dtype=np.int64)
    else:
        _, first, second = _first_two(known)
    rows = []
    for n in windows:
        eligible = (as_of_day - first) >= n
        converted = eligible & (second >= 0) & (second - first <= n)
        e, c = int(eligible.sum()), int(converted.sum())
        rows.append({"window_days": int(n), "eligible": e, "converted": c,
                     "rate": c / e if e else float("nan")})
    return pd.DataFrame(rows).set_index("window_days")


def _customer_months(known: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, int]:
    """(customer code, month) unique pairs, and the first month index."""
    codes, _ = pd.factorize(known["customer_id"])
    months = _month_index(known["order_date"])
    m0 = int(months.min())
    width = int(months.max()) - m0 + 1
    pairs = unique_ints(codes.astype(np.int64) * width + (months - m0))
    return pairs // width, pairs % width + m0, m0


def active_by_month(orders: pd.DataFrame, as_of: Any = None) -> pd.DataFrame:
    """Active customers at each month end, split into new / retained / reactivated, and lapsed.

    Active at month m = bought in the 12 months m-11..m (稼働顧客). Of them:
      new         : first order ever in those 12 months
      retained    : also bought in the 12 months before (m-23..m-12)
      reactivated : bought before, but not in the 12 months before
    lapsed = active in the previous 12-month window but not in this one.
    active = new + retained + reactivated. Index: month (first day); `partial` marks months
    whose 24-month look-back starts before the data (retained/reactivated not yet comparable).
    """
    as_of = resolve_as_of(orders, as_of)
    known = known_orders(orders, as_of)
    cols = ["active", "new", "retained", "reactivated", "lapsed", "partial"]
    if known.empty:
        return pd.DataFrame(columns=cols, index=_month_labels(0, 0))
    cust, month, m0 = _customer_months(known)
    n_months = _last_month(as_of) - m0 + 1
    n_cust = int(cust.max()) + 1
    first_month = np.full(n_cust, np.iinfo(np.int64).max)
    np.minimum.at(first_month, cust, month - m0)
    totals = np.zeros((5, n_months), dtype=np.int64)
    idx = np.arange(n_months)
    for lo in range(0, n_cust, CHUNK):
        hi = min(lo + CHUNK, n_cust)
        sel = (cust >= lo) & (cust < hi)
        bought = np.zeros((hi - lo, n_months), dtype=np.int32)
        bought[cust[sel] - lo, month[sel] - m0] = 1
        cs = np.concatenate([np.zeros((hi - lo, 1), np.int32), np.cumsum(bought, axis=1)], axis=1)
        active = (cs[:, idx + 1] - cs[:, np.maximum(idx - 11, 0)]) > 0
        before = np.zeros_like(active)
        if n_months > 12:
            before[:, 12:] = active[:, :-12]
        fm = first_month[lo:hi, None]
        new = (fm <= idx) & (fm >= idx - 11)
        totals[0] += active.sum(axis=0)
        totals[1] += new.sum(axis=0)
        totals[2] += (active & before).sum(axis=0)
        totals[3] += (active & ~before & ~new).sum(axis=0)
        totals[4] += (before & ~active).sum(axis=0)
    out = pd.DataFrame(totals.T, columns=cols[:5], index=_month_labels(m0, n_months))
    out["partial"] = idx < 23
    return out


def cohort_matrix(orders: pd.DataFrame, as_of: Any = None) -> pd.DataFrame:
    """Retention share by first-order month (rows) × months since the first order (columns).

    Cell = share of the cohort's customers who ordered in that month (column 0 is 1.0).
    Column `customers` is the cohort size. Every month is a row (size 0, shares NaN when no
    customer started that month); cells after the last observed month are NaN.
    """
    as_of = resolve_as_of(orders, as_of)
    known = known_orders(orders, as_of)
    if known.empty:
        return pd.DataFrame(columns=["customers"], index=pd.Index([], name="cohort"))
    cust, month, m0 = _customer_months(known)
    n_months = _last_month(as_of) - m0 + 1
    first_month = np.full(int(cust.max()) + 1, np.iinfo(np.int64).max)
    np.minimum.at(first_month, cust, month - m0)
    cohort = first_month[cust]
    offset = month - m0 - cohort
    counts = np.zeros((n_months, n_months), dtype=np.int64)
    np.add.at(counts, (cohort, offset), 1)
    sizes = np.bincount(first_month, minlength=n_months)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = counts / sizes[:, None]
    share[sizes == 0] = np.nan
    rows, cols_ = np.indices(share.shape)
    share[rows + cols_ >= n_months] = np.nan   # not observed yet
    out = pd.DataFrame(share, columns=list(range(n_months)))
    out.insert(0, "customers", sizes.astype(np.int64))
    out.index = _month_labels(m0, n_months).rename("cohort")
    return out


def ltv12_by_cohort(orders: pd.DataFrame, as_of: Any = None) -> pd.DataFrame:
    """Revenue per customer in the 365 days from each customer's first order, by cohort month.

    Columns customers, revenue_12m, ltv12 (= revenue_12m / customers, NaN for an empty month),
    complete (every customer of the cohort has had 365 days; incomplete cohorts understate).
    """
    as_of = resolve_as_of(orders, as_of)
    known = known_orders(orders, as_of)
    cols = ["customers", "revenue_12m", "ltv12", "complete"]
    if known.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="cohort"))
    codes, uniques = pd.factorize(known["customer_id"])
    days = known["order_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    first = np.full(len(uniques), np.iinfo(np.int64).max)
    np.minimum.at(first, codes, days)
    within = days - first[codes] < 365
    revenue = np.bincount(codes, weights=known["revenue"].to_numpy(float) * within,
                          minlength=len(uniques))
    first_m = first.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    m0 = int(first_m.min())
    n_months = _last_month(as_of) - m0 + 1
    sizes = np.bincount(first_m - m0, minlength=n_months)
    totals = np.bincount(first_m - m0, weights=revenue, minlength=n_months)
    labels = _month_labels(m0, n_months)
    month_end = (labels + pd.offsets.MonthEnd(0))
    out = pd.DataFrame({
        "customers": sizes.astype(np.int64),
        "revenue_12m": totals,
        "ltv12": np.where(sizes > 0, totals / np.maximum(sizes, 1), np.nan),
        "complete": (month_end + pd.Timedelta(days=365)) <= as_of,
    }, index=labels.rename("cohort"))
    return out


def multi_product_share(lines: pd.DataFrame, as_of: Any = None) -> pd.DataFrame:
    """Customers by number of different products bought (2品/3品購入者比率).

    Index "1", "2", "3+"; columns customers, share (of customers with a product line).
    Non-product lines (送料, 手数料, ...) and guests are left out.
    """
    as_of = resolve_as_of(lines, as_of)
    keep = (lines["is_product"].to_numpy(dtype=bool) & lines["customer_id"].notna().to_numpy()
            & lines["product"].notna().to_numpy() & (lines["order_date"] < as_of).to_numpy())
    sub = lines.loc[keep]
    cust, cust_ids = pd.factorize(sub["customer_id"])
    prod, prod_ids = pd.factorize(sub["product"])
    width = max(len(prod_ids), 1)
    pairs = unique_ints(cust.astype(np.int64) * width + prod)
    per = np.bincount(pairs // width, minlength=len(cust_ids))
    buckets = np.minimum(per, 3)
    counts = np.bincount(buckets, minlength=4)[1:4]
    total = int(counts.sum())
    out = pd.DataFrame({"customers": counts.astype(np.int64),
                        "share": counts / total if total else np.full(3, np.nan)},
                       index=pd.Index(["1", "2", "3+"], name="products"))
    return out


def subscription_continuation(orders: pd.DataFrame, as_of: Any = None,
                              max_deliveries: int = 12) -> pd.DataFrame:
    """Share of subscription customers who reached delivery n (n = 1..), where orders are
    marked as subscriptions. Empty when the data marks none (the page then says so).

    Index delivery; columns customers (reaching it), share (of subscription customers).
    Recent starters have not had time to reach later deliveries; read the tail with care.
    """
    known = known_orders(orders, as_of)
    subs = known.loc[known["subscription"].to_numpy(dtype=bool), "customer_id"]
    if subs.empty:
        return pd.DataFrame(columns=["customers", "share"], index=pd.Index([], name="delivery"))
    per = subs.value_counts(sort=False).to_numpy()
    top = int(min(per.max(), max_deliveries))
    n = np.arange(1, top + 1)
    reached = (per[None, :] >= n[:, None]).sum(axis=1)
    return pd.DataFrame({"customers": reached.astype(np.int64), "share": reached / len(per)},
                        index=pd.Index(n, name="delivery"))

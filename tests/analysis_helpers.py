"""Hand-built OrderBooks for the customer-analysis tests (engine/analysis)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from engine.orderbook import IngestReport, OrderBook


def make_book(rows: list[tuple], has_customers: bool = True,
              products: dict[str, list[str]] | None = None) -> OrderBook:
    """An OrderBook from (order_id, customer_id or None, "YYYY-MM-DD", revenue[, subscription]).

    `products`: order_id -> product codes on that order (default: one line "P1" per order).
    """
    orders = pd.DataFrame({
        "order_id": pd.array([r[0] for r in rows], dtype="string"),
        "customer_id": pd.array([r[1] for r in rows], dtype="string"),
        "order_date": pd.to_datetime([r[2] for r in rows]).astype("datetime64[ns]"),
        "revenue": [float(r[3]) for r in rows],
        "subscription": [bool(r[4]) if len(r) > 4 else False for r in rows],
    })
    products = products or {}
    line_rows = []
    for order in orders.itertuples(index=False):
        codes = products.get(order.order_id, ["P1"])
        for code in codes:
            line_rows.append((order.order_id, order.customer_id, order.order_date, code, 1.0,
                              order.revenue / len(codes), True, order.subscription))
    lines = pd.DataFrame(line_rows, columns=["order_id", "customer_id", "order_date", "product",
                                             "quantity", "amount", "is_product", "subscription"])
    lines["customer_id"] = lines["customer_id"].astype("string")
    orders["n_products"] = [len(products.get(o, ["P1"])) for o in orders["order_id"]]
    orders = orders[["order_id", "customer_id", "order_date", "revenue", "n_products",
                     "subscription"]]
    orders = orders.sort_values(["order_date", "order_id"], kind="stable").reset_index(drop=True)
    report = IngestReport(format="test", encoding="utf-8", rows_in=len(lines),
                          rows_kept=len(lines), has_customers=has_customers)
    return OrderBook(lines=lines, orders=orders, report=report)


def random_orders(n_customers: int, seed: int = 0, start: str = "2024-01-01",
                  days: int = 730) -> pd.DataFrame:
    """A plausible orders table: skewed order counts and spend, fixed seed."""
    rng = np.random.default_rng(seed)
    n_orders = rng.geometric(0.45, n_customers)        # 1, 2, 3, ... orders, mostly 1
    cust = np.repeat(np.arange(n_customers), n_orders)
    first = rng.integers(0, days, n_customers)
    offsets = first[cust] + rng.exponential(60, len(cust)).astype(int) * (
        np.r_[0, (cust[1:] == cust[:-1]).astype(int)])
    offsets = np.minimum(offsets, days - 1)
    dates = pd.Timestamp(start) + pd.to_timedelta(offsets, unit="D")
    revenue = np.round(rng.lognormal(8.3, 0.6, len(cust)))
    orders = pd.DataFrame({
        "order_id": pd.array([f"o{i}" for i in range(len(cust))], dtype="string"),
        "customer_id": pd.array([f"c{c:06d}" for c in cust], dtype="string"),
        "order_date": dates.astype("datetime64[ns]"),
        "revenue": revenue,
        "n_products": 1,
        "subscription": False,
    })
    return orders.sort_values(["order_date", "order_id"], kind="stable").reset_index(drop=True)

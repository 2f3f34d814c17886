"""The canonical order data every analysis reads, whatever platform the file came from.

`engine.ingest` turns a shop export into an `OrderBook`; `engine.analysis`, `engine.clv` and the
data-vs-answer checks only ever see these two tables, never platform columns.

`lines` — one row per kept line of the file (product lines and non-product lines):
    order_id      str
    customer_id   str or <NA>     (member ID, lower-cased e-mail, or salted hash of name+phone)
    order_date    datetime64[ns]  (naive, Japan time)
    product       str or <NA>     (product code or name)
    quantity      float
    amount        float           (yen, the line's value incl. tax as exported)
    is_product    bool            (False for 送料, 手数料, 割引, POST, ...)
    subscription  bool            (the line is a 定期 / subscription delivery)

`orders` — one row per kept order, sorted by (order_date, order_id):
    order_id      str
    customer_id   str or <NA>
    order_date    datetime64[ns]
    revenue       float           (yen, order total counted exactly once; 0 for samples)
    n_products    int             (distinct product lines, non-product lines excluded)
    subscription  bool

No names, e-mails, phones or addresses appear in either table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

LINE_COLUMNS = ("order_id", "customer_id", "order_date", "product", "quantity", "amount",
                "is_product", "subscription")
ORDER_COLUMNS = ("order_id", "customer_id", "order_date", "revenue", "n_products", "subscription")


@dataclass
class IngestReport:
    """What the reader did with a file: the figures the data page and `ingest --json` show."""

    format: str                      # preset id, e.g. "shopify", "rakuten_rms", "generic"
    encoding: str                    # "utf-8", "utf-8-sig", "cp932", ...
    rows_in: int
    rows_kept: int
    rows_dropped: dict[str, int] = field(default_factory=dict)      # reason id -> rows
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # reason -> few rows
    has_customers: bool = True       # False for reports with no buyer column (Amazon All Orders)
    sheet: str | None = None         # Excel sheet read
    sheets: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # canonical field -> source column
    notices: list[str] = field(default_factory=list)        # message keys to show the user
    # what the page shows beside the figures: "match" (preset, found / missing columns, share),
    # "no_buyer" {orders, revenue}, "identical_rows", "files" and "overlap_orders" when several
    # files were combined, "refund_rule", "unsure" (fields the reader guessed), "notice_params"
    details: dict[str, Any] = field(default_factory=dict)

    def reconciles(self) -> bool:
        return self.rows_in == self.rows_kept + sum(self.rows_dropped.values())


@dataclass
class OrderBook:
    lines: pd.DataFrame
    orders: pd.DataFrame
    report: IngestReport

    @property
    def n_orders(self) -> int:
        return len(self.orders)

    @property
    def n_customers(self) -> int | None:
        if not self.report.has_customers:
            return None
        return int(self.orders["customer_id"].nunique(dropna=True))

    @property
    def revenue(self) -> float:
        return float(self.orders["revenue"].sum())

    def summary(self) -> dict[str, Any]:
        """The `ingest --json` figures."""
        dates = self.orders["order_date"]
        return {
            "format": self.report.format,
            "encoding": self.report.encoding,
            "rows_in": self.report.rows_in,
            "rows_kept": self.report.rows_kept,
            "rows_dropped": dict(sorted(self.report.rows_dropped.items())),
            "orders": self.n_orders,
            "customers": self.n_customers,
            "revenue": round(self.revenue, 2),
            "date_min": None if dates.empty else dates.min().date().isoformat(),
            "date_max": None if dates.empty else dates.max().date().isoformat(),
        }

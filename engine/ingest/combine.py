"""Several files of one shop read as one `OrderBook`: overlapping downloads and paired files.

Platforms limit the period of one download (楽天 RMS), so owners hold several monthly or yearly
exports that overlap; Yahoo!ショッピング writes an order file and an item file. Here:
- a Yahoo order file and item file are joined on OrderId first (an item file given alone asks for
  its order file: `ingest.error.yahoo_needs_orders`);
- every file is then read on its own (same salt, so name + phone keys agree across files);
- an order already kept from an earlier file is counted once: its lines in a later file are
  dropped with the reason `in_other_file`, and the report says how many orders overlapped.
Rows still reconcile: rows_in (all files) == rows_kept + every dropped row.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from engine.errors import IngestError
from engine.ingest import reader
from engine.ingest.build import IN_OTHER_FILE
from engine.ingest.presets import best_match
from engine.orderbook import LINE_COLUMNS, ORDER_COLUMNS, IngestReport, OrderBook

YAHOO_ORDER, YAHOO_ITEMS, YAHOO_KEY = "yahoo", "yahoo_items", "OrderId"


def ingest_files(files: list[tuple[bytes, str]], *, format: str | None = None,
                 sheet: str | None = None, mapping: dict[str, str] | None = None,
                 salt: bytes = b"", max_bytes: int | None = None,
                 progress: Callable[[str, float], None] | None = None) -> OrderBook:
    """One `OrderBook` from several (bytes, filename) files of one shop."""
    from engine.ingest import _check_size, read_raw

    if not files:
        raise IngestError("ingest.error.empty_file")
    for data, _name in files:
        _check_size(data, max_bytes)
    if progress is not None:
        progress("ingest.progress.reading", 0.05)
    raws = [(name, reader.read(data, name, sheet)) for data, name in files]
    if len(raws) == 1:
        return read_raw(raws[0][1], format=format, mapping=mapping, salt=salt, progress=progress)
    tables, joined = _join_yahoo(raws) if not (format or mapping) else (raws, None)
    books = [(name, read_raw(raw, format=format, mapping=mapping, salt=salt)) for name, raw in tables]
    book = combine(books) if len(books) > 1 else books[0][1]
    if joined is not None:
        book.report.details["yahoo_joined"] = joined
    if progress is not None:
        progress("ingest.progress.done", 1.0)
    return book


def _kind(raw: reader.RawTable) -> str | None:
    m = best_match(list(raw.frame.columns))
    return m.preset.id if m else None


def _join_yahoo(raws: list[tuple[str, reader.RawTable]]
                ) -> tuple[list[tuple[str, reader.RawTable]], dict[str, Any] | None]:
    """Yahoo order files + item files -> one table, one row per item (orders without items
    keep their order row); other files pass through unchanged."""
    kinds = [_kind(raw) for _, raw in raws]
    is_order = [k == YAHOO_ORDER and "LineId" not in r.frame.columns for (_, r), k in zip(raws, kinds)]
    is_item = [k == YAHOO_ITEMS for k in kinds]
    orders = [nr for nr, o in zip(raws, is_order) if o]
    items = [nr for nr, i in zip(raws, is_item) if i]
    if not orders or not items:
        return raws, None
    rest = [nr for nr, o, i in zip(raws, is_order, is_item) if not (o or i)]
    order_frame = pd.concat([r.frame for _, r in orders], ignore_index=True)
    item_frame = pd.concat([r.frame for _, r in items], ignore_index=True)
    # overlapping downloads of the same file type: one row per order / per order line
    order_rows, item_rows = len(order_frame), len(item_frame)
    order_frame = order_frame.drop_duplicates(subset=[YAHOO_KEY], keep="first")
    line_key = [YAHOO_KEY, "LineId"] if "LineId" in item_frame.columns else None
    item_frame = item_frame.drop_duplicates(subset=line_key, keep="first")
    shared = [c for c in item_frame.columns if c in order_frame.columns and c != YAHOO_KEY]
    merged = item_frame.drop(columns=shared).merge(order_frame, on=YAHOO_KEY, how="left", sort=False)
    lonely = order_frame[~order_frame[YAHOO_KEY].isin(set(item_frame[YAHOO_KEY]))]
    frame = pd.concat([merged, lonely], ignore_index=True)
    frame = frame.astype("str").fillna("").replace({"nan": "", "<NA>": ""})
    encodings = sorted({r.encoding for _, r in orders + items})
    raw = reader.RawTable(frame=frame, encoding="/".join(encodings),
                          malformed=sum(r.malformed for _, r in orders + items))
    name = " + ".join(n for n, _ in orders + items)
    info = {"order_files": [n for n, _ in orders], "item_files": [n for n, _ in items],
            "order_rows": order_rows, "item_rows": item_rows,
            "order_rows_repeated": order_rows - len(order_frame),
            "item_rows_repeated": item_rows - len(item_frame),
            "items_without_order": int((~item_frame[YAHOO_KEY].isin(set(order_frame[YAHOO_KEY]))).sum())}
    return [(name, raw), *rest], info


def combine(books: list[tuple[str, OrderBook]]) -> OrderBook:
    """Books of several files as one; an order kept from an earlier file is not counted again."""
    seen: set[str] = set()
    parts_o, parts_l, files = [], [], []
    overlap_orders = overlap_rows = 0
    dropped: dict[str, int] = {}
    examples: dict[str, list] = {}
    notices: list[str] = []
    params: dict[str, dict] = {}
    no_buyer = {"orders": 0, "revenue": 0.0}
    identical = 0
    has_customers = all(b.report.has_customers for _, b in books)
    for name, book in books:
        r = book.report
        orders, lines = book.orders, book.lines
        again = orders["order_id"].isin(seen).to_numpy(dtype=bool)
        again_ids = set(orders["order_id"][again])
        line_again = lines["order_id"].isin(again_ids).to_numpy(dtype=bool)
        overlap_orders += int(again.sum())
        overlap_rows += int(line_again.sum())
        seen.update(orders["order_id"])
        parts_o.append(orders[~again])
        parts_l.append(lines[~line_again])
        for reason, n in r.rows_dropped.items():
            dropped[reason] = dropped.get(reason, 0) + n
        for reason, rows in r.examples.items():
            examples.setdefault(reason, [])
            examples[reason] += [{"file": name, **row} for row in rows][: 3 - len(examples[reason])]
        notices += [n for n in r.notices if n not in notices]
        params.update(r.details.get("notice_params", {}))
        nb = r.details.get("no_buyer")
        if nb:
            no_buyer["orders"] += nb["orders"]
            no_buyer["revenue"] += nb["revenue"]
        identical += r.details.get("identical_rows", 0)
        files.append({"name": name, "format": r.format, "encoding": r.encoding, "rows_in": r.rows_in,
                      "rows_kept": r.rows_kept, "orders": int(len(orders)),
                      "orders_in_other_file": int(again.sum()),
                      "match": r.details.get("match")})
    if overlap_rows:
        dropped[IN_OTHER_FILE] = overlap_rows
    orders = pd.concat(parts_o, ignore_index=True)
    lines = pd.concat(parts_l, ignore_index=True)
    if not has_customers:   # one file without buyers: no customer is analysed from any of them
        orders["customer_id"] = pd.Series(pd.NA, index=orders.index, dtype="str")
        lines["customer_id"] = pd.Series(pd.NA, index=lines.index, dtype="str")
    order = np.lexsort((orders["order_id"].to_numpy(dtype=str), orders["order_date"].to_numpy()))
    orders = orders.take(order).reset_index(drop=True)
    first = books[0][1].report
    formats = sorted({b.report.format for _, b in books})
    details: dict[str, Any] = {"files": files, "overlap_orders": overlap_orders,
                               "refund_rule": first.details.get("refund_rule", {})}
    if no_buyer["orders"]:
        details["no_buyer"] = {"orders": no_buyer["orders"], "revenue": round(no_buyer["revenue"], 2)}
        params["ingest.notice.no_buyer_dropped"] = {"orders": f"{no_buyer['orders']:,}",
                                                    "revenue": f"{no_buyer['revenue']:,.0f}"}
    if identical:
        details["identical_rows"] = identical
        params["ingest.notice.identical_rows_kept"] = {"rows": f"{identical:,}"}
    if len(formats) == 1 and "match" in first.details:
        details["match"] = first.details["match"]
    notices.insert(0, "ingest.notice.files_combined")
    params["ingest.notice.files_combined"] = {"files": str(len(books)), "orders": f"{overlap_orders:,}"}
    details["notice_params"] = params
    rows_in = sum(b.report.rows_in for _, b in books)
    report = IngestReport(
        format=formats[0] if len(formats) == 1 else "+".join(formats),
        encoding="/".join(sorted({b.report.encoding for _, b in books})),
        rows_in=rows_in, rows_kept=int(len(lines)), rows_dropped=dict(sorted(dropped.items())),
        examples=examples, has_customers=has_customers, sheet=first.sheet, sheets=first.sheets,
        mapping=first.mapping, notices=notices, details=details)
    return OrderBook(lines=lines[list(LINE_COLUMNS)], orders=orders[list(ORDER_COLUMNS)], report=report)

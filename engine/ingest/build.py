"""Raw table + preset -> `OrderBook`, with every input row accounted for.

Each row is kept or dropped with exactly one reason, tested in the order of `REASONS` (the first
that applies wins), so `rows_in == rows_kept + sum(rows_dropped.values())` holds by
construction. Order-level cells (date, status, total, buyer) are taken from the first non-empty
cell of each order, which reads Shopify (totals on the first line only) and 楽天 / EC-CUBE (totals
repeated on every line) alike; an order total is therefore counted exactly once.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from engine.errors import IngestError
from engine.ingest import clean
from engine.ingest.keys import available_rule, customer_keys
from engine.ingest.presets import AMOUNT_FIELDS, PERSONAL_FIELDS, Preset, fold, resolve
from engine.ingest.reader import MALFORMED, RawTable
from engine.orderbook import LINE_COLUMNS, ORDER_COLUMNS, IngestReport, OrderBook

# Drop reasons in the order they are tested; ids are stable (catalogue keys ingest.reason.<id>).
REASONS: tuple[str, ...] = (
    "blank_row", "duplicate_row", "no_order_id", "no_date", "invoice_cancel", "cancelled",
    "returned", "status_invalid", "negative_quantity", "bad_amount",
)
ALL_REASONS: tuple[str, ...] = (MALFORMED, *REASONS)
EXAMPLES_PER_REASON = 3
ORDER_LEVEL = ("order_date", "status", "order_total", "refunded", "cancelled_at", "member_id",
               "email", "name", "phone")
# columns never shown in examples, whatever the platform calls them
_PERSONAL_WORDS = ("氏名", "お名前", "名前", "姓", "カナ", "フリガナ", "ふりがな", "注文者", "購入者",
                   "送付先", "配送先", "お届け先", "発送先", "受注名", "住所", "郵便", "電話", "tel",
                   "メール", "mail", "phone", "address", "zip", "billing", "shippingname",
                   "shippingstreet", "shippingaddress", "shippingcity", "shippingzip",
                   "shippingphone", "shippingcompany", "ship", "bill", "誕生", "birth", "会社名",
                   "buyer", "recipient")

Progress = Callable[[str, float], None] | None


def _report(progress: Progress, key: str, fraction: float) -> None:
    if progress is not None:
        progress(key, fraction)


def personal_columns(columns: list[str], mapped: dict[str, tuple[str, ...]]) -> set[str]:
    """Columns holding names, e-mails, phones or addresses (removed from every example)."""
    out = {c for f in PERSONAL_FIELDS for c in mapped.get(f, ())}
    for col in columns:
        f = fold(col)
        if any(w in f for w in _PERSONAL_WORDS) and not f.startswith(("商品", "lineitem")):
            out.add(col)
    return out


def _text(frame: pd.DataFrame, cols: dict[str, tuple[str, ...]], name: str) -> pd.Series:
    """The cells of a canonical field as str ("" when absent); concatenated fields joined."""
    if name not in cols:
        return pd.Series("", index=frame.index, dtype="str")
    parts = [frame[c].astype("str").fillna("").str.strip() for c in cols[name]]
    out = parts[0]
    sep = "" if name == "phone" else " "
    for part in parts[1:]:
        out = (out + sep + part).str.strip()
    return out


def _first_per_order(values: pd.Series, codes: np.ndarray, usable: np.ndarray, n_orders: int) -> pd.Series:
    """For each order, its first non-empty cell among usable rows ("" when none)."""
    arr = values.to_numpy(dtype=object)
    idx = np.flatnonzero(usable & (values.to_numpy(dtype=object) != ""))
    out = np.full(n_orders, "", dtype=object)
    if idx.size:
        uniq, first = np.unique(codes[idx], return_index=True)
        out[uniq] = arr[idx[first]]
    return pd.Series(out, dtype="str")


def _examples(frame: pd.DataFrame, reason: np.ndarray, hidden: set[str]) -> dict[str, list[dict]]:
    shown = [c for c in frame.columns if c not in hidden]
    out: dict[str, list[dict]] = {}
    for name in REASONS:
        idx = np.flatnonzero(reason == name)[:EXAMPLES_PER_REASON]
        if idx.size:
            rows = frame.iloc[idx][shown]
            out[name] = [{"row": int(i) + 2, **{k: str(v) for k, v in r.items() if str(v) != ""}}
                         for i, r in zip(idx, rows.to_dict("records"))]
    return out


def build(raw: RawTable, preset: Preset, *, salt: bytes = b"", progress: Progress = None,
          cols: dict[str, tuple[str, ...]] | None = None) -> OrderBook:
    """The `OrderBook` of a raw table read with `preset` (or an explicit column mapping `cols`)."""
    frame = raw.frame
    n = len(frame)
    if n == 0 and raw.malformed == 0:
        raise IngestError("ingest.error.header_only")
    cols = resolve(preset, list(frame.columns)) if cols is None else cols
    if "order_date" not in cols:
        raise IngestError("ingest.error.unknown_layout", columns=", ".join(map(str, frame.columns[:12])))
    if not any(f in cols for f in AMOUNT_FIELDS):
        raise IngestError("ingest.error.no_amount", columns=", ".join(map(str, frame.columns[:12])))
    _report(progress, "ingest.progress.cleaning", 0.4)

    # ---- rows that are not data
    blank = np.ones(n, dtype=bool)
    for col in frame.columns:
        blank &= (frame[col].astype("str").str.strip() == "").to_numpy(dtype=bool)
    dup = frame.duplicated(keep="first").to_numpy(dtype=bool) & ~blank

    # ---- orders
    if "order_id" in cols:
        oid = _text(frame, cols, "order_id")
        no_oid = (oid == "").to_numpy(dtype=bool)
    else:  # no order id: every row is one order
        oid = pd.Series(np.char.add("row-", (np.arange(n) + 2).astype(str)), index=frame.index, dtype="str")
        no_oid = np.zeros(n, dtype=bool)
    codes, order_ids = pd.factorize(oid)
    n_orders = len(order_ids)
    usable = ~blank & ~dup & ~no_oid
    per_order = {f: _first_per_order(_text(frame, cols, f), codes, usable, n_orders)
                 for f in ORDER_LEVEL}
    dates_o = clean.parse_dates(per_order["order_date"], preset.date_formats).to_numpy()
    if usable.any() and pd.isna(dates_o[codes[usable]]).all():
        raise IngestError("ingest.error.no_dates", column=cols["order_date"][0])
    total_o = clean.parse_amounts(per_order["order_total"], preset.invalid_amounts).to_numpy()
    refund_o = np.nan_to_num(clean.parse_amounts(per_order["refunded"]).to_numpy())
    status_o = clean.fold_values(per_order["status"])
    rule = available_rule(preset.customer_key, cols)
    has_customers = preset.has_customers and bool(rule)
    if has_customers:
        buyers = pd.DataFrame({f: per_order[f] for f in ("member_id", "email", "name", "phone")})
        keys_o = customer_keys(buyers, rule, salt, preset.email_mask_pattern).to_numpy(dtype=object)
    else:
        keys_o = np.full(n_orders, pd.NA, dtype=object)
    _report(progress, "ingest.progress.cleaning", 0.6)

    # ---- lines
    name = _text(frame, cols, "product")
    sku = _text(frame, cols, "sku")
    qty = (clean.parse_amounts(_text(frame, cols, "quantity")).to_numpy()
           if "quantity" in cols else np.ones(n))
    if "amount" in cols:
        amt = clean.parse_amounts(_text(frame, cols, "amount"), preset.invalid_amounts).to_numpy()
    elif "unit_price" in cols:
        unit = clean.parse_amounts(_text(frame, cols, "unit_price"), preset.invalid_amounts).to_numpy()
        amt = unit * np.where(np.isnan(qty), 1.0, qty)
    else:
        amt = np.full(n, np.nan)
    nonproduct = clean.matches_any(name, preset.nonproduct_names) | clean.matches_any(
        sku, preset.nonproduct_skus, full=True)
    if "line_type" in cols and preset.line_type_product:
        line_type = clean.fold_values(_text(frame, cols, "line_type"))
        nonproduct |= (line_type != "").to_numpy(dtype=bool) & ~clean.in_values(line_type, preset.line_type_product)
    is_product = ~nonproduct
    subscription = clean.matches_any(name, preset.subscription_names)
    if "subscription_flag" in cols:
        flag = _text(frame, cols, "subscription_flag")
        subscription |= ((flag != "") & (flag != "0")).to_numpy(dtype=bool)

    # ---- one reason per row, first match wins
    order_total_mode = "order_total" in cols
    date_missing = pd.isna(dates_o)[codes]
    status_rows = status_o.to_numpy(dtype=object)[codes]
    status_rows = pd.Series(status_rows, dtype="str")
    cancelled = clean.in_values(status_rows, preset.status_cancelled)
    cancelled |= (per_order["cancelled_at"].to_numpy(dtype=object) != "")[codes]
    returned = clean.in_values(status_rows, preset.status_returned) | (total_o < 0)[codes]
    returned |= is_product & (amt < 0) & ~(qty < 0)   # a negative quantity has its own reason
    invoice_cancel = np.zeros(n, dtype=bool)
    if preset.invoice_cancel_prefix:
        invoice_cancel = oid.str.upper().str.startswith(preset.invoice_cancel_prefix.upper()).to_numpy(dtype=bool)
    no_amount = is_product & np.isnan(amt)
    if order_total_mode:
        no_amount &= np.isnan(total_o)[codes]
    conditions = [blank, dup, no_oid, date_missing, invoice_cancel, cancelled, returned,
                  clean.in_values(status_rows, preset.status_invalid), qty < 0, no_amount]
    reason = np.select(conditions, np.array(REASONS, dtype=object), default="")
    kept = reason == ""
    _report(progress, "ingest.progress.building", 0.8)

    # ---- tables
    kc = codes[kept]
    product = name.where(name != "", sku)[kept]
    amt_kept = np.where(np.isnan(amt) & ~is_product, 0.0, amt)[kept]
    lines = pd.DataFrame({
        "order_id": oid[kept].to_numpy(dtype=object),
        "customer_id": keys_o[kc],
        "order_date": dates_o[kc],
        "product": product.where(product != "", pd.NA).to_numpy(dtype=object),
        "quantity": np.where(np.isnan(qty), 1.0, qty)[kept].astype("float64"),
        "amount": amt_kept.astype("float64"),
        "is_product": is_product[kept],
        "subscription": subscription[kept],
    })
    lines = lines.astype({"order_id": "str", "customer_id": "str", "product": "str",
                          "order_date": "datetime64[ns]"})
    orders = _orders(lines, kc, n_orders, order_ids, total_o - refund_o if order_total_mode else None,
                     dates_o, keys_o)

    counts = {str(r): int(c) for r, c in zip(*np.unique(reason[~kept].astype(str), return_counts=True))}
    if raw.malformed:
        counts[MALFORMED] = raw.malformed
    hidden = personal_columns(list(frame.columns), cols)
    examples = _examples(frame, reason, hidden)
    if raw.malformed_examples:
        examples[MALFORMED] = raw.malformed_examples
    notices = list(preset.notices)
    if has_customers and orders["customer_id"].isna().all() and len(orders):
        has_customers = False
        notices.append("ingest.notice.no_buyer_values")
    if not has_customers and not preset.notices:
        notices.append("ingest.notice.no_buyer_column")
    if has_customers and rule and rule[0] == "name_phone":
        notices.append("ingest.notice.key_name_phone")
    if orders.empty:
        notices.append("ingest.notice.no_orders_kept")
    if not has_customers:
        lines["customer_id"] = pd.Series(pd.NA, index=lines.index, dtype="str")
        orders["customer_id"] = pd.Series(pd.NA, index=orders.index, dtype="str")
    report = IngestReport(
        format=preset.id, encoding=raw.encoding, rows_in=n + raw.malformed,
        rows_kept=int(kept.sum()), rows_dropped=dict(sorted(counts.items())), examples=examples,
        has_customers=has_customers, sheet=raw.sheet, sheets=list(raw.sheets),
        mapping={f: "+".join(c) for f, c in sorted(cols.items())}, notices=notices,
    )
    _report(progress, "ingest.progress.done", 1.0)
    return OrderBook(lines=lines[list(LINE_COLUMNS)], orders=orders[list(ORDER_COLUMNS)], report=report)


def _orders(lines: pd.DataFrame, kc: np.ndarray, n_orders: int, order_ids: pd.Index,
            total_o: np.ndarray | None, dates_o: np.ndarray, keys_o: np.ndarray) -> pd.DataFrame:
    """One row per kept order: revenue counted once, distinct product lines, subscription flag."""
    present = np.unique(kc)
    amount = np.nan_to_num(lines["amount"].to_numpy(dtype="float64"))
    line_sum = np.bincount(kc, weights=amount, minlength=n_orders)
    if total_o is None:
        revenue = line_sum
    else:  # the order total when the file has one, else what its lines add up to
        revenue = np.where(np.isnan(total_o), line_sum, total_o)
    prod = lines["is_product"].to_numpy(dtype=bool)
    pkey = lines["product"].fillna("").to_numpy(dtype=object)
    pcodes, _ = pd.factorize(pd.Series(pkey, dtype="str"))
    pcodes = np.where(pkey == "", -1 - np.arange(len(pkey)), pcodes)  # unnamed lines count each
    pairs = pd.DataFrame({"o": kc[prod], "p": pcodes[prod]}).drop_duplicates()
    n_products = np.bincount(pairs["o"].to_numpy(dtype=np.int64), minlength=n_orders)
    sub = np.bincount(kc, weights=lines["subscription"].to_numpy(dtype=float), minlength=n_orders) > 0
    orders = pd.DataFrame({
        "order_id": pd.Series(np.asarray(order_ids, dtype=object)[present], dtype="str"),
        "customer_id": pd.Series(keys_o[present], dtype="str"),
        "order_date": pd.Series(dates_o[present]).astype("datetime64[ns]"),
        "revenue": revenue[present].astype("float64"),
        "n_products": n_products[present].astype("int64"),
        "subscription": sub[present],
    })
    return orders.sort_values(["order_date", "order_id"], kind="mergesort").reset_index(drop=True)

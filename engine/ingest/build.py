"""Raw table + preset -> `OrderBook`, with every input row accounted for.

Each row is kept or dropped with exactly one reason, tested in the order of `REASONS` (the first
that applies wins), so `rows_in == rows_kept + sum(rows_dropped.values())` holds by
construction. Order-level cells (date, status, total, buyer) are read from the first usable row
of each order (falling back to its first non-empty cell), which reads Shopify (totals on the
first line only) and 楽天 / EC-CUBE (totals repeated on every line) alike; an order total is
therefore counted exactly once. All cleaning runs on distinct values (`engine.ingest.columns`).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from engine.errors import IngestError
from engine.ingest import clean
from engine.ingest.columns import Col, concat, constant, encode, first_rows, row_key, row_numbers
from engine.ingest.keys import available_rule, hash_name_phone, normalise_email, normalise_member_id
from engine.ingest.presets import AMOUNT_FIELDS, PERSONAL_FIELDS, Preset, fold, resolve
from engine.ingest.reader import MALFORMED, RawTable
from engine.orderbook import LINE_COLUMNS, ORDER_COLUMNS, IngestReport, OrderBook

# Drop reasons in the order they are tested; ids are stable (catalogue keys ingest.reason.<id>).
# `no_buyer` comes last: its orders would otherwise be analysed, so their count and revenue are
# exactly what the analysis leaves out. `in_other_file` is set when several files are combined.
REASONS: tuple[str, ...] = (
    "blank_row", "duplicate_row", "no_order_id", "no_date", "invoice_cancel", "cancelled",
    "line_cancelled", "returned", "status_invalid", "negative_quantity", "bad_amount", "no_buyer",
)
IN_OTHER_FILE = "in_other_file"
ALL_REASONS: tuple[str, ...] = (MALFORMED, *REASONS, IN_OTHER_FILE)
EXAMPLES_PER_REASON = 3
# columns never shown in examples, whatever the platform calls them
_PERSONAL_WORDS = ("氏名", "お名前", "名前", "姓", "カナ", "フリガナ", "ふりがな", "注文者", "購入者",
                   "送付先", "配送先", "お届け先", "発送先", "受注名", "住所", "郵便", "電話", "tel",
                   "メール", "mail", "phone", "address", "zip", "ship", "bill", "誕生", "birth",
                   "会社名", "buyer", "recipient",
                   # free text can hold anything personal: never shown either
                   "備考", "コメント", "メモ", "メッセージ", "のし", "note", "comment", "message", "memo")

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


def _examples(frame: pd.DataFrame, code: np.ndarray, hidden: set[str],
              header_row: int = 1) -> dict[str, list[dict]]:
    """≤3 dropped rows per reason (code i = REASONS[i-1]), personal columns left out."""
    shown = [c for c in frame.columns if c not in hidden]
    out: dict[str, list[dict]] = {}
    for i, name in enumerate(REASONS, start=1):
        idx = np.flatnonzero(code == i)[:EXAMPLES_PER_REASON]
        if idx.size:
            rows = frame.iloc[idx][shown].astype("str").to_dict("records")
            # "row" is the line (CSV) or row (Excel) number the user sees in the file
            out[name] = [{"row": int(i) + header_row + 1, **{k: v for k, v in r.items() if v not in ("", "nan")}}
                         for i, r in zip(idx, rows)]
    return out


class _Fields:
    """The canonical fields of one file as `Col`s (raw columns encoded once, on demand)."""

    def __init__(self, frame: pd.DataFrame, cols: dict[str, tuple[str, ...]],
                 encoded: dict[str, Col] | None = None) -> None:
        self.frame, self.cols, self.n = frame, cols, len(frame)
        # shared with the reader's codes (byte path) and across re-mappings: one encoding per column
        self._raw: dict[str, Col] = encoded if encoded is not None else {}

    def raw(self, column: str) -> Col:
        if column not in self._raw:
            self._raw[column] = encode(self.frame[column])
        return self._raw[column]

    def get(self, name: str) -> Col:
        if name not in self.cols:
            return constant(self.n)
        parts = [self.raw(c) for c in self.cols[name]]
        return parts[0] if len(parts) == 1 else concat(parts, "" if name == "phone" else " ")


def _amounts(col: Col, invalid: tuple[float, ...] = ()) -> np.ndarray:
    """Per-row (or per-order) yen amounts of a column, parsed once per distinct value."""
    return col.map(clean.parse_amounts(col.values, invalid, distinct=True))


def _per_order(col: Col, order: np.ndarray, usable: np.ndarray, first: np.ndarray) -> Col:
    """The cell of each order: at its first usable row, else at its first non-empty usable row."""
    picked = col.at(first)
    missing = picked.empty
    if missing.any():
        fallback = first_rows(order, usable & ~col.empty, len(first))
        fix = missing & (fallback >= 0)
        if fix.any():
            picked = col.at(np.where(fix, fallback, first))
    return picked


def _keys_per_order(fields: dict[str, Col], rule: list[str], salt: bytes,
                    mask_pattern: str | None, n_orders: int,
                    member_none: tuple[str, ...] = ()) -> np.ndarray:
    """Customer key per order (object array, <NA> when none): first step of `rule` available."""
    out = np.full(n_orders, pd.NA, dtype=object)
    for step in rule:
        if step == "member_id":
            col = fields["member_id"]
            ids = normalise_member_id(col.values)
            if member_none:   # e.g. EC-CUBE 2 writes 0 for a guest: no member, try the e-mail
                ids = ids.where(~ids.isin(member_none), pd.NA)
            key = ids.to_numpy(dtype=object)[col.codes]
        elif step == "email":
            col = fields["email"]
            key = normalise_email(col.values, mask_pattern).to_numpy(dtype=object)[col.codes]
        elif step == "name_phone":
            name, phone = fields["name"], fields["phone"]
            pair, uniques = pd.factorize(name.codes * len(phone.values) + phone.codes)
            hashed = hash_name_phone(
                pd.Series(name.values.to_numpy(dtype=object)[uniques // len(phone.values)], dtype="str"),
                pd.Series(phone.values.to_numpy(dtype=object)[uniques % len(phone.values)], dtype="str"),
                salt)
            key = hashed.to_numpy(dtype=object)[pair]
        else:
            continue
        todo = pd.isna(out)
        out[todo] = key[todo]
    return out


def _settle_totals(f: "_Fields", cols: dict[str, tuple[str, ...]], notices: list[str]
                   ) -> dict[str, tuple[str, ...]]:
    """Generic files: a "total" column whose value changes within one order holds line amounts.

    Counting the first value per order would then lose the other lines, so the column is summed
    as line amounts instead (and the user is told).
    """
    oid = f.get("order_id")
    total = _amounts(f.get("order_total"))
    lo = np.full(len(oid.values), np.inf)
    hi = np.full(len(oid.values), -np.inf)
    np.fmin.at(lo, oid.codes, total)
    np.fmax.at(hi, oid.codes, total)
    if not np.any(np.isfinite(lo) & (hi > lo)):
        return cols
    cols = dict(cols)
    column = cols.pop("order_total")
    if "amount" not in cols and "unit_price" not in cols:
        cols["amount"] = column
    notices.append("ingest.notice.total_varies_summed")
    return cols


def build(raw: RawTable, preset: Preset, *, salt: bytes = b"", progress: Progress = None,
          cols: dict[str, tuple[str, ...]] | None = None) -> OrderBook:
    """The `OrderBook` of a raw table read with `preset` (or an explicit column mapping `cols`)."""
    frame = raw.frame
    n = len(frame)
    if preset.needs:   # e.g. a Yahoo item file: no date, no buyer — it needs its order file
        raise IngestError(preset.needs)
    if n == 0 and raw.malformed == 0:
        raise IngestError("ingest.error.header_only")
    cols = resolve(preset, list(frame.columns)) if cols is None else cols
    if "order_date" not in cols:
        raise IngestError("ingest.error.unknown_layout", columns=", ".join(map(str, frame.columns[:12])))
    if not any(f in cols for f in AMOUNT_FIELDS):
        raise IngestError("ingest.error.no_amount", columns=", ".join(map(str, frame.columns[:12])))
    _report(progress, "ingest.progress.cleaning", 0.3)
    f = _Fields(frame, cols, dict(raw.columns))
    notices = list(preset.notices)
    if preset.totals == "auto" and "order_total" in cols and "order_id" in cols:
        cols = _settle_totals(f, cols, notices)
        f = _Fields(frame, cols, f._raw)     # the columns already encoded are kept

    # ---- rows that are not data: blank, exact duplicates (cells compared without outer spaces)
    every = [f.raw(c) for c in frame.columns]
    blank = np.ones(n, dtype=bool)
    for col in every:
        blank &= col.empty
    identical = pd.Series(row_key(every)).duplicated(keep="first").to_numpy(dtype=bool) & ~blank
    # with an order id an identical row is a copy of a line; without one it is a second purchase
    # of the same amount on the same day (CDNOW has many), so it is kept and counted
    dup = identical if "order_id" in cols else np.zeros(n, dtype=bool)

    # ---- orders and their order-level cells
    if "order_id" in cols:
        oid = f.get("order_id")
        no_oid = oid.empty
    else:  # no order id: every row is one order
        oid = row_numbers(n)
        no_oid = np.zeros(n, dtype=bool)
    order = oid.codes
    n_orders = len(oid.values)
    usable = ~blank & ~dup & ~no_oid
    first = first_rows(order, usable, n_orders)
    po = {name: _per_order(f.get(name), order, usable, first)
          for name in ("order_date", "status", "order_total", "refunded", "cancelled_at",
                       "cancel_flag", "order_type")}
    dates_o = po["order_date"].map(clean.parse_dates(po["order_date"].values, preset.date_formats,
                                                     distinct=True))
    if usable.any() and pd.isna(dates_o[order[usable]]).all():
        raise IngestError("ingest.error.no_dates", column=cols["order_date"][0])
    total_o = _amounts(po["order_total"], preset.invalid_amounts)
    refund_o = np.nan_to_num(_amounts(po["refunded"]))
    status_values = clean.fold_values(po["status"].values, distinct=True)

    def status_in(values: tuple[str, ...], patterns: tuple[str, ...] = ()) -> np.ndarray:  # per row
        hit = clean.in_values(status_values, values)
        if patterns:
            hit |= clean.matches_any(po["status"].values, patterns, distinct=True)
        return hit[po["status"].codes][order]

    def flag_set(col: Col, valid: tuple[str, ...]) -> np.ndarray:   # per distinct value
        folded = clean.fold_values(col.values, distinct=True)
        return (folded != "").to_numpy(dtype=bool) & ~clean.in_values(folded, valid)

    rule = available_rule(preset.customer_key, cols)
    has_customers = preset.has_customers and bool(rule)
    if has_customers:
        buyer = {name: _per_order(f.get(name), order, usable, first)
                 for name in ("member_id", "email", "name", "phone")}
        keys_o = _keys_per_order(buyer, rule, salt, preset.email_mask_pattern, n_orders,
                                 preset.member_id_none)
    else:
        keys_o = np.full(n_orders, pd.NA, dtype=object)
    _report(progress, "ingest.progress.cleaning", 0.6)

    # ---- lines
    name, sku = f.get("product"), f.get("sku")
    qty = _amounts(f.get("quantity")) if "quantity" in cols else np.ones(n)
    if "amount" in cols:
        amt = _amounts(f.get("amount"), preset.invalid_amounts)
    elif "unit_price" in cols:   # e.g. Shopify, 楽天, UCI: the line is unit price x quantity
        amt = _amounts(f.get("unit_price"), preset.invalid_amounts) * np.where(np.isnan(qty), 1.0, qty)
    else:
        amt = np.full(n, np.nan)
    nonproduct = (name.map(clean.matches_any(name.values, preset.nonproduct_names, distinct=True))
                  | sku.map(clean.matches_any(sku.values, preset.nonproduct_skus, full=True, distinct=True)))
    if "line_type" in cols and preset.line_type_product:
        lt = f.get("line_type")
        lt_values = clean.fold_values(lt.values, distinct=True)
        other = (lt_values != "").to_numpy(dtype=bool) & ~clean.in_values(lt_values, preset.line_type_product)
        nonproduct |= lt.map(other)
    is_product = ~nonproduct
    subscription = name.map(clean.matches_any(name.values, preset.subscription_names, distinct=True))
    if "subscription_flag" in cols:
        flag = f.get("subscription_flag")
        subscription |= flag.map(((flag.values != "") & (flag.values != "0")).to_numpy(dtype=bool))
    if "order_type" in cols and preset.subscription_types:   # 楽天 注文種別 4 定期購入, 5 頒布会
        kind = po["order_type"]
        subscription |= clean.in_values(clean.fold_values(kind.values, distinct=True),
                                        preset.subscription_types)[kind.codes][order]

    # ---- one reason per row, first match wins
    invoice_cancel = np.zeros(n, dtype=bool)
    if preset.invoice_cancel_prefix:
        prefix = preset.invoice_cancel_prefix.upper()
        invoice_cancel = oid.map(oid.values.str.upper().str.startswith(prefix).to_numpy(dtype=bool))
    cancelled = (status_in(preset.status_cancelled, preset.status_cancelled_patterns)
                 | ~po["cancelled_at"].empty[order])
    if "cancel_flag" in cols:    # Next Engine キャンセル区分: anything but 0 is a cancelled order
        cancelled |= flag_set(po["cancel_flag"], preset.cancel_flag_valid)[po["cancel_flag"].codes][order]
    line_cancelled = np.zeros(n, dtype=bool)
    if "line_cancel" in cols:    # Next Engine 明細行キャンセル: one cancelled line of a live order
        lc = f.get("line_cancel")
        line_cancelled = lc.map(flag_set(lc, preset.line_cancel_valid))
    returned = status_in(preset.status_returned, preset.status_returned_patterns) | (total_o < 0)[order]
    returned |= is_product & (amt < 0) & ~(qty < 0)      # a negative quantity has its own reason
    order_total_mode = "order_total" in cols
    no_amount = is_product & np.isnan(amt)
    if order_total_mode:
        no_amount &= np.isnan(total_o)[order]
    conditions = [blank, dup, no_oid, pd.isna(dates_o)[order], invoice_cancel, cancelled,
                  line_cancelled, returned, status_in(preset.status_invalid), qty < 0, no_amount]
    # small integer codes (0 = kept) rather than strings: np.select on objects is slow
    code = np.select(conditions, np.arange(1, len(conditions) + 1, dtype=np.int8), default=np.int8(0))
    line_amount = np.nan_to_num(np.where(np.isnan(amt) & ~is_product, 0.0, amt))
    total_net = total_o - refund_o if order_total_mode else None
    no_buyer = {"orders": 0, "revenue": 0.0}
    if has_customers:
        keyless = pd.isna(keys_o)
        would_keep = code == 0
        if would_keep.any() and keyless[order[would_keep]].all():
            has_customers = False            # a buyer column with no values: notice below
            notices.append("ingest.notice.no_buyer_values")
        elif keyless[order[would_keep]].any():
            # orders nobody can be linked to (POS sales without e-mail, UCI rows without
            # Customer ID): dropped with their own reason, their count and revenue reported
            drop = would_keep & keyless[order]
            code = np.where(drop, np.int8(REASONS.index("no_buyer") + 1), code).astype(np.int8)
            present, revenue = _revenue(np.flatnonzero(drop), order, n_orders, line_amount, total_net)
            no_buyer = {"orders": int(present.size), "revenue": round(float(revenue.sum()), 2)}
    kept = code == 0
    _report(progress, "ingest.progress.building", 0.8)

    # ---- tables
    rows = np.flatnonzero(kept)
    kc = order[rows]
    order_ids = oid.values
    keys_s = pd.Series(keys_o, dtype="str")
    product = name.at(rows).row_values()
    if "sku" in cols:
        product = product.where(product != "", sku.at(rows).row_values())
    lines = pd.DataFrame({
        "order_id": oid.at(rows).row_values(),
        "customer_id": keys_s.take(kc).reset_index(drop=True),
        "order_date": pd.Series(dates_o[kc]).astype("datetime64[ns]"),
        "product": product.where(product != "", pd.NA),
        "quantity": np.where(np.isnan(qty), 1.0, qty)[rows].astype("float64"),
        "amount": line_amount[rows].astype("float64"),
        "is_product": is_product[rows],
        "subscription": subscription[rows],
    })
    # distinct product lines per order: the product name's code, else the sku's, else the row
    pcode = np.where(~name.empty, name.codes, len(name.values) + sku.codes)
    pcode = np.where(name.empty & sku.empty, -1 - np.arange(n), pcode)[rows]
    orders = _orders(lines, kc, n_orders, order_ids, total_net, dates_o, keys_s, pcode)

    per_code = np.bincount(code, minlength=len(REASONS) + 1)
    counts = {REASONS[i - 1]: int(per_code[i]) for i in range(1, len(REASONS) + 1) if per_code[i]}
    if raw.malformed:
        counts[MALFORMED] = raw.malformed
    examples = _examples(frame, code, personal_columns(list(frame.columns), cols), raw.header_row)
    if raw.malformed_examples:
        examples[MALFORMED] = raw.malformed_examples
    if not has_customers and not preset.notices and "ingest.notice.no_buyer_values" not in notices:
        notices.append("ingest.notice.no_buyer_column")
    if has_customers and rule[0] == "name_phone":
        notices.append("ingest.notice.key_name_phone")
    if orders.empty:
        notices.append("ingest.notice.no_orders_kept")
    if not has_customers:
        lines["customer_id"] = pd.Series(pd.NA, index=lines.index, dtype="str")
        orders["customer_id"] = pd.Series(pd.NA, index=orders.index, dtype="str")
    details: dict = {"refund_rule": {"ja": preset.refund_rule("ja"), "en": preset.refund_rule("en")}}
    params: dict = {}
    if no_buyer["orders"]:
        details["no_buyer"] = no_buyer
        notices.append("ingest.notice.no_buyer_dropped")
        params["ingest.notice.no_buyer_dropped"] = {"orders": f"{no_buyer['orders']:,}",
                                                    "revenue": f"{no_buyer['revenue']:,.0f}"}
    n_identical = int((identical & kept).sum()) if "order_id" not in cols else 0
    if n_identical:
        details["identical_rows"] = n_identical
        notices.append("ingest.notice.identical_rows_kept")
        params["ingest.notice.identical_rows_kept"] = {"rows": f"{n_identical:,}"}
    if params:
        details["notice_params"] = params
    report = IngestReport(
        format=preset.id, encoding=raw.encoding, rows_in=n + raw.malformed,
        rows_kept=int(kept.sum()), rows_dropped=dict(sorted(counts.items())), examples=examples,
        has_customers=has_customers, sheet=raw.sheet, sheets=list(raw.sheets),
        mapping={k: "+".join(v) for k, v in sorted(cols.items())}, notices=notices,
        details=details,
    )
    _report(progress, "ingest.progress.done", 1.0)
    return OrderBook(lines=lines[list(LINE_COLUMNS)], orders=orders[list(ORDER_COLUMNS)], report=report)


def _revenue(rows: np.ndarray, order: np.ndarray, n_orders: int, line_amount: np.ndarray,
             total_net: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(orders present in `rows`, their revenue): the order total when there is one, else the
    sum of the lines — the same rule as `_orders`."""
    kc = order[rows]
    present = np.flatnonzero(np.bincount(kc, minlength=n_orders) > 0)
    line_sum = np.bincount(kc, weights=line_amount[rows], minlength=n_orders)
    revenue = line_sum if total_net is None else np.where(np.isnan(total_net), line_sum, total_net)
    return present, revenue[present]


def _orders(lines: pd.DataFrame, kc: np.ndarray, n_orders: int, order_ids: pd.Series,
            total_o: np.ndarray | None, dates_o: np.ndarray, keys_s: pd.Series,
            pcode: np.ndarray) -> pd.DataFrame:
    """One row per kept order: revenue counted once, distinct product lines, subscription flag."""
    present = np.flatnonzero(np.bincount(kc, minlength=n_orders) > 0)
    amount = np.nan_to_num(lines["amount"].to_numpy(dtype="float64"))
    line_sum = np.bincount(kc, weights=amount, minlength=n_orders)
    if total_o is None:
        revenue = line_sum
    else:  # the order total when the file has one, else what its lines add up to
        revenue = np.where(np.isnan(total_o), line_sum, total_o)
    prod = lines["is_product"].to_numpy(dtype=bool)
    shift = int(-pcode.min()) + 1 if pcode.size else 1
    span = int(pcode.max()) + shift + 1 if pcode.size else 1
    pairs = pd.unique(kc[prod].astype(np.int64) * span + (pcode[prod] + shift))
    n_products = np.bincount(pairs // span, minlength=n_orders) if len(pairs) else np.zeros(n_orders, np.int64)
    sub = np.bincount(kc, weights=lines["subscription"].to_numpy(dtype=float), minlength=n_orders) > 0
    orders = pd.DataFrame({
        "order_id": order_ids.take(present).reset_index(drop=True),
        "customer_id": keys_s.take(present).reset_index(drop=True),
        "order_date": pd.Series(dates_o[present]).astype("datetime64[ns]"),
        "revenue": revenue[present].astype("float64"),
        "n_products": n_products[present].astype("int64"),
        "subscription": sub[present],
    })
    # (order_date, order_id) order with pyarrow's C++ sort (stable), far faster than a pandas
    # lexsort on strings for hundreds of thousands of orders
    keys = pa.table({"d": pa.array(orders["order_date"].to_numpy()),
                     "o": orders["order_id"].array.__arrow_array__()})
    idx = pc.sort_indices(keys, sort_keys=[("d", "ascending"), ("o", "ascending")]).to_numpy()
    return orders.take(idx).reset_index(drop=True)

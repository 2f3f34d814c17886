"""Customer lists to act on: any segment, cluster, rank or dormant layer, ready for download.

`customer_list` joins the customer table with the labels computed elsewhere (RFM scores and
segment, CPM segment, rank, cluster), filters to a selection and gives readable columns.
`shop_list`, `dormant_list` and `workbook` build the lists of one `engine.shop.ShopAnalysis`
the way a shop can use them: the platform's own identifiers (the customer key under its real
name — 会員ID or e-mail — and the last 注文番号 and order date, which find a 楽天 customer in RMS
when the key is a hash of name + phone), the contact columns when the caller passes them
(engine/ingest/contacts.py, only on the user's opt-in), Japanese headers and labels, and one
workbook with every segment. Pass the result to `engine.exporting.csv_bytes` / `xlsx_bytes`,
which neutralise formula-like cells.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

import pandas as pd

from engine.analysis import cpm, ranks, rfm
from engine.i18n import t

LIST_COLUMNS = ("customer_id", "last_order_id", "last_order", "name", "postcode", "address",
                "phone", "email", "recency_days", "frequency", "monetary",
                "R", "F", "M", "segment", "cpm", "rank", "cluster")
DORMANT_COLUMNS = ("customer_id", "last_order_id", "name", "postcode", "address", "phone",
                   "email", "layer", "recency", "frequency", "monetary", "p_alive",
                   "expected_value", "recoverable_value", "interval_days", "expected_orders",
                   "one_time")
KEY_KINDS = ("member_id", "email", "name_phone")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILE_FORBIDDEN = re.compile(r'[\\/:*?"<>|\s]+')
EXCEL_SHEET_MAX = 31


def _labellers(lang: str) -> dict[str, Mapping[str, str]]:
    return {"segment": rfm.segment_labels(lang), "cpm": cpm.segment_labels(lang),
            "rank": ranks.rank_labels(lang)}


def id_header(kind: str | None, lang: str) -> str:
    """The customer key's header under the platform's name for it (会員ID, メールアドレス …)."""
    return t(f"analysis.columns.customer_id_{kind}" if kind in KEY_KINDS
             else "analysis.columns.customer_id", lang)


def customer_list(table: pd.DataFrame, scores: pd.DataFrame | Mapping[str, pd.Series],
                  selection: Mapping[str, Any] | None = None, lang: str | None = None, *,
                  extra: pd.DataFrame | None = None, key_kind: str | None = None
                  ) -> pd.DataFrame:
    """The customers of `selection`, one row each, sorted by customer_id.

    `scores`: a DataFrame or {column: Series} indexed by customer_id with any of R, F, M,
    segment, cpm, rank, cluster. `selection`: {column: value or list of values} on those columns
    (ids, e.g. {"segment": "at_risk"} or {"cluster": [0, 1]}); None = everybody.
    `extra`: more columns by customer_id (last_order_id, contact columns); absent customers get
    "". `lang`: None keeps ids and column names (for scripts); "ja"/"en" gives labels and
    headers from the message catalogue (for people opening the file in Excel), the key under
    the name of `key_kind` (member_id, email, name_phone).
    """
    scored = pd.DataFrame(dict(scores)) if not isinstance(scores, pd.DataFrame) else scores
    frame = table[["recency_days", "frequency", "monetary", "last_order"]].join(scored, how="left")
    for column, wanted in (selection or {}).items():
        values = list(wanted) if isinstance(wanted, (list, tuple, set)) else [wanted]
        frame = frame[frame[column].isin(values)]
    frame = _with_extra(frame, extra)
    frame = frame.sort_index(kind="stable").reset_index()
    frame["last_order"] = frame["last_order"].dt.date
    frame = frame[[c for c in LIST_COLUMNS if c in frame.columns]]
    if lang is None:
        return frame
    for column, labels in _labellers(lang).items():
        if column in frame:
            frame[column] = frame[column].map(lambda v, m=labels: m.get(v, v))
    return _headers(frame, lang, key_kind)


def _with_extra(frame: pd.DataFrame, extra: pd.DataFrame | None) -> pd.DataFrame:
    """`frame` (indexed by customer_id) with the columns of `extra`; "" for absent customers."""
    if extra is None:
        return frame
    joined = frame.join(extra[[c for c in extra.columns if c not in frame.columns]], how="left")
    for column in extra.columns:
        joined[column] = joined[column].astype("str").fillna("")
    return joined


def _headers(frame: pd.DataFrame, lang: str, key_kind: str | None,
             prefix: str = "analysis.columns") -> pd.DataFrame:
    names = {c: t(f"analysis.columns.{c}" if c in _CONTACT_AND_IDS else f"{prefix}.{c}", lang)
             for c in frame.columns}
    names["customer_id"] = id_header(key_kind, lang)
    return frame.rename(columns=names)


_CONTACT_AND_IDS = ("last_order_id", "name", "postcode", "address", "phone", "email")


def key_kind(book: Any) -> str | None:
    """How this book's customers are keyed: the first step of its preset's rule the file has
    (member_id, email or name_phone); None without customers."""
    from engine.ingest.keys import RULES, available_rule
    from engine.ingest.presets import get_preset

    report = book.report
    if not report.has_customers:
        return None
    try:
        rule = get_preset(report.format).customer_key
    except Exception:   # a manual mapping or combined files: the default rule
        rule = RULES
    found = available_rule(rule, report.mapping)
    return found[0] if found else None


def last_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """The last order id per customer (index customer_id, column last_order_id).

    `orders` are in (order_date, order_id) order (engine/orderbook.py), so the last row of a
    customer is the latest order."""
    known = orders[orders["customer_id"].notna()]
    last = known.groupby("customer_id", sort=False)["order_id"].last()
    return pd.DataFrame({"last_order_id": last.astype("str")})


def _extra(analysis: Any, contacts: pd.DataFrame | None) -> tuple[pd.DataFrame, str | None]:
    kind = key_kind(analysis.book)
    extra = last_orders(analysis.known_orders)
    if contacts is not None and not contacts.empty:
        shown = contacts.drop(columns=["email"] if kind == "email" and "email" in contacts else [])
        extra = extra.join(shown, how="left")
    return extra, kind


def scores_of(analysis: Any, lang: str) -> dict[str, pd.Series]:
    """R, F, M, segment, CPM segment, rank (and cluster names) per customer of `analysis`."""
    scored = analysis.rfm
    out = {"R": scored["R"], "F": scored["F"], "M": scored["M"], "segment": scored["segment"],
           "cpm": analysis.cpm, "rank": analysis.ranks.ranks["rank"]}
    result = analysis.clusters
    if result.ok:
        out["cluster"] = result.names(lang)
    return out


def shop_list(analysis: Any, selection: Mapping[str, Any] | None = None, *, lang: str = "ja",
              contacts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The customers of `selection` in `analysis` (engine.shop.ShopAnalysis), ready for a shop:
    its identifiers, the last order, contact columns when given, labels and headers in `lang`."""
    extra, kind = _extra(analysis, contacts)
    return customer_list(analysis.customers, scores_of(analysis, lang), selection, lang,
                         extra=extra, key_kind=kind)


def dormant_list(analysis: Any, layer: str | None = None, *, lang: str = "ja",
                 contacts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The dormant customers of one layer (None: all), best recoverable value first, with the
    shop's identifiers, contact columns when given, layer names and headers in `lang`."""
    dormant = analysis.dormant
    frame = dormant.customers if layer is None else dormant.layer_customers(layer)
    extra, kind = _extra(analysis, contacts)
    frame = _with_extra(frame.set_index("customer_id"), extra).reset_index()
    labels = {r["layer"]: r[f"label_{lang}"] if f"label_{lang}" in r else r["label_ja"]
              for r in dormant.layers.to_dict("records")}
    frame["layer"] = frame["layer"].map(lambda v: labels.get(v, v))
    frame["one_time"] = frame["one_time"].map(lambda v: t("lists.yes", lang) if bool(v) else "")
    frame = frame[[c for c in DORMANT_COLUMNS if c in frame.columns]]
    return _headers(frame, lang, kind, prefix="clv.dormant.columns")


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤31 characters, none of []:*?/\\)."""
    base = _SHEET_FORBIDDEN.sub("・", text)[:EXCEL_SHEET_MAX] or "-"
    name, n = base, 2
    while name in taken:
        suffix = f"({n})"
        name, n = base[:EXCEL_SHEET_MAX - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def workbook(analysis: Any, *, lang: str = "ja", contacts: pd.DataFrame | None = None
             ) -> dict[str, pd.DataFrame]:
    """Every segment in one workbook: everybody, then one sheet per RFM segment, CPM segment,
    rank and dormant layer that has customers (sheet names "RFM-優良顧客" …)."""
    everyone = shop_list(analysis, lang=lang, contacts=contacts)
    id_col = id_header(key_kind(analysis.book), lang)
    taken: set[str] = set()
    sheets = {sheet_name(t("lists.sheet.all", lang), taken): everyone}
    scores = scores_of(analysis, lang)
    for column, labels in _labellers(lang).items():
        present = set(scores[column].dropna())
        for value, label in labels.items():
            if value not in present:
                continue
            ids = scores[column].index[scores[column] == value]
            part = everyone[everyone[id_col].isin(ids)].reset_index(drop=True)
            sheets[sheet_name(f"{t(f'lists.sheet.{column}', lang)}-{label}", taken)] = part
    dormant = analysis.dormant
    for row in dormant.layers.to_dict("records"):
        if row["customers"]:
            label = row.get(f"label_{lang}") or row["label_ja"]
            sheets[sheet_name(f"{t('lists.sheet.dormant', lang)}-{label}", taken)] = \
                dormant_list(analysis, row["layer"], lang=lang, contacts=contacts)
    return sheets


def file_name(*parts: str, date: Any, suffix: str) -> str:
    """`karte_<parts>_<YYYYMMDD>.<suffix>`, without characters a file system refuses."""
    words = [_FILE_FORBIDDEN.sub("_", str(p)).strip("_") for p in parts if str(p)]
    return "_".join(["karte", *[w for w in words if w], f"{date:%Y%m%d}"]) + f".{suffix}"

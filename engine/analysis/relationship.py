"""The optional customer file: relationship data an order file lacks (seed 001).

Reads CSV (UTF-8, UTF-8 with BOM or CP932) or Excel with a customer key (member ID or e-mail)
and referral / review (UGC) / survey columns, header names per segments.toml
[relationship.columns]. Returns one row per customer key, indexed by the same customer_id the
order book uses, so ranks can join on it. E-mail and member-ID keys are normalised with the
reader's own functions (engine.ingest.keys), so both files agree.
"""
from __future__ import annotations

import io
import unicodedata

import numpy as np
import pandas as pd

from engine.errors import KarteError
from engine.ingest.keys import normalise_email, normalise_member_id  # same keys as the orders
from engine.settings import Settings, resolve

OUTPUT_COLUMNS = ("referrals", "reviews", "survey")


def _norm_header(name: object) -> str:
    return unicodedata.normalize("NFKC", str(name)).strip().lower()


def _read_table(data: bytes, filename: str) -> pd.DataFrame:
    if not data:
        raise KarteError("analysis.relationship.empty_file", filename=filename)
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        try:
            return pd.read_excel(io.BytesIO(data), dtype=str)
        except Exception as exc:  # openpyxl raises many types for a broken workbook
            raise KarteError("analysis.relationship.unreadable", filename=filename) from exc
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise KarteError("analysis.relationship.unreadable", filename=filename)
    sep = "\t" if text.split("\n", 1)[0].count("\t") > text.split("\n", 1)[0].count(",") else ","
    return pd.read_csv(io.StringIO(text), dtype=str, sep=sep, keep_default_na=False)


def _count(values: pd.Series) -> pd.Series:
    """Full-width digits and commas allowed; empty or unreadable cells count as 0."""
    text = values.fillna("").map(lambda v: unicodedata.normalize("NFKC", str(v)).replace(",", "")
                                 .strip())
    return pd.to_numeric(text, errors="coerce").fillna(0).clip(lower=0)


def read_customer_file(data: bytes, filename: str, *,
                       settings: Settings | None = None) -> pd.DataFrame:
    """Relationship counts indexed by customer_id: referrals, reviews, survey (answers).

    Customers appearing twice are summed. Raises KarteError when there is no key column or no
    relationship column at all.
    """
    cfg = resolve(settings).segments["relationship"]
    raw = _read_table(data, filename)
    headers = {_norm_header(c): c for c in raw.columns}
    found = {}
    for field, aliases in cfg["columns"].items():
        for alias in aliases:
            if _norm_header(alias) in headers:
                found[field] = headers[_norm_header(alias)]
                break
    if "member_id" in found:
        keys = normalise_member_id(raw[found["member_id"]])
    elif "email" in found:
        keys = normalise_email(raw[found["email"]])
    else:
        raise KarteError("analysis.relationship.no_key", filename=filename)
    present = [c for c in OUTPUT_COLUMNS if c in found]
    if not present:
        raise KarteError("analysis.relationship.no_columns", filename=filename)
    out = pd.DataFrame(index=raw.index)
    for col in present:
        if col == "survey":
            no = {_norm_header(v) for v in cfg["survey_no"]}
            cells = raw[found[col]].fillna("").map(_norm_header)
            numeric = pd.to_numeric(cells, errors="coerce")
            out[col] = np.where(numeric.notna(), numeric.fillna(0).clip(lower=0),
                                (~cells.isin(no)).astype(float))
        else:
            out[col] = _count(raw[found[col]])
    out["customer_id"] = keys.to_numpy()
    out = out[keys.notna().to_numpy()]
    return out.groupby("customer_id", sort=True)[present].sum()

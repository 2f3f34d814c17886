"""Contact columns for a DM or LINE list: name, postcode, address, phone, e-mail per customer.

The reader drops every personal column once the customer key is built; this module is the one
way back, used only when the user opts in on the page. It reads the raw upload again through
the reader's public API (`reader.read`), finds the buyer columns the way the reader does
(`presets.resolve`, or the user's mapping) plus the postcode and address columns of
engine/data/contacts.toml, and computes each row's customer key with the same functions and the
same secret as the reader, so its rows join the analysis' lists by key. One row per customer:
the contact data of the customer's latest order (`last_orders`: key -> order id), else of the
customer's last row in the file. The result is kept in the session's memory by the caller and
never saved.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from engine import config
from engine.ingest import reader
from engine.ingest.keys import available_rule, hash_name_phone, normalise_email, normalise_member_id
from engine.ingest.mapping import columns_from_mapping, preset_for_mapping
from engine.ingest.presets import Preset, best_match, generic_preset, get_preset, match, resolve
from engine.ingest.roles import normalise

CONTACT_FIELDS: tuple[str, ...] = ("name", "postcode", "address", "phone", "email")


def _found(columns: list[str], rule: Mapping) -> tuple[str, ...]:
    """Columns whose normalised header contains a word of `rule` and no excluded word."""
    words = [normalise(w) for w in rule["words"]]
    exclude = [normalise(w) for w in rule.get("exclude", ())]
    out = []
    for col in columns:
        h = normalise(col)
        if any(w in h for w in words) and not any(x in h for x in exclude):
            out.append(col)
    return tuple(out)


def _joined(frame: pd.DataFrame, columns: tuple[str, ...], sep: str) -> pd.Series:
    """The cells of `columns` joined by `sep`, empty parts left out, each part stripped."""
    out = pd.Series("", index=frame.index, dtype="str")
    for col in columns:
        part = frame[col].astype("str").fillna("").str.strip()
        both = (out != "") & (part != "")
        out = (out + sep + part).where(both, out + part)
    return out


def _preset_and_columns(columns: list[str], format: str | None,
                        mapping: Mapping[str, str] | None) -> tuple[Preset, dict[str, tuple[str, ...]]]:
    """The preset and buyer columns the reader uses for this file (same choice as read_raw)."""
    if mapping:
        return preset_for_mapping(), columns_from_mapping(dict(mapping), columns)
    found = match(get_preset(format), columns) if format else best_match(columns)
    preset = found.preset if found else generic_preset()
    return preset, resolve(preset, columns)


def _row_keys(frame: pd.DataFrame, preset: Preset, cols: dict[str, tuple[str, ...]],
              salt: bytes) -> pd.Series:
    """Each row's customer key, by the reader's rule (member ID, e-mail, name + phone)."""
    out = pd.Series(pd.NA, index=frame.index, dtype="str")
    for step in available_rule(preset.customer_key, cols):
        if step == "member_id":
            key = normalise_member_id(_joined(frame, cols["member_id"], ""))
            if preset.member_id_none:
                key = key.where(~key.isin(preset.member_id_none), pd.NA)
        elif step == "email":
            key = normalise_email(_joined(frame, cols["email"], ""), preset.email_mask_pattern)
        elif step == "name_phone":
            key = hash_name_phone(_joined(frame, cols["name"], " "),
                                  _joined(frame, cols["phone"], ""), salt)
        else:
            continue
        out = out.fillna(key.set_axis(frame.index))
    return out


def _one_file(data: bytes, filename: str, *, format: str | None, sheet: str | None,
              mapping: Mapping[str, str] | None, salt: bytes) -> pd.DataFrame:
    raw = reader.read(data, filename, sheet)
    frame = raw.frame
    columns = list(frame.columns)
    preset, cols = _preset_and_columns(columns, format, mapping)
    keys = _row_keys(frame, preset, cols, salt)
    rules = config.load("contacts")
    used = {c for f in ("name", "phone", "email", "member_id") for c in cols.get(f, ())}
    postcode = tuple(c for c in _found(columns, rules["postcode"]) if c not in used)
    address = tuple(c for c in _found(columns, rules["address"]) if c not in used | set(postcode))
    out = pd.DataFrame({"customer_id": keys,
                        "order_id": _joined(frame, cols.get("order_id", ()), "")}, index=frame.index)
    if "name" in cols:
        out["name"] = _joined(frame, cols["name"], " ")
    if postcode:
        out["postcode"] = _joined(frame, postcode, rules["postcode"].get("join", "-"))
    if address:
        out["address"] = _joined(frame, address, rules["address"].get("join", ""))
    if "phone" in cols:
        out["phone"] = _joined(frame, cols["phone"], "-")
    if "email" in cols:   # masked addresses (楽天's per-order relay) reach nobody: left out
        out["email"] = normalise_email(_joined(frame, cols["email"], ""),
                                       preset.email_mask_pattern).fillna("").set_axis(frame.index)
    return out[out["customer_id"].notna()]


def contacts(files: list[tuple[bytes, str]], *, format: str | None = None,
             sheet: str | None = None, mapping: Mapping[str, str] | None = None,
             salt: bytes = b"", last_orders: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per customer key (index `customer_id`) with the contact columns the files hold.

    `files`, `format`, `sheet`, `mapping` and `salt` as given to `engine.ingest.ingest_files`
    for the same book (the same secret gives the same keys). Columns: those of CONTACT_FIELDS
    found in the files, as text ("" when a customer's cell is empty). A customer's row is the
    one of `last_orders[key]` (the order id of the customer's latest order) when present, else
    the customer's last row in the files. A column empty for every customer is left out.
    """
    rows = [_one_file(data, name, format=format, sheet=sheet, mapping=mapping, salt=salt)
            for data, name in files]
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["customer_id"])
    fields = [f for f in CONTACT_FIELDS if f in frame.columns]
    if frame.empty:
        return pd.DataFrame(columns=fields, index=pd.Index([], name="customer_id"))
    frame[fields] = frame[fields].fillna("")
    latest = np.zeros(len(frame), dtype=bool)
    if last_orders:
        wanted = frame["customer_id"].map(dict(last_orders))
        latest = (wanted.notna() & (frame["order_id"] == wanted)).to_numpy(dtype=bool)
    # the latest order's row first (its first row: order-level cells), else the last row
    ranked = frame.assign(_latest=latest, _pos=np.arange(len(frame)))
    ranked = ranked.sort_values(["_latest", "_pos"], ascending=[False, False], kind="stable")
    first_latest = ranked[ranked["_latest"]].sort_values("_pos").drop_duplicates("customer_id")
    rest = ranked[~ranked["customer_id"].isin(first_latest["customer_id"])].drop_duplicates("customer_id")
    picked = pd.concat([first_latest, rest]).set_index("customer_id")[fields].sort_index()
    # a column empty for everybody (楽天's masked e-mails) is no contact data: left out
    return picked[[f for f in fields if (picked[f] != "").any()]]


__all__ = ["contacts", "CONTACT_FIELDS"]

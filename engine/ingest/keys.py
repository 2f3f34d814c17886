"""Customer keys: who bought, as a stable string per customer — and nothing more personal.

Rule (per preset, in order): member ID, else e-mail folded to lower case, else name + phone
as an HMAC-SHA256 under a secret: the one given, else `run_salt` (`KARTE_SALT` / the CLI's
`--salt` when set, else the installation's secret, engine/secret.py), never none (楽天 masks the
e-mail per order, so only name + phone links two orders of the same buyer). The same file gives
the same keys in every session and run of one installation, so a downloaded list still matches. The analysis helper joins an optional customer file with the same
`normalise_member_id` / `normalise_email`, so both sides produce identical keys.
"""
from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable

import pandas as pd

from engine.ingest.clean import by_unique, nfkc

HASH_HEX_CHARS = 16   # 64 bits of sha256: collisions negligible for shop-sized customer lists
RULES = ("member_id", "email", "name_phone")
SALT_ENV = "KARTE_SALT"
# An unkeyed sha256 of name + phone is reversed by trying candidate phone numbers in seconds.


def run_salt() -> bytes:
    """The secret used when the caller gives none: `KARTE_SALT` when set, else the
    installation's secret (stable across runs; engine/secret.py)."""
    given = os.environ.get(SALT_ENV)
    if given:
        return given.encode("utf-8", "surrogatepass")
    from engine.secret import installation_secret

    return installation_secret()


def _blank_to_na(s: pd.Series) -> pd.Series:
    s = s.astype("str")
    return s.where(s != "", pd.NA)


def normalise_member_id(s: pd.Series) -> pd.Series:
    """Member IDs: NFKC, stripped; "17850.0" (a number that went through Excel) -> "17850"."""
    def norm(u: pd.Series) -> pd.Series:
        text = nfkc(u)
        return text.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    return _blank_to_na(by_unique(s.astype("str").fillna(""), norm))


def normalise_email(s: pd.Series, mask_pattern: str | None = None) -> pd.Series:
    """E-mails: NFKC, stripped, lower-cased; <NA> when empty, not an address, or masked."""
    def norm(u: pd.Series) -> pd.Series:
        text = nfkc(u).str.lower()
        ok = text.str.contains(r"^[^@\s]+@[^@\s]+$", regex=True)
        if mask_pattern:
            ok &= ~text.str.contains(mask_pattern, regex=True)
        return text.where(ok, "")
    return _blank_to_na(by_unique(s.astype("str").fillna(""), norm))


def hash_name_phone(name: pd.Series, phone: pd.Series, salt: bytes) -> pd.Series:
    """HMAC-SHA256(salt; name, phone) as a hex prefix; <NA> unless both name and phone are present.

    An empty `salt` means `run_salt()`.

    Name: NFKC with all whitespace removed (山田 太郎 == 山田太郎); phone: digits only
    (090-1234-5678 == 09012345678).
    """
    salt = salt or run_salt()
    n = nfkc(name.astype("str").fillna("")).str.replace(r"\s+", "", regex=True)
    p = nfkc(phone.astype("str").fillna("")).str.replace(r"\D+", "", regex=True)
    pair = n + "\x1f" + p
    ok = (n != "") & (p != "")

    def digest(u: pd.Series) -> pd.Series:
        return pd.Series([hmac.new(salt, v.encode("utf-8"), hashlib.sha256).hexdigest()[:HASH_HEX_CHARS]
                          for v in u], dtype="str")
    keys = by_unique(pair.where(ok, ""), digest).astype("str")
    return keys.where(ok, pd.NA)


def customer_keys(frame: pd.DataFrame, rule: Iterable[str], salt: bytes = b"",
                  email_mask_pattern: str | None = None) -> pd.Series:
    """The first available key of `rule` per row (frame columns: member_id, email, name, phone)."""
    out = pd.Series(pd.NA, index=frame.index, dtype="str")
    for step in rule:
        if step == "member_id" and "member_id" in frame:
            key = normalise_member_id(frame["member_id"])
        elif step == "email" and "email" in frame:
            key = normalise_email(frame["email"], email_mask_pattern)
        elif step == "name_phone" and "name" in frame and "phone" in frame:
            key = hash_name_phone(frame["name"], frame["phone"], salt)
        else:
            continue
        out = out.fillna(key)
    return out


def available_rule(rule: Iterable[str], fields: Iterable[str]) -> list[str]:
    """The steps of `rule` this file can use, given the canonical fields it has."""
    have = set(fields)
    need = {"member_id": {"member_id"}, "email": {"email"}, "name_phone": {"name", "phone"}}
    return [r for r in rule if need.get(r, {r}) <= have]


__all__ = ["customer_keys", "normalise_member_id", "normalise_email", "hash_name_phone",
           "available_rule", "run_salt", "RULES", "SALT_ENV"]

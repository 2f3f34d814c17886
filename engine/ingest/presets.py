"""Format presets: one TOML file per platform in `engine/data/presets/`, and format detection.

A preset says which columns of a platform's export hold which canonical field, how the buyer is
keyed, how order totals appear, which statuses mean cancelled / returned, and which lines are
not products. Detection (`match`) compares a file's header with each preset's signature — the
platform's distinctive columns — and picks the preset that has enough of them (`min_share`), so
a shop that switched a few columns off still gets its platform's rules; the match (columns
found, columns missing, share) is reported to the user. A file that matches no preset is read
by column roles (engine/ingest/roles.py).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from engine import config
from engine.config import localized

PRESET_DIR = config.DATA_DIR / "presets"
GENERIC_ID = "generic"

# Canonical fields a mapping can fill. `order_date` and one amount source are required.
FIELDS: tuple[str, ...] = (
    "order_id", "member_id", "email", "name", "phone", "order_date", "order_total", "amount",
    "unit_price", "quantity", "product", "sku", "status",
)
REQUIRED_FIELDS: tuple[str, ...] = ("order_date",)
AMOUNT_FIELDS: tuple[str, ...] = ("order_total", "amount", "unit_price")
PERSONAL_FIELDS: tuple[str, ...] = ("email", "name", "phone")


def fold(name: Any) -> str:
    """A header name compared loosely: NFKC, case-folded, without spaces."""
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Preset:
    """One platform's export layout (see any file in engine/data/presets/ for the fields)."""

    id: str
    label_ja: str
    label_en: str
    priority: int = 500
    signature: tuple[str, ...] = ()
    totals: str = "auto"                      # first_row | every_row | sum_lines | auto
    customer_key: tuple[str, ...] = ("member_id", "email", "name_phone")
    has_customers: bool = True
    notices: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)   # field -> alternatives
    concat: dict[str, tuple[str, ...]] = field(default_factory=dict)    # field -> joined columns
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    status_cancelled: tuple[str, ...] = ()
    status_returned: tuple[str, ...] = ()
    status_invalid: tuple[str, ...] = ()
    nonproduct_names: tuple[str, ...] = ()
    nonproduct_skus: tuple[str, ...] = ()
    line_type_product: tuple[str, ...] = ()
    subscription_names: tuple[str, ...] = ()
    email_mask_pattern: str | None = None
    invoice_cancel_prefix: str | None = None
    invalid_amounts: tuple[float, ...] = ()
    min_share: float = 0.6                    # share of the signature a file needs
    role_fallback: tuple[str, ...] = ()       # fields found by role when the named columns are absent
    member_id_none: tuple[str, ...] = ()      # member ids meaning "guest" (EC-CUBE 2: 0)
    cancel_flag_valid: tuple[str, ...] = ()   # `cancel_flag` values of a live order (else cancelled)
    line_cancel_valid: tuple[str, ...] = ()   # `line_cancel` values of a live line (else dropped)
    subscription_types: tuple[str, ...] = ()  # `order_type` values that mark a subscription order
    status_cancelled_patterns: tuple[str, ...] = ()
    status_returned_patterns: tuple[str, ...] = ()
    needs: str | None = None                  # message key: this file cannot be read alone
    refund_rule_ja: str = ""
    refund_rule_en: str = ""

    def label(self, lang: str = "ja") -> str:
        return localized({"label_ja": self.label_ja, "label_en": self.label_en}, "label", lang)

    def refund_rule(self, lang: str = "ja") -> str:
        return localized({"r_ja": self.refund_rule_ja, "r_en": self.refund_rule_en}, "r", lang)


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)


def preset_from_dict(raw: dict[str, Any]) -> Preset:
    """A `Preset` from the parsed TOML table (also used for user presets)."""
    status = raw.get("status", {})
    nonproduct = raw.get("nonproduct", {})
    return Preset(
        id=str(raw["id"]),
        label_ja=str(raw.get("label_ja", raw["id"])),
        label_en=str(raw.get("label_en", raw.get("label_ja", raw["id"]))),
        priority=int(raw.get("priority", 500)),
        signature=_tuple(raw.get("signature")),
        totals=str(raw.get("totals", "auto")),
        customer_key=_tuple(raw.get("customer_key", ["member_id", "email", "name_phone"])),
        has_customers=bool(raw.get("has_customers", True)),
        notices=_tuple(raw.get("notices")),
        date_formats=_tuple(raw.get("date_formats")),
        columns={k: _tuple(v) for k, v in raw.get("columns", {}).items()},
        concat={k: _tuple(v) for k, v in raw.get("concat", {}).items()},
        synonyms={k: _tuple(v.get("words")) for k, v in raw.get("roles", {}).items()}
        or {k: _tuple(v) for k, v in raw.get("synonyms", {}).items()},
        status_cancelled=_tuple(status.get("cancelled")),
        status_returned=_tuple(status.get("returned")),
        status_invalid=_tuple(status.get("invalid")),
        nonproduct_names=_tuple(nonproduct.get("name_patterns")),
        nonproduct_skus=_tuple(nonproduct.get("sku_patterns")),
        line_type_product=_tuple(nonproduct.get("line_type_product")),
        subscription_names=_tuple(raw.get("subscription", {}).get("name_patterns")),
        email_mask_pattern=raw.get("email_mask_pattern"),
        invoice_cancel_prefix=raw.get("invoice_cancel_prefix"),
        invalid_amounts=tuple(float(v) for v in raw.get("invalid_amounts", [])),
        min_share=float(raw.get("min_share", 0.6)),
        role_fallback=_tuple(raw.get("role_fallback")),
        member_id_none=_tuple(raw.get("member_id_none")),
        cancel_flag_valid=_tuple(raw.get("cancel_flag_valid")),
        line_cancel_valid=_tuple(raw.get("line_cancel_valid")),
        subscription_types=_tuple(raw.get("subscription", {}).get("order_types")),
        status_cancelled_patterns=_tuple(status.get("cancelled_patterns")),
        status_returned_patterns=_tuple(status.get("returned_patterns")),
        needs=raw.get("needs"),
        refund_rule_ja=str(raw.get("refund_rule_ja", "")),
        refund_rule_en=str(raw.get("refund_rule_en", "")),
    )


@lru_cache(maxsize=1)
def _all_presets() -> tuple[Preset, ...]:
    presets = [preset_from_dict(config.load(f"presets/{path.stem}"))
               for path in sorted(PRESET_DIR.glob("*.toml"))]
    # stable order: priority, then id — this is also the tie-break order of detection
    return tuple(sorted(presets, key=lambda p: (p.priority, p.id)))


def list_presets() -> list[Preset]:
    """All presets, in detection order (generic last)."""
    return list(_all_presets())


def get_preset(preset_id: str) -> Preset:
    from engine.errors import IngestError

    for preset in _all_presets():
        if preset.id == preset_id:
            return preset
    raise IngestError("ingest.error.unknown_format", format=preset_id,
                      known=", ".join(p.id for p in _all_presets()))


def generic_preset() -> Preset:
    return get_preset(GENERIC_ID)


@dataclass(frozen=True)
class Match:
    """How well a header fits a preset: the signature columns found and missing, and the share."""

    preset: Preset
    found: tuple[str, ...]        # the file's columns that matched a signature entry
    missing: tuple[str, ...]      # signature entries not in the file
    share: float

    def to_dict(self) -> dict[str, Any]:
        return {"preset": self.preset.id, "found": list(self.found), "missing": list(self.missing),
                "share": round(self.share, 3)}


def match(preset: Preset, columns: list[str]) -> Match:
    """The signature entries of `preset` present in `columns` (an entry may list 'a|b')."""
    by_fold: dict[str, str] = {}
    for col in columns:
        by_fold.setdefault(fold(col), col)
    found, missing = [], []
    for entry in preset.signature:
        hit = next((by_fold[fold(a)] for a in entry.split("|") if fold(a) in by_fold), None)
        if hit is None:
            missing.append(entry)
        else:
            found.append(hit)
    share = len(found) / len(preset.signature) if preset.signature else 0.0
    return Match(preset=preset, found=tuple(found), missing=tuple(missing), share=share)


def best_match(columns: list[str]) -> Match | None:
    """The preset this header belongs to, or None (then the generic reader applies).

    A preset qualifies when at least `min_share` of its signature is present (and at least three
    entries, or all of a shorter signature). The highest share wins, then the most entries found
    (a joined Yahoo file beats its item file), then the lower priority number; a preset that
    `needs` another file comes after every other.
    """
    best: tuple[tuple, Match] | None = None
    for preset in _all_presets():
        if not preset.signature:
            continue
        m = match(preset, columns)
        if m.share < preset.min_share or len(m.found) < min(3, len(preset.signature)):
            continue
        # a file that cannot be read alone (a Yahoo item file) only wins when nothing else fits:
        # a joined order + item file also has every item column
        rank = (preset.needs is not None, -m.share, -len(m.found), preset.priority)
        if best is None or rank < best[0]:
            best = (rank, m)
    return None if best is None else best[1]


def detect(columns: list[str]) -> Preset | None:
    """The platform preset of this header (see `best_match`); None when no preset fits."""
    m = best_match(columns)
    return None if m is None else m.preset


def resolve(preset: Preset, columns: list[str]) -> dict[str, tuple[str, ...]]:
    """Field -> the actual column name(s) of this file for that field.

    Single-valued fields take the first alternative present; concatenated fields (name, phone)
    take all listed columns present. The generic preset (and user presets built on it) find
    their columns through the synonym table instead; platform presets never guess, so that e.g.
    Shopify's "Name" (the order number) is never taken for a person's name.
    """
    by_fold: dict[str, str] = {}
    for col in columns:
        by_fold.setdefault(fold(col), col)
    out: dict[str, tuple[str, ...]] = {}
    for name, alternatives in preset.columns.items():
        for alt in alternatives:
            if fold(alt) in by_fold:
                out[name] = (by_fold[fold(alt)],)
                break
    for name, parts in preset.concat.items():
        present = tuple(by_fold[fold(p)] for p in parts if fold(p) in by_fold)
        if present:
            out[name] = present
    wanted = (FIELDS + ("line_type",)) if preset.id == GENERIC_ID or preset.synonyms else preset.role_fallback
    todo = tuple(f for f in wanted if f not in out)
    if todo:
        from engine.ingest.roles import recognise

        used = {c for cols in out.values() for c in cols}
        found = recognise([c for c in columns if c not in used], todo)
        out.update(found.columns)
    return out


def candidates(columns: list[str], field_name: str) -> list[str]:
    """Columns ordered by how likely they hold `field_name` (by role), the rest after."""
    from engine.ingest.roles import candidates as by_role

    return by_role(columns, field_name)

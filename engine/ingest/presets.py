"""Format presets: one TOML file per platform in `engine/data/presets/`, and format detection.

A preset says which columns of a platform's export hold which canonical field, how the buyer is
keyed, how order totals appear, which statuses mean cancelled / returned, and which lines are
not products. Detection compares a file's header with each preset's signature; a file that
matches none is read with the `generic` synonym table.
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

    def label(self, lang: str = "ja") -> str:
        return localized({"label_ja": self.label_ja, "label_en": self.label_en}, "label", lang)


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
        synonyms={k: _tuple(v) for k, v in raw.get("synonyms", {}).items()},
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


def _signature_hits(preset: Preset, folded: set[str]) -> int:
    """How many signature entries the header has (an entry may list alternatives with '|')."""
    return sum(any(fold(alt) in folded for alt in entry.split("|")) for entry in preset.signature)


def detect(columns: list[str]) -> Preset | None:
    """The platform preset whose whole signature is in the header; None when no preset matches.

    When several match, the one with the longest signature wins, then the lower priority number.
    """
    folded = {fold(c) for c in columns}
    best: tuple[int, int, Preset] | None = None
    for preset in _all_presets():
        if not preset.signature:
            continue
        hits = _signature_hits(preset, folded)
        if hits < len(preset.signature):
            continue
        rank = (-hits, preset.priority)
        if best is None or rank < best[:2]:
            best = (rank[0], rank[1], preset)
    return None if best is None else best[2]


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
    if preset.synonyms:
        used = {c for cols in out.values() for c in cols}
        for name, words in preset.synonyms.items():
            if name in out:
                continue
            for word in words:
                col = by_fold.get(fold(word))
                if col is not None and col not in used:
                    out[name] = (col,)
                    used.add(col)
                    break
    return out


def candidates(columns: list[str], field_name: str) -> list[str]:
    """Columns ordered by how likely they hold `field_name`: synonym matches first, then the rest."""
    words = [fold(w) for w in generic_preset().synonyms.get(field_name, ())]
    def rank(col: str) -> tuple[int, int]:
        f = fold(col)
        if f in words:
            return (0, words.index(f))
        if any(w and w in f for w in words):
            return (1, 0)
        return (2, 0)
    return sorted(columns, key=rank)

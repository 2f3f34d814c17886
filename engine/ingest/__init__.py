"""Reading real shop exports into an `OrderBook` (engine/orderbook.py) — the public API.

`ingest(data, filename)` recognises the platform from the header (presets in
engine/data/presets/), reads CSV / TSV / Excel in any of the usual encodings, cleans amounts and
dates, builds customer keys and accounts for every row. `inspect` feeds the manual mapping step
of the UI when a layout is unknown. Any file a user can give either reads or raises
`IngestError` with a catalogue key — never another exception.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.errors import IngestError
from engine.ingest import reader
from engine.ingest.build import ALL_REASONS, REASONS, build
from engine.ingest.keys import customer_keys, hash_name_phone, normalise_email, normalise_member_id
from engine.ingest.mapping import (SavedMapping, columns_from_mapping, find_saved_mapping,
                                   load_saved_mapping, mapping_to_toml, parse_saved_mapping,
                                   preset_for_mapping, save_mapping)
from engine.ingest.presets import (AMOUNT_FIELDS, FIELDS, REQUIRED_FIELDS, Match, Preset,
                                   best_match, candidates, detect, generic_preset, get_preset,
                                   list_presets, match, resolve)
from engine.orderbook import OrderBook

PREVIEW_ROWS = 10

__all__ = [
    "ingest", "inspect", "Inspection", "FieldGuess", "list_presets", "get_preset", "Preset",
    "mapping_to_toml", "load_saved_mapping", "parse_saved_mapping", "save_mapping",
    "find_saved_mapping", "SavedMapping", "customer_keys", "normalise_member_id",
    "normalise_email", "hash_name_phone", "REASONS", "ALL_REASONS", "FIELDS", "REQUIRED_FIELDS",
    "AMOUNT_FIELDS", "ingest_files", "Match", "NEEDED_FIELDS", "BUYER_FIELDS",
]
# what the mapping step stars: the date, one amount, and one way to know the buyer
BUYER_FIELDS: tuple[str, ...] = ("member_id", "email", "name", "phone")
NEEDED_FIELDS: tuple[str, ...] = (*REQUIRED_FIELDS, *AMOUNT_FIELDS, "order_id", *BUYER_FIELDS)


def _check_size(data: bytes, max_bytes: int | None) -> None:
    if max_bytes is not None and len(data) > max_bytes:
        raise IngestError("ingest.error.too_large", size_mb=round(len(data) / 1e6, 1),
                          limit_mb=round(max_bytes / 1e6, 1))


def ingest(data: bytes, filename: str, *, format: str | None = None, sheet: str | None = None,
           mapping: dict[str, str] | None = None, salt: bytes = b"", max_bytes: int | None = None,
           progress: Callable[[str, float], None] | None = None) -> OrderBook:
    """The `OrderBook` of an uploaded file.

    format: a preset id to force (else detected); mapping: field -> column chosen by the user
    (overrides detection); salt: per-session salt for name+phone keys; max_bytes: size limit;
    progress(message_key, fraction) is called between stages.
    """
    _check_size(data, max_bytes)
    if progress is not None:
        progress("ingest.progress.reading", 0.05)
    raw = reader.read(data, filename, sheet)
    return read_raw(raw, format=format, mapping=mapping, salt=salt, progress=progress)


def read_raw(raw: reader.RawTable, *, format: str | None = None,
             mapping: dict[str, str] | None = None, salt: bytes = b"",
             progress: Callable[[str, float], None] | None = None) -> OrderBook:
    """`ingest` after the bytes were read: detection, build, and what the match looked like."""
    columns = list(raw.frame.columns)
    if mapping:
        cols = columns_from_mapping(mapping, columns)
        return build(raw, preset_for_mapping(), salt=salt, progress=progress, cols=cols)
    found = match(get_preset(format), columns) if format else best_match(columns)
    preset = found.preset if found else generic_preset()
    book = build(raw, preset, salt=salt, progress=progress)
    if found is not None:
        book.report.details["match"] = found.to_dict()
    else:
        unsure = unsure_fields(columns, book.report.mapping)
        if unsure:
            book.report.details["unsure"] = unsure
            book.report.notices.append("ingest.notice.unsure")
    return book


def unsure_fields(columns: list[str], mapping: dict[str, str]) -> list[str]:
    """Fields a generic read is not sure of: guessed from part of a header, or not found.

    A generic file read without any buyer column, or with a date / amount / buyer only guessed,
    is worth a look at the mapping step (the page opens it with these guesses).
    """
    from engine.ingest.roles import recognise

    weak = set(recognise(columns).weak())
    out = [f for f in ("order_date", *AMOUNT_FIELDS, *BUYER_FIELDS, "order_id", "status")
           if f in mapping and f in weak]
    if not any(f in mapping for f in BUYER_FIELDS):
        out.append("member_id")
    return out


def ingest_files(files: list[tuple[bytes, str]], **kwargs) -> OrderBook:
    """Several files of one shop as one `OrderBook` (see engine/ingest/combine.py)."""
    from engine.ingest.combine import ingest_files as combine

    return combine(files, **kwargs)


@dataclass
class FieldGuess:
    """The mapping step's dropdown for one canonical field."""

    field: str
    best: str | None                 # pre-selected column (None: nothing plausible)
    candidates: list[str]            # all columns, most likely first
    required: bool = False


@dataclass
class Inspection:
    encoding: str
    sheet: str | None
    sheets: list[str]
    columns: list[str]
    preview: list[dict[str, str]]    # first rows, every cell as text
    preset: str | None               # detected platform preset id, None when unknown
    fields: dict[str, FieldGuess] = field(default_factory=dict)

    def mapping(self) -> dict[str, str]:
        """The pre-selected mapping (field -> column) the dropdowns start from."""
        return {f: g.best for f, g in self.fields.items() if g.best}

    def ready(self) -> bool:
        """Whether the pre-selected mapping has an order date and an amount."""
        chosen = self.mapping()
        return all(f in chosen for f in REQUIRED_FIELDS) and any(f in chosen for f in AMOUNT_FIELDS)


def inspect(data: bytes, filename: str, *, sheet: str | None = None,
            max_bytes: int | None = None) -> Inspection:
    """What the mapping step shows: encoding, sheets, columns, a preview and best guesses."""
    _check_size(data, max_bytes)
    raw = reader.read(data, filename, sheet)
    columns = list(raw.frame.columns)
    detected = detect(columns)
    guessed = resolve(detected or generic_preset(), columns)
    fields = {}
    for name in FIELDS:
        best = guessed.get(name, (None,))[0]
        fields[name] = FieldGuess(field=name, best=best, candidates=candidates(columns, name),
                                  required=name in NEEDED_FIELDS)
    preview = raw.frame.head(PREVIEW_ROWS).astype("str").to_dict("records")
    return Inspection(encoding=raw.encoding, sheet=raw.sheet, sheets=list(raw.sheets),
                      columns=columns, preview=preview,
                      preset=detected.id if detected else None, fields=fields)

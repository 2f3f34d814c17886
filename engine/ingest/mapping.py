"""The manual mapping step: a user's column choices as a preset, saved and reused as small TOML.

A saved mapping ("user preset") holds the header signature of the file it was made for and the
field -> column choices; `find_saved_mapping` picks the saved one whose signature the new file's
header contains. The folder is chosen by the caller (the app's session / data folder).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from engine.errors import IngestError
from engine.ingest.presets import FIELDS, Preset, fold, generic_preset

USER_PRESET_SUFFIX = ".toml"
# names other modules and older saved mappings use for a canonical field
ALIASES = {"customer_id": "member_id", "date": "order_date", "total": "order_total"}


@dataclass(frozen=True)
class SavedMapping:
    name: str
    signature: tuple[str, ...]
    mapping: dict[str, str]


def columns_from_mapping(mapping: dict[str, str], columns: list[str]) -> dict[str, tuple[str, ...]]:
    """Validated field -> (column,) for `build`; unknown fields or columns are a user error."""
    by_fold = {fold(c): c for c in columns}
    out: dict[str, tuple[str, ...]] = {}
    for field_name, column in mapping.items():
        if not column:
            continue
        field_name = ALIASES.get(field_name, field_name)
        if field_name not in FIELDS:
            raise IngestError("ingest.error.bad_mapping_field", field=field_name)
        if fold(column) not in by_fold:
            raise IngestError("ingest.error.bad_mapping_column", column=column)
        out[field_name] = (by_fold[fold(column)],)
    return out


def preset_for_mapping(base: Preset | None = None) -> Preset:
    """The rules a manually mapped file is read with: generic rules, no synonym guessing."""
    base = base or generic_preset()
    return replace(base, id="custom", label_ja="手動マッピング", label_en="Manual mapping",
                   columns={}, concat={}, synonyms={}, signature=())


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def mapping_to_toml(mapping: dict[str, str], columns: list[str], name: str = "custom") -> str:
    """A small TOML user preset: the header signature (mapped columns) and the mapping."""
    chosen = {f: c for f, c in mapping.items() if c}
    signature = [c for c in columns if c in chosen.values()]
    lines = ["# 通販カルテ saved column mapping (user preset)", f"name = {_toml_str(name)}",
             "signature = [" + ", ".join(_toml_str(c) for c in signature) + "]", "", "[mapping]"]
    lines += [f"{f} = {_toml_str(c)}" for f, c in sorted(chosen.items())]
    return "\n".join(lines) + "\n"


def parse_saved_mapping(text: str) -> SavedMapping:
    try:
        raw = tomllib.loads(text)
        mapping = {str(k): str(v) for k, v in raw.get("mapping", {}).items()}
        return SavedMapping(name=str(raw.get("name", "custom")),
                            signature=tuple(str(s) for s in raw.get("signature", [])), mapping=mapping)
    except (tomllib.TOMLDecodeError, AttributeError, TypeError) as exc:
        raise IngestError("ingest.error.bad_saved_mapping") from exc


def load_saved_mapping(path: str | Path) -> SavedMapping:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError("ingest.error.bad_saved_mapping") from exc
    return parse_saved_mapping(text)


def save_mapping(folder: str | Path, mapping: dict[str, str], columns: list[str], name: str) -> Path:
    """Write the user preset `<folder>/<name>.toml` (name reduced to safe characters)."""
    safe = re.sub(r"[^\w\-]+", "_", name).strip("_") or "custom"
    path = Path(folder) / f"{safe}{USER_PRESET_SUFFIX}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(mapping_to_toml(mapping, columns, name), encoding="utf-8")
    return path


def find_saved_mapping(folder: str | Path, columns: list[str]) -> SavedMapping | None:
    """The saved mapping whose whole signature is in `columns` (longest signature wins)."""
    folded = {fold(c) for c in columns}
    best: SavedMapping | None = None
    for path in sorted(Path(folder).glob(f"*{USER_PRESET_SUFFIX}")):
        try:
            saved = load_saved_mapping(path)
        except IngestError:
            continue
        if saved.signature and all(fold(s) in folded for s in saved.signature):
            if best is None or len(saved.signature) > len(best.signature):
                best = saved
    return best

"""Loads the consultant-editable data files (TOML) from `engine/data/`.

Rules, thresholds, benchmarks, question texts, action catalogue and format presets live there,
not in code. Files are read once per process.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


@lru_cache(maxsize=64)
def load(name: str) -> dict[str, Any]:
    """The parsed TOML file `engine/data/<name>.toml` (name may contain a sub-folder)."""
    with open(DATA_DIR / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


def localized(table: dict[str, Any], field: str, lang: str) -> str:
    """`table[f"{field}_{lang}"]`, falling back to Japanese: data files carry both languages."""
    return table.get(f"{field}_{lang}") or table.get(f"{field}_ja") or ""

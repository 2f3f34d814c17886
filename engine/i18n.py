"""Message catalogue: one TOML file per language in `engine/locales/` (ja first, en second).

Keys are dotted paths into nested tables: `t("ingest.error.empty_file", "en")`.
Each feature owns its own top-level table (ui, diagnosis, ingest, analysis, clv, plan, report,
history), so the files stay readable for a translator.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGUAGES: tuple[str, ...] = ("ja", "en")
DEFAULT_LANG = "ja"
_LOCALES = Path(__file__).parent / "locales"


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, path + "."))
        else:
            flat[path] = value
    return flat


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language, keyed by dotted path."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANG
    with open(_LOCALES / f"{lang}.toml", "rb") as fh:
        return _flatten(tomllib.load(fh))


def t(key: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """The message `key` in `lang`, with `{placeholders}` filled from params.

    A missing key falls back to Japanese, then to the key itself, so a gap in a translation is
    visible but never crashes a page.
    """
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANG).get(key, key)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text

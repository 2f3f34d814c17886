"""Translated UI text for the current session's language."""
from __future__ import annotations

from typing import Any

from engine.i18n import t
from ui.state import lang


def tr(key: str, **params: Any) -> str:
    """The message `key` from the catalogue in the user's language."""
    return t(key, lang(), **params)

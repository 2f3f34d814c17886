"""Numbers written for people in the user's language."""
from __future__ import annotations

from ui.state import lang


def yen(value: float | None) -> str:
    if value is None:
        return "—"
    return f"¥{value:,.0f}"


def pct(value: float | None, digits: int = 1) -> str:
    """A share (0–1) as a percentage."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


def count(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}人" if lang() == "ja" else f"{value:,.0f}"

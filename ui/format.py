"""Numbers written for people in the user's language."""
from __future__ import annotations

import pandas as pd
import streamlit as st

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


def number_columns(frame: pd.DataFrame) -> dict:
    """Column settings that show numbers with thousands separators (36,190 not 36190)."""
    return {c: st.column_config.NumberColumn(format="localized") for c in frame.columns
            if pd.api.types.is_numeric_dtype(frame[c])}

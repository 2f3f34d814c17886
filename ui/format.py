"""Numbers written for people in the user's language."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

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


def number_columns(frame: pd.DataFrame, *, yen: tuple[str, ...] = (),
                   percent: tuple[str, ...] = ()) -> dict:
    """Column settings: thousands separators (36,190 not 36190), ¥ for `yen` columns and a
    percentage for `percent` columns (shares 0–1)."""
    config = {}
    for c in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[c]):
            continue
        fmt = "yen" if c in yen else "percent" if c in percent else "localized"
        config[c] = st.column_config.NumberColumn(format=fmt)
    return config


def orders(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}件" if lang() == "ja" else f"{value:,.0f}"


def today() -> date:
    """Today in Japan: the date in download file names, as on saved diagnoses."""
    return datetime.now(ZoneInfo("Asia/Tokyo")).date()

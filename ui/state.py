"""What a user's session remembers across pages and the language switch.

Widget values live in Streamlit's session state only while the widget is on screen, so the
answers are kept in a plain dict of their own (`answers`) that every page reads and writes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from engine.i18n import DEFAULT_LANG, LANGUAGES


def lang() -> str:
    value = st.session_state.get("lang", DEFAULT_LANG)
    return value if value in LANGUAGES else DEFAULT_LANG


def answers() -> dict[str, Any]:
    """The canonical answers given so far (question id -> value; None = わからない)."""
    return st.session_state.setdefault("answers", {})


def raw_inputs() -> dict[str, Any]:
    """What the user typed, per question id, so a field shows it again after a page switch."""
    return st.session_state.setdefault("raw_inputs", {})


def unknowns() -> dict[str, bool]:
    """Which numeric questions were answered 「わからない」."""
    return st.session_state.setdefault("unknowns", {})


def restore_widget(key: str, value: Any) -> None:
    """Put a remembered value back into a widget's state before the widget is drawn.

    Streamlit drops a widget's state when its page is not shown; this brings it back.
    """
    if key not in st.session_state:
        st.session_state[key] = value


def get(key: str, default: Any = None) -> Any:
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    st.session_state[key] = value


def enter_through_app(page_file: str) -> None:
    """Run the page only as part of app.py's navigation.

    On a fresh server whose first request is a deep link (/analysis), Streamlit's legacy
    `pages/` mode runs the page file alone: no language switch, no navigation. app.py marks the
    session; a page without the mark hands over to app.py, which comes back to this page.
    """
    if not st.session_state.get("_entered_through_app"):
        st.session_state._deep_link = "pages/" + Path(page_file).name
        st.switch_page("app.py")

"""The contact columns of the session's upload, for a DM or LINE list: only on the user's opt-in.

The checkbox says what will be included and that nothing is saved. When ticked, the upload
(still in the session's memory) is read again by `engine.ingest.contacts` with the session's
reader settings and secret, so the rows join the lists by key; the result lives in session
state beside the data source, is forgotten when the box is unticked or the source changes, and
is never written anywhere.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.analysis import lists
from engine.errors import KarteError
from engine.shop import ShopAnalysis
from ui import analysis as cached
from ui import data
from ui.state import lang
from ui.text import error_text, tr

MEMORY = "contacts_memory"


def opt_in(key: tuple) -> bool:
    """The opt-in checkbox (reset with the data source); False when there is no upload."""
    src = data.source()
    widget = cached.widget_key(key, "contacts_opt_in")
    ticked = st.checkbox(tr("ui.lists.contacts_opt_in"), key=widget, disabled=src is None,
                         help=tr("ui.lists.contacts_opt_in_help"))
    if not ticked:
        st.session_state.pop(MEMORY, None)
    return bool(ticked) and src is not None


def session_contacts(analysis: ShopAnalysis) -> pd.DataFrame | None:
    """The contact columns per customer key of the session's upload (kept in memory only)."""
    src, raw = data.source(), data.file_bytes()
    if src is None or raw is None:
        return None
    stored = st.session_state.get(MEMORY)
    if stored is not None and stored[0] == src:
        return stored[1]
    from engine.ingest.contacts import contacts

    first = src.files[0] if src.files else src.name
    files = [(raw, first), *(st.session_state.get("source_extra") or [])]
    last = lists.last_orders(analysis.known_orders)["last_order_id"].to_dict()
    try:
        with st.spinner(tr("ui.lists.contacts_reading")):
            frame = contacts(files, format=src.format, sheet=src.sheet,
                             mapping=dict(src.mapping) or None, salt=data.session_salt(),
                             last_orders=last)
    except KarteError as exc:
        st.error(error_text(exc))
        return None
    st.session_state[MEMORY] = (src, frame)
    return frame


def contact_note(frame: pd.DataFrame | None) -> None:
    """Which contact columns the lists now carry (or that the file holds none)."""
    if frame is None:
        return
    shown = [tr(f"analysis.columns.{c}") for c in frame.columns]
    st.caption(tr("ui.lists.contacts_included", columns=("、" if lang() == "ja" else ", ").join(shown)) if shown
               else tr("ui.lists.contacts_none"))

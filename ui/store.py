"""The server's saved-diagnosis store: one `engine.store.Store` (one connection pool) per
database URL, shared by every session.

The URL is resolved on every call (`KARTE_DATABASE_URL`, secrets.toml, else SQLite in
`KARTE_DATA_DIR` or data/), so a test that points `KARTE_DATA_DIR` at a temporary folder gets
its own store and never touches the project's data folder.
"""
from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from engine.errors import KarteError
from engine.store import Store, resolve_url


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)  # creates or upgrades the schema once per server


def store() -> Store:
    """The store of the configured database; KarteError when it cannot be opened."""
    try:
        return _store(resolve_url())
    except SQLAlchemyError as exc:  # wrong URL, server down, read-only folder...
        raise KarteError("ui.history.db_error", detail=type(exc).__name__) from exc
    except OSError as exc:
        raise KarteError("ui.history.db_error", detail=exc.strerror or str(exc)) from exc

"""The last line of defence of every page: an exception becomes a message, never a traceback.

`run_page(page)` (app.py) runs the page; an exception that escapes it is logged on the server
with a short reference id, its type and where it happened (file, line, function) but not its
message or local values, which may hold cell contents; the user sees a message in their
language with the same reference id. Streamlit's own control flow (st.stop, st.rerun,
st.switch_page) passes through untouched: it is not an `Exception`.
"""
from __future__ import annotations

import logging
import secrets
import traceback
from typing import Any

import streamlit as st

from ui.text import tr

_LOG = logging.getLogger("karte.errors")


def where(exc: BaseException) -> str:
    """The frames of `exc`'s traceback as "file:line in function", without any message."""
    frames = traceback.extract_tb(exc.__traceback__)
    return " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}"
                       for f in reversed(frames[-12:]))


def report(exc: BaseException) -> str:
    """Log `exc` without its message; the reference id the user is shown."""
    ref = secrets.token_hex(4)
    chain, cause = [type(exc).__name__], exc.__cause__ or exc.__context__
    while cause is not None and len(chain) < 5:
        chain.append(type(cause).__name__)
        cause = cause.__cause__ or cause.__context__
    _LOG.error("unexpected error ref=%s type=%s at %s", ref, " <- ".join(chain), where(exc))
    return ref


def run_page(page: Any) -> None:
    """`page.run()` with every unexpected exception turned into a message with a reference."""
    try:
        page.run()
    except Exception as exc:  # noqa: BLE001 - the point of this wrapper
        ref = report(exc)
        st.error(tr("ui.errors.unexpected", ref=ref), icon=":material/error:")

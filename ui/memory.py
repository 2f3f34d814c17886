"""Memory given back when sessions end: Python frees a closed session's tables, but glibc keeps
the freed pages in its arenas, so the server's resident memory stayed at its peak for minutes.
A daemon thread calls `malloc_trim(0)` once a minute, handing free pages back to the system.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading

import streamlit as st

TRIM_EVERY_S = 60


def _trim_forever(libc, stop: threading.Event) -> None:
    while not stop.wait(TRIM_EVERY_S):
        libc.malloc_trim(0)


@st.cache_resource(show_spinner=False)
def start_trimmer() -> threading.Event | None:
    """Start the trimming thread once per server process (None where there is no glibc)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        libc.malloc_trim  # noqa: B018 - glibc only
    except (OSError, AttributeError):
        return None
    stop = threading.Event()
    threading.Thread(target=_trim_forever, args=(libc, stop), name="karte-malloc-trim",
                     daemon=True).start()
    return stop

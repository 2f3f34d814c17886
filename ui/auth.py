"""The session side of who may see what (the pure parts are in `engine/auth.py`).

Three modes, decided per run from the configuration and the server's bind address:
* "consultant": a passphrase is configured; the list of all diagnoses, comparisons, deletion
  and the live mode need it, entered once per browser session (`require_consultant`).
* "single": no passphrase and the server listens on 127.0.0.1 only: one user on this
  computer, everything open as before, and the sidebar says so.
* "locked": no passphrase but the server is reachable from other computers: the consultant's
  features stay closed until a passphrase is set.
A prospect reaches a saved diagnosis by its access code (`remember_save`, `my_saves`).
"""
from __future__ import annotations

import logging

import streamlit as st

from engine import auth
from ui.text import tr

_LOG = logging.getLogger("karte.auth")
SESSION_FLAG = "_consultant"
MY_SAVES = "my_saves"


@st.cache_resource(show_spinner=False)
def _limiter() -> auth.RateLimiter:
    return auth.RateLimiter()  # one per server: new sessions do not buy new guesses


def passphrase_hash() -> str | None:
    """The configured hash; None when unset. A broken setting locks (never opens) the app."""
    try:
        return auth.configured_hash()
    except (auth.ConfigError, OSError, ValueError) as exc:
        _LOG.error("consultant passphrase setting unreadable: %s", type(exc).__name__)
        return "invalid"


def mode() -> str:
    """"consultant", "single" or "locked" (see the module docstring)."""
    if passphrase_hash() is not None:
        return "consultant"
    return "single" if auth.is_local(st.get_option("server.address")) else "locked"


def is_consultant() -> bool:
    """Whether this session may see every diagnosis, compare, delete and use the live mode."""
    current = mode()
    return current == "single" or (current == "consultant"
                                   and st.session_state.get(SESSION_FLAG) is True)


def _client_key() -> str:
    try:
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 - not every runtime knows the peer
        ip = None
    return f"ip:{ip}" if isinstance(ip, str) and ip else "session"


def _check(passphrase: str) -> None:
    limiter, key = _limiter(), _client_key()
    if not limiter.allowed(key):
        st.session_state._login_message = ("error", tr("ui.auth.wait", s=limiter.wait_s(key)))
        return
    stored = passphrase_hash()
    ok = stored not in (None, "invalid") and auth.verify(passphrase, stored)
    if ok:
        limiter.succeeded(key)
        st.session_state[SESSION_FLAG] = True
        st.session_state._login_message = ("success", tr("ui.auth.welcome"))
    else:
        limiter.failed(key)
        _LOG.warning("consultant login failed (%s)", key.split(":")[0])
        st.session_state._login_message = ("error", tr("ui.auth.wrong"))


def login_form() -> None:
    """The passphrase field (in a form: nothing is checked while typing)."""
    if mode() == "locked":
        st.warning(tr("ui.auth.locked"), icon=":material/lock:")
        return
    with st.form("consultant_login", border=True):
        phrase = st.text_input(tr("ui.auth.passphrase"), type="password", key="login_phrase")
        if st.form_submit_button(tr("ui.auth.login"), icon=":material/key:"):
            _check(phrase)
            st.session_state.pop("login_phrase", None)
            st.rerun()
    kind, text = st.session_state.pop("_login_message", (None, None))
    if kind == "error":
        st.error(text)


def require_consultant() -> None:
    """Stop the page with the login form unless this session is the consultant's."""
    if is_consultant():
        return
    st.info(tr("ui.auth.needed"), icon=":material/lock:")
    login_form()
    st.stop()


def logout() -> None:
    st.session_state.pop(SESSION_FLAG, None)


def sidebar_notice() -> None:
    """What mode the app runs in, in the sidebar (and the logout button of the consultant)."""
    current = mode()
    if current == "single":
        st.sidebar.caption(tr("ui.auth.single_user"))
    elif current == "locked":
        st.sidebar.caption(tr("ui.auth.locked"))
    elif st.session_state.get(SESSION_FLAG):
        st.sidebar.caption(tr("ui.auth.signed_in"))
        st.sidebar.button(tr("ui.auth.logout"), on_click=logout, key="consultant_logout",
                          icon=":material/logout:")


def my_saves() -> dict[int, str]:
    """The diagnoses this browser session saved or opened by code: id -> access code."""
    return st.session_state.setdefault(MY_SAVES, {})


def remember_save(diagnosis_id: int, code: str) -> None:
    my_saves()[int(diagnosis_id)] = code


def may_open(diagnosis_id: int) -> bool:
    return is_consultant() or int(diagnosis_id) in my_saves()

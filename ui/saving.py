"""Taking the diagnosis home: the report downloads, saving with consent, the call to action.

Panels a page calls (the result page, the history page):
* `report_panel()`: the HTML report and the Excel workbook in the user's language, with the
  customer analysis of the session's order data when one is loaded;
* `save_panel()`: client name, consent box, save to the store;
* `cta_box()`: the consultant's call to action from engine/data/cta.toml (nothing when empty).

The report and the saved record come from `engine.report.builder` reading the session's one
analysis, answers and edited plan assumptions: the same input `python -m engine report` builds.
Files are built only when a download button is clicked (`st.download_button(data=callable)`),
so a page with the panel stays fast.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, Mapping

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from engine.auth import new_access_code
from engine.config import load, localized
from engine.errors import KarteError
from engine.figures import labelled as figure_labels
from engine.i18n import t
from engine.report.builder import report_input, save_record
from engine.report.content import safe_url
from engine.report.from_orders import LIST_CHOICES
from engine.store import CLIENT_MAX
from ui import analysis as cached
from ui import data
from ui.format import today
from ui.state import answers, lang, restore_widget
from ui.store import store
from ui.text import error_text, tr, tr_md

HTML_MIME = "text/html"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# --------------------------------------------------------------------------------------------
# Call to action
# --------------------------------------------------------------------------------------------

def cta(language: str | None = None) -> dict[str, str]:
    """The configured call to action {"text", "url"} in `language`; {} when none is set."""
    cfg = load("cta")
    text = localized(cfg, "text", language or lang()).strip()
    url = safe_url(cfg.get("url"))
    return {"text": text, "url": url} if text or url else {}


def cta_box() -> None:
    """The call to action on screen (only when configured)."""
    action = cta()
    if not action:
        return
    with st.container(border=True, key="cta_box"):
        if action["text"]:
            st.markdown(action["text"])
        if action["url"]:
            st.link_button(tr("ui.report.cta_link"), action["url"], type="primary",
                           icon=":material/event_available:")


# --------------------------------------------------------------------------------------------
# The report of the session (engine.report.builder: the same input as the command line)
# --------------------------------------------------------------------------------------------

def _digest(answers: Mapping[str, Any]) -> str:
    text = json.dumps(dict(answers), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def session_report(language: str, lists: str = "none", client: str = "",
                   action: Mapping[str, str] | None = None) -> Callable[[], dict[str, Any]]:
    """A callable building the report input of the session's analysis, answers and edited plan
    assumptions. Everything it needs is captured now: it runs on a download click, outside the
    script run, where session state cannot be read."""
    analysis = cached.current()
    kept = dict(answers())
    assumptions = cached.plan_assumptions(kept) if analysis is not None else None

    def build() -> dict[str, Any]:
        return report_input(analysis, kept, language, assumptions=assumptions, lists=lists,
                            client=client, cta=action)
    return build


def labelled(figures: Mapping[str, Any] | None, language: str) -> dict[str, Any] | None:
    """Saved figures {key: number} as the report shows them (engine.figures)."""
    plain = {key: (value.get("value") if isinstance(value, Mapping) else value)
             for key, value in (figures or {}).items()}
    return figure_labels(plain, language) or None


def html_bytes(report: Callable[[], Mapping[str, Any]], language: str) -> bytes:
    from engine.report.html import render

    return render(report(), language).encode("utf-8")


def xlsx_file(report: Callable[[], Mapping[str, Any]], language: str) -> bytes:
    from engine.report.xlsx import render

    return render(report(), language)


def download_buttons(report: Callable[[], Mapping[str, Any]], language: str, stem: str,
                     key: str) -> None:
    """HTML and Excel buttons; `report` (the input) is only called when one is clicked."""
    left, right = st.columns(2)
    left.download_button(t("report.download_html", language), lambda: html_bytes(report, language),
                         file_name=f"{stem}.html", mime=HTML_MIME, icon=":material/download:",
                         key=f"{key}_html", on_click="ignore", width="stretch")
    right.download_button(t("report.download_xlsx", language),
                          lambda: xlsx_file(report, language), file_name=f"{stem}.xlsx",
                          mime=XLSX_MIME, icon=":material/table_view:", key=f"{key}_xlsx",
                          on_click="ignore", width="stretch")


# --------------------------------------------------------------------------------------------
# Panels
# --------------------------------------------------------------------------------------------

def report_panel() -> None:
    """Download buttons for the report of the current diagnosis (and data, when loaded)."""
    language = lang()
    st.subheader(tr("ui.report.title"))
    st.caption(tr("ui.report.intro"))
    src = data.source()
    lists = "none"
    if cached.current() is not None:
        st.caption(tr_md("ui.report.with_data", name=src.name))
        lists = st.radio(tr("ui.report.lists"), LIST_CHOICES, key="report_lists", horizontal=True,
                         format_func=lambda c, lg=language: t(f"ui.report.lists_{c}", lg),
                         help=tr("ui.report.lists_help"))
    else:
        st.caption(tr("ui.report.answers_only"))
    # The name typed in the save panel below (this run's value, before that panel draws).
    client = str(st.session_state.get("save_client", st.session_state.get("client_name", "")))
    build = session_report(language, lists, client, cta(language))
    download_buttons(build, language, f"karte_{today():%Y%m%d}", "report")


def save_panel() -> int | None:
    """Client name, consent box and save button; the new id when saved in this run.

    A diagnosis is never saved without the consent box ticked: the button stays disabled.
    What is saved is the report's own input (engine.report.builder.save_record).
    """
    st.subheader(tr("ui.history.save_title"))
    st.caption(tr("ui.history.save_intro"))
    restore_widget("save_client", st.session_state.get("client_name", ""))
    client = st.text_input(tr("history.client"), key="save_client", max_chars=CLIENT_MAX,
                           placeholder=tr("ui.history.client_placeholder"))
    st.session_state.client_name = client
    consent = st.checkbox(tr("history.consent"), key="save_consent")
    if not consent:
        st.caption(tr("ui.history.consent_needed"))
    digest = _digest({"answers": dict(answers()), "client": client})
    new_id = None
    if st.button(tr("history.save"), key="save_button", type="primary", disabled=not consent,
                 icon=":material/save:"):
        try:
            if not client.strip():
                raise KarteError("history.error.no_client")
            report = session_report(lang(), client=client)()
            code = new_access_code()  # the prospect's only way back to this diagnosis
            new_id = store().save(save_record(report, answers()), access_code=code)
        except KarteError as exc:
            st.error(error_text(exc))
        except SQLAlchemyError as exc:
            st.error(tr("ui.history.db_error", detail=type(exc).__name__))
        else:
            from ui.auth import remember_save

            remember_save(new_id, code)
            st.session_state.saved = {"id": new_id, "digest": digest, "code": code}
    saved = st.session_state.get("saved")
    if saved and saved["digest"] == digest:  # not after the answers or the name changed
        from ui.history_views import show_code

        st.success(tr("history.saved", id=saved["id"]), icon=":material/check_circle:")
        show_code(saved["code"])
        try:
            st.page_link("pages/history.py", label=tr("ui.history.go_history"),
                         icon=":material/history:")
        except st.errors.StreamlitAPIException:
            pass  # the history page is not in the navigation (yet)
    return new_id

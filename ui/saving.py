"""Taking the diagnosis home: the report downloads, saving with consent, the call to action.

Panels a page calls (the result page, the history page):
* `report_panel(diagnosis_json, answers)`: the HTML report and the Excel workbook in the user's
  language, with the customer analysis of the session's order data when one is loaded;
* `save_panel(diagnosis_json, answers)`: client name, consent box, save to the store;
* `cta_box()`: the consultant's call to action from engine/data/cta.toml (nothing when empty).

Files are built only when a download button is clicked (`st.download_button(data=callable)`):
a page with the panel stays fast. The analysis of the order data behind a report is cached per
book, language and list choice. `report_input` and `save_record` are plain functions (tested
without a browser).
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, Mapping

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from engine.auth import new_access_code
from engine.config import load, localized
from engine.datacheck import DATA_KPI_FORMATS
from engine.errors import KarteError
from engine.i18n import t
from engine.kpis import format_value
from engine.orderbook import OrderBook
from engine.report.content import safe_url
from engine.report.from_orders import LIST_CHOICES, plan_section
from engine.store import CLIENT_MAX
from ui import data
from ui.format import today
from ui.state import lang, restore_widget
from ui.store import store
from ui.text import error_text, md, tr, tr_md

HTML_MIME = "text/html"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Columns of a segment table that are aggregates (what may be saved): counts and money only.
SEGMENT_COLUMNS = ("segment", "customers", "revenue", "revenue_share")
# How the report's summary figures of the order data are written (`from_orders.sections`).
SUMMARY_FORMATS = {"customers": "count", "orders": "count", "revenue": "yen",
                   "repeat_rate": "percent_fraction", "active_customers": "count"}
# Assumptions of the plan shown in the report, in this order (labels: plan.assumption.*).
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
# What the order data adds (cached per book)
# --------------------------------------------------------------------------------------------

def current_book() -> OrderBook | None:
    """The session's OrderBook when one is loaded and usable, else None."""
    try:
        return data.book()
    except KarteError:
        return None  # the data page shows why; the report is then the diagnosis alone


@st.cache_data(max_entries=8, show_spinner=False)
def _sections(key: tuple, language: str, lists: str, _book: OrderBook) -> dict[str, Any]:
    from engine.report.from_orders import sections

    try:
        return sections(_book, language, lists)
    except KarteError:
        return {}  # no buyer column (Amazon All Orders): nothing about customers to add


def _digest(answers: Mapping[str, Any]) -> str:
    text = json.dumps(dict(answers), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


@st.cache_data(max_entries=8, show_spinner=False)
def _plan(key: tuple, answers_digest: str, language: str, _book: OrderBook,
          _answers: Mapping[str, Any]) -> tuple[list[dict], dict[str, Any]]:
    return plan_section(_book, _answers, language)


def book_parts(answers: Mapping[str, Any], language: str, lists: str = "none",
               book: OrderBook | None = None, key: tuple | None = None) -> dict[str, Any]:
    """The report-input keys the order data gives (cached); {} without data.

    `book` and `key` default to the session's; pass them when calling outside the script run
    (a download callable), where session state cannot be read.
    """
    if book is None:
        book, key = current_book(), data.book_key()
    if book is None:
        return {}
    parts = dict(_sections(key, language, lists, book))
    if parts:
        plan, assumptions = _plan(key, _digest(answers), language, book, dict(answers))
        if plan:
            parts.update(plan=plan, assumptions=assumptions)
    return parts


# --------------------------------------------------------------------------------------------
# Report and record (plain functions)
# --------------------------------------------------------------------------------------------

def data_figures(diagnosis_json: Mapping[str, Any], parts: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of the order data as plain numbers: the report's summary figures,
    overridden by the diagnosis's own (`engine.datacheck`: the figures the scoring used)."""
    merged = {key: (value.get("value") if isinstance(value, Mapping) else value)
              for key, value in (parts.get("data_kpis") or {}).items()}
    scoring = diagnosis_json.get("data_kpis") or {}
    merged.update({key: scoring[key] for key in DATA_KPI_FORMATS if scoring.get(key) is not None})
    return merged


def figure_format(key: str) -> tuple[str, str] | None:
    """(catalogue key of the label, engine.kpis format) of a figure of the order data."""
    if key in DATA_KPI_FORMATS:
        return f"plan.data_kpi.{key}.label", DATA_KPI_FORMATS[key]
    if key in SUMMARY_FORMATS:
        return f"report.kpi.{key}", SUMMARY_FORMATS[key]
    return None


def labelled(figures: Mapping[str, Any] | None, language: str) -> dict[str, Any] | None:
    """Figures {key: number} as the report shows them: {"value", "label", "display"}."""
    out = {}
    for key, value in (figures or {}).items():
        found = figure_format(key)
        if isinstance(value, Mapping):
            value = value.get("value")
        if found is None or value is None or isinstance(value, bool):
            continue  # not a figure of the report (a day count, a flag, a date)
        label_key, fmt = found
        out[key] = {"value": value, "label": t(label_key, language),
                    "display": format_value(value, fmt, language)}
    return out or None


def report_input(diagnosis_json: Mapping[str, Any], parts: Mapping[str, Any], language: str, *,
                 client: str = "", action: Mapping[str, str] | None = None,
                 created_at: Any = None) -> dict[str, Any]:
    """The `engine.report` input: the diagnosis, what the data adds, the call to action."""
    out: dict[str, Any] = {"client": client, "created_at": created_at,
                           "diagnosis": dict(diagnosis_json), "cta": dict(action or {})}
    out.update({k: v for k, v in parts.items() if k != "notes"})
    out["data_kpis"] = labelled(data_figures(diagnosis_json, parts), language)
    return out


def _aggregate(table: Any) -> Any:
    if isinstance(table, pd.DataFrame):
        return table[[c for c in SEGMENT_COLUMNS if c in table.columns]]
    return table


def save_record(client: str, diagnosis_json: Mapping[str, Any], answers: Mapping[str, Any],
                parts: Mapping[str, Any], language: str) -> dict[str, Any]:
    """What `Store.save` gets: answers, scores, KPIs, aggregated segment figures, the plan.

    Customer lists are never part of it (the store's `scrub` would drop them anyway).
    """
    record: dict[str, Any] = {"client": client.strip(), "lang": language,
                              "answers": dict(answers), "diagnosis": dict(diagnosis_json)}
    if parts.get("segments"):
        record["segments"] = {name: _aggregate(table)
                              for name, table in parts["segments"].items()}
    for key in ("ranks", "dormant", "plan", "assumptions"):
        if parts.get(key) is not None:
            record[key] = parts[key]
    # Plain numbers: a {"value", "display"} table under a key like "customers" would read as
    # personal data to the store's scrub and be dropped.
    record["data_kpis"] = data_figures(diagnosis_json, parts) or None
    return record


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

def report_panel(diagnosis_json: Mapping[str, Any], answers: Mapping[str, Any]) -> None:
    """Download buttons for the report of the current diagnosis (and data, when loaded)."""
    language = lang()
    st.subheader(tr("ui.report.title"))
    st.caption(tr("ui.report.intro"))
    src, book = data.source(), current_book()
    key = data.book_key()
    lists = "none"
    if book is not None:
        st.caption(tr_md("ui.report.with_data", name=src.name))
        lists = st.radio(tr("ui.report.lists"), LIST_CHOICES, key="report_lists", horizontal=True,
                         format_func=lambda c, lg=language: t(f"ui.report.lists_{c}", lg),
                         help=tr("ui.report.lists_help"))
    else:
        st.caption(tr("ui.report.answers_only"))
    diagnosis, kept = dict(diagnosis_json), dict(answers)
    # The name typed in the save panel below (this run's value, before that panel draws).
    client = str(st.session_state.get("save_client", st.session_state.get("client_name", "")))
    action = cta(language)

    def build() -> dict[str, Any]:
        # Runs on click, outside the script run: everything it needs is captured here.
        parts = book_parts(kept, language, lists, book, key) if book is not None else {}
        return report_input(diagnosis, parts, language, client=client, action=action)

    download_buttons(build, language, f"karte_{today():%Y%m%d}", "report")


def save_panel(diagnosis_json: Mapping[str, Any], answers: Mapping[str, Any]) -> int | None:
    """Client name, consent box and save button; the new id when saved in this run.

    A diagnosis is never saved without the consent box ticked: the button stays disabled.
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
    digest = _digest({"answers": dict(answers), "client": client})
    new_id = None
    if st.button(tr("history.save"), key="save_button", type="primary", disabled=not consent,
                 icon=":material/save:"):
        try:
            if not client.strip():
                raise KarteError("history.error.no_client")
            parts = book_parts(answers, lang())
            record = save_record(client, diagnosis_json, answers, parts, lang())
            code = new_access_code()  # the prospect's only way back to this diagnosis
            new_id = store().save(record, access_code=code)
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

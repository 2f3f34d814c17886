"""One form field per question type, remembering what was typed across pages and languages.

Numeric questions are text fields (so 「1,200万」 or full-width digits work) with a
「わからない」 box beside them; the engine parses and validates, and its message is shown inline.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from engine.errors import AnswerError
from engine.i18n import catalogue
from engine.questions import Question, format_answer, parse_answer
from ui.state import answers, lang, raw_inputs, restore_widget, unknowns
from ui.text import error_text, tr, tr_md

NUMERIC = ("yen", "percent", "count")


def _label(q: Question) -> str:
    label = q.label(lang(), answers())
    unit = q.unit_label(lang()) if q.type in NUMERIC else ""
    if not unit or unit in label:  # 「何%ですか?」 already says its unit
        return label
    return f"{label}({unit})" if lang() == "ja" else f"{label} ({unit})"


def _inline_message(exc: AnswerError) -> str:
    """The short form for a message shown under its own field (the field names the question)."""
    key = "ui.inline_error." + exc.key.rsplit(".", 1)[-1]
    # The params may hold what the user typed: escaped, so it shows as typed.
    return tr_md(key, **exc.params) if key in catalogue(lang()) else error_text(exc)


def question_field(q: Question) -> str | None:
    """Draw the field of question `q`; store its answer; return an error message or None."""
    if q.type in NUMERIC:
        return _numeric(q)
    if q.type == "choice":
        return _choice(q)
    if q.type == "multi_choice":
        return _multi(q)
    if q.type == "bool":
        return _bool(q)
    return _text(q)


def _numeric(q: Question) -> str | None:
    key, unknown_key = f"w_{q.id}", f"u_{q.id}"
    restore_widget(key, raw_inputs().get(q.id, ""))
    restore_widget(unknown_key, unknowns().get(q.id, False))
    field_col, unknown_col = st.columns([4, 1], vertical_alignment="bottom")
    is_unknown = unknown_col.checkbox(tr("ui.wizard.unknown"), key=unknown_key)
    text = field_col.text_input(_label(q), key=key, help=q.help(lang(), answers()), disabled=is_unknown,
                                placeholder=tr(f"ui.wizard.placeholder_{q.type}"))
    raw_inputs()[q.id] = text
    unknowns()[q.id] = is_unknown
    if is_unknown:
        answers()[q.id] = None
        return None
    if not text.strip():
        answers().pop(q.id, None)
        return None
    try:
        value = parse_answer(q, text)
    except AnswerError as exc:
        answers().pop(q.id, None)
        message = _inline_message(exc)
        field_col.markdown(f":red[{message}]")
        return message
    answers()[q.id] = value
    if value is not None and format_answer(q, value, lang()) != text.strip():
        field_col.caption(f"→ {format_answer(q, value, lang())}")  # how 「1,200万」 was read
    return None


def _choice(q: Question) -> str | None:
    key = f"w_{q.id}"
    ids = [c.id for c in q.choices]
    restore_widget(key, answers().get(q.id))
    value = st.radio(_label(q), ids, key=key, index=None, help=q.help(lang(), answers()),
                     format_func=lambda cid, lg=lang(): q.choice_label(cid, lg))
    _store(q.id, value)
    return None


def _multi(q: Question) -> str | None:
    key = f"w_{q.id}"
    restore_widget(key, list(answers().get(q.id) or []))
    value = st.pills(_label(q), [c.id for c in q.choices], key=key, selection_mode="multi",
                     help=q.help(lang(), answers()), format_func=lambda cid, lg=lang(): q.choice_label(cid, lg))
    answers()[q.id] = list(value or [])
    return None


def _bool(q: Question) -> str | None:
    key = f"w_{q.id}"
    restore_widget(key, answers().get(q.id))
    labels = {True: tr("ui.wizard.yes"), False: tr("ui.wizard.no")}
    value = st.radio(_label(q), [True, False], key=key, index=None, horizontal=True,
                     help=q.help(lang(), answers()), format_func=labels.get)
    _store(q.id, value)
    return None


def _text(q: Question) -> str | None:
    key = f"w_{q.id}"
    restore_widget(key, answers().get(q.id) or "")
    value = st.text_input(_label(q), key=key, help=q.help(lang(), answers()),
                          placeholder=tr("ui.wizard.placeholder_text"))
    _store(q.id, value.strip() or None)
    return None


def _store(qid: str, value: Any) -> None:
    if value is None:
        answers().pop(qid, None)
    else:
        answers()[qid] = value

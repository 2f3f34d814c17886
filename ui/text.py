"""Translated UI text for the current session's language, and text that stays text.

Streamlit renders Markdown (links, images, colour directives, raw HTML as text) in messages,
captions, toasts, widget labels and metric labels. Any string from a file, a user or the
database goes through `md` (or `tr_md`, `error_text`) before it reaches one of those, so it
shows as typed and never becomes a link, an image or an element.
"""
from __future__ import annotations

import re
from typing import Any

from engine.i18n import t
from ui.state import lang

# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the ones
# that start or close Markdown, HTML, Streamlit directives (:red[..], :material/..:) or LaTeX.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=\"'^%@/])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
# GFM turns bare addresses into links after escapes are resolved (http://…, www.…, a@b.c):
# a zero-width space inside each pattern keeps the text looking the same but not a link.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z]):(?=//)|(?<=\bwww)(?=\.)|(?<=@)")
ZWSP = "\u200b"


def md(value: Any) -> str:
    """`value` as literal text inside Markdown: one line, every special character escaped,
    no bare address that would become a link."""
    text = _AUTOLINK.sub(lambda m: m.group(0) + ZWSP, _LINE_BREAKS.sub(" ", str(value)))
    return _SPECIAL.sub(r"\\\1", text)


def tr(key: str, **params: Any) -> str:
    """The message `key` from the catalogue in the user's language."""
    return t(key, lang(), **params)


def tr_md(key: str, **params: Any) -> str:
    """`tr` with every text parameter escaped (numbers are ours and stay as they are)."""
    return tr(key, **{k: md(v) if isinstance(v, str) else v for k, v in params.items()})


def error_text(exc: Any) -> str:
    """A KarteError's message with its parameters (file names, columns, values) escaped."""
    params = {k: md(v) if isinstance(v, str) else md(", ".join(map(str, v)))
              if isinstance(v, (list, tuple)) else v for k, v in exc.params.items()}
    return t(exc.key, lang(), **params)

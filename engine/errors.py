"""The project's own error type: every failure a user can cause carries a message key.

The key is looked up in the message catalogue (`engine/locales/*.toml`) so that the UI and the
command line can say what went wrong in the user's language, never with a traceback.
"""
from __future__ import annotations

from typing import Any


class KarteError(Exception):
    """A problem with the user's input that we can explain.

    `key` is a dotted message-catalogue key (e.g. "ingest.error.empty_file"); `params` fill the
    placeholders of that message.
    """

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str = "ja") -> str:
        from engine.i18n import t

        return t(self.key, lang, **self.params)

    def __str__(self) -> str:  # English in logs and on stderr by default
        return self.message("en")


class IngestError(KarteError):
    """An order file that cannot be analysed (empty, unreadable, no dates, ...)."""


class AnswerError(KarteError):
    """An answer that is not valid for its question (negative yen, percent over 100, ...)."""

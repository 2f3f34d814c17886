"""The diagnosis questions: definitions (from `engine/data/questions.toml`) and answer parsing.

This module owns what a valid answer is. `parse_answer` turns what a form or a JSON file gives
(text typed by a person, with full-width digits, commas, ¥/円/%/人, 万/億 multipliers; or a plain
number, bool or list) into the canonical value; `validate_answers` does it for a whole answer
dict, reporting every invalid answer at once. `None` always means 「わからない」 (unknown),
never zero. The definitions come from `Settings.questions` (keyword `settings`, default the
shipped questions.toml).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from engine.config import localized
from engine.errors import AnswerError
from engine.settings import Settings, resolve
from engine.i18n import t
from engine.kpis import format_value

NUMERIC_TYPES: tuple[str, ...] = ("yen", "percent", "count")
TYPES: tuple[str, ...] = NUMERIC_TYPES + ("choice", "multi_choice", "text", "bool")

# Words a person may type for 「わからない」; compared after NFKC + lower-case.
_UNKNOWN_WORDS = frozenset({"わからない", "分からない", "不明", "unknown", "n/a", "na", "?", "-", "—"})
_TRUE_WORDS = frozenset({"true", "yes", "y", "1", "はい", "あり", "有", "有り", "ある"})
_FALSE_WORDS = frozenset({"false", "no", "n", "0", "いいえ", "なし", "無", "無し", "ない"})
# Signs of a negative number in Japanese business writing (▲/△ are accounting minus signs).
_MINUS_SIGNS = ("-", "−", "‐", "ー", "▲", "△")
# Decoration around a number that carries no value: currency, units, separators.
_DECORATION = re.compile(r"[,\s¥\\$円%人名件]|yen|jpy", re.IGNORECASE)
_NUMBER = re.compile(
    r"^(?:(?P<oku>\d+(?:\.\d+)?)億)?(?:(?P<man>\d+(?:\.\d+)?)万)?(?:(?P<sen>\d+(?:\.\d+)?)千)?"
    r"(?P<rest>\d+(?:\.\d+)?)?$"
)
_LIST_SEPARATORS = re.compile(r"[,、;/]")


@dataclass(frozen=True)
class Choice:
    """One option of a choice / multi_choice question."""

    id: str
    label_ja: str
    label_en: str

    def label(self, lang: str) -> str:
        return localized({"label_ja": self.label_ja, "label_en": self.label_en}, "label", lang)


@dataclass(frozen=True)
class Question:
    """One question of the wizard, as defined in questions.toml."""

    id: str
    type: str
    unit: str | None
    min: float | None
    max: float | None
    choices: tuple[Choice, ...]
    areas: tuple[str, ...]
    step: str
    texts: tuple[tuple[str, str], ...] = ()  # (field_lang, text) pairs: label_ja, help_en, ...
    variant_by: str | None = None   # the question whose answer picks label_<choice>_ja … texts

    def _text(self, field: str, lang: str, answers: Mapping[str, Any] | None = None) -> str:
        """The text of `field`; its variant for the answer of `variant_by` when it has one
        (e.g. label_mall_only_ja for a mall-only shop, questions.toml)."""
        texts = dict(self.texts)
        choice = (answers or {}).get(self.variant_by) if self.variant_by else None
        if choice:
            variant = localized(texts, f"{field}_{choice}", lang)
            if variant:
                return variant
        return localized(texts, field, lang)

    def label(self, lang: str = "ja", answers: Mapping[str, Any] | None = None) -> str:
        return self._text("label", lang, answers)

    def help(self, lang: str = "ja", answers: Mapping[str, Any] | None = None) -> str:
        return self._text("help", lang, answers)

    def short(self, lang: str = "ja", answers: Mapping[str, Any] | None = None) -> str:
        """A short name for reasons and plan lines (falls back to the label)."""
        return self._text("short", lang, answers) or self.label(lang, answers)

    def choice_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.choices)

    def choice_label(self, choice_id: str, lang: str = "ja") -> str:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice.label(lang)
        return choice_id

    def unit_label(self, lang: str = "ja") -> str:
        return t(f"diagnosis.unit.{self.unit}", lang) if self.unit else ""


@dataclass(frozen=True)
class Step:
    """A wizard step: a short group of questions shown together."""

    id: str
    question_ids: tuple[str, ...]
    title_ja: str
    title_en: str

    def title(self, lang: str = "ja") -> str:
        return localized({"title_ja": self.title_ja, "title_en": self.title_en}, "title", lang)


def _question(row: dict[str, Any], variant_by: str | None = None) -> Question:
    prefixes = ("label_", "help_", "short_")
    texts = tuple(sorted((k, v) for k, v in row.items() if k.startswith(prefixes)))
    choices = tuple(Choice(c["id"], c["label_ja"], c["label_en"]) for c in row.get("choices", []))
    return Question(
        id=row["id"], type=row["type"], unit=row.get("unit"), min=row.get("min"),
        max=row.get("max"), choices=choices, areas=tuple(row.get("areas", [])),
        step=row["step"], texts=texts, variant_by=variant_by,
    )


@lru_cache(maxsize=8)
def _questions_of(settings: Settings) -> tuple[Question, ...]:
    variant_by = settings.questions.get("variant_by")
    return tuple(_question(row, variant_by) for row in settings.questions["questions"])


def _questions(settings: Settings | None = None) -> tuple[Question, ...]:
    return _questions_of(resolve(settings))


def load_questions(*, settings: Settings | None = None) -> list[Question]:
    """All questions in wizard order."""
    return list(_questions(settings))


def question_map(*, settings: Settings | None = None) -> dict[str, Question]:
    """Questions keyed by id."""
    return {q.id: q for q in _questions(settings)}


def get_question(question_id: str, *, settings: Settings | None = None) -> Question:
    """The question `question_id`; AnswerError when there is no such question."""
    try:
        return question_map(settings=settings)[question_id]
    except KeyError:
        raise AnswerError("diagnosis.error.unknown_question", id=question_id) from None


def steps(*, settings: Settings | None = None) -> list[Step]:
    """Wizard steps in order, each with its question ids (in question order)."""
    qs = _questions(settings)
    return [
        Step(s["id"], tuple(q.id for q in qs if q.step == s["id"]), s["title_ja"], s["title_en"])
        for s in resolve(settings).questions["steps"]
    ]


def format_answer(question: Question, value: Any, lang: str = "ja") -> str:
    """A canonical answer written for people: ¥1,200,000 / 18% / 1,234人 / choice labels."""
    if value is None:
        return t("diagnosis.unknown_value", lang)
    if question.type == "bool":
        return t(f"diagnosis.bool.{str(bool(value)).lower()}", lang)
    if question.type == "choice":
        return question.choice_label(value, lang)
    if question.type == "multi_choice":
        return t("diagnosis.list_separator", lang).join(
            question.choice_label(c, lang) for c in value)
    if question.type in NUMERIC_TYPES:
        return format_value(value, question.type, lang)
    return str(value)


# --- parsing ---------------------------------------------------------------------------------

def _fail(question: Question, reason: str, raw: Any, **extra: Any) -> AnswerError:
    # label in both languages: the message is rendered later in the user's language
    return AnswerError(
        f"diagnosis.error.{reason}", id=question.id, label=question.short("ja"),
        label_en=question.short("en"), value=raw, **extra,
    )


def _is_unknown(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip().lower()
        return text == "" or text in _UNKNOWN_WORDS
    return False


def _number(question: Question, raw: Any) -> float:
    """A finite float from a number or from text a person typed; sign kept."""
    if isinstance(raw, bool):
        raise _fail(question, "not_a_number", raw)
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            raise _fail(question, "not_a_number", raw)
        return float(raw)
    if not isinstance(raw, str):
        raise _fail(question, "not_a_number", raw)
    text = unicodedata.normalize("NFKC", raw).strip()
    text = _DECORATION.sub("", text)
    negative = text.startswith(_MINUS_SIGNS)
    if negative:
        text = text[1:]
    match = _NUMBER.match(text)
    if not text or not match or not any(match.groupdict().values()):
        raise _fail(question, "not_a_number", raw)
    parts = match.groupdict()
    value = (float(parts["oku"] or 0) * 1e8 + float(parts["man"] or 0) * 1e4
             + float(parts["sen"] or 0) * 1e3 + float(parts["rest"] or 0))
    if not math.isfinite(value):  # hundreds of digits overflow to inf
        raise _fail(question, "not_a_number", raw)
    return -value if negative else value


def _parse_numeric(question: Question, raw: Any) -> int | float:
    value = _number(question, raw)
    if value < 0:
        raise _fail(question, "negative", raw)
    if question.type == "percent" and value > 100:
        raise _fail(question, "percent_over_100", raw)
    if question.type == "percent" and 0 < value < 1 and not _says_percent(raw):
        # 粗利率 0.65 is almost always 65 % written as a fraction: ask instead of reading 0.65 %.
        # Typed with its unit (「0.65%」) it is taken as written.
        raise _fail(question, "percent_fraction", raw, percent=_plain(round(value * 100, 4)))
    if question.type == "count" and value != int(value):
        raise _fail(question, "not_integer", raw)
    low = question.min if question.min is not None else -math.inf
    high = question.max if question.max is not None else math.inf
    if not low <= value <= high:
        raise _fail(question, "out_of_range", raw, min=_plain(low), max=_plain(high))
    if question.type == "percent":
        return float(value)
    return int(round(value))  # yen and counts are whole numbers


def _says_percent(raw: Any) -> bool:
    """The answer was typed with a percent sign (「0.5%」, 「0.5％」): a fraction of a percent
    meant as such."""
    return isinstance(raw, str) and "%" in unicodedata.normalize("NFKC", raw)


def _plain(number: float) -> str:
    return f"{int(number):,}" if float(number).is_integer() else f"{number:,}"


def _parse_choice_id(question: Question, raw: Any) -> str:
    if not isinstance(raw, str):
        raise _fail(question, "unknown_choice", raw, choices=", ".join(question.choice_ids()))
    text = unicodedata.normalize("NFKC", raw).strip()
    for choice in question.choices:  # accept an id or a label in either language
        names = (choice.id, unicodedata.normalize("NFKC", choice.label_ja), choice.label_en)
        if text.lower() in (n.lower() for n in names):
            return choice.id
    raise _fail(question, "unknown_choice", raw, choices=", ".join(question.choice_ids()))


def _parse_multi(question: Question, raw: Any) -> list[str] | None:
    if isinstance(raw, str):
        items: list[Any] = [p for p in _LIST_SEPARATORS.split(raw) if p.strip()]
    elif isinstance(raw, (list, tuple, set, frozenset)):
        items = list(raw)
    else:
        raise _fail(question, "unknown_choice", raw, choices=", ".join(question.choice_ids()))
    if not items:
        return None  # an untouched multiselect says nothing: unknown, not "none"
    chosen = {_parse_choice_id(question, item) for item in items}
    if len(chosen) > 1:
        chosen.discard("none")  # "nothing" next to real items is a slip of the finger
    return [cid for cid in question.choice_ids() if cid in chosen]  # canonical order


def _parse_bool(question: Question, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip().lower()
        if text in _TRUE_WORDS:
            return True
        if text in _FALSE_WORDS:
            return False
    raise _fail(question, "not_bool", raw)


def _parse_text(question: Question, raw: Any) -> str | None:
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise _fail(question, "not_text", raw)
    text = str(raw).strip()
    limit = int(question.max) if question.max else None
    if limit is not None and len(text) > limit:
        raise _fail(question, "too_long", raw, max=limit)
    return text or None


def parse_answer(question: Question, raw: Any) -> Any:
    """The canonical value of one answer, or None for 「わからない」.

    yen -> int, percent -> float (0-100), count -> int, choice -> choice id, multi_choice ->
    list of choice ids in question order, bool -> bool, text -> str. Raises AnswerError with a
    catalogue key (diagnosis.error.*) for invalid input.
    """
    if question.type == "text":
        return None if raw is None else _parse_text(question, raw)
    if question.type == "multi_choice" and isinstance(raw, (list, tuple, set, frozenset)):
        return _parse_multi(question, raw)
    if _is_unknown(raw):
        return None
    if question.type in NUMERIC_TYPES:
        return _parse_numeric(question, raw)
    if question.type == "choice":
        return _parse_choice_id(question, raw)
    if question.type == "multi_choice":
        return _parse_multi(question, raw)
    if question.type == "bool":
        return _parse_bool(question, raw)
    raise ValueError(f"question {question.id}: unknown type {question.type!r} in questions.toml")


def validate_answers(answers: Any, *, settings: Settings | None = None) -> dict[str, Any]:
    """Every question id mapped to its canonical value (None when absent or unknown).

    Unknown ids and invalid values raise AnswerError: one problem raises that problem's own
    error (key naming the id); several raise `diagnosis.error.many` listing all of them, in
    question order, with the single errors in `params["errors"]`.
    """
    if not isinstance(answers, dict):
        raise AnswerError("diagnosis.error.not_a_mapping")
    known = question_map(settings=settings)
    errors = [AnswerError("diagnosis.error.unknown_question", id=key)
              for key in answers if key not in known]
    out: dict[str, Any] = {}
    for qid, q in known.items():
        try:
            out[qid] = parse_answer(q, answers.get(qid))
        except AnswerError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise AnswerErrors(errors)
    return out


class AnswerErrors(AnswerError):
    """Several invalid answers at once; `errors` holds each one's own AnswerError."""

    def __init__(self, errors: list[AnswerError]) -> None:
        super().__init__("diagnosis.error.many", count=len(errors), errors=errors)
        self.errors = errors

    def message(self, lang: str = "ja") -> str:
        lines = [t(self.key, lang, count=len(self.errors))]
        lines += [f"- {e.message(lang)}" for e in self.errors]
        return "\n".join(lines)

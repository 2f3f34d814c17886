"""Column roles: which header holds the order id, the date, the buyer, the amount … by its words.

A header is normalised (NFKC, case-folded, spaces removed) and split into its core and its
bracketed qualifiers: 「ご請求金額（税込）」 -> core 「ご請求金額」, qualifiers 「税込」;
「メールアドレス(請求先)」 -> 「メールアドレス」 + 「請求先」. Each role (engine/data/presets/generic.toml,
`[roles.*]`) lists words and excluded words; a header whose core equals a word scores highest,
one that ends with it (注文者メールアドレス) next, one that merely contains it lowest. Excluded
words (配送先, カナ, 送料 …) rule a header out whatever else it says, so the shipping address'
e-mail or a furigana column is never taken for the buyer. Each column gets at most one role.

Names split in two (姓 / 名, 氏 / 名, last / first) and phones split in three (電話番号1‥3) are
recognised as groups and joined by the builder.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from engine import config

_BRACKETS = re.compile(r"[(\[【「<]([^)\]】」>]*)[)\]】」>]")
# family-name word -> given-name word: 「お名前(姓)」/「お名前(名)」, 「氏(請求先)」/「名(請求先)」
_NAME_PAIRS = (("姓", "名"), ("氏", "名"), ("名字", "名前"), ("lastname", "firstname"),
               ("last_name", "first_name"), ("familyname", "givenname"))
_PHONE_PART = re.compile(r"^(.*?)[-_]?([123])$")


@dataclass(frozen=True)
class Header:
    """One column name taken apart for matching."""

    column: str
    text: str                 # normalised whole name (qualifiers included, brackets kept)
    core: str                 # without bracketed qualifiers
    qualifiers: tuple[str, ...]


def normalise(name: Any) -> str:
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    return re.sub(r"\s+", "", text)


def header(column: str) -> Header:
    text = normalise(column)
    quals = tuple(q for q in _BRACKETS.findall(text) if q)
    core = _BRACKETS.sub("", text) or text
    return Header(column=column, text=text, core=core, qualifiers=quals)


@dataclass(frozen=True)
class Role:
    field: str
    words: tuple[str, ...]
    exclude: tuple[str, ...]
    weak: bool = False        # a contains-match of this role is only a guess


@lru_cache(maxsize=1)
def roles() -> tuple[Role, ...]:
    """The role table of generic.toml, in assignment order."""
    raw = config.load("presets/generic").get("roles", {})
    return tuple(Role(field=name, words=tuple(normalise(w) for w in spec.get("words", [])),
                      exclude=tuple(normalise(w) for w in spec.get("exclude", [])))
                 for name, spec in raw.items())


def role_words() -> dict[str, tuple[str, ...]]:
    """field -> its words (used where a plain synonym list is enough, e.g. sheet scoring)."""
    return {r.field: r.words for r in roles()}


def _excluded(h: Header, role: Role) -> bool:
    return any(x and (x in h.core or any(x in q for q in h.qualifiers)) for x in role.exclude)


def score(h: Header, role: Role) -> float:
    """How well a header fits a role: 3 exact, 2 ends with a word, 1 contains it, 0 not at all.

    Among headers of equal rank the earlier word of the role wins (a small fraction), and a
    qualifier (ID) loses to (名称): EC-CUBE writes both 対応状況(ID) and 対応状況(名称).
    """
    if _excluded(h, role):
        return 0.0
    best = 0.0
    n = max(1, len(role.words))
    for i, word in enumerate(role.words):
        if not word:
            continue
        if h.core == word:
            s = 3.0
        elif h.core.endswith(word) and len(word) >= 2:
            s = 2.0
        elif len(word) >= 2 and word in h.core and (not word.isascii() or len(word) >= 4):
            s = 1.0
        else:
            continue
        # the more of the header the word covers, the better (ご請求金額: 請求金額 over 金額)
        best = max(best, s + 0.5 * len(word) / len(h.core) + 0.1 * (n - i) / n)
    if best:
        if any(q in ("id", "コード", "code") for q in h.qualifiers):
            best -= 0.3
        if any(q in ("名称", "name") for q in h.qualifiers):
            best += 0.2
    return best


@dataclass
class Recognised:
    """field -> columns (one, or the parts of a split name / phone), with the match strength."""

    columns: dict[str, tuple[str, ...]]
    strength: dict[str, float]

    def weak(self) -> list[str]:
        """Fields found only because a header contains a word (a guess worth confirming)."""
        return sorted(f for f, s in self.strength.items() if s < 2.0)


def _name_pair(headers: list[Header], role: Role, used: set[str]) -> tuple[str, str] | None:
    by_text = {h.text: h for h in headers if h.column not in used}
    for h in headers:
        if h.column in used:
            continue
        for family, given in _NAME_PAIRS:
            if family not in h.text:
                continue
            other = by_text.get(h.text.replace(family, given, 1))
            if other is None or other.column == h.column:
                continue
            if _excluded(h, role) or _excluded(other, role):
                continue
            return h.column, other.column
    return None


def _phone_parts(headers: list[Header], role: Role, used: set[str]) -> tuple[str, ...] | None:
    groups: dict[str, list[tuple[str, str]]] = {}
    for h in headers:
        m = _PHONE_PART.match(h.core)
        if h.column in used or not m or _excluded(h, role):
            continue
        base = m.group(1)
        if any(base == w or base.endswith(w) for w in role.words if w):
            groups.setdefault(base, []).append((m.group(2), h.column))
    for parts in groups.values():
        if len(parts) >= 2:
            return tuple(c for _, c in sorted(parts))
    return None


def recognise(columns: list[str], fields: tuple[str, ...] | None = None) -> Recognised:
    """Best column per role: highest scores assigned first, each column used once."""
    headers = [header(c) for c in columns]
    table = [r for r in roles() if fields is None or r.field in fields]
    scored = []
    for ri, role in enumerate(table):
        for ci, h in enumerate(headers):
            s = score(h, role)
            if s > 0:
                scored.append((-s, ri, ci, role.field, h.column))
    scored.sort()
    out: dict[str, tuple[str, ...]] = {}
    strength: dict[str, float] = {}
    used: set[str] = set()
    by_field = {r.field: r for r in table}
    # split names / phones first: 「注文者名」 is the given-name half of 注文者姓 + 注文者名
    if "name" in by_field:
        pair = _name_pair(headers, by_field["name"], used)
        if pair:
            out["name"], strength["name"] = pair, 2.5
            used.update(pair)
    if "phone" in by_field:
        parts = _phone_parts(headers, by_field["phone"], used)
        if parts:
            out["phone"], strength["phone"] = parts, 2.5
            used.update(parts)
    for neg, _ri, _ci, field_name, column in scored:
        if field_name in out or column in used:
            continue
        out[field_name] = (column,)
        strength[field_name] = -neg
        used.add(column)
    return Recognised(columns=out, strength=strength)


def candidates(columns: list[str], field_name: str) -> list[str]:
    """All columns, the likeliest holder of `field_name` first (the mapping step's dropdown)."""
    role = next((r for r in roles() if r.field == field_name), None)
    if role is None:
        return list(columns)
    ranked = sorted(enumerate(columns), key=lambda ic: (-score(header(ic[1]), role), ic[0]))
    return [c for _, c in ranked]

"""The message catalogue: both languages carry the same keys, and every key the code names exists."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from engine.i18n import LANGUAGES, catalogue, t

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")),
           *sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "engine").rglob("*.py"))]
KEY = re.compile(r"[a-z_0-9]+(\.[A-Za-z_0-9]+)+")


def _literal_keys() -> set[tuple[str, str]]:
    """(file, key) for every tr("a.b") / t("a.b", ...) call with a literal key."""
    found = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("t", "tr") and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and KEY.fullmatch(node.args[0].value)):
                found.add((path.relative_to(ROOT).as_posix(), node.args[0].value))
    return found


def test_japanese_and_english_have_the_same_keys():
    ja, en = set(catalogue("ja")), set(catalogue("en"))
    assert sorted(ja - en) == [], "keys only in ja.toml"
    assert sorted(en - ja) == [], "keys only in en.toml"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_named_in_the_code_exists(lang):
    missing = sorted(f"{file}: {key}" for file, key in _literal_keys()
                     if key not in catalogue(lang))
    assert missing == []


def test_placeholders_match_between_languages():
    """Each language fills the same fields; `label` / `label_en` count as one field, given in
    the message's own language."""
    def fields(text: str) -> set[str]:
        return {re.sub(r"_(ja|en)$", "", f) for f in re.findall(r"{(\w+)}", text)}

    ja, en = catalogue("ja"), catalogue("en")
    differ = sorted(k for k in ja if k in en and fields(ja[k]) != fields(en[k]))
    assert differ == []


def test_a_missing_key_shows_the_key_rather_than_crashing():
    assert t("no.such.key", "en") == "no.such.key"

"""Every page in both languages, with a sample shop and with an upload: no internal ids in the
Japanese screens, no Japanese in the English ones.

The walk (AppTest) visits each page of the navigation after the sample-shop button and after a
楽天 upload, once with the RFM cut points moved (so the who-moved table is drawn), and collects
every text the user can read: titles, markdown, captions, alerts, metric labels and values,
widget labels, help texts and options, tab and expander labels, and dataframe headers and text
cells. Charts are not read (their axis titles come from the same catalogue).

Allowed, because they are the user's data or the platform's own words, not ours:
- in both languages: the uploaded file's name, header cells and text cells (product names, ids);
- in English: the platform terms the presets quote as the platform writes them (column names and
  status values in engine/data/presets/*.toml), e.g. "キャンセル確定 orders are dropped", and the
  product's name 通販カルテ.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from list_files import rakuten_orders

from engine import config, samples
from engine.ingest import reader
from ui.data import Source

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ("pages/home.py", "pages/diagnosis.py", "pages/result.py", "pages/data.py",
         "pages/analysis.py", "pages/plan.py", "pages/history.py", "pages/live.py")
TEXT_FIELDS = {"body", "label", "help", "placeholder", "options", "value", "caption"}
SKIP_TYPES = {"vega_lite_chart", "arrow_vega_lite_chart", "plotly_chart", "deck_gl_json_chart",
              "graphviz_chart", "empty", "html", "iframe", "image", "imgs"}
# snake_case identifiers and the internal column / layer ids the issue found on screen
IDENTIFIER = re.compile(r"(?<![\w.@/-])(?:[a-z][a-z0-9]*_[a-z0-9_]+|customer_id|recency_days|from_segment|"
                        r"to_segment|R_old|F_old|M_old|let_go|likely|nan|NaN|None|True|False)(?![\w.@/-])")
BRAND = "通販カルテ"
# in English, "likely" is a word: only snake_case and values that are no words
IDENTIFIER_EN = re.compile(r"(?<![\w.@/-])(?:[a-z][a-z0-9]*_[a-z0-9_]+|R_old|F_old|M_old|nan|NaN|None|True|False)"
                           r"(?![\w.@/-])")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def _strings(message, out: list[str]) -> None:
    for field, value in message.ListFields():
        if field.name in ("spec", "arrow_data", "data", "id", "form_id", "icon", "css", "url"):
            continue
        if field.message_type is not None:
            items = value if field.is_repeated else [value]
            for item in items:
                _strings(item, out)
        elif field.name in TEXT_FIELDS and field.type == field.TYPE_STRING:
            out.extend(value if field.is_repeated else [value])


def texts(at: AppTest) -> list[str]:
    """Every readable text of the last run (see the module docstring)."""
    out: list[str] = []

    def walk(node) -> None:
        kind = getattr(node, "type", None)
        if kind in ("arrow_data_frame", "dataframe", "table"):
            frame = node.value
            if not isinstance(frame, pd.DataFrame):   # a Styler
                frame = getattr(frame, "data", frame)
            shown = json.loads(getattr(node.proto, "columns", "") or "{}")
            for col in frame.columns:
                cfg = shown.get(f"name:{col}") or shown.get(str(col)) or {}
                if cfg.get("hidden"):          # a column the user never sees (an id)
                    continue
                out.append(str(cfg.get("label") or col))
                if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
                    out.extend(str(v) for v in frame[col].dropna().unique()[:200])
            out.extend(str(v) for v in frame.index.names if v is not None)
            return
        if kind in SKIP_TYPES:
            return
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            _strings(proto, out)
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)
        elif children:
            for child in children:
                walk(child)

    walk(at._tree)
    return [s for s in out if s]


def _platform_terms() -> set[str]:
    terms: set[str] = set()
    for path in (config.DATA_DIR / "presets").glob("*.toml"):
        raw = config.load(f"presets/{path.stem}")

        def add(value) -> None:
            if isinstance(value, str):
                terms.add(value)
            elif isinstance(value, (list, tuple)):
                for v in value:
                    add(v)
            elif isinstance(value, dict):
                for v in value.values():
                    add(v)
        for section in ("columns", "concat", "status", "subscription", "signature", "cancel",
                        "synonyms", "nonproduct"):
            add(raw.get(section))
    return {t for t in terms if JAPANESE.search(t)}


def _file_words(data: bytes, name: str) -> set[str]:
    frame = reader.read(data, name).frame
    words = {name, *map(str, frame.columns)}
    for col in frame.columns:
        words.update(frame[col].astype("str").unique()[:2000])
    return {w for w in words if w}


def _strip(text: str, allowed: list[str]) -> str:
    for word in allowed:
        if word in text:
            text = text.replace(word, " ")
    return text


@pytest.fixture(scope="module")
def upload():
    data, _ = rakuten_orders()
    return data, "rakuten.csv"


def _app(lang: str, setup: str, upload: tuple[bytes, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["lang"] = lang
    if setup == "upload":
        data, name = upload
        at.session_state["source_bytes"] = data
        at.session_state["source"] = Source("upload", name, hashlib.blake2b(data, digest_size=16).hexdigest())
    at.run()
    if setup == "sample":
        label = {"ja": "ui.home.sample_button", "en": "ui.home.sample_button"}[lang]
        from engine.i18n import t
        next(b for b in at.button if b.label == t(label, lang)).click().run()
    return at


def _offenders(found: list[str], lang: str, allowed: list[str]) -> set[str]:
    bad = set()
    for text in found:
        rest = _strip(text, allowed)
        if lang == "ja":
            bad.update(m.group(0) + " ← " + text[:80] for m in IDENTIFIER.finditer(rest))
        else:
            if JAPANESE.search(rest):
                bad.add(text[:120])
            bad.update(m.group(0) + " ← " + text[:80] for m in IDENTIFIER_EN.finditer(rest))
    return bad


@pytest.mark.parametrize("setup", ["sample", "upload"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_page_speaks_one_language(lang: str, setup: str, upload) -> None:
    at = _app(lang, setup, upload)
    assert not at.exception
    data, name = (upload if setup == "upload" else samples.generate(at.session_state["sample_shop"]))
    allowed = sorted(_file_words(data, name) | (_platform_terms() | {BRAND} if lang == "en" else set()),
                     key=len, reverse=True)
    offenders: dict[str, set[str]] = {}
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        found = texts(at)
        if page == "pages/analysis.py":   # move one cut point: the who-moved table appears
            key = next((k for k in ("data_rfm_monetary_1", "data_rfm_recency_1")
                        if k in at.session_state), None)
            if key is not None:
                at.number_input(key=key).set_value(at.session_state[key] + 1000).run()
                found += texts(at)
        bad = _offenders(found, lang, allowed)
        if bad:
            offenders[page] = bad
    assert not offenders, "\n".join(f"{p}: {sorted(b)}" for p, b in offenders.items())


def test_a_one_customer_file_shows_dashes_and_says_why(upload) -> None:
    """Small data: 「—」 and a message, never nan (a one-customer file showed 「F2転換率 nan%」)."""
    from engine.i18n import t

    data = "注文日,注文番号,会員ID,合計金額\n2024-01-01,A1,1,1000\n2024-03-01,A2,1,2000\n".encode()
    at = _app("ja", "upload", (data, "one.csv"))
    for page in ("pages/analysis.py", "pages/result.py", "pages/data.py"):
        at.switch_page(page).run()
        assert not at.exception
        found = texts(at)
        assert not [s for s in found if re.search(r"\bnan\b|NaN", s)], page
        if page == "pages/analysis.py":
            assert t("analysis.too_few_customers", "ja", n="1", min=30) in [w.value for w in at.warning]
            assert "—" in [m.value for m in at.metric]   # F2 within 90 days: not yet known

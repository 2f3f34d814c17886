"""The session's one `ShopAnalysis`: every page, the plan, the report and the save read it.

One base analysis per (file, settings) is shared across reruns and sessions with
`st.cache_resource` (large and read-only: never copied, bounded entries); the session's
parameters (reference date, cut points, k, the customer file) make a sibling of it that shares
every part that does not depend on them, so moving a slider re-scores RFM and nothing else.

Session inputs that shape figures live here, beside the data source, not in widget state:
the analysis parameters, the customer file and the edited plan assumptions. They are tied to the
data source and forgotten when it changes.
"""
from __future__ import annotations

import dataclasses
import hashlib
from typing import Any, Mapping

import pandas as pd
import streamlit as st

from engine.errors import KarteError
from engine.orderbook import OrderBook
from engine.roi import PlanAssumptions
from engine.settings import Settings
from engine.shop import AnalysisParams, ShopAnalysis
from ui import data
from ui.state import answers

ENTRIES = 4
# A file's analysis is let go an hour after it was built, so a closed session's tables do not
# stay for the server's lifetime (a session still working on it rebuilds it in seconds).
TTL = "1h"


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The rule files, read once per server (the app's entry point asks first)."""
    return Settings.load()


@st.cache_resource(max_entries=ENTRIES, ttl=TTL, show_spinner=False)
def _base(key: tuple, settings_digest: str, _book: OrderBook, _settings: Settings) -> ShopAnalysis:
    return ShopAnalysis(_book, settings=_settings)


@st.cache_resource(max_entries=ENTRIES, ttl=TTL, show_spinner=False)
def _customer_file(digest: str, name: str, _data: bytes) -> pd.DataFrame:
    from engine.analysis.relationship import read_customer_file

    return read_customer_file(_data, name)


def _source_key(key: tuple) -> str:
    return hashlib.blake2b(repr(key).encode(), digest_size=8).hexdigest()


# Widgets whose values are figures of one file: forgotten when the data source changes, so
# another shop's cut points never stay on screen (widget_key gives them this prefix).
DATA_WIDGET_PREFIX = "data_"


def _inputs(key: tuple) -> dict[str, Any]:
    """The session inputs of the data source `key` (a fresh set when the source changed)."""
    stored = st.session_state.get("analysis_inputs")
    if stored is None or stored.get("source") != _source_key(key):
        stored = {"source": _source_key(key), "params": AnalysisParams(), "customer_file": None,
                  "plan": None}
        st.session_state.analysis_inputs = stored
        for widget in [k for k in st.session_state if str(k).startswith(DATA_WIDGET_PREFIX)]:
            del st.session_state[widget]
    return stored


def widget_key(key: tuple, name: str) -> str:
    """The key of a widget showing a figure of the data source `key` (reset with the source)."""
    _inputs(key)
    return DATA_WIDGET_PREFIX + name


def base(book: OrderBook, key: tuple) -> ShopAnalysis:
    """The shared base analysis of `book` (no session parameters): what ui.warmup fills."""
    return _base(key, settings().digest, book, settings())


def plan_assumptions_for(answers: Mapping[str, Any]) -> PlanAssumptions:
    """The plan's assumptions for `answers` without any edits (a session's start)."""
    return _defaults(answers)


def of(book: OrderBook, key: tuple) -> ShopAnalysis:
    """The analysis of `book` (cache key `key`) with the session's parameters."""
    inputs = _inputs(key)
    params = inputs["params"]
    analysis = base(book, key).with_params(**{f.name: getattr(params, f.name)
                                   for f in dataclasses.fields(params)} | {"relationship": None})
    customer_file = inputs["customer_file"]
    if customer_file is not None:
        digest, name, raw = customer_file
        analysis = analysis.with_params(relationship=(digest, _customer_file(digest, name, raw)))
    # the session's plan assumptions value the dormant layers, as they price the plan
    return analysis.with_params(assumptions=plan_assumptions(answers(), key))


def current() -> ShopAnalysis | None:
    """The analysis of the session's own data (None without data or for an unreadable file)."""
    try:
        book = data.book()
    except KarteError:
        return None
    return None if book is None else of(book, data.book_key())


def set_params(key: tuple, **changes: Any) -> None:
    """Change the session's analysis parameters (as_of, rfm, cpm, k) for the source `key`."""
    inputs = _inputs(key)
    inputs["params"] = dataclasses.replace(inputs["params"], **changes)


def set_customer_file(key: tuple, raw: bytes | None, name: str = "") -> None:
    """The customer file (referrals, reviews, survey) of the source `key`; None removes it.
    Read here so that a file that cannot be read raises before it is kept."""
    inputs = _inputs(key)
    if raw is None:
        inputs["customer_file"] = None
        return
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    _customer_file(digest, name, raw)
    inputs["customer_file"] = (digest, name, raw)


def customer_file_name(key: tuple) -> str | None:
    found = _inputs(key)["customer_file"]
    return None if found is None else found[1]


def plan_assumptions(answers: Mapping[str, Any], key: tuple | None = None) -> PlanAssumptions:
    """The plan's assumptions: the defaults of the answers with the user's edits on top."""
    defaults = _defaults(answers)
    key = key if key is not None else data.book_key()
    edits = _inputs(key)["plan"] or {}
    try:
        out = dataclasses.replace(defaults, **{k: v for k, v in edits.items() if k != "responses"})
        for target, rate in (edits.get("responses") or {}).items():
            out = out.with_response(target, rate)
    except KarteError:
        return defaults
    return out


def set_plan_edits(answers: Mapping[str, Any], assumptions: PlanAssumptions,
                   key: tuple | None = None) -> None:
    """Remember what differs from the defaults of the answers (so a changed answer still moves
    the margin or CPA the user did not edit)."""
    defaults = _defaults(answers)
    edits: dict[str, Any] = {f.name: getattr(assumptions, f.name)
                             for f in dataclasses.fields(PlanAssumptions)
                             if f.name not in ("responses", "gross_margin_source")
                             and getattr(assumptions, f.name) != getattr(defaults, f.name)}
    responses = dict(assumptions.responses)
    if responses != dict(defaults.responses):
        edits["responses"] = responses
    _inputs(key if key is not None else data.book_key())["plan"] = edits or None


def session_plan(analysis: ShopAnalysis | None, answers: Mapping[str, Any]) -> list:
    """The plan of the session: its analysis, answers and edited assumptions (engine.shop)."""
    from engine.shop import plan_of
    from ui.state import lang

    assumptions = plan_assumptions(answers) if analysis is not None else None
    return plan_of(analysis, answers, assumptions, lang())


def _defaults(answers: Mapping[str, Any]) -> PlanAssumptions:
    """The plan's defaults for the answers given so far (their margin and CPA)."""
    from engine.questions import validate_answers

    try:
        canonical = validate_answers(dict(answers), settings=settings())
    except KarteError:
        canonical = {}
    return PlanAssumptions.defaults(canonical, settings=settings())

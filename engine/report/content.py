"""The report's content, independent of its format: sections as DataFrames and plain values.

The input is a plain dict so the report works with whatever the session has:
    client, created_at, lang                      — the header
    diagnosis  {"areas", "weakest", "kpis", "actions"} (`Diagnosis.to_json()`), or those four
               keys at the top level
    data_kpis  {kpi: value}                       — figures derived from the order file
    comparison rows / DataFrame                   — self-reported answer vs the data
    segments   {name: table}                      — counts / revenue per segment
    ranks, dormant, plan                          — tables (plan: action, target, contacts,
                                                    cost, expected profit, ROI)
    assumptions {name: value}                     — the plan's stated defaults
    history    DataFrame (created_at, label, score) — `Store.history(client)`: scores over time
    lists      {name: DataFrame}                  — customer lists the user chose (Excel only)
    cta        {"text", "url"}                    — call to action, empty by default
A table is a DataFrame, a list of row dicts, a {name: number} dict or a {name: {col: value}}
dict. Anything missing is simply left out of the report.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping
from urllib.parse import urlparse

import pandas as pd

from engine.i18n import catalogue, t

JST = timezone(timedelta(hours=9))
STEPS = ("A", "B", "C", "D", "E", "F")
_COUNT_NAMES = ("count", "customers", "size", "n", "人数", "顧客数", "件数")


@dataclass
class Report:
    lang: str
    client: str
    created: str
    areas: pd.DataFrame                      # id, label, score, level, confidence, reason
    weakest: list[str]                       # area labels, weakest first
    kpis: pd.DataFrame                       # kpi, label, value, unit
    data_kpis: pd.DataFrame
    comparison: pd.DataFrame | None
    segments: dict[str, pd.DataFrame]
    ranks: pd.DataFrame | None
    dormant: pd.DataFrame | None
    actions: pd.DataFrame                    # step, title, why, area, first_step, top
    plan: pd.DataFrame | None
    assumptions: pd.DataFrame | None         # the plan's stated defaults (DM cost, margin, ...)
    history: pd.DataFrame | None = None      # wide: one row per date, one column per area
    lists: dict[str, pd.DataFrame] = field(default_factory=dict)
    cta_text: str = ""
    cta_url: str = ""                        # only http(s), else empty

    @property
    def mean_score(self) -> float | None:
        scores = pd.to_numeric(self.areas.get("score"), errors="coerce").dropna() \
            if not self.areas.empty else pd.Series(dtype="float64")
        return None if scores.empty else round(float(scores.mean()), 1)


def to_frame(table: Any, name_col: str = "name", value_col: str = "value") -> pd.DataFrame | None:
    """Any of the accepted table shapes as a DataFrame; None when there is nothing."""
    if table is None:
        return None
    if isinstance(table, pd.DataFrame):
        frame = table.reset_index() if _named_index(table) else table.reset_index(drop=True)
    elif isinstance(table, pd.Series):
        frame = table.rename_axis(name_col).reset_index(name=value_col)
    elif isinstance(table, Mapping):
        if not table:
            return None
        values = list(table.values())
        if all(isinstance(v, Mapping) for v in values):
            frame = pd.DataFrame.from_dict(dict(table), orient="index").rename_axis(
                name_col).reset_index()
        elif all(isinstance(v, (list, tuple)) for v in values):
            frame = pd.DataFrame(dict(table))
        else:
            frame = pd.DataFrame({name_col: [str(k) for k in table], value_col: values})
    elif isinstance(table, (list, tuple)):
        if not table:
            return None
        frame = pd.DataFrame(list(table))
    else:
        return None
    return frame if not frame.empty else None


def _named_index(frame: pd.DataFrame) -> bool:
    return any(n is not None for n in frame.index.names)


def label_and_count(frame: pd.DataFrame) -> tuple[str | None, str | None]:
    """The column naming each row and the column to chart (a count, else the first number)."""
    label = next((c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])), None)
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    count = next((c for c in numeric if str(c).lower() in _COUNT_NAMES), None)
    return label, count or (numeric[0] if numeric else None)


def safe_url(url: Any) -> str:
    """`url` if it is an absolute http(s) address, else "" (no javascript:, data:, ...)."""
    if not isinstance(url, str):
        return ""
    url = url.strip()
    parts = urlparse(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(
            ch in url for ch in "\"'<> \t\r\n\\"):
        return url
    return ""


def _lookup(key: str, lang: str, default: Any) -> Any:
    """The catalogue text of `key` if it exists (in lang, else ja), else `default`."""
    text = catalogue(lang).get(key) or catalogue("ja").get(key)
    return text if isinstance(text, str) else default


def _kpi_display(key: str, value: Any, lang: str) -> str | None:
    """The diagnosis's own way of writing a KPI (¥1,234 / 12.3% / 2.1倍), when it knows it."""
    from engine.kpis import KPI_FORMATS, format_value

    if key not in KPI_FORMATS or value is None:
        return None
    return format_value(value, KPI_FORMATS[key], lang)


def kpi_label(key: str, lang: str) -> str:
    """A KPI's display name: the diagnosis catalogue's if it has one, else the key."""
    for path in (f"diagnosis.kpi.{key}.label", f"diagnosis.kpi.{key}", f"report.kpi.{key}"):
        text = catalogue(lang).get(path) or catalogue("ja").get(path)
        if isinstance(text, str):
            return text
    return key


def _kpi_frame(kpis: Any, lang: str) -> pd.DataFrame:
    rows = []
    for key, value in (kpis or {}).items():
        unit = ""
        label = kpi_label(str(key), lang)
        display = None
        if isinstance(value, Mapping):  # {"value", "unit", "label", "display"} as a KPI may come
            unit = str(value.get("unit") or "")
            label = str(value.get(f"label_{lang}") or value.get("label") or label)
            display = value.get("display")
            value = value.get("value")
        if isinstance(value, (list, tuple, Mapping)):
            continue  # a table, not a single figure
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        rows.append({"kpi": str(key), "label": label, "value": value, "unit": unit,
                     "display": display or _kpi_display(str(key), value, lang)})
    return pd.DataFrame(rows, columns=["kpi", "label", "value", "unit", "display"])


def _created(value: Any) -> str:
    if value is None or value == "":
        return datetime.now(JST).date().isoformat()
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    return str(value)[:10]


def build(report_input: Mapping[str, Any], lang: str = "ja") -> Report:
    """The report's sections from the loose input (see the module docstring)."""
    src = dict(report_input or {})
    diag = dict(src.get("diagnosis") or {})
    for key in ("areas", "weakest", "kpis", "actions"):
        if key in src and key not in diag:
            diag[key] = src[key]
    areas = to_frame(diag.get("areas")) if diag.get("areas") is not None else None
    area_cols = ["id", "label", "score", "level", "confidence", "reason"]
    areas = pd.DataFrame(columns=area_cols) if areas is None else areas.reindex(
        columns=list(dict.fromkeys(area_cols + list(areas.columns))))
    areas["level_label"] = areas["level"].map(lambda lv: _lookup(f"diagnosis.level.{lv}", lang, lv))
    labels = dict(zip(areas["id"].astype(str), areas["label"].fillna(areas["id"]).astype(str)))
    weakest = [labels.get(str(a), str(a)) for a in diag.get("weakest") or []]
    if not weakest and not areas.empty:
        order = pd.to_numeric(areas["score"], errors="coerce").sort_values(kind="mergesort")
        weakest = [str(areas.loc[i, "label"]) for i in order.dropna().index[:3]]
    action_cols = ["step", "title", "why", "area", "first_step", "top"]
    actions = to_frame(diag.get("actions"))
    actions = pd.DataFrame(columns=action_cols) if actions is None else actions.reindex(
        columns=list(dict.fromkeys(action_cols + list(actions.columns))))
    actions["area"] = actions["area"].map(lambda a: labels.get(str(a), a) if pd.notna(a) else a)
    segments = {str(k): f for k, v in (src.get("segments") or {}).items()
                if (f := to_frame(v, name_col="segment", value_col="customers")) is not None}
    lists = {str(k): f for k, v in (src.get("lists") or {}).items()
             if (f := to_frame(v)) is not None}
    cta = src.get("cta") or {}
    return Report(
        lang=lang,
        client=str(src.get("client") or ""),
        created=_created(src.get("created_at")),
        areas=areas,
        weakest=weakest,
        kpis=_kpi_frame(diag.get("kpis"), lang),
        data_kpis=_kpi_frame(src.get("data_kpis") or diag.get("data_kpis"), lang),
        comparison=to_frame(src.get("comparison", diag.get("comparison"))),
        segments=segments,
        ranks=_named_values(to_frame(src.get("ranks"), name_col="rank", value_col="customers"),
                            "rank", lang),
        dormant=to_frame(src.get("dormant"), name_col="layer", value_col="customers"),
        actions=actions,
        plan=to_frame(src.get("plan")),
        assumptions=to_frame(src.get("assumptions"), name_col="label", value_col="value"),
        history=_history(src.get("history")),
        lists=lists,
        cta_text=str(cta.get("text") or ""),
        cta_url=safe_url(cta.get("url")),
    )


def _named_values(frame: pd.DataFrame | None, column: str, lang: str) -> pd.DataFrame | None:
    """Ids such as "premium" in `column` shown by their catalogue name (report.<column>.<id>)."""
    if frame is None or column not in frame.columns:
        return frame
    names = catalogue(lang)
    out = frame.copy()
    out[column] = out[column].map(lambda v: names.get(f"report.{column}.{v}", v))
    return out


def _history(long: Any) -> pd.DataFrame | None:
    """Scores over time (long: created_at, label or area, score) as date rows × area columns."""
    frame = to_frame(long)
    if frame is None or not {"created_at", "score"} <= set(frame.columns):
        return None
    name = "label" if "label" in frame.columns else "area"
    frame = frame.assign(date=pd.to_datetime(frame["created_at"]).dt.strftime("%Y-%m-%d"))
    keys = ["date", "id"] if "id" in frame.columns else ["date"]
    areas = list(dict.fromkeys(frame[name]))          # first-seen order, not alphabetical
    frame = frame.drop_duplicates(keys + [name], keep="last")
    wide = frame.pivot(index=keys, columns=name, values="score").sort_index(kind="mergesort")
    wide = wide[areas].reset_index().drop(columns=["id"], errors="ignore")
    wide.columns.name = None
    return wide


def step_name(step: Any, lang: str) -> str:
    """'A リストのランク分け' style heading for an Omega step."""
    return f"{step} {t(f'report.step.{step}', lang)}" if str(step) in STEPS else str(step)

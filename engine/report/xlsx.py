"""The report as an Excel workbook: the same content as the HTML, one sheet per section,
plus the customer lists the user chose. Every text cell goes through
`engine.exporting.neutralise` (in `fastxlsx`), so no cell can run as a formula.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

import pandas as pd

from engine.exporting import EXCEL_SHEET_NAME_MAX
from engine.i18n import catalogue, t
from engine.report import fastxlsx
from engine.report.content import Report, build, step_name

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _translate_columns(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Headers in the reader's language; two ids with one translation stay apart."""
    names, used, out = catalogue(lang), set(), []
    for col in frame.columns:
        name = names.get(f"report.col.{col}") or str(col)
        if name in used:
            name = f"{name} ({col})"
        used.add(name)
        out.append(name)
    renamed = frame.copy()
    renamed.columns = out
    return renamed


def _summary(rep: Report) -> pd.DataFrame:
    lang = rep.lang
    rows = [("client", rep.client), ("created", rep.created), ("language", lang),
            ("mean", rep.mean_score), ("weakest", ", ".join(rep.weakest))]
    if rep.cta_text or rep.cta_url:
        rows += [("cta_text", rep.cta_text), ("cta_url", rep.cta_url)]
    return pd.DataFrame({
        t("report.field.item", lang): [t(f"report.field.{k}", lang) for k, _ in rows],
        t("report.field.value", lang): [v for _, v in rows]})


def _stack(tables: Mapping[str, pd.DataFrame], key: str, lang: str) -> pd.DataFrame:
    """Several tables in one sheet, each row tagged with the table it came from."""
    frames = []
    for name, frame in tables.items():
        title = catalogue(lang).get(f"report.segment.{name}") or name
        frames.append(frame.assign(**{key: title})[[key, *frame.columns]])
    return pd.concat(frames, ignore_index=True, sort=False) if frames else pd.DataFrame()


def _sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'") or "Sheet"
    base = base[:EXCEL_SHEET_NAME_MAX]
    candidate, n = base, 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate = base[:EXCEL_SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    used.add(candidate.casefold())
    return candidate


def sheets(report_input: Mapping[str, Any] | Report, lang: str = "ja") -> dict[str, pd.DataFrame]:
    """The workbook's sheets in order (sheet name -> table); sections without data are left out."""
    rep = report_input if isinstance(report_input, Report) else build(report_input, lang)
    lang = rep.lang
    out: list[tuple[str, pd.DataFrame]] = [("summary", _summary(rep))]
    if not rep.areas.empty:
        scores = rep.areas.drop(columns=["id", "level"]).rename(
            columns={"label": "area", "level_label": "level"})
        first = ["area", "score", "level", "confidence", "reason"]
        out.append(("scores", scores[first + [c for c in scores.columns if c not in first]]))
    if rep.history is not None:
        out.append(("history", rep.history))
    kpis = pd.concat([rep.kpis.assign(source=t("report.col.answer", lang)),
                      rep.data_kpis.assign(source=t("report.col.data", lang))],
                     ignore_index=True) if not rep.data_kpis.empty else rep.kpis
    if not kpis.empty:
        out.append(("kpis", kpis.drop(columns=["kpi", "display"]).rename(columns={"label": "kpi"})))
    if rep.comparison is not None:
        out.append(("comparison", rep.comparison))
    if rep.segments:
        out.append(("segments", _stack(rep.segments, "table", lang)))
    if rep.ranks is not None:
        out.append(("ranks", rep.ranks))
    if rep.dormant is not None:
        out.append(("dormant", rep.dormant))
    if not rep.actions.empty:
        acts = rep.actions.copy()
        acts["step"] = acts["step"].map(lambda s: step_name(s, lang))
        out.append(("actions", acts))
    if rep.plan is not None:
        out.append(("plan", rep.plan))
    if rep.assumptions is not None:
        out.append(("assumptions", rep.assumptions))
    used: set[str] = set()
    named = {_sheet_name(t(f"report.sheet.{key}", lang), used): _translate_columns(frame, lang)
             for key, frame in out}
    for name, frame in rep.lists.items():
        sheet = _sheet_name(f"{t('report.sheet.list', lang)}_{name}", used)
        named[sheet] = _translate_columns(frame, lang)
    return named


def render(report_input: Mapping[str, Any] | Report, lang: str = "ja") -> bytes:
    """The workbook as .xlsx bytes, formula-safe (`fastxlsx`: long customer lists in seconds)."""
    return fastxlsx.write(sheets(report_input, lang))

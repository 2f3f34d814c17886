"""The report as ONE self-contained HTML file: inline CSS, inline SVG charts, no script.

Opens without internet (system Japanese fonts, nothing fetched), prints to clean A4 pages
(`@page`, a page break before each major section, table rows never split, header rows
repeated), and escapes every string that came from the user or the data. The only outside
address it may contain is the call-to-action link, and only when it is http(s).
"""
from __future__ import annotations

import html
import math
import numbers
from datetime import date, datetime
from typing import Any, Mapping

import numpy as np
import pandas as pd

from engine.i18n import catalogue, t
from engine.report import svg
from engine.report.content import STEPS, Report, build, label_and_count, step_name

KEEP_TOGETHER_ROWS = 25  # a table this short never splits across pages
MAX_HTML_ROWS = 200      # longer tables are cut in HTML (the workbook has them whole)
_LEVEL_CLASS = {"良好": "good", "good": "good", "注意": "caution", "caution": "caution",
                "fair": "caution", "要改善": "poor", "poor": "poor", "needs work": "poor",
                "needs improvement": "poor", "weak": "poor"}

CSS = """
:root { --accent: #C0392B; --ink: #222; --muted: #666; --line: #DDD; }
* { box-sizing: border-box; }
body { font-family: "Hiragino Kaku Gothic ProN", "Hiragino Sans", "Yu Gothic UI", "Yu Gothic",
       YuGothic, Meiryo, "Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic",
       system-ui, -apple-system, "Segoe UI", sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 860px; padding: 24px 16px;
       line-height: 1.6; font-size: 14px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 16px; }
h1 { font-size: 24px; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 18px; border-left: 6px solid var(--accent); padding-left: 8px;
     margin: 28px 0 10px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: var(--muted); margin: 0 0 8px; }
.lead { font-size: 15px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 12.5px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #F6F6F6; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.level { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; background: #999; }
.level.good { background: #27AE60; } .level.caution { background: #E67E22; }
.level.poor { background: #C0392B; }
.top { color: var(--accent); font-weight: bold; }
.action { border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; margin: 8px 0; }
.action.is-top { border-color: var(--accent); border-width: 2px; }
.action p { margin: 2px 0; }
.note { color: var(--muted); font-size: 12px; }
.cta { border: 2px solid var(--accent); border-radius: 6px; padding: 12px; margin-top: 24px; }
.cta a { color: var(--accent); font-weight: bold; word-break: break-all; }
svg.chart { display: block; margin: 8px 0 12px; font-family: inherit; }
footer { margin-top: 32px; color: var(--muted); font-size: 11px;
         border-top: 1px solid var(--line); }
@page { size: A4; margin: 15mm 12mm 15mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  section.major { break-before: page; page-break-before: always; }
  section.major.first { break-before: auto; page-break-before: auto; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, .action, svg.chart, .cta { break-inside: avoid; page-break-inside: avoid; }
  table.keep { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; }
}
"""


def esc(value: Any) -> str:
    """Any value as escaped HTML text."""
    return html.escape("" if value is None else str(value), quote=True)


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt(value: Any) -> str:
    """A cell as display text: thousands separators, at most two decimals, '–' for missing."""
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return "✓" if value else ""
    if _missing(value):
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "–"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, (bool, np.bool_))


def _col_label(col: Any, lang: str) -> str:
    return catalogue(lang).get(f"report.col.{col}") or str(col)


def table(frame: pd.DataFrame, lang: str, columns: list[str] | None = None) -> str:
    """An escaped HTML table of `frame` (headers translated where the catalogue knows them)."""
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    shown = frame.head(MAX_HTML_ROWS)
    keep = " class=\"keep\"" if len(shown) <= KEEP_TOGETHER_ROWS else ""
    head = "".join(f"<th>{esc(_col_label(c, lang))}</th>" for c in cols)
    body = []
    for row in shown[cols].itertuples(index=False, name=None):
        cells = []
        for value in row:
            cls = " class=\"num\"" if _is_number(value) else ""
            cells.append(f"<td{cls}>{esc(fmt(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    note = ""
    if len(frame) > len(shown):
        cut = t("report.rows_cut", lang, shown=len(shown), total=len(frame))
        note = f'<p class="note">{esc(cut)}</p>'
    return (f"<table{keep}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
            f"</table>{note}")


def _level_badge(level: Any, label: Any) -> str:
    cls = _LEVEL_CLASS.get(str(level).strip().lower(), "")
    return f'<span class="level {cls}">{esc(label)}</span>' if not _missing(level) else "–"


def _scores_section(rep: Report) -> str:
    lang = rep.lang
    if rep.areas.empty:
        return ""
    colours = [svg.LEVEL_COLOURS.get(_LEVEL_CLASS.get(str(lv).strip().lower(), ""), "#7F8C8D")
               for lv in rep.areas["level"]]
    scores = [None if _missing(s) else float(s) for s in
              pd.to_numeric(rep.areas["score"], errors="coerce")]
    chart = svg.hbar(rep.areas["label"].fillna(rep.areas["id"]).astype(str).tolist(), scores,
                     max_value=100, colours=colours, title=t("report.chart.scores", lang))
    rows = []
    for a in rep.areas.itertuples(index=False):
        conf = "–" if _missing(a.confidence) else f"{float(a.confidence) * 100:.0f}%"
        rows.append(f"<tr><td>{esc(a.label)}</td><td class=\"num\">{esc(fmt(a.score))}</td>"
                    f"<td>{_level_badge(a.level, a.level_label)}</td>"
                    f"<td class=\"num\">{esc(conf)}</td>"
                    f"<td>{esc(fmt(a.reason))}</td></tr>")
    head = "".join(f"<th>{esc(t(f'report.col.{c}', lang))}</th>"
                   for c in ("area", "score", "level", "confidence", "reason"))
    return (f'<section class="major first" id="scores"><h2>{esc(t("report.section.scores", lang))}'
            f"</h2>{chart}<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}"
            f"</tbody></table></section>")


def _history_section(rep: Report) -> str:
    if rep.history is None or len(rep.history) < 2:
        return ""  # one diagnosis is not a trend
    lang = rep.lang
    areas = [c for c in rep.history.columns if c != "date"]
    series = {a: [None if _missing(v) else float(v) for v in rep.history[a]] for a in areas}
    title = t("history.scores_over_time", lang)
    chart = svg.line(rep.history["date"].tolist(), series, title=title)
    return (f'<section id="history"><h2>{esc(t("history.scores_over_time", lang))}</h2>'
            f"{chart}{table(rep.history, lang)}</section>")


def _kpi_table(frame: pd.DataFrame, lang: str) -> str:
    rows = "".join(
        f"<tr><td>{esc(k.label)}</td><td class=\"num\">"
        f"{esc(k.display if isinstance(k.display, str) else (fmt(k.value) + ' ' + k.unit).strip())}"
        f"</td></tr>" for k in frame.itertuples(index=False))
    head = "".join(f"<th>{esc(t(f'report.col.{c}', lang))}</th>" for c in ("kpi", "value"))
    return f'<table class="keep"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _kpis_section(rep: Report) -> str:
    lang, out = rep.lang, []
    if not rep.kpis.empty:
        out.append(_kpi_table(rep.kpis, lang))
    if not rep.data_kpis.empty:
        out.append(f"<h3>{esc(t('report.section.data_kpis', lang))}</h3>"
                   + _kpi_table(rep.data_kpis, lang))
    if rep.comparison is not None:
        out.append(f"<h3>{esc(t('report.section.comparison', lang))}</h3>"
                   + table(rep.comparison, lang))
    if not out:
        return ""
    return (f'<section id="kpis"><h2>{esc(t("report.section.kpis", lang))}</h2>'
            + "".join(out) + "</section>")


def _table_with_chart(title: str, frame: pd.DataFrame, lang: str) -> str:
    label, count = label_and_count(frame)
    chart = ""
    if label is not None and count is not None and len(frame) <= 40:
        values = [None if _missing(v) else float(v) for v in frame[count]]
        chart = svg.hbar(frame[label].astype(str).tolist(), values,
                         colours=[svg.PALETTE[1]] * len(frame),
                         title=f"{title} — {_col_label(count, lang)}")
    return f"<h3>{esc(title)}</h3>{chart}{table(frame, lang)}"


def _segments_section(rep: Report) -> str:
    lang, parts = rep.lang, []
    for name, frame in rep.segments.items():
        title = catalogue(lang).get(f"report.segment.{name}") or name
        parts.append(_table_with_chart(title, frame, lang))
    if rep.ranks is not None:
        parts.append(_table_with_chart(t("report.section.ranks", lang), rep.ranks, lang))
    if rep.dormant is not None:
        parts.append(_table_with_chart(t("report.section.dormant", lang), rep.dormant, lang))
    if rep.lists:
        note = t("report.lists_in_workbook", lang, n=len(rep.lists))
        parts.append(f'<p class="note">{esc(note)}</p>')
    if not parts:
        return ""
    return (f'<section class="major" id="segments"><h2>{esc(t("report.section.segments", lang))}'
            "</h2>" + "".join(parts) + "</section>")


def _plan_section(rep: Report) -> str:
    lang, parts = rep.lang, []
    acts = rep.actions
    if not acts.empty:
        steps = [s for s in STEPS if (acts["step"].astype(str) == s).any()]
        steps += [s for s in dict.fromkeys(acts["step"].astype(str)) if s not in steps]
        for step in steps:
            parts.append(f"<h3>{esc(step_name(step, lang))}</h3>")
            for a in acts[acts["step"].astype(str) == step].itertuples(index=False):
                top = bool(a.top) if not _missing(a.top) else False
                mark = f'<span class="top">{esc(t("report.top_mark", lang))}</span> ' if top else ""
                lines = [f"<p><strong>{mark}{esc(fmt(a.title))}</strong></p>"]
                for key in ("why", "first_step", "area"):
                    value = getattr(a, key)
                    if not _missing(value) and str(value):
                        lines.append(f"<p>{esc(t(f'report.col.{key}', lang))}: {esc(value)}</p>")
                cls = "action is-top" if top else "action"
                parts.append(f'<div class="{cls}">{"".join(lines)}</div>')
    if rep.plan is not None:
        parts.append(f"<h3>{esc(t('report.section.estimates', lang))}</h3>" + table(rep.plan, lang))
    if rep.assumptions is not None:
        parts.append(f"<h3>{esc(t('report.section.assumptions', lang))}</h3>"
                     + table(rep.assumptions, lang))
    if not parts:
        return ""
    return (f'<section class="major" id="plan"><h2>{esc(t("report.section.plan", lang))}</h2>'
            + "".join(parts) + "</section>")


def _summary(rep: Report) -> str:
    lang, items = rep.lang, []
    if rep.mean_score is not None:
        items.append(esc(t("report.summary.mean", lang, score=fmt(rep.mean_score))))
    if rep.weakest:
        items.append(esc(t("report.summary.weakest", lang, areas="、".join(rep.weakest)
                                if lang == "ja" else ", ".join(rep.weakest))))
    if not items:
        return ""
    return '<p class="lead">' + "<br>".join(items) + "</p>"


def _cta(rep: Report) -> str:
    if not rep.cta_text and not rep.cta_url:
        return ""
    text = esc(rep.cta_text or rep.cta_url)
    link = f'<p><a href="{esc(rep.cta_url)}" rel="noopener noreferrer">{esc(rep.cta_url)}</a></p>' \
        if rep.cta_url else ""
    return f'<section class="cta" id="cta"><p>{text}</p>{link}</section>'


def render(report_input: Mapping[str, Any] | Report, lang: str = "ja") -> str:
    """The whole report as one HTML document (a str; write it as UTF-8)."""
    rep = report_input if isinstance(report_input, Report) else build(report_input, lang)
    lang = rep.lang
    title = t("report.title", lang)
    meta = []
    if rep.client:
        meta.append(f"{esc(t('report.client', lang))}: {esc(rep.client)}")
    meta.append(f"{esc(t('report.date', lang))}: {esc(rep.created)}")
    doc_title = f"{title} — {rep.client}" if rep.client else title
    body = "".join([
        f"<header><h1>{esc(title)}</h1><p class=\"meta\">{' ／ '.join(meta)}</p></header>",
        _summary(rep), _scores_section(rep), _history_section(rep), _kpis_section(rep),
        _segments_section(rep),
        _plan_section(rep), _cta(rep),
        f"<footer><p>{esc(t('report.footer', lang))}</p></footer>",
    ])
    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(doc_title)}</title><style>{CSS}</style></head>"
            f"<body>{body}</body></html>\n")

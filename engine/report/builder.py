"""The one report builder: the download buttons, `python -m engine report` and the saved
diagnosis all start here, so the same shop gives the same figures and labels everywhere.

`report_input(analysis, answers, lang, ...)` reads one `engine.shop.ShopAnalysis` (or none, for
answers only) and returns the input of `engine.report.content.build` (HTML and Excel):
the diagnosis, the plan (the same ★ as every screen), the shop's figures by their one name
(`engine.figures`), the answer-vs-data comparison in people-readable columns, segment summaries,
ranks, dormant layers and the customer lists the user chose. `save_record` turns that input
into what `engine.store.Store.save` keeps (aggregates only, never customer lists).
"""
from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from engine.report.from_orders import LIST_CHOICES, plan_section, sections
from engine.shop import ShopAnalysis, diagnosis_of, plan_of

# Columns of a segment table that are aggregates (what may be saved): counts and money only.
SEGMENT_COLUMNS = ("segment", "customers", "revenue", "revenue_share")


def comparison_table(rows: list[Mapping[str, Any]] | None) -> list[dict[str, Any]] | None:
    """The answer-vs-data rows as the report shows them: item, answer, data, difference and
    the 「回答と実績に差があります」 note; no internal ids or thresholds."""
    if not rows:
        return None
    return [{"label": row["label"], "answer": row["answer_text"], "data": row["data_text"],
             "gap": row["gap_text"],
             "note": " ".join(filter(None, (row["message"], row.get("channel_note", ""))))}
            for row in rows]


def plan_actions(plan: list) -> list[dict[str, Any]]:
    """The plan's rows as the report's action cards (step, title, why, first step, ★)."""
    return [{"step": row.step, "title": row.title, "why": row.why, "area": row.area,
             "first_step": row.first_step, "top": row.top} for row in plan]


def report_input(analysis: ShopAnalysis | None, answers: Mapping[str, Any], lang: str = "ja",
                 *, assumptions: Any = None, lists: str = "none", client: str = "",
                 cta: Mapping[str, str] | None = None, created_at: Any = None
                 ) -> dict[str, Any]:
    """The report's input for `answers` and the shop's analysis (None: answers only).

    `assumptions`: the plan's (edited) PlanAssumptions, None for the defaults of the answers.
    """
    if lists not in LIST_CHOICES:
        raise ValueError(f"lists must be one of {LIST_CHOICES}")
    if analysis is not None:
        # the dormant layers of the report are valued as the plan prices them
        analysis = analysis.for_answers(answers, assumptions)
        assumptions = analysis.assumptions
    diagnosis = diagnosis_of(analysis, answers, lang)
    plan = plan_of(analysis, answers, assumptions, lang)
    diagnosis_json = diagnosis.to_json()
    diagnosis_json["actions"] = plan_actions(plan)
    out: dict[str, Any] = {"client": client, "created_at": created_at, "lang": lang,
                           "diagnosis": diagnosis_json, "cta": dict(cta or {}),
                           "comparison": comparison_table(diagnosis.comparison)}
    if analysis is None:
        return out
    out["figures"] = analysis.figures()
    from engine.figures import labelled

    out["data_kpis"] = labelled(out["figures"], lang)
    if analysis.has_customers and not analysis.known_orders.empty:
        out.update(sections(analysis, lang, lists))
    table, stated = plan_section(plan, assumptions, answers, lang)
    if table:
        out.update(plan=table, assumptions=stated)
    return out


def _aggregate(table: Any) -> Any:
    if isinstance(table, pd.DataFrame):
        return table[[c for c in SEGMENT_COLUMNS if c in table.columns]]
    return table


def save_record(report: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """What `Store.save` gets from a report input: answers, scores, KPIs, the shop's figures
    (plain numbers), aggregated segment figures and the plan. Customer lists never."""
    record: dict[str, Any] = {"client": str(report.get("client") or "").strip(),
                              "lang": report.get("lang") or "ja", "answers": dict(answers),
                              "diagnosis": dict(report["diagnosis"])}
    if report.get("segments"):
        record["segments"] = {name: _aggregate(table)
                              for name, table in report["segments"].items()}
    for key in ("ranks", "dormant", "plan", "assumptions"):
        if report.get(key) is not None:
            record[key] = report[key]
    figures = {k: v for k, v in (report.get("figures") or {}).items() if v is not None}
    record["data_kpis"] = figures or None
    return record


__all__ = ["comparison_table", "plan_actions", "report_input", "save_record"]

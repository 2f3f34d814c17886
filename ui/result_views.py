"""The sections of the result page: the weakest area, the score chart, the area cards, the
answers beside the data, the KPI cards and the plan grouped by Omega step.

Every figure comes from the session's one analysis (`ui.analysis.current`) through
`engine.shop`: the diagnosis and the plan here are the ones the plan page, the report, the
saved diagnosis and the command line show.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.actions import step_title
from engine.diagnosis import Diagnosis, level_label
from ui.charts import score_bars
from ui.state import lang
from ui.text import tr

LEVEL_COLOR = {"good": "green", "caution": "orange", "poor": "red", "unknown": "gray"}
OMEGA_STEPS = "ABCDEF"


def weakest_banner(result: Diagnosis) -> None:
    weakest = next(a for a in result.areas if a.id == result.weakest[0])
    if weakest.score is not None:
        st.error(f"**{tr('ui.result.weakest_title', area=weakest.label)}** — {weakest.reason}")


def score_chart(result: Diagnosis) -> None:
    st.subheader(tr("ui.result.scores_title"))
    areas = {a.id: a for a in result.areas}
    rows = [{"label": areas[i].label, "score": areas[i].score, "level": areas[i].level,
             "level_label": level_label(areas[i].level, lang())} for i in result.weakest]
    st.altair_chart(score_bars(rows, area_title=tr("ui.result.chart_area"),
                               score_title=tr("ui.result.chart_score"),
                               level_title=tr("ui.result.chart_level")), width="stretch")


def area_cards(result: Diagnosis) -> None:
    st.subheader(tr("ui.result.areas_title"))
    areas = {a.id: a for a in result.areas}
    for area in (areas[i] for i in result.weakest):
        score = tr("ui.result.unknown_score") if area.score is None else f"{area.score}"
        confidence = tr("ui.result.confidence", pct=round(area.confidence * 100))
        with st.container(border=True):
            badge = f":{LEVEL_COLOR[area.level]}-badge[{level_label(area.level, lang())}]"
            source = (f" · :blue-badge[{tr('plan.source_data')}]"
                      if result.source(area.id) == "data" else "")
            st.markdown(f"{badge} **{area.label}** — {score} · {confidence}{source}")
            st.caption(area.reason)


def comparison(result: Diagnosis) -> None:
    """The answers beside the figures of the order file, gaps flagged."""
    if not result.comparison:
        return
    st.subheader(tr("plan.compare.title"))
    st.caption(tr("plan.compare.note"))
    note = next((row.get("channel_note") for row in result.comparison
                 if row.get("channel_note")), "")
    if note:  # a mall file is shown beside own-site answers, never scored as them
        st.info(note, icon=":material/storefront:")
    for row in result.comparison:
        if row["flag"]:
            st.warning(f"**{row['label']}** — {row['message']}: {tr('plan.compare.answer')} "
                       f"{row['answer_text']} / {tr('plan.compare.data')} {row['data_text']}")
    st.dataframe(pd.DataFrame([{
        tr("ui.result.item"): row["label"],
        tr("plan.compare.answer"): row["answer_text"],
        tr("plan.compare.data"): row["data_text"],
        tr("plan.compare.difference"): row["gap_text"],
    } for row in result.comparison]), hide_index=True)


KPI_CSS = """<style>
.st-key-kpi_cards { flex-wrap: wrap; }
.st-key-kpi_cards > div { flex: 1 1 calc(33.3% - 1rem); min-width: calc(33.3% - 1rem); }
@media (max-width: 640px) {
  .st-key-kpi_cards > div { flex: 1 1 calc(50% - .5rem); min-width: calc(50% - .5rem); }
}
</style>"""


def kpi_cards(result: Diagnosis) -> None:
    st.subheader(tr("ui.result.kpi_title_data" if result.from_data else "ui.result.kpi_title"))
    cards = result.kpi_cards()
    known = [card for card in cards if card["available"]]
    unknown = [card for card in cards if not card["available"]]
    if not known:
        st.info(tr("ui.result.kpi_none"))
    # Cards flow in rows of three, two on a phone (KPI_CSS), instead of one per row.
    st.html(KPI_CSS)
    with st.container(horizontal=True, key="kpi_cards", gap="small"):
        for card in known:
            st.metric(card["label"], card["value"], help=card["note"], border=True)
    if unknown:  # one line, not a wall of 「—」 cards
        with st.expander(tr("ui.result.kpi_unknown", n=len(unknown))):
            for card in unknown:
                st.markdown(f"- **{card['label']}** — {card['note']}")


def plan_by_step(result: Diagnosis, plan: list) -> None:
    """The plan (the plan page's rows and ★) grouped by Omega step A–F."""
    st.subheader(tr("ui.result.plan_title"))
    st.page_link("pages/plan.py", icon=":material/paid:",
                 label=tr("ui.result.plan_link_data" if result.from_data
                          else "ui.result.plan_link"))
    if not plan:
        st.info(tr("ui.result.plan_empty"))
        return
    st.caption(tr("ui.result.plan_intro"))
    areas = {a.id: a.label for a in result.areas}
    sep = ":" if lang() == "ja" else ": "
    for step in OMEGA_STEPS:
        rows = [row for row in plan if row.step == step]
        if not rows:
            continue
        st.markdown(f"#### {tr('ui.result.step_label', step=step, title=step_title(step, lang()))}")
        for row in rows:
            star = "★ " if row.top else ""
            where = areas.get(row.area) or ""  # a data row names its target in "why"
            with st.container(border=True):
                st.markdown(f"**{star}{row.title}**" + (f" · {where}" if where else ""))
                st.markdown(f"{tr('ui.result.why')}{sep}{row.why}")
                st.markdown(f"{tr('ui.result.first_step')}{sep}{row.first_step}")

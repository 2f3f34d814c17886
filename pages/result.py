"""Diagnosis result: six area scores (weakest first), KPI cards and the Omega action plan."""
import pandas as pd
import streamlit as st

from engine.actions import step_title
from engine.consistency import check_answers
from engine.diagnosis import diagnose, level_label
from engine.errors import KarteError
from ui import data
from ui.charts import score_bars
from ui.saving import cta_box, report_panel, save_panel
from ui.state import answers, enter_through_app, lang
from ui.text import tr

enter_through_app(__file__)

LEVEL_COLOR = {"good": "green", "caution": "orange", "poor": "red", "unknown": "gray"}
OMEGA_STEPS = "ABCDEF"

st.title(tr("ui.result.title"))
if not answers():
    st.info(tr("ui.result.no_answers"))
    if st.button(tr("ui.result.go_wizard"), type="primary"):
        st.switch_page("pages/diagnosis.py")
    st.stop()

try:
    book = data.book()
except KarteError:
    book = None  # the data page explains an unreadable file; the answers still give a result
result = diagnose(answers(), lang(), data=book if book is not None and book.report.has_customers
                  else None)
for slip in check_answers(result.answers, lang()):
    st.warning(slip.message, icon=":material/error:")
areas = {a.id: a for a in result.areas}
ranked = [areas[area_id] for area_id in result.weakest]

weakest = ranked[0]
if weakest.score is not None:
    st.error(f"**{tr('ui.result.weakest_title', area=weakest.label)}** — {weakest.reason}")

st.subheader(tr("ui.result.scores_title"))
rows = [{"label": a.label, "score": a.score, "level": a.level,
         "level_label": level_label(a.level, lang())} for a in ranked]
st.altair_chart(score_bars(rows, area_title=tr("ui.result.chart_area"),
                           score_title=tr("ui.result.chart_score"),
                           level_title=tr("ui.result.chart_level")), width="stretch")

st.subheader(tr("ui.result.areas_title"))
for area in ranked:
    score = tr("ui.result.unknown_score") if area.score is None else f"{area.score}"
    confidence = tr("ui.result.confidence", pct=round(area.confidence * 100))
    with st.container(border=True):
        badge = f":{LEVEL_COLOR[area.level]}-badge[{level_label(area.level, lang())}]"
        source = (f" · :blue-badge[{tr('plan.source_data')}]" if result.source(area.id) == "data"
                  else "")
        st.markdown(f"{badge} **{area.label}** — {score} · {confidence}{source}")
        st.caption(area.reason)

if result.comparison:
    st.subheader(tr("plan.compare.title"))
    st.caption(tr("plan.compare.note"))
    for row in result.comparison:
        if row["flag"]:
            st.warning(f"**{row['label']}** — {row['message']}: {tr('plan.compare.answer')} "
                       f"{row['answer_text']} / {tr('plan.compare.data')} {row['data_text']}")
    compare = pd.DataFrame([{
        tr("ui.result.item"): row["label"],
        tr("plan.compare.answer"): row["answer_text"],
        tr("plan.compare.data"): row["data_text"],
        tr("plan.compare.difference"): row["gap_text"],
    } for row in result.comparison])
    st.dataframe(compare, hide_index=True)

st.subheader(tr("ui.result.kpi_title_data" if result.from_data else "ui.result.kpi_title"))
cards = result.kpi_cards()
if not any(card["available"] for card in cards):
    st.info(tr("ui.result.kpi_none"))
columns = st.columns(3)
for i, card in enumerate(cards):
    with columns[i % 3]:
        st.metric(card["label"], card["value"], help=card["note"], border=True)

st.subheader(tr("ui.result.plan_title"))
st.page_link("pages/plan.py", icon=":material/paid:",
             label=tr("ui.result.plan_link_data" if result.from_data else "ui.result.plan_link"))
if not result.actions:
    st.info(tr("ui.result.plan_empty"))
else:
    st.caption(tr("ui.result.plan_intro"))
    for step in OMEGA_STEPS:
        step_actions = [a for a in result.actions if a.step == step]
        if not step_actions:
            continue
        st.markdown(f"#### {tr('ui.result.step_label', step=step, title=step_title(step, lang()))}")
        for action in step_actions:
            star = "★ " if action.top else ""
            with st.container(border=True):
                st.markdown(f"**{star}{action.title}** · {areas[action.area].label}")
                st.markdown(f"{tr('ui.result.why')}:{action.why}" if lang() == "ja"
                            else f"{tr('ui.result.why')}: {action.why}")
                st.markdown(f"{tr('ui.result.first_step')}:{action.first_step}" if lang() == "ja"
                            else f"{tr('ui.result.first_step')}: {action.first_step}")

if st.button(tr("ui.result.edit_answers"), icon=":material/edit:"):
    st.switch_page("pages/diagnosis.py")

cta_box()
report_panel(result.to_json(), answers())
save_panel(result.to_json(), answers())

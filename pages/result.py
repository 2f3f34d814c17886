"""Diagnosis result: the weakest area, six area scores, the answers beside the order data, the
KPI cards and the Omega action plan; then the report, saving and the call to action."""
import streamlit as st

from engine.consistency import check_answers
from engine.shop import diagnosis_of
from ui import analysis as cached
from ui import result_views as views
from ui.saving import cta_box, report_panel, save_panel
from ui.state import answers, enter_through_app, lang
from ui.text import tr

enter_through_app(__file__)

st.title(tr("ui.result.title"))
if not answers():
    st.info(tr("ui.result.no_answers"))
    if st.button(tr("ui.result.go_wizard"), type="primary"):
        st.switch_page("pages/diagnosis.py")
    st.stop()

# The session's data when a usable file is loaded (the data page explains an unreadable one).
analysis = cached.current()
result = diagnosis_of(analysis, answers(), lang())

for slip in check_answers(result.answers, lang()):
    st.warning(slip.message, icon=":material/error:")
views.weakest_banner(result)
views.score_chart(result)
views.area_cards(result)
views.comparison(result)
views.kpi_cards(result)
with st.spinner(tr("ui.result.plan_wait")):  # the plan prices targets: the slow part
    plan = cached.session_plan(analysis, answers())
views.plan_by_step(result, plan)

if st.button(tr("ui.result.edit_answers"), icon=":material/edit:"):
    st.switch_page("pages/diagnosis.py")

cta_box()
report_panel()
save_panel()

"""A plan that pays: each action's target customers, channel, cost and expected profit.

Estimates come from the order data (targets counted per segment) and editable assumptions; the
answer-based plan of the diagnosis is the fallback without data. The rows and their ★ are the
ones the result page, the report and the command line show (`engine.shop`).
"""
import streamlit as st

from engine.errors import KarteError
from ui import analysis as cached
from ui import data
from ui import plan_views as views
from ui.state import answers, enter_through_app
from ui.text import error_text, tr

enter_through_app(__file__)

st.title(tr("plan.title"))
st.caption(tr("plan.explain"))

try:
    data.book()
except KarteError as exc:
    st.error(error_text(exc))
analysis = cached.current()
has_data = analysis is not None and analysis.has_customers

views.assumptions_editor(answers())
if not has_data:
    st.info(tr("plan.fallback"))
    st.page_link("pages/data.py", label=tr("ui.analysis.go_data"), icon=":material/upload_file:")
try:
    rows = cached.session_plan(analysis, answers())
except KarteError as exc:
    st.error(error_text(exc))
    st.stop()

views.totals_section(rows)
views.action_cards(rows, analysis if has_data else None, answers())

"""A plan that pays: each action's target customers, channel, cost and expected profit.

Estimates come from the order data (targets counted per segment) and editable assumptions; the
answer-based plan of the diagnosis is the fallback without data.
"""
import streamlit as st

from engine.analysis import customers
from engine.errors import KarteError
from engine.roi import build_data_plan
from ui import analysis as cached
from ui import data
from ui import plan_views as views
from ui.state import answers, enter_through_app, lang
from ui.text import error_text, tr

enter_through_app(__file__)

st.title(tr("plan.title"))
st.caption(tr("plan.explain"))

try:
    book = data.book()
except KarteError as exc:
    st.error(error_text(exc))
    book = None
has_data = book is not None and book.report.has_customers

assumptions = views.assumptions_editor(answers())

if has_data:
    as_of = customers.resolve_as_of(book.orders)
    try:
        frame = cached.plan_frame(data.book_key(), as_of, book)
    except KarteError as exc:
        st.error(error_text(exc))
        st.stop()
    rows = build_data_plan(book, answers(), assumptions, as_of, lang(), frame=frame)
else:
    st.info(tr("plan.fallback"))
    st.page_link("pages/data.py", label=tr("ui.analysis.go_data"), icon=":material/upload_file:")
    rows = build_data_plan(None, answers(), assumptions, lang=lang())

views.totals_section(rows)
views.action_cards(rows)

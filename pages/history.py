"""Saved diagnoses. The consultant (or the single user of a local app) lists every diagnosis,
opens one (read-only, with its report), deletes it after a confirm step, compares two of one
client and sees the scores over time. Anyone else opens only the diagnoses this browser
session saved, or one whose access code they hold (`?code=` link or typed)."""
import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from engine.errors import KarteError
from ui import auth
from ui import history_views as views
from ui.state import enter_through_app
from ui.store import store
from ui.text import error_text, tr, tr_md

enter_through_app(__file__)

ALL = ""  # the client filter's "all clients" choice


st.title(tr("history.title"))
try:
    db = store()
    views.open_from_link(db)
    clients = db.clients() if auth.is_consultant() else []
except KarteError as exc:
    st.error(error_text(exc))
    st.stop()
except SQLAlchemyError as exc:
    st.error(tr("ui.history.db_error", detail=type(exc).__name__))
    st.stop()

if not auth.is_consultant():
    views.visitor_page(db)
    st.stop()

if not clients:
    st.info(tr("history.empty"))
    st.page_link("pages/result.py", label=tr("ui.nav.result"), icon=":material/monitoring:")
    st.stop()

if st.session_state.get("hist_client") not in [ALL, *clients]:
    st.session_state.pop("hist_client", None)  # its diagnoses were all deleted
client = st.selectbox(tr("ui.history.filter_client"), [ALL, *clients], key="hist_client",
                      format_func=lambda c, everyone=tr("ui.history.all_clients"): c or everyone)
summaries = db.list(client or None)

tab_list, tab_compare, tab_trend = st.tabs([tr("ui.history.tab_list"),
                                            tr("ui.history.tab_compare"),
                                            tr("ui.history.tab_trend")])
with tab_list:
    st.caption(tr("ui.history.count", n=len(summaries)))
    st.dataframe(pd.DataFrame({
        tr("ui.history.col_id"): [s.id for s in summaries],
        tr("history.client"): [s.client for s in summaries],
        tr("history.created_at"): [views.when(s.created_at) for s in summaries],
        tr("ui.history.col_mean"): [s.mean_score for s in summaries]}), hide_index=True)
    options = {s.id: tr("ui.history.option", id=s.id, client=s.client,
                        date=f"{s.created_at:%Y-%m-%d}",
                        mean=views.number(s.mean_score)) for s in summaries}
    if st.session_state.get("hist_open") not in options:
        st.session_state.pop("hist_open", None)
    chosen = st.selectbox(tr("ui.history.choose"), list(options), key="hist_open",
                          format_func=options.get)
    try:
        views.show_saved(db, chosen)
    except KarteError as exc:  # deleted in another session meanwhile
        st.error(error_text(exc))
    from ui.campaign_views import history_table

    history_table(db, client or None)   # the campaigns beside the diagnoses (issue 15)

with tab_compare:
    if not client:
        st.info(tr("ui.history.pick_client"))
    elif len(summaries) < 2:
        st.info(tr("ui.history.need_two", n=len(summaries)))
    else:
        views.compare(db, summaries)

with tab_trend:
    if not client:
        st.info(tr("ui.history.pick_client"))
    else:
        history = db.history(client)
        st.caption(tr_md("ui.history.trend_caption", client=client, n=history["id"].nunique()))
        st.altair_chart(views.trend_chart(history), width="stretch", height=500)

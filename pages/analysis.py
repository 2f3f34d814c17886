"""Customer analysis: RFM, clusters, CPM segments, four ranks, retention, dormant customers and
lists to act on, for a reference date the user can move."""
import pandas as pd
import streamlit as st

from engine.analysis import customers
from engine.errors import KarteError
from ui import analysis as cached
from ui import customer_views as views
from ui import data
from ui.state import enter_through_app, lang
from ui.text import error_text, tr

enter_through_app(__file__)

st.title(tr("analysis.title"))

try:
    book, key, is_sample = data.book_or_sample()
    customers.require_customers(book)
except KarteError as exc:
    st.error(error_text(exc))
    st.page_link("pages/data.py", label=tr("ui.analysis.go_data"), icon=":material/upload_file:")
    st.stop()
if is_sample:  # the first screen of `make run` shows the built-in sample shop
    st.info(tr("ui.analysis.sample_notice"))

default_as_of = customers.default_as_of(book.orders)
as_of = pd.Timestamp(st.date_input(tr("analysis.as_of"), value=default_as_of.date(),
                                   help=tr("ui.analysis.as_of_help")))
table = views.table_or_stop(key, as_of, book)

guests = customers.guest_orders(book.orders, as_of)
st.caption(tr("analysis.customers_counted", as_of=as_of.date(), n=f"{len(table):,}")
           + (" " + tr("analysis.guests_excluded", n=f"{guests:,}") if guests else ""))

figures = cached.retention_figures(key, as_of, book)
views.headline(table, figures)

tab_rfm, tab_clusters, tab_cpm, tab_ranks, tab_retention, tab_dormant, tab_lists = st.tabs([
    tr("ui.analysis.tab_rfm"), tr("ui.analysis.tab_clusters"), tr("ui.analysis.tab_cpm"),
    tr("ui.analysis.tab_ranks"), tr("ui.analysis.tab_retention"), tr("clv.dormant.title"),
    tr("ui.analysis.tab_lists")])

with tab_rfm:
    scored = views.rfm_section(key, as_of, table)
with tab_clusters:
    clusters = views.clusters_section(key, as_of, table)
with tab_cpm:
    cpm_segments = views.cpm_section(key, as_of, table)
with tab_ranks:
    ranked = views.ranks_section(key, as_of, table)
with tab_retention:
    views.retention_section(figures)
with tab_dormant:
    views.dormant_section(key, as_of, book)
with tab_lists:
    views.lists_section(table, scored, clusters, cpm_segments, ranked)

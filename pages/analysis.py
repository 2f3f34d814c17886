"""Customer analysis: RFM, clusters, CPM segments, four ranks, retention, dormant customers and
lists to act on, for a reference date the user can move."""
import pandas as pd
import streamlit as st

from engine.analysis import customers
from engine.errors import KarteError
from ui import analysis as cached
from ui import customer_views as views
from ui import data
from ui.state import enter_through_app
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

analysis = cached.of(book, key)
default_as_of = customers.default_as_of(book.orders)
as_of_widget = cached.widget_key(key, "as_of")
if as_of_widget not in st.session_state:
    st.session_state[as_of_widget] = analysis.as_of.date()
picked = pd.Timestamp(st.date_input(tr("analysis.as_of"), key=as_of_widget,
                                    help=tr("ui.analysis.as_of_help")))
cached.set_params(key, as_of=None if picked == default_as_of else picked)
analysis = cached.of(book, key)
table = views.table_or_stop(analysis)

guests = analysis.guest_orders
st.caption(tr("analysis.customers_counted", as_of=analysis.as_of.date(), n=f"{len(table):,}")
           + (" " + tr("analysis.guests_excluded", n=f"{guests:,}") if guests else ""))
views.headline(analysis)

# "make lists" from the data page opens the lists tab
open_lists = st.session_state.pop("open_lists_tab", False)
tab_rfm, tab_clusters, tab_cpm, tab_ranks, tab_retention, tab_dormant, tab_lists = st.tabs([
    tr("ui.analysis.tab_rfm"), tr("ui.analysis.tab_clusters"), tr("ui.analysis.tab_cpm"),
    tr("ui.analysis.tab_ranks"), tr("ui.analysis.tab_retention"), tr("clv.dormant.title"),
    tr("ui.analysis.tab_lists")], default=tr("ui.analysis.tab_lists") if open_lists else None)

with tab_rfm:
    analysis = views.rfm_section(analysis, key)
with tab_clusters:
    analysis = views.clusters_section(analysis, key)
with tab_cpm:
    analysis = views.cpm_section(analysis, key)
with tab_ranks:
    analysis = views.ranks_section(analysis, key)
with tab_retention:
    views.retention_section(analysis.retention)
with tab_dormant:
    views.dormant_section(analysis, key)
with tab_lists:
    views.lists_section(analysis, key)

"""Order data: drop the shop's export (or pick a sample shop) and see what was read.

Shows the recognised format, encoding, rows read / kept / dropped by reason (with examples),
orders, customers, period and revenue; opens a column-mapping step for unknown layouts.
"""
import streamlit as st

from engine import samples
from engine.errors import IngestError
from engine.i18n import t
from engine.ingest import list_presets
from ui import data
from ui import data_views as views
from ui.state import enter_through_app, lang
from ui.text import error_text, tr

enter_through_app(__file__)

LAYOUT_ERRORS = {"ingest.error.unknown_layout", "ingest.error.no_amount", "ingest.error.no_dates"}
NONE = ""

st.title(tr("ui.data.title"))
st.caption(tr("ui.data.intro"))

upload_col, sample_col = st.columns([3, 2])
with upload_col:
    uploaded = st.file_uploader(tr("ui.data.upload"), type=["csv", "tsv", "txt", "xlsx"],
                                accept_multiple_files=True, help=tr("ui.data.upload_help"))
    if uploaded:
        data.use_uploads([(f.getvalue(), f.name) for f in uploaded])
with sample_col.container(border=True):
    shop = st.selectbox(tr("ui.data.sample_shop"), samples.SHOPS,
                        format_func=lambda s, lg=lang(): samples.shop_label(s, lg))
    st.caption(samples.shop_description(shop, lang()))
    if st.button(tr("ui.home.sample_button"), icon=":material/storefront:"):
        data.use_sample(shop)

src = data.source()
if src is None:
    st.info(tr("ui.data.empty"))
    st.stop()

presets = {p.id: p for p in list_presets()}
with st.expander(tr("ui.data.options"), expanded=False):
    formats = [NONE] + list(presets)
    chosen = st.selectbox(tr("ui.data.format_override"), formats,
                          index=formats.index(src.format or NONE),
                          format_func=lambda f, lg=lang(): t("ui.data.auto", lg) if f == NONE
                          else presets[f].label(lg))
    if (chosen or None) != src.format:
        data.update_source(format=chosen or None, mapping=())
        st.rerun()
    mapping_open = st.toggle(tr("ui.data.open_mapping"), key="mapping_open")

if mapping_open or src.mapping:
    views.mapping_step(None)
try:
    book = views.read_book()
    if book.report.details.get("unsure") and not (mapping_open or src.mapping):
        views.mapping_step(None)   # the reader guessed: its best guesses, to confirm
except IngestError as exc:
    st.error(error_text(exc))
    if exc.key in LAYOUT_ERRORS and not (mapping_open or src.mapping):
        views.reuse_saved_mapping()  # reruns when a saved mapping fits these columns
        views.mapping_step(exc)
    st.stop()

views.summary_section(book, presets)
views.next_steps(book)

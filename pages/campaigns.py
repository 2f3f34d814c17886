"""施策の効果: the saved campaigns this session may see, each measured on the session's (newer)
order data: mailed vs control, the difference with its interval, the incremental profit, the
plan's estimate beside it (engine.campaigns)."""
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from engine.errors import KarteError
from ui import campaign_views as views
from ui import data
from ui.state import enter_through_app, lang
from ui.store import store
from ui.text import error_text, md, tr

enter_through_app(__file__)

st.title(tr("campaign.title"))
st.caption(tr("campaign.explain"))
try:
    db = store()
    views.open_by_code(db)     # first: a code typed in this run opens its campaign now
    campaigns = views.visible_campaigns(db)
except KarteError as exc:
    st.error(error_text(exc))
    st.stop()
except SQLAlchemyError as exc:
    st.error(tr("ui.history.db_error", detail=type(exc).__name__))
    st.stop()

if not campaigns:
    st.info(tr("campaign.ui.none"))
    st.stop()

options = {c["row_id"]: tr("campaign.ui.option", date=c.get("date"),
                           label=md(c.get(f"label_{lang()}") or c.get("label_ja") or ""),
                           mailed=f"{c.get('mailed_size', '')}", control=f"{c.get('control_size', '')}")
           for c in campaigns}
chosen = st.multiselect(tr("campaign.ui.choose"), list(options), default=list(options)[:5],
                        format_func=options.get, key="campaign_chosen")
try:
    book = data.book()
except KarteError as exc:
    st.error(error_text(exc))
    book = None
if book is None:
    st.info(tr("campaign.ui.need_data"))
    st.page_link("pages/data.py", label=tr("ui.analysis.go_data"), icon=":material/upload_file:")
    st.stop()
picked = [c for c in campaigns if c["row_id"] in chosen and views.may_open(c["row_id"])]
views.measure_section(picked, db, book)

"""Live session for consultants: a sample-shop selector, the score chart and the RFM cut points
with how many customers change group, on one screen; a presenter view (large type, no
sidebar) for a projector."""
import streamlit as st

from ui import live_views as views
from ui.auth import require_consultant
from ui.state import enter_through_app
from ui.text import tr

enter_through_app(__file__)
require_consultant()  # the live mode is the consultant's

presenter = views.presenter_toggle()
st.title(tr("ui.live.title"))
if not presenter:
    st.caption(tr("ui.live.intro"))
shop = views.shop_picker()

left, right = st.columns(2, gap="large")
with left:
    views.scores(shop, presenter)
with right:
    views.cut_points(presenter)

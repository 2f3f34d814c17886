"""Live session for consultants: a sample-shop selector, the score chart, the RFM cut points
with how many customers change group and the segments before → after, on one screen; a
presenter view (large type, no sidebar) that fits a 1280×720 or 1920×1080 projector."""
import streamlit as st

from ui import live_views as views
from ui.auth import require_consultant
from ui.state import enter_through_app
from ui.text import tr

enter_through_app(__file__)
require_consultant()  # the live mode is the consultant's

title_col, shop_col, toggle_col = st.columns([1.1, 2, 1], vertical_alignment="bottom")
with toggle_col:
    presenter = views.presenter_toggle()
title_col.title(tr("ui.live.title"))
with shop_col:
    views.shop_picker()
if not presenter:
    st.caption(tr("ui.live.intro"))

scores_col, rest_col = st.columns([1.3, 2], gap="medium")
with scores_col:
    views.scores(presenter)
with rest_col:
    views.cut_points(presenter)

"""通販カルテ — entry point: page config, language switch and navigation."""
import streamlit as st

from engine.i18n import LANGUAGES
from ui.text import tr

st.set_page_config(page_title="通販カルテ", page_icon=":material/stethoscope:", layout="wide",
                   initial_sidebar_state="auto")

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}
st.sidebar.radio("言語 / Language", LANGUAGES, key="lang", horizontal=True,
                 format_func=LANGUAGE_NAMES.get)

pages = [
    st.Page("pages/home.py", title=tr("ui.nav.home"), icon=":material/home:", default=True),
    st.Page("pages/diagnosis.py", title=tr("ui.nav.diagnosis"), icon=":material/edit_note:", url_path="diagnosis"),
    st.Page("pages/result.py", title=tr("ui.nav.result"), icon=":material/monitoring:", url_path="result"),
]
st.navigation(pages).run()
st.sidebar.caption(tr("ui.sidebar.privacy"))

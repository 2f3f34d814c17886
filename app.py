"""通販カルテ — entry point: page config, language switch and navigation."""
import streamlit as st

from engine.i18n import LANGUAGES
from ui import browser, warmup
from ui.analysis import settings
from ui.auth import sidebar_notice
from ui.errors import run_page
from ui.state import lang
from ui.text import tr
from ui.memory import start_trimmer
from ui.uploads import keep_uploads_in_memory

keep_uploads_in_memory()  # before any upload reaches this server process (README: Privacy)
start_trimmer()  # closed sessions' memory goes back to the system
warmup.start()  # sample shops built once per server (already running when ui.serve started it)

st.set_page_config(page_title="通販カルテ", page_icon=":material/stethoscope:", layout="wide",
                   initial_sidebar_state="auto")

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}
settings()  # the rule files, read once per server here; every analysis gets them from ui.analysis
browser.install()  # progress at the top during long reruns; phone keypads and drawer


def _switch_language() -> None:
    # The choice lives under its own key so that it survives pages that do not draw the switch.
    st.session_state.lang = st.session_state.lang_switch


st.sidebar.radio("言語 / Language", LANGUAGES, key="lang_switch", horizontal=True,
                 index=LANGUAGES.index(lang()), format_func=LANGUAGE_NAMES.get,
                 on_change=_switch_language)

pages = [
    st.Page("pages/home.py", title=tr("ui.nav.home"), icon=":material/home:", default=True),
    st.Page("pages/diagnosis.py", title=tr("ui.nav.diagnosis"), icon=":material/edit_note:", url_path="diagnosis"),
    st.Page("pages/result.py", title=tr("ui.nav.result"), icon=":material/monitoring:", url_path="result"),
    st.Page("pages/data.py", title=tr("ui.nav.data"), icon=":material/upload_file:", url_path="data"),
    st.Page("pages/analysis.py", title=tr("ui.nav.analysis"), icon=":material/groups:", url_path="analysis"),
    st.Page("pages/plan.py", title=tr("ui.nav.plan"), icon=":material/paid:", url_path="plan"),
    st.Page("pages/campaigns.py", title=tr("campaign.title"), icon=":material/science:", url_path="campaigns"),
    st.Page("pages/history.py", title=tr("ui.nav.history"), icon=":material/history:", url_path="history"),
    st.Page("pages/live.py", title=tr("ui.nav.live"), icon=":material/co_present:", url_path="live"),
]
st.session_state._entered_through_app = True  # see ui.state.enter_through_app
page = st.navigation(pages)
if "_deep_link" in st.session_state:
    st.switch_page(st.session_state.pop("_deep_link"))
# Before the page: a page that stops early (st.stop) must not take these with it.
st.sidebar.caption(tr("ui.sidebar.privacy"))
sidebar_notice()
run_page(page)  # an exception becomes a message with a reference id, never a traceback

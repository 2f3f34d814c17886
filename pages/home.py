"""Home: what the check-up is, how it works, and where to start (or try a sample shop)."""
import streamlit as st

from engine import samples
from ui import data
from ui.state import answers, enter_through_app, lang
from ui.text import tr

enter_through_app(__file__)

st.title(tr("ui.home.title"))
st.write(tr("ui.home.tagline"))

for col, step in zip(st.columns(3), ("step1", "step2", "step3")):
    with col.container(border=True):
        st.markdown(f"**{tr(f'ui.home.{step}_title')}**")
        st.caption(tr(f"ui.home.{step}_body"))

started = bool(answers())
start_col, result_col = st.columns(2)
if start_col.button(tr("ui.home.resume" if started else "ui.home.start"), type="primary",
                    icon=":material/edit_note:", width="stretch"):
    st.switch_page("pages/diagnosis.py")
if started and result_col.button(tr("ui.home.see_result"), width="stretch"):
    st.switch_page("pages/result.py")

with st.container(border=True):   # "just segment my file": upload, then the lists
    st.markdown(f"**{tr('ui.home.lists_title')}**")
    st.caption(tr("ui.home.lists_body"))
    if st.button(tr("ui.home.lists_button"), icon=":material/upload_file:", key="home_lists"):
        st.switch_page("pages/data.py")

with st.container(border=True):
    st.markdown(f"**{tr('ui.home.sample_title')}**")
    st.caption(tr("ui.home.sample_body"))
    shop = st.selectbox(tr("ui.data.sample_shop"), samples.SHOPS, key=f"home_shop_{lang()}",
                        format_func=lambda s, lg=lang(): samples.shop_label(s, lg))
    if st.button(tr("ui.home.sample_button"), icon=":material/storefront:"):
        data.use_sample_shop(shop)
        st.switch_page("pages/result.py")

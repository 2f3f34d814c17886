"""Home: what the check-up is, how it works, and where to start."""
import streamlit as st

from ui.state import answers
from ui.text import tr

st.title(tr("ui.home.title"))
st.write(tr("ui.home.tagline"))

for col, step in zip(st.columns(3), ("step1", "step2", "step3")):
    with col.container(border=True):
        st.markdown(f"**{tr(f'ui.home.{step}_title')}**")
        st.caption(tr(f"ui.home.{step}_body"))

started = bool(answers())
if st.button(tr("ui.home.resume" if started else "ui.home.start"), type="primary"):
    st.switch_page("pages/diagnosis.py")
if started and st.button(tr("ui.home.see_result")):
    st.switch_page("pages/result.py")

"""What the browser does on every page that Streamlit has no setting for.

* A progress bar and 「処理中…」 at the top of the window while a rerun takes longer than
  half a second: the minimal toolbar (.streamlit/config.toml) hides Streamlit's own running
  indicator. CSS only, keyed to the state Streamlit writes on its root element.
* On a phone: the sidebar drawer closes when a page is picked in it, and number questions
  open the numeric keypad (`inputmode`). `st.text_input` has no `inputmode` and `st.html` runs
  no script, so a small local component (Streamlit's components v2: a script in the page
  itself, nothing loaded from the internet) sets the attribute on the question fields and
  closes the drawer. The fields stay text fields, so 「1,200万」 and full-width digits still
  work on a computer.
"""
from __future__ import annotations

import streamlit as st

from engine.questions import load_questions
from ui.text import tr

NARROW_PX = 768   # Streamlit's own breakpoint for the sidebar drawer

_RUNNING_CSS = """<style>
[data-testid="stApp"][data-test-script-state="running"]::before {
  content: "%(label)s"; position: fixed; top: .4rem; right: 1rem; z-index: 1000100;
  padding: .2rem .8rem; border-radius: 1rem; background: #C0392B; color: #fff;
  font-size: .9rem; opacity: 0; pointer-events: none;
  animation: karte-busy 0s linear .5s forwards;
}
[data-testid="stApp"][data-test-script-state="running"]::after {
  content: ""; position: fixed; top: 0; left: 0; right: 0; height: 4px; z-index: 1000100;
  background: linear-gradient(90deg, transparent 0, #C0392B 50%%, transparent 100%%);
  background-size: 40%% 100%%; background-repeat: no-repeat; opacity: 0; pointer-events: none;
  animation: karte-busy 0s linear .5s forwards, karte-slide 1.2s linear infinite;
}
@keyframes karte-busy { to { opacity: 1; } }
@keyframes karte-slide { from { background-position: -40%% 0; } to { background-position: 140%% 0; } }
</style>"""

_JS = """
export default function(component) {
  const w = window;
  w.__karteInputs = (component.data && component.data.inputs) || {};
  w.__karteNarrow = (component.data && component.data.narrow) || 768;
  w.__karteApply = () => {
    for (const [key, mode] of Object.entries(w.__karteInputs)) {
      document.querySelectorAll('.st-key-' + CSS.escape(key) + ' input').forEach((el) => {
        if (el.getAttribute('inputmode') !== mode) el.setAttribute('inputmode', mode);
      });
    }
  };
  w.__karteApply();
  if (w.__karteObserver) return;
  w.__karteObserver = new MutationObserver(() => w.__karteApply());
  w.__karteObserver.observe(document.body, { childList: true, subtree: true });
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('[data-testid="stSidebarNav"] a');
    if (!link || w.innerWidth > w.__karteNarrow) return;
    setTimeout(() => {
      const sidebar = document.querySelector('[data-testid="stSidebar"]');
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      const open = sidebar && sidebar.getBoundingClientRect().right > 10;
      if (open && close) close.click();
    }, 0);
  }, true);
}
"""

_helper = st.components.v2.component("karte_browser", js=_JS)


def numeric_inputs() -> dict[str, str]:
    """The question fields that take numbers (widget key → inputmode): yen and counts are
    whole numbers, percentages may have decimals."""
    return {f"w_{q.id}": "decimal" if q.type == "percent" else "numeric"
            for q in load_questions() if q.type in ("yen", "count", "percent")}


def install() -> None:
    """Once per rerun, from app.py (in the sidebar: it takes no room on the page)."""
    st.html(_RUNNING_CSS % {"label": tr("ui.sidebar.busy").replace('"', "")})
    with st.sidebar:
        _helper(data={"inputs": numeric_inputs(), "narrow": NARROW_PX}, key="karte_browser")

"""The ten questions, a few at a time, with a progress bar and back / next."""
import re

import streamlit as st

from engine.questions import load_questions, steps
from ui.questions import question_field
from ui.state import answers, enter_through_app, lang
from ui.text import tr

enter_through_app(__file__)

MAIN_QUESTION = re.compile(r"q\d+")  # the ten questions; follow-ups are extra

all_steps = steps()
questions = {q.id: q for q in load_questions()}
current = min(st.session_state.get("wizard_step", 0), len(all_steps) - 1)
step = all_steps[current]

st.title(tr("ui.wizard.title"))
st.progress((current + 1) / len(all_steps),
            text=tr("ui.wizard.progress", current=current + 1, total=len(all_steps),
                    title=step.title(lang())))

errors = [question_field(questions[qid]) for qid in step.question_ids]
has_errors = any(errors)
if has_errors:
    st.warning(tr("ui.wizard.fix_errors"))

main_ids = [qid for qid in questions if MAIN_QUESTION.fullmatch(qid)]
answered = sum(1 for qid in main_ids if qid in answers())
st.caption(tr("ui.wizard.answered", answered=answered, total=len(main_ids)))

back_col, next_col = st.columns(2)
if current > 0 and back_col.button(tr("ui.wizard.back"), use_container_width=True):
    st.session_state.wizard_step = current - 1
    st.rerun()
last = current == len(all_steps) - 1
if next_col.button(tr("ui.wizard.finish" if last else "ui.wizard.next"), type="primary",
                   disabled=has_errors, use_container_width=True):
    if last:
        st.switch_page("pages/result.py")
    st.session_state.wizard_step = current + 1
    st.rerun()

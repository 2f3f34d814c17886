"""The sections of the live page: the presenter look, the sample-shop picker, the score chart
and the RFM cut points with who changes group. The figures are the session's one analysis
(`ui.analysis`): the cut points moved here are the ones the analysis page, the plan and the
report use."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from engine import samples
from engine.analysis import rfm
from engine.diagnosis import level_label
from engine.errors import KarteError
from engine.shop import diagnosis_of
from ui import analysis as cached
from ui import charts, data
from ui.customer_views import rfm_cut_editor, table_or_stop
from ui.state import answers, lang
from ui.text import error_text, tr, tr_md

# Presenter view: no sidebar, no toolbar, larger type, the full width. Local CSS only (no fonts
# from the internet). Charts get larger labels through their own config below.
PRESENTER_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1.5rem 2.5rem; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label p,
[data-testid="stMain"] input, [data-testid="stAlert"] p { font-size: 1.45rem !important; }
[data-testid="stMain"] h1 { font-size: 3.2rem !important; }
[data-testid="stMain"] h3 { font-size: 2.1rem !important; }
[data-testid="stMetricValue"] { font-size: 3rem !important; }
[data-testid="stNumberInputStepDown"], [data-testid="stNumberInputStepUp"] { display: none; }
</style>"""
RFM_KEYS = "live_rfm_"


def presenter_toggle() -> bool:
    presenter = st.toggle(tr("ui.live.presenter"), key="presenter",
                          help=tr("ui.live.presenter_help"))
    if presenter:
        st.html(PRESENTER_CSS)
    return presenter


def reset_cuts() -> None:
    """Back to the file's own cut points (the session's and the widgets')."""
    key = data.book_key()
    cached.set_params(key, rfm=None)
    prefix = cached.widget_key(key, RFM_KEYS)
    for widget in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[widget]


def shop_picker() -> str:
    """The sample shop selector; the session's data becomes that shop's on the button."""
    shop_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    current = st.session_state.get("sample_shop", samples.SHOPS[0])
    shop = shop_col.selectbox(tr("ui.live.sample_shop"), samples.SHOPS, key=f"live_shop_{lang()}",
                              index=samples.SHOPS.index(current) if current in samples.SHOPS else 0,
                              format_func=lambda s, lg=lang(): samples.shop_label(s, lg))
    if button_col.button(tr("ui.live.use_sample"), icon=":material/storefront:", width="stretch",
                         key="live_use_sample"):
        data.use_sample_shop(shop)
    if data.source() is None:  # a demo never waits for a client file
        data.use_sample(shop)
    return shop


def big(chart, presenter: bool):
    if not presenter:
        return chart
    return chart.configure_axis(labelFontSize=18, titleFontSize=18).configure_legend(
        labelFontSize=18, titleFontSize=18)


def scores(shop: str, presenter: bool) -> None:
    """The scores of the current answers (the sample's when none were given), with the data's
    figures where the data has them, as on the result page."""
    st.subheader(tr("ui.live.scores_title"))
    shown = answers()
    if not shown:
        shown = samples.sample_answers(shop)
        st.caption(tr("ui.live.sample_answers", shop=samples.shop_label(shop, lang())))
    try:
        result = diagnosis_of(cached.current(), shown, lang())
    except KarteError as exc:
        st.error(error_text(exc))
        return
    areas = {a.id: a for a in result.areas}
    rows = [{"label": areas[i].label, "score": areas[i].score, "level": areas[i].level,
             "level_label": level_label(areas[i].level, lang())} for i in result.weakest]
    st.altair_chart(big(charts.score_bars(rows, area_title=tr("ui.result.chart_area"),
                                          score_title=tr("ui.result.chart_score"),
                                          level_title=tr("ui.result.chart_level"),
                                          font_size=20 if presenter else 13), presenter),
                    width="stretch")


def cut_points(presenter: bool) -> None:
    """The RFM cut points, how many customers change group, and the segment chart."""
    st.subheader(tr("ui.live.thresholds_title"))
    try:
        data.book()
        analysis = cached.current()
        if analysis is None:
            raise KarteError("analysis.error.no_customers")
        analysis.require_customers()
    except KarteError as exc:
        st.error(error_text(exc))
        return
    key = data.book_key()
    table_or_stop(analysis)
    st.caption(tr_md("ui.live.data_name", name=data.source().name) + " · "
               + tr("ui.live.thresholds_help"))
    defaults = analysis.rfm_defaults
    thresholds = rfm_cut_editor(analysis.rfm_thresholds, defaults,
                                cached.widget_key(key, RFM_KEYS), labels_beside=False)
    chosen = None if thresholds == defaults else thresholds
    cached.set_params(key, rfm=chosen)
    analysis = analysis.with_params(rfm=chosen)
    labels = rfm.segment_labels(lang())
    if chosen is not None:
        moved = analysis.rfm_moves()
        st.info(tr("analysis.rfm.changed", n=f"{len(moved):,}") if len(moved)
                else tr("analysis.rfm.unchanged"), icon=":material/swap_horiz:")
        if len(moved):
            matrix = rfm.change_matrix(moved).rename(index=labels, columns=labels)
            matrix.index.name = tr("ui.live.moves")  # rows: before, columns: after
            st.dataframe(matrix)
        st.button(tr("ui.live.reset"), on_click=reset_cuts, icon=":material/restart_alt:",
                  key="live_reset")
    counts = rfm.segment_counts(analysis.rfm)
    seg = pd.DataFrame({"segment": [labels[s] for s in counts],
                        "customers": list(counts.values())})
    st.markdown(f"**{tr('ui.live.segments_title')}**")
    st.altair_chart(big(charts.bars(seg, "segment", "customers",
                                    x_title=tr("analysis.columns.segment"),
                                    y_title=tr("ui.analysis.customers")), presenter),
                    width="stretch")

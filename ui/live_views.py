"""The sections of the live page: the presenter look, the sample-shop picker, the score chart
and the RFM cut points with who changes group. The figures are the session's one analysis
(`ui.analysis`): the cut points moved here are the ones the analysis page, the plan and the
report use.

Never a stale figure: the shop picker changes the session's data source at once (there is no
second step that could leave the screen showing one shop's chart and another's answers), and
every widget that shows a figure of the data is keyed with `ui.analysis.widget_key`, so it is
forgotten when the data source changes and starts again from the new file's own cut points.
"""
from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from engine import samples
from engine.analysis import rfm
from engine.diagnosis import level_label
from engine.errors import KarteError
from engine.shop import ShopAnalysis, diagnosis_of
from ui import analysis as cached
from ui import charts, data
from ui.customer_views import thresholds_or_defaults
from ui.state import answers, lang
from ui.text import error_text, tr, tr_md

# Presenter view: no sidebar, no toolbar, large type, the full width, tight spacing, so that
# the score chart, the cut points and the segment chart fit one 1280×720 screen. Local CSS
# only (no fonts from the internet). Charts get their larger labels through `big` below.
PRESENTER_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: .8rem 2rem 1rem; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: .45rem; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label p,
[data-testid="stMain"] input, [data-testid="stAlert"] p,
[data-testid="stMain"] [data-baseweb="select"] div { font-size: 1.3rem !important; }
[data-testid="stMain"] h1 { font-size: 2.2rem !important; padding: 0 !important; }
[data-testid="stMain"] h3 { font-size: 1.55rem !important; padding: .2rem 0 !important; }
[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBarMin"],
[data-testid="stSliderTickBarMax"] { font-size: 1.15rem !important; }
[data-testid="stTable"] th, [data-testid="stTable"] td { font-size: 1.2rem !important; }
@media (min-width: 1800px) {
  [data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label p,
  [data-testid="stAlert"] p, [data-testid="stMain"] [data-baseweb="select"] div {
    font-size: 1.65rem !important; }
  [data-testid="stMain"] h1 { font-size: 2.8rem !important; }
  [data-testid="stMain"] h3 { font-size: 2rem !important; }
  [data-testid="stSliderThumbValue"] { font-size: 1.45rem !important; }
  [data-testid="stTable"] th, [data-testid="stTable"] td { font-size: 1.5rem !important; }
}
</style>"""
RFM_KEYS = "live_rfm_"
SHOP_KEY = "live_shop"


def presenter_toggle() -> bool:
    presenter = st.toggle(tr("ui.live.presenter"), key="presenter",
                          help=tr("ui.live.presenter_help"))
    if presenter:
        st.html(PRESENTER_CSS)
    return presenter


def presenter_scale(presenter: bool) -> int:
    """Chart type size: the projector's (large) or the page's."""
    return 22 if presenter else 13


def _picked() -> None:
    shop = st.session_state.get(SHOP_KEY)
    if shop is not None:
        data.use_sample_shop(shop)  # its orders and its owner's answers, and fresh cut points


def shop_picker() -> None:
    """The sample shop selector: picking a shop makes it the session's data at once.

    The widget always shows the data actually on screen (the sample shop, or nothing picked
    when the consultant loaded a client's file on the data page)."""
    if data.source() is None:  # a demo never waits for a client file
        if answers():
            data.use_sample(samples.SHOPS[0])   # the owner's answers stay
        else:
            data.use_sample_shop(samples.SHOPS[0])
    src = data.source()
    showing = st.session_state.get("sample_shop") if src.kind == "sample" else None
    if st.session_state.get(SHOP_KEY) != showing:
        st.session_state[SHOP_KEY] = showing
    st.selectbox(tr("ui.live.sample_shop"), samples.SHOPS, key=SHOP_KEY, on_change=_picked,
                 placeholder=tr("ui.live.data_name", name=src.name),
                 format_func=lambda s, lg=lang(): samples.shop_label(s, lg))


def big(chart, presenter: bool):
    if not presenter:
        return chart
    size = presenter_scale(presenter)
    return chart.configure_axis(labelFontSize=size, titleFontSize=size).configure_legend(
        labelFontSize=size, titleFontSize=size)


def scores(presenter: bool) -> None:
    """The scores of the current answers (the sample's when none were given), with the data's
    figures where the data has them, as on the result page."""
    st.subheader(tr("ui.live.scores_title"))
    shown = answers()
    if not shown and data.source() is not None and data.source().kind == "sample":
        shop = st.session_state.get("sample_shop", samples.SHOPS[0])
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
                                          font_size=presenter_scale(presenter)), presenter),
                    width="stretch")


def reset_cuts() -> None:
    """Back to the file's own cut points (the session's and the widgets')."""
    key = data.book_key()
    cached.set_params(key, rfm=None)
    prefix = cached.widget_key(key, RFM_KEYS)
    for widget in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[widget]


def _value_text(dimension: str, value: float) -> str:
    if dimension == "recency_days":
        return tr("ui.live.days", n=f"{value:,.0f}")
    if dimension == "frequency":
        return tr("ui.analysis.times", n=f"{value:,.0f}")
    return f"¥{value:,.0f}"


def cut_sliders(current: rfm.RFMThresholds, defaults: rfm.RFMThresholds,
                key_prefix: str) -> rfm.RFMThresholds:
    """The cut points the segment rules read, as sliders in steps a consultant uses (days by
    the week, then the month; yen by ¥1,000: [rfm.steps] in segments.toml), each starting at
    the session's cut point."""
    used = rfm.used_cuts()
    cuts = {}
    for dim in rfm.DIMENSIONS:
        if not used[dim]:
            cuts[dim] = getattr(defaults, dim)
            continue
        options = rfm.cut_steps(dim, (*getattr(defaults, dim), *getattr(current, dim)))
        edited = {}
        for i in used[dim]:
            key = f"{key_prefix}{dim}_{i}"
            if key not in st.session_state:  # the session's cut point, after a page switch too
                st.session_state[key] = float(getattr(current, dim)[i])
            edited[i] = st.select_slider(rfm.cut_label(dim, i, lang=lang()), options=options,
                                         key=key, format_func=partial(_value_text, dim))
        cuts[dim] = rfm.complete_cuts(getattr(current, dim), edited)
    return thresholds_or_defaults(cuts, defaults)


def segments_before_after(analysis: ShopAnalysis, presenter: bool) -> None:
    """Customers per RFM segment with the file's own cut points and with the chosen ones, side
    by side, and who moved."""
    labels = rfm.segment_labels(lang())
    before = rfm.segment_counts(analysis.rfm_scores(analysis.rfm_defaults))
    after = rfm.segment_counts(analysis.rfm)
    st.subheader(tr("ui.live.segments_title"))
    st.markdown(f':gray[■ {tr("ui.live.before")}]　:red[■ {tr("ui.live.after")}]')
    frame = pd.DataFrame(
        [{"segment": labels[s], "which": tr("ui.live.before"), "customers": before[s]}
         for s in before]
        + [{"segment": labels[s], "which": tr("ui.live.after"), "customers": after[s]}
           for s in after])
    st.altair_chart(big(charts.before_after(
        frame, order=[labels[s] for s in before], series=[tr("ui.live.before"),
                                                          tr("ui.live.after")],
        count_title=tr("ui.analysis.customers"), segment_title=tr("analysis.columns.segment"),
        font_size=presenter_scale(presenter)), presenter), width="stretch")


@st.fragment
def cut_points(presenter: bool) -> None:
    """The RFM cut points, how many customers change group, and the segment chart (a fragment:
    moving a cut point reruns this part only, never the score chart beside it)."""
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
    cuts_col, chart_col = st.columns([1, 1.3], gap="medium")
    with cuts_col:
        st.subheader(tr("ui.live.thresholds_title"))
        if not presenter:
            st.caption(tr_md("ui.live.data_name", name=data.source().name) + " · "
                       + tr("ui.live.thresholds_help"))
        defaults = analysis.rfm_defaults
        thresholds = cut_sliders(analysis.rfm_thresholds, defaults,
                                 cached.widget_key(key, RFM_KEYS))
        chosen = None if thresholds == defaults else thresholds
        cached.set_params(key, rfm=chosen)
        analysis = analysis.with_params(rfm=chosen)
    moved = analysis.rfm_moves() if chosen is not None else None
    with chart_col:
        segments_before_after(analysis, presenter)
        if moved is not None:
            st.info(tr("analysis.rfm.changed", n=f"{len(moved):,}") if len(moved)
                    else tr("analysis.rfm.unchanged"), icon=":material/swap_horiz:")
            st.button(tr("ui.live.reset"), on_click=reset_cuts, icon=":material/restart_alt:",
                      key="live_reset")
    if moved is not None and len(moved):
        labels = rfm.segment_labels(lang())
        matrix = rfm.change_matrix(moved).rename(index=labels, columns=labels)
        matrix.index.name = tr("ui.live.moves")  # rows: before, columns: after
        st.table(matrix)  # plain table: its type follows the presenter view's size

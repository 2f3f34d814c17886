"""Live session for consultants: a sample-shop selector, the score chart and the RFM cut points
with how many customers change group, on one screen; a presenter view (large type, no
sidebar) for a projector."""
import pandas as pd
import streamlit as st

from engine import samples
from engine.analysis import customers, rfm
from engine.diagnosis import diagnose, level_label
from engine.errors import KarteError
from ui import analysis as cached
from ui import charts, data
from ui.customer_views import rfm_cut_editor, table_or_stop
from ui.auth import require_consultant
from ui.state import answers, enter_through_app, lang
from ui.text import error_text, tr, tr_md

enter_through_app(__file__)
require_consultant()  # the live mode is the consultant's

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


def load_sample(shop: str) -> None:
    """The sample shop's orders and answers replace the session's (as the home page does)."""
    data.use_sample_shop(shop)
    reset_cuts()


def reset_cuts() -> None:
    for key in [k for k in st.session_state if str(k).startswith(RFM_KEYS)]:
        del st.session_state[key]


def big(chart, presenter: bool):
    if not presenter:
        return chart
    return chart.configure_axis(labelFontSize=18, titleFontSize=18).configure_legend(
        labelFontSize=18, titleFontSize=18)


presenter = st.toggle(tr("ui.live.presenter"), key="presenter", help=tr("ui.live.presenter_help"))
if presenter:
    st.html(PRESENTER_CSS)
st.title(tr("ui.live.title"))
if not presenter:
    st.caption(tr("ui.live.intro"))

shop_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
current = st.session_state.get("sample_shop", samples.SHOPS[0])
shop = shop_col.selectbox(tr("ui.live.sample_shop"), samples.SHOPS, key=f"live_shop_{lang()}",
                          index=samples.SHOPS.index(current) if current in samples.SHOPS else 0,
                          format_func=lambda s, lg=lang(): samples.shop_label(s, lg))
if button_col.button(tr("ui.live.use_sample"), icon=":material/storefront:", width="stretch",
                     key="live_use_sample"):
    load_sample(shop)
if data.source() is None:  # a demo never waits for a client file
    data.use_sample(shop)
try:
    book = data.book()
except KarteError as exc:
    book, book_error = None, exc
else:
    book_error = None

left, right = st.columns(2, gap="large")

# --- scores of the current answers (the sample's when none were given) ------------------------
with left:
    st.subheader(tr("ui.live.scores_title"))
    shown = answers()
    if not shown:
        shown = samples.sample_answers(shop)
        st.caption(tr("ui.live.sample_answers", shop=samples.shop_label(shop, lang())))
    try:
        # As on the result page: the data's figures replace the answers they measure.
        result = diagnose(shown, lang(), data=book if book is not None
                          and book.report.has_customers else None)
    except KarteError as exc:
        st.error(error_text(exc))
        result = None
    if result is not None:
        areas = {a.id: a for a in result.areas}
        rows = [{"label": areas[i].label, "score": areas[i].score, "level": areas[i].level,
                 "level_label": level_label(areas[i].level, lang())} for i in result.weakest]
        st.altair_chart(big(charts.score_bars(rows, area_title=tr("ui.result.chart_area"),
                                              score_title=tr("ui.result.chart_score"),
                                              level_title=tr("ui.result.chart_level"),
                                              font_size=20 if presenter else 13),
                            presenter), width="stretch")

# --- RFM cut points: who changes group ---------------------------------------------------------
with right:
    st.subheader(tr("ui.live.thresholds_title"))
    try:
        if book_error is not None:
            raise book_error
        customers.require_customers(book)
    except KarteError as exc:
        st.error(error_text(exc))
        st.stop()
    key, as_of = data.book_key(), customers.default_as_of(book.orders)
    table = table_or_stop(key, as_of, book)
    st.caption(tr_md("ui.live.data_name", name=data.source().name) + " · "
               + tr("ui.live.thresholds_help"))
    defaults = cached.rfm_defaults(key, as_of, table)
    thresholds = rfm_cut_editor(defaults, RFM_KEYS, labels_beside=False)
    scored = cached.rfm_scores(key, as_of, thresholds, table)
    labels = rfm.segment_labels(lang())
    if thresholds != defaults:
        moved = rfm.segment_changes(cached.rfm_scores(key, as_of, defaults, table), scored)
        st.info(tr("analysis.rfm.changed", n=f"{len(moved):,}") if len(moved)
                else tr("analysis.rfm.unchanged"), icon=":material/swap_horiz:")
        if len(moved):
            matrix = rfm.change_matrix(moved).rename(index=labels, columns=labels)
            matrix.index.name = tr("ui.live.moves")  # rows: before, columns: after
            st.dataframe(matrix)
        st.button(tr("ui.live.reset"), on_click=reset_cuts, icon=":material/restart_alt:",
                  key="live_reset")
    counts = rfm.segment_counts(scored)
    seg = pd.DataFrame({"segment": [labels[s] for s in counts],
                        "customers": list(counts.values())})
    st.markdown(f"**{tr('ui.live.segments_title')}**")
    st.altair_chart(big(charts.bars(seg, "segment", "customers",
                                    x_title=tr("analysis.columns.segment"),
                                    y_title=tr("ui.analysis.customers")), presenter),
                    width="stretch")

"""The sections of the history page: one saved diagnosis read-only (with its report), the
delete step, the side-by-side comparison of two diagnoses, the scores-over-time chart, and the
visitor's view (only the diagnoses this session saved or holds the access code of).

Everything read from the database is shown as text: `md` wherever Streamlit renders Markdown."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from engine.diagnosis import level_label
from engine.kpis import KPI_FORMATS, format_value
from engine.report.content import build, kpi_label
from engine.errors import KarteError
from ui import auth
from ui.charts import score_bars
from engine.figures import FIGURES
from ui.saving import cta, download_buttons, labelled
from ui.state import lang
from ui.text import error_text, md, tr, tr_md

POINT_FORMATS = ("percent_fraction", "change")  # a change of a share is in points
UP, DOWN = "#1F6FB2", "#C76E00"  # KPI deltas: direction only, not good or bad


def when(value) -> str:
    return f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"


def number(value) -> str:
    return tr("ui.history.not_judged") if value is None else f"{value:g}"


def kpi_format(kpi: str) -> tuple[str, str] | None:
    """(label, format) of a compared KPI ("data." prefix: a figure of the order data); None
    for a figure that is not a KPI (a day count kept beside them)."""
    if not kpi.startswith("data."):
        return (kpi_label(kpi, lang()), KPI_FORMATS[kpi]) if kpi in KPI_FORMATS else None
    spec = FIGURES.get(kpi.removeprefix("data."))
    return None if spec is None else (tr(spec.label), spec.format)


def signed(value: float | None, fmt: str) -> str:
    """A delta written with its sign in the KPI's own format (points for shares)."""
    if value is None:
        return tr("ui.history.not_judged")
    if value == 0:
        return "±0"
    sign = "+" if value > 0 else "-"
    if fmt in POINT_FORMATS:
        return f"{sign}{abs(value) * 100:.1f}pt"
    return sign + format_value(abs(value), fmt, lang())


def shown(value: float | None, fmt: str) -> str:
    return tr("ui.history.not_judged") if value is None else format_value(value, fmt, lang())


def trend_chart(frame: pd.DataFrame) -> alt.Chart:
    """Scores over time: one line per area, one point per diagnosis (readable at 390 px)."""
    frame = frame.dropna(subset=["score"]).copy()
    dates = frame.drop_duplicates("id")[["id", "created_at"]]
    labels = dates["created_at"].dt.strftime("%Y-%m-%d")
    twice = labels.duplicated(keep=False)  # two diagnoses on one day stay apart
    labels = labels.where(~twice, labels + " No." + dates["id"].astype(str))
    order = list(labels)
    frame["when"] = frame["id"].map(dict(zip(dates["id"], labels)))
    base = alt.Chart(frame).encode(
        x=alt.X("when:O", sort=order, title=tr("ui.history.chart_date"),
                axis=alt.Axis(labelAngle=-35, labelLimit=110)),
        y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 100]), title=tr("ui.history.chart_score"),
                axis=alt.Axis(values=[0, 25, 50, 75, 100])),
        color=alt.Color("label:N", title=tr("ui.history.chart_area"),
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=300)),
        tooltip=[alt.Tooltip("when:O", title=tr("ui.history.chart_date")),
                 alt.Tooltip("label:N", title=tr("ui.history.chart_area")),
                 alt.Tooltip("score:Q", title=tr("ui.history.chart_score"))])
    return base.mark_line(point=alt.OverlayMarkDef(size=60)).properties(height=300)


def open_from_link(db) -> None:
    """A `?code=` link opens its diagnosis in this session (then the code leaves the address
    bar, so a screenshot or a shared screen does not show it)."""
    code = st.query_params.get("code")
    if not code:
        return
    found = db.find_by_code(code)
    del st.query_params["code"]
    if found is None:
        st.error(tr("ui.access.unknown_code"))
        return
    auth.remember_save(found, code)
    st.session_state.hist_mine = found


def visitor_page(db) -> None:
    """A visitor's history page: their own diagnoses, the code field, the consultant login."""
    st.caption(tr("ui.access.visitor_intro"))
    with st.form("open_by_code", border=True):
        code = st.text_input(tr("ui.access.code"), key="access_code_input", max_chars=200)
        if st.form_submit_button(tr("ui.access.open"), icon=":material/lock_open:"):
            found = db.find_by_code(code) if code.strip() else None
            if found is None:
                st.error(tr("ui.access.unknown_code"))
            else:
                auth.remember_save(found, code.strip())
                st.session_state.hist_mine = found
    mine = auth.my_saves()
    if not mine:
        st.info(tr("ui.access.none_yet"))
    else:
        ids = sorted(mine, reverse=True)
        if st.session_state.get("hist_mine") not in ids:
            st.session_state.hist_mine = ids[0]
        chosen = st.selectbox(tr("ui.history.choose"), ids, key="hist_mine",
                              format_func=lambda i: f"No.{i}")
        try:
            show_saved(db, chosen, deletable=False)
        except KarteError as exc:  # deleted by the consultant meanwhile
            st.error(error_text(exc))
    with st.expander(tr("ui.auth.consultant_area"), icon=":material/key:"):
        auth.login_form()


def show_saved(db, diagnosis_id: int, deletable: bool = True) -> None:
    """One saved diagnosis, read-only: scores, KPIs, plan, segments, and its report."""
    if not auth.may_open(diagnosis_id):  # the page never offers it; this is the last guard
        raise KarteError("history.error.not_found", id=diagnosis_id)
    saved_lang = db.get(diagnosis_id)["lang"]
    report_input = db.report_input(diagnosis_id)
    rep = build({**report_input, "data_kpis": labelled(report_input["data_kpis"], lang())},
                lang())
    st.caption(tr_md("ui.history.read_only", client=rep.client, date=rep.created))
    # The saved texts (area names, reasons) are in the language they were saved in.
    download_buttons(lambda: {**report_input, "cta": cta(saved_lang),
                              "data_kpis": labelled(report_input["data_kpis"], saved_lang)},
                     saved_lang, f"karte_{diagnosis_id}_{rep.created.replace('-', '')}",
                     f"hist_{diagnosis_id}")
    code = auth.my_saves().get(int(diagnosis_id))
    if code:
        show_code(code)
    if deletable and auth.is_consultant():
        delete_step(db, diagnosis_id, rep.client, rep.created)
    areas = rep.areas.assign(order=pd.to_numeric(rep.areas["score"], errors="coerce"))
    areas = areas.sort_values("order", kind="mergesort", na_position="last")
    rows = [{"label": a.label, "score": None if pd.isna(a.order) else a.order, "level": a.level,
             "level_label": level_label(a.level, lang())} for a in areas.itertuples()]
    if rows:
        st.altair_chart(score_bars(rows, area_title=tr("ui.result.chart_area"),
                                   score_title=tr("ui.result.chart_score"),
                                   level_title=tr("ui.result.chart_level")), width="stretch")
    st.markdown(f"**{tr('report.section.kpis')}**")
    kpis = rep.kpis.dropna(subset=["value"])
    if kpis.empty:
        st.caption(tr("ui.history.no_kpis"))
    columns = st.columns(3)
    for i, kpi in enumerate(kpis.itertuples()):
        text = kpi.display if isinstance(kpi.display, str) else f"{kpi.value:,}"
        columns[i % 3].metric(md(kpi.label), text, border=True)
    if not rep.data_kpis.empty:
        st.markdown(f"**{tr('report.section.data_kpis')}**")
        st.dataframe(pd.DataFrame({tr("history.kpi"): rep.data_kpis["label"],
                                   tr("report.col.value"): rep.data_kpis["display"]}),
                     hide_index=True)
    if not rep.actions.empty:
        st.markdown(f"**{tr('report.section.plan')}**")
        for action in rep.actions.sort_values("step", kind="mergesort").itertuples():
            star = "★ " if pd.notna(action.top) and bool(action.top) else ""
            st.markdown(f"- {md(action.step)} · {star}**{md(action.title)}** — "
                        f"{md(action.first_step)}")
    if rep.plan is not None:
        with st.expander(tr("report.section.estimates")):
            st.dataframe(rep.plan, hide_index=True)
    if rep.segments or rep.ranks is not None or rep.dormant is not None:
        with st.expander(tr("report.section.segments")):
            for name, table in rep.segments.items():
                st.caption(md(tr(f"report.segment.{name}")))
                st.dataframe(table, hide_index=True)
            for name, table in (("ranks", rep.ranks), ("dormant", rep.dormant)):
                if table is not None:
                    st.caption(tr(f"report.section.{name}"))
                    st.dataframe(table, hide_index=True)


def share_link(code: str) -> str:
    """The address that opens a diagnosis by its code (this app's history page)."""
    from urllib.parse import quote, urljoin

    try:
        here = st.context.url or ""
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest)
        here = ""
    path = f"history?code={quote(code, safe='')}"
    return urljoin(here.split("?", 1)[0], path) if here.startswith("http") else "/" + path


def show_code(code: str) -> None:
    """The access code and link of a saved diagnosis, as plain text (copy button included)."""
    st.caption(tr("ui.access.code_help"))
    st.code(code, language=None)
    st.code(share_link(code), language=None)


def delete_step(db, diagnosis_id: int, client: str, created: str) -> None:
    """Delete with a confirm step: the first button only asks."""
    if st.session_state.get("hist_delete") != diagnosis_id:
        if st.button(tr("ui.history.delete_ask"), key="hist_delete_ask",
                     icon=":material/delete:"):
            st.session_state.hist_delete = diagnosis_id
            st.rerun()
        return
    st.warning(tr_md("ui.history.delete_confirm", id=diagnosis_id, client=client, date=created))
    yes, no = st.columns(2)
    if yes.button(tr("ui.history.delete_yes"), key="hist_delete_yes", type="primary",
                  width="stretch"):
        db.delete(diagnosis_id)
        st.session_state.pop("hist_delete", None)
        st.session_state.pop("hist_open", None)
        st.toast(tr("history.deleted", id=diagnosis_id))
        st.rerun()
    if no.button(tr("ui.history.delete_no"), key="hist_delete_no", width="stretch"):
        st.session_state.pop("hist_delete", None)
        st.rerun()


def compare(db, summaries) -> None:
    """Two diagnoses of one client side by side: score and KPI deltas (after − before)."""
    ids = [s.id for s in summaries]  # newest first
    label = {s.id: f"No.{s.id}　{when(s.created_at)}" for s in summaries}
    for key, default in (("hist_a", ids[1]), ("hist_b", ids[0])):
        if st.session_state.get(key) not in ids:
            st.session_state[key] = default
    left, right = st.columns(2)
    a = left.selectbox(tr("history.before"), ids, key="hist_a", format_func=label.get)
    b = right.selectbox(tr("history.after"), ids, key="hist_b", format_func=label.get)
    if a == b:
        st.warning(tr("ui.history.same_pick"))
        return
    result = db.compare(a, b)
    st.caption(tr("ui.history.compare_caption", a=when(result["a"]["created_at"]),
                  b=when(result["b"]["created_at"])))
    st.markdown(f"**{tr('ui.history.scores_delta')}**")
    columns = st.columns(3)
    for i, row in enumerate(result["scores"]):
        delta = row["delta"]
        columns[i % 3].metric(
            md(row["label"]), number(row["b"]), border=True,
            delta=None if delta is None else ("±0" if delta == 0 else f"{delta:+g}"),
            delta_color="normal" if delta else "off", delta_arrow="auto" if delta else "off",
            delta_description=f"{tr('history.before')} {number(row['a'])}")
    st.markdown(f"**{tr('ui.history.kpis_delta')}**")
    known = [(row, kpi_format(row["kpi"])) for row in result["kpis"]]
    known = [(row, found) for row, found in known if found is not None]
    if not known:
        st.caption(tr("ui.history.no_kpi_delta"))
        return
    rows, colours = [], []
    for row, (name, fmt) in known:
        rows.append({tr("history.kpi"): name, tr("history.before"): shown(row["a"], fmt),
                     tr("history.after"): shown(row["b"], fmt),
                     tr("history.delta"): signed(row["delta"], fmt)})
        delta = row["delta"] or 0
        colours.append(f"color: {UP}" if delta > 0 else f"color: {DOWN}" if delta < 0 else "")
    table = pd.DataFrame(rows)
    styles = pd.DataFrame("", index=table.index, columns=table.columns)
    styles[tr("history.delta")] = colours
    st.dataframe(table.style.apply(lambda _: styles, axis=None), hide_index=True,
                 key="hist_kpi_delta")

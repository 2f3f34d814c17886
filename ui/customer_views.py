"""The sections of the customer-analysis page, one function per tab.

Each reads its figures from the session's one `engine.shop.ShopAnalysis` (`ui.analysis`) and
draws them; a section whose widgets change a parameter (cut points, k, the customer file)
returns the analysis for the new parameters. The page file says which tab shows which section.
"""
from __future__ import annotations


import pandas as pd
import streamlit as st

from engine import figures as shop_figures
from engine.analysis import cpm, lists, ranks, rfm
from engine.dormant import definition_note as dormant_definition
from engine.errors import KarteError
from engine.exporting import csv_bytes, xlsx_bytes
from engine.i18n import t
from engine.shop import ShopAnalysis
from ui import analysis as cached
from ui import charts, contact_list
from ui.format import number_columns, today
from ui.state import lang
from ui.text import error_text, tr, tr_md


FREQUENCY_EDGES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, float("inf")]
MONETARY_EDGES = [0, 3_000, 5_000, 10_000, 20_000, 30_000, 50_000, 100_000, 200_000, float("inf")]


def _yen_bands() -> list[str]:
    inner = [f"¥{a:,.0f}–" for a in MONETARY_EDGES[1:-1]]
    return [f"<¥{MONETARY_EDGES[1]:,.0f}"] + inner


def table_or_stop(analysis: ShopAnalysis) -> pd.DataFrame:
    """The customer table as of the analysis's date; the page stops when nobody is in it."""
    table = analysis.customers
    if table.empty:
        st.error(error_text(KarteError("analysis.error.no_customers")))
        st.stop()
    return table


HEADLINE = ("customers", "repeat_rate_all", "f2_rate_90", "active_customers")


def headline(analysis: ShopAnalysis) -> None:
    """Customers, repeat rate, F2 within 90 days and active customers: engine.figures, the
    same names, values and units as the result page, the report and the command line."""
    values = analysis.figures()
    n, least = len(analysis.customers), int(analysis.settings.segments["small_data"]["min_customers"])
    if n < least:
        st.warning(tr("analysis.too_few_customers", n=f"{n:,}", min=least))
    for column, key in zip(st.columns(len(HEADLINE)), HEADLINE):
        spec = shop_figures.FIGURES[key]
        column.metric(tr(spec.label), shop_figures.display(key, values.get(key), lang()),
                      help=tr(spec.note))


def rfm_cut_editor(current: rfm.RFMThresholds, defaults: rfm.RFMThresholds, key_prefix: str, *,
                   labels_beside: bool = True) -> rfm.RFMThresholds:
    """The RFM cut points the segment rules read, as number fields labelled the way they read
    ("R4→R3: ≤90日"), starting from `current`; the defaults when they do not fit. Cut points no
    rule reads are not shown: moving them could never move anybody between segments."""
    used = rfm.used_cuts()
    cuts = {}
    for dim in rfm.DIMENSIONS:
        shown = used[dim]
        if not shown:
            cuts[dim] = getattr(defaults, dim)
            continue
        if labels_beside:
            cols = st.columns([2, 1, 1, 1, 1], vertical_alignment="bottom")
            cols[0].markdown(tr(f"analysis.columns.{dim}"))
            cols = cols[1:]
        else:
            st.markdown(f"**{rfm.SCORE_OF[dim]}** {tr(f'analysis.columns.{dim}')}")
            cols = st.columns(4)
        edited = {}
        for n, i in enumerate(shown):
            key = f"{key_prefix}{dim}_{i}"
            if key not in st.session_state:  # the session's cut point, after a page switch too
                st.session_state[key] = float(getattr(current, dim)[i])
            edited[i] = cols[n].number_input(
                rfm.cut_label(dim, i, lang=lang()), min_value=0.0,
                step=1.0 if dim != "monetary" else 1000.0, key=key, format="%.0f")
        cuts[dim] = rfm.complete_cuts(getattr(current, dim), edited)
    return thresholds_or_defaults(cuts, defaults)


def thresholds_or_defaults(cuts: dict, defaults: rfm.RFMThresholds) -> rfm.RFMThresholds:
    """The edited cut points, or the defaults with the reason when a cut passed its neighbour
    (the analysis page's number fields and the live page's sliders both end here)."""
    try:
        return rfm.RFMThresholds(**cuts)
    except KarteError as exc:
        st.error(error_text(exc))
        return defaults


def rfm_section(analysis: ShopAnalysis, key: tuple) -> ShopAnalysis:
    """RFM scores 1–5 with editable cut points; says who changes group."""
    table = analysis.customers
    st.caption(tr("analysis.rfm.explain"))
    h1, h2, h3 = st.columns(3)
    h1.altair_chart(charts.histogram(table["recency_days"], tr("analysis.columns.recency_days")),
                    width="stretch")
    h2.altair_chart(charts.band_counts(table["frequency"], FREQUENCY_EDGES,
                                       [tr("ui.analysis.times", n=n) for n in range(1, 10)]
                                       + [tr("ui.analysis.times_or_more", n=10)],
                                       tr("analysis.columns.frequency")), width="stretch")
    h3.altair_chart(charts.band_counts(table["monetary"], MONETARY_EDGES, _yen_bands(),
                                       tr("analysis.columns.monetary")), width="stretch")
    defaults = analysis.rfm_defaults
    st.markdown(f"**{tr('ui.analysis.thresholds')}** — {tr('ui.analysis.thresholds_help')}")
    thresholds = rfm_cut_editor(analysis.rfm_thresholds, defaults,
                                cached.widget_key(key, "rfm_"))
    cached.set_params(key, rfm=None if thresholds == defaults else thresholds)
    analysis = analysis.with_params(rfm=None if thresholds == defaults else thresholds)
    st.caption(f'{rfm.definitions_note(thresholds, lang())} {tr("analysis.rfm.tie_rule")}')
    if thresholds != defaults:
        moved = analysis.rfm_moves()
        st.info(tr("analysis.rfm.changed", n=f"{len(moved):,}") if len(moved)
                else tr("analysis.rfm.unchanged"))
        if len(moved):
            with st.expander(tr("ui.analysis.who_moved")):
                st.dataframe(_moves_table(analysis, moved.head(500)), hide_index=True)
    labels = rfm.segment_labels(lang())
    counts = rfm.segment_counts(analysis.rfm)
    seg = pd.DataFrame({"segment": [labels[s] for s in counts], "customers": list(counts.values())})
    st.altair_chart(charts.bars(seg, "segment", "customers", x_title=tr("analysis.columns.segment"),
                                y_title=tr("ui.analysis.customers")), width="stretch")
    return analysis


def _moves_table(analysis: ShopAnalysis, moved: pd.DataFrame) -> pd.DataFrame:
    """Who moved, under the user's words: the key under its platform name, segment labels,
    "R（前）" / "R（後）" for the scores before and after."""
    labels = rfm.segment_labels(lang())
    out = moved.reset_index()
    out["from_segment"] = out["from_segment"].map(lambda v: labels.get(v, v))
    out["to_segment"] = out["to_segment"].map(lambda v: labels.get(v, v))
    names = {"customer_id": lists.id_header(lists.key_kind(analysis.book), lang()),
             "from_segment": tr("ui.analysis.moved_from"), "to_segment": tr("ui.analysis.moved_to")}
    for score in ("R", "F", "M"):
        names[f"{score}_old"] = tr("ui.analysis.score_before", score=score)
        names[f"{score}_new"] = tr("ui.analysis.score_after", score=score)
    return out.rename(columns=names)


def clusters_section(analysis: ShopAnalysis, key: tuple) -> ShopAnalysis:
    """KMeans clusters: k (auto or chosen), scatter chart and profile table."""
    table = analysis.customers
    st.caption(tr("analysis.clusters.explain"))
    choices = [None, 3, 4, 5, 6, 7, 8]
    k_choice = st.selectbox(tr("ui.analysis.k"), choices,
                            index=choices.index(analysis.params.k)
                            if analysis.params.k in choices else 0,
                            format_func=lambda k, auto=tr("ui.analysis.k_auto"): auto if k is None else str(k))
    cached.set_params(key, k=k_choice)
    analysis = analysis.with_params(k=k_choice)
    result = analysis.clusters
    if not result.ok:
        st.info(tr(result.reason_key, **result.reason_params))
    else:
        st.caption(tr("analysis.clusters.k_chosen" if result.k_chosen_by == "silhouette"
                      else "analysis.clusters.k_user", k=result.k))
        spending = int((table["monetary"] > 0).sum())
        if result.fitted_on is not None and result.fitted_on < spending:
            st.caption(tr("analysis.clusters.sampled", sample=f"{result.fitted_on:,}",
                          customers=f"{spending:,}"))
        names = result.names(lang())
        points = pd.DataFrame({"recency": table["recency_days"].clip(lower=1),
                               "monetary": table["monetary"].clip(lower=1),
                               "cluster": names.reindex(table.index)})
        if len(points) > 5000:  # the browser draws a fixed-seed sample, the table uses everyone
            points = points.sample(5000, random_state=0)
        st.altair_chart(charts.cluster_scatter(
            points, recency_title=tr("analysis.columns.recency_days"),
            monetary_title=tr("analysis.columns.monetary"),
            cluster_title=tr("analysis.columns.cluster")), width="stretch")
        profile = result.profile
        profile_frame = pd.DataFrame({
            tr("analysis.columns.cluster"): profile[f"name_{lang()}"],
            tr("ui.analysis.customers"): profile["size"],
            tr("ui.analysis.revenue_share"): (profile["revenue_share"] * 100).round(1),
            tr("ui.analysis.r_median"): profile["recency_median"].round(0),
            tr("ui.analysis.f_median"): profile["frequency_median"].round(1),
            tr("ui.analysis.m_median"): profile["monetary_median"].round(0),
        })
        st.dataframe(profile_frame, hide_index=True, column_config=number_columns(profile_frame))
    return analysis


def cpm_section(analysis: ShopAnalysis, key: tuple) -> ShopAnalysis:
    """CPM segments with editable thresholds; counts and revenue per segment."""
    st.caption(tr("analysis.cpm.explain"))
    base_cpm = cpm.default_thresholds()
    shown = analysis.cpm_thresholds
    c = st.columns(4)
    fields = (("monetary", "cpm_monetary", 0.0, 1000.0), ("tenure_days", "cpm_tenure", 0.0, 30.0),
              ("lapse_days", "cpm_lapse", 1.0, 30.0),
              ("first_lapse_days", "cpm_first_lapse", 1.0, 30.0))
    values = {}
    for column, (name, label, low, step) in zip(c, fields):
        widget = cached.widget_key(key, label)
        if widget not in st.session_state:
            st.session_state[widget] = float(getattr(shown, name))
        values[name] = column.number_input(tr(f"ui.analysis.{label}"), min_value=low, step=step,
                                           format="%.0f", key=widget)
    cpm_thresholds = cpm.CPMThresholds(**values)
    chosen = None if cpm_thresholds == base_cpm else cpm_thresholds
    cached.set_params(key, cpm=chosen)
    analysis = analysis.with_params(cpm=chosen)
    grid = analysis.cpm_grid
    cpm_labels = cpm.segment_labels(lang())
    # The CPM grid: one row per group, its active and its lapsed (離脱) customers side by side.
    active, lapsed = grid[~grid["lapsed"]], grid[grid["lapsed"]].set_index("group")
    cpm_frame = pd.DataFrame({
        tr("analysis.columns.cpm"): [cpm_labels[g] for g in active.index],
        tr("ui.analysis.cpm_active_customers"): active["customers"].to_numpy(),
        tr("ui.analysis.cpm_active_revenue"): active["revenue"].round(0).to_numpy(),
        tr("ui.analysis.cpm_lapsed_customers"):
            lapsed.loc[active["group"], "customers"].to_numpy(),
        tr("ui.analysis.cpm_lapsed_revenue"):
            lapsed.loc[active["group"], "revenue"].round(0).to_numpy(),
    })
    st.dataframe(cpm_frame, hide_index=True, column_config=number_columns(cpm_frame))
    st.caption(tr("ui.analysis.cpm_lapse_note", days=f"{cpm_thresholds.lapse_days:.0f}",
                  first_days=f"{cpm_thresholds.first_lapse_days:.0f}"))
    return analysis


def ranks_section(analysis: ShopAnalysis, key: tuple) -> ShopAnalysis:
    """Four membership ranks; the optional customer file decides ambassadors. The file is kept
    with the session's data, so the plan, the report and the save use the same ranks."""
    st.caption(tr("analysis.ranks.explain"))
    uploader = cached.widget_key(key, "customer_file")

    def keep_file() -> None:
        chosen = st.session_state.get(uploader)
        try:
            cached.set_customer_file(key, None if chosen is None else chosen.getvalue(),
                                     "" if chosen is None else chosen.name)
        except KarteError as exc:
            st.session_state.customer_file_error = error_text(exc)
        else:
            st.session_state.pop("customer_file_error", None)

    st.file_uploader(tr("ui.analysis.customer_file"), type=["csv", "xlsx", "txt"],
                     help=tr("ui.analysis.customer_file_help"), key=uploader, on_change=keep_file)
    if st.session_state.get("customer_file_error"):
        st.error(st.session_state.customer_file_error)
    kept = cached.customer_file_name(key)
    if kept:
        st.caption(tr_md("ui.analysis.customer_file_kept", name=kept))
    analysis = cached.of(analysis.book, key)  # the session's parameters, with the file
    ranked = analysis.ranks
    if not ranked.ambassador_known:
        st.info(tr("analysis.ranks.no_relationship"))
    elif ranked.matched is not None:
        st.caption(tr("analysis.ranks.matched", n=f"{ranked.matched:,}"))
    rank_labels = ranks.rank_labels(lang())
    rank_counts = ranked.counts()
    st.altair_chart(charts.bars(pd.DataFrame({
        "rank": [rank_labels[r] for r in rank_counts if rank_counts[r] is not None],
        "customers": [n for n in rank_counts.values() if n is not None]}),
        "rank", "customers", x_title=tr("analysis.columns.rank"),
        y_title=tr("ui.analysis.customers")), width="stretch")
    return analysis


def _share_table(frame: pd.DataFrame, index_label: str) -> None:
    """Customers and their share (%) per row of `frame` (index: products bought, delivery n)."""
    st.dataframe(pd.DataFrame({
        index_label: frame.index.astype(str),
        tr("ui.analysis.customers"): frame["customers"].to_numpy(),
        tr("ui.analysis.share"): (frame["share"] * 100).round(1).to_numpy()}), hide_index=True)


def retention_section(figures: dict) -> None:
    """F2 conversion, active customers per month, cohorts, 12-month LTV, products, subscriptions."""
    f2 = figures["f2"]
    st.markdown(f"**{tr('ui.analysis.f2_title')}**")
    f2_frame = pd.DataFrame({"window": [tr("ui.analysis.within_days", n=w) for w in f2.index],
                             "rate": f2["rate"].to_numpy() * 100}).dropna()
    if f2_frame.empty:   # never a "nan%" bar: no customer's first order is old enough yet
        st.info(tr("analysis.f2_none"))
    else:
        st.altair_chart(charts.bars(f2_frame, "window", "rate", x_title=tr("ui.analysis.f2_title"),
                                    y_title="%", fmt=".1f"), width="stretch")
    st.caption(tr("ui.analysis.f2_denominator"))
    st.markdown(f"**{tr('ui.analysis.active_title')}**")
    months = figures["active"]
    kinds = ["new", "retained", "reactivated", "lapsed"]
    long = months.reset_index().melt(id_vars="month", value_vars=kinds, var_name="kind_id",
                                     value_name="customers")
    long["kind"] = long["kind_id"].map(lambda k: tr(f"ui.analysis.kind_{k}"))
    long["kind_order"] = long["kind_id"].map(kinds.index)
    # Lapsed customers are no longer active: drawn below zero, so the bar above is the active total.
    long.loc[long["kind_id"] == "lapsed", "customers"] *= -1
    st.altair_chart(charts.stacked_months(
        long, month_title=tr("ui.analysis.month"), customers_title=tr("ui.analysis.customers"),
        kind_title=tr("ui.analysis.kind"), order=[tr(f"ui.analysis.kind_{k}") for k in kinds]),
        width="stretch")
    st.caption(tr("analysis.retention.active_note"))
    st.markdown(f"**{tr('ui.analysis.cohort_title')}**")
    cohorts = figures["cohorts"].drop(columns="customers")
    heat = cohorts.reset_index().melt(id_vars="cohort", var_name="months", value_name="share")
    heat = heat[heat["months"] != 0].dropna()  # month 0 is 100% by definition
    heat["cohort"] = heat["cohort"].dt.strftime("%Y-%m")
    st.altair_chart(charts.cohort_heatmap(heat, cohort_title=tr("ui.analysis.cohort"),
                                          months_title=tr("ui.analysis.months_since"),
                                          share_title=tr("ui.analysis.share")), width="stretch")
    st.markdown(f"**{tr('ui.analysis.ltv12_title')}**")
    ltv = figures["ltv12"].reset_index()
    ltv["cohort"] = ltv["cohort"].dt.strftime("%Y-%m")
    st.bar_chart(ltv, x="cohort", y="ltv12", x_label=tr("ui.analysis.cohort"),
                 y_label=tr("ui.analysis.ltv12_yen"), color="#C0392B")
    st.caption(tr("analysis.retention.ltv_note"))
    for column, (figure, title, missing, index_label) in zip(st.columns(2), (
            ("products", "products_title", "no_products", "products"),
            ("subscription", "subscription_title", "no_subscription", "delivery"))):
        with column:
            st.markdown(f"**{tr(f'ui.analysis.{title}')}**")
            frame = figures[figure]
            if frame is None or frame.empty:
                st.info(tr(f"analysis.retention.{missing}"))
            else:
                _share_table(frame, tr(f"ui.analysis.{index_label}"))


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dormant_section(analysis: ShopAnalysis, key: tuple) -> None:
    """優良休眠客: layers, revenue at stake, downloads per layer (Japanese headers and layer
    names, the shop's identifiers, the contact columns when the lists tab's box is ticked)."""
    dormant = analysis.dormant
    st.caption(f'{tr("ui.analysis.dormant_explain")} {dormant_definition(lang())}')
    st.caption(dormant.note(lang()) + (" " + tr("clv.time_unit_label",
                                                  unit=tr(f"clv.time_unit.{dormant.time_unit}"))
                                       if dormant.time_unit else ""))
    if dormant.customers.empty:
        st.info(tr("clv.dormant.none"))
        return
    label = f"label_{lang()}"
    layer_frame = pd.DataFrame({
        tr("clv.dormant.columns.layer"): dormant.layers[label],
        tr("ui.analysis.customers"): dormant.layers["customers"],
        tr("ui.analysis.revenue_at_stake"): dormant.layers["revenue_at_stake"].round(0),
        tr("ui.analysis.past_revenue"): dormant.layers["past_revenue"].round(0)})
    st.dataframe(layer_frame, hide_index=True, column_config=number_columns(
        layer_frame, yen=(tr("ui.analysis.revenue_at_stake"), tr("ui.analysis.past_revenue"))))
    found = contact_list.session_contacts(analysis) if _opted_in(key) else None
    contact_list.contact_note(found)
    day = today()
    dormant_word = tr("lists.sheet.dormant")
    layer_cols = st.columns(len(dormant.layers) + 1)
    for col, row in zip(layer_cols, dormant.layers.itertuples(index=False)):
        name = getattr(row, label)
        col.download_button(tr("ui.analysis.download_layer", layer=name),
                            lambda layer=row.layer: csv_bytes(lists.dormant_list(
                                analysis, layer, lang=lang(), contacts=found)),
                            file_name=lists.file_name(dormant_word, name, date=day, suffix="csv"),
                            mime="text/csv", icon=":material/download:",
                            key=f"dl_dormant_{row.layer}", on_click="ignore")

    def dormant_workbook() -> bytes:
        taken: set[str] = set()
        sheets = {lists.sheet_name(tr("lists.sheet.all"), taken):
                  lists.dormant_list(analysis, lang=lang(), contacts=found)}
        for row in dormant.layers.itertuples(index=False):
            sheets[lists.sheet_name(getattr(row, label), taken)] = lists.dormant_list(
                analysis, row.layer, lang=lang(), contacts=found)
        return xlsx_bytes(sheets)

    layer_cols[-1].download_button(
        tr("ui.analysis.download_xlsx"), dormant_workbook,
        file_name=lists.file_name(dormant_word, date=day, suffix="xlsx"),
        icon=":material/download:", key="dl_dormant_xlsx", on_click="ignore", mime=XLSX_MIME)
    from ui.campaign_views import control_group_panel
    from ui.state import answers

    layer_ids = list(dormant.layers["layer"])
    labels = dict(zip(layer_ids, dormant.layers[label]))
    chosen = st.selectbox(tr("clv.dormant.columns.layer"), layer_ids, format_func=labels.get,
                          key="cg_dormant_layer")
    control_group_panel(analysis, answers(), layer=chosen, key=f"dormant_{chosen}")
    shown = lists.dormant_list(analysis, lang=lang(), contacts=found).head(100)
    st.dataframe(shown, hide_index=True, column_config=number_columns(
        shown, yen=tuple(tr(f"clv.dormant.columns.{c}") for c in
                         ("monetary", "expected_value", "recoverable_value")),
        percent=(tr("clv.dormant.columns.p_alive"),)))


def _opted_in(key: tuple) -> bool:
    return bool(st.session_state.get(cached.widget_key(key, "contacts_opt_in")))


def lists_section(analysis: ShopAnalysis, key: tuple) -> None:
    """A customer list of any segment, cluster or rank, and every segment in one workbook, as
    CSV and Excel; the contact columns on opt-in."""
    result = analysis.clusters
    st.caption(tr("ui.analysis.lists_help"))
    kinds_of_list = {"segment": rfm.segment_labels(lang()), "cpm": cpm.segment_labels(lang()),
                     "rank": ranks.rank_labels(lang())}
    if result.ok:
        kinds_of_list["cluster"] = {n: n for n in result.profile[f"name_{lang()}"]}
    list_kind = st.selectbox(tr("ui.analysis.list_kind"), list(kinds_of_list),
                             format_func=lambda k, lg=lang(): t(f"analysis.columns.{k}", lg))
    options = kinds_of_list[list_kind]
    chosen = st.selectbox(tr("ui.analysis.list_value"), list(options), format_func=options.get)
    found = contact_list.session_contacts(analysis) if contact_list.opt_in(key) else None
    contact_list.contact_note(found)
    chosen_list = lists.shop_list(analysis, {list_kind: chosen}, lang=lang(), contacts=found)
    st.caption(tr("ui.analysis.list_count", n=f"{len(chosen_list):,}"))
    st.dataframe(chosen_list.head(200), hide_index=True, column_config=number_columns(
        chosen_list, yen=(tr("analysis.columns.monetary"),)))
    day = today()
    kind_word = t(f"analysis.columns.{list_kind}", lang())
    d1, d2, d3 = st.columns(3)
    # Files are built only when a button is clicked, so moving a slider stays fast. No rerun on
    # click (on_click="ignore"): a rerun re-registers the file and the browser's request for the
    # old one failed ("Deferred file ... not found").
    d1.download_button(tr("ui.analysis.download_csv"), lambda: csv_bytes(chosen_list),
                       file_name=lists.file_name(kind_word, options[chosen], date=day, suffix="csv"),
                       mime="text/csv", icon=":material/download:",
                       on_click="ignore", key="dl_list_csv")
    d2.download_button(tr("ui.analysis.download_xlsx"),
                       lambda: xlsx_bytes({lists.sheet_name(options[chosen], set()): chosen_list}),
                       file_name=lists.file_name(kind_word, options[chosen], date=day, suffix="xlsx"),
                       icon=":material/download:", on_click="ignore", key="dl_list_xlsx",
                       mime=XLSX_MIME)
    d3.download_button(tr("ui.lists.download_all"),
                       lambda: xlsx_bytes(lists.workbook(analysis, lang=lang(), contacts=found)),
                       file_name=lists.file_name(tr("ui.lists.all_segments"), date=day,
                                                 suffix="xlsx"),
                       icon=":material/download:", on_click="ignore", key="dl_list_all",
                       mime=XLSX_MIME)

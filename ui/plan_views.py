"""The sections of the plan page: the assumptions editor, the totals with the estimate table,
and one card per action."""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping

import pandas as pd
import streamlit as st

from engine.config import localized
from engine.errors import KarteError
from engine.roi import PlanAssumptions, PlanRow, plan_totals, targets
from ui import analysis as cached
from ui.format import number_columns, yen
from ui.state import lang
from ui.text import error_text, tr


def assumptions_editor(answers: Mapping[str, Any]) -> PlanAssumptions:
    """Costs, reach, gross margin, the 1:5 rule and response rates, editable; the defaults
    (plan.toml, the owner's margin and CPA) when an edit does not fit. The edits are kept with
    the session's data (`ui.analysis`), so the report and the saved diagnosis use them too."""
    assumptions = cached.plan_assumptions(answers)
    from ui.campaign_views import measured_overrides

    measured = measured_overrides()
    if measured:
        from engine.campaigns import apply_measured

        assumptions = apply_measured(assumptions, measured)
        for target, found in measured.items():
            st.caption(tr("campaign.measured_from", campaign=found.campaign_id, date=found.date)
                       + f" — {target}: {found.response * 100:.1f}%")
    with st.expander(tr("ui.plan.assumptions"), expanded=False):
        st.caption(tr("plan.assumption.gross_margin_" + assumptions.gross_margin_source))
        c1, c2, c3, c4 = st.columns(4)
        costs = {field: col.number_input(tr(f"plan.assumption.{field}"), min_value=0.0,
                                          value=float(getattr(assumptions, field)), step=10.0,
                                          format="%.0f", key=f"plan_{field}")
                 for col, field in zip((c1, c2, c3, c4),
                                       ("dm_cost", "email_cost", "line_cost", "insert_cost"))}
        r1, r2, r3, r4 = st.columns(4)
        reach = {field: col.slider(tr(f"plan.assumption.{field}"), 0, 100,
                                   round(getattr(assumptions, field) * 100), format="%d%%",
                                   key=f"plan_{field}") / 100
                 for col, field in zip((r1, r2, r3, r4),
                                       ("dm_reach", "email_reach", "line_reach", "insert_reach"))}
        m1, m2 = st.columns(2)
        margin = m1.slider(tr("plan.assumption.gross_margin"), 0, 100,
                           round(assumptions.gross_margin * 100), format="%d%%", key="plan_margin")
        multiple = m2.number_input(tr("plan.assumption.acquisition_multiple"), min_value=0.0,
                                   value=float(assumptions.acquisition_multiple), step=0.5,
                                   key="plan_multiple")
        st.markdown(f"**{tr('ui.plan.responses')}**")
        rates = pd.DataFrame({"id": [tg["id"] for tg in targets()],
                              "target": [localized(tg, "label", lang())
                                         + (f"({tr('campaign.measured')})"
                                            if tg["id"] in measured else "")
                                         for tg in targets()],
                              "rate": [assumptions.response(tg) * 100 for tg in targets()]})
        edited = st.data_editor(rates, hide_index=True, disabled=["id", "target"],
                                column_config={"id": None,
                                               "target": tr("plan.field.target"),
                                               "rate": st.column_config.NumberColumn(
                                                   tr("plan.field.response_rate") + " (%)",
                                                   min_value=0.0, max_value=100.0, step=0.1,
                                                   format="%.1f")},
                                key=f"plan_rates_{lang()}")
        try:
            assumptions = dataclasses.replace(assumptions, **costs, **reach,
                                              gross_margin=margin / 100,
                                              acquisition_multiple=multiple)
            for row in edited.itertuples(index=False):
                assumptions = assumptions.with_response(row.id, float(row.rate) / 100)
        except KarteError as exc:
            st.error(error_text(exc))
            assumptions = PlanAssumptions.defaults(answers)
    cached.set_plan_edits(answers, assumptions)
    return assumptions


def totals_section(rows: list[PlanRow]) -> None:
    """The plan's expected revenue, gross profit, cost and profit, and one row per action."""
    totals = plan_totals(rows)
    if totals:
        t1, t2, t3, t4 = st.columns(4)
        t1.metric(tr("plan.field.revenue"), yen(totals["revenue"]))
        t2.metric(tr("plan.field.gross_profit"), yen(totals["gross_profit"]))
        t3.metric(tr("plan.field.cost"), yen(totals["cost"]))
        t4.metric(tr("plan.field.profit"), yen(totals["profit"]))
        st.caption(tr("plan.totals") + " " + tr("plan.one_order_note"))
        table = pd.DataFrame([{
            tr("ui.plan.step"): r.step,
            tr("ui.plan.action"): ("★ " if r.top else "") + r.title,
            tr("plan.field.target"): r.target_label,
            tr("plan.field.customers"): r.customers,
            tr("plan.field.channel"): r.channel_label,
            tr("plan.field.contacts"): r.estimate.contacts,
            tr("plan.field.baseline_rate"): f"{r.estimate.baseline_rate:.0%}",
            tr("plan.field.cost"): round(r.estimate.cost),
            tr("plan.field.expected_orders"): round(r.estimate.expected_orders, 1),
            tr("plan.field.gross_profit"): round(r.estimate.gross_profit),
            tr("plan.field.profit"): round(r.estimate.profit),
            tr("plan.field.roi"): r.roi_text(lang()),
            tr("plan.field.new_customer_cost"): None if r.new_customer_cost is None
            else round(r.new_customer_cost),
        } for r in rows if r.estimate is not None])
        profit_col = tr("plan.field.profit")
        st.dataframe(table.style.map(lambda v: "color: #C0392B; font-weight: bold"
                                     if isinstance(v, (int, float)) and v < 0 else "",
                                     subset=[profit_col]),
                     hide_index=True, column_config=number_columns(table))


def action_cards(rows: list[PlanRow], analysis: Any = None,
                 answers: Mapping[str, Any] | None = None) -> None:
    """One card per action: step, target, channel, profit or loss, why, first step; with data,
    the target list with a control group held back (ui.campaign_views)."""
    st.subheader(tr("ui.plan.actions_title"))
    for r in rows:
        with st.container(border=True):
            star = "★ " if r.top else ""
            st.markdown(f"**{star}{r.step}. {r.title}** — {r.step_title}")
            if r.estimate is not None:
                verdict = (f":red-badge[{tr('plan.flag.negative')}]" if r.negative
                           else f":green-badge[{tr('plan.field.profit')} {yen(r.estimate.profit)}]")
                st.markdown(f"{verdict} {tr('plan.field.roi')}: {r.roi_text(lang())} · "
                            f"{r.channel_label} × {r.estimate.contacts:,} · "
                            f"{tr('plan.field.cost')} {yen(r.estimate.cost)}")
                if r.new_customer_cost is not None:
                    st.caption(f"{tr('plan.basis.' + r.new_customer_basis)}: {yen(r.new_customer_cost)}")
            if r.baseline_note:   # what happens anyway / too small to act on, in one sentence
                st.caption(r.baseline_note)
            st.markdown(f"{tr('ui.result.why')}: {r.why}")
            st.markdown(f"{tr('ui.result.first_step')}: {r.first_step}")
            if analysis is not None and r.source == "data" and r.estimate is not None:
                from ui.campaign_views import control_group_panel

                control_group_panel(analysis, answers or {}, target=r.id, key=f"plan_{r.id}")

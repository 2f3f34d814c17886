"""Campaigns on the screens: 「効果測定用に対照群を残す」 beside a target list download (plan cards,
dormant layers), the saved campaigns a session may open, and one campaign's measurement.

Access: a campaign is visible to the consultant (ui.auth) and to the browser session that saved
it or typed its access code (`my_campaigns`), as diagnoses are.
"""
from __future__ import annotations

from typing import Any, Mapping

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from engine.auth import new_access_code
from engine.campaigns import Campaign, config, create_campaign, measure_all
from engine.errors import KarteError
from engine.exporting import xlsx_bytes
from engine.store import CLIENT_MAX
from ui import auth
from ui.format import yen
from ui.state import lang
from ui.store import store
from ui.text import error_text, md, tr

MY_CAMPAIGNS = "my_campaigns"
MEASURED = "campaign_measured"      # {target: MeasuredResponse as dict} the plan may use
USE_MEASURED = "campaign_use_measured"


def my_campaigns() -> dict[int, str]:
    """Campaigns this browser session saved or opened by code: row id -> access code."""
    return st.session_state.setdefault(MY_CAMPAIGNS, {})


def may_open(row_id: int) -> bool:
    return auth.is_consultant() or int(row_id) in my_campaigns()


def control_group_panel(analysis: Any, answers: Mapping[str, Any], *, key: str,
                        target: str | None = None, layer: str | None = None) -> None:
    """「効果測定用に対照群を残す」: the share to hold back, the mailed list to download, and the
    campaign saved with consent. Nothing is computed until the box is ticked."""
    if not st.checkbox(tr("campaign.ui.keep_control"), key=f"cg_on_{key}",
                       help=tr("campaign.ui.control_help")):
        return
    cfg = config()["control"]
    share = st.slider(tr("campaign.field.control_share"), int(cfg["min_share"] * 100),
                      int(cfg["max_share"] * 100), int(round(cfg["default_share"] * 100)),
                      format="%d%%", key=f"cg_share_{key}") / 100
    # the split of this data, choice and share, made once (the plan behind it takes seconds)
    signature = (id(analysis.book), analysis.params, target, layer, share, lang(),
                 repr(sorted(dict(answers).items())))
    memo = st.session_state.get(f"cg_split_{key}")
    if memo is not None and memo[0] == signature:
        split = memo[1]
    else:
        try:
            split = create_campaign(analysis, answers, target=target, layer=layer,
                                    control_share=share, lang=lang())
        except KarteError as exc:
            st.error(error_text(exc))
            return
        st.session_state[f"cg_split_{key}"] = (signature, split)
    campaign = split.campaign
    st.caption(tr("campaign.ui.split_done", mailed=f"{len(campaign.mailed):,}",
                  control=f"{len(campaign.control):,}", id=campaign.id))
    st.download_button(tr("campaign.ui.download_mailed", n=f"{len(campaign.mailed):,}"),
                       lambda: xlsx_bytes({"list": split.mailed_list(lang())}),
                       file_name=f"karte_campaign_{campaign.id}.xlsx", on_click="ignore",
                       icon=":material/download:", key=f"cg_dl_{key}",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    client = st.text_input(tr("campaign.ui.client"), key=f"cg_client_{key}",
                           max_chars=CLIENT_MAX,
                           value=str(st.session_state.get("client_name", "")))
    consent = st.checkbox(tr("campaign.ui.consent"), key=f"cg_consent_{key}")
    if st.button(tr("campaign.ui.save"), key=f"cg_save_{key}", disabled=not consent,
                 icon=":material/save:"):
        try:
            if not client.strip():
                raise KarteError("history.error.no_client")
            code = new_access_code()
            record = {**campaign.to_json(), "client": client}
            row = store().save_campaign(record, access_code=code, lang=lang())
        except KarteError as exc:
            st.error(error_text(exc))
        except SQLAlchemyError as exc:
            st.error(tr("ui.history.db_error", detail=type(exc).__name__))
        else:
            my_campaigns()[row] = code
            st.session_state[f"cg_saved_{key}"] = (campaign.id, code)
    saved = st.session_state.get(f"cg_saved_{key}")
    if saved and saved[0] == campaign.id:
        st.success(tr("campaign.ui.saved", code=saved[1]), icon=":material/check_circle:")


def open_by_code(db) -> None:
    with st.form("campaign_code", border=True):
        code = st.text_input(tr("campaign.ui.code"), max_chars=200, key="campaign_code_input")
        if st.form_submit_button(tr("campaign.ui.open"), icon=":material/lock_open:"):
            found = db.find_campaign_by_code(code) if code.strip() else None
            if found is None:
                st.error(tr("campaign.ui.unknown_code"))
            else:
                my_campaigns()[found] = code.strip()


def visible_campaigns(db) -> list[dict[str, Any]]:
    """The saved campaigns this session may see (without their key lists)."""
    if auth.is_consultant():
        return db.list_campaigns()
    mine = list(my_campaigns())
    return db.list_campaigns(ids=mine) if mine else []


def measurement_view(item: Mapping[str, Any]) -> None:
    """One campaign's measurement (`engine.campaigns.measure_all` item)."""
    m = item["measurement"]
    st.markdown(f"**{md(m['label'])}** · {tr('campaign.field.date')} {m['date']} · "
                f"{tr('campaign.field.window')} {m['date']} – {m['window_end']}")
    verdict_colour = {"worked": "green", "worse": "red"}.get(m["verdict"], "gray")
    st.markdown(f":{verdict_colour}-badge[{tr('campaign.verdict.' + m['verdict'], min_group=m['min_group'])}]")
    st.write(m["sentence"])
    rows = []
    for group in ("mailed", "control"):
        g = m["groups"][group]
        rows.append({tr("campaign.field.group"): tr(f"campaign.group.{group}"),
                     tr("campaign.field.size"): g["size"],
                     tr("campaign.field.matched"): g["matched"],
                     tr("campaign.field.unmatched"): g["unmatched"],
                     tr("campaign.field.responders"): g["responders"],
                     tr("campaign.field.response_rate"): f"{g['response_rate'] * 100:.1f}%",
                     tr("campaign.field.orders"): g["orders"],
                     tr("campaign.field.revenue"): yen(g["revenue"]),
                     tr("campaign.field.gross_profit_per_customer"):
                         yen(g["gross_profit_per_customer"])})
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    c1, c2, c3 = st.columns(3)
    c1.metric(tr("campaign.field.lift"), f"{m['lift'] * 100:+.1f}pt",
              help=f"{tr('campaign.field.interval')}: {m['lift_low'] * 100:+.1f} 〜 "
                   f"{m['lift_high'] * 100:+.1f}pt")
    c1.caption(f"{tr('campaign.field.interval')}: {m['lift_low'] * 100:+.1f} 〜 "
               f"{m['lift_high'] * 100:+.1f}pt")
    c2.metric(tr("campaign.field.incremental_profit"), yen(m["incremental_profit"]))
    c2.caption(f"{tr('campaign.field.interval')}: {yen(m['incremental_profit_low'])} 〜 "
               f"{yen(m['incremental_profit_high'])} · {tr('campaign.field.contact_cost')} "
               f"{yen(m['contact_cost'])}")
    if m["estimated_profit"] is not None:
        c3.metric(tr("campaign.field.estimate"), yen(m["estimated_profit"]),
                  f"{m['estimated_lift'] * 100:+.1f}pt", delta_color="off")
    for notice in m["notices"]:
        st.caption(tr(notice))


def measure_section(campaigns: list[Mapping[str, Any]], db, book) -> None:
    """The measurement of the chosen campaigns on the session's data, and the choice to use the
    measured responses in the plan."""
    full = [db.get_campaign(c["row_id"]) for c in campaigns]
    try:
        report = measure_all(full, book, lang=lang())
    except KarteError as exc:
        st.error(error_text(exc))
        return
    for item in report["campaigns"]:
        with st.container(border=True):
            measurement_view(item)
    measured = report["measured_responses"]
    if measured:
        use = st.checkbox(tr("campaign.ui.use_measured"), key=USE_MEASURED,
                          help=tr("campaign.ui.use_measured_help"))
        for target, found in measured.items():
            st.caption(tr("campaign.ui.measured_used", target=target,
                          rate=f"{found['response'] * 100:.1f}%", campaign=found["campaign_id"]))
        st.session_state[MEASURED] = measured if use else {}


def measured_overrides() -> dict[str, Any]:
    """The measured responses the user chose to use in the plan ({} when not chosen)."""
    from engine.campaigns import MeasuredResponse

    if not st.session_state.get(USE_MEASURED):
        return {}
    return {t: MeasuredResponse(**v) for t, v in (st.session_state.get(MEASURED) or {}).items()}


def history_table(db, client: str | None) -> None:
    """Campaigns beside the diagnoses on the history page (consultant)."""
    found = db.list_campaigns(client)
    st.markdown(f"**{tr('campaign.ui.history_title')}**")
    st.caption(tr("campaign.ui.history_count", n=len(found)))
    if found:
        st.dataframe(pd.DataFrame({
            tr("campaign.field.date"): [c.get("date") for c in found],
            tr("history.client"): [c.get("client") for c in found],
            tr("campaign.field.target"): [Campaign.from_json(c).label(lang()) for c in found],
            tr("campaign.field.control_share"): [f"{c.get('control_share', 0):.0%}"
                                                 for c in found]}), hide_index=True)

"""The sections of the order-data page: the column-mapping step, reading with progress, and
the summary of what was read (format, figures, where every row went, the sheet to read)."""
from __future__ import annotations

import re

import streamlit as st

from engine import samples
from engine.errors import IngestError
from engine.ingest import FIELDS, Preset, find_saved_mapping, mapping_to_toml, save_mapping
from engine.ingest.mapping import SavedMapping, parse_saved_mapping
from engine.ingest.presets import fold
from engine.orderbook import OrderBook
from ui import auth, data
from ui.format import count, orders, yen
from ui.state import lang
from ui.text import tr, tr_md

NONE = ""
# A mapping's name becomes a file name (255 bytes on most file systems, with ".toml").
MAPPING_NAME_MAX_BYTES = 200


def mapping_step(error: IngestError | None) -> None:
    """Preview + one dropdown per field, best guess pre-selected; applies at once."""
    src = data.source()
    insp = data.inspection(src.digest, src.name, src.sheet, data.file_bytes())
    st.subheader(tr("ui.data.mapping_title"))
    if error is not None:
        st.caption(tr("ui.data.mapping_why"))
    st.dataframe(insp.preview, hide_index=True)
    current = dict(src.mapping) or insp.mapping()
    mapping = {}
    columns = st.columns(3)
    for i, field in enumerate(FIELDS):
        guess = insp.fields[field]
        options = [NONE] + insp.columns
        default = current.get(field, NONE)
        label = tr(f"ingest.field.{field}") + (" *" if guess.required else "")
        picked = columns[i % 3].selectbox(label, options, index=options.index(default)
                                          if default in options else 0, key=f"map_{field}",
                                          format_func=lambda c, unused=tr("ui.data.not_used"): c or unused)
        if picked:
            mapping[field] = picked
    if tuple(sorted(mapping.items())) != src.mapping:
        data.update_source(mapping=tuple(sorted(mapping.items())), format=None)
    name_col, save_col, dl_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    name = name_col.text_input(tr("ui.data.mapping_name"), value=src.name.rsplit(".", 1)[0])
    share = auth.mode() == "single"  # one user on this computer: the data folder is theirs
    if auth.mode() == "consultant" and auth.is_consultant():
        share = st.checkbox(tr("ui.mappings.share"), key="mapping_share")
    if save_col.button(tr("ui.data.mapping_save")):
        save_named_mapping(mapping, insp.columns, name, share)
    dl_col.download_button(tr("ui.data.mapping_download"),
                           mapping_to_toml(mapping, insp.columns, name).encode("utf-8"),
                           file_name=f"{_file_stem(name)}.toml", mime="application/toml",
                           on_click="ignore")


def _file_stem(name: str) -> str:
    return re.sub(r"[^\w\-]+", "_", name).strip("_")[:80] or "mapping"


def save_named_mapping(mapping: dict[str, str], columns: list[str], name: str,
                       share: bool) -> None:
    """Keep a mapping for this session only, or (shared on purpose) in the data folder.

    A visitor's mapping never reaches another visitor's file: only the consultant shares.
    """
    size = len(name.encode("utf-8", "surrogatepass"))
    if not name.strip() or size > MAPPING_NAME_MAX_BYTES:
        st.error(tr("ui.mappings.name_too_long", n=size, max=MAPPING_NAME_MAX_BYTES))
        return
    if share:
        save_mapping(data.mappings_dir(), mapping, columns, name)
        st.toast(tr_md("ui.mappings.saved_shared", name=name))
    else:
        saved = parse_saved_mapping(mapping_to_toml(mapping, columns, name))
        session_mappings()[name] = saved
        st.toast(tr_md("ui.mappings.saved_private", name=name))


def session_mappings() -> dict[str, SavedMapping]:
    """The mappings this browser session saved (in memory, gone with the session)."""
    return st.session_state.setdefault("my_mappings", {})


def _matching(columns: list[str]) -> SavedMapping | None:
    """The session's or the shared saved mapping for these columns (longest signature)."""
    folded = {fold(c) for c in columns}
    best = find_saved_mapping(data.mappings_dir(), columns)
    for saved in session_mappings().values():
        if saved.signature and all(fold(c) in folded for c in saved.signature):
            if best is None or len(saved.signature) >= len(best.signature):
                best = saved
    return best


def read_book():
    """Read the file (cached), with a progress box the first time."""
    src = data.source()
    if st.session_state.get("read_done") == src:
        return data.book()
    with st.status(tr("ingest.progress.reading"), expanded=False) as status:
        try:
            book = data.book(progress=lambda key, _f: status.update(label=tr(key)))
        except Exception:  # the page shows why; the box must not keep saying 「読み込んでいます…」
            status.update(label=tr("ingest.progress.failed"), state="error")
            raise
        status.update(label=tr("ingest.progress.done"), state="complete")
    st.session_state.read_done = src
    return book


def reuse_saved_mapping() -> None:
    """Apply a saved mapping made for exactly these columns, without asking, and rerun."""
    src = data.source()
    columns = data.inspection(src.digest, src.name, src.sheet, data.file_bytes()).columns
    saved = _matching(columns)
    if saved is not None:
        data.update_source(mapping=tuple(sorted(saved.mapping.items())))
        st.toast(tr_md("ui.data.mapping_reused", name=saved.name))
        st.rerun()


def summary_section(book: OrderBook, presets: dict[str, Preset]) -> None:
    """What was read: format, encoding, period, orders, customers, revenue, rows by reason."""
    src = data.source()
    report = book.report
    summary = book.summary()
    st.success(tr_md("ui.data.loaded", name=src.name if src.kind == "upload"
                  else samples.shop_label(st.session_state.get("sample_shop", ""), lang())))
    params = report.details.get("notice_params", {})
    for notice in report.notices:
        st.warning(tr(notice, **params.get(notice, {})))

    fmt_label = (presets[report.format].label(lang()) if report.format in presets
                 else tr("ui.data.custom_mapping"))
    period = f"{summary['date_min']} – {summary['date_max']}" if summary["date_min"] else "—"
    st.markdown(f"**{tr('ingest.format_label')}**: {fmt_label}  \n"
                f"**{tr('ingest.encoding_label')}**: {report.encoding}  \n"
                f"**{tr('ui.data.period')}**: {period}")
    c1, c2, c3 = st.columns(3)
    c1.metric(tr("ui.data.orders"), orders(summary["orders"]))
    c2.metric(tr("ui.data.customers"), count(summary["customers"]))
    c3.metric(tr("ui.data.revenue"), yen(summary["revenue"]))
    _match_and_files(report, presets)

    dropped = sum(report.rows_dropped.values())
    st.subheader(tr("ui.data.rows_title"))
    st.markdown((":material/check_circle: " if report.reconciles() else ":material/warning: ") + tr(
        "ingest.reconciliation", rows_in=f"{report.rows_in:,}", rows_kept=f"{report.rows_kept:,}",
        dropped=f"{dropped:,}"))
    if report.rows_dropped:
        st.dataframe([{tr("ui.data.reason"): tr(f"ingest.reason.{r}"), tr("ui.data.rows"): n}
                      for r, n in sorted(report.rows_dropped.items(), key=lambda kv: -kv[1])],
                     hide_index=True)
        for reason, rows in report.examples.items():
            with st.expander(tr("ui.data.examples", reason=tr(f"ingest.reason.{reason}"))):
                st.dataframe(rows, hide_index=True)
    if report.sheets and len(report.sheets) > 1:
        sheet = st.selectbox(tr("ui.data.sheet"), report.sheets,
                             index=report.sheets.index(report.sheet) if report.sheet in report.sheets else 0)
        if sheet != report.sheet:
            data.update_source(sheet=sheet)
            st.rerun()


def _match_and_files(report, presets: dict[str, Preset]) -> None:
    """Which columns made the platform match, its refund rule, and each file when combined."""
    details = report.details
    match = details.get("match")
    rule = details.get("refund_rule", {}).get(lang()) or ""
    if match or rule:
        with st.expander(tr("ui.data.match_title"), expanded=bool(match and match["missing"])):
            if match:
                label = presets[match["preset"]].label(lang()) if match["preset"] in presets else match["preset"]
                st.markdown(tr("ui.data.match_share", preset=label, share=f"{match['share']:.0%}",
                               found=", ".join(match["found"]) or "—",
                               missing=", ".join(match["missing"]) or "—"))
            if rule:
                st.caption(tr("ui.data.refund_rule", rule=rule))
    if details.get("files"):
        st.dataframe([{tr("ui.data.file"): f["name"], tr("ingest.format_label"): f["format"],
                       tr("ingest.rows_in"): f["rows_in"], tr("ui.data.orders"): f["orders"],
                       tr("ui.data.in_other_file"): f["orders_in_other_file"]}
                      for f in details["files"]], hide_index=True)


def next_steps(book: OrderBook) -> None:
    """After a read: straight to the analysis or to the lists tab ("just segment my file")."""
    if not book.report.has_customers or book.orders.empty:
        return
    with st.container(border=True):
        st.markdown(f"**{tr('ui.data.next_title')}**")
        c1, c2 = st.columns(2)
        if c1.button(tr("ui.data.to_analysis"), icon=":material/insights:", width="stretch",
                     key="to_analysis"):
            st.switch_page("pages/analysis.py")
        if c2.button(tr("ui.data.to_lists"), icon=":material/list_alt:", type="primary",
                     width="stretch", key="to_lists"):
            st.session_state.open_lists_tab = True
            st.switch_page("pages/analysis.py")

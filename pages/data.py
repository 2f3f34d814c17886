"""Order data: drop the shop's export (or pick a sample shop) and see what was read.

Shows the recognised format, encoding, rows read / kept / dropped by reason (with examples),
orders, customers, period and revenue; opens a column-mapping step for unknown layouts.
"""
import streamlit as st

from engine import samples
from engine.errors import IngestError
from engine.ingest import FIELDS, find_saved_mapping, list_presets, mapping_to_toml, save_mapping
from engine.i18n import t
from ui import data
from ui.format import yen
from ui.state import enter_through_app, lang
from ui.text import tr

enter_through_app(__file__)

LAYOUT_ERRORS = {"ingest.error.unknown_layout", "ingest.error.no_amount", "ingest.error.no_dates"}
NONE = ""

st.title(tr("ui.data.title"))
st.caption(tr("ui.data.intro"))

upload_col, sample_col = st.columns([3, 2])
with upload_col:
    uploaded = st.file_uploader(tr("ui.data.upload"), type=["csv", "tsv", "txt", "xlsx"])
    if uploaded is not None:
        data.use_upload(uploaded.getvalue(), uploaded.name)
with sample_col.container(border=True):
    shop = st.selectbox(tr("ui.data.sample_shop"), samples.SHOPS,
                        format_func=lambda s, lg=lang(): samples.shop_label(s, lg))
    st.caption(samples.shop_description(shop, lang()))
    if st.button(tr("ui.home.sample_button"), icon=":material/storefront:"):
        data.use_sample(shop)

src = data.source()
if src is None:
    st.info(tr("ui.data.empty"))
    st.stop()

presets = {p.id: p for p in list_presets()}
with st.expander(tr("ui.data.options"), expanded=False):
    formats = [NONE] + list(presets)
    chosen = st.selectbox(tr("ui.data.format_override"), formats,
                          index=formats.index(src.format or NONE),
                          format_func=lambda f, lg=lang(): t("ui.data.auto", lg) if f == NONE
                          else presets[f].label(lg))
    if (chosen or None) != src.format:
        data.update_source(format=chosen or None, mapping=())
        st.rerun()
    mapping_open = st.toggle(tr("ui.data.open_mapping"), key="mapping_open")


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
    if save_col.button(tr("ui.data.mapping_save")):
        save_mapping(data.mappings_dir(), mapping, insp.columns, name)
        st.toast(tr("ui.data.mapping_saved", name=name))
    dl_col.download_button(tr("ui.data.mapping_download"),
                           mapping_to_toml(mapping, insp.columns, name).encode("utf-8"),
                           file_name=f"{name}.toml", mime="application/toml")


def read_book():
    """Read the file (cached), with a progress box the first time."""
    src = data.source()
    if st.session_state.get("read_done") == src:
        return data.book()
    with st.status(tr("ingest.progress.reading"), expanded=False) as status:
        book = data.book(progress=lambda key, _f: status.update(label=tr(key)))
        status.update(label=tr("ingest.progress.done"), state="complete")
    st.session_state.read_done = src
    return book


if mapping_open or src.mapping:
    mapping_step(None)
try:
    book = read_book()
except IngestError as exc:
    st.error(exc.message(lang()))
    if exc.key in LAYOUT_ERRORS and not (mapping_open or src.mapping):
        # A saved mapping for exactly these columns is reused without asking.
        saved = find_saved_mapping(data.mappings_dir(),
                                   data.inspection(src.digest, src.name, src.sheet,
                                                   data.file_bytes()).columns)
        if saved is not None:
            data.update_source(mapping=tuple(sorted(saved.mapping.items())))
            st.toast(tr("ui.data.mapping_reused", name=saved.name))
            st.rerun()
        mapping_step(exc)
    st.stop()

report = book.report
summary = book.summary()
st.success(tr("ui.data.loaded", name=src.name if src.kind == "upload"
              else samples.shop_label(st.session_state.get("sample_shop", ""), lang())))
for notice in report.notices:
    st.warning(tr(notice))

fmt_label = (presets[report.format].label(lang()) if report.format in presets
             else tr("ui.data.custom_mapping"))
period = f"{summary['date_min']} – {summary['date_max']}" if summary["date_min"] else "—"
st.markdown(f"**{tr('ingest.format_label')}**: {fmt_label}  \n"
            f"**{tr('ingest.encoding_label')}**: {report.encoding}  \n"
            f"**{tr('ui.data.period')}**: {period}")
c1, c2, c3 = st.columns(3)
c1.metric(tr("ui.data.orders"), f"{summary['orders']:,}")
c2.metric(tr("ui.data.customers"), "—" if summary["customers"] is None
          else f"{summary['customers']:,}")
c3.metric(tr("ui.data.revenue"), yen(summary["revenue"]))

dropped = sum(report.rows_dropped.values())
st.subheader(tr("ui.data.rows_title"))
st.markdown(("✅ " if report.reconciles() else "⚠️ ") + tr(
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

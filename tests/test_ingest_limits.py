"""The reader's limits (engine/data/limits.toml) and the four crash causes of issue 16.

Every file over a limit is refused with an `ingest.limit.*` message in both languages, before
the work the limit protects: the reproducers of issues 13 / 16 are refused in well under a
second with little memory. Files within the limits read exactly as they did without them.
"""
from __future__ import annotations

import copy
import io
import time
import tracemalloc
import zipfile

import pandas as pd
import pytest

from engine.config import load
from engine.errors import IngestError
from engine.ingest import ingest, reader
from engine.ingest.limits import default, from_table
from tests import fuzz_inputs as fz


def limits_with(**changes):
    """The default limits with some values changed (section.key=value)."""
    table = copy.deepcopy(load("limits"))
    for key, value in changes.items():
        section, name = key.split("__")
        table[section][name] = value
    return from_table(table)


def refused(data: bytes, name: str, limits=None) -> IngestError:
    with pytest.raises(IngestError) as info:
        reader.read(data, name, limits=limits)
    exc = info.value
    assert exc.message("ja") and exc.message("en") and "{" not in exc.message("en")
    return exc


# ---------------------------------------------------------------- the limits are data
def test_limits_come_from_the_toml_file():
    table = load("limits")
    lim = default()
    assert lim.max_columns == table["table"]["max_columns"]
    assert lim.max_row_number == table["xlsx"]["max_row_number"] == 1_048_576
    assert (str(lim.earliest_date), str(lim.latest_date)) == ("1900-01-01", "2199-12-31")


# ---------------------------------------------------------------- the reproducers
@pytest.mark.parametrize("name,key", [
    ("row_number_bomb", "ingest.limit.row_number"),
    ("xfd_column", "ingest.limit.columns"),
    ("wide_header", "ingest.limit.columns"),
    ("shared_strings_20m", "ingest.limit.xlsx_ratio"),
    ("zip_bomb", "ingest.limit.xlsx_ratio"),
])
def test_hostile_files_are_refused_fast_and_small(name, key, hostile_files):
    data, filename = hostile_files[name]
    tracemalloc.start()
    start = time.perf_counter()
    exc = refused(data, filename)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert exc.key == key
    assert elapsed < 5
    assert peak < 10 * len(data) + 8_000_000     # a small multiple of the upload's size


@pytest.fixture(scope="module")
def hostile_files():
    return fz.hostile(full=False)     # bench/hostile.py uploads the full-size ones


def test_row_number_bomb_message_names_the_row():
    exc = refused(fz.row_number_bomb(), "x.xlsx")
    assert "1,000,000,000" in exc.message("ja") and "1,048,576" in exc.message("en")


def test_a_stray_cell_in_column_xfd_below_the_header_is_left_out():
    raw = reader.read(fz.xfd_data_only(), "x.xlsx")
    assert list(raw.frame.columns) == ["注文番号", "会員ID", "受注日", "金額"]
    assert len(raw.frame) == 2000


def test_sparse_rows_are_counted_not_padded():
    # a row numbered 5,000 after the header: the gap becomes blank rows (as openpyxl and
    # Excel show them), made only once the limits allow it
    data = fz.workbook(fz.small_sheet(1, 2) + fz.inline_row(5000, [("A5000", "9"), ("B5000", "M9"),
                                                                   ("C5000", "2024/03/01"), ("D5000", "700")]))
    book = ingest(data, "gap.xlsx")
    assert book.report.rows_in == 4999            # rows 2..5000
    assert book.report.rows_dropped == {"blank_row": 4996}
    assert book.orders["revenue"].sum() == 1000 + 2000 + 700


def test_skipped_rows_far_beyond_the_file_size_are_refused():
    data = fz.workbook(fz.small_sheet(1, 2) + fz.inline_row(1_048_576, [("A1048576", "9")]))
    small = limits_with(table__max_padding_cells=10_000)
    assert refused(data, "gap.xlsx", small).key == "ingest.limit.padding"


# ---------------------------------------------------------------- each limit, with small values
def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    return ("\n".join(",".join(r) for r in [header, *rows]) + "\n").encode("utf-8")


ORDERS = csv_bytes(["注文番号", "受注日", "金額"], [[str(i), "2024/01/05", "1000"] for i in range(50)])


def test_rows_and_cells():
    assert refused(ORDERS, "o.csv", limits_with(table__max_rows=49)).key == "ingest.limit.rows"
    assert refused(ORDERS, "o.csv", limits_with(table__max_cells=149)).key == "ingest.limit.cells"
    assert len(reader.read(ORDERS, "o.csv", limits=limits_with(table__max_rows=50, table__max_cells=150)).frame) == 50


def test_rows_and_cells_on_the_row_by_row_path():
    ragged = ORDERS + b"51,2024/01/05,1000,extra\n"          # one ragged row: read row by row
    assert refused(ragged, "o.csv", limits_with(table__max_rows=49)).key == "ingest.limit.rows"
    raw = reader.read(ragged, "o.csv", limits=limits_with(table__max_rows=50))
    assert (len(raw.frame), raw.malformed) == (50, 1)


def test_columns():
    wide = csv_bytes([f"c{i}" for i in range(30)], [["1"] * 30])
    exc = refused(wide, "w.csv", limits_with(table__max_columns=29))
    assert exc.key == "ingest.limit.columns" and exc.params["columns"] == "30"


def test_short_rows_padded_beyond_the_file_size_are_refused():
    data = ("注文番号,受注日,金額" + ",x" * 500 + "\n" + "1\n" * 3000).encode()   # 503 columns, 1-cell lines
    exc = refused(data, "short.csv", limits_with(table__max_padding_cells=1000))
    assert exc.key == "ingest.limit.padding"


def test_cell_length_in_both_csv_paths():
    long_cell = csv_bytes(["注文番号", "受注日", "金額", "メモ"], [["1", "2024/01/05", "1000", "y" * 600]])
    small = limits_with(table__max_field_chars=500)
    exc = refused(long_cell, "m.csv", small)                                        # pyarrow path
    assert exc.key == "ingest.limit.field" and exc.params["line"] == "2"
    exc = refused(long_cell + b"2,2024/01/06,5,a,b\n", "m.csv", small)            # csv path
    assert exc.key == "ingest.limit.field" and exc.params["line"] == "2"
    assert len(reader.read(long_cell, "m.csv", limits=limits_with(table__max_field_chars=600)).frame) == 1


def test_xlsx_archive_limits():
    data = fz.workbook(fz.small_sheet(), strings=["a", "b", "c"])
    assert refused(data, "x.xlsx", limits_with(xlsx__max_parts=3)).key == "ingest.limit.xlsx_parts"
    assert refused(data, "x.xlsx", limits_with(xlsx__max_uncompressed_mb=0.0001)).key == "ingest.limit.xlsx_size"
    assert refused(data, "x.xlsx", limits_with(xlsx__max_shared_strings=2)).key == "ingest.limit.shared_strings"
    assert refused(data, "x.xlsx", limits_with(xlsx__max_shared_strings_mb=0.00001)).key == \
        "ingest.limit.shared_strings_size"
    assert refused(fz.workbook(fz.small_sheet(), sheets=3), "x.xlsx",
                   limits_with(xlsx__max_sheets=2)).key == "ingest.limit.sheets"


def test_compression_ratio_is_checked_on_big_parts_only():
    data = fz.zip_bomb(30_000_000)
    assert refused(data, "b.xlsx").key == "ingest.limit.xlsx_ratio"
    # the same file is fine when big parts may be that compressed (the whitespace is harmless)
    raw = reader.read(data, "b.xlsx", limits=limits_with(xlsx__max_compression_ratio=100_000))
    assert len(raw.frame) == 3


def test_xml_nesting_and_declarations():
    assert refused(fz.deep_nesting(50_000), "d.xlsx").key == "ingest.limit.xml_depth"
    # a "/>" in text does not pass for a self-closing tag
    hidden = fz.workbook(fz.small_sheet() + '<x>/>' * 50_000 + "</x>" * 50_000)
    assert refused(hidden, "d.xlsx").key == "ingest.limit.xml_depth"
    # nesting is counted between 16 KiB chunks: what opens and closes within one costs little
    assert reader.read(fz.deep_nesting(200), "d.xlsx").frame.shape == (3, 4)
    parts = fz.parts_of(fz.workbook(fz.small_sheet()))
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"?>", b'?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>', 1)
    assert refused(fz.zip_of(parts), "e.xlsx").key == "ingest.error.bad_excel"


def test_limits_do_not_change_what_valid_files_give():
    huge = limits_with(table__max_rows=10**12, table__max_cells=10**15, table__max_columns=10**6,
                       table__max_padding_cells=10**12, xlsx__max_compression_ratio=10**9)
    for data, name in fz.corpus():
        pd.testing.assert_frame_equal(reader.read(data, name).frame, reader.read(data, name, limits=huge).frame)


# ---------------------------------------------------------------- the four crash causes of issue 16
def test_out_of_range_dates_drop_their_rows():
    data = csv_bytes(["注文番号", "受注日", "金額"],
                     [["1", "2024/01/05", "1000"], ["2", "9999/12/31", "2000"], ["3", "0001-01-01", "3000"],
                      ["4", "2262-04-12", "4000"], ["5", "2024-01-06T10:00:00+09:00", "500"],
                      ["6", "9999-12-31T23:59:59Z", "600"], ["7", "2199-12-31", "70"], ["8", "1899-12-31", "80"]])
    book = ingest(data, "dates.csv")
    assert book.report.rows_dropped == {"no_date": 5}
    assert book.report.rows_kept == 3 and book.report.reconciles()
    assert sorted(book.orders["order_id"]) == ["1", "5", "7"]
    assert book.orders["revenue"].sum() == 1000 + 500 + 70


def test_accepted_date_range_is_the_toml_one():
    from engine.ingest.clean import parse_dates

    values = pd.Series(["2024/01/05", "2031/01/01"], dtype="str")
    narrow = limits_with(dates__latest=__import__("datetime").date(2030, 12, 31))
    assert parse_dates(values, limits=narrow).isna().tolist() == [False, True]
    assert parse_dates(values).isna().tolist() == [False, False]


@pytest.mark.parametrize("title", [False, True])
def test_xlsx_header_on_row_21(title):
    first = fz.inline_row(1, [("A1", "受注データ 2024年1月")]) if title else ""
    data = fz.workbook(first + fz.small_sheet(21, 4))
    raw = reader.read(data, "h.xlsx")
    assert raw.header_row == 21
    assert list(raw.frame.columns) == ["注文番号", "会員ID", "受注日", "金額"]
    book = ingest(data, "h.xlsx")
    assert book.report.rows_kept == 4 and book.orders["revenue"].sum() == 1000 + 2000 + 3000 + 4000


def test_a_field_over_131072_characters_then_a_ragged_row():
    data = fz.huge_field(200_000, ragged=True)
    book = ingest(data, "memo.csv")
    assert book.report.rows_in == 4
    assert book.report.rows_dropped == {"malformed_row": 1}
    assert book.orders["revenue"].sum() == 1000 + 2000 + 4000


@pytest.mark.parametrize("damage", [
    lambda x: x.replace(b"</sheetData>", b"<row r=\"9\"><c r=\"A9\"", 1),      # unclosed XML
    lambda x: x.replace(b'r="A2"', b'r="$A$2"', 1),                          # fast reader refuses the ref
    lambda x: x.replace(b"<is><t>1000</t>", b"<is><t>1000</t><<", 1),         # not well-formed
])
def test_malformed_sheet_xml_is_a_message_not_a_crash(damage):
    parts = fz.parts_of(fz.workbook(fz.small_sheet()))
    parts["xl/worksheets/sheet1.xml"] = damage(parts["xl/worksheets/sheet1.xml"])
    try:
        book = reader.read(fz.zip_of(parts), "bad.xlsx")
    except IngestError as exc:
        assert exc.key == "ingest.error.bad_excel"
    else:  # openpyxl may read what the fast reader did not: then it is a table
        assert list(book.frame.columns)[:2] == ["注文番号", "会員ID"]


def test_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    assert refused(buf.getvalue(), "x.xlsx").key == "ingest.error.bad_excel"


def test_openpyxl_fallback_counts_skipped_rows_as_the_fast_reader_does():
    # "a2" (lower case) is a reference the fast reader does not take: openpyxl reads the file
    tail = fz.inline_row(5000, [("A5000", "9"), ("B5000", "M9"), ("C5000", "2024/03/01"), ("D5000", "700")])
    data = fz.workbook(fz.small_sheet(1, 2).replace('r="A2"', 'r="a2"', 1) + tail)
    book = ingest(data, "gap.xlsx")
    assert book.report.rows_in == 4999 and book.report.rows_dropped == {"blank_row": 4996}
    assert book.orders["revenue"].sum() == 1000 + 2000 + 700
    far = fz.workbook(fz.small_sheet(1, 2).replace('r="A2"', 'r="a2"', 1)
                      + fz.inline_row(1_048_576, [("A1048576", "9")]))
    assert refused(far, "gap.xlsx", limits_with(table__max_padding_cells=10_000)).key == "ingest.limit.padding"


def test_refusals_do_not_echo_names_from_inside_the_file():
    parts = fz.parts_of(fz.workbook(fz.small_sheet()))
    parts["xl/![p](http://host/x.png).xml"] = b" " * 10_000_000
    exc = refused(fz.zip_of(parts), "x.xlsx")
    assert exc.key == "ingest.limit.xlsx_ratio"
    assert "http" not in exc.message("ja") and "http" not in exc.message("en")

"""Files that cannot be analysed raise IngestError with a message in both languages."""
from __future__ import annotations

import io
import random

import openpyxl
import pytest

from engine.errors import IngestError
from engine.i18n import catalogue
from engine.ingest import ingest

HTML = b"<!DOCTYPE html>\n<html><head><title>Orders</title></head><body><table><tr><td>1</td></tr></table></body></html>"
RANDOM = random.Random(7).randbytes(4096)

CASES = {
    "empty": (b"", "orders.csv", {}, "ingest.error.empty_file"),
    "whitespace": (b"  \r\n\r\n ", "orders.csv", {}, "ingest.error.empty_file"),
    "header_only": ("注文番号,注文日,金額\r\n".encode("cp932"), "orders.csv", {}, "ingest.error.header_only"),
    "random_bytes": (RANDOM, "orders.csv", {}, "ingest.error.unreadable"),
    "html_as_csv": (HTML, "orders.csv", {}, "ingest.error.html"),
    "no_parsable_dates": (b"order_id,date,amount\n1,soon,100\n2,later,200\n", "o.csv", {}, "ingest.error.no_dates"),
    "no_amount_column": (b"order_id,date,customer_id\n1,2024-01-01,a\n", "o.csv", {}, "ingest.error.no_amount"),
    "unknown_layout": (b"foo,bar\n1,2\n", "o.csv", {}, "ingest.error.unknown_layout"),
    "over_size_limit": (b"date,amount\n2024-01-01,1\n", "o.csv", {"max_bytes": 10}, "ingest.error.too_large"),
    "zip_not_excel": (b"PK\x03\x04garbage", "orders.xlsx", {}, "ingest.error.bad_excel"),
    "old_xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "orders.csv", {}, "ingest.error.bad_excel"),
    "unknown_format": (b"date,amount\n2024-01-01,1\n", "o.csv", {"format": "nope"}, "ingest.error.unknown_format"),
    "bad_mapping": (b"date,amount\n2024-01-01,1\n", "o.csv", {"mapping": {"order_date": "missing"}},
                    "ingest.error.bad_mapping_column"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_unanalysable_file_raises_ingest_error_with_catalogue_key(case):
    data, name, kwargs, key = CASES[case]
    with pytest.raises(IngestError) as info:
        ingest(data, name, **kwargs)
    assert info.value.key == key
    for lang in ("ja", "en"):
        assert key in catalogue(lang)
        assert "{" not in info.value.message(lang)   # every placeholder filled


def test_missing_sheet_is_named():
    book = openpyxl.Workbook()
    book.active.append(["date", "amount"])
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(IngestError) as info:
        ingest(buf.getvalue(), "x.xlsx", sheet="2024")
    assert info.value.key == "ingest.error.no_sheet"
    assert "2024" in info.value.message("en")


def test_all_rows_cancelled_gives_an_empty_book_with_a_notice():
    data = b"order_id,date,amount,status\n1,2024-01-01,100,cancelled\n"
    book = ingest(data, "o.csv")
    assert book.n_orders == 0 and book.report.rows_dropped == {"cancelled": 1}
    assert "ingest.notice.no_orders_kept" in book.report.notices

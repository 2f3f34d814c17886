"""Property: any bytes in -> an OrderBook that reconciles, or IngestError — nothing else."""
from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import IngestError
from engine.ingest import ingest
from engine.orderbook import LINE_COLUMNS, ORDER_COLUMNS

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def _check(data: bytes, name: str) -> None:
    try:
        book = ingest(data, name)
    except IngestError as exc:
        assert exc.message("ja") and exc.message("en")
        return
    assert book.report.reconciles()
    assert tuple(book.lines.columns) == LINE_COLUMNS
    assert tuple(book.orders.columns) == ORDER_COLUMNS
    assert len(book.lines) == book.report.rows_kept


@SETTINGS
@given(st.binary(max_size=2048), st.sampled_from(["x.csv", "x.tsv", "x.txt", "x.xlsx"]))
def test_arbitrary_bytes(data, name):
    _check(data, name)


CELLS = st.sampled_from(["", "1", "-3", "¥1,000", "１２００円", "(500)", "2024/1/5", "2024-01-05T09:03:00+09:00",
                         "令和6年1月5日", "R6.1.5", "45296", "abc", "キャンセル", "送料", "a@b.jp", "A@B.JP",
                         "C536365", "090-0000-0000", "髙橋", "①", '"', ",", "\n", "99999999999999999999"])
HEADERS = st.sampled_from(["注文番号", "受注日", "金額", "合計金額", "会員ID", "メールアドレス", "数量", "単価",
                           "商品名", "ステータス", "InvoiceNo", "StockCode", "InvoiceDate", "UnitPrice",
                           "CustomerID", "Name", "Email", "Financial Status", "Lineitem name", "Created at",
                           "Total", "x", ""])


@SETTINGS
@given(st.lists(HEADERS, min_size=1, max_size=7),
       st.lists(st.lists(CELLS, min_size=0, max_size=8), max_size=12),
       st.sampled_from(["utf-8", "cp932", "utf-8-sig"]))
def test_table_shaped_inputs(header, rows, encoding):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        data = buf.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return
    _check(data, "orders.csv")

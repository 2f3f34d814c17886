"""Reading bytes: encodings (CP932 ①㈱髙), delimiters, Excel with a notes sheet first."""
from __future__ import annotations

import codecs
import datetime as dt
import io

import openpyxl
import pytest

from engine.ingest import ingest, inspect
from engine.ingest.reader import decode, read, sniff_delimiter

TEXT = "注文番号,会員ID,受注日,商品名,金額\n1,A1,2024/1/5,①番 ㈱髙島屋コラボ,1000\n2,A2,2024/1/6,髙級茶,2000\n"


@pytest.mark.parametrize("encoding,expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                               ("cp932", "cp932"), ("utf-16", "utf-16")])
def test_encodings_are_detected_and_cp932_characters_survive(encoding, expected):
    book = ingest(TEXT.encode(encoding), "orders.csv")
    assert book.report.encoding == expected
    assert book.lines["product"].tolist() == ["①番 ㈱髙島屋コラボ", "髙級茶"]
    assert book.revenue == 3000


def test_shift_jis_codec_would_fail_where_cp932_reads():
    data = "①㈱髙".encode("cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("shift_jis")
    assert decode(data) == ("①㈱髙", "cp932")


@pytest.mark.parametrize("delim", [",", "\t", ";"])
def test_delimiter_is_sniffed(delim):
    text = TEXT.replace(",", delim)
    assert sniff_delimiter(text) == delim
    assert ingest(text.encode(), "orders.txt").n_orders == 2


def test_quoted_cells_with_commas_and_newlines():
    data = 'order_id,date,product,amount\n1,2024-01-01,"set, large\nwith note","1,200"\n'.encode()
    book = ingest(data, "o.csv")
    assert book.lines["product"].tolist() == ["set, large\nwith note"]
    assert book.revenue == 1200


def test_ragged_rows_are_padded_or_counted():
    data = b"order_id,date,amount,memo\n1,2024-01-01,100\n2,2024-01-02,200,ok,EXTRA\n3,2024-01-03,300,,\n"
    book = ingest(data, "o.csv")
    # row 1 short -> padded; row 2 has an extra non-empty cell -> malformed; row 3 extra empty cell -> trimmed
    assert book.report.rows_in == 3 and book.report.rows_dropped == {"malformed_row": 1}
    assert book.revenue == 400 and book.report.reconciles()
    # where and how wide, never the cells (they could hold names or phones)
    assert book.report.examples["malformed_row"] == [{"row": 3, "cells": 5, "expected": 4}]


def _workbook_with_notes_first() -> bytes:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "説明"
    notes.append(["このファイルは2024年の注文一覧です"])
    notes.append(["作成: 店長"])
    data = book.create_sheet("注文一覧")
    data.append(["注文一覧（2024年）"])            # a title row above the header
    data.append([])
    data.append(["注文番号", "顧客ID", "注文日", "合計金額"])
    data.append([536365, 17850.0, dt.datetime(2024, 1, 5, 9, 3), 1200])
    data.append([536366, 17850.0, 45297, "¥800"])     # Excel serial date as a number: 2024-01-06
    other = book.create_sheet("返品")
    other.append(["注文番号", "顧客ID", "注文日", "合計金額"])
    other.append([9, 1, dt.datetime(2024, 2, 1), 50])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_excel_data_sheet_is_found_after_a_notes_sheet():
    data = _workbook_with_notes_first()
    book = ingest(data, "orders.xlsx")
    assert book.report.sheet == "注文一覧"
    assert book.report.sheets == ["説明", "注文一覧", "返品"]
    assert book.orders["order_id"].tolist() == ["536365", "536366"]
    assert book.orders["customer_id"].tolist() == ["17850", "17850"]
    assert book.orders["order_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-05", "2024-01-06"]
    assert book.revenue == 2000


def test_excel_examples_give_the_sheet_row_number():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["売上一覧"])
    sheet.append(["注文番号", "注文日", "金額"])
    sheet.append([1, "2024-01-05", 100])
    sheet.append([2, "いつか", 100])          # sheet row 4
    buf = io.BytesIO()
    book.save(buf)
    result = ingest(buf.getvalue(), "x.xlsx")
    assert result.report.examples["no_date"][0]["row"] == 4


def test_excel_sheet_can_be_chosen():
    book = ingest(_workbook_with_notes_first(), "orders.xlsx", sheet="返品")
    assert book.report.sheet == "返品" and book.revenue == 50


def test_inspect_offers_preview_and_best_guesses():
    ins = inspect("会員番号,購入日,購入金額,メモ\nA,2024-01-01,100,x\n".encode("cp932"), "x.csv")
    assert ins.encoding == "cp932" and ins.preset is None
    assert ins.columns == ["会員番号", "購入日", "購入金額", "メモ"]
    assert ins.preview == [{"会員番号": "A", "購入日": "2024-01-01", "購入金額": "100", "メモ": "x"}]
    assert ins.mapping() == {"member_id": "会員番号", "order_date": "購入日", "amount": "購入金額"}
    assert ins.fields["order_date"].required and ins.ready()
    assert ins.fields["amount"].candidates[0] == "購入金額"


def test_inspect_detects_a_platform():
    from ingest_files import SHOPIFY_HEADER, table
    ins = inspect(table(SHOPIFY_HEADER, []), "orders_export.csv")
    assert ins.preset == "shopify" and ins.fields["order_id"].best == "Name"


def test_raw_cells_are_strings_not_guessed_types():
    raw = read(b"id,code\n007,1e3\n", "x.csv")
    assert raw.frame.to_dict("records") == [{"id": "007", "code": "1e3"}]


def test_bom_is_not_part_of_the_first_header():
    raw = read(codecs.BOM_UTF8 + b"date,amount\n2024-01-01,1\n", "x.csv")
    assert list(raw.frame.columns) == ["date", "amount"]


def test_other_japanese_encodings_go_to_the_detector():
    text = "注文番号,会員ID,受注日,商品名,金額\n1,A1,2024/1/5,島屋コラボ,1000\n2,A2,2024/1/6,高級茶,2000\n"
    book = ingest(text.encode("euc_jp"), "old_system.csv")
    assert book.report.encoding.startswith("euc")
    assert book.lines["product"].tolist() == ["島屋コラボ", "高級茶"]


def test_title_lines_above_the_csv_header_are_skipped():
    data = "受注データ出力 2024/01/01\n\n注文番号,受注日,金額\n1,2024/1/5,100\n2,2024/1/6,200\n".encode("cp932")
    book = ingest(data, "export.csv")
    assert book.report.mapping["order_id"] == "注文番号"
    assert (book.report.rows_in, book.revenue) == (2, 300)

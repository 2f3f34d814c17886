"""Cleaning cells: amounts, dates in every format shops use, and customer keys."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from engine.ingest import hash_name_phone, normalise_email, normalise_member_id
from engine.ingest.clean import parse_amounts, parse_dates
from engine.ingest.keys import customer_keys


@pytest.mark.parametrize("text,value", [
    ("1000", 1000), ("¥1,000", 1000), ("１，２００円", 1200), (" 2 000 ", 2000), ("(1,000)", -1000),
    ("△300", -300), ("▲300", -300), ("-5", -5), ("12.5", 12.5), ("JPY 800", 800),
])
def test_amounts(text, value):
    assert parse_amounts(pd.Series([text])).tolist() == [value]


@pytest.mark.parametrize("text", ["", "abc", "1e400", "--"])
def test_not_an_amount_is_nan(text):
    assert math.isnan(parse_amounts(pd.Series([text]))[0])


@pytest.mark.parametrize("text,when", [
    ("2024/1/5 9:03", "2024-01-05 09:03"), ("2024-01-05 09:03:00", "2024-01-05 09:03"),
    ("2024-01-05T00:03:00+00:00", "2024-01-05 09:03"),      # UTC -> Japan time
    ("2024-01-05T09:03:00Z", "2024-01-05 18:03"),
    ("2024-01-05 09:03:00 +0900", "2024-01-05 09:03"), ("20240105", "2024-01-05 00:00"),
    ("2024年1月5日", "2024-01-05 00:00"), ("2024年1月5日 9時3分", "2024-01-05 09:03"),
    ("令和6年1月5日", "2024-01-05 00:00"), ("R6.1.5", "2024-01-05 00:00"), ("H31/4/30", "2019-04-30 00:00"),
    ("令和元年5月1日", "2019-05-01 00:00"), ("平成元年1月8日", "1989-01-08 00:00"),
    ("45296", "2024-01-05 00:00"), ("45296.5", "2024-01-05 12:00"), ("２０２４／１／５", "2024-01-05 00:00"),
])
def test_dates(text, when):
    assert parse_dates(pd.Series([text]))[0] == pd.Timestamp(when)


@pytest.mark.parametrize("text", ["", "不明", "12", "2024/13/40", "R6.13.1"])
def test_not_a_date_is_nat(text):
    assert pd.isna(parse_dates(pd.Series([text]))[0])


def test_preset_date_hint_reads_month_first():
    assert parse_dates(pd.Series(["12/1/2010 8:26"]), ["%m/%d/%Y %H:%M"])[0] == pd.Timestamp("2010-12-01 08:26")


def test_dates_are_naive_nanosecond_timestamps():
    out = parse_dates(pd.Series(["2024-01-05", "2024-01-05T00:00:00+00:00"]))
    assert str(out.dtype) == "datetime64[ns]"


def test_member_ids_and_emails_are_normalised():
    ids = normalise_member_id(pd.Series(["17850.0", " A01 ", "", "ＡＢ１"]))
    assert ids.fillna("<NA>").tolist() == ["17850", "A01", "<NA>", "AB1"]
    emails = normalise_email(pd.Series(["Taro@Example.JP ", "not-mail", ""]))
    assert emails.fillna("<NA>").tolist() == ["taro@example.jp", "<NA>", "<NA>"]
    assert normalise_email(pd.Series(["x1@pc.fw.rakuten.ne.jp"]), r"@.*fw\.rakuten\.ne\.jp$").isna().all()


def test_name_phone_hash_ignores_spacing_and_punctuation_but_depends_on_salt():
    a = hash_name_phone(pd.Series(["山田 太郎"]), pd.Series(["090-1234-5678"]), b"s1")[0]
    b = hash_name_phone(pd.Series(["山田　太郎"]), pd.Series(["０９０１２３４５６７８"]), b"s1")[0]
    c = hash_name_phone(pd.Series(["山田 太郎"]), pd.Series(["090-1234-5678"]), b"s2")[0]
    assert a == b != c
    assert "山田" not in a and len(a) == 16
    assert hash_name_phone(pd.Series(["山田"]), pd.Series([""]), b"s1").isna().all()


def test_customer_key_rule_order():
    frame = pd.DataFrame({"member_id": ["M1", "", ""], "email": ["x@y.jp", "X@Y.jp", ""],
                          "name": ["a", "b", "c"], "phone": ["1", "2", "3"]})
    keys = customer_keys(frame, ["member_id", "email", "name_phone"], b"s")
    assert keys[0] == "M1" and keys[1] == "x@y.jp" and len(keys[2]) == 16

"""CP932 / EUC-JP files split as bytes (engine.ingest.bytecsv): the same table, the same book and
the same messages as decoding the whole file first (the text path, `read_text(as_bytes=False)`)."""
from __future__ import annotations

import pandas as pd
import pytest

from engine import samples
from engine.errors import IngestError
from engine.ingest import ingest, read_raw, reader
from engine.ingest.reader import read_text


def _both(data: bytes):
    """(byte path result, text path result): a RawTable each, or the IngestError key."""
    out = []
    for as_bytes in (True, False):
        try:
            out.append(read_text(data, as_bytes=as_bytes))
        except IngestError as exc:
            out.append(exc.key)
    return out


def _same_table(data: bytes) -> reader.RawTable:
    fast, slow = _both(data)
    assert not isinstance(slow, str), slow
    assert (fast.encoding, fast.delimiter, fast.header_row, fast.malformed) == \
        (slow.encoding, slow.delimiter, slow.header_row, slow.malformed)
    pd.testing.assert_frame_equal(fast.frame.astype("str"), slow.frame.astype("str"))
    return fast


def _books_equal(data: bytes, name: str) -> None:
    fast = ingest(data, name, salt=b"s")
    slow = read_raw(read_text(data, as_bytes=False), salt=b"s")
    pd.testing.assert_frame_equal(fast.lines, slow.lines)
    pd.testing.assert_frame_equal(fast.orders, slow.orders)
    assert fast.report == slow.report


def test_a_cp932_file_is_split_as_bytes_and_gives_the_same_book():
    data = samples.large_lineitem_csv(5000, 600, encoding="cp932")
    raw = _same_table(data)
    assert raw.encoding == "cp932" and raw.columns, "the byte path read it (codes kept for the build)"
    _books_equal(data, "big.csv")


@pytest.mark.parametrize("shop", [s for s in samples.SHOPS if not samples.generate(s)[1].endswith("xlsx")])
def test_sample_shops_read_the_same_both_ways(shop):
    data, name = samples.generate(shop)
    _same_table(data)
    _books_equal(data, name)


def test_cp932_characters_padding_and_quotes_survive():
    text = ('注文番号,会員ID,受注日,商品名,金額\n1, A1 ,2024/1/5,"①番 ㈱髙島屋, ""限定""",1000\n'
            '2,A1,2024/1/6,"髙級茶\n二行目",2000\n')
    raw = _same_table(text.encode("cp932"))
    assert raw.frame["商品名"].tolist() == ['①番 ㈱髙島屋, "限定"', "髙級茶\n二行目"]
    assert raw.frame["会員ID"].tolist() == [" A1 ", "A1"]          # the cell as written
    assert raw.columns["会員ID"].values.tolist() == ["A1"]         # one customer once stripped
    assert ingest(text.encode("cp932"), "o.csv").n_customers == 1


def test_two_byte_pairs_of_one_character_are_one_value():
    # CP932 has ≒ twice (0x81E0 and NEC's 0x8790): both decode to U+2252, one value for the build
    data = b"id,date,amount,member\n1,2024/1/5,100,\x81\xe0\n2,2024/1/6,200,\x87\x90\n"
    raw = _same_table(data)
    assert raw.columns["member"].values.tolist() == ["≒"]
    assert raw.columns["member"].codes.tolist() == [0, 0]


def test_a_bad_byte_far_down_gives_todays_answer():
    data = samples.large_lineitem_csv(3000, 300, encoding="cp932")
    bad = data[:-2000] + b"\x82\n" + data[-2000:]      # a cut character in the last rows
    fast, slow = _both(bad)
    if isinstance(slow, str):
        assert fast == slow
    else:
        assert fast.encoding == slow.encoding and fast.encoding != "cp932"
        assert not fast.columns, "read by the text path"


def test_ragged_rows_are_read_forgivingly_as_before():
    data = "注文番号,会員ID,受注日,金額\n1,A,2024/1/5,100\n2,B,2024/1/6\n3,C,2024/1/7,300,余り\n".encode("cp932")
    raw = _same_table(data)
    assert raw.malformed == 1 and len(raw.frame) == 2


def test_euc_jp_that_also_reads_as_cp932_is_euc_jp():
    # hiragana ぁ..み in EUC-JP are byte pairs that CP932 reads as half-width kana soup
    kana = "".join(chr(c) for c in range(0x3041, 0x307F))
    text = "id,date,amount,member\n" + "".join(f"{i},2024/1/5,100,{kana[i % 40:i % 40 + 8]}\n" for i in range(200))
    data = text.encode("euc_jp")
    data.decode("cp932")                                  # really both
    raw = _same_table(data)
    assert raw.encoding == "euc_jp" and raw.columns
    assert raw.frame["member"].tolist()[0] == kana[:8]


def test_a_cell_over_the_length_limit_names_the_same_line():
    from engine.ingest.limits import default
    from dataclasses import replace

    limits = replace(default(), max_field_chars=50)
    data = ("注文番号,会員ID,受注日,商品名,金額\n" + "".join(f"{i},A,2024/1/5,品{i},100\n" for i in range(30))
            + "99,A,2024/1/5," + "髙" * 51 + ",100\n").encode("cp932")
    keys = []
    for as_bytes in (True, False):
        with pytest.raises(IngestError) as err:
            read_text(data, limits, as_bytes=as_bytes)
        keys.append((err.value.key, err.value.params))
    assert keys[0] == keys[1] and "32" in str(keys[0][1])

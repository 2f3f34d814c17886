"""The manual mapping step: a user's choices read the file, and can be saved and found again."""
from __future__ import annotations

import pytest

from engine.errors import IngestError
from engine.ingest import (find_saved_mapping, ingest, inspect, load_saved_mapping, mapping_to_toml,
                           parse_saved_mapping, save_mapping)

DATA = "伝票,お客さま,いつ,いくら,品\n1,k1,2024/3/1,1000,茶\n2,k1,2024/3/5,500,菓子\n3,k2,2024/3/9,800,茶\n".encode()


def test_unknown_layout_needs_mapping_then_reads():
    with pytest.raises(IngestError) as info:
        ingest(DATA, "x.csv")
    assert info.value.key == "ingest.error.unknown_layout"
    ins = inspect(DATA, "x.csv")
    assert not ins.ready()
    mapping = {"order_id": "伝票", "member_id": "お客さま", "order_date": "いつ", "amount": "いくら",
               "product": "品"}
    book = ingest(DATA, "x.csv", mapping=mapping)
    assert book.report.format == "custom"
    assert (book.n_orders, book.n_customers, book.revenue) == (3, 2, 2300)
    assert book.report.mapping["order_date"] == "いつ"


def test_mapping_round_trips_through_toml(tmp_path):
    mapping = {"order_date": "いつ", "amount": "いくら", "member_id": "お客さま"}
    columns = ["伝票", "お客さま", "いつ", "いくら", "品"]
    saved = parse_saved_mapping(mapping_to_toml(mapping, columns, name='my "shop"'))
    assert saved.mapping == mapping and saved.name == 'my "shop"'
    assert saved.signature == ("お客さま", "いつ", "いくら")
    path = save_mapping(tmp_path, mapping, columns, "レジ出力")
    assert load_saved_mapping(path).mapping == mapping
    found = find_saved_mapping(tmp_path, columns)
    assert found is not None and found.mapping == mapping
    assert find_saved_mapping(tmp_path, ["date", "amount"]) is None


def test_broken_saved_mapping_is_a_user_error(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("name = [", encoding="utf-8")
    with pytest.raises(IngestError):
        load_saved_mapping(path)
    assert find_saved_mapping(tmp_path, ["x"]) is None


def test_progress_is_reported():
    seen = []
    ingest(b"date,amount\n2024-01-01,1\n", "x.csv", progress=lambda key, f: seen.append((key, f)))
    assert seen[0][0] == "ingest.progress.reading" and seen[-1] == ("ingest.progress.done", 1.0)
    assert [f for _, f in seen] == sorted(f for _, f in seen)

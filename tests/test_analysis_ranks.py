"""Membership ranks (seed 001) and the optional customer file with relationship data."""
import pandas as pd
import pytest

from engine.analysis import ranks, relationship
from engine.errors import KarteError


def _table(rows):
    """rows: (customer, frequency, monetary, recency_days)"""
    return pd.DataFrame([r[1:] for r in rows], columns=["frequency", "monetary", "recency_days"],
                        index=pd.Index([r[0] for r in rows], name="customer_id"))


ROWS = [("b", 1, 3000, 10), ("a", 2, 6000, 10), ("p", 4, 30000, 100), ("rich_old", 5, 41000, 400),
        ("p_small", 3, 9999, 10)]
# mean monetary = 90000 / 5 = 18000


def test_without_relationship_ambassador_is_undetermined():
    res = ranks.assign_ranks(_table(ROWS))
    assert res.ranks["rank"].to_dict() == {"b": "basic", "a": "active", "p": "premium",
                                           "rich_old": "active", "p_small": "active"}
    counts = res.counts()
    assert counts["ambassador"] is None and res.reason_key == "analysis.ranks.no_relationship"
    assert sum(v for v in counts.values() if v) == 5


def test_with_relationship_ambassadors_are_judged():
    rel = pd.DataFrame({"referrals": [1, 0], "reviews": [0, 1], "survey": [0, 0]},
                       index=pd.Index(["a", "b"], name="customer_id"))
    res = ranks.assign_ranks(_table(ROWS), rel)
    # a: 2 orders, 1 referral = 2 points -> ambassador; b: 1 order -> still basic
    assert res.ranks.loc["a", "rank"] == "ambassador" and res.ranks.loc["b", "rank"] == "basic"
    assert res.counts()["ambassador"] == 1 and sum(res.counts().values()) == 5
    assert res.matched == 2 and res.ambassador_known


CSV = "会員ID,紹介数,レビュー数,アンケート回答\n A001 ,２,1,はい\nA002,,0,\nA001,1,0,0\n"


def test_customer_file_in_cp932_with_japanese_headers():
    rel = relationship.read_customer_file(CSV.encode("cp932"), "customers.csv")
    assert list(rel.index) == ["A001", "A002"]
    assert rel.loc["A001"].tolist() == [3, 1, 1]          # summed; full-width ２ read as 2
    assert rel.loc["A002"].tolist() == [0, 0, 0]


def test_customer_file_by_email_is_normalised():
    data = "Email,Reviews\n Taro@Example.COM ,3\n".encode("utf-8-sig")
    rel = relationship.read_customer_file(data, "c.csv")
    assert rel.loc["taro@example.com", "reviews"] == 3


def test_customer_file_without_a_key_or_columns_is_a_user_error():
    with pytest.raises(KarteError) as err:
        relationship.read_customer_file("名前,紹介数\n太郎,1\n".encode(), "c.csv")
    assert err.value.key == "analysis.relationship.no_key"
    with pytest.raises(KarteError) as err:
        relationship.read_customer_file("会員ID,名前\nA1,太郎\n".encode(), "c.csv")
    assert err.value.key == "analysis.relationship.no_columns"
    with pytest.raises(KarteError):
        relationship.read_customer_file(b"", "c.csv")


def test_sample_shop_customer_file_joins_on_the_readers_keys():
    from engine import samples
    from engine.analysis import customers
    from engine.ingest import ingest

    book = ingest(*samples.generate("cosmetics"))
    table = customers.customer_table(book.orders)
    rel = relationship.read_customer_file(*samples.customer_file("cosmetics"))
    res = ranks.assign_ranks(table, rel)
    assert res.matched > 0.9 * len(table)
    share = res.counts()["ambassador"] / len(table)
    assert 0 < share < 0.1                              # seed 001: a few percent is enough

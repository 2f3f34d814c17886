"""RFM scores, segments and who moves when one threshold moves (seed 003)."""
import pandas as pd
import pytest

from analysis_helpers import random_orders
from engine.analysis import customers, rfm
from engine.config import load
from engine.errors import KarteError

TH = rfm.RFMThresholds(recency_days=(30, 90, 180, 365), frequency=(2, 3, 4, 6),
                       monetary=(5000, 10000, 30000, 100000))


def _table(rows):
    """rows: (customer, recency_days, frequency, monetary)"""
    return pd.DataFrame([r[1:] for r in rows], columns=["recency_days", "frequency", "monetary"],
                        index=pd.Index([r[0] for r in rows], name="customer_id"))


def test_ties_at_a_threshold_get_the_better_score():
    table = _table([("at", 30, 2, 5000), ("above", 31, 1, 4999), ("far", 366, 6, 100000),
                    ("edge4", 365, 5, 99999)])
    s = rfm.scores(table, TH)
    assert s.loc["at"].tolist() == [5, 2, 2]
    assert s.loc["above"].tolist() == [4, 1, 1]
    assert s.loc["far"].tolist() == [1, 5, 5]
    assert s.loc["edge4"].tolist() == [2, 4, 4]


def test_segments_follow_the_toml_rules_first_match():
    table = _table([("champ", 10, 6, 50000), ("new", 10, 1, 3000), ("risk", 400, 4, 20000),
                    ("lost", 400, 1, 1000)])
    seg = rfm.score(table, TH)["segment"]
    assert seg.to_dict() == {"champ": "champions", "new": "new", "risk": "at_risk",
                             "lost": "lost"}


def test_every_customer_gets_one_segment_and_counts_sum():
    table = customers.customer_table(random_orders(500, seed=3))
    scored = rfm.score(table)
    counts = rfm.segment_counts(scored)
    assert list(counts) == [r["id"] for r in load("segments")["rfm"]["segments"]]
    assert sum(counts.values()) == len(table)


def test_default_thresholds_say_where_they_come_from():
    table = customers.customer_table(random_orders(300, seed=1))
    th = rfm.default_thresholds(table)
    source = dict(th.source)
    assert source["frequency"] == "fixed"
    assert th.frequency == tuple(float(x) for x in load("segments")["rfm"]["fixed"]["frequency"])
    assert source["recency_days"] == "quantile"
    assert th.recency_days[1] == round(table["recency_days"].quantile(0.4))


def test_moving_one_threshold_lists_exactly_the_border_customers():
    table = _table([("a", 170, 3, 20000), ("b", 200, 3, 20000), ("c", 250, 3, 20000),
                    ("d", 10, 1, 1000)])
    before = rfm.score(table, TH)
    after = rfm.score(table, TH.with_cut("recency_days", 2, 210))   # R3 now up to 210 days
    changes = rfm.segment_changes(before, after)
    # b: R2 F3 (at_risk) -> R3 F3 (loyal); a was already R3, c stays R2, d is far away.
    assert list(changes.index) == ["b"]
    assert changes.loc["b", ["from_segment", "to_segment"]].tolist() == ["at_risk", "loyal"]
    assert (changes.loc["b", "R_old"], changes.loc["b", "R_new"]) == (2, 3)
    matrix = rfm.change_matrix(changes)
    assert matrix.loc["at_risk", "loyal"] == 1 and int(matrix.to_numpy().sum()) == 1


def test_no_move_no_change():
    table = _table([("a", 29, 4, 50000)])
    s = rfm.score(table, TH)
    assert rfm.segment_changes(s, s).empty


def test_thresholds_must_be_four_and_ascending():
    with pytest.raises(KarteError) as err:
        TH.with_cut("monetary", 0, 200000)
    assert err.value.key == "analysis.error.thresholds_order"
    with pytest.raises(KarteError):
        rfm.RFMThresholds((1, 2, 3), (1, 2, 3, 4), (1, 2, 3, 4))


def test_scorer_is_deterministic_and_fit_transform_equals_score():
    table = customers.customer_table(random_orders(400, seed=2))
    a = rfm.RFMScorer().fit_transform(table)
    b = rfm.score(table, rfm.default_thresholds(table))
    pd.testing.assert_frame_equal(a, b)

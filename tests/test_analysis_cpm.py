"""CPM segments: five groups by orders, spend and tenure, each with its 離脱 counterpart."""
import pandas as pd

from engine.analysis import cpm

TH = cpm.CPMThresholds(monetary=10000, tenure_days=365, lapse_days=180, first_lapse_days=90)


def _table(rows):
    """rows: (customer, frequency, monetary, span_days, recency_days)"""
    return pd.DataFrame([r[1:] for r in rows],
                        columns=["frequency", "monetary", "span_days", "recency_days"],
                        index=pd.Index([r[0] for r in rows], name="customer_id"))


ROWS = [
    ("first", 1, 50000, 0, 90),            # one order; 90 days is not yet over 90 -> active
    ("first_gone", 1, 3000, 0, 91),
    ("excellent", 5, 10000, 365, 10),      # ties: spend AT 10,000 and tenure AT 365 count high
    ("trendy", 3, 20000, 100, 180),        # 180 days is not over 180
    ("steady", 6, 9999, 400, 30),
    ("toddler", 2, 4000, 30, 181),         # lapsed
]


def test_hand_cases_including_ties():
    seg = cpm.cpm_segments(_table(ROWS), TH)
    assert seg.to_dict() == {"first": "first", "first_gone": "first_lapsed",
                             "excellent": "excellent", "trendy": "trendy", "steady": "steady",
                             "toddler": "toddler_lapsed"}


def test_grid_lists_every_segment_and_sums():
    table = _table(ROWS)
    grid = cpm.cpm_grid(table, cpm.cpm_segments(table, TH))
    assert list(grid.index) == cpm.segment_ids() and len(grid) == 10
    assert grid["customers"].sum() == len(table)
    assert grid.loc["excellent_lapsed", "customers"] == 0      # empty segment kept as zero
    assert grid.loc["trendy", "revenue"] == 20000
    assert abs(grid["revenue_share"].sum() - 1) < 1e-12


def test_moving_the_spend_threshold_moves_border_customers():
    table = _table(ROWS)
    lower = cpm.cpm_segments(table, TH.with_value("monetary", 9999))
    assert lower["steady"] == "excellent" and lower["toddler"] == "toddler_lapsed"


def test_default_thresholds_come_from_the_toml():
    th = cpm.default_thresholds()
    assert th.monetary > 0 and th.tenure_days > 0 and th.first_lapse_days <= th.lapse_days


def test_labels_in_both_languages():
    assert cpm.segment_labels("ja")["steady_lapsed"] == "コツコツ離脱客"
    assert cpm.segment_labels("en")["first"] == "First-time"

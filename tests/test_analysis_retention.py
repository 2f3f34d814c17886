"""Retention metrics on hand-computed small shops (seed 004)."""
import math

import pandas as pd

from analysis_helpers import make_book
from engine.analysis import customers, retention


def test_repeat_rate_from_table_or_orders():
    book = make_book([("1", "A", "2024-01-01", 1), ("2", "A", "2024-02-01", 1),
                      ("3", "B", "2024-01-01", 1), ("4", None, "2024-01-02", 1),
                      ("5", "C", "2024-01-03", 1), ("6", "C", "2024-01-03", 1)])
    table = customers.customer_table(book.orders)
    assert retention.repeat_rate(table) == retention.repeat_rate(book.orders) == 2 / 3


def test_f2_counts_only_customers_who_had_the_time():
    book = make_book([("a1", "A", "2024-01-01", 1), ("a2", "A", "2024-01-20", 1),   # 19 days
                      ("b1", "B", "2024-03-01", 1),
                      ("c1", "C", "2024-05-01", 1), ("c2", "C", "2024-07-15", 1)])  # 75 days
    f2 = retention.f2_conversion(book.orders, as_of="2024-08-01")
    # days since first order at 2024-08-01: A 213, B 153, C 92
    assert f2.loc[30].tolist()[:2] == [3, 1]
    assert f2.loc[90].tolist() == [3, 2, 2 / 3]
    assert f2.loc[180].tolist() == [1, 1, 1.0]
    assert f2.loc[365, "eligible"] == 0 and math.isnan(f2.loc[365, "rate"])


SHOP = [("a1", "A", "2024-01-10", 1000), ("a2", "A", "2025-02-10", 500),
        ("b1", "B", "2024-03-05", 2000), ("c1", "C", "2025-03-20", 300)]


def test_active_by_month_splits_new_retained_reactivated_lapsed():
    act = retention.active_by_month(make_book(SHOP).orders)
    assert len(act) == 15 and act.index[0] == pd.Timestamp("2024-01-01")
    row = act.loc["2024-02-01"]                          # a month without orders is a row
    assert row[["active", "new", "retained", "reactivated", "lapsed"]].tolist() == [1, 1, 0, 0, 0]
    assert act.loc["2025-01-01", ["active", "new", "lapsed"]].tolist() == [1, 1, 1]   # A lapsed
    assert act.loc["2025-02-01", ["active", "new", "retained", "lapsed"]].tolist() == [2, 1, 1, 0]
    assert act.loc["2025-03-01", ["active", "new", "retained", "lapsed"]].tolist() == [2, 1, 1, 1]
    assert (act["active"] == act["new"] + act["retained"] + act["reactivated"]).all()


def test_reactivated_needs_a_gap_of_more_than_a_year():
    book = make_book([("e1", "E", "2024-01-10", 1), ("e2", "E", "2026-02-10", 1),
                      ("f1", "F", "2024-01-15", 1)])
    act = retention.active_by_month(book.orders)
    assert len(act) == 26
    assert act.loc["2026-02-01", ["active", "reactivated", "new", "lapsed"]].tolist() == [1, 1, 0, 0]
    assert act.loc["2025-01-01", "lapsed"] == 2 and act.loc["2025-06-01", "active"] == 0


def test_cohort_matrix_keeps_empty_months_and_hides_the_unobserved():
    cm = retention.cohort_matrix(make_book(SHOP).orders)
    assert len(cm) == 15
    assert cm.loc["2024-02-01", "customers"] == 0 and math.isnan(cm.loc["2024-02-01", 0])
    assert cm.loc["2024-01-01", 0] == 1.0 and cm.loc["2024-01-01", 1] == 0.0
    assert cm.loc["2024-01-01", 13] == 1.0             # A came back 13 months later
    assert cm.loc["2025-03-01", "customers"] == 1 and math.isnan(cm.loc["2025-03-01", 1])


def test_ltv12_counts_365_days_from_each_first_order():
    ltv = retention.ltv12_by_cohort(make_book(SHOP).orders)
    assert ltv.loc["2024-01-01", "ltv12"] == 1000        # A's order 397 days later is outside
    assert ltv.loc["2024-01-01", "complete"] and not ltv.loc["2025-03-01", "complete"]
    assert ltv.loc["2024-02-01", "customers"] == 0 and math.isnan(ltv.loc["2024-02-01", "ltv12"])


def test_multi_product_share_ignores_non_product_lines():
    book = make_book([("1", "A", "2024-01-01", 1), ("2", "A", "2024-02-01", 1),
                      ("3", "B", "2024-01-01", 1), ("4", "C", "2024-01-05", 1)],
                     products={"1": ["P1"], "2": ["P2", "P1"], "3": ["P1"],
                               "4": ["P1", "P2", "P3"]})
    lines = pd.concat([book.lines, book.lines.iloc[[2]].assign(product="送料", is_product=False)])
    share = retention.multi_product_share(lines)
    assert share["customers"].tolist() == [1, 1, 1]      # B: 1 product, A: 2, C: 3+
    assert share.loc["2", "share"] == 1 / 3


def test_subscription_continuation_by_delivery():
    book = make_book([("1", "S", "2024-01-01", 1, True), ("2", "S", "2024-02-01", 1, True),
                      ("3", "S", "2024-03-01", 1, True), ("4", "T", "2024-01-01", 1, True),
                      ("5", "U", "2024-01-01", 1, False)])
    sub = retention.subscription_continuation(book.orders)
    assert sub["customers"].tolist() == [2, 1, 1] and sub["share"].tolist() == [1.0, 0.5, 0.5]
    plain = make_book([("1", "A", "2024-01-01", 1)])
    assert retention.subscription_continuation(plain.orders).empty


def test_active_customers_is_the_last_365_days():
    book = make_book(SHOP)
    table = customers.customer_table(book.orders)       # as_of 2025-03-21
    assert retention.active_customers(table) == 2        # A (2025-02) and C; B is 381 days ago

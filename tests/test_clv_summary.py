"""Specification of engine.clv.summary: model inputs per customer, as the literature builds them."""
from __future__ import annotations

import pandas as pd
import pytest

from engine.clv.summary import choose_time_unit, customer_summary
from engine.config import load
from engine.errors import KarteError


def orders_frame(rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "revenue"])
    frame["order_date"] = pd.to_datetime(frame["order_date"], format="ISO8601")
    frame["revenue"] = frame["revenue"].astype(float)
    return frame


ORDERS = orders_frame([
    ("A", "2024-01-01 09:00", 1000),   # first purchase
    ("A", "2024-01-15 10:00", 300),    # same day twice: one transaction of 500
    ("A", "2024-01-15 18:00", 200),
    ("A", "2024-01-29", 700),
    ("B", "2024-01-08", 400),          # one-time buyer
    ("C", "2024-01-10", 900),
    ("C", "2024-03-01", 100),          # after the calibration end below: ignored
    (None, "2024-01-02", 5000),        # no customer: cannot repeat, left out
])


def test_same_day_orders_are_one_transaction_and_first_is_not_counted():
    s = customer_summary(ORDERS, calibration_end="2024-02-12", time_unit="D")
    a = s.table.loc["A"]
    assert a["frequency"] == 2          # 01-15 and 01-29; 01-01 is the first
    assert a["recency"] == 28           # 01-01 -> 01-29
    assert a["T"] == 42                 # 01-01 -> 02-12
    assert a["monetary"] == (500 + 700) / 2   # mean of repeat transactions only
    assert a["orders"] == 4 and a["total_value"] == 2200


def test_calibration_end_cuts_orders_and_fixes_T():
    s = customer_summary(ORDERS, calibration_end="2024-02-12", time_unit="D")
    c = s.table.loc["C"]
    assert (c["frequency"], c["recency"], c["T"], c["monetary"]) == (0, 0, 33, 0)
    assert s.n_customers == 3 and s.n_repeat == 1
    assert s.calibration_end == pd.Timestamp("2024-02-12")
    assert s.history_days == 42


def test_weeks_are_days_divided_by_seven():
    d = customer_summary(ORDERS, calibration_end="2024-02-12", time_unit="D").table
    w = customer_summary(ORDERS, calibration_end="2024-02-12", time_unit="W").table
    pd.testing.assert_series_equal(w["T"], d["T"] / 7)
    pd.testing.assert_series_equal(w["recency"], d["recency"] / 7)


def test_default_calibration_end_is_last_order_day():
    s = customer_summary(ORDERS, time_unit="D")
    assert s.calibration_end == pd.Timestamp("2024-03-01")
    assert s.table.loc["C", "frequency"] == 1


def test_time_unit_rule_from_clv_toml():
    limit = load("clv")["time_unit"]["weeks_from_history_days"]
    assert choose_time_unit(limit - 1) == "D"
    assert choose_time_unit(limit) == "W"
    assert customer_summary(ORDERS, calibration_end="2024-02-12").time_unit == "D"


def test_unusable_input_raises_keyed_errors():
    with pytest.raises(KarteError) as err:
        customer_summary(ORDERS, time_unit="M")
    assert err.value.key == "clv.error.time_unit"
    with pytest.raises(KarteError) as err:
        customer_summary(ORDERS, calibration_end="not a date")
    assert err.value.key == "clv.error.calibration_end"
    with pytest.raises(KarteError) as err:
        customer_summary(ORDERS, calibration_end="2023-12-31")
    assert err.value.key == "clv.unavailable.no_customers"


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

order_rows = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", None]),
                                st.integers(0, 400), st.floats(0, 1e5)), min_size=1,
                      max_size=40)


@settings(max_examples=100, deadline=None)
@given(order_rows)
def test_invariants_on_any_orders(rows):
    frame = pd.DataFrame({
        "customer_id": pd.Series([r[0] for r in rows], dtype=object),
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta([r[1] for r in rows], "D"),
        "revenue": [r[2] for r in rows]})
    known = frame[frame["customer_id"].notna()]
    if known.empty:
        with pytest.raises(KarteError):
            customer_summary(frame, time_unit="D")
        return
    tb = customer_summary(frame, time_unit="D").table
    assert set(tb.index) == set(known["customer_id"])
    days = known.groupby("customer_id")["order_date"].nunique()
    assert (tb["frequency"] == days.reindex(tb.index) - 1).all()
    assert ((0 <= tb["recency"]) & (tb["recency"] <= tb["T"])).all()
    assert tb["orders"].sum() == len(known)
    assert tb["total_value"].sum() == pytest.approx(known["revenue"].sum())
    assert (tb.loc[tb["frequency"] == 0, "monetary"] == 0).all()

"""The per-customer table: one row per known buyer, figures as of a reference date."""
import pandas as pd
import pytest

from analysis_helpers import make_book
from engine.analysis import customers
from engine.errors import KarteError

ROWS = [
    ("o1", "A", "2024-01-01", 1000),
    ("o2", "B", "2024-01-05", 500),
    ("o3", None, "2024-01-06", 9999),          # guest: not a customer
    ("o4", "A", "2024-01-11", 3000),
]


def test_default_as_of_is_the_day_after_the_last_order():
    book = make_book(ROWS)
    assert customers.default_as_of(book.orders) == pd.Timestamp("2024-01-12")


def test_customer_table_hand_computed():
    book = make_book(ROWS, products={"o1": ["P1"], "o4": ["P1", "P2"], "o2": ["P3"]})
    table = customers.customer_table(book.orders, lines=book.lines)
    assert list(table.index) == ["A", "B"]
    a, b = table.loc["A"], table.loc["B"]
    assert (a["recency_days"], a["frequency"], a["monetary"]) == (1, 2, 4000.0)
    assert (a["tenure_days"], a["span_days"], a["avg_order_value"]) == (11, 10, 2000.0)
    assert a["n_distinct_products"] == 2
    # a customer with one order: span 0, tenure = recency
    assert (b["recency_days"], b["frequency"], b["span_days"], b["tenure_days"]) == (7, 1, 0, 7)
    assert b["n_distinct_products"] == 1


def test_guests_are_excluded_and_counted():
    book = make_book(ROWS)
    table = customers.customer_table(book.orders)
    assert "<NA>" not in map(str, table.index) and len(table) == 2
    assert customers.guest_orders(book.orders) == 1


def test_as_of_drops_later_orders_and_customers():
    book = make_book(ROWS)
    table = customers.customer_table(book.orders, as_of="2024-01-05")
    assert list(table.index) == ["A"]           # B's first order is ON the reference date
    assert table.loc["A", "frequency"] == 1 and table.loc["A", "recency_days"] == 4


def test_no_buyer_column_is_refused_with_a_message_key():
    book = make_book(ROWS, has_customers=False)
    with pytest.raises(KarteError) as err:
        customers.require_customers(book)
    assert err.value.key == "analysis.error.no_buyer_column"
    assert "購入者" in err.value.message("ja")


def test_only_guests_is_no_customers():
    book = make_book([("o1", None, "2024-01-01", 100)])
    with pytest.raises(KarteError) as err:
        customers.customer_table(book.orders)
    assert err.value.key == "analysis.error.no_customers"


def test_bad_as_of_is_a_user_error():
    with pytest.raises(KarteError) as err:
        customers.resolve_as_of(make_book(ROWS).orders, "not a date")
    assert err.value.key == "analysis.error.bad_as_of"



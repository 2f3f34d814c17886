"""Fuzz: mutated real exports in -> an OrderBook whose rows reconcile, or IngestError; nothing else.

The inputs are `tests/fuzz_inputs.mutate(seed)` (byte flips, truncations, inserted delimiters,
quotes and newlines, huge fields, wide headers, out-of-range dates; for .xlsx mutated XML inside
the zip: row numbers, cell references, shared strings, nesting, sheets, damaged parts), in their
light form so the test stays within seconds; the seeds are drawn by hypothesis, derandomized.
`bench/fuzz.py` runs the same generator over 10,000 inputs with a hang detector.
"""
from __future__ import annotations

import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import IngestError
from engine.ingest import ingest
from tests.fuzz_inputs import corpus, mutate


def _check(data: bytes, name: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # openpyxl warns about the damage it meets
            book = ingest(data, name, salt=b"fuzz")
    except IngestError as exc:
        assert exc.message("ja") and exc.message("en")
        return
    r = book.report
    assert r.rows_in == r.rows_kept + sum(r.rows_dropped.values())
    assert len(book.lines) == r.rows_kept


def test_the_real_exports_read():
    for data, name in corpus():
        book = ingest(data, name)
        assert book.report.rows_kept > 0 and book.report.reconciles()


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**31))
def test_mutated_exports(seed):
    _check(*mutate(seed, light=True))


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10**6))
def test_mutated_workbooks(seed):
    # the same generator, kept to the .xlsx half of the corpus
    data, name = mutate(seed * 2 + 1, light=True)
    if not name.endswith(".xlsx"):
        import random

        from tests.fuzz_inputs import _xml_mutations, parts_of, zip_of
        r = random.Random(seed)
        base, name = r.choice([c for c in corpus() if c[1].endswith(".xlsx")])
        parts = r.choice(_xml_mutations())(r, parts_of(base))
        data = zip_of(parts)
    _check(data, name)

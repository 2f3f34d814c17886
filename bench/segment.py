"""Benchmark: read the 1,000,000-row line-item file and run every customer analysis.

Target (issue 4): read + every analysis <= 6 s wall on the project machine. Prints each step's
time. Input: `engine.samples.large_lineitem_csv(1_000_000, 100_000)` (generated first, not timed).
Run: .venv/bin/python bench/segment.py [n_rows] [n_customers]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.analysis import clusters, cpm, customers, lists, ranks, retention, rfm  # noqa: E402
from engine.analysis.summary import dormant_count  # noqa: E402
from engine.exporting import csv_bytes  # noqa: E402


def main() -> int:
    n_rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    n_customers = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    from engine.ingest import ingest
    from engine.samples import large_lineitem_csv

    data = large_lineitem_csv(n_rows, n_customers)
    times: list[tuple[str, float, float]] = []
    start = last = time.perf_counter()
    cpu_last = time.process_time()

    def step(name: str) -> None:
        # wall and CPU: on a busy shared machine the CPU time shows our own cost
        nonlocal last, cpu_last
        now, cpu = time.perf_counter(), time.process_time()
        times.append((name, now - last, cpu - cpu_last))
        last, cpu_last = now, cpu

    book = ingest(data, "bench.csv")
    step("ingest (read file)")
    orders, lines = book.orders, book.lines
    as_of = customers.default_as_of(orders)
    table = customers.customer_table(orders, as_of, lines)
    step("customer_table")
    th = rfm.default_thresholds(table)
    scored = rfm.score(table, th)
    step("rfm score")
    moved = rfm.segment_changes(scored, rfm.score(table, th.with_cut("recency_days", 1,
                                                                     th.recency_days[1] + 7)))
    step("rfm threshold move + diff")
    result = clusters.fit_clusters(table)
    step(f"clusters (k={result.k} by silhouette)")
    seg = cpm.cpm_segments(table)
    grid = cpm.cpm_grid(table, seg)
    step("cpm + grid")
    ranked = ranks.assign_ranks(table)
    step("ranks")
    retention.repeat_rate(table)
    retention.f2_conversion(orders, as_of=as_of)
    step("repeat rate + f2")
    retention.active_by_month(orders, as_of)
    step("active_by_month")
    retention.cohort_matrix(orders, as_of)
    retention.ltv12_by_cohort(orders, as_of)
    step("cohorts + ltv12")
    retention.multi_product_share(lines, as_of)
    retention.subscription_continuation(orders, as_of)
    step("multi-product + subscription")
    n_dormant, method = dormant_count(orders, table, as_of)
    step(f"dormant_high_value ({method})")
    scores = scored.assign(cpm=seg, rank=ranked.ranks["rank"], cluster=result.labels)
    csv_bytes(lists.customer_list(table, scores, {"segment": "at_risk"}, lang="ja"))
    step("list + csv export (at_risk)")
    total = time.perf_counter() - start

    print(f"bench/segment.py: {n_rows:,} rows, {book.n_orders:,} orders, {len(table):,} customers")
    print(f"  {'step':<38} {'wall':>7} {'cpu':>7}")
    for name, seconds, cpu in times:
        print(f"  {name:<38} {seconds:6.2f}s {cpu:6.2f}s")
    analysis = sum(w for n, w, _ in times[1:])
    print(f"  {'analysis only (all but ingest)':<38} {analysis:6.2f}s")
    print(f"  {'TOTAL read + analysis':<38} {total:6.2f}s   (target <= 6 s wall)")
    print(f"  moved by a 7-day recency move: {len(moved):,}; dormant: {n_dormant:,}; "
          f"cpm cells: {len(grid)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

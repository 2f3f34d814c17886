"""Benchmark: read the 1,000,000-row line-item file and run every customer analysis.

Target (issue 4): read + every analysis <= 6 s wall on the project machine. Prints each step's
time. Input: `engine.samples.large_lineitem_csv(1_000_000, 100_000)` (generated first, not timed).
Run: .venv/bin/python bench/segment.py [n_rows] [n_customers]
     .venv/bin/python bench/segment.py --file PATH     (a file on disk, e.g. bench/ingest.py's copies)
Prints the peak RSS of the process too.
"""
from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.analysis import lists  # noqa: E402
from engine.exporting import csv_bytes  # noqa: E402
from engine.settings import Settings  # noqa: E402
from engine.shop import ShopAnalysis  # noqa: E402


def main() -> int:
    from engine.ingest import ingest
    from engine.samples import large_lineitem_csv

    if len(sys.argv) > 2 and sys.argv[1] == "--file":
        data = Path(sys.argv[2]).read_bytes()
        n_rows = data.count(b"\n") - 1
    else:
        n_rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
        n_customers = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
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
    # Every figure through the one analysis the app and the CLI use (engine.shop).
    analysis = ShopAnalysis(book, settings=Settings.load())
    table = analysis.customers
    step("customer_table")
    th = analysis.rfm_defaults
    scored = analysis.rfm
    step("rfm score")
    moved = analysis.with_params(rfm=th.with_cut("recency_days", 1,
                                                 th.recency_days[1] + 7)).rfm_moves()
    step("rfm threshold move + diff")
    result = analysis.clusters
    step(f"clusters (k={result.k} by silhouette)")
    seg, grid = analysis.cpm, analysis.cpm_grid
    step("cpm + grid")
    ranked = analysis.ranks
    step("ranks")
    analysis.retention
    step("retention (f2, months, cohorts, ltv12, products, subscription)")
    n_dormant = analysis.dormant.count
    step("dormant_high_value (engine.dormant)")
    analysis.figures()
    analysis.data_kpis
    step("figures + data kpis")
    scores = scored.assign(cpm=seg, rank=ranked.ranks["rank"], cluster=result.labels)
    csv_bytes(lists.customer_list(table, scores, {"segment": "at_risk"}, lang="ja"))
    step("list + csv export (at_risk)")
    total = time.perf_counter() - start

    print(f"bench/segment.py: {n_rows:,} rows, {book.n_orders:,} orders, {len(table):,} customers")
    print(f"  {'step':<38} {'wall':>7} {'cpu':>7}")
    for name, seconds, cpu in times:
        print(f"  {name:<38} {seconds:6.2f}s {cpu:6.2f}s")
    only = sum(w for n, w, _ in times[1:])
    print(f"  {'analysis only (all but ingest)':<38} {only:6.2f}s")
    cpu_total = sum(c for _, _, c in times)
    print(f"  {'TOTAL read + analysis':<38} {total:6.2f}s {cpu_total:6.2f}s  (target <= 6 s wall)")
    print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    print(f"  moved by a 7-day recency move: {len(moved):,}; dormant: {n_dormant:,}; "
          f"cpm cells: {len(grid)}; model fits: {dict(analysis.fits)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

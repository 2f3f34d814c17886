"""Timing of `engine.ingest.ingest` on a big CP932 line-item file (not a test: prints figures).

    .venv/bin/python bench/ingest.py [--rows 1000000] [--customers 100000]

The file comes from `engine.samples.large_lineitem_csv` (generic layout: 注文番号, 会員ID, 受注日,
商品名, 数量, 金額; three years). Prints the wall and CPU time of ingest end to end, the wall time of a bare
`pandas.read_csv(..., encoding="cp932")` of the same bytes and their ratio, the peak RSS of the
process, and the load average (the machine is shared, so figures move with it).
Targets for 1,000,000 rows: <= 3 s wall and <= 1.5 GB peak.
"""
from __future__ import annotations

import argparse
import gc
import io
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from engine.ingest import ingest  # noqa: E402
from engine.samples import large_lineitem_csv  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=None, help="default: rows / 10")
    parser.add_argument("--skip-pandas", action="store_true", help="skip the bare read_csv baseline")
    args = parser.parse_args()
    customers = args.customers or max(1, args.rows // 10)

    t0 = time.perf_counter()
    data = large_lineitem_csv(args.rows, customers, years=3, seed=0, encoding="cp932")
    t_gen = time.perf_counter() - t0
    rss_after_gen = peak_rss_mb()
    print(f"file: {args.rows:,} rows, {customers:,} customers, {len(data) / 1e6:.1f} MB CP932 "
          f"(generated in {t_gen:.2f} s)")
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared)")

    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    book = ingest(data, "bench.csv", salt=b"bench")
    t_ingest = time.perf_counter() - t0
    cpu = time.process_time() - c0   # all threads: the work done, whatever the machine's load
    peak = peak_rss_mb()
    s = book.summary()
    print(f"ingest: {t_ingest:.2f} s wall ({cpu:.2f} s CPU); peak RSS {peak:,.0f} MB (after generating the file: "
          f"{rss_after_gen:,.0f} MB); {s['orders']:,} orders, {s['customers']:,} customers, "
          f"rows kept {s['rows_kept']:,}/{s['rows_in']:,}, reconciles={book.report.reconciles()}")
    del book
    gc.collect()

    if not args.skip_pandas:
        t0 = time.perf_counter()
        frame = pd.read_csv(io.BytesIO(data), encoding="cp932")
        t_pd = time.perf_counter() - t0
        print(f"bare pandas.read_csv(encoding='cp932'): {t_pd:.2f} s wall ({len(frame):,} rows)")
        print(f"ratio ingest / read_csv: {t_ingest / t_pd:.2f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

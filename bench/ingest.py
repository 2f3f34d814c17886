"""Timing of `engine.ingest.ingest` against a same-round DuckDB reference (prints figures).

    .venv/bin/python bench/ingest.py [--rows 1000000] [--customers 100000] [--copies 1,3,10]
                                     [--segment] [--duckdb /tmp/duckvenv/bin/python]

The file comes from `engine.samples.large_lineitem_csv` (CP932, generic layout: 注文番号, 会員ID,
受注日, 商品名, 数量, 金額; three years). For `--copies k` it is repeated k times, each copy's order
and member numbers prefixed (K1-, K2-, …) so orders and customers stay distinct. Each size is read
in its own process, so wall, CPU (all threads) and peak RSS are that read's own:

* ingest — `engine.ingest.ingest` end to end;
* with --segment, ingest + every analysis (`bench/segment.py --file`);
* DuckDB — the reference of issue 12: decode the CP932 bytes in Python, hand the UTF-8 text to
  `duckdb.read_csv` (all columns as text) and group by order (lines, amount, first date and
  member). DuckDB cannot read CP932 itself (its encodings extension cannot be installed offline).
  It runs in a separate interpreter that has `duckdb` (a throwaway venv: never a requirement of
  the project), given with --duckdb; without one that column is skipped.

The ratio is ingest / DuckDB, both measured in the same round. The machine has 2 shared cores, so
wall times move with the load (printed); CPU seconds show the work done.
Targets (issue 12): ingest <= 2x DuckDB; 10M lines <= 30 s wall and <= 4 GB peak.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DUCKDB_CODE = r"""
import json, resource, sys, time, duckdb, os
path, out = sys.argv[1], sys.argv[2]
t0, c0 = time.perf_counter(), time.process_time()
text = open(path, "rb").read().decode("cp932")
with open(out, "wb") as f:
    f.write(text.encode("utf-8"))
del text
con = duckdb.connect()
rows = con.execute(
    "SELECT count(*), sum(n) FROM (SELECT 注文番号, count(*) AS n, sum(CAST(金額 AS BIGINT)) AS amount, "
    "min(受注日) AS first_date, first(会員ID) AS member "
    "FROM read_csv(?, all_varchar=true, header=true) GROUP BY 注文番号)", [out]).fetchone()
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
os.remove(out)
print(json.dumps({"wall": wall, "cpu": cpu, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "orders": rows[0], "lines": int(rows[1])}))
"""

INGEST_CODE = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from engine.ingest import ingest
data = open(sys.argv[1], "rb").read()
t0, c0 = time.perf_counter(), time.process_time()
book = ingest(data, "bench.csv", salt=b"bench")
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
s = book.summary()
print(json.dumps({"wall": wall, "cpu": cpu, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "orders": s["orders"], "lines": s["rows_kept"], "customers": s["customers"],
                  "reconciles": book.report.reconciles(), "encoding": book.report.encoding}))
"""


def write_copies(data: bytes, copies: int, path: Path) -> int:
    """`copies` copies of the file (header once), copy k's order and member numbers prefixed."""
    header, _, body = data.partition(b"\n")
    with open(path, "wb") as f:
        f.write(header + b"\n")
        f.write(body)
        for k in range(1, copies):
            prefix = f"K{k}-".encode()
            f.write(re.sub(rb"(?m)^(\d+),(\d+),", rb"%b\1,%b\2," % (prefix, prefix), body))
    return path.stat().st_size


def run_json(cmd: list[str]) -> dict:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=None, help="default: rows / 10")
    parser.add_argument("--copies", default="1", help="sizes as copies of the file, e.g. 1,3,10")
    parser.add_argument("--segment", action="store_true", help="also ingest + every analysis")
    parser.add_argument("--before", default=None,
                        help="another checkout of the project (e.g. `git archive` of main) read in the "
                             "same round, for before/after figures")
    parser.add_argument("--duckdb", default="/tmp/duckvenv/bin/python",
                        help="a Python with duckdb installed (reference); skipped if missing")
    args = parser.parse_args()
    from engine.samples import large_lineitem_csv

    customers = args.customers or max(1, args.rows // 10)
    data = large_lineitem_csv(args.rows, customers, years=3, seed=0, encoding="cp932")
    has_duck = Path(args.duckdb).exists()
    print(f"base file: {args.rows:,} lines, {customers:,} customers, {len(data) / 1e6:.1f} MB CP932")
    print(f"{'lines':>11} {'MB':>6} | {'ingest wall':>11} {'cpu':>6} {'peak MB':>8} | "
          f"{'duckdb wall':>11} {'cpu':>6} {'peak MB':>8} | {'ratio wall':>10} {'cpu':>5} | load")
    tmp = Path(tempfile.mkdtemp(prefix="karte-bench-"))
    try:
        for copies in [int(c) for c in args.copies.split(",")]:
            path = tmp / f"x{copies}.csv"
            size = write_copies(data, copies, path)
            load = os.getloadavg()[0]
            ing = run_json([sys.executable, "-c", INGEST_CODE, str(path), str(ROOT)])
            duck = (run_json([args.duckdb, "-c", DUCKDB_CODE, str(path), str(tmp / "utf8.csv")])
                    if has_duck else {})
            if "error" in ing:
                print(f"{args.rows * copies:>11,} ingest failed: {ing['error']}")
                continue
            line = (f"{args.rows * copies:>11,} {size / 1e6:6.0f} | {ing['wall']:10.2f}s {ing['cpu']:5.1f}s "
                    f"{ing['rss']:8,.0f} | ")
            if duck and "error" not in duck:
                line += (f"{duck['wall']:10.2f}s {duck['cpu']:5.1f}s {duck['rss']:8,.0f} | "
                         f"{ing['wall'] / duck['wall']:10.2f} {ing['cpu'] / duck['cpu']:5.2f} | ")
                if duck["orders"] != ing["orders"]:
                    line += f"ORDERS DIFFER ({duck['orders']:,} vs {ing['orders']:,}) "
            else:
                line += f"{'(no duckdb: ' + duck.get('error', 'missing') + ')':>40} | "
            print(line + f"{load:.1f}  [{ing['orders']:,} orders, {ing['customers']:,} customers, "
                         f"reconciles={ing['reconciles']}]", flush=True)
            if args.before:
                old = run_json([sys.executable, "-c", INGEST_CODE, str(path), args.before])
                if "error" not in old:
                    print(f"{'':>11} before: {old['wall']:10.2f}s {old['cpu']:5.1f}s {old['rss']:8,.0f} MB"
                          f"  (same file, {args.before}; same orders: {old['orders'] == ing['orders']})",
                          flush=True)
            if args.segment:
                proc = subprocess.run([sys.executable, str(ROOT / "bench" / "segment.py"), "--file", str(path)],
                                      capture_output=True, text=True)
                tail = [ln for ln in proc.stdout.splitlines() if "TOTAL" in ln or "peak" in ln]
                print("            segment: " + (" / ".join(s.strip() for s in tail) or proc.stderr[-300:]),
                      flush=True)
            path.unlink()
    finally:
        for p in tmp.iterdir():
            p.unlink()
        tmp.rmdir()
    print(f"peak RSS of this driver (file generation): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

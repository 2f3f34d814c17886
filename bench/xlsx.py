"""The .xlsx reader against `fastexcel` (Rust calamine), same file, same round (prints figures).

    .venv/bin/python bench/xlsx.py [--rows 500000] [--fastexcel /tmp/duckvenv/bin/python]

Writes a line-item workbook (注文番号, 会員ID, 受注日 as a date-time, 商品名, 数量, 金額, a sparse
rate column, a date) with openpyxl's write-only mode (not timed), then reads it in separate
processes: `engine.ingest.reader.read_excel` (the streaming reader with its limits) and
`fastexcel.read_excel(...).load_sheet(..., dtypes="string").to_arrow()` (every cell as text),
in an interpreter that has fastexcel (a throwaway venv; skipped when missing). Prints wall,
CPU and peak RSS of each and the CPU ratio (issue 12 target: <= 2x), and how many cells'
text differ between the two (calamine writes some floats shorter than Python's repr).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OURS = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from engine.ingest.reader import read_excel
data = open(sys.argv[1], "rb").read()
t0, c0 = time.perf_counter(), time.process_time()
raw = read_excel(data)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
raw.frame.to_csv(sys.argv[3], index=False)
print(json.dumps({"wall": wall, "cpu": cpu, "rows": len(raw.frame),
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

FASTEXCEL = r"""
import json, resource, sys, time, fastexcel
data = open(sys.argv[1], "rb").read()
t0, c0 = time.perf_counter(), time.process_time()
reader = fastexcel.read_excel(data)
table = reader.load_sheet(reader.sheet_names[0], dtypes="string").to_arrow()
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
import pyarrow.csv as pacsv, pyarrow.compute as pc
table = table.from_arrays([pc.fill_null(c, "") for c in table.columns], names=table.column_names)
pacsv.write_csv(table, sys.argv[2])
print(json.dumps({"wall": wall, "cpu": cpu, "rows": table.num_rows,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_book(path: Path, rows: int) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("注文")
    ws.append(["注文番号", "会員ID", "受注日", "商品名", "数量", "金額", "率", "日付"])
    start = dt.datetime(2024, 1, 1, 9, 3, 7)
    for i in range(rows):
        ws.append([100000 + i // 2, f"M{i % 50000}", start + dt.timedelta(minutes=7 * i), f"商品{i % 300}",
                   1 + i % 3, 1000 + (i % 97) * 10, round(0.1 * i, 1) if i % 7 else None,
                   dt.date(2024, 1, 1) + dt.timedelta(days=i % 400)])
    wb.save(path)


def run(cmd: list[str]) -> dict:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--fastexcel", default="/tmp/duckvenv/bin/python")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="karte-xlsx-") as tmp:
        book = Path(tmp) / "orders.xlsx"
        write_book(book, args.rows)
        print(f"workbook: {args.rows:,} rows x 8 columns, {book.stat().st_size / 1e6:.1f} MB")
        ours = run([sys.executable, "-c", OURS, str(book), str(ROOT), str(Path(tmp) / "ours.csv")])
        print(f"engine read_excel: {ours}")
        if not Path(args.fastexcel).exists():
            print("fastexcel: skipped (no interpreter with fastexcel given)")
            return 0
        fx = run([args.fastexcel, "-c", FASTEXCEL, str(book), str(Path(tmp) / "fx.csv")])
        print(f"fastexcel:         {fx}")
        if "error" not in ours and "error" not in fx:
            print(f"CPU ratio engine / fastexcel: {ours['cpu'] / fx['cpu']:.2f} (target <= 2)")
            import pandas as pd

            a = pd.read_csv(Path(tmp) / "ours.csv", dtype=str, keep_default_na=False)
            b = pd.read_csv(Path(tmp) / "fx.csv", dtype=str, keep_default_na=False)
            b.columns = a.columns
            diff = (a != b)
            print(f"cells whose text differs: {int(diff.to_numpy().sum()):,} of {a.size:,}"
                  + (f" (e.g. {a[diff].stack().head(2).tolist()} vs {b[diff].stack().head(2).tolist()})"
                     if diff.to_numpy().any() else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

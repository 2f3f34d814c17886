"""`python -m engine segment FILE --json`: the ingest figures plus the customer analysis.

Prints book.summary() and repeat_rate (the diagnosis's: last 12 months' buyers), repeat_rate_all
(every customer, whole history), f2_rate (90 days), active_customers, rfm segments, clusters, k,
cpm, ranks, dormant_high_value and `figures` (every figure under its engine.figures name), all
read from one engine.shop.ShopAnalysis as the pages are. `customers` is the number of customers analysed
(known buyers with an order before the reference date; guest orders are excluded and counted in
`guest_orders`), so the RFM, cluster, CPM and rank counts each sum to it; the reader's own count
stays in `customers_in_file`. A file without a buyer column prints the ingest figures, null
analysis figures and `analysis_unavailable` (message key + text), exit code 0.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from engine.errors import KarteError


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("segment", help="customer analysis of an order file")
    parser.add_argument("file", nargs="+", help="order export(s) (CSV, TSV or Excel)")
    parser.add_argument("--json", action="store_true", help="print JSON (the only output form)")
    parser.add_argument("--as-of", dest="as_of", default=None,
                        help="reference date YYYY-MM-DD (default: the day after the last order)")
    parser.add_argument("--k", type=int, default=None, help="number of clusters (default: auto)")
    parser.add_argument("--customers", default=None,
                        help="customer file with referrals / reviews / survey answers")
    parser.set_defaults(run=run)


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


def run(args: argparse.Namespace) -> int:
    from engine.commands._files import read_orders

    book = read_orders(args.file)
    customer_file = None
    if args.customers:
        customer_file = (_read(args.customers), Path(args.customers).name)
    out = book.summary()
    try:
        from engine.analysis.summary import segment_figures  # sklearn: only when needed
        from engine.shop import open_shop

        analysis = open_shop(book, as_of=args.as_of, k=args.k, customer_file=customer_file,
                             settings=getattr(args, "settings", None))
        out.update(segment_figures(analysis, args.lang))
    except KarteError as exc:
        if not exc.key.startswith("analysis.error.no_"):
            raise
        out.update({key: None for key in ("repeat_rate", "repeat_rate_all", "f2_rate",
                                          "active_customers", "rfm", "clusters", "k", "cpm",
                                          "ranks", "dormant_high_value")})
        out["analysis_unavailable"] = {"key": exc.key, "message": exc.message(args.lang)}
    print(json.dumps(out, ensure_ascii=False))
    return 0

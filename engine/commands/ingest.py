"""`python -m engine ingest FILE [FILE ...] --json`: read order file(s) and print the figures."""
from __future__ import annotations

import argparse
import json

from engine.i18n import t


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ingest", help="read an order file (CSV / TSV / XLSX)")
    parser.add_argument("file", nargs="+", help="order export(s) of a shop platform")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--format", default=None, help="force a preset id (default: detect)")
    parser.add_argument("--sheet", default=None, help="Excel sheet to read (default: detect)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.commands._files import read_orders

    book = read_orders(args.file, format=args.format, sheet=args.sheet)
    summary = book.summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for key, value in summary.items():
            print(f"{key}: {value}")
        params = book.report.details.get("notice_params", {})
        for notice in book.report.notices:
            print(t(notice, args.lang, **params.get(notice, {})))
    return 0

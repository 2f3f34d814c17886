"""`python -m engine ingest FILE --json`: read an order file and print its figures."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from engine.errors import IngestError
from engine.i18n import t


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ingest", help="read an order file (CSV / TSV / XLSX)")
    parser.add_argument("file", help="order export of a shop platform")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--format", default=None, help="force a preset id (default: detect)")
    parser.add_argument("--sheet", default=None, help="Excel sheet to read (default: detect)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.ingest import ingest

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise IngestError("ingest.error.unreadable") from exc
    book = ingest(data, Path(args.file).name, format=args.format, sheet=args.sheet)
    summary = book.summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for key, value in summary.items():
            print(f"{key}: {value}")
        for notice in book.report.notices:
            print(t(notice, args.lang))
    return 0

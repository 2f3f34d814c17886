"""`python -m engine report ANSWERS.json [--orders FILE] [--lists none|dormant|all] --out PATH`.

Writes the diagnosis report as one self-contained HTML file or an Excel workbook, chosen by
the extension of PATH, and prints what was written as JSON. Without --orders only the answers
are used; with it, segment summaries, ranks, dormant layers, figures from the data and the
chosen customer lists are added. The input is built by `engine.report.builder`, as the app's
download buttons build theirs: the same file and answers give the same figures.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from engine.errors import KarteError

# the same choices as engine.report.from_orders (which imports pandas: not needed to parse)
LIST_CHOICES = ("none", "dormant", "all")
FORMATS = {".html": "html", ".htm": "html", ".xlsx": "xlsx"}


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("report", help="write the report (.html or .xlsx)")
    parser.add_argument("answers", help='answers JSON: {"answers": {question_id: value}}')
    parser.add_argument("--orders", nargs="+", default=None,
                        help="order export(s) to add the customer analysis")
    parser.add_argument("--lists", choices=LIST_CHOICES, default="none",
                        help="customer lists to include in the workbook (needs --orders)")
    parser.add_argument("--out", required=True, help="output file, .html or .xlsx")
    parser.add_argument("--client", default=None, help="client name shown on the report")
    parser.add_argument("--cta-text", dest="cta_text", default="", help="call-to-action text")
    parser.add_argument("--cta-url", dest="cta_url", default="", help="call-to-action link")
    parser.add_argument("--json", action="store_true", help="print JSON (the only output form)")
    parser.set_defaults(run=run)


def _read_answers(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KarteError("report.error.answers_file", path=path, detail=str(exc)) from exc
    if not isinstance(data, dict):
        raise KarteError("report.error.answers_file", path=path, detail="not a JSON object")
    return data


def build_input(args: argparse.Namespace) -> dict[str, Any]:
    """The report input from the command's arguments: `engine.report.builder.report_input`,
    the builder behind the app's download buttons too."""
    from engine.report.builder import report_input

    data = _read_answers(args.answers)
    answers = data.get("answers", data)
    analysis = None
    if args.orders:
        from engine.commands._files import read_orders
        from engine.shop import open_shop

        analysis = open_shop(read_orders(args.orders), settings=getattr(args, "settings", None))
    return report_input(analysis, answers, args.lang, lists=args.lists,
                        client=args.client or data.get("client") or "",
                        cta={"text": args.cta_text, "url": args.cta_url},
                        created_at=data.get("created_at"))


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    kind = FORMATS.get(out.suffix.lower())
    if kind is None:
        raise KarteError("report.error.bad_extension", path=args.out)
    report = build_input(args)
    if kind == "html":
        from engine.report.html import render

        out.write_text(render(report, args.lang), encoding="utf-8")
    else:
        from engine.report.xlsx import render as render_xlsx

        out.write_bytes(render_xlsx(report, args.lang))
    print(json.dumps({"out": str(out), "format": kind, "bytes": out.stat().st_size,
                      "orders": bool(args.orders),
                      "lists": sorted(report.get("lists", {})),
                      "notes": report.get("notes", [])}, ensure_ascii=False))
    return 0

"""`python -m engine clv FILE`: BG/NBD and Gamma-Gamma parameters fitted on an order file.

Reads any file the ingest reads (shop exports or a plain customer_id,date,amount CSV). With
--calibration-end only orders up to that day are used and T is measured to it. A file that
cannot support a prediction exits with code 2 and the reason (guard rails of clv.toml).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from engine.errors import KarteError
from engine.i18n import t


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("clv", help="fit BG/NBD and Gamma-Gamma on an order file")
    parser.add_argument("file", nargs="+", type=Path, help="order export(s) (CSV, TSV or Excel)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--calibration-end", default=None, metavar="DATE",
                        help="last day of the calibration period (default: last order date)")
    parser.add_argument("--time-unit", choices=("D", "W"), default=None,
                        help="time unit of the models (default: chosen from the history)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.clv import fit_clv   # scipy: imported only when this command runs
    from engine.commands._files import read_orders

    book = read_orders(args.file)
    if not book.report.has_customers:
        raise KarteError("clv.unavailable.no_customers")
    fit = fit_clv(book.orders, calibration_end=args.calibration_end,
                  time_unit=args.time_unit or "auto")
    result = fit.to_dict()
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    lang = args.lang
    bg, gg = result["bgnbd"], result["gamma_gamma"]
    print(t("clv.time_unit_label", lang, unit=t(f"clv.time_unit.{result['time_unit']}", lang)))
    print(f"BG/NBD       r={bg['r']:.4f} alpha={bg['alpha']:.4f} a={bg['a']:.4f} "
          f"b={bg['b']:.4f} loglik={bg['loglik']:.2f}")
    print(f"Gamma-Gamma  p={gg['p']:.4f} q={gg['q']:.4f} v={gg['v']:.4f}")
    print(f"customers={result['customers']} repeat_customers={result['repeat_customers']}")
    return 0

"""`python -m engine campaign create|measure`: campaigns with a control group (engine.campaigns).

create: the plan target `--action ID` (a plan.toml target id) or the dormant layer `--layer ID`
of the shop in `--orders`, priced with the answers of `--plan ANSWERS.json`; `--control` of the
target is held back; the mailed list (no control customers) is written to `--out` (.xlsx or
.csv). `--save` keeps the campaign in the store (KARTE_DATABASE_URL or data/karte.sqlite) and
prints its access code; `--campaign-json PATH` writes the campaign (definition + hashed groups)
to a file instead or as well.

measure: every saved campaign (or `--campaign ROW_ID ...`, `--client NAME`, or the files of
`--campaign-json`) read on the newer export in `--orders`: per group size, matched, responders,
response rate, orders, revenue, gross profit per customer; the lift and its 95 % interval,
incremental gross profit and profit after contact costs, the plan's estimate beside the result,
and the measured responses that can replace the plan's assumed ones (`--json`).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from engine.errors import KarteError
from engine.i18n import t


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("campaign", help="campaigns with a control group: create, measure")
    sub = parser.add_subparsers(dest="campaign_command", required=True)
    create = sub.add_parser("create", help="split a plan target or dormant layer, write the mailed list")
    create.add_argument("--plan", metavar="ANSWERS.json", required=True,
                        help="the owner's answers (as for `diagnose`)")
    create.add_argument("--orders", metavar="FILE", nargs="+", required=True)
    what = create.add_mutually_exclusive_group(required=True)
    what.add_argument("--action", metavar="ID", help="plan target id (plan.toml [[targets]])")
    what.add_argument("--layer", metavar="ID", help="dormant layer id (clv.toml)")
    create.add_argument("--control", type=float, default=None,
                        help="share held back as control (default campaigns.toml, 0.15)")
    create.add_argument("--out", metavar="LIST.xlsx", required=True,
                        help="the mailed list (.xlsx or .csv)")
    create.add_argument("--date", default=None,
                        help="campaign date YYYY-MM-DD (default: the day after the last order)")
    create.add_argument("--id", dest="campaign_id", default=None, help="campaign id")
    create.add_argument("--client", default=None, help="client name for --save")
    create.add_argument("--save", action="store_true", help="save the campaign in the store")
    create.add_argument("--campaign-json", dest="campaign_json", default=None,
                        help="also write the campaign (hashed groups) to this JSON file")
    create.add_argument("--json", action="store_true")
    create.set_defaults(run=run_create)
    measure = sub.add_parser("measure", help="measure saved campaigns on a newer export")
    measure.add_argument("--orders", metavar="FILE", nargs="+", required=True)
    measure.add_argument("--campaign", dest="rows", type=int, nargs="+", default=None,
                         help="saved campaigns' numbers (default: all)")
    measure.add_argument("--client", default=None)
    measure.add_argument("--campaign-json", dest="campaign_json", nargs="+", default=None,
                         help="campaign files written by `create --campaign-json` (no store)")
    measure.add_argument("--json", action="store_true")
    measure.set_defaults(run=run_measure)
    return parser


def run_create(args: argparse.Namespace) -> int:
    from engine.campaigns import campaign_date, create_campaign
    from engine.commands._files import read_orders
    from engine.commands.diagnose import read_answers
    from engine.exporting import csv_bytes, xlsx_bytes
    from engine.shop import open_shop

    answers = read_answers(args.plan)
    analysis = open_shop(read_orders(args.orders), settings=getattr(args, "settings", None))
    split = create_campaign(analysis, answers, target=args.action, layer=args.layer,
                            control_share=args.control,
                            campaign_date=None if args.date is None else campaign_date(args.date),
                            campaign_id=args.campaign_id, client=args.client or "",
                            lang=args.lang)
    campaign = split.campaign
    listed = split.mailed_list(args.lang)
    out = Path(args.out)
    out.write_bytes(csv_bytes(listed) if out.suffix.lower() == ".csv"
                    else xlsx_bytes({"list": listed}))
    result: dict[str, Any] = {"campaign": campaign.summary(), "out": str(out),
                              "mailed": len(campaign.mailed), "control": len(campaign.control)}
    if args.campaign_json:
        Path(args.campaign_json).write_text(json.dumps(campaign.to_json(), ensure_ascii=False),
                                            encoding="utf-8")
    if args.save:
        from engine.auth import new_access_code
        from engine.store import Store

        if not args.client:
            raise KarteError("history.error.no_client")
        code = new_access_code()
        store = Store()
        try:
            result["row_id"] = store.save_campaign(campaign.to_json(), access_code=code,
                                                   lang=args.lang)
        finally:
            store.close()
        result["access_code"] = code
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
    else:
        print(t("campaign.ui.split_done", args.lang, mailed=len(campaign.mailed),
                control=len(campaign.control), id=campaign.id))
        print(f"→ {out}")
        if "access_code" in result:
            print(t("campaign.ui.saved", args.lang, code=result["access_code"]))
    return 0


def _campaigns(args: argparse.Namespace) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in args.campaign_json or []:
        found.append(json.loads(Path(path).read_text(encoding="utf-8")))
    if args.campaign_json and args.rows is None and args.client is None:
        return found
    from engine.store import Store

    store = Store()
    try:
        for item in store.list_campaigns(args.client, ids=args.rows):
            found.append(store.get_campaign(item["row_id"]))
    finally:
        store.close()
    return found


def run_measure(args: argparse.Namespace) -> int:
    from engine.campaigns import measure_all
    from engine.commands._files import read_orders

    campaigns = _campaigns(args)
    if not campaigns:
        raise KarteError("campaign.error.no_campaigns")
    report = measure_all(campaigns, read_orders(args.orders), lang=args.lang)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, default=str))
        return 0
    for item in report["campaigns"]:
        m = item["measurement"]
        print(f"[{item['campaign']['id']}] {m['label']} ({m['date']})")
        for group in ("mailed", "control"):
            g = m["groups"][group]
            print(f"  {t('campaign.group.' + group, args.lang)}: {g['size']:,} / "
                  f"{t('campaign.field.responders', args.lang)} {g['responders']:,} "
                  f"({g['response_rate'] * 100:.1f}%) / {t('campaign.field.unmatched', args.lang)} "
                  f"{g['unmatched']:,} / ¥{g['gross_profit_per_customer']:,.0f}")
        print(f"  {m['sentence']}")
        print(f"  {t('campaign.field.incremental_profit', args.lang)}: "
              f"¥{m['incremental_profit']:,} [¥{m['incremental_profit_low']:,}, "
              f"¥{m['incremental_profit_high']:,}]")
        if m["estimated_profit"] is not None:
            print(f"  {t('campaign.field.estimate', args.lang)}: "
                  f"{m['estimated_lift'] * 100:+.1f}pt, ¥{m['estimated_profit']:,}")
    return 0

"""`python -m engine diagnose ANSWERS.json [--json]`: the ten-question diagnosis, command line.

ANSWERS.json is {"answers": {question_id: value}}: yen as integers, percents 0-100, null for
「わからない」. Prints the diagnosis JSON (`Diagnosis.to_json`) or a short summary. Invalid
answers raise AnswerError, which `engine.cli` turns into a message on stderr and exit code 2.

`--orders FILE` reads an order export (any file the ingest reads) and checks the answers against
it: the JSON then also has "data_kpis", "comparison" (answer vs data, with the gap flag), per
area "source" ("answer" | "data"), and "plan" (the data-backed plan of engine.roi, best expected
incremental profit first; targets too small to act on last, marked "small"). Without
--orders the output is the answers-only diagnosis. Both outputs carry the consistency checks
of the answers (LTV × customers against sales, questions.toml [[consistency]]): the JSON key
"consistency" (a list, empty when the answers fit together) and "!" lines atop the summary.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from engine.consistency import check_answers
from engine.diagnosis import Diagnosis, diagnose
from engine.errors import AnswerError
from engine.i18n import t
from engine.kpis import kpi_cards
from engine.questions import Question, load_questions
from engine.scoring import level_label


def _range(q: Question) -> str:
    if q.type in ("choice", "multi_choice"):
        if q.type == "choice":
            return "one of " + "|".join(q.choice_ids())
        return "list of " + ",".join(q.choice_ids())
    if q.type == "bool":
        return "true|false"
    if q.type == "text":
        return f"string, at most {int(q.max)} chars" if q.max else "string"
    return f"{q.min:,}..{q.max:,}"


def questions_epilog() -> str:
    """The question ids with type, valid values and label (built from questions.toml)."""
    rows = [(q.id, q.type, _range(q), q.short("en")) for q in load_questions()]
    width_id = max(len(r[0]) for r in rows)
    width_type = max(len(r[1]) for r in rows)
    lines = ["question ids (null = unknown / わからない):"]
    for qid, qtype, valid, label in rows:
        lines.append(f"  {qid:<{width_id}}  {qtype:<{width_type}}  {label}: {valid}")
    lines += ["", 'example: {"answers": {"q1": 12000000, "q2": 60, "q5": ["sns_ads", "referral"],'
              ' "q8": null, "subscription": true}}']
    return "\n".join(lines)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "diagnose", help="score the ten-question diagnosis from an answers file",
        description="Diagnose a shop from its answers to the ten questions (and follow-ups).",
        epilog=questions_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("answers", metavar="ANSWERS.json",
                        help=t("diagnosis.cli.help_answers", "en"))
    parser.add_argument("--json", action="store_true", help=t("diagnosis.cli.help_json", "en"))
    parser.add_argument("--orders", metavar="FILE", nargs="+", default=None,
                        help="order export (CSV, TSV or Excel) to check the answers against")
    parser.add_argument("--as-of", dest="as_of", default=None,
                        help="reference date YYYY-MM-DD for --orders (default: the day after "
                             "the last order)")
    parser.set_defaults(run=run)
    return parser


def read_answers(path: str) -> dict[str, Any]:
    """The "answers" object of an answers file ("-" = standard input)."""
    try:
        if path == "-":
            payload = json.load(sys.stdin)
        else:
            with open(path, encoding="utf-8-sig") as fh:  # tolerate a BOM from Windows editors
                payload = json.load(fh)
    except json.JSONDecodeError as exc:
        raise AnswerError("diagnosis.error.bad_json", path=path, detail=str(exc)) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("answers"), dict):
        raise AnswerError("diagnosis.error.no_answers", path=path)
    return payload["answers"]


def summary(result: Diagnosis, lang: str) -> str:
    """A short human-readable report: consistency warnings, areas weakest first, KPIs, top of
    the plan."""
    by_id = {a.id: a for a in result.areas}
    lines = [f"! {c.message}" for c in check_answers(result.answers, lang)]
    lines += [t("diagnosis.cli.areas", lang)]
    for area_id in result.weakest:
        a = by_id[area_id]
        score = "—" if a.score is None else f"{a.score:3d}"
        lines.append(f"  {score}  {level_label(a.level, lang)}  {a.label}"
                     f" ({t('diagnosis.cli.confidence', lang)} {a.confidence:.0%})")
        lines.append(f"       {a.reason}")
    lines += ["", t("diagnosis.cli.kpis", lang)]
    lines += [f"  {c['label']}: {c['value']}" for c in kpi_cards(result.kpis, lang)
              if c["available"]]
    lines += ["", t("diagnosis.cli.actions", lang)]
    if not result.actions:
        lines.append("  " + t("diagnosis.cli.no_actions", lang))
    for action in result.actions:
        mark = t("diagnosis.cli.top", lang) if action.top else " "
        lines.append(f"  {mark} [{action.step}] {action.title}")
    return "\n".join(lines)


def data_summary(result: Diagnosis, plan: list[Any], lang: str) -> str:
    """The answer-vs-data lines and the data-backed plan, for the human-readable output."""
    lines = ["", t("plan.compare.title", lang)]
    for row in result.comparison or []:
        mark = "!" if row["flag"] else " "
        lines.append(f"  {mark} {row['label']}: {row['answer_text']} / {row['data_text']}"
                     f" ({row['gap_text']})")
    lines += ["", t("plan.title", lang)]
    for row in plan:
        if row.estimate is None:
            lines.append(f"    [{row.step}] {row.title}")
            continue
        mark = "!" if row.negative else " "
        profit = row.estimate.profit
        money = f"{'-' if profit < 0 else ''}¥{abs(profit):,.0f}"
        lines.append(f"  {mark} [{row.step}] {row.title} — {row.customers:,} / "
                     f"{money} ({row.roi_text(lang)})")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    answers = read_answers(args.answers)
    if args.orders is None:
        result = diagnose(answers, args.lang)
        out = result.to_json()
        out["consistency"] = [c.to_json() for c in check_answers(result.answers, args.lang)]
        print(json.dumps(out, ensure_ascii=False) if args.json
              else summary(result, args.lang))
        return 0
    from engine.commands._files import read_orders
    from engine.shop import open_shop

    book = read_orders(args.orders)
    analysis = open_shop(book, as_of=args.as_of,
                         settings=getattr(args, "settings", None)).for_answers(answers)
    result = analysis.diagnose(answers, args.lang)
    plan = analysis.plan(answers, lang=args.lang)
    if args.json:
        out = result.to_json()
        out["consistency"] = [c.to_json() for c in check_answers(result.answers, args.lang)]
        out["plan"] = [row.to_json(args.lang) for row in plan]
        out["figures"] = analysis.figures()
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(summary(result, args.lang) + "\n" + data_summary(result, plan, args.lang))
    return 0

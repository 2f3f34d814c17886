"""Per sample shop: the top three actions of the data plan and of the answers plan, and the six
area scores (answers only / with the order data). Prints figures; run before and after a change
to the economics or the plan rules:  .venv/bin/python bench/plan_figures.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import samples  # noqa: E402
from engine.diagnosis import diagnose  # noqa: E402
from engine.ingest import ingest  # noqa: E402
from engine.roi import build_data_plan  # noqa: E402


def _row(r) -> str:
    if r.estimate is None:
        return f"[{r.step}] {r.id}"
    e = r.estimate
    inc = getattr(e, "incremental_profit", None)
    extra = "" if inc is None else f" incr.profit ¥{inc:,.0f}"
    return (f"[{r.step}] {r.id}: {r.customers} cust, {e.contacts} contacts, "
            f"resp {e.response_rate:.1%}, profit ¥{e.profit:,.0f}{extra}")


def main() -> None:
    for shop in ("cosmetics", "food_gift", "apparel"):
        data, name = samples.generate(shop)
        book = ingest(data, name)
        answers = samples.sample_answers(shop)
        print(f"== {shop} ({book.report.format})")
        plan = build_data_plan(book, answers)
        print("  data plan top 3:")
        for r in plan[:3]:
            print("   ", _row(r))
        print("  answers plan top 3:")
        for a in diagnose(answers).actions[:3]:
            print(f"    [{a.step}] {a.id} ({a.area})")
        for label, d in (("answers", diagnose(answers)), ("with data", diagnose(answers, data=book))):
            scores = ", ".join(f"{a.id}={a.score}({a.level})" for a in d.areas)
            print(f"  scores {label}: {scores}")
        dd = diagnose(answers, data=book)
        print(f"  data plan rows: {len(plan)}; answers plan rows: {len(dd.actions)}")


if __name__ == "__main__":
    main()

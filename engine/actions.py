"""The action plan: which catalogue actions (`engine/data/actions.toml`) the answers trigger.

This module owns plan building: triggering (conditions evaluated by `engine.scoring.check`),
the "why" line (the conditions that held, with the actual answers), and the order — actions
whose `lead_when` holds first (a mall-only shop builds its own list before anything else), then
weakest area first, catalogue order within an area, the first three marked as top. Every
diagnosis yields a plan: strong areas trigger the next Omega steps (E, F, then A again), and
when nothing triggers the actions of actions.toml [plan] fallback are proposed, saying why.
The catalogue comes from `Settings.actions` (keyword `settings`, default the shipped file).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Sequence

from engine.config import localized
from engine.i18n import t
from engine.kpis import KPI_FORMATS, format_value
from engine.questions import format_answer, question_map
from engine.scoring import AreaResult, Context, check, level_label, weakest_first
from engine.settings import Settings, resolve

STEPS: tuple[str, ...] = ("A", "B", "C", "D", "E", "F")
TOP_N = 3


@dataclass(frozen=True)
class ActionSpec:
    """One catalogue entry."""

    id: str
    step: str
    areas: tuple[str, ...]
    table: Mapping[str, Any]

    def title(self, lang: str = "ja") -> str:
        return localized(self.table, "title", lang)

    def first_step(self, lang: str = "ja") -> str:
        return localized(self.table, "first_step", lang)

    def conditions_met(self, ctx: Context) -> list[Mapping[str, Any]] | None:
        """The conditions that made the action trigger, or None when it does not trigger."""
        when = self.table.get("when", [])
        when_any = self.table.get("when_any", [])
        if not when and not when_any:
            return None  # an action without a trigger is never proposed
        if not all(check(c, ctx) for c in when):
            return None
        held_any = [c for c in when_any if check(c, ctx)]
        if when_any and not held_any:
            return None
        return list(when) + held_any

    def leads(self, ctx: Context) -> list[Mapping[str, Any]]:
        """The `lead_when` conditions that hold (any one puts the action first)."""
        return [c for c in self.table.get("lead_when", []) if check(c, ctx)]


@dataclass(frozen=True)
class PlannedAction:
    """A triggered action, rendered in one language."""

    id: str
    step: str
    title: str
    why: str
    area: str
    first_step: str
    top: bool

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "title": self.title, "why": self.why, "area": self.area,
                "first_step": self.first_step, "top": self.top}


@lru_cache(maxsize=8)
def _catalogue_of(settings: Settings) -> tuple[ActionSpec, ...]:
    return tuple(ActionSpec(a["id"], a["step"], tuple(a["areas"]), a)
                 for a in settings.actions["actions"])


def catalogue(*, settings: Settings | None = None) -> tuple[ActionSpec, ...]:
    """All actions of actions.toml, in file order."""
    return _catalogue_of(resolve(settings))


def step_title(step: str, lang: str = "ja", *, settings: Settings | None = None) -> str:
    """The Omega step's title, e.g. A -> リストのランク分けをする."""
    return localized(resolve(settings).actions["steps"][step], "title", lang)


def _why_part(cond: Mapping[str, Any], ctx: Context, lang: str,
              settings: Settings | None = None) -> str:
    if "area" in cond:
        area = ctx.areas[cond["area"]]
        return t("diagnosis.why.area", lang, label=area.label,
                 level=level_label(area.level, lang), score=area.score)
    op = cond["op"]
    if "question" in cond:
        question = question_map(settings=settings)[cond["question"]]
        label = question.short(lang, ctx.answers)
        if op in ("has", "lacks"):
            return t(f"diagnosis.why.{op}", lang, label=label,
                     item=question.choice_label(cond["value"], lang))
        return t("diagnosis.why.value", lang, label=label,
                 value=format_answer(question, ctx.answers.get(question.id), lang))
    kpi = cond["kpi"]
    return t("diagnosis.why.value", lang, label=t(f"diagnosis.kpi.{kpi}.label", lang),
             value=format_value(ctx.kpis.get(kpi), KPI_FORMATS.get(kpi, "none"), lang))


def build_plan(answers: Mapping[str, Any], kpis: Mapping[str, Any],
               areas: Sequence[AreaResult], lang: str = "ja", *,
               settings: Settings | None = None) -> list[PlannedAction]:
    """Triggered actions: leading ones first, then weakest area first (stable: catalogue order
    within an area). Never empty when the catalogue has a [plan] fallback."""
    ctx = Context(answers=answers, kpis=kpis, areas={a.id: a for a in areas})
    rank = {area_id: i for i, area_id in enumerate(weakest_first(areas))}
    specs = catalogue(settings=settings)
    sep = t("diagnosis.list_separator", lang)
    triggered = []
    for index, spec in enumerate(specs):
        met = spec.conditions_met(ctx)
        if met is None:
            continue
        area = min(spec.areas, key=lambda a: rank.get(a, len(rank)))  # file under weakest
        leads = spec.leads(ctx)
        parts = list(dict.fromkeys(_why_part(c, ctx, lang, settings) for c in leads + met))
        triggered.append((-1 if leads else rank.get(area, len(rank)), index, spec, area,
                          sep.join(parts)))
    if not triggered:
        by_id = {spec.id: spec for spec in specs}
        fallback = resolve(settings).actions.get("plan", {}).get("fallback", [])
        for index, action_id in enumerate(fallback):   # in the order the file lists them
            spec = by_id[action_id]
            area = min(spec.areas, key=lambda a: rank.get(a, len(rank)))
            triggered.append((0, index, spec, area, t("diagnosis.why.fallback", lang)))
    triggered.sort(key=lambda row: (row[0], row[1]))
    return [
        PlannedAction(id=spec.id, step=spec.step, title=spec.title(lang), why=why, area=area,
                      first_step=spec.first_step(lang), top=i < TOP_N)
        for i, (_, _, spec, area, why) in enumerate(triggered)
    ]

"""Scores the six diagnosis areas from the answers, with a small generic rule evaluator.

This module owns the evaluation of `engine/data/scoring.toml` (`Settings.scoring`, keyword
`settings`, default the shipped file) (rules, weights, benchmarks) and of
conditions written as data (`when` / `unless` in scoring.toml, triggers in actions.toml). There
are no per-area code paths: an area is the weighted mean of its rules' scores. An unknown answer
is left out of the mean and lowers the area's confidence; it is never scored as zero.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Mapping, Sequence

from engine.config import localized
from engine.i18n import t
from engine.kpis import format_value
from engine.questions import format_answer, question_map
from engine.settings import Settings, resolve

LEVELS: tuple[str, ...] = ("good", "caution", "poor", "unknown")


# --- conditions ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Context:
    """What a condition can look at: canonical answers, KPIs, and (for actions) area results."""

    answers: Mapping[str, Any]
    kpis: Mapping[str, Any] = field(default_factory=dict)
    areas: Mapping[str, "AreaResult"] = field(default_factory=dict)

    def value(self, cond: Mapping[str, Any]) -> Any:
        if "question" in cond:
            return self.answers.get(cond["question"])
        if "kpi" in cond:
            return self.kpis.get(cond["kpi"])
        raise ValueError(f"condition without question/kpi/area: {dict(cond)}")


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
    "in": lambda v, ref: v in _as_list(ref),
    "not_in": lambda v, ref: v not in _as_list(ref),
    "has": lambda v, ref: ref in _as_list(v),
    "lacks": lambda v, ref: ref not in _as_list(v),
    "has_any_of": lambda v, ref: any(r in _as_list(v) for r in _as_list(ref)),
    "has_none_of": lambda v, ref: not any(r in _as_list(v) for r in _as_list(ref)),
}


def check(cond: Mapping[str, Any], ctx: Context) -> bool:
    """Whether one condition holds. A condition on an unknown value never holds, except
    `op = "unknown"`; an area condition holds when the area's level is in `level_in`."""
    if "area" in cond:
        area = ctx.areas.get(cond["area"])
        return area is not None and area.level in cond["level_in"]
    op = cond["op"]
    value = ctx.value(cond)
    if op == "unknown":
        return value is None
    if op == "known":
        return value is not None
    if value is None:
        return False
    if isinstance(value, bool) or isinstance(cond.get("value"), bool):
        if op not in ("==", "!="):
            raise ValueError(f"operator {op!r} on a yes/no answer: {dict(cond)}")
    try:
        return bool(_COMPARE[op](value, cond.get("value")))
    except KeyError:
        raise ValueError(f"unknown operator {op!r} in {dict(cond)}") from None


def holds_all(conds: Sequence[Mapping[str, Any]], ctx: Context) -> bool:
    return all(check(c, ctx) for c in conds)


def holds_any(conds: Sequence[Mapping[str, Any]], ctx: Context) -> bool:
    return any(check(c, ctx) for c in conds)


# --- rules -------------------------------------------------------------------------------------

def interpolate(x: float, points: Sequence[Sequence[float]]) -> float:
    """Piecewise-linear y at x through sorted (x, y) points; flat outside the first/last point."""
    if x <= points[0][0]:
        return float(points[0][1])
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:
            return float(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
    return float(points[-1][1])


@dataclass(frozen=True)
class Rule:
    """One scoring rule of scoring.toml (see the header of that file for the fields)."""

    id: str
    spec: Mapping[str, Any]

    @property
    def weight(self) -> float:
        return float(self.spec.get("weight", 1.0))

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(self.spec.get("inputs", ()))

    def applies(self, ctx: Context) -> bool:
        return holds_all(self.spec.get("when", ()), ctx) and not holds_any(
            self.spec.get("unless", ()), ctx)

    def value(self, ctx: Context) -> Any:
        return ctx.value(self.spec["source"])

    def score(self, value: Any) -> float | None:
        """0-100 for a known value, None for an unknown one."""
        kind = self.spec["kind"]
        if kind == "constant":
            return float(self.spec["score"])
        if value is None:
            return None
        if kind == "linear":
            return interpolate(float(value), self.spec["points"])
        if kind == "choice":
            key = str(value).lower() if isinstance(value, bool) else value
            return float(self.spec["scores"][key])
        if kind == "set":
            return interpolate(self.set_total(value), self.spec["points"])
        raise ValueError(f"rule {self.id}: unknown kind {kind!r}")

    def set_total(self, chosen: Sequence[str]) -> float:
        items = self.spec["items"]
        return float(sum(items.get(c, 0) for c in chosen))


@dataclass(frozen=True)
class RuleResult:
    id: str
    value: Any
    score: float | None
    weight: float


@dataclass(frozen=True)
class AreaSpec:
    id: str
    table: Mapping[str, Any]
    rules: tuple[Rule, ...]

    def label(self, lang: str = "ja") -> str:
        return localized(self.table, "label", lang)


@dataclass(frozen=True)
class AreaResult:
    """The judgement of one area, rendered in one language."""

    id: str
    label: str
    score: int | None
    level: str
    confidence: float
    reason: str
    rules: tuple[RuleResult, ...] = ()
    missing: tuple[str, ...] = ()  # unanswered input question ids

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "score": self.score, "level": self.level,
                "confidence": self.confidence, "reason": self.reason}


@lru_cache(maxsize=8)
def _area_specs_of(settings: Settings) -> tuple[AreaSpec, ...]:
    return tuple(
        AreaSpec(a["id"], a, tuple(Rule(r["id"], r) for r in a.get("rules", ())))
        for a in settings.scoring["areas"]
    )


def area_specs(*, settings: Settings | None = None) -> tuple[AreaSpec, ...]:
    """The areas of scoring.toml, in file order."""
    return _area_specs_of(resolve(settings))


def area_ids(*, settings: Settings | None = None) -> list[str]:
    return [a.id for a in area_specs(settings=settings)]


def area_label(area_id: str, lang: str = "ja", *, settings: Settings | None = None) -> str:
    for spec in area_specs(settings=settings):
        if spec.id == area_id:
            return spec.label(lang)
    return area_id


def level_of(score: float | None, *, settings: Settings | None = None) -> str:
    """good / caution / poor from the thresholds of scoring.toml; unknown for None."""
    if score is None:
        return "unknown"
    levels = resolve(settings).scoring["levels"]
    if score >= levels["good"]:
        return "good"
    if score >= levels["caution"]:
        return "caution"
    return "poor"


def level_label(level: str, lang: str = "ja") -> str:
    """良好 / 注意 / 要改善 / 判定不可 (good / caution / poor / not judged)."""
    return t(f"diagnosis.level.{level}", lang)


# --- reasons -----------------------------------------------------------------------------------

def _join(items: Sequence[str], lang: str) -> str:
    return t("diagnosis.list_separator", lang).join(items)


def _describe(rule: Rule, value: Any, lang: str, settings: Settings | None = None) -> str:
    """The rule's value written for people (choice label, list of chosen items, ¥, %…)."""
    source = rule.spec["source"]
    if "question" in source:
        return format_answer(question_map(settings=settings)[source["question"]], value, lang)
    return format_value(value, rule.spec.get("format", "none"), lang)


def _benchmark(rule: Rule, lang: str) -> str:
    bench = rule.spec.get("benchmark")
    if bench is None:
        return ""
    fmt = rule.spec.get("format", "none")
    if fmt == "set":
        return f"{bench:g}"
    return format_value(bench, fmt, lang)


def _reason(rules: list[tuple[Rule, RuleResult]], missing: list[str], lang: str,
            area_good: bool = False, settings: Settings | None = None) -> str:
    scored = [(r, res) for r, res in rules if res.score is not None]
    questions = question_map(settings=settings)
    missing_labels = _join([questions[q].short(lang) for q in missing], lang)
    if not scored and not missing:  # all answered, yet nothing to score (e.g. 0 last year)
        return t("diagnosis.not_computable", lang)
    if not scored:
        return t("diagnosis.reason.not_judged", lang, missing=missing_labels)
    # A weak area names the rule that costs it the most points (shortfall × weight); a good one
    # names what carries it, so a 良好 score never comes with a complaint. max() is stable: on
    # a tie the rule listed first in scoring.toml wins.
    if area_good:
        rule, res = max(scored, key=lambda pair: pair[1].score * pair[1].weight)
    else:
        rule, res = max(scored, key=lambda pair: (100 - pair[1].score) * pair[1].weight)
    status = "ok" if level_of(res.score, settings=settings) == "good" else "low"
    params: dict[str, Any] = {"value": _describe(rule, res.value, lang, settings),
                              "benchmark": _benchmark(rule, lang)}
    if rule.spec["kind"] == "set":
        params["count"] = f"{rule.set_total(_as_list(res.value)):g}"
    return t(f"diagnosis.rule.{rule.id}.{status}", lang, **params)


# --- areas -------------------------------------------------------------------------------------

def score_area(spec: AreaSpec, ctx: Context, lang: str = "ja", *,
               settings: Settings | None = None) -> AreaResult:
    """Weighted mean of the area's applicable rules that have a value; confidence = share of
    their input questions that were answered."""
    active = [r for r in spec.rules if r.applies(ctx)]
    results = []
    for rule in active:
        value = rule.value(ctx)
        results.append((rule, RuleResult(rule.id, value, rule.score(value), rule.weight)))
    inputs = list(dict.fromkeys(q for r in active for q in r.inputs))  # ordered, distinct
    missing = [q for q in inputs if ctx.answers.get(q) is None]
    confidence = round(1 - len(missing) / len(inputs), 2) if inputs else 0.0
    scored = [res for _, res in results if res.score is not None]
    weight = sum(res.weight for res in scored)
    score = None
    if scored and weight > 0:
        # half-up rounding (Python's round() would send 40.5 to 40)
        score = math.floor(sum(res.score * res.weight for res in scored) / weight + 0.5)
    level = level_of(score, settings=settings)
    return AreaResult(
        id=spec.id, label=spec.label(lang), score=score, level=level,
        confidence=confidence,
        reason=_reason(results, missing, lang, area_good=level == "good", settings=settings),
        rules=tuple(res for _, res in results), missing=tuple(missing),
    )


def score_areas(answers: Mapping[str, Any], kpis: Mapping[str, Any],
                lang: str = "ja", *, settings: Settings | None = None) -> list[AreaResult]:
    """All areas in scoring.toml order."""
    ctx = Context(answers=answers, kpis=kpis)
    return [score_area(spec, ctx, lang, settings=settings)
            for spec in area_specs(settings=settings)]


def weakest_first(areas: Sequence[AreaResult]) -> list[str]:
    """Area ids from the lowest score up; unknown areas last; ties keep file order."""
    order = sorted(range(len(areas)), key=lambda i: (areas[i].score is None,
                                                     areas[i].score or 0, i))
    return [areas[i].id for i in order]

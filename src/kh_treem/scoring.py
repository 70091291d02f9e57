"""Exact scoring of the plan's targets from the units' figures.

A district rate is sum(numerators) / sum(denominators) x factor over the units
that reported both, never an average of the units' rates; every comparison is
made on fractions, so 6/200 is exactly 3 %.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from kh_treem.plan import Measure, Plan, Target

Status = Literal["met", "not_met", "not_applicable", "no_data"]
STATUSES: tuple[Status, ...] = ("met", "not_met", "not_applicable", "no_data")

# unit -> element code -> value
Counts = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class Outcome:
    """One target scored over some units."""

    target: Target
    numerator: int | None
    denominator: int | None
    value: Fraction | None
    status: Status
    units_reporting: tuple[str, ...]
    units_missing: tuple[str, ...]


def score_target(target: Target, counts: Counts, units: Sequence[str], expected: int) -> Outcome:
    """Score ``target`` over ``units``; ``expected`` is the number of units the plan has."""
    return score_targets([target], counts, units, expected)[0]


def score_targets(
    targets: Sequence[Target], counts: Counts, units: Sequence[str], expected: int
) -> list[Outcome]:
    """Score each target over the units that reported both its figures.

    The units' figures are walked once, unit by unit: looked up target by target,
    a province's 10,000 figure tables missed the processor's caches (~1 s).
    """
    reporting: list[list[str]] = [[] for _ in targets]
    nums = [0] * len(targets)
    dens = [0] * len(targets)
    for unit in units:
        figures = counts.get(unit)
        if not figures:
            continue
        for i, t in enumerate(targets):
            num = figures.get(t.numerator)
            if num is None:
                continue
            if t.denominator is not None:
                den = figures.get(t.denominator)
                if den is None:
                    continue
                dens[i] += den
            nums[i] += num
            reporting[i].append(unit)
    outcomes = []
    for i, t in enumerate(targets):
        sent = set(reporting[i])  # a tuple here made scoring 10,000 units quadratic
        missing = tuple(u for u in units if u not in sent)
        if not sent:
            outcomes.append(Outcome(t, None, None, None, "no_data", (), missing))
        else:
            den_sum = None if t.denominator is None else dens[i]
            outcomes.append(_outcome(t, nums[i], den_sum, expected, tuple(reporting[i]),
                                     missing))
    return outcomes


def _outcome(
    target: Target, num: int, den: int | None, expected: int, reporting: tuple[str, ...],
    missing: tuple[str, ...],
) -> Outcome:
    """The value and status of ``target`` from its summed numerator and denominator."""
    measure = target.measure
    if measure is Measure.COUNT:
        return Outcome(target, num, None, Fraction(num), _judge(target, num, 1), reporting,
                       missing)
    if measure is Measure.UNITS:
        # A count of units ("02 xã"), or their share of the units expected (national plans).
        share = (num, 1) if target.unit == "communes" else (num * 100, expected)
        return Outcome(target, num, expected, Fraction(*share), _judge(target, *share),
                       reporting, missing)
    assert den is not None  # the plan's schema guarantees a denominator here
    if measure is Measure.REDUCTION:
        # (last year - this year) / last year; with none last year, any this year is a rise.
        if den == 0:
            return Outcome(target, num, den, None, "met" if num == 0 else "not_met", reporting,
                           missing)
        drop = (den - num) * 100
        return Outcome(target, num, den, Fraction(drop, den), _judge(target, drop, den),
                       reporting, missing)
    if den == 0:
        return Outcome(target, num, den, None, "not_applicable", reporting, missing)
    scaled = num * target.factor
    return Outcome(target, num, den, Fraction(scaled, den), _judge(target, scaled, den),
                   reporting, missing)


def _judge(target: Target, num: int, den: int) -> Status:
    """Whether num / den (den > 0) meets the target: compared exactly, as whole numbers.

    The same as comparing fractions, at a fraction of the cost: a province's
    breakdown judges 300,000 values.
    """
    goal = target.target
    met = target.direction.satisfied(num * goal.denominator, goal.numerator * den)
    return "met" if met else "not_met"


def score_plan(plan: Plan, counts: Counts) -> list[Outcome]:
    """Every target of the plan, over all of the plan's units."""
    return score_targets(plan.targets, counts, plan.units, len(plan.units))


def score_units(plan: Plan, counts: Counts) -> dict[str, list[Outcome]]:
    """Every target that a single unit can meet, unit by unit (counts of units excluded)."""
    return dict(unit_outcomes(plan, counts))


def unit_targets(plan: Plan) -> list[Target]:
    """The targets one unit is scored on, in the plan's order: all but counts of units."""
    return [t for t in plan.targets if t.measure is not Measure.UNITS]


def unit_outcomes(plan: Plan, counts: Counts) -> Iterator[tuple[str, list[Outcome]]]:
    """:func:`score_units` one unit at a time, for writers that need not hold them all.

    The same as ``score_target(t, counts, [unit], 1)`` for each, without its
    generality: a province has thousands of units.
    """
    targets = unit_targets(plan)
    for unit in plan.units:
        figures = counts.get(unit)
        if figures is None:
            continue
        here = (unit,)
        outcomes = []
        for t in targets:
            num = figures.get(t.numerator)
            den = None if t.denominator is None else figures.get(t.denominator)
            if num is None or (den is None and t.denominator is not None):
                outcomes.append(Outcome(t, None, None, None, "no_data", (), here))
            else:
                outcomes.append(_outcome(t, num, den, 1, here, ()))
        yield unit, outcomes


def summed_counts(plan: Plan, counts: Counts) -> dict[str, tuple[int | None, int]]:
    """element code -> (sum over the units that reported it or None, how many did)."""
    totals: dict[str, int] = {}
    reported: dict[str, int] = {}
    for unit in plan.units:  # unit by unit, as score_plan, for the processor's caches
        for code, value in counts.get(unit, {}).items():
            totals[code] = totals.get(code, 0) + value
            reported[code] = reported.get(code, 0) + 1
    return {e.code: (totals.get(e.code), reported.get(e.code, 0)) for e in plan.elements}

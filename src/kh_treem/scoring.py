"""Exact scoring of the plan's targets from the units' figures.

A district rate is sum(numerators) / sum(denominators) x factor over the units
that reported both, never an average of the units' rates; every comparison is
made on fractions, so 6/200 is exactly 3 %.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from kh_treem.plan import Direction, Measure, Plan, Target

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

    Units reporting the same codes are scored together (see _Group): which targets they
    report is found once for them all, and their figures are summed code by code.
    """
    groups, order = _groups(counts, units)
    nums = [0] * len(targets)
    dens = [0] * len(targets)
    reported_by: list[set[int]] = [set() for _ in targets]  # the groups reporting each target
    for g, group in enumerate(groups):
        where = {code: j for j, code in enumerate(group.codes)}
        for i, t in enumerate(targets):
            num = where.get(t.numerator)
            den = None if t.denominator is None else where.get(t.denominator)
            if num is None or (t.denominator is not None and den is None):
                continue
            reported_by[i].add(g)
            nums[i] += group.sums[num]
            if den is not None:
                dens[i] += group.sums[den]
    everyone = [unit for unit, _ in order]
    reporting = [  # in the units' order, whatever their groups
        everyone if len(by) == len(groups) else [u for u, g in order if g in by]
        for by in reported_by]
    missing_from: dict[int, tuple[str, ...]] = {}  # id of a reporting list -> units missing
    outcomes = []
    for i, t in enumerate(targets):
        if id(reporting[i]) not in missing_from:  # most targets share the list of everyone
            sent = set(reporting[i])  # a tuple here made scoring 10,000 units quadratic
            missing_from[id(reporting[i])] = tuple(u for u in units if u not in sent)
        missing = missing_from[id(reporting[i])]
        if not reporting[i]:
            outcomes.append(Outcome(t, None, None, None, "no_data", (), missing))
        else:
            den_sum = None if t.denominator is None else dens[i]
            outcomes.append(_outcome(t, nums[i], den_sum, expected, tuple(reporting[i]),
                                     missing))
    return outcomes


@dataclass
class _Group:
    """Units that report the same codes, each code summed over them.

    A province's forms come from one template, so its 10,000 units fall into a few
    groups (one for each set of blanks): each unit's figures are then summed in one
    call, where looking up each code of each target for each unit took ~0.5 s.
    """

    index: int  # its place among the groups, in the order of their first units
    codes: tuple[str, ...]
    sums: list[int]
    values: Callable[[Mapping[str, int]], tuple[int, ...]]  # a unit's figures for codes
    size: int = 0  # how many units


def _groups(counts: Counts, units: Sequence[str]) -> tuple[list[_Group], list[tuple[str, int]]]:
    """The groups of the units with figures, and each such unit with its group's index,
    in order."""
    groups: dict[tuple[str, ...], _Group] = {}
    order: list[tuple[str, int]] = []
    for unit in units:
        figures = counts.get(unit)
        if not figures:
            continue
        # The codes in the order the unit's sheet gave them: units of one template share
        # it (the same codes in another order only make another group).
        codes = tuple(figures)
        group = groups.get(codes)
        if group is None:
            group = groups[codes] = _Group(len(groups), codes, [0] * len(codes), _getter(codes))
        group.sums = list(map(operator.add, group.sums, group.values(figures)))
        group.size += 1
        order.append((unit, group.index))
    return list(groups.values()), order


def _getter(codes: tuple[str, ...]) -> Callable[[Mapping[str, int]], tuple[int, ...]]:
    """The figures of ``codes`` (at least one), always as a tuple (itemgetter gives one
    alone bare)."""
    if len(codes) == 1:
        only = codes[0]
        return lambda figures: (figures[only],)
    return operator.itemgetter(*codes)


def _outcome(
    target: Target, num: int, den: int | None, expected: int, reporting: tuple[str, ...],
    missing: tuple[str, ...],
) -> Outcome:
    """The value and status of ``target`` from its summed numerator and denominator."""
    shown, value, status = _measured(_Rule.of(target), num, den, expected)
    return Outcome(target, num, shown, None if value is None else Fraction(*value), status,
                   reporting, missing)


@dataclass(frozen=True, slots=True)
class _Rule:
    """A target's arithmetic, read off it once: a province's breakdown applies it to
    300,000 values, and a pydantic model's fields and properties cost more to reach."""

    measure: Measure
    factor: int  # what a rate is multiplied by: 100 for %, 1,000 for ‰ ...
    share: bool  # a count of units given as their share of the units expected
    goal: tuple[int, int]  # the target as a numerator and a denominator
    satisfied: Callable[[int, int], bool]

    @staticmethod
    def of(target: Target) -> _Rule:
        goal = target.target
        return _Rule(target.measure, target.factor, target.unit != "communes",
                     (goal.numerator, goal.denominator), _COMPARISONS[target.direction])


# Direction.satisfied on whole numbers, as the operators themselves: called for each of a
# province's 300,000 breakdown cells.
_COMPARISONS: dict[Direction, Callable[[int, int], bool]] = {
    Direction.AT_LEAST: operator.ge, Direction.AT_MOST: operator.le, Direction.BELOW: operator.lt}


# (the denominator shown, the value as a numerator and a denominator or None, the status)
_Measured = tuple[int | None, tuple[int, int] | None, Status]


def _measured(rule: _Rule, num: int, den: int | None, expected: int) -> _Measured:
    """What a target comes to from its summed numerator and denominator (see _Measured)."""
    measure = rule.measure
    if measure is Measure.COUNT:
        return None, (num, 1), _judge(rule, num, 1)
    if measure is Measure.UNITS:
        # A count of units ("02 xã"), or their share of the units expected (national plans).
        share = (num * 100, expected) if rule.share else (num, 1)
        return expected, share, _judge(rule, *share)
    assert den is not None  # the plan's schema guarantees a denominator here
    if measure is Measure.REDUCTION:
        # (last year - this year) / last year; with none last year, any this year is a rise.
        if den == 0:
            return den, None, "met" if num == 0 else "not_met"
        drop = (den - num) * 100
        return den, (drop, den), _judge(rule, drop, den)
    if den == 0:
        return den, None, "not_applicable"
    scaled = num * rule.factor
    return den, (scaled, den), _judge(rule, scaled, den)


def _judge(rule: _Rule, num: int, den: int) -> Status:
    """Whether num / den (den > 0) meets the target: compared exactly, as whole numbers,
    the same as comparing fractions at a fraction of the cost."""
    goal_num, goal_den = rule.goal
    return "met" if rule.satisfied(num * goal_den, goal_num * den) else "not_met"


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
            num, den = _figures_of(t.numerator, t.denominator, figures)
            if num is None:
                outcomes.append(Outcome(t, None, None, None, "no_data", (), here))
            else:
                outcomes.append(_outcome(t, num, den, 1, here, ()))
        yield unit, outcomes


def unit_values(
    plan: Plan, counts: Counts, units: Sequence[str] | None = None
) -> Iterator[tuple[str, list[tuple[Status, float | None]]]]:
    """Each unit's status and value (None: no value) for each of unit_targets(plan), for
    ``units`` (default: the plan's) that have figures.

    :func:`unit_outcomes` without its Fractions and Outcomes: what a province's breakdown
    of 300,000 cells shows, in a third of the time.
    """
    targets = [(t.numerator, t.denominator, _Rule.of(t)) for t in unit_targets(plan)]
    for unit in plan.units if units is None else units:
        figures = counts.get(unit)
        if figures is None:
            continue
        cells: list[tuple[Status, float | None]] = []
        get = figures.get
        for numerator, denominator, rule in targets:
            num = get(numerator)  # _figures_of, written out: this loop runs 300,000 times
            den = None if denominator is None else get(denominator)
            if num is None or (den is None and denominator is not None):
                cells.append(_NO_DATA)
                continue
            _, value, status = _measured(rule, num, den, 1)
            # int / int is rounded once, correctly: the same float as float(Fraction(...)).
            cells.append((status, None if value is None else value[0] / value[1]))
        yield unit, cells


_NO_DATA: tuple[Status, None] = ("no_data", None)


def _figures_of(
    numerator: str, denominator: str | None, figures: Mapping[str, int]
) -> tuple[int, int | None] | tuple[None, None]:
    """A unit's numerator and denominator of a target, (None, None) if it lacks either."""
    num = figures.get(numerator)
    if denominator is None:
        return (None, None) if num is None else (num, None)
    den = figures.get(denominator)
    return (None, None) if num is None or den is None else (num, den)


def summed_counts(plan: Plan, counts: Counts) -> dict[str, tuple[int | None, int]]:
    """element code -> (sum over the units that reported it or None, how many did)."""
    totals: dict[str, int] = {}
    reported: dict[str, int] = {}
    for group in _groups(counts, plan.units)[0]:
        for code, total in zip(group.codes, group.sums, strict=True):
            totals[code] = totals.get(code, 0) + total
            reported[code] = reported.get(code, 0) + group.size
    return {e.code: (totals.get(e.code), reported.get(e.code, 0)) for e in plan.elements}

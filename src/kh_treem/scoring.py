"""Exact scoring of the plan's targets from the units' figures.

One function scores: :func:`score_targets`, over the district's units for the result,
over one unit at a time for the breakdown by commune. A district rate is
sum(numerators) / sum(denominators) x factor over the units that reported both, never
an average of the units' rates; every value is a Fraction and every comparison is
``Direction.satisfied`` on Fractions, so 6/200 is exactly 3 %.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Literal, NamedTuple

from kh_treem.plan import Measure, Plan, Target

Status = Literal["met", "not_met", "not_applicable", "no_data"]
STATUSES: tuple[Status, ...] = ("met", "not_met", "not_applicable", "no_data")

# unit -> element code -> value
Counts = Mapping[str, Mapping[str, int]]


class Outcome(NamedTuple):
    """One target scored over some units (a tuple: a province's breakdown makes 300,000)."""

    target: Target
    numerator: int | None
    denominator: int | None
    value: Fraction | None
    status: Status
    units_reporting: tuple[str, ...]
    units_missing: tuple[str, ...]


def score_targets(
    targets: Sequence[Target], counts: Counts, units: Sequence[str], expected: int
) -> list[Outcome]:
    """Score each target over the ``units`` that reported both its figures; ``expected`` is
    the number of units the plan has (the denominator of a share of units)."""
    sent = [(unit, figures) for unit in units if (figures := counts.get(unit))]
    outcomes = []
    for target in targets:
        num_code, den_code = target.numerator, target.denominator
        num = den = 0
        reporting = []
        for unit, figures in sent:
            if num_code not in figures or (den_code is not None and den_code not in figures):
                continue
            num += figures[num_code]
            den += 0 if den_code is None else figures[den_code]
            reporting.append(unit)
        if len(reporting) == len(units):
            missing: tuple[str, ...] = ()
        else:
            reported = set(reporting)
            missing = tuple(unit for unit in units if unit not in reported)
        if not reporting:
            outcomes.append(Outcome(target, None, None, None, "no_data", (), missing))
            continue
        shown, value, status = _measured(target, num, None if den_code is None else den,
                                         expected)
        outcomes.append(Outcome(target, num, shown, value, status, tuple(reporting), missing))
    return outcomes


def score_target(target: Target, counts: Counts, units: Sequence[str], expected: int) -> Outcome:
    """:func:`score_targets` for one target."""
    return score_targets([target], counts, units, expected)[0]


def _measured(
    target: Target, num: int, den: int | None, expected: int
) -> tuple[int | None, Fraction | None, Status]:
    """(the denominator shown, the value, the status) of summed figures."""
    measure = target.measure
    if measure is Measure.COUNT:
        shown, value = None, Fraction(num)
    elif measure is Measure.UNITS:
        # A count of units ("02 xã"), or their share of the units expected (national plans).
        shown = expected
        value = Fraction(num) if target.unit == "communes" else Fraction(num * 100, expected)
    else:
        assert den is not None  # the plan's schema guarantees a denominator here
        shown = den
        if den == 0 and measure is Measure.REDUCTION:
            # (last year - this year) / last year; with none last year, any this year is a rise.
            return den, None, "met" if num == 0 else "not_met"
        if den == 0:
            return den, None, "not_applicable"
        if measure is Measure.REDUCTION:
            value = Fraction((den - num) * 100, den)
        else:
            value = Fraction(num * target.factor, den)
    met = target.direction.satisfied(value, target.target)
    return shown, value, "met" if met else "not_met"


def score_plan(plan: Plan, counts: Counts) -> list[Outcome]:
    """Every target of the plan, over all of the plan's units."""
    return score_targets(plan.targets, counts, plan.units, len(plan.units))


def unit_targets(plan: Plan) -> list[Target]:
    """The targets one unit is scored on, in the plan's order: all but counts of units."""
    return [t for t in plan.targets if t.measure is not Measure.UNITS]


class Breakdown(Mapping[str, list[Outcome]]):
    """unit -> its outcomes on unit_targets(plan), for each unit with figures in the plan's
    order, each unit scored alone by score_targets when it is asked for: a province's
    breakdown (300,000 outcomes) is written row by row, never held whole."""

    def __init__(self, plan: Plan, counts: Counts) -> None:
        self.targets = unit_targets(plan)
        self.counts = counts
        self.units = [unit for unit in plan.units if counts.get(unit) is not None]
        self._known = set(self.units)

    def __getitem__(self, unit: str) -> list[Outcome]:
        if unit not in self._known:
            raise KeyError(unit)
        return score_targets(self.targets, self.counts, [unit], 1)

    def __iter__(self) -> Iterator[str]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)


def summed_counts(plan: Plan, counts: Counts) -> dict[str, tuple[int | None, int]]:
    """element code -> (sum over the plan's units that reported it or None, how many did)."""
    summed = {}
    for element in plan.elements:
        given = [figures[element.code] for unit in plan.units
                 if (figures := counts.get(unit)) and element.code in figures]
        summed[element.code] = (sum(given) if given else None, len(given))
    return summed

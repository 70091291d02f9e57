"""Figures worth a second look: unusual against last year, or against the other communes.

The most common error in a form is not a broken rule but a plausible-looking wrong number
(18500 typed for 1850, last year's figure left in a cell). Two checks, after the outlier
analysis of DHIS2, flag such figures with a warning that never changes a result:

- Against last year: a count more than ``year_ratio`` times the same commune's figure last
  year, or less than its ``1/year_ratio``, when either is at least ``min_count`` (small counts
  move a lot: 1 death, then 3, is not unusual). A count reported last year and blank now is
  a notice.
- Against the other communes: a commune's rate (a target's numerator over its denominator)
  whose modified z-score, 0.6745 (x - median) / MAD over the communes that reported it, lies
  beyond ``robust_z``, when at least MIN_UNITS communes reported it and their rates vary (a
  MAD of 0, most communes at 0 deaths, measures no spread to compare with).

The thresholds are the plan's (``quality``); the arithmetic is on Fractions, so a figure at
a threshold is never flagged by a rounding.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

from kh_treem.formatting import number
from kh_treem.layouts import Observation
from kh_treem.plan import Measure, Plan
from kh_treem.problems import Problem, Words

# The types of problem these checks give (the summary's sheet "Cần kiểm tra lại" lists them).
UNUSUAL = frozenset({"figure-unlike-last-year", "figure-not-given-again", "rate-unlike-communes"})
MIN_UNITS = 5  # communes a rate needs before one of them can be unlike the others
Z_FACTOR = Fraction("0.6745")  # makes the MAD comparable to a standard deviation

Figures = Mapping[str, Mapping[str, int]]
Locate = Callable[[str, str], Observation | None]  # (unit, code) -> where the figure stands


def against_last_year(
    plan: Plan, now: Figures, last: Figures, year: int, last_year: int, locate: Locate
) -> list[Problem]:
    """The counts of ``now`` unlike the same commune's in ``last``, and those not given again."""
    ratio = plan.quality.year_ratio
    if ratio is None:
        return []
    times = Fraction(str(ratio))
    least = plan.quality.min_count
    counts = [e for e in plan.elements if e.kind == "count"]
    problems = []
    for unit, before in last.items():
        figures = now.get(unit)
        if figures is None:  # nothing sent this year: unit-not-reported says so
            continue
        for element in counts:
            code = element.code
            if code not in before:
                continue
            label = Words(element.label.vi, element.label.en)
            params = {"unit": unit, "label": label, "last": before[code], "year": year,
                      "last_year": last_year}
            if code not in figures:
                problems.append(Problem("figure-not-given-again", code=code, params=params))
                continue
            value, previous = figures[code], before[code]
            if max(value, previous) < least:
                continue
            if value > times * previous or previous > times * value:
                place = locate(unit, code)
                problems.append(Problem(
                    "figure-unlike-last-year", code=code,
                    file=place.file if place else None, sheet=place.sheet if place else None,
                    cell=place.cell if place else None,
                    params={**params, "value": value, "ratio": f"{ratio:g}"}))
    return problems


def against_communes(plan: Plan, now: Figures, locate: Locate) -> list[Problem]:
    """The communes whose rate of a target lies far from the other communes' rates."""
    limit = plan.quality.robust_z
    if limit is None:
        return []
    beyond = Fraction(str(limit))
    problems = []
    for target in plan.targets:
        if target.measure is not Measure.RATIO or target.denominator is None:
            continue
        num, den = target.numerator, target.denominator
        rates = {unit: Fraction(f[num], f[den]) for unit, f in now.items()
                 if num in f and den in f and f[den] > 0}
        if len(rates) < MIN_UNITS:
            continue
        middle = _median(list(rates.values()))
        apart = {unit: abs(rate - middle) for unit, rate in rates.items()}
        spread = _median(list(apart.values()))
        if spread == 0:
            continue
        # |z| = Z_FACTOR x apart / spread > beyond, said once a target: apart > farthest
        farthest = beyond * spread / Z_FACTOR
        for unit, rate in rates.items():
            if apart[unit] <= farthest:
                continue
            z = Z_FACTOR * (rate - middle) / spread
            place = locate(unit, num)
            figures = now[unit]
            problems.append(Problem(
                "rate-unlike-communes", code=num,
                file=place.file if place else None, sheet=place.sheet if place else None,
                cell=place.cell if place else None,
                params={"unit": unit, "target": target.id,
                        "name": Words(target.name.vi, target.name.en),
                        "num": figures[num], "den": figures[den],
                        "value": _shown(rate * target.factor),
                        "median": _shown(middle * target.factor), "unit_sign": target.unit,
                        "z": _shown(abs(z)), "limit": f"{limit:g}",
                        "count": len(rates)}))
    return problems


def _median(values: list[Fraction]) -> Fraction:
    """The exact median of ``values``, ordered by their floats and, where two floats are
    equal, by the Fractions themselves: Fractions compare by multiplying out, and sorting a
    country's communes by them alone took seconds a target."""
    ordered = sorted(values, key=lambda value: (float(value), value))
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def _shown(value: Fraction) -> Words:
    """A rate as the officer reads it (a decimal comma in Vietnamese), to two decimals."""
    return Words(number(value, 2, "vi"), number(value, 2, "en"))

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

from collections.abc import Mapping
from fractions import Fraction
from typing import TypedDict

from kh_treem.formatting import decimals_for, number
from kh_treem.layouts import Observation
from kh_treem.plan import Measure, Plan, Text
from kh_treem.problems import Problem, Words
from kh_treem.validation import Assembled

# The types of problem these checks give (the summary's sheet "Cần kiểm tra lại" lists them).
UNUSUAL = frozenset({"figure-unlike-last-year", "figure-not-given-again", "rate-unlike-communes"})
MIN_UNITS = 5  # communes a rate needs before one of them can be unlike the others
Z_FACTOR = Fraction("0.6745")  # makes the MAD comparable to a standard deviation

Figures = Mapping[str, Mapping[str, int]]


def against_last_year(
    plan: Plan, now: Assembled, last: Figures, year: int, last_year: int
) -> list[Problem]:
    """The counts of ``now`` unlike the same commune's in ``last``, and those not given again
    (a figure given but left out, by a conflict or a broken rule, has its error already)."""
    ratio = plan.quality.year_ratio
    if ratio is None:
        return []
    times = Fraction(str(ratio))
    least = plan.quality.min_count
    counts = [e for e in plan.elements if e.kind == "count"]
    problems = []
    for unit, before in last.items():
        figures = now.figures.get(unit)
        if not figures:  # nothing sent this year: unit-not-reported says so
            continue
        left_out = now.left_out.get(unit, set())
        form = now.locate(unit, next(iter(figures)))  # the sheet the commune's figures are on
        for element in counts:
            code = element.code
            if code not in before or code in left_out:
                continue
            previous = before[code]
            params = {"unit": unit, "label": _words(element.label), "year": year,
                      "last_year": last_year, "last": _whole(previous), "then": previous,
                      "measure": _words(element.measure_unit)}
            if code not in figures:
                problems.append(Problem("figure-not-given-again", code=code,
                                        **_place(form, cell=False), params=params))
                continue
            value = figures[code]
            if max(value, previous) < least:
                continue
            if value > times * previous or previous > times * value:
                place = now.locate(unit, code)
                problems.append(Problem(
                    "figure-unlike-last-year", code=code, **_place(place),
                    params={**params, "value": _whole(value), "now": value,
                            "change": _change(value, previous, times)}))
    return problems


def against_communes(plan: Plan, now: Assembled) -> list[Problem]:
    """The communes whose rate of a target lies far from the other communes' rates. A rate
    over fewer than ``quality.min_count`` (children, births) is left out of the comparison:
    over 4 births, one death is 250 per thousand, and says nothing unusual."""
    limit = plan.quality.robust_z
    if limit is None:
        return []
    beyond = Fraction(str(limit))
    least = max(plan.quality.min_count, 1)
    problems = []
    for target in plan.targets:
        if target.measure is not Measure.RATIO or target.denominator is None:
            continue
        num, den = target.numerator, target.denominator
        rates = {unit: Fraction(f[num], f[den]) for unit, f in now.figures.items()
                 if num in f and den in f and f[den] >= least}
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
            place = now.locate(unit, num)
            beside = now.locate(unit, den)
            figures = now.figures[unit]
            shown, median = rate * target.factor, middle * target.factor
            problems.append(Problem(
                "rate-unlike-communes", code=num, **_place(place),
                params={"unit": unit, "target": target.id, "name": _words(target.name),
                        "num": _whole(figures[num]), "den": _whole(figures[den]),
                        "den_cell": beside.cell if beside else "?",
                        "value": _decimal(shown), "median": _decimal(median),
                        "now": shown, "then": median,
                        "unit_sign": target.unit, "measure": Words(target.unit, target.unit),
                        "z": _decimal(abs(z), 1), "limit": _threshold(limit),
                        "count": len(rates)}))
    return problems


def _median(values: list[Fraction]) -> Fraction:
    """The exact median of ``values``, ordered by their floats and, where two floats are
    equal, by the Fractions themselves: Fractions compare by multiplying out, and sorting a
    country's communes by them alone took seconds a target."""
    ordered = sorted(values, key=lambda value: (float(value), value))
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


class _Where(TypedDict):
    file: str | None
    sheet: str | None
    cell: str | None


def _place(found: Observation | None, cell: bool = True) -> _Where:
    """The file, sheet and (``cell``) cell of a problem about the figure ``found``."""
    if found is None:
        return {"file": None, "sheet": None, "cell": None}
    return {"file": found.file, "sheet": found.sheet, "cell": found.cell if cell else None}


def _change(value: int, previous: int, times: Fraction) -> Words:
    """How a count moved from last year, in words that never divide by 0."""
    ratio = _threshold(times)
    if value > previous:
        if previous == 0:
            return Words("tăng từ 0", "up from 0")
        return Words(f"tăng hơn {ratio.vi} lần", f"more than {ratio.en} times as many")
    if value == 0:
        return Words("giảm về 0", "down to 0")
    return Words(f"giảm còn chưa đến 1/{ratio.vi}", f"less than 1/{ratio.en} of it")


def _words(text: Text | None) -> Words:
    return Words(text.vi, text.en) if text else Words("", "")


def _whole(value: int) -> Words:
    """A count as the officer reads it: 18.500, 18,500."""
    return Words(number(value, 0, "vi"), number(value, 0, "en"))


def _decimal(value: Fraction, decimals: int = 2) -> Words:
    """A rate as the officer reads it (a decimal comma in Vietnamese)."""
    return Words(number(value, decimals, "vi"), number(value, decimals, "en"))


def _threshold(value: float | Fraction) -> Words:
    """A threshold of the plan as it was written: 3, 2,5."""
    exact = Fraction(str(value)) if isinstance(value, float) else value
    return _decimal(exact, decimals_for(exact))

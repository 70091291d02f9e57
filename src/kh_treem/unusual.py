"""Figures worth a second look: unusual against last year, or against the other communes.

The most common error in a form is not a broken rule but a plausible-looking wrong number
(18500 typed for 1850, last year's figure left in a cell). Two checks, after the outlier
analysis of DHIS2, flag such figures with a warning that never changes a result:

- Against last year: a count more than ``year_ratio`` times the same commune's figure last
  year (the old communes' added up, for a commune merged this year), or less than its
  ``1/year_ratio``, when either is at least ``min_count`` (small counts move a lot: 1 death,
  then 3, is not unusual). A count reported last year and left blank now is a notice.
- Against the other communes: a commune's rate (a target's numerator over its denominator)
  whose robust z-score, its distance to the median rate over the usual spread (see
  ``_usual_spread``), lies beyond ``robust_z``, when at least MIN_UNITS communes reported it,
  and its count lies at least ``min_count`` from the count the median rate would give it.

The thresholds are the plan's (``quality``); the arithmetic is on Fractions, so a figure at
a threshold is never flagged by a rounding.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from fractions import Fraction
from typing import TypedDict

from kh_treem.formatting import MAX_DECIMALS, decimals_for, in_words, rounded
from kh_treem.layouts import Observation
from kh_treem.plan import Measure, Plan, Text, decimal_text
from kh_treem.problems import Problem, Words
from kh_treem.validation import Assembled, merged_figures

# The types of problem these checks give (the summary's sheet "Cần kiểm tra lại" lists them).
UNUSUAL = frozenset({"figure-unlike-last-year", "figure-not-given-again", "rate-unlike-communes"})
MIN_UNITS = 5  # communes a rate needs before one of them can be unlike the others
Z_FACTOR = Fraction("0.6745")  # makes the MAD comparable to a standard deviation
MEAN_FACTOR = Fraction("1.253314")  # ... and the mean absolute deviation, where the MAD is 0

Figures = Mapping[str, Mapping[str, int]]
Ratio = tuple[int, int]  # a fraction as a numerator and a denominator above 0, not reduced


def against_last_year(
    plan: Plan, now: Assembled, last: Figures, year: int, last_year: int
) -> list[Problem]:
    """The counts of ``now`` unlike the same commune's in ``last``, and those not given again
    (a figure given but left out, refused as read, in conflict or breaking a rule, has its
    error already)."""
    ratio = plan.quality.year_ratio
    if ratio is None:
        return []
    times = Fraction(str(ratio))
    least = plan.quality.min_count
    counts = [e for e in plan.elements if e.kind == "count"]
    problems = []
    for unit, before in _as_merged(plan, last).items():
        figures = now.figures.get(unit)
        if not figures:  # nothing sent this year: unit-not-reported says so
            continue
        for element in counts:
            code = element.code
            if code not in before or now.left_out(unit, code):
                continue
            previous = before[code]
            params = {"unit": unit, "label": _words(element.label), "year": year,
                      "last_year": last_year, "last": in_words(previous), "then": previous,
                      "measure": _words(element.measure_unit)}
            if code not in figures:
                file, sheet, cell = now.blank(unit, code)
                problems.append(Problem("figure-not-given-again", code=code, file=file,
                                        sheet=sheet, cell=cell, params=params))
                continue
            value = figures[code]
            if max(value, previous) < least:
                continue
            if value > times * previous or previous > times * value:
                place = now.locate(unit, code)
                problems.append(Problem(
                    "figure-unlike-last-year", code=code, **_place(place),
                    params={**params, "value": in_words(value), "now": value,
                            "change": _change(value, previous, times)}))
    return problems


def against_communes(plan: Plan, now: Assembled) -> list[Problem]:
    """The communes whose rate of a target lies far from the other communes' rates.

    Small counts say nothing unusual, as against last year: a commune is flagged only when
    its count is at least ``min_count`` away from the count the median rate would give it
    (1 death where the median gives 3 is chance, and so is 1,999 children registered of
    2,000 where the others register all, however far that lies in robust z-scores)."""
    limit = plan.quality.robust_z
    if limit is None:
        return []
    beyond = Fraction(str(limit))
    least = plan.quality.min_count
    problems = []
    for target in plan.targets:
        if target.measure is not Measure.RATIO or target.denominator is None:
            continue
        num, den = target.numerator, target.denominator
        given = [(unit, f[num], f[den]) for unit, f in now.figures.items()
                 if num in f and den in f and f[den] > 0]
        if len(given) < MIN_UNITS:
            continue
        middle = _median([(n, d) for _, n, d in given])
        p, q = middle.numerator, middle.denominator
        apart = [(abs(n * q - p * d), d * q) for _, n, d in given]  # |n/d - p/q|
        scale = _usual_spread(apart)
        if scale == 0:  # every rate the same
            continue
        farthest = beyond * scale  # |z| = apart / scale > beyond, said once a target
        for (unit, n, d), (gap, over) in zip(given, apart, strict=True):
            if gap * farthest.denominator <= farthest.numerator * over:  # gap/over <= farthest
                continue
            if abs(n - middle * d) < least:
                continue
            z = Fraction(gap, over) / scale
            beside = now.locate(unit, den)
            shown, median = Fraction(n, d) * target.factor, middle * target.factor
            places = _telling_apart(shown, median)
            problems.append(Problem(
                "rate-unlike-communes", code=num, **_place(now.locate(unit, num)),
                params={"unit": unit, "target": target.id, "name": _words(target.name),
                        "num": in_words(n), "den": in_words(d),
                        "den_cell": beside.cell if beside else "?",
                        "value": in_words(shown, places),
                        "median": in_words(median, places),
                        "now": shown, "then": median, "unit_sign": _sign(target.unit),
                        "measure": _sign(target.unit),
                        "z": in_words(z, decimals_for(z, beyond)), "limit": _threshold(limit),
                        "count": len(given)}))
    return problems


def _usual_spread(apart: list[Ratio]) -> Fraction:
    """How far from the median a rate usually lies, as a standard deviation would say it:
    the median of the distances over 0.6745 (the modified z-score of Iglewicz and Hoaglin);
    where half the rates or more equal the median, that median is 0, and the mean distance
    times 1.253314 stands in for it (as IBM SPSS does), so that one commune at 10 % among
    communes at 100 % is still seen."""
    middle = _median(apart)
    if middle:
        return middle / Z_FACTOR
    return MEAN_FACTOR * sum((Fraction(a, b) for a, b in apart if a), Fraction(0)) / len(apart)


def _as_merged(plan: Plan, last: Figures) -> Figures:
    """``last`` with the units merged this year added up as the new unit, to compare it."""
    flags = {e.code for e in plan.elements if e.kind == "flag"}
    merged = {new: merged_figures(last, old, flags) for new, old in plan.merged.items()
              if new not in last and all(unit in last for unit in old)}
    return {**last, **merged} if merged else last


def _median(values: list[Ratio]) -> Fraction:
    """The exact median of ``values``.

    Python divides two integers with correct rounding, and rounding never puts two values
    in the wrong order (it may make them equal): the floats, sorted, say where each middle
    value lies, and only the values whose float is that of a middle one are compared as
    Fractions, which compare by multiplying out, a Python call each."""
    floats = sorted(n / d for n, d in values)
    half = len(floats) // 2
    middle = [_exact_at(values, floats, at) for at in ([half] if len(floats) % 2
                                                        else [half - 1, half])]
    return sum(middle, Fraction(0)) / len(middle)


def _exact_at(values: list[Ratio], floats: list[float], at: int) -> Fraction:
    """The value at ``at`` in ``values`` put in exact order, ``floats`` being theirs sorted."""
    near = floats[at]
    tied = [(n, d) for n, d in values if n / d == near]
    first_n, first_d = tied[0]
    if all(n * first_d == first_n * d for n, d in tied):  # one value: many communes at 0 %
        return Fraction(first_n, first_d)
    ordered = sorted(Fraction(n, d) for n, d in tied)
    return ordered[at - bisect_left(floats, near)]


class _Where(TypedDict):
    file: str | None
    sheet: str | None
    cell: str | None


def _place(found: Observation | None) -> _Where:
    """The file, sheet and cell of a problem about the figure ``found``."""
    if found is None:
        return {"file": None, "sheet": None, "cell": None}
    return {"file": found.file, "sheet": found.sheet, "cell": found.cell}


def _change(value: int, previous: int, times: Fraction) -> Words:
    """How a count moved from last year, in words that never divide by 0, with the slip
    that would explain it where there is one."""
    ratio = _threshold(times)
    if value > previous:
        if previous == 0:
            return Words("tăng từ 0", "up from 0")
        return Words(f"tăng hơn {ratio.vi} lần (gõ thừa chữ số?)",
                     f"more than {ratio.en} times as many (a digit too many?)")
    if value == 0:
        return Words("giảm về 0", "down to 0")
    return Words(f"giảm còn chưa đến 1/{ratio.vi} (thiếu chữ số?)",
                 f"less than 1/{ratio.en} of it (a digit too few?)")


def _words(text: Text | None) -> Words:
    return Words(text.vi, text.en) if text else Words("", "")


def _telling_apart(value: Fraction, median: Fraction) -> int:
    """The decimals that show ``value`` and ``median`` as they are: different."""
    places = max(decimals_for(value), decimals_for(median))
    while places < MAX_DECIMALS and rounded(value, places) == rounded(median, places):
        places += 1
    return places


def _sign(unit: str) -> Words:
    """A rate's unit as written beside it: "/100.000", "/100,000" in English."""
    return Words(unit, unit.replace(".", ","))


def _threshold(value: float | Fraction) -> Words:
    """A threshold of the plan as it was written: 3, 2,5, 2,25."""
    exact = Fraction(str(value)) if isinstance(value, float) else value
    return Words(decimal_text(exact, "vi"), decimal_text(exact, "en"))

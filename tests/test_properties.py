"""Properties of scoring, checked with Hypothesis.

(a) the district result does not depend on the order of files or submissions;
(b) scoring the units equals scoring one pseudo-unit holding their sums;
(c) a ratio target's status is the exact comparison of n/d x factor with the target,
    on the threshold as well as around it.
"""

from __future__ import annotations

import json
import operator
import tempfile
from collections.abc import Callable, Mapping
from fractions import Fraction
from graphlib import TopologicalSorter
from itertools import pairwise
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kh_treem.intake import Submission
from kh_treem.pipeline import ScoreResult, score
from kh_treem.plan import Measure, Target
from kh_treem.problems import Problem
from kh_treem.scoring import Outcome, score_plan, score_target, summed_counts
from kh_treem.validation import assemble
from tests.forms import PLAN, value_cell, write_form

UNITS = ("Ia Đal", "Ia Dom", "Ia Tơi")
CODES = [e.code for e in PLAN.elements]
FLAGS = {e.code for e in PLAN.elements if e.kind == "flag"}
TARGETS = {t.id: t for t in PLAN.targets}
RATIO_TARGETS = [t for t in PLAN.targets if t.measure is Measure.RATIO]

# The spec's thresholds and directions, written out (not read back from the plan).
THRESHOLDS: dict[str, tuple[str, Fraction]] = {
    "2": ("at_least", Fraction(87)), "3a": ("below", Fraction("9.8")),
    "3b": ("at_most", Fraction("32.2")), "3c": ("below", Fraction(50)),
    "4a": ("below", Fraction(18)), "4b": ("at_most", Fraction("32.5")),
    "5a": ("at_least", Fraction(97)), "5b": ("at_least", Fraction(98)),
    "6": ("at_most", Fraction(1)), "7": ("at_least", Fraction(100)),
    "8a": ("below", Fraction(3)), "8b": ("at_least", Fraction(90)),
    "9": ("below", Fraction("0.04")), "11a": ("at_most", Fraction(513)),
    "11b": ("at_most", Fraction(16)), "12": ("at_least", Fraction(100)),
    "14": ("at_least", Fraction("98.5")), "15": ("at_least", Fraction(99)),
    "16": ("at_least", Fraction(100)), "17a": ("at_least", Fraction(100)),
    "17b": ("at_most", Fraction(0)), "18a": ("at_least", Fraction(88)),
    "18b": ("below", Fraction("0.5")), "19": ("at_least", Fraction(95)),
    "20a": ("at_least", Fraction(55)), "20b": ("at_least", Fraction(80)),
    "22": ("at_least", Fraction(30)), "23": ("at_least", Fraction(85)),
    "24": ("at_least", Fraction("66.7")),
}
FACTORS = {"%": 100, "‰": 1000, "/100.000": 100_000}
COMPARE: dict[str, Callable[[Fraction, Fraction], bool]] = {
    "at_least": operator.ge, "at_most": operator.le, "below": operator.lt,
}

# Each element's ceilings under the plan's rules (a <= b for neighbours in a chain),
# and an order that draws every ceiling before the elements under it.
CEILINGS: dict[str, set[str]] = {code: set() for code in CODES}
for _chain in PLAN.rules:
    for _low, _high in pairwise(_chain):
        CEILINGS[_low].add(_high)
DRAW_ORDER = list(TopologicalSorter(CEILINGS).static_order())

# Elements mixed in submissions for the order property: rule chains, flags, 10 and 13.
MIXED_CODES = [
    "live_births", "neonatal_deaths", "infant_deaths", "under5_deaths",
    "children_total", "special_children", "special_children_supported", "children_aware",
    "child_friendly_commune", "play_venue_commune", "child_labourers",
    "child_marriages", "child_marriages_prev",
]


@st.composite
def valid_unit(draw: st.DrawFn, blanks: bool = False, top: int = 3000) -> dict[str, int]:
    """One unit's figures satisfying every rule of the plan; some left blank if ``blanks``."""
    values: dict[str, int] = {}
    for code in DRAW_ORDER:
        if code in FLAGS:
            values[code] = draw(st.integers(0, 1))
            continue
        cap = min((values[c] for c in CEILINGS[code]), default=top)
        values[code] = draw(st.integers(0, cap))
    if blanks:
        dropped = draw(st.sets(st.sampled_from(CODES), max_size=20))
        values = {c: v for c, v in values.items() if c not in dropped}
    return values


def submission(unit: str, values: Mapping[str, int], file: str, year: int | None) -> Submission:
    return Submission(file, "Sheet1", unit, year, "E2" if year else None,
                      tuple(values), tuple(values.values()), tuple(map(value_cell, values)))


def figure(code: str) -> st.SearchStrategy[int]:
    return st.integers(0, 1) if code in FLAGS else st.integers(0, 12)


@st.composite
def unit_submissions(draw: st.DrawFn) -> list[Submission]:
    """0-2 submissions per unit, overlapping (repeats, conflicts), with various years."""
    subs = []
    for unit in UNITS:
        for i in range(draw(st.integers(0, 2))):
            codes = draw(st.lists(st.sampled_from(MIXED_CODES), unique=True, max_size=8))
            values = {c: draw(figure(c)) for c in codes}
            year = draw(st.sampled_from([2022, 2022, None, 2021]))
            subs.append(submission(unit, values, f"{unit}-{i}.xlsx", year))
    return subs


def summary(outcomes: list[Outcome]) -> list[tuple[Any, ...]]:
    return [(o.target.id, o.numerator, o.denominator, o.value, o.status,
             o.units_reporting, o.units_missing) for o in outcomes]


def problem_set(problems: list[Problem]) -> list[str]:
    return sorted(json.dumps(p.to_dict("en"), sort_keys=True, ensure_ascii=False)
                  for p in problems)


def result_view(result: ScoreResult) -> tuple[Any, ...]:
    by_unit = {u: summary(outcomes) for u, outcomes in result.by_unit.items()}
    return (summary(result.indicators), by_unit, result.counts, result.units_reporting,
            problem_set(result.problems))


# --- (a) order does not matter ----------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(subs=unit_submissions(), data=st.data())
def test_assemble_and_score_ignore_submission_order(subs: list[Submission], data: Any) -> None:
    """Shuffling the submissions changes neither the figures, the scores nor the problems."""
    shuffled = data.draw(st.permutations(subs))
    first, second = assemble(subs, PLAN), assemble(shuffled, PLAN)
    assert first.figures == second.figures
    assert list(first.figures) == list(second.figures)
    assert problem_set(first.problems) == problem_set(second.problems)
    assert summary(score_plan(PLAN, first.figures)) == summary(score_plan(PLAN, second.figures))


@st.composite
def workbooks(draw: st.DrawFn) -> list[tuple[str, dict[str, int]]]:
    """1-3 small forms: a unit (possibly twice) and a few figures."""
    forms = []
    for _ in range(draw(st.integers(1, 3))):
        unit = draw(st.sampled_from(UNITS))
        codes = draw(st.lists(st.sampled_from(MIXED_CODES), unique=True, max_size=6))
        forms.append((unit, {c: draw(figure(c)) for c in codes}))
    return forms


@settings(max_examples=50, deadline=None)
@given(forms=workbooks(), data=st.data())
def test_pipeline_ignores_file_order(forms: list[tuple[str, dict[str, int]]], data: Any) -> None:
    """score() over the same workbooks in another order gives the same district result."""
    with tempfile.TemporaryDirectory() as folder:
        paths = [write_form(Path(folder) / f"form{i}.xlsx", unit, values)
                 for i, (unit, values) in enumerate(forms)]
        shuffled = data.draw(st.permutations(paths))
        first, second = score(paths, PLAN), score(shuffled, PLAN)
    assert result_view(first) == result_view(second)
    assert first.to_dict()["indicators"] == second.to_dict()["indicators"]


# --- (b) the units' result is the result of their sums ----------------------------------------


def pseudo_unit(target: Target, counts: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """The sums of the target's figures over the units that reported all of them."""
    reporting = [u for u in UNITS if all(c in counts[u] for c in target.elements)]
    if not reporting:
        return {}
    return {c: sum(counts[u][c] for u in reporting) for c in target.elements}


@settings(max_examples=100, deadline=None)
@given(per_unit=st.tuples(valid_unit(), valid_unit(), valid_unit()))
def test_valid_figures_pass_assemble_untouched(per_unit: tuple[dict[str, int], ...]) -> None:
    """Figures that keep every rule come out of assemble() as they went in, with no problem."""
    subs = [submission(u, v, f"{u}.xlsx", 2022) for u, v in zip(UNITS, per_unit, strict=True)]
    assembled = assemble(subs, PLAN)
    assert assembled.problems == []
    got = assembled.figures
    assert got == dict(zip(UNITS, per_unit, strict=True))


@settings(max_examples=100, deadline=None)
@given(per_unit=st.tuples(valid_unit(), valid_unit(), valid_unit()))
def test_score_equals_score_of_sums(per_unit: tuple[dict[str, int], ...]) -> None:
    """Scoring three valid units equals scoring one pseudo-unit holding their sums."""
    counts = dict(zip(UNITS, per_unit, strict=True))
    for out in score_plan(PLAN, counts):
        sums = {c: sum(counts[u][c] for u in UNITS) for c in out.target.elements}
        single = score_target(out.target, {"district": sums}, ["district"], len(UNITS))
        assert (out.status, out.numerator, out.denominator, out.value) == (
            single.status, single.numerator, single.denominator, single.value), out.target.id
        assert out.units_reporting == UNITS


@settings(max_examples=100, deadline=None)
@given(per_unit=st.tuples(*(valid_unit(blanks=True, top=60) for _ in UNITS)))
def test_score_equals_score_of_sums_with_blanks(per_unit: tuple[dict[str, int], ...]) -> None:
    """With blanks, each target equals a pseudo-unit summing only the units reporting it."""
    counts = dict(zip(UNITS, per_unit, strict=True))
    for out in score_plan(PLAN, counts):
        sums = pseudo_unit(out.target, counts)
        single = score_target(out.target, {"district": sums}, ["district"], len(UNITS))
        assert (out.status, out.numerator, out.denominator, out.value) == (
            single.status, single.numerator, single.denominator, single.value), out.target.id
        assert set(out.units_reporting) | set(out.units_missing) == set(UNITS)


@settings(max_examples=100, deadline=None)
@given(per_unit=st.tuples(*(valid_unit(blanks=True, top=60) for _ in UNITS)),
       silent=st.sets(st.sampled_from(UNITS)))
def test_plan_scored_unit_by_unit_equals_target_by_target(
    per_unit: tuple[dict[str, int], ...], silent: set[str],
) -> None:
    """score_plan and summed_counts, which walk the units once, take for each target exactly the
    units that reported both its figures, and sum each element over the units that reported it
    (units that sent nothing included)."""
    counts = {u: v for u, v in zip(UNITS, per_unit, strict=True) if u not in silent}
    for out in score_plan(PLAN, counts):
        needed = out.target.elements
        reporting = tuple(u for u in UNITS if all(c in counts.get(u, {}) for c in needed))
        assert out.units_reporting == reporting, out.target.id
        assert out.units_missing == tuple(u for u in UNITS if u not in reporting), out.target.id
        if reporting:
            assert out.numerator == sum(counts[u][out.target.numerator] for u in reporting)
        else:
            assert (out.numerator, out.status) == (None, "no_data"), out.target.id
    for element in PLAN.elements:
        values = [counts[u][element.code] for u in UNITS if element.code in counts.get(u, {})]
        assert summed_counts(PLAN, counts)[element.code] == (
            sum(values) if values else None, len(values))


# --- (c) exact thresholds ---------------------------------------------------------------------


def split(total: int, cuts: list[int]) -> tuple[int, int, int]:
    """``total`` as three parts, at two cut points taken modulo total + 1."""
    a, b = sorted(c % (total + 1) for c in cuts)
    return a, b - a, total - b


def split_counts(target: Target, n: int, d: int, cuts: list[int]) -> dict[str, dict[str, int]]:
    assert target.denominator is not None
    nums, dens = split(n, cuts[:2]), split(d, cuts[2:])
    return {u: {target.numerator: nums[i], target.denominator: dens[i]}
            for i, u in enumerate(UNITS)}


CUTS = st.lists(st.integers(0, 10**7), min_size=4, max_size=4)


def test_threshold_table_matches_the_ratio_targets() -> None:
    """The spec thresholds used below cover exactly the plan's ratio targets."""
    assert set(THRESHOLDS) == {t.id for t in RATIO_TARGETS}


@settings(max_examples=100, deadline=None)
@given(target=st.sampled_from(RATIO_TARGETS), n=st.integers(0, 10**6),
       d=st.integers(1, 10**6), cuts=CUTS)
def test_ratio_status_is_exact_comparison(target: Target, n: int, d: int, cuts: list[int]) -> None:
    """For any n and d > 0 split over the units, status is n/d x factor compared exactly."""
    direction, threshold = THRESHOLDS[target.id]
    value = Fraction(n, d) * FACTORS[target.unit]
    out = score_target(target, split_counts(target, n, d, cuts), UNITS, 3)
    assert (out.numerator, out.denominator, out.value) == (n, d, value)
    assert out.status == ("met" if COMPARE[direction](value, threshold) else "not_met")


# Status one count under, on, and one count over the threshold, for each direction.
AROUND = {
    "at_least": {-1: "not_met", 0: "met", 1: "met"},
    "at_most": {-1: "met", 0: "met", 1: "not_met"},
    "below": {-1: "met", 0: "not_met", 1: "not_met"},
}


@settings(max_examples=100, deadline=None)
@given(target=st.sampled_from(RATIO_TARGETS), k=st.integers(1, 40),
       delta=st.sampled_from([-1, 0, 1]), cuts=CUTS)
def test_ratio_on_and_around_threshold(
    target: Target, k: int, delta: int, cuts: list[int]
) -> None:
    """Counts that hit the threshold exactly are judged by the direction's equality rule."""
    direction, threshold = THRESHOLDS[target.id]
    factor = FACTORS[target.unit]
    d = k * threshold.denominator * factor  # so that n/d x factor == threshold exactly
    n = k * threshold.numerator + delta
    if n < 0:  # below a threshold of 0 there is no count: use the one on it
        n, delta = 0, 0
    out = score_target(target, split_counts(target, n, d, cuts), UNITS, 3)
    assert out.value == threshold + Fraction(delta * factor, d)
    assert out.status == AROUND[direction][delta]


@settings(max_examples=100, deadline=None)
@given(prev=st.integers(1, 10**5), current=st.integers(0, 2 * 10**5), cuts=CUTS)
def test_reduction_status_is_exact(prev: int, current: int, cuts: list[int]) -> None:
    """13 is met exactly when (prev - current) x 100 >= 2 x prev, in integers."""
    out = score_target(TARGETS["13"], split_counts(TARGETS["13"], current, prev, cuts), UNITS, 3)
    assert out.value == Fraction((prev - current) * 100, prev)
    assert out.status == ("met" if (prev - current) * 100 >= 2 * prev else "not_met")


@settings(max_examples=50, deadline=None)
@given(k=st.integers(1, 2000), delta=st.sampled_from([-1, 0, 1]), cuts=CUTS)
def test_reduction_on_and_around_two_percent(k: int, delta: int, cuts: list[int]) -> None:
    """A drop of exactly 2 % (49k after 50k) meets 13; one marriage more does not."""
    prev, current = 50 * k, 49 * k + delta
    out = score_target(TARGETS["13"], split_counts(TARGETS["13"], current, prev, cuts), UNITS, 3)
    assert out.value == Fraction(2) - Fraction(delta * 100, prev)
    assert out.status == {-1: "met", 0: "met", 1: "not_met"}[delta]


def _scored_one_by_one(counts: Mapping[str, Mapping[str, int]]) -> list[tuple[Any, ...]]:
    """Each target of the plan scored the plain way: unit by unit, target by target."""
    rows = []
    for target in PLAN.targets:
        reporting = [u for u in UNITS if target.numerator in counts.get(u, {})
                     and (target.denominator is None or target.denominator in counts[u])]
        num = sum(counts[u][target.numerator] for u in reporting)
        den = (None if target.denominator is None
               else sum(counts[u][target.denominator] for u in reporting))
        rows.append((target.id, num if reporting else None, tuple(reporting),
                     tuple(u for u in UNITS if u not in reporting), den))
    return rows


@settings(max_examples=150, deadline=None)
@given(drawn=st.tuples(*(st.one_of(st.just({}), valid_unit(blanks=True, top=60))
                         for _ in UNITS)),
       shared_blanks=st.sets(st.sampled_from(CODES), max_size=40))
def test_grouped_sums_equal_sums_unit_by_unit(
    drawn: tuple[dict[str, int], ...], shared_blanks: set[str]
) -> None:
    """Scoring units grouped by the codes they report gives each target the numerator,
    denominator and reporting units (in the plan's order) that summing unit by unit gives,
    and the summed counts are each code's sum over the units that gave it; with blanks of
    their own and blanks every unit shares (targets no unit reports among the rest)."""
    per_unit = tuple({c: v for c, v in values.items() if c not in shared_blanks}
                     for values in drawn)
    counts = dict(zip(UNITS, per_unit, strict=True))
    outcomes = score_plan(PLAN, counts)
    expected = _scored_one_by_one(counts)
    for outcome, (tid, num, reporting, missing, den) in zip(outcomes, expected, strict=True):
        assert (outcome.target.id, outcome.numerator, outcome.units_reporting,
                outcome.units_missing) == (tid, num, reporting, missing)
        if outcome.target.measure in (Measure.RATIO, Measure.REDUCTION) and reporting:
            assert outcome.denominator == den
    assert summed_counts(PLAN, counts) == {
        code: (sum(v[code] for v in per_unit if code in v) if any(code in v for v in per_unit)
               else None, sum(code in v for v in per_unit)) for code in CODES}

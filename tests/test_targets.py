"""Each of the plan's 33 targets scored by hand at the scoring level.

Every case gives figures for the three communes ("Ia Đal", "Ia Dom", "Ia Tơi"),
sums them by hand and states the exact value (a Fraction) and the status the
spec (PLAN_2022.md) asks for: clearly met, clearly not met, exactly on the
threshold, and one count past it.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction as F

import pytest

from kh_treem.plan import Direction, Measure, Target
from kh_treem.scoring import score_target
from tests.forms import PLAN

UNITS = ("Ia Đal", "Ia Dom", "Ia Tơi")
TARGETS: dict[str, Target] = {t.id: t for t in PLAN.targets}

# The spec's table of the 33 targets: id -> (numerator, denominator, unit, direction, target).
SPEC: dict[str, tuple[str, str | None, str, str, F]] = {
    "1": ("child_friendly_commune", None, "communes", "at_least", F(2)),
    "2": ("children_0_8_served", "children_0_8", "%", "at_least", F(87)),
    "3a": ("neonatal_deaths", "live_births", "‰", "below", F(49, 5)),
    "3b": ("infant_deaths", "live_births", "‰", "at_most", F(161, 5)),
    "3c": ("under5_deaths", "live_births", "‰", "below", F(50)),
    "4a": ("u5_underweight", "u5_weighed", "%", "below", F(18)),
    "4b": ("u5_stunted", "u5_weighed", "%", "at_most", F(65, 2)),
    "5a": ("u1_fully_immunized", "children_u1", "%", "at_least", F(97)),
    "5b": ("u5_fully_vaccinated", "children_u5", "%", "at_least", F(98)),
    "6": ("hiv_infected_infants", "hiv_exposed_infants", "%", "at_most", F(1)),
    "7": ("schools_sanitation_ok", "schools", "%", "at_least", F(100)),
    "8a": ("special_children", "children_total", "%", "below", F(3)),
    "8b": ("special_children_supported", "special_children", "%", "at_least", F(90)),
    "9": ("abused_children", "children_total", "%", "below", F(1, 25)),
    "10": ("child_labourers", None, "persons", "at_most", F(0)),
    "11a": ("injured_children", "children_total", "/100.000", "at_most", F(513)),
    "11b": ("injury_deaths", "children_total", "/100.000", "at_most", F(16)),
    "12": ("disaster_children_assisted", "disaster_children", "%", "at_least", F(100)),
    "13": ("child_marriages", "child_marriages_prev", "%", "at_least", F(2)),
    "14": ("u5_birth_registered", "children_u5", "%", "at_least", F(197, 2)),
    "15": ("u5_on_track", "children_u5", "%", "at_least", F(99)),
    "16": ("age5_in_preschool", "children_age5", "%", "at_least", F(100)),
    "17a": ("grade5_completed", "grade5_pupils", "%", "at_least", F(100)),
    "17b": ("primary_dropouts", "primary_pupils", "%", "at_most", F(0)),
    "18a": ("grade9_completed", "grade9_pupils", "%", "at_least", F(88)),
    "18b": ("lowersec_dropouts", "lowersec_pupils", "%", "below", F(1, 2)),
    "19": ("schools_counselling", "schools", "%", "at_least", F(95)),
    "20a": ("schools_disability_ready", "schools", "%", "at_least", F(55)),
    "20b": ("disabled_children_included", "disabled_children_needing", "%", "at_least", F(80)),
    "21": ("play_venue_commune", None, "communes", "at_least", F(1)),
    "22": ("children_7plus_consulted", "children_7plus", "%", "at_least", F(30)),
    "23": ("children_aware", "children_total", "%", "at_least", F(85)),
    "24": ("children_11plus_participating", "children_11plus", "%", "at_least", F(667, 10)),
}
RATIO_IDS = [t.id for t in PLAN.targets if t.measure is Measure.RATIO]

Nums = tuple[int | None, int | None, int | None]


def ratio_counts(target: Target, nums: Sequence[int | None], dens: Sequence[int | None]) -> dict:
    """Counts for the three units; None leaves that element blank (not reported)."""
    assert target.denominator is not None
    counts: dict[str, dict[str, int]] = {}
    for unit, n, d in zip(UNITS, nums, dens, strict=True):
        figures = {}
        if n is not None:
            figures[target.numerator] = n
        if d is not None:
            figures[target.denominator] = d
        counts[unit] = figures
    return counts


def flag_counts(code: str, flags: Sequence[int | None]) -> dict:
    """One element per unit; None leaves it blank."""
    return {u: ({code: f} if f is not None else {}) for u, f in zip(UNITS, flags, strict=True)}


def case(tid: str, label: str, nums: Nums, dens: Nums, value: F, status: str) -> object:
    return pytest.param(tid, nums, dens, value, status, id=f"{tid}-{label}")


# (target, numerators per unit, denominators per unit, exact value, status), summed by hand.
RATIO_CASES = [
    # 2: at least 87 %
    case("2", "met", (45, 45, 90), (50, 50, 100), F(90), "met"),
    case("2", "not-met", (40, 40, 80), (50, 50, 100), F(80), "not_met"),
    case("2", "exact", (60, 60, 54), (70, 70, 60), F(87), "met"),  # 174/200
    case("2", "one-under", (60, 60, 53), (70, 70, 60), F(173, 2), "not_met"),
    # 3a: below 9.8 per 1,000 live births
    case("3a", "met", (2, 2, 1), (1000, 1000, 1000), F(5, 3), "met"),
    case("3a", "not-met", (10, 10, 10), (1000, 1000, 1000), F(10), "not_met"),
    case("3a", "exact", (20, 20, 9), (2000, 2000, 1000), F(49, 5), "not_met"),  # 49/5000
    case("3a", "one-under", (20, 20, 8), (2000, 2000, 1000), F(48, 5), "met"),
    # 3b: at most 32.2 per 1,000
    case("3b", "met", (10, 10, 10), (1000, 1000, 1000), F(10), "met"),
    case("3b", "not-met", (40, 40, 40), (1000, 1000, 1000), F(40), "not_met"),
    case("3b", "exact", (60, 60, 41), (2000, 2000, 1000), F(161, 5), "met"),  # 161/5000
    case("3b", "one-over", (60, 60, 42), (2000, 2000, 1000), F(162, 5), "not_met"),
    # 3c: below 50 per 1,000
    case("3c", "met", (5, 5, 5), (300, 300, 400), F(15), "met"),
    case("3c", "not-met", (30, 30, 30), (500, 300, 200), F(90), "not_met"),
    case("3c", "exact", (20, 20, 10), (300, 300, 400), F(50), "not_met"),  # 50/1000
    case("3c", "one-under", (16, 16, 17), (300, 300, 400), F(49), "met"),  # 49/1000
    # 4a: below 18 %
    case("4a", "met", (10, 10, 10), (100, 100, 100), F(10), "met"),
    case("4a", "not-met", (30, 30, 30), (100, 100, 100), F(30), "not_met"),
    case("4a", "exact", (12, 12, 12), (70, 70, 60), F(18), "not_met"),  # 36/200
    case("4a", "one-under", (12, 12, 11), (70, 70, 60), F(35, 2), "met"),
    # 4b: at most 32.5 %
    case("4b", "met", (20, 20, 20), (100, 100, 100), F(20), "met"),
    case("4b", "not-met", (40, 40, 40), (100, 100, 100), F(40), "not_met"),
    case("4b", "exact", (25, 25, 15), (70, 70, 60), F(65, 2), "met"),  # 65/200
    case("4b", "one-over", (25, 25, 16), (70, 70, 60), F(33), "not_met"),
    # 5a: at least 97 %
    case("5a", "met", (100, 100, 100), (100, 100, 100), F(100), "met"),
    case("5a", "not-met", (90, 90, 90), (100, 100, 100), F(90), "not_met"),
    case("5a", "exact", (70, 70, 54), (70, 70, 60), F(97), "met"),  # 194/200
    case("5a", "one-under", (70, 70, 53), (70, 70, 60), F(193, 2), "not_met"),
    # 5b: at least 98 %
    case("5b", "met", (99, 99, 99), (100, 100, 100), F(99), "met"),
    case("5b", "not-met", (80, 80, 80), (100, 100, 100), F(80), "not_met"),
    case("5b", "exact", (70, 70, 56), (70, 70, 60), F(98), "met"),  # 196/200
    case("5b", "one-under", (70, 70, 55), (70, 70, 60), F(195, 2), "not_met"),
    # 6: at most 1 %
    case("6", "met", (0, 0, 0), (10, 20, 30), F(0), "met"),
    case("6", "not-met", (1, 0, 0), (10, 20, 30), F(5, 3), "not_met"),
    case("6", "exact", (1, 1, 0), (70, 70, 60), F(1), "met"),  # 2/200
    case("6", "one-over", (1, 1, 1), (70, 70, 60), F(3, 2), "not_met"),
    # 7: at least 100 %
    case("7", "met", (5, 5, 5), (5, 5, 5), F(100), "met"),
    case("7", "not-met", (5, 5, 5), (10, 10, 10), F(50), "not_met"),
    case("7", "exact", (10, 12, 8), (10, 12, 8), F(100), "met"),
    case("7", "one-under", (10, 12, 7), (10, 12, 8), F(290, 3), "not_met"),
    # 8a: below 3 %
    case("8a", "met", (2, 2, 1), (100, 100, 100), F(5, 3), "met"),
    case("8a", "not-met", (5, 5, 5), (100, 100, 100), F(5), "not_met"),
    case("8a", "exact", (2, 2, 2), (70, 70, 60), F(3), "not_met"),  # 6/200
    case("8a", "one-under", (2, 2, 1), (70, 70, 60), F(5, 2), "met"),
    # 8b: at least 90 %
    case("8b", "met", (10, 10, 10), (10, 10, 10), F(100), "met"),
    case("8b", "not-met", (5, 5, 5), (10, 10, 10), F(50), "not_met"),
    case("8b", "exact", (6, 6, 6), (7, 7, 6), F(90), "met"),  # 18/20
    case("8b", "one-under", (6, 6, 5), (7, 7, 6), F(85), "not_met"),
    # 9: below 0.04 %
    case("9", "met", (0, 0, 0), (2000, 2000, 1000), F(0), "met"),
    case("9", "not-met", (5, 5, 5), (2000, 2000, 1000), F(3, 10), "not_met"),
    case("9", "exact", (1, 1, 0), (2000, 2000, 1000), F(1, 25), "not_met"),  # 2/5000
    case("9", "one-under", (0, 0, 1), (2000, 2000, 1000), F(1, 50), "met"),
    # 11a: at most 513 per 100,000 children
    case("11a", "met", (100, 100, 100), (40000, 30000, 30000), F(300), "met"),
    case("11a", "not-met", (300, 300, 300), (40000, 30000, 30000), F(900), "not_met"),
    case("11a", "exact", (200, 200, 113), (40000, 30000, 30000), F(513), "met"),
    case("11a", "one-over", (200, 200, 114), (40000, 30000, 30000), F(514), "not_met"),
    # 11b: at most 16 per 100,000 children
    case("11b", "met", (3, 3, 3), (40000, 30000, 30000), F(9), "met"),
    case("11b", "not-met", (10, 10, 10), (40000, 30000, 30000), F(30), "not_met"),
    case("11b", "exact", (6, 5, 5), (40000, 30000, 30000), F(16), "met"),
    case("11b", "one-over", (6, 6, 5), (40000, 30000, 30000), F(17), "not_met"),
    # 12: at least 100 %; a commune with no disaster still pools (0/0 adds nothing)
    case("12", "met", (3, 4, 3), (3, 4, 3), F(100), "met"),
    case("12", "not-met", (3, 4, 2), (3, 4, 3), F(90), "not_met"),
    case("12", "exact", (0, 4, 3), (0, 4, 3), F(100), "met"),
    case("12", "one-under", (99, 100, 100), (100, 100, 100), F(299, 3), "not_met"),
    # 14: at least 98.5 %
    case("14", "met", (100, 100, 100), (100, 100, 100), F(100), "met"),
    case("14", "not-met", (90, 90, 90), (100, 100, 100), F(90), "not_met"),
    case("14", "exact", (70, 70, 57), (70, 70, 60), F(197, 2), "met"),  # 197/200
    case("14", "one-under", (70, 70, 56), (70, 70, 60), F(98), "not_met"),
    # 15: at least 99 %
    case("15", "met", (100, 100, 100), (100, 100, 100), F(100), "met"),
    case("15", "not-met", (90, 90, 90), (100, 100, 100), F(90), "not_met"),
    case("15", "exact", (70, 70, 58), (70, 70, 60), F(99), "met"),  # 198/200
    case("15", "one-under", (70, 70, 57), (70, 70, 60), F(197, 2), "not_met"),
    # 16: at least 100 %
    case("16", "met", (20, 15, 15), (20, 15, 15), F(100), "met"),
    case("16", "not-met", (10, 10, 10), (20, 15, 15), F(60), "not_met"),
    case("16", "exact", (17, 17, 16), (17, 17, 16), F(100), "met"),
    case("16", "one-under", (17, 17, 15), (17, 17, 16), F(98), "not_met"),
    # 17a: at least 100 %
    case("17a", "met", (40, 40, 40), (40, 40, 40), F(100), "met"),
    case("17a", "not-met", (30, 30, 30), (40, 40, 40), F(75), "not_met"),
    case("17a", "exact", (13, 14, 13), (13, 14, 13), F(100), "met"),
    case("17a", "one-under", (13, 14, 12), (13, 14, 13), F(195, 2), "not_met"),
    # 17b: at most 0 % (no primary dropout)
    case("17b", "met", (0, 0, 0), (100, 100, 100), F(0), "met"),
    case("17b", "not-met", (5, 5, 5), (100, 100, 100), F(5), "not_met"),
    case("17b", "exact", (0, 0, 0), (120, 100, 80), F(0), "met"),
    case("17b", "one-over", (0, 0, 1), (120, 100, 80), F(1, 3), "not_met"),
    # 18a: at least 88 %
    case("18a", "met", (95, 95, 95), (100, 100, 100), F(95), "met"),
    case("18a", "not-met", (80, 80, 80), (100, 100, 100), F(80), "not_met"),
    case("18a", "exact", (62, 62, 52), (70, 70, 60), F(88), "met"),  # 176/200
    case("18a", "one-under", (62, 62, 51), (70, 70, 60), F(175, 2), "not_met"),
    # 18b: below 0.5 %
    case("18b", "met", (0, 0, 0), (100, 100, 100), F(0), "met"),
    case("18b", "not-met", (1, 1, 1), (100, 100, 100), F(1), "not_met"),
    case("18b", "exact", (1, 0, 0), (70, 70, 60), F(1, 2), "not_met"),  # 1/200
    case("18b", "one-under", (1, 0, 0), (100, 100, 100), F(1, 3), "met"),
    # 19: at least 95 %
    case("19", "met", (10, 10, 10), (10, 10, 10), F(100), "met"),
    case("19", "not-met", (8, 8, 8), (10, 10, 10), F(80), "not_met"),
    case("19", "exact", (7, 7, 5), (7, 7, 6), F(95), "met"),  # 19/20
    case("19", "one-under", (7, 6, 5), (7, 7, 6), F(90), "not_met"),
    # 20a: at least 55 %
    case("20a", "met", (8, 8, 8), (10, 10, 10), F(80), "met"),
    case("20a", "not-met", (4, 4, 4), (10, 10, 10), F(40), "not_met"),
    case("20a", "exact", (4, 4, 3), (7, 7, 6), F(55), "met"),  # 11/20
    case("20a", "one-under", (4, 3, 3), (7, 7, 6), F(50), "not_met"),
    # 20b: at least 80 %
    case("20b", "met", (10, 10, 10), (10, 10, 10), F(100), "met"),
    case("20b", "not-met", (5, 5, 5), (10, 10, 10), F(50), "not_met"),
    case("20b", "exact", (3, 3, 2), (4, 3, 3), F(80), "met"),  # 8/10
    case("20b", "one-under", (3, 2, 2), (4, 3, 3), F(70), "not_met"),
    # 22: at least 30 %
    case("22", "met", (50, 50, 50), (100, 100, 100), F(50), "met"),
    case("22", "not-met", (10, 10, 10), (100, 100, 100), F(10), "not_met"),
    case("22", "exact", (21, 21, 18), (70, 70, 60), F(30), "met"),  # 60/200
    case("22", "one-under", (21, 21, 17), (70, 70, 60), F(59, 2), "not_met"),
    # 23: at least 85 % of all children under 16
    case("23", "met", (90, 90, 90), (100, 100, 100), F(90), "met"),
    case("23", "not-met", (50, 50, 50), (100, 100, 100), F(50), "not_met"),
    case("23", "exact", (60, 60, 50), (70, 70, 60), F(85), "met"),  # 170/200
    case("23", "one-under", (60, 60, 49), (70, 70, 60), F(169, 2), "not_met"),
    # 24: at least 66.7 %; two thirds (66.67 %) is below it
    case("24", "met", (80, 80, 80), (100, 100, 100), F(80), "met"),
    case("24", "not-met", (50, 50, 50), (100, 100, 100), F(50), "not_met"),
    case("24", "two-thirds", (200, 200, 200), (300, 300, 300), F(200, 3), "not_met"),
    case("24", "exact", (300, 300, 67), (400, 400, 200), F(667, 10), "met"),  # 667/1000
    case("24", "one-under", (300, 300, 66), (400, 400, 200), F(333, 5), "not_met"),
]

EXACT_CASES = [p for p in RATIO_CASES if p.id.endswith("-exact")]


def test_plan_encodes_the_spec_table() -> None:
    """The plan file has the spec's 33 targets, in order, with their elements, units and goals."""
    assert [t.id for t in PLAN.targets] == list(SPEC)
    for target in PLAN.targets:
        numerator, denominator, unit, direction, threshold = SPEC[target.id]
        assert (target.numerator, target.denominator) == (numerator, denominator)
        assert target.unit == unit
        assert target.direction is Direction(direction)
        assert target.target == threshold


def test_cases_cover_every_ratio_target() -> None:
    """The hand-computed table has met, not-met and exact cases for every ratio target."""
    assert sorted(RATIO_IDS) == sorted(set(SPEC) - {"1", "10", "13", "21"})
    for tid in RATIO_IDS:
        labels = {p.id.removeprefix(f"{tid}-") for p in RATIO_CASES if p.values[0] == tid}
        assert {"met", "not-met", "exact"} <= labels, tid


@pytest.mark.parametrize(("tid", "nums", "dens", "value", "status"), RATIO_CASES)
def test_ratio_target(tid: str, nums: Nums, dens: Nums, value: F, status: str) -> None:
    """A ratio target pools the units' counts and judges the exact value against its target."""
    target = TARGETS[tid]
    out = score_target(target, ratio_counts(target, nums, dens), UNITS, 3)
    assert out.numerator == sum(n for n in nums if n is not None)
    assert out.denominator == sum(d for d in dens if d is not None)
    assert isinstance(out.value, F)
    assert out.value == value
    assert out.status == status
    assert out.units_reporting == UNITS
    assert out.units_missing == ()


@pytest.mark.parametrize(("tid", "nums", "dens", "value", "status"), EXACT_CASES)
@pytest.mark.parametrize("blank", ["numerator", "denominator"])
def test_ratio_target_with_a_unit_missing(
    tid: str, nums: Nums, dens: Nums, value: F, status: str, blank: str
) -> None:
    """A unit lacking one of the two figures is left out of the sums and named as missing."""
    target = TARGETS[tid]
    assert target.denominator is not None
    # Ia Đal holds the first two units' figures, Ia Dom the third's; Ia Tơi's lone figure
    # would change the value if it were counted.
    counts = ratio_counts(
        target, (nums[0] + nums[1], nums[2], 999), (dens[0] + dens[1], dens[2], 99_999)
    )
    del counts["Ia Tơi"][target.numerator if blank == "numerator" else target.denominator]
    out = score_target(target, counts, UNITS, 3)
    assert (out.numerator, out.denominator) == (sum(nums), sum(dens))
    assert out.value == value
    assert out.status == status
    assert out.units_reporting == ("Ia Đal", "Ia Dom")
    assert out.units_missing == ("Ia Tơi",)


@pytest.mark.parametrize("tid", RATIO_IDS)
def test_zero_denominator_is_not_applicable(tid: str) -> None:
    """A ratio target whose denominator is reported as 0 everywhere is not_applicable, no value."""
    target = TARGETS[tid]
    out = score_target(target, ratio_counts(target, (0, 0, 0), (0, 0, 0)), UNITS, 3)
    assert (out.numerator, out.denominator, out.value, out.status) == (0, 0, None, "not_applicable")
    assert out.units_reporting == UNITS


@pytest.mark.parametrize("tid", list(SPEC))
@pytest.mark.parametrize("counts", [{}, {u: {} for u in UNITS}], ids=["no-units", "all-blank"])
def test_all_blank_is_no_data(tid: str, counts: dict) -> None:
    """With every cell blank a target is no_data, with no figures and every unit missing."""
    out = score_target(TARGETS[tid], counts, UNITS, 3)
    assert (out.numerator, out.denominator, out.value, out.status) == (None, None, None, "no_data")
    assert out.units_reporting == ()
    assert out.units_missing == UNITS


@pytest.mark.parametrize(
    ("tid", "flags", "value", "status", "missing"),
    [
        pytest.param("1", (1, 1, 0), F(2), "met", (), id="1-two-of-three"),
        pytest.param("1", (1, 1, 1), F(3), "met", (), id="1-three-of-three"),
        pytest.param("1", (1, 0, 0), F(1), "not_met", (), id="1-one-of-three"),
        pytest.param("1", (0, 0, 0), F(0), "not_met", (), id="1-none"),
        pytest.param("1", (1, 1, None), F(2), "met", ("Ia Tơi",), id="1-two-and-a-blank"),
        pytest.param("1", (1, None, 0), F(1), "not_met", ("Ia Dom",), id="1-one-and-a-blank"),
        pytest.param("21", (0, 1, 0), F(1), "met", (), id="21-one-of-three"),
        pytest.param("21", (1, 1, 1), F(3), "met", (), id="21-three-of-three"),
        pytest.param("21", (0, 0, 0), F(0), "not_met", (), id="21-none"),
        pytest.param("21", (None, None, 1), F(1), "met", ("Ia Đal", "Ia Dom"), id="21-one-only"),
    ],
)
def test_count_of_communes(
    tid: str, flags: Nums, value: F, status: str, missing: tuple[str, ...]
) -> None:
    """Targets 1 and 21 count flagged communes out of the plan's 3, not out of those reporting."""
    target = TARGETS[tid]
    out = score_target(target, flag_counts(target.numerator, flags), UNITS, 3)
    assert (out.numerator, out.denominator) == (int(value), 3)
    assert out.value == value
    assert out.status == status
    assert out.units_missing == missing


@pytest.mark.parametrize(
    ("labourers", "value", "status", "missing"),
    [
        pytest.param((0, 0, 0), F(0), "met", (), id="none-anywhere"),
        pytest.param((0, 1, 0), F(1), "not_met", (), id="one-in-a-unit"),
        pytest.param((2, 0, 3), F(5), "not_met", (), id="several"),
        pytest.param((0, 0, None), F(0), "met", ("Ia Tơi",), id="none-with-a-blank"),
        pytest.param((None, None, 1), F(1), "not_met", ("Ia Đal", "Ia Dom"), id="one-only-unit"),
    ],
)
def test_child_labour_count(
    labourers: Nums, value: F, status: str, missing: tuple[str, ...]
) -> None:
    """Target 10 sums the labourers over the units, has no denominator, and is met only at 0."""
    out = score_target(TARGETS["10"], flag_counts("child_labourers", labourers), UNITS, 3)
    assert out.numerator == int(value)
    assert out.denominator is None
    assert out.value == value
    assert out.status == status
    assert out.units_missing == missing


@pytest.mark.parametrize(
    ("current", "prev", "value", "status"),
    [
        pytest.param((40, 30, 28), (40, 30, 30), F(2), "met", id="2-percent-exactly"),
        pytest.param((40, 30, 29), (40, 30, 30), F(1), "not_met", id="1-percent"),
        pytest.param((30, 10, 0), (40, 20, 0), F(100, 3), "met", id="large-drop"),
        pytest.param((0, 0, 0), (0, 0, 0), None, "met", id="zero-kept-at-zero"),
        pytest.param((2, 0, 0), (0, 0, 0), None, "not_met", id="zero-then-some"),
        pytest.param((4, 4, 4), (3, 4, 3), F(-20), "not_met", id="a-rise"),
        pytest.param((3, 4, 3), (3, 4, 3), F(0), "not_met", id="unchanged"),
        pytest.param((0, 0, 0), (1, 0, 0), F(100), "met", id="all-gone"),
    ],
)
def test_child_marriage_reduction(current: Nums, prev: Nums, value: F | None, status: str) -> None:
    """Target 13 is (prev - current) / prev x 100 pooled, >= 2 %; prev 0 is met only at 0."""
    target = TARGETS["13"]
    out = score_target(target, ratio_counts(target, current, prev), UNITS, 3)
    assert out.numerator == sum(n for n in current if n is not None)
    assert out.denominator == sum(p for p in prev if p is not None)
    assert out.value == value
    assert out.status == status


def test_reduction_with_a_unit_missing() -> None:
    """Target 13 leaves out a unit without last year's figure and names it as missing."""
    target = TARGETS["13"]
    counts = ratio_counts(target, (49, 0, 7), (50, 0, None))
    out = score_target(target, counts, UNITS, 3)
    assert (out.numerator, out.denominator, out.value, out.status) == (49, 50, F(2), "met")
    assert out.units_missing == ("Ia Tơi",)


def test_district_rate_is_pooled_not_averaged() -> None:
    """A district rate pools counts: averaging the units' rates would meet 4a, pooling does not."""
    target = TARGETS["4a"]  # below 18 %
    nums, dens = (100, 0, 0), (200, 10, 10)
    rates = [F(n, d) * 100 for n, d in zip(nums, dens, strict=True)]
    assert sum(rates) / 3 == F(50, 3)  # 16.67 %: below 18, "met" if averaged
    out = score_target(target, ratio_counts(target, nums, dens), UNITS, 3)
    assert (out.numerator, out.denominator) == (100, 220)
    assert out.value == F(500, 11)  # 45.45 %
    assert out.status == "not_met"


def test_district_rate_pooled_meets_where_average_fails() -> None:
    """Pooling can also meet a target that the mean of the units' rates would miss (target 2)."""
    target = TARGETS["2"]  # at least 87 %
    nums, dens = (950, 5, 5), (1000, 10, 10)
    rates = [F(n, d) * 100 for n, d in zip(nums, dens, strict=True)]
    assert sum(rates) / 3 == F(195, 3)  # 65 %: "not met" if averaged
    out = score_target(target, ratio_counts(target, nums, dens), UNITS, 3)
    assert (out.numerator, out.denominator, out.value) == (960, 1020, F(1600, 17))
    assert out.status == "met"

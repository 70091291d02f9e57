"""The bundled horizon plans hold the national targets of Quyết định 23/QĐ-TTg for 2025 and
2030, as the published summaries give them (the table of docs/plan-format.md, horizon plans).

Each target keeps the 2022 plan's numerator, denominator and measure, so that the district's
values can be set against it; 1 and 21 are shares of communes in %.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from kh_treem.plan import Plan, load_bundled, load_plan

# id -> (direction, 2025 target or None, 2030 target or None, unit); None: no value that year.
NATIONAL = {
    "1": ("at_least", 65, 75, "%"),
    "2": ("at_least", 90, 95, "%"),
    "3a": ("below", 9.5, 9, "‰"),
    "3b": ("at_most", 12.5, 10, "‰"),
    "3c": ("below", 18.5, 15, "‰"),
    "4a": ("below", 9, 6, "%"),
    "4b": (("at_most", "below"), 17, 15, "%"),
    "5a": ("at_least", 97, 98, "%"),
    "5b": ("at_least", None, 98, "%"),
    "6": ("at_most", None, 2, "%"),
    "7": ("at_least", 100, 100, "%"),
    "8a": ("below", 6.5, 6, "%"),
    "8b": ("at_least", 90, 95, "%"),
    "11a": ("at_most", 550, 500, "/100.000"),
    "11b": ("at_most", 16, 15, "/100.000"),
    "12": ("at_least", 100, 100, "%"),
    "13": ("at_least", 2, 2, "%"),
    "14": ("at_least", 98.5, 100, "%"),
    "16": ("at_least", 99.1, 99.3, "%"),
    "17a": ("at_least", 97, 99, "%"),
    "18a": ("at_least", 88, 93, "%"),
    "19": ("at_least", 95, None, "%"),
    "21": ("at_least", 40, 45, "%"),
    "22": ("at_least", 30, 35, "%"),
}
# Left out on purpose: 9 and 10, which the national summaries measure otherwise.
NOT_NATIONAL = {"9", "10"}


def horizon(year: int) -> Plan:
    return load_bundled(f"national_{year}.yaml")


@pytest.mark.parametrize("year", [2025, 2030])
def test_each_horizon_has_exactly_the_national_targets(year: int) -> None:
    column = 1 if year == 2025 else 2
    expected = [i for i, row in NATIONAL.items() if row[column] is not None]
    assert [t.id for t in horizon(year).targets] == expected


@pytest.mark.parametrize(("year", "target_id"), [
    (year, target_id) for year in (2025, 2030) for target_id, row in NATIONAL.items()
    if row[1 if year == 2025 else 2] is not None])
def test_national_target(year: int, target_id: str) -> None:
    direction, in_2025, in_2030, unit = NATIONAL[target_id]
    if isinstance(direction, tuple):
        direction = direction[0] if year == 2025 else direction[1]
    target = next(t for t in horizon(year).targets if t.id == target_id)
    expected = in_2025 if year == 2025 else in_2030
    assert (target.direction.value, target.target, target.unit) == (
        direction, Fraction(str(expected)), unit)


@pytest.mark.parametrize("year", [2025, 2030])
def test_horizon_targets_measure_what_the_plan_measures(year: int) -> None:
    """Same numerator, denominator and measure as the 2022 plan's target of that id (but the
    shares of communes, a % nationally)."""
    plan = {t.id: t for t in load_plan().targets}
    for target in horizon(year).targets:
        mine = plan[target.id]
        assert (target.numerator, target.denominator, target.measure) == (
            mine.numerator, mine.denominator, mine.measure), target.id
        assert target.goal == mine.goal
    assert not NOT_NATIONAL & {t.id for t in horizon(year).targets}

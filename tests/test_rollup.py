"""`kh_treem.rollup`: several years scored against their own plans, the trend, the outlook.

Every submission is written by tests.forms into tmp_path; every plan other than the bundled one
is a copy of it dumped to YAML in tmp_path, so the expected numbers below are worked out by
hand (fractions for the values, the CAGR formulas for the ratios), never by calling kh_treem.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from kh_treem.multiyear import Projection, RollupResult, Trend, rollup
from kh_treem.plan import Direction, Plan, load_plan
from kh_treem.trend_workbook import write_trend
from tests.forms import PLAN, write_form

UNITS = ("Ia Đal", "Ia Dom", "Ia Tơi")
NEW_UNIT = "Ia Tơi (mới)"

# year -> element code -> (Ia Đal, Ia Dom, Ia Tơi)
THREE_YEARS: dict[int, dict[str, tuple[int, int, int]]] = {
    2021: {
        "u5_weighed": (100, 150, 150), "u5_stunted": (40, 50, 70),  # 160/400 = 40 %
        "children_u1": (30, 40, 30), "u1_fully_immunized": (28, 36, 28),  # 92/100 = 92 %
        "live_births": (100, 100, 100), "neonatal_deaths": (1, 1, 1),  # 3/300 = 10 ‰
        "child_friendly_commune": (1, 0, 0),  # 1 commune
        "child_marriages": (10, 6, 4), "child_marriages_prev": (12, 6, 5),  # 20 against 23
    },
    2022: {
        "u5_weighed": (100, 150, 150), "u5_stunted": (36, 48, 60),  # 144/400 = 36 %
        "children_u1": (30, 40, 30), "u1_fully_immunized": (27, 36, 27),  # 90 %
        "live_births": (100, 100, 100), "neonatal_deaths": (1, 1, 1),  # 10 ‰
        "child_friendly_commune": (1, 1, 0),  # 2 communes
        "child_marriages": (9, 6, 3), "child_marriages_prev": (10, 6, 4),  # = 2021's
    },
    2023: {
        "u5_weighed": (100, 150, 150), "u5_stunted": (30, 40, 50),  # 120/400 = 30 %
        "children_u1": (30, 40, 30), "u1_fully_immunized": (26, 36, 26),  # 88 %
        "live_births": (100, 100, 100), "neonatal_deaths": (1, 1, 1),  # 10 ‰
        "child_friendly_commune": (1, 1, 1),  # 3 communes
        "child_marriages": (8, 6, 3), "child_marriages_prev": (9, 6, 3),  # = 2022's
    },
}

# target id -> year -> (numerator, denominator, value), worked out from THREE_YEARS
THREE_YEARS_VALUES: dict[str, dict[int, tuple[int, int, Fraction]]] = {
    "1": {2021: (1, 3, Fraction(1)), 2022: (2, 3, Fraction(2)), 2023: (3, 3, Fraction(3))},
    "3a": {2021: (3, 300, Fraction(10)), 2022: (3, 300, Fraction(10)),
           2023: (3, 300, Fraction(10))},
    "4b": {2021: (160, 400, Fraction(40)), 2022: (144, 400, Fraction(36)),
           2023: (120, 400, Fraction(30))},
    "5a": {2021: (92, 100, Fraction(92)), 2022: (90, 100, Fraction(90)),
           2023: (88, 100, Fraction(88))},
    # reduction = (prev - now) / prev x 100; 2021's prev is its own (23), later ones chained
    "13": {2021: (20, 23, Fraction(300, 23)), 2022: (18, 20, Fraction(10)),
           2023: (17, 18, Fraction(50, 9))},
}

# Projections: the ratios below were worked out in a scratch script with
# a = (xt / x0) ** (1 / (t - t0)) - 1, r = (x* / x0) ** (1 / (H - t0)) - 1, ratio = a / r.
HORIZON_2025 = {  # id -> (direction, target, unit): the figures the brief asks for
    "4b": ("at_most", 17, "%"),
    "5a": ("at_least", 97, "%"),
    "3a": ("below", 9.5, "‰"),
    "1": ("at_least", 65, "%"),
}


# --- helpers ----------------------------------------------------------------------------------


def write_years(
    folder: Path, data: Mapping[int, Mapping[str, tuple[int | None, ...]]],
    units: tuple[str, ...] = UNITS,
) -> list[Path]:
    """One form per unit and year; a None value is left blank (not reported)."""
    paths = []
    for year, elements in data.items():
        for i, unit in enumerate(units):
            values = {code: v[i] for code, v in elements.items() if v[i] is not None}
            paths.append(write_form(folder / f"{year}_{i}.xlsx", unit, values, year=year))
    return paths


def dump_plan(plan: Plan, path: Path) -> Path:
    """Write ``plan`` as a YAML plan file, to be read back (and validated) by load_plan."""
    path.write_text(yaml.safe_dump(plan.model_dump(mode="json"), allow_unicode=True,
                                   sort_keys=False), encoding="utf-8")
    return path


def plan_file(path: Path, year: int, **update: Any) -> Path:
    """A copy of the bundled 2022 plan for ``year``, changed by ``update``."""
    plan = PLAN.model_copy(update={"id": f"ia-hdrai-{year}", "year": year, **update})
    return dump_plan(plan, path)


def plan_with_targets(year: int, changes: Mapping[str, Mapping[str, Any]], **update: Any) -> Plan:
    """The 2022 plan's copy for ``year`` with some targets changed (id -> fields)."""
    targets = [t.model_copy(update=dict(changes[t.id])) if t.id in changes else t
               for t in PLAN.targets]
    return PLAN.model_copy(update={"id": f"ia-hdrai-{year}", "year": year, "targets": targets,
                                   **update})


def horizon_file(
    path: Path, year: int, targets: Mapping[str, tuple[str, float, str]] = HORIZON_2025,
) -> Path:
    """A national-targets plan for ``year``: only ``targets`` (id -> direction, target, unit)."""
    own = {t.id: t for t in PLAN.targets}
    chosen = [own[tid].model_copy(update={"direction": Direction(d), "target": Fraction(str(x)),
                                          "unit": u})
              for tid, (d, x, u) in targets.items()]
    goals = sorted({t.goal for t in chosen})
    plan = PLAN.model_copy(update={
        "id": f"national-{year}", "year": year, "units": [], "rules": [], "targets": chosen,
        "goals": [g for g in PLAN.goals if g.id in goals],
    })
    return dump_plan(plan, path)


def trend(result: RollupResult, tid: str) -> Trend:
    found = [t for t in result.trends if t.target.id == tid]
    assert len(found) == 1, tid
    return found[0]


def projection(result: RollupResult, tid: str) -> Projection:
    found = trend(result, tid).projections
    assert len(found) == 1, (tid, found)
    return found[0]


def of_type(result: RollupResult, kind: str) -> list[Any]:
    return [p for p in result.problems if p.type == kind]


@pytest.fixture
def three_years(tmp_path: Path) -> list[Path]:
    """The THREE_YEARS submissions: 3 communes x 2021, 2022, 2023."""
    return write_years(tmp_path / "in", THREE_YEARS)


@pytest.fixture
def plan_2023(tmp_path: Path) -> Path:
    """A 2023 plan: the 2022 plan with 4b lowered to at most 25 %."""
    plan = plan_with_targets(2023, {"4b": {"target": Fraction(25)}})
    return dump_plan(plan, tmp_path / "plan_2023.yaml")


# --- years, plans, values ----------------------------------------------------------------------


def test_years_come_from_the_submissions(three_years: list[Path]) -> None:
    """The three years the forms name are rolled up, in order, the bundled plan for 2022 only."""
    result = rollup(three_years)
    assert result.years == [2021, 2022, 2023]
    assert sorted(result.plans) == [2022]
    assert result.plans[2022].id == "ia-hdrai-2022"
    assert [p for p in result.problems if p.severity != "notice"] == []


@pytest.mark.parametrize("tid", sorted(THREE_YEARS_VALUES))
@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_values_per_year_are_exact(three_years: list[Path], tid: str, year: int) -> None:
    """Each year's numerator, denominator and value are the exact sums over the three communes."""
    v = trend(rollup(three_years), tid).by_year[year]
    num, den, value = THREE_YEARS_VALUES[tid][year]
    assert (v.numerator, v.denominator, v.value) == (num, den, value)
    assert isinstance(v.value, Fraction)
    assert v.units_missing == ()


@pytest.mark.parametrize(
    ("year", "statuses"),
    [
        (2021, {"1": None, "3a": None, "4b": None, "5a": None, "13": None}),
        (2022, {"1": "met", "3a": "not_met", "4b": "not_met", "5a": "not_met", "13": "met"}),
        (2023, {"1": None, "3a": None, "4b": None, "5a": None, "13": None}),
    ],
)
def test_statuses_with_the_2022_plan_only(
    three_years: list[Path], year: int, statuses: dict[str, str | None]
) -> None:
    """With the bundled plan alone, only 2022 gets statuses; 2021 and 2023 show values only."""
    result = rollup(three_years)
    assert {tid: trend(result, tid).by_year[year].status for tid in statuses} == statuses
    assert all(trend(result, tid).by_year[year].value is not None for tid in statuses)


@pytest.mark.parametrize(
    ("year", "statuses"),
    [
        (2021, {"1": None, "3a": None, "4b": None, "5a": None, "13": None}),
        # 2022 against the 2022 plan: 36 % > 32.5 %
        (2022, {"1": "met", "3a": "not_met", "4b": "not_met", "5a": "not_met", "13": "met"}),
        # 2023 against its own plan: 30 % > 25 % (the 2022 plan's 32.5 % would be met)
        (2023, {"1": "met", "3a": "not_met", "4b": "not_met", "5a": "not_met", "13": "met"}),
    ],
)
def test_statuses_with_a_plan_for_2023(
    three_years: list[Path], plan_2023: Path, year: int, statuses: dict[str, str | None]
) -> None:
    """With a 2023 plan too, 2022 and 2023 are each scored against their own plan, 2021 not."""
    result = rollup(three_years, plans=[load_plan(), plan_2023])
    assert sorted(result.plans) == [2022, 2023]
    assert {tid: trend(result, tid).by_year[year].status for tid in statuses} == statuses


def test_a_plan_of_2023_that_keeps_4b_at_32_5_meets_it(
    three_years: list[Path], tmp_path: Path
) -> None:
    """A 2023 plan identical to 2022's but for its year: 4b's 30 % in 2023 is met."""
    p = plan_file(tmp_path / "same_2023.yaml", 2023)
    result = rollup(three_years, plans=[load_plan(), p])
    assert [trend(result, "4b").by_year[y].status for y in (2021, 2022, 2023)] == [
        None, "not_met", "met"]


def test_the_latest_plan_defines_the_indicators(three_years: list[Path], plan_2023: Path) -> None:
    """The trend's target is the latest plan's (4b at most 25 %), every plan target listed once."""
    result = rollup(three_years, plans=[load_plan(), plan_2023])
    assert trend(result, "4b").target.target == 25
    assert [t.target.id for t in result.trends] == [t.id for t in PLAN.targets]


def test_a_year_without_a_plan_shows_values_and_no_status(three_years: list[Path]) -> None:
    """2021 has no plan: every indicator there has status None, and values where reported."""
    result = rollup(three_years)
    assert 2021 not in result.plans
    assert {t.by_year[2021].status for t in result.trends} == {None}
    v = trend(result, "4b").by_year[2021]
    assert (v.numerator, v.denominator, v.value, v.status) == (160, 400, Fraction(40), None)
    # An indicator nobody reported is no value, not a status.
    v2 = trend(result, "2").by_year[2021]
    assert (v2.value, v2.status, v2.units_missing) == (None, None, UNITS)
    assert trend(result, "2").by_year[2022].status == "no_data"


def test_a_year_without_a_plan_raises_no_year_error(three_years: list[Path]) -> None:
    """Submissions of 2021 and 2023 are not "of another year" than the plan's: no year-other."""
    result = rollup(three_years)
    assert of_type(result, "year-other") == []
    assert of_type(result, "year-unknown") == []


def test_submission_without_year_in_multi_plan_rollup_is_year_unknown(
    three_years: list[Path], plan_2023: Path, tmp_path: Path
) -> None:
    """With plans of 2022 and 2023, a form with no year is an error and its figures unused."""
    stray = write_form(tmp_path / "in" / "no_year.xlsx", "Ia Dom",
                       {"u5_weighed": 1000, "u5_stunted": 1000}, year=None)
    result = rollup([*three_years, stray], plans=[load_plan(), plan_2023])
    unknown = of_type(result, "year-unknown")
    assert [(p.file, p.severity) for p in unknown] == [(str(stray), "error")]
    assert result.years == [2021, 2022, 2023]
    assert [trend(result, "4b").by_year[y].denominator for y in result.years] == [400] * 3


@pytest.mark.parametrize("year", [1900, 2020, 2028])
def test_a_year_far_from_the_plans_is_an_error_naming_its_cell(
    three_years: list[Path], tmp_path: Path, year: int
) -> None:
    """Before 2021 (the program's start), or more than 5 years from the plans' years: an
    error at the year's cell, and the form is not a year of the rollup."""
    stray = write_form(tmp_path / "in" / "typo.xlsx", "Ia Dom", {"u5_weighed": 1}, year=year)
    result = rollup([*three_years, stray])
    [problem] = of_type(result, "year-out-of-range")
    assert (problem.file, problem.cell, problem.severity) == (str(stray), "E2", "error")
    assert (problem.params["first"], problem.params["last"]) == (2021, 2027)
    assert result.years == [2021, 2022, 2023]


def test_submission_without_year_with_one_plan_is_that_plans_year(tmp_path: Path) -> None:
    """With the bundled plan alone, a form with no year is taken as 2022, with a notice."""
    paths = write_years(tmp_path / "in", {2021: {"u5_weighed": (100, 100, 100),
                                                 "u5_stunted": (10, 10, 10)}})
    stray = write_form(tmp_path / "in" / "no_year.xlsx", "Ia Dom",
                       {"u5_weighed": 200, "u5_stunted": 50}, year=None)
    result = rollup([*paths, stray])
    assert result.years == [2021, 2022]
    assert [(p.file, p.params["year"]) for p in of_type(result, "year-missing")] == [
        (str(stray), 2022)]
    v = trend(result, "4b").by_year[2022]
    assert (v.numerator, v.denominator, v.value) == (50, 200, Fraction(25))


def test_order_of_the_paths_does_not_matter(three_years: list[Path]) -> None:
    """Shuffled paths give the same years, values, changes and problems (files listed as given)."""
    first = rollup(three_years).to_dict()
    for seed in (1, 2, 3):
        shuffled = random.Random(seed).sample(three_years, len(three_years))
        other = rollup(shuffled).to_dict()
        assert {k: v for k, v in other.items() if k != "files"} == {
            k: v for k, v in first.items() if k != "files"}
        assert sorted(other["files"], key=lambda f: f["path"]) == sorted(
            first["files"], key=lambda f: f["path"])


def test_python_api_accepts_a_folder_and_plan_objects(three_years: list[Path]) -> None:
    """kh_treem.rollup takes a folder, a Plan object, and gives what the file list gives."""
    import kh_treem

    by_folder = kh_treem.rollup([three_years[0].parent], plans=[PLAN])
    by_files = rollup(three_years)
    assert by_folder.years == by_files.years
    assert [t.by_year for t in by_folder.trends] == [t.by_year for t in by_files.trends]


# --- the direction of change -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tid", "change"),
    [
        ("4b", "better"),  # at_most, 36 -> 30: falling stunting is better
        ("5a", "worse"),  # at_least, 90 -> 88: falling immunisation is worse
        ("3a", "unchanged"),  # below, 10 -> 10
        ("1", "better"),  # at_least, 2 -> 3 communes
        ("13", "worse"),  # at_least, a reduction of 10 % -> 5.6 %
        ("2", None),  # never reported
    ],
)
def test_change_over_the_three_years(three_years: list[Path], tid: str, change: str) -> None:
    """The change between the last two years, by the target's direction."""
    assert trend(rollup(three_years), tid).change == change


# code pairs placed in Ia Đal alone: id -> (numerator code, denominator code)
ELEMENTS = {"4b": ("u5_stunted", "u5_weighed"), "5a": ("u1_fully_immunized", "children_u1"),
            "3a": ("neonatal_deaths", "live_births")}


def single_unit(folder: Path, tid: str, series: Mapping[int, tuple[int, int] | None]) -> list[Path]:
    """Ia Đal's forms for an indicator: year -> (numerator, denominator), None: not reported."""
    num, den = ELEMENTS[tid]
    paths = []
    for year, pair in series.items():
        values = {"children_total": 5000} if pair is None else {num: pair[0], den: pair[1]}
        paths.append(write_form(folder / f"{tid}_{year}.xlsx", "Ia Đal", values, year=year))
    return paths


@pytest.mark.parametrize(
    ("tid", "series", "change"),
    [
        ("3a", {2021: (10, 1000), 2022: (8, 1000)}, "better"),  # below: falling is better
        ("3a", {2021: (8, 1000), 2022: (10, 1000)}, "worse"),
        ("4b", {2021: (30, 100), 2022: (35, 100)}, "worse"),  # at_most: rising is worse
        ("4b", {2021: (30, 100), 2022: (60, 200)}, "unchanged"),  # 30 % both years
        ("5a", {2021: (90, 100), 2022: (95, 100)}, "better"),  # at_least: rising is better
        ("5a", {2021: (90, 100), 2022: (90, 100)}, "unchanged"),
        # the last two years with a value: 2021 and 2023, 2022 not reported
        ("4b", {2021: (40, 100), 2022: None, 2023: (30, 100)}, "better"),
        # the last two years, not the first and the last: 40 -> 36 is better, 30 -> 36 is not
        ("4b", {2021: (30, 100), 2022: (40, 100), 2023: (36, 100)}, "better"),
        ("4b", {2022: (30, 100)}, None),  # a single year: no change
    ],
)
def test_change_follows_the_direction(
    tmp_path: Path, tid: str, series: dict[int, tuple[int, int] | None], change: str | None
) -> None:
    """better / worse / unchanged by at_least, at_most and below; None with one value."""
    result = rollup(single_unit(tmp_path, tid, series))
    assert trend(result, tid).change == change


# --- projections -------------------------------------------------------------------------------


@pytest.fixture
def horizon_2025(tmp_path: Path) -> Path:
    return horizon_file(tmp_path / "national_2025_test.yaml", 2025)


@pytest.mark.parametrize(
    ("tid", "band", "ratio"),
    [
        # 40 -> 30 over 2021-2023; required 40 -> 17 over 2021-2025
        ("4b", "needs_acceleration", 0.6956675664665825),
        ("5a", "deterioration", -1.650387527946665),  # 92 -> 88, target 97
        ("3a", "limited_progress", 0.0),  # 10 -> 10: no growth at all
        ("1", "achieved", None),  # 3 of 3 communes = 100 % >= 65 %
    ],
)
def test_projections_of_the_three_years(
    three_years: list[Path], horizon_2025: Path, tid: str, band: str, ratio: float | None
) -> None:
    """Each indicator of the horizon plan is projected from 2021 to 2025 and put in its band."""
    p = projection(rollup(three_years, horizons=[horizon_2025]), tid)
    assert (p.horizon, p.band, p.first_year, p.last_year) == (2025, band, 2021, 2023)
    assert p.ratio == (None if ratio is None else pytest.approx(ratio, rel=1e-9, abs=1e-12))


def test_projection_carries_the_national_target_and_projected_value(
    three_years: list[Path], horizon_2025: Path
) -> None:
    """4b: target at most 17 %, projected 30 x (sqrt(0.75))^2 = 22.5 % in 2025."""
    p = projection(rollup(three_years, horizons=[horizon_2025]), "4b")
    assert (p.target, p.direction.value) == (Fraction(17), "at_most")
    assert p.projected == pytest.approx(22.5, rel=1e-9)


def test_indicators_not_in_the_horizon_plan_get_no_projection(
    three_years: list[Path], horizon_2025: Path
) -> None:
    """Only the horizon plan's four indicators are projected; 13 is not."""
    result = rollup(three_years, horizons=[horizon_2025])
    assert sorted(t.target.id for t in result.trends if t.projections) == ["1", "3a", "4b", "5a"]
    assert trend(result, "13").projections == []
    assert all(t.projections == [] for t in rollup(three_years, horizons=()).trends)


@pytest.mark.parametrize(
    ("tid", "series", "horizon", "band", "ratio"),
    [
        ("4b", {2021: (40, 100), 2023: (17, 100)}, 2025, "achieved", None),  # exactly 17
        ("4b", {2021: (40, 100), 2023: (25, 100)}, 2025, "on_track", 1.0874753087288354),
        ("4b", {2021: (40, 100), 2023: (30, 100)}, 2025, "needs_acceleration",
         0.6956675664665825),
        ("4b", {2021: (40, 100), 2023: (36, 100)}, 2025, "limited_progress", 0.2664636891821695),
        ("4b", {2021: (40, 100), 2023: (44, 100)}, 2025, "deterioration", -0.25344157465445216),
        ("5a", {2021: (92, 100), 2023: (88, 100)}, 2025, "deterioration", -1.650387527946665),
        ("5a", {2021: (90, 100), 2023: (97, 100)}, 2025, "achieved", None),  # exactly 97
        # below 9.5: exactly 9.5 is not achieved; 10 -> 9.5 is on track
        ("3a", {2021: (20, 2000), 2023: (19, 2000)}, 2025, "on_track", 1.9872585449014424),
        ("3a", {2021: (20, 2000), 2023: (18, 2000)}, 2025, "achieved", None),
        # the baseline is the first year with a value: 2022 (40) -> 2023 (30)
        ("4b", {2021: None, 2022: (40, 100), 2023: (30, 100)}, 2025, "on_track",
         1.0074441990289122),
        ("4b", {2023: (30, 100)}, 2025, "insufficient_data", None),  # a single year
        ("4b", {2021: (0, 100), 2023: (30, 100)}, 2025, "deterioration", None),  # met, left
        # the horizon is not after the last year: too late
        ("4b", {2021: (40, 100), 2023: (30, 100)}, 2023, "not_achieved", None),
        ("4b", {2021: (40, 100), 2023: (30, 100)}, 2022, "not_achieved", None),
        ("4b", {2021: (40, 100), 2023: (17, 100)}, 2022, "achieved", None),
    ],
)
def test_bands(
    tmp_path: Path, tid: str, series: dict[int, tuple[int, int] | None], horizon: int,
    band: str, ratio: float | None,
) -> None:
    """The CAGR ratio (observed over required growth) and the band it falls in."""
    paths = single_unit(tmp_path / "in", tid, series)
    h = horizon_file(tmp_path / f"h{horizon}.yaml", horizon)
    p = projection(rollup(paths, horizons=[h]), tid)
    assert (p.horizon, p.band) == (horizon, band)
    assert p.ratio == (None if ratio is None else pytest.approx(ratio, rel=1e-9))


@pytest.mark.parametrize(("series", "projected", "capped"), [
    # 5a (at least 97 %): 50 -> 80 grows 26.5 % a year; 80 x 1.265^2 = 128 % is held at 100.
    ({2021: (50, 100), 2023: (80, 100)}, 100.0, True),
    # 50 -> 60: 60 x 1.2 = 72 %, under the limit.
    ({2021: (50, 100), 2023: (60, 100)}, 72.0, False),
    # Exactly at the limit is not capped: 25 -> 50 -> (x2) 100 %.
    ({2021: (25, 100), 2023: (50, 100)}, 100.0, False),
])
def test_a_percentage_is_never_projected_past_100(
    tmp_path: Path, series: dict[int, tuple[int, int] | None], projected: float, capped: bool
) -> None:
    paths = single_unit(tmp_path / "in", "5a", series)
    h = horizon_file(tmp_path / "h2025.yaml", 2025, {"5a": ("at_least", 97, "%")})
    p = projection(rollup(paths, horizons=[h]), "5a")
    assert (p.projected, p.capped) == (pytest.approx(projected, rel=1e-9), capped)


def test_a_capped_projection_is_said_in_json_and_in_the_trend_workbook(
    tmp_path: Path
) -> None:
    paths = single_unit(tmp_path / "in", "5a", {2021: (50, 100), 2023: (80, 100)})
    h = horizon_file(tmp_path / "h2025.yaml", 2025, {"5a": ("at_least", 97, "%")})
    result = rollup(paths, horizons=[h])
    data = result.to_dict()
    five_a = next(i for i in data["indicators"] if i["id"] == "5a")
    assert (five_a["projection"]["projected"], five_a["projection"]["capped"]) == (100, True)
    write_trend(result, tmp_path / "xu-huong.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "xu-huong.xlsx")["Dự báo"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][-1] == "Ghi chú"
    assert rows[1][-1] == "theo tốc độ này sẽ vượt 100%; ghi mức tối đa 100%"


@pytest.mark.parametrize(
    ("series", "first_last"),
    [
        ({2021: None, 2022: (40, 100), 2023: (30, 100)}, (2022, 2023)),
        ({2021: (40, 100), 2022: (30, 100), 2023: None}, (2021, 2022)),
        ({2023: (30, 100)}, (2023, 2023)),
    ],
)
def test_projection_years_are_the_first_and_last_with_a_value(
    tmp_path: Path, series: dict[int, tuple[int, int] | None], first_last: tuple[int, int]
) -> None:
    """first_year and last_year skip the years in which the indicator had no value."""
    paths = single_unit(tmp_path / "in", "4b", series)
    p = projection(rollup(paths, horizons=[horizon_file(tmp_path / "h.yaml", 2025)]), "4b")
    assert (p.first_year, p.last_year) == first_last


@pytest.mark.parametrize(
    ("flags", "horizon", "targets", "band", "ratio"),
    [
        # 1/3 = 33.3 % -> 2/3 = 66.7 % >= 65 %: achieved only as a share (2 communes < 65)
        ({2021: (1, 0, 0), 2023: (1, 1, 0)}, 2025, HORIZON_2025, "achieved", None),
        # against 75 % in 2030: a = sqrt(2) - 1, r = 2.25 ** (1/9) - 1
        ({2021: (1, 0, 0), 2023: (1, 1, 0)}, 2030, {"1": ("at_least", 75, "%")}, "on_track",
         4.393096511141235),
        ({2021: (1, 0, 0), 2023: (1, 0, 0)}, 2025, HORIZON_2025, "limited_progress", 0.0),
    ],
)
def test_communes_are_projected_as_a_share(
    tmp_path: Path, flags: dict[int, tuple[int, int, int]], horizon: int,
    targets: dict[str, tuple[str, float, str]], band: str, ratio: float | None,
) -> None:
    """Indicator 1 (a count of communes locally, a % nationally) is projected as count/3 x 100."""
    paths = write_years(tmp_path / "in", {y: {"child_friendly_commune": f}
                                          for y, f in flags.items()})
    h = horizon_file(tmp_path / "h.yaml", horizon, targets)
    p = projection(rollup(paths, horizons=[h]), "1")
    assert (p.band, p.target) == (band, Fraction(targets["1"][1]))
    assert p.ratio == (None if ratio is None else pytest.approx(ratio, rel=1e-9, abs=1e-12))


def test_several_horizons_each_project(tmp_path: Path) -> None:
    """Two horizon files give two projections per indicator, in the order given."""
    paths = single_unit(tmp_path / "in", "4b", {2021: (40, 100), 2023: (30, 100)})
    h25 = horizon_file(tmp_path / "h25.yaml", 2025)
    h30 = horizon_file(tmp_path / "h30.yaml", 2030, {"4b": ("below", 15, "%")})
    found = trend(rollup(paths, horizons=[h25, h30]), "4b").projections
    # 2030: r = (15/40) ** (1/9) - 1 = -0.103252..., a = -0.133974...
    assert [(p.horizon, p.band) for p in found] == [(2025, "needs_acceleration"),
                                                     (2030, "on_track")]
    assert found[1].ratio == pytest.approx(1.2975424886909455, rel=1e-9)


def test_horizon_given_as_a_plan_object(tmp_path: Path) -> None:
    """rollup(horizons=[Plan]) works as a path does."""
    paths = single_unit(tmp_path / "in", "4b", {2021: (40, 100), 2023: (30, 100)})
    h = load_plan(horizon_file(tmp_path / "h.yaml", 2025))
    assert projection(rollup(paths, horizons=[h]), "4b").band == "needs_acceleration"


@pytest.mark.parametrize(
    ("tid", "series"),
    [
        # at least 97: 98 % already above it, then 94 %: moving away from the target
        ("5a", {2021: (98, 100), 2023: (94, 100)}),
        # at most 17: 15 % already under it, then 20 %: moving away from the target
        ("4b", {2021: (15, 100), 2023: (20, 100)}),
    ],
)
def test_moving_away_from_a_target_met_at_baseline_is_deterioration(
    tmp_path: Path, tid: str, series: dict[int, tuple[int, int]]
) -> None:
    """An indicator that met the target at baseline and now moves against its direction is
    deteriorating, not on track (both growth rates share a sign, so a/r > 0)."""
    paths = single_unit(tmp_path / "in", tid, series)
    p = projection(rollup(paths, horizons=[horizon_file(tmp_path / "h.yaml", 2025)]), tid)
    assert p.band == "deterioration", (p.band, p.ratio, p.projected)


# --- indicator 13 across years ------------------------------------------------------------------


def test_marriages_chain_without_disagreement(three_years: list[Path]) -> None:
    """Each year's prev equals last year's child_marriages: chained, and no warning."""
    result = rollup(three_years)
    assert of_type(result, "prev-disagrees") == []
    by_year = trend(result, "13").by_year
    assert [(by_year[y].numerator, by_year[y].denominator) for y in (2021, 2022, 2023)] == [
        (20, 23), (18, 20), (17, 18)]


def marriages(prev_2022: tuple[int, int, int], prev_2023: tuple[int, int, int]) -> dict[
        int, dict[str, tuple[int, int, int]]]:
    return {
        2021: {"child_marriages": (10, 6, 4), "child_marriages_prev": (12, 6, 5)},
        2022: {"child_marriages": (9, 6, 3), "child_marriages_prev": prev_2022},
        2023: {"child_marriages": (8, 6, 3), "child_marriages_prev": prev_2023},
    }


def test_prev_replaced_by_last_years_figure_with_a_warning(tmp_path: Path) -> None:
    """2022 Ia Đal says prev 11 but 2021 loaded says 10: 10 is used, the warning names both."""
    paths = write_years(tmp_path / "in", marriages((11, 6, 4), (9, 6, 3)))
    result = rollup(paths)
    warned = of_type(result, "prev-disagrees")
    assert [(p.severity, p.params) for p in warned] == [
        ("warning", {"unit": "Ia Đal", "year": 2022, "own": 11, "last": 10})]
    for lang in ("vi", "en"):
        text = warned[0].message(lang)
        assert all(part in text for part in ("Ia Đal", "2022", "11", "10")), text
    v = trend(result, "13").by_year[2022]
    assert (v.numerator, v.denominator, v.value) == (18, 20, Fraction(10))


def test_prev_disagreements_in_two_years_are_each_warned(tmp_path: Path) -> None:
    """Disagreements in 2022 (Ia Dom) and 2023 (Ia Tơi) give one warning each."""
    paths = write_years(tmp_path / "in", marriages((10, 7, 4), (9, 6, 5)))
    result = rollup(paths)
    assert sorted((p.params["year"], p.params["unit"], p.params["own"], p.params["last"])
                  for p in of_type(result, "prev-disagrees")) == [
        (2022, "Ia Dom", 7, 6), (2023, "Ia Tơi", 5, 3)]
    by_year = trend(result, "13").by_year
    assert [by_year[y].denominator for y in (2022, 2023)] == [20, 18]


@pytest.mark.parametrize(
    ("years", "denominator", "warned"),
    [
        # 2022 loaded: 2023 Ia Tơi's own prev 4 is replaced by 2022's 3, with a warning
        ((2021, 2022, 2023), 18, 1),
        # 2022 not loaded: 2023's own prev (9 + 6 + 4) is used, and nothing disagrees
        ((2021, 2023), 19, 0),
        ((2023,), 19, 0),
    ],
)
def test_own_prev_is_used_where_last_year_is_not_loaded(
    tmp_path: Path, years: tuple[int, ...], denominator: int, warned: int
) -> None:
    """Only the year just before counts as last year; otherwise the submission's own prev."""
    data = marriages((10, 6, 4), (9, 6, 4))
    paths = write_years(tmp_path / "in", {y: data[y] for y in years})
    result = rollup(paths)
    v = trend(result, "13").by_year[2023]
    assert (v.numerator, v.denominator, v.value) == (
        17, denominator, Fraction(denominator - 17, denominator) * 100)
    assert len(of_type(result, "prev-disagrees")) == warned


def test_2021_uses_its_own_prev(three_years: list[Path]) -> None:
    """The first year loaded has no year before it: its own prev (12 + 6 + 5 = 23) is used."""
    v = trend(rollup(three_years), "13").by_year[2021]
    assert (v.numerator, v.denominator, v.value) == (20, 23, Fraction(300, 23))


def test_prev_filled_in_where_the_submission_gave_none(tmp_path: Path) -> None:
    """A 2022 form without child_marriages_prev gets 2021's figure, with no warning."""
    data = marriages((10, 6, 4), (9, 6, 3))
    data[2022] = {"child_marriages": (9, 6, 3)}
    result = rollup(write_years(tmp_path / "in", data))
    v = trend(result, "13").by_year[2022]
    assert (v.numerator, v.denominator, v.units_missing) == (18, 20, ())
    assert of_type(result, "prev-disagrees") == []


def test_own_prev_where_last_year_has_no_figure_for_that_unit(tmp_path: Path) -> None:
    """Ia Tơi reported no child_marriages in 2021: its 2022 own prev (7) stands."""
    data = marriages((10, 6, 7), (9, 6, 3))
    data[2021] = {"child_marriages": (10, 6, None), "child_marriages_prev": (12, 6, None)}
    result = rollup(write_years(tmp_path / "in", data))
    v = trend(result, "13").by_year[2022]
    assert (v.numerator, v.denominator) == (18, 23)
    assert of_type(result, "prev-disagrees") == []


# --- merged units ------------------------------------------------------------------------------


@pytest.fixture
def merged_plan(tmp_path: Path) -> Path:
    """The 2023 plan after Ia Dom and Ia Tơi merged into Ia Tơi (mới)."""
    return plan_file(tmp_path / "plan_2023_merged.yaml", 2023, units=["Ia Đal", NEW_UNIT],
                     merged={NEW_UNIT: ["Ia Dom", "Ia Tơi"]})


MERGED_2022 = {  # Ia Đal, Ia Dom, Ia Tơi
    "u5_weighed": (100, 150, 150), "u5_stunted": (40, 50, 70),
    "child_friendly_commune": (0, 1, 1),
    "child_marriages": (5, 3, 4),
}
MERGED_2023 = {  # Ia Đal, Ia Tơi (mới)
    "u5_weighed": (100, 300), "u5_stunted": (30, 90),
    "child_friendly_commune": (1, 0),
    "child_marriages": (4, 6), "child_marriages_prev": (5, 7),
}


def merged_submissions(folder: Path, before: Mapping[str, tuple[int | None, ...]] = MERGED_2022,
                       ) -> list[Path]:
    return (write_years(folder, {2022: before})
            + write_years(folder, {2023: MERGED_2023}, units=("Ia Đal", NEW_UNIT)))


@pytest.mark.parametrize("with_2022_plan", [True, False])
def test_merged_units_sum_the_old_units(
    tmp_path: Path, merged_plan: Path, with_2022_plan: bool
) -> None:
    """2022's Ia Dom and Ia Tơi count as Ia Tơi (mới): ratio sums unchanged, 1 over 2 units."""
    plans = [load_plan(), merged_plan] if with_2022_plan else [merged_plan]
    result = rollup(merged_submissions(tmp_path / "in"), plans=plans)
    assert result.years == [2022, 2023]
    b4 = trend(result, "4b").by_year
    assert [(b4[y].numerator, b4[y].denominator, b4[y].value, b4[y].units_missing)
            for y in (2022, 2023)] == [(160, 400, Fraction(40), ()), (120, 400, Fraction(30), ())]
    one = trend(result, "1")
    # As it was: 2022 had Ia Đal 0, Ia Dom 1, Ia Tơi 1 -> 2 of 3 communes.
    assert [(one.by_year[y].numerator, one.by_year[y].denominator, one.by_year[y].value)
            for y in (2022, 2023)] == [(2, 3, Fraction(2)), (1, 2, Fraction(1))]
    # Like with like: Ia Tơi (mới) = Ia Dom 1 and Ia Tơi 1 -> 1 of 2 units in 2022 too.
    assert [(one.comparable[y].numerator, one.comparable[y].denominator,
             one.comparable[y].value) for y in (2022, 2023)] == [
        (1, 2, Fraction(1)), (1, 2, Fraction(1))]
    assert trend(result, "1").change == "unchanged"
    assert trend(result, "4b").change == "better"
    assert [p for p in result.problems if p.severity == "error"] == []


def test_merged_units_notice_says_so(tmp_path: Path, merged_plan: Path) -> None:
    """One units-merged notice: 2022's Ia Dom, Ia Tơi added up as Ia Tơi (mới), merged 2023."""
    result = rollup(merged_submissions(tmp_path / "in"), plans=[load_plan(), merged_plan])
    notices = of_type(result, "units-merged")
    assert [(p.severity, p.params) for p in notices] == [
        ("notice", {"year": 2022, "new": NEW_UNIT, "old": "Ia Dom, Ia Tơi", "since": 2023})]
    for lang in ("vi", "en"):
        text = notices[0].message(lang)
        assert all(name in text for name in ("Ia Dom", "Ia Tơi", NEW_UNIT, "2022", "2023"))


def test_merged_units_chain_the_marriages(tmp_path: Path, merged_plan: Path) -> None:
    """2023 Ia Tơi (mới)'s prev is 2022's Ia Dom + Ia Tơi (3 + 4 = 7): agrees, no warning."""
    result = rollup(merged_submissions(tmp_path / "in"), plans=[load_plan(), merged_plan])
    v = trend(result, "13").by_year[2023]
    # (5 + 7 - (4 + 6)) / 12 x 100
    assert (v.numerator, v.denominator, v.value) == (10, 12, Fraction(50, 3))
    assert of_type(result, "prev-disagrees") == []


def test_merged_units_chain_warns_against_the_summed_figure(
    tmp_path: Path, merged_plan: Path
) -> None:
    """A 2023 prev of 8 for Ia Tơi (mới) disagrees with the summed 7: warned, 7 used."""
    paths = merged_submissions(tmp_path / "in")
    write_form(paths[-1], NEW_UNIT, {"u5_weighed": 300, "u5_stunted": 90,
                                     "child_friendly_commune": 0, "child_marriages": 6,
                                     "child_marriages_prev": 8}, year=2023)
    result = rollup(paths, plans=[load_plan(), merged_plan])
    assert [p.params for p in of_type(result, "prev-disagrees")] == [
        {"unit": NEW_UNIT, "year": 2023, "own": 8, "last": 7}]
    assert trend(result, "13").by_year[2023].denominator == 12


def test_merged_unit_short_of_an_old_units_figure_is_missing(
    tmp_path: Path, merged_plan: Path
) -> None:
    """Ia Tơi gave no u5_stunted in 2022: the merged sum would be short, so it is left out."""
    before = {**MERGED_2022, "u5_stunted": (40, 50, None)}
    result = rollup(merged_submissions(tmp_path / "in", before), plans=[load_plan(), merged_plan])
    four_b = trend(result, "4b")
    v = four_b.comparable[2022]
    assert (v.numerator, v.denominator, v.units_missing) == (40, 100, (NEW_UNIT,))
    as_it_was = four_b.by_year[2022]  # the year's own result: over the two that reported
    assert (as_it_was.numerator, as_it_was.denominator, as_it_was.units_missing) == (
        90, 250, ("Ia Tơi",))


def test_merged_flags_that_disagree_are_left_out(tmp_path: Path, merged_plan: Path) -> None:
    """Ia Dom has a play venue in 2022 and Ia Tơi none: the merged unit's flag is not known."""
    before = {**MERGED_2022, "play_venue_commune": (1, 1, 0)}
    result = rollup(merged_submissions(tmp_path / "in", before), plans=[load_plan(), merged_plan])
    v = trend(result, "21").comparable[2022]
    assert (v.numerator, v.denominator, v.units_missing) == (1, 2, (NEW_UNIT,))
    assert trend(result, "21").by_year[2022].numerator == 2  # 2022 as it was: 2 of 3


def test_no_merge_notice_without_a_merge(three_years: list[Path], plan_2023: Path) -> None:
    """Plans without merged: no units-merged notice, three units every year."""
    result = rollup(three_years, plans=[load_plan(), plan_2023])
    assert of_type(result, "units-merged") == []
    assert {t.by_year[y].denominator for t in result.trends if t.target.id == "1"
            for y in result.years} == {3}


def test_submission_of_a_merged_away_unit_after_the_merge_is_reported(
    tmp_path: Path, merged_plan: Path
) -> None:
    """A 2023 form from Ia Dom (merged into Ia Tơi (mới) in 2023) is not silently dropped."""
    paths = merged_submissions(tmp_path / "in")
    stray = write_form(tmp_path / "in" / "dom_2023.xlsx", "Ia Dom",
                       {"u5_weighed": 50, "u5_stunted": 20}, year=2023)
    result = rollup([*paths, stray], plans=[load_plan(), merged_plan])
    assert trend(result, "4b").by_year[2023].denominator == 400
    assert [p.type for p in result.problems if p.file == str(stray) and p.severity == "error"], (
        [(p.type, p.file) for p in result.problems])

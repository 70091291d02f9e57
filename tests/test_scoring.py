"""Per-unit breakdown, summed counts, and assemble(): merging and the plan's rules."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction as F
from pathlib import Path

import pytest

from kh_treem.formatting import number
from kh_treem.intake import Submission
from kh_treem.pipeline import score
from kh_treem.plan import Plan
from kh_treem.problems import Problem, counted
from kh_treem.scoring import Breakdown, Outcome, score_plan, summed_counts
from kh_treem.validation import assemble
from tests.forms import value_cell, write_form

UNITS = ("Ia Đal", "Ia Dom", "Ia Tơi")
DEATHS = ("neonatal_deaths", "infant_deaths", "under5_deaths")
CHILDREN_CHAIN = ("children_u1", "children_u5", "children_0_8", "children_total")


def sub(
    unit: str,
    values: Mapping[str, int],
    *,
    file: str = "a.xlsx",
    sheet: str = "Sheet1",
    year: int | None = 2022,
) -> Submission:
    """A submission as intake would read it from a layout-A form."""
    return Submission(file, sheet, unit, year, "E2" if year is not None else None,
                      tuple(values), tuple(values.values()), tuple(map(value_cell, values)))


def of_type(problems: list[Problem], kind: str) -> list[Problem]:
    return [p for p in problems if p.type == kind]


def outcome(plan: Plan, counts: Mapping[str, Mapping[str, int]], tid: str) -> Outcome:
    return next(o for o in score_plan(plan, counts) if o.target.id == tid)


# --- Breakdown --------------------------------------------------------------------------------


def test_breakdown_excludes_counts_of_communes(plan: Plan) -> None:
    """The per-unit breakdown scores every target but 1 and 21, for each unit, in plan order."""
    counts = {u: {"live_births": 100} for u in reversed(UNITS)}
    by_unit = Breakdown(plan, counts)
    assert list(by_unit) == list(UNITS)
    expected_ids = [t.id for t in plan.targets if t.id not in ("1", "21")]
    assert len(expected_ids) == 31
    for outcomes in by_unit.values():
        assert [o.target.id for o in outcomes] == expected_ids


def test_breakdown_leaves_out_units_without_figures(plan: Plan) -> None:
    """A unit absent from the counts has no row in the breakdown."""
    by_unit = Breakdown(plan, {"Ia Dom": {"child_labourers": 0}})
    assert list(by_unit) == ["Ia Dom"]


def test_breakdown_statuses_per_unit(plan: Plan) -> None:
    """Each unit is judged on its own figures: 8a met, not met and not applicable side by side."""
    counts = {
        "Ia Đal": {"special_children": 5, "children_total": 200},
        "Ia Dom": {"special_children": 6, "children_total": 200},
        "Ia Tơi": {"special_children": 0, "children_total": 0},
    }
    by_unit = Breakdown(plan, counts)
    rows = {u: next(o for o in by_unit[u] if o.target.id == "8a") for u in UNITS}
    assert (rows["Ia Đal"].value, rows["Ia Đal"].status) == (F(5, 2), "met")
    assert (rows["Ia Dom"].value, rows["Ia Dom"].status) == (F(3), "not_met")
    assert (rows["Ia Tơi"].value, rows["Ia Tơi"].status) == (None, "not_applicable")
    for unit, row in rows.items():
        assert row.units_reporting == (unit,)
        assert row.units_missing == ()
    district = outcome(plan, counts, "8a")
    assert (district.numerator, district.denominator) == (11, 400)
    assert (district.value, district.status) == (F(11, 4), "met")


def test_breakdown_no_data_for_a_blank_unit(plan: Plan) -> None:
    """A unit that left a target's figures blank is no_data for it and names itself missing."""
    by_unit = Breakdown(plan, {"Ia Dom": {"child_labourers": 2}, "Ia Tơi": {"schools": 3}})
    labour = next(o for o in by_unit["Ia Tơi"] if o.target.id == "10")
    assert (labour.status, labour.numerator, labour.units_missing) == ("no_data", None, ("Ia Tơi",))
    dom = next(o for o in by_unit["Ia Dom"] if o.target.id == "10")
    assert (dom.numerator, dom.denominator, dom.value, dom.status) == (2, None, F(2), "not_met")


# --- summed_counts ----------------------------------------------------------------------------


def test_summed_counts_none_when_nobody_reported(plan: Plan) -> None:
    """An element no unit reported sums to None with 0 units, never to 0."""
    sums = summed_counts(plan, {"Ia Dom": {"live_births": 10}})
    assert sums["child_labourers"] == (None, 0)
    assert list(sums) == [e.code for e in plan.elements]


def test_summed_counts_sums_reporting_units(plan: Plan) -> None:
    """Reported zeros count as reported; the sum runs over the units that gave the element."""
    counts = {
        "Ia Đal": {"live_births": 100, "child_labourers": 0},
        "Ia Dom": {"live_births": 50},
        "Ia Tơi": {"child_labourers": 0},
    }
    sums = summed_counts(plan, counts)
    assert sums["live_births"] == (150, 2)
    assert sums["child_labourers"] == (0, 2)
    assert sums["schools"] == (None, 0)


def test_summed_counts_ignores_units_outside_the_plan(plan: Plan) -> None:
    """Figures under a name that is not one of the plan's units are not added."""
    sums = summed_counts(plan, {"Ia Dom": {"schools": 4}, "Ia Grai": {"schools": 9}})
    assert sums["schools"] == (4, 1)


# --- assemble: the plan's rules ---------------------------------------------------------------


def deaths(neonatal: int, infant: int, under5: int, births: int) -> dict[str, int]:
    return {"neonatal_deaths": neonatal, "infant_deaths": infant, "under5_deaths": under5,
            "live_births": births}


def test_rule_broken_is_an_error_naming_unit_and_cells(plan: Plan) -> None:
    """neonatal > infant in one unit is a rule-broken error naming the unit, values and cells."""
    subs = [sub("Ia Đal", deaths(1, 2, 3, 100), file="dal.xlsx"),
            sub("Ia Dom", deaths(5, 3, 7, 200), file="dom.xlsx"),
            sub("Ia Tơi", deaths(0, 1, 1, 100), file="toi.xlsx")]
    problems = assemble(subs, plan).problems
    assert [p.type for p in problems] == ["rule-broken"]
    broken = problems[0]
    assert broken.severity == "error"
    assert (broken.file, broken.cell, broken.code) == (
        "dom.xlsx", value_cell("neonatal_deaths"), "neonatal_deaths")
    assert broken.params["unit"] == "Ia Dom"
    assert (broken.params["left"], broken.params["left_value"]) == ("neonatal_deaths", 5)
    assert (broken.params["right"], broken.params["right_value"]) == ("infant_deaths", 3)
    assert broken.params["left_cell"] == value_cell("neonatal_deaths") == "E15"
    assert broken.params["right_cell"] == value_cell("infant_deaths") == "E16"
    assert broken.params["elements"] == "neonatal_deaths, infant_deaths, under5_deaths"
    assert list(DEATHS) in plan.rules
    # The officer reads the figures by the plan's labels, the codes after them.
    assert broken.message("vi") == (
        "Ia Dom: “Số trẻ sơ sinh tử vong” (neonatal_deaths) = 5 (ô E15) lớn hơn “Số trẻ em"
        " dưới 1 tuổi tử vong” (infant_deaths) = 3 (ô E16), điều không thể có; không dùng các"
        " số liệu “Số trẻ sơ sinh tử vong”, “Số trẻ em dưới 1 tuổi tử vong”, “Số trẻ em dưới"
        " 5 tuổi tử vong” của xã này")
    assert broken.message("en").startswith(
        "Ia Dom: “Neonatal deaths” (neonatal_deaths) = 5 (cell E15) is greater than “Deaths"
        " under 1” (infant_deaths) = 3 (cell E16)")


def test_rule_broken_drops_the_whole_chain(plan: Plan) -> None:
    """Every element of the broken rule is dropped for that unit, so 3a, 3b, 3c miss it."""
    subs = [sub("Ia Đal", deaths(1, 2, 3, 100), file="dal.xlsx"),
            sub("Ia Dom", deaths(5, 3, 7, 200), file="dom.xlsx"),
            sub("Ia Tơi", deaths(0, 1, 1, 100), file="toi.xlsx")]
    assembled = assemble(subs, plan)
    assert set(assembled.figures["Ia Dom"]) == {"live_births"}
    assert set(assembled.figures["Ia Đal"]) == {*DEATHS, "live_births"}
    counts = assembled.figures
    expected = {"3a": (1, F(5)), "3b": (3, F(15)), "3c": (4, F(20))}
    for tid, (numerator, value) in expected.items():
        out = outcome(plan, counts, tid)
        assert out.units_missing == ("Ia Dom",), tid
        assert out.units_reporting == ("Ia Đal", "Ia Tơi"), tid
        assert (out.numerator, out.denominator, out.value) == (numerator, 200, value), tid


def test_rule_broken_across_files_names_the_other_file(plan: Plan) -> None:
    """A break between two files of one unit gives the right-hand cell with its file and sheet."""
    subs = [sub("Ia Dom", {"neonatal_deaths": 5}, file="tram_y_te.xlsx"),
            sub("Ia Dom", {"infant_deaths": 3, "under5_deaths": 9}, file="uy_ban.xlsx")]
    broken = of_type(assemble(subs, plan).problems, "rule-broken")
    assert len(broken) == 1
    assert broken[0].params["left_cell"] == "E15"
    assert broken[0].params["right_cell"] == "uy_ban.xlsx › Sheet1 › E16"


@pytest.mark.parametrize(
    ("tid", "status", "value"),
    [
        pytest.param("2", "no_data", None, id="2-children_0_8"),
        pytest.param("5a", "no_data", None, id="5a-children_u1"),
        pytest.param("5b", "no_data", None, id="5b-children_u5"),
        pytest.param("8a", "no_data", None, id="8a-children_total"),
        pytest.param("11a", "no_data", None, id="11a-children_total"),
        pytest.param("16", "met", F(100), id="16-children_age5-kept"),
        pytest.param("23", "no_data", None, id="23-children_total"),
        pytest.param("8b", "met", F(90), id="8b-special_children-kept"),
        pytest.param("22", "met", F(30), id="22-children_7plus-kept"),
    ],
)
def test_long_chain_break_drops_all_its_elements(
    plan: Plan, tid: str, status: str, value: F | None
) -> None:
    """children_0_8 > children_total drops all four counts of its chain, nothing outside it."""
    figures = {
        "children_u1": 20, "children_u5": 90, "children_0_8": 600, "children_total": 500,
        "children_0_8_served": 80, "u1_fully_immunized": 19, "u5_fully_vaccinated": 88,
        "special_children": 10, "special_children_supported": 9, "injured_children": 2,
        "children_age5": 18, "age5_in_preschool": 18, "children_aware": 400,
        "children_7plus": 200, "children_7plus_consulted": 60,
    }
    assembled = assemble([sub("Ia Dom", figures)], plan)
    broken = of_type(assembled.problems, "rule-broken")
    assert [(p.params["left"], p.params["right"]) for p in broken] == [
        ("children_0_8", "children_total")]
    assert broken[0].params["elements"] == ", ".join(CHILDREN_CHAIN)
    assert not set(CHILDREN_CHAIN) & set(assembled.figures["Ia Dom"])
    out = outcome(plan, assembled.figures, tid)
    assert (out.status, out.value) == (status, value)
    assert out.units_reporting == (() if status == "no_data" else ("Ia Dom",))


def test_rule_broken_at_file_level(tmp_path: Path, plan: Plan) -> None:
    """From workbooks, a broken rule names the file and cells and empties 3a-3c for that unit."""
    paths = [
        write_form(tmp_path / "dal.xlsx", "Ia Đal", deaths(1, 2, 3, 100)),
        write_form(tmp_path / "dom.xlsx", "Ia Dom", deaths(5, 3, 7, 200)),
        write_form(tmp_path / "toi.xlsx", "Ia Tơi", deaths(0, 1, 1, 100)),
    ]
    result = score(paths, plan)
    broken = of_type(result.problems, "rule-broken")
    assert len(broken) == 1
    assert broken[0].file == str(paths[1])
    assert (broken[0].params["left_cell"], broken[0].params["right_cell"]) == ("E15", "E16")
    rows = {row["id"]: row for row in result.to_dict("en")["indicators"]}
    for tid in ("3a", "3b", "3c"):
        assert rows[tid]["units_missing"] == ["Ia Dom"]
        assert rows[tid]["denominator"] == 200
    assert result.has_errors


# --- assemble: merging submissions ------------------------------------------------------------


def test_same_value_twice_is_used_once(plan: Plan) -> None:
    """The same figure in two files of one unit counts once, with a value-repeated notice."""
    subs = [sub("Ia Dom", {"live_births": 100, "neonatal_deaths": 1}, file="tram_y_te.xlsx"),
            sub("Ia Dom", {"live_births": 100, "infant_deaths": 2}, file="uy_ban.xlsx"),
            sub("Ia Đal", {"live_births": 50}), sub("Ia Tơi", {"live_births": 50})]
    assembled = assemble(subs, plan)
    repeated = of_type(assembled.problems, "value-repeated")
    assert len(repeated) == 1
    assert repeated[0].severity == "notice"
    assert repeated[0].code == "live_births"
    assert repeated[0].params["value"] == 100
    assert {repeated[0].file, repeated[0].params["other"].split(" › ")[0]} == {
        "tram_y_te.xlsx", "uy_ban.xlsx"}
    assert not [p for p in assembled.problems if p.severity == "error"]
    dom = assembled.figures["Ia Dom"]
    assert dom == {
        "live_births": 100, "neonatal_deaths": 1, "infant_deaths": 2}
    counts = assembled.figures
    assert summed_counts(plan, counts)["live_births"] == (200, 3)
    out = outcome(plan, counts, "3b")
    assert (out.numerator, out.denominator, out.value) == (2, 100, F(20))


def test_different_values_are_a_conflict(plan: Plan) -> None:
    """Two values for one figure of a unit: value-conflict error, the figure not reported."""
    subs = [sub("Ia Dom", {"live_births": 100, "neonatal_deaths": 1}, file="tram_y_te.xlsx"),
            sub("Ia Dom", {"live_births": 120, "infant_deaths": 2}, file="uy_ban.xlsx"),
            sub("Ia Đal", {"live_births": 50, "infant_deaths": 1}),
            sub("Ia Tơi", {"live_births": 50, "infant_deaths": 0})]
    assembled = assemble(subs, plan)
    conflicts = of_type(assembled.problems, "value-conflict")
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict.severity == "error"
    assert conflict.code == "live_births"
    assert conflict.params["unit"] == "Ia Dom"
    assert {conflict.params["value"], conflict.params["other_value"]} == {100, 120}
    other_file, _, other_cell = conflict.params["other"].split(" › ")
    assert {conflict.file, other_file} == {"tram_y_te.xlsx", "uy_ban.xlsx"}
    assert conflict.cell == other_cell == value_cell("live_births")
    assert conflict.params["other"] in conflict.message("en")
    dom = assembled.figures["Ia Dom"]
    assert dom == {"neonatal_deaths": 1, "infant_deaths": 2}
    counts = assembled.figures
    assert summed_counts(plan, counts)["live_births"] == (100, 2)
    out = outcome(plan, counts, "3b")
    assert out.units_missing == ("Ia Dom",)
    assert (out.numerator, out.denominator, out.value) == (1, 100, F(10))


@pytest.mark.parametrize(("files", "listed", "more"), [(4, 3, 0), (5, 3, 1), (3_301, 3, 3_297)])
def test_past_three_conflicting_values_the_others_are_counted(
    plan: Plan, files: int, listed: int, more: int
) -> None:
    """A figure given with many values (a province's table read as one commune's) lists
    three conflicts and counts the others in one error, which counts for all of them."""
    subs = [sub("Ia Dom", {"live_births": 100 + i}, file=f"{i:04}.xlsx") for i in range(files)]
    problems = assemble(subs, plan).problems
    assert len(of_type(problems, "value-conflict")) == min(files - 1, listed)
    rest = of_type(problems, "value-conflicts-more")
    assert [(p.stands_for, p.file, p.code) for p in rest] == (
        [(more, "0004.xlsx", "live_births")] if more else [])
    assert counted(problems, "error") == files - 1
    if more:
        assert rest[0].message("vi") == (
            f"Ia Dom: còn {number(more, 0, 'vi')} giá trị nữa khác với giá trị ở 0000.xlsx ›"
            f" Sheet1 › {value_cell('live_births')}, không liệt kê ra; không dùng số liệu này")


def test_other_year_is_an_error_and_not_used(plan: Plan) -> None:
    """A submission of another year is a year-other error and none of its figures count."""
    subs = [sub("Ia Dom", {"live_births": 90}, file="2021.xlsx", year=2021),
            sub("Ia Dom", {"neonatal_deaths": 1}, file="2022.xlsx")]
    assembled = assemble(subs, plan)
    other = of_type(assembled.problems, "year-other")
    assert len(other) == 1
    assert other[0].severity == "error"
    assert other[0].file == "2021.xlsx"
    assert (other[0].params["found"], other[0].params["year"]) == (2021, 2022)
    assert not of_type(assembled.problems, "value-conflict")
    assert set(assembled.figures["Ia Dom"]) == {"neonatal_deaths"}


def test_other_year_alone_leaves_the_unit_unreported(plan: Plan) -> None:
    """A unit whose only submission is of another year is reported as missing."""
    subs = [sub("Ia Dom", {"live_births": 90}, year=2021),
            sub("Ia Đal", {"live_births": 9}), sub("Ia Tơi", {"live_births": 9})]
    assembled = assemble(subs, plan)
    assert "Ia Dom" not in assembled.figures
    assert [p.params["unit"] for p in of_type(assembled.problems, "unit-not-reported")] == [
        "Ia Dom"]


def test_missing_year_is_a_notice_and_used(plan: Plan) -> None:
    """A submission without a year is taken as the plan's year, with a year-missing notice."""
    assembled = assemble([sub("Ia Dom", {"live_births": 90}, year=None)], plan)
    missing = of_type(assembled.problems, "year-missing")
    assert len(missing) == 1
    assert missing[0].severity == "notice"
    assert missing[0].params["year"] == 2022
    assert assembled.figures["Ia Dom"]["live_births"] == 90


def test_unit_without_submission_is_a_warning(plan: Plan) -> None:
    """An expected unit with no submission gets a unit-not-reported warning naming it."""
    subs = [sub("Ia Đal", {"live_births": 9}), sub("Ia Tơi", {"live_births": 9})]
    assembled = assemble(subs, plan)
    warnings = of_type(assembled.problems, "unit-not-reported")
    assert [(p.severity, p.params["unit"]) for p in warnings] == [("warning", "Ia Dom")]
    assert list(assembled.figures) == ["Ia Đal", "Ia Tơi"]
    out = outcome(plan, assembled.figures, "3a")
    assert out.units_missing == UNITS


def test_unit_whose_sheet_has_no_figure_is_not_reported(plan: Plan) -> None:
    """A commune's row left blank (or all its values rejected) is no report: the warning stays,
    and the commune has no figures and no breakdown of its own."""
    subs = [sub("Ia Đal", {"live_births": 9}), sub("Ia Dom", {}, file="bang.xlsx"),
            sub("Ia Tơi", {"live_births": 9})]
    assembled = assemble(subs, plan)
    warnings = of_type(assembled.problems, "unit-not-reported")
    assert [p.params["unit"] for p in warnings] == ["Ia Dom"]
    assert list(assembled.figures) == ["Ia Đal", "Ia Tơi"]
    assert list(Breakdown(plan, assembled.figures)) == ["Ia Đal", "Ia Tơi"]


def test_blank_row_of_a_district_table_is_not_reported(tmp_path: Path, plan: Plan) -> None:
    """A district table (CSV) whose row for a commune is empty: that commune is not reported."""
    table = tmp_path / "huyen.csv"
    table.write_text("Xã,Năm,live_births,children_u1\nIa Dom,2022,5,4\nIa Tơi,2022,,\n"
                     "Ia Đal,2022,3,2\n", encoding="utf-8")
    result = score([table], plan)
    assert [p.params["unit"] for p in result.problems if p.type == "unit-not-reported"] == [
        "Ia Tơi"]
    assert list(result.by_unit) == ["Ia Đal", "Ia Dom"]
    assert result.units_reporting == ["Ia Đal", "Ia Dom"]


def test_figures_follow_the_plan_order(plan: Plan) -> None:
    """Assembled units come in the plan's order whatever order the submissions had."""
    subs = [sub(u, {"schools": 1}, file=f"{u}.xlsx") for u in reversed(UNITS)]
    assembled = assemble(subs, plan)
    assert list(assembled.figures) == list(UNITS)
    assert assembled.problems == []

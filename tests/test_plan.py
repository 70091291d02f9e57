"""The plan file: the bundled 2022 plan against PLAN_2022.md, and broken plans.

The spec's tables are copied here by hand, never read back from the plan file, so
that a change to ``targets/plan_2022.yaml`` that breaks the public contract fails.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from kh_treem.plan import (
    DEFAULT_PLAN,
    Direction,
    Measure,
    Plan,
    PlanError,
    Target,
    load_plan,
)

PLAN_FILE = Path(__file__).resolve().parents[1] / "targets" / DEFAULT_PLAN

# PLAN_2022.md, "The 33 targets": id, goal, numerator, denominator, unit, direction, target.
# Targets 1 and 21 count communes (#units: no denominator element), 10 has no denominator,
# 13 is the reduction of child_marriages against child_marriages_prev.
SPEC_TARGETS: list[tuple[str, int, str, str | None, str, str, str]] = [
    ("1", 1, "child_friendly_commune", None, "communes", "at_least", "2"),
    ("2", 1, "children_0_8_served", "children_0_8", "%", "at_least", "87"),
    ("3a", 1, "neonatal_deaths", "live_births", "‰", "below", "9.8"),
    ("3b", 1, "infant_deaths", "live_births", "‰", "at_most", "32.2"),
    ("3c", 1, "under5_deaths", "live_births", "‰", "below", "50"),
    ("4a", 1, "u5_underweight", "u5_weighed", "%", "below", "18"),
    ("4b", 1, "u5_stunted", "u5_weighed", "%", "at_most", "32.5"),
    ("5a", 1, "u1_fully_immunized", "children_u1", "%", "at_least", "97"),
    ("5b", 1, "u5_fully_vaccinated", "children_u5", "%", "at_least", "98"),
    ("6", 1, "hiv_infected_infants", "hiv_exposed_infants", "%", "at_most", "1"),
    ("7", 1, "schools_sanitation_ok", "schools", "%", "at_least", "100"),
    ("8a", 2, "special_children", "children_total", "%", "below", "3"),
    ("8b", 2, "special_children_supported", "special_children", "%", "at_least", "90"),
    ("9", 2, "abused_children", "children_total", "%", "below", "0.04"),
    ("10", 2, "child_labourers", None, "persons", "at_most", "0"),
    ("11a", 2, "injured_children", "children_total", "/100.000", "at_most", "513"),
    ("11b", 2, "injury_deaths", "children_total", "/100.000", "at_most", "16"),
    ("12", 2, "disaster_children_assisted", "disaster_children", "%", "at_least", "100"),
    ("13", 2, "child_marriages", "child_marriages_prev", "%", "at_least", "2"),
    ("14", 2, "u5_birth_registered", "children_u5", "%", "at_least", "98.5"),
    ("15", 3, "u5_on_track", "children_u5", "%", "at_least", "99"),
    ("16", 3, "age5_in_preschool", "children_age5", "%", "at_least", "100"),
    ("17a", 3, "grade5_completed", "grade5_pupils", "%", "at_least", "100"),
    ("17b", 3, "primary_dropouts", "primary_pupils", "%", "at_most", "0"),
    ("18a", 3, "grade9_completed", "grade9_pupils", "%", "at_least", "88"),
    ("18b", 3, "lowersec_dropouts", "lowersec_pupils", "%", "below", "0.5"),
    ("19", 3, "schools_counselling", "schools", "%", "at_least", "95"),
    ("20a", 3, "schools_disability_ready", "schools", "%", "at_least", "55"),
    ("20b", 3, "disabled_children_included", "disabled_children_needing", "%", "at_least",
     "80"),
    ("21", 3, "play_venue_commune", None, "communes", "at_least", "1"),
    ("22", 4, "children_7plus_consulted", "children_7plus", "%", "at_least", "30"),
    ("23", 4, "children_aware", "children_total", "%", "at_least", "85"),
    ("24", 4, "children_11plus_participating", "children_11plus", "%", "at_least", "66.7"),
]
SPEC_IDS = [row[0] for row in SPEC_TARGETS]

# PLAN_2022.md, "Data elements": code and kind, in the table's order.
SPEC_ELEMENTS: list[tuple[str, str]] = [
    ("children_total", "count"), ("children_0_8", "count"), ("children_u5", "count"),
    ("children_u1", "count"), ("children_age5", "count"), ("children_7plus", "count"),
    ("children_11plus", "count"), ("live_births", "count"),
    ("child_friendly_commune", "flag"), ("children_0_8_served", "count"),
    ("neonatal_deaths", "count"), ("infant_deaths", "count"), ("under5_deaths", "count"),
    ("u5_weighed", "count"), ("u5_underweight", "count"), ("u5_stunted", "count"),
    ("u1_fully_immunized", "count"), ("u5_fully_vaccinated", "count"),
    ("hiv_exposed_infants", "count"), ("hiv_infected_infants", "count"), ("schools", "count"),
    ("schools_sanitation_ok", "count"), ("special_children", "count"),
    ("special_children_supported", "count"), ("abused_children", "count"),
    ("child_labourers", "count"), ("injured_children", "count"), ("injury_deaths", "count"),
    ("disaster_children", "count"), ("disaster_children_assisted", "count"),
    ("child_marriages", "count"), ("child_marriages_prev", "count"),
    ("u5_birth_registered", "count"), ("u5_on_track", "count"),
    ("age5_in_preschool", "count"), ("grade5_pupils", "count"), ("grade5_completed", "count"),
    ("primary_pupils", "count"), ("primary_dropouts", "count"), ("grade9_pupils", "count"),
    ("grade9_completed", "count"), ("lowersec_pupils", "count"),
    ("lowersec_dropouts", "count"), ("schools_counselling", "count"),
    ("schools_disability_ready", "count"), ("disabled_children_needing", "count"),
    ("disabled_children_included", "count"), ("play_venue_commune", "flag"),
    ("children_7plus_consulted", "count"), ("children_aware", "count"),
    ("children_11plus_participating", "count"),
]

# PLAN_2022.md, "Rules": N <= D for every % target but 13, and the chains listed there.
SPEC_RULES: list[list[str]] = [
    [n, d]
    for (_, _, n, d, unit, _, _) in SPEC_TARGETS
    if unit == "%" and d and n != "child_marriages"
] + [
    ["neonatal_deaths", "infant_deaths", "under5_deaths"],
    ["children_u1", "children_u5", "children_0_8", "children_total"],
    ["u5_weighed", "children_u5"],
    ["children_age5", "children_0_8"],
    ["children_11plus", "children_7plus", "children_total"],
    ["injury_deaths", "injured_children", "children_total"],
    ["grade5_pupils", "primary_pupils"],
    ["grade9_pupils", "lowersec_pupils"],
]


@pytest.fixture(scope="module")
def bundled() -> Plan:
    return load_plan()


def test_bundled_plan_sizes(bundled: Plan) -> None:
    """The bundled plan has 51 elements, 33 targets, 4 goals, 3 units and 32 rules."""
    assert (len(bundled.elements), len(bundled.targets), len(bundled.goals),
            len(bundled.units), len(bundled.rules)) == (51, 33, 4, 3, 32)


def test_bundled_plan_identity(bundled: Plan) -> None:
    """The bundled plan is the 2022 plan of Ia H’Drai with its three communes."""
    assert (bundled.id, bundled.year) == ("ia-hdrai-2022", 2022)
    assert bundled.units == ["Ia Đal", "Ia Dom", "Ia Tơi"]
    assert [g.id for g in bundled.goals] == [1, 2, 3, 4]


def test_bundled_plan_names_its_issuer_and_signers(bundled: Plan) -> None:
    """The header block and signatures of the documents come from the plan, not the code."""
    issuer = bundled.issuer
    assert issuer is not None
    assert (issuer.parent.vi, issuer.name.vi, issuer.place.vi) == (
        "UBND HUYỆN IA H’DRAI", "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Ia H’Drai")
    assert [s.role.vi for s in issuer.signers] == ["NGƯỜI LẬP BIỂU", "TRƯỞNG PHÒNG"]


def test_bundled_plan_is_the_targets_file(bundled: Plan) -> None:
    """load_plan() with no path reads targets/plan_2022.yaml (the reference plan file)."""
    assert load_plan(PLAN_FILE) == bundled


def test_target_ids_in_spec_order(bundled: Plan) -> None:
    """The 33 target ids are the spec table's, in its order."""
    assert [t.id for t in bundled.targets] == SPEC_IDS


def test_elements_are_the_spec_table(bundled: Plan) -> None:
    """The 51 elements are the spec's codes and kinds, in its order."""
    assert [(e.code, e.kind) for e in bundled.elements] == SPEC_ELEMENTS


def test_rules_are_the_spec_rules(bundled: Plan) -> None:
    """The 32 rules are N <= D for each % target but 13, plus the spec's chains."""
    assert sorted(bundled.rules) == sorted(SPEC_RULES)
    assert len(SPEC_RULES) == 32


@pytest.mark.parametrize(
    ("tid", "goal", "numerator", "denominator", "unit", "direction", "target"),
    [pytest.param(*row, id=row[0]) for row in SPEC_TARGETS],
)
def test_target_matches_spec(
    bundled: Plan,
    tid: str,
    goal: int,
    numerator: str,
    denominator: str | None,
    unit: str,
    direction: str,
    target: str,
) -> None:
    """Each target's goal, numerator, denominator, unit, direction and value are the spec's."""
    [found] = [t for t in bundled.targets if t.id == tid]
    assert (found.goal, found.numerator, found.denominator, found.unit) == (
        goal, numerator, denominator, unit,
    )
    assert found.direction is Direction(direction)
    assert found.target == Fraction(target)
    assert type(found.target) is Fraction


@pytest.mark.parametrize(
    ("tid", "measure"),
    [
        pytest.param("1", Measure.UNITS, id="1-communes"),
        pytest.param("21", Measure.UNITS, id="21-communes"),
        pytest.param("10", Measure.COUNT, id="10-count"),
        pytest.param("13", Measure.REDUCTION, id="13-reduction"),
        pytest.param("3a", Measure.RATIO, id="3a-ratio"),
    ],
)
def test_target_measure(bundled: Plan, tid: str, measure: Measure) -> None:
    """Targets 1 and 21 count communes, 10 is a count, 13 a reduction, the rest ratios."""
    [found] = [t for t in bundled.targets if t.id == tid]
    assert found.measure is measure


@pytest.mark.parametrize(
    ("tid", "exact"),
    [
        pytest.param("3a", Fraction(49, 5), id="9.8"),
        pytest.param("3b", Fraction(161, 5), id="32.2"),
        pytest.param("4b", Fraction(65, 2), id="32.5"),
        pytest.param("9", Fraction(1, 25), id="0.04"),
        pytest.param("14", Fraction(197, 2), id="98.5"),
        pytest.param("18b", Fraction(1, 2), id="0.5"),
        pytest.param("24", Fraction(667, 10), id="66.7"),
    ],
)
def test_target_values_are_exact(bundled: Plan, tid: str, exact: Fraction) -> None:
    """Decimal targets are the exact decimal typed (9.8 == 49/5), not a binary float."""
    [found] = [t for t in bundled.targets if t.id == tid]
    assert found.target == exact


def test_target_is_not_the_binary_float(bundled: Plan) -> None:
    """Target 3a is exactly 9.8, not the binary float nearest it (which is not 49/5)."""
    [found] = [t for t in bundled.targets if t.id == "3a"]
    assert Fraction(9.8) != Fraction(49, 5)
    assert found.target != Fraction(9.8)


def test_factors(bundled: Plan) -> None:
    """% has factor 100, ‰ 1,000, /100.000 100,000, and counts of communes/persons 1."""
    factors = {t.unit: t.factor for t in bundled.targets}
    assert factors == {"%": 100, "‰": 1000, "/100.000": 100_000, "communes": 1, "persons": 1}


# --- broken plan files ------------------------------------------------------------------------


def _base() -> dict[str, Any]:
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _target_index(data: dict[str, Any], tid: str) -> int:
    return [t["id"] for t in data["targets"]].index(tid)


def _unknown_numerator(data: dict[str, Any]) -> None:
    data["targets"][_target_index(data, "3b")]["numerator"] = "infant_death"


def _unknown_denominator(data: dict[str, Any]) -> None:
    data["targets"][_target_index(data, "22")]["denominator"] = "children_7_plus"


def _no_year(data: dict[str, Any]) -> None:
    del data["year"]


def _wrong_direction(data: dict[str, Any]) -> None:
    data["targets"][_target_index(data, "2")]["direction"] = "above_or_equal"


def _rule_unknown_element(data: dict[str, Any]) -> None:
    data["rules"][4].append("ghost_children")


def _percent_unit(data: dict[str, Any]) -> None:
    data["targets"][_target_index(data, "5a")]["unit"] = "percent"


def _unknown_goal(data: dict[str, Any]) -> None:
    data["targets"][_target_index(data, "15")]["goal"] = 5


def _target_not_a_number(data: dict[str, Any]) -> None:
    data["targets"][_target_index(data, "3c")]["target"] = "năm mươi"


def _duplicate_target(data: dict[str, Any]) -> None:
    data["targets"].append(copy.deepcopy(data["targets"][_target_index(data, "17a")]))


def _element_bad_kind(data: dict[str, Any]) -> None:
    data["elements"][8]["kind"] = "boolean"


def _units_target_on_a_count(data: dict[str, Any]) -> None:
    data["targets"][_target_index(data, "21")]["numerator"] = "schools"


def _units_alike(data: dict[str, Any]) -> None:
    data["units"] += ["Xã Ia Tơi"]  # "Ia Tơi" already: a submission could be either


def _unknown_key(data: dict[str, Any]) -> None:
    data["province"] = "Kon Tum"


def _negative_target(data: dict[str, Any]) -> None:
    data["targets"][_target_index(data, "10")]["target"] = -3


def _percent_over_100(data: dict[str, Any]) -> None:
    data["targets"][_target_index(data, "2")]["target"] = 187


def _per_mille_over_1000(data: dict[str, Any]) -> None:
    data["targets"][_target_index(data, "3a")]["target"] = 1200


def _blank_unit(data: dict[str, Any]) -> None:
    data["units"][1] = "  "


def _invisible_unit(data: dict[str, Any]) -> None:
    data["units"][1] = "\u200b"


def _count_target_too_large(data: dict[str, Any]) -> None:
    data["targets"][_target_index(data, "10")]["target"] = "1" + "0" * 309 + ".5"


def _goal_too_large(data: dict[str, Any]) -> None:
    data["goals"][0]["id"] = 10**24


def _merged_old_unit_still_there(data: dict[str, Any]) -> None:
    data["units"].append("Ia Mới")
    data["merged"] = {"Ia Mới": ["xã Ia Đal"]}


def _no_signer(data: dict[str, Any]) -> None:
    data["issuer"]["signers"] = []


def _four_signers(data: dict[str, Any]) -> None:
    data["issuer"]["signers"] *= 2


def _issuer_without_place(data: dict[str, Any]) -> None:
    del data["issuer"]["place"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(_no_signer, ["issuer.signers (line ", "at least 1"], id="no-signer"),
        pytest.param(_four_signers, ["issuer.signers (line ", "at most 3"], id="four-signers"),
        pytest.param(_issuer_without_place,
                     ["issuer.place", "a required value is missing: the key “place”"],
                     id="issuer-without-place"),
        pytest.param(_unknown_numerator, ["targets.3 (3b)", "infant_death"],
                     id="target-unknown-numerator"),
        pytest.param(_unknown_denominator, ["targets.30 (22)", "children_7_plus"],
                     id="target-unknown-denominator"),
        pytest.param(_no_year, ["year"], id="missing-year"),
        pytest.param(_wrong_direction, ["targets.1 (2).direction", "at_least"],
                     id="wrong-direction"),
        pytest.param(_rule_unknown_element, ["rules.4.2 (line ", "ghost_children"],
                     id="rule-unknown-element"),
        pytest.param(_percent_unit, ["targets.7 (5a)", "percent"], id="unit-not-a-rate"),
        pytest.param(_unknown_goal, ["targets.20 (15)", "goal 5"], id="unknown-goal"),
        pytest.param(_target_not_a_number, ["targets.4 (3c).target", "năm mươi"],
                     id="target-not-a-number"),
        pytest.param(_duplicate_target, ["targets", "17a"], id="duplicate-target"),
        pytest.param(_element_bad_kind, ["elements.8 (child_friendly_commune).kind"],
                     id="element-bad-kind"),
        pytest.param(_units_target_on_a_count, ["targets.29 (21)", "flag"],
                     id="communes-count-on-a-count"),
        pytest.param(_unknown_key, ["province"], id="unknown-key"),
        pytest.param(_units_alike, ["units.3 (line ", "'Ia Tơi' and 'Xã Ia Tơi'"],
                     id="units-alike"),
        pytest.param(_negative_target, ["targets.", "(10).target (line ", "-3 is negative"],
                     id="negative-target"),
        pytest.param(_percent_over_100, ["targets.1 (2).target (line ", "at most 100"],
                     id="percent-over-100"),
        pytest.param(_per_mille_over_1000, ["targets.2 (3a).target (line ", "at most 1,000"],
                     id="per-mille-over-1000"),
        pytest.param(_blank_unit, ["units.1 (line ", "name is empty"], id="blank-unit"),
        pytest.param(_invisible_unit, ["units.1 (line ", "name is empty"],
                     id="invisible-unit"),
        pytest.param(_count_target_too_large, ["(10).target (line ", "at most 100,000,000"],
                     id="count-target-too-large"),
        pytest.param(_goal_too_large, ["goals.0.id (line ", "less than or equal to 99"],
                     id="goal-too-large"),
        pytest.param(_merged_old_unit_still_there, ["merged.Ia Mới", "is still one of the units"],
                     id="merged-old-unit-still-there"),
    ],
)
def test_broken_plan_names_the_key(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], expected: list[str]
) -> None:
    """A broken plan file raises PlanError naming the file and the key (and the code) at fault."""
    data = _base()
    change(data)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    message = str(info.value)
    assert message.startswith(str(path))
    for part in expected:
        assert part in message


def test_the_line_named_is_the_line_of_the_key(tmp_path: Path) -> None:
    """The line an error names is where the faulty key stands in the file."""
    text = PLAN_FILE.read_text(encoding="utf-8")
    start = text.index('  - id: "3b"')
    at = text.index("    target:", start)
    broken = text[:at] + "    target: -12.5\n" + text[text.index("\n", at) + 1:]
    path = tmp_path / "plan.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    line = broken[:at].count("\n") + 1
    assert f"targets.3 (3b).target (line {line}): the target -12.5 is negative" in str(info.value)


@pytest.mark.parametrize(("change", "expected"), [
    pytest.param(lambda t: t.replace("year: 2022", "year: 2022\nyear: 2023", 1),
                 "the key “year” is given twice, on line 14 and line 15; remove one",
                 id="key-twice"),
    pytest.param(lambda t: t.replace("year: 2022", "year: " + "9" * 5000, 1),
                 "not a plan file (a value no plan holds: Exceeds the limit", id="5000-digits"),
    pytest.param(lambda t: t + "#" * (1024 * 1024), "over 1024 KB, which no plan file is",
                 id="over-1-mb"),
    pytest.param(lambda t: t.replace("year: 2022", "year: [" * 10000, 1), "not",
                 id="nested-10000-deep"),
    pytest.param(lambda t: "\n".join(
        ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
        + ["id: *a11", "units: *a11"]), "id (line 12): Input should be a valid string",
        id="aliases-for-a-trillion-nodes"),
    pytest.param(lambda t: t.replace('area:\n', 'area: {vi: "A", vi: "B", en: "C"}\nx:\n', 1),
                 "the key “vi” is given twice, on line", id="key-twice-on-one-line"),
], )
def test_a_plan_file_that_is_no_plan_is_one_sentence(
    tmp_path: Path, change: Callable[[str], str], expected: str
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(change(PLAN_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert str(info.value).startswith(f"{path}: {expected}")


def test_unchanged_copy_loads(tmp_path: Path, bundled: Plan) -> None:
    """The bundled plan dumped back to YAML loads equal: the broken cases differ only by one key."""
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(_base(), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    assert load_plan(path) == bundled


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("id: [unclosed\nyear: 2022\n", "not valid YAML", id="invalid-yaml"),
        pytest.param("- id: x\n- year: 2022\n", "mapping", id="top-level-list"),
        pytest.param("", "mapping", id="empty-file"),
        pytest.param("just a sentence\n", "mapping", id="top-level-scalar"),
    ],
)
def test_unusable_plan_text(tmp_path: Path, text: str, expected: str) -> None:
    """A plan file that is not YAML, or not a mapping, raises PlanError naming the file."""
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError, match=expected) as info:
        load_plan(path)
    assert str(path) in str(info.value)


def test_missing_plan_file(tmp_path: Path) -> None:
    """A plan path that does not exist raises PlanError naming it."""
    path = tmp_path / "plan_2023.yaml"
    with pytest.raises(PlanError, match="no such plan file") as info:
        load_plan(path)
    assert str(path) in str(info.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_given_as_a_plan_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    os.mkfifo(path)
    with pytest.raises(PlanError, match=r"plan\.yaml: not a file \(a folder"):
        load_plan(path)


def test_plan_file_not_utf8(tmp_path: Path) -> None:
    """A plan file that is not UTF-8 raises PlanError, not a UnicodeDecodeError."""
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"id: k\xea\xff ho\xe1ch\n")
    with pytest.raises(PlanError, match=r"not UTF-8 text \(invalid continuation byte at byte 5\)"):
        load_plan(path)


def test_target_model_rejects_a_non_rate_ratio() -> None:
    """A Target built directly with a ratio in "percent" is refused by the model itself."""
    with pytest.raises(ValueError, match="does not go with the measure “ratio \\(numerator"):
        Target.model_validate({
            "id": "2", "goal": 1, "name": {"vi": "x", "en": "x"}, "words": "đạt 87%",
            "numerator": "children_0_8_served", "denominator": "children_0_8",
            "unit": "percent", "direction": "at_least", "target": 87,
        })

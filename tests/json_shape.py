"""The shape of `kh-treem score --format json`, as SUBMISSIONS.md ("What score produces")
documents it.

``shape_errors(doc)`` lists every way ``doc`` departs from the documented shape, so a test can
``assert shape_errors(doc) == []`` and read all the departures at once. More keys are allowed.
"""

from __future__ import annotations

from typing import Any

STATUSES = frozenset({"met", "not_met", "not_applicable", "no_data"})
SEVERITIES = frozenset({"error", "warning", "notice"})
DIRECTIONS = frozenset({"at_least", "at_most", "below"})
COUNTS_OF_UNITS = frozenset({"1", "21"})  # value = communes flagged; left out of by_unit

TOP_KEYS = ("plan", "units_expected", "units_reporting", "indicators", "by_unit", "problems")
INDICATOR_KEYS = ("id", "goal", "unit", "direction", "target", "numerator", "denominator",
                  "value", "status", "units_missing")
UNIT_OUTCOME_KEYS = ("id", "numerator", "denominator", "value", "status")
PROBLEM_KEYS = ("severity", "file", "sheet", "cell", "code", "message")


def is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def is_count(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _str_list(x: Any) -> bool:
    return isinstance(x, list) and all(isinstance(s, str) for s in x)


def _missing(obj: dict[str, Any], keys: tuple[str, ...], where: str) -> list[str]:
    return [f"{where}: no key {k!r}" for k in keys if k not in obj]


def _value_errors(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not is_number(value):
        return [f"{where}.value: {value!r} is neither a number nor null"]
    if round(value, 4) != value:
        return [f"{where}.value: {value!r} is not rounded to 4 decimals"]
    return []


def _indicator_errors(ind: Any, i: int, expected_units: int) -> list[str]:
    where = f"indicators[{i}]"
    if not isinstance(ind, dict):
        return [f"{where}: not an object"]
    errors = _missing(ind, INDICATOR_KEYS, where)
    if errors:
        return errors
    where = f"{where} ({ind['id']})"
    if not isinstance(ind["id"], str) or not ind["id"]:
        errors.append(f"{where}.id: {ind['id']!r} is not a non-empty string")
    if not isinstance(ind["goal"], int) or isinstance(ind["goal"], bool):
        errors.append(f"{where}.goal: {ind['goal']!r} is not an integer")
    if not isinstance(ind["unit"], str):
        errors.append(f"{where}.unit: {ind['unit']!r} is not a string")
    if ind["direction"] not in DIRECTIONS:
        errors.append(f"{where}.direction: {ind['direction']!r} is not one of {sorted(DIRECTIONS)}")
    if not is_number(ind["target"]):
        errors.append(f"{where}.target: {ind['target']!r} is not a number")
    for key in ("numerator", "denominator"):
        if ind[key] is not None and not is_count(ind[key]):
            errors.append(f"{where}.{key}: {ind[key]!r} is neither a count nor null")
    errors += _value_errors(ind["value"], where)
    if ind["status"] not in STATUSES:
        errors.append(f"{where}.status: {ind['status']!r} is not one of {sorted(STATUSES)}")
    if not _str_list(ind["units_missing"]):
        errors.append(f"{where}.units_missing: {ind['units_missing']!r} is not a list of names")
    if ind["id"] == "10" and ind["denominator"] is not None:
        errors.append(f"{where}.denominator: {ind['denominator']!r}, documented as null")
    if ind["id"] in COUNTS_OF_UNITS and ind["status"] != "no_data":
        if ind["value"] != ind["numerator"]:
            errors.append(f"{where}.value: {ind['value']!r} is not the numerator"
                          f" {ind['numerator']!r} (communes flagged)")
        if ind["denominator"] != expected_units:
            errors.append(f"{where}.denominator: {ind['denominator']!r} is not the"
                          f" {expected_units} communes expected")
    return errors


def _by_unit_errors(by_unit: Any, units: list[str]) -> list[str]:
    if not isinstance(by_unit, dict):
        return ["by_unit: not an object"]
    errors = []
    for unit, outcomes in by_unit.items():
        if unit not in units:
            errors.append(f"by_unit: {unit!r} is not one of units_expected")
        if not isinstance(outcomes, list):
            errors.append(f"by_unit[{unit!r}]: not a list")
            continue
        for j, o in enumerate(outcomes):
            where = f"by_unit[{unit!r}][{j}]"
            if not isinstance(o, dict):
                errors.append(f"{where}: not an object")
                continue
            missing = _missing(o, UNIT_OUTCOME_KEYS, where)
            if missing:
                errors += missing
                continue
            if o["id"] in COUNTS_OF_UNITS:
                errors.append(f"{where}: target {o['id']} counts communes; by_unit leaves it out")
            for key in ("numerator", "denominator"):
                if o[key] is not None and not is_count(o[key]):
                    errors.append(f"{where}.{key}: {o[key]!r} is neither a count nor null")
            errors += _value_errors(o["value"], where)
            if o["status"] not in STATUSES:
                errors.append(f"{where}.status: {o['status']!r} is not a status")
    return errors


def _problem_errors(problems: Any) -> list[str]:
    if not isinstance(problems, list):
        return ["problems: not a list"]
    errors = []
    for k, p in enumerate(problems):
        where = f"problems[{k}]"
        if not isinstance(p, dict):
            errors.append(f"{where}: not an object")
            continue
        missing = _missing(p, PROBLEM_KEYS, where)
        if missing:
            errors += missing
            continue
        if p["severity"] not in SEVERITIES:
            errors.append(f"{where}.severity: {p['severity']!r} is not one of {sorted(SEVERITIES)}")
        for key in ("file", "sheet", "cell", "code"):
            if p[key] is not None and not isinstance(p[key], str):
                errors.append(f"{where}.{key}: {p[key]!r} is neither a string nor null")
        if not isinstance(p["message"], str) or not p["message"]:
            errors.append(f"{where}.message: {p['message']!r} is not a sentence")
    return errors


def shape_errors(doc: Any) -> list[str]:
    """Every departure of ``doc`` from the documented JSON shape; [] when it conforms."""
    if not isinstance(doc, dict):
        return ["the document is not an object"]
    errors = _missing(doc, TOP_KEYS, "top level")
    if errors:
        return errors
    plan = doc["plan"]
    if not isinstance(plan, dict) or not isinstance(plan.get("id"), str) \
            or not isinstance(plan.get("year"), int):
        errors.append(f"plan: {plan!r} is not {{id: string, year: integer}}")
    units = doc["units_expected"]
    if not _str_list(units):
        errors.append(f"units_expected: {units!r} is not a list of names")
        units = []
    if not _str_list(doc["units_reporting"]) or not set(doc["units_reporting"]) <= set(units):
        errors.append(f"units_reporting: {doc['units_reporting']!r} is not a list of expected"
                      " units")
    if not isinstance(doc["indicators"], list):
        errors.append("indicators: not a list")
    else:
        for i, ind in enumerate(doc["indicators"]):
            errors += _indicator_errors(ind, i, len(units))
    errors += _by_unit_errors(doc["by_unit"], units)
    errors += _problem_errors(doc["problems"])
    return errors

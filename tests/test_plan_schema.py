"""`kh-treem plan schema`: the JSON Schema an editor checks a plan file with as it is typed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.cli import run

REPO = Path(__file__).resolve().parent.parent
PLANS = sorted((REPO / "targets").glob("*.yaml"))


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = run("plan", "schema")
    assert result.exit_code == 0, result.output
    printed: dict[str, Any] = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(printed)
    return printed


def errors(schema: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    found = jsonschema.Draft202012Validator(schema).iter_errors(plan)
    return sorted(f"{'.'.join(map(str, e.absolute_path))}: {e.validator}" for e in found)


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_every_bundled_plan_passes(schema: dict[str, Any], path: Path) -> None:
    assert errors(schema, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(("change", "expected"), [
    (lambda p: p.update(yaer=2023), [": additionalProperties"]),
    (lambda p: p["targets"][0].update(direction="more"), ["targets.0.direction: enum"]),
    (lambda p: p["elements"][0].update(kind="number"), ["elements.0.kind: enum"]),
    (lambda p: p["elements"][0].update(code="Live births"), ["elements.0.code: pattern"]),
    (lambda p: p["targets"][0].pop("unit"), ["targets.0: required"]),
    (lambda p: p.update(year=99), ["year: minimum"]),
    (lambda p: p["title"].pop("en"), ["title: required"]),
    (lambda p: p["targets"][2].update(target="9,8"), ["targets.2.target: type"]),
    (lambda p: p["rules"].append(["live_births"]), ["rules.32: minItems"]),
], ids=["misspelt-key", "direction", "kind", "code", "missing-unit", "year", "one-language",
        "decimal-comma", "rule-of-one"])
def test_a_typing_mistake_is_caught_where_it_is(
    schema: dict[str, Any], change: Any, expected: list[str]
) -> None:
    plan = yaml.safe_load((REPO / "targets" / "plan_2022.yaml").read_text(encoding="utf-8"))
    change(plan)
    assert errors(schema, plan) == expected

"""docs/ describes the code as it is: every problem type has its row in the contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from kh_treem.problems import TEMPLATES

CONTRACT = (Path(__file__).resolve().parent.parent / "docs" / "contract.md").read_text(
    encoding="utf-8")


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_every_problem_type_has_its_row_in_the_contract(kind: str) -> None:
    severity = TEMPLATES[kind][0]
    assert f"| `{kind}` | {severity} |" in CONTRACT

"""Exit 3 means a bug of kh-treem: never a property of the arguments, the plan or the files.

Hypothesis writes argument lists from the words an officer might type (commands, options,
paths that exist or not, odd values) and plans that are the 2022 plan with a key changed
to something else, and the CLI must answer each with 0, 1 or 2 and no traceback.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli import run

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "2022"
PLAN = yaml.safe_load((REPO / "targets" / "plan_2022.yaml").read_text(encoding="utf-8"))

ODD_TEXT = st.sampled_from([
    "", " ", "-", "--", "0", "-1", "99999", "1e308", "nan", "Ia Dom", "Ia Grai", "x" * 300,
    "a\nb", "\x1b[2J", "\udcff", "/dev/null", "*.xlsx", "vi", "en", "json",
    "table", "2025", "2030",
])


def _paths(tmp: Path) -> st.SearchStrategy[str]:
    return st.sampled_from([
        str(EXAMPLES), str(EXAMPLES / "Ia_Dom.xlsx"), str(EXAMPLES / "README.md"),
        str(REPO / "examples"), str(tmp / "missing"), str(tmp / "out.xlsx"), str(tmp),
        str(tmp / "bao-cao.docx"),
        str(tmp / ("x" * 300)), str(REPO / "targets" / "national_2025.yaml"),
        str(REPO / "targets" / "plan_2022.yaml"),
    ])


def _arguments(tmp: Path) -> st.SearchStrategy[list[str]]:
    word = st.one_of(
        st.sampled_from(["--plan", "-p", "-o", "--output", "--format", "-f", "--lang", "--jobs",
                         "-j", "--no-workbook", "--quiet", "--unit", "-u", "--all", "--year",
                         "--previous", "--force", "--horizon", "--no-horizon", "--help"]),
        _paths(tmp), ODD_TEXT)
    command = st.sampled_from([["score"], ["check"], ["template"], ["rollup"], ["report"],
                               ["plan", "schema"], ["plan"], []])
    return st.builds(lambda c, rest: c + rest, command, st.lists(word, max_size=6))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The working folder of the generated runs: what they write with relative or default
    names (forms, kh-treem-<plan>.xlsx) lands here, never in the repository."""
    folder = tmp_path_factory.mktemp("args")
    before = os.getcwd()
    os.chdir(folder)
    yield folder
    os.chdir(before)


def _answered(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args, result.exception)
    assert "Traceback" not in result.output, args


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.data_too_large])
@given(data=st.data())
def test_any_argument_list_is_answered_without_exit_3(workspace: Path, data: Any) -> None:
    args = data.draw(_arguments(workspace))
    _answered(args)


VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.lists(st.integers(min_value=-3, max_value=3), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _place(plan: Any, draw: Any) -> tuple[Any, Any]:
    """A container in the plan and a key or index in it, drawn by walking down from the top."""
    container, key = plan, draw(st.sampled_from(sorted(plan)))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        inner = container[key]
        if isinstance(inner, dict) and inner:
            container, key = inner, draw(st.sampled_from(sorted(inner, key=str)))
        elif isinstance(inner, list) and inner:
            container, key = inner, draw(st.integers(min_value=0, max_value=len(inner) - 1))
        else:
            break
    return container, key


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.data_too_large,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_any_changed_plan_is_answered_without_exit_3(
    workspace: Path, tmp_path_factory: Any, data: Any
) -> None:
    plan = copy.deepcopy(PLAN)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        container, key = _place(plan, data.draw)
        action = data.draw(st.sampled_from(["set", "delete", "repeat"]))
        if action == "delete":
            del container[key]
        elif action == "repeat" and isinstance(container, list):
            container.append(copy.deepcopy(container[key]))
        else:
            container[key] = data.draw(VALUES)
    path = tmp_path_factory.mktemp("plan") / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    _answered(["score", str(EXAMPLES), "--plan", str(path), "--no-workbook", "-q"])

"""The `kh-treem score` command line: the table, --format json, exit status, the output file.

Every run works on copies of examples/2022 (or forms written by tests.forms) in tmp_path and
passes -o into tmp_path or --no-workbook, so nothing is ever written into the repository.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import kh_treem
from kh_treem.plan import Measure
from kh_treem.problems import Problem
from tests.cli import run
from tests.expected_2022 import EXPECTED
from tests.forms import PLAN, write_form
from tests.json_shape import shape_errors

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "2022"
EXAMPLE_FILES = ("Ia_Dal.xlsx", "Ia_Dom.xlsx", "Ia_Toi.xlsx")
DEFAULT_OUTPUT = "kh-treem-ia-hdrai-2022.xlsx"

# Wide enough that no problem line wraps, so a whole line can be compared.
WIDE = 500

IDS = [e[0] for e in EXPECTED]
UNITS = ["Ia Đal", "Ia Dom", "Ia Tơi"]
# Sentences come from the problem templates; the tests check where they are put and what
# they are filled with, not their wording.
SKIPPED_SHEET_VI = Problem("sheet-skipped").message("vi")
SKIPPED_SHEET_EN = Problem("sheet-skipped").message("en")
MISSING_VI = Problem("path-missing").message("vi")
BAD_VALUE = Problem("not-a-number", params={"found": "khoảng 30"})


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def examples(tmp_path: Path) -> list[Path]:
    """The three example submissions, copied into tmp_path/in."""
    folder = tmp_path / "in"
    folder.mkdir()
    return [Path(shutil.copy2(EXAMPLES / name, folder / name)) for name in EXAMPLE_FILES]


def lines(output: str) -> list[str]:
    return [line.rstrip() for line in output.splitlines() if line.strip()]


def row(output: str, tid: str) -> list[str]:
    """The cells of a target's table row: id, indicator (its first line), value, target,
    status, units."""
    pattern = re.compile(rf"^\s*{re.escape(tid)}\s{{2,}}\S")
    found = [line for line in output.splitlines() if pattern.match(line)]
    assert len(found) == 1, f"target {tid}: {len(found)} rows in\n{output}"
    return re.split(r"\s{2,}", found[0].strip())


def with_value(path: Path, code: str, value: object) -> None:
    """Rewrite the value cell of ``code`` in the (layout A) form at ``path``."""
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 4).value == code:
            ws.cell(r, 5).value = value
            break
    else:
        raise AssertionError(f"no row for {code} in {path}")
    book.save(path)


def bundled_plan_text() -> str:
    return (REPO / "targets" / "plan_2022.yaml").read_text(encoding="utf-8")


# --- the table ---------------------------------------------------------------------------------


def test_examples_table_lists_every_target_by_goal(examples: list[Path]) -> None:
    """The three examples score with exit 0: every target under its goal, 3/3, 20/33 đạt last."""
    result = run("score", *examples, "--no-workbook")
    assert result.exit_code == 0, result.output
    out = result.output
    rows = {tid: row(out, tid) for tid in IDS}
    assert all(cells[-1] == "3/3" for cells in rows.values())
    statuses = [cells[-2] for cells in rows.values()]
    assert statuses.count("Đạt") == 20
    assert statuses.count("Chưa đạt") == 12
    assert statuses.count("Không áp dụng") == 1
    assert "Chưa có số liệu" not in out
    # Goal rows come in order, each before its targets.
    text = out.splitlines()
    goal_at = {g: next(i for i, line in enumerate(text) if f"Mục tiêu {g}." in line)
               for g in (1, 2, 3, 4)}
    assert goal_at[1] < goal_at[2] < goal_at[3] < goal_at[4]
    for t in PLAN.targets:
        at = next(i for i, line in enumerate(text) if re.match(rf"^\s*{t.id}\s{{2}}", line))
        later_goals = [goal_at[g] for g in goal_at if g > t.goal]
        assert goal_at[t.goal] < at < min(later_goals, default=len(text))
    assert lines(out)[-1] == "20/33 đạt"


def test_examples_table_notes_the_skipped_instructions_sheet(examples: list[Path]) -> None:
    """The table's problems list the skipped "Huong dan" sheet as a notice, and nothing else."""
    result = run("score", *examples, "--no-workbook", columns=WIDE)
    assert result.exit_code == 0, result.output
    out = lines(result.output)
    start = out.index("Các vấn đề trong số liệu")
    assert out[start + 1:] == [f"Lưu ý: {examples[2]} › Huong dan: {SKIPPED_SHEET_VI}",
                               "20/33 đạt"]


@pytest.mark.parametrize(
    ("tid", "cells"),
    [
        ("1", ["2/3 xã (66,7%)", "≥ 2 xã", "Đạt", "3/3"]),
        ("3c", ["50‰", "< 50‰", "Chưa đạt", "3/3"]),
        ("4a", ["18,01%", "< 18%", "Chưa đạt", "3/3"]),
        ("4b", ["32,5%", "≤ 32,5%", "Đạt", "3/3"]),
        ("9", ["0,04%", "< 0,04%", "Chưa đạt", "3/3"]),
        ("10", ["0 người", "≤ 0 người", "Đạt", "3/3"]),
        ("11a", ["480/100.000", "≤ 513/100.000", "Đạt", "3/3"]),
        ("12", ["0/0", "≥ 100%", "Không áp dụng", "3/3"]),
        ("13", ["18,2% (11 → 9)", "≥ 2%", "Đạt", "3/3"]),
        ("16", ["100%", "≥ 100%", "Đạt", "3/3"]),
        ("17a", ["99,7%", "≥ 100%", "Chưa đạt", "3/3"]),
        ("21", ["1/3 xã (33,3%)", "≥ 1 xã", "Đạt", "3/3"]),
    ],
)
def test_examples_table_rows(examples: list[Path], tid: str, cells: list[str]) -> None:
    """A target's row shows its value, the target with its sign, the status and 3/3 exactly."""
    result = run("score", *examples, "--no-workbook")
    assert result.exit_code == 0, result.output
    assert row(result.output, tid)[2:] == cells


def test_examples_table_row_of_target_2(examples: list[Path]) -> None:
    """Target 2 (2405/2665 = 90.2439 %) prints as a correctly rounded 90,2…% beside ≥ 87%, Đạt."""
    result = run("score", *examples, "--no-workbook")
    assert result.exit_code == 0, result.output
    value, target, status, units = row(result.output, "2")[2:]
    assert (target, status, units) == ("≥ 87%", "Đạt", "3/3")
    assert re.fullmatch(r"90,2\d*%", value), value
    decimals = len(value[:-1].split(",")[1])
    exact = Fraction(2405, 2665) * 100
    assert abs(Fraction(value[:-1].replace(",", ".")) - exact) <= Fraction(1, 2 * 10**decimals)


def test_every_rate_prints_rounded_and_never_equal_to_a_target_it_differs_from(
    examples: list[Path],
) -> None:
    """Each rate prints as its exact value correctly rounded, never equal to a target it misses."""
    result = run("score", *examples, "--no-workbook")
    assert result.exit_code == 0, result.output
    targets = {t.id: t for t in PLAN.targets}
    checked = 0
    for tid, num, den, _, _ in EXPECTED:
        t = targets[tid]
        if t.measure is not Measure.RATIO or not den:
            continue
        value = row(result.output, tid)[2]
        assert value.endswith(t.unit), value
        text = value.removesuffix(t.unit).replace(".", "").replace(",", ".")
        decimals = len(text.split(".")[1]) if "." in text else 0
        shown = Fraction(text)
        exact = Fraction(num, den) * t.factor
        assert abs(shown - exact) <= Fraction(1, 2 * 10**decimals), (tid, value)
        assert (shown == t.target) == (exact == t.target), (tid, value)
        checked += 1
    assert checked == 28


def test_examples_table_in_english(examples: list[Path]) -> None:
    """--lang en prints English goals and statuses, decimal points, and "20/33 met" last."""
    result = run("score", *examples, "--no-workbook", "--lang", "en")
    assert result.exit_code == 0, result.output
    out = result.output
    for g in (1, 2, 3, 4):
        assert f"Goal {g}." in out
    assert "Mục tiêu" not in out
    assert "Đạt" not in out
    statuses = [row(out, tid)[-2] for tid in IDS]
    assert (statuses.count("Met"), statuses.count("Not met"), statuses.count("Not applicable")) \
        == (20, 12, 1)
    assert row(out, "4b")[2:] == ["32.5%", "≤ 32.5%", "Met", "3/3"]
    assert row(out, "9")[2:] == ["0.04%", "< 0.04%", "Not met", "3/3"]
    assert row(out, "1")[2:] == ["2/3 communes (66.7%)", "≥ 2 communes", "Met", "3/3"]
    assert row(out, "3a")[2:] == ["12.5‰", "< 9.8‰", "Not met", "3/3"]
    assert lines(out)[-1] == "20/33 met"


@pytest.mark.parametrize(
    ("served", "children", "value", "status"),
    [
        (200, 230, "86,96%", "Chưa đạt"),  # 86.9565 %: never "87%" nor "87,0%"
        (2176, 2500, "87,04%", "Đạt"),  # 87.04 %: never "87,0%"
        (174, 200, "87%", "Đạt"),  # exactly 87 %: prints equal to the target
    ],
)
def test_value_near_its_target_never_prints_equal_to_it(
    tmp_path: Path, served: int, children: int, value: str, status: str,
) -> None:
    """A value a hair off its target shows the decimals that tell them apart (86,96% not 87%)."""
    form = write_form(tmp_path / "Ia_Dal.xlsx", "Ia Đal",
                      {"children_0_8_served": served, "children_0_8": children})
    result = run("score", form, "--no-workbook")
    assert result.exit_code == 0, result.output
    assert row(result.output, "2")[2:] == [value, "≥ 87%", status, "1/3"]
    assert row(result.output, "3a")[2:] == ["—", "< 9,8‰", "Chưa có số liệu", "0/3"]


# --- --format json -----------------------------------------------------------------------------


def test_json_is_the_only_output_and_has_the_documented_shape(examples: list[Path]) -> None:
    """--format json prints one JSON document on stdout, nothing else, in the documented shape."""
    result = run("score", *examples, "--no-workbook", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    assert result.stdout.strip().startswith("{")
    assert result.stdout.strip().endswith("}")
    assert shape_errors(doc) == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda d: d["indicators"][1].__setitem__("value", "90,24"), "indicators[1] (2).value"),
        (lambda d: d["indicators"][1].__setitem__("value", 90.24391), "4 decimals"),
        (lambda d: d["indicators"][0].__setitem__("status", "dat"), "indicators[0] (1).status"),
        (lambda d: d["indicators"][14].__setitem__("denominator", 0), "(10).denominator"),
        (lambda d: d["indicators"][0].__setitem__("value", 66.6667), "(1).value"),
        (lambda d: d["indicators"][29].__setitem__("denominator", 1), "(21).denominator"),
        (lambda d: d["indicators"][3].pop("units_missing"), "no key 'units_missing'"),
        (lambda d: d["by_unit"]["Ia Dom"].append(dict(d["by_unit"]["Ia Dom"][0], id="21")),
         "by_unit leaves it out"),
        (lambda d: d["problems"][0].__setitem__("severity", "info"), "problems[0].severity"),
        (lambda d: d.pop("units_reporting"), "no key 'units_reporting'"),
        (lambda d: d.__setitem__("plan", {"id": "ia-hdrai-2022"}), "plan:"),
    ],
)
def test_shape_check_catches_departures(
    examples: list[Path], change: Callable[[dict[str, Any]], object], complaint: str,
) -> None:
    """The shape check used above does reject a document that departs from the documented shape."""
    doc = kh_treem.score(examples).to_dict("vi")
    assert shape_errors(doc) == []
    change(doc)
    errors = shape_errors(doc)
    assert any(complaint in e for e in errors), errors


def test_json_matches_the_hand_computed_results(examples: list[Path]) -> None:
    """Every indicator's id, numerator, denominator, value and status are the README's."""
    result = run("score", *examples, "--no-workbook", "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["plan"] == {"id": "ia-hdrai-2022", "year": 2022}
    assert doc["units_expected"] == UNITS
    assert doc["units_reporting"] == UNITS
    got = [(i["id"], i["numerator"], i["denominator"], i["value"], i["status"])
           for i in doc["indicators"]]
    assert got == EXPECTED
    assert all(i["units_missing"] == [] for i in doc["indicators"])
    assert [i["goal"] for i in doc["indicators"]] == [t.goal for t in PLAN.targets]
    first = doc["indicators"][2]
    assert {k: first[k] for k in ("id", "goal", "unit", "direction", "target")} == \
        {"id": "3a", "goal": 1, "unit": "‰", "direction": "below", "target": 9.8}
    assert doc["problems"] == [{
        "severity": "notice", "type": "sheet-skipped", "file": str(examples[2]),
        "sheet": "Huong dan", "cell": None, "code": None, "message": SKIPPED_SHEET_VI,
    }]


def test_json_by_unit_leaves_out_counts_of_communes(examples: list[Path]) -> None:
    """by_unit scores 31 targets per commune (not 1 nor 21); 12 is not applicable in each."""
    result = run("score", *examples, "--no-workbook", "-f", "json")
    assert result.exit_code == 0, result.output
    by_unit = json.loads(result.stdout)["by_unit"]
    assert list(by_unit) == UNITS
    per_unit_ids = [tid for tid in IDS if tid not in ("1", "21")]
    for unit, outcomes in by_unit.items():
        assert [o["id"] for o in outcomes] == per_unit_ids, unit
        assert all(set(o) == {"id", "numerator", "denominator", "value", "status"}
                   for o in outcomes)
        twelve = outcomes[per_unit_ids.index("12")]
        assert twelve == {"id": "12", "numerator": 0, "denominator": 0, "value": None,
                          "status": "not_applicable"}
    six = {u: next(o for o in by_unit[u] if o["id"] == "6") for u in UNITS}
    assert six["Ia Dom"] == {"id": "6", "numerator": 0, "denominator": 0, "value": None,
                             "status": "not_applicable"}
    assert six["Ia Đal"]["status"] == six["Ia Tơi"]["status"] == "met"
    assert next(o for o in by_unit["Ia Dom"] if o["id"] == "3a") == \
        {"id": "3a", "numerator": 0, "denominator": 60, "value": 0, "status": "met"}


def test_json_equals_the_library_result(examples: list[Path]) -> None:
    """The JSON printed is kh_treem.score(paths).to_dict("vi"), the same library call."""
    result = run("score", *examples, "--no-workbook", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == kh_treem.score(examples).to_dict("vi")


def test_json_in_english(examples: list[Path]) -> None:
    """--format json --lang en gives English messages and names, statuses stay machine words."""
    result = run("score", *examples, "--no-workbook", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert shape_errors(doc) == []
    assert [p["message"] for p in doc["problems"]] == [SKIPPED_SHEET_EN]
    assert doc["indicators"][0]["name"] == "Child-friendly communes"
    assert [i["status"] for i in doc["indicators"]] == [e[4] for e in EXPECTED]
    assert json.loads(result.stdout) == kh_treem.score(examples).to_dict("en")


def test_json_with_a_workbook_keeps_stdout_pure(examples: list[Path], tmp_path: Path) -> None:
    """Writing the workbook alongside --format json adds nothing to stdout."""
    out = tmp_path / "summary.xlsx"
    result = run("score", *examples, "-o", out, "--format", "json")
    assert result.exit_code == 0, result.output
    assert shape_errors(json.loads(result.stdout)) == []
    assert out.is_file()


# --- exit status -------------------------------------------------------------------------------


def test_bad_value_exits_1_and_names_file_sheet_cell_code(examples: list[Path]) -> None:
    """A value "khoảng 30" is an error naming file › sheet › cell (code); the rest is scored."""
    dal, dom, toi = examples
    with_value(dom, "u5_stunted", "khoảng 30")
    result = run("score", dal, dom, toi, "--no-workbook", columns=WIDE)
    assert result.exit_code == 1, result.output
    line = f"Lỗi: {dom} › BC 2022 › E21 (u5_stunted): {BAD_VALUE.message('vi')}"
    assert line in lines(result.output)
    assert "“khoảng 30”" in BAD_VALUE.message("vi")
    assert row(result.output, "4b")[-1] == "2/3"
    assert row(result.output, "2")[-2:] == ["Đạt", "3/3"]
    assert [row(result.output, tid)[-1] for tid in IDS].count("3/3") == 32
    assert lines(result.output)[-1] == "20/33 đạt"


def test_bad_value_in_json_and_in_english(examples: list[Path]) -> None:
    """The bad value's problem carries file, sheet, cell and code; the English line says so too."""
    dal, dom, toi = examples
    with_value(dom, "u5_stunted", "khoảng 30")
    result = run("score", dal, dom, toi, "--no-workbook", "-f", "json", "--lang", "en")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert shape_errors(doc) == []
    errors = [p for p in doc["problems"] if p["severity"] == "error"]
    assert errors == [{
        "severity": "error", "type": "not-a-number", "file": str(dom), "sheet": "BC 2022",
        "cell": "E21", "code": "u5_stunted",
        "message": BAD_VALUE.message("en"),
    }]
    assert "“khoảng 30” is not a whole number" in errors[0]["message"]
    four_b = next(i for i in doc["indicators"] if i["id"] == "4b")
    assert (four_b["numerator"], four_b["denominator"], four_b["units_missing"]) == \
        (282, 872, ["Ia Dom"])
    assert doc["units_reporting"] == UNITS
    table = run("score", dal, dom, toi, "--no-workbook", "--lang", "en", columns=WIDE)
    assert table.exit_code == 1, table.output
    line = f"Error: {dom} › BC 2022 › E21 (u5_stunted): {BAD_VALUE.message('en')}"
    assert line in lines(table.output)


def test_missing_path_exits_1_and_the_rest_is_scored(examples: list[Path], tmp_path: Path) -> None:
    """A path that does not exist is an error (exit 1); the files that exist are all scored."""
    missing = tmp_path / "in" / "Ia_Dom (2).xlsx"
    result = run("score", *examples, missing, "--no-workbook", columns=WIDE)
    assert result.exit_code == 1, result.output
    assert f"Lỗi: {missing}: {MISSING_VI}" in lines(result.output)
    assert all(row(result.output, tid)[-1] == "3/3" for tid in IDS)
    assert lines(result.output)[-1] == "20/33 đạt"


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("numerator: children_0_8_served", "numerator: children_0_8_servd",
         ["targets.1 (2)", "children_0_8_servd"]),
        ("direction: at_least", "direction: at_leest", ["targets.0 (1).direction"]),
        ("units: [", "units: [[", ["không phải YAML hợp lệ ở dòng"]),
    ],
)
def test_broken_plan_exits_2_naming_the_key(
    examples: list[Path], tmp_path: Path, old: str, new: str, named: list[str],
) -> None:
    """A plan file that is invalid exits 2 with a message naming the key, no traceback."""
    text = bundled_plan_text()
    assert old in text
    plan = tmp_path / "plan.yaml"
    plan.write_text(text.replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "summary.xlsx"
    result = run("score", *examples, "--plan", plan, "-o", out)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"Tệp kế hoạch không dùng được: {plan}: ")
    for part in named:
        assert part in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_plan_that_does_not_exist_exits_2(examples: list[Path], tmp_path: Path) -> None:
    """--plan naming no file exits 2 with a message and writes nothing."""
    plan = tmp_path / "plan_2023.yaml"
    out = tmp_path / "summary.xlsx"
    result = run("score", *examples, "--plan", plan, "-o", out, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert result.stderr == (f"The plan file cannot be used: {plan}: no such plan file; check"
                             " the file's name and folder\n")
    assert "Traceback" not in result.output
    assert not out.exists()


def test_unknown_option_exits_2(examples: list[Path], tmp_path: Path) -> None:
    """An unknown option is a usage error (exit 2) that names the option."""
    out = tmp_path / "summary.xlsx"
    result = run("score", *examples, "-o", out, "--year", "2022")
    assert result.exit_code == 2, result.output
    assert "No such option: --year" in result.output
    assert not out.exists()


def test_bad_format_value_exits_2(examples: list[Path]) -> None:
    """A --format that is none of table, json, csv is a usage error (exit 2)."""
    result = run("score", *examples, "--no-workbook", "--format", "xml")
    assert result.exit_code == 2, result.output
    assert "xml" in result.output
    assert "Traceback" not in result.output


def test_output_onto_an_input_exits_2_and_leaves_it_alone(examples: list[Path]) -> None:
    """-o naming one of the input files exits 2 and the input stays byte for byte the same."""
    before = examples[1].read_bytes()
    result = run("score", *examples, "-o", examples[1])
    assert result.exit_code == 2, result.output
    assert f"{examples[1]}: đây là một tệp đầu vào, không ghi đè lên nó; chọn tên khác với -o." in \
        result.stderr
    assert examples[1].read_bytes() == before


def test_output_onto_a_file_of_an_input_folder_exits_2(examples: list[Path]) -> None:
    """-o naming a submission inside an input folder is refused too; that file stays the same."""
    folder = examples[0].parent
    before = {p.name: p.read_bytes() for p in examples}
    result = run("score", folder, "-o", examples[0])
    assert result.exit_code == 2, result.output
    assert {p.name: p.read_bytes() for p in examples} == before


def test_output_onto_an_input_named_another_way_exits_2(
    examples: list[Path], tmp_path: Path
) -> None:
    """An input named otherwise (through '..', or a link to it) is still the input: exit 2."""
    link = tmp_path / "lien_ket.xlsx"
    link.symlink_to(examples[2])
    before = examples[2].read_bytes()
    roundabout = examples[2].parent / ".." / examples[2].parent.name / examples[2].name
    for output in (roundabout, link):
        result = run("score", *examples, "-o", output)
        assert result.exit_code == 2, (output, result.output)
    assert examples[2].read_bytes() == before


@pytest.mark.parametrize("kind", ["hard-link", "lock-file", "unreadable"])
def test_output_onto_a_file_found_in_an_input_folder_exits_2(
    examples: list[Path], tmp_path: Path, kind: str
) -> None:
    """-o naming a file the run found in a folder, read or skipped, however it is named
    (a hard link to it), is refused, and the file stays the same."""
    folder = tmp_path / "nop"
    shutil.copytree(examples[0].parent, folder)
    if kind == "hard-link":
        output = tmp_path / "ban_sao.xlsx"
        os.link(folder / examples[0].name, output)
    elif kind == "lock-file":
        output = folder / "~$Ia_Dom.xlsx"
        output.write_bytes(b"\x00" * 165)
    else:  # read, but refused as not a workbook: its size is known all the same
        output = folder / "hong.xlsx"
        output.write_bytes(b"PK\x03\x04" + bytes(200))
    before = output.read_bytes()
    result = run("score", folder, "-o", output)
    assert result.exit_code == 2, result.output
    assert output.read_bytes() == before


def test_output_onto_a_file_read_then_gone_is_written(examples: list[Path], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """-o naming a file the run read, gone by the time the workbook is written, clobbers
    nothing: the workbook is written (and the run's files are not stat'ed again)."""
    folder = tmp_path / "nop"
    shutil.copytree(examples[0].parent, folder)
    output = folder / examples[0].name
    real_score = kh_treem.score

    def score_then_delete(*args: Any, **kwargs: Any) -> Any:
        result = real_score(*args, **kwargs)
        output.unlink()  # as a sync client might, between reading and writing
        return result

    monkeypatch.setattr(kh_treem, "score", score_then_delete)
    result = run("score", folder, "-o", output)
    assert result.exit_code == 0, result.output
    assert output.exists()


def test_output_onto_a_missing_input_exits_2(tmp_path: Path) -> None:
    """-o naming the very path given as a (missing) input is refused, before anything is read."""
    missing = tmp_path / "chua_co.xlsx"
    result = run("score", missing, "-o", missing)
    assert result.exit_code == 2, result.output
    assert not missing.exists()


def test_no_arguments_shows_usage() -> None:
    """Running with no arguments shows the usage and the score command, without crashing."""
    result = run()
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Usage" in result.output
    assert "score" in result.output
    assert "Traceback" not in result.output


def test_score_without_paths_is_a_usage_error() -> None:
    """`score` with no path exits 2 saying a path is missing."""
    result = run("score", "--no-workbook")
    assert result.exit_code == 2, result.output
    assert "Missing argument" in result.output


# --- the summary workbook on disk --------------------------------------------------------------


def test_workbook_is_written_to_output(examples: list[Path], tmp_path: Path) -> None:
    """-o writes the summary workbook there and the table says where."""
    out = tmp_path / "out" / "tong-hop.xlsx"
    out.parent.mkdir()
    result = run("score", *examples, "-o", out, columns=WIDE)
    assert result.exit_code == 0, result.output
    assert lines(result.output)[-2:] == [f"Đã ghi bảng tổng hợp: {out}", "20/33 đạt"]
    assert openpyxl.load_workbook(out).sheetnames == \
        ["Tổng hợp", "Theo xã", "Số liệu cộng", "Cần kiểm tra lại", "Vấn đề", "Tệp đã đọc"]
    assert os.listdir(out.parent) == ["tong-hop.xlsx"]


def test_default_output_name_in_the_working_folder(
    examples: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without -o the summary is kh-treem-ia-hdrai-2022.xlsx in the working folder."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = run("score", *examples)
    assert result.exit_code == 0, result.output
    assert os.listdir(work) == [DEFAULT_OUTPUT]
    assert openpyxl.load_workbook(work / DEFAULT_OUTPUT).sheetnames[0] == "Tổng hợp"
    assert f"Đã ghi bảng tổng hợp: {DEFAULT_OUTPUT}" in result.output


def test_explicit_output_with_the_default_name(examples: list[Path], tmp_path: Path) -> None:
    """-o with the default name writes exactly that file, leaving the inputs' folder alone."""
    out = tmp_path / DEFAULT_OUTPUT
    result = run("score", *examples, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert sorted(os.listdir(examples[0].parent)) == sorted(EXAMPLE_FILES)


def test_no_workbook_writes_nothing(
    examples: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--no-workbook writes no file anywhere (not even the default) and says nothing of one."""
    monkeypatch.chdir(tmp_path)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    result = run("score", *examples, "--no-workbook")
    assert result.exit_code == 0, result.output
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    assert "Đã ghi bảng tổng hợp" not in result.output


def test_existing_output_is_replaced(examples: list[Path], tmp_path: Path) -> None:
    """An output file that already exists is replaced by the new summary."""
    out = tmp_path / "summary.xlsx"
    out.write_bytes(b"last year's summary")
    result = run("score", *examples, "-o", out)
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames[0] == "Tổng hợp"
    assert sorted(os.listdir(tmp_path)) == ["in", "summary.xlsx"]


def test_inputs_are_never_modified(examples: list[Path], tmp_path: Path) -> None:
    """Scoring (table, json, workbook) leaves every input file byte for byte the same."""
    before = [sha256(p) for p in examples]
    originals = [sha256(EXAMPLES / name) for name in EXAMPLE_FILES]
    assert before == originals
    assert run("score", *examples, "-o", tmp_path / "a.xlsx").exit_code == 0
    assert run("score", examples[0].parent, "-o", tmp_path / "b.xlsx", "-f", "json").exit_code == 0
    assert [sha256(p) for p in examples] == before
    assert sorted(os.listdir(examples[0].parent)) == sorted(EXAMPLE_FILES)


def test_diacritic_file_name_and_bare_unit_score_like_the_clean_file(
    examples: list[Path], tmp_path: Path,
) -> None:
    """A file named "Xã Ia Đal" (NFD) whose unit reads "XA IA DAL" scores like Ia_Dal.xlsx."""
    dal, dom, toi = examples
    odd = tmp_path / unicodedata.normalize("NFD", "Xã Ia Đal năm 2022.xlsx")
    shutil.copy2(dal, odd)
    book = openpyxl.load_workbook(odd)
    ws = book.worksheets[0]
    assert ws["B2"].value == "Xã Ia Đal"
    ws["B2"] = "XA IA DAL"
    book.save(odd)
    clean = run("score", dal, dom, toi, "--no-workbook", "-f", "json")
    messy = run("score", odd, dom, toi, "--no-workbook", "-f", "json")
    assert (clean.exit_code, messy.exit_code) == (0, 0), messy.output
    a, b = json.loads(clean.stdout), json.loads(messy.stdout)
    for key in ("units_reporting", "indicators", "by_unit", "problems"):
        assert a[key] == b[key], key
    assert b["files"][0]["path"] == str(odd)
    assert b["files"][0]["units"] == ["Ia Đal"]
    assert b["files"][0]["status"] == "used"


@pytest.mark.parametrize("given", [
    r"\\may-chu\LDTBXH\So lieu 2022",  # a Windows share, as typed in a Command Prompt
    "//may-chu/LDTBXH/So lieu 2022",  # the same with forward slashes (scheduled tasks)
    r"D:\So lieu\Ia_Dal.xlsx",
], ids=["unc", "unc-forward", "drive"])
def test_a_path_that_cannot_be_found_is_named_as_the_officer_typed_it(
    given: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("check", given)
    assert result.exit_code == 1
    assert f"Lỗi: {given}: không tìm thấy tệp hoặc thư mục này" in result.stdout.splitlines()


def test_a_file_name_with_backslashes_is_read_and_shown_as_it_is(
    examples: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Windows path kept as a file's name (a zip unpacked on the Linux server of a share)."""
    if os.sep == "\\":
        pytest.skip("on Windows a backslash separates folders")
    monkeypatch.chdir(tmp_path)
    Path("share").mkdir()
    named = Path("share") / r"So lieu\2022\Ia_Dal.xlsx"
    shutil.copy2(examples[0], named)
    result = run("check", "share", "-f", "json")
    files = json.loads(result.stdout)["files"]
    assert [(f["path"], f["status"], f["units"]) for f in files] == [
        (r"share/So lieu\2022\Ia_Dal.xlsx", "used", ["Ia Đal"])]


@pytest.mark.parametrize("command", [
    pytest.param(["check"], id="check"),
    pytest.param(["score", "--no-workbook"], id="score"),
    pytest.param(["rollup", "--no-horizon"], id="rollup"),
    pytest.param(["check", "--format", "json"], id="check-json"),
])
def test_closed_pipe_exits_141_without_a_word(examples: list[Path], command: list[str]) -> None:
    """A reader that stops reading (`| head`) ends the run with 141, no traceback, no error."""
    with subprocess.Popen(
        [sys.executable, "-c", "from kh_treem.cli import main; main()", *command,
         *map(str, examples)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.close()  # nobody reads: the first write fails
        stderr = process.stderr.read().decode("utf-8")
        code = process.wait(timeout=120)
    assert (code, stderr) == (141, "")


# --- on a terminal (rich): what the officer sees ------------------------------------------------


class _Terminal(io.StringIO):
    """Standard output that says it is a terminal, as the officer's console does."""

    def isatty(self) -> bool:
        return True


def on_terminal(monkeypatch: pytest.MonkeyPatch, render: Callable[[], None]) -> str:
    """What ``render`` prints on a 160-column terminal, as read (styles left out). Set in the
    test itself: pytest puts its own sys.stdout back when the test's call begins."""
    screen = _Terminal()
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv("NO_COLOR", "1")  # the colours themselves are rich's business
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", screen)
        render()
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())  # bold and the like


def test_terminal_score_table_has_every_target_and_the_closing_line(
    examples: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal the table is rich's: every target's row with its status and 3/3, each goal
    heading, the skipped-sheet notice and "20/33 đạt" last."""
    from kh_treem import cli

    result = kh_treem.score(examples)
    out = on_terminal(monkeypatch, lambda: cli._render(result, "vi", None))
    for tid, *_, status in EXPECTED:
        cells = row(out, tid)
        assert cells[-2:] == [{"met": "Đạt", "not_met": "Chưa đạt",
                               "not_applicable": "Không áp dụng"}[status], "3/3"], tid
    assert all(f"Mục tiêu {g}." in out for g in (1, 2, 3, 4))
    assert f"Lưu ý: {examples[2]} › Huong dan: {SKIPPED_SHEET_VI}" in lines(out)
    assert lines(out)[-1] == "20/33 đạt"


def test_terminal_rollup_table_keeps_the_ids_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from kh_treem import cli

    result = kh_treem.rollup([EXAMPLES.parent])
    out = on_terminal(monkeypatch, lambda: cli._render_rollup(result, "en", None))
    for tid in ("11a", "11b", "20a", "20b"):
        assert row(out, tid)[0] == tid
    assert row(out, "11b")[-3:] == ["worse", "deterioration", "deterioration"]


def test_terminal_check_lists_files_problems_and_the_closing_line(
    examples: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal `check` shows the same file table, its problems and the count last."""
    from kh_treem import cli

    result = kh_treem.check(examples)
    out = lines(on_terminal(monkeypatch, lambda: cli._render_check(result, "vi")))
    [first] = [re.split(r"\s{2,}", line) for line in out if line.startswith(f"{examples[0]} ")]
    assert first == [str(examples[0]), "Ia Đal", "2022", "51", "0", "0", "Đã dùng"]
    assert f"Lưu ý: {examples[2]} › Huong dan: {SKIPPED_SHEET_VI}" in out
    assert out[-1] == "3 tệp, 0 lỗi, 0 cảnh báo"

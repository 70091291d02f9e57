"""Layout B, the table (SUBMISSIONS.md): one sheet, one row per unit, one column per element code.

Tables are built in ``tmp_path`` as .xlsx (openpyxl) and .ods (zipped by hand); the .xls
table is a small fixture, ``tests/data/table.xls``, made once from an openpyxl table of the
three example communes' figures (title, "Năm: 2022", header "STT | Xã | <51 codes> | Ghi chú",
one row per commune, a "Tổng cộng" row at row 8) with `soffice --headless --convert-to xls`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import kh_treem
from kh_treem.intake import Intake, Submission, read_paths
from kh_treem.layouts import SheetReader, SheetSource
from kh_treem.pipeline import ScoreResult
from kh_treem.plan import Plan
from kh_treem.problems import Problem
from kh_treem.records import json_number
from tests.expected_2022 import EXPECTED
from tests.forms import PLAN, write_form
from tests.test_intake import HEADER, write_ods, write_rows

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "2022"
DATA = Path(__file__).parent / "data"
UNITS = list(PLAN.units)
CODES = [e.code for e in PLAN.elements]
FORMATS = [pytest.param("xlsx", id="xlsx"), pytest.param("ods", id="ods")]


# --- building tables --------------------------------------------------------------------------


def write_table(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "Bảng") -> Path:
    """One sheet of ``rows`` in the format ``path``'s suffix names (.xlsx or .ods)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".ods":
        return write_ods(path, {sheet: rows})
    return write_rows(path, {sheet: rows})


@cache
def example_values() -> dict[str, dict[str, int]]:
    """Each commune's figures, as the three example forms give them."""
    intake = read_paths([EXAMPLES], PLAN)
    return {s.unit: {o.code: o.value for o in s.observations} for s in intake.submissions}


def full_table(total_label: str = "Tổng cộng") -> list[list[Any]]:
    """The three communes' figures in one table: title, year label, header, rows, totals row."""
    values = example_values()
    rows: list[list[Any]] = [
        ["BẢNG TỔNG HỢP SỐ LIỆU THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG VÌ TRẺ EM"],
        ["Năm: 2022"],
        [],
        ["STT", "Xã", *CODES, "Ghi chú"],
    ]
    for i, unit in enumerate(UNITS):
        rows.append([i + 1, f"Xã {unit}", *[values[unit][c] for c in CODES], "đã ký"])
    rows.append([None, total_label, *[sum(values[u][c] for u in UNITS) for c in CODES]])
    return rows


# --- looking at the result --------------------------------------------------------------------


def of_type(problems: Sequence[Problem], kind: str) -> list[Problem]:
    return [p for p in problems if p.type == kind]


def errors(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def by_unit(intake: Intake) -> dict[str, Submission]:
    units = [s.unit for s in intake.submissions]
    assert len(units) == len(set(units)), units
    return {s.unit: s for s in intake.submissions}


def values_of(submission: Submission) -> dict[str, int]:
    return {o.code: o.value for o in submission.observations}


def cells_of(submission: Submission) -> dict[str, str]:
    return {o.code: o.cell for o in submission.observations}


def outcomes(result: ScoreResult) -> list[tuple[Any, ...]]:
    """Every target's id, numerator, denominator, exact value, status and units reporting."""
    return [(o.target.id, o.numerator, o.denominator, o.value, o.status, o.units_reporting)
            for o in result.indicators]


def as_expected(result: ScoreResult) -> list[tuple[Any, ...]]:
    """The result in the shape of tests.expected_2022.EXPECTED (values rounded to 4 places)."""
    return [(o.target.id, o.numerator, o.denominator, json_number(o.value), o.status)
            for o in result.indicators]


# --- the district result ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_table_scores_like_three_forms(tmp_path: Path, plan: Plan, fmt: str) -> None:
    """A table of the three communes scores every one of the 33 targets like three forms."""
    table = write_table(tmp_path / f"bang.{fmt}", full_table())
    forms = [write_form(tmp_path / "forms" / f"{i}.xlsx", unit, example_values()[unit])
             for i, unit in enumerate(UNITS)]
    from_table = kh_treem.score([table], plan)
    from_forms = kh_treem.score(forms, plan)
    assert len(from_table.indicators) == 33
    assert outcomes(from_table) == outcomes(from_forms)
    assert as_expected(from_table) == [tuple(e) for e in EXPECTED]
    assert from_table.units_reporting == UNITS
    assert errors(from_table.problems) == []


def test_xls_table_fixture_scores_like_the_examples(plan: Plan) -> None:
    """The .xls table (tests/data/table.xls) scores like the examples, its totals row ignored."""
    path = DATA / "table.xls"
    result = kh_treem.score([path], plan)
    assert as_expected(result) == [tuple(e) for e in EXPECTED]
    assert result.units_reporting == UNITS
    [problem] = result.problems
    assert (problem.type, problem.severity, problem.file, problem.sheet, problem.cell) == (
        "total-row-ignored", "notice", str(path), "Tong hop", "B8",
    )
    assert "Tổng cộng" in problem.message()


def test_xls_table_fixture_names_cells_in_a1_style(plan: Plan) -> None:
    """Each figure of the .xls table keeps its A1 cell: Ia Dom's children_total is C6."""
    intake = read_paths([DATA / "table.xls"], plan)
    units = by_unit(intake)
    assert list(units) == UNITS
    dom = units["Ia Dom"]
    assert (dom.sheet, dom.year, dom.year_cell) == ("Tong hop", 2022, "A2")
    assert cells_of(dom)["children_total"] == "C6"
    assert cells_of(dom)["children_11plus"] == "I6"
    assert values_of(dom) == example_values()["Ia Dom"]


# --- totals rows ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        pytest.param("Tổng cộng", id="tong-cong"),
        pytest.param("Tổng", id="tong"),
        pytest.param("Toàn huyện", id="toan-huyen"),
        pytest.param("Total", id="total"),
        pytest.param("TỔNG CỘNG", id="upper"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_totals_row_is_ignored_never_added(
    tmp_path: Path, plan: Plan, fmt: str, label: str
) -> None:
    """A totals row is ignored with a "total-row-ignored" notice; sums are the communes' only."""
    path = write_table(tmp_path / f"bang.{fmt}", [
        ["STT", "Xã", "live_births", "neonatal_deaths"],
        [1, "Ia Dom", 60, 0],
        [2, "Ia Tơi", 46, 1],
        [None, label, 106, 1],
    ])
    result = kh_treem.score([path], plan)
    assert result.counts["live_births"] == (106, 2)
    assert result.counts["neonatal_deaths"] == (1, 2)
    [problem] = of_type(result.problems, "total-row-ignored")
    assert (problem.severity, problem.file, problem.sheet, problem.cell) == (
        "notice", str(path), "Bảng", "B4",
    )
    assert label in problem.message()
    assert errors(result.problems) == []


def test_totals_row_between_communes_is_ignored(tmp_path: Path, plan: Plan) -> None:
    """A totals row above the last commune is skipped and the rows after it are still read."""
    path = write_table(tmp_path / "bang.xlsx", [
        ["Xã", "live_births"], ["Ia Dom", 60], ["Tổng", 60], ["Ia Tơi", 46],
    ])
    intake = read_paths([path], plan)
    assert {u: values_of(s) for u, s in by_unit(intake).items()} == {
        "Ia Dom": {"live_births": 60}, "Ia Tơi": {"live_births": 46},
    }
    assert [(p.type, p.cell) for p in intake.problems] == [("total-row-ignored", "A3")]


def test_totals_row_labelled_in_the_stt_column_is_ignored(tmp_path: Path, plan: Plan) -> None:
    """A "Tổng cộng" merged over the STT and Xã cells (text in STT) is a totals row, no error."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Bảng"
    for row in [["STT", "Xã", "live_births"], [1, "Ia Dom", 60], [2, "Ia Tơi", 46],
                ["Tổng cộng", None, 106]]:
        ws.append(row)
    ws.merge_cells("A4:B4")
    book.save(tmp_path / "bang.xlsx")
    result = kh_treem.score([tmp_path / "bang.xlsx"], plan)
    assert result.counts["live_births"] == (106, 2)
    assert [(p.type, p.cell) for p in errors(result.problems)] == []
    assert [p.type for p in of_type(result.problems, "total-row-ignored")] == [
        "total-row-ignored"]


# --- the header -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Xã", id="xa"),
        pytest.param("Đơn vị", id="don-vi"),
        pytest.param("Unit", id="unit"),
        pytest.param("Tên xã", id="ten-xa"),
        pytest.param("TÊN ĐƠN VỊ", id="ten-don-vi-upper"),
        pytest.param("Xã:", id="xa-colon"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_unit_column_headers(tmp_path: Path, plan: Plan, fmt: str, header: str) -> None:
    """Each unit column header of the spec is recognised, the figures keep their A1 cells."""
    path = write_table(tmp_path / f"bang.{fmt}", [
        ["BẢNG TỔNG HỢP"],
        ["STT", header, "live_births", "schools"],
        [1, "Xã Ia Dom", 60, 9],
        [2, "IA TOI", 46, "7"],
    ])
    intake = read_paths([path], plan)
    units = by_unit(intake)
    assert list(units) == ["Ia Dom", "Ia Tơi"]
    assert values_of(units["Ia Dom"]) == {"live_births": 60, "schools": 9}
    assert cells_of(units["Ia Tơi"]) == {"live_births": "C4", "schools": "D4"}
    assert all(s.sheet == "Bảng" and s.file == str(path) for s in intake.submissions)
    assert intake.problems == []


def test_header_found_below_title_rows_and_offset(tmp_path: Path, plan: Plan) -> None:
    """The header may stand below title rows and start in any column; cells keep A1 names."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "TH"
    ws["C1"] = "UBND HUYỆN IA H’DRAI"
    ws["C2"] = "BẢNG TỔNG HỢP SỐ LIỆU CÁC XÃ NĂM 2022"
    for col, text in zip("CDEF", ["TT", "Tên xã", "live_births", "u5_weighed"], strict=True):
        ws[f"{col}5"] = text
    ws["C6"], ws["D6"], ws["E6"], ws["F6"] = 1, "Ia Đal", 54, "455"
    book.save(tmp_path / "th.xlsx")
    intake = read_paths([tmp_path / "th.xlsx"], plan)
    [sub] = intake.submissions
    assert (sub.unit, sub.sheet) == ("Ia Đal", "TH")
    assert cells_of(sub) == {"live_births": "E6", "u5_weighed": "F6"}
    assert values_of(sub) == {"live_births": 54, "u5_weighed": 455}


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        pytest.param("live_birth", "live_births", id="missing-s"),
        pytest.param("u5_stuntd", "u5_stunted", id="missing-letter"),
        pytest.param("neonatal_death_s", "neonatal_deaths", id="extra-underscore"),
        pytest.param("Live_Birth", "live_births", id="capitalised"),
        pytest.param("LIVE_BIRTH", "live_births", id="upper"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_code_like_header_not_in_plan_is_an_error(
    tmp_path: Path, plan: Plan, fmt: str, typo: str, suggestion: str
) -> None:
    """A code-like header that is no plan code is "code-unknown" at the header cell; rest read."""
    path = write_table(tmp_path / f"bang.{fmt}", [
        ["STT", "Xã", "schools", typo],
        [1, "Ia Dom", 9, 60],
    ])
    intake = read_paths([path], plan)
    [sub] = intake.submissions
    assert values_of(sub) == {"schools": 9}
    assert [(p.type, p.file, p.sheet, p.cell) for p in errors(intake.problems)] == [
        ("code-unknown", str(path), "Bảng", "D1")]
    [problem] = errors(intake.problems)
    assert problem.params["suggestion"] == suggestion
    assert typo in problem.message()
    assert suggestion in problem.message("en")


def test_codes_in_headers_match_whatever_their_case(tmp_path: Path, plan: Plan) -> None:
    """A header typed " Live_Births " is the element live_births."""
    path = write_table(tmp_path / "bang.xlsx", [["Xã", " Live_Births "], ["Ia Dom", 60]])
    intake = read_paths([path], plan)
    [sub] = intake.submissions
    assert values_of(sub) == {"live_births": 60}
    assert intake.problems == []


def test_other_columns_are_ignored_silently(tmp_path: Path, plan: Plan) -> None:
    """STT, Ghi chú, Người lập and other non-code columns are ignored, with no problem at all."""
    path = write_table(tmp_path / "bang.xlsx", [
        ["STT", "Xã", "Dân số", "live_births", "Ghi chú", "Người lập"],
        [1, "Ia Dom", 9000, 60, "số liệu tạm, chờ xác nhận", "Lê Thị Mai"],
        ["2.", "Ia Tơi", "khoảng 8000", 46, "—", None],
    ])
    intake = read_paths([path], plan)
    assert {u: values_of(s) for u, s in by_unit(intake).items()} == {
        "Ia Dom": {"live_births": 60}, "Ia Tơi": {"live_births": 46},
    }
    assert intake.problems == []


# --- the rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_row_without_unit_is_an_error(tmp_path: Path, plan: Plan, fmt: str) -> None:
    """A row with figures and no unit is "row-without-unit" at its unit cell; others are used."""
    path = write_table(tmp_path / f"bang.{fmt}", [
        ["STT", "Xã", "live_births", "schools"],
        [1, "Ia Dom", 60, 9],
        [2, None, 46, 7],
        [3, "Ia Tơi", 46, 7],
    ])
    intake = read_paths([path], plan)
    assert list(by_unit(intake)) == ["Ia Dom", "Ia Tơi"]
    [problem] = intake.problems
    assert (problem.type, problem.severity, problem.file, problem.sheet, problem.cell) == (
        "row-without-unit", "error", str(path), "Bảng", "B3",
    )


def test_rows_with_no_figures_and_no_unit_say_nothing(tmp_path: Path, plan: Plan) -> None:
    """Blank rows, and rows with only an STT or a note, are not rows of a unit: no problem."""
    path = write_table(tmp_path / "bang.xlsx", [
        ["STT", "Xã", "live_births", "Ghi chú"],
        [1, "Ia Dom", 60, None],
        [],
        [2, None, None, "Người lập biểu: Lê Thị Mai"],
        [None, None, "", None],
    ])
    intake = read_paths([path], plan)
    assert list(by_unit(intake)) == ["Ia Dom"]
    assert intake.problems == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_unit_in_a_row(tmp_path: Path, plan: Plan, fmt: str) -> None:
    """An unknown unit is "unit-unknown" at its cell, with a suggestion; the other rows are used."""
    path = write_table(tmp_path / f"bang.{fmt}", [
        ["Xã", "live_births"],
        ["Ia Dom", 60],
        ["Ia Dorn", 5],
        ["Ia Tơi", 46],
    ])
    intake = read_paths([path], plan)
    assert {u: values_of(s) for u, s in by_unit(intake).items()} == {
        "Ia Dom": {"live_births": 60}, "Ia Tơi": {"live_births": 46},
    }
    [problem] = intake.problems
    assert (problem.type, problem.severity, problem.file, problem.sheet, problem.cell) == (
        "unit-unknown", "error", str(path), "Bảng", "A3",
    )
    assert problem.params["suggestion"] == "Ia Dom"
    assert "Ia Dorn" in problem.message()


@pytest.mark.parametrize(
    ("header", "raw", "kind", "found"),
    [
        pytest.param("u5_stunted", "khoảng 30", "not-a-number", "khoảng 30", id="words"),
        pytest.param("u5_stunted", "12,5", "not-whole", "12,5", id="comma-fraction"),
        pytest.param("u5_stunted", -3, "negative", "-3", id="negative"),
        pytest.param("u5_stunted", 12.5, "not-whole", "12.5", id="fraction"),
        pytest.param("child_friendly_commune", "có lẽ", "not-a-flag", "có lẽ", id="flag"),
        pytest.param("child_friendly_commune", 2, "not-a-flag", "2", id="flag-two"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_rejected_value_names_its_cell(
    tmp_path: Path, plan: Plan, fmt: str, header: str, raw: Any, kind: str, found: str
) -> None:
    """A rejected figure is an error at its own A1 cell (row of its unit, column of its code)."""
    path = write_table(tmp_path / f"bang.{fmt}", [
        ["BẢNG TỔNG HỢP"],
        ["STT", "Xã", "live_births", header],
        [1, "Ia Đal", 54, 1],
        [2, "Ia Dom", 60, raw],
    ])
    intake = read_paths([path], plan)
    units = by_unit(intake)
    assert values_of(units["Ia Dom"]) == {"live_births": 60}
    assert values_of(units["Ia Đal"]) == {"live_births": 54, header: 1}
    [problem] = intake.problems
    assert (problem.type, problem.file, problem.sheet, problem.cell, problem.code) == (
        kind, str(path), "Bảng", "D4", header,
    )
    assert found in problem.message()
    assert problem.where() == f"{path} › Bảng › D4 ({header})"


def test_accepted_values_in_a_table(tmp_path: Path, plan: Plan) -> None:
    """Text counts with separators, "-", blanks and flag words are read as in a form."""
    path = write_table(tmp_path / "bang.xlsx", [
        ["Xã", "children_total", "children_0_8", "neonatal_deaths", "u5_stunted",
         "child_friendly_commune", "play_venue_commune"],
        ["Ia Dom", "1.785", "1 234", "-", "...", "Có", "Chưa đạt"],
        ["Ia Tơi", 1525.0, " 810 ", None, "", "x", "không"],
    ])
    intake = read_paths([path], plan)
    assert {u: values_of(s) for u, s in by_unit(intake).items()} == {
        "Ia Dom": {"children_total": 1785, "children_0_8": 1234, "neonatal_deaths": 0,
                   "child_friendly_commune": 1, "play_venue_commune": 0},
        "Ia Tơi": {"children_total": 1525, "children_0_8": 810,
                   "child_friendly_commune": 1, "play_venue_commune": 0},
    }
    assert intake.problems == []


# --- years ------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [pytest.param("Năm", id="nam"), pytest.param("Year", id="year")])
@pytest.mark.parametrize("fmt", FORMATS)
def test_year_column_gives_each_row_its_year(
    tmp_path: Path, plan: Plan, fmt: str, header: str
) -> None:
    """An optional year column gives each row its year, the year's cell that row's cell."""
    path = write_table(tmp_path / f"bang.{fmt}", [
        ["Xã", header, "live_births"],
        ["Ia Dom", 2022, 60],
        ["Ia Tơi", "2022", 46],
    ])
    intake = read_paths([path], plan)
    assert [(s.unit, s.year, s.year_cell) for s in intake.submissions] == [
        ("Ia Dom", 2022, "B2"), ("Ia Tơi", 2022, "B3"),
    ]
    assert intake.problems == []


def test_row_of_another_year_is_an_error_for_that_row_only(tmp_path: Path, plan: Plan) -> None:
    """A row of 2021 in a 2022 run is "year-other" at its year cell; the other rows are scored."""
    path = write_table(tmp_path / "bang.xlsx", [
        ["STT", "Xã", "Năm", "live_births", "neonatal_deaths"],
        [1, "Ia Đal", 2022, 54, 1],
        [2, "Ia Dom", 2022, 60, 0],
        [3, "Ia Tơi", 2021, 46, 1],
    ])
    result = kh_treem.score([path], plan)
    assert result.units_reporting == ["Ia Đal", "Ia Dom"]
    assert result.counts["live_births"] == (114, 2)
    [problem] = errors(result.problems)
    assert (problem.type, problem.file, problem.sheet, problem.cell) == (
        "year-other", str(path), "Bảng", "C4",
    )
    assert "2021" in problem.message()


def test_same_unit_in_rows_of_two_years(tmp_path: Path, plan: Plan) -> None:
    """A unit on one row per year: the plan's year is scored, the other year is "year-other"."""
    path = write_table(tmp_path / "bang.xlsx", [
        ["Xã", "Năm", "live_births"],
        ["Ia Dom", 2021, 58],
        ["Ia Dom", 2022, 60],
    ])
    result = kh_treem.score([path], plan)
    assert result.counts["live_births"] == (60, 1)
    assert [(p.type, p.cell) for p in errors(result.problems)] == [("year-other", "B2")]


@pytest.mark.parametrize(
    ("above", "cell"),
    [
        pytest.param([["Năm: 2022"]], "A1", id="one-cell"),
        pytest.param([["BẢNG TỔNG HỢP"], [None, "Năm:", 2022]], "C2", id="label-and-number"),
        pytest.param([["Năm báo cáo:", "2022"]], "B1", id="nam-bao-cao-text"),
    ],
)
def test_year_from_a_label_above_the_header(
    tmp_path: Path, plan: Plan, above: list[list[Any]], cell: str
) -> None:
    """Without a year column, a "Năm: 2022" label above the header gives every row's year."""
    path = write_table(tmp_path / "bang.xlsx", [
        *above, ["Xã", "live_births"], ["Ia Dom", 60], ["Ia Tơi", 46],
    ])
    intake = read_paths([path], plan)
    assert [(s.unit, s.year, s.year_cell) for s in intake.submissions] == [
        ("Ia Dom", 2022, cell), ("Ia Tơi", 2022, cell),
    ]
    assert intake.problems == []


def test_label_year_of_another_year_rejects_every_row(tmp_path: Path, plan: Plan) -> None:
    """A "Năm: 2021" label above a 2022 run's table makes each row a "year-other" error."""
    path = write_table(tmp_path / "bang.xlsx", [
        ["Năm: 2021"], ["Xã", "live_births"], ["Ia Dom", 60], ["Ia Tơi", 46],
    ])
    result = kh_treem.score([path], plan)
    assert result.units_reporting == []
    assert [(p.type, p.cell) for p in errors(result.problems)] == [("year-other", "A1")] * 2


def test_table_without_a_year_takes_the_plans_year(tmp_path: Path, plan: Plan) -> None:
    """A table with no year anywhere is scored as the plan's year, with "year-missing" notices."""
    path = write_table(tmp_path / "bang.xlsx", [["Xã", "live_births"], ["Ia Dom", 60]])
    result = kh_treem.score([path], plan)
    assert result.counts["live_births"] == (60, 1)
    assert [p.type for p in result.problems if p.file == str(path)] == ["year-missing"]
    assert errors(result.problems) == []


# --- sheets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_form_sheet_and_table_sheet_in_one_workbook(
    tmp_path: Path, plan: Plan, fmt: str
) -> None:
    """A workbook with a form sheet and a table sheet gives the form's unit and the table's."""
    sheets = {
        "Ia Đal": [["Đơn vị:", "Xã Ia Đal", None, "Năm:", 2022], HEADER,
                   [1, "Số trẻ đẻ sống", "trẻ", "live_births", 54]],
        "Bảng": [["Năm: 2022"], ["STT", "Xã", "live_births"], [1, "Ia Dom", 60], [2, "Ia Tơi", 46]],
    }
    path = tmp_path / f"huyen.{fmt}"
    if fmt == "ods":
        write_ods(path, sheets)
    else:
        write_rows(path, sheets)
    intake = read_paths([path], plan)
    assert [(s.unit, s.sheet, cells_of(s)["live_births"]) for s in intake.submissions] == [
        ("Ia Đal", "Ia Đal", "E3"), ("Ia Dom", "Bảng", "C3"), ("Ia Tơi", "Bảng", "C4"),
    ]
    assert intake.problems == []
    [record] = intake.files
    assert (record.status, record.units) == ("used", UNITS)


def test_sheet_matching_no_layout_is_skipped_with_a_notice(tmp_path: Path, plan: Plan) -> None:
    """Beside a table, an instructions sheet is skipped with a "sheet-skipped" notice naming it."""
    path = write_rows(tmp_path / "huyen.xlsx", {
        "Bảng": [["Xã", "live_births"], ["Ia Dom", 60]],
        "Hướng dẫn": [["Mỗi xã một hàng"], ["Xã", "Ghi chú"], ["Ia Dom", "ghi số trẻ"]],
    })
    intake = read_paths([path], plan)
    assert [s.unit for s in intake.submissions] == ["Ia Dom"]
    [problem] = intake.problems
    assert (problem.type, problem.severity, problem.file, problem.sheet) == (
        "sheet-skipped", "notice", str(path), "Hướng dẫn",
    )


def test_unit_column_without_any_code_column_is_not_a_table(tmp_path: Path, plan: Plan) -> None:
    """A "Xã" column with no element-code column is no table: the file is "no-form"."""
    path = write_rows(tmp_path / "danh_sach.xlsx", {
        "Sheet1": [["STT", "Xã", "Trưởng trạm"], [1, "Ia Dom", "Lê Thị Mai"]],
    })
    intake = read_paths([path], plan)
    assert intake.submissions == []
    [problem] = errors(intake.problems)
    assert (problem.type, problem.file) == ("no-form", str(path))


@pytest.mark.parametrize("table_first", [True, False], ids=["table-row-above", "table-row-below"])
def test_a_form_header_wins_over_a_table_header(plan: Plan, table_first: bool) -> None:
    """A sheet with a row that heads a table ("Xã", a code) and one that heads a form
    ("Mã", "Số liệu") is read as a form, whichever row comes first."""
    labels: list[list[Any]] = [["Đơn vị: Xã Ia Tơi"], ["Năm: 2022"]]
    table: list[list[Any]] = [["Xã", "live_births"], ["Ia Dom", 60]]
    form: list[list[Any]] = [["Mã", "Số liệu"], ["live_births", 41]]
    rows = labels + (table + form if table_first else form + table)
    reader = SheetReader(plan, [])
    submissions = reader.read(rows, SheetSource("f.xlsx", "Sheet1", "f"))
    assert submissions is not None
    assert [(s.unit, dict(zip(s.codes, s.values, strict=True))) for s in submissions] == [
        ("Ia Tơi", {"live_births": 41})]

"""The blank form (kh_treem.template): layout A built from the plan, read back by the reader.

Forms are written into tmp_path, filled in by code with openpyxl the way an officer fills
them in by hand, and scored; the figures come from examples/2022, so a filled form must
score exactly like the example files themselves.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.packaging.custom import CustomPropertyList
from openpyxl.worksheet.worksheet import Worksheet

import kh_treem
from kh_treem.intake import read_paths
from kh_treem.layouts import CODE_HEADERS, VALUE_HEADERS, YEAR_LABELS
from kh_treem.names import label_keys
from kh_treem.pipeline import ScoreResult, previous_figures
from kh_treem.plan import Plan
from kh_treem.template import (
    FORM_SHEET,
    GUIDE_SHEET,
    form_filename,
    sections,
    write_form,
)
from kh_treem.validation import assemble
from tests.forms import PLAN
from tests.forms import write_form as write_submission

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "2022"
EXAMPLE_FILES = [EXAMPLES / name for name in ("Ia_Dal.xlsx", "Ia_Dom.xlsx", "Ia_Toi.xlsx")]
UNITS = ["Ia Đal", "Ia Dom", "Ia Tơi"]
FLAGS = {"child_friendly_commune", "play_venue_commune"}
CODES = [e.code for e in PLAN.elements]

Figures = dict[str, dict[str, int]]


# --- helpers --------------------------------------------------------------------------------


@cache
def _example_figures() -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    intake = read_paths(EXAMPLE_FILES, PLAN)
    figures = assemble(intake.submissions, PLAN).figures
    return tuple((unit, tuple(values.items())) for unit, values in figures.items())


def example_figures() -> Figures:
    """unit -> code -> value of examples/2022, as the reader sees them (a fresh copy)."""
    return {unit: dict(values) for unit, values in _example_figures()}


@cache
def _scored_examples() -> ScoreResult:
    return kh_treem.score(EXAMPLE_FILES, PLAN)


def outcomes(result: ScoreResult) -> list[tuple[Any, ...]]:
    """Every indicator of the district and of each unit: id, numerator, denominator, value,
    status."""
    rows: list[tuple[Any, ...]] = [
        ("district", o.target.id, o.numerator, o.denominator, o.value, o.status)
        for o in result.indicators]
    for unit, unit_outcomes in result.by_unit.items():
        rows += [(unit, o.target.id, o.numerator, o.denominator, o.value, o.status)
                 for o in unit_outcomes]
    return rows


def layout(ws: Worksheet) -> tuple[int, dict[str, int], dict[str, int]]:
    """(header row, header text -> column, code -> row), 1-based, found by scanning."""
    for row in ws.iter_rows():
        texts = {c.value: c.column for c in row if isinstance(c.value, str)}
        if "Mã" in texts and "Số liệu" in texts:
            header = row[0].row
            code_col = texts["Mã"]
            rows = {
                str(ws.cell(r, code_col).value): r
                for r in range(header + 1, ws.max_row + 1)
                if ws.cell(r, code_col).value not in (None, "")
            }
            return header, texts, rows
    raise AssertionError("no header row with Mã and Số liệu")


def fill(path: Path, values: Mapping[str, int], *, skip: frozenset[str] = frozenset()) -> None:
    """Type ``values`` into the value column by code, as an officer would, and save."""
    book = openpyxl.load_workbook(path)
    ws = book[FORM_SHEET]
    _, columns, rows = layout(ws)
    for code, value in values.items():
        if code not in skip:
            ws.cell(rows[code], columns["Số liệu"], value)
    book.save(path)


def sheet(path: Path) -> Worksheet:
    ws = openpyxl.load_workbook(path)[FORM_SHEET]
    assert isinstance(ws, Worksheet)
    return ws


def validations(ws: Worksheet) -> dict[str, Any]:
    """A1 cell -> the data validation on it (each cell in at most one)."""
    found: dict[str, Any] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row, col in rng.cells:
                cell = ws.cell(row, col).coordinate
                assert cell not in found, f"two validations on {cell}"
                found[cell] = dv
    return found


def all_text(ws: Worksheet) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.fixture
def blank(tmp_path: Path) -> Path:
    """Ia Đal's blank 2022 form."""
    path = tmp_path / form_filename("Ia Đal", 2022)
    write_form(PLAN, "Ia Đal", 2022, path)
    return path


# --- the round trip -------------------------------------------------------------------------


def test_filled_forms_score_like_the_examples(tmp_path: Path) -> None:
    """Forms filled by code with the example figures score exactly like the example files."""
    folder = tmp_path / "forms"
    folder.mkdir()
    figures = example_figures()
    for unit in UNITS:
        path = folder / form_filename(unit, 2022)
        write_form(PLAN, unit, 2022, path)
        fill(path, figures[unit])
    result = kh_treem.score([folder], PLAN)
    assert outcomes(result) == outcomes(_scored_examples())
    assert result.units_reporting == UNITS
    assert result.counts == _scored_examples().counts


def test_filled_forms_give_unit_and_year_and_skip_the_guide(tmp_path: Path) -> None:
    """The reader takes unit and year from the form and skips the guide sheet without a word
    (the form's mark names it)."""
    figures = example_figures()
    for unit in UNITS:
        path = tmp_path / form_filename(unit, 2022)
        write_form(PLAN, unit, 2022, path)
        fill(path, figures[unit])
    intake = read_paths([tmp_path], PLAN)
    assert sorted((s.unit, s.year, s.sheet) for s in intake.submissions) == [
        (unit, 2022, FORM_SHEET) for unit in sorted(UNITS)]
    for sub in intake.submissions:
        assert {o.code: o.value for o in sub.observations} == figures[sub.unit]
    assert kh_treem.score([tmp_path], PLAN).problems == []


def test_blank_form_reports_nothing(blank: Path) -> None:
    """A blank form is read as its unit and year with no figure: blank is not reported."""
    intake = read_paths([blank], PLAN)
    assert [(s.unit, s.year, s.observations) for s in intake.submissions] == [
        ("Ia Đal", 2022, [])]
    assert intake.problems == []  # the guide sheet skipped by the form's mark


# --- what the officer sees ------------------------------------------------------------------


def test_header_lines_title_unit_and_year(blank: Path) -> None:
    """The official header lines, the title with the year, the unit and the year are there."""
    ws = sheet(blank)
    texts = all_text(ws)
    for line in ("ỦY BAN NHÂN DÂN XÃ IA ĐAL", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "UBND HUYỆN IA H’DRAI",
                 "BIỂU SỐ LIỆU THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG VÌ TRẺ EM NĂM 2022",
                 "Đơn vị:", "Xã Ia Đal", "Năm:"):
        assert line in texts
    header, columns, _ = layout(ws)
    assert list(columns) == ["STT", "Nội dung", "Đơn vị tính", "Mã", "Số liệu", "Ghi chú"]
    year_row = [c.value for c in ws[header - 3]]
    assert year_row[:4] == ["Đơn vị:", "Xã Ia Đal", "Năm:", 2022]


def test_rows_grouped_by_goal(blank: Path) -> None:
    """Each element has one row under its goal's section, with STT, label, unit and code."""
    ws = sheet(blank)
    header, columns, rows = layout(ws)
    assert sorted(rows) == sorted(CODES)
    code_col = columns["Mã"]
    found: list[tuple[str, list[str]]] = []
    for r in range(header + 1, ws.max_row + 1):
        stt, label, measure, code = (ws.cell(r, c).value for c in range(1, 5))
        if isinstance(stt, str) and re.fullmatch(r"[IVX]+", stt):  # a section: I, II, ...
            assert ws.cell(r, code_col).value is None
            found.append((stt, []))
        elif code is not None:
            element = PLAN.element(code)
            assert stt == sum(len(codes) for _, codes in found) + 1
            assert label == element.label.vi
            assert measure == (element.measure_unit.vi if element.measure_unit else "")
            found[-1][1].append(code)
    expected = [(s.number, [e.code for e in s.elements]) for s in sections(PLAN)]
    assert found == expected
    assert [n for n, _ in found] == ["I", "II", "III", "IV"]
    # The first target that uses an element decides its goal.
    assert "children_total" in found[1][1]  # first used by 8a (goal 2)
    assert "live_births" in found[0][1]
    assert "Mục tiêu 2. Về bảo vệ trẻ em" in all_text(ws)


def test_validation_on_exactly_the_value_cells(blank: Path) -> None:
    """Whole numbers 0..10,000,000 on counts and a 0/1 drop-down on flags, on value cells only."""
    ws = sheet(blank)
    _, columns, rows = layout(ws)
    found = validations(ws)
    value_col = columns["Số liệu"]
    assert set(found) == {ws.cell(r, value_col).coordinate for r in rows.values()}
    for code, r in rows.items():
        dv = found[ws.cell(r, value_col).coordinate]
        assert dv.showInputMessage
        assert dv.showErrorMessage
        assert dv.errorStyle in (None, "stop")
        assert dv.allow_blank
        assert len(dv.promptTitle) <= 32
        assert len(dv.prompt) <= 255
        assert PLAN.element(code).label.vi in dv.prompt
        if code in FLAGS:
            assert (dv.type, dv.formula1) == ("list", '"0,1"')
            assert not dv.showDropDown  # True would hide the drop-down arrow
            assert "1 = có/đạt, 0 = không/chưa đạt" in dv.prompt
        else:
            assert (dv.type, dv.operator or "between") == ("whole", "between")
            assert (dv.formula1, dv.formula2) == ("0", "10000000")
            assert "số nguyên" in dv.prompt
            assert "chưa báo cáo" in dv.prompt


def test_only_values_and_notes_unlocked(blank: Path) -> None:
    """The sheet is protected without a password; only value and note cells are unlocked."""
    ws = sheet(blank)
    assert ws.protection.sheet is True
    assert ws.protection.password is None
    # False: the action is not protected (allowed).
    assert ws.protection.formatColumns is False
    assert ws.protection.formatRows is False
    header, columns, rows = layout(ws)
    for r in rows.values():
        for name, col in columns.items():
            locked = ws.cell(r, col).protection.locked
            assert locked is (name not in ("Số liệu", "Ghi chú")), (name, r)
    for col in columns.values():
        assert ws.cell(header, col).protection.locked is True
    unlocked = {c.coordinate for row in ws.iter_rows() for c in row
                if c.has_style and c.protection.locked is False}
    assert unlocked == {ws.cell(r, columns[n]).coordinate
                        for r in rows.values() for n in ("Số liệu", "Ghi chú")}


def test_frozen_header_and_print_setup(blank: Path) -> None:
    """The header is frozen and repeated; A4 portrait, one page wide."""
    ws = sheet(blank)
    header, columns, _ = layout(ws)
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.page_setup.orientation == "portrait"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth or 1) == 1  # 1 is the default, left out of the file
    assert ws.page_setup.fitToHeight == 0
    widths = {name: ws.column_dimensions[chr(64 + col)].width for name, col in columns.items()}
    assert widths["Nội dung"] > 30
    assert widths["Mã"] > 20


def test_guide_sheet_explains_every_figure(blank: Path) -> None:
    """The guide explains blanks, zeros, "-", each element and how to send the form back."""
    book = openpyxl.load_workbook(blank)
    assert book.sheetnames == [FORM_SHEET, GUIDE_SHEET]
    text = "\n".join(all_text(book[GUIDE_SHEET]))
    for phrase in ("cột “Số liệu”", "CHƯA BÁO CÁO", "ghi số 0", "dấu “-”", "không phải là 0",
                   "Không sửa cột “Mã”", ".xlsx", "Ia_Dal_2022.xlsx",
                   "Phòng Lao động - Thương binh và Xã hội"):
        assert phrase in text
    for element in PLAN.elements:
        assert f"{element.code} — {element.label.vi}:" in text
    assert "live_births — Số trẻ đẻ sống trong năm: số trẻ" in text
    assert "dùng để tính chỉ tiêu 3a, 3b, 3c" in text


def test_no_previous_column_without_previous(blank: Path) -> None:
    """Without last year's figures the form has no "Năm trước" column."""
    assert "Năm trước" not in all_text(sheet(blank))


def test_unknown_unit_is_refused(tmp_path: Path) -> None:
    """write_form refuses a unit the plan does not list, and writes nothing."""
    with pytest.raises(ValueError, match="Ia Grai"):
        write_form(PLAN, "Ia Grai", 2022, tmp_path / "x.xlsx")
    assert os.listdir(tmp_path) == []


def test_write_leaves_only_the_form(tmp_path: Path) -> None:
    """The form is written atomically: the target, and no temporary file beside it."""
    write_form(PLAN, "Ia Dom", 2022, tmp_path / "Ia_Dom_2022.xlsx")
    assert os.listdir(tmp_path) == ["Ia_Dom_2022.xlsx"]


# --- last year's figures --------------------------------------------------------------------


def write_last_year(folder: Path) -> Figures:
    """2021 submissions: the example figures, with 2021's child_marriages = 2022's _prev."""
    last: Figures = {}
    for unit, values in example_figures().items():
        values = {**values, "child_marriages": values["child_marriages_prev"],
                  "child_marriages_prev": values["child_marriages_prev"] + 1}
        write_submission(folder / f"{form_filename(unit, 2021)}", unit, values, year=2021)
        last[unit] = values
    return last


def test_previous_figures_reads_last_year(tmp_path: Path) -> None:
    """previous_figures reads last year's submissions as that year's, with no problem."""
    written = write_last_year(tmp_path / "2021")
    last, problems = previous_figures([tmp_path / "2021"], PLAN, 2022)
    assert last.figures == written
    assert problems == []


def test_previous_figures_reports_wrong_year_and_missing_unit(tmp_path: Path) -> None:
    """A submission of another year is an error and a unit with none is a warning."""
    figures = example_figures()
    write_submission(tmp_path / "a.xlsx", "Ia Đal", figures["Ia Đal"], year=2021)
    write_submission(tmp_path / "b.xlsx", "Ia Dom", figures["Ia Dom"], year=2022)
    last, problems = previous_figures([tmp_path], PLAN, 2022)
    found = last.figures
    assert list(found) == ["Ia Đal"]
    assert sorted(p.type for p in problems) == ["unit-not-reported", "unit-not-reported",
                                                "year-other"]


def test_previous_column_and_prefilled_marriages(tmp_path: Path) -> None:
    """Last year's figures fill a locked grey "Năm trước" column and child_marriages_prev."""
    last = write_last_year(tmp_path / "2021")
    figures = previous_figures([tmp_path / "2021"], PLAN, 2022)[0].figures
    path = tmp_path / "Ia_Toi_2022.xlsx"
    write_form(PLAN, "Ia Tơi", 2022, path, previous=figures["Ia Tơi"])
    ws = sheet(path)
    _, columns, rows = layout(ws)
    assert list(columns) == ["STT", "Nội dung", "Đơn vị tính", "Mã", "Số liệu", "Năm trước",
                             "Ghi chú"]
    prev_col, value_col = columns["Năm trước"], columns["Số liệu"]
    # The reader takes neither the column's header for a value column nor for a label.
    assert label_keys("Năm trước").isdisjoint(VALUE_HEADERS | CODE_HEADERS | YEAR_LABELS)
    for code, r in rows.items():
        cell = ws.cell(r, prev_col)
        assert cell.value == last["Ia Tơi"][code]
        assert cell.protection.locked is True
        assert cell.fill.fgColor.rgb == "FFD9D9D9"
    assert ws.cell(rows["child_marriages_prev"], value_col).value == \
        last["Ia Tơi"]["child_marriages"]
    assert ws.cell(rows["child_marriages_prev"], value_col).protection.locked is False
    assert [ws.cell(r, value_col).value for c, r in rows.items()
            if c != "child_marriages_prev"] == [None] * (len(rows) - 1)
    assert set(validations(ws)) == {ws.cell(r, value_col).coordinate for r in rows.values()}
    guide = "\n".join(all_text(openpyxl.load_workbook(path)[GUIDE_SHEET]))
    assert "Cột “Năm trước”" in guide
    assert "năm 2021" in guide


def test_forms_with_previous_score_like_the_examples(tmp_path: Path) -> None:
    """Forms with last year's column, filled but for the pre-filled cell, score the same."""
    write_last_year(tmp_path / "2021")
    previous = previous_figures([tmp_path / "2021"], PLAN, 2022)[0].figures
    folder = tmp_path / "forms"
    folder.mkdir()
    for unit, values in example_figures().items():
        path = folder / form_filename(unit, 2022)
        write_form(PLAN, unit, 2022, path, previous=previous[unit])
        fill(path, values, skip=frozenset({"child_marriages_prev"}))
    result = kh_treem.score([folder], PLAN)
    assert outcomes(result) == outcomes(_scored_examples())
    assert result.problems == []
    assert next(o for o in result.indicators if o.target.id == "13").denominator == 11


def test_unit_without_last_year_gets_an_empty_column(tmp_path: Path) -> None:
    """An empty mapping of last year's figures gives the column, empty, and nothing pre-filled."""
    path = tmp_path / "f.xlsx"
    write_form(PLAN, "Ia Dom", 2022, path, previous={})
    ws = sheet(path)
    _, columns, rows = layout(ws)
    assert all(ws.cell(r, columns["Năm trước"]).value is None for r in rows.values())
    assert all(ws.cell(r, columns["Số liệu"]).value is None for r in rows.values())


# --- other plans ----------------------------------------------------------------------------


LONG_LABEL = "Trẻ em mồ côi cả cha và mẹ được chăm sóc thay thế " + "tại cộng đồng, " * 20


def extra_plan() -> Plan:
    """The 2022 plan with an element no target uses, a new goal, and two new targets."""
    data = PLAN.model_dump(mode="json")
    data["goals"].append({"id": 5, "name": {"vi": "Về chăm sóc thay thế", "en": "Care"}})
    data["elements"] += [
        {"code": "households", "kind": "count",
         "label": {"vi": "Số hộ gia đình có trẻ em", "en": "Households with children"},
         "measure_unit": {"vi": "hộ", "en": "households"}},
        {"code": "orphans", "kind": "count",
         "label": {"vi": "Trẻ em mồ côi cả cha và mẹ", "en": "Orphans"}},
        {"code": "orphans_cared", "kind": "count",
         "label": {"vi": LONG_LABEL, "en": "Orphans in alternative care"},
         "measure_unit": {"vi": "trẻ", "en": "children"}},
        {"code": "child_club", "kind": "flag",
         "label": {"vi": "Xã có câu lạc bộ quyền trẻ em", "en": "Commune has a club"},
         "measure_unit": {"vi": "1 = có, 0 = không", "en": "1 = yes, 0 = no"}},
    ]
    data["targets"] += [
        {"id": "25", "goal": 5, "name": {"vi": "Trẻ mồ côi được chăm sóc", "en": "Orphans"},
         "words": "90% trẻ em mồ côi được chăm sóc thay thế.", "numerator": "orphans_cared",
         "denominator": "orphans", "unit": "%", "direction": "at_least", "target": 90},
        {"id": "26", "goal": 4, "name": {"vi": "Xã có câu lạc bộ", "en": "Clubs"},
         "words": "Ít nhất 1 xã có câu lạc bộ quyền trẻ em.", "measure": "units",
         "numerator": "child_club", "unit": "communes", "direction": "at_least", "target": 1},
    ]
    return Plan.model_validate(data)


def test_plan_with_extra_elements(tmp_path: Path) -> None:
    """Extra elements get rows (unused ones first, under "Thông tin chung") and read back."""
    plan = extra_plan()
    path = tmp_path / "Ia_Dom_2022.xlsx"
    write_form(plan, "Ia Dom", 2022, path)
    ws = sheet(path)
    header, columns, rows = layout(ws)
    assert sorted(rows) == sorted(e.code for e in plan.elements)
    assert next((s.number, s.title) for s in sections(plan)) == ("I", "Thông tin chung")
    assert [e.code for e in sections(plan)[0].elements] == ["households"]
    assert sections(plan)[-1].title == "Mục tiêu 5. Về chăm sóc thay thế"
    assert ws.cell(header + 1, 2).value == "Thông tin chung"
    assert rows["households"] == header + 2
    dvs = validations(ws)
    value_col = columns["Số liệu"]
    assert dvs[ws.cell(rows["child_club"], value_col).coordinate].type == "list"
    long_prompt = dvs[ws.cell(rows["orphans_cared"], value_col).coordinate].prompt
    assert len(long_prompt) <= 255
    assert long_prompt.startswith(LONG_LABEL[:60])
    values = {**example_figures()["Ia Dom"], "households": 640, "orphans": 7,
              "orphans_cared": 6, "child_club": 1}
    fill(path, values)
    intake = read_paths([path], plan)
    assert [{o.code: o.value for o in s.observations} for s in intake.submissions] == [values]
    result = kh_treem.score([path], plan)
    by_id = {o.target.id: o for o in result.indicators}
    assert (by_id["25"].numerator, by_id["25"].denominator) == (6, 7)
    assert (by_id["26"].numerator, by_id["26"].status) == (1, "met")
    assert not result.has_errors


def test_2023_plan_gives_the_2023_form(tmp_path: Path) -> None:
    """A plan for 2023 gives a form titled 2023 whose year reads back as 2023."""
    plan = PLAN.model_copy(update={"year": 2023, "id": "ia-hdrai-2023"})
    path = tmp_path / form_filename("Ia Tơi", 2023)
    write_form(plan, "Ia Tơi", plan.year, path)
    ws = sheet(path)
    assert "BIỂU SỐ LIỆU THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG VÌ TRẺ EM NĂM 2023" in all_text(ws)
    guide = all_text(openpyxl.load_workbook(path)[GUIDE_SHEET])
    assert "HƯỚNG DẪN ĐIỀN BIỂU SỐ LIỆU NĂM 2023" in guide
    fill(path, example_figures()["Ia Tơi"])
    intake = read_paths([path], plan)
    assert [(s.unit, s.year) for s in intake.submissions] == [("Ia Tơi", 2023)]
    result = kh_treem.score([path], plan)
    assert {p.type for p in result.problems} == {"unit-not-reported"}
    assert result.units_reporting == ["Ia Tơi"]


# --- file names -----------------------------------------------------------------------------


def test_form_filename_is_ascii() -> None:
    """File names are ASCII, without diacritics, case kept, spaces as underscores."""
    assert [form_filename(u, 2022) for u in UNITS] == [
        "Ia_Dal_2022.xlsx", "Ia_Dom_2022.xlsx", "Ia_Toi_2022.xlsx"]
    assert form_filename(unicodedata.normalize("NFD", "Ia Tơi"), 2023) == "Ia_Toi_2023.xlsx"
    assert form_filename("Thị trấn Ia H’Drai", 2022) == "Thi_tran_Ia_HDrai_2022.xlsx"
    assert form_filename("Xã Đắk Ang", 2024).isascii()


def test_a_long_commune_name_gives_a_file_name_any_system_takes() -> None:
    name = form_filename("Xã " + "Rất Dài " * 60, 2023)
    assert len(name) <= 110
    assert name.startswith("Xa_Rat_Dai_Rat_Dai")
    assert name.endswith("_2023.xlsx")


def test_the_forms_guide_sheet_is_skipped_without_a_word(tmp_path: Path) -> None:
    """A form made by template carries a mark naming its guide sheet: reading skips that
    sheet silently (a sheet of that name in a file without the mark still gets its notice)."""
    form = tmp_path / "Ia_Dom_2022.xlsx"
    write_form(PLAN, "Ia Dom", 2022, form)
    intake = read_paths([form], PLAN)
    assert [p.type for p in intake.problems] == []
    assert [s.sheet for s in intake.submissions] == [FORM_SHEET]
    unmarked = openpyxl.load_workbook(form)
    unmarked.custom_doc_props = CustomPropertyList()  # the mark lost (an .xls resave loses it)
    unmarked.save(tmp_path / "resaved.xlsx")
    again = read_paths([tmp_path / "resaved.xlsx"], PLAN)
    assert [(p.type, p.sheet) for p in again.problems] == [("sheet-skipped", GUIDE_SHEET)]

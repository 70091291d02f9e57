"""Reading commune workbooks in layout A (the form) through ``read_paths``.

SUBMISSIONS.md: files accepted, layout A, values and names. Every workbook is
built here in ``tmp_path`` (openpyxl via ``tests.forms``, xlsxwriter for saved
formula values, a hand-zipped OpenDocument file for .ods); the one .xls is a
small fixture in ``tests/data`` (see ``test_xls_fixture_is_read``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
import pytest
import xlsxwriter

from kh_treem.formulas import xlsx_formulas
from kh_treem.intake import Intake, Submission, read_paths
from kh_treem.plan import Plan
from kh_treem.problems import Problem
from tests.forms import value_cell, write_form

DATA = Path(__file__).parent / "data"
HEADER = ["STT", "Nội dung", "Đơn vị tính", "Mã", "Số liệu", "Ghi chú"]
UNITS = ("Ia Đal", "Ia Dom", "Ia Tơi")
VI_SUMMARY_SHEETS = ["Tổng hợp", "Theo xã", "Số liệu cộng", "Vấn đề", "Tệp đã đọc"]
EN_SUMMARY_SHEETS = ["District", "By commune", "Summed counts", "Problems", "Files read"]


# --- building awkward workbooks -------------------------------------------------------------


def write_rows(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    """A workbook with one sheet per entry, rows appended from A1 down (None = empty cell)."""
    book = openpyxl.Workbook()
    first = True
    for name, rows in sheets.items():
        if first:
            ws = book.active
            assert ws is not None
            ws.title = name
            first = False
        else:
            ws = book.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_ods(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    """A minimal OpenDocument spreadsheet, zipped by hand (numbers as floats, the rest text)."""
    tables = []
    for name, rows in sheets.items():
        xml_rows = []
        for row in rows:
            cells = []
            for value in row:
                if value is None:
                    cells.append("<table:table-cell/>")
                elif isinstance(value, (int, float)):
                    cells.append(
                        f'<table:table-cell office:value-type="float" office:value="{value}">'
                        f"<text:p>{value}</text:p></table:table-cell>"
                    )
                else:
                    cells.append(
                        '<table:table-cell office:value-type="string">'
                        f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
                    )
            xml_rows.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
        tables.append(
            f'<table:table table:name="{escape(name)}">' + "".join(xml_rows) + "</table:table>"
        )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>"
        + "".join(tables)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        # The mimetype member comes first and is stored uncompressed.
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def as_saved_by_excel(path: Path) -> Path:
    """Drop xlsxwriter's "recalculate on open" flag, as Excel does when it saves the file.

    With the flag, a saved value is only the writer's guess (the project's formulas module
    treats it as untrustworthy); without it, the value is what the spreadsheet computed.
    """
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            archive.writestr(info, data)
    return path


def small_form_with_xlsxwriter(path: Path) -> xlsxwriter.Workbook:
    """An open xlsxwriter workbook laid out as the form for Ia Dom: live_births 412 at E5."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Sheet1")
    ws.write("A2", "Đơn vị:")
    ws.write("B2", "Xã Ia Dom")
    ws.write_row("A4", HEADER)
    ws.write_row("A5", [1, "Số trẻ đẻ sống trong năm", "trẻ", "live_births", 412])
    ws.write_row("A6", [2, "Số trẻ em dưới 1 tuổi", "trẻ", "children_u1"])
    return book


# --- looking at the result --------------------------------------------------------------------


def of_type(intake: Intake, kind: str) -> list[Problem]:
    return [p for p in intake.problems if p.type == kind]


def errors(intake: Intake) -> list[Problem]:
    return [p for p in intake.problems if p.severity == "error"]


def only_submission(intake: Intake) -> Submission:
    assert len(intake.submissions) == 1, intake.problems
    return intake.submissions[0]


def values_of(submission: Submission) -> dict[str, int]:
    return {o.code: o.value for o in submission.observations}


def cells_of(submission: Submission) -> dict[str, str]:
    return {o.code: o.cell for o in submission.observations}


def record_of(intake: Intake, path: Path) -> Any:
    [record] = [f for f in intake.files if f.path == str(path)]
    return record


# --- the unit ---------------------------------------------------------------------------------


def test_form_gives_unit_year_and_values(tmp_path: Path, plan: Plan) -> None:
    """A plain form gives one submission: the unit, the year with its cell, each value's cell."""
    path = write_form(tmp_path / "dom.xlsx", "Xã Ia Dom", {"live_births": 412, "schools": 3})
    intake = read_paths([path], plan)
    sub = only_submission(intake)
    assert (sub.file, sub.sheet, sub.unit, sub.year, sub.year_cell) == (
        str(path), "Sheet1", "Ia Dom", 2022, "E2",
    )
    assert values_of(sub) == {"live_births": 412, "schools": 3}
    assert cells_of(sub) == {"live_births": value_cell("live_births"),
                             "schools": value_cell("schools")}
    assert errors(intake) == []


@pytest.mark.parametrize(
    ("row", "unit"),
    [
        pytest.param(["Đơn vị:", "Xã Ia Dom"], "Ia Dom", id="don-vi-colon"),
        pytest.param(["Đơn vị", "Ia Dom"], "Ia Dom", id="don-vi-no-colon"),
        pytest.param(["ĐƠN VỊ :", "IA DOM"], "Ia Dom", id="upper-spaced-colon"),
        pytest.param(["Đơn vị:", None, None, "Ia Tơi"], "Ia Tơi", id="name-further-right"),
        pytest.param(["Đơn vị báo cáo:", "Ia Đal"], "Ia Đal", id="don-vi-bao-cao"),
        pytest.param(["Xã:", "Ia Đal"], "Ia Đal", id="xa"),
        pytest.param(["Unit:", "XA IA DAL"], "Ia Đal", id="unit-english"),
        pytest.param(["§¬n vÞ:", "Ia §al"], "Ia Đal", id="tcvn3-label-and-name"),
        pytest.param(["Ñôn vò:", "Xaõ Ia Tôi"], "Ia Tơi", id="vni-label-and-name"),
    ],
)
def test_unit_from_label_and_next_cell(
    tmp_path: Path, plan: Plan, row: list[Any], unit: str
) -> None:
    """A unit label cell gives the unit in the next non-empty cell of its row."""
    path = write_rows(tmp_path / "Sheet.xlsx", {"Sheet1": [["BIỂU SỐ LIỆU"], row, [], HEADER,
                                                          [1, "x", "trẻ", "live_births", 412]]})
    intake = read_paths([path], plan)
    assert only_submission(intake).unit == unit
    assert errors(intake) == []


def test_unit_from_one_cell(tmp_path: Path, plan: Plan) -> None:
    """One cell "Đơn vị: Xã Ia Dom" gives the unit (and no year)."""
    path = write_rows(tmp_path / "x.xlsx", {"Sheet1": [["Đơn vị: Xã Ia Dom"], HEADER,
                                                       [1, "x", "trẻ", "live_births", 412]]})
    intake = read_paths([path], plan)
    sub = only_submission(intake)
    assert (sub.unit, sub.year) == ("Ia Dom", None)
    assert values_of(sub) == {"live_births": 412}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Đơn vị: Xã Ia Dom    Năm: 2022", id="spaces"),
        pytest.param("Đơn vị: Xã Ia Dom Năm: 2022", id="one-space"),
        pytest.param("ĐƠN VỊ: XÃ IA DOM   NĂM BÁO CÁO: 2022", id="upper-bao-cao"),
    ],
)
def test_unit_and_year_in_one_cell(tmp_path: Path, plan: Plan, text: str) -> None:
    """One cell holding both labels gives the unit and the year, the year's cell that cell."""
    path = write_rows(tmp_path / "x.xlsx", {"Sheet1": [["BIỂU"], [text], [], HEADER,
                                                       [1, "x", "trẻ", "live_births", 412]]})
    intake = read_paths([path], plan)
    sub = only_submission(intake)
    assert (sub.unit, sub.year, sub.year_cell) == ("Ia Dom", 2022, "A2")
    assert errors(intake) == []


@pytest.mark.parametrize(
    ("sheet", "unit"),
    [
        pytest.param("Ia Tơi", "Ia Tơi", id="name"),
        pytest.param("XÃ IA TƠI", "Ia Tơi", id="upper-with-xa"),
        pytest.param("ia_dal", "Ia Đal", id="underscore"),
    ],
)
def test_unit_from_sheet_name(tmp_path: Path, plan: Plan, sheet: str, unit: str) -> None:
    """With no unit label, the sheet's name gives the unit."""
    path = write_form(tmp_path / "bao_cao.xlsx", None, {"live_births": 5}, sheet=sheet)
    intake = read_paths([path], plan)
    assert only_submission(intake).unit == unit
    assert errors(intake) == []


@pytest.mark.parametrize("name", ["Ia_Dom.xlsx", "Ia_Dom_2022.xlsx", "Ia Dom 2022.xlsx",
                                  "Xa_Ia_Dom-2022.xlsx"])
def test_unit_from_file_name(tmp_path: Path, plan: Plan, name: str) -> None:
    """With no label and a sheet called "Sheet1", the file's name gives the unit, with or
    without the year that template's names carry."""
    path = write_form(tmp_path / name, None, {"live_births": 5})
    intake = read_paths([path], plan)
    sub = only_submission(intake)
    assert (sub.unit, sub.sheet) == ("Ia Dom", "Sheet1")
    assert errors(intake) == []


def test_unit_missing(tmp_path: Path, plan: Plan) -> None:
    """No label, no commune's sheet or file name: a "unit-missing" error, nothing submitted."""
    path = write_form(tmp_path / "bao_cao_2022.xlsx", None, {"live_births": 5})
    intake = read_paths([path], plan)
    assert intake.submissions == []
    [problem] = of_type(intake, "unit-missing")
    assert (problem.severity, problem.file, problem.sheet) == ("error", str(path), "Sheet1")
    assert all(unit in problem.message() for unit in UNITS)
    assert record_of(intake, path).status == "rejected"


def test_unit_unknown(tmp_path: Path, plan: Plan) -> None:
    """An unknown unit "Ia Grai" is a "unit-unknown" error at the name's cell, with a suggestion."""
    path = write_form(tmp_path / "Ia_Dom.xlsx", "Ia Grai", {"live_births": 5})
    intake = read_paths([path], plan)
    assert intake.submissions == []
    [problem] = of_type(intake, "unit-unknown")
    assert (problem.severity, problem.file, problem.sheet, problem.cell) == (
        "error", str(path), "Sheet1", "B2",
    )
    assert problem.params["suggestion"] in UNITS
    assert "Ia Grai" in problem.message()
    assert problem.params["suggestion"] in problem.message()
    assert problem.params["suggestion"] in problem.message("en")
    assert record_of(intake, path).status == "rejected"


def test_unit_unknown_suggests_the_nearest(tmp_path: Path, plan: Plan) -> None:
    """A misspelt unit "Ia Dorn" is rejected and the message suggests "Ia Dom"."""
    path = write_form(tmp_path / "x.xlsx", "Xã Ia Dorn", {"live_births": 5})
    intake = read_paths([path], plan)
    [problem] = of_type(intake, "unit-unknown")
    assert "Ia Dom" in problem.message()
    assert "Xã Ia Dorn" in problem.message()


def test_don_vi_tinh_header_is_not_the_unit(tmp_path: Path, plan: Plan) -> None:
    """The header "Đơn vị tính" (and "trẻ" under it) is never taken as the unit."""
    path = write_rows(tmp_path / "Ia_Tơi.xlsx", {"Sheet1": [
        ["BIỂU SỐ LIỆU"],
        ["STT", "Nội dung", "Đơn vị tính", "Mã", "Số liệu"],
        [1, "Số trẻ đẻ sống", "trẻ", "live_births", 412],
    ]})
    intake = read_paths([path], plan)
    assert only_submission(intake).unit == "Ia Tơi"
    assert errors(intake) == []


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([["Đơn vị tính:", "trẻ"], ["Đơn vị:", "Ia Tơi"]], id="label-cells"),
        pytest.param([["Đơn vị tính: trẻ"], ["Đơn vị: Ia Tơi"]], id="one-cell"),
        pytest.param([["ĐƠN VỊ TÍNH", "người", "Đơn vị:", "Ia Tơi"]], id="same-row"),
    ],
)
def test_don_vi_tinh_above_the_header_is_not_the_unit(
    tmp_path: Path, plan: Plan, rows: list[list[Any]]
) -> None:
    """A "Đơn vị tính" label above the header is skipped; the real "Đơn vị" gives the unit."""
    path = write_rows(tmp_path / "x.xlsx", {"Sheet1": [*rows, HEADER,
                                                       [1, "x", "trẻ", "live_births", 412]]})
    intake = read_paths([path], plan)
    assert only_submission(intake).unit == "Ia Tơi"
    assert of_type(intake, "unit-unknown") == []


# --- the year ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "year", "cell"),
    [
        pytest.param(["Đơn vị:", "Ia Dom", "Năm:", 2022], 2022, "D2", id="nam-number"),
        pytest.param(["Đơn vị:", "Ia Dom", "Năm:", "2022"], 2022, "D2", id="nam-text"),
        pytest.param(["Đơn vị:", "Ia Dom", "Năm:", " 2022 "], 2022, "D2", id="nam-text-padded"),
        pytest.param(["Đơn vị:", "Ia Dom", "Năm báo cáo:", 2022], 2022, "D2", id="nam-bao-cao"),
        pytest.param(["Đơn vị:", "Ia Dom", "NĂM BÁO CÁO", "2021"], 2021, "D2", id="upper"),
        pytest.param(["Đơn vị:", "Ia Dom", "Year", 2023.0], 2023, "D2", id="year-float"),
        pytest.param(["Đơn vị:", "Ia Dom", "Năm báo cáo: 2022"], 2022, "C2", id="one-cell"),
    ],
)
def test_year_from_label(
    tmp_path: Path, plan: Plan, row: list[Any], year: int, cell: str
) -> None:
    """The year is read from "Năm" / "Năm báo cáo" / "Year", as a number or as text."""
    path = write_rows(tmp_path / "x.xlsx", {"Sheet1": [["BIỂU"], row, [], HEADER,
                                                       [1, "x", "trẻ", "live_births", 412]]})
    intake = read_paths([path], plan)
    sub = only_submission(intake)
    assert (sub.unit, sub.year, sub.year_cell) == ("Ia Dom", year, cell)
    assert errors(intake) == []


@pytest.mark.parametrize(
    ("year", "found"),
    [
        pytest.param("hai không", "hai không", id="words"),
        pytest.param("2022-2023", "2022-2023", id="range"),
        pytest.param(22, "22", id="two-digits"),
    ],
)
def test_year_invalid(tmp_path: Path, plan: Plan, year: Any, found: str) -> None:
    """A year that is not a year is a "year-invalid" error at its cell; the sheet is not used."""
    path = write_form(tmp_path / "dom.xlsx", "Ia Dom", {"live_births": 412}, year=year)
    intake = read_paths([path], plan)
    assert intake.submissions == []
    [problem] = of_type(intake, "year-invalid")
    assert (problem.severity, problem.file, problem.sheet, problem.cell) == (
        "error", str(path), "Sheet1", "E2",
    )
    assert found in problem.message()
    assert record_of(intake, path).status == "rejected"


# --- the header and the rows ------------------------------------------------------------------


def test_header_found_below_row_4_with_extra_columns(tmp_path: Path, plan: Plan) -> None:
    """The header may stand on any row, among extra columns; cells keep their A1 names."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Báo cáo"
    ws["C2"] = "UBND HUYỆN IA H’DRAI"
    ws["C5"] = "Đơn vị: Xã Ia Dom    Năm: 2022"
    for col, text in zip("CDEFGHI", ["TT", "Nội dung", "Đơn vị tính", "Ghi chú", "Mã số",
                                     "Nguồn", "Giá trị"], strict=True):
        ws[f"{col}8"] = text
    ws["C9"], ws["D9"] = "I", "Mục tiêu 1"
    ws["G10"], ws["H10"], ws["I10"] = "live_births", "Trạm y tế", "1.234"
    ws["G11"], ws["I11"] = "neonatal_deaths", 3
    ws["G12"], ws["I12"] = "u5_stunted", "khoảng 30"
    book.save(tmp_path / "offset.xlsx")
    intake = read_paths([tmp_path / "offset.xlsx"], plan)
    sub = only_submission(intake)
    assert (sub.unit, sub.year, sub.year_cell) == ("Ia Dom", 2022, "C5")
    assert cells_of(sub) == {"live_births": "I10", "neonatal_deaths": "I11"}
    assert values_of(sub) == {"live_births": 1234, "neonatal_deaths": 3}
    [problem] = errors(intake)
    assert (problem.type, problem.sheet, problem.cell, problem.code) == (
        "not-a-number", "Báo cáo", "I12", "u5_stunted",
    )


@pytest.mark.parametrize(
    ("code_header", "value_header"),
    [
        pytest.param("Mã", "Số liệu", id="ma-so-lieu"),
        pytest.param("MÃ SỐ", "GIÁ TRỊ", id="ma-so-gia-tri"),
        pytest.param("Mã:", "Kết quả", id="ket-qua"),
        pytest.param("Code", "Value", id="english"),
        pytest.param("M·", "Sè liÖu", id="tcvn3"),
    ],
)
def test_header_words(tmp_path: Path, plan: Plan, code_header: str, value_header: str) -> None:
    """Each code and value column header of the spec (in any case, or TCVN3) is recognised."""
    path = write_rows(tmp_path / "Ia_Dom.xlsx", {"Sheet1": [
        ["Nội dung", code_header, "Ghi chú", value_header],
        ["Số trẻ đẻ sống", "live_births", "", 412],
    ]})
    intake = read_paths([path], plan)
    sub = only_submission(intake)
    assert cells_of(sub) == {"live_births": "D2"}
    assert values_of(sub) == {"live_births": 412}


def test_rows_without_a_code_are_skipped(tmp_path: Path, plan: Plan) -> None:
    """Section rows with no code are skipped, even with a number in the value column."""
    path = write_rows(tmp_path / "Ia_Dom.xlsx", {"Sheet1": [
        HEADER,
        ["I", "Mục tiêu 1: phát triển toàn diện", None, None, 45],
        [1, "Số trẻ đẻ sống", "trẻ", "live_births", 412],
        ["II", "Mục tiêu 2: bảo vệ trẻ em", None, "", "Tổng"],
        [2, "Trẻ em bị xâm hại", "trẻ", "abused_children", 0],
        [None, "Người lập biểu", None, None, "Nguyễn Văn A"],
    ]})
    intake = read_paths([path], plan)
    sub = only_submission(intake)
    assert values_of(sub) == {"live_births": 412, "abused_children": 0}
    assert cells_of(sub) == {"live_births": "E3", "abused_children": "E5"}
    assert intake.problems == []


def test_unknown_code_with_a_value(tmp_path: Path, plan: Plan) -> None:
    """An unknown code with a value is a "code-unknown" error at its cell suggesting the nearest."""
    path = write_rows(tmp_path / "Ia_Dom.xlsx", {"Sheet1": [
        HEADER,
        [1, "Số trẻ đẻ sống", "trẻ", "live_birth", 412],
        [2, "Trẻ bị xâm hại", "trẻ", "abused_childs", None],
    ]})
    intake = read_paths([path], plan)
    [problem] = of_type(intake, "code-unknown")
    assert (problem.severity, problem.file, problem.sheet, problem.cell) == (
        "error", str(path), "Sheet1", "E2",
    )
    assert problem.params["suggestion"] == "live_births"
    assert "live_birth" in problem.message()
    assert "live_births" in problem.message()
    assert "412" in problem.message()
    assert only_submission(intake).observations == []
    assert len(intake.problems) == 1  # the unknown code with no value says nothing


def test_codes_match_whatever_their_case_and_spacing(tmp_path: Path, plan: Plan) -> None:
    """A code typed " Live_Births " is the element live_births."""
    path = write_rows(tmp_path / "Ia_Dom.xlsx", {"Sheet1": [
        HEADER, [1, "x", "trẻ", " Live_Births ", 412],
    ]})
    intake = read_paths([path], plan)
    assert values_of(only_submission(intake)) == {"live_births": 412}


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "raw", "kind", "found"),
    [
        pytest.param("u5_stunted", "khoảng 30", "not-a-number", "khoảng 30", id="words"),
        pytest.param("u5_stunted", 12.5, "not-whole", "12.5", id="fraction"),
        pytest.param("u5_stunted", "12,5", "not-whole", "12,5", id="fraction-text"),
        pytest.param("u5_stunted", "412.0", "not-whole", "412.0", id="decimal-text"),
        pytest.param("u5_stunted", -3, "negative", "-3", id="negative"),
        pytest.param("u5_stunted", "-3", "negative", "-3", id="negative-text"),
        pytest.param("u5_stunted", True, "not-a-number", "True", id="boolean"),
        pytest.param("u5_stunted", dt.datetime(2022, 3, 4), "not-a-number", "2022-03-04",
                     id="date"),
        pytest.param("play_venue_commune", 2, "not-a-flag", "2", id="flag-two"),
        pytest.param("child_friendly_commune", "có lẽ", "not-a-flag", "có lẽ", id="flag-words"),
    ],
)
def test_rejected_value_becomes_a_problem(
    tmp_path: Path, plan: Plan, code: str, raw: Any, kind: str, found: str
) -> None:
    """A rejected value is an error naming file, sheet, A1 cell, code and what was found."""
    path = write_form(tmp_path / "Ia_Dom.xlsx", "Ia Dom", {"live_births": 412, code: raw})
    intake = read_paths([path], plan)
    sub = only_submission(intake)
    assert values_of(sub) == {"live_births": 412}
    [problem] = errors(intake)
    cell = value_cell(code)
    assert (problem.type, problem.file, problem.sheet, problem.cell, problem.code) == (
        kind, str(path), "Sheet1", cell, code,
    )
    assert found in problem.message()
    assert found in problem.message("en")
    assert problem.where() == f"{path} › Sheet1 › {cell} ({code})"
    assert problem.to_dict()["cell"] == cell


def test_accepted_values_in_a_sheet(tmp_path: Path, plan: Plan) -> None:
    """Text counts with separators, "-", and flag words reach the observations as ints."""
    given = {
        "children_total": "3.150", "children_0_8": "1 234", "children_u5": "1\u00a0004",
        "live_births": 412.0, "neonatal_deaths": "-", "child_friendly_commune": "Có",
        "play_venue_commune": "chưa đạt", "schools": " 7 ",
    }
    path = write_form(tmp_path / "Ia_Dom.xlsx", "Ia Dom", given)
    intake = read_paths([path], plan)
    assert values_of(only_submission(intake)) == {
        "children_total": 3150, "children_0_8": 1234, "children_u5": 1004,
        "live_births": 412, "neonatal_deaths": 0, "child_friendly_commune": 1,
        "play_venue_commune": 0, "schools": 7,
    }
    assert intake.problems == []


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(None, id="empty-cell"),
        pytest.param("", id="empty-text"),
        pytest.param("   ", id="spaces"),
        pytest.param("...", id="dots"),
        pytest.param("…", id="ellipsis"),
    ],
)
def test_blank_value_is_not_reported(tmp_path: Path, plan: Plan, raw: Any) -> None:
    """A blank (or "...") value gives no observation at all, never a 0, and no problem."""
    path = write_form(tmp_path / "Ia_Dom.xlsx", "Ia Dom",
                      {"live_births": 412, "neonatal_deaths": raw})
    intake = read_paths([path], plan)
    assert values_of(only_submission(intake)) == {"live_births": 412}
    assert intake.problems == []


def _formula_form(path: Path, value: Any) -> Path:
    book = small_form_with_xlsxwriter(path)
    book.worksheets()[0].write_formula("E6", "=E5+1", None, value)
    book.close()
    return as_saved_by_excel(path)


def test_formula_with_saved_value_is_read_as_its_value(tmp_path: Path, plan: Plan) -> None:
    """A formula cell counts with its saved value (xlsxwriter saving 413 for =E5+1)."""
    path = _formula_form(tmp_path / "Ia_Dom.xlsx", 413)
    intake = read_paths([path], plan)
    sub = only_submission(intake)
    assert values_of(sub) == {"live_births": 412, "children_u1": 413}
    assert cells_of(sub)["children_u1"] == "E6"
    assert errors(intake) == []


def test_formula_without_saved_value_is_an_error(tmp_path: Path, plan: Plan) -> None:
    """A formula saved with no value (openpyxl) is an error at its cell, never a blank."""
    formula_cell = value_cell("neonatal_deaths")
    path = write_form(tmp_path / "Ia_Dom.xlsx", "Ia Dom", {
        "live_births": 412, "neonatal_deaths": f"={value_cell('live_births')}-410",
    })
    intake = read_paths([path], plan)
    assert values_of(only_submission(intake)) == {"live_births": 412}
    assert [(p.severity, p.cell, p.code) for p in intake.problems] == [
        ("error", formula_cell, "neonatal_deaths"),
    ]


def test_error_value_is_an_error(tmp_path: Path, plan: Plan) -> None:
    """A formula whose saved value is an error (#DIV/0!) is an error at its cell, not a blank."""
    path = _formula_form(tmp_path / "Ia_Dom.xlsx", "#DIV/0!")
    intake = read_paths([path], plan)
    assert values_of(only_submission(intake)) == {"live_births": 412}
    assert [(p.severity, p.cell, p.code) for p in intake.problems] == [
        ("error", "E6", "children_u1"),
    ]


@pytest.mark.parametrize("sheet_tag", [
    '<sheet name="Bi&amp;u" sheetId="1" r:id="rId7"/>',
    '<sheet r:id="rId7" sheetId="1" name="Bi&amp;u"/>',
])
@pytest.mark.parametrize("relationship", [
    '<Relationship Id="rId7" Type="worksheet" Target="worksheets/s.xml"/>',
    '<Relationship Target="/xl/worksheets/s.xml" Type="worksheet" Id="rId7"/>',
])
def test_formula_cells_are_found_whatever_the_attribute_order(
    sheet_tag: str, relationship: str
) -> None:
    """A sheet's formulas are found whether workbook.xml and its rels write the sheet's
    name, id and target in one order or the other; a relationship without a target is
    passed over."""
    members = {
        "xl/workbook.xml": f"<workbook><sheets>{sheet_tag}</sheets></workbook>".encode(),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships><Relationship Id="rId1" Type="styles"/>'
            f"{relationship}</Relationships>").encode(),
        "xl/worksheets/s.xml": (b'<worksheet><sheetData><row r="6"><c r="E6"><f>E5+1</f></c>'
                                b'<c r="F6" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
                                b"</sheetData></worksheet>"),
    }
    assert formulas_of(members) == {"Bi&u": {"E6": ("unsaved", ""),
                                             "F6": ("error", "#DIV/0!")}}


SPREADSHEET_NAMESPACES = (
    ' xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
RELATIONSHIP_NAMESPACE = ' xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'


def formulas_of(members: dict[str, bytes]) -> dict[str, dict[str, tuple[str, str]]]:
    """xlsx_formulas of a zip holding ``members``, namespaces declared on their roots."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, xml in members.items():
            namespaces = (RELATIONSHIP_NAMESPACE if name.endswith(".rels")
                          else SPREADSHEET_NAMESPACES)
            root_end = xml.index(b">")
            archive.writestr(name, xml[:root_end] + namespaces.encode() + xml[root_end:])
    with zipfile.ZipFile(buffer) as archive:
        scans = xlsx_formulas(archive)
        assert scans is not None
        return {sheet: scan.problems for sheet, scan in scans.items()}


def test_formula_cells_are_found_in_every_sheet() -> None:
    """Every sheet's formulas are looked for; a cell without r="" follows the one before."""
    unsaved = (b'<worksheet><sheetData><row r="6"><c r="D6"/><c><f>E5+1</f></c></row>'
               b"</sheetData></worksheet>")
    members = {
        "xl/workbook.xml": (b'<workbook><sheets><sheet name="A" r:id="rId1"/>'
                            b'<sheet name="B" r:id="rId2"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            b'<Relationships><Relationship Id="rId1" Target="worksheets/a.xml"/>'
            b'<Relationship Id="rId2" Target="worksheets/b.xml"/></Relationships>'),
        "xl/worksheets/a.xml": unsaved, "xl/worksheets/b.xml": unsaved,
    }
    assert formulas_of(members) == {"A": {"E6": ("unsaved", "")}, "B": {"E6": ("unsaved", "")}}


# --- sheets and files -------------------------------------------------------------------------


def test_sheet_without_header_is_skipped_with_a_notice(tmp_path: Path, plan: Plan) -> None:
    """Beside a form, a sheet with no header row is skipped with a "sheet-skipped" notice."""
    path = write_rows(tmp_path / "Ia_Dom.xlsx", {
        "Số liệu": [HEADER, [1, "x", "trẻ", "live_births", 412]],
        "Hướng dẫn": [["Điền số liệu vào cột Số liệu"], ["Mã là mã của chỉ tiêu"]],
    })
    intake = read_paths([path], plan)
    assert values_of(only_submission(intake)) == {"live_births": 412}
    [problem] = intake.problems
    assert (problem.type, problem.severity, problem.file, problem.sheet) == (
        "sheet-skipped", "notice", str(path), "Hướng dẫn",
    )
    assert record_of(intake, path).status == "used"


def test_several_forms_in_one_workbook(tmp_path: Path, plan: Plan) -> None:
    """Each form sheet of a workbook is one submission, its unit from the sheet's name."""
    rows = [HEADER, [1, "x", "trẻ", "live_births", 7]]
    path = write_rows(tmp_path / "huyen.xlsx", {"Ia Đal": rows, "Ia Dom": rows, "Ia Tơi": rows})
    intake = read_paths([path], plan)
    assert [s.unit for s in intake.submissions] == ["Ia Đal", "Ia Dom", "Ia Tơi"]
    assert record_of(intake, path).units == ["Ia Đal", "Ia Dom", "Ia Tơi"]


def test_workbook_with_no_form(tmp_path: Path, plan: Plan) -> None:
    """A workbook with no form sheet is a "no-form" error and the file is rejected."""
    path = write_rows(tmp_path / "Ia_Dom.xlsx", {
        "Sheet1": [["Số liệu"], [412]], "Sheet2": [["Mã", "Ghi chú"]],
    })
    intake = read_paths([path], plan)
    assert intake.submissions == []
    [problem] = errors(intake)
    assert (problem.type, problem.file) == ("no-form", str(path))
    record = record_of(intake, path)
    assert (record.status, record.reason) == ("rejected", "no-form")


def test_folder_read_recursively_in_sorted_order(tmp_path: Path, plan: Plan) -> None:
    """A folder is read recursively in sorted order; lock, hidden and other files are skipped."""
    folder = tmp_path / "nop"
    write_form(folder / "b_dom.xlsx", "Ia Dom", {"live_births": 2})
    write_form(folder / "a_toi.xlsx", "Ia Tơi", {"live_births": 1})
    write_form(folder / "c" / "dal.xlsx", "Ia Đal", {"live_births": 3})
    shutil.copy(folder / "b_dom.xlsx", folder / "~$Ia_Dom.xlsx")
    shutil.copy(folder / "b_dom.xlsx", folder / ".x.xlsx")
    (folder / "notes.txt").write_text("gửi lúc 8 giờ", encoding="utf-8")
    intake = read_paths([folder], plan)
    assert [(s.file, s.unit) for s in intake.submissions] == [
        (str(folder / "a_toi.xlsx"), "Ia Tơi"),
        (str(folder / "b_dom.xlsx"), "Ia Dom"),
        (str(folder / "c" / "dal.xlsx"), "Ia Đal"),
    ]
    skipped = {
        "~$Ia_Dom.xlsx": "skipped-lock-file", ".x.xlsx": "skipped-hidden",
        "notes.txt": "skipped-type",
    }
    for name, kind in skipped.items():
        record = record_of(intake, folder / name)
        assert (record.status, record.reason) == ("skipped", kind)
        [problem] = [p for p in intake.problems if p.file == str(folder / name)]
        assert (problem.type, problem.severity) == (kind, "notice")
    assert errors(intake) == []
    assert sorted(f.path for f in intake.files) == sorted(
        str(folder / n) for n in ["a_toi.xlsx", "b_dom.xlsx", "c/dal.xlsx", *skipped]
    )


def test_skipped_files_are_listed_with_their_hash(tmp_path: Path, plan: Plan) -> None:
    """A skipped file was still sent: its record carries its size and SHA-256."""
    folder = tmp_path / "nop"
    write_form(folder / "Ia_Dom.xlsx", "Ia Dom", {"live_births": 2})
    notes = folder / "notes.txt"
    notes.write_text("gửi lúc 8 giờ", encoding="utf-8")
    record = record_of(read_paths([folder], plan), notes)
    assert record.status == "skipped"
    assert record.sha256 == hashlib.sha256(notes.read_bytes()).hexdigest()
    assert record.size == notes.stat().st_size


def test_path_missing(tmp_path: Path, plan: Plan) -> None:
    """A path that does not exist is a "path-missing" error naming it."""
    path = write_form(tmp_path / "Ia_Dom.xlsx", "Ia Dom", {"live_births": 2})
    missing = tmp_path / "Ia_Dal.xlsx"
    intake = read_paths([path, missing], plan)
    assert [s.unit for s in intake.submissions] == ["Ia Dom"]
    [problem] = errors(intake)
    assert (problem.type, problem.file) == ("path-missing", str(missing))


def test_nothing_found(tmp_path: Path, plan: Plan) -> None:
    """When no workbook is found at all, a "no-submissions" error says so."""
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    intake = read_paths([tmp_path], plan)
    assert [p.type for p in errors(intake)] == ["no-submissions"]


@pytest.mark.parametrize(
    "paths",
    [
        pytest.param(("folder", "file"), id="folder-then-file"),
        pytest.param(("file", "folder"), id="file-then-folder"),
        pytest.param(("file", "file"), id="file-twice"),
        pytest.param(("file", "dotted"), id="file-and-dotted-path"),
    ],
)
def test_same_file_named_twice_is_read_once(
    tmp_path: Path, plan: Plan, paths: tuple[str, str]
) -> None:
    """A file named twice (a folder and a file in it, or twice) is read once."""
    folder = tmp_path / "nop"
    path = write_form(folder / "Ia_Dom.xlsx", "Ia Dom", {"live_births": 2})
    named = {"folder": folder, "file": path, "dotted": folder / "." / ".." / "nop" / path.name}
    intake = read_paths([named[p] for p in paths], plan)
    assert [s.unit for s in intake.submissions] == ["Ia Dom"]
    assert len(intake.files) == 1


def test_empty_file(tmp_path: Path, plan: Plan) -> None:
    """An empty (0-byte) .xlsx is a "file-empty" error and the file is rejected."""
    path = tmp_path / "Ia_Dom.xlsx"
    path.write_bytes(b"")
    intake = read_paths([path], plan)
    [problem] = errors(intake)
    assert (problem.type, problem.file) == ("file-empty", str(path))
    record = record_of(intake, path)
    assert (record.status, record.reason, record.size) == ("rejected", "file-empty", 0)
    assert record.sha256 == hashlib.sha256(b"").hexdigest()


def _random_bytes(path: Path) -> bytes:
    return bytes((i * 7919 + 13) % 256 for i in range(4096))


def _truncated_workbook(path: Path) -> bytes:
    data = write_form(path, "Ia Dom", {"live_births": 2}).read_bytes()
    return data[: len(data) // 2]


def _text_file(path: Path) -> bytes:
    return "Đơn vị: Ia Dom\nlive_births;412\n".encode()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_random_bytes, id="random-bytes"),
        pytest.param(_truncated_workbook, id="truncated-xlsx"),
        pytest.param(_text_file, id="text-named-xlsx"),
    ],
)
def test_unreadable_file(tmp_path: Path, plan: Plan, make: Any) -> None:
    """Bytes that are no workbook, named .xlsx, are a "file-unreadable" error, file rejected."""
    path = tmp_path / "Ia_Dom.xlsx"
    data = make(path)
    path.write_bytes(data)
    intake = read_paths([path], plan)
    assert intake.submissions == []
    [problem] = errors(intake)
    assert (problem.type, problem.file) == ("file-unreadable", str(path))
    record = record_of(intake, path)
    assert (record.status, record.reason) == ("rejected", "file-unreadable")
    assert (record.sha256, record.size) == (hashlib.sha256(data).hexdigest(), len(data))


def test_sha256_and_size_recorded(tmp_path: Path, plan: Plan) -> None:
    """Each file read is listed with its SHA-256, its size and the units it gave."""
    dom = write_form(tmp_path / "a" / "Ia_Dom.xlsx", "Ia Dom", {"live_births": 2})
    toi = write_form(tmp_path / "b" / "Ia_Toi.xlsx", "Ia Tơi", {"live_births": 3})
    intake = read_paths([dom, toi], plan)
    for path, unit in [(dom, "Ia Dom"), (toi, "Ia Tơi")]:
        record = record_of(intake, path)
        data = path.read_bytes()
        assert (record.status, record.units) == ("used", [unit])
        assert record.sha256 == hashlib.sha256(data).hexdigest()
        assert record.size == len(data)


def test_ods_is_read(tmp_path: Path, plan: Plan) -> None:
    """An OpenDocument (.ods) form is read like an .xlsx, cells named in A1 style."""
    path = write_ods(tmp_path / "bao_cao.ods", {
        "Ia Tơi": [
            ["BIỂU SỐ LIỆU"],
            ["Đơn vị:", "Xã Ia Tơi", None, "Năm:", 2022],
            [],
            HEADER,
            [1, "Số trẻ đẻ sống", "trẻ", "live_births", 412],
            [2, "Suy dinh dưỡng", "trẻ", "u5_stunted", "khoảng 30"],
            [3, "Xã phù hợp", None, "child_friendly_commune", "đạt"],
        ],
        "Hướng dẫn": [["Ghi số liệu vào cột E"]],
    })
    intake = read_paths([path], plan)
    sub = only_submission(intake)
    assert (sub.unit, sub.year, sub.year_cell) == ("Ia Tơi", 2022, "E2")
    assert values_of(sub) == {"live_births": 412, "child_friendly_commune": 1}
    assert cells_of(sub) == {"live_births": "E5", "child_friendly_commune": "E7"}
    assert [(p.type, p.sheet, p.cell) for p in intake.problems] == [
        ("not-a-number", "Ia Tơi", "E6"), ("sheet-skipped", "Hướng dẫn", None),
    ]
    assert record_of(intake, path).status == "used"


def test_xls_fixture_is_read(plan: Plan) -> None:
    """An Excel 97-2003 (.xls) form is read like an .xlsx, formula values included."""
    # tests/data/ia_dal_2022.xls was made once from write_form(path, "Xã Ia Đal", {...}) with
    # children_total 3150, children_0_8 "1.234", live_births 412, child_friendly_commune "có",
    # neonatal_deaths "-", infant_deaths "=E12-410", under5_deaths 5, u5_stunted "khoảng 30",
    # then `soffice --headless --convert-to xls`, which computed and saved the formula's value.
    path = DATA / "ia_dal_2022.xls"
    intake = read_paths([path], plan)
    sub = only_submission(intake)
    assert (sub.unit, sub.year, sub.year_cell) == ("Ia Đal", 2022, "E2")
    assert values_of(sub) == {
        "children_total": 3150, "children_0_8": 1234, "live_births": 412,
        "child_friendly_commune": 1, "neonatal_deaths": 0, "infant_deaths": 2,
        "under5_deaths": 5,
    }
    assert cells_of(sub)["infant_deaths"] == value_cell("infant_deaths")
    [problem] = intake.problems
    assert (problem.type, problem.cell, problem.code) == (
        "not-a-number", value_cell("u5_stunted"), "u5_stunted",
    )
    assert "khoảng 30" in problem.message()
    record = record_of(intake, path)
    assert record.status == "used"
    assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", ["Ia_Dom.xlsm", "Ia_Dom.XLSX"])
def test_other_workbook_suffixes(tmp_path: Path, plan: Plan, name: str) -> None:
    """.xlsm files, and suffixes in upper case, are read as workbooks."""
    path = write_form(tmp_path / name, "Ia Dom", {"live_births": 2})
    intake = read_paths([path], plan)
    assert values_of(only_submission(intake)) == {"live_births": 2}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_own_summary_and_trend_are_skipped_by_their_mark(
    tmp_path: Path, plan: Plan, lang: str
) -> None:
    """A summary or trend kh-treem wrote into the folder is skipped with
    "skipped-own-summary": it carries kh-treem's mark, whatever its sheets are named."""
    import kh_treem
    from kh_treem.trend_workbook import write_trend
    from kh_treem.workbook import write_summary

    form = write_form(tmp_path / "Ia_Dom.xlsx", "Ia Dom", {"live_births": 2})
    summary, trend = tmp_path / "kh-treem-2022.xlsx", tmp_path / "xu-huong.xlsx"
    write_summary(kh_treem.score([form]), summary, lang)
    write_trend(kh_treem.rollup([form]), trend, lang)
    intake = read_paths([tmp_path], plan)
    assert [s.file for s in intake.submissions] == [str(form)]
    assert [(p.severity, p.file) for p in of_type(intake, "skipped-own-summary")] == [
        ("notice", str(summary)), ("notice", str(trend))]
    for path in (summary, trend):
        record = record_of(intake, path)
        assert (record.status, record.reason) == ("skipped", "skipped-own-summary")
    assert errors(intake) == []


@pytest.mark.parametrize(
    "sheets",
    [pytest.param(VI_SUMMARY_SHEETS, id="vi"), pytest.param(EN_SUMMARY_SHEETS, id="en")],
)
def test_a_form_with_the_summarys_sheet_names_is_read(
    tmp_path: Path, plan: Plan, sheets: list[str]
) -> None:
    """A commune's workbook whose sheets happen to be named like a summary's ("Vấn đề",
    "Tệp đã đọc") is read: only kh-treem's mark makes a workbook its own output."""
    rows = [["Đơn vị:", "Ia Dom"], HEADER, [1, "Số trẻ đẻ sống", "trẻ", "live_births", 2]]
    path = write_rows(tmp_path / "Ia_Dom.xlsx", {name: rows for name in sheets[-2:]})
    intake = read_paths([path], plan)
    assert [s.unit for s in intake.submissions] == ["Ia Dom", "Ia Dom"]
    assert of_type(intake, "skipped-own-summary") == []


def test_folder_walk_leaves_out_hidden_folders_and_links_to_folders(
    tmp_path: Path, plan: Plan
) -> None:
    """Hidden folders (.git, .Trash) hold nothing sent; a link to a folder is not followed
    (a notice says so); a link to a file in the folder is the same file, read once."""
    folder = tmp_path / "nop"
    write_form(folder / "a" / "dom.xlsx", "Ia Dom", {"live_births": 2})
    write_form(folder / ".Trash" / "toi.xlsx", "Ia Tơi", {"live_births": 1})
    write_form(tmp_path / "elsewhere" / "dal.xlsx", "Ia Đal", {"live_births": 3})
    (folder / "z_link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (folder / "b_link.xlsx").symlink_to(folder / "a" / "dom.xlsx")
    intake = read_paths([folder], plan)
    assert [(f.path, f.status) for f in intake.files] == [
        (str(folder / "a" / "dom.xlsx"), "used"), (str(folder / "z_link"), "skipped")]
    assert [(p.type, p.file) for p in intake.problems] == [
        ("skipped-not-a-file", str(folder / "z_link"))]
    assert [s.unit for s in intake.submissions] == ["Ia Dom"]


def test_hard_linked_copy_is_read_and_named(tmp_path: Path, plan: Plan) -> None:
    """A hard link is another file the officer sent (a copy): it is read and listed, not
    taken for the file it shares its content with."""
    folder = tmp_path / "nop"
    first = write_form(folder / "a" / "dom.xlsx", "Ia Dom", {"live_births": 2})
    os.link(first, folder / "b_dom.xlsx")
    intake = read_paths([folder], plan)
    assert [f.path for f in intake.files] == [str(first), str(folder / "b_dom.xlsx")]
    assert [s.file for s in intake.submissions] == [str(first), str(folder / "b_dom.xlsx")]

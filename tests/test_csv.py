"""CSV submissions (SUBMISSIONS.md, "Files accepted"): both layouts, every encoding and delimiter.

UTF-8 with or without a byte-order mark; failing UTF-8, Windows-1258 (Excel's CSV on Vietnamese
Windows) with a "csv-windows-1258" notice; comma or semicolon. A CSV has no sheet: a problem is
placed at "file › cell (code)". Every file is written here in ``tmp_path``.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import kh_treem
from kh_treem import limits
from kh_treem.intake import Intake, Submission, read_paths
from kh_treem.plan import Plan
from kh_treem.problems import Problem
from kh_treem.records import json_number
from tests.expected_2022 import EXPECTED
from tests.forms import PLAN

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "2022"
UNITS = list(PLAN.units)
CODES = [e.code for e in PLAN.elements]

# Windows-1258 has the tone marks only as combining characters (and few precomposed letters).
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def cp1258(text: str) -> bytes:
    """``text`` as Excel on Vietnamese Windows saves it: base letters, then combining tones."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)))
        out.append(tones)
    return "".join(out).encode("cp1258")


def encode(text: str, encoding: str) -> bytes:
    return cp1258(text) if encoding == "cp1258" else text.encode(encoding)


def csv_text(rows: Sequence[Sequence[Any]], delimiter: str, newline: str = "\r\n") -> str:
    """Rows as CSV text, quoted where needed (None = empty field)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


def write_csv(
    path: Path, rows: Sequence[Sequence[Any]], delimiter: str = ";", encoding: str = "utf-8",
    newline: str = "\r\n",
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode(csv_text(rows, delimiter, newline), encoding))
    return path


FORM = [
    ["BIỂU SỐ LIỆU THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG VÌ TRẺ EM NĂM 2022", None, None, None, None],
    ["Đơn vị:", "Xã Ia Tơi", None, "Năm:", "2022"],
    [None, None, None, None, None],
    ["STT", "Nội dung", "Đơn vị tính", "Mã", "Số liệu"],
    ["I", "Mục tiêu 1. Về phát triển toàn diện trẻ em, chăm sóc sức khỏe", None, None, None],
    ["1", "Tổng số trẻ em (dưới 16 tuổi)", "trẻ", "children_total", "1.525"],
    ["2", "Số trẻ đẻ sống trong năm", "trẻ", "live_births", "46"],
    ["3", "Xã đạt chuẩn phù hợp với trẻ em", "xã", "child_friendly_commune", "Không"],
]
FORM_VALUES = {"children_total": 1525, "live_births": 46, "child_friendly_commune": 0}
FORM_CELLS = {"children_total": "E6", "live_births": "E7", "child_friendly_commune": "E8"}

TABLE = [
    ["BẢNG TỔNG HỢP SỐ LIỆU CÁC XÃ", None, None, None, None],
    ["Năm: 2022", None, None, None, None],
    ["STT", "Xã", "live_births", "children_total", "Ghi chú"],
    ["1", "Xã Ia Đal", "54", "1.690", "Trạm y tế, trường học"],
    ["2", "Ia Tơi", "46", "1 525", ""],
    ["", "Tổng cộng", "100", "3.215", ""],
]

ENCODINGS = [
    pytest.param(";", "utf-8", id="semicolon-utf8"),
    pytest.param(",", "utf-8", id="comma-utf8"),
    pytest.param(";", "utf-8-sig", id="semicolon-bom"),
    pytest.param(",", "utf-8-sig", id="comma-bom"),
    pytest.param(";", "cp1258", id="semicolon-windows-1258"),
    pytest.param(",", "cp1258", id="comma-windows-1258"),
]


def of_type(intake: Intake, kind: str) -> list[Problem]:
    return [p for p in intake.problems if p.type == kind]


def errors(intake: Intake) -> list[Problem]:
    return [p for p in intake.problems if p.severity == "error"]


def values_of(submission: Submission) -> dict[str, int]:
    return {o.code: o.value for o in submission.observations}


def cells_of(submission: Submission) -> dict[str, str]:
    return {o.code: o.cell for o in submission.observations}


def legacy_notices(intake: Intake, path: Path, encoding: str) -> None:
    """Exactly one "csv-windows-1258" notice for a Windows-1258 file, none for UTF-8."""
    notices = of_type(intake, "csv-windows-1258")
    if encoding == "cp1258":
        [notice] = notices
        assert (notice.severity, notice.file, notice.sheet, notice.cell) == (
            "notice", str(path), None, None,
        )
    else:
        assert notices == []


# --- the encodings of the fixtures themselves -------------------------------------------------


def test_windows_1258_fixture_is_not_utf8() -> None:
    """The Windows-1258 bytes the tests write are not UTF-8 and read back as the same text."""
    text = csv_text(FORM, ";")
    data = cp1258(text)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == text


# --- layout A, the form -----------------------------------------------------------------------


@pytest.mark.parametrize(("delimiter", "encoding"), ENCODINGS)
def test_form_csv(tmp_path: Path, plan: Plan, delimiter: str, encoding: str) -> None:
    """A form saved as CSV gives its unit, year and values, each at its A1 cell."""
    path = write_csv(tmp_path / "bao_cao.csv", FORM, delimiter, encoding)
    intake = read_paths([path], plan)
    [sub] = intake.submissions
    assert (sub.file, sub.unit, sub.year, sub.year_cell) == (str(path), "Ia Tơi", 2022, "E2")
    assert not sub.sheet
    assert values_of(sub) == FORM_VALUES
    assert cells_of(sub) == FORM_CELLS
    legacy_notices(intake, path, encoding)
    assert errors(intake) == []
    [record] = intake.files
    assert (record.status, record.units) == ("used", ["Ia Tơi"])


@pytest.mark.parametrize(
    ("name", "label", "unit"),
    [
        pytest.param("Ia Đal", "Đơn vị báo cáo:", "Ia Đal", id="ia-dal"),
        pytest.param("Ia Tơi", "Xã:", "Ia Tơi", id="ia-toi"),
        pytest.param("XÃ IA ĐAL", "ĐƠN VỊ:", "Ia Đal", id="upper"),
        pytest.param("Xã Ia Tơi", "Đơn vị", "Ia Tơi", id="xa-prefix"),
    ],
)
def test_windows_1258_names_and_labels_match(
    tmp_path: Path, plan: Plan, name: str, label: str, unit: str
) -> None:
    """In a Windows-1258 CSV, names like "Ia Tơi" and "Ia Đal" and labels with tones match."""
    rows = [[label, name], ["Mã", "Số liệu", "Ghi chú"], ["live_births", "54", "Số trẻ đẻ sống"]]
    path = write_csv(tmp_path / "bao_cao.csv", rows, ";", "cp1258")
    intake = read_paths([path], plan)
    [sub] = intake.submissions
    assert sub.unit == unit
    assert values_of(sub) == {"live_births": 54}
    assert [p.type for p in intake.problems] == ["csv-windows-1258"]


def test_windows_1258_unit_in_the_file_name_only(tmp_path: Path, plan: Plan) -> None:
    """A Windows-1258 form with no unit label takes its unit from the file's name."""
    rows = [["Mã", "Số liệu"], ["live_births", "54"]]
    path = write_csv(tmp_path / "Ia_Đal.csv", rows, ";", "cp1258")
    intake = read_paths([path], plan)
    [sub] = intake.submissions
    assert sub.unit == "Ia Đal"


@pytest.mark.parametrize(
    "newline", [pytest.param("\r\n", id="crlf"), pytest.param("\n", id="lf")],
)
def test_form_csv_line_endings(tmp_path: Path, plan: Plan, newline: str) -> None:
    """Windows (CRLF) and Unix (LF) line endings read the same."""
    path = write_csv(tmp_path / "bao_cao.csv", FORM, ";", "utf-8", newline)
    intake = read_paths([path], plan)
    [sub] = intake.submissions
    assert values_of(sub) == FORM_VALUES
    assert intake.problems == []


def test_quoted_fields_with_commas(tmp_path: Path, plan: Plan) -> None:
    """In a comma CSV, quoted labels and notes holding commas stay in their own column."""
    rows = [
        ["Đơn vị: Xã Ia Dom", None, None, None, None],
        ["STT", "Nội dung", "Mã", "Số liệu", "Ghi chú"],
        ["1", "Số trẻ em từ 0 đến 8 tuổi, chưa đủ 9 tuổi", "children_0_8", "955",
         "Trạm y tế, UBND"],
        ["2", "Tổng số trẻ em", "children_total", "1.785", "ước tính, chưa chốt"],
    ]
    text = csv_text(rows, ",")
    assert '"Trạm y tế, UBND"' in text
    path = tmp_path / "Ia_Dom.csv"
    path.write_bytes(text.encode("utf-8"))
    intake = read_paths([path], plan)
    [sub] = intake.submissions
    assert values_of(sub) == {"children_0_8": 955, "children_total": 1785}
    assert cells_of(sub) == {"children_0_8": "D3", "children_total": "D4"}
    assert intake.problems == []


@pytest.mark.parametrize(
    ("line", "value"),
    [
        pytest.param('live_births,"1.234"', 1234, id="quoted-dot-comma-file"),
        pytest.param('live_births,"1 234"', 1234, id="quoted-space-comma-file"),
        pytest.param("live_births,1.234", 1234, id="unquoted-dot-comma-file"),
        pytest.param('live_births,"12.345.678"', 12345678, id="two-groups"),
        pytest.param('live_births," 412 "', 412, id="padded"),
        pytest.param("live_births,-", 0, id="dash-is-zero"),
    ],
)
def test_vietnamese_thousands_in_a_comma_csv(
    tmp_path: Path, plan: Plan, line: str, value: int
) -> None:
    """Vietnamese thousands separators and "-" read in a comma-delimited CSV."""
    path = tmp_path / "Ia_Dom.csv"
    path.write_text(f"Mã,Số liệu\r\n{line}\r\n", encoding="utf-8")
    intake = read_paths([path], plan)
    [sub] = intake.submissions
    assert values_of(sub) == {"live_births": value}
    assert intake.problems == []


@pytest.mark.parametrize(
    ("line", "kind", "found"),
    [
        pytest.param('live_births,"1,234"', "not-whole", "1,234", id="comma-in-quotes"),
        pytest.param("live_births,khoảng 30", "not-a-number", "khoảng 30", id="words"),
        pytest.param("live_births,-4", "negative", "-4", id="negative"),
    ],
)
def test_rejected_csv_value_names_file_and_cell(
    tmp_path: Path, plan: Plan, line: str, kind: str, found: str
) -> None:
    """A rejected CSV value is placed at "file › B2 (code)", with no empty sheet part."""
    path = tmp_path / "Ia_Dom.csv"
    path.write_text(f"Mã,Số liệu\r\n{line}\r\n", encoding="utf-8")
    intake = read_paths([path], plan)
    [problem] = intake.problems
    assert (problem.type, problem.file, problem.cell, problem.code) == (
        kind, str(path), "B2", "live_births",
    )
    assert not problem.sheet
    assert problem.where() == f"{path} › B2 (live_births)"
    assert found in problem.message()
    assert problem.to_dict()["cell"] == "B2"
    assert problem.to_dict()["sheet"] in ("", None)


def test_rejected_value_in_a_windows_1258_form(tmp_path: Path, plan: Plan) -> None:
    """In a Windows-1258 form, "khoảng 30" is rejected at its cell and quoted as typed."""
    rows = [*FORM, ["4", "Số trẻ suy dinh dưỡng thể thấp còi", "trẻ", "u5_stunted", "khoảng 30"]]
    path = write_csv(tmp_path / "bao_cao.csv", rows, ";", "cp1258")
    intake = read_paths([path], plan)
    [problem] = errors(intake)
    assert (problem.type, problem.cell, problem.code) == ("not-a-number", "E9", "u5_stunted")
    assert problem.where() == f"{path} › E9 (u5_stunted)"
    assert problem.params["found"] == "khoảng 30"


# --- layout B, the table ----------------------------------------------------------------------


@pytest.mark.parametrize(("delimiter", "encoding"), ENCODINGS)
def test_table_csv(tmp_path: Path, plan: Plan, delimiter: str, encoding: str) -> None:
    """A table saved as CSV gives one submission per row, its totals row ignored."""
    path = write_csv(tmp_path / "tong_hop.csv", TABLE, delimiter, encoding)
    intake = read_paths([path], plan)
    assert [(s.unit, s.year, s.year_cell, values_of(s), cells_of(s))
            for s in intake.submissions] == [
        ("Ia Đal", 2022, "A2", {"live_births": 54, "children_total": 1690},
         {"live_births": "C4", "children_total": "D4"}),
        ("Ia Tơi", 2022, "A2", {"live_births": 46, "children_total": 1525},
         {"live_births": "C5", "children_total": "D5"}),
    ]
    [total] = of_type(intake, "total-row-ignored")
    assert (total.file, total.cell) == (str(path), "B6")
    assert total.where() == f"{path} › B6"
    legacy_notices(intake, path, encoding)
    assert errors(intake) == []


def test_table_csv_with_year_column_and_unknown_unit(tmp_path: Path, plan: Plan) -> None:
    """In a CSV table, an unknown unit and a bad year are errors at their cells; rows still read."""
    rows = [
        ["Xã", "Năm", "live_births"],
        ["Ia Dom", "2022", "60"],
        ["Ia Grai", "2022", "70"],
        ["Ia Tơi", "hai không", "46"],
    ]
    path = write_csv(tmp_path / "tong_hop.csv", rows, ",")
    intake = read_paths([path], plan)
    assert [(s.unit, s.year_cell) for s in intake.submissions] == [("Ia Dom", "B2")]
    assert [(p.type, p.cell, p.where()) for p in errors(intake)] == [
        ("unit-unknown", "A3", f"{path} › A3"),
        ("year-invalid", "B4", f"{path} › B4"),
    ]


def test_csv_table_of_the_examples_scores_like_them(tmp_path: Path, plan: Plan) -> None:
    """A Windows-1258 semicolon CSV table of the three communes scores exactly like the examples."""
    intake = read_paths([EXAMPLES], plan)
    values = {s.unit: {o.code: o.value for o in s.observations} for s in intake.submissions}
    rows: list[list[Any]] = [["Năm báo cáo:", "2022"], ["STT", "Tên xã", *CODES]]
    for i, unit in enumerate(UNITS):
        rows.append([str(i + 1), unit, *[f"{values[unit][c]:,}".replace(",", ".")
                                          for c in CODES]])
    rows.append(["", "Toàn huyện", *[str(sum(values[u][c] for u in UNITS)) for c in CODES]])
    path = write_csv(tmp_path / "tong_hop.csv", rows, ";", "cp1258")
    result = kh_treem.score([path], plan)
    assert [(o.target.id, o.numerator, o.denominator, json_number(o.value), o.status)
            for o in result.indicators] == [tuple(e) for e in EXPECTED]
    assert result.units_reporting == UNITS
    assert sorted(p.type for p in result.problems) == ["csv-windows-1258", "total-row-ignored"]


# --- neither layout, limits -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a,b,c\r\n1,2,3\r\n", id="other-table"),
        pytest.param("Ghi chú: gửi lúc 8 giờ\r\n", id="one-note"),
        pytest.param("Mã;Ghi chú\r\nlive_births;412\r\n", id="code-without-value-column"),
        pytest.param("\r\n\r\n", id="blank-lines"),
    ],
)
def test_csv_in_neither_layout_is_no_form(tmp_path: Path, plan: Plan, text: str) -> None:
    """A CSV that is neither a form nor a table is a "no-form" error; the file is rejected."""
    path = tmp_path / "Ia_Dom.csv"
    path.write_text(text, encoding="utf-8")
    intake = read_paths([path], plan)
    assert intake.submissions == []
    [problem] = errors(intake)
    assert (problem.type, problem.file) == ("no-form", str(path))
    [record] = intake.files
    assert (record.status, record.reason) == ("rejected", "no-form")


def test_csv_with_too_many_rows_is_refused(
    tmp_path: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSV with more rows than MAX_ROWS is one "too-many-rows" error, nothing read from it."""
    monkeypatch.setattr(limits, "MAX_ROWS", 20)
    rows = [["Đơn vị:", "Ia Dom"], ["Mã", "Số liệu"], ["live_births", "60"]]
    rows += [[f"ghi chú {i}", ""] for i in range(30)]
    path = write_csv(tmp_path / "Ia_Dom.csv", rows)
    intake = read_paths([path], plan)
    assert intake.submissions == []
    [problem] = errors(intake)
    assert (problem.type, problem.file) == ("too-many-rows", str(path))
    assert problem.params["limit"] == 20


def test_csv_and_workbook_of_one_commune_merge(tmp_path: Path, plan: Plan) -> None:
    """A form CSV (the health station) and a table CSV (the school) of one commune merge."""
    station = write_csv(tmp_path / "tram_y_te.csv",
                        [["Đơn vị:", "Ia Dom"], ["Mã", "Số liệu"], ["live_births", "60"]])
    school = write_csv(tmp_path / "truong.csv", [["Xã", "schools"], ["Ia Dom", "9"]], ",")
    result = kh_treem.score([station, school], plan)
    assert result.counts["live_births"] == (60, 1)
    assert result.counts["schools"] == (9, 1)
    assert [p for p in result.problems if p.severity == "error"] == []


# --- quotes and long fields: no row lost without a word -------------------------------------

FORM_LINES = ["Đơn vị:,Ia Dom", "Mã,Số liệu", "live_births,60", "schools,9", "children_u1,55"]


def read_lines(tmp_path: Path, plan: Plan, lines: list[str]) -> Intake:
    path = tmp_path / "Ia_Dom.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return read_paths([path], plan)


def figures(intake: Intake) -> dict[str, int]:
    [submission] = intake.submissions
    return dict(zip(submission.codes, submission.values, strict=True))


def test_a_field_longer_than_any_cell_is_named_not_a_crash(tmp_path: Path, plan: Plan) -> None:
    """A pasted note of 131,073 characters (past the csv module's default limit) is read,
    named with its line, and every other row is used."""
    lines = [*FORM_LINES[:3], "schools,9," + "x" * 131_073, FORM_LINES[4]]
    intake = read_lines(tmp_path, plan, lines)
    assert figures(intake) == {"live_births": 60, "schools": 9, "children_u1": 55}
    [problem] = errors(intake)
    assert (problem.type, problem.params["line"]) == ("csv-field-too-long", 4)


@pytest.mark.parametrize(("separator", "code"), [
    ("\u2028", "U+2028"), ("\u2029", "U+2029"), ("\x85", "U+0085"), ("\v", "U+000B"),
    ("\f", "U+000C"), ("\x1e", "U+001E"),
])
def test_a_line_break_excel_does_not_break_at_is_named(
    tmp_path: Path, plan: Plan, separator: str, code: str
) -> None:
    """Two rows (each ending in an empty note column) parted by a character that text
    editors break lines at and CSV readers (and Excel) do not are read as one row, the
    second row's figure in fields past the table: a warning names the line and the
    character, where the figure would be lost unsaid."""
    lines = [*FORM_LINES[:3], f"schools,9,{separator}children_u1,55,"]
    intake = read_lines(tmp_path, plan, lines)
    assert figures(intake) == {"live_births": 60, "schools": 9}
    [warning] = [p for p in intake.problems if p.type == "csv-line-break"]
    assert (warning.severity, warning.params["line"], warning.params["found"]) == (
        "warning", 4, code)
    assert f"dòng 4 có ký tự ngắt dòng {code}" in warning.message("vi")


def test_a_file_past_a_thousand_problems_has_the_rest_counted(
    tmp_path: Path, plan: Plan
) -> None:
    """100,000 rows of refused values give 1,000 problems and one error counting the others
    (each problem held costs the run memory): the file's counts and the run's are all of
    them."""
    rows = [f"live_births,x{i}" for i in range(100_000 - 3)]
    intake = read_lines(tmp_path, plan, [*FORM_LINES[:2], *rows])
    assert len(intake.problems) == 1_001
    assert [p.type for p in intake.problems[:1_000]] == ["not-a-number"] * 1_000
    last = intake.problems[-1]
    assert (last.type, last.severity, last.stands_for) == ("more-errors", "error", 98_997)
    assert last.message("vi").startswith("tệp còn 98.997 lỗi nữa, không liệt kê ra (một tệp"
                                         " chỉ liệt kê 1.000 vấn đề, lỗi trước)")
    assert last.message("en").startswith("98,997 more errors in the file")
    doc = kh_treem.check([tmp_path]).to_dict()
    [file] = doc["files"]
    assert file["errors"] == doc["summary"]["errors"] == 99_997


def test_past_a_thousand_problems_the_errors_are_listed_first(
    tmp_path: Path, plan: Plan
) -> None:
    """1,500 warnings, then the error that decides the file (no form in it): the error is
    listed, 999 warnings with it, and the 501 others counted."""
    rows = [f"Ghi chú\f{i},x" for i in range(1_500)]
    intake = read_lines(tmp_path, plan, rows)
    assert intake.problems[0].type == "no-form"
    assert [p.type for p in intake.problems[1:1_000]] == ["csv-line-break"] * 999
    last = intake.problems[-1]
    assert (last.type, last.stands_for) == ("more-warnings", 501)
    doc = kh_treem.check([tmp_path]).to_dict()
    assert (doc["files"][0]["errors"], doc["files"][0]["warnings"]) == (1, 1_500)


@pytest.mark.parametrize("note", ["Ghi chú:\u2028dòng hai", '"Ghi chú:\u2028dòng hai"'])
def test_a_line_break_in_a_note_hides_no_row(tmp_path: Path, plan: Plan, note: str) -> None:
    """A note in the last column with a pasted line separator (as LibreOffice and, quoted,
    Gnumeric write it): nothing follows it on the line, no row can hide there."""
    lines = [*FORM_LINES[:3], f"schools,9,{note}", FORM_LINES[4]]
    intake = read_lines(tmp_path, plan, lines)
    assert figures(intake) == {"live_births": 60, "schools": 9, "children_u1": 55}
    assert not intake.problems


@pytest.mark.parametrize(("bad", "expected"), [
    pytest.param('"schools,9', [("csv-quote", 4, 5)], id="never-closed"),
    pytest.param('"schools"9,9', [("csv-quote", 4, 4)], id="text-after-quote"),
])
def test_an_unbalanced_quote_names_the_lines_it_cost(
    tmp_path: Path, plan: Plan, bad: str, expected: list[tuple[str, int, int]]
) -> None:
    """A stray quote is an error naming the line where it opens and the last line it
    took; the rows before it (and after it, where the reader can go on) are used."""
    lines = [*FORM_LINES[:3], bad, FORM_LINES[4]]
    intake = read_lines(tmp_path, plan, lines)
    assert [(p.type, p.params["line"], p.params["last"]) for p in errors(intake)] == expected
    used = figures(intake)
    assert used["live_births"] == 60
    assert ("children_u1" in used) == (expected[0][2] == 4)


def test_a_quote_that_swallows_lines_is_a_warning_naming_them(
    tmp_path: Path, plan: Plan
) -> None:
    """A stray quote closed lines later reads those lines as one row: a warning names
    them (a quoted line break is legal CSV, so the row is still read)."""
    lines = [*FORM_LINES[:3], '"schools,9', 'children_u1,55"', "u1_deaths,2"]
    intake = read_lines(tmp_path, plan, lines)
    [warning] = [p for p in intake.problems if p.type == "csv-multiline"]
    assert (warning.severity, warning.params["line"], warning.params["last"]) == (
        "warning", 4, 5)
    assert "4–5" in warning.message()

"""Reading files as other writers save them: every format, every formula result, the
readers' choice, kh-treem's own mark, and real files nobody here wrote.

The workbooks in tests/data were made once with LibreOffice and Gnumeric from the example
forms (resaved/) and from a form whose figures are formulas (formulas/); the .xlsb copies of
the example forms (resaved/pyxlsbwriter-xlsb) were written once by pyxlsbwriter 0.1.0 from
the cell values python-calamine read in them, as no office program here writes .xlsb;
tests/data/corpus holds a few of python-calamine's own test files (MIT licence,
LICENSE-MIT.md there).
"""

from __future__ import annotations

import shutil
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

import kh_treem
from kh_treem.intake import read_paths
from kh_treem.plan import Plan

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parent.parent / "examples" / "2022"


def _scored(paths: list[Path]) -> dict[str, Any]:
    doc = kh_treem.score(paths).to_dict()
    return {"indicators": doc["indicators"], "by_unit": doc["by_unit"],
            "errors": [p for p in doc["problems"] if p["severity"] == "error"]}


@pytest.mark.parametrize("writer", sorted(p.name for p in (DATA / "resaved").iterdir()))
def test_example_forms_resaved_by_other_writers_score_like_the_examples(writer: str) -> None:
    """The example forms saved by LibreOffice (.ods, .xls), Gnumeric (.ods, .xls, .xlsx) and
    pyxlsbwriter (.xlsb) score exactly like the examples: same values, statuses and
    breakdown, no error."""
    resaved = sorted((DATA / "resaved" / writer).iterdir())
    assert len(resaved) == 3
    assert _scored(resaved) == _scored(sorted(EXAMPLES.glob("*.xlsx")))


def test_an_ods_python_calamine_cannot_parse_is_read_by_the_second_reader(
    plan: Plan
) -> None:
    """Gnumeric indents content.xml, which python-calamine refuses; the streaming reader
    reads it, and the file's record says which reader did."""
    path = DATA / "resaved" / "gnumeric-ods" / "Ia_Dom.ods"
    import python_calamine

    with pytest.raises(python_calamine.CalamineError):
        python_calamine.CalamineWorkbook.from_path(str(path))
    intake = read_paths([path], plan)
    [record] = intake.files
    assert (record.status, record.reader) == ("used", "ods-xml")
    [listed] = kh_treem.check([path]).to_dict()["files"]
    assert (listed["status"], listed["reader"]) == ("used", "ods-xml")
    calamine_read = read_paths([DATA / "resaved" / "libreoffice-ods" / "Ia_Dom.ods"], plan)
    assert calamine_read.files[0].reader == "python-calamine"
    assert ([s.observations[0].value for s in intake.submissions]
            == [s.observations[0].value for s in calamine_read.submissions])


FORMULA_PROBLEMS = [
    ("formula-error", "E12", "live_births", "#DIV/0!"),
    ("formula-error", "E15", "neonatal_deaths", "#N/A"),
    ("formula-text", "E16", "infant_deaths", "abc"),
    ("formula-text", "E30", "child_labourers", ""),
]


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
def test_formula_results_give_the_same_problems_in_every_format(
    suffix: str, plan: Plan
) -> None:
    """One form, its figures formulas, saved by LibreOffice as .xlsx, .xls and .ods: an
    error value is "formula-error", a text result (even "") is "formula-text", at its
    cell, in each format; the formula giving a number counts."""
    intake = read_paths([DATA / "formulas" / f"Ia_Dom{suffix}"], plan)
    assert [(p.type, p.cell, p.code, p.params["found"]) for p in intake.problems
            if p.type.startswith("formula")] == FORMULA_PROBLEMS
    [submission] = intake.submissions
    assert dict(zip(submission.codes, submission.values, strict=True)) == {
        "children_total": 1512}


def test_a_text_formula_gives_a_flag_but_never_a_count(tmp_path: Path, plan: Plan) -> None:
    """A flag may be a word ("có"): a formula giving text is read as typed for a flag, and
    is "formula-text" for a count."""
    flag = next(e for e in plan.elements if e.kind == "flag")
    path = tmp_path / "Ia_Dom.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    for row, cells in enumerate([["Đơn vị:", "Ia Dom", "", "Năm:", 2022], [],
                                 ["STT", "Nội dung", "Đơn vị tính", "Mã", "Số liệu"]]):
        sheet.write_row(row, 0, cells)
    sheet.write_row(3, 0, [1, "x", "", flag.code])
    sheet.write_formula("E4", '="có"', None, "có")  # saved with its text value, as Excel does
    sheet.write_row(4, 0, [2, "x", "", "live_births"])
    sheet.write_formula("E5", '="412"', None, "412")
    book.close()
    intake = read_paths([path], plan)
    [submission] = intake.submissions
    assert dict(zip(submission.codes, submission.values, strict=True)) == {flag.code: 1}
    assert [(p.type, p.cell, p.params["found"]) for p in intake.problems] == [
        ("formula-text", "E5", "412")]


@pytest.mark.parametrize("name", ["issue_174.xlsx", "issues.ods", "number_rows_repeated.ods",
                                  "richtext_issue.ods", "any_sheets.xlsb", "issues.xlsb"])
def test_real_workbooks_are_read_not_refused(name: str, plan: Plan, tmp_path: Path) -> None:
    """Workbooks python-calamine reads (Gnumeric's A1:XFD1048576 dimension over two rows,
    LibreOffice's repeated rows, .xlsb) are read: no limit or damage refusal, just "no
    form" (they are not commune forms)."""
    path = Path(shutil.copy(DATA / "corpus" / name, tmp_path / name))
    intake = read_paths([path], plan)
    [record] = intake.files
    assert record.reason == "no-form", intake.problems
    assert [p.type for p in intake.problems if p.severity == "error"] == ["no-form"]


def test_an_xlsb_form_is_accepted(tmp_path: Path, plan: Plan) -> None:
    """.xlsb is a submission type: found in a folder, read by python-calamine."""
    shutil.copy(DATA / "corpus" / "any_sheets.xlsb", tmp_path / "Ia_Dom.xlsb")
    intake = read_paths([tmp_path], plan)
    assert [(f.status, f.reason, f.reader) for f in intake.files] == [
        ("rejected", "no-form", "python-calamine")]


def test_an_xlsb_form_says_its_formulas_are_not_checked(plan: Plan) -> None:
    """The scan cannot read .xlsb, where python-calamine shows an error value as a blank:
    each .xlsb gets one warning, of the whole file, that its formulas were not checked; its
    figures are read."""
    path = DATA / "resaved" / "pyxlsbwriter-xlsb" / "Ia_Dom.xlsb"
    intake = read_paths([path], plan)
    [warning] = intake.problems
    assert (warning.type, warning.file, warning.sheet) == ("formulas-unchecked", str(path), None)
    assert warning.message("vi").startswith(
        "không kiểm tra được các công thức ở đây (kh-treem không đọc công thức của tệp .xlsb;"
        " lưu tệp thành .xlsx để được kiểm tra)")
    assert [s.unit for s in intake.submissions] == ["Ia Dom"]


@pytest.mark.parametrize("name", ["issue_385.xls", "pass_protected.ods"])
def test_a_password_protected_workbook_is_said_to_be_one(
    name: str, plan: Plan, tmp_path: Path
) -> None:
    """An encrypted .xls or .ods, whose content python-calamine cannot tell, is opened by
    its name and said to be protected by a password, not damaged."""
    path = Path(shutil.copy(DATA / "corpus" / name, tmp_path / name))
    intake = read_paths([path], plan)
    assert [(p.type, p.file) for p in intake.problems] == [("encrypted", str(path))]


def test_an_xls_that_mentions_encryption_is_read(plan: Plan) -> None:
    """A form whose note says "EncryptedPackage" (the name of the stream that makes an OLE
    file a password-protected .xlsx) holds those bytes in UTF-16, as the stream's name
    would be: the file is read, since only its OLE directory tells whether it holds the
    stream. (tests/data/mentions_encrypted_package.xls: examples/2022/Ia_Dom.xlsx with the
    note added, saved as .xls by LibreOffice.)"""
    path = DATA / "mentions_encrypted_package.xls"
    assert "EncryptedPackage".encode("utf-16-le") in path.read_bytes()
    intake = read_paths([path], plan)
    assert [(f.status, f.reason) for f in intake.files] == [("used", None)]
    assert [s.unit for s in intake.submissions] == ["Ia Dom"]


def test_an_ods_only_python_calamine_can_parse_says_its_formulas_were_not_checked(
    tmp_path: Path, plan: Plan
) -> None:
    """An .ods whose content.xml uses a prefix it never declares is not well-formed XML to
    the streaming reader, but python-calamine reads it: the form is read, and a warning
    says that its formulas could not be checked."""
    path = tmp_path / "Ia_Dom.ods"
    shutil.copy(DATA / "resaved" / "libreoffice-ods" / "Ia_Dom.ods", path)
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in members:
            if info.filename == "content.xml":
                data = data.replace(b"</office:body>", b"<undeclared:x/></office:body>")
            archive.writestr(info, data)
    intake = read_paths([path], plan)
    assert [s.unit for s in intake.submissions] == ["Ia Dom"]
    assert [(p.type, p.severity) for p in intake.problems if p.type != "sheet-skipped"] == [
        ("formulas-unchecked", "warning")]


def test_text_formulas_saved_as_0_by_libreoffice_in_xls_are_errors(plan: Plan) -> None:
    """LibreOffice saves ="abc" and ="" in a number-formatted .xls cell (kh-treem's own form)
    as the number 0: the formula itself, a text constant, says it is text. A flag's "có"
    still counts as 1; a flag's "" would be an error too."""
    intake = read_paths([DATA / "formulas" / "template_libreoffice.xls"], plan)
    assert [(p.type, p.cell, p.code, p.params["found"]) for p in intake.problems
            if p.type.startswith("formula")] == [
        ("formula-text", "E10", "children_0_8", "abc"),
        ("formula-text", "E11", "children_u5", ""),
        ("formula-error", "E12", "children_u1", "#DIV/0!"),
    ]
    [submission] = intake.submissions
    assert dict(zip(submission.codes, submission.values, strict=True)) == {
        "child_friendly_commune": 1}


# --- members whose data cannot be inflated --------------------------------------------------


def _damaged(source: Path, path: Path, member: str, method: int | None = None) -> Path:
    """``source`` rewritten to ``path``, deflated, with ``member``'s deflate stream overwritten
    (zipfile raises zlib.error reading it) or, given ``method``, its compression method set
    to that number (9, deflate64: zipfile raises NotImplementedError)."""
    with zipfile.ZipFile(source) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            archive.writestr(name, data + (b"<!--" + b"x" * 2000 + b"-->" if name == member
                                           else b""),
                             zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    local = info.header_offset
    if method is None:
        name_length, extra_length = struct.unpack_from("<HH", raw, local + 26)
        start = local + 30 + name_length + extra_length
        raw[start + 5:start + 35] = b"\xff" * 30
    else:
        struct.pack_into("<H", raw, local + 8, method)
        central = raw.find(b"PK\x01\x02")
        while raw[central + 46:central + 46 + len(member)] != member.encode():
            central = raw.find(b"PK\x01\x02", central + 4)
        struct.pack_into("<H", raw, central + 10, method)
    path.write_bytes(bytes(raw))
    return path


def test_a_damaged_custom_properties_part_holds_no_mark(tmp_path: Path, plan: Plan) -> None:
    """python-calamine reads a form whose docProps/custom.xml cannot be inflated (it never
    reads that part): kh-treem reads it too, as a form without kh-treem's mark."""
    path = _damaged(EXAMPLES / "Ia_Toi.xlsx", tmp_path / "Ia_Toi.xlsx", "docProps/custom.xml")
    with zipfile.ZipFile(path) as archive, pytest.raises(zlib.error):
        archive.read("docProps/custom.xml")
    intake = read_paths([path], plan)
    assert [(f.status, f.reason) for f in intake.files] == [("used", None)]
    assert len(intake.submissions) == 1


@pytest.mark.parametrize("method", [None, 9], ids=["damaged-deflate", "deflate64"])
def test_an_ods_whose_content_cannot_be_inflated_is_unreadable(
    method: int | None, tmp_path: Path, plan: Plan
) -> None:
    """Neither reader can inflate content.xml: the file is unreadable, in one sentence, and
    the next file is read."""
    path = _damaged(DATA / "resaved" / "libreoffice-ods" / "Ia_Dom.ods",
                    tmp_path / "Ia_Dom.ods", "content.xml", method)
    shutil.copy(EXAMPLES / "Ia_Toi.xlsx", tmp_path / "Ia_Toi.xlsx")
    intake = read_paths([path, tmp_path / "Ia_Toi.xlsx"], plan)
    assert [(Path(f.path).name, f.status, f.reason) for f in intake.files] == [
        ("Ia_Dom.ods", "rejected", "file-unreadable"), ("Ia_Toi.xlsx", "used", None)]


def test_a_sheet_part_that_cannot_be_inflated_is_said(tmp_path: Path, plan: Plan) -> None:
    """A worksheet member whose deflate stream is damaged: python-calamine cannot read that
    sheet and says so; the formula scan takes the part as missing, never fails."""
    path = _damaged(EXAMPLES / "Ia_Toi.xlsx", tmp_path / "Ia_Toi.xlsx",
                    "xl/worksheets/sheet1.xml")
    intake = read_paths([path], plan)
    assert "sheet-unreadable" in [p.type for p in intake.problems]

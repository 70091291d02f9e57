"""A formula problem is said at the cell python-calamine shows, under the sheet name it gives,
however the workbook spells its parts; where the scan cannot tell which sheet is which, the
sheet is said to be unchecked, never silently read with its error values as blanks.

Each test builds an awkward workbook from a real form (xlsxwriter's, with #DIV/0! saved at
E6, as Excel saves it; LibreOffice's .ods; Gnumeric's Excel 95 .xls), asks python-calamine
first what it reads, then kh-treem.
"""

from __future__ import annotations

import re
import shutil
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import olefile
import pytest
import python_calamine
import xlsxwriter

from kh_treem.formulas import xlsx_formulas
from kh_treem.intake import Intake, read_paths
from kh_treem.plan import Plan
from kh_treem.reading import XLSB_UNREAD, read_file

DATA = Path(__file__).parent / "data"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OFFICE_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_RELATIONSHIPS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
SHEET = "xl/worksheets/sheet1.xml"
WORKBOOK = "xl/workbook.xml"
RELS = "xl/_rels/workbook.xml.rels"
ERROR_AT_E6 = [("formula-error", "Sheet1", "E6", "children_u1", "#DIV/0!")]

Edit = Callable[[bytes], bytes]


def form(path: Path) -> Path:
    """The form for Ia Dom: live_births 412 at E5, children_u1 =E5/0 saved as #DIV/0! at E6."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    sheet.write("A2", "Đơn vị:")
    sheet.write("B2", "Xã Ia Dom")
    sheet.write_row("A4", ["STT", "Nội dung", "Đơn vị tính", "Mã", "Số liệu", "Ghi chú"])
    sheet.write_row("A5", [1, "Số trẻ đẻ sống trong năm", "trẻ", "live_births", 412])
    sheet.write_row("A6", [2, "Số trẻ em dưới 1 tuổi", "trẻ", "children_u1"])
    sheet.write_formula("E6", "=E5/0", None, "#DIV/0!")
    book.close()
    return edited(path, {WORKBOOK: replace(' fullCalcOnLoad="1"', "")})  # as Excel saves it


def edited(path: Path, edits: dict[str, Edit], renamed: dict[str, str] | None = None) -> Path:
    """The zip at ``path`` rewritten: each member in ``edits`` through its edit, then the
    members in ``renamed`` under their new names."""
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            edit = edits.get(name)
            archive.writestr((renamed or {}).get(name, name), edit(data) if edit else data)
    return path


def replace(old: str, new: str) -> Edit:
    def edit(data: bytes) -> bytes:
        assert old.encode() in data, old
        return data.replace(old.encode(), new.encode())
    return edit


def calamine(path: Path) -> dict[str, list[list[Any]]]:
    """What python-calamine reads: each worksheet's rows, by its name."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {sheet.name: book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
            for sheet in book.sheets_metadata
            if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet}


def formula_problems(intake: Intake) -> list[tuple[str, str | None, str | None, str | None,
                                                   Any]]:
    return [(p.type, p.sheet, p.cell, p.code, p.params.get("found")) for p in intake.problems
            if p.type.startswith("formula")]


# --- 1. Strict Open XML -------------------------------------------------------------------


@pytest.mark.parametrize("namespaces", [
    pytest.param({MAIN: STRICT_MAIN}, id="strict-spreadsheetml"),
    pytest.param({MAIN: STRICT_MAIN, OFFICE_RELATIONSHIPS: STRICT_RELATIONSHIPS},
                 id="strict-spreadsheetml-and-relationships"),
    pytest.param({OFFICE_RELATIONSHIPS: STRICT_RELATIONSHIPS}, id="strict-relationships"),
])
def test_a_strict_open_xml_workbook_has_its_formulas_checked(
    namespaces: dict[str, str], tmp_path: Path, plan: Plan
) -> None:
    """Strict Open XML names SpreadsheetML and its relationship ids in namespaces of its own;
    python-calamine reads the sheet, and the error at E6 is said."""
    def strict(data: bytes) -> bytes:
        for transitional, strict_namespace in namespaces.items():
            data = data.replace(transitional.encode(), strict_namespace.encode())
        return data

    path = edited(form(tmp_path / "Ia_Dom.xlsx"), {WORKBOOK: strict, SHEET: strict})
    assert calamine(path)["Sheet1"][5][4] == ""
    assert formula_problems(read_paths([path], plan)) == ERROR_AT_E6


# --- 2. Member names in another ASCII case ------------------------------------------------


@pytest.mark.parametrize(("edits", "renamed"), [
    pytest.param({}, {SHEET: "xl/worksheets/Sheet1.XML"}, id="sheet-member"),
    pytest.param({RELS: replace("worksheets/sheet1.xml", "WorkSheets/SHEET1.xml")}, {},
                 id="relationship-target"),
    pytest.param({RELS: replace("worksheets/sheet1.xml", "/XL/worksheets/sheet1.xml")}, {},
                 id="absolute-target"),
    pytest.param({}, {WORKBOOK: "XL/Workbook.xml", RELS: "xl/_RELS/workbook.xml.rels"},
                 id="workbook-and-relationships"),
    pytest.param({}, {SHEET: "xl\\worksheets\\sheet1.xml"}, id="backslashes"),
])
def test_parts_are_found_whatever_the_case_of_their_names(
    edits: dict[str, Edit], renamed: dict[str, str], tmp_path: Path, plan: Plan
) -> None:
    """python-calamine finds a part whatever the ASCII case of its name or its target's (and
    a member stored with Windows backslashes): so does the scan."""
    path = edited(form(tmp_path / "Ia_Dom.xlsx"), edits, renamed)
    assert calamine(path)["Sheet1"][5][4] == ""
    assert formula_problems(read_paths([path], plan)) == ERROR_AT_E6


def test_two_members_matching_one_name_leave_the_sheet_unchecked(
    tmp_path: Path, plan: Plan
) -> None:
    """Two members whose names differ only in case both match the sheet's target: which one
    python-calamine reads is not the scan's to guess, and the sheet is said unchecked."""
    path = form(tmp_path / "Ia_Dom.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read(SHEET)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/worksheets/SHEET1.xml", sheet.replace(b' t="e"', b"").replace(
            b"<v>#DIV/0!</v>", b"<v>0</v>"))
    assert "Sheet1" in calamine(path)
    intake = read_paths([path], plan)
    assert [(p.type, p.sheet) for p in intake.problems if p.severity == "warning"] == [
        ("formulas-unchecked", "Sheet1")]


def test_two_workbook_parts_leave_every_sheet_unchecked(tmp_path: Path, plan: Plan) -> None:
    """Two members match xl/workbook.xml: no sheet is scanned, and each python-calamine reads
    is said unchecked (the file is not taken for one whose formulas are not read, an .xlsb)."""
    path = form(tmp_path / "Ia_Dom.xlsx")
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read(WORKBOOK)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/Workbook.xml", workbook)
    assert "Sheet1" in calamine(path)
    intake = read_paths([path], plan)
    assert [(p.type, p.sheet) for p in intake.problems if p.severity == "warning"] == [
        ("formulas-unchecked", "Sheet1")]


# --- 3. An entity-escaped target ----------------------------------------------------------


def test_a_target_escaped_with_a_character_reference_is_an_unreadable_sheet(
    tmp_path: Path, plan: Plan
) -> None:
    """python-calamine takes Target="worksheets/sheet&#49;.xml" as written, finds no such part
    and cannot read the sheet: kh-treem says so ("sheet-unreadable"); no figure is read from
    it, so none is lost."""
    path = edited(form(tmp_path / "Ia_Dom.xlsx"),
                  {RELS: replace("worksheets/sheet1.xml", "worksheets/sheet&#49;.xml")})
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["Sheet1"]
    with pytest.raises(python_calamine.WorksheetNotFound):
        book.get_sheet_by_name("Sheet1").to_python()
    intake = read_paths([path], plan)
    assert [(p.type, p.sheet) for p in intake.problems] == [
        ("sheet-unreadable", "Sheet1"), ("no-form", None)]


# --- 4. The relationship id's prefix bound otherwise --------------------------------------


@pytest.mark.parametrize("edit", [
    pytest.param(replace('xmlns:r="', 'xmlns:q="'), id="prefix-q"),
    pytest.param(replace(f'xmlns:r="{OFFICE_RELATIONSHIPS}"', 'xmlns:r="urn:elsewhere"'),
                 id="prefix-r-bound-elsewhere"),
    pytest.param(replace(' r:id="', ' id="'), id="no-prefix"),
])
def test_the_relationship_id_is_found_whatever_its_prefix(
    edit: Edit, tmp_path: Path, plan: Plan
) -> None:
    """python-calamine takes a <sheet>'s relationship from its id attribute whatever the
    prefix is bound to: the scan takes the relationships namespace's id, else the one id."""
    def rebound(data: bytes) -> bytes:
        data = edit(data)
        return data.replace(b" r:id=", b" q:id=") if b"xmlns:q=" in data else data

    path = edited(form(tmp_path / "Ia_Dom.xlsx"), {WORKBOOK: rebound})
    assert calamine(path)["Sheet1"][5][4] == ""
    assert formula_problems(read_paths([path], plan)) == ERROR_AT_E6


# --- 5. White space inside a sheet's name -------------------------------------------------


@pytest.mark.parametrize(("written", "read"), [
    ("Sheet\n1", "Sheet\n1"), ("Sheet\t1", "Sheet\t1"), ("Sheet\r\n1", "Sheet\r\n1"),
    ("Sheet&#10;1", "Sheet\n1"),
])
def test_a_sheet_named_with_a_line_break_keeps_its_formulas(
    written: str, read: str, tmp_path: Path, plan: Plan
) -> None:
    """expat reads a line break or tab written inside an attribute as a space (XML's
    attribute-value normalisation); python-calamine keeps it: the error is said under
    python-calamine's name."""
    path = edited(form(tmp_path / "Ia_Dom.xlsx"),
                  {WORKBOOK: replace('name="Sheet1"', f'name="{written}"')})
    assert list(calamine(path)) == [read]
    assert formula_problems(read_paths([path], plan)) == [
        ("formula-error", read, "E6", "children_u1", "#DIV/0!")]


def test_an_ods_table_named_with_a_line_break_keeps_its_formulas(
    tmp_path: Path, plan: Plan
) -> None:
    path = tmp_path / "Ia_Dom.ods"
    shutil.copy(DATA / "formulas" / "Ia_Dom.ods", path)
    edited(path, {"content.xml": replace('table:name="Sheet1"', 'table:name="Sheet\n1"')})
    assert list(calamine(path)) == ["Sheet\n1"]
    assert {sheet for _, sheet, *_ in formula_problems(read_paths([path], plan))} == {
        "Sheet\n1"}


# --- 6 and 7. Cells named in lower case, with leading zeros, or not at all -----------------


@pytest.mark.parametrize("reference", ["e6", "E06", "e006"])
def test_a_cell_reference_is_read_as_python_calamine_reads_it(
    reference: str, tmp_path: Path, plan: Plan
) -> None:
    path = edited(form(tmp_path / "Ia_Dom.xlsx"), {SHEET: replace('r="E6"', f'r="{reference}"')})
    rows = calamine(path)["Sheet1"]
    assert (len(rows), rows[5][4]) == (6, "")
    assert formula_problems(read_paths([path], plan)) == ERROR_AT_E6


def _without(pattern: bytes, keep: bytes = b"") -> Edit:
    """Each match of ``pattern`` taken out, its ``keep`` group kept."""
    def edit(data: bytes) -> bytes:
        new = re.sub(pattern, keep, data)
        assert new != data
        return new
    return edit


@pytest.mark.parametrize(("edit", "cell"), [
    pytest.param(_without(rb' r="E6"'), "E6", id="the-cell-without-r"),
    pytest.param(_without(rb'(<row) r="6"', rb"\1"), "E6", id="its-row-without-r"),
    pytest.param(lambda data: _without(rb'(<row) r="[0-9]+"', rb"\1")(
        _without(rb' r="[A-Z]+[0-9]+"')(data)), "E4", id="no-r-anywhere"),
])
def test_cells_and_rows_without_a_reference_follow_the_one_before(
    edit: Edit, cell: str, tmp_path: Path, plan: Plan
) -> None:
    """A cell without r="" follows the cell before it, a row without r="" the row before:
    with no r="" at all, python-calamine reads the form's four rows as rows 1 to 4, and the
    error is at E4, where it shows it."""
    path = edited(form(tmp_path / "Ia_Dom.xlsx"), {SHEET: edit})
    rows = calamine(path)["Sheet1"]
    row = int(cell[1:]) - 1
    assert (rows[row][3], rows[row][4]) == ("children_u1", "")
    assert formula_problems(read_paths([path], plan)) == [
        ("formula-error", "Sheet1", cell, "children_u1", "#DIV/0!")]


# --- 8. CDATA sections and comments in a value --------------------------------------------


@pytest.mark.parametrize(("cell", "shown", "problem"), [
    pytest.param('<c r="E6" t="e"><f>E5/0</f><v><![CDATA[#DIV/0!]]></v></c>', "",
                 ("formula-error", "#DIV/0!"), id="error-in-cdata"),
    pytest.param('<c r="E6"><f>E5+1</f><v><![CDATA[413]]></v></c>', "",
                 ("formula-unsaved", ""), id="figure-in-cdata"),
    pytest.param('<c r="E6"><f>E5+1</f><v><!-- saved -->413</v></c>', "",
                 ("formula-unsaved", ""), id="figure-after-a-comment"),
    pytest.param('<c r="E6"><f>E5+1</f><v><?pi?>413</v></c>', "",
                 ("formula-unsaved", ""), id="figure-after-a-processing-instruction"),
    pytest.param('<c r="E6" t="str"><f>"abc"</f><v><![CDATA[abc]]></v></c>', "",
                 ("formula-text", "abc"), id="text-in-cdata"),
])
def test_a_value_python_calamine_shows_blank_is_never_a_blank(
    cell: str, shown: str, problem: tuple[str, str], tmp_path: Path, plan: Plan
) -> None:
    """python-calamine reads a <v> by its first run of plain text: a value in a CDATA
    section, or after a comment or a processing instruction, is a blank to it. A formula the
    scan finds saved with a figure there is said to have no saved value, at its cell."""
    path = edited(form(tmp_path / "Ia_Dom.xlsx"),
                  {SHEET: replace('<c r="E6" t="e"><f>E5/0</f><v>#DIV/0!</v></c>', cell)})
    assert calamine(path)["Sheet1"][5][4] == shown
    assert formula_problems(read_paths([path], plan)) == [
        (problem[0], "Sheet1", "E6", "children_u1", problem[1])]


def test_a_figure_python_calamine_reads_is_no_problem(tmp_path: Path, plan: Plan) -> None:
    """A comment after the value leaves it to python-calamine: 413 counts."""
    path = edited(form(tmp_path / "Ia_Dom.xlsx"), {SHEET: replace(
        '<c r="E6" t="e"><f>E5/0</f><v>#DIV/0!</v></c>',
        '<c r="E6"><f>E5+1</f><v>413<!-- saved --></v></c>')})
    assert calamine(path)["Sheet1"][5][4] == 413
    intake = read_paths([path], plan)
    assert intake.problems == []
    [submission] = intake.submissions
    assert dict(zip(submission.codes, submission.values, strict=True)) == {
        "live_births": 412, "children_u1": 413}


# --- 9. An .ods whose table: prefix is bound otherwise ------------------------------------

ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _ods(tmp_path: Path, edit: Edit) -> Path:
    path = tmp_path / "Ia_Dom.ods"
    shutil.copy(DATA / "formulas" / "Ia_Dom.ods", path)
    return edited(path, {"content.xml": edit})


def test_an_ods_with_another_prefix_for_tables_is_read_by_the_streaming_reader(
    tmp_path: Path, plan: Plan
) -> None:
    """Tables written <tb:table> (tb: bound to the table namespace) are tables to expat but
    not to python-calamine, which finds no sheet: the streaming reader's tables are read
    (the record says so), with their formula problems, where the file had been refused as
    holding no form."""
    def rebound(data: bytes) -> bytes:
        return (data.replace(b"xmlns:table=", b"xmlns:tb=").replace(b"<table:", b"<tb:")
                .replace(b"</table:", b"</tb:").replace(b" table:", b" tb:"))

    path = _ods(tmp_path, rebound)
    assert calamine(path) == {}
    intake = read_paths([path], plan)
    [record] = intake.files
    assert (record.status, record.reader) == ("used", "ods-xml")
    assert ("formula-error", "Sheet1", "E12", "#DIV/0!") in [
        (problem, sheet, cell, found) for problem, sheet, cell, _, found
        in formula_problems(intake)]


def test_an_ods_whose_table_prefix_is_bound_elsewhere_is_said_unchecked(
    tmp_path: Path, plan: Plan
) -> None:
    """table: bound to another namespace (the table namespace on a prefix left unused):
    python-calamine reads the <table:table> elements by their prefix, expat finds no ODF
    table. The sheet's formulas were not checked, and a warning says so; its figures are
    read as python-calamine shows them."""
    path = _ods(tmp_path, replace(f'xmlns:table="{ODS_TABLE}"',
                                  f'xmlns:table="urn:elsewhere" xmlns:tb="{ODS_TABLE}"'))
    assert list(calamine(path)) == ["Sheet1"]
    intake = read_paths([path], plan)
    assert [(p.type, p.severity, p.sheet) for p in intake.problems if p.severity != "error"
            or p.type.startswith("formula")] == [("formulas-unchecked", "warning", "Sheet1")]


# --- 10. Excel 95 sheet names in a Vietnamese code page -----------------------------------


def _renamed_xls(
    source: Path, path: Path, stream: str, old: bytes, new: bytes, code_page: int
) -> Path:
    """A copy of the .xls ``source`` whose sheet name (BOUNDSHEET's bytes from its 8th, ``old``)
    is ``new``, as long, and whose CODEPAGE record says ``code_page``."""
    shutil.copy(source, path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        records = bytearray(ole.openstream(stream).read())
        at = 0
        while at + 4 <= len(records):
            kind, length = struct.unpack_from("<HH", records, at)
            if kind == 0x0042:
                struct.pack_into("<H", records, at + 4, code_page)
            elif kind == 0x0085:
                assert records[at + 11:at + 11 + len(old)] == old
                assert len(new) == len(old)
                records[at + 11:at + 11 + len(old)] = new
            elif kind == 0x000A:
                break
            at += 4 + length
        ole.write_stream(stream, bytes(records))
    return path


def _biff5(path: Path, name: bytes, code_page: int) -> Path:
    """Gnumeric's Excel 95 save of the formula form, with its sheet renamed to ``name`` (six
    bytes) and its CODEPAGE record set. tests/data/formulas/Ia_Dom_biff5.xls was written once
    by `ssconvert --export-type=Gnumeric_Excel:excel_biff7 Ia_Dom.xls` (LibreOffice writes no
    Excel 95); its CODEPAGE says 1200, and python-calamine reads its texts as cp1252."""
    return _renamed_xls(DATA / "formulas" / "Ia_Dom_biff5.xls", path, "Book", b"Sheet1",
                        name, code_page)


@pytest.mark.parametrize("code_page", [1258, 1251, 1252])
def test_an_excel_95_sheet_name_is_decoded_in_the_files_code_page(
    code_page: int, tmp_path: Path
) -> None:
    """An Excel 95 (BIFF5) file names its sheets in its code page (CODEPAGE): cp1258 for
    Vietnamese. The scan decodes them as python-calamine does, and the errors are the
    sheet's."""
    name = b"\xd0\xe3 \xf5\xfd\xd2"  # "Đă ơử" in cp1258
    path = _biff5(tmp_path / "Ia_Dom.xls", name, code_page)
    [shown] = calamine(path)
    assert shown == name.decode(f"cp{code_page}")
    read = read_file(str(path))
    [sheet] = read.sheets
    assert (sheet.name, sheet.formulas["E12"], read.problems) == (
        shown, ("error", "#DIV/0!"), [])
    # A BIFF5 text result (a STRING record: no flags byte) is the file's text too.
    assert sheet.formulas["E16"] == ("text", "abc")


def test_an_excel_95_code_page_python_has_no_codec_for_is_said_unchecked(
    tmp_path: Path
) -> None:
    """Mac Roman (10000) has no cp10000 codec in Python: the name the scan decodes is not
    python-calamine's, and the sheet is said unchecked rather than read with blanks."""
    path = _biff5(tmp_path / "Ia_Dom.xls", b"\xd0\xe3 \xf5\xfd\xd2", 10000)
    [shown] = calamine(path)
    read = read_file(str(path))
    assert [(p.type, p.sheet) for p in read.problems] == [("formulas-unchecked", shown)]


def _biff8(path: Path, name: bytes, code_page: int) -> Path:
    """LibreOffice's Excel 97 save of the formula form, its sheet renamed to ``name`` (six
    bytes, a "compressed" BIFF8 string: one byte a character) and its CODEPAGE set."""
    return _renamed_xls(DATA / "formulas" / "Ia_Dom.xls", path, "Workbook", b"\x00Sheet1",
                        b"\x00" + name, code_page)


@pytest.mark.parametrize(("code_page", "codec"), [
    (1258, "cp1258"), (1252, "cp1252"), (1200, "latin-1")])
@pytest.mark.parametrize("make", [_biff5, _biff8], ids=["excel-95", "excel-97"])
def test_one_byte_sheet_names_are_decoded_as_python_calamine_decodes_them(
    make: Callable[[Path, bytes, int], Path], code_page: int, codec: str, tmp_path: Path
) -> None:
    """An Excel 95 name, or an Excel 97 name stored one byte a character, is in the file's
    code page: cp1258, cp1252, and for 1200 (UTF-16, which Excel 97 files declare) each byte
    its own character, as python-calamine reads it (0x80 is U+0080 there, not the euro)."""
    name = b"\xd0\x80 \xf5\x9f\xd2"
    path = make(tmp_path / "Ia_Dom.xls", name, code_page)
    [shown] = calamine(path)
    assert shown == name.decode(codec)
    read = read_file(str(path))
    [sheet] = read.sheets
    assert (sheet.name, sheet.formulas["E12"], read.problems) == (
        shown, ("error", "#DIV/0!"), [])


def test_an_excel_97_code_page_python_has_no_codec_for_is_said_unchecked(
    tmp_path: Path
) -> None:
    """Mac Roman (10000) in an Excel 97 file: python-calamine decodes its one-byte names in
    it, Python cannot, and the sheet is said unchecked rather than paired by a guess."""
    path = _biff8(tmp_path / "Ia_Dom.xls", b"\xd0\xe3 \xf5\xfd\xd2", 10000)
    [shown] = calamine(path)
    read = read_file(str(path))
    assert [(p.type, p.sheet) for p in read.problems] == [("formulas-unchecked", shown)]


def test_an_excel_95_name_in_ascii_needs_no_codec(tmp_path: Path) -> None:
    """A code page Python has no codec for still keeps ASCII as it is: a sheet named in
    ASCII is scanned (SheetJS writes Excel 95 files so, CODEPAGE 10000)."""
    path = _biff5(tmp_path / "Ia_Dom.xls", b"Sheet1", 10000)
    read = read_file(str(path))
    [sheet] = read.sheets
    assert (sheet.name, sheet.formulas["E12"], read.problems) == (
        "Sheet1", ("error", "#DIV/0!"), [])


def test_an_xls_ending_in_a_zip_is_scanned_as_an_xls(tmp_path: Path) -> None:
    """Excel 2007 and later end an .xls with a zipped theme, which zipfile takes for a zip:
    python-calamine reads an OLE file as an .xls, and so does the scan."""
    path = tmp_path / "Ia_Dom.xls"
    shutil.copy(DATA / "formulas" / "Ia_Dom.xls", path)
    theme = tmp_path / "theme.zip"
    with zipfile.ZipFile(theme, "w") as archive:
        archive.writestr("theme/theme/theme1.xml", "<a:theme/>")
    path.write_bytes(path.read_bytes() + theme.read_bytes())
    assert zipfile.is_zipfile(path)
    [shown] = calamine(path)
    read = read_file(str(path))
    [sheet] = read.sheets
    assert (sheet.name, sheet.formulas["E12"], read.problems) == (
        shown, ("error", "#DIV/0!"), [])


def test_a_minimal_package_has_its_formulas_checked(tmp_path: Path, plan: Plan) -> None:
    """A workbook at the package's root (workbook.xml, _rels/workbook.xml.rels, sheet1.xml),
    named by _rels/.rels: python-calamine reads it there, and so does the scan."""
    path = form(tmp_path / "Ia_Dom.xlsx")
    with zipfile.ZipFile(path) as archive:
        moved = {name: name.removeprefix("xl/") for name in archive.namelist()}
    edited(path, {"_rels/.rels": replace('Target="xl/workbook.xml"', 'Target="workbook.xml"')},
           moved)
    assert calamine(path)["Sheet1"][5][4] == ""
    assert formula_problems(read_paths([path], plan)) == ERROR_AT_E6


# --- the safety net -------------------------------------------------------------------------


CLEAN_E6 = replace('<c r="E6" t="e"><f>E5/0</f><v>#DIV/0!</v></c>',
                   '<c r="E6"><f>E5+1</f><v>413</v></c>')


def _second_sheet(path: Path, name: str, attributes: str = "") -> Path:
    """A second <sheet> named ``name`` after the first, its part a copy of the first sheet
    with E6 a figure (413), related as rId9."""
    with zipfile.ZipFile(path) as archive:
        clean = CLEAN_E6(archive.read(SHEET))
    edited(path, {WORKBOOK: replace(
        "</sheets>", f'<sheet name="{name}" sheetId="9" r:id="rId9"{attributes}/></sheets>'),
        RELS: replace("</Relationships>", '<Relationship Id="rId9" Type="http://schemas.'
                      'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                      'Target="worksheets/sheet9.xml"/></Relationships>')})
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/worksheets/sheet9.xml", clean)
    return path


@pytest.mark.parametrize(("first", "second"), [
    pytest.param("Sheet1", "Sheet1", id="the-same-name"),
    pytest.param("Sheet	1", "Sheet 1", id="a-raw-tab-and-a-space"),
])
def test_a_name_two_sheets_share_leaves_them_unchecked(
    first: str, second: str, tmp_path: Path, plan: Plan
) -> None:
    """Two sheets named alike (or alike once expat reads a raw tab as a space): the scan
    cannot tell which python-calamine reads under the name, and each sheet it reads is said
    unchecked, once for each name, where the error at E6 had been read as a blank."""
    path = _second_sheet(edited(form(tmp_path / "Ia_Dom.xlsx"), {
        WORKBOOK: replace('name="Sheet1"', f'name="{first}"')}), second)
    shown = calamine(path)
    assert shown[first][5][4] == ""
    intake = read_paths([path], plan)
    warnings = [p for p in intake.problems if p.severity == "warning"]
    assert [(p.type, p.file, p.sheet) for p in warnings] == [
        ("formulas-unchecked", str(path), sheet) for sheet in dict.fromkeys([first, second])]
    assert first in warnings[0].where("vi")


def test_an_empty_sheet_the_scan_cannot_find_is_not_said_unchecked(tmp_path: Path) -> None:
    """A sheet with no cell has no error value to lose: no warning."""
    path = tmp_path / "Ia_Dom.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Sheet1")
    book.add_worksheet("Sheet2")
    book.close()
    edited(path, {WORKBOOK: replace('name="Sheet2"', 'name="Sheet1"')})
    assert calamine(path) == {"Sheet1": []}
    assert read_file(str(path)).problems == []


@pytest.mark.parametrize("edit", [
    pytest.param(replace(f' xmlns="{MAIN}"', ""), id="sheet-in-no-namespace"),
    pytest.param(replace("<sheetData>", '<sheetData xmlns="">'), id="sheetdata-xmlns-empty"),
    pytest.param(replace(f' xmlns="{MAIN}"', ' xmlns="urn:elsewhere"'),
                 id="sheet-in-another-namespace"),
])
def test_a_sheet_outside_spreadsheetml_has_its_formulas_checked(
    edit: Edit, tmp_path: Path, plan: Plan
) -> None:
    """python-calamine knows a sheet's elements by their local names, in any namespace or
    none: so does the scan, and the error at E6 is said."""
    path = edited(form(tmp_path / "Ia_Dom.xlsx"), {SHEET: edit})
    assert calamine(path)["Sheet1"][5][4] == ""
    assert formula_problems(read_paths([path], plan)) == ERROR_AT_E6


def test_relationships_in_no_namespace_are_read(tmp_path: Path, plan: Plan) -> None:
    path = edited(form(tmp_path / "Ia_Dom.xlsx"), {RELS: replace(
        ' xmlns="http://schemas.openxmlformats.org/package/2006/relationships"', "")})
    assert calamine(path)["Sheet1"][5][4] == ""
    assert formula_problems(read_paths([path], plan)) == ERROR_AT_E6


@pytest.mark.parametrize("other", [
    pytest.param(' xmlns:x="urn:other" x:id="rId1"', id="another-prefix"),
    pytest.param(' id="rId1"', id="no-prefix"),
])
def test_the_last_id_of_a_sheet_is_its_relationship(
    other: str, tmp_path: Path, plan: Plan
) -> None:
    """A <sheet> with r:id="rId9" (a sheet whose E6 is a figure) and then another id
    attribute (rId1, the sheet whose E6 is #DIV/0!): python-calamine reads the last id's
    part, and so does the scan."""
    path = form(tmp_path / "Ia_Dom.xlsx")
    _second_sheet(path, "Other")
    edited(path, {WORKBOOK: replace('<sheet name="Sheet1" sheetId="1" r:id="rId1"/>',
                                    f'<sheet name="Sheet1" sheetId="1" r:id="rId9"{other}/>')})
    assert calamine(path)["Sheet1"][5][4] == ""
    assert formula_problems(read_paths([path], plan)) == ERROR_AT_E6


def test_a_target_through_dot_dot_names_the_member_of_that_literal_name(
    tmp_path: Path, plan: Plan
) -> None:
    """Target="../xl/worksheets/sheet1.xml": python-calamine opens the member literally named
    xl/../xl/worksheets/sheet1.xml (here with #DIV/0! at E6), never resolving "..", which
    would name xl/worksheets/sheet1.xml (here E6 a figure). So does the scan."""
    path = form(tmp_path / "Ia_Dom.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read(SHEET)
    edited(path, {SHEET: CLEAN_E6, RELS: replace('Target="worksheets/sheet1.xml"',
                                                 'Target="../xl/worksheets/sheet1.xml"')})
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/../xl/worksheets/sheet1.xml", sheet)
    assert calamine(path)["Sheet1"][5][4] == ""
    assert formula_problems(read_paths([path], plan)) == ERROR_AT_E6


def test_an_xlsx_holding_a_content_xml_is_scanned_as_an_xlsx(tmp_path: Path, plan: Plan) -> None:
    """A stray content.xml (an .ods's) in an .xlsx: python-calamine reads the file as the
    .xlsx it is, and the scan does too, never taking the .ods tables for its sheets."""
    path = form(tmp_path / "Ia_Dom.xlsx")
    with zipfile.ZipFile(DATA / "formulas" / "Ia_Dom.ods") as ods:
        content = ods.read("content.xml")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("content.xml", content.replace(b'table:name="Sheet1"',
                                                        b'table:name="Other"'))
    assert list(calamine(path)) == ["Sheet1"]
    assert formula_problems(read_paths([path], plan)) == ERROR_AT_E6


@pytest.mark.parametrize("path", [
    *sorted((Path(__file__).parent.parent / "examples" / "2022").glob("*.xlsx")),
    *sorted(p for p in (DATA / "resaved").rglob("*") if p.is_file()),
    *sorted((DATA / "formulas").iterdir()),
    *sorted((DATA / "corpus").iterdir()),
], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_ordinary_workbooks_are_not_said_unchecked(path: Path) -> None:
    """None is said unchecked, but an .xlsb, whose formulas the scan cannot read: once, of
    the whole file."""
    read = read_file(str(path))
    unchecked = [(p.sheet, p.params) for p in read.problems if p.type == "formulas-unchecked"]
    if path.suffix == ".xlsb":
        assert unchecked == [(None, {"detail": XLSB_UNREAD})]
    else:
        assert unchecked == []


def test_the_scan_reads_every_sheet_of_a_workbook_by_name(tmp_path: Path) -> None:
    """Sheets without formulas are scanned too (and named), so that the safety net knows
    them; the scan holds no problem for them."""
    path = tmp_path / "two.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("A").write("A1", 1)
    book.add_worksheet("B").write_formula("A1", "=1/0", None, "#DIV/0!")
    book.close()
    with zipfile.ZipFile(path) as archive:
        scans = xlsx_formulas(archive)
    assert scans is not None
    assert {name: scan.problems for name, scan in scans.items()} == {
        "A": {}, "B": {"A1": ("error", "#DIV/0!")}}

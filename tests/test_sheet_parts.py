"""A sheet all in column A is not parsed: which part holds which sheet, and when it is sure.

An instructions sheet (one column of sentences, in every form) can hold no header row, so
intake skips it without python-calamine parsing it. These tests hold that shortcut to
what reading the sheet would give, and to python-calamine's own way of finding a sheet.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from kh_treem import intake as intake_module
from kh_treem import limits
from kh_treem.intake import Intake, read_paths
from kh_treem.layouts import SheetReader
from kh_treem.plan import Plan, load_plan
from kh_treem.sheet_parts import sheet_parts

PLAN = load_plan()

NAMES = ["Biểu", "Hướng dẫn"]
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="t/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="t/worksheet" Target="{target}"/>'
        '<Relationship Id="rId3" Type="t/styles" Target="styles.xml"/></Relationships>')
SHEETS = ('<sheet name="Biểu" sheetId="1" r:id="rId1"/>'
          '<sheet name="Hướng dẫn" sheetId="2" r:id="rId2"/>')


def members(sheets: str = SHEETS, target: str = "worksheets/sheet2.xml",
            rels: str | None = None) -> dict[str, bytes]:
    workbook = ('<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships"><sheets>{sheets}</sheets></workbook>')
    return {"xl/workbook.xml": workbook.encode(),
            "xl/_rels/workbook.xml.rels": (rels or RELS.format(target=target)).encode(),
            "xl/worksheets/sheet1.xml": b"<worksheet/>",
            "xl/worksheets/sheet2.xml": b"<worksheet/>"}


BOTH = {"Biểu": "xl/worksheets/sheet1.xml", "Hướng dẫn": "xl/worksheets/sheet2.xml"}


@pytest.mark.parametrize(("given", "names", "expected"), [
    (members(), NAMES, BOTH),
    (members(target="/xl/worksheets/sheet2.xml"), NAMES, BOTH),  # openpyxl's absolute target
    # python-calamine would read xl/xl/worksheets/... or resolve "..": not told
    (members(target="xl/worksheets/sheet2.xml"), NAMES, {"Biểu": BOTH["Biểu"]}),
    (members(target="../xl/worksheets/sheet2.xml"), NAMES, {"Biểu": BOTH["Biểu"]}),
    (members(target="chartsheets/sheet2.xml"), NAMES, {"Biểu": BOTH["Biểu"]}),
    (members(target="worksheets/sheet9.xml"), NAMES, {"Biểu": BOTH["Biểu"]}),  # no such part
    # names other than python-calamine's, or in another order
    (members(), ["Biểu", "Huong dan"], {}),
    (members(), list(reversed(NAMES)), {}),
    (members(sheets=SHEETS.replace("Biểu", "B&amp;u")), ["B&u", "Hướng dẫn"], {}),
    # attributes taken in turn, in either quotes, as python-calamine takes them
    (members(sheets=SHEETS.replace('r:id="rId2"', "r:id='rId2'")), NAMES, BOTH),
    (members(sheets=SHEETS.replace('r:id="rId2"', 'r:id = "rId2"')), NAMES, BOTH),
    (members(sheets=SHEETS.replace('r:id="rId1"', 'a=" r:id=" b="rId2" r:id="rId1"')),
     NAMES, BOTH),  # no r:id in a value is read
    (members(sheets=SHEETS.replace('r:id="rId2"', 'r:id="rId2" r:id="rId1"')), NAMES, {}),
    (members(sheets=SHEETS.replace('r:id="rId2"', 'r:id="rId2" x')), NAMES, {}),
    # spellings python-calamine reads too
    (members(sheets=SHEETS + '<x:sheet name="X" r:id="rId1"/>'), NAMES, {}),
    (members(sheets=SHEETS.replace('r:id="rId2"', 'relationships:id="rId2"')), NAMES, {}),
    (members(rels=RELS.format(target="worksheets/sheet2.xml").replace("rId3", "rId2")),
     NAMES, {}),  # an Id given twice: python-calamine takes the last
    (members(rels=RELS.format(target="worksheets/sheet2.xml").replace(
        "<Relationship ", "<p:Relationship ", 1)), NAMES, {}),
    ({"xl/workbook.xml": b"<workbook/>"}, NAMES, {}),
])
def test_sheet_parts_are_told_only_when_plain(
    given: dict[str, bytes], names: list[str], expected: dict[str, str]
) -> None:
    """A sheet's part is told where python-calamine surely reads that part for it, as
    workbook.xml names the sheets python-calamine gives; any doubt tells nothing."""
    assert sheet_parts(given, names) == expected


def _sheet(cells: str) -> bytes:
    return f"<worksheet><sheetData>{cells}</sheetData></worksheet>".encode()


def _zip(parts: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts:
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(("cells", "one_column"), [
    ('<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="3"><c r="A3"/></row>', True),
    ("", True),
    ('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>', False),
    ('<row r="1"><c r="A1" r="B1"><v>1</v></c></row>', False),  # placed by its last r: B1
    ('<row r="1"><c><v>1</v></c><c><v>2</v></c></row>', False),  # A1, then B1
    ('<row r="1"><x:c r="B1"><v>1</v></x:c><c r="A1"><v>2</v></c></row>', False),
    ('<row r="1"><c r="AA1"><v>1</v></c></row>', False),
    ('<row r="1"><c s="1" r="A1"><v>1</v></c></row>', False),  # r not first: not sure
])
def test_one_column_sheets_are_those_placed_in_column_a(cells: str, one_column: bool) -> None:
    """limits names a sheet one-column only where every cell is surely placed in column A."""
    data = _zip([("xl/workbook.xml", b"<workbook/>"),
                 ("xl/worksheets/sheet1.xml", _sheet(cells))])
    checked = limits.check_bytes(data)
    assert checked.refusal is None
    assert ("xl/worksheets/sheet1.xml" in checked.one_column) is one_column


def test_a_part_named_twice_is_never_one_column() -> None:
    """Of two members of one name, which one python-calamine reads is not guessed."""
    one = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    two = _sheet('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", one)
        with pytest.warns(UserWarning, match="Duplicate"):
            archive.writestr("xl/worksheets/sheet1.xml", two)
    assert limits.check_bytes(buffer.getvalue()).one_column == frozenset()


# --- reading: the same result as parsing the sheet ---------------------------------------

_NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


def _inline_sheet(rows: list[list[tuple[str, str]]]) -> bytes:
    cells = "".join(f'<row r="{i}">' + "".join(
        f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>' for ref, text in row) + "</row>"
        for i, row in enumerate(rows, 1))
    return f"<worksheet {_NS}><sheetData>{cells}</sheetData></worksheet>".encode()


_FORM_PART = _inline_sheet([[("A1", "Đơn vị:"), ("B1", "Ia Dom")], [("A2", "Năm:"), ("B2", "2022")],
                            [("A3", "Mã"), ("B3", "Số liệu")],
                            [("A4", "live_births"), ("B4", "412")]])
_ONE_COLUMN_PART = _inline_sheet([[("A1", "Hướng dẫn")]])


def _hand_made(sheet_tag: str, rels: list[tuple[str, str]],
               parts: list[tuple[str, bytes]]) -> bytes:
    """A workbook zipped by hand: its workbook.xml names one sheet, ``sheet_tag``."""
    relationships = "".join(f'<Relationship Id="{rid}" Type="x/worksheet" Target="{target}"/>'
                            for rid, target in rels)
    return _zip([("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", _PACKAGE_RELS),
                 ("xl/workbook.xml", f"<workbook {_NS}><sheets>{sheet_tag}</sheets></workbook>"
                  .encode()),
                 ("xl/_rels/workbook.xml.rels",
                  f"<Relationships>{relationships}</Relationships>".encode()), *parts])


_PACKAGE_RELS = (b'<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                 b"</Relationships>")
_TAG = '<sheet name="Biểu" sheetId="1" r:id="rId1"/>'
_TRICKS = {
    # an attribute's value ending in ' r:id=' is no r:id
    "r:id in a value": _hand_made(
        '<sheet name="Biểu" sheetId="1" a=" r:id=" b="x" r:id="rId1"/>',
        [("rId1", "worksheets/sheet1.xml"), (" b=", "worksheets/sheet2.xml")],
        [("xl/worksheets/sheet1.xml", _FORM_PART), ("xl/worksheets/sheet2.xml", _ONE_COLUMN_PART)]),
    # python-calamine finds a part in any ASCII case, the last that matches
    "a part's name in another case": _hand_made(
        _TAG, [("rId1", "worksheets/sheet1.xml")],
        [("xl/worksheets/sheet1.xml", _ONE_COLUMN_PART), ("xl/worksheets/SHEET1.xml", _FORM_PART)]),
    # one name's bytes twice, flagged UTF-8 once: zipfile reads two names, python-calamine one
    "a name flagged UTF-8 once": _hand_made(
        _TAG, [("rId1", "worksheets/é.xml")],
        [("xl/worksheets/é.xml", _ONE_COLUMN_PART), ("xl/worksheets/zz.xml", _FORM_PART)],
    ).replace(b"xl/worksheets/zz.xml", "xl/worksheets/é.xml".encode()),
    # python-calamine reads a backslash in a member's name as a slash (a second review)
    "a backslash in a part's name": _hand_made(
        _TAG, [("rId1", "worksheets/sheet1.xml")],
        [("xl/worksheets/sheet1.xml", _ONE_COLUMN_PART),
         ("XL\\Worksheets\\SHEET1.xml", _FORM_PART)]),
    "a backslash in workbook.xml's name": _hand_made(
        _TAG.replace("rId1", "rId2"),
        [("rId1", "worksheets/sheet1.xml"), ("rId2", "worksheets/sheet2.xml")],
        [("xl/worksheets/sheet1.xml", _FORM_PART), ("xl/worksheets/sheet2.xml", _ONE_COLUMN_PART),
         ("xl\\workbook.xml", f"<workbook {_NS}><sheets>{_TAG}</sheets></workbook>".encode())]),
}


@pytest.mark.parametrize("data", list(_TRICKS.values()), ids=list(_TRICKS))
def test_a_form_is_never_skipped_for_a_one_column_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    """Workbooks built to make a form's sheet look like a one-column part (found by a
    review) are read as when every sheet is parsed: the form's figure is there."""
    path = tmp_path / "Ia_Dom.xlsx"
    path.write_bytes(data)
    skipping = _read(path, PLAN, False, monkeypatch, [])
    assert skipping == _read(path, PLAN, True, monkeypatch, [])
    assert [dict(zip(s.codes, s.values, strict=True)) for s in skipping.submissions] == [
        {"live_births": 412}]


WORDS = ["Mã", "Số liệu", "Xã", "Năm", "Đơn vị", "Ia Dom", "live_births", "Tổng", "ghi chú"]
CELL = st.one_of(st.none(), st.sampled_from(WORDS), st.integers(0, 500))


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """The sheets written by xlsxwriter (relative targets, r="" first in every cell)."""
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def _read(path: Path, plan: Plan, parse_all: bool, monkeypatch: pytest.MonkeyPatch,
          seen: list[tuple[str, int]]) -> Intake:
    original = SheetReader.read

    def read(self: SheetReader, rows: list[list[Any]], source: Any) -> Any:
        seen.append((source.sheet, len(rows)))
        return original(self, rows, source)

    with monkeypatch.context() as patch:
        patch.setattr(SheetReader, "read", read)
        if parse_all:
            patch.setattr(intake_module, "sheet_parts", lambda members, names: {})
        return read_paths([path], plan)


FORM = [["Đơn vị:", "Ia Dom"], ["Năm:", 2022], ["STT", "Nội dung", "Mã", "Số liệu"],
        [1, "Trẻ đẻ sống", "live_births", 412]]


@settings(max_examples=60, deadline=None)
@given(column_a=st.lists(CELL, max_size=8),
       other=st.lists(st.lists(CELL, min_size=2, max_size=3), max_size=4))
def test_skipping_one_column_sheets_reads_as_parsing_them(
    tmp_path_factory: pytest.TempPathFactory, column_a: list[Any], other: list[list[Any]]
) -> None:
    """Reading a workbook gives the same submissions, problems and file records whether
    its one-column sheets are parsed or skipped; and a sheet all in column A is skipped,
    one with a cell beyond it parsed."""
    path = _workbook(tmp_path_factory.mktemp("book") / "Ia_Dom.xlsx", {
        "Biểu": FORM, "Hướng dẫn": [[v] for v in column_a], "Khác": other})
    with pytest.MonkeyPatch.context() as monkeypatch:
        parsed: list[tuple[str, int]] = []
        skipped: list[tuple[str, int]] = []
        assert (_read(path, PLAN, False, monkeypatch, skipped)
                == _read(path, PLAN, True, monkeypatch, parsed))
    assert dict(skipped)["Hướng dẫn"] == 0  # not parsed
    if any(v is not None for row in other for v in row[1:]):
        assert dict(skipped)["Khác"] == dict(parsed)["Khác"] > 0
    else:
        assert dict(skipped)["Khác"] == 0


def test_a_part_named_with_a_nul_is_refused_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """zipfile cuts a name at a NUL, python-calamine keeps it: a one-column part named
    "sheet1.xml\0" beside the form's sheet1.xml makes the file unreadable, said so, never
    read with the form skipped."""
    path = tmp_path / "Ia_Dom.xlsx"
    path.write_bytes(_hand_made(
        _TAG, [("rId1", "worksheets/sheet1.xml")],
        [("xl/worksheets/sheet1.xml", _FORM_PART), ("xl/worksheets/sheet1.xmlQ", _ONE_COLUMN_PART)],
    ).replace(b"sheet1.xmlQ", b"sheet1.xml\0"))
    skipping = _read(path, PLAN, False, monkeypatch, [])
    assert skipping == _read(path, PLAN, True, monkeypatch, [])
    assert [p.type for p in skipping.problems] == ["file-unreadable"]

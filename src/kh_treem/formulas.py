"""Formula cells whose saved value is not a figure, in .xlsx, .xlsm and .xls files.

python-calamine gives a formula's saved value, but a blank both for an error value
(#DIV/0!, #N/A) and for a formula saved without a value (a file written by a program
and never opened in Excel or LibreOffice), and the text of a text result. Some writers
store 0 as a placeholder and ask Excel to recalculate on open (``fullCalcOnLoad``): that
0 is not a figure either. This module reads the formulas python-calamine does not
show, so that intake can say "fix the formula" or "open and save the file" instead of
reading a blank or a false 0. (.ods formulas are read with the rest of the sheet, in
:mod:`kh_treem.ods`.)
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from collections.abc import Mapping
from io import BytesIO
from typing import Literal

from kh_treem import xml_events
from kh_treem.cells import cell_name
from kh_treem.xml_events import OFFICE_RELATIONSHIPS, RELATIONSHIPS, SPREADSHEET_ML

FormulaKind = Literal["unsaved", "error", "text"]
# A formula's problem: its kind and what it gave ("#DIV/0!", the text, "" when unsaved).
FormulaCell = tuple[FormulaKind, str]
# sheet name -> A1 cell -> the formula's problem
SheetFormulas = dict[str, dict[str, FormulaCell]]


# --- .xlsx and .xlsm ----------------------------------------------------------------------

_CELL, _ROW, _FORMULA, _VALUE, _SHEET_DATA = (
    f"{SPREADSHEET_ML} {name}" for name in ("c", "row", "f", "v", "sheetData"))
_TEXT_TYPES = frozenset({"str", "s", "inlineStr"})


def xlsx_formulas(archive: zipfile.ZipFile) -> SheetFormulas:
    """Every formula cell of every sheet whose saved value is missing, a placeholder, an
    error value or text. Raises DoctypeFound or ExpatError for a part that cannot be read."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    sheets, recalc = _workbook_sheets(archive.read("xl/workbook.xml"))
    targets = _relationship_targets(archive.read("xl/_rels/workbook.xml.rels"))
    found: SheetFormulas = {}
    for sheet, rid in sheets:
        member = _member(targets.get(rid, ""))
        if member in names:
            cells = _sheet_formulas(archive.read(member), recalc)
            if cells:
                found[sheet] = cells
    return found


def xlsx_hidden_rows(archive: zipfile.ZipFile) -> dict[str, list[int]]:
    """The rows hidden in each sheet of an .xlsx (1-based), where any is. Raises
    DoctypeFound or ExpatError for a part that cannot be read."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    sheets, _ = _workbook_sheets(archive.read("xl/workbook.xml"))
    targets = _relationship_targets(archive.read("xl/_rels/workbook.xml.rels"))
    found: dict[str, list[int]] = {}
    for sheet, rid in sheets:
        member = _member(targets.get(rid, ""))
        if member not in names:
            continue
        hidden: list[int] = []

        def start(name: str, attributes: dict[str, str], hidden: list[int] = hidden) -> None:
            if name == _ROW and attributes.get("hidden") in ("1", "true"):
                number = attributes.get("r", "")
                if number.isdecimal() and number.isascii():
                    hidden.append(int(number))

        xml_events.parse(archive.read(member), start)
        if hidden:
            found[sheet] = hidden
    return found


def _workbook_sheets(xml: bytes) -> tuple[list[tuple[str, str]], bool]:
    """(sheet name, relationship id) of each sheet, and whether Excel must recalculate."""
    sheets: list[tuple[str, str]] = []
    recalc = False

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal recalc
        if name == f"{SPREADSHEET_ML} sheet":
            sheets.append((attributes.get("name", ""),
                           attributes.get(f"{OFFICE_RELATIONSHIPS} id", "")))
        elif name == f"{SPREADSHEET_ML} calcPr":
            recalc = attributes.get("fullCalcOnLoad") in ("1", "true")

    xml_events.parse(xml, start)
    return sheets, recalc


def _relationship_targets(xml: bytes) -> dict[str, str]:
    targets: dict[str, str] = {}

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == f"{RELATIONSHIPS} Relationship":
            targets[attributes.get("Id", "")] = attributes.get("Target", "")

    xml_events.parse(xml, start)
    return targets


def _member(target: str) -> str:
    """The zip member a workbook relationship's target names (relative to xl/)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


class _SheetCells:
    """The formula cells of one sheet, from its XML's events (cells inside <sheetData>)."""

    def __init__(self, recalc: bool) -> None:
        self.recalc = recalc
        self.found: dict[str, FormulaCell] = {}
        self.row = self.col = -1
        self.cell = ""
        self.type = ""
        self.formula = False
        self.value: list[str] | None = None  # the <v>'s text, None without a <v>
        self.in_value = False
        self.inside = False  # within the first <sheetData>, where python-calamine reads cells

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == _SHEET_DATA:
            self.inside = True
        elif not self.inside:
            return
        elif name == _ROW:
            given = attributes.get("r", "")
            self.row = int(given) - 1 if given.isdigit() else self.row + 1
            self.col = -1
        elif name == _CELL:
            self.col += 1  # a cell without r="" follows the one before it
            self.cell = attributes.get("r") or cell_name(self.row, self.col)
            self.col = _column(self.cell, self.col)
            self.type = attributes.get("t", "n")
            self.formula, self.value = False, None
        elif name == _FORMULA:
            self.formula = True
        elif name == _VALUE:
            self.value, self.in_value = [], True

    def text(self, data: str) -> None:
        if self.in_value and self.value is not None:
            self.value.append(data)

    def end(self, name: str) -> None:
        if not self.inside:
            return
        if name == _VALUE:
            self.in_value = False
        elif name == _CELL:
            value = None if self.value is None else "".join(self.value)
            if self.type == "e":
                self.found[self.cell] = ("error", value or "")
            elif self.formula and (self.recalc or not value) and self.type not in _TEXT_TYPES:
                self.found[self.cell] = ("unsaved", "")
            elif self.formula and self.type in _TEXT_TYPES:
                self.found[self.cell] = ("text", value or "")
        elif name == _SHEET_DATA:
            raise xml_events.Stop  # the rest (data validations, print setup) holds no cell


def _column(cell: str, default: int) -> int:
    """The 0-based column of an A1 reference, or ``default`` when it is not one."""
    letters = cell.rstrip("0123456789")
    if not letters.isalpha() or not letters.isascii():
        return default
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number - 1


# What a sheet must hold for _SheetCells to find anything, in any ASCII-compatible encoding:
# an element whose local name is f, prefixed or not ("<f" or ":f", then white space, "/"
# or ">"); an attribute whose value is e (t="e"): "e" or 'e', or e as a character
# reference; a document type (refused). _SheetCells finds cells only within the first
# <sheetData>, which ends, at the latest, where the bytes "sheetData" last appear (its end
# tag's name): what follows (a form's data validations, two thirds of it) is not looked
# at. A sheet with none of these holds no formula and no error value, and is not parsed:
# parsing every cell of a form costs more than python-calamine's whole reading of it.
_MAY_HOLD_FORMULAS = (  # each with a literal start, which the search skips to quickly
    re.compile(rb"<f[\s/>]"), re.compile(rb":f[\s/>]"), re.compile(rb"&#(?:0*101|[xX]0*65);"))


def may_hold_formulas(xml: bytes) -> bool:
    if xml.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\0" in xml[:4]:  # UTF-16 or UTF-32
        return True
    end = xml.rfind(b"sheetData")
    if end < 0:
        return False  # no <sheetData>: no cell
    head = xml[:end]
    return (b'"e"' in head or b"'e'" in head or b"<!DOCTYPE" in head
            or any(pattern.search(head) for pattern in _MAY_HOLD_FORMULAS))


def _sheet_formulas(xml: bytes, recalc: bool) -> dict[str, FormulaCell]:
    if not may_hold_formulas(xml):
        return {}
    cells = _SheetCells(recalc)
    xml_events.parse(xml, cells.start, cells.end, cells.text)
    return cells.found


# --- .xls (BIFF5 and BIFF8 records in an OLE compound file) -----------------------------

_BOF, _EOF, _BOUNDSHEET, _FORMULA_RECORD, _BOOLERR = 0x0809, 0x000A, 0x0085, 0x0006, 0x0205
_RECORD = struct.Struct("<HH")
_ERROR_TEXT: Mapping[int, str] = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!",
                                  0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A"}


def xls_formulas(data: bytes) -> SheetFormulas:
    """Every cell of an .xls whose value is an error, and every formula whose result is
    text, by sheet (the sheets' BOUNDSHEET names, as python-calamine names them)."""
    import olefile  # only .xls files need it

    with olefile.OleFileIO(BytesIO(data)) as ole:
        stream = next((name for name in ("Workbook", "Book") if ole.exists(name)), None)
        if stream is None:
            return {}
        biff = ole.openstream(stream).read()
    offsets = _sheet_offsets(biff)
    found: SheetFormulas = {}
    for name, offset in offsets:
        cells = _biff_sheet_formulas(biff, offset)
        if cells:
            found[name] = cells
    return found


def _records(biff: bytes, at: int = 0) -> list[tuple[int, bytes]]:
    """The records of one substream (from its BOF at ``at`` to its EOF)."""
    records = []
    while at + 4 <= len(biff):
        kind, length = _RECORD.unpack_from(biff, at)
        body = biff[at + 4:at + 4 + length]
        at += 4 + length
        records.append((kind, body))
        if kind == _EOF:
            break
    return records


def _sheet_offsets(biff: bytes) -> list[tuple[str, int]]:
    """(name, stream offset) of each worksheet named in the globals' BOUNDSHEET records."""
    sheets = []
    for kind, body in _records(biff):
        if kind != _BOUNDSHEET or len(body) < 8:
            continue
        offset, sheet_type, length = struct.unpack_from("<IxBB", body)
        if sheet_type != 0:  # a chart, a macro or a VB module
            continue
        if len(body) > 8 and len(body) >= 8 + length:  # BIFF8: a flags byte, then the name
            wide = body[7] & 1
            raw = body[8:8 + length * (2 if wide else 1)]
            name = raw.decode("utf-16-le" if wide else "latin-1")
        else:  # BIFF5: the name in the file's code page (only ASCII is compared)
            name = body[7:7 + length].decode("cp1252", "replace")
        sheets.append((name, offset))
    return sheets


def _biff_sheet_formulas(biff: bytes, offset: int) -> dict[str, FormulaCell]:
    found: dict[str, FormulaCell] = {}
    records = _records(biff, offset)
    for index, (kind, body) in enumerate(records):
        if kind == _FORMULA_RECORD and len(body) >= 14:
            row, col = struct.unpack_from("<HH", body)
            result = body[6:14]
            if result[6:8] != b"\xff\xff":  # a number, unless the formula is a text
                text = _text_constant(body[22:22 + struct.unpack_from("<H", body, 20)[0]])
                if text is not None:  # LibreOffice saves ="" or ="abc" as 0 in a number format
                    found[cell_name(row, col)] = ("text", text)
            elif result[0] == 2:
                found[cell_name(row, col)] = ("error", _ERROR_TEXT.get(result[2], "#?"))
            elif result[0] in (0, 3):  # text (in the STRING record after it), empty text
                text = _string_record(records, index) if result[0] == 0 else ""
                found[cell_name(row, col)] = ("text", text)
        elif kind == _BOOLERR and len(body) >= 8 and body[7] == 1:
            row, col = struct.unpack_from("<HH", body)
            found[cell_name(row, col)] = ("error", _ERROR_TEXT.get(body[6], "#?"))
    return found


def _text_constant(expression: bytes) -> str | None:
    """The text of a formula that is one string constant (="abc": a PtgStr alone), else None."""
    if len(expression) < 3 or expression[0] != 0x17:
        return None
    count, wide = expression[1], expression[2] & 1
    raw = expression[3:]
    if len(raw) != count * (2 if wide else 1):
        return None
    return raw.decode("utf-16-le" if wide else "latin-1")


def _string_record(records: list[tuple[int, bytes]], index: int) -> str:
    """The text of a formula's result, from the STRING record that follows its FORMULA."""
    for kind, body in records[index + 1:index + 3]:
        if kind == 0x0207 and len(body) >= 3:
            length = struct.unpack_from("<H", body)[0]
            wide = body[2] & 1
            raw = body[3:3 + length * (2 if wide else 1)]
            return raw.decode("utf-16-le" if wide else "latin-1", "replace")
    return ""

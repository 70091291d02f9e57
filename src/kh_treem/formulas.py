"""Formula cells whose saved value is not a figure, in .xlsx, .xlsm and .xls files.

python-calamine gives a formula's saved value, but a blank both for an error value
(#DIV/0!, #N/A) and for a formula saved without a value (a file written by a program
and never opened in Excel or LibreOffice), and the text of a text result. Some writers
store 0 as a placeholder and ask Excel to recalculate on open (``fullCalcOnLoad``): that
0 is not a figure either. This module reads the formulas python-calamine does not
show, so that intake can say "fix the formula" or "open and save the file" instead of
reading a blank or a false 0. (.ods formulas are read with the rest of the sheet, in
:mod:`kh_treem.ods`.)

Sheets and cells are named as python-calamine names them, however the file spells its
parts: :mod:`kh_treem.reading` pairs each sheet python-calamine read with the one scanned
here (:func:`scan_of`), and says so where it finds none, for an error value must never be
read as a blank without a word.
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from io import BytesIO
from typing import Literal

from kh_treem import limits, xml_events
from kh_treem.cells import cell_name

FormulaKind = Literal["unsaved", "error", "text"]
# A formula's problem: its kind and what it gave ("#DIV/0!", the text, "" when unsaved).
FormulaCell = tuple[FormulaKind, str]


@dataclass
class SheetScan:
    """What the scan found in one sheet it read."""

    problems: dict[str, FormulaCell] = field(default_factory=dict)  # A1 cell -> its problem
    # The formula cells, 0-based (row, column), whose saved value the scan takes for a figure:
    # where python-calamine shows one blank, it read the value otherwise (a CDATA section, a
    # comment before it), and reading.py says so at the cell.
    figures: set[tuple[int, int]] = field(default_factory=set)


# sheet name, as the scan read it -> what the scan found there. Every sheet the scan read is
# in it, with or without formulas, except one whose name another sheet shares (by_name): a
# sheet python-calamine reads and the scan does not name is one whose formulas went
# unchecked.
SheetFormulas = dict[str, SheetScan]


def by_name(scans: Iterable[tuple[str, SheetScan | None]]) -> SheetFormulas:
    """The scans of a workbook's sheets (None: a sheet the scan could not read), by name. A
    name given to two sheets (Excel forbids it, a crafted file need not; or two names expat
    reads alike, a raw tab being a space to it) is ambiguous: which sheet python-calamine
    reads under it is not the scan's to guess, so neither is kept, and that sheet is said
    unchecked."""
    listed = list(scans)
    count = Counter(name for name, _ in listed)
    return {name: scan for name, scan in listed if scan is not None and count[name] == 1}


def scan_of(scans: Mapping[str, SheetScan], name: str) -> SheetScan | None:
    """The scan of the sheet python-calamine names ``name``, None when no sheet scanned is it.

    An XML parser reads an attribute normalised (XML 1.0, 2.11 and 3.3.3: a line feed,
    carriage return or tab written as such is a space), python-calamine as written: a name
    that differs only so is the same sheet, when no other sheet's name does too."""
    if name in scans:
        return scans[name]
    same = [scan for scanned, scan in scans.items()
            if _attribute_value(scanned) == _attribute_value(name)]
    return same[0] if len(same) == 1 else None


_WHITE_SPACE_AS_READ = str.maketrans("\t\n\r", "   ")


def _attribute_value(text: str) -> str:
    return text.replace("\r\n", "\n").translate(_WHITE_SPACE_AS_READ)


# --- .xlsx and .xlsm ----------------------------------------------------------------------

_TEXT_TYPES = frozenset({"str", "s", "inlineStr"})


def _local(name: str) -> str:
    """An element's local name, whatever its namespace: python-calamine knows the elements
    of the workbook, its relationships and its sheets by their local names alone (so it
    reads SpreadsheetML transitional or strict, and a part written in no namespace or in
    another), and the scan must find the cells it reads."""
    return name.rpartition(" ")[2]


class _Members:
    """A workbook's zip members by the names its parts give them. python-calamine finds a
    member whatever the ASCII case of its name, and its zip reader takes a "\\" in a stored
    name (written on Windows) for "/": a part is found so here too. When two members match
    one name, which python-calamine reads is not known: the part is taken as not found."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.by_key: dict[str, list[str]] = {}
        for name in archive.namelist():
            self.by_key.setdefault(_member_key(name), []).append(name)

    def count(self, name: str) -> int:
        return len(self.by_key.get(_member_key(name), []))

    def read(self, name: str) -> bytes | None:
        """The one member matching ``name``, inflated; None when none or two match, or its
        data cannot be inflated (python-calamine cannot read it either)."""
        found = self.by_key.get(_member_key(name), [])
        return limits.read_member(self.archive, found[0]) if len(found) == 1 else None


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _member_key(name: str) -> str:
    return name.replace("\\", "/").translate(_ASCII_LOWER)


def xlsx_formulas(archive: zipfile.ZipFile) -> SheetFormulas | None:
    """Every formula cell of every sheet whose saved value is missing, a placeholder, an
    error value or text, and where the other formula cells are; None for an .xlsb (an
    xl/workbook.bin and no xl/workbook.xml), whose formulas are not read. Raises
    DoctypeFound or ExpatError for a part that cannot be read."""
    found = _sheet_parts(archive)
    if found is None:
        return None
    recalc, parts = found
    return by_name((sheet, None if xml is None else _sheet_formulas(xml, recalc))
                   for sheet, xml in parts)


def xlsx_hidden_rows(archive: zipfile.ZipFile) -> dict[str, list[int]]:
    """The rows hidden in each sheet of an .xlsx (1-based), where any is. Raises
    DoctypeFound or ExpatError for a part that cannot be read."""
    found = _sheet_parts(archive)
    hidden_by_sheet: dict[str, list[int]] = {}
    for sheet, xml in found[1] if found is not None else ():
        if xml is None:
            continue
        hidden: list[int] = []

        def start(name: str, attributes: dict[str, str], hidden: list[int] = hidden) -> None:
            if _local(name) == "row" and attributes.get("hidden") in ("1", "true"):
                number = attributes.get("r", "")
                if number.isdecimal() and number.isascii():
                    hidden.append(int(number))

        xml_events.parse(xml, start)
        if hidden:
            hidden_by_sheet[sheet] = hidden
    return hidden_by_sheet


def _sheet_parts(
    archive: zipfile.ZipFile,
) -> tuple[bool, Iterator[tuple[str, bytes | None]]] | None:
    """Whether Excel must recalculate, and each sheet's name and XML (None where its part
    cannot be read), found as python-calamine finds them, read as they are asked for; None
    for an .xlsb."""
    members = _Members(archive)
    part = "xl/workbook.xml"
    if not members.count(part):
        if members.count("xl/workbook.bin"):
            return None
        # python-calamine reads xl/workbook.xml where there is one, else the workbook the
        # package's relationships name (a "minimal package" puts it at the root).
        package = members.read("_rels/.rels")
        part = _member(_office_document(package), "") if package is not None else ""
    folder, _, name = part.rpartition("/")
    base = f"{folder}/" if folder else ""
    workbook = members.read(part)
    relationships = members.read(f"{base}_rels/{name}.rels")
    if workbook is None or relationships is None:
        return False, iter(())  # no sheet found: each python-calamine reads is said unchecked
    sheets, recalc = _workbook_sheets(workbook)
    targets = _relationship_targets(relationships)
    return recalc, ((sheet, members.read(_member(targets.get(rid, ""), base)))
                    for sheet, rid in sheets)


def _workbook_sheets(xml: bytes) -> tuple[list[tuple[str, str]], bool]:
    """(sheet name, relationship id) of each sheet, and whether Excel must recalculate."""
    sheets: list[tuple[str, str]] = []
    recalc = False

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal recalc
        local = _local(name)
        if local == "sheet":
            sheets.append((attributes.get("name", ""), _relationship_id(attributes)))
        elif local == "calcPr":
            recalc = attributes.get("fullCalcOnLoad") in ("1", "true")

    xml_events.parse(xml, start)
    return sheets, recalc


def _relationship_id(attributes: dict[str, str]) -> str:
    """A <sheet>'s relationship id as python-calamine takes it: the last attribute (in the
    order written, which expat keeps) whose local name is id, whatever its prefix is bound
    to (r:id in the relationships namespace, transitional or strict; x:id; a plain id)."""
    ids = [value for key, value in attributes.items() if key.rpartition(" ")[2] == "id"]
    return ids[-1] if ids else ""


def _relationship_targets(xml: bytes) -> dict[str, str]:
    targets: dict[str, str] = {}

    def start(name: str, attributes: dict[str, str]) -> None:
        if _local(name) == "Relationship":
            targets[attributes.get("Id", "")] = attributes.get("Target", "")

    xml_events.parse(xml, start)
    return targets


def _office_document(xml: bytes) -> str:
    """The target of the package's officeDocument relationship (its workbook), or ""."""
    found: list[str] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if (_local(name) == "Relationship"
                and attributes.get("Type", "").endswith("/officeDocument")):
            found.append(attributes.get("Target", ""))

    xml_events.parse(xml, start)
    return found[0] if len(found) == 1 else ""


def _member(target: str, base: str) -> str:
    """The zip member a relationship's target names, as python-calamine names it: an
    absolute target without its one leading "/", else the folder of the part that relates
    it (xl/ for xl/workbook.xml) and the target as written. It resolves no "." or "..":
    "../xl/worksheets/sheet1.xml" is the member of that literal name, and no other
    (normalised, it could name another member it does not read)."""
    return target[1:] if target.startswith("/") else f"{base}{target}"


class _SheetCells:
    """The formula cells of one sheet, from its XML's events (cells inside <sheetData>).

    A cell is named as python-calamine places it: by its r="" (letters in either case,
    leading zeros in the row: r="e06" is E6); a cell without one follows the cell before it
    in its row, and a row without one follows the row before it."""

    def __init__(self, recalc: bool) -> None:
        self.recalc = recalc
        self.found: dict[str, FormulaCell] = {}
        self.figures: set[tuple[int, int]] = set()
        self.row = self.col = -1
        self.cell = ""
        self.at = (-1, -1)  # the cell's 0-based (row, column)
        self.type = ""
        self.formula = False
        self.value: list[str] | None = None  # the <v>'s text, None without a <v>
        self.in_value = False
        self.inside = False  # within the first <sheetData>, where python-calamine reads cells

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = _local(name)
        if local == "sheetData":
            self.inside = True
        elif not self.inside:
            return
        elif local == "row":
            given = attributes.get("r", "")
            self.row = int(given) - 1 if given.isdigit() else self.row + 1
            self.col = -1
        elif local == "c":
            reference = _reference(attributes.get("r", ""))
            if reference is None:
                self.col += 1
                self.at = (self.row, self.col)
            else:
                self.at = reference
                self.col = reference[1]
            self.cell = cell_name(*self.at)
            self.type = attributes.get("t", "n")
            self.formula, self.value = False, None
        elif local == "f":
            self.formula = True
        elif local == "v":
            self.value, self.in_value = [], True

    def text(self, data: str) -> None:
        if self.in_value and self.value is not None:
            self.value.append(data)

    def end(self, name: str) -> None:
        if not self.inside:
            return
        local = _local(name)
        if local == "v":
            self.in_value = False
        elif local == "c":
            value = None if self.value is None else "".join(self.value)
            if self.type == "e":
                self.found[self.cell] = ("error", value or "")
            elif self.formula and (self.recalc or not value) and self.type not in _TEXT_TYPES:
                self.found[self.cell] = ("unsaved", "")
            elif self.formula and self.type in _TEXT_TYPES:
                self.found[self.cell] = ("text", value or "")
            elif self.formula:
                self.figures.add(self.at)
        elif local == "sheetData":
            raise xml_events.Stop  # the rest (data validations, print setup) holds no cell


def _reference(text: str) -> tuple[int, int] | None:
    """The 0-based (row, column) of an A1 reference, None when it is not one."""
    digits = text.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    letters = text[:len(text) - len(digits)]
    if not letters or not (digits.isdecimal() and digits.isascii()):
        return None
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    row = int(digits)
    return (row - 1, column - 1) if row > 0 else None


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


def _sheet_formulas(xml: bytes, recalc: bool) -> SheetScan:
    if not may_hold_formulas(xml):
        return SheetScan()
    cells = _SheetCells(recalc)
    xml_events.parse(xml, cells.start, cells.end, cells.text)
    return SheetScan(cells.found, cells.figures)


# --- .xls (BIFF5 and BIFF8 records in an OLE compound file) -----------------------------

_BOF, _EOF, _BOUNDSHEET, _FORMULA_RECORD, _BOOLERR = 0x0809, 0x000A, 0x0085, 0x0006, 0x0205
_CODEPAGE = 0x0042
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
    globals_ = _records(biff)
    codec = _code_page(globals_)
    texts = _Texts(_is_biff8(globals_), codec or "ascii")
    # With a code page Python has no codec for, only a name in ASCII is known (the code pages
    # python-calamine decodes and Python does not, Mac Roman's and others, keep ASCII as it
    # is); any other would be a guess that could pair a sheet with another's scan, so it is
    # not scanned, and the sheet is said unchecked.
    return by_name((name, SheetScan(_biff_sheet_formulas(biff, offset, texts))
                    if codec is not None or name.isascii() else None)
                   for name, offset in _sheet_offsets(globals_, texts))


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


def _is_biff8(globals_: list[tuple[int, bytes]]) -> bool:
    """Whether the workbook is BIFF8 (Excel 97 and later: its BOF says version 0x0600), whose
    texts are flagged Unicode strings; a BIFF5 file's (Excel 95) are bytes in its code page."""
    if not globals_ or globals_[0][0] != _BOF or len(globals_[0][1]) < 2:
        return True
    return bool(struct.unpack_from("<H", globals_[0][1])[0] >= 0x0600)


def _code_page(globals_: list[tuple[int, bytes]]) -> str | None:
    """The codec python-calamine decodes the file's one-byte texts with (an Excel 95 file's
    texts, an Excel 97 file's "compressed" ones), by the globals' CODEPAGE record: cp1258 for
    Vietnamese; Latin-1 (each byte its own character) for 1200, UTF-16, the code page an
    Excel 97 file declares, or for no CODEPAGE record. None for a code page Python has no
    codec for (Mac Roman, 10000)."""
    for kind, body in globals_:
        if kind == _CODEPAGE and len(body) >= 2:
            number = struct.unpack_from("<H", body)[0]
            if number == 1200:
                break
            try:
                return codecs.lookup(f"cp{number}").name
            except LookupError:
                return None
    return "latin-1"


@dataclass(frozen=True)
class _Texts:
    """How the file's texts are written: BIFF8's flagged strings or BIFF5's bytes, and the
    codec of one-byte characters."""

    biff8: bool
    codec: str

    def characters(self, raw: bytes, count: int) -> str:
        """``count`` characters from ``raw``: in BIFF8 a flags byte (bit 0: UTF-16, else one
        byte a character), then the characters; in BIFF5 one byte a character."""
        if not self.biff8:
            return raw[:count].decode(self.codec, "replace")
        if not raw:
            return ""
        if raw[0] & 1:
            return raw[1:1 + count * 2].decode("utf-16-le", "replace")
        return raw[1:1 + count].decode(self.codec, "replace")


def _sheet_offsets(
    globals_: list[tuple[int, bytes]], texts: _Texts
) -> list[tuple[str, int]]:
    """(name, stream offset) of each worksheet named in the globals' BOUNDSHEET records."""
    sheets = []
    for kind, body in globals_:
        if kind != _BOUNDSHEET or len(body) < 8:
            continue
        offset, sheet_type, length = struct.unpack_from("<IxBB", body)
        if sheet_type != 0:  # a chart, a macro or a VB module
            continue
        sheets.append((texts.characters(body[7:], length), offset))
    return sheets


def _biff_sheet_formulas(biff: bytes, offset: int, texts: _Texts) -> dict[str, FormulaCell]:
    found: dict[str, FormulaCell] = {}
    records = _records(biff, offset)
    for index, (kind, body) in enumerate(records):
        if kind == _FORMULA_RECORD and len(body) >= 14:
            row, col = struct.unpack_from("<HH", body)
            result = body[6:14]
            if result[6:8] != b"\xff\xff":  # a number, unless the formula is a text
                expression = body[22:22 + struct.unpack_from("<H", body, 20)[0]]
                text = _text_constant(expression, texts)
                if text is not None:  # LibreOffice saves ="" or ="abc" as 0 in a number format
                    found[cell_name(row, col)] = ("text", text)
            elif result[0] == 2:
                found[cell_name(row, col)] = ("error", _ERROR_TEXT.get(result[2], "#?"))
            elif result[0] in (0, 3):  # text (in the STRING record after it), empty text
                text = _string_record(records, index, texts) if result[0] == 0 else ""
                found[cell_name(row, col)] = ("text", text)
        elif kind == _BOOLERR and len(body) >= 8 and body[7] == 1:
            row, col = struct.unpack_from("<HH", body)
            found[cell_name(row, col)] = ("error", _ERROR_TEXT.get(body[6], "#?"))
    return found


def _text_constant(expression: bytes, texts: _Texts) -> str | None:
    """The text of a formula that is one string constant (="abc": a PtgStr alone), else None."""
    if len(expression) < 2 or expression[0] != 0x17:
        return None
    count, raw = expression[1], expression[2:]
    size = 1 + count * (2 if raw[:1] and raw[0] & 1 else 1) if texts.biff8 else count
    return texts.characters(raw, count) if len(raw) == size else None


def _string_record(records: list[tuple[int, bytes]], index: int, texts: _Texts) -> str:
    """The text of a formula's result, from the STRING record that follows its FORMULA."""
    for kind, body in records[index + 1:index + 3]:
        if kind == 0x0207 and len(body) >= 2:
            return texts.characters(body[2:], struct.unpack_from("<H", body)[0])
    return ""

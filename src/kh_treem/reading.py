"""One file read into its sheets' rows: what a worker process does with each file.

Nothing here knows the plan: a file becomes its sheets (name, rows as python-calamine
gives them, the formula cells whose value is not a figure), or the reason it could not
be read. :mod:`kh_treem.isolation` runs this in worker processes with limits, and
:mod:`kh_treem.intake` turns the sheets into submissions.

Readers: python-calamine for every workbook format; for an .ods it cannot parse, the
streaming reader of :mod:`kh_treem.ods`; the standard library's csv for CSV.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from xml.parsers.expat import ExpatError

from kh_treem import limits, ods
from kh_treem.cells import cell_name
from kh_treem.formulas import (
    FormulaCell,
    SheetFormulas,
    SheetScan,
    by_name,
    scan_of,
    xls_formulas,
    xlsx_formulas,
)
from kh_treem.limits import Refusal
from kh_treem.problems import Problem, Words
from kh_treem.records import OWN_HEADERS
from kh_treem.tabular import read_csv
from kh_treem.xml_events import CUSTOM_PROPERTIES, ODS_META, DoctypeFound, parse

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
ACCEPTED_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")

# The mark kh-treem writes into every workbook it makes (a custom document property):
# its value says which kind. A summary or a trend in the folder is never a submission.
OWN_MARK = "kh-treem"
OWN_OUTPUTS = frozenset({"summary", "trend", "plan"})
# The mark on the forms kh-treem makes: its text is the name of the form's guide sheet, which
# is skipped without a word (every form has one; it is no submission).
GUIDE_MARK = "kh-treem-guide"

Reader = Literal["python-calamine", "ods-xml", "csv"]
# Why the formulas of a file or a sheet went unchecked (formulas-unchecked), and what to do.
XLSB_UNREAD = Words(
    " (kh-treem không đọc công thức của tệp .xlsb; lưu tệp thành .xlsx để được kiểm tra)",
    " (kh-treem does not read the formulas of .xlsb files; save it as .xlsx to have them"
    " checked)")
SHEET_NOT_TOLD = Words(" (không xác định được trang tính này trong tệp)",
                       " (the formula scan could not tell which of its sheets this is)")
CONTENT_UNREAD = Words(" (phần content.xml của tệp bị hỏng)",
                       " (content.xml could not be read: damaged, or not well-formed XML)")


@dataclass
class SheetRead:
    """One sheet as read; ``rows`` is None for a sheet refused by a limit."""

    name: str
    rows: list[list[Any]] | None
    formulas: dict[str, FormulaCell] = field(default_factory=dict)


@dataclass
class FileRead:
    """One file as read: its sheets, or why it was not read (``refusal``)."""

    path: str
    sha256: str | None = None
    size: int | None = None
    refusal: Refusal | None = None
    sheets: list[SheetRead] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # about sheets, and notices
    reader: Reader | None = None
    own_output: bool = False  # a summary or trend kh-treem wrote
    own_kind: str | None = None  # its kind (OWN_OUTPUTS), or "form" for a form kh-treem made
    hidden_rows: dict[str, list[int]] = field(default_factory=dict)  # a plan's: sheet -> rows


def read_file(path: str, own_too: bool = False) -> FileRead:
    """Read one file. Every failure is a refusal of the file; a MemoryError goes on to
    the caller (the worker reports the file as too large to read safely). A workbook
    kh-treem wrote is marked and left unread, unless ``own_too`` (a plan workbook, read as
    the plan)."""
    read = FileRead(path)
    try:
        with open(path, "rb", buffering=0) as file:  # unbuffered: read whole, in one call
            data = file.readall()
    except OSError as exc:
        read.refusal = Refusal("path-unreadable", {"detail": exc.strerror or str(exc)})
        return read
    read.sha256, read.size = hashlib.sha256(data).hexdigest(), len(data)
    read.refusal = limits.check_size(len(data)) or (Refusal("file-empty") if not data
                                                      else None)
    if read.refusal is None:
        if Path(path).suffix.lower() == ".csv":
            _read_csv(data, read)
        else:
            _read_workbook(data, read, own_too)
    return read


def _read_csv(data: bytes, read: FileRead) -> None:
    table = read_csv(data, limits.MAX_ROWS)
    read.reader = "csv"
    read.problems.extend(Problem(kind, file=read.path, params=params)
                         for kind, params in table.problems)
    if table.rows is None:
        read.refusal = Refusal("too-many-rows", {"rows": table.row_count,
                                                 "limit": limits.MAX_ROWS})
    else:
        read.own_output = bool(table.rows) and tuple(table.rows[0]) in OWN_HEADERS
        read.sheets.append(SheetRead("", table.rows))


def _read_workbook(data: bytes, read: FileRead, own_too: bool = False) -> None:
    if data.startswith(limits.OLE_MAGIC) and _encrypted_package(data):
        read.refusal = Refusal("encrypted")
        return
    archive = None
    # An OLE file is an .xls to python-calamine, which tries that format first; it may
    # still look like a zip to zipfile (Excel 2007 and later store a zipped theme at the
    # end of an .xls), and must not be scanned or refused as one.
    if not data.startswith(limits.OLE_MAGIC) and zipfile.is_zipfile(io.BytesIO(data)):
        opened = limits.open_zip(data)
        if isinstance(opened, Refusal):
            read.refusal = opened
            return
        archive = opened
    try:
        _read_sheets(data, archive, read, own_too)
    except DoctypeFound:
        read.refusal, read.sheets = Refusal("xml-entities"), []
    finally:
        if archive is not None:
            archive.close()


def _encrypted_package(data: bytes) -> bool:
    """Whether an OLE file holds an EncryptedPackage stream: an .xlsx protected by a
    password, which python-calamine would call a damaged .xls. Asked of the OLE directory,
    so that a workbook whose text mentions the word is not taken for one."""
    import olefile  # only OLE files need it

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return bool(ole.exists("EncryptedPackage"))
    except Exception:  # not a readable OLE file: python-calamine says what is wrong
        return False


def _read_sheets(
    data: bytes, archive: zipfile.ZipFile | None, read: FileRead, own_too: bool = False
) -> None:
    import python_calamine

    is_ods = archive is not None and _is_ods(archive)
    ods_tables = None
    if is_ods and archive is not None:
        ods_tables = _ods_tables(archive, read)
        if read.refusal is not None:
            return
    try:
        workbook = _open_workbook(data, read.path)
        names = list(workbook.sheet_names)
    except python_calamine.PasswordError:
        read.refusal = Refusal("encrypted")
        return
    except BaseException as exc:  # python-calamine raises several unrelated types
        if not _reader_failed(exc):
            raise
        if ods_tables is not None:  # a well-formed .ods python-calamine cannot parse
            _read_tables(archive, ods_tables, read)
            return
        read.refusal = Refusal("file-unreadable", {"detail": _short(exc)})
        return
    if not names and ods_tables:
        # python-calamine found no table where the streaming reader did: it knows tables by
        # the prefix table:, and this file binds the table namespace to another.
        _read_tables(archive, ods_tables, read)
        return
    read.reader = "python-calamine"
    marks = _marks(archive)
    _own(read, marks)
    if read.own_output and not own_too:
        return
    if len(names) > limits.MAX_SHEETS:
        read.refusal = Refusal("too-many-sheets", {"count": len(names),
                                                   "limit": limits.MAX_SHEETS})
        return
    scans = _formulas(data, archive, is_ods, read) if ods_tables is None else by_name(
        (table.name, SheetScan(table.formulas, table.figures)) for table in ods_tables)
    worksheets = {sheet.name for sheet in workbook.sheets_metadata
                  if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet}
    unchecked: set[str] = set()
    for name in names:
        if name == marks.get(GUIDE_MARK):
            continue  # the guide sheet of a form kh-treem made
        if name not in worksheets:  # a chart, a dialog or a macro sheet: no form, skipped
            read.sheets.append(SheetRead(name, []))
            continue
        scan = None if scans is None else scan_of(scans, name)
        sheet = _calamine_sheet(workbook, name, scan, read)
        read.sheets.append(sheet)
        if scans is not None and scan is None and sheet.rows and name not in unchecked:
            # The scan read the file but not this sheet, which python-calamine read from a
            # part the scan did not find (or named otherwise, or under a name two sheets
            # share): its error values would be blanks, so the sheet is said to be unchecked,
            # once for its name. A sheet with no cell loses none.
            unchecked.add(name)
            read.problems.append(Problem("formulas-unchecked", file=read.path, sheet=name,
                                         params={"detail": SHEET_NOT_TOLD}))


def _read_tables(
    archive: zipfile.ZipFile | None, tables: list[ods.Table], read: FileRead
) -> None:
    """The .ods as the streaming reader read it, its formula cells with it."""
    marks = _marks(archive)
    read.reader = "ods-xml"
    _own(read, marks)
    read.sheets = [SheetRead(t.name, t.rows, t.formulas) for t in tables
                   if t.name != marks.get(GUIDE_MARK)]


def _open_workbook(data: bytes, path: str) -> Any:
    """python-calamine's workbook, its format told from the content; where the content
    does not tell (an encrypted .xls or .ods), from the file's name."""
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as by_content:
        if not _reader_failed(by_content):
            raise
        try:
            return python_calamine.CalamineWorkbook.from_path(path)
        except python_calamine.PasswordError:
            raise
        except BaseException as by_name:
            if not _reader_failed(by_name):
                raise
            raise by_content from None


def _ods_tables(archive: zipfile.ZipFile, read: FileRead) -> list[ods.Table] | None:
    """The .ods's tables by the streaming reader: None when its content.xml cannot be
    inflated or is not well-formed (python-calamine is asked; if it fails too, the file is
    unreadable)."""
    content = limits.read_member(archive, "content.xml")
    if content is None:
        return None
    try:
        return ods.read_ods(content, limits.MAX_ROWS, limits.MAX_CELLS)
    except ods.TooLarge as exc:
        if exc.kind == "rows":
            read.refusal = Refusal("too-many-rows", {"rows": exc.count,
                                                     "limit": limits.MAX_ROWS})
        else:
            read.refusal = Refusal("too-many-cells", {"sheet": exc.table,
                                                      "limit": limits.MAX_CELLS})
    except (ExpatError, ValueError):
        return None
    return None


def _is_ods(archive: zipfile.ZipFile) -> bool:
    """Whether python-calamine reads the zip as an .ods. Told by content, it tries .xls,
    .xlsx, .xlsb and .ods in turn: a zip with a workbook part of .xlsx or .xlsb (in any
    ASCII case, as it finds parts) is read as one of those, whatever else it holds (a stray
    content.xml)."""
    keys = {name.replace("\\", "/").lower() for name in archive.namelist()}
    return ("content.xml" in archive.namelist()
            and not keys & {"xl/workbook.xml", "xl/workbook.bin"})


def _formulas(
    data: bytes, archive: zipfile.ZipFile | None, is_ods: bool, read: FileRead
) -> SheetFormulas | None:
    """Each sheet's formula cells, as the scan of the file's format found them (an .ods's
    are its tables'); None when the format has no scan (.xlsb) or the scan failed (a warning
    says so)."""
    if is_ods:  # python-calamine read it, the streaming reader did not
        read.problems.append(Problem("formulas-unchecked", file=read.path, params={
            "detail": CONTENT_UNREAD}))
        return None
    try:
        if archive is not None:
            found = xlsx_formulas(archive)
            if found is None:  # an .xlsb: its error values are blanks to python-calamine
                read.problems.append(Problem("formulas-unchecked", file=read.path, params={
                    "detail": XLSB_UNREAD}))
            return found
        if data.startswith(limits.OLE_MAGIC):
            return xls_formulas(data)
    except DoctypeFound:
        raise
    except Exception as exc:  # python-calamine read the file: say so, go on
        # What the scan met is said in English only: a library's words in a Vietnamese
        # sentence would help no officer.
        read.problems.append(Problem("formulas-unchecked", file=read.path,
                                     params={"detail": Words("", f" ({_short(exc)})")}))
    return None


def _calamine_sheet(
    workbook: Any, name: str, scan: SheetScan | None, read: FileRead
) -> SheetRead:
    try:
        sheet = workbook.get_sheet_by_name(name)
        height, width = sheet.height, sheet.width
        if height > limits.MAX_ROWS:
            read.problems.append(Problem("too-many-rows", file=read.path, sheet=name, params={
                "rows": height, "limit": limits.MAX_ROWS}))
            return SheetRead(name, None)
        if height * width > limits.MAX_CELLS:
            read.problems.append(Problem("too-many-cells", file=read.path, params={
                "sheet": name, "limit": limits.MAX_CELLS}))
            return SheetRead(name, None)
        rows = sheet.to_python(skip_empty_area=False)
        return SheetRead(name, rows, _formula_cells(scan, rows))
    except BaseException as exc:
        if not _reader_failed(exc):
            raise
        read.problems.append(Problem("sheet-unreadable", file=read.path, sheet=name,
                                     params={"detail": _short(exc)}))
        return SheetRead(name, [])


def _formula_cells(scan: SheetScan | None, rows: list[list[Any]]) -> dict[str, FormulaCell]:
    """The scan's formula problems, and a formula saved with a figure that python-calamine
    shows blank: it did not read that value (written in a CDATA section, or after a
    comment), so the cell is said to have no saved value, as it has none to the reader."""
    if scan is None:
        return {}
    found = dict(scan.problems)
    for row, col in scan.figures:
        shown = rows[row][col] if row < len(rows) and col < len(rows[row]) else ""
        if shown == "" or shown is None:
            found[cell_name(row, col)] = ("unsaved", "")
    return found


def _own(read: FileRead, marks: dict[str, str]) -> None:
    read.own_output = marks.get(OWN_MARK) in OWN_OUTPUTS
    read.own_kind = marks.get(OWN_MARK) or ("form" if GUIDE_MARK in marks else None)


def _marks(archive: zipfile.ZipFile | None) -> dict[str, str]:
    """kh-treem's custom document properties (OWN_MARK, GUIDE_MARK) and their texts. A part
    that cannot be inflated or parsed holds no mark: the file is read as anyone's."""
    if archive is None:
        return {}
    names = set(archive.namelist())
    if "docProps/custom.xml" in names:  # .xlsx: <property name="kh-treem"><vt:lpwstr>
        return _custom_properties(limits.read_member(archive, "docProps/custom.xml"),
                                  f"{CUSTOM_PROPERTIES} property", "name")
    if "meta.xml" in names:  # .ods: <meta:user-defined meta:name="kh-treem">
        return _custom_properties(limits.read_member(archive, "meta.xml"),
                                  f"{ODS_META} user-defined", f"{ODS_META} name")
    return {}


def _custom_properties(xml: bytes | None, tag: str, key: str) -> dict[str, str]:
    found: dict[str, str] = {}
    if xml is None:
        return found
    current: list[str] = []  # the name of the mark being read, while inside it
    depth = 0  # >0 inside the property

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        if depth:
            depth += 1
        elif name == tag and attributes.get(key) in (OWN_MARK, GUIDE_MARK):
            depth = 1
            current[:] = [attributes[key]]
            found[current[0]] = ""

    def end(name: str) -> None:
        nonlocal depth
        depth = max(0, depth - 1)

    def text(data: str) -> None:
        if depth:
            found[current[0]] += data.strip()

    with contextlib.suppress(ExpatError):  # a damaged property part: no mark
        parse(xml, start, end, text)
    return found


def _reader_failed(exc: BaseException) -> bool:
    """Whether a reader failed on the file: any Exception, or a panic of python-calamine's
    Rust code, which pyo3 raises as PanicException, a BaseException. KeyboardInterrupt and
    SystemExit go on, and so does MemoryError (the worker reports it)."""
    if isinstance(exc, MemoryError):
        return False
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]

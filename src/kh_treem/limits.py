"""Bounds on what one input file may cost, checked before it is parsed.

A shared folder can hold anything: a zip bomb named .xlsx, an XML file
declaring entities, a sheet of a million rows. Each is refused with a sentence,
in bounded time and memory, before python-calamine expands it. The limits are
far above what a commune or a province ever sends (a commune's form is ~20 KB).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib  # for the errors of the members zipfile inflates itself
from dataclasses import dataclass
from io import BytesIO
from typing import NamedTuple, cast

from zlib_ng import zlib_ng  # inflates and checks a form's members in half zlib's time

from kh_treem.zips import CENTRAL, END, UTF8_NAME, zip_bytes

MAX_FILE_BYTES = 50 * 1024 * 1024  # on disk
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # all members of a zip-based workbook together
MAX_MEMBERS = 2_000  # files inside a zip-based workbook
MAX_ROWS = 100_000  # rows in one sheet (every commune of Vietnam fits in a table 10x over)
MAX_CELLS = 5_000_000  # rows x columns from A1 to a sheet's last value (MAX_ROWS x 50 columns)
MAX_SHEETS = 200

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_ZIP = b"PK\x05\x06"
_END_OF_ZIP_SEARCH = 22 + 65_535  # the end record and the longest comment a zip can have
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_DIMENSION = re.compile(rb'<dimension\b[^>]*\bref="[A-Z]*[0-9]*:?[A-Z]*([0-9]+)"')
# Either case, spelt out: with re.IGNORECASE the search loses its literal start "<!" and
# took 20 microseconds on two 1 KB members.
_ENTITY = re.compile(rb"<!(?:[Dd][Oo][Cc][Tt][Yy][Pp][Ee]|[Ee][Nn][Tt][Ii][Tt][Yy])")
_REPEATED_ROW = re.compile(rb'<table:table-row\b[^>]*?number-rows-repeated="([0-9]+)"')
_HAS_VALUE = re.compile(rb"office:value=|<text:p>[^<]")
# An .xlsx sheet's cells and rows, where a value lies: what python-calamine lays out from A1.
# A cell or a row not placed by an r="" first within Z99999 (its r given later, or implied).
_CELL_BEYOND_Z99999 = re.compile(rb'<c(?! r="[A-Z][0-9]{1,5}")[\s>/]')
_ROW_BEYOND_99999 = re.compile(rb'<row(?! r="[0-9]{1,5}")[\s>/]')
# An r attribute anywhere but first in a cell or row tag (a second r would place a cell, see
# below), or any word ending in r before an "=". Its literal start keeps the search fast
# (~500 "r" in a form's sheet); the spellings r = "" and r='' after <c are _CELL_BEYOND's.
_R_ELSEWHERE = re.compile(rb"r(?<!<c r)(?<!<row r)\s*=")
# python-calamine reads <x:c> and <zz:row> as cells and rows, whatever the prefix and bound
# or not: a prefixed tag (":" is rare in a sheet) sends the sheet to the tag walk.
_PREFIXED_CELL_OR_ROW = re.compile(rb":(?:c|row)[\s>/]")
# In a sheet placed within Z99999 (_within_z99999), any tag starting "<c" but a column A cell.
_OUTSIDE_COLUMN_A = re.compile(rb'<c(?! r="A[0-9])')
_SHEET_DATA = b"sheetData"
# An .ods table's rows and cells, in order: python-calamine expands their repeat counts.
_ODS_TAG = re.compile(
    rb"""<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])"""
    rb"""((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_REPEATED = re.compile(rb"""-repeated\s*=\s*["']([0-9]+)["']""")
_REPEAT_COUNT = b'-repeated="'
# A repeat count or a value type written otherwise than LibreOffice does ('' or spaced):
# the quick check's byte searches would miss it, so the table is walked.
# (Two expressions, each with a literal start: their alternation cost 0.9 ms a form.)
_WRITTEN_OTHERWISE = (re.compile(rb'-repeated(?!=")'), re.compile(rb'office:value-type(?!=")'))
_VALUE_TYPE = re.compile(rb"office:value-type\s*=")
_CELL_ENDS_ROW = b'"/></table:table-row>'  # after a cell's last attribute
# A tag's attributes may quote a ">" (legal XML) and use either quote, spaced around "=".
_POSITIONED = re.compile(
    rb"""<(?:[^\s/>]*:)?(c|row)(?=[\s>/])((?:[^>"']|"[^"]*"|'[^']*')*?)(/?)>""")
_ATTRIBUTE = re.compile(rb"""([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_POSITION = re.compile(rb"([A-Za-z]*)([0-9]*)")
# What python-calamine's XML reader passes over: comments, CDATA, processing instructions.
_NOT_MARKUP = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.DOTALL)
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, name length, extra length
# A member whose content does not inflate, or not to its declared size and CRC-32. (zlib-ng's
# stub declares its error an instance, not a class.)
_DAMAGED = (zipfile.BadZipFile, EOFError, zlib.error, cast("type[Exception]", zlib_ng.error))
_NOT_PLAIN = 0x61  # flag bits: encrypted (0), patched data (5), strong encryption (6)


@dataclass(frozen=True)
class Refusal:
    """Why a file is not opened: a problem type and its parameters."""

    type: str
    params: dict[str, object]


# The XML members of a zip-based workbook, inflated once: name -> content.
XmlMembers = dict[str, bytes]


@dataclass(frozen=True)
class Checked:
    """What :func:`check_bytes` found: a refusal (or None), the XML, and the bytes to parse."""

    refusal: Refusal | None
    xml: XmlMembers
    # What the reader is to parse: a zip rewritten with every member stored as checked
    # (see stored_zip), else the file's own bytes.
    readable: bytes
    # The .xlsx sheet members whose every cell python-calamine places in A1:A99999: each
    # placed by an r="" first and alone (_within_z99999) that names column A; only where
    # every member is named plainly (_plainly_named). An instructions sheet, one column of
    # sentences, in every form of a folder.
    one_column: frozenset[str] = frozenset()


def check_bytes(data: bytes) -> Checked:
    """A refusal for a file that must not be parsed (or None), its XML as inflated, and
    the bytes the reader is to parse.

    The XML comes back so that nothing else inflates the same members again.
    """
    if len(data) > MAX_FILE_BYTES:
        return Checked(Refusal("too-large", {"size": _mb(len(data)),
                                             "limit": _mb(MAX_FILE_BYTES)}), {}, data)
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_PACKAGE in data:
            return Checked(Refusal("encrypted", {}), {}, data)
        return Checked(None, {}, data)
    # A zip may follow other bytes (a self-extractor's code, or junk put there to slip past a
    # check of the first two bytes): python-calamine finds it from its end record.
    if data.startswith(b"PK") or _END_OF_ZIP in data[-_END_OF_ZIP_SEARCH:]:
        return _check_zip(data)
    return Checked(None, {}, data)


def _check_zip(data: bytes) -> Checked:
    xml: XmlMembers = {}
    archive = None
    members = _plain_directory(data)
    if members is None:  # anything unusual: zipfile reads the directory
        try:
            archive = zipfile.ZipFile(BytesIO(data))
        except zipfile.BadZipFile as exc:  # never handed on unchecked: a zip reader may differ
            return Checked(Refusal("file-unreadable", {"detail": str(exc)}), xml, data)
        except UnicodeDecodeError:  # zipfile's own failure on a name flagged UTF-8 that is not
            return Checked(Refusal("file-unreadable",
                                   {"detail": "a member's name is not valid UTF-8"}), xml, data)
        except NotImplementedError as exc:  # "zip file version 7.0": zipfile cannot read it
            return Checked(Refusal("file-unreadable", {"detail": str(exc)}), xml, data)
        members = [_Member.of(info, data) for info in archive.infolist()]
        # zipfile cuts a name at a NUL, python-calamine does not: "xl/workbook.xml\0" would
        # stand, in what is checked here, for the part python-calamine reads.
        if any(b"\0" in member.raw_name for member in members):
            archive.close()
            return Checked(Refusal("file-unreadable",
                                   {"detail": "a member's name holds a NUL byte"}), xml, data)
    try:
        return _check_members(data, members, archive)
    finally:
        if archive is not None:
            archive.close()


def _check_members(
    data: bytes, members: list[_Member], archive: zipfile.ZipFile | None
) -> Checked:
    xml: XmlMembers = {}
    if len(members) > MAX_MEMBERS:
        return Checked(Refusal("zip-bomb", {"detail": f"{len(members)} members"}), xml, data)
    declared = sum(m.size for m in members)
    if declared > MAX_UNCOMPRESSED_BYTES:
        return Checked(Refusal("zip-bomb", {"detail": _too_big(declared)}), xml, data)
    # The declared sizes may lie: inflate every member once and hold it to its declared
    # size and CRC. No member inflates more than a byte past its declared size, so all
    # of them together stay within the limit just checked, and each is inflated whole.
    # Every member, even in a file too small to hide a bomb (deflate expands 1032:1 at
    # most): python-calamine does not check the CRC of most members it reads, since it
    # stops at the closing tag, so this check alone keeps a damaged sharedStrings.xml or
    # styles.xml from being read as other words. Looking only at the prolog of the members
    # it never reads (theme, docProps) saved 0.02 ms of 0.34 per form: not worth it.
    contents = []
    one_column: set[str] = set()
    for member in members:
        try:
            content = _inflate(member, data, archive)
        except _DAMAGED:
            return Checked(Refusal("zip-bomb", {
                "detail": f"{member.name}: its size or checksum does not match its"
                          " content"}), xml, data)
        except (OSError, NotImplementedError) as exc:
            # A method zipfile cannot inflate: its content could not be checked, so it is
            # not handed on (python-calamine's zip reader may know the method).
            return Checked(Refusal("file-unreadable", {"detail": f"{member.name}: {exc}"}),
                           xml, data)
        except RuntimeError:  # zipfile: "File ... is encrypted, password required"
            return Checked(Refusal("encrypted", {}), xml, data)
        # python-calamine finds a sheet by the name workbook.xml.rels gives it, in any
        # case: any member may be one.
        if member.name.endswith((".xml", ".rels")) or _SHEET_DATA in content:
            refusal = _scan_xml(member.name, content, one_column)
            if refusal is not None:
                return Checked(refusal, xml, data)
            xml[member.name] = content
        contents.append((member, content))
    if one_column and not _plainly_named(members):
        one_column.clear()
    return Checked(None, xml, stored_zip(contents), frozenset(one_column))


def _plainly_named(members: list[_Member]) -> bool:
    """Whether zipfile and python-calamine surely name every member alike, and no two the same.

    python-calamine finds a part by its name in any ASCII case, a backslash read as a slash,
    and takes the last that matches; zipfile may decode a name beyond ASCII otherwise (and
    cuts one at a NUL, a zip _check_zip refuses). Where any of that could be, which member
    is read is not known.
    """
    names = set()
    for member in members:
        raw = member.raw_name
        if not raw.isascii() or b"\\" in raw or member.name != raw.decode("ascii"):
            return False
        names.add(raw.lower())
    return len(names) == len(members)


class _Member(NamedTuple):
    """A zip member as its central directory declares it."""

    name: str  # as zipfile names it
    raw_name: bytes  # the name's own bytes, kept in the zip stored_zip writes
    flags: int
    method: int
    packed_size: int
    size: int
    crc: int
    start: int | None  # where its content starts in the file; None: zipfile must open it
    info: zipfile.ZipInfo | None  # zipfile's entry, where zipfile read the directory

    @classmethod
    def of(cls, info: zipfile.ZipInfo, data: bytes) -> _Member:
        # The name's own bytes: python-calamine reads a name without the UTF-8 flag as UTF-8
        # where it can, zipfile as cp437; either way it finds the part it found before.
        flags = info.flag_bits & UTF8_NAME
        raw_name = info.orig_filename.encode("utf-8" if flags else "cp437")
        return cls(info.filename, raw_name, info.flag_bits, info.compress_type,
                   info.compress_size, info.file_size, info.CRC,
                   _content_offset(data, info.compress_type, info.flag_bits,
                                   info.header_offset, raw_name if raw_name.isascii() else None),
                   info)


def _plain_directory(data: bytes) -> list[_Member] | None:
    """The members of a plain zip, read from its central directory, or None for any other.

    Plain: the directory is the last thing before its end record, which has no comment and
    closes the file; no zip64, no extra fields in the directory, ASCII names without NUL,
    a version zipfile reads, every member stored or deflated, not encrypted, behind a local
    header that agrees. That is every workbook Excel, LibreOffice or a Python library
    writes, and zipfile would read it the same way: anything else goes to zipfile (whose
    directory reading took a tenth of the limits' time on a commune's form).
    """
    end = len(data) - END.size
    if end < 0 or data[end:end + 4] != b"PK\x05\x06" or data[end - 20:end - 16] == b"PK\x06\x07":
        return None  # a comment after the end record, no end record, or zip64
    _, disk, first_disk, here, count, listing_size, listing, comment = END.unpack_from(
        data, end)
    if (disk or first_disk or here != count or comment or listing + listing_size != end
            or count > MAX_MEMBERS):
        return None  # several disks, bytes before the zip, or too many members: zipfile says
    members = []
    at = listing
    for _ in range(count):
        if at + CENTRAL.size > end:
            return None
        (signature, _, version, flags, method, _, _, crc, packed_size, size, name_length,
         extra_length, comment_length, _, _, _, offset) = CENTRAL.unpack_from(data, at)
        name_at = at + CENTRAL.size
        raw_name = data[name_at:name_at + name_length]
        at = name_at + name_length + extra_length + comment_length
        if (signature != b"PK\x01\x02" or version > zipfile.MAX_EXTRACT_VERSION
                or extra_length or not raw_name.isascii() or b"\0" in raw_name or at > end):
            return None
        start = _content_offset(data, method, flags, offset, raw_name)
        if start is None:
            return None
        members.append(_Member(raw_name.decode("ascii"), raw_name, flags, method, packed_size,
                               size, crc, start, None))
    return members if at == end else None


def _inflate(member: _Member, data: bytes, archive: zipfile.ZipFile | None) -> bytes:
    """A member's content, which must be the size and CRC-32 the central directory declares.

    Stored and deflated members, nearly all of them, are inflated straight from ``data``:
    zipfile's file objects cost three to five times what zlib does on a small member.
    zlib-ng inflates them, and computes their CRC-32, in half the time of zlib 1.2.
    Raises zipfile.BadZipFile when the content does not match the directory.
    """
    if member.start is None:  # encrypted, another method or an odd local header
        assert member.info is not None, "only zipfile's entries lack a start"
        assert archive is not None, "zipfile read the directory"
        with archive.open(member.info) as stream:
            content = stream.read()  # no more than the declared size; the CRC is checked
    else:
        # Cut short if the file is: caught by the size or the CRC.
        packed = data[member.start:member.start + member.packed_size]
        if member.method == zipfile.ZIP_DEFLATED:
            # One byte past the declared size is enough to know that it lies.
            content = zlib_ng.decompressobj(-15).decompress(packed, member.size + 1)
        else:
            content = packed
        if zlib_ng.crc32(content) != member.crc:
            raise zipfile.BadZipFile(f"{member.name}: bad CRC-32")
    if len(content) != member.size:
        raise zipfile.BadZipFile(f"{member.name}: not its declared size")
    return content


def stored_zip(contents: list[tuple[_Member, bytes]]) -> bytes:
    """The members, checked and inflated, in a new zip that stores them as they are.

    python-calamine then parses exactly the bytes checked here: it cannot take a member
    from a local header the central directory does not point to, nor inflate a member
    past its checked size. And it does not inflate the members a second time, which was
    a tenth of the work of reading a form. Names keep their bytes and UTF-8 flag; order
    is kept (an .ods's mimetype stays first).
    """
    return zip_bytes([(member.raw_name, bool(member.flags & UTF8_NAME), zipfile.ZIP_STORED,
                       member.crc, len(content), (content,)) for member, content in contents])


def _content_offset(
    data: bytes, method: int, flags: int, offset: int, raw_name: bytes | None
) -> int | None:
    """Where a plain stored or deflated member's bytes start in ``data``; None for any other.

    The local header must be one zipfile.ZipFile.open would accept as it is, naming the
    member by ``raw_name`` (None: a name beyond ASCII, which zipfile judges by its flag).
    """
    if (method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or flags & _NOT_PLAIN
            or raw_name is None or offset + _LOCAL_HEADER.size > len(data)):
        return None
    name_length: int
    extra_length: int
    signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, offset)
    name_start = offset + _LOCAL_HEADER.size
    if signature != b"PK\x03\x04" or data[name_start:name_start + name_length] != raw_name:
        return None
    return name_start + name_length + extra_length


def _scan_xml(name: str, xml: bytes, one_column: set[str]) -> Refusal | None:
    """Entity declarations, declared rows, and the cells a sheet spans, in one XML member;
    ``name`` is added to ``one_column`` for an .xlsx sheet all in column A (Checked.one_column).

    Members are searched whole, not in chunks: each is held whole anyway (formulas.py reads
    the XML), the sizes checked bound all of them to MAX_UNCOMPRESSED_BYTES, and a tag or a
    value is never cut at a chunk's edge.
    """
    # "!" is rare in XML and found at memory speed; the expression runs only where it is.
    if b"!" in xml and _ENTITY.search(xml):
        return Refusal("xml-entities", {"member": name})
    rows = _dimension_rows(xml)
    # An .ods's rows are read from content.xml alone; an .xlsx's sheets may be any member.
    if name == "content.xml":
        rows = max(rows, _repeated_rows(xml))
    if rows > MAX_ROWS:
        return Refusal("too-many-rows", {"rows": rows, "limit": MAX_ROWS})
    if name == "content.xml":
        if _ods_within(xml, MAX_CELLS):
            return None
        rows, columns = _ods_extent(xml)
    elif _SHEET_DATA in xml:
        cells = sheet_cells(xml)
        # (A MAX_CELLS below 99,999 x 26, as a test sets, leaves no sheet to the quick search.)
        if MAX_CELLS >= 99_999 * 26 and _within_z99999(cells):
            if _OUTSIDE_COLUMN_A.search(cells) is None:
                one_column.add(name)
            return None
        rows, columns = _extent(cells)
    else:
        return None
    if rows * columns > MAX_CELLS:
        return Refusal("too-many-cells", {"member": name, "rows": rows, "columns": columns,
                                          "limit": MAX_CELLS})
    return None


def sheet_cells(xml: bytes) -> bytes:
    """The part of an .xlsx sheet's XML where python-calamine may read cells and rows.

    It reads them inside the first <sheetData> only (prefixed or not), which starts after
    the first "sheetData" in the member and ends with an end tag at or before the last one;
    a sheetData never closed is an error to it, before it lays out a cell. So this part is
    from the first "sheetData" to the last, or to the end where the last is no end tag.
    In a form it is a third of the sheet: the rest is mostly its data validations.
    """
    first = xml.find(_SHEET_DATA)
    if first < 0:
        return b""
    last = xml.rfind(_SHEET_DATA)
    tag = xml.rfind(b"<", first, last)
    if last > first and tag >= 0 and xml.startswith(b"</", tag):
        return xml[first:last]
    return xml[first:]


def _within_z99999(cells: bytes) -> bool:
    """Whether every cell and row of an .xlsx sheet (its sheet_cells) is placed, by an r=""
    first and alone, within Z99999, none prefixed.

    Then the sheet spans at most 99,999 x 26 cells, within MAX_CELLS. A sheet written any
    other way goes to the tag walk (_extent).
    """
    return (_CELL_BEYOND_Z99999.search(cells) is None
            and _ROW_BEYOND_99999.search(cells) is None
            # Every r="" the first of its tag: python-calamine places a cell by its last r.
            and _R_ELSEWHERE.search(cells) is None
            and (b":" not in cells or _PREFIXED_CELL_OR_ROW.search(cells) is None))


def _extent(cells: bytes) -> tuple[int, int]:
    """(rows, columns) from A1 to the farthest value of an .xlsx sheet (its sheet_cells),
    tag by tag.

    python-calamine lays a sheet out as that rectangle whatever its <dimension> says:
    two values at A1 and XFD1048576 in a 5 KB file made it ask for 512 GiB and abort
    the process. A cell or row without r="" follows the one before it; a tag's prefix,
    any, is no matter to python-calamine, nor an attribute other than r="" (x:r, R).
    """
    rows = columns = row = column = 0
    for tag, attributes, empty in _POSITIONED.findall(_NOT_MARKUP.sub(b"", cells)):
        # A row's first r="" places it, a cell's last (as python-calamine reads them).
        found = [a[1] or a[2] for a in _ATTRIBUTE.findall(attributes) if a[0] == b"r"]
        if tag == b"row":
            digits = _position(found[0])[1] if found else b""
            row, column = (int(digits) if digits else row + 1), 0
            continue
        letters, digits = _position(found[-1]) if found else (b"", b"")
        column = _column_number(letters) if letters else column + 1
        # A cell's own r="" places it, not the cells after it: they follow their row's.
        here = int(digits) if digits else row
        if not empty:  # <c r="XFD9" s="1"/> is a formatted blank: python-calamine skips it
            rows, columns = max(rows, here), max(columns, column)
    return rows, columns


def _position(value: bytes) -> tuple[bytes, bytes]:
    """The letters and the digits an r="" begins with: (b"XFD", b"9") for "XFD9"."""
    match = _POSITION.match(value)  # it matches any text, if only with nothing
    return (match.group(1), match.group(2)) if match else (b"", b"")


def _ods_within(xml: bytes, cells: int) -> bool:
    """Whether each table of an .ods content.xml surely spans at most ``cells`` from A1.

    A table's rows and columns number together at most its row and cell tags, plus what
    their repeat counts add, save those of the empty cells and rows LibreOffice writes to
    the sheet's end (no value follows them); rows x columns is at most a quarter of that
    sum squared. One count, then only the repeats are looked at (~80 in a LibreOffice form).
    """
    if any(spelling.search(xml) for spelling in _WRITTEN_OTHERWISE):
        return False
    total = xml.count(b"<table:")  # every row and cell tag, and a few others
    at = xml.find(_REPEAT_COUNT)
    while at >= 0 and total * total <= 4 * cells:
        digits = at + len(_REPEAT_COUNT)
        quote = xml.find(b'"', digits)
        count = int(xml[digits:quote]) if xml[digits:quote].isdigit() else 1
        at = xml.find(_REPEAT_COUNT, digits)
        if count < 100:  # a few styled cells or rows: not worth looking closer
            total += count - 1
            continue
        start = xml.rfind(b"<", 0, digits)  # the tag that repeats
        if xml.startswith(_CELL_ENDS_ROW, quote):  # LibreOffice's empty end of a row
            if (xml.startswith((b"<table:table-cell ", b"<table:covered-table-cell "), start)
                    and xml.find(b"office:value-type=", start, digits) < 0):
                continue
        elif xml.startswith(b"<table:table-row ", start):
            value = xml.find(b"office:value-type=", quote)
            end = xml.find(b"</table:table>", quote)  # its table's, unless one nests in it
            if value < 0 or (0 <= end < value and xml.find(b"<table:table ", quote, end) < 0):
                continue  # no value after it in its table
        elif not xml.startswith((b"<table:table-cell ", b"<table:covered-table-cell "), start):
            continue  # columns declared for their style, not cells
        total += count - 1
    return total * total <= 4 * cells


def _ods_extent(xml: bytes) -> tuple[int, int]:
    """(rows, columns) from A1 to the farthest value of the largest .ods table, repeats counted.

    python-calamine expands number-rows-repeated and number-columns-repeated: an 800-byte
    content.xml repeating one value over 16,384 columns and 6,000 rows made it take 6 GB.
    A cell with an office:value-type may hold a value (python-calamine reads none without
    one); empty cells and rows, which LibreOffice repeats to the sheet's end, count only
    where a value follows them in their row or table.
    """
    most = (0, 0)
    tables: list[list[int]] = []  # [rows, columns, rows passed] of each table open, inmost last
    repeat = column = last = 0  # the row's repeat count, columns passed, last valued column
    for closing, tag, attributes in _ODS_TAG.findall(xml):
        if tag == b"table":
            if not closing:
                tables.append([0, 0, 0])
            elif tables:
                rows, columns, _ = tables.pop()
                if rows * columns > most[0] * most[1]:
                    most = (rows, columns)
        elif not tables:
            continue  # a row or cell outside any table
        elif tag == b"table-row":
            if not closing:
                repeat, column, last = _repeat(attributes), 0, 0
            if closing or attributes.endswith(b"/"):
                table = tables[-1]
                if last:
                    table[0], table[1] = table[2] + repeat, max(table[1], last)
                table[2] += repeat
        elif not closing:  # a cell, covered or not
            column += _repeat(attributes)
            if _VALUE_TYPE.search(attributes):
                last = column
    return most


def _repeat(attributes: bytes) -> int:
    """How many times an .ods row or cell is repeated: its number-*-repeated, else 1."""
    repeated = _REPEATED.search(attributes)
    return int(repeated.group(1)) if repeated else 1


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64  # b"A"[0] == 65
    return number


def _dimension_rows(xml: bytes) -> int:
    """The rows a <dimension> (an .xlsx sheet's) declares, 0 without one."""
    # bytes.find skips to the tag several times faster than the expression's own search.
    start = xml.find(b"<dimension")
    dimension = _DIMENSION.search(xml, start) if start >= 0 else None
    return int(dimension.group(1)) if dimension else 0


def _repeated_rows(xml: bytes) -> int:
    """The most rows an .ods row with values is repeated over MAX_ROWS, 0 for none."""
    most = 0
    for repeated in _REPEATED_ROW.finditer(xml):
        count = int(repeated.group(1))
        # LibreOffice repeats empty rows to the sheet's end; only rows with values count.
        if count > MAX_ROWS and _HAS_VALUE.search(xml, repeated.end(), repeated.end() + 4096):
            most = max(most, count)
    return most


def _too_big(size: int) -> str:
    return f"{_mb(size)} MB uncompressed, limit {_mb(MAX_UNCOMPRESSED_BYTES)} MB"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"

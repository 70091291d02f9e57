"""limits.check_bytes on zips built byte by byte, and on the example workbooks.

Each member must inflate to exactly the size and CRC-32 the central directory declares,
whether limits.py inflates it from the bytes itself (stored and deflated members) or
leaves it to zipfile (any other method, or a local header zipfile must judge). The XML
it hands back is what zipfile reads from the same file.
"""

from __future__ import annotations

import bz2
import io
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from kh_treem import limits
from kh_treem.limits import Refusal
from kh_treem.template import write_form
from tests.forms import PLAN
from tests.test_bad_input import (
    DATA,
    ENTITIES,
    EXAMPLES,
    MIB,
    deflated,
    raw_zip,
    repeated_deflate,
)

SHEET_NAME = "xl/worksheets/sheet1.xml"
SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         b'<dimension ref="A1:E3"/><sheetData><row r="1"><c r="E1"><v>60</v></c></row>'
         b"</sheetData></worksheet>")


def stored(data: bytes) -> tuple[bytes, int, int]:
    return data, len(data), zlib.crc32(data)


def bzip2(data: bytes) -> tuple[bytes, int, int]:
    return bz2.compress(data), len(data), zlib.crc32(data)


MISMATCH = (Refusal("zip-bomb", {"detail": f"{SHEET_NAME}: its size or checksum does not match"
                                           " its content"}), {})


def verdict(data: bytes) -> tuple[Refusal | None, limits.XmlMembers]:
    """What limits.check_bytes decides of ``data``, and the XML it hands on."""
    checked = limits.check_bytes(data)
    return checked.refusal, checked.xml


def read_by_zipfile(data: bytes) -> dict[str, bytes]:
    """The XML members as zipfile reads them."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {m.filename: archive.read(m) for m in archive.infolist()
                if m.filename.endswith((".xml", ".rels"))}


# --- members that are not what the directory declares -----------------------------------------

def _size_declared_smaller() -> bytes:
    packed, size, crc = deflated(SHEET)
    return raw_zip([(SHEET_NAME, packed, size - 1, crc)])


def _size_declared_bigger() -> bytes:
    packed, size, crc = deflated(SHEET)
    return raw_zip([(SHEET_NAME, packed, size + 1, crc)])


def _bad_crc() -> bytes:
    packed, size, crc = deflated(SHEET)
    return raw_zip([(SHEET_NAME, packed, size, crc ^ 1)])


def _deflate_cut_short() -> bytes:
    packed, size, crc = deflated(SHEET)
    return raw_zip([(SHEET_NAME, packed[:len(packed) // 2], size, crc)])


def _size_and_crc_of_a_prefix() -> bytes:
    packed, size, _ = deflated(SHEET)
    return raw_zip([(SHEET_NAME, packed, size // 2, zlib.crc32(SHEET[:size // 2]))])


def _stored_size_declared_smaller() -> bytes:
    _, size, crc = stored(SHEET)
    return raw_zip([(SHEET_NAME, SHEET, size - 1, crc)], method=zipfile.ZIP_STORED)


def _stored_bad_crc() -> bytes:
    _, size, crc = stored(SHEET)
    return raw_zip([(SHEET_NAME, SHEET, size, crc ^ 1)], method=zipfile.ZIP_STORED)


def _bzip2_bad_crc() -> bytes:
    packed, size, crc = bzip2(SHEET)
    return raw_zip([(SHEET_NAME, packed, size, crc ^ 1)], method=zipfile.ZIP_BZIP2)


def _bzip2_size_declared_bigger() -> bytes:
    packed, size, crc = bzip2(SHEET)
    return raw_zip([(SHEET_NAME, packed, size + 1, crc)], method=zipfile.ZIP_BZIP2)


def _not_a_deflate_stream() -> bytes:
    _, size, crc = deflated(SHEET)
    return raw_zip([(SHEET_NAME, b"\xff" * 16, size, crc)])


def _local_name_differs() -> bytes:
    # The local header comes first: only its copy of the name changes.
    return raw_zip([(SHEET_NAME, *deflated(SHEET))]).replace(b"sheet1", b"sheet2", 1)


def _local_signature_wrong() -> bytes:
    data = raw_zip([(SHEET_NAME, *deflated(SHEET))])
    return data[:2] + b"\x03\x05" + data[4:]


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(_size_declared_smaller, id="deflated-size-declared-smaller"),
        pytest.param(_size_declared_bigger, id="deflated-size-declared-bigger"),
        pytest.param(_size_and_crc_of_a_prefix, id="deflated-size-and-crc-of-a-prefix"),
        pytest.param(_bad_crc, id="deflated-bad-crc"),
        pytest.param(_deflate_cut_short, id="deflate-stream-cut-short"),
        pytest.param(_not_a_deflate_stream, id="not-a-deflate-stream"),
        pytest.param(_stored_size_declared_smaller, id="stored-size-declared-smaller"),
        pytest.param(_stored_bad_crc, id="stored-bad-crc"),
        pytest.param(_bzip2_bad_crc, id="bzip2-bad-crc"),
        pytest.param(_bzip2_size_declared_bigger, id="bzip2-size-declared-bigger"),
        pytest.param(_local_name_differs, id="local-header-names-another-member"),
        pytest.param(_local_signature_wrong, id="local-header-signature-wrong"),
    ],
)
def test_member_unlike_its_declaration_is_a_zip_bomb(build: Callable[[], bytes]) -> None:
    """A member whose content, size or CRC is not what the directory says is a "zip-bomb"."""
    assert verdict(build()) == MISMATCH


FORM_MEMBERS = ["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", SHEET_NAME,
                "xl/worksheets/sheet2.xml", "xl/workbook.xml", "xl/sharedStrings.xml",
                "xl/styles.xml", "xl/theme/theme1.xml", "docProps/core.xml", "docProps/app.xml"]


def damaged_form(path: Path, name: str) -> bytes:
    """A blank form whose member ``name`` has one letter's case swapped, its CRC-32 left as it was.

    The member keeps its size and stays a sound deflate stream: only the CRC tells.
    """
    write_form(PLAN, "Ia Dom", 2022, path)
    with zipfile.ZipFile(path) as archive:
        contents = [(m.filename, archive.read(m)) for m in archive.infolist()]
    assert [n for n, _ in contents] == FORM_MEMBERS
    members = []
    for member, content in contents:
        packed, size, crc = deflated(content)
        if member == name:
            at = next(i for i in range(len(content) // 2, len(content))
                      if content[i:i + 1].isalpha())
            packed = deflated(content[:at] + content[at:at + 1].swapcase() + content[at + 1:])[0]
        members.append((member, packed, size, crc))
    return raw_zip(members)


@pytest.mark.parametrize("name", FORM_MEMBERS)
def test_damaged_member_of_a_small_form_is_a_zip_bomb(tmp_path: Path, name: str) -> None:
    """Any member of a 15 KB form whose content does not match its CRC-32 is a "zip-bomb".

    Every member is held to its CRC, even in a file too small to hide a bomb: python-calamine
    does not check the CRC of most members it reads (it stops at the closing tag), so this is
    what keeps a damaged sharedStrings.xml or styles.xml from being read as other words.
    """
    refusal, _ = verdict(damaged_form(tmp_path / "Ia_Dom.xlsx", name))
    assert refusal == Refusal("zip-bomb", {"detail": f"{name}: its size or checksum does not"
                                                     " match its content"})


def test_member_inflating_far_past_its_declared_size_costs_no_memory() -> None:
    """A member declared as 10 bytes that inflates to 300 MiB is refused, with 1 MiB at most."""
    packed, _, crc = repeated_deflate(b"", bytes(MIB), 300, b"")
    data = raw_zip([(SHEET_NAME, packed, 10, crc)])
    tracemalloc.start()
    try:
        assert verdict(data) == MISMATCH
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MIB


# --- members read as they are ---------------------------------------------------------------

WORKBOOK = [("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>"),
            (SHEET_NAME, SHEET), ("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(64))]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(raw_zip([(n, *deflated(c)) for n, c in WORKBOOK]), id="deflated"),
        pytest.param(raw_zip([(n, *stored(c)) for n, c in WORKBOOK], method=zipfile.ZIP_STORED),
                     id="stored"),
        pytest.param(raw_zip([(n, *bzip2(c)) for n, c in WORKBOOK], method=zipfile.ZIP_BZIP2),
                     id="bzip2-by-zipfile"),
        pytest.param(raw_zip([(n, *deflated(c)) for n, c in WORKBOOK],
                             local_extra=b"\xfe\xca\x00\x00"), id="local-extra-field"),
        pytest.param(raw_zip([(n, *deflated(c)) for n, c in WORKBOOK], prefix=b"PK self-extractor"),
                     id="after-other-bytes"),
        pytest.param(raw_zip([(n, *deflated(c)) for n, c in WORKBOOK], flags=0x800),
                     id="utf8-names"),
    ],
)
def test_members_are_read_as_zipfile_reads_them(data: bytes) -> None:
    """A sound zip, whichever method or header layout, is no refusal; its XML is zipfile's."""
    refusal, xml = verdict(data)
    assert refusal is None
    assert xml == read_by_zipfile(data) == {n: c for n, c in WORKBOOK if n.endswith(".xml")}


def _zipfile_wrote(comment: bytes = b"", zip64: bool = False, extra: bytes = b"") -> bytes:
    """WORKBOOK as zipfile writes it, with a comment, zip64 records or an extra field."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in WORKBOOK:
            info = zipfile.ZipInfo(name)
            info.compress_type, info.extra = zipfile.ZIP_DEFLATED, extra
            with archive.open(info, "w", force_zip64=zip64) as member:
                member.write(content)
        archive.comment = comment
    return out.getvalue()


def _version_70() -> bytes:
    data = bytearray(raw_zip([(n, *deflated(c)) for n, c in WORKBOOK]))
    at = data.find(b"PK\x01\x02")
    data[at + 6] = 70  # "version needed to extract": 7.0, above what zipfile reads
    return bytes(data)


def _zip64_end() -> bytes:
    """WORKBOOK with a zip64 end record and locator before the end record, as zipfile
    writes them for a zip too large for the plain one."""
    data = raw_zip([(n, *deflated(c)) for n, c in WORKBOOK])
    end = data.rfind(b"PK\x05\x06")
    count, size, start = struct.unpack_from("<HII", data, end + 10)
    record = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size, start)
    locator = struct.pack("<IIQI", 0x07064B50, 0, end, 1)
    return data[:end] + record + locator + data[end:]


@pytest.mark.parametrize(
    ("data", "plain"),
    [
        pytest.param(raw_zip([(n, *deflated(c)) for n, c in WORKBOOK]), True, id="deflated"),
        pytest.param(raw_zip([(n, *stored(c)) for n, c in WORKBOOK], method=zipfile.ZIP_STORED),
                     True, id="stored"),
        pytest.param(raw_zip([(n, *deflated(c)) for n, c in WORKBOOK], flags=0x800), True,
                     id="ascii-names-flagged-utf8"),
        pytest.param(_zipfile_wrote(), True, id="written-by-zipfile"),
        pytest.param((EXAMPLES / "Ia_Dom.xlsx").read_bytes(), True, id="an-example-form"),
        pytest.param(raw_zip([(n, *bzip2(c)) for n, c in WORKBOOK], method=zipfile.ZIP_BZIP2),
                     False, id="bzip2"),
        pytest.param(raw_zip([(n, *deflated(c)) for n, c in WORKBOOK], prefix=b"PK sfx"), False,
                     id="bytes-before-the-zip"),
        pytest.param(raw_zip([("xl/Số liệu.xml", *deflated(SHEET))], flags=0x800), False,
                     id="a-name-beyond-ascii"),
        pytest.param(_zipfile_wrote(comment=b"made by hand"), False, id="a-comment"),
        pytest.param(_zipfile_wrote(zip64=True), True, id="zip64-local-headers"),
        pytest.param(_zip64_end(), False, id="zip64-end-record"),
        pytest.param(_zipfile_wrote(extra=b"\xfe\xca\x00\x00"), False, id="an-extra-field"),
        pytest.param(raw_zip([(n, *deflated(c)) for n, c in WORKBOOK], flags=0x1), False,
                     id="encrypted-flag"),
        pytest.param(_local_name_differs(), False, id="local-header-names-another"),
        pytest.param(_version_70(), False, id="zip-version-7"),
    ],
)
def test_plain_zip_directory_is_read_as_zipfile_lists_it(data: bytes, plain: bool) -> None:
    """limits reads a zip's directory itself only when it is plain (as Excel, LibreOffice and
    the Python libraries write it), and then finds exactly the members zipfile lists;
    anything else is left to zipfile."""
    members = limits._plain_directory(data)
    assert (members is not None) == plain
    if members is not None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert [(m.name, m.flags, m.method, m.packed_size, m.size, m.crc)
                    for m in members] == [
                (i.filename, i.flag_bits, i.compress_type, i.compress_size, i.file_size, i.CRC)
                for i in archive.infolist()]


@settings(max_examples=60, deadline=None)
@given(
    members=st.dictionaries(
        st.from_regex(r"[A-Za-z0-9_/\[\]]{1,20}\.(xml|rels|png)", fullmatch=True),
        st.binary(max_size=300), min_size=1, max_size=6),
    method=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
    comment=st.sampled_from([b"", b"x"]),
)
def test_any_zip_zipfile_writes_is_read_as_zipfile_reads_it(
    members: dict[str, bytes], method: int, comment: bytes
) -> None:
    """Whatever zipfile writes (names, contents, method, a comment or none), limits hands
    back the XML members zipfile reads, and lists them as zipfile does when it reads the
    directory itself."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
        archive.comment = comment
    data = out.getvalue()
    # The XML: .xml and .rels members, and any holding "sheetData" (a sheet by another name).
    expected = {name: content for name, content in members.items()
                if name.endswith((".xml", ".rels")) or b"sheetData" in content}
    assert verdict(data) == (None, expected)
    listed = limits._plain_directory(data)
    assert (listed is not None) == (not comment)
    if listed is not None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert [(m.name, m.size, m.crc) for m in listed] == [
                (i.filename, i.file_size, i.CRC) for i in archive.infolist()]


def test_zip_of_a_version_zipfile_cannot_read_is_refused() -> None:
    """A zip that needs a newer version than zipfile reads is "file-unreadable", not a crash
    (zipfile raises NotImplementedError, which stopped the whole run)."""
    assert verdict(_version_70()) == (
        Refusal("file-unreadable", {"detail": "zip file version 7.0"}), {})


def test_non_ascii_member_name_is_left_to_zipfile() -> None:
    """A member named in UTF-8 beyond ASCII is read by zipfile, and its XML handed back."""
    name = "xl/worksheets/Số liệu.xml"
    packed, size, crc = deflated(SHEET)
    data = raw_zip([(name, packed, size, crc)], flags=0x800)
    assert verdict(data) == (None, {name: SHEET})


@pytest.mark.parametrize(
    ("method", "flags", "refusal"),
    [
        pytest.param(zipfile.ZIP_DEFLATED, 0x1, Refusal("encrypted", {}), id="encrypted"),
        pytest.param(99, 0, Refusal("file-unreadable", {
            "detail": f"{SHEET_NAME}: That compression method is not supported"}),
            id="aes-or-unknown-method"),
    ],
)
def test_member_that_cannot_be_checked_is_refused(
    method: int, flags: int, refusal: Refusal
) -> None:
    """An encrypted member, or one of a method zipfile cannot inflate, is refused: its content
    cannot be checked, and python-calamine's own zip reader might still read it."""
    data = raw_zip([(SHEET_NAME, *deflated(SHEET))], method=method, flags=flags)
    assert verdict(data) == (refusal, {})


def _far_cell_sheet() -> bytes:
    return sheet_with(A1 + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')


@pytest.mark.parametrize("before", [b"JUNK", b"\x00" * 300, b"MZ" + bytes(5000)],
                         ids=["junk", "zeros", "an-executable-stub"])
def test_zip_after_other_bytes_is_checked_as_a_zip(before: bytes) -> None:
    """A zip after bytes that are not "PK" is checked all the same (python-calamine finds a zip
    by its end record): a far cell behind them is refused; a sound workbook behind them is
    handed on as the checked, stored zip."""
    far = before + raw_zip([(SHEET_NAME, *deflated(_far_cell_sheet()))])
    assert verdict(far)[0] == Refusal("too-many-cells", {
        "member": SHEET_NAME, "rows": 1_048_576, "columns": 16_384, "limit": limits.MAX_CELLS})
    sound = before + raw_zip([(n, *deflated(c)) for n, c in WORKBOOK])
    checked = limits.check_bytes(sound)
    assert (checked.refusal, checked.xml) == (None, read_by_zipfile(sound))
    assert checked.readable.startswith(b"PK\x03\x04")


def test_bytes_ending_like_a_zip_that_zipfile_cannot_read_are_refused() -> None:
    """Bytes with a zip's end record that zipfile cannot read are refused, never handed on
    unchecked to a reader that might read them otherwise."""
    data = b"JUNK" + raw_zip([(SHEET_NAME, *deflated(SHEET))])[-22:]
    refusal, _ = verdict(data)
    assert refusal is not None
    assert refusal.type == "file-unreadable"


# --- what the XML declares ------------------------------------------------------------------

@pytest.mark.parametrize(
    "name",
    ["docProps/core.xml", "docProps/app.xml", "[Content_Types].xml", "_rels/.rels",
     "xl/sharedStrings.xml", "xl/theme/theme1.xml", SHEET_NAME, "content.xml", "meta.xml"],
)
def test_entity_declaration_in_any_xml_member_is_refused(name: str) -> None:
    """Entities declared in any XML member, a sheet or not, are "xml-entities" naming it."""
    members = [(n, *deflated(c)) for n, c in WORKBOOK if n != name]
    data = raw_zip([*members, (name, *deflated(ENTITIES + b"<root>&i;</root>"))])
    refusal, _ = verdict(data)
    assert refusal == Refusal("xml-entities", {"member": name})


def ods_content(rows_repeated: int, value: bool) -> bytes:
    cell = (b'<table:table-cell office:value-type="float" office:value="4"><text:p>4</text:p>'
            if value else b"<table:table-cell>")
    return (b'<office:document-content><office:body><office:spreadsheet><table:table '
            b'table:name="Sheet1"><table:table-row table:number-rows-repeated="%d">%s'
            b"</table:table-cell></table:table-row></table:table></office:spreadsheet>"
            b"</office:body></office:document-content>" % (rows_repeated, cell))


@pytest.mark.parametrize(
    ("name", "xml", "rows"),
    [
        pytest.param(SHEET_NAME, SHEET.replace(b"A1:E3", b"A1:E200000"), 200_000,
                     id="xlsx-dimension"),
        pytest.param("xl/other/place.xml", SHEET.replace(b"A1:E3", b"B2:XFD1048576"),
                     1_048_576, id="xlsx-dimension-of-a-sheet-anywhere"),
        pytest.param(SHEET_NAME, b" " * (3 * MIB) + SHEET.replace(b"A1:E3", b"A1:E200000"),
                     200_000, id="xlsx-dimension-past-3-mib"),
        pytest.param("content.xml", ods_content(300_000, value=True), 300_000,
                     id="ods-repeated-row-with-a-value"),
    ],
)
def test_declared_rows_over_the_limit_are_refused(name: str, xml: bytes, rows: int) -> None:
    """A sheet declaring more than MAX_ROWS rows is "too-many-rows" with the count declared."""
    data = raw_zip([(name, *deflated(xml))])
    assert verdict(data) == (
        Refusal("too-many-rows", {"rows": rows, "limit": limits.MAX_ROWS}), {})


@pytest.mark.parametrize(
    ("name", "xml"),
    [
        pytest.param("content.xml", ods_content(1_048_000, value=False),
                     id="ods-empty-rows-to-the-sheet-end"),
        pytest.param("styles.xml", ods_content(300_000, value=True),
                     id="ods-rows-outside-content-xml"),
    ],
)
def test_rows_no_reader_sees_are_not_refused(name: str, xml: bytes) -> None:
    """Repeated empty .ods rows, or rows in a member other than content.xml, are no refusal."""
    assert verdict(raw_zip([(name, *deflated(xml))])) == (None, {name: xml})


def sheet_with(cells: bytes, dimension: bytes = b'<dimension ref="A1:E3"/>') -> bytes:
    """A sheet whose <sheetData> holds ``cells`` (rows and cells, as XML)."""
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + dimension + b"<sheetData>" + cells + b"</sheetData></worksheet>")


A1 = b'<row r="1"><c r="A1"><v>1</v></c></row>'
WIDE = b"<c><v>1</v></c>" * 16_384  # implied columns A to XFD, 240 KB deflating to ~1 KB


@pytest.mark.parametrize(
    ("cells", "rows", "columns"),
    [
        pytest.param(A1 + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                     1_048_576, 16_384, id="values-at-a1-and-xfd1048576"),
        pytest.param(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + A1,
                     1_048_576, 16_384, id="the-far-value-first"),
        pytest.param(A1 + b'<row r="2"><c r="xfd99999"><v>1</v></c></row>',
                     99_999, 16_384, id="lower-case-reference"),
        pytest.param(A1 + b'<row r="99999">' + WIDE + b"</row>", 99_999, 16_384,
                     id="columns-implied-by-order"),
        pytest.param(A1 + b'<row r="5"><c r="A99999" t="n"><v>1</v></c></row>'
                     + b'<row r="7"><c s="1" r="IV7"><v>1</v></c></row>', 99_999, 256,
                     id="reference-not-the-first-attribute"),
        pytest.param(A1 + b"<row r='400'><c r = 'XFD400'><v>1</v></c></row>", 400, 16_384,
                     id="single-quotes-and-spaces"),
        pytest.param(A1 + b'<row r="2"><c x=">" r="XFD400"><v>1</v></c></row>', 400, 16_384,
                     id="a-quoted-greater-than-sign"),
        pytest.param(A1 + b'<row r="2"><c\nr="XFD400"><v>1</v></c></row>', 400, 16_384,
                     id="a-line-break-after-the-tag-name"),
        pytest.param(A1 + b'<row r="2"><c\tr="XFD400"><v>1</v></c></row>', 400, 16_384,
                     id="a-tab-after-the-tag-name"),
        pytest.param(A1 + b'<row\nr="400000"><c r="Z400000"><v>1</v></c></row>', 400_000, 26,
                     id="a-line-break-in-the-row-tag"),
        pytest.param(A1 + b'<row r="2"><x:c r="XFD400"><x:v>1</x:v></x:c></row>', 400, 16_384,
                     id="a-prefixed-cell"),
        pytest.param(A1 + b'<zz:row r="400000"><c r="Z400000"><v>1</v></c></zz:row>',
                     400_000, 26, id="a-prefixed-row-its-prefix-unbound"),
        pytest.param(A1 + b'<!-- </sheetData> --><row r="2"><c r="XFD400"><v>1</v></c></row>',
                     400, 16_384, id="an-end-tag-in-a-comment"),
        pytest.param(A1 + b'<row r="2" x="</sheetData>"><c r="XFD400"><v>1</v></c></row>',
                     400, 16_384, id="an-end-tag-in-an-attribute"),
        pytest.param(A1 + b'<row r="2"><:c r="XFD400"><v>1</v></:c></row>', 400, 16_384,
                     id="an-empty-prefix"),
        pytest.param(A1 + b'<row r="2"><1$\xc3\xa9:c r="XFD400"><v>1</v></1$\xc3\xa9:c></row>',
                     400, 16_384, id="a-prefix-of-any-characters"),
        pytest.param(A1 + b'<row r="2"><c r="A2" r="XFD400"><v>1</v></c></row>', 400, 16_384,
                     id="a-cell-placed-by-its-last-r"),
        pytest.param(A1 + b'<row r="400000" r="2"><c r="Z2"><v>1</v></c>'
                     b"<c><v>1</v></c></row>", 400_000, 27, id="a-row-placed-by-its-first-r"),
        pytest.param(A1 + b'<row r="2"><c foo=" r=\'A1\'" r="XFD400"><v>1</v></c></row>',
                     400, 16_384, id="r-inside-another-attribute"),
        pytest.param(A1 + b'<row r="2"><c s="0"r="XFD400"><v>1</v></c></row>', 400, 16_384,
                     id="no-space-before-r"),
        pytest.param(b'<row r="400000"><c r="A1"><v>1</v></c>' + b"<c><v>1</v></c>" * 99
                     + b"</row>", 400_000, 100, id="cells-after-an-r-follow-their-row"),
        pytest.param(b'<row r="400000"><!--<row r="1">-->' + b"<c><v>1</v></c>" * 100
                     + b"</row>", 400_000, 100, id="a-row-in-a-comment"),
        pytest.param(b'<row r="400000"><![CDATA[<row r="1">]]>' + b"<c><v>1</v></c>" * 100
                     + b"</row>", 400_000, 100, id="a-row-in-cdata"),
    ],
)
def test_sheet_spanning_too_many_cells_is_refused(cells: bytes, rows: int, columns: int) -> None:
    """A sheet whose values span more than MAX_CELLS from A1 is "too-many-cells", whatever its
    <dimension> says: python-calamine would lay out that rectangle (512 GiB for XFD1048576)."""
    data = raw_zip([(SHEET_NAME, *deflated(sheet_with(cells)))])
    assert verdict(data)[0] == Refusal("too-many-cells", {
        "member": SHEET_NAME, "rows": rows, "columns": columns, "limit": limits.MAX_CELLS})


@pytest.mark.parametrize(
    "cells",
    [
        pytest.param(A1 + b'<row r="99999"><c r="Z99999"><v>1</v></c></row>',
                     id="value-at-z99999"),
        pytest.param(A1 + b'<row r="1048576"><c r="XFD1048576" s="3"/></row>',
                     id="formatted-blank-at-xfd1048576"),
        pytest.param(b'<row r="3"><c r="IV3"><v>1</v></c></row>'
                     b'<row r="19531"><c r="A19531"><v>1</v></c></row>',
                     id="256-columns-by-19531-rows"),
        pytest.param(b"<row>" + b"<c><v>1</v></c>" * 60 + b"</row>", id="no-references"),
        pytest.param(A1 + b'<row r="2"><c r="B2" x:r="XFD400" R="XFD400"><v>1</v></c></row>',
                     id="only-r-places-a-cell"),
        pytest.param(A1 + b'<row r="2"><cell r="XFD400"><v>1</v></cell>'
                     b'<c-x r="XFD400"><v>1</v></c-x></row>', id="other-tags-beginning-with-c"),
    ],
)
def test_sheet_within_the_cell_limit_is_not_refused(cells: bytes) -> None:
    """Values within MAX_CELLS from A1, or a formatted blank far out (python-calamine skips
    it), are no refusal."""
    xml = sheet_with(cells)
    assert verdict(raw_zip([(SHEET_NAME, *deflated(xml))])) == (
        None, {SHEET_NAME: xml})


FAR = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


@pytest.mark.parametrize(
    ("xml", "refused"),
    [
        pytest.param(sheet_with(A1).replace(b"sheetData", b"x:sheetData").replace(
            A1, A1 + FAR), True, id="a-prefixed-sheetdata"),
        pytest.param(sheet_with(A1).replace(b"</worksheet>", FAR + b"</worksheet>"), False,
                     id="after-the-sheetdata"),
        pytest.param(sheet_with(A1).replace(b"<sheetData>", FAR + b"<sheetData>"), False,
                     id="before-the-sheetdata"),
        pytest.param(sheet_with(A1).replace(b"</sheetData>", b""), False,
                     id="sheetdata-never-closed-no-far-value"),
        pytest.param(sheet_with(A1 + FAR).replace(b"</sheetData>", b""), True,
                     id="sheetdata-never-closed"),
    ],
)
def test_cells_count_where_python_calamine_reads_them(xml: bytes, refused: bool) -> None:
    """Cells count inside <sheetData> (prefixed or not) only: python-calamine reads no other
    (test_python_calamine_reads_cells_in_the_sheetdata_only pins that)."""
    refusal, _ = verdict(raw_zip([(SHEET_NAME, *deflated(xml))]))
    assert (refusal is not None) == refused
    assert refusal is None or refusal.type == "too-many-cells"


CALAMINE_LAYOUT = """
import io, resource, sys
from python_calamine import CalamineWorkbook
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a failed allocation, not a swap
book = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
sheet = book.get_sheet_by_name(book.sheet_names[0])
print(sheet.height, sheet.width)
"""


@pytest.mark.parametrize(
    ("cells", "outside", "expected"),
    [
        pytest.param(A1, FAR, b"1 1", id="far-value-after-the-sheetdata"),
        pytest.param(FAR + A1, b"", b"", id="far-value-inside-crashes"),
    ],
)
def test_python_calamine_reads_cells_in_the_sheetdata_only(
    tmp_path: Path, cells: bytes, outside: bytes, expected: bytes,
) -> None:
    """What limits.sheet_cells assumes of python-calamine, in a process of its own (a far
    value inside <sheetData> makes it abort): a row after </sheetData> is not laid out."""
    import subprocess
    import sys

    path = tmp_path / "Ia_Dom.xlsx"
    write_form(PLAN, "Ia Dom", 2022, path)
    with zipfile.ZipFile(path) as archive:
        members = {m.filename: archive.read(m) for m in archive.infolist()}
    sheet = members[SHEET_NAME]
    start = sheet.index(b">", sheet.index(b"<sheetData")) + 1
    end = sheet.index(b"</sheetData>") + len(b"</sheetData>")
    members[SHEET_NAME] = sheet[:start] + cells + b"</sheetData>" + outside + sheet[end:]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    run = subprocess.run([sys.executable, "-c", CALAMINE_LAYOUT], input=buffer.getvalue(),
                         capture_output=True, check=False)
    if expected:
        assert (run.returncode, run.stdout.strip()) == (0, expected)
    else:
        assert run.returncode != 0  # the 512 GiB allocation fails: what limits.py prevents


def ods_tables(*tables: bytes) -> bytes:
    """An .ods content.xml of one table per item of ``tables`` (rows, as XML)."""
    return (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content'
            b' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
            b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
            b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
            b"<office:body><office:spreadsheet>"
            + b"".join(b'<table:table table:name="T%d">%s</table:table>' % (i, rows)
                       for i, rows in enumerate(tables))
            + b"</office:spreadsheet></office:body></office:document-content>")


def ods_row(cells: bytes, repeated: int = 1) -> bytes:
    return b'<table:table-row table:number-rows-repeated="%d">%s</table:table-row>' % (
        repeated, cells)


def ods_value(repeated: int = 1, tag: bytes = b"table:table-cell") -> bytes:
    return (b'<%s table:number-columns-repeated="%d" office:value-type="float" office:value="4">'
            b"<text:p>4</text:p></%s>" % (tag, repeated, tag))


def ods_empty(repeated: int, style: bytes = b"") -> bytes:
    return b'<table:table-cell%s table:number-columns-repeated="%d"/>' % (style, repeated)


ODS_A1 = ods_row(ods_value())


@pytest.mark.parametrize(
    ("xml", "rows", "columns"),
    [
        pytest.param(ods_tables(ods_row(ods_value(16_384), 99_999)), 99_999, 16_384,
                     id="one-value-repeated-over-16384-columns-and-99999-rows"),
        pytest.param(ods_tables(ODS_A1 + ods_row(ods_empty(16_383) + ods_value(), 3_000)),
                     3_001, 16_384, id="rows-each-with-one-far-column"),
        pytest.param(ods_tables(ODS_A1 + ods_row(ods_empty(1), 99_990)
                                + ods_row(ods_empty(16_383) + ods_value())),
                     99_992, 16_384, id="empty-rows-then-one-far-value"),
        pytest.param(ods_tables(ods_row(ods_value() + ods_value(
            16_383, b"table:covered-table-cell"), 400)), 400, 16_384,
                     id="covered-cells-with-a-value"),
        pytest.param(ods_tables(b"<table:table-row-group>" + ods_row(ods_value(1_000), 6_000)
                                + b"</table:table-row-group>"), 6_000, 1_000,
                     id="rows-in-a-row-group"),
        pytest.param(ods_tables(ODS_A1, ods_row(ods_value(16_384), 305 + 1)), 306, 16_384,
                     id="the-second-table"),
        pytest.param(ods_tables(ods_row(ods_value(16_384).replace(b'="16384"', b" = '16384'")
                                        .replace(b'value-type="float"', b"value-type = 'float'"),
                                        400)), 400, 16_384,
                     id="single-quotes-and-spaces"),
    ],
)
def test_ods_table_spanning_too_many_cells_is_refused(xml: bytes, rows: int, columns: int) -> None:
    """An .ods table whose values span more than MAX_CELLS from A1, repeats counted, is
    "too-many-cells": python-calamine expands the repeats (6 GB for an 800-byte file)."""
    data = raw_zip([("content.xml", *deflated(xml))])
    assert verdict(data)[0] == Refusal("too-many-cells", {
        "member": "content.xml", "rows": rows, "columns": columns, "limit": limits.MAX_CELLS})


@pytest.mark.parametrize(
    "xml",
    [
        pytest.param(ods_tables(ods_row(ods_value() + ods_empty(16_383), 60)
                                + ods_row(ods_empty(16_384), 1_048_516)),
                     id="empty-cells-and-rows-to-the-sheet-end"),
        pytest.param(ods_tables(ods_row(ods_value() + ods_empty(16_383, b' table:style-name="ce1"'))
                                + b'<table:table-row table:style-name="ro1"'
                                  b' table:number-rows-repeated="1048575">'
                                + ods_empty(16_384, b' table:style-name="ce1"')
                                + b"</table:table-row><table:named-expressions/>"),
                     id="formatted-empty-cells-and-rows-to-the-sheet-end"),
        pytest.param(ods_tables(ods_row(ods_value(16_384), 305)), id="16384-columns-by-305-rows"),
        pytest.param(ods_tables(ODS_A1 + ods_row(ods_empty(16_383)
                                                 + b"<table:table-cell><text:p>x</text:p>"
                                                   b"</table:table-cell>", 3_000)),
                     id="far-text-without-a-value-type"),
        pytest.param(ods_tables(ods_row(ods_value(1_000), 3_000), ods_row(ods_value(1_000), 3_000)),
                     id="two-tables-each-within"),
    ],
)
def test_ods_table_within_the_cell_limit_is_not_refused(xml: bytes) -> None:
    """Values within MAX_CELLS from A1 in each table, or empty cells and rows repeated to the
    sheet's end as LibreOffice writes them (python-calamine skips them), are no refusal."""
    assert verdict(raw_zip([("content.xml", *deflated(xml))])) == (
        None, {"content.xml": xml})


# --- real workbooks -------------------------------------------------------------------------

def _examples() -> list[Path]:
    return [*sorted(EXAMPLES.glob("*.xlsx")), DATA / "mixed" / "Ia_Dom.ods"]


@pytest.mark.parametrize("path", _examples(), ids=lambda p: p.name)
def test_example_workbooks_give_zipfiles_xml(path: Path) -> None:
    """The example workbooks are no refusal, and their XML is zipfile's, byte for byte."""
    data = path.read_bytes()
    assert verdict(data) == (None, read_by_zipfile(data))


def test_blank_form_gives_zipfiles_xml(tmp_path: Path) -> None:
    """A blank form from `kh-treem template` is no refusal, and its XML is zipfile's."""
    path = tmp_path / "Ia_Dom.xlsx"
    write_form(PLAN, "Ia Dom", 2022, path)
    data = path.read_bytes()
    assert verdict(data) == (None, read_by_zipfile(data))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param(DATA / "protected.xlsx", (Refusal("encrypted", {}), {}), id="protected"),
        pytest.param(DATA / "ia_dal_2022.xls", (None, {}), id="xls"),
        pytest.param(DATA / "mixed" / "Ia_Dal.xls", (None, {}), id="xls-mixed"),
    ],
)
def test_files_that_are_not_zips(path: Path, expected: tuple[Refusal | None, object]) -> None:
    """An encrypted workbook is refused as "encrypted"; an .xls has no XML to hand back."""
    assert verdict(path.read_bytes()) == expected


def test_member_name_flagged_utf8_but_not_utf8_is_unreadable_not_a_crash() -> None:
    """A name marked UTF-8 (flag bit 11) that is not UTF-8 is one unreadable file, not a bug."""
    packed, size, crc = deflated(SHEET)
    data = raw_zip([("xl/AAAA.xml", packed, size, crc)], flags=0x800)
    data = data.replace(b"AAAA", b"\xff\xfe\xff\xfe")
    refusal, xml = verdict(data)
    assert refusal == Refusal("file-unreadable", {"detail": "a member's name is not valid UTF-8"})
    assert xml == {}


# --- the bytes handed on to the reader ----------------------------------------------------


def calamine_sheets(data: bytes) -> dict[str, list[list[object]]]:
    """Every sheet as python-calamine reads it from ``data``."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in workbook.sheet_names}


@pytest.mark.parametrize("path", _examples(), ids=lambda p: p.name)
def test_workbook_is_handed_on_stored_and_reads_the_same(path: Path) -> None:
    """A zip-based workbook is handed on with every member stored, in its order, with the
    content zipfile reads from the file; python-calamine reads the same cells from it."""
    data = path.read_bytes()
    readable = limits.check_bytes(data).readable
    with zipfile.ZipFile(io.BytesIO(data)) as given, zipfile.ZipFile(io.BytesIO(readable)) as kept:
        assert [m.filename for m in kept.infolist()] == [m.filename for m in given.infolist()]
        assert {m.compress_type for m in kept.infolist()} == {zipfile.ZIP_STORED}
        assert kept.testzip() is None  # every CRC-32 checks
        assert all(kept.read(m.filename) == given.read(m) for m in given.infolist())
    assert calamine_sheets(readable) == calamine_sheets(data)


@pytest.mark.parametrize("name", ["xl/worksheets/sheet1.XML", "xl/worksheets/sheet1.bin",
                                  "XL/WORKSHEETS/SHEET1.XML"])
def test_sheet_by_any_name_is_held_to_the_cell_limit(name: str) -> None:
    """python-calamine finds a sheet by the name workbook.xml.rels gives, in any case: a
    member holding sheetData is checked whatever its name."""
    xml = sheet_with(A1 + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    refusal, _ = verdict(raw_zip([(name, *deflated(xml))]))
    assert refusal is not None
    assert refusal.type == "too-many-cells"


def test_utf8_name_without_its_flag_is_found_as_before(tmp_path: Path) -> None:
    """A part named in UTF-8 without the UTF-8 flag (some tools write them so) keeps its
    bytes: python-calamine finds the sheet in what it is handed as in the file."""
    path = tmp_path / "Ia_Dom.xlsx"
    write_form(PLAN, "Ia Dom", 2022, path)
    with zipfile.ZipFile(path) as archive:
        members = {m.filename: archive.read(m) for m in archive.infolist()}
    renamed = "xl/worksheets/sh\u00e9et1.xml"
    members[renamed] = members.pop(SHEET_NAME)
    rels = "xl/_rels/workbook.xml.rels"
    members[rels] = members[rels].replace(b"worksheets/sheet1.xml",
                                          "worksheets/sh\u00e9et1.xml".encode())
    data = raw_zip([(name, *deflated(content)) for name, content in members.items()])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # zipfile sees cp437, not UTF-8
        assert renamed not in archive.namelist()
    assert calamine_sheets(limits.check_bytes(data).readable) == calamine_sheets(data)
    assert max(len(rows) for rows in calamine_sheets(data).values()) > 50  # the form is read


def test_member_names_not_ascii_are_kept() -> None:
    """A name zipfile reads as cp437 (no UTF-8 flag) or as UTF-8 keeps its letters."""
    packed, size, crc = deflated(SHEET)
    data = raw_zip([("xl/Bi\u1ec3u.xml", packed, size, crc)], flags=0x800)
    cp437 = raw_zip([("xl/AAAA.xml", packed, size, crc)]).replace(b"AAAA", b"\x81\x82\x83\x84")
    for zipped in (data, cp437):
        with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
            names = archive.namelist()
        with zipfile.ZipFile(io.BytesIO(limits.check_bytes(zipped).readable)) as archive:
            assert archive.namelist() == names
            assert archive.read(names[0]) == SHEET


def test_member_zipfile_must_open_is_handed_on_too() -> None:
    """A member in a method limits.py leaves to zipfile (bzip2) is handed on stored."""
    data = raw_zip([(SHEET_NAME, *bzip2(SHEET))], method=zipfile.ZIP_BZIP2)
    with zipfile.ZipFile(io.BytesIO(limits.check_bytes(data).readable)) as archive:
        assert archive.read(SHEET_NAME) == SHEET
        assert archive.getinfo(SHEET_NAME).compress_type == zipfile.ZIP_STORED


@pytest.mark.parametrize(
    "path",
    [DATA / "protected.xlsx", DATA / "ia_dal_2022.xls", EXAMPLES.parent.parent / "README.md"],
    ids=lambda p: p.name,
)
def test_files_that_are_not_zips_are_handed_on_as_they_are(path: Path) -> None:
    """An .xls, an encrypted workbook or any other file is handed on byte for byte."""
    data = path.read_bytes()
    assert limits.check_bytes(data).readable is data


def test_refused_or_encrypted_zip_is_handed_on_as_it_is() -> None:
    """A zip refused, or with a member limits.py cannot read, is not rewritten."""
    packed, size, crc = deflated(SHEET)
    damaged = raw_zip([(SHEET_NAME, packed, size, crc ^ 1)])
    encrypted = raw_zip([(SHEET_NAME, packed, size, crc)], flags=0x1)
    for data in (damaged, encrypted):
        assert limits.check_bytes(data).readable is data


def test_member_name_holding_a_nul_is_refused() -> None:
    """zipfile cuts a name at a NUL and python-calamine does not: a second
    "xl/workbook.xml\\0" would stand, in what is checked, for the part python-calamine
    reads. Such a zip is unreadable, with a sentence."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/workbook.xmlQ", b"<workbook/>")
    data = buffer.getvalue().replace(b"workbook.xmlQ", b"workbook.xml\0")
    assert verdict(data) == (
        Refusal("file-unreadable", {"detail": "a member's name holds a NUL byte"}), {})

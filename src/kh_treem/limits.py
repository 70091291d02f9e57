"""Bounds on what one input file may cost, checked before it is parsed.

A shared folder can hold anything: a zip bomb named .xlsx, an XML file
declaring entities, a sheet of a million rows. Each is refused with a sentence,
in bounded time and memory, before python-calamine expands it. The limits are
far above what a commune or a province ever sends (a commune's form is ~20 KB).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO

MAX_FILE_BYTES = 50 * 1024 * 1024  # on disk
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # all members of a zip-based workbook together
MAX_MEMBERS = 2_000  # files inside a zip-based workbook
MAX_ROWS = 100_000  # rows in one sheet (every commune of Vietnam fits in a table 10x over)
MAX_SHEETS = 200

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_DIMENSION = re.compile(rb'<dimension\b[^>]*\bref="[A-Z]*[0-9]*:?[A-Z]*([0-9]+)"')
_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_REPEATED_ROW = re.compile(rb'<table:table-row\b[^>]*?number-rows-repeated="([0-9]+)"')
_HAS_VALUE = re.compile(rb"office:value=|<text:p>[^<]")
_CHUNK = 1024 * 1024
_OVERLAP = 256  # a tag cut between two chunks is still seen whole


@dataclass(frozen=True)
class Refusal:
    """Why a file is not opened: a problem type and its parameters."""

    type: str
    params: dict[str, object]


# The XML members of a zip-based workbook, inflated once: name -> content.
XmlMembers = dict[str, bytes]


def check_bytes(data: bytes) -> tuple[Refusal | None, XmlMembers]:
    """A refusal for a file that must not be parsed (or None), and its XML as inflated.

    The XML comes back so that nothing else inflates the same members again.
    """
    if len(data) > MAX_FILE_BYTES:
        return Refusal("too-large", {"size": _mb(len(data)), "limit": _mb(MAX_FILE_BYTES)}), {}
    if data.startswith(OLE_MAGIC) and ENCRYPTED_PACKAGE in data:
        return Refusal("encrypted", {}), {}
    xml: XmlMembers = {}
    if data.startswith(b"PK"):
        return _check_zip(data, xml), xml
    return None, xml


def _check_zip(data: bytes, xml: XmlMembers) -> Refusal | None:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile:
        return None  # not a zip after all: the reader will say what it is
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            return Refusal("zip-bomb", {"detail": f"{len(members)} members"})
        declared = sum(m.file_size for m in members)
        if declared > MAX_UNCOMPRESSED_BYTES:
            return Refusal("zip-bomb", {"detail": _too_big(declared)})
        # The declared sizes may lie: inflate every member once, counting, and let
        # zipfile check each against its size and CRC. A commune's form inflates in
        # well under a millisecond.
        total = 0
        for member in members:
            try:
                refusal, total = _scan_member(archive, member, total, xml)
            except (zipfile.BadZipFile, EOFError, zlib.error):
                return Refusal("zip-bomb", {"detail": f"{member.filename}: its size or checksum"
                                                      " does not match its content"})
            except (OSError, RuntimeError, NotImplementedError):
                return None  # encrypted or of an unknown method: the reader says so
            if refusal is not None:
                return refusal
    return None


def _scan_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, total: int, xml: XmlMembers
) -> tuple[Refusal | None, int]:
    """Inflate one member in chunks: its size, entity declarations, declared rows."""
    is_xml = member.filename.endswith((".xml", ".rels"))
    tail = b""
    chunks = []
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > MAX_UNCOMPRESSED_BYTES:
                return Refusal("zip-bomb", {"detail": _too_big(total)}), total
            if not is_xml:
                continue
            window = tail + chunk
            if _ENTITY.search(window):
                return Refusal("xml-entities", {"member": member.filename}), total
            rows = _declared_rows(window)
            if rows > MAX_ROWS:
                return Refusal("too-many-rows", {"rows": rows, "limit": MAX_ROWS}), total
            tail = chunk[-_OVERLAP:]
            chunks.append(chunk)
    if is_xml:
        xml[member.filename] = b"".join(chunks)
    return None, total


def _declared_rows(xml: bytes) -> int:
    """The most rows a piece of sheet XML declares: its dimension, or a repeated row with data."""
    most = 0
    dimension = _DIMENSION.search(xml)
    if dimension:
        most = int(dimension.group(1))
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

"""Bounds on what one input file may cost, checked before it is parsed.

A shared folder can hold anything: a zip bomb named .xlsx, an XML file
declaring entities, a sheet of a million rows. Each is refused with a sentence,
in bounded time and memory, before python-calamine expands it. The limits are
far above what a commune or a province ever sends (a commune's form is ~20 KB).
"""

from __future__ import annotations

import re
import zipfile
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


@dataclass(frozen=True)
class Refusal:
    """Why a file is not opened: a problem type and its parameters."""

    type: str
    params: dict[str, object]


def check_bytes(data: bytes) -> Refusal | None:
    """A refusal for a file that must not be parsed, or None when it may be."""
    if len(data) > MAX_FILE_BYTES:
        return Refusal("too-large", {"size": _mb(len(data)), "limit": _mb(MAX_FILE_BYTES)})
    if data.startswith(OLE_MAGIC) and ENCRYPTED_PACKAGE in data:
        return Refusal("encrypted", {})
    if data.startswith(b"PK"):
        return _check_zip(data)
    return None


def _check_zip(data: bytes) -> Refusal | None:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile:
        return None  # not a zip after all: the reader will say what it is
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            return Refusal("zip-bomb", {"detail": f"{len(members)} members"})
        total = sum(m.file_size for m in members)
        if total > MAX_UNCOMPRESSED_BYTES:
            return Refusal("zip-bomb", {"detail": f"{_mb(total)} MB uncompressed, limit "
                                                  f"{_mb(MAX_UNCOMPRESSED_BYTES)} MB"})
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            try:
                with archive.open(member) as stream:
                    head = stream.read(4096)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
                return None  # damaged or encrypted member: the reader reports it
            if _ENTITY.search(head):
                return Refusal("xml-entities", {"member": member.filename})
            rows = _DIMENSION.search(head)
            if rows and int(rows.group(1)) > MAX_ROWS:
                return Refusal("too-many-rows", {"rows": int(rows.group(1)), "limit": MAX_ROWS})
    return None


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"

"""Bounds on what one input file may cost, and the cheap checks made before it is read.

A shared folder can hold anything: a zip bomb named .xlsx, an XML part declaring
entities, a sheet of a million rows. The reader runs in a worker process with a memory
cap and a time limit (:mod:`kh_treem.isolation`), so whatever slips past these checks
costs that one file, never the run. What is checked here is only what is cheap and
plainly right: the file's size and the zip's directory as zipfile reads it. The sizes
of sheets are checked on what the reader returns, never guessed from the file's bytes.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from dataclasses import dataclass, field
from io import BytesIO

MAX_FILE_BYTES = 50 * 1024 * 1024  # on disk
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # all members of a zip-based workbook together
MAX_MEMBERS = 2_000  # files inside a zip-based workbook
MAX_ROWS = 100_000  # rows in one sheet (every commune of Vietnam fits in a table 10x over)
MAX_CELLS = 5_000_000  # rows x columns of one sheet as read (MAX_ROWS x 50 columns)
MAX_SHEETS = 200

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_FLAG = 0x1


@dataclass(frozen=True)
class Refusal:
    """Why a file is not read: a problem type and its parameters."""

    type: str
    params: dict[str, object] = field(default_factory=dict)


def check_size(size: int) -> Refusal | None:
    if size > MAX_FILE_BYTES:
        return Refusal("too-large", {"size": _mb(size), "limit": _mb(MAX_FILE_BYTES)})
    return None


def open_zip(data: bytes) -> zipfile.ZipFile | Refusal:
    """The zip, once its directory passes: members, declared sizes, no encryption."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, NotImplementedError, UnicodeDecodeError, ValueError) as exc:
        return Refusal("file-unreadable", {"detail": str(exc)})
    members = archive.infolist()
    refusal = None
    if len(members) > MAX_MEMBERS:
        refusal = Refusal("too-many-members", {"count": len(members), "limit": MAX_MEMBERS})
    elif any(member.flag_bits & _ENCRYPTED_FLAG for member in members):
        refusal = Refusal("encrypted")
    else:
        declared = sum(member.file_size for member in members)
        if declared > MAX_UNCOMPRESSED_BYTES:
            refusal = Refusal("zip-bomb", {"size": _mb(declared),
                                           "limit": _mb(MAX_UNCOMPRESSED_BYTES)})
    if refusal is not None:
        archive.close()
        return refusal
    return archive


# What zipfile raises when a member's data cannot be inflated: a damaged deflate, bzip2 or
# LZMA stream (zlib.error, OSError, LZMAError), a method it lacks such as deflate64
# (NotImplementedError), a bad CRC or local header (BadZipFile), data cut short (EOFError).
_MEMBER_DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, NotImplementedError,
                   OSError, EOFError)


def read_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """The member ``name`` inflated; None when its data cannot be (a property of the file,
    which each caller treats as the part missing). KeyError when there is no such member."""
    try:
        return archive.read(name)
    except _MEMBER_DAMAGED:
        return None


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"

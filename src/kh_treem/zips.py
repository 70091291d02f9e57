"""Zip archives written from members already stored or deflated.

The summary workbook is written this way: its long sheets are deflated in pieces,
some by child processes (sheet_rows.py).
zipfile can only compress a member itself.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

# Local header, central directory entry, end of central directory, without zip64.
LOCAL = struct.Struct("<4sHHHHHIIIHH")
CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")
END = struct.Struct("<4sHHHHIIH")
UTF8_NAME = 0x800  # flag bit 11: the name is UTF-8
_DOS_1980 = 0x21  # 1 January 1980, the first day a zip can date a member (as xlsxwriter)
_VERSION = 20  # 2.0: stored and deflated members
_MOST = 0xFFFFFFFF  # beyond, a size or an offset needs zip64


# A member as it goes into the zip: its name's bytes, whether that name is flagged UTF-8,
# zipfile.ZIP_STORED or ZIP_DEFLATED, the content's CRC-32 and size, and the content as
# stored or deflated, in pieces of one raw stream. (A plain tuple: a form's workbook is
# rewritten with eleven of them, and a named tuple cost a percent of reading a form.)
Part = tuple[bytes, bool, int, int, int, Sequence[bytes]]


def zip_bytes(parts: Iterable[Part]) -> bytes:
    """A zip of ``parts``, in their order (an .ods's mimetype stays first)."""
    chunks: list[bytes] = []
    directory: list[bytes] = []
    offset = count = 0
    for raw_name, utf8, method, crc, size, packed in parts:
        flags = UTF8_NAME if utf8 else 0
        packed_size = len(packed[0]) if len(packed) == 1 else sum(map(len, packed))
        if size > _MOST or offset + packed_size > _MOST:
            raise ValueError(f"{raw_name.decode('utf-8', 'replace')}: too large for a zip"
                             " without zip64")
        header = LOCAL.pack(b"PK\x03\x04", _VERSION, flags, method, 0, _DOS_1980, crc,
                            packed_size, size, len(raw_name), 0)
        directory.append(CENTRAL.pack(b"PK\x01\x02", _VERSION, _VERSION, flags, method, 0,
                                      _DOS_1980, crc, packed_size, size, len(raw_name), 0, 0,
                                      0, 0, 0, offset) + raw_name)
        chunks += (header, raw_name, *packed)
        offset += len(header) + len(raw_name) + packed_size
        count += 1
    listing = b"".join(directory)
    if offset + len(listing) > _MOST:
        raise ValueError("too large for a zip without zip64")
    chunks += (listing, END.pack(b"PK\x05\x06", 0, 0, count, count, len(listing), offset, 0))
    return b"".join(chunks)

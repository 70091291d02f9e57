"""zips.zip_bytes: members already stored or deflated, in a zip any reader reads."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from kh_treem.zips import zip_bytes


def _deflated_in_pieces(content: bytes, cut: int) -> list[bytes]:
    """``content`` deflated by two compressors, the first cut by a sync flush."""
    first, second = zlib.compressobj(1, zlib.DEFLATED, -15), zlib.compressobj(9, zlib.DEFLATED, -15)
    return [first.compress(content[:cut]) + first.flush(zlib.Z_SYNC_FLUSH),
            second.compress(content[cut:]) + second.flush()]


def test_stored_and_deflated_members_read_back_in_order() -> None:
    """zipfile reads every member back as given, CRC-32 checked, names and order kept."""
    text = "Xã Ia Đal – ".encode() * 500
    members = [("mimetype", b"application/x"), ("xl/sổ.xml", text), ("empty", b"")]
    data = zip_bytes([
        (b"mimetype", False, zipfile.ZIP_STORED, zlib.crc32(members[0][1]), 13,
         (members[0][1],)),
        ("xl/sổ.xml".encode(), True, zipfile.ZIP_DEFLATED, zlib.crc32(text), len(text),
         _deflated_in_pieces(text, 1234)),
        (b"empty", False, zipfile.ZIP_STORED, 0, 0, (b"",)),
    ])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == members
        assert [i.compress_type for i in archive.infolist()] == [0, 8, 0]


def test_a_member_too_large_without_zip64_is_an_error() -> None:
    """Sizes past 4 GiB would need zip64: an error, never a zip that lies."""
    with pytest.raises(ValueError, match="too large"):
        zip_bytes([(b"big.xml", False, zipfile.ZIP_DEFLATED, 0, 1 << 32, (b"",))])

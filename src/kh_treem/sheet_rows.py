"""The rows of a long sheet written as XML straight into a workbook xlsxwriter made.

xlsxwriter spends ~10 microseconds on a cell: a province's breakdown of 300,000
cells took it 4-5 s, more than scoring the province. Here a row is one format
string (~1 microsecond a cell). xlsxwriter still writes the workbook, every sheet's
header, its styles, its page setup; :func:`splice` then puts the rows into the
sheet's XML, after the rows xlsxwriter wrote, and rewrites the zip.

Only numbers and plain text are written this way, the text escaped as xlsxwriter
escapes it (control characters as _xHHHH_), in cells styled by formats of the
same workbook.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import re
import struct
import sys
import tempfile
import threading
import weakref
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple

from zlib_ng import zlib_ng

from kh_treem.cells import column_letter
from kh_treem.zips import Part, zip_bytes

_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
_END_OF_ROWS = b"</sheetData>"
_LOOKS_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_NEEDS_ESCAPING = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
ROWS_PER_WRITE = 500  # rows joined before they go to the compressor
_LEVEL = 2  # of zlib-ng's deflate (see Deflater)
_TRAILER = struct.Struct("<IQ")  # after a child's deflated rows: their CRC-32 and size


class MadeElsewhere:
    """A sheet's rows made, and deflated, by a child process while this one writes the rest
    of the book.

    A province's breakdown (300,000 cells: ~1 s of scoring and XML on one core) is made
    beside the other sheets instead of after them. The child is forked (it has the
    figures without copying them) and writes the rows, deflated, to an unnamed temporary
    file: into a pipe it would stall until the parent came to read. Where fork is not
    the way (any system but Linux, or another thread running), or the child fails, the
    rows are made here, when asked for.
    """

    def __init__(self, make: Callable[[], Iterable[str]]) -> None:
        self._make = make
        self._child: int | None = None
        self._file: IO[bytes] | None = None
        # A fork copies only the thread that calls it: with another thread running (a
        # progress bar's), a lock it held would stay held in the child.
        if not sys.platform.startswith("linux") or threading.active_count() > 1:
            return
        try:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by deflated())
            self._child = os.fork()
        except OSError:  # no file or no process to be had: the rows are made here
            if self._file is not None:
                self._file.close()
            self._file = None
            return
        if self._child == 0:  # the child: make the rows, and leave without any clean-up
            code = 1
            try:
                # No collection of the parent's garbage in here: a file object finalized
                # would flush its buffer into a file the parent is writing.
                gc.disable()
                deflater = Deflater()
                for chunk in encoded(make()):
                    self._file.write(deflater.add(chunk))
                self._file.write(deflater.cut() + _TRAILER.pack(deflater.crc, deflater.size))
                self._file.flush()
                code = 0
            finally:
                os._exit(code)
        # Rows never read (the book failed first): the child is still waited for, and its
        # file closed, when this object goes, rather than left a zombie in a long process.
        self._reaper = weakref.finalize(self, _reap, self._child, self._file)

    def deflated(self) -> Deflated:
        """The rows as UTF-8, deflated, once they are made."""
        if self._child is None or self._file is None:
            return _deflate(self._make())
        self._reaper.detach()
        try:
            _, status = os.waitpid(self._child, 0)
        except ChildProcessError:  # reaped by someone else (SIGCHLD ignored): no verdict
            status = -1
        with self._file:
            if status != 0:  # failed, or unknown: made here, where an error is seen
                return _deflate(self._make())
            self._file.seek(0)
            made = self._file.read()
        crc, size = _TRAILER.unpack_from(made, len(made) - _TRAILER.size)
        return Deflated([made[:-_TRAILER.size]], crc, size)


def _reap(child: int, file: IO[bytes]) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(child, 0)
    file.close()


class Deflated(NamedTuple):
    """Content deflated as raw pieces that end on a byte (see Deflater.cut)."""

    pieces: list[bytes]
    crc: int  # CRC-32 of the content
    size: int  # the content's length


class Deflater:
    """Deflates content added piece by piece, into which others' deflated pieces may go.

    A piece deflated elsewhere follows one cut here (a sync flush: a byte boundary, no end
    of stream), and this deflater starts afresh after it: nothing here refers back into
    it. The CRC-32s are combined. zlib-ng at level 2 deflates a province's breakdown (15 MB
    of XML) to 3.1 MB in 0.10 s, against 3.4 MB in 0.14 s by zlib at level 1 (zlib-ng's
    level 1: 4.3 MB in 0.06 s).
    """

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.crc = self.size = 0
        self._compressor = zlib_ng.compressobj(_LEVEL, zlib_ng.DEFLATED, -15)

    def add(self, data: bytes) -> bytes:
        """Deflate ``data`` (kept, and returned: what came out of it so far)."""
        self.crc = zlib_ng.crc32(data, self.crc)
        self.size += len(data)
        piece = self._compressor.compress(data)
        self.pieces.append(piece)
        return piece

    def cut(self) -> bytes:
        """End what was added on a byte boundary, without ending the stream."""
        piece = self._compressor.flush(zlib_ng.Z_SYNC_FLUSH)
        self.pieces.append(piece)
        return piece

    def insert(self, made: Deflated) -> None:
        """Put pieces deflated elsewhere after what was added."""
        self.cut()
        self.pieces += made.pieces
        self.crc = zlib_ng.crc32_combine(self.crc, made.crc, made.size)
        self.size += made.size
        self._compressor = zlib_ng.compressobj(_LEVEL, zlib_ng.DEFLATED, -15)

    def finish(self) -> Deflated:
        self.pieces.append(self._compressor.flush())
        return Deflated(self.pieces, self.crc, self.size)


def _deflate(rows: Iterable[str]) -> Deflated:
    """Rows as UTF-8, deflated and cut (to go inside a longer stream)."""
    deflater = Deflater()
    for chunk in encoded(rows):
        deflater.add(chunk)
    deflater.cut()
    return Deflated(deflater.pieces, deflater.crc, deflater.size)


def encoded(rows: Iterable[str]) -> Iterator[bytes]:
    """Rows as UTF-8, ROWS_PER_WRITE of them at a time."""
    batch: list[str] = []
    for row in rows:
        batch.append(row)
        if len(batch) == ROWS_PER_WRITE:
            yield "".join(batch).encode()
            batch.clear()
    yield "".join(batch).encode()


@dataclass
class Splice:
    """Rows to add to one worksheet, after the rows xlsxwriter wrote in it."""

    sheet: int  # the worksheet's position in the workbook, from 0
    rows: Iterable[str]  # each row's XML, from row_xml
    last_row: int  # the number of the last row, from 1
    last_column: int  # the index of the last column, from 0
    before: MadeElsewhere | None = None  # rows made by a child process, before ``rows``


def style(cell_format: Any) -> int:
    """The style number of an xlsxwriter format, as a cell's s="" attribute.

    The number xlsxwriter gives a format the first time a cell uses it; asking for it
    (its own internal call) puts the format in the workbook's styles even where no
    cell of xlsxwriter's uses it.
    """
    return int(cell_format._get_xf_index())


# How a value is written: nothing, text, a whole number or a decimal number.
CellKind = Literal["blank", "text", "int", "dec"]


def cell_kind(value: Any) -> CellKind:
    """Numbers as numbers, None as an empty cell, anything else (True too) as text."""
    if value is None:
        return "blank"
    if isinstance(value, bool):
        return "text"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "dec"
    return "text"


@dataclass(frozen=True)
class Styles:
    """The style numbers of the formats plain cells take, by kind (see cell_kind)."""

    text: int
    whole: int
    decimal: int


def value_cell(ref: str, value: Any, styles: Styles) -> str:
    """A cell for ``value`` by cell_kind: an empty cell in the text style, text or a number."""
    kind = cell_kind(value)
    if kind == "blank":
        return f'<c r="{ref}" s="{styles.text}"/>'
    if kind == "text":
        return text_cell(ref, styles.text, str(value))
    return number_cell(ref, styles.whole if kind == "int" else styles.decimal, value)


def row_xml(row: int, cells: Iterable[str]) -> str:
    """A <row> (``row`` numbered from 1) of the cells from number_cell and text_cell."""
    return f'<row r="{row}">{"".join(cells)}</row>'


def number_cell(ref: str, style: int, value: float) -> str:
    # repr: the shortest text that reads back as the same float.
    return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'


def text_cell(ref: str, style: int, text: str) -> str:
    """A cell holding ``text`` as it is (an inline string, never a formula)."""
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{_escaped(text)}</t></is></c>'


def column_letters(columns: int) -> list[str]:
    """The letters of the first ``columns`` columns: A, B, ..."""
    return [column_letter(c) for c in range(columns)]


def _escaped(text: str) -> str:
    if _NEEDS_ESCAPING.search(text) is None:  # nearly every name and word
        return text
    # As Excel and xlsxwriter: "_x0041_" written as such is kept from being read as "A",
    # then control characters, which XML cannot hold, become _xHHHH_.
    if "_x" in text:
        text = _LOOKS_ESCAPED.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def splice(path: Path, splices: list[Splice]) -> None:
    """Rewrite the workbook at ``path`` with each splice's rows in its sheet.

    The rows made here are made first, while those made elsewhere are being made. Every
    member is deflated again (see Deflater).
    """
    by_member = {f"xl/worksheets/sheet{s.sheet + 1}.xml": s for s in splices}
    made_here = {member: list(encoded(s.rows)) for member, s in by_member.items()}
    parts: list[Part] = []
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as given:
        for info in given.infolist():
            content = given.read(info)
            deflater = Deflater()
            rows = by_member.pop(info.filename, None)
            if rows is None:
                deflater.add(content)
            else:
                _write_sheet(deflater, content, rows, made_here[info.filename])
            made = deflater.finish()
            name = info.filename
            parts.append((name.encode(), not name.isascii(), zipfile.ZIP_DEFLATED, made.crc,
                          made.size, made.pieces))
    if by_member:
        raise ValueError(f"no such worksheet in {path.name}: {', '.join(by_member)}")
    path.write_bytes(zip_bytes(parts))


def _write_sheet(out: Deflater, xml: bytes, splice: Splice, chunks: Iterable[bytes]) -> None:
    end = xml.rindex(_END_OF_ROWS)
    extent = f'<dimension ref="A1:{column_letter(splice.last_column)}{splice.last_row}"/>'
    out.add(_DIMENSION.sub(extent.encode(), xml[:end], count=1))
    if splice.before is not None:
        out.insert(splice.before.deflated())
    for chunk in chunks:
        out.add(chunk)
    out.add(xml[end:])

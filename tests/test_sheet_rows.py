"""sheet_rows: rows written as XML into a workbook xlsxwriter made read back as the cells
xlsxwriter itself would have written, through openpyxl and python-calamine."""

from __future__ import annotations

import gc
import io
import os
import signal
import threading
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from kh_treem.sheet_rows import (
    MadeElsewhere,
    Splice,
    column_letters,
    number_cell,
    row_xml,
    style,
    text_cell,
)
from kh_treem.workbook import write_book

AWKWARD_TEXT = [
    "Xã Ia Đal", "A & B <C> \"D\" 'E'", " leading space", "trailing space ", "\tTab",
    "two\nlines", "_x0041_ stays as typed", "bell \x07 and nul \x00", "=1+1", "",
    "non-character \ufffe", "漢字 and emoji 🙂",
]
NUMBERS = [0.0, 1.0, -2.5, 1 / 3, 1e-05, 123456789.123, 7.2816, 2.0 ** 60]


def _book(tmp_path: Path, spliced: bool) -> Path:
    """A sheet of AWKWARD_TEXT and NUMBERS from row 2, written by xlsxwriter or spliced."""
    path = tmp_path / ("spliced.xlsx" if spliced else "xlsxwriter.xlsx")

    def fill(book: Any) -> list[Splice] | None:
        bold = book.add_format({"bold": True})
        decimal = book.add_format({"num_format": "#,##0.0000", "bg_color": "#C6EFCE"})
        sheet = book.add_worksheet("Rows")
        sheet.write_string(0, 0, "Text", bold)
        sheet.write_string(0, 1, "Number", bold)
        cells = list(zip(AWKWARD_TEXT, NUMBERS * 2, strict=False))
        if not spliced:
            for row, (text, number) in enumerate(cells, start=1):
                sheet.write_string(row, 0, text, bold)
                sheet.write_number(row, 1, number, decimal)
            return None
        text_style, number_style = style(bold), style(decimal)
        a, b = column_letters(2)
        rows = [row_xml(row, [text_cell(f"{a}{row}", text_style, text),
                              number_cell(f"{b}{row}", number_style, number)])
                for row, (text, number) in enumerate(cells, start=2)]
        return [Splice(0, rows, len(cells) + 1, 1)]

    write_book(path, fill, "summary", constant_memory=True)
    return path


def _openpyxl_cells(path: Path) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(path)["Rows"]
    return [tuple((c.value, c.data_type, c.number_format, c.font.b, c.fill.fgColor.rgb)
                  for c in row) for row in sheet.iter_rows()]


def test_spliced_rows_read_back_as_xlsxwriters(tmp_path: Path) -> None:
    """Text (escapes, control characters, spaces kept, never a formula), numbers (exact),
    and styles read back through openpyxl exactly as when xlsxwriter writes the cells."""
    spliced, written = _book(tmp_path, True), _book(tmp_path, False)
    assert _openpyxl_cells(spliced) == _openpyxl_cells(written)
    numbers = [row[1][0] for row in _openpyxl_cells(spliced)[1:]]
    assert numbers == NUMBERS + NUMBERS[:len(AWKWARD_TEXT) - len(NUMBERS)]


def test_spliced_rows_read_back_the_same_in_calamine(tmp_path: Path) -> None:
    """python-calamine (what kh-treem reads with) sees the same cells in both."""
    def read(path: Path) -> list[list[Any]]:
        book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        return book.get_sheet_by_name("Rows").to_python(skip_empty_area=False)

    spliced = read(_book(tmp_path, True))
    assert spliced == read(_book(tmp_path, False))
    assert spliced[1][0] == "Xã Ia Đal"


def test_spliced_sheet_declares_its_extent(tmp_path: Path) -> None:
    """The sheet's <dimension> covers the rows added, as xlsxwriter's would."""
    def dimension(path: Path) -> bytes:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("xl/worksheets/sheet1.xml")
        return xml[xml.index(b"<dimension"):xml.index(b"/>", xml.index(b"<dimension"))]

    assert dimension(_book(tmp_path, True)) == dimension(_book(tmp_path, False))
    assert dimension(_book(tmp_path, True)) == b'<dimension ref="A1:B13"'


def test_splice_into_a_sheet_that_is_not_there_fails(tmp_path: Path) -> None:
    """A splice that names no sheet of the workbook is an error, not rows left out."""
    def fill(book: Any) -> list[Splice]:
        book.add_worksheet("Only")
        return [Splice(3, ["<row r=\"2\"/>"], 2, 0)]

    with pytest.raises(ValueError, match=r"sheet4\.xml"):
        write_book(tmp_path / "x.xlsx", fill, "summary")
    assert not (tmp_path / "x.xlsx").exists()


ROWS = [row_xml(i, [text_cell(f"A{i}", 0, f"Xã {i:05} – Ia H’Drai")]) for i in range(1, 3001)]


def inflated(made: MadeElsewhere) -> bytes:
    """The rows as the child deflated them, held to the CRC-32 and size it gave."""
    pieces, crc, size = made.deflated()
    rows = zlib.decompressobj(-15).decompress(b"".join(pieces))
    assert (zlib.crc32(rows), len(rows)) == (crc, size)
    return rows


def test_rows_made_by_a_child_process_are_the_rows() -> None:
    """A child process (forked, on Linux) makes the rows; they come back as made, in order."""
    made = MadeElsewhere(lambda: iter(ROWS))
    assert made._child is not None  # a child made them: the test is not of the fallback
    assert inflated(made) == "".join(ROWS).encode()


@pytest.mark.parametrize("child", [True, False])
def test_rows_made_elsewhere_go_before_the_rows_made_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child: bool
) -> None:
    """A sheet's rows deflated by a child and those deflated here make one sheet, in order,
    every member of the zip whole under its CRC-32; the same where no child is had."""
    if not child:
        monkeypatch.setattr(threading, "active_count", lambda: 2)  # as with a progress bar
    before = [row_xml(i, [text_cell(f"A{i}", 0, f"Xã {i}")]) for i in range(2, 1002)]
    after = [row_xml(i, [text_cell(f"A{i}", 0, f"Xã {i}")]) for i in range(1002, 3002)]

    def fill(book: Any) -> list[Splice]:
        book.add_worksheet("Rows").write_string(0, 0, "Head")
        made = MadeElsewhere(lambda: iter(before))
        assert (made._child is not None) is child
        return [Splice(0, after, 3001, 0, made)]

    path = tmp_path / "x.xlsx"
    write_book(path, fill, "summary", constant_memory=True)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert xml.index(before[-1]) < xml.index(after[0])
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Rows").to_python()
    assert [r[0] for r in rows] == ["Head", *(f"Xã {i}" for i in range(2, 3002))]


def test_rows_are_made_here_when_the_child_fails() -> None:
    """Where the child fails, the rows are made in this process, which would show the error."""
    parent = os.getpid()

    def rows() -> Iterator[str]:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return iter(ROWS)

    made = MadeElsewhere(rows)
    assert made._child is not None
    assert inflated(made) == "".join(ROWS).encode()


def test_no_child_while_another_thread_runs() -> None:
    """A fork copies only its own thread (a progress bar's thread may hold a lock): with
    another thread running, the rows are made here, when read."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        made = MadeElsewhere(lambda: iter(ROWS))
    finally:
        stop.set()
        other.join()
    assert made._child is None
    assert inflated(made) == "".join(ROWS).encode()


def test_rows_are_made_here_when_no_process_can_be_had(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the system refuses a new process (a limit reached), the rows are made here."""

    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    made = MadeElsewhere(lambda: iter(ROWS))
    assert made._child is None
    assert inflated(made) == "".join(ROWS).encode()


def test_rows_are_made_here_when_the_child_was_reaped_elsewhere() -> None:
    """A host process that ignores SIGCHLD has its children reaped by the system: with no
    word from the child, the rows are made here."""
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        made = MadeElsewhere(lambda: iter(ROWS))
        assert made._child is not None
        assert inflated(made) == "".join(ROWS).encode()
    finally:
        signal.signal(signal.SIGCHLD, previous)


def test_a_child_whose_rows_are_never_read_is_reaped() -> None:
    """Rows never read (the book failed before them): the child is waited for, and its file
    closed, once the object goes, not left a zombie in a long-lived process."""
    made = MadeElsewhere(lambda: iter(ROWS))
    child = made._child
    assert child is not None
    del made
    gc.collect()
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)

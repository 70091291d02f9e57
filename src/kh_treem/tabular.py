"""CSV files as rows of text, the way Excel on Vietnamese Windows saves them.

UTF-8 with or without a byte-order mark; failing that, Windows-1258 (Excel's
"CSV" on Vietnamese Windows), which the caller reports. Comma or semicolon,
whichever the first lines use more.

No row is lost without a word: lines the csv module cannot read (a quote in the
wrong place, or one never closed) are named, and the lines after them are read; a
record that runs over several lines (a quoted line break, or a stray quote that the
next one closes) is named with its lines; a field longer than any spreadsheet cell
(32,767 characters) is named. Lines end at a line feed or a carriage return, as in
Excel and LibreOffice; a line holding another character that text editors break lines
at (U+2028, a form feed, ...) is named, as a row may hide behind it.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

MAX_FIELD = 32_767  # the most characters an Excel or LibreOffice cell holds
# Characters str.splitlines breaks at and a CSV reader does not (nor Excel): a line
# written with them reads as one row, the rows after the first in the fields that follow.
_OTHER_LINE_BREAKS = {"\v": "U+000B", "\f": "U+000C", "\x1c": "U+001C", "\x1d": "U+001D",
                      "\x1e": "U+001E", "\x85": "U+0085", "\u2028": "U+2028",
                      "\u2029": "U+2029"}


@dataclass
class CsvTable:
    rows: list[list[Any]] | None  # None: more rows than the limit
    row_count: int = 0
    # (problem type, parameters), in the order of the lines
    problems: list[tuple[str, dict[str, object]]] = field(default_factory=list)


def read_csv(data: bytes, max_rows: int) -> CsvTable:
    table = CsvTable([])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Windows-1258 writes tones as combining marks: compose them as typed.
        text = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
        table.problems.append(("csv-windows-1258", {}))
    # A title line may have no separator at all: look at the first lines together.
    head = "\n".join(text.split("\n", 20)[:20])
    delimiter = ";" if head.count(";") > head.count(",") else ","
    if len(text) > csv.field_size_limit():  # a long field is read, then named (below)
        csv.field_size_limit(len(text))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    odd_breaks = any(char in text for char in _OTHER_LINE_BREAKS)  # rows are searched if so
    rows: list[list[Any]] = []
    line = 1  # where the next record starts
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:  # the lines of the record it was reading are not read
            table.problems.append(("csv-quote", {"line": line, "last": reader.line_num}))
            line = reader.line_num + 1
            continue
        if reader.line_num > line:
            table.problems.append(("csv-multiline", {"line": line, "last": reader.line_num}))
        if any(len(value) > MAX_FIELD for value in row):
            table.problems.append(("csv-field-too-long", {"line": line, "limit": MAX_FIELD}))
        breaks = _hiding_rows(row) if odd_breaks else []
        if breaks:
            table.problems.append(("csv-line-break", {"line": line, "found": ", ".join(breaks)}))
        line = reader.line_num + 1
        rows.append(row)
        if len(rows) > max_rows:
            table.rows, table.row_count = None, len(rows)
            return table
    table.rows, table.row_count = rows, len(rows)
    return table


def _hiding_rows(row: list[str]) -> list[str]:
    """The line-break characters of ``row`` that may hide a row: those in a field that
    other, non-empty fields follow (a note with a pasted line separator, in the last
    column, hides none)."""
    last = max((at for at, value in enumerate(row) if value), default=0)
    return sorted({code for value in row[:last] for char, code in _OTHER_LINE_BREAKS.items()
                   if char in value})

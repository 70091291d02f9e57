"""CSV files as rows of text, the way Excel on Vietnamese Windows saves them.

UTF-8 with or without a byte-order mark; failing that, Windows-1258 (Excel's
"CSV" on Vietnamese Windows), which the caller reports. Comma or semicolon,
whichever the first line uses more.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CsvTable:
    rows: list[list[Any]]
    legacy_encoding: bool


def read_csv(data: bytes) -> CsvTable:
    try:
        text = data.decode("utf-8-sig")
        legacy = False
    except UnicodeDecodeError:
        # Windows-1258 writes tones as combining marks: compose them as typed.
        text = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
        legacy = True
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows: list[list[Any]] = [list(row) for row in csv.reader(io.StringIO(text, newline=""),
                                                                 delimiter=delimiter)]
    return CsvTable(rows, legacy)

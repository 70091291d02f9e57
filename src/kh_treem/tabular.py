"""CSV files as rows of text, the way Excel on Vietnamese Windows saves them.

UTF-8 with or without a byte-order mark; failing that, Windows-1258 (Excel's
"CSV" on Vietnamese Windows), which the caller reports. Comma or semicolon,
whichever the first lines use more.
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
    # A title line may have no separator at all: look at the first lines together.
    head = "\n".join(text.split("\n", 20)[:20])
    delimiter = ";" if head.count(";") > head.count(",") else ","
    rows: list[list[Any]] = [list(row) for row in csv.reader(io.StringIO(text, newline=""),
                                                                 delimiter=delimiter)]
    return CsvTable(rows, legacy)

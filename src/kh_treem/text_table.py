"""Fixed-width text tables, for tables too long for rich to lay out in good time.

rich measures every cell of a table to wrap it into the terminal; for the
check of 10,000 files that takes longer than reading them. These tables never
wrap: one row a line, columns two spaces apart (so that ``grep`` finds a file
and splitting on two spaces gives its cells back).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence


def text_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: combining marks (decomposed Vietnamese) take none."""
    if text.isascii():
        return len(text)
    return sum(not unicodedata.combining(ch) for ch in text)


def layout(
    header: Sequence[str], rows: Sequence[Sequence[str]], right: Collection[int] = ()
) -> list[str]:
    """The header, a rule under it, and the rows, each padded to its column's width.

    Columns whose index is in ``right`` are aligned to the right (numbers).
    """
    widths = [text_width(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], text_width(cell))

    def line(cells: Sequence[str]) -> str:
        padded = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - text_width(cell))
            padded.append(pad + cell if i in right else cell + pad)
        return "  ".join(padded).rstrip()

    return [line(header), "  ".join("─" * w for w in widths), *map(line, rows)]

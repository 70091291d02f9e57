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
    return len(text) - sum(map(bool, map(unicodedata.combining, text)))


def layout(
    header: Sequence[str], rows: Sequence[Sequence[str]], right: Collection[int] = ()
) -> list[str]:
    """The header, a rule under it, and the rows, each padded to its column's width.

    Columns whose index is in ``right`` are aligned to the right (numbers).
    """
    # Each cell measured once: a check of 10,000 files has 70,000 cells.
    measured = [[(cell, text_width(cell)) for cell in row] for row in [header, *rows]]
    widths = [0] * len(header)
    for row in measured:
        for i, (_, width) in enumerate(row):
            widths[i] = max(widths[i], width)

    def line(cells: list[tuple[str, int]]) -> str:
        padded = []
        for i, (cell, width) in enumerate(cells):
            pad = " " * (widths[i] - width)
            padded.append(pad + cell if i in right else cell + pad)
        return "  ".join(padded).rstrip()

    return [line(measured[0]), "  ".join("─" * w for w in widths), *map(line, measured[1:])]

"""Cells named as an officer reads them: A1, E14, AA10."""

from __future__ import annotations

from functools import lru_cache


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@lru_cache(maxsize=8192)  # the same few cells are named in every one of thousands of files
def cell_name(row: int, col: int) -> str:
    """(0, 0) -> A1, (9, 26) -> AA10."""
    return f"{column_letter(col)}{row + 1}"

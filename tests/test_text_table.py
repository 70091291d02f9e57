"""Plain fixed-width tables: widths in terminal columns, numbers to the right, never wrapped."""

from __future__ import annotations

import re
import unicodedata

import pytest

from kh_treem.text_table import layout, text_width


@pytest.mark.parametrize(("text", "width"), [
    ("", 0),
    ("Ia Dom", 6),
    ("Ia Tơi", 6),  # precomposed ơ: one column
    (unicodedata.normalize("NFD", "Ia Tơi"), 6),  # o + combining horn: still one column
    (unicodedata.normalize("NFD", "Đã dùng"), 7),
])
def test_text_width_counts_columns_not_code_points(text: str, width: int) -> None:
    """Combining marks take no column, so decomposed Vietnamese lines up with composed."""
    assert text_width(text) == width


def test_layout_pads_columns_and_aligns_numbers_right() -> None:
    """Each column is as wide as its widest cell; right columns are padded on the left."""
    lines = layout(["Tệp", "Số liệu"], [["a.xlsx", "51"], ["thư mục/b.xlsx", "7"]], right={1})
    assert lines == [
        "Tệp             Số liệu",
        "──────────────  ───────",
        "a.xlsx               51",
        "thư mục/b.xlsx        7",
    ]


def test_layout_rows_split_back_into_their_cells() -> None:
    """Splitting a row on two spaces gives its cells back, however long the first one is."""
    path = "cum-01/" + "x" * 300 + ".xlsx"
    nfd = unicodedata.normalize("NFD", "Xã Ia Tơi")
    lines = layout(["Tệp", "Xã", "Lỗi"], [[path, nfd, "0"], ["b.xlsx", "Ia Dom", "12"]],
                   right={2})
    assert [re.split(r"\s{2,}", line) for line in lines[2:]] == [
        [path, nfd, "0"], ["b.xlsx", "Ia Dom", "12"]]
    assert len(lines) == 4  # one line a row: nothing wrapped


def test_layout_of_no_rows_is_the_header_and_its_rule() -> None:
    """An empty table still shows what its columns would hold."""
    assert layout(["Tệp", "Xã"], []) == ["Tệp  Xã", "───  ──"]

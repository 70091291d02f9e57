"""Reading one cell's figure: counts and flags as docs/contract.md ("Values") types them.

A count is a whole number >= 0 given as a number or as text with Vietnamese
thousands separators; "-" is 0, ".." / "..." / "…" is not available, blank is
not reported (never 0). Anything else is rejected with what was found.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kh_treem.values import MAX_COUNT, Rejected, parse_count, parse_flag

COUNTS = [
    # numbers
    pytest.param(412, 412, id="int"),
    pytest.param(0, 0, id="int-zero"),
    pytest.param(412.0, 412, id="float-whole"),
    pytest.param(0.0, 0, id="float-zero"),
    pytest.param(12.5, Rejected("not-whole", "12.5"), id="float-fraction"),
    pytest.param(-3, Rejected("negative", "-3"), id="int-negative"),
    pytest.param(-3.0, Rejected("negative", "-3"), id="float-negative"),
    pytest.param(float("nan"), Rejected("not-a-number", "nan"), id="float-nan"),
    pytest.param(-0.0, 0, id="float-minus-zero"),
    pytest.param(100_000_000, 100_000_000, id="int-the-most"),
    pytest.param(100_000_001, Rejected("count-too-large", "100000001"), id="int-over-the-most"),
    pytest.param(1.7e308, Rejected("count-too-large", "1.7e+308"), id="float-near-its-limit"),
    pytest.param(10**400, Rejected("count-too-large", "1" + "0" * 400), id="int-400-digits"),
    # text numbers
    pytest.param("412", 412, id="text-plain"),
    pytest.param(" 1.234 ", 1234, id="text-dot-group-padded"),
    pytest.param("1 234", 1234, id="text-space-group"),
    pytest.param("1\u00a0234", 1234, id="text-nbsp-group"),
    pytest.param("1.234.567", 1234567, id="text-two-dot-groups"),
    pytest.param("1 234 567", 1234567, id="text-two-space-groups"),
    pytest.param("12,5", Rejected("not-whole", "12,5"), id="text-decimal-comma"),
    pytest.param("412.0", Rejected("not-whole", "412.0"), id="text-decimal-point"),
    pytest.param("-5", Rejected("negative", "-5"), id="text-negative"),
    pytest.param("-0", 0, id="text-minus-zero"),
    pytest.param("100.000.001", Rejected("count-too-large", "100.000.001"),
                 id="text-over-the-most"),
    pytest.param("1.23", Rejected("not-whole", "1.23"), id="text-short-group"),
    pytest.param("1.234 567", Rejected("not-a-number", "1.234 567"), id="text-mixed-separators"),
    pytest.param("khoảng 30", Rejected("not-a-number", "khoảng 30"), id="text-words"),
    pytest.param("  khoảng 30 ", Rejected("not-a-number", "khoảng 30"), id="text-words-stripped"),
    # statistical conventions
    pytest.param("-", 0, id="dash-is-zero"),
    pytest.param(" - ", 0, id="dash-padded-is-zero"),
    pytest.param("..", None, id="two-dots-not-available"),
    pytest.param("...", None, id="three-dots-not-available"),
    pytest.param("…", None, id="ellipsis-not-available"),
    # blanks
    pytest.param("", None, id="empty-text"),
    pytest.param("   ", None, id="spaces"),
    pytest.param("\u00a0", None, id="nbsp-only"),
    pytest.param(None, None, id="none"),
    # other cell types
    pytest.param(True, Rejected("not-a-number", "True"), id="bool-true"),
    pytest.param(False, Rejected("not-a-number", "False"), id="bool-false"),
    pytest.param(dt.date(2022, 3, 4), Rejected("not-a-number", "2022-03-04"), id="date"),
    pytest.param(
        dt.datetime(2022, 3, 4, 0, 0), Rejected("not-a-number", "2022-03-04T00:00:00"),
        id="datetime",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), COUNTS)
def test_parse_count(raw: object, expected: object) -> None:
    """parse_count reads each way a count is typed as the spec's Values section says."""
    assert parse_count(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(412.0, id="float"),
        pytest.param(" 1.234 ", id="dot-group"),
        pytest.param("1 234", id="space-group"),
        pytest.param("-", id="dash"),
    ],
)
def test_parse_count_returns_a_plain_int(raw: object) -> None:
    """An accepted count is a Python int, never a float or a bool."""
    assert type(parse_count(raw)) is int


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


FLAGS = [
    pytest.param(1, 1, id="one"),
    pytest.param(0, 0, id="zero"),
    pytest.param(1.0, 1, id="one-float"),
    pytest.param("1", 1, id="one-text"),
    pytest.param("0", 0, id="zero-text"),
    pytest.param("có", 1, id="co"),
    pytest.param("Có", 1, id="co-capital"),
    pytest.param("CÓ", 1, id="co-upper"),
    pytest.param(_nfd("có"), 1, id="co-nfd"),
    pytest.param("co", 1, id="co-bare"),
    pytest.param("đạt", 1, id="dat"),
    pytest.param("ĐẠT", 1, id="dat-upper"),
    pytest.param(_nfd("Đạt"), 1, id="dat-nfd"),
    pytest.param("x", 1, id="x"),
    pytest.param("X", 1, id="x-upper"),
    pytest.param("yes", 1, id="yes"),
    pytest.param("Yes", 1, id="yes-capital"),
    pytest.param(" có ", 1, id="co-padded"),
    pytest.param("không", 0, id="khong"),
    pytest.param("KHÔNG", 0, id="khong-upper"),
    pytest.param(_nfd("không"), 0, id="khong-nfd"),
    pytest.param("không đạt", 0, id="khong-dat"),
    pytest.param("Không  Đạt", 0, id="khong-dat-double-space"),
    pytest.param(_nfd("KHÔNG ĐẠT"), 0, id="khong-dat-upper-nfd"),
    pytest.param("chưa đạt", 0, id="chua-dat"),
    pytest.param("CHƯA ĐẠT", 0, id="chua-dat-upper"),
    pytest.param(_nfd("chưa đạt"), 0, id="chua-dat-nfd"),
    pytest.param("no", 0, id="no"),
    pytest.param("NO", 0, id="no-upper"),
    pytest.param(2, Rejected("not-a-flag", "2"), id="two"),
    pytest.param("2", Rejected("not-a-flag", "2"), id="two-text"),
    pytest.param(0.5, Rejected("not-a-flag", "0.5"), id="half"),
    pytest.param(-1, Rejected("not-a-flag", "-1"), id="minus-one"),
    pytest.param("có lẽ", Rejected("not-a-flag", "có lẽ"), id="maybe"),
    pytest.param(True, Rejected("not-a-flag", "True"), id="bool"),
    pytest.param("", None, id="blank"),
    pytest.param(None, None, id="none"),
    pytest.param("...", None, id="not-available"),
]


@pytest.mark.parametrize(("raw", "expected"), FLAGS)
def test_parse_flag(raw: object, expected: object) -> None:
    """parse_flag reads 1/0 and the yes/no words whatever their case, diacritics or form."""
    assert parse_flag(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("-" * 5000, id="long-dashes"),
        pytest.param("1" * 5000, id="long-digits"),
        pytest.param("1" + ".234" * 1500, id="long-grouped"),
    ],
)
def test_parse_count_never_raises_on_long_text(text: str) -> None:
    """A long cell text (Excel allows 32,767 characters) is read or rejected, never raises."""
    result = parse_count(text)
    assert result is None or isinstance(result, (int, Rejected))


def _grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=MAX_COUNT),
    sep=st.sampled_from([".", " ", "\u00a0"]),
    pad=st.sampled_from(["", " ", "  "]),
)
def test_grouped_counts_parse_back(n: int, sep: str, pad: str) -> None:
    """Any count >= 0 written with '.', ' ' or no-break-space thousands groups reads as itself."""
    assert parse_count(pad + _grouped(n, sep) + pad) == n


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=0, max_value=MAX_COUNT))
def test_counts_as_numbers_and_plain_text_parse_back(n: int) -> None:
    """Any count >= 0 given as an int, a whole float or plain digits reads as itself."""
    assert parse_count(n) == n
    assert parse_count(str(n)) == n
    assert parse_count(float(n)) == n


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_parse_count_total_on_text(text: str) -> None:
    """parse_count never raises on arbitrary text and returns int >= 0, None or Rejected."""
    result = parse_count(text)
    assert result is None or isinstance(result, Rejected) or (
        type(result) is int and result >= 0
    )


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_parse_flag_total_on_text(text: str) -> None:
    """parse_flag never raises on arbitrary text and returns 0, 1, None or Rejected."""
    result = parse_flag(text)
    assert result in (0, 1, None) or isinstance(result, Rejected)

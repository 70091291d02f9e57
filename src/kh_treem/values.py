"""Reading one cell's figure the way Vietnamese statistical forms are typed.

A value is a whole count >= 0 (or a 0/1 flag). It may come as a number, as
text with Vietnamese thousands separators ("1.234", "1 234"), or as the
conventions "-" (the event did not occur: 0) and "..." (not available). A blank
is *not reported*, never 0.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kh_treem.names import fold

# Digits in groups of three, separated by '.', a space, a no-break or a thin space.
_GROUPED = re.compile(r"^\d{1,3}(?:([. \u00a0\u202f])\d{3})(?:\1\d{3})*$")
_NOT_AVAILABLE = {"..", "...", "…"}
# More than the country's population: no count of a commune can be this large (a typo, or
# a number that would not even be a float: 1e308 children).
MAX_COUNT = 100_000_000
_FLAG_WORDS = {
    **dict.fromkeys(("1", "co", "dat", "x", "yes"), 1),
    **dict.fromkeys(("0", "khong", "khong dat", "chua dat", "no"), 0),
}


@dataclass(frozen=True)
class Rejected:
    """Why a cell's content is not a figure: a problem type and what was found."""

    type: str
    found: str


CellValue = int | None | Rejected


def parse_count(raw: object) -> CellValue:
    """A whole count >= 0, None when not reported, or why it was rejected."""
    value = _count(raw)
    if isinstance(value, int) and value > MAX_COUNT:  # named as typed, 1e+308 as such
        found = f"{raw:g}" if isinstance(raw, float) else str(raw).strip()
        return Rejected("count-too-large", found)
    return value


def _count(raw: object) -> CellValue:
    if type(raw) is float and raw.is_integer() and raw >= 0:
        return int(raw)  # what nearly every cell of an .xlsx holds: decided first
    if raw is None or isinstance(raw, (bool, dt.date, dt.time, dt.timedelta)):
        return _from_other(raw)
    if isinstance(raw, int):
        return raw if raw >= 0 else Rejected("negative", str(raw))
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return Rejected("not-a-number", str(raw))
        if not raw.is_integer():
            return Rejected("not-whole", repr(raw))
        return int(raw) if raw >= 0 else Rejected("negative", str(int(raw)))
    if isinstance(raw, str):
        return _parse_text(raw)
    return Rejected("not-a-number", str(raw))


def parse_flag(raw: object) -> CellValue:
    """1 or 0 from a number or a yes/no word, None when blank, or why it was rejected."""
    if isinstance(raw, str):
        text = raw.strip()
        if not text or text in _NOT_AVAILABLE:
            return None
        word = _FLAG_WORDS.get(fold(text))
        return word if word is not None else Rejected("not-a-flag", text)
    value = parse_count(raw)
    if isinstance(value, int) and value not in (0, 1):
        return Rejected("not-a-flag", str(value))
    if isinstance(value, Rejected):
        return Rejected("not-a-flag", value.found)
    return value


# No count has this many digits; longer text is not a number (and int() would refuse it).
_MAX_DIGITS = 30


def _digits(text: str) -> int | None:
    """The count a text spells with plain or grouped digits, else None."""
    if len(text) > _MAX_DIGITS * 2:
        return None
    if text.isdecimal() and text.isascii() and len(text) <= _MAX_DIGITS:
        return int(text)
    if _GROUPED.match(text):
        return _digits(re.sub(r"\D", "", text))
    return None


def _parse_text(raw: str) -> CellValue:
    text = raw.strip()  # str.strip() removes no-break spaces too
    if not text or text in _NOT_AVAILABLE:
        return None
    if text == "-":
        return 0
    count = _digits(text)
    if count is not None:
        return count
    if text.startswith("-") and (negated := _digits(text[1:].strip())) is not None:
        return 0 if negated == 0 else Rejected("negative", text)  # "-0" is 0
    if re.fullmatch(r"\d+[.,]\d+", text):
        return Rejected("not-whole", text)
    return Rejected("not-a-number", text)


def _from_other(raw: object) -> CellValue:
    if raw is None:
        return None
    if isinstance(raw, (dt.datetime, dt.date)):
        return Rejected("not-a-number", raw.isoformat())
    return Rejected("not-a-number", str(raw))


"""Numbers as an officer reads them: 1.234 and 86,96 % in Vietnamese.

A value is shown with as many decimals as it takes never to print equal to
its target unless it is (86,96 %, not 87,0 %), and never to print 0 unless it is.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from kh_treem.i18n import word
from kh_treem.plan import Measure, Target
from kh_treem.problems import Words
from kh_treem.scoring import Outcome

MAX_DECIMALS = 12

# What a terminal acts on instead of showing (C0 and C1 controls, DEL, line and paragraph
# separators, bidirectional marks and overrides), what it shows as nothing (zero-width
# spaces and joiners, the byte-order mark), and the lone surrogates by which Python keeps the
# bytes of a file name that are not UTF-8 (no encoding can write them), and the two
# noncharacters XML refuses (U+FFFE, U+FFFF).
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069"
    "\ufeff\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` as it may be shown: each character above written as an escape ("\\x1b",
    "\\n"), a file name's undecodable byte as "\\xff". Every text that came in (a cell, a
    sheet or file name) goes through here before it reaches a terminal or a workbook."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if "\udc80" <= char <= "\udcff":  # os.fsdecode's stand-in for one byte
        return f"\\x{ord(char) - 0xDC00:02x}"
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")


def rounded(value: Fraction | int, decimals: int) -> Fraction:
    """Rounded half away from zero, as people round (31,25 -> 31,3), not to even."""
    scale = 10**decimals
    magnitude = math.floor(abs(Fraction(value)) * scale + Fraction(1, 2))
    return Fraction(magnitude if value >= 0 else -magnitude, scale)


def number(value: Fraction | int, decimals: int, lang: str) -> str:
    """``value`` rounded to ``decimals``, grouped by thousands in the officer's style."""
    shown = rounded(value, decimals)
    text = f"{float(shown):,.{decimals}f}" if decimals else f"{int(shown):,}"
    if lang == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def in_words(value: Fraction | int, decimals: int = 0) -> Words:
    """A number as the officer reads it, for a problem's message in either language:
    18.500, 18,500."""
    return Words(number(value, decimals, "vi"), number(value, decimals, "en"))


def decimals_for(value: Fraction, target: Fraction | None = None) -> int:
    """How many decimals ``value`` needs so that it reads true beside ``target``."""
    if value.denominator == 1:
        return 0

    def misleading(decimals: int) -> bool:
        shown = rounded(value, decimals)
        return shown == 0 or (target is not None and shown == target and value != target)

    decimals = 1
    while decimals < MAX_DECIMALS and misleading(decimals):
        decimals += 1
    return decimals


def with_unit(text: str, target: Target, lang: str) -> str:
    if target.unit in ("communes", "persons"):
        unit = word(target.unit, lang)
        if lang == "en" and text == "1":
            unit = unit.removesuffix("s")  # "1 commune", "1 person"
        return f"{text} {unit}"
    if lang == "en":
        return f"{text}{target.unit.replace('.', ',')}"  # "/100,000" in English
    return f"{text}{target.unit}"


def target_text(target: Target, lang: str) -> str:
    """"≥ 87%", "< 9,8‰", "≥ 2 xã"."""
    shown = number(target.target, decimals_for(target.target), lang)
    return f"{target.direction.sign} {with_unit(shown, target, lang)}"


def value_text(outcome: Outcome, lang: str) -> str:
    """The value with its unit and, where it helps the reader, the counts behind it."""
    t = outcome.target
    if outcome.status == "no_data":
        return "—"
    if t.measure is Measure.UNITS:
        share = Fraction(outcome.numerator or 0, outcome.denominator or 1) * 100
        shown = number(share, decimals_for(share), lang)
        return f"{outcome.numerator}/{outcome.denominator} {word('communes', lang)} ({shown}%)"
    if t.measure is Measure.REDUCTION:
        counts = f"({outcome.denominator} → {outcome.numerator})"
        if outcome.value is None:
            return f"— {counts}"
        return f"{number(outcome.value, decimals_for(outcome.value, t.target), lang)}% {counts}"
    if outcome.value is None:  # not applicable: nothing to divide by
        return f"{outcome.numerator}/{outcome.denominator}"
    shown = number(outcome.value, decimals_for(outcome.value, t.target), lang)
    return with_unit(shown, t, lang)

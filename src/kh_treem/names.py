"""Matching names and labels the way an officer reads them.

Officers type "Ia Đal", "IA DAL", "Xã Ia Đal", NFD text from a Mac, ’ or ',
and old district templates still carry text typed in the TCVN3 (.VnTime) or
VNI fonts. Two texts match when their folded keys are equal.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from importlib import resources

_APOSTROPHES = re.compile(r"[’‘'`ʼ´]")
# Đ and the letters that look like it (the Icelandic eth Ð, ð) are read as d.
_LOOKALIKES = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D", "ð": "d"})
_SPACES = re.compile(r"[\s_]+")
_UNIT_PREFIX = re.compile(r"^(?:ubnd\s+)?(?:xa|phuong|thi tran)\s+")


@lru_cache(maxsize=65536)  # codes, labels and names repeat in every file of a folder
def fold(text: str) -> str:
    """Case-, diacritics-, Unicode-form- and spacing-insensitive key of a text."""
    decomposed = unicodedata.normalize("NFD", text).translate(_LOOKALIKES)
    # Combining marks (the tones) and invisible format characters (a zero-width space, a
    # byte-order mark) go: what an officer cannot see must not tell two names apart.
    bare = "".join(ch for ch in decomposed
                   if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf")
    bare = _APOSTROPHES.sub("", bare.casefold())
    return _SPACES.sub(" ", bare).strip()


def fold_label(text: str) -> str:
    """Key of a label cell: folded, a trailing colon dropped."""
    return fold(text).rstrip(":").rstrip()


@cache
def _legacy_decoders() -> tuple[Callable[[str], str], ...]:
    """For TCVN3 and VNI, a function reading a text typed in that encoding as Unicode.

    At each position the two-letter sequence wins over the single letter (one
    regular expression, longest alternatives first, in place of a loop over letters).
    """
    decoders = []
    for table in _legacy_tables():
        keys = sorted(table, key=len, reverse=True)
        pattern = re.compile("|".join(map(re.escape, keys)))

        def decode(text: str, pattern: re.Pattern[str] = pattern,
                   table: dict[str, str] = table) -> str:
            return pattern.sub(lambda m: table[m.group()], text)

        decoders.append(decode)
    return tuple(decoders)


def _legacy_tables() -> tuple[dict[str, str], dict[str, str]]:
    table = resources.files("kh_treem").joinpath("data").joinpath("vietnamese-legacy-encodings.tsv")
    tcvn3: dict[str, str] = {}
    vni: dict[str, str] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("unicode\t"):
            continue
        uni, tcvn3_seq, vni_seq = line.split("\t")
        # A few legacy sequences stand for two letters; the first listed wins.
        tcvn3.setdefault(tcvn3_seq, uni)
        vni.setdefault(vni_seq, uni)
    return tcvn3, vni


def decodings(text: str) -> list[str]:
    """The text as typed, then as TCVN3 and as VNI would read it, if those differ."""
    readings = [text]
    if not text.isascii():
        for decode in _legacy_decoders():
            decoded = decode(text)
            if decoded not in readings:
                readings.append(decoded)
    return readings


# No label or header is longer; a longer cell (a sentence of instructions) is none.
MAX_LABEL_LENGTH = 60
_NOT_A_LABEL: frozenset[str] = frozenset()


@lru_cache(maxsize=65536)  # the same headers come back in every file of a folder
def label_keys(text: str) -> frozenset[str]:
    """Every folded key a label cell may stand for (Unicode, TCVN3, VNI)."""
    if len(text) > MAX_LABEL_LENGTH:
        return _NOT_A_LABEL
    return frozenset(fold_label(reading) for reading in decodings(text))


def unit_key(text: str) -> str:
    """Key of a unit's name: folded, a leading 'Xã' dropped."""
    return _UNIT_PREFIX.sub("", fold(text))


class UnitMatcher:
    """Finds the plan's unit an officer's spelling stands for."""

    def __init__(self, units: Iterable[str]) -> None:
        self.units = list(units)
        self._exact = set(self.units)
        self._keys: dict[str, str] | None = None  # folded key -> unit, made when first needed
        self._matched: dict[str, str | None] = {}  # a folder sends the same names again

    def match(self, text: str) -> str | None:
        if text in self._exact:  # spelled as the plan spells it: no index of 10,000 keys needed
            return text
        if text not in self._matched:
            if self._keys is None:
                self._keys = {unit_key(u): u for u in self.units}
            keys = self._keys
            self._matched[text] = next(
                (u for r in decodings(text) if (u := keys.get(unit_key(r)))), None)
        return self._matched[text]

    def suggest(self, text: str) -> str:
        """The nearest of the plan's units, to put in an error message."""
        return nearest(text, self.units, key=unit_key)


def nearest(text: str, choices: list[str], key: Callable[[str], str] = fold) -> str:
    """The choice that looks most like ``text``, for a "did you mean" hint."""
    keyed = {key(c): c for c in choices}
    return keyed[difflib.get_close_matches(key(text), list(keyed), n=1, cutoff=0)[0]]

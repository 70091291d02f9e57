"""Matching names and labels the way an officer reads them (SUBMISSIONS.md, "Values").

Names and labels match whatever their case, diacritics, Unicode form, spacing,
apostrophe and a leading "Xã", and also when typed in the legacy TCVN3 (.VnTime)
or VNI encodings; legacy spellings here are built from the bundled table.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kh_treem.names import UnitMatcher, decodings, fold, label_keys, unit_key
from tests.forms import PLAN

UNITS = ["Ia Đal", "Ia Dom", "Ia Tơi"]


@cache
def _legacy_encoders() -> dict[str, dict[str, str]]:
    """Unicode letter -> its TCVN3 and VNI sequences, read from the bundled table."""
    table = resources.files("kh_treem").joinpath("data", "vietnamese-legacy-encodings.tsv")
    encoders: dict[str, dict[str, str]] = {"tcvn3": {}, "vni": {}}
    for line in table.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("unicode\t"):
            continue
        uni, tcvn3, vni = line.split("\t")
        encoders["tcvn3"].setdefault(uni, tcvn3)
        encoders["vni"].setdefault(uni, vni)
    return encoders


def legacy(text: str, encoding: str) -> str:
    """``text`` as a cell typed with a TCVN3 or VNI font shows it to a Unicode reader."""
    table = _legacy_encoders()[encoding]
    return "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_plan_units_are_the_three_communes() -> None:
    """The matcher below is built on the plan's own units, the three communes of the spec."""
    assert PLAN.units == UNITS


@pytest.fixture
def matcher() -> UnitMatcher:
    return UnitMatcher(PLAN.units)


@pytest.mark.parametrize(
    ("typed", "unit"),
    [
        pytest.param("Ia Đal", "Ia Đal", id="exact"),
        pytest.param("XA IA DAL", "Ia Đal", id="upper-no-diacritics-with-xa"),
        pytest.param("Xã Ia Đal", "Ia Đal", id="xa-prefix"),
        pytest.param("xã ia đal", "Ia Đal", id="lower-xa-prefix"),
        pytest.param("ia dal", "Ia Đal", id="bare-d"),
        pytest.param("Xã Ia Tơi", "Ia Tơi", id="nfc"),
        pytest.param(nfd("Xã Ia Tơi"), "Ia Tơi", id="nfd"),
        pytest.param("ia  tơi", "Ia Tơi", id="double-space"),
        pytest.param("  Ia Tơi\t", "Ia Tơi", id="padding-and-tab"),
        pytest.param("Ia\u00a0Tơi", "Ia Tơi", id="nbsp"),
        pytest.param("Ia_Dom", "Ia Dom", id="underscore"),
        pytest.param("Ia \u00d0al", "Ia Đal", id="eth-for-d-bar"),
        pytest.param("ia \u00f0al", "Ia Đal", id="small-eth"),
        pytest.param("Ia Đ\u200bal", "Ia Đal", id="zero-width-space"),
        pytest.param("\ufeffIa Dom", "Ia Dom", id="byte-order-mark"),
        pytest.param("Ia\u2060 Dom\u200d", "Ia Dom", id="word-joiner-zwj"),
        pytest.param("IA_DOM", "Ia Dom", id="underscore-upper"),
        pytest.param("Ia §al", "Ia Đal", id="tcvn3-literal"),
        pytest.param("Ia T¬i", "Ia Tơi", id="tcvn3-literal-o-horn"),
        pytest.param("Ia Ñal", "Ia Đal", id="vni-literal"),
        pytest.param(legacy("Xã Ia Đal", "tcvn3"), "Ia Đal", id="tcvn3-with-xa"),
        pytest.param(legacy("Xã Ia Tơi", "vni"), "Ia Tơi", id="vni-with-xa"),
        pytest.param(legacy("Ia Tơi", "vni"), "Ia Tơi", id="vni-o-horn"),
        pytest.param(legacy("IA ĐAL", "tcvn3"), "Ia Đal", id="tcvn3-upper"),
        pytest.param(legacy("IA ĐAL", "vni"), "Ia Đal", id="vni-upper"),
    ],
)
def test_unit_matcher_finds_the_unit(matcher: UnitMatcher, typed: str, unit: str) -> None:
    """Every spelling an officer may type of a commune's name matches that commune."""
    assert matcher.match(typed) == unit


@pytest.mark.parametrize(
    ("literal", "unicode", "encoding"),
    [
        pytest.param("Ia §al", "Ia Đal", "tcvn3", id="tcvn3-dal"),
        pytest.param("Ia T¬i", "Ia Tơi", "tcvn3", id="tcvn3-toi"),
        pytest.param("Ia Ñal", "Ia Đal", "vni", id="vni-dal"),
        pytest.param("§¬n vÞ", "Đơn vị", "tcvn3", id="tcvn3-don-vi"),
        pytest.param("Ñôn vò", "Đơn vị", "vni", id="vni-don-vi"),
    ],
)
def test_legacy_literals_agree_with_the_table(literal: str, unicode: str, encoding: str) -> None:
    """The legacy spellings written out in these tests are what the bundled table gives."""
    assert legacy(unicode, encoding) == literal
    assert unicode in decodings(literal)


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("Ia Grai", id="other-district-commune"),
        pytest.param("Ia Dorn", id="misspelt"),
        pytest.param("Sa Thầy", id="unrelated"),
        pytest.param("Ia", id="prefix-only"),
        pytest.param("", id="empty"),
        pytest.param("Xã", id="xa-only"),
    ],
)
def test_unknown_name_matches_nothing(matcher: UnitMatcher, typed: str) -> None:
    """A name that is none of the plan's communes gets None from match()."""
    assert matcher.match(typed) is None


@pytest.mark.parametrize(
    ("typed", "nearest"),
    [
        pytest.param("Ia Dorn", "Ia Dom", id="dorn-dom"),
        pytest.param("Xã Ia Toy", "Ia Tơi", id="toy-toi"),
        pytest.param("IA DAK", "Ia Đal", id="dak-dal"),
        pytest.param("Ia Doom", "Ia Dom", id="doom-dom"),
    ],
)
def test_suggest_gives_the_nearest_unit(matcher: UnitMatcher, typed: str, nearest: str) -> None:
    """For an unknown name, suggest() names the commune it most looks like."""
    assert matcher.match(typed) is None
    assert matcher.suggest(typed) == nearest


def test_suggest_always_names_a_plan_unit(matcher: UnitMatcher) -> None:
    """Even for a name far from every commune, suggest() returns one of the plan's units."""
    assert matcher.suggest("Ia Grai") in UNITS
    assert matcher.suggest("zzz") in UNITS


@pytest.mark.parametrize(
    ("left", "right"),
    [
        pytest.param("Ia H’Drai", "Ia H'Drai", id="curly-vs-straight"),
        pytest.param("Ia H’Drai", "IA HDRAI", id="curly-vs-none-upper"),
        pytest.param("Ia H‘Drai", "Ia Hʼdrai", id="other-apostrophes"),
        pytest.param("Huyện Ia H’Drai", nfd("huyen ia h'drai"), id="nfd-lower"),
        pytest.param("Đơn vị", "DON VI", id="d-stroke"),
        pytest.param("Năm  báo\tcáo", "nam bao cao", id="whitespace"),
    ],
)
def test_fold_equal(left: str, right: str) -> None:
    """Texts differing only in apostrophe, case, diacritics, form or spacing fold equal."""
    assert fold(left) == fold(right)


def test_unit_matcher_ignores_apostrophes() -> None:
    """A unit spelt with ’ matches when typed with ' or with no apostrophe at all."""
    matcher = UnitMatcher(["Ia H’Drai", "Sa Thầy"])
    assert matcher.match("ia h'drai") == "Ia H’Drai"
    assert matcher.match("IA HDRAI") == "Ia H’Drai"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        pytest.param("Xã Ia Đal", "ia dal", id="xa"),
        pytest.param("XÃ IA ĐAL", "ia dal", id="xa-upper"),
        pytest.param("Phường Ia Dom", "ia dom", id="phuong"),
        pytest.param("Thị trấn Ia Tơi", "ia toi", id="thi-tran"),
        pytest.param("Xãy Ia", "xay ia", id="xa-is-only-a-whole-word"),
    ],
)
def test_unit_key_drops_a_leading_xa(typed: str, key: str) -> None:
    """unit_key folds a name and drops a leading "Xã" (or ward/town word) only as a word."""
    assert unit_key(typed) == key


@pytest.mark.parametrize(
    "label",
    [
        pytest.param("Đơn vị", id="plain"),
        pytest.param("Đơn vị:", id="colon"),
        pytest.param("Đơn vị :", id="spaced-colon"),
        pytest.param("ĐƠN VỊ", id="upper"),
        pytest.param("ĐƠN VỊ:", id="upper-colon"),
        pytest.param(nfd("Đơn vị:"), id="nfd"),
        pytest.param("don vi", id="bare"),
        pytest.param("§¬n vÞ", id="tcvn3"),
        pytest.param("§¬n vÞ:", id="tcvn3-colon"),
        pytest.param("Ñôn vò", id="vni"),
        pytest.param("Ñôn vò:", id="vni-colon"),
        pytest.param(legacy("ĐƠN VỊ:", "tcvn3"), id="tcvn3-upper"),
    ],
)
def test_label_keys_recognise_don_vi(label: str) -> None:
    """The unit label is recognised typed in Unicode (any case or form), TCVN3 or VNI."""
    assert "don vi" in label_keys(label)


@pytest.mark.parametrize(
    "label",
    [
        pytest.param("Đơn vị tính", id="unicode"),
        pytest.param("Đơn vị tính:", id="colon"),
        pytest.param("ĐƠN VỊ TÍNH", id="upper"),
        pytest.param(legacy("Đơn vị tính", "tcvn3"), id="tcvn3"),
        pytest.param(legacy("Đơn vị tính", "vni"), id="vni"),
    ],
)
def test_label_keys_do_not_take_don_vi_tinh_for_the_unit(label: str) -> None:
    """The column header "Đơn vị tính" (unit of measure) is never read as "Đơn vị"."""
    assert "don vi" not in label_keys(label)
    assert "don vi tinh" in label_keys(label)


@pytest.mark.parametrize(
    ("label", "key"),
    [
        pytest.param("Mã", "ma", id="ma"),
        pytest.param(legacy("Mã", "tcvn3"), "ma", id="ma-tcvn3"),
        pytest.param(legacy("Mã số", "vni"), "ma so", id="ma-so-vni"),
        pytest.param(legacy("Số liệu", "tcvn3"), "so lieu", id="so-lieu-tcvn3"),
        pytest.param(legacy("Số liệu", "vni"), "so lieu", id="so-lieu-vni"),
        pytest.param(legacy("Năm báo cáo:", "tcvn3"), "nam bao cao", id="nam-bao-cao-tcvn3"),
        pytest.param(legacy("Năm:", "vni"), "nam", id="nam-vni"),
        pytest.param(legacy("Xã:", "tcvn3"), "xa", id="xa-tcvn3"),
    ],
)
def test_label_keys_read_legacy_headers(label: str, key: str) -> None:
    """Header and label words typed with TCVN3 or VNI fonts give their Unicode key."""
    assert key in label_keys(label)


def test_ascii_text_has_one_reading() -> None:
    """ASCII text is never re-read as a legacy encoding."""
    assert decodings("Ia Dom") == ["Ia Dom"]


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_fold_is_idempotent(text: str) -> None:
    """Folding a folded text changes nothing."""
    assert fold(fold(text)) == fold(text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_fold_ignores_unicode_form(text: str) -> None:
    """NFC and NFD spellings of any text fold to the same key."""
    assert fold(unicodedata.normalize("NFC", text)) == fold(unicodedata.normalize("NFD", text))


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from("aăâbdđeêioôơuưyAĂÂĐÊÔƠƯ áàảãạấầẩẫậắằẳẵặếềểễệốồổỗộớờởỡợ"),
        max_size=30,
    )
)
def test_fold_ignores_case_of_vietnamese(text: str) -> None:
    """Upper- and lower-case Vietnamese text (NFC or NFD) folds to the same key."""
    assert fold(text.upper()) == fold(nfd(text.lower()))


def _decode_letter_by_letter(text: str, table: dict[str, str]) -> str:
    """The reading of a legacy text spelled out: at each letter, a known pair wins."""
    out, i = [], 0
    while i < len(text):
        if text[i:i + 2] in table and len(text[i:i + 2]) == 2:
            out.append(table[text[i:i + 2]])
            i += 2
        else:
            out.append(table.get(text[i], text[i]))
            i += 1
    return "".join(out)


@cache
def _legacy_letters() -> list[str]:
    from kh_treem.names import _legacy_tables

    return sorted({ch for table in _legacy_tables() for key in table for ch in key})


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_legacy_readings_equal_reading_letter_by_letter(data: st.DataObject) -> None:
    """decodings() reads TCVN3 and VNI text exactly as a letter-by-letter reading would."""
    from kh_treem.names import _legacy_tables

    letters = st.sampled_from(_legacy_letters() + list("aeo Xã:1"))
    text = "".join(data.draw(st.lists(letters, min_size=1, max_size=30)))
    expected = [text]
    if not text.isascii():
        for table in _legacy_tables():
            reading = _decode_letter_by_letter(text, table)
            if reading not in expected:
                expected.append(reading)
    assert decodings(text) == expected


@pytest.mark.parametrize(("typed", "unit"), [
    ("Ia Tơi", "Ia Tơi"),  # the plan's own spelling
    ("xã ia toi", "Ia Tơi"),  # folded, after or before an exact match
    (unicodedata.normalize("NFD", "Ia Tơi"), "Ia Tơi"),
    ("Ia Grai", None),
])
def test_unit_matcher_exact_and_folded_spellings(typed: str, unit: str | None) -> None:
    """The plan's spelling is found as it is, any other through the folded names, in any order."""
    matcher = UnitMatcher(PLAN.units)
    assert matcher.match("Ia Dom") == "Ia Dom"
    assert matcher.match(typed) == unit
    assert matcher.match(typed) == unit  # remembered
    assert matcher.match("IA DOM") == "Ia Dom"


"""The formula scan's pre-check never hides a formula the full parse would find.

formulas.may_hold_formulas decides, from a sheet's bytes, whether the sheet is parsed for
formulas at all. Hypothesis writes sheets with formulas and error cells spelt every way
XML allows (prefixes, white space, quotes, character references); wherever the parse
finds a formula cell, the pre-check must have said "parse it".
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kh_treem import xml_events
from kh_treem.formulas import _SheetCells, may_hold_formulas

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SPACES = st.sampled_from([" ", "\n", "\t", "\r\n", "  "])
QUOTES = st.sampled_from(['"', "'"])
E = st.sampled_from(["e", "&#101;", "&#x65;", "&#0101;", "&#x0065;"])


@st.composite
def cells(draw: st.DrawFn, prefix: str) -> str:
    quote = draw(QUOTES)
    attributes = f"{draw(SPACES)}r={quote}A{draw(st.integers(1, 99))}{quote}"
    kind = draw(st.sampled_from(["none", "n", "str", "e"]))
    if kind != "none":
        value = draw(E) if kind == "e" else kind
        attributes += f"{draw(SPACES)}t{draw(st.sampled_from(['', ' ']))}={quote}{value}{quote}"
    body = ""
    if draw(st.booleans()):
        body += draw(st.sampled_from([f"<{prefix}f>A1+1</{prefix}f>", f"<{prefix}f/>",
                                      f"<{prefix}f{draw(SPACES)}t='shared' si='0'/>",
                                      f"<{prefix}f{draw(SPACES)}>1/0</{prefix}f>"]))
    if draw(st.booleans()):
        body += f"<{prefix}v>{draw(st.sampled_from(['', '1', '#DIV/0!']))}</{prefix}v>"
    return f"<{prefix}c{attributes}>{body}</{prefix}c>"


@st.composite
def sheets(draw: st.DrawFn) -> bytes:
    prefix = draw(st.sampled_from(["", "x:", "ss:"]))
    declaration = f"xmlns{':' + prefix[:-1] if prefix else ''}=\"{MAIN}\""
    rows = "".join(
        f"<{prefix}row>{''.join(draw(st.lists(cells(prefix), max_size=3)))}</{prefix}row>"
        for _ in range(draw(st.integers(0, 3))))
    text = (f"<{prefix}worksheet {declaration}><{prefix}sheetData>{rows}</{prefix}sheetData>"
            f"<{prefix}dataValidations><{prefix}dataValidation><{prefix}formula1>1"
            f"</{prefix}formula1></{prefix}dataValidation></{prefix}dataValidations>"
            f"</{prefix}worksheet>")
    return text.encode(draw(st.sampled_from(["utf-8", "utf-16"])))


@given(sheets(), st.booleans())
def test_the_pre_check_never_hides_a_formula(xml: bytes, recalc: bool) -> None:
    found = _SheetCells(recalc)
    xml_events.parse(xml, found.start, found.end, found.text)
    if found.found:
        assert may_hold_formulas(xml)


def test_a_sheet_of_plain_values_is_not_parsed() -> None:
    """The pre-check is worth having: a form's values and data validations pass it by."""
    xml = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
           '<c r="B1"><v>12</v></c></row></sheetData><dataValidations><dataValidation '
           'prompt="S&#7889; tr&#7867;&#xA;"><formula1>0</formula1></dataValidation>'
           "</dataValidations></worksheet>").encode()
    assert not may_hold_formulas(xml)

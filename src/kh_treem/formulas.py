"""Cells of an .xlsx/.xlsm file whose value python-calamine cannot give truly.

python-calamine returns a formula's saved value, and a blank both for a formula
saved without one (a file written by a program and never opened in Excel or
LibreOffice) and for an error value such as #DIV/0!. Worse, some writers store
0 as a placeholder and ask Excel to recalculate on open (``fullCalcOnLoad``):
that 0 is not a figure. This module finds those cells so that intake can say
"open and save the file" or "fix the formula" instead of reading a blank or a
false 0.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Iterator, Mapping
from functools import lru_cache

from kh_treem.limits import sheet_cells
from kh_treem.sheet_parts import RELATIONSHIP_TAG, SHEET_TAG

# A tag's attributes, then each one by name: in any order (two expressions per pair, one for
# each order, took 0.05 ms a form backtracking over the other attributes).
_NAME = re.compile(rb'\bname="([^"]*)"')
_RID = re.compile(rb'\br:id="([^"]*)"')
_ID = re.compile(rb'\bId="([^"]*)"')
_TARGET = re.compile(rb'\bTarget="([^"]*)"')
_RECALC = re.compile(rb'<calcPr\b[^>]*\bfullCalcOnLoad="(?:1|true)"')
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_VALUE = re.compile(rb"<v>[^<]")
_IS_ERROR = re.compile(rb'\bt="e"')
_HAS_FORMULA = re.compile(rb"<f[ >/]")
_ERROR_VALUE = re.compile(rb"<v>([^<]*)</v>")


# sheet name -> A1 cell -> "" (a formula with no trustworthy saved value) or the error value
Untrusted = Mapping[str, Mapping[str, str]]


def untrusted_cells(members: Mapping[str, bytes], skip: Collection[str] = ()) -> Untrusted:
    """Every cell whose saved value is missing, a placeholder, or an error value, in every
    sheet but those named in ``skip`` (sheets that are not read).

    ``members`` are the workbook's XML members, name -> content, as limits.py inflated them.
    """
    workbook = members.get("xl/workbook.xml")
    rels = members.get("xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return {}
    recalc = _RECALC.search(workbook) is not None
    found: dict[str, dict[str, str]] = {}
    for name, member in _sheet_members(workbook, rels):
        xml = members.get(member)
        if xml is None or name in skip:
            continue
        xml = sheet_cells(xml)  # a form's data validations, two thirds of it, hold no cell
        # <formula1> of a data validation is no formula cell: look for <f> and <f ...> only.
        cells = _cells(xml, recalc) if _HAS_FORMULA.search(xml) or b't="e"' in xml else {}
        if cells:
            found[name] = cells
    return found


@lru_cache(maxsize=64)  # the forms of a folder share their workbook.xml and its rels
def _sheet_members(workbook: bytes, rels: bytes) -> tuple[tuple[str, str], ...]:
    """(sheet name, member) of each sheet workbook.xml names with a target in its rels."""
    targets = dict(_pairs(RELATIONSHIP_TAG, _ID, _TARGET, rels))
    found = []
    for name, rid in dict(_pairs(SHEET_TAG, _NAME, _RID, workbook)).items():
        target = targets.get(rid)
        if target is not None:
            found.append((_unescape(name.decode("utf-8", "replace")),
                          _member(target.decode("utf-8", "replace"))))
    return tuple(found)


def _pairs(
    tag: re.Pattern[bytes], key: re.Pattern[bytes], value: re.Pattern[bytes], xml: bytes
) -> Iterator[tuple[bytes, bytes]]:
    """(key, value) of each tag that has both attributes, in the tags' order."""
    for attributes in tag.findall(xml):
        found_key, found_value = key.search(attributes), value.search(attributes)
        if found_key is not None and found_value is not None:
            yield found_key.group(1), found_value.group(1)


def _cells(xml: bytes, recalc: bool) -> dict[str, str]:
    cells = {}
    for attrs, body in _CELL.findall(xml):
        ref = _REF.search(attrs)
        if ref is None:
            continue
        error = _ERROR_VALUE.search(body) if _IS_ERROR.search(attrs) else None
        if error is not None:
            cells[ref.group(1).decode()] = _unescape(error.group(1).decode("utf-8", "replace"))
        elif b"<f" in body and (recalc or _VALUE.search(body) is None):
            cells[ref.group(1).decode()] = ""
    return cells


def _member(target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))

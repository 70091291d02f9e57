"""Which member of an .xlsx file python-calamine reads for a sheet, where that is plain.

python-calamine finds a sheet's part through xl/workbook.xml (a <sheet>'s name and r:id)
and xl/_rels/workbook.xml.rels (a <Relationship>'s Id and Target). Only what can be
told for sure is told: a workbook written with prefixes, spellings or names that leave
room for doubt gives nothing, and its sheets are simply parsed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

# A <sheet> tag of workbook.xml and a <Relationship> of its rels: their attributes.
SHEET_TAG = re.compile(rb"<sheet\b([^>]*)>")
RELATIONSHIP_TAG = re.compile(rb"<Relationship\b([^>]*)>")
# An attribute python-calamine reads (by its exact name), written plainly: after a space,
# in double quotes, in a tag with no single quote. Such a match is the attribute itself,
# not a piece of another's value (the quote would end that value), and the only one (a
# name given twice is an error to python-calamine). Written otherwise, it is not taken.
_NAME = re.compile(rb'\sname="([^"]*)"')
_RID = re.compile(rb'\sr:id="([^"]*)"')
_ID = re.compile(rb'\sId="([^"]*)"')
_TARGET = re.compile(rb'\sTarget="([^"]*)"')
# The targets Excel, LibreOffice, xlsxwriter (relative) and openpyxl (absolute) write.
_WORKSHEET_TARGET = re.compile(r"(?:/xl/)?(worksheets/[^/\\]+)")


def sheet_parts(members: Mapping[str, bytes], names: Sequence[str]) -> dict[str, str]:
    """Sheet name -> the member python-calamine reads for it, for the sheets of a plain
    workbook whose part is one of ``members`` (the XML limits.py inflated).

    ``names`` are the sheet names python-calamine gives; a workbook.xml that does not
    name exactly these sheets, in this order, gives nothing.
    """
    workbook = members.get("xl/workbook.xml")
    rels = members.get("xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return {}
    return {name: part for name, part in _plain_parts(workbook, rels, tuple(names))
            if part in members}


@lru_cache(maxsize=64)  # the forms of a folder share their workbook.xml and its rels
def _plain_parts(
    workbook: bytes, rels: bytes, names: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    # A prefixed <x:sheet> or <x:Relationship> is read too, and relationships:id as r:id.
    if b"relationships:id" in workbook or b":sheet" in workbook or b":Relationship" in rels:
        return ()
    targets: dict[bytes, str] = {}
    for attributes in RELATIONSHIP_TAG.findall(rels):
        rid, target = _only(_ID, attributes), _only(_TARGET, attributes)
        if rid is None or target is None or rid in targets:
            return ()  # an Id python-calamine could read otherwise, or given twice
        targets[rid] = target.decode("utf-8", "replace")
    sheets: list[tuple[str, bytes]] = []
    for attributes in SHEET_TAG.findall(workbook):
        raw_name, rid = _only(_NAME, attributes), _only(_RID, attributes)
        if raw_name is None or rid is None or b"&" in raw_name:
            return ()  # a name to unescape is left to python-calamine
        sheets.append((raw_name.decode("utf-8", "replace"), rid))
    if tuple(name for name, _ in sheets) != names or len(set(names)) != len(names):
        return ()
    found = []
    for name, rid in sheets:
        plain = _WORKSHEET_TARGET.fullmatch(targets.get(rid, ""))
        if plain is not None:
            found.append((name, "xl/" + plain.group(1)))
    return tuple(found)


def _only(attribute: re.Pattern[bytes], tag: bytes) -> bytes | None:
    """The value of an attribute written plainly in a tag's attributes; else None."""
    found = attribute.search(tag) if b"'" not in tag else None
    return found.group(1) if found else None

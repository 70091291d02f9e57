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
# One attribute of a tag, as an XML parser takes them in turn: name = "value" or 'value'.
_ATTRIBUTE = re.compile(rb"""\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
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
    for tag in RELATIONSHIP_TAG.findall(rels):
        attributes = _attributes(tag)
        rid, target = attributes.get(b"Id"), attributes.get(b"Target")
        if rid is None or target is None or rid in targets:
            return ()  # a tag not read for sure, or an Id given twice
        targets[rid] = target.decode("utf-8", "replace")
    sheets: list[tuple[str, bytes]] = []
    for tag in SHEET_TAG.findall(workbook):
        attributes = _attributes(tag)
        raw_name, rid = attributes.get(b"name"), attributes.get(b"r:id")
        if raw_name is None or rid is None or b"&" in raw_name:
            return ()  # a tag not read for sure, or a name to unescape
        sheets.append((raw_name.decode("utf-8", "replace"), rid))
    if tuple(name for name, _ in sheets) != names or len(set(names)) != len(names):
        return ()
    found = []
    for name, rid in sheets:
        plain = _WORKSHEET_TARGET.fullmatch(targets.get(rid, ""))
        if plain is not None:
            found.append((name, "xl/" + plain.group(1)))
    return tuple(found)


def _attributes(tag: bytes) -> dict[bytes, bytes]:
    """A tag's attributes, name -> value, taken in turn as an XML parser takes them; empty
    where the tag is not all attributes, or names one twice (an error to python-calamine).

    In turn, so that a value such as a=" r:id=" is never read as an attribute.
    """
    found: dict[bytes, bytes] = {}
    at = 0
    end = len(tag.rstrip(b"/ \t\r\n"))
    while at < end:
        match = _ATTRIBUTE.match(tag, at)
        if match is None or match.group(1) in found:
            return {}
        name, double, single = match.groups()
        found[name] = double if double is not None else single
        at = match.end()
    return found

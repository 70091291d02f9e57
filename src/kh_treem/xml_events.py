"""The XML parser kh-treem uses for the parts of a workbook it reads itself.

expat (the standard library's) streams the document and calls back per element, so a
part is never held as a tree. A document type declaration is refused: no workbook
needs one, and it is how entities are declared (a "billion laughs" bomb is a few lines
of them). Element names come as ``namespace-uri localname``, whatever prefix the file
chose, so ``<x:c>`` and ``<c>`` are the same element to the callers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from xml.parsers import expat

# The namespaces of the parts read here, as expat names elements: "uri name".
SPREADSHEET_ML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Strict Open XML (ISO/IEC 29500 Strict: Excel's "Strict Open XML Spreadsheet") names the
# same elements and attributes in namespaces of its own; its package relationships are
# RELATIONSHIPS, as in every other file.
SPREADSHEET_ML_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
OFFICE_RELATIONSHIPS_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"
CUSTOM_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODS_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
LIBREOFFICE_CALC_EXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"

Start = Callable[[str, dict[str, str]], None]
End = Callable[[str], None]
Text = Callable[[str], None]


class DoctypeFound(Exception):
    """The part declares a document type (and may declare entities): it is not read."""


class Stop(Exception):
    """Raised by a callback that has read all it needs: parsing ends there, quietly."""


def parse(xml: bytes, start: Start, end: End | None = None, text: Text | None = None) -> None:
    """Stream ``xml`` through the callbacks; raises DoctypeFound, or ExpatError when the
    part is not well-formed."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True  # one text callback per run of text, not per line
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    with contextlib.suppress(Stop):
        parser.Parse(xml, True)


def _refuse_doctype(*_: object) -> None:
    raise DoctypeFound

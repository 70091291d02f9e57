"""An .ods file's tables, read from its content.xml with a streaming XML parser.

Two uses: every .ods's formula cells (python-calamine shows an error value as a blank),
and the whole sheet when python-calamine cannot parse a well-formed file (it refuses
content.xml written with indentation, as Gnumeric writes it).

Rows and cells come as python-calamine gives them: from A1, a value as a float, a
string, a bool, or "" for a blank. Repeated rows and cells are laid out as often as they
repeat, but only up to a value: LibreOffice ends each sheet with an empty row repeated
to the sheet's millionth row, and that is never laid out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kh_treem import xml_events
from kh_treem.cells import cell_name
from kh_treem.formulas import FormulaCell
from kh_treem.xml_events import LIBREOFFICE_CALC_EXT, ODS_OFFICE, ODS_TABLE, ODS_TEXT

_TABLE, _ROW, _CELL, _COVERED = (f"{ODS_TABLE} {n}" for n in (
    "table", "table-row", "table-cell", "covered-table-cell"))
_PARAGRAPH, _SPACE, _TAB, _LINE_BREAK = (f"{ODS_TEXT} {n}" for n in ("p", "s", "tab",
                                                                       "line-break"))
_VALUE_TYPE = f"{ODS_OFFICE} value-type"
_NUMERIC = frozenset({"float", "percentage", "currency"})


class TooLarge(Exception):
    """A table lays out more rows or cells than the limits allow."""

    def __init__(self, table: str, kind: str, count: int) -> None:
        super().__init__(f"{table}: {count} {kind}")
        self.table, self.kind, self.count = table, kind, count


@dataclass
class Table:
    name: str
    rows: list[list[Any]] = field(default_factory=list)
    formulas: dict[str, FormulaCell] = field(default_factory=dict)
    figures: set[tuple[int, int]] = field(default_factory=set)  # formulas saved with a number


def read_ods(content: bytes, max_rows: int, max_cells: int) -> list[Table]:
    """The tables of an .ods's ``content`` (its content.xml). Raises TooLarge, DoctypeFound
    or ExpatError."""
    reader = _Reader(max_rows, max_cells)
    xml_events.parse(content, reader.start, reader.end, reader.text)
    return reader.tables


class _Reader:
    def __init__(self, max_rows: int, max_cells: int) -> None:
        self.max_rows, self.max_cells = max_rows, max_cells
        self.tables: list[Table] = []
        self.depth = 0  # tables open (a table inside a cell is part of that cell)
        self.row: list[Any] = []
        self.row_repeat = 1
        self.blank_rows = 0  # empty rows passed, laid out only if a value follows
        self.blank_cells = 0  # the same for cells in the current row
        self.cell_repeat = 0  # >0 inside a cell
        self.cell_attributes: dict[str, str] = {}
        self.paragraphs: list[list[str]] | None = None
        self.cells = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == _TABLE:
            self.depth += 1
            if self.depth == 1:
                self.tables.append(Table(attributes.get(f"{ODS_TABLE} name", "")))
                self.blank_rows = self.cells = 0
        elif self.depth != 1:
            return
        elif name == _ROW:
            self.row, self.blank_cells = [], 0
            self.row_repeat = _repeat(attributes, "number-rows-repeated")
        elif name in (_CELL, _COVERED):
            self.cell_repeat = _repeat(attributes, "number-columns-repeated")
            self.cell_attributes = attributes
            self.paragraphs = []
        elif self.paragraphs is not None:
            if name == _PARAGRAPH:
                self.paragraphs.append([])
            elif self.paragraphs and name == _SPACE:
                self.paragraphs[-1].append(" " * _repeat(attributes, "c", ODS_TEXT))
            elif self.paragraphs and name == _TAB:
                self.paragraphs[-1].append("\t")
            elif self.paragraphs and name == _LINE_BREAK:
                self.paragraphs[-1].append("\n")

    def text(self, data: str) -> None:
        if self.paragraphs:
            self.paragraphs[-1].append(data)

    def end(self, name: str) -> None:
        if name == _TABLE:
            self.depth -= 1
            if self.depth == 0:
                self._square(self.tables[-1])
        elif self.depth != 1:
            return
        elif name in (_CELL, _COVERED) and self.paragraphs is not None:
            self._cell()
            self.paragraphs = None
        elif name == _ROW:
            self._row()

    def _cell(self) -> None:
        attributes = self.cell_attributes
        value = _value(attributes, self.paragraphs or [])
        table = self.tables[-1]
        formula = attributes.get(f"{ODS_TABLE} formula")
        if value == "" and formula is None:
            self.blank_cells += self.cell_repeat
            return
        self.row.extend([""] * self.blank_cells)
        self.blank_cells = 0
        column = len(self.row)
        if column + self.cell_repeat > 16_384 or self.cell_repeat > self.max_cells:
            raise TooLarge(table.name, "columns", column + self.cell_repeat)
        self.row.extend([value] * self.cell_repeat)
        if formula is not None:
            found = _formula_problem(attributes, value, self.paragraphs or [])
            row = len(table.rows) + self.blank_rows
            for offset in range(self.cell_repeat):
                if found is None:
                    table.figures.add((row, column + offset))
                else:
                    table.formulas[cell_name(row, column + offset)] = found

    def _row(self) -> None:
        table = self.tables[-1]
        if not self.row:
            self.blank_rows += self.row_repeat
            return
        count = len(table.rows) + self.blank_rows + self.row_repeat
        self.cells += len(self.row) * self.row_repeat
        if count > self.max_rows:
            raise TooLarge(table.name, "rows", count)
        if self.cells > self.max_cells:
            raise TooLarge(table.name, "cells", self.cells)
        table.rows.extend([] for _ in range(self.blank_rows))
        self.blank_rows = 0
        table.rows.extend(list(self.row) for _ in range(self.row_repeat))

    @staticmethod
    def _square(table: Table) -> None:
        """Every row as wide as the widest, as python-calamine lays a sheet out."""
        width = max((len(row) for row in table.rows), default=0)
        for row in table.rows:
            row.extend([""] * (width - len(row)))


def _repeat(attributes: dict[str, str], name: str, namespace: str = ODS_TABLE) -> int:
    given = attributes.get(f"{namespace} {name}", "1")
    return int(given) if given.isdigit() and int(given) > 0 else 1


def _value(attributes: dict[str, str], paragraphs: list[list[str]]) -> Any:
    kind = attributes.get(_VALUE_TYPE)
    if attributes.get(f"{LIBREOFFICE_CALC_EXT} value-type") == "error":
        return ""  # as python-calamine gives it (the error is _formula_problem's)
    if kind in _NUMERIC:
        try:
            return float(attributes.get(f"{ODS_OFFICE} value", ""))
        except ValueError:
            return _text(paragraphs)
    if kind == "boolean":
        return attributes.get(f"{ODS_OFFICE} boolean-value") == "true"
    if kind is None and f"{LIBREOFFICE_CALC_EXT} value-type" not in attributes:
        return ""  # no value (a formula's text is looked at by _formula_problem)
    return _text(paragraphs)


def _text(paragraphs: list[list[str]]) -> str:
    return "\n".join("".join(parts) for parts in paragraphs)


def _formula_problem(
    attributes: dict[str, str], value: Any, paragraphs: list[list[str]]
) -> FormulaCell | None:
    """What is wrong with a formula cell's saved value, None when it is a number."""
    if attributes.get(f"{LIBREOFFICE_CALC_EXT} value-type") == "error":
        return "error", _text(paragraphs)
    kind = attributes.get(_VALUE_TYPE)
    if kind is None:  # no value type: text (LibreOffice writes ="" so), or no saved value
        return ("text", _text(paragraphs)) if paragraphs else ("unsaved", "")
    if kind == "string":
        return "text", str(value)
    return None

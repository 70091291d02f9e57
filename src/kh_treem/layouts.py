"""Reading one sheet's rows in either layout of docs/contract.md (the form, the table).

Layout A, the form: one sheet is one unit, with a code column and a value
column. Layout B, the table: a unit column and one column per element code,
one row per unit. Each gives :class:`Submission` objects; every cell that
cannot be used becomes a :class:`Problem` at its A1 cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kh_treem.cells import cell_name
from kh_treem.formulas import FormulaCell
from kh_treem.names import MAX_LABEL_LENGTH, UnitMatcher, fold, label_keys, nearest
from kh_treem.plan import Element, Plan
from kh_treem.problems import Problem
from kh_treem.values import Rejected, parse_count, parse_flag

CODE_HEADERS = frozenset({"ma", "ma so", "code"})
VALUE_HEADERS = frozenset({"so lieu", "gia tri", "ket qua", "value"})
UNIT_LABELS = frozenset({"don vi", "don vi bao cao", "xa", "unit"})
UNIT_HEADERS = UNIT_LABELS | {"ten xa", "ten don vi"}
YEAR_LABELS = frozenset({"nam", "nam bao cao", "year"})
TOTAL_ROWS = frozenset({"tong", "tong cong", "cong", "toan huyen", "total"})
_TRAILING_YEAR = re.compile(r"[\s_-]*\d{4}$")  # "Ia_Dom_2022" -> "Ia_Dom"
# A header that looks like an element code: it is a typo worth naming, not a column to ignore.
_CODE_LIKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


@dataclass(frozen=True, slots=True)  # hundreds of thousands of them in a national rollup
class Observation:
    """One figure as read: the element, its value, and where it stands."""

    code: str
    value: int
    file: str
    sheet: str
    cell: str

    @property
    def place(self) -> str:
        return " › ".join(p for p in (self.file, self.sheet, self.cell) if p)


@dataclass(slots=True)
class Submission:
    """One unit's figures from one sheet (layout A) or one row (layout B).

    The figures are kept as three parallel tuples, not as :class:`Observation`
    objects: a national rollup holds hundreds of thousands of figures, and the
    tuples of codes and of cells are the same objects for every form of a kind.
    """

    file: str
    sheet: str
    unit: str
    year: int | None
    year_cell: str | None
    codes: tuple[str, ...] = ()
    values: tuple[int, ...] = ()
    cells: tuple[str, ...] = ()
    # The plan's codes whose cell held a value that was refused (an error names it), and
    # those whose cell was blank, with the cell: not figures, but not nothing either (last
    # year's figure left blank is worth a notice at its cell, a refused one is not).
    refused: tuple[str, ...] = ()
    blanks: tuple[tuple[str, str], ...] = ()

    @property
    def observations(self) -> list[Observation]:
        return [Observation(code, value, self.file, self.sheet, cell)
                for code, value, cell in zip(self.codes, self.values, self.cells, strict=True)]


@dataclass(frozen=True)
class SheetSource:
    """Where a sheet's rows came from, and what the reader must know about its cells."""

    file: str
    sheet: str
    file_stem: str
    # A1 cell -> the formula there whose saved value is not a figure (kh_treem.formulas)
    formulas: Mapping[str, FormulaCell] = field(default_factory=dict)


@dataclass(slots=True)
class _Figures:
    """A submission's figures as they are read, and the codes that gave none."""

    codes: list[str] = field(default_factory=list)
    values: list[int] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    blanks: list[tuple[str, str]] = field(default_factory=list)

_TableHeader = tuple[int, int, int | None, dict[int, str]]  # row, unit col, year col, codes


class SheetReader:
    """Reads sheets against one plan; collects problems into ``problems``."""

    def __init__(self, plan: Plan, problems: list[Problem]) -> None:
        self.plan = plan
        self.problems = problems
        self.units = UnitMatcher(plan.units)
        self.elements = {fold(e.code): e for e in plan.elements}
        # One tuple object for every form that has the same codes (or cells) in the same order.
        self._shared: dict[tuple[str, ...], tuple[str, ...]] = {}

    def _element_of(self, raw_code: Any) -> Element | None:
        """The plan's element a code cell names."""
        return self.elements.get(fold(_as_text(raw_code)))

    def forget_shared(self) -> None:
        """Let go of the tuples shared so far: a worker's next share need not keep them."""
        self._shared.clear()

    def _submission(
        self, src: SheetSource, unit: str | None, year: int | None, year_cell: str | None,
        figures: _Figures,
    ) -> Submission:
        codes, cells = tuple(figures.codes), tuple(figures.cells)
        return Submission(src.file, src.sheet, unit or "", year, year_cell,
                          self._shared.setdefault(codes, codes), tuple(figures.values),
                          self._shared.setdefault(cells, cells), tuple(figures.refused),
                          tuple(figures.blanks))

    def read(self, rows: list[list[Any]], source: SheetSource) -> list[Submission] | None:
        """The sheet's submissions; None when the sheet is in neither layout.

        A form or table whose unit or year cannot be told still counts as one
        (its problems are recorded) but gives no submission.
        """
        form, table = self._find_header(rows)
        if form is not None:
            return self._read_form(rows, source, *form)
        if table is not None:
            return self._read_table(rows, source, *table)
        return None

    def _find_header(
        self, rows: list[list[Any]]
    ) -> tuple[tuple[int, int, int] | None, _TableHeader | None]:
        """The form's header (row, code column, value column), else the table's header.

        A form's header wins wherever it is, even below a row that would head a table.
        One pass over the rows: a sheet that is neither (an instructions sheet, in every
        file of a folder) is looked through once.
        """
        table = None
        for r, row in enumerate(rows):
            code_col = value_col = None
            has_unit = False
            for c, raw in enumerate(row):
                # calamine gives str, never a subclass; a sentence is no header
                if type(raw) is not str or not raw or len(raw) > MAX_LABEL_LENGTH:
                    continue
                kind = _column_kind(raw)
                if code_col is None and kind == "code":
                    code_col = c
                elif value_col is None and kind == "value":
                    value_col = c
                elif kind == "unit":
                    has_unit = True
            if code_col is not None and value_col is not None:
                return (r, code_col, value_col), None
            if has_unit and table is None:
                table = self._table_header(r, row)
        return None, table

    # --- layout A: the form -------------------------------------------------------------

    def _read_form(
        self, rows: list[list[Any]], src: SheetSource, header: int, code_col: int, value_col: int
    ) -> list[Submission]:
        labels = _labels(rows[:header])
        unit = self._unit_from_label(labels.get("unit"), src)
        if unit is None and "unit" not in labels:
            unit = self._unit_from_names(src)
        year, year_cell, year_ok = self._year(labels.get("year"), src)
        figures = _Figures()
        formulas = src.formulas
        for r in range(header + 1, len(rows)):
            row = rows[r]
            raw_code = row[code_col] if code_col < len(row) else ""
            if raw_code == "" or raw_code is None:
                continue
            element = self._element_of(raw_code)
            raw = row[value_col] if value_col < len(row) else ""
            cell = cell_name(r, value_col)
            if element is None:
                if raw not in ("", None) or cell in formulas:
                    self._unknown_code(_as_text(raw_code), raw, src, cell)
            else:
                self._value(element, raw, src, cell, figures)
        return [self._submission(src, unit, year, year_cell, figures)] if unit and year_ok else []

    # --- layout B: the table ------------------------------------------------------------

    def _table_header(self, r: int, row: list[Any]) -> _TableHeader | None:
        """(row, unit column, year column, {column: header text}) if ``row`` heads a table:
        a unit column and at least one column the plan knows."""
        unit_col = year_col = None
        codes: dict[int, str] = {}
        for c, raw in enumerate(row):
            if type(raw) is not str or not raw.strip() or len(raw) > MAX_LABEL_LENGTH:
                continue
            kind = _column_kind(raw)
            if unit_col is None and kind == "unit":
                unit_col = c
            elif year_col is None and kind == "year":
                year_col = c
            elif fold(raw) in self.elements or _CODE_LIKE.match(raw.strip().lower()):
                codes[c] = raw.strip()
        if unit_col is not None and any(fold(t) in self.elements for t in codes.values()):
            return r, unit_col, year_col, codes
        return None

    def _read_table(
        self,
        rows: list[list[Any]],
        src: SheetSource,
        header: int,
        unit_col: int,
        year_col: int | None,
        columns: dict[int, str],
    ) -> list[Submission]:
        for col, text in columns.items():
            if fold(text) not in self.elements:
                self._unknown_code(text, "", src, cell_name(header, col))
        labels = _labels(rows[:header])
        sheet_year, sheet_year_cell, sheet_year_ok = self._year(labels.get("year"), src)
        submissions = []
        for r in range(header + 1, len(rows)):
            row = rows[r]
            name = _as_text(_at(row, unit_col))
            values = {c: _at(row, c) for c in columns}
            total_label = _total_label(row, columns)
            if total_label is not None:
                self.problems.append(Problem("total-row-ignored", file=src.file, sheet=src.sheet,
                                             cell=cell_name(r, total_label[1]),
                                             params={"found": total_label[0]}))
                continue
            if not name:
                if any(v not in ("", None) for v in values.values()):
                    self.problems.append(Problem("row-without-unit", file=src.file,
                                                 sheet=src.sheet, cell=cell_name(r, unit_col)))
                continue
            unit = self._unit_from_label((name, cell_name(r, unit_col)), src)
            if year_col is not None and _at(row, year_col) not in ("", None):
                year, year_cell, year_ok = self._year(
                    (_as_text(_at(row, year_col)), cell_name(r, year_col)), src)
            else:
                year, year_cell, year_ok = sheet_year, sheet_year_cell, sheet_year_ok
            figures = _Figures()
            for col, raw in values.items():
                element = self.elements.get(fold(columns[col]))
                if element is not None:
                    self._value(element, raw, src, cell_name(r, col), figures)
            if unit and year_ok:
                submissions.append(self._submission(src, unit, year, year_cell, figures))
        return submissions

    # --- shared by both layouts ---------------------------------------------------------

    def _value(
        self, element: Element, raw: Any, src: SheetSource, cell: str, figures: _Figures
    ) -> None:
        formula = src.formulas.get(cell)
        if formula is not None:
            kind, found = formula
            # A formula's text stands as typed text for a flag ("có"), never for a count, and
            # never an empty one (="" is no blank: it was made to look like one). Its own text:
            # LibreOffice saves it in an .xls as 0.
            if not (kind == "text" and found.strip() and element.kind == "flag"):
                self.problems.append(Problem(f"formula-{kind}", file=src.file, sheet=src.sheet,
                                             cell=cell, code=element.code,
                                             params={"found": found}))
                figures.refused.append(element.code)
                return
            raw = found
        value = parse_flag(raw) if element.kind == "flag" else parse_count(raw)
        if isinstance(value, Rejected):
            self.problems.append(Problem(value.type, file=src.file, sheet=src.sheet, cell=cell,
                                         code=element.code, params={"found": value.found}))
            figures.refused.append(element.code)
        elif value is None:
            figures.blanks.append((element.code, cell))
        else:
            figures.codes.append(element.code)
            figures.values.append(value)
            figures.cells.append(cell)

    def _unknown_code(self, code_text: str, raw: Any, src: SheetSource, cell: str) -> None:
        self.problems.append(Problem("code-unknown", file=src.file, sheet=src.sheet, cell=cell,
                                     params={
            "found": code_text,
            "value": _as_text(raw) or "—",
            "suggestion": nearest(code_text, [e.code for e in self.plan.elements]),
        }))

    def _unit_from_label(self, label: tuple[str, str] | None, src: SheetSource) -> str | None:
        if label is None:
            return None
        text, cell = label
        unit = self.units.match(text)
        if unit is None:
            self.problems.append(Problem("unit-unknown", file=src.file, sheet=src.sheet, cell=cell,
                                         params={"found": text,
                                                 "suggestion": self.units.suggest(text)}))
        return unit

    def _unit_from_names(self, src: SheetSource) -> str | None:
        """A form without a unit label: the sheet's name, then the file's name, with or
        without a year after it (template names its forms Ia_Dom_2022.xlsx)."""
        for candidate in (src.sheet, src.file_stem, _TRAILING_YEAR.sub("", src.file_stem)):
            unit = self.units.match(candidate)
            if unit is not None:
                return unit
        self.problems.append(Problem("unit-missing", file=src.file, sheet=src.sheet,
                                     params={"expected": ", ".join(self.units.units)}))
        return None

    def _year(
        self, label: tuple[str, str] | None, src: SheetSource
    ) -> tuple[int | None, str | None, bool]:
        """(year, its cell, whether the figures may be used)."""
        if label is None:
            return None, None, True
        text, cell = label
        value = parse_count(text)
        if isinstance(value, int) and 1900 <= value <= 2200:
            return value, cell, True
        self.problems.append(Problem("year-invalid", file=src.file, sheet=src.sheet, cell=cell,
                                     params={"found": text}))
        return None, cell, False


def _total_label(row: list[Any], value_columns: Mapping[int, str]) -> tuple[str, int] | None:
    """A totals row's label ("Tổng cộng", often merged over STT and Xã) and its column."""
    for c, raw in enumerate(row):
        if c not in value_columns and isinstance(raw, str) and label_keys(raw) & TOTAL_ROWS:
            return raw.strip(), c
    return None


def _at(row: list[Any], col: int) -> Any:
    return row[col] if col < len(row) else ""


@lru_cache(maxsize=65536)  # every cell above a header is tried, in every file of a folder
def _column_kind(text: str) -> str | None:
    """The column a header cell names: "code", "value", "unit", "year", or None."""
    keys = label_keys(text)
    for kind, names in (("code", CODE_HEADERS), ("value", VALUE_HEADERS),
                        ("unit", UNIT_HEADERS), ("year", YEAR_LABELS)):
        if keys & names:
            return kind
    return None


def _labels(rows: Iterable[list[Any]]) -> dict[str, tuple[str, str]]:
    """The first unit and year found above the header: kind -> (text, cell)."""
    found: dict[str, tuple[str, str]] = {}
    for r, row in enumerate(rows):
        for c, raw in enumerate(row):
            if not isinstance(raw, str) or not raw.strip():
                continue
            kind = _label_kind(label_keys(raw))
            if kind is not None:
                # The label alone: its value is the next non-empty cell of the row.
                value = _next_value(row, c)
                if value is not None and kind not in found:
                    found[kind] = (value[0], cell_name(r, value[1]))
                continue
            for kind, text in _inline_labels(raw):
                if kind not in found and text:
                    found[kind] = (text, cell_name(r, c))
    return found


def _label_kind(keys: frozenset[str]) -> str | None:
    if keys & UNIT_LABELS:
        return "unit"
    if keys & YEAR_LABELS:
        return "year"
    return None


def _next_value(row: list[Any], col: int) -> tuple[str, int] | None:
    for c in range(col + 1, len(row)):
        raw = row[c]
        if raw in ("", None):
            continue
        if isinstance(raw, str) and _label_kind(label_keys(raw)) is not None:
            return None  # the next cell is another label: this one was left empty
        return _as_text(raw), c
    return None


def _as_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _inline_labels(text: str) -> list[tuple[str, str]]:
    """Label-colon-value pairs inside one cell: "Đơn vị: Xã Ia Dom   Năm: 2022"."""
    parts = text.split(":")
    # For each part but the last, the label its trailing words spell, if any.
    labels: list[tuple[str, int] | None] = []
    for part in parts[:-1]:
        words = part.split()
        hit = None
        for k in range(min(3, len(words)), 0, -1):
            kind = _label_kind(label_keys(" ".join(words[-k:])))
            if kind is not None:
                hit = (kind, k)
                break
        labels.append(hit)
    pairs = []
    for i, hit in enumerate(labels):
        if hit is None:
            continue
        words = parts[i + 1].split()
        following = labels[i + 1] if i + 1 < len(labels) else None
        if following is not None:
            words = words[: len(words) - following[1]]
        # "Xã Ia Dom - Năm: 2022": the separator belongs to neither.
        pairs.append((hit[0], " ".join(words).strip(" -–—,;|")))
    return pairs

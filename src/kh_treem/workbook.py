"""The summary workbook an officer files with the report.

Five sheets: the district table, the breakdown by commune, the summed counts,
the problems and the files read. Numbers are stored as numbers; every text
that came in (names, notes, file names) is written as text, never as a formula.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kh_treem.atomic import atomic_path
from kh_treem.formatting import target_text, value_text
from kh_treem.i18n import sheet_name, status_label, word
from kh_treem.intake import FileRecord
from kh_treem.pipeline import ScoreResult
from kh_treem.plan import Target
from kh_treem.problems import Problem
from kh_treem.reading import OWN_MARK
from kh_treem.scoring import Outcome, unit_targets, unit_values
from kh_treem.sheet_rows import (
    MadeElsewhere,
    Splice,
    Styles,
    cell_kind,
    column_letters,
    number_cell,
    row_xml,
    splice,
    style,
    text_cell,
    value_cell,
)

# From this many rows a long sheet is made by a child process (a fork costs a few ms).
ROWS_MADE_ELSEWHERE = 1_000

STATUS_COLOURS = {
    "met": "#C6EFCE",
    "not_met": "#FFC7CE",
    "not_applicable": "#E7E6E6",
    "no_data": "#FFEB9C",
}


def write_summary(result: ScoreResult, path: Path, lang: str = "vi") -> None:
    """Write the summary workbook to ``path``, atomically."""
    # Row by row to disk (a province's breakdown is hundreds of thousands of cells):
    # every sheet below is written top to bottom, as that mode requires.
    write_book(path, lambda book: _Writer(book, lang, result).write(), "summary",
               constant_memory=True)


def write_book(
    path: Path, fill: Callable[[Any], list[Splice] | None], kind: str,
    constant_memory: bool = False,
) -> None:
    """An xlsxwriter workbook at ``path``, filled by ``fill``, written atomically and
    marked as kh-treem's ``kind`` of output (reading.OWN_OUTPUTS).

    Text is never turned into a formula, a link or a number, whatever it starts with.
    With ``constant_memory``, each row goes to disk once the next is begun, so
    ``fill`` must write every sheet's rows in order. The rows ``fill`` returns as
    splices are put into their sheets once xlsxwriter is done (see sheet_rows).
    """
    import xlsxwriter  # only the runs that write a workbook pay for it

    with atomic_path(path) as temp:
        book = xlsxwriter.Workbook(
            str(temp), {"strings_to_formulas": False, "strings_to_urls": False,
                        "strings_to_numbers": False, "constant_memory": constant_memory},
        )
        # The mark by which intake knows kh-treem's own output in a folder of submissions.
        book.set_custom_property(OWN_MARK, kind)
        try:
            splices = fill(book)
        finally:
            book.close()
        if splices:
            splice(temp, splices)


class BookWriter:
    """Formats and helpers shared by kh-treem's workbooks."""

    def __init__(self, book: Any, lang: str) -> None:
        self.book = book
        self.lang = lang
        self.splices: list[Splice] = []  # rows to put into their sheets once the book is closed
        self.bold = book.add_format({"bold": True})
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.head = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1,
                                     "text_wrap": True, "valign": "top"})
        self.text = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
        self.int = book.add_format({"num_format": "#,##0", "valign": "top", "border": 1})
        self.dec = book.add_format({"num_format": "#,##0.0000", "valign": "top", "border": 1})
        self.status = {
            s: book.add_format({"bg_color": c, "border": 1, "valign": "top"})
            for s, c in STATUS_COLOURS.items()
        }
        self.status_dec = {
            s: book.add_format({"bg_color": c, "border": 1, "valign": "top",
                                "num_format": "#,##0.0000"})
            for s, c in STATUS_COLOURS.items()
        }

    def _sheet(
        self, role: str, headers: list[str], widths: list[int], first_row: int,
        titles: Sequence[tuple[str, Any]] = (),
    ) -> Any:
        return self._sheet_named(sheet_name(role, self.lang), headers, widths, first_row, titles)

    def _sheet_named(
        self, name: str, headers: list[str], widths: list[int], first_row: int,
        titles: Sequence[tuple[str, Any]] = (),
    ) -> Any:
        """A landscape A4 sheet with its header row frozen and repeated on every page.

        ``titles`` (text, format) go in the rows above the header, written first.
        """
        sheet = self.book.add_worksheet(name)
        for row, (text, fmt) in enumerate(titles):
            sheet.write_string(row, 0, text, fmt)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(first_row)
        sheet.freeze_panes(first_row + 1, 0)
        for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
            sheet.set_column(col, col, width)
            sheet.write_string(first_row, col, header, self.head)
        return sheet

    def _cell(self, sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """Numbers as numbers, None as an empty cell, anything else as text (cell_kind)."""
        kind = cell_kind(value)
        if kind == "blank":
            sheet.write_blank(row, col, None, fmt or self.text)
        elif kind == "text":
            sheet.write_string(row, col, str(value), fmt or self.text)
        else:
            sheet.write_number(row, col, value, fmt or (self.int if kind == "int" else self.dec))

    def _row(self, sheet: Any, row: int, values: list[Any]) -> None:
        for col, value in enumerate(values):
            self._cell(sheet, row, col, value)

    def _status(self, sheet: Any, row: int, col: int, status: str) -> None:
        sheet.write_string(row, col, status_label(status, self.lang), self.status[status])

    def _long_sheet(
        self, role: str, headers: list[str], widths: list[int], rows: Iterable[list[Any]],
        count: int,
    ) -> None:
        """A sheet of ``count`` rows of plain values under its header, written as XML
        (sheet_rows) once xlsxwriter is done: a province's files and problems number
        tens of thousands."""
        self._sheet(role, headers, widths, 0)
        # The styles are numbered now, before xlsxwriter closes the book; the rows after.
        styles = Styles(style(self.text), style(self.int), style(self.dec))
        letters = column_letters(len(headers))

        def xml() -> Iterator[str]:
            for row, values in enumerate(rows, start=2):
                yield row_xml(row, [value_cell(f"{letter}{row}", value, styles)
                                    for letter, value in zip(letters, values, strict=True)])

        # A province's rows (a notice for each of 10,000 files) are made by a child process.
        elsewhere = count >= ROWS_MADE_ELSEWHERE
        self.splices.append(Splice(len(self.book.worksheets()) - 1, [] if elsewhere else xml(),
                                   count + 1, len(headers) - 1,
                                   MadeElsewhere(xml) if elsewhere else None))

    def _problems(self, problems: list[Problem]) -> None:
        lang = self.lang
        keys = ["severity", "type", "file", "sheet", "cell", "code", "message"]
        rows = ([word(p.severity, lang), p.type, p.file, p.sheet, p.cell, p.code,
                 p.message(lang)] for p in problems)
        self._long_sheet("problems", [word(k, lang) for k in keys],
                         [10, 18, 30, 14, 7, 24, 70], rows, len(problems))

    def _files(self, files: list[FileRecord]) -> None:
        lang = self.lang
        headers = [word(k, lang) for k in ("path", "what_became", "units", "size")]
        headers += ["SHA-256", word("type", lang)]
        rows = ([f.path, word(f.status, lang), ", ".join(f.units), f.size, f.sha256, f.reason]
                for f in files)
        self._long_sheet("files", headers, [40, 14, 24, 12, 66, 20], rows, len(files))


class _Writer(BookWriter):
    """The summary of one year's scoring."""

    def __init__(self, book: Any, lang: str, result: ScoreResult) -> None:
        super().__init__(book, lang)
        self.result = result
        self.labels = {s: status_label(s, lang) for s in STATUS_COLOURS}
        # A value followed by its status in words, "7,2816 (Đạt)", the cell still a number.
        self.judged = {
            s: book.add_format({"bg_color": c, "border": 1, "valign": "top",
                                "num_format": f'#,##0.0000" ({self.labels[s]})"'})
            for s, c in STATUS_COLOURS.items()
        }

    def write(self) -> list[Splice]:
        self._district()
        self._by_unit()
        self._counts()
        self._problems(self.result.problems)
        self._files(self.result.files)
        return self.splices

    def _district(self) -> None:
        r, lang, plan = self.result, self.lang, self.result.plan
        headers = [word(key, lang) for key in (
            "goal", "id", "indicator", "numerator", "denominator", "value_number", "value",
            "target", "status", "reporting", "missing")]
        titles = [(plan.title.get(lang), self.title),
                  (f"{plan.area.get(lang)} · {plan.year}", self.bold)]
        sheet = self._sheet("district", headers, [8, 8, 48, 11, 11, 12, 22, 14, 16, 10, 24], 3,
                            titles)
        row = 4
        for o in r.indicators:
            t = o.target
            self._row(sheet, row, [
                t.goal, t.id, t.name.get(lang), o.numerator, o.denominator,
                None if o.value is None else float(o.value), value_text(o, lang),
                target_text(t, lang), None,
                f"{len(o.units_reporting)}/{len(plan.units)}", ", ".join(o.units_missing),
            ])
            self._status(sheet, row, 8, o.status)
            row += 1
        sheet.write_string(row + 1, 0, word("met_line", lang).format(
            met=r.met, total=len(r.indicators)), self.bold)

    def _by_unit(self) -> None:
        """Indicators down and communes across, or communes down where they outnumber the
        indicators: the longer list runs down the page, so the sheet is never wider than
        ~33 columns (a district's 3 communes across; a province's 10,000 down, each row
        scored as it is written).

        One cell per indicator and commune: its value as a number, its status as the
        cell's colour and, in words, after the value (a number format, so the cell stays
        a number); a target without a value shows its status alone, as text. A cell
        each, not a value column and a status column: a province's 10,000 communes make
        300,000 of them, written as XML (sheet_rows) rather than by xlsxwriter.
        """
        targets = unit_targets(self.result.plan)
        if len(self.result.figures) > len(targets):
            self._by_unit_as_rows(targets)
            return
        lang = self.lang
        units = list(self.result.by_unit)
        sheet = self._sheet("by_unit", [word("id", lang), word("indicator", lang), *units],
                            [8, 48] + [18] * len(units), 0)
        for i, t in enumerate(targets, start=1):
            self._row(sheet, i, [t.id, t.name.get(lang)])
            for j, unit in enumerate(units):
                self._outcome(sheet, i, 2 + j, self.result.by_unit[unit][i - 1])

    def _by_unit_as_rows(self, targets: list[Target]) -> None:
        """One row per commune, each scored as its row is written and not kept."""
        self._sheet("by_unit", [word("units", self.lang), *(t.id for t in targets)],
                    [24] + [18] * len(targets), 0)
        result = self.result
        reporting = [unit for unit in result.plan.units if unit in result.figures]
        # The styles are numbered now: the rows are made once xlsxwriter has closed the book.
        text = style(self.text)
        judged = {s: style(f) for s, f in self.judged.items()}
        alone = {s: (style(f), self.labels[s]) for s, f in self.status.items()}
        letters = column_letters(1 + len(targets))

        def rows(units: Sequence[str], first_row: int) -> Iterator[str]:
            for row, (unit, cells) in enumerate(unit_values(result.plan, result.figures, units),
                                                start=first_row):
                xml = [text_cell(f"A{row}", text, unit)]
                for letter, (status, value) in zip(letters[1:], cells, strict=True):
                    if value is None:
                        xml.append(text_cell(f"{letter}{row}", *alone[status]))
                    else:
                        xml.append(number_cell(f"{letter}{row}", judged[status], value))
                yield row_xml(row, xml)

        # A province's first half of the rows is made (and deflated) by a child process
        # while this one writes the other sheets and then the last half. (With 55 % to the
        # child, this one waited ~0.15 s for it on 10,000 communes.)
        split = len(reporting) // 2 if len(reporting) >= ROWS_MADE_ELSEWHERE else 0
        before = MadeElsewhere(lambda: rows(reporting[:split], 2)) if split else None
        self.splices.append(Splice(len(self.book.worksheets()) - 1,
                                   rows(reporting[split:], 2 + split), len(reporting) + 1,
                                   len(targets), before))

    def _outcome(self, sheet: Any, row: int, col: int, outcome: Outcome) -> None:
        if outcome.value is None:
            sheet.write_string(row, col, self.labels[outcome.status], self.status[outcome.status])
        else:
            sheet.write_number(row, col, float(outcome.value), self.judged[outcome.status])

    def _counts(self) -> None:
        lang, plan = self.lang, self.result.plan
        headers = [word("code", lang), word("element", lang), word("total", lang),
                   word("units_counted", lang)]
        sheet = self._sheet("counts", headers, [28, 60, 12, 12], 0)
        for row, element in enumerate(plan.elements, start=1):
            total, units = self.result.counts[element.code]
            self._row(sheet, row, [element.code, element.label.get(lang), total, units])

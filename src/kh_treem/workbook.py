"""The summary workbook an officer files with the report.

Five sheets: the district table, the breakdown by commune, the summed counts,
the problems and the files read. Numbers are stored as numbers; every text
that came in (names, notes, file names) is written as text, never as a formula.
"""

from __future__ import annotations

import gc
import itertools
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from kh_treem.atomic import atomic_path
from kh_treem.formatting import printable, target_text, value_text
from kh_treem.i18n import sheet_name, status_label, word
from kh_treem.intake import FileRecord
from kh_treem.pipeline import Outcome, ScoreResult
from kh_treem.problems import Problem
from kh_treem.reading import OWN_MARK

EXCEL_ROWS = 1_048_576  # rows a sheet holds
MAX_CELL_TEXT = 32_767  # characters a cell holds, counted in UTF-16 units

STATUS_COLOURS = {
    "met": "#C6EFCE",
    "not_met": "#FFC7CE",
    "not_applicable": "#E7E6E6",
    "no_data": "#FFEB9C",
}


def write_summary(result: ScoreResult, path: Path, lang: str = "vi") -> None:
    """Write the summary workbook to ``path``, atomically."""
    write_book(path, lambda book: _Writer(book, lang, result).write(), "summary")


def write_book(
    path: Path, fill: Callable[[Any], None], kind: str | None, overwrite: bool = True,
    constant_memory: bool = True,
) -> None:
    """An xlsxwriter workbook at ``path``, filled by ``fill``, written atomically (see
    atomic_path for ``overwrite``) and, with a ``kind``, marked as that kind of kh-treem's
    output (reading.OWN_OUTPUTS). A disk that refuses it raises its OSError.

    Text is never turned into a formula, a link or a number, whatever it starts with.
    With ``constant_memory`` each row goes to disk once the next is begun (a province's
    breakdown is hundreds of thousands of cells), so ``fill`` writes every sheet's rows
    in order.
    """
    import xlsxwriter  # only the runs that write a workbook pay for it

    path.parent.mkdir(parents=True, exist_ok=True)  # -o "Bao cao 2022/tong-hop.xlsx"
    with atomic_path(path, overwrite) as temp:
        book = xlsxwriter.Workbook(
            str(temp), {"strings_to_formulas": False, "strings_to_urls": False,
                        "strings_to_numbers": False, "constant_memory": constant_memory},
        )
        if kind is not None:  # the mark by which intake knows kh-treem's own output
            book.set_custom_property(OWN_MARK, kind)
        try:
            fill(book)
        finally:
            _close(book)


def _close(book: Any) -> None:
    from xlsxwriter.exceptions import FileCreateError

    try:
        book.close()
        return
    except FileCreateError as exc:  # xlsxwriter's wrapping of the disk's OSError
        given = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
        # A new error, not one whose traceback keeps xlsxwriter's half-written zip alive.
        refused = OSError(given.errno, given.strerror) if given else OSError(str(exc))
        del given
        # xlsxwriter leaves its zip open: closing it when it is freed (as this block ends,
        # or when collected) fails on the full disk again, and would be reported on stderr.
        hook, sys.unraisablehook = sys.unraisablehook, lambda _: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook
    raise refused


def _cell_text(text: str) -> str:
    """``text`` as a cell shows it (see printable), cut, with "…", where a cell cannot hold
    it all (xlsxwriter would cut it without a sign)."""
    shown = printable(text)
    if len(shown) <= MAX_CELL_TEXT // 2:  # two UTF-16 units a character at most
        return shown
    units = shown.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * MAX_CELL_TEXT:
        return shown
    return units[:2 * (MAX_CELL_TEXT - 1)].decode("utf-16-le", "ignore") + "…"


class BookWriter:
    """Formats and helpers shared by kh-treem's workbooks."""

    def __init__(self, book: Any, lang: str) -> None:
        self.book = book
        self.lang = lang
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
        """Numbers as numbers, None as an empty cell, anything else (True too) as text."""
        if value is None:
            sheet.write_blank(row, col, None, fmt or self.text)
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            sheet.write_string(row, col, _cell_text(str(value)), fmt or self.text)
        else:
            sheet.write_number(row, col, value,
                               fmt or (self.int if isinstance(value, int) else self.dec))

    def _row(self, sheet: Any, row: int, values: list[Any]) -> None:
        for col, value in enumerate(values):
            self._cell(sheet, row, col, value)

    def _status(self, sheet: Any, row: int, col: int, status: str) -> None:
        sheet.write_string(row, col, status_label(status, self.lang), self.status[status])

    def _long_sheet(
        self, role: str, headers: list[str], widths: list[int], rows: Iterable[list[Any]],
        count: int,
    ) -> None:
        """A sheet of ``count`` rows of plain values under its header; past the rows a sheet
        holds, the last row says how many more there are (the JSON output has them all)."""
        sheet = self._sheet(role, headers, widths, 0)
        room = EXCEL_ROWS - 1 if count < EXCEL_ROWS else EXCEL_ROWS - 2
        for row, values in enumerate(itertools.islice(rows, room), start=1):
            self._row(sheet, row, values)
        if count > room:
            self._cell(sheet, room + 1, 0, word("rows_left_out", self.lang).format(
                count=count - room))

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

    def write(self) -> None:
        self._district()
        self._by_unit()
        self._counts()
        self._problems(self.result.problems)
        self._files(self.result.files)

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
        """One cell per indicator and commune: its value as a number, its status as the
        cell's colour and, in words, after the value (a number format, so the cell stays
        a number); a target without a value shows its status alone, as text.

        Indicators down and communes across, or communes down where they outnumber the
        indicators: the longer list runs down the page, so the sheet is never wider than
        ~33 columns (a district's 3 communes across; a province's thousands down, each
        commune scored as its row is written).
        """
        lang, by_unit = self.lang, self.result.by_unit
        targets = by_unit.targets
        if len(by_unit) > len(targets):
            sheet = self._sheet("by_unit", [word("units", lang), *(t.id for t in targets)],
                                [24] + [18] * len(targets), 0)
            for row, (unit, outcomes) in enumerate(by_unit.items(), start=1):
                self._cell(sheet, row, 0, unit)
                for col, outcome in enumerate(outcomes, start=1):
                    self._outcome(sheet, row, col, outcome)
            return
        columns = dict(by_unit.items())  # a few communes: each scored once
        sheet = self._sheet("by_unit", [word("id", lang), word("indicator", lang), *columns],
                            [8, 48] + [18] * len(columns), 0)
        for row, t in enumerate(targets, start=1):
            self._row(sheet, row, [t.id, t.name.get(lang)])
            for col, outcomes in enumerate(columns.values(), start=2):
                self._outcome(sheet, row, col, outcomes[row - 1])

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

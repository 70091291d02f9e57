"""The summary workbook an officer files with the report.

Five sheets: the district table, the breakdown by commune, the summed counts,
the problems and the files read. Numbers are stored as numbers; every text
that came in (names, notes, file names) is written as text, never as a formula.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from kh_treem.atomic import atomic_path, refused_quietly
from kh_treem.formatting import printable, target_text, value_text
from kh_treem.i18n import document_word, place_date, sheet_name, status_label, word
from kh_treem.intake import FileRecord
from kh_treem.pipeline import Outcome, ScoreResult
from kh_treem.plan import Signer
from kh_treem.problems import Problem, kind_label
from kh_treem.reading import OWN_MARK
from kh_treem.unusual import UNUSUAL

EXCEL_ROWS = 1_048_576  # rows a sheet holds
MAX_CELL_TEXT = 32_767  # characters a cell holds, counted in UTF-16 units

STATUS_COLOURS = {
    "met": "#C6EFCE",
    "not_met": "#FFC7CE",
    "not_applicable": "#E7E6E6",
    "no_data": "#FFEB9C",
}


def write_summary(
    result: ScoreResult, path: Path, lang: str = "vi", today: date | None = None
) -> None:
    """Write the summary workbook to ``path``, atomically; ``today`` is the date of its
    place-and-date line (default: the day it is written)."""
    write_book(path, lambda book: _Writer(book, lang, result, today or date.today()).write(),
               "summary")


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

    def close() -> None:
        try:
            book.close()
        except FileCreateError as exc:  # xlsxwriter's wrapping of the disk's OSError
            given = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
            raise given or OSError(str(exc)) from None

    refused_quietly(close)


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


# The district sheet's columns, in widths of a character (7 pixels, 5.25 points): they
# fill A4 landscape within its margins, so the sheet prints one page wide unshrunk.
DISTRICT_WIDTHS = (7, 39, 11, 11, 16, 12, 13, 10, 15)
# The district sheet's columns of values written as text ("12,5‰", "≥ 87%", "3/3"): centred,
# so that they never run into the figures right-aligned beside them.
FIGURE_COLUMNS = frozenset({4, 5, 7})
SIGNATURE_ROOM = 4  # blank rows to sign in
MISSING_NAMED = 10  # units missing named in a target's row, then "and N more"
LINE_HEIGHT = 16.5  # points a line of 12-point text takes


TIMES = 1.25  # characters of Times New Roman a width unit holds at 12 points
CALIBRI = 1.05  # ... of Calibri, the sheets' default font, at 11 points


def _height(text: str, width: float, size: float, per_unit: float = TIMES) -> float:
    """The height, in points, of a row whose cell ``width`` characters wide wraps ``text`` of
    ``size`` points: the lines it takes at ``per_unit`` characters a width unit (the unit is
    a digit of the default font), at least one."""
    per_line = max(1.0, width * per_unit * 12 / size)
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
    return lines * LINE_HEIGHT * size / 12


def fit_row(sheet: Any, row: int, values: Sequence[Any], widths: Sequence[int]) -> None:
    """Make ``row`` of a plain sheet (Calibri 11) high enough for the text it wraps; a row
    of one line keeps the default height."""
    one_line = _height("", 1, 11, CALIBRI)
    height = max((_height(v, w, 11, CALIBRI) for v, w in zip(values, widths, strict=False)
                  if isinstance(v, str)), default=one_line)
    if height > one_line:
        sheet.set_row(row, height)


def _some(units: Sequence[str], lang: str) -> str:
    """The units missing, the first MISSING_NAMED of them and how many more: a row of a
    printed page holds a few names (the sheet "Theo xã" shows every commune)."""
    if len(units) <= MISSING_NAMED:
        return ", ".join(units)
    return word("units_more", lang).format(units=", ".join(units[:MISSING_NAMED]),
                                           count=len(units) - MISSING_NAMED)


def _as_number(value: int | Fraction | None) -> int | float | None:
    """A figure or a rate as a number of the sheet (a rate to 4 decimals, as elsewhere)."""
    return float(round(value, 4)) if isinstance(value, Fraction) else value


def _what(problem: Problem) -> str | None:
    """The figure a row is about: its code, and for a rate the target too."""
    target = problem.params.get("target")
    return f"{target} ({problem.code})" if target else problem.code


def _basis(problem: Problem, lang: str) -> str:
    """What a figure worth a second look was set against: last year's, or the median."""
    if problem.type == "rate-unlike-communes":
        return word("median_of", lang).format(count=problem.params["count"])
    return word("last_year_of", lang).format(year=problem.params["last_year"])


def _print_as_document(sheet: Any) -> None:
    """A4 landscape, one page wide, the margins of an administrative document (inches)."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.8, right=0.6, top=0.8, bottom=0.8)
    sheet.center_horizontally()


class _DocumentFormats:
    """The formats of the district sheet: Times New Roman, as administrative documents."""

    def __init__(self, book: Any) -> None:
        base = {"font_name": "Times New Roman", "font_size": 12}

        def fmt(**props: Any) -> Any:
            return book.add_format({**base, **props})

        self.center = fmt(align="center", valign="top", text_wrap=True)
        self.center_bold = fmt(align="center", valign="top", bold=True, text_wrap=True)
        self.center_bold_underlined = fmt(align="center", valign="top", bold=True,
                                          underline=1)
        self.center_italic = fmt(align="center", valign="top", italic=True, text_wrap=True)
        self.heading = fmt(align="center", bold=True, font_size=14)
        self.subheading = fmt(align="center", valign="top", bold=True, font_size=13,
                              text_wrap=True)
        self.bold = fmt(bold=True)
        self.head = fmt(bold=True, bg_color="#D9E1F2", border=1, text_wrap=True,
                        align="center", valign="vcenter")
        self.goal = fmt(bold=True, bg_color="#F2F2F2", border=1, text_wrap=True,
                        valign="top")
        self.text = fmt(text_wrap=True, valign="top", border=1, indent=1)
        self.figure = fmt(text_wrap=True, valign="top", border=1, align="center")
        self.int = fmt(num_format="#,##0", valign="top", border=1)
        self.status = {s: fmt(bg_color=c, border=1, valign="top")
                       for s, c in STATUS_COLOURS.items()}


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
        titles: Sequence[tuple[str, Any]] = (), fit_header: bool = True,
    ) -> Any:
        """A landscape A4 sheet with its header row frozen and repeated on every page.

        ``titles`` (text, format) go in the rows above the header, written first. With
        ``fit_header``, the header row is as high as its wrapped headings.
        """
        sheet = self.book.add_worksheet(name)
        for row, (text, fmt) in enumerate(titles):
            sheet.write_string(row, 0, text, fmt)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(first_row)
        sheet.freeze_panes(first_row + 1, 0)
        if fit_header:
            fit_row(sheet, first_row, [h + "  " for h in headers], widths)  # bold: wider
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
            fit_row(sheet, row, values, widths)
            self._row(sheet, row, values)
        if count > room:
            self._cell(sheet, room + 1, 0, word("rows_left_out", self.lang).format(
                count=count - room))

    def _problems(self, problems: list[Problem]) -> None:
        lang = self.lang
        keys = ["severity", "type", "file", "sheet", "cell", "code", "message"]
        rows = ([word(p.severity, lang), kind_label(p.type, lang), p.file, p.sheet, p.cell,
                 p.code, p.message(lang)] for p in problems)
        self._long_sheet("problems", [word(k, lang) for k in keys],
                         [9, 18, 26, 12, 6, 16, 48], rows, len(problems))

    def _files(self, files: list[FileRecord]) -> None:
        lang = self.lang
        headers = [word(k, lang) for k in ("path", "what_became", "units", "size")]
        headers += ["SHA-256", word("type", lang)]
        rows = ([f.path, word(f.status, lang), ", ".join(f.units), f.size, f.sha256,
                 f.reason and kind_label(f.reason, lang)] for f in files)
        self._long_sheet("files", headers, [40, 14, 24, 12, 66, 20], rows, len(files))


class _Writer(BookWriter):
    """The summary of one year's scoring."""

    def __init__(self, book: Any, lang: str, result: ScoreResult, today: date) -> None:
        super().__init__(book, lang)
        self.result = result
        self.today = today
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
        self._to_check(self.result.problems)
        self._problems(self.result.problems)
        self._files(self.result.files)

    def _to_check(self, problems: list[Problem]) -> None:
        """The figures worth a second look (kh_treem.unusual), this year's value beside what
        it was compared with: last year's figure, or the other communes' median rate."""
        lang = self.lang
        found = [p for p in problems if p.type in UNUSUAL]
        keys = ["units", "type", "code", "this_year", "compared_with", "unit", "basis", "file",
                "sheet", "cell", "message"]
        widths = [14, 16, 18, 10, 10, 8, 14, 20, 10, 6, 40]
        rows = ([p.params["unit"], kind_label(p.type, lang), _what(p),
                 _as_number(p.params.get("now")), _as_number(p.params["then"]),
                 p.params["measure"].get(lang), _basis(p, lang), p.file, p.sheet, p.cell,
                 p.message(lang)] for p in found)
        self._long_sheet("to_check", [word(k, lang) for k in keys], widths,
                         rows if found else iter([[word("nothing_to_check", lang)]]),
                         len(found) or 1)

    def _district(self) -> None:
        """The first sheet as a document an officer files: the header block of an
        administrative document (from the plan's issuer), the title, the targets under a
        row per goal, the count met, and the signatures. Row heights are set from the text
        they wrap (a spreadsheet does not grow a row by itself when printing)."""
        r, lang, plan = self.result, self.lang, self.result.plan
        keys = ("id", "indicator", "numerator", "denominator", "value", "target", "status",
                "reporting", "missing")
        widths = DISTRICT_WIDTHS
        last = len(keys) - 1
        doc = _DocumentFormats(self.book)
        sheet = self.book.add_worksheet(sheet_name("district", lang))
        _print_as_document(sheet)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)
        row = 0
        issuer = plan.issuer
        if issuer is not None:  # left: who issues it; right: the national name and motto
            left, right = (0, 2), (4, last)
            for text_left, fmt_left, text_right, fmt_right in (
                (issuer.parent.get(lang), doc.center, document_word("national_name", lang),
                 doc.center_bold),
                (issuer.name.get(lang), doc.center_bold, document_word("motto", lang),
                 doc.center_bold_underlined),
                ("", doc.center, place_date(issuer.place.get(lang), self.today, lang),
                 doc.center_italic),
            ):
                sheet.merge_range(row, left[0], row, left[1], _cell_text(text_left), fmt_left)
                sheet.merge_range(row, right[0], row, right[1], _cell_text(text_right),
                                  fmt_right)
                row += 1
            row += 1
        sheet.merge_range(row, 0, row, last, word("summary_heading", lang), doc.heading)
        sheet.set_row(row + 1, _height(plan.title.get(lang), sum(widths), 13))
        sheet.merge_range(row + 1, 0, row + 1, last, _cell_text(plan.title.get(lang)),
                          doc.subheading)
        sheet.merge_range(row + 2, 0, row + 2, last,
                          _cell_text(f"{plan.area.get(lang)} · {plan.year}"), doc.center_italic)
        row += 4
        header_row = row
        # Bold letters are wider: the headings are measured in a narrower column.
        sheet.set_row(row, max(_height(word(key, lang), width / 1.2, 12)
                               for key, width in zip(keys, widths, strict=True)))
        for col, key in enumerate(keys):
            sheet.write_string(row, col, word(key, lang), doc.head)
        sheet.repeat_rows(header_row)
        sheet.freeze_panes(header_row + 1, 0)
        row += 1
        goal = None
        for o in r.indicators:
            t = o.target
            if t.goal != goal:
                goal = t.goal
                text = f"{word('goal', lang)} {goal}. {plan.goal(goal).name.get(lang)}"
                sheet.set_row(row, _height(text, sum(widths), 12))
                sheet.merge_range(row, 0, row, last, _cell_text(text), doc.goal)
                row += 1
            name, missing = t.name.get(lang), _some(o.units_missing, lang)
            values = [t.id, name, o.numerator, o.denominator, value_text(o, lang),
                      target_text(t, lang), None, f"{len(o.units_reporting)}/{len(plan.units)}",
                      missing]
            sheet.set_row(row, max(_height(v, w, 12) for v, w in zip(values, widths, strict=True)
                                   if isinstance(v, str)))
            for col, value in enumerate(values):
                fmt = (doc.int if isinstance(value, int) else
                       doc.figure if col in FIGURE_COLUMNS else doc.text)
                self._cell(sheet, row, col, value, fmt)
            sheet.write_string(row, 6, status_label(o.status, lang), doc.status[o.status])
            row += 1
        sheet.merge_range(row + 1, 0, row + 1, last, word("summary_closing", lang).format(
            met=r.met, total=len(r.indicators)), doc.bold)
        if issuer is not None:
            self._signatures(sheet, row + 3, issuer.signers, widths, doc)

    def _signatures(
        self, sheet: Any, row: int, signers: Sequence[Signer], widths: Sequence[int],
        doc: _DocumentFormats,
    ) -> None:
        """Each signer over an equal share of the columns: the role, "(Ký, ghi rõ họ tên)",
        room to sign, the name if the plan gives one."""
        lang, columns = self.lang, len(widths)
        share = columns // len(signers)
        spans = [(i * share, columns - 1 if i == len(signers) - 1 else (i + 1) * share - 1)
                 for i in range(len(signers))]
        lines = [
            ([s.role.get(lang) for s in signers], doc.center_bold),
            ([document_word("signature", lang)] * len(signers), doc.center_italic),
        ]
        for texts, fmt in lines:
            sheet.set_row(row, max(_height(text, sum(widths[first:last + 1]), 12)
                                   for (first, last), text in zip(spans, texts, strict=True)))
            for (first, last), text in zip(spans, texts, strict=True):
                # A role may take two lines ("KT. TRƯỞNG PHÒNG" above "PHÓ TRƯỞNG PHÒNG").
                shown = "\n".join(map(_cell_text, text.split("\n")))
                sheet.merge_range(row, first, row, last, shown, fmt)
            row += 1
        row += SIGNATURE_ROOM
        if any(s.name for s in signers):
            for (first, last), signer in zip(spans, signers, strict=True):
                sheet.merge_range(row, first, row, last, _cell_text(signer.name or ""),
                                  doc.center_bold)

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
            fit_row(sheet, row, [t.id, t.name.get(lang)], [8, 48])
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
        headers = [word("code", lang), word("indicator", lang), word("total", lang),
                   word("units_counted", lang)]
        widths = [28, 60, 12, 12]
        sheet = self._sheet("counts", headers, widths, 0)
        for row, element in enumerate(plan.elements, start=1):
            total, units = self.result.counts[element.code]
            values = [element.code, element.label.get(lang), total, units]
            fit_row(sheet, row, values, widths)
            self._row(sheet, row, values)

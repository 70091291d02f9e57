"""The plan as a workbook an officer can write: ``kh-treem plan export`` and reading it back.

One sheet a part of the plan (general information, goals, targets, data elements, rules,
units) and a guide, in the look of the forms ``kh-treem template`` writes. The texts keep
both languages (a column each); the headings, sheet names and drop-down choices are in the
workbook's language, and reading takes either language's (and the plan file's own codes).

Reading goes through the contained reading of submissions (python-calamine in a worker
process: a hostile file costs a refusal, never the run) and gives the plan's data as the
YAML would, with the sheet and cell of every value, so that each finding names its cell.
A blank cell is a value not given (the key's default, or a missing value), never 0.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from kh_treem.cells import cell_name, column_letter
from kh_treem.plan import CHOICES, Loc, Plan, decimal_text, key_path, no_plan
from kh_treem.problems import Problem, Words
from kh_treem.template import GUIDE_WIDTH, form_formats, print_a4, row_height

__all__ = ["read_plan_workbook", "texts_too_long", "write_plan_workbook"]

EXTRA_ROWS = 100  # blank rows below each table that keep its drop-downs and checks
MAX_ROWS_NAMED = 10  # hidden rows a notice names
MAX_RECIPIENTS = 12  # Issuer.recipients
SIGNERS = 3  # Issuer.signers
HEADER_ROW = 3  # the row of the column headings in the sheets written (0-based)
QUALITY_OFF = ("tắt", "off")  # a quality check turned off (null in YAML)
SIGNER = "signer"  # where a signer of the general sheet is placed until it is numbered

# Each sheet: its key and its name in Vietnamese and English.
SHEETS = {
    "general": ("Thông tin chung", "General"),
    "goals": ("Mục tiêu", "Goals"),
    "targets": ("Chỉ tiêu", "Targets"),
    "elements": ("Số liệu", "Data elements"),
    "rules": ("Quy tắc", "Rules"),
    "units": ("Đơn vị", "Units"),
    "guide": ("Hướng dẫn", "Guide"),
}

# Signs typed by hand for a direction.
_SIGNS = {"≥": "at_least", ">=": "at_least", "≤": "at_most", "<=": "at_most", "<": "below"}

# How a column's cells are read: text, a whole number, an exact number, or a choice.
TEXT, WHOLE, NUMBER = "text", "whole", "number"


@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]  # where the value goes in the item: ("name", "vi")
    vi: str
    en: str
    kind: str = TEXT  # TEXT, WHOLE, NUMBER, or a key of CHOICES
    width: int = 16

    def heading(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


def _text_pair(key: str, vi: str, en: str, width: int = 30) -> list[Column]:
    return [Column((key, "vi"), f"{vi} (tiếng Việt)", f"{en} (Vietnamese)", width=width),
            Column((key, "en"), f"{vi} (tiếng Anh)", f"{en} (English)", width=width)]


# The tables: the plan's list and its columns, in order.
TABLES: dict[str, list[Column]] = {
    "goals": [Column(("id",), "Số mục tiêu", "Goal number", WHOLE, 10),
              *_text_pair("name", "Tên mục tiêu", "Goal", 60)],
    "targets": [
        Column(("id",), "Mã chỉ tiêu", "Target id", width=9),
        Column(("goal",), "Mục tiêu", "Goal", WHOLE, 9),
        Column(("words",), "Nguyên văn kế hoạch", "The plan's words", width=45),
        *_text_pair("name", "Tên ngắn", "Short name", 28),
        Column(("measure",), "Cách tính", "Measure", "measure", 20),
        Column(("numerator",), "Tử số (mã số liệu)", "Numerator (code)", width=24),
        Column(("denominator",), "Mẫu số (mã số liệu)", "Denominator (code)", width=24),
        Column(("unit",), "Đơn vị tính", "Unit", "unit", 10),
        Column(("direction",), "Yêu cầu", "Direction", "direction", 18),
        Column(("target",), "Mức chỉ tiêu", "Target", NUMBER, 10),
    ],
    "elements": [
        Column(("code",), "Mã số liệu", "Code", width=28),
        *_text_pair("label", "Nội dung", "Label", 40),
        Column(("kind",), "Loại", "Kind", "kind", 14),
        *_text_pair("measure_unit", "Đơn vị tính", "Measure unit", 14),
    ],
}

# The general sheet: key (as typed in its "Khóa" column), label, how it is read.
GENERAL: list[tuple[str, str, str, str]] = [
    ("id", "Mã kế hoạch", "Plan id", TEXT),
    ("year", "Năm", "Year", WHOLE),
    ("title", "Tên kế hoạch", "Title", "pair"),
    ("area", "Địa bàn", "Area", "pair"),
    ("issuer.parent", "Cơ quan cấp trên", "Parent body", "pair"),
    ("issuer.name", "Cơ quan ban hành", "Issuing office", "pair"),
    ("issuer.place", "Địa danh (trước ngày tháng)", "Place (before the date)", "pair"),
    *[item for n in range(1, SIGNERS + 1) for item in (
        (f"issuer.signers.{n}.role", f"Người ký {n}: chức danh", f"Signer {n}: role", "pair"),
        (f"issuer.signers.{n}.name", f"Người ký {n}: họ tên", f"Signer {n}: name", TEXT))],
    ("issuer.recipients", "Nơi nhận", "Recipient", "pair"),
    ("quality.year_ratio", "Ngưỡng so với năm trước (số lần)", "Ratio to last year",
     NUMBER),
    ("quality.min_count", "Số nhỏ nhất để so với năm trước", "Smallest count compared",
     WHOLE),
    ("quality.robust_z", "Ngưỡng khác xa các xã khác (z)", "Robust z against communes",
     NUMBER),
]
GENERAL_COLUMNS = [("Mục", "Item", 34), ("Khóa", "Key", 24), ("Tiếng Việt", "Vietnamese", 60),
                   ("Tiếng Anh", "English", 50)]
UNIT_COLUMNS = [("STT", "No.", 6), ("Tên xã", "Unit", 26),
                ("Sáp nhập từ các xã cũ (mỗi ô một xã)", "Merged from (one old unit a cell)",
                 22)]
RULE_COLUMNS = [("STT", "No.", 6), ("Số liệu 1", "Element 1", 26),
                ("≤ số liệu {n}", "≤ element {n}", 26)]


def _sheet(key: str, lang: str) -> str:
    vi, en = SHEETS[key]
    return en if lang == "en" else vi


def _say(vi: str, en: str, lang: str) -> str:
    return en if lang == "en" else vi


# --- writing -------------------------------------------------------------------------------


CELL_TEXT_LIMIT = 32_767  # the characters a cell of a workbook holds (Excel's limit)


def texts_too_long(plan: Plan) -> list[str]:
    """The keys of the plan's texts that no cell holds (``targets.3 (3b).words``): a
    workbook written with them would read back cut."""
    data = plan.model_dump(mode="json")

    def walk(value: Any, loc: tuple[str | int, ...]) -> Iterator[str]:
        if isinstance(value, str) and len(value) > CELL_TEXT_LIMIT:
            yield key_path(loc, data)
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, (*loc, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, (*loc, index))

    return list(walk(data, ()))


def write_plan_workbook(plan: Plan, path: Path, lang: str = "vi", overwrite: bool = True
                        ) -> None:
    """Write ``plan`` as a workbook at ``path`` (.xlsx), atomically; without ``overwrite``,
    FileExistsError if ``path`` is there. Marked as kh-treem's (a plan is no submission)."""
    from kh_treem.workbook import write_book

    write_book(path, lambda book: _PlanWriter(book, plan, lang).write(), "plan", overwrite,
               constant_memory=False)


class _PlanWriter:
    def __init__(self, book: Any, plan: Plan, lang: str) -> None:

        self.book, self.plan, self.lang = book, plan, lang
        self.f = form_formats(book)
        self.f["cell"] = book.add_format({"font_name": "Times New Roman", "font_size": 12,
                                          "border": 1, "valign": "top", "text_wrap": True})
        self.f["number"] = book.add_format({"font_name": "Times New Roman", "font_size": 12,
                                            "border": 1, "valign": "top", "num_format": "0.####"})
        self.f["key"] = book.add_format({"font_name": "Consolas", "font_size": 10, "border": 1,
                                         "valign": "top", "font_color": "#595959"})
        self.f["unused"] = book.add_format({"border": 1, "bg_color": "#D9D9D9"})
        self.f["text_cell"] = book.add_format({"font_name": "Times New Roman", "font_size": 12,
                                               "border": 1, "valign": "top", "text_wrap": True,
                                               "num_format": "@"})

    def write(self) -> None:
        plan, lang = self.plan, self.lang
        self.book.set_properties({
            "title": plan.title.get(lang),
            "comments": _say(f"Kế hoạch {plan.id} do kh-treem plan export ghi",
                             f"Plan {plan.id} written by kh-treem plan export", lang)})
        self._general()
        self._table("goals", [g.model_dump() for g in plan.goals])
        # The target as the exact Fraction (model_dump gives the float of 1/3).
        self._table("targets", [{**t.model_dump(), "target": t.target} for t in plan.targets])
        self._table("elements", [e.model_dump() for e in plan.elements])
        self._rules()
        self._units()
        self._guide()

    def _say(self, vi: str, en: str) -> str:
        return _say(vi, en, self.lang)

    def _start(self, key: str, title: str, hint: str, widths: list[int]) -> Any:
        sheet = self.book.add_worksheet(_sheet(key, self.lang))
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)
        last = len(widths) - 1
        sheet.set_row(0, 24)
        sheet.merge_range(0, 0, 0, last, "", self.f["title"])
        sheet.write_string(0, 0, title, self.f["title"])
        sheet.set_row(1, 32)
        sheet.merge_range(1, 0, 1, last, "", self.f["hint"])
        sheet.write_string(1, 0, hint, self.f["hint"])
        sheet.set_row(2, 8)
        sheet.freeze_panes(HEADER_ROW + 1, 0)
        sheet.repeat_rows(HEADER_ROW)
        print_a4(sheet, portrait=False)
        sheet.set_footer(self._say("&CTrang &P/&N", "&CPage &P of &N"))
        return sheet

    def _headings(self, sheet: Any, headings: list[str]) -> None:
        sheet.set_row(HEADER_ROW, 32)
        for col, text in enumerate(headings):
            sheet.write_string(HEADER_ROW, col, text, self.f["head"])

    def _general(self) -> None:
        plan, lang = self.plan, self.lang
        sheet = self._start("general", self._say(
            f"KẾ HOẠCH NĂM {plan.year}: THÔNG TIN CHUNG", f"PLAN OF {plan.year}: GENERAL"),
            self._say("Điền cột Tiếng Việt và cột Tiếng Anh (ô xám: không dùng); không sửa cột"
                      " Khóa. Ô để trống ở các ngưỡng là mức mặc định. Xem trang “Hướng dẫn”.",
                      "Fill in the Vietnamese and English columns (a grey cell is not used);"
                      " leave the Key column as it is. A blank threshold is its default. See"
                      " the “Guide” sheet."),
            [w for *_, w in GENERAL_COLUMNS])
        self._headings(sheet, [_say(vi, en, lang) for vi, en, _ in GENERAL_COLUMNS])
        values = _general_values(plan)
        row = HEADER_ROW + 1
        for key, vi, en, kind in GENERAL:
            slots = values.get(key, [None])
            if key == "issuer.recipients":
                slots = slots + [None] * max(0, min(MAX_RECIPIENTS, len(slots) + 3) - len(slots))
            for n, value in enumerate(slots, 1):
                label = _say(vi, en, lang) + (f" {n}" if key == "issuer.recipients" else "")
                sheet.write_string(row, 0, label, self.f["cell"])
                sheet.write_string(row, 1, key, self.f["key"])
                self._general_value(sheet, row, kind, value)
                texts = [t for t in (value if isinstance(value, tuple) else (value,))
                         if isinstance(t, str)]
                self._fit(sheet, row, texts, [GENERAL_COLUMNS[2][2], GENERAL_COLUMNS[3][2]])
                row += 1
        row += 1
        sheet.merge_range(row, 0, row, 3, "", self.f["hint"])
        sheet.write_string(row, 0, self._say(
            f"Ngưỡng để trống: mặc định ({_defaults('vi')}); ghi “{QUALITY_OFF[0]}” để tắt"
            " một kiểm tra.", f"A blank threshold is its default ({_defaults('en')}); write"
            f" “{QUALITY_OFF[1]}” to turn a check off."), self.f["hint"])
        sheet.activate()

    def _general_value(self, sheet: Any, row: int, kind: str, value: Any) -> None:
        cells = value if isinstance(value, tuple) else (value, None)
        for col, item in zip((2, 3), cells, strict=True):
            if kind != "pair" and col == 3:  # not used: grey, and said so if filled
                sheet.write_blank(row, col, None, self.f["unused"])
            elif item is None:
                sheet.write_blank(row, col, None, self.f["text_cell"] if kind == TEXT
                                  or kind == "pair" else self.f["number"])
            elif isinstance(item, str):
                sheet.write_string(row, col, item, self.f["text_cell"])
            elif kind == NUMBER:  # as text: 1.0000000000000002 has more digits than a cell
                sheet.write_string(row, col, decimal_text(Fraction(repr(item)), self.lang),
                                   self.f["text_cell"])
            else:
                sheet.write_number(row, col, item, self.f["number"])

    def _table(self, key: str, items: list[dict[str, Any]]) -> None:
        columns, lang = TABLES[key], self.lang
        hints = {
            "goals": ("Mỗi hàng một mục tiêu; các chỉ tiêu ghi số mục tiêu của mình.",
                      "One goal a row; each target names its goal by number."),
            "targets": ("Mỗi hàng một chỉ tiêu. Chọn cách tính, đơn vị tính và yêu cầu trong"
                        " danh sách; tử số, mẫu số là mã ở trang “Số liệu”. Mức chỉ tiêu ghi"
                        " số, ví dụ 95,5 hoặc 87%.",
                        "One target a row. Choose the measure, unit and direction from the"
                        " lists; numerator and denominator are codes of the “Data elements”"
                        " sheet. The target is a number, such as 95.5 or 87%."),
            "elements": ("Mỗi hàng một số liệu xã báo cáo. Mã: chữ thường không dấu, số và"
                         " dấu gạch dưới (live_births); không đổi mã đã dùng.",
                         "One figure a commune reports a row. Code: lower-case letters,"
                         " digits and underscores (live_births); never rename a code in use."),
        }
        titles = {"goals": ("CÁC MỤC TIÊU", "GOALS"), "targets": ("CÁC CHỈ TIÊU", "TARGETS"),
                  "elements": ("CÁC SỐ LIỆU XÃ BÁO CÁO", "DATA ELEMENTS")}
        sheet = self._start(key, _say(*titles[key], lang), _say(*hints[key], lang),
                            [c.width for c in columns])
        self._headings(sheet, [c.heading(lang) for c in columns])
        first = HEADER_ROW + 1
        for row, item in enumerate(items, first):
            for col, column in enumerate(columns):
                self._cell(sheet, row, col, column, _get(item, column.path))
            values = [_get(item, c.path) for c in columns]
            self._fit(sheet, row, [v if isinstance(v, str) else "" for v in values],
                      [c.width for c in columns])
        # Printed: the rows written, not the blank ones kept for the officer to fill.
        sheet.print_area(0, 0, max(first, first + len(items) - 1), len(columns) - 1)
        for row in range(first + len(items), first + len(items) + EXTRA_ROWS):
            for col, column in enumerate(columns):
                sheet.write_blank(row, col, None, self.f["number" if column.kind == WHOLE
                                                         else "text_cell"])
        last = first + len(items) + EXTRA_ROWS - 1
        for col, column in enumerate(columns):
            rule = self._validation(column, key)
            if rule is not None:
                sheet.data_validation(first, col, last, col, rule)

    def _cell(self, sheet: Any, row: int, col: int, column: Column, value: Any) -> None:
        if value is None:
            sheet.write_blank(row, col, None, self.f["text_cell"])
        elif column.kind in CHOICES:
            sheet.write_string(row, col, _say(*CHOICES[column.kind][str(value)], self.lang),
                               self.f["cell"])
        elif column.kind == NUMBER:
            # As text in a cell formatted as text: what the officer types there stays as
            # typed ("87%", "95,5", "1/3"), where a number cell would hold 87% as 0.87 and
            # 1/3 as a date. 95,5 in Vietnamese (95.5 in English), 1/3 where no decimal is
            # exact: the text reads back exactly.
            sheet.write_string(row, col, decimal_text(Fraction(value), self.lang),
                               self.f["text_cell"])
        elif column.kind == WHOLE:
            sheet.write_number(row, col, value, self.f["number"])
        else:
            sheet.write_string(row, col, str(value), self.f["text_cell"])

    def _validation(self, column: Column, key: str) -> dict[str, Any] | None:
        """The drop-down or the check of a column's cells, with a Vietnamese message."""
        lang = self.lang
        if column.kind in CHOICES:
            return {"validate": "list",
                    "source": [_say(*pair, lang) for pair in CHOICES[column.kind].values()],
                    "error_title": self._say("Chọn trong danh sách", "Choose from the list"),
                    "error_message": self._say("Chọn một giá trị trong danh sách.",
                                               "Choose one of the values of the list.")}
        if column.path[0] in ("numerator", "denominator"):
            return self._codes()
        if key == "targets" and column.path == ("goal",):
            return self._range_list("goals", 0, self._say("Chọn một số mục tiêu ở trang"
                                                          " “Mục tiêu”.", "Choose a goal"
                                                          " number of the “Goals” sheet."))
        if column.kind == WHOLE:
            return {"validate": "integer", "criteria": "between", "minimum": 1,
                    "maximum": 99, "error_title": self._say("Số mục tiêu", "Goal number"),
                    "error_message": self._say("Số mục tiêu từ 1 đến 99.",
                                               "A goal number from 1 to 99.")}
        return None

    def _codes(self) -> dict[str, Any]:
        return self._range_list("elements", 0, self._say(
            "Chọn một mã ở trang “Số liệu” (thêm số liệu mới ở đó trước).",
            "Choose a code of the “Data elements” sheet (add a new element there first)."))

    def _range_list(self, key: str, col: int, message: str) -> dict[str, Any]:
        """A drop-down of the values in a column of another sheet, its blank rows included
        (what the officer adds there is offered at once)."""
        count = len(self.plan.goals if key == "goals" else self.plan.elements)
        first, last = HEADER_ROW + 2, HEADER_ROW + 1 + count + EXTRA_ROWS
        name = _sheet(key, self.lang).replace("'", "''")
        letter = column_letter(col)
        return {"validate": "list", "source": f"='{name}'!${letter}${first}:${letter}${last}",
                "error_title": self._say("Không có trong danh sách", "Not in the list"),
                "error_message": message}

    def _rules(self) -> None:
        rules, lang = self.plan.rules, self.lang
        width = max([4, *(len(r) for r in rules)])
        sheet = self._start("rules", self._say("CÁC QUY TẮC KIỂM TRA SỐ LIỆU",
                                               "CONSISTENCY RULES"), self._say(
            "Mỗi hàng một quy tắc: số liệu bên trái không lớn hơn số liệu bên phải (a ≤ b ≤ c),"
            " trong từng xã. Chỉ so sánh các số liệu cùng loại.",
            "One rule a row: each element is at most the next (a ≤ b ≤ c) within each unit."
            " Only elements of one kind are compared."), [6] + [26] * width)
        (no_vi, no_en, _), (one_vi, one_en, _), (n_vi, n_en, _) = RULE_COLUMNS
        self._headings(sheet, [_say(no_vi, no_en, lang), _say(one_vi, one_en, lang)] + [
            _say(n_vi, n_en, lang).format(n=n) for n in range(2, width + 1)])
        self._numbered(sheet, rules, width)
        first = HEADER_ROW + 1
        sheet.data_validation(first, 1, first + len(rules) + EXTRA_ROWS - 1, width,
                              self._codes())

    def _fit(self, sheet: Any, row: int, texts: list[str], widths: list[int]) -> None:
        """The row as high as its longest wrapped text: LibreOffice does not fit the wrapped
        rows of an .xlsx on opening."""
        heights = [row_height(t, max(w - 2, 1)) for t, w in zip(texts, widths, strict=False)
                   if t]
        if heights:
            sheet.set_row(row, max(heights))

    def _numbered(self, sheet: Any, rows: list[list[str]], width: int) -> None:
        """Rows of texts numbered in the first column, then blank numbered rows to fill."""
        first = HEADER_ROW + 1
        sheet.print_area(0, 0, max(first, first + len(rows) - 1), width)
        for row in range(first, first + len(rows) + EXTRA_ROWS):
            texts = rows[row - first] if row - first < len(rows) else []
            sheet.write_number(row, 0, row - first + 1, self.f["stt"])
            for col in range(1, width + 1):
                if col - 1 < len(texts):
                    sheet.write_string(row, col, texts[col - 1], self.f["text_cell"])
                else:
                    sheet.write_blank(row, col, None, self.f["text_cell"])

    def _units(self) -> None:
        plan, lang = self.plan, self.lang
        width = max([3, *(len(old) for old in plan.merged.values())])
        sheet = self._start("units", self._say("CÁC XÃ BÁO CÁO", "REPORTING UNITS"), self._say(
            "Mỗi hàng một xã phải gửi số liệu. Xã mới do sáp nhập: ghi tên các xã cũ ở các ô"
            " bên phải, mỗi ô một xã (các xã cũ không còn trong danh sách).",
            "One unit that must report a row. A unit made by a merger: the old units in the"
            " cells to its right, one a cell (the old units are no longer listed)."),
            [6, 26] + [22] * width)
        (no_vi, no_en, _), (unit_vi, unit_en, _), (old_vi, old_en, _) = UNIT_COLUMNS
        self._headings(sheet, [_say(no_vi, no_en, lang), _say(unit_vi, unit_en, lang),
                               _say(old_vi, old_en, lang)])
        if width > 1:
            sheet.merge_range(HEADER_ROW, 2, HEADER_ROW, 1 + width, "", self.f["head"])
            sheet.write_string(HEADER_ROW, 2, _say(old_vi, old_en, lang), self.f["head"])
        self._numbered(sheet, [[unit, *plan.merged.get(unit, [])] for unit in plan.units],
                       width + 1)

    def _guide(self) -> None:
        sheet = self.book.add_worksheet(_sheet("guide", self.lang))
        # As narrow as the forms' guide: LibreOffice does not shrink a sheet of one column
        # to the page's width, and cut the guide's lines at its right edge.
        sheet.set_column(0, 0, GUIDE_WIDTH)
        print_a4(sheet)

        for row, (text, style) in enumerate(_guide_lines(self.plan, self.lang)):
            if text:
                sheet.set_row(row, row_height(text, GUIDE_WIDTH))
                sheet.write_string(row, 0, text, self.f[style])


def _get(item: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(item, dict):
            return None
        item = item.get(key)  # type: ignore[assignment]
    return item


def _general_values(plan: Plan) -> dict[str, list[Any]]:
    """The general sheet's values by key: a (vi, en) pair or one value, in slots."""
    def pair(text: Any) -> tuple[str, str] | None:
        return None if text is None else (text.vi, text.en)

    quality = plan.quality
    found: dict[str, list[Any]] = {
        "id": [plan.id], "year": [plan.year], "title": [pair(plan.title)],
        "area": [pair(plan.area)],
        "quality.year_ratio": [QUALITY_OFF[0] if quality.year_ratio is None
                               else quality.year_ratio],
        "quality.min_count": [quality.min_count],
        "quality.robust_z": [QUALITY_OFF[0] if quality.robust_z is None
                             else quality.robust_z],
    }
    issuer = plan.issuer
    if issuer is not None:
        found |= {"issuer.parent": [pair(issuer.parent)], "issuer.name": [pair(issuer.name)],
                  "issuer.place": [pair(issuer.place)],
                  "issuer.recipients": [pair(r) for r in issuer.recipients]}
        for n, signer in enumerate(issuer.signers, 1):
            found[f"issuer.signers.{n}.role"] = [pair(signer.role)]
            found[f"issuer.signers.{n}.name"] = [signer.name]
    return found


def _defaults(lang: str) -> str:
    from kh_treem.plan import Quality

    q = Quality()
    if lang == "en":
        return f"{q.year_ratio:g} times, {q.min_count}, z {q.robust_z:g}"
    return (f"{q.year_ratio:g} lần, {q.min_count}, z {q.robust_z:g}").replace(".", ",")


def _guide_lines(plan: Plan, lang: str) -> list[tuple[str, str]]:
    """The guide: how to fill each sheet and how the workbook is used."""
    if lang == "en":
        return [
            (f"HOW TO WRITE THE PLAN OF {plan.year + 1} FROM THIS WORKBOOK", "guide_title"),
            ("", "guide"),
            ("1. Save a copy under the new year's name; change the id and year on “General”,"
             " the title, and the issuer if it changed.", "guide"),
            ("2. “Targets”: one target a row. Keep a target's id while it means the same thing"
             " (kh-treem follows it across the years by its id); a new indicator gets a new"
             " id. Choose the measure, unit and direction from the lists; the target is a"
             " number (95.5 or 87%), never negative, at most 100 for %, 1,000 for ‰.", "guide"),
            ("3. “Data elements”: the figures communes report. Keep the codes; add new ones"
             " at the end (lower-case, digits, underscores). Numerators, denominators and"
             " rules are chosen from these codes.", "guide"),
            ("4. “Rules”: one chain a row, each element at most the next, of one kind.",
             "guide"),
            ("5. “Units”: the communes that must report; a merged commune lists its old"
             " communes to its right.", "guide"),
            ("6. A blank cell is a value not given, never 0. Every text has a Vietnamese and"
             " an English column: fill both.", "guide"),
            ("7. Check it: kh-treem plan check <file>.xlsx names every problem with its"
             " sheet and cell. Use it: kh-treem score <folder> --plan <file>.xlsx. Keep it"
             " in version control: kh-treem plan import <file>.xlsx -o <plan>.yaml.",
             "guide"),
            ("Sheets other than these are ignored, with a warning.", "guide"),
        ]
    return [
        (f"HƯỚNG DẪN LẬP KẾ HOẠCH NĂM {plan.year + 1} TỪ BẢNG TÍNH NÀY", "guide_title"),
        ("", "guide"),
        ("1. Lưu một bản sao với tên của năm mới; sửa mã kế hoạch và năm ở trang “Thông tin"
         " chung”, tên kế hoạch, và cơ quan ban hành nếu có thay đổi.", "guide"),
        ("2. Trang “Chỉ tiêu”: mỗi hàng một chỉ tiêu. Giữ nguyên mã chỉ tiêu nếu nội dung"
         " không đổi (kh-treem theo dõi chỉ tiêu qua các năm bằng mã); chỉ tiêu mới thì đặt"
         " mã mới. Chọn cách tính, đơn vị tính và yêu cầu trong danh sách; mức chỉ tiêu ghi"
         " số (95,5 hoặc 87%), không âm, tỷ lệ % không quá 100, ‰ không quá 1.000.", "guide"),
        ("3. Trang “Số liệu”: các số liệu xã báo cáo. Giữ nguyên mã; số liệu mới thêm vào"
         " cuối (chữ thường không dấu, số, dấu gạch dưới). Tử số, mẫu số và quy tắc chọn"
         " trong các mã này.", "guide"),
        ("4. Trang “Quy tắc”: mỗi hàng một dãy, số liệu bên trái không lớn hơn số liệu bên"
         " phải, cùng loại (số đếm với số đếm).", "guide"),
        ("5. Trang “Đơn vị”: các xã phải gửi số liệu; xã mới do sáp nhập ghi tên các xã cũ ở"
         " các ô bên phải.", "guide"),
        ("6. Ô để trống là chưa ghi, không phải số 0. Mỗi nội dung có cột tiếng Việt và cột"
         " tiếng Anh: ghi cả hai.", "guide"),
        ("7. Kiểm tra: kh-treem plan check <tệp>.xlsx chỉ ra mọi lỗi kèm trang tính và ô."
         " Dùng: kh-treem score <thư mục> --plan <tệp>.xlsx. Lưu trữ: kh-treem plan import"
         " <tệp>.xlsx -o <kế hoạch>.yaml.", "guide"),
        ("Các trang tính khác ngoài các trang trên bị bỏ qua, có cảnh báo.", "guide"),
    ]


# --- reading -------------------------------------------------------------------------------


@dataclass
class _Read:
    """What reading the workbook gives: the plan's data, the place of each value, what was
    found on the way, and the places already told of (pydantic need not say them again)."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)
    places: dict[Loc, tuple[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    reported: set[Loc] = field(default_factory=set)
    lang: str = "vi"  # the language of the sheet read: its decimal mark
    names: dict[Loc, Words] = field(default_factory=dict)  # a value's column or key, said
    told: set[tuple[str, str]] = field(default_factory=set)  # cells told of (a formula's)
    general: str | None = None  # the name of the general sheet, when there is one

    def find(self, kind: str, sheet: str, cell: str | None = None, loc: Loc | None = None,
             **params: Any) -> None:
        self.problems.append(Problem(kind, file=self.name, sheet=sheet, cell=cell,
                                     params=params))
        if loc is not None:
            self.reported.add(loc)

    def place(self, loc: Loc) -> dict[str, Any]:
        """A finding's file, sheet and cell, and what the value is (its column or key)."""
        what = self.names.get(loc) or _general_name(loc)
        said = {"params": {"what": what}} if what is not None else {}
        for n in range(len(loc), 0, -1):
            if loc[:n] in self.places:
                sheet, cell = self.places[loc[:n]]
                return {"file": self.name, "sheet": sheet, "cell": cell, **said}
        if self.general is not None and loc and _general_name(loc[:1]) is not None:
            return {"file": self.name, "sheet": self.general, **said}  # a key's row deleted
        return {"file": self.name, **said}


def _general_name(loc: Loc) -> Words | None:
    """A key of the general sheet as the officer reads it: its label and its key."""
    key = ".".join(str(part) for part in loc)
    for known, vi, en, _ in GENERAL:
        if known == key:
            return Words(f"“{vi}” (khóa {key})", f"“{en}” (key {key})")
    return None


class _PlanBook:
    """The work of the reading process: the workbook's sheets, kh-treem's own mark or not."""

    def read(self, path: str) -> Any:
        from kh_treem.reading import read_file

        read = read_file(path, own_too=True)
        if read.refusal is None:
            read.hidden_rows = _hidden_rows(path)
        return read

    def unsafe(self, path: str) -> Any:
        from kh_treem.limits import Refusal
        from kh_treem.reading import FileRead

        return FileRead(path, refusal=Refusal("read-unsafe"))


def _hidden_rows(path: str) -> dict[str, list[int]]:
    """The rows hidden in each sheet of an .xlsx (read as any row: said in a notice). The
    file was read whole already: one that cannot be opened again has none told."""
    import zipfile
    from xml.parsers.expat import ExpatError

    from kh_treem.formulas import xlsx_hidden_rows
    from kh_treem.xml_events import DoctypeFound

    try:
        with zipfile.ZipFile(path) as archive:
            return xlsx_hidden_rows(archive)
    except (OSError, zipfile.BadZipFile, ExpatError, DoctypeFound, KeyError, ValueError):
        return {}


def read_plan_workbook(
    path: str,
) -> tuple[dict[str, Any], Callable[[Loc], dict[str, Any]], list[Problem], set[Loc]]:
    """The plan's data as the YAML would give it, where each value stands, what reading
    found, and the places already told of (:func:`kh_treem.plan.validated`)."""
    from kh_treem.isolation import read_contained

    [read] = list(read_contained([path], _PlanBook()))
    found = _Read(path)
    if read.refusal is not None:  # said alone: no plan was read, nothing is missing from it
        what = _REFUSED.get(read.refusal.type)
        if what is not None:  # a submission's sentence would ask the commune for it again
            raise no_plan(path, "plan-workbook-refused", what=Words(*what))
        raise no_plan(path, read.refusal.type, **read.refusal.params)
    if read.own_kind == "form":
        raise no_plan(path, "plan-is-form")
    if read.own_kind in ("summary", "trend"):
        raise no_plan(path, "plan-is-output", kind=Words(*{
            "summary": ("bảng tổng hợp", "a summary"),
            "trend": ("bảng xu hướng", "a trend workbook")}[read.own_kind]))
    found.problems += read.problems
    sheets: dict[str, Any] = {}
    known = {_folded(name): key for key, names in SHEETS.items() for name in names}
    others = []
    refused: set[str] = set()
    for sheet in read.sheets:
        key = known.get(_folded(sheet.name))
        if key is None:
            found.find("plan-sheet-ignored", sheet.name)
            others.append(sheet.name)
        elif key in sheets:  # "Chỉ tiêu" and "Targets": which one is meant is not guessed
            found.find("plan-sheet-twice", sheet.name, first=sheets[key].name,
                       second=sheet.name)
            found.reported.add((key,))
        elif key != "guide" and sheet.rows is None:  # refused by a limit, and said so
            found.reported.update((part,) for part in _SHEET_KEYS[key])
            refused.add(key)
        elif key != "guide":
            sheets[key] = sheet
            hidden = read.hidden_rows.get(sheet.name)
            if hidden:
                shown = ", ".join(map(str, hidden[:MAX_ROWS_NAMED]))
                more = len(hidden) - MAX_ROWS_NAMED
                found.find("plan-rows-hidden", sheet.name, rows=shown + (
                    f" (+{more})" if more > 0 else ""))
    if not sheets and not refused:  # a commune's own workbook, any other: no plan at all
        raise no_plan(path, "plan-no-sheets", found=", ".join(
            f"“{s.name}”" for s in read.sheets[:MAX_ROWS_NAMED]) or "—")
    for key in ("general", "goals", "targets", "elements", "rules", "units"):
        if key not in sheets and key not in refused:
            found.find("plan-sheet-missing", "", name=Words(*SHEETS[key]),
                       hint=_renamed(key, others))
            # What the sheet holds is missing because the sheet is: said once, above.
            found.reported.update((part,) for part in _SHEET_KEYS[key])
    if "general" in sheets:
        found.lang = _lang_of(sheets["general"].name, "general")
        found.general = sheets["general"].name
        _read_general(sheets["general"], found)
    for key in ("goals", "targets", "elements"):
        if key in sheets:
            found.lang = _lang_of(sheets[key].name, key)
            _read_table(key, sheets[key], found)
    if "rules" in sheets:
        _read_rows(sheets["rules"], found, "rules")
    if "units" in sheets:
        _read_rows(sheets["units"], found, "units")
    # A value in a cell already told of (a formula giving an error) is not missing too.
    found.reported.update(loc for loc, place in found.places.items() if place in found.told)
    return found.data, found.place, found.problems, found.reported


# The refusals of a workbook said in a plan's own words.
_REFUSED = {"file-empty": ("tệp rỗng (0 byte)", "the file is empty (0 bytes)"),
            "file-unreadable": ("tệp không mở được như một bảng tính",
                                "it cannot be opened as a workbook"),
            "encrypted": ("tệp có mật khẩu", "it is protected by a password"),
            "read-unsafe": ("tệp quá lớn hoặc hỏng, không đọc được an toàn",
                            "it is too large or damaged to read safely")}
# The plan's top keys each sheet holds.
_SHEET_KEYS = {"general": ("id", "year", "title", "area", "issuer", "quality"),
               "goals": ("goals",), "targets": ("targets",), "elements": ("elements",),
               "rules": ("rules",), "units": ("units", "merged")}


def _folded(name: str) -> str:
    """A sheet's name, a heading or a choice as compared: NFC (a name typed in NFD is the
    same name), a run of spaces of any kind (a no-break space) one space, case set aside."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def _renamed(key: str, others: list[str]) -> Words:
    """`; trang “Chi tieu” có phải là nó? ...`: the sheet not recognised that looks most
    like the one missing, by its name without accents."""
    from difflib import get_close_matches

    from kh_treem.names import fold

    vi, en = SHEETS[key]
    by_fold = {fold(name): name for name in others}
    close = get_close_matches(fold(vi), list(by_fold), n=1, cutoff=0.6) or get_close_matches(
        fold(en), list(by_fold), n=1, cutoff=0.6)
    if not close:
        return Words("", "")
    name = by_fold[close[0]]
    return Words(f"; trang “{name}” có phải là nó? Đổi tên trang thành “{vi}”",
                 f"; is the sheet “{name}” it? Rename it “{en}”")


def _lang_of(name: str, key: str) -> str:
    """The language of a sheet, by its name: "en" for "Targets", else "vi"."""
    return "en" if name.strip().casefold() == SHEETS[key][1].casefold() else "vi"


def _cells(sheet: Any, found: _Read) -> Iterator[tuple[int, list[Any]]]:
    """The sheet's rows, a formula with no saved value or an error told and left blank."""
    for r, row in enumerate(sheet.rows):
        cells = list(row)
        for c in range(len(cells)):
            formula = sheet.formulas.get(cell_name(r, c))
            if formula is not None and formula[0] != "text":  # a text result is a text
                found.find("plan-formula", sheet.name, cell_name(r, c))
                found.told.add((sheet.name, cell_name(r, c)))
                cells[c] = ""
        yield r, cells


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(sheet: Any, found: _Read, headings: list[tuple[str, str]], key: str
            ) -> int | None:
    """The row of the column headings: the first whose first cell is the first heading.
    Without it the sheet is not read: what it holds is not said to be missing too."""
    first = {_folded(h) for h in headings[0]}
    for r, row in enumerate(sheet.rows[:20]):
        if row and isinstance(row[0], str) and _folded(row[0]) in first:
            return r
    found.find("plan-header-missing", sheet.name, column=Words(*headings[0]))
    found.reported.update((part,) for part in _SHEET_KEYS[key])
    return None


def _read_general(sheet: Any, found: _Read) -> None:
    kinds = {key: kind for key, _, _, kind in GENERAL}
    labels = {key: Words(vi, en) for key, vi, en, _ in GENERAL}
    header = _header(sheet, found, [(vi, en) for vi, en, _ in GENERAL_COLUMNS], "general")
    if header is None:
        return
    seen: set[str] = set()
    signers: dict[int, dict[str, Any]] = {}
    for r, cells in _cells(sheet, found):
        if r <= header:
            continue
        cells = cells + [""] * (4 - len(cells))
        key = cells[1].strip() if isinstance(cells[1], str) else cells[1]
        filled = [c for c in range(2, len(cells)) if not _blank(cells[c])]
        _outside(sheet, found, r, cells, 4)
        if _blank(key):
            for c in filled:
                found.find("plan-cell-ignored", sheet.name, cell_name(r, c),
                           found=str(cells[c]))
            continue
        if key not in kinds:
            found.find("plan-unknown-key", sheet.name, cell_name(r, 1), found=str(key),
                       detail="Extra inputs are not permitted")
            continue
        if key in seen and key != "issuer.recipients":
            found.find("plan-duplicate", sheet.name, cell_name(r, 1), value=key)
            continue
        seen.add(key)
        kind = kinds[key]
        label = labels[key]
        if kind != "pair" and not _blank(cells[3]):
            found.find("plan-cell-unused", sheet.name, cell_name(r, 3), at=cell_name(r, 2),
                       found=str(_as_text(cells[3])), label=label)
        parts = key.split(".")
        if parts[:2] == ["issuer", "signers"]:
            # Numbered 1-3 on the sheet, a list in the plan: placed as SIGNER until numbered.
            index = int(parts[2])
            loc: Loc = (SIGNER, index, parts[3])
            found.places.setdefault(("issuer", "signers"), (sheet.name, cell_name(r, 2)))
            _name_key(found, loc, key, label, kind)
            if kind == "pair":
                _pair_places(found, loc, sheet.name, r)
            value = _value(kind, cells, r, sheet.name, found, loc)
            if value is not None:
                signers.setdefault(index, {})[parts[3]] = value
                found.places[loc] = (sheet.name, cell_name(r, 2))
            continue
        if key == "issuer.recipients":
            value = _value(kind, cells, r, sheet.name, found, None)
            if value is not None:
                recipients = found.data.setdefault("issuer", {}).setdefault("recipients", [])
                at: Loc = ("issuer", "recipients", len(recipients))
                # Too many recipients: said at the first of them, not at the issuer.
                found.places.setdefault(at[:2], (sheet.name, cell_name(r, 2)))
                _name_key(found, at, key, label, kind)
                _pair_places(found, at, sheet.name, r)
                recipients.append(value)
            continue
        loc = tuple(parts)
        found.places[loc] = (sheet.name, cell_name(r, 2))
        _name_key(found, loc, key, label, kind)
        if kind == "pair":
            _pair_places(found, loc, sheet.name, r)
        if kind == NUMBER and parts[0] == "quality" and isinstance(cells[2], str) and (
                cells[2].strip().casefold() in QUALITY_OFF):  # min_count cannot be off
            value = None  # the check turned off (null in YAML)
        else:
            value = _value(kind, cells, r, sheet.name, found, loc)
            if value is None:
                continue
        target = found.data
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    if signers:  # the blank ones left out
        listed = found.data.setdefault("issuer", {}).setdefault("signers", [])
        for index in sorted(signers):
            for loc, place in list(found.places.items()):
                if loc[:2] == (SIGNER, index):
                    found.places[("issuer", "signers", len(listed), *loc[2:])] = place
                    if loc in found.names:
                        found.names[("issuer", "signers", len(listed), *loc[2:])] = (
                            found.names[loc])
            listed.append(signers[index])
    if "issuer" in found.data:
        found.places.setdefault(("issuer",), found.places.get(
            ("issuer", "parent"), (sheet.name, cell_name(header + 1, 2))))


def _name_key(found: _Read, loc: Loc, key: str, label: Words, kind: str) -> None:
    """How a value of the general sheet is named in a message: its label and key (and the
    language of a text's column)."""
    found.names[loc] = Words(f"“{label.vi}” (khóa {key})", f"“{label.en}” (key {key})")
    if kind == "pair":
        for lang, vi, en in (("vi", "tiếng Việt", "Vietnamese"), ("en", "tiếng Anh", "English")):
            found.names[(*loc, lang)] = Words(f"“{label.vi}” {vi} (khóa {key})",
                                              f"“{label.en}” in {en} (key {key})")


def _pair_places(found: _Read, loc: Loc, sheet: str, r: int) -> None:
    found.places[loc] = (sheet, cell_name(r, 2))
    found.places[(*loc, "vi")] = (sheet, cell_name(r, 2))
    found.places[(*loc, "en")] = (sheet, cell_name(r, 3))


def _value(kind: str, cells: list[Any], r: int, sheet: str, found: _Read, loc: Loc | None
           ) -> Any:
    """The general sheet's value of a row: a {vi, en} pair, or one value; None if blank."""
    if kind == "pair":
        pair = {lang: _as_text(cells[c]) for lang, c in (("vi", 2), ("en", 3))
                if not _blank(cells[c])}
        return pair or None
    if _blank(cells[2]):
        return None
    return _convert(kind, cells[2], sheet, cell_name(r, 2), found, loc)


def _outside(sheet: Any, found: _Read, r: int, cells: list[Any], width: int) -> None:
    for c in range(width, len(cells)):
        if not _blank(cells[c]):
            found.find("plan-cell-ignored", sheet.name, cell_name(r, c), found=str(cells[c]))


def _read_table(key: str, sheet: Any, found: _Read) -> None:
    columns = TABLES[key]
    header = _header(sheet, found, [(c.vi, c.en) for c in columns], key)
    if header is None:
        return
    headings = sheet.rows[header]
    where: dict[int, Column] = {}
    missing = []
    for column in columns:
        names = {_folded(column.vi), _folded(column.en)}
        at = next((c for c, h in enumerate(headings)
                   if isinstance(h, str) and _folded(h) in names), None)
        if at is None:  # said once: not again at every row, at the wrong column
            found.find("plan-column-missing", sheet.name, cell_name(header, 0),
                       column=Words(column.vi, column.en), row=header + 1)
            missing.append(column)
        else:
            where[at] = column
    items: list[dict[str, Any]] = found.data.setdefault(key, [])
    for r, cells in _cells(sheet, found):
        filled = [c for c, value in enumerate(cells) if not _blank(value)]
        if r <= header or not filled:
            continue
        if len(filled) == 1 and len(columns) > 1:  # a note under the table, a row begun
            c = filled[0]
            text = str(_as_text(cells[c]))
            if c in where:
                found.find("plan-row-lone-cell", sheet.name, cell_name(r, c), found=text,
                           row=r + 1, item=Words(*_ITEMS[key]))
            else:
                found.find("plan-cell-ignored", sheet.name, cell_name(r, c), found=text)
            continue
        index = len(items)
        item: dict[str, Any] = {}
        found.places[(key, index)] = (sheet.name, cell_name(r, 0))
        for c, value in enumerate(cells):
            found_column = where.get(c)
            if found_column is None:
                if not _blank(value):
                    found.find("plan-cell-ignored", sheet.name, cell_name(r, c),
                               found=str(_as_text(value)))
                continue
            column = found_column
            loc: Loc = (key, index, *column.path)
            found.places[loc] = (sheet.name, cell_name(r, c))
            found.names[loc] = Words(f"cột “{column.vi}”", f"column “{column.en}”")
            if len(column.path) == 2:  # a text's place: its Vietnamese cell
                found.places.setdefault((key, index, column.path[0]),
                                        (sheet.name, cell_name(r, c)))
            if _blank(value):
                continue
            converted = _convert(column.kind, value, sheet.name, cell_name(r, c), found, loc)
            target = item
            for part in column.path[:-1]:
                target = target.setdefault(part, {})
            target[column.path[-1]] = converted
            if column.path == ("target",):
                _against_unit(item, value, sheet.name, cell_name(r, c), found, loc)
        items.append(item)
    if missing:  # the table's other findings may follow from it (a measure read as ratio)
        found.reported.add((key,))


# What a row of each table is, for a message.
_ITEMS = {"goals": ("mục tiêu", "goal"), "targets": ("chỉ tiêu", "target"),
          "elements": ("số liệu", "data element")}


def _read_rows(sheet: Any, found: _Read, key: str) -> None:
    """Rules (a chain a row) and units (a unit, then the old units merged into it)."""
    vi, en, _ = (RULE_COLUMNS if key == "rules" else UNIT_COLUMNS)[0]
    header = _header(sheet, found, [(vi, en)], key)
    if header is None:
        return
    listed: list[Any] = found.data.setdefault(key, [])
    for r, cells in _cells(sheet, found):
        if r <= header:
            continue
        number = cells[0] if cells else None
        if isinstance(number, str) and number.strip() and not number.strip().isdecimal():
            # A unit or a code typed in the numbering column is not read: said.
            found.find("plan-cell-numbering", sheet.name, cell_name(r, 0),
                       found=number.strip(), at=cell_name(r, 1))
        filled = [(c, _as_text(v)) for c, v in enumerate(cells) if c >= 1 and not _blank(v)]
        if not filled:
            continue
        index = len(listed)
        if key == "rules":
            found.places[(key, index)] = (sheet.name, cell_name(r, filled[0][0]))
            for j, (c, _) in enumerate(filled):
                found.places[(key, index, j)] = (sheet.name, cell_name(r, c))
            listed.append([code for _, code in filled])
            continue
        (c, unit), *old = filled
        if c != 1:  # old units with no new unit beside them
            for c, text in filled:
                found.find("plan-merged-no-unit", sheet.name, cell_name(r, c), found=text,
                           at=cell_name(r, 1))
            continue
        found.places[(key, index)] = (sheet.name, cell_name(r, 1))
        listed.append(unit)
        for c, text in old:
            if isinstance(text, str) and any(mark in text for mark in ",;\n"):
                found.find("plan-merged-one-cell", sheet.name, cell_name(r, c),
                           ("merged", unit), found=text)
        if old:
            found.data.setdefault("merged", {})[unit] = [text for _, text in old]
            found.places[("merged", unit)] = (sheet.name, cell_name(r, old[0][0]))
            for j, (c, _) in enumerate(old):
                found.places[("merged", unit, j)] = (sheet.name, cell_name(r, c))


def _against_unit(item: dict[str, Any], typed: Any, sheet: str, cell: str, found: _Read,
                  loc: Loc) -> None:
    """A target against its unit (read before it, to its left): a "%" or "‰" typed after the
    number is the unit's, and a number cell under 1 in % or ‰ is likely 87% as Excel keeps
    it (0.87) in a cell formatted as a number."""
    unit = item.get("unit")
    if unit not in ("%", "‰") and not isinstance(typed, str):
        return
    labels = CHOICES["unit"].get(unit) if isinstance(unit, str) else None
    if isinstance(typed, str):
        sign = typed.strip()[-1:]
        if sign in ("%", "‰") and labels is not None and sign != unit:
            found.find("plan-target-sign", sheet, cell, loc, found=typed.strip(), sign=sign,
                       unit=Words(*labels))
        return
    # Excel turns "87%" typed in a number cell into 0.87 (it keeps "87‰" as text).
    if (unit == "%" and isinstance(typed, (int, float)) and not isinstance(typed, bool)
            and 0 < typed < 1):
        # What the officer would type is in the workbook's decimal mark, whatever the
        # language of the message.
        held = Fraction(repr(typed))
        meant = held * 100
        found.find("plan-target-below-one", sheet, cell, unit=unit,
                   found=decimal_text(held, "vi"), found_en=decimal_text(held, "en"),
                   typed=decimal_text(held, found.lang),
                   meant=decimal_text(meant, found.lang))


def _as_text(value: Any) -> Any:
    """A cell of a text column as text: a number typed in it (a target id 10, which Excel
    stores as the number 10.0) as it was typed. A date or a truth value stays as it is, for
    validation to refuse."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    return value


DATES = (dt.date, dt.time, dt.timedelta)  # what python-calamine gives for a date cell


def _date_found(value: Any, sheet: str, cell: str, found: _Read, loc: Loc | None) -> bool:
    """A date where the plan has a number or a text (1/3 typed in a number cell, which
    Excel turns into the 1st of March): told, with how to type it."""
    if not isinstance(value, DATES):
        return False
    shown = (f"{value.day}/{value.month}/{value.year}" if isinstance(value, dt.date)
             else str(value))
    found.find("plan-date", sheet, cell, loc, found=shown, at=cell)
    return True


def _number_text(text: str, lang: str) -> tuple[str | None, str | None]:
    """A number typed as text, as the plan file writes it ("95.5", "1/3"), or None and the
    problem: "plan-decimal-mark" for a mark the workbook's language does not use as its
    decimal mark (a dot in Vietnamese groups thousands: "1.000" is a thousand there, one in
    English; a target must not depend on which was meant), else "plan-not-a-number". A "%"
    or "‰" after the number is its unit's (checked against the unit by the caller)."""
    text = text.strip()
    if text[-1:] in ("%", "‰"):
        text = text[:-1].rstrip()
    decimal, other = (".", ",") if lang == "en" else (",", ".")
    # Digits, a sign, a decimal mark, a fraction's slash: nothing else (no space within a
    # number, no exponent, no digits of other scripts).
    if not text or not text.isascii() or any(ch not in "0123456789+-/.," for ch in text):
        return None, "plan-not-a-number"
    if other in text:
        return None, "plan-decimal-mark"
    text = text.replace(decimal, ".")
    try:
        Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None, "plan-not-a-number"
    return text, None


def _convert(kind: str, value: Any, sheet: str, cell: str, found: _Read, loc: Loc | None
             ) -> Any:
    """A cell's value as the plan file holds it; what cannot be is told here (``loc``
    marked as told) or left as it is for validation to refuse."""
    if _date_found(value, sheet, cell, found, loc):
        return value
    if kind in CHOICES:
        text = str(_as_text(value)).strip()
        choices = CHOICES[kind]
        by_label = {_folded(label): code for code, pair in choices.items()
                    for label in (code, *pair)}
        code = by_label.get(_folded(text)) or (_SIGNS.get(text) if kind == "direction"
                                                else None)
        if code is None:
            found.find("plan-not-a-choice", sheet, cell, loc, found=text, expected=Words(
                ", ".join(vi for vi, _ in choices.values()),
                ", ".join(en for _, en in choices.values())))
        return code or text
    if kind == TEXT:
        return _as_text(value)
    english = found.lang == "en"
    example = "95.5" if english else "95,5"
    if isinstance(value, bool):  # TRUE is no goal 1, no target 1
        found.find("plan-not-a-number", sheet, cell, loc, found=str(value).upper(),
                   example=example)
        return value
    if kind == WHOLE:
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if isinstance(value, str):  # NUMBER typed as text
        number, problem = _number_text(value, found.lang)
        if number is not None:
            return number
        found.find(problem or "plan-not-a-number", sheet, cell, loc, found=value.strip(),
                   book=Words("tiếng Anh", "English") if english
                   else Words("tiếng Việt", "Vietnamese"),
                   decimal="." if english else ",", example=example,
                   mark="," if english else ".")
    return value


def export_name(plan: Plan) -> str:
    """The default name of the exported workbook: ke-hoach-<year>.xlsx."""
    return f"ke-hoach-{plan.year}.xlsx"

"""The blank form a commune fills in: layout A of docs/contract.md, built from the plan.

Everything in the form comes from the plan file (units, goals, elements, their
labels and units of measure), so a 2023 plan gives the 2023 form without a code
change. The form is what :mod:`kh_treem.layouts` reads back: the unit and year
labels above the header row, a header row with "Mã" and "Số liệu", one row per
element with its code, section rows without one. Value cells carry Excel data
validation and are the only cells left unlocked (with the notes); the sheet is
protected without a password, so an officer cannot change a code by mistake but
can lift the protection if they must.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kh_treem.formatting import printable
from kh_treem.names import fold, unit_key
from kh_treem.plan import Element, Plan
from kh_treem.reading import GUIDE_MARK

__all__ = [
    "FORM_SHEET", "GUIDE_SHEET", "Section", "form_filename", "form_formats", "print_a4",
    "row_height", "sections",
    "write_form",
]

FORM_SHEET = "Biểu số liệu"
GUIDE_SHEET = "Hướng dẫn"
PREVIOUS_HEADER = "Năm trước"
# An element "<code>_prev" is last year's "<code>": its value cell is pre-filled from it.
PREVIOUS_SUFFIX = "_prev"
MAX_COUNT = 10_000_000  # far above any commune's count; catches a stray extra digit
LABEL_WIDTH, MEASURE_WIDTH, GUIDE_WIDTH = 44, 11, 70  # characters
FONT = "Times New Roman"  # the font of Vietnamese administrative documents
MAX_STEM = 100  # characters of a form's file name before its year

# Excel's limits on a data validation's texts.
_TITLE_LIMIT = 32
_MESSAGE_LIMIT = 255

_APOSTROPHES = re.compile(r"[’‘'`ʼ´]")
_ASCII_WORDS = re.compile(r"[A-Za-z0-9]+")

COUNT_PROMPT = "Nhập số nguyên từ 0 trở lên. Để trống = chưa báo cáo; không xảy ra thì ghi 0."
FLAG_PROMPT = "1 = có/đạt, 0 = không/chưa đạt"


@dataclass(frozen=True)
class Section:
    """A group of rows in the form: a goal, or the general information before the goals."""

    number: str  # I, II, III, ...
    title: str
    elements: tuple[Element, ...]


def sections(plan: Plan) -> list[Section]:
    """The form's sections, in order.

    An element belongs to the goal of the first target (in plan order) that uses
    it; elements no target uses come first, under "Thông tin chung". A goal
    none of whose elements is its own gets no section.
    """
    first_goal: dict[str, int] = {}
    for target in plan.targets:
        for code in target.elements:
            first_goal.setdefault(code, target.goal)
    groups: list[tuple[str, list[Element]]] = []
    general = [e for e in plan.elements if e.code not in first_goal]
    if general:
        groups.append(("Thông tin chung", general))
    for goal in plan.goals:
        own = [e for e in plan.elements if first_goal.get(e.code) == goal.id]
        if own:
            groups.append((f"Mục tiêu {goal.id}. {goal.name.vi}", own))
    return [Section(_roman(i), title, tuple(els)) for i, (title, els) in enumerate(groups, 1)]


def form_filename(unit: str, year: int) -> str:
    """The form's file name: ASCII, no diacritics, case kept, words joined by "_".

    >>> form_filename("Ia Tơi", 2022)
    'Ia_Toi_2022.xlsx'
    """
    decomposed = unicodedata.normalize("NFD", unit).replace("đ", "d").replace("Đ", "D")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = _ASCII_WORDS.findall(_APOSTROPHES.sub("", bare))
    stem = "_".join(words)[:MAX_STEM].rstrip("_")  # within what any system allows a name
    return f"{stem or 'Don_vi'}_{year}.xlsx"


def write_form(
    plan: Plan,
    unit: str,
    year: int,
    path: Path,
    previous: Mapping[str, int] | None = None,
    overwrite: bool = True,
) -> None:
    """Write ``unit``'s blank form for ``year`` to ``path`` (an .xlsx), atomically; without
    ``overwrite``, FileExistsError if ``path`` is there (see atomic_path).

    ``previous`` is the unit's figures of last year (code -> value): when given,
    a read-only "Năm trước" column shows them beside the value column, and the
    value cell of each "<code>_prev" element is pre-filled with last year's
    "<code>" (still editable). Raises ValueError for a unit the plan does not
    list or a year the reader would not take.
    """
    if unit not in plan.units:
        raise ValueError(f"{unit!r} is not a unit of plan {plan.id} "
                         f"({', '.join(plan.units)})")
    if not 1900 <= year <= 2200:
        raise ValueError(f"{year} is not a plausible year")
    from kh_treem.workbook import write_book

    # A form is a few hundred cells: no need of constant_memory's rows-in-order rule.
    write_book(path, lambda book: _FormWriter(book, plan, unit, year, path.name,
                                              previous).write(),
               None, overwrite, constant_memory=False)


class _FormWriter:
    def __init__(
        self,
        book: Any,
        plan: Plan,
        unit: str,
        year: int,
        filename: str,
        previous: Mapping[str, int] | None,
    ) -> None:
        self.book = book
        self.plan = plan
        self.unit = unit
        self.year = year
        self.filename = filename
        self.previous = previous
        self.sections = sections(plan)
        codes = {e.code for e in plan.elements}
        # code of a "<code>_prev" element -> the code whose last-year value fills it
        self.carried = {
            e.code: e.code.removesuffix(PREVIOUS_SUFFIX) for e in plan.elements
            if e.code.endswith(PREVIOUS_SUFFIX) and e.code.removesuffix(PREVIOUS_SUFFIX) in codes
        }
        self.used_by: dict[str, list[str]] = {}
        for target in plan.targets:
            for code in target.elements:
                self.used_by.setdefault(code, []).append(target.id)
        # Columns: STT, Nội dung, Đơn vị tính, Mã, Số liệu, [Năm trước], Ghi chú.
        self.stt, self.label, self.measure, self.code, self.value = range(5)
        self.prev_col = 5 if previous is not None else None
        self.note = 6 if previous is not None else 5
        self.last = self.note
        self.f = self._formats()

    # --- formats ------------------------------------------------------------------------

    def _formats(self) -> dict[str, Any]:
        return form_formats(self.book)

    # --- the form -----------------------------------------------------------------------

    def write(self) -> None:
        self.book.set_properties({
            "title": self._title(),
            "subject": f"{self._unit_name()} — {self.plan.title.vi}",
            "comments": "Biểu do kh-treem tạo từ tệp kế hoạch " + self.plan.id,
        })
        # By this mark, reading skips the guide sheet without a notice in every form sent back.
        self.book.set_custom_property(GUIDE_MARK, GUIDE_SHEET)
        self._form()
        self._guide()

    def _unit_name(self) -> str:
        """ "Xã Ia Đal": the unit with its kind, unless the plan's name already has one."""
        if unit_key(self.unit) != fold(self.unit):  # the name already says "Xã", "Phường"
            return self.unit
        return f"Xã {self.unit}"

    def _title(self) -> str:
        return f"BIỂU SỐ LIỆU THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG VÌ TRẺ EM NĂM {self.year}"

    def _merge(self, sheet: Any, row: int, first: int, last: int, text: str, fmt: Any) -> None:
        if first == last:
            sheet.write_string(row, first, text, fmt)
        else:
            sheet.merge_range(row, first, row, last, "", fmt)
            sheet.write_string(row, first, text, fmt)

    def _form(self) -> None:
        sheet = self.book.add_worksheet(FORM_SHEET)
        f, last = self.f, self.last
        widths = [7, LABEL_WIDTH, MEASURE_WIDTH, 26, 12]
        widths += ([12] if self.prev_col is not None else []) + [20]
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)

        # The official header lines: the issuing body on the left, the nation on the right.
        # Above the unit and year labels: no colon, so nothing here can read as a label.
        area = self.plan.area.vi.split(",")[0].replace(":", " ").strip()
        self._merge(sheet, 0, 0, 1, f"UBND {area.upper()}", f["org"])
        self._merge(sheet, 0, 2, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f["nation"])
        body = self._unit_name().replace(":", " ").upper()
        self._merge(sheet, 1, 0, 1, f"ỦY BAN NHÂN DÂN {body}", f["org_bold"])
        self._merge(sheet, 1, 2, last, "Độc lập - Tự do - Hạnh phúc", f["motto"])
        sheet.set_row(2, 8)
        sheet.set_row(3, 40)
        self._merge(sheet, 3, 0, last, self._title(), f["title"])
        # The unit and the year, read back by the layout A reader (label, then its value).
        sheet.write_string(4, 0, "Đơn vị:", f["label"])
        sheet.write_string(4, 1, self._unit_name(), f["unit_name"])
        sheet.write_string(4, 2, "Năm:", f["year_label"])
        sheet.write_number(4, 3, self.year, f["year"])
        # Below the labels, so a colon in the plan's title can never be taken for one.
        basis = f"(Số liệu báo cáo theo {self.plan.title.vi})"
        sheet.set_row(5, row_height(basis, sum(widths)))
        self._merge(sheet, 5, 0, last, basis, f["italic"])
        sheet.set_row(6, 30)
        self._merge(sheet, 6, 0, last,
                    "Chỉ nhập vào các ô màu vàng của cột “Số liệu” (số nguyên từ 0 trở lên)."
                    " Để trống là chưa báo cáo; sự việc không xảy ra thì ghi 0."
                    " Xem trang “Hướng dẫn”.", f["hint"])

        header = 7
        headers = ["STT", "Nội dung", "Đơn vị tính", "Mã", "Số liệu"]
        headers += [PREVIOUS_HEADER] if self.prev_col is not None else []
        headers += ["Ghi chú"]
        sheet.set_row(header, 32)
        for col, text in enumerate(headers):
            sheet.write_string(header, col, text, f["head"])

        row = header + 1
        number = 0
        first_value_row = None
        for section in self.sections:
            sheet.write_string(row, self.stt, section.number, f["section_no"])
            sheet.merge_range(row, self.label, row, last, "", f["section"])
            sheet.write_string(row, self.label, section.title, f["section"])
            sheet.set_row(row, row_height(section.title, sum(widths[1:])))
            row += 1
            for element in section.elements:
                number += 1
                self._element_row(sheet, row, number, element)
                if first_value_row is None:
                    first_value_row = row
                row += 1
        self._signatures(sheet, row + 1)

        sheet.freeze_panes(header + 1, 0)
        sheet.repeat_rows(header)
        print_a4(sheet)
        sheet.center_horizontally()
        sheet.set_footer("&CTrang &P/&N")
        sheet.protect("", {"format_columns": True, "format_rows": True,
                           "select_locked_cells": True, "select_unlocked_cells": True})
        sheet.activate()
        if first_value_row is not None:
            sheet.set_selection(first_value_row, self.value, first_value_row, self.value)

    def _element_row(self, sheet: Any, row: int, number: int, element: Element) -> None:
        f = self.f
        label = element.label.vi
        measure = element.measure_unit.vi if element.measure_unit else ""
        sheet.write_number(row, self.stt, number, f["stt"])
        sheet.write_string(row, self.label, label, f["text"])
        sheet.write_string(row, self.measure, measure, f["measure"])
        sheet.write_string(row, self.code, element.code, f["code"])
        sheet.set_row(row, max(row_height(label, LABEL_WIDTH),
                               row_height(measure, MEASURE_WIDTH)))
        fmt = f["flag"] if element.kind == "flag" else f["count"]
        carried = self.carried.get(element.code)
        prefill = self.previous.get(carried) if self.previous and carried else None
        if prefill is None:
            sheet.write_blank(row, self.value, None, fmt)
        else:
            sheet.write_number(row, self.value, prefill, fmt)
        sheet.data_validation(row, self.value, row, self.value, self._validation(element))
        if self.prev_col is not None:
            last_year = (self.previous or {}).get(element.code)
            if last_year is None:
                sheet.write_blank(row, self.prev_col, None, f["previous"])
            else:
                sheet.write_number(row, self.prev_col, last_year, f["previous"])
        sheet.write_blank(row, self.note, None, f["note"])

    def _validation(self, element: Element) -> dict[str, Any]:
        label = element.label.vi
        if element.kind == "flag":
            return {
                "validate": "list",
                "source": ["0", "1"],
                "input_title": "Chọn 1 hoặc 0",
                "input_message": _message(label, FLAG_PROMPT),
                "error_title": "Chỉ nhận 1 hoặc 0",
                "error_message": "Chọn 1 (có/đạt) hoặc 0 (không/chưa đạt) trong danh sách,"
                                 " hoặc để trống nếu chưa có số liệu.",
            }
        measure = element.measure_unit.vi if element.measure_unit else ""
        return {
            "validate": "integer",
            "criteria": "between",
            "minimum": 0,
            "maximum": MAX_COUNT,
            "input_title": "Số nguyên từ 0 trở lên",
            "input_message": _message(f"{label} ({measure})" if measure else label, COUNT_PROMPT),
            "error_title": "Số liệu không hợp lệ",
            "error_message": "Chỉ nhận số nguyên từ 0 trở lên (không âm, không có phần"
                             " thập phân). Để trống nếu chưa có số liệu; sự việc không xảy"
                             " ra thì ghi 0.",
        }

    def _signatures(self, sheet: Any, row: int) -> None:
        """The date line and the signature block, clear of the code column."""
        f, left, right = self.f, (0, 1), (self.value, self.last)
        self._merge(sheet, row, *right,
                    f"{self.unit}, ngày …… tháng …… năm ……", f["sign_italic"])
        self._merge(sheet, row + 1, *left, "NGƯỜI LẬP BIỂU", f["sign_bold"])
        self._merge(sheet, row + 1, *right, "TM. ỦY BAN NHÂN DÂN", f["sign_bold"])
        self._merge(sheet, row + 2, *left, "(Ký, ghi rõ họ tên)", f["sign_italic"])
        self._merge(sheet, row + 2, *right, "CHỦ TỊCH", f["sign_bold"])
        self._merge(sheet, row + 3, *right, "(Ký tên, đóng dấu)", f["sign_italic"])

    # --- the instructions ---------------------------------------------------------------

    def _guide(self) -> None:
        """Plain lines, one per row: never a header row the reader could take for a form."""
        sheet = self.book.add_worksheet(GUIDE_SHEET)
        # Narrow enough to print whole without scaling: LibreOffice does not shrink a
        # sheet of one column to fit the page.
        sheet.set_column(0, 0, GUIDE_WIDTH)
        sheet.set_margins(left=0.6, right=0.5, top=0.6, bottom=0.6)
        sheet.set_portrait()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        f = self.f
        sheet.write_string(0, 0, f"HƯỚNG DẪN ĐIỀN BIỂU SỐ LIỆU NĂM {self.year}",
                           f["guide_title"])
        row = 2
        for text, style in self._guide_lines():
            if text:  # heights set: LibreOffice does not fit wrapped rows of an .xlsx on opening
                sheet.set_row(row, row_height(text, GUIDE_WIDTH))
                sheet.write_string(row, 0, text, f[style])
            row += 1

    def _guide_lines(self) -> list[tuple[str, str]]:
        year, last_year = self.year, self.year - 1
        lines: list[tuple[str, str]] = [
            (f"Biểu số liệu năm {year} của {self._unit_name()}, theo "
             f"{self.plan.title.vi}.", "guide"),
            ("", "guide"),
            ("1. Cách điền", "guide_head"),
            ("- Chỉ nhập vào các ô màu vàng của cột “Số liệu” (và cột “Ghi chú” nếu cần giải"
             " thích thêm). Các ô khác đã được khóa để tránh sửa nhầm; khóa không đặt mật khẩu.",
             "guide"),
            ("- Nhập số nguyên từ 0 trở lên, không có phần thập phân, không ghi chữ; có thể nhập"
             " liền (1234), Excel tự hiện dấu phân cách hàng nghìn.", "guide"),
            ("- Ô để trống nghĩa là CHƯA BÁO CÁO (chưa có số liệu), không phải là 0.", "guide"),
            ("- Sự việc không xảy ra trong năm (ví dụ không có trẻ tử vong) thì phải ghi số 0."
             " Theo quy ước thống kê, dấu “-” cũng được hiểu là 0, nhưng ô trong biểu này chỉ"
             " nhận số: hãy ghi 0.", "guide"),
            ("- Ô có mũi tên chọn (đạt/chưa đạt, có/không): chọn 1 = có/đạt, 0 = không/chưa"
             " đạt.", "guide"),
            ("- Không sửa cột “Mã”, không thêm, xóa hay đổi thứ tự các hàng, không đổi tên"
             " trang tính: số liệu được tổng hợp theo mã của từng hàng.", "guide"),
        ]
        if self.prev_col is not None:
            lines.append((f"- Cột “{PREVIOUS_HEADER}” (màu xám) là số liệu xã đã báo cáo năm"
                          f" {last_year}, chỉ để so sánh; không cần sửa.", "guide"))
        for code, source in self.carried.items():
            if self.previous and self.previous.get(source) is not None:
                lines.append((f"- Ô “Số liệu” của {code} đã được điền sẵn bằng {source} năm"
                              f" {last_year}; kiểm tra lại và sửa nếu cần.", "guide"))
        lines += [("", "guide"), ("2. Ý nghĩa từng số liệu (mã — nội dung: cách ghi)",
                                  "guide_head")]
        for section in self.sections:
            lines.append((f"{section.number}. {section.title}", "guide_head"))
            lines += [(self._meaning(e), "guide") for e in section.elements]
        lines += [
            ("", "guide"),
            ("3. Gửi lại biểu", "guide_head"),
            (f"- Lưu tệp dạng Excel (.xlsx), giữ nguyên tên tệp “{self.filename}”.", "guide"),
            ("- Gửi tệp về Phòng Lao động - Thương binh và Xã hội (Phòng LĐ-TB&XH) huyện qua"
             " thư điện tử, Zalo hoặc USB; bản in có chữ ký, đóng dấu gửi kèm nếu Phòng yêu"
             " cầu.", "guide"),
        ]
        return lines

    def _meaning(self, element: Element) -> str:
        measure = element.measure_unit.vi if element.measure_unit else ""
        if element.kind == "flag":
            how = measure or FLAG_PROMPT
        else:
            how = f"số {measure.lower()}, " if measure else ""
            how += "số nguyên từ 0 trở lên"
        source = self.carried.get(element.code)
        if source is not None:
            how += f"; bằng {source} của năm {self.year - 1}"
        targets = self.used_by.get(element.code)
        if targets:
            how += f"; dùng để tính chỉ tiêu {', '.join(targets)}"
        return f"{element.code} — {element.label.vi}: {how}."


def form_formats(book: Any) -> dict[str, Any]:
    """The formats of the form (Times New Roman 12, bordered cells, the yellow of a cell to
    fill), by name; the plan workbook has the same look."""

    def fmt(**props: Any) -> Any:
        return book.add_format({"font_name": FONT, "font_size": 12, **props})

    cell = {"border": 1, "valign": "top"}
    value = {**cell, "locked": False, "bg_color": "#FFF2CC"}
    return {
        "org": fmt(align="center"),
        "org_bold": fmt(align="center", bold=True),
        "nation": fmt(align="center", bold=True),
        "motto": fmt(align="center", bold=True, underline=1),
        "title": fmt(align="center", valign="vcenter", bold=True, font_size=14,
                     text_wrap=True),
        "italic": fmt(align="center", valign="vcenter", italic=True, text_wrap=True),
        "hint": fmt(align="left", valign="vcenter", italic=True, text_wrap=True,
                    font_size=11),
        "label": fmt(bold=True),
        "unit_name": fmt(bold=True),
        "year": fmt(bold=True, align="left", num_format="0"),
        "year_label": fmt(bold=True, align="right"),
        "head": fmt(bold=True, border=1, align="center", valign="vcenter",
                    text_wrap=True, bg_color="#D9E1F2"),
        "section_no": fmt(bold=True, border=1, align="center", valign="top",
                          bg_color="#F2F2F2"),
        "section": fmt(bold=True, border=1, valign="top", text_wrap=True,
                       bg_color="#F2F2F2"),
        "stt": fmt(**cell, align="center"),
        "text": fmt(**cell, text_wrap=True),
        "measure": fmt(**cell, align="center", text_wrap=True),
        "code": fmt(**cell, font_name="Consolas", font_size=10),
        "count": fmt(**value, num_format="#,##0"),
        "flag": fmt(**value, align="center", num_format="0"),
        "previous": fmt(**cell, num_format="#,##0", bg_color="#D9D9D9",
                        font_color="#404040"),
        "note": fmt(**cell, locked=False, text_wrap=True),
        "sign_bold": fmt(bold=True, align="center"),
        "sign_italic": fmt(italic=True, align="center"),
        "guide_title": fmt(bold=True, font_size=14),
        "guide_head": fmt(bold=True, text_wrap=True, valign="top"),
        "guide": fmt(text_wrap=True, valign="top"),
    }


def _message(subject: str, prompt: str) -> str:
    """A validation's input message within Excel's limit, the subject shortened if need be
    (and shown as printable: xlsxwriter writes a validation's text as it is, where a
    control character is not well-formed XML)."""
    subject = printable(subject)
    room = _MESSAGE_LIMIT - len(prompt) - 2
    if len(subject) > room:
        subject = subject[: room - 1].rstrip() + "…"
    return f"{subject}\n{prompt}"


def print_a4(sheet: Any, portrait: bool = True) -> None:
    """A sheet printed as the forms are: on A4, as wide as a page, as long as it takes."""
    if portrait:
        sheet.set_portrait()
    else:
        sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)


def row_height(text: str, width: int) -> float:
    """A row height (points) for ``text`` wrapped in a column ``width`` characters wide."""
    lines = max(1, math.ceil(len(text) / (width * 1.05)))
    return 16.5 * lines + 1


def _roman(n: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), *numerals):
        while n >= value:
            out += letters
            n -= value
    return out

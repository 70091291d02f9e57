"""Builds commune workbooks for the tests, the way officers lay them out.

``write_form`` writes layout A (the form) with openpyxl; tests pass raw cell
contents (numbers, text, formulas) so they can make awkward files on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl

from kh_treem.plan import Plan, load_plan

PLAN = load_plan()
HEADER_ROW = 4
FIRST_VALUE_ROW = HEADER_ROW + 1
VALUE_COLUMN = "E"


def value_cell(code: str, plan: Plan = PLAN) -> str:
    """The A1 cell where ``write_form`` puts the value of ``code``."""
    index = [e.code for e in plan.elements].index(code)
    return f"{VALUE_COLUMN}{FIRST_VALUE_ROW + index}"


def write_form(
    path: Path,
    unit: str | None,
    values: Mapping[str, Any],
    *,
    year: Any = 2022,
    plan: Plan = PLAN,
    sheet: str = "Sheet1",
    extra_rows: list[list[Any]] | None = None,
) -> Path:
    """One sheet in layout A: title, unit and year labels, header, one row per element.

    Every element of the plan gets a row; elements missing from ``values`` are
    left blank (not reported). ``unit=None`` writes no unit label at all.
    """
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws["A1"] = f"BIỂU SỐ LIỆU THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG VÌ TRẺ EM NĂM {year}"
    if unit is not None:
        ws["A2"] = "Đơn vị:"
        ws["B2"] = unit
    if year is not None:
        ws["D2"] = "Năm:"
        ws["E2"] = year
    for col, header in enumerate(["STT", "Nội dung", "Đơn vị tính", "Mã", "Số liệu", "Ghi chú"]):
        ws.cell(HEADER_ROW, col + 1, header)
    for i, element in enumerate(plan.elements):
        row = FIRST_VALUE_ROW + i
        ws.cell(row, 1, i + 1)
        ws.cell(row, 2, element.label.vi)
        ws.cell(row, 4, element.code)
        if element.code in values:
            ws.cell(row, 5, values[element.code])
    for extra in extra_rows or []:
        ws.append(extra)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path

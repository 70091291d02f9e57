"""The summary workbook of the examples, cell by cell, against the one kept in tests/data.

tests/data/summary/ holds the summaries of examples/2022: the breakdown across the page (3
communes, every target) in both languages, and down the page (3 communes, 4 targets). They
were first written by the code of commit 2493a2f, to hold the rewrite with xlsxwriter alone
(issue 15) to the same cells, and written again when the problems' and files' "Loại" column
became words (issue 18), and when the sheet "Cần kiểm tra lại" gave its values as numbers
beside their unit (issue 19). The district sheet, a document since issue 18, is left to
tests/test_workbook.py. A change of content or format in any other cell shows here; a
deliberate one, or a change to examples/2022 (even to its README, whose SHA-256 the files
sheet shows), means writing the files again (see ``test_summary_is_unchanged_cell_by_cell``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

import kh_treem
from kh_treem.workbook import write_summary
from tests.forms import PLAN

REPO = Path(__file__).resolve().parent.parent
KEPT = REPO / "tests" / "data" / "summary"
DOWN_THE_PAGE = ("2", "3a", "12", "20a")  # fewer targets than communes: a commune a row


def _cells(path: Path) -> dict[str, Any]:
    """Every sheet's layout and every cell's value and look, as comparable data."""
    book = openpyxl.load_workbook(path)
    found: dict[str, Any] = {"sheets": book.sheetnames}
    for ws in book.worksheets:
        found[ws.title] = {
            "freeze": ws.freeze_panes,
            "print_title_rows": ws.print_title_rows,
            "landscape": ws.page_setup.orientation,
            "widths": {k: round(d.width, 2) for k, d in ws.column_dimensions.items()},
            "cells": [
                [(c.value, c.data_type, c.number_format, c.font.b, c.font.sz,
                  c.fill.fgColor.rgb if c.fill.fill_type == "solid" else None,
                  c.border.left.style, c.alignment.wrap_text, c.alignment.vertical)
                 for c in row]
                for row in ws.iter_rows()
            ],
        }
    return found


@pytest.mark.parametrize(("kept", "lang", "targets"), [
    ("examples_2022_vi.xlsx", "vi", None),
    ("examples_2022_en.xlsx", "en", None),
    ("examples_2022_down_vi.xlsx", "vi", DOWN_THE_PAGE),
])
def test_summary_is_unchanged_cell_by_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: str, lang: str,
    targets: tuple[str, ...] | None,
) -> None:
    """To accept a deliberate change, write the kept file again from the repository's root:
    ``kh_treem.score(["examples/2022"], plan)`` then ``write_summary(result, path, lang)``."""
    monkeypatch.chdir(REPO)  # the files' paths in the workbook are as given: relative
    plan = PLAN if targets is None else PLAN.model_copy(
        update={"targets": [t for t in PLAN.targets if t.id in targets]})
    out = tmp_path / kept
    write_summary(kh_treem.score(["examples/2022"], plan), out, lang)
    written, before = _cells(out), _cells(KEPT / kept)
    assert written["sheets"] == before["sheets"]
    # The first sheet became a document in issue 18 (header block, goal rows, signatures):
    # tests/test_workbook.py checks it; the other sheets are as they were.
    for sheet in before["sheets"][1:]:
        assert written[sheet] == before[sheet], sheet

"""The summary workbook (write_summary, `score -o`), read back with openpyxl.

Outputs go to tmp_path only; inputs are copies of examples/2022 or forms from tests.forms.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

import kh_treem
from kh_treem import workbook
from kh_treem.i18n import word
from kh_treem.intake import FileRecord
from kh_treem.problems import Problem, kind_label
from kh_treem.workbook import STATUS_COLOURS, write_summary
from tests.cli import run
from tests.expected_2022 import EXPECTED
from tests.forms import PLAN, write_form

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "2022"
EXAMPLE_FILES = ("Ia_Dal.xlsx", "Ia_Dom.xlsx", "Ia_Toi.xlsx")
SHEETS_VI = ["Tổng hợp", "Theo xã", "Số liệu cộng", "Cần kiểm tra lại", "Vấn đề", "Tệp đã đọc"]
SHEETS_EN = ["District", "By commune", "Summed counts", "To check again", "Problems",
             "Files read"]
UNITS = ["Ia Đal", "Ia Dom", "Ia Tơi"]
STATUS_VI = {"met": "Đạt", "not_met": "Chưa đạt", "not_applicable": "Không áp dụng",
             "no_data": "Chưa có số liệu"}
STATUS_EN = {"met": "Met", "not_met": "Not met", "not_applicable": "Not applicable",
             "no_data": "No data"}

IDS = [e[0] for e in EXPECTED]
PER_UNIT_IDS = [tid for tid in IDS if tid not in ("1", "21")]
# District sums from the README's element table (a sample).
SUMS = {"children_total": 5000, "children_0_8": 2665, "u5_weighed": 1360, "u5_stunted": 442,
        "child_friendly_commune": 2, "disaster_children": 0, "child_marriages_prev": 11,
        "children_aware": 4240, "play_venue_commune": 1}


def copy_examples(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy2(EXAMPLES / name, folder / name)) for name in EXAMPLE_FILES]


def values(ws: Worksheet, first_row: int = 1) -> list[list[Any]]:
    """Every row's cell values from ``first_row`` on."""
    return [[c.value for c in r] for r in ws.iter_rows(min_row=first_row)]


def fill(cell: Any) -> str | None:
    """The solid fill colour of ``cell`` (ARGB), None when it has none."""
    if cell.fill is None or cell.fill.fill_type != "solid":
        return None
    return str(cell.fill.fgColor.rgb)


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path, Path]:
    """The examples scored once: (inputs, Vietnamese summary, English summary)."""
    root = tmp_path_factory.mktemp("summary")
    paths = copy_examples(root / "in")
    vi, en = root / "vi.xlsx", root / "en.xlsx"
    for out, lang in ((vi, "vi"), (en, "en")):
        result = run("score", *paths, "-o", out, "--lang", lang)
        assert result.exit_code == 0, result.output
    return paths, vi, en


@pytest.fixture
def vi_book(scored: tuple[list[Path], Path, Path]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(scored[1])


@pytest.fixture
def en_book(scored: tuple[list[Path], Path, Path]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(scored[2])


# --- sheets ------------------------------------------------------------------------------------


def test_sheet_names_in_vietnamese(vi_book: openpyxl.Workbook) -> None:
    """The summary has the five sheets, in order, with their Vietnamese names."""
    assert vi_book.sheetnames == SHEETS_VI


def test_sheet_names_in_english(en_book: openpyxl.Workbook) -> None:
    """With --lang en the five sheets carry their English names."""
    assert en_book.sheetnames == SHEETS_EN


def test_write_summary_writes_what_the_cli_writes(
    scored: tuple[list[Path], Path, Path], vi_book: openpyxl.Workbook, tmp_path: Path,
) -> None:
    """write_summary(kh_treem.score(paths), path) holds the same cells as `score -o`."""
    paths = scored[0]
    out = tmp_path / "direct.xlsx"
    write_summary(kh_treem.score(paths), out, "vi")
    direct = openpyxl.load_workbook(out)
    assert direct.sheetnames == SHEETS_VI
    for name in SHEETS_VI:
        assert values(direct[name]) == values(vi_book[name]), name


# --- the district sheet ------------------------------------------------------------------------


HEADER_ROW = 9  # below the header block (3 rows), a blank, the title (3 rows), a blank
DISTRICT_HEADER = ["Chỉ tiêu", "Nội dung", "Tử số", "Mẫu số", "Kết quả", "Kế hoạch",
                   "Đánh giá", "Xã báo cáo", "Xã thiếu số liệu"]


def district_rows(ws: Worksheet) -> list[tuple[Any, ...]]:
    """The target rows of the district sheet: the rows below the header whose first cell is
    a target id (goal rows, the closing line and the signatures are not)."""
    return [tuple(r) for r in ws.iter_rows(min_row=HEADER_ROW + 1)
            if isinstance(r[0].value, str) and r[0].value in IDS]


def test_district_sheet_has_the_header_block_of_an_administrative_document(
    tmp_path: Path
) -> None:
    """Issuer on the left, national name and motto on the right, the place and date under
    them, from the plan's issuer; then the title, the plan and the area with the year."""
    out = tmp_path / "tong-hop.xlsx"
    write_summary(kh_treem.score([EXAMPLES]), out, "vi", today=date(2027, 1, 15))
    ws = openpyxl.load_workbook(out)["Tổng hợp"]
    assert [ws["A1"].value, ws["A2"].value] == ["UBND HUYỆN IA H’DRAI",
                                                "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"]
    assert [ws["E1"].value, ws["E2"].value, ws["E3"].value] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Ia H’Drai, ngày ...... tháng 1 năm 2027"]
    assert (ws["A2"].font.b, ws["E1"].font.b, ws["E2"].font.u, ws["E3"].font.i) == (
        True, True, "single", True)
    assert [ws["A5"].value, ws["A6"].value, ws["A7"].value] == [
        "BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", PLAN.title.get("vi"),
        f"{PLAN.area.get('vi')} · 2022"]
    assert {"A1:C1", "E1:I1", "A5:I5"} <= {str(r) for r in ws.merged_cells.ranges}


def test_district_sheet_has_33_rows_of_numbers_under_their_goals(
    vi_book: openpyxl.Workbook
) -> None:
    ws = vi_book["Tổng hợp"]
    assert [c.value for c in ws[HEADER_ROW]] == DISTRICT_HEADER
    rows = district_rows(ws)
    assert [r[0].value for r in rows] == IDS
    for r, (tid, num, den, _, _) in zip(rows, EXPECTED, strict=True):
        assert (r[2].value, r[2].data_type) == (num, "n"), tid
        assert r[3].value == den, tid
        assert r[7].value == "3/3", tid
    assert rows[2][4].value == "12,5‰"  # 3a: 2 deaths per 160 live births
    assert rows[2][5].value == "< 9,8‰"
    # A row per goal, before its first target: "Mục tiêu 2. Về bảo vệ trẻ em".
    goal_rows = [r[0].value for r in ws.iter_rows(min_row=HEADER_ROW + 1)
                 if isinstance(r[0].value, str) and r[0].value.startswith("Mục tiêu ")]
    assert goal_rows == [f"Mục tiêu {g.id}. {g.name.vi}" for g in PLAN.goals]


def test_district_sheet_closes_with_the_count_and_the_signatures(
    vi_book: openpyxl.Workbook
) -> None:
    ws = vi_book["Tổng hợp"]
    below = [[c.value for c in r if c.value is not None]
             for r in ws.iter_rows(min_row=HEADER_ROW + 1 + 33 + 4)]
    texts = [cells for cells in below if cells]
    assert texts[:3] == [["Tổng số: 20/33 chỉ tiêu đạt"], ["NGƯỜI LẬP BIỂU", "TRƯỞNG PHÒNG"],
                         ["(Ký, ghi rõ họ tên)", "(Ký, ghi rõ họ tên)"]]


def test_district_sheet_prints_one_page_wide_in_12_point_with_rows_that_hold_their_text(
    vi_book: openpyxl.Workbook
) -> None:
    ws = vi_book["Tổng hợp"]
    setup = ws.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)  # 1 is left unwritten
    assert (ws.print_title_rows or "").replace("$", "") == f"{HEADER_ROW}:{HEADER_ROW}"
    # The columns fit A4 landscape's width (11.69 inches) within the margins: a width unit
    # is 7 pixels, 5.25 points, so fitting the page wide never shrinks the text.
    columns = sum(d.width * (d.max - d.min + 1) for d in ws.column_dimensions.values()) * 5.25
    assert columns > 600  # all nine columns counted (a <col> may span several)
    margins = ws.page_margins
    assert columns <= (11.69 - margins.left - margins.right) * 72
    rows = district_rows(ws)
    assert {c.font.sz for r in rows for c in r} == {12}
    assert {c.font.name for r in rows for c in r} == {"Times New Roman"}
    heights = {r[0].value: ws.row_dimensions[r[0].row].height for r in rows}
    # A name that takes two lines gets a row twice as high as one that takes one.
    assert heights["24"] >= 2 * heights["3a"]
    assert heights["20a"] >= 2 * heights["3a"]


def test_district_sheet_statuses_are_coloured_text(vi_book: openpyxl.Workbook) -> None:
    """Each status is text with a solid fill; one colour per status, a different one each."""
    rows = district_rows(vi_book["Tổng hợp"])
    colours: dict[str, set[str | None]] = {}
    for r, (tid, *_, status) in zip(rows, EXPECTED, strict=True):
        cell = r[6]
        assert (cell.value, cell.data_type) == (STATUS_VI[status], "s"), tid
        colours.setdefault(status, set()).add(fill(cell))
    assert set(colours) == {"met", "not_met", "not_applicable"}
    assert all(len(c) == 1 and None not in c for c in colours.values())
    assert len({next(iter(c)) for c in colours.values()}) == 3


def test_district_sheet_in_english(en_book: openpyxl.Workbook) -> None:
    """The English district sheet: English header block, headers, statuses, closing line."""
    ws = en_book["District"]
    assert ws["E1"].value == "SOCIALIST REPUBLIC OF VIET NAM"
    assert [c.value for c in ws[HEADER_ROW]][:2] == ["Target", "Indicator"]
    rows = district_rows(ws)
    assert [r[6].value for r in rows] == [STATUS_EN[e[4]] for e in EXPECTED]
    assert rows[0][1].value == "Child-friendly communes"
    assert any(c.value == "In all: 20 of 33 targets met" for r in ws.iter_rows() for c in r)


def test_a_plan_without_an_issuer_gives_a_sheet_without_header_block_or_signatures(
    tmp_path: Path
) -> None:
    plan = PLAN.model_copy(update={"issuer": None})
    out = tmp_path / "tong-hop.xlsx"
    write_summary(kh_treem.score([EXAMPLES], plan), out, "vi")
    ws = openpyxl.load_workbook(out)["Tổng hợp"]
    assert ws["A1"].value == "BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"
    everything = {c.value for r in ws.iter_rows() for c in r}
    assert not {"TRƯỞNG PHÒNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"} & everything
    assert "Tổng số: 20/33 chỉ tiêu đạt" in everything


# --- the by-commune sheet ----------------------------------------------------------------------


def test_by_commune_sheet_has_31_rows(
    scored: tuple[list[Path], Path, Path], vi_book: openpyxl.Workbook,
) -> None:
    """The by-commune sheet: 31 targets (not 1 nor 21) x 3 communes, a cell each: the value
    as a number whose format says the status in words, or the status alone as text."""
    ws = vi_book["Theo xã"]
    assert [c.value for c in ws[1]] == ["Chỉ tiêu", "Nội dung", *UNITS]
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == 31
    assert [r[0].value for r in rows] == PER_UNIT_IDS
    by_unit = kh_treem.score(scored[0]).by_unit
    for j, unit in enumerate(UNITS):
        for r, outcome in zip(rows, by_unit[unit], strict=True):
            cell, where = r[2 + j], (unit, outcome.target.id)
            if outcome.value is None:
                assert (cell.value, cell.data_type) == (STATUS_VI[outcome.status], "s"), where
            else:
                assert cell.data_type == "n", where
                assert cell.value == pytest.approx(float(outcome.value)), where
                assert cell.number_format == f'#,##0.0000" ({STATUS_VI[outcome.status]})"'
            assert fill(cell) == "FF" + STATUS_COLOURS[outcome.status].lstrip("#"), where
    twelve = rows[PER_UNIT_IDS.index("12")]
    assert [c.value for c in twelve[2:]] == ["Không áp dụng"] * 3


# --- the summed counts sheet -------------------------------------------------------------------


def test_counts_sheet_has_51_elements_with_district_sums(vi_book: openpyxl.Workbook) -> None:
    """The summed counts sheet lists the 51 elements in plan order with their district sums."""
    ws = vi_book["Số liệu cộng"]
    assert [c.value for c in ws[1]] == ["Mã", "Nội dung", "Tổng", "Số xã có số liệu"]
    rows = values(ws, 2)
    assert len(rows) == 51
    assert [r[0] for r in rows] == [e.code for e in PLAN.elements]
    assert [r[1] for r in rows] == [e.label.vi for e in PLAN.elements]
    totals = {r[0]: r[2] for r in rows}
    assert {code: totals[code] for code in SUMS} == SUMS
    assert all(r[3] == 3 for r in rows)
    assert all(c.data_type == "n" for r in ws.iter_rows(min_row=2) for c in r[2:4])


def test_counts_sheet_leaves_unreported_elements_blank(tmp_path: Path) -> None:
    """An element no commune reported has a blank total (never 0) and 0 communes counted."""
    form = write_form(tmp_path / "Ia_Dom.xlsx", "Ia Dom",
                      {"live_births": 60, "neonatal_deaths": 0, "schools": 9})
    out = tmp_path / "out.xlsx"
    result = run("score", form, "-o", out)
    assert result.exit_code == 0, result.output
    rows = values(openpyxl.load_workbook(out)["Số liệu cộng"], 2)
    assert len(rows) == 51
    reported = {r[0]: (r[2], r[3]) for r in rows if r[2] is not None}
    assert reported == {"live_births": (60, 1), "neonatal_deaths": (0, 1), "schools": (9, 1)}
    blanks = [r for r in rows if r[2] is None]
    assert len(blanks) == 48
    assert all(r[3] == 0 for r in blanks)


# --- the problems and files sheets -------------------------------------------------------------


def test_problems_sheet_lists_the_problems(tmp_path: Path) -> None:
    """Every problem of the run is a row: severity, type, file, sheet, cell, code, message."""
    dal, dom, toi = copy_examples(tmp_path / "in")
    book = openpyxl.load_workbook(dom)
    ws = book.worksheets[0]
    assert ws["D21"].value == "u5_stunted"
    ws["E21"] = "khoảng 30"
    book.save(dom)
    missing = tmp_path / "in" / "Ia_Toi (2).xlsx"
    out = tmp_path / "out.xlsx"
    result = run("score", dal, dom, toi, missing, "-o", out)
    assert result.exit_code == 1, result.output
    rows = values(openpyxl.load_workbook(out)["Vấn đề"])
    assert rows[0] == ["Mức độ", "Loại", "Tệp", "Trang tính", "Ô", "Mã", "Nội dung"]
    expected = [
        [word(p.severity, "vi"), kind_label(p.type, "vi"), p.file, p.sheet, p.cell, p.code,
         p.message("vi")]
        for p in kh_treem.score([dal, dom, toi, missing]).problems
    ]
    assert rows[1:] == expected
    bad_value = Problem("not-a-number", params={"found": "khoảng 30"}).message("vi")
    assert "“khoảng 30”" in bad_value
    assert ["Lỗi", "Không phải số", str(dom), "BC 2022", "E21", "u5_stunted", bad_value] in rows
    assert ["Lưu ý", "Bỏ qua trang tính", str(toi), "Huong dan", None, None,
            Problem("sheet-skipped").message("vi")] in rows
    assert ["Lỗi", "Không tìm thấy", str(missing), None, None, None,
            Problem("path-missing").message("vi")] in rows
    assert len(rows) == 4


def test_files_sheet_has_each_file_with_its_sha256(
    scored: tuple[list[Path], Path, Path], vi_book: openpyxl.Workbook,
) -> None:
    """The files sheet lists each file read, its commune, size and SHA-256 of its bytes."""
    paths = scored[0]
    ws = vi_book["Tệp đã đọc"]
    assert [c.value for c in ws[1]][:5] == ["Đường dẫn", "Xử lý", "Xã", "Kích thước (byte)",
                                           "SHA-256"]
    rows = values(ws, 2)
    assert [r[0] for r in rows] == [str(p) for p in paths]
    assert [r[1] for r in rows] == ["Đã dùng"] * 3
    assert [r[2] for r in rows] == UNITS
    assert [r[3] for r in rows] == [p.stat().st_size for p in paths]
    for r, path in zip(rows, paths, strict=True):
        assert re.fullmatch(r"[0-9a-f]{64}", r[4])
        assert r[4] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_text_that_looks_like_a_formula_is_stored_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """File, sheet and unit names starting with = + - @ are written as strings, never formulas."""
    # Relative paths, so that the file names begin the cells of the problems and files sheets.
    monkeypatch.chdir(tmp_path)
    write_form(Path("=cmd.xlsx"), "Ia Đal", {"live_births": 54})
    write_form(Path("-cmd.xlsx"), "Ia Dom", {"live_births": 60})
    write_form(Path("@cmd.xlsx"), "Ia Tơi", {"live_births": 46})
    form = write_form(Path("+cmd.xlsx"), "x", {"live_births": 46}, sheet="=SUM(A1)")
    book = openpyxl.load_workbook(form)
    unit = book["=SUM(A1)"]["B2"]
    unit.value = '=HYPERLINK("x")'
    unit.data_type = "s"  # typed as text, as an officer would
    book.create_sheet("@note")["A1"] = "Hướng dẫn"
    book.create_sheet("-note")["A1"] = "Ghi chú"
    book.save(form)
    result = run("score", "-o", "out.xlsx", "--", "=cmd.xlsx", "-cmd.xlsx", "+cmd.xlsx",
                 "@cmd.xlsx")
    assert result.exit_code == 1, result.output
    summary = openpyxl.load_workbook("out.xlsx")
    cells = [c for name in SHEETS_VI for r in summary[name].iter_rows() for c in r]
    risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in risky} >= {
        "=cmd.xlsx", "-cmd.xlsx", "+cmd.xlsx", "@cmd.xlsx", "=SUM(A1)", "@note", "-note"}
    assert all(c.data_type == "s" for c in risky), [(c.coordinate, c.value) for c in risky]
    assert not [c for c in cells if c.data_type == "f"]
    problems = values(summary["Vấn đề"], 2)
    unknown = next(r for r in problems if r[1] == "Xã không có trong kế hoạch")
    assert unknown[2:5] == ["+cmd.xlsx", "=SUM(A1)", "B2"]
    assert '“=HYPERLINK("x")”' in unknown[6]
    files = values(summary["Tệp đã đọc"], 2)
    assert [r[0] for r in files] == ["=cmd.xlsx", "-cmd.xlsx", "+cmd.xlsx", "@cmd.xlsx"]


# --- print setup -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_sheet_prints_landscape_a4_with_header_repeated(
    vi_book: openpyxl.Workbook, en_book: openpyxl.Workbook, lang: str,
) -> None:
    """Each sheet is set for A4 landscape with its header row repeated on every page."""
    book = vi_book if lang == "vi" else en_book
    header_rows = [f"{HEADER_ROW}:{HEADER_ROW}", "1:1", "1:1", "1:1", "1:1", "1:1"]
    for ws, rows in zip(book.worksheets, header_rows, strict=True):
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9, ws.title
        assert (ws.print_title_rows or "").replace("$", "") == rows, ws.title


# --- writing is atomic -------------------------------------------------------------------------


def broken_write(exc: BaseException) -> Any:
    def write(self: Any) -> NoReturn:
        self.book.add_worksheet("half-written")
        raise exc

    return write


def test_failed_write_leaves_the_previous_summary(
    scored: tuple[list[Path], Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A writer failing midway leaves the earlier file byte-identical and no temporary file."""
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "summary.xlsx"
    shutil.copy2(scored[1], out)
    before = out.read_bytes()
    result = kh_treem.score(scored[0])
    monkeypatch.setattr(workbook._Writer, "write", broken_write(RuntimeError("midway")))
    with pytest.raises(RuntimeError, match="midway"):
        write_summary(result, out, "vi")
    assert out.read_bytes() == before
    assert os.listdir(folder) == ["summary.xlsx"]


def test_failed_first_write_leaves_nothing(
    scored: tuple[list[Path], Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A writer failing with no earlier output leaves the folder empty."""
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.setattr(workbook._Writer, "write", broken_write(RuntimeError("midway")))
    with pytest.raises(RuntimeError, match="midway"):
        write_summary(kh_treem.score(scored[0]), folder / "summary.xlsx", "vi")
    assert os.listdir(folder) == []


def test_cli_write_error_exits_1_and_keeps_the_previous_summary(
    scored: tuple[list[Path], Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A disk error while writing exits 1 with a message; the earlier summary is untouched."""
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "summary.xlsx"
    shutil.copy2(scored[1], out)
    before = out.read_bytes()
    monkeypatch.setattr(workbook._Writer, "write",
                        broken_write(OSError(28, "No space left on device")))
    result = run("score", *scored[0], "-o", out)
    assert result.exit_code == 1, result.output
    assert result.stderr == \
        f"Không ghi được bảng tổng hợp {out}: No space left on device\n"
    assert "Đã ghi bảng tổng hợp" not in result.output
    assert out.read_bytes() == before
    assert os.listdir(folder) == ["summary.xlsx"]


def test_cli_writer_bug_is_an_internal_error(
    scored: tuple[list[Path], Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug in the writer exits 3 with the internal-error message, no traceback, file kept."""
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "summary.xlsx"
    shutil.copy2(scored[1], out)
    before = out.read_bytes()
    monkeypatch.setattr(workbook._Writer, "write", broken_write(RuntimeError("midway")))
    result = run("score", *scored[0], "-o", out)
    assert out.read_bytes() == before
    assert os.listdir(folder) == ["summary.xlsx"]
    assert result.exit_code == 3, (result.output, result.exception)
    assert "Lỗi nội bộ của kh-treem" in result.stderr
    assert not isinstance(result.exception, RuntimeError)


def test_ctrl_c_while_writing_leaves_the_previous_summary(
    scored: tuple[list[Path], Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C while the summary is written exits 130 with a sentence; no half-written file."""
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "summary.xlsx"
    shutil.copy2(scored[1], out)
    before = out.read_bytes()
    monkeypatch.setattr(workbook._Writer, "write", broken_write(KeyboardInterrupt()))
    result = run("score", *scored[0], "-o", out)
    assert result.exit_code == 130, result.output
    assert result.stderr == "Đã dừng theo yêu cầu; không tệp nào bị ghi dở.\n"
    assert "Traceback" not in result.output
    assert out.read_bytes() == before
    assert os.listdir(folder) == ["summary.xlsx"]


def test_more_communes_than_targets_get_one_row_each(tmp_path: Path) -> None:
    """Where communes outnumber the targets, the breakdown puts one commune per row (a
    province's thousands), each target a column; otherwise communes run across."""
    plan = PLAN.model_copy(update={"targets": [t for t in PLAN.targets if t.id in ("2", "3a")]})
    forms = tmp_path / "in"
    write_form(forms / "a.xlsx", "Ia Đal", {"live_births": 10, "neonatal_deaths": 1})
    write_form(forms / "b.xlsx", "Ia Tơi", {"live_births": 20, "neonatal_deaths": 0})
    write_form(forms / "c.xlsx", "Ia Dom", {"live_births": 30, "neonatal_deaths": 0})
    out = tmp_path / "big.xlsx"
    write_summary(kh_treem.score([forms], plan), out, "vi")
    rows = list(openpyxl.load_workbook(out)["Theo xã"].iter_rows(values_only=True))
    assert rows == [("Xã", "2", "3a"), ("Ia Đal", "Chưa có số liệu", 100.0),
                    ("Ia Dom", "Chưa có số liệu", 0.0), ("Ia Tơi", "Chưa có số liệu", 0.0)]
    # 100 ‰ in 3a says "(Chưa đạt)" by its format; no figure for 2 is never a 0.


@pytest.mark.parametrize("ids", [PER_UNIT_IDS[i:i + 2] for i in range(0, len(PER_UNIT_IDS), 2)],
                         ids=lambda ids: "+".join(ids))
def test_breakdown_down_the_page_shows_each_outcome(
    scored: tuple[list[Path], Path, Path], tmp_path: Path, ids: list[str],
) -> None:
    """With more communes than targets (a commune a row), each cell is what scoring says:
    the value as a number, its status in the number format and the fill, or the
    status alone as text; every target, two at a time."""
    plan = PLAN.model_copy(update={"targets": [t for t in PLAN.targets if t.id in ids]})
    result = kh_treem.score(scored[0], plan)
    write_summary(result, tmp_path / "rows.xlsx", "vi")
    ws = openpyxl.load_workbook(tmp_path / "rows.xlsx")["Theo xã"]
    assert [c.value for c in ws[1]] == ["Xã", *ids]
    rows = list(ws.iter_rows(min_row=2))
    assert [r[0].value for r in rows] == UNITS
    for r, (unit, outcomes) in zip(rows, result.by_unit.items(), strict=True):
        for cell, outcome in zip(r[1:], outcomes, strict=True):
            where = (unit, outcome.target.id)
            if outcome.value is None:
                assert (cell.value, cell.data_type) == (STATUS_VI[outcome.status], "s"), where
            else:
                # xlsxwriter writes 16 significant digits (Excel shows 15)
                assert cell.data_type == "n", where
                assert cell.value == pytest.approx(float(outcome.value), rel=1e-15), where
                assert cell.number_format == f'#,##0.0000" ({STATUS_VI[outcome.status]})"'
            assert fill(cell) == "FF" + STATUS_COLOURS[outcome.status].lstrip("#"), where
            assert cell.border.left.style == "thin", where


def test_a_text_longer_than_a_cell_holds_is_cut_with_a_sign(tmp_path: Path) -> None:
    """Past 32,767 characters (UTF-16 units: an emoji is two) a cell ends in "…", never
    silently cut; a message keeps its sentence, the value it quotes cut at 200."""
    commune_list = ", ".join(f"Xã Số {i:05d}" for i in range(3000))  # a province's table
    problem = Problem("not-a-number", file="t.csv", cell="C2", code="schools",
                      params={"found": "😀" * 17_000})
    record = FileRecord("t.csv", "used", units=[commune_list])
    result = kh_treem.score([EXAMPLES])
    out = tmp_path / "long.xlsx"
    write_summary(dataclasses.replace(result, problems=[problem], files=[record]), out, "vi")
    book = openpyxl.load_workbook(out)
    units = book["Tệp đã đọc"]["C2"].value
    assert units.endswith("…")
    assert len(units.encode("utf-16-le")) // 2 == 32_767
    assert commune_list.startswith(units[:-1])
    message = book["Vấn đề"]["G2"].value
    assert message == ("“" + "😀" * 199 + "…” không phải số nguyên; cần một số đếm như 412"
                       " hoặc 1.234")


def test_rows_past_what_a_sheet_holds_are_counted_in_its_last_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook, "EXCEL_ROWS", 6)  # Excel's 1,048,576, made small
    problems = [Problem("year-missing", file=f"f{i}.xlsx", params={"year": 2022})
                for i in range(10)]
    result = kh_treem.score([EXAMPLES])
    out = tmp_path / "many.xlsx"
    write_summary(dataclasses.replace(result, problems=problems), out, "vi")
    rows = list(openpyxl.load_workbook(out)["Vấn đề"].iter_rows(values_only=True))
    assert len(rows) == 6
    assert [r[2] for r in rows[1:5]] == ["f0.xlsx", "f1.xlsx", "f2.xlsx", "f3.xlsx"]
    assert rows[5][0] == ("… và 6 dòng nữa mà trang tính không chứa được (tối đa 1.048.576"
                          " dòng); xem đủ bằng --format json")


def test_a_long_list_of_missing_communes_is_cut_to_what_a_row_holds(tmp_path: Path) -> None:
    """Twelve communes missing: ten named, "và 2 xã khác"; no row over Excel's 409 points."""
    more = [f"Thôn Thử {i}" for i in range(1, 13)]
    plan = PLAN.model_copy(update={"units": [*PLAN.units, *more]})
    out = tmp_path / "tong-hop.xlsx"
    write_summary(kh_treem.score([EXAMPLES], plan), out, "vi")
    ws = openpyxl.load_workbook(out)["Tổng hợp"]
    rows = district_rows(ws)
    assert rows[2][8].value == ", ".join(more[:10]) + " và 2 xã khác"
    assert max(d.height or 0 for d in ws.row_dimensions.values()) <= 409


def test_a_signer_role_on_two_lines_gets_the_room_of_two(tmp_path: Path) -> None:
    assert PLAN.issuer is not None
    signers = [PLAN.issuer.signers[0], PLAN.issuer.signers[1].model_copy(update={
        "role": PLAN.issuer.signers[1].role.model_copy(
            update={"vi": "KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG"})})]
    plan = PLAN.model_copy(update={"issuer": PLAN.issuer.model_copy(
        update={"signers": signers})})
    out = tmp_path / "tong-hop.xlsx"
    write_summary(kh_treem.score([EXAMPLES], plan), out, "vi")
    ws = openpyxl.load_workbook(out)["Tổng hợp"]
    [cell] = [c for r in ws.iter_rows() for c in r if c.value == "NGƯỜI LẬP BIỂU"]
    roles = [c.value for c in ws[cell.row] if c.value]
    assert roles == ["NGƯỜI LẬP BIỂU", "KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG"]
    assert ws.row_dimensions[cell.row].height >= 2 * 16.5

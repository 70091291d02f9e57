"""The trend workbook's charts, pages and outlook, read back from the .xlsx's own XML.

openpyxl does not read charts back reliably, so the charts (xl/charts/chartN.xml), their
anchors (xl/drawings/drawingN.xml) and the page breaks (<rowBreaks> of the sheet) are parsed
from the zip; the cells are read with openpyxl.
"""

from __future__ import annotations

import math
import posixpath
import zipfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

import kh_treem
from kh_treem.multiyear import RollupResult
from kh_treem.trend_workbook import write_trend
from tests.test_rollup import THREE_YEARS, write_years

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
}
A4_LANDSCAPE_HEIGHT_IN = 8.27
ROW_PT = 15  # the default row height


@dataclass
class Chart:
    title: str
    series: list[str]  # the names in the legend, in order
    values: list[str]  # the cell range each series draws
    has_legend: bool
    first_row: int  # zero-based rows the anchor spans, its last row included
    last_row: int
    last_col: int  # zero-based column of the anchor's right edge; its offset into it
    last_col_offset: int


@dataclass
class Sheet:
    breaks: list[int]  # rows (zero-based) above which a page begins
    scale: int
    margins: tuple[float, float]  # top, bottom (inches)
    fit_to_page: bool
    custom_heights: bool  # some row has a height of its own
    columns: int
    charts: list[Chart]


def _rels(book: zipfile.ZipFile, part: str) -> dict[str, str]:
    """A part's relationships: id -> the path of the part it points to."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in book.namelist():
        return {}
    root = ElementTree.fromstring(book.read(rels))
    return {r.get("Id", ""): posixpath.normpath(posixpath.join(folder, r.get("Target", "")))
            for r in root.findall("rel:Relationship", NS)}


def _text(element: ElementTree.Element | None) -> str:
    return "".join(element.itertext()) if element is not None else ""


def read_sheets(path: Path) -> dict[str, Sheet]:
    """Each sheet of the workbook by name, with its page set-up, breaks and charts."""
    sheets = {}
    with zipfile.ZipFile(path) as book:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        parts = _rels(book, "xl/workbook.xml")
        for entry in workbook.findall("m:sheets/m:sheet", NS):
            part = parts[entry.get(f"{{{NS['r']}}}id", "")]
            root = ElementTree.fromstring(book.read(part))
            setup = root.find("m:pageSetup", NS)
            margins = root.find("m:pageMargins", NS)
            fit = root.find("m:sheetPr/m:pageSetUpPr", NS)
            charts = []
            for drawing in root.findall("m:drawing", NS):
                drawing_part = _rels(book, part)[drawing.get(f"{{{NS['r']}}}id", "")]
                charts += _charts(book, drawing_part)
            sheets[entry.get("name", "")] = Sheet(
                breaks=[int(b.get("id", "")) for b in root.findall("m:rowBreaks/m:brk", NS)],
                scale=int(setup.get("scale", "100")) if setup is not None else 100,
                margins=(float(margins.get("top", "0.75")), float(margins.get("bottom", "0.75")))
                if margins is not None else (0.75, 0.75),
                fit_to_page=fit is not None and fit.get("fitToPage") == "1",
                custom_heights=any(r.get("customHeight") == "1"
                                   for r in root.findall("m:sheetData/m:row", NS)),
                columns=sum(int(c.get("max", "0")) - int(c.get("min", "0")) + 1
                            for c in root.findall("m:cols/m:col", NS)),
                charts=charts,
            )
    return sheets


def _charts(book: zipfile.ZipFile, drawing_part: str) -> list[Chart]:
    drawing = ElementTree.fromstring(book.read(drawing_part))
    targets = _rels(book, drawing_part)
    charts = []
    for anchor in drawing.findall("xdr:twoCellAnchor", NS):
        ref = anchor.find(".//c:chart", NS)
        assert ref is not None
        chart = ElementTree.fromstring(book.read(targets[ref.get(f"{{{NS['r']}}}id", "")]))
        start, end = anchor.find("xdr:from", NS), anchor.find("xdr:to", NS)
        assert start is not None
        assert end is not None
        end_row, end_offset = int(_text(end.find("xdr:row", NS))), int(
            _text(end.find("xdr:rowOff", NS)))
        series = chart.findall(".//c:ser", NS)
        charts.append(Chart(
            title=_text(chart.find("c:chart/c:title", NS)),
            series=[_text(s.find("c:tx", NS)) for s in series],
            values=[_text(s.find("c:val//c:f", NS)) for s in series],
            has_legend=chart.find("c:chart/c:legend", NS) is not None,
            first_row=int(_text(start.find("xdr:row", NS))),
            last_row=end_row if end_offset > 0 else end_row - 1,
            last_col=int(_text(end.find("xdr:col", NS))),
            last_col_offset=int(_text(end.find("xdr:colOff", NS))),
        ))
    return charts


def chart_of(sheet: Sheet, tid: str) -> Chart:
    found = [c for c in sheet.charts if c.title.startswith(f"{tid}. ")]
    assert len(found) == 1, (tid, [c.title for c in sheet.charts])
    return found[0]


def cells(book: openpyxl.Workbook, reference: str) -> list[object]:
    """The values of a chart's range such as 'Mục tiêu 1'!$D$20:$F$20."""
    sheet, cells_ = reference.rsplit("!", 1)
    rows = book[sheet.strip("'")][cells_.replace("$", "")]
    return [c.value for row in rows for c in row]


def goal_sheets(sheets: dict[str, Sheet]) -> dict[str, Sheet]:
    return {name: s for name, s in sheets.items() if name.startswith(("Mục tiêu", "Goal"))}


@pytest.fixture(scope="module")
def three_years(tmp_path_factory: pytest.TempPathFactory) -> RollupResult:
    """THREE_YEARS (2021-2023, the bundled 2022 plan) against the bundled 2025 and 2030
    national targets."""
    folder = tmp_path_factory.mktemp("in")
    write_years(folder, THREE_YEARS)
    return kh_treem.rollup([folder])


@pytest.fixture(scope="module")
def book_vi(three_years: RollupResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("out") / "xu-huong.xlsx"
    write_trend(three_years, path, "vi")
    return path


@pytest.fixture(scope="module")
def examples_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trend workbook of the bundled examples (2021-2023), as `kh-treem rollup examples`."""
    path = tmp_path_factory.mktemp("out") / "xu-huong.xlsx"
    write_trend(kh_treem.rollup([EXAMPLES]), path, "vi")
    return path


# --- the charts ---------------------------------------------------------------------------------


def test_every_chart_draws_more_than_its_values_with_a_legend(
    three_years: RollupResult, book_vi: Path
) -> None:
    """Each indicator's chart: its values, the plan target (2022 has a plan), and one line
    per national target the indicator has; a legend names them."""
    sheets = goal_sheets(read_sheets(book_vi))
    charts = [c for s in sheets.values() for c in s.charts]
    assert len(charts) == len(three_years.trends)
    for trend in three_years.trends:
        goal = sheets[f"Mục tiêu {trend.target.goal}"]
        chart = chart_of(goal, trend.target.id)
        assert chart.has_legend
        assert len(chart.series) == 2 + len(trend.projections), chart
        assert chart.series[:2] == ["Kết quả", "Kế hoạch năm"]
        assert [name.split(":")[0] for name in chart.series[2:]] == [
            f"Mục tiêu quốc gia {p.horizon}" for p in trend.projections]


@pytest.mark.parametrize(
    ("tid", "names"),
    [
        ("4b", ["Kết quả", "Kế hoạch năm", "Mục tiêu quốc gia 2025: ≤ 17%",
                "Mục tiêu quốc gia 2030: < 15%"]),
        ("3a", ["Kết quả", "Kế hoạch năm", "Mục tiêu quốc gia 2025: < 9,5‰",
                "Mục tiêu quốc gia 2030: < 9‰"]),
        ("1", ["Kết quả", "Kế hoạch năm", "Mục tiêu quốc gia 2025: ≥ 65% (tỷ lệ xã)",
               "Mục tiêu quốc gia 2030: ≥ 75% (tỷ lệ xã)"]),
        ("9", ["Kết quả", "Kế hoạch năm"]),  # no national target (NATIONAL_TARGETS.md)
    ],
)
def test_legend_names_in_vietnamese(book_vi: Path, tid: str, names: list[str]) -> None:
    sheets = goal_sheets(read_sheets(book_vi))
    (chart,) = [c for s in sheets.values() for c in s.charts if c.title.startswith(f"{tid}. ")]
    assert chart.series == names


def test_legend_names_in_english(three_years: RollupResult, tmp_path: Path) -> None:
    path = tmp_path / "trend.xlsx"
    write_trend(three_years, path, "en")
    sheets = read_sheets(path)
    chart = chart_of(sheets["Goal 1"], "3a")
    assert chart.series == ["Value", "Plan target of the year", "National target 2025: < 9.5‰",
                            "National target 2030: < 9‰"]
    share = chart_of(sheets["Goal 1"], "1")
    assert share.series[2] == "National target 2025: ≥ 65% (share of communes)"


def test_the_series_draw_the_values_the_plan_and_the_national_targets(
    three_years: RollupResult, book_vi: Path
) -> None:
    """4b: 40, 36, 30 %; the 2022 plan's target in 2022 only; 17 and 15 across the years."""
    chart = chart_of(read_sheets(book_vi)["Mục tiêu 1"], "4b")
    book = openpyxl.load_workbook(book_vi)
    value, plan, by_2025, by_2030 = (cells(book, ref) for ref in chart.values)
    assert value == [40, 36, 30]
    plan_2022 = next(t for t in three_years.plans[2022].targets if t.id == "4b")
    assert plan == [None, float(plan_2022.target), None]
    assert (by_2025, by_2030) == ([17] * 3, [15] * 3)


def test_a_count_of_communes_is_drawn_as_a_share(three_years: RollupResult,
                                                 book_vi: Path) -> None:
    """Target 1 counts communes (1, 2, 3 of 3): drawn as 33.3, 66.7, 100 % beside the
    national 65 % and 75 %, and the plan's count as the share of the plan's communes."""
    chart = chart_of(read_sheets(book_vi)["Mục tiêu 1"], "1")
    book = openpyxl.load_workbook(book_vi)
    value, plan, by_2025, by_2030 = (cells(book, ref) for ref in chart.values)
    assert value == pytest.approx([100 / 3, 200 / 3, 100])
    plan_2022 = three_years.plans[2022]
    wanted = next(t for t in plan_2022.targets if t.id == "1").target
    assert plan == [None, pytest.approx(float(Fraction(wanted) * 100 / len(plan_2022.units))),
                    None]
    assert (by_2025, by_2030) == ([65] * 3, [75] * 3)
    # The rows drawn are labelled as what they are, in the sheet's own columns.
    sheet = book["Mục tiêu 1"]
    row = int(chart.values[0].rsplit("$", 1)[1])
    assert [sheet.cell(row, c).value for c in (1, 2, 3)] == ["1", "Kết quả (tỷ lệ xã)", "%"]


# --- the pages ----------------------------------------------------------------------------------


def rows_a_page_holds(sheet: Sheet) -> int:
    """Rows of the default height that fit a printed A4 landscape page at the sheet's scale
    and margins, less the header row repeated at the top of every page."""
    top, bottom = sheet.margins
    height_pt = (A4_LANDSCAPE_HEIGHT_IN - top - bottom) * 72
    return math.floor(height_pt / (ROW_PT * sheet.scale / 100)) - 1


@pytest.mark.parametrize("book", ["book_vi", "examples_book"])
def test_no_page_break_cuts_a_chart(book: str, request: pytest.FixtureRequest) -> None:
    """Every goal sheet has explicit page breaks, none inside a chart's rows nor under the
    heading of the rows the charts draw, and no page holds more rows than fit on it (else
    the viewer would break it where it likes)."""
    path = request.getfixturevalue(book)
    sheets = goal_sheets(read_sheets(path))
    assert sheets
    cells_of = openpyxl.load_workbook(path)
    for name, sheet in sheets.items():
        (heading,) = [c.row - 1 for c in cells_of[name]["A"]
                      if str(c.value).startswith("Số liệu vẽ biểu đồ")]
        assert heading + 1 not in sheet.breaks, name
        assert not sheet.fit_to_page, name  # "fit to" would make Excel ignore the breaks
        assert not sheet.custom_heights, name  # a page's rows are of the default height
        assert sheet.breaks, name
        for chart in sheet.charts:
            cut = [b for b in sheet.breaks if chart.first_row < b <= chart.last_row]
            assert not cut, (name, chart.title, chart.first_row, chart.last_row, cut)
        last = max(c.last_row for c in sheet.charts)
        starts = [1, *sheet.breaks]
        ends = [*sheet.breaks, last + 1]
        per_page = rows_a_page_holds(sheet)
        assert all(end - start <= per_page for start, end in zip(starts, ends, strict=True)), (
            name, starts, per_page)


@pytest.mark.parametrize("book", ["book_vi", "examples_book"])
def test_charts_stay_within_the_table_width(book: str, request: pytest.FixtureRequest) -> None:
    """No chart reaches into a column past the values table (it would print a page more)."""
    for name, sheet in goal_sheets(read_sheets(request.getfixturevalue(book))).items():
        for chart in sheet.charts:
            assert chart.last_col < sheet.columns or (
                chart.last_col == sheet.columns and chart.last_col_offset == 0), (
                name, chart.title)


# --- the outlook --------------------------------------------------------------------------------


def outlook_rows(path: Path, sheet: str = "Dự báo") -> dict[tuple[str, int], tuple[object, ...]]:
    ws = openpyxl.load_workbook(path)[sheet]
    return {(str(r[0]), int(r[2])): r for r in ws.iter_rows(min_row=2, values_only=True)}


def test_outlook_headings_are_the_officers_words(book_vi: Path) -> None:
    ws = openpyxl.load_workbook(book_vi)["Dự báo"]
    assert [c.value for c in ws[1]] == [
        "Chỉ tiêu", "Nội dung", "Năm mục tiêu", "Mục tiêu quốc gia", "Từ năm", "Đến năm",
        "Tốc độ thực tế / tốc độ cần đạt", "Dự báo", "Đánh giá tiến độ", "Ghi chú"]


@pytest.mark.parametrize(
    ("key", "column", "text"),
    [
        (("3a", 2025), 3, "< 9,5‰"),
        (("3b", 2025), 3, "≤ 12,5‰"),
        (("14", 2025), 3, "≥ 98,5%"),
        (("11a", 2025), 3, "≤ 550/100.000"),
        (("1", 2025), 3, "≥ 65% (tỷ lệ xã)"),
        (("21", 2030), 3, "≥ 45% (tỷ lệ xã)"),
        # examples/2023/README.md: 1 stays at 2 of 3 communes, 66.7 %, ratio 0
        (("1", 2030), 6, "0,00"),
        (("1", 2030), 7, "66,7% (tỷ lệ xã)"),
        # 3b: 43.75 -> 31.25 ‰ over two years, 31.25 x (31.25/43.75)^(7/2) = 9.6 ‰ in 2030
        (("3b", 2030), 7, "9,6‰"),
    ],
)
def test_outlook_texts(examples_book: Path, key: tuple[str, int], column: int,
                       text: str) -> None:
    """National targets and projections with a decimal comma and their unit; a share of
    communes says so."""
    assert outlook_rows(examples_book)[key][column] == text


def test_outlook_years_are_numbers_shown_as_years(examples_book: Path) -> None:
    ws = openpyxl.load_workbook(examples_book)["Dự báo"]
    for cell in (ws["C2"], ws["E2"], ws["F2"]):
        assert isinstance(cell.value, int)
        assert cell.number_format == "0"  # 2025, never 2,025 or 2.025


def test_outlook_in_english(tmp_path: Path) -> None:
    path = tmp_path / "trend.xlsx"
    write_trend(kh_treem.rollup([EXAMPLES]), path, "en")
    ws = openpyxl.load_workbook(path)["Outlook"]
    assert [c.value for c in ws[1]][3:8] == [
        "National target", "From", "To", "Actual pace / pace needed", "Projected"]
    rows = outlook_rows(path, "Outlook")
    assert rows[("3b", 2025)][3] == "≤ 12.5‰"
    assert rows[("1", 2030)][3] == "≥ 75% (share of communes)"
    assert rows[("1", 2030)][7] == "66.7% (share of communes)"

"""The `kh-treem rollup` command line: the table, --format json, the trend workbook, exit status.

Every run reads forms written by tests.forms into tmp_path and writes -o into tmp_path; the
data and the hand-worked expectations are those of tests.test_rollup (THREE_YEARS).
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from functools import partial
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import Result

import kh_treem
from tests.cli import run as run_cli
from tests.forms import PLAN, write_form
from tests.test_rollup import THREE_YEARS, horizon_file, plan_file, write_years

REPO = Path(__file__).resolve().parent.parent

GOAL_SHEETS = ["Mục tiêu 1", "Mục tiêu 2", "Mục tiêu 3", "Mục tiêu 4"]
SHEETS_VI = [*GOAL_SHEETS, "Dự báo", "Vấn đề", "Tệp đã đọc"]

# A terminal wide enough for the table.
run = partial(run_cli, columns=160)


def row(output: str, tid: str) -> list[str]:
    """The cells of an indicator's table row (cells are 2 or more spaces apart)."""
    pattern = re.compile(rf"^\s*{re.escape(tid)}\s{{2,}}\S")
    found = [line for line in output.splitlines() if pattern.match(line)]
    assert len(found) == 1, f"indicator {tid}: {len(found)} rows in\n{output}"
    return re.split(r"\s{2,}", found[0].strip())


def header(output: str, first: str) -> list[str]:
    """The cells of the table's header row, which starts with the id's heading ("Chỉ tiêu",
    "Target") then ``first``."""
    found = [line for line in output.splitlines()
             if re.match(rf"^\s*(Chỉ tiêu|Target)\s{{2,}}{re.escape(first)}\s", line)]
    assert len(found) == 1, output
    return re.split(r"\s{2,}", found[0].strip())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def json_of(result: Result) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def table_rows(ws: Any) -> list[tuple[Any, ...]]:
    """A goal sheet's values table: the rows under its header, up to the first empty one
    (below it come the charts, then the rows of the targets they draw)."""
    rows = []
    for r in ws.iter_rows(min_row=2):
        if r[0].value is None:
            break
        rows.append(r)
    return rows


def indicator(doc: dict[str, Any], tid: str) -> dict[str, Any]:
    found = [i for i in doc["indicators"] if i["id"] == tid]
    assert len(found) == 1, tid
    return found[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """tmp_path/in holding the THREE_YEARS forms (2021, 2022, 2023 x three communes)."""
    write_years(tmp_path / "in", THREE_YEARS)
    return tmp_path / "in"


@pytest.fixture
def horizon(tmp_path: Path) -> Path:
    """A 2025 horizon file: 4b at most 17, 5a at least 97, 3a below 9.5, 1 at least 65 %."""
    return horizon_file(tmp_path / "horizon_2025.yaml", 2025)


# --- the table ---------------------------------------------------------------------------------


def test_table_has_a_column_per_year_marked_without_a_plan(folder: Path) -> None:
    """Year columns 2021*, 2022, 2023* (the bundled plan is 2022's), then the change."""
    result = run("rollup", folder, "--no-horizon")
    assert result.exit_code == 0, result.output
    assert header(result.output, "Nội dung") == ["Chỉ tiêu", "Nội dung", "2021*", "2022", "2023*",
                                                 "Xu hướng"]
    assert "Kết quả thực hiện qua các năm" in result.output


@pytest.mark.parametrize(
    ("tid", "cells"),
    [
        ("1", ["1", "2 ✓", "3", "tốt lên"]),
        ("3a", ["10", "10 ✗", "10", "không đổi"]),
        ("4b", ["40", "36 ✗", "30", "tốt lên"]),
        ("5a", ["92", "90 ✗", "88", "xấu đi"]),
        ("13", ["13,0", "10 ✓", "5,6"]),  # 300/23 = 13.04 %, 10 %, 50/9 = 5.56 %
    ],
)
def test_table_rows(folder: Path, tid: str, cells: list[str]) -> None:
    """A row: the values of each year, ✓/✗ only in the planned year, the change in words."""
    result = run("rollup", folder, "--no-horizon")
    assert result.exit_code == 0, result.output
    got = row(result.output, tid)
    assert got[2:2 + len(cells)] == cells
    if tid == "13":
        assert got[-1] == "xấu đi"


def test_table_shows_no_data_as_a_dash_and_question_mark(folder: Path) -> None:
    """Indicator 2, never reported: — in each year, ? (no data) in the planned year."""
    result = run("rollup", folder, "--no-horizon")
    assert row(result.output, "2")[2:] == ["—", "— ?", "—"]


def test_table_legend_line(folder: Path) -> None:
    """The legend explains ✓ ✗ – ? and the * of a year without a plan."""
    result = run("rollup", folder, "--no-horizon")
    legend = [line for line in result.output.splitlines() if line.startswith("✓ đạt")]
    assert len(legend) == 1
    assert "✗ chưa đạt" in legend[0]
    assert "* năm không có kế hoạch" in legend[0]


def test_table_with_a_plan_for_2023(folder: Path, tmp_path: Path) -> None:
    """--plan twice: 2022 and 2023 without *, ✓ for 4b in 2023 (30 % <= 32.5 %)."""
    p23 = plan_file(tmp_path / "plan_2023.yaml", 2023)
    p22 = plan_file(tmp_path / "plan_2022.yaml", 2022)
    result = run("rollup", folder, "--plan", p22, "--plan", p23)
    assert result.exit_code == 0, result.output
    assert header(result.output, "Nội dung")[2:5] == ["2021*", "2022", "2023"]
    assert row(result.output, "4b")[2:6] == ["40", "36 ✗", "30 ✓", "tốt lên"]


def test_table_in_english(folder: Path) -> None:
    """--lang en: English header, names, better/worse and legend."""
    result = run("rollup", folder, "--no-horizon", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert header(result.output, "Indicator") == ["Target", "Indicator", "2021*", "2022", "2023*",
                                                  "Change"]
    assert row(result.output, "4b") == ["4b", "Under-5 stunting", "40", "36 ✗", "30", "better"]
    assert row(result.output, "5a")[-1] == "worse"
    assert row(result.output, "3a")[-1] == "unchanged"
    assert row(result.output, "13")[2] == "13.0"
    assert any(line.startswith("✓ met, ✗ not met") for line in result.output.splitlines())
    assert "Results across the years" in result.output
    assert "tốt lên" not in result.output


def test_table_off_a_terminal_cuts_no_cell_however_narrow(tmp_path: Path) -> None:
    """Written to a file, the table of the bundled examples keeps every id, value and word
    whole (at 80 columns a cut "1…" could be 11a or 11b)."""
    examples = Path(__file__).resolve().parent.parent / "examples"
    result = run("rollup", examples, "--lang", "en", columns=80)
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    for tid in ("11a", "11b", "17a", "17b", "18a", "18b", "20a", "20b"):
        assert row(result.stdout, tid)[0] == tid
    assert row(result.stdout, "3c")[-2:] == ["limited progress", "needs acceleration"]


def test_table_with_a_horizon_file(folder: Path, horizon: Path) -> None:
    """--horizon FILE adds a 2025 column with each projected indicator's band."""
    result = run("rollup", folder, "--horizon", horizon)
    assert result.exit_code == 0, result.output
    assert header(result.output, "Nội dung")[-1] == "2025"
    assert row(result.output, "1")[-1] == "đã đạt"
    assert row(result.output, "3a")[-1] == "tiến bộ chậm"
    assert row(result.output, "4b")[-1] == "cần đẩy nhanh"
    assert row(result.output, "5a")[-1] == "xấu đi"
    assert row(result.output, "13")[-1] == "xấu đi"  # no national target here: no band


def test_table_lists_the_problems(folder: Path) -> None:
    """A prev-disagrees warning appears in the table's problems, naming both figures."""
    write_form(folder / "2022_0.xlsx", "Ia Đal", {"child_marriages": 9,
                                                  "child_marriages_prev": 11}, year=2022)
    result = run_cli("rollup", folder, "--no-horizon", columns=500)
    assert result.exit_code == 0, result.output
    warned = [line for line in result.output.splitlines() if line.startswith("Cảnh báo")]
    assert len(warned) == 1
    assert all(part in warned[0] for part in ("Ia Đal", "2022", "11", "10")), warned[0]


# --- JSON --------------------------------------------------------------------------------------


def test_json_shape(folder: Path) -> None:
    """--format json: years, indicators with by_year, change and projection, problems."""
    result = run("rollup", folder, "--no-horizon", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json_of(result)
    assert doc["years"] == [2021, 2022, 2023]
    assert doc["plans"] == {"2022": "ia-hdrai-2022"}
    assert [i["id"] for i in doc["indicators"]] == [t.id for t in PLAN.targets]
    assert doc["problems"] == []
    for ind in doc["indicators"]:
        assert set(ind["by_year"]) == {"2021", "2022", "2023"}
        for v in ind["by_year"].values():
            assert {"value", "status", "numerator", "denominator"} <= set(v)
        assert ind["projection"] is None
        assert ind["change"] in (None, "better", "worse", "unchanged")


@pytest.mark.parametrize(
    ("tid", "year", "expected"),
    [
        ("4b", "2021", {"value": 40, "status": None, "numerator": 160, "denominator": 400}),
        ("4b", "2022", {"value": 36, "status": "not_met", "numerator": 144,
                        "denominator": 400}),
        ("1", "2022", {"value": 2, "status": "met", "numerator": 2, "denominator": 3}),
        # 300/23 = 13.04347..., rounded to 4 decimals
        ("13", "2021", {"value": 13.0435, "status": None, "numerator": 20, "denominator": 23}),
        ("13", "2023", {"value": 5.5556, "status": None, "numerator": 17, "denominator": 18}),
        ("2", "2022", {"value": None, "status": "no_data", "numerator": None,
                       "denominator": None}),
    ],
)
def test_json_by_year(folder: Path, tid: str, year: str, expected: dict[str, Any]) -> None:
    """by_year holds value (4 decimals), status (null without a plan), numerator, denominator."""
    doc = json_of(run("rollup", folder, "--format", "json"))
    got = indicator(doc, tid)["by_year"][year]
    assert {k: got[k] for k in expected} == expected


def test_json_changes(folder: Path) -> None:
    """change: 4b better, 5a worse, 3a unchanged, 2 null."""
    doc = json_of(run("rollup", folder, "--format", "json"))
    assert {tid: indicator(doc, tid)["change"] for tid in ("4b", "5a", "3a", "2")} == {
        "4b": "better", "5a": "worse", "3a": "unchanged", "2": None}


def test_json_projection(folder: Path, horizon: Path) -> None:
    """With --horizon, projection holds the horizon and the band; null where no target."""
    doc = json_of(run("rollup", folder, "--format", "json", "--horizon", horizon))
    p = indicator(doc, "4b")["projection"]
    assert (p["horizon"], p["band"], p["target"], p["from"], p["to"]) == (
        2025, "needs_acceleration", 17, 2021, 2023)
    assert p["ratio"] == 0.6957
    assert p["projected"] == 22.5
    assert {tid: indicator(doc, tid)["projection"]["band"] for tid in ("1", "3a", "5a")} == {
        "1": "achieved", "3a": "limited_progress", "5a": "deterioration"}
    assert indicator(doc, "13")["projection"] is None


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_json_equals_the_python_api(folder: Path, horizon: Path, lang: str) -> None:
    """The JSON printed is kh_treem.rollup(...).to_dict(lang) of the same inputs."""
    result = run("rollup", folder, "--format", "json", "--horizon", horizon, "--lang", lang)
    assert result.exit_code == 0, result.output
    assert json_of(result) == kh_treem.rollup([folder], horizons=[horizon]).to_dict(lang)


def test_json_problem_messages_follow_lang(folder: Path) -> None:
    """A prev-disagrees warning's message is in the chosen language."""
    write_form(folder / "2022_0.xlsx", "Ia Đal", {"child_marriages": 9,
                                                  "child_marriages_prev": 11}, year=2022)
    for lang, word in (("vi", "năm trước"), ("en", "last year")):
        doc = json_of(run("rollup", folder, "--format", "json", "--lang", lang))
        warned = [p for p in doc["problems"] if p["type"] == "prev-disagrees"]
        assert len(warned) == 1
        assert warned[0]["severity"] == "warning"
        assert word in warned[0]["message"]


# --- the trend workbook ------------------------------------------------------------------------


@pytest.fixture
def trend_book(folder: Path, horizon: Path, tmp_path: Path) -> Path:
    """The trend workbook of THREE_YEARS with the 2025 horizon, in tmp_path/out."""
    out = tmp_path / "out" / "trend.xlsx"
    out.parent.mkdir()
    result = run("rollup", folder, "--horizon", horizon, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"Đã ghi bảng xu hướng: {out}" in result.output.replace("\n", "")
    return out


def test_workbook_sheets(trend_book: Path) -> None:
    """A sheet per goal, then the outlook, the problems and the files read."""
    assert openpyxl.load_workbook(trend_book).sheetnames == SHEETS_VI


def test_workbook_values_are_numbers(trend_book: Path) -> None:
    """Goal 1's sheet: indicator x year values stored as numbers, the change in words."""
    ws = openpyxl.load_workbook(trend_book)["Mục tiêu 1"]
    rows = {r[0].value: tuple(c.value for c in r) for r in table_rows(ws)}
    assert [c.value for c in ws[1]][3:7] == ["2021", "2022", "2023", "Xu hướng"]
    assert rows["4b"][3:7] == (40, 36, 30, "tốt lên")
    assert rows["5a"][3:7] == (92, 90, 88, "xấu đi")
    assert rows["2"][3:6] == (None, None, None)
    assert all(isinstance(x, int | float) for x in rows["3a"][3:6])


def test_workbook_values_of_a_fraction(trend_book: Path) -> None:
    """Goal 2's sheet: indicator 13's 300/23 % is stored as the number, not as text."""
    ws = openpyxl.load_workbook(trend_book)["Mục tiêu 2"]
    rows = {r[0].value: tuple(c.value for c in r) for r in table_rows(ws)}
    assert rows["13"][3] == pytest.approx(300 / 23, rel=1e-9)
    assert rows["13"][5] == pytest.approx(50 / 9, rel=1e-9)


def test_workbook_statuses_are_coloured(trend_book: Path) -> None:
    """Met and not met cells of the planned year have different fills; other years none."""
    ws = openpyxl.load_workbook(trend_book)["Mục tiêu 1"]
    cells = {r[0].value: r for r in table_rows(ws)}

    def fill(cell: Any) -> str | None:
        return cell.fill.fgColor.rgb if cell.fill.fill_type else None

    met, not_met, no_data = fill(cells["1"][4]), fill(cells["4b"][4]), fill(cells["2"][4])
    assert None not in (met, not_met, no_data)
    assert len({met, not_met, no_data}) == 3
    assert fill(cells["3a"][4]) == not_met
    assert (fill(cells["4b"][3]), fill(cells["4b"][5])) == (None, None)


@pytest.mark.parametrize("goal", [1, 2, 3, 4])
def test_workbook_a_chart_per_indicator(trend_book: Path, goal: int) -> None:
    """Each goal's sheet holds one line chart per indicator of that goal."""
    ws = openpyxl.load_workbook(trend_book)[f"Mục tiêu {goal}"]
    assert len(ws._charts) == len([t for t in PLAN.targets if t.goal == goal])


def test_workbook_outlook_sheet(trend_book: Path) -> None:
    """The projection sheet: a row per projected indicator, the national target, the pace
    ratio and the projection in words (decimal comma, unit), the years as numbers."""
    ws = openpyxl.load_workbook(trend_book)["Dự báo"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert sorted(rows) == ["1", "3a", "4b", "5a"]
    _, _, year, target, first, last, ratio, projected, band, note = rows["4b"]
    # ratio 0.6956...; projected 30 x (30/40)^(2/2) = 22.5 %
    assert (year, target, first, last, ratio, projected, band, note) == (
        2025, "≤ 17%", 2021, 2023, "0,70", "22,5%", "cần đẩy nhanh", None)
    assert rows["1"][3] == "≥ 65% (tỷ lệ xã)"
    assert rows["1"][-2] == "đã đạt"


def test_workbook_files_read(trend_book: Path, folder: Path) -> None:
    """The files sheet lists the nine forms read, with their units."""
    ws = openpyxl.load_workbook(trend_book)["Tệp đã đọc"]
    listed = list(ws.iter_rows(min_row=2, values_only=True))
    assert sorted(Path(r[0]).name for r in listed) == sorted(p.name for p in folder.iterdir())
    assert {r[2] for r in listed} == {"Ia Đal", "Ia Dom", "Ia Tơi"}


def test_workbook_in_english(folder: Path, tmp_path: Path) -> None:
    """--lang en names the sheets in English."""
    out = tmp_path / "trend_en.xlsx"
    assert run("rollup", folder, "-o", out, "--lang", "en").exit_code == 0
    assert openpyxl.load_workbook(out).sheetnames == [
        "Goal 1", "Goal 2", "Goal 3", "Goal 4", "Outlook", "Problems", "Files read"]


def test_trend_workbook_in_the_input_folder_is_skipped_next_time(folder: Path) -> None:
    """A trend workbook written into the input folder is skipped (a notice) on the next run."""
    out = folder / "trend.xlsx"
    assert run("rollup", folder, "-o", out).exit_code == 0
    result = run("rollup", folder, "--format", "json", "-o", out)
    assert result.exit_code == 0, result.output
    doc = json_of(result)
    skipped = [p for p in doc["problems"] if p["type"] == "skipped-own-summary"]
    assert [(p["severity"], p["file"]) for p in skipped] == [("notice", str(out))]
    assert [f["status"] for f in doc["files"] if f["path"] == str(out)] == ["skipped"]
    assert indicator(doc, "4b")["by_year"]["2022"]["denominator"] == 400


@pytest.mark.parametrize("named", ["file", "folder"])
def test_output_onto_an_input_file_exits_2(folder: Path, named: str) -> None:
    """-o naming one of the forms (given itself or inside a folder) exits 2, the form intact."""
    target = folder / "2021_0.xlsx"
    before = sha256(target)
    args = [folder / "2021_0.xlsx", folder / "2022_0.xlsx"] if named == "file" else [folder]
    result = run("rollup", *args, "-o", target)
    assert result.exit_code == 2, result.output
    assert sha256(target) == before


# --- horizons, plans, exit status --------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "bands"),
    [
        # The national targets of NATIONAL_TARGETS.md; bands worked out as in test_rollup:
        # 2025: 1 >= 65 %, 3a < 9.5, 4b <= 17, 5a >= 97, 13 >= 2
        (2025, {"1": "achieved", "3a": "limited_progress", "4b": "needs_acceleration",
                "5a": "deterioration", "13": "achieved"}),
        # 2030: 1 >= 75 %, 3a < 9, 4b < 15 (ratio 1.2975), 5a >= 98 (ratio -3.12), 13 >= 2
        (2030, {"1": "achieved", "3a": "limited_progress", "4b": "on_track",
                "5a": "deterioration", "13": "achieved"}),
    ],
)
def test_bundled_horizon(folder: Path, year: int, bands: dict[str, str]) -> None:
    """--horizon 2025 / 2030 load the bundled national targets and project against them."""
    result = run("rollup", folder, "--format", "json", "--horizon", year)
    assert result.exit_code == 0, result.output
    doc = json_of(result)
    got = {tid: indicator(doc, tid)["projection"] for tid in bands}
    assert {tid: (p["horizon"], p["band"]) for tid, p in got.items()} == {
        tid: (year, band) for tid, band in bands.items()}


def test_horizon_file_and_bundled_horizon_together(folder: Path, horizon: Path) -> None:
    """Two --horizon options give two band columns in the table."""
    result = run("rollup", folder, "--horizon", horizon, "--horizon", 2030)
    assert result.exit_code == 0, result.output
    assert header(result.output, "Nội dung")[-2:] == ["2025", "2030"]


@pytest.mark.parametrize(
    "content",
    [
        "id: [unclosed\n",  # not YAML
        "- a list\n",  # not a mapping
        "id: x\nyear: 2025\n",  # no goals, elements, targets
    ],
)
def test_invalid_horizon_file_exits_2(folder: Path, tmp_path: Path, content: str) -> None:
    """A horizon file that is not a valid plan exits 2 with a sentence on stderr."""
    bad = tmp_path / "bad_horizon.yaml"
    bad.write_text(content, encoding="utf-8")
    result = run("rollup", folder, "--horizon", bad)
    assert result.exit_code == 2, result.output
    assert "bad_horizon.yaml" in result.stderr
    assert "Traceback" not in result.output


def test_missing_horizon_file_exits_2(folder: Path, tmp_path: Path) -> None:
    """A --horizon naming no file (nor a bundled year) exits 2."""
    result = run("rollup", folder, "--horizon", tmp_path / "nowhere.yaml")
    assert result.exit_code == 2, result.output
    assert "nowhere.yaml" in result.stderr


def test_horizon_year_without_bundled_targets_exits_2(folder: Path) -> None:
    """--horizon 2024: no national targets are bundled for that year, exit 2 naming it."""
    result = run("rollup", folder, "--horizon", "2024")
    assert result.exit_code == 2, result.output
    assert "2024" in result.stderr


def test_invalid_plan_exits_2(folder: Path, tmp_path: Path) -> None:
    """A --plan that is not a valid plan exits 2."""
    bad = tmp_path / "bad_plan.yaml"
    bad.write_text("year: 2023\n", encoding="utf-8")
    result = run("rollup", folder, "--plan", bad)
    assert result.exit_code == 2, result.output
    assert "bad_plan.yaml" in result.stderr


def test_exit_1_when_an_input_has_errors(folder: Path) -> None:
    """A form with a value that is not a number: the rollup is printed, exit 1."""
    write_form(folder / "2023_0.xlsx", "Ia Đal", {"u5_weighed": "khoảng 100",
                                                  "u5_stunted": 30}, year=2023)
    result = run("rollup", folder, "--format", "json")
    assert result.exit_code == 1, result.output
    doc = json_of(result)
    assert [p["type"] for p in doc["problems"] if p["severity"] == "error"] == ["not-a-number"]
    # Ia Đal's 2023 stunting is left out, the other two communes still count.
    assert indicator(doc, "4b")["by_year"]["2023"]["denominator"] == 300


def test_exit_1_for_a_year_unknown_in_a_multi_plan_rollup(folder: Path, tmp_path: Path) -> None:
    """With plans of 2022 and 2023, a form without a year is an error: exit 1."""
    write_form(folder / "no_year.xlsx", "Ia Dom", {"u5_weighed": 10}, year=None)
    p22 = plan_file(tmp_path / "p22.yaml", 2022)
    p23 = plan_file(tmp_path / "p23.yaml", 2023)
    result = run("rollup", folder, "--plan", p22, "--plan", p23, "--format", "json")
    assert result.exit_code == 1, result.output
    doc = json_of(result)
    assert [p["type"] for p in doc["problems"] if p["severity"] == "error"] == ["year-unknown"]
    assert doc["plans"] == {"2022": "ia-hdrai-2022", "2023": "ia-hdrai-2023"}


def test_exit_0_with_only_warnings(folder: Path) -> None:
    """A prev-disagrees warning alone does not fail the run."""
    write_form(folder / "2022_0.xlsx", "Ia Đal", {"child_marriages": 9,
                                                  "child_marriages_prev": 11}, year=2022)
    assert run("rollup", folder).exit_code == 0


def test_default_outlook_is_2025_and_2030(folder: Path) -> None:
    """Without --horizon the outlook is against the national targets of 2025 and 2030."""
    doc = json_of(run("rollup", folder, "--format", "json"))
    assert [p["horizon"] for p in indicator(doc, "4b")["projections"]] == [2025, 2030]
    assert doc == kh_treem.rollup([folder]).to_dict("vi")


def test_trend_charts_carry_their_values(tmp_path: Path) -> None:
    """Each chart holds its points as well as the cells it draws (a file preview shows the
    cached points only)."""
    out = tmp_path / "trend.xlsx"
    assert run("rollup", REPO / "examples", "-o", out, "--no-horizon").exit_code in (0, 1)
    with zipfile.ZipFile(out) as book:
        charts = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/charts/")]
    assert charts
    assert all('<c:ptCount val="3"/>' in chart for chart in charts)

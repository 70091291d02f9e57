"""The plan as a workbook: export, check, import, and --plan taking it (issue 20).

Workbooks are made by `plan export`, then edited with openpyxl as an officer would edit them
in Excel, or saved again by LibreOffice.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import time
import unicodedata
import zipfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import Result

import kh_treem
from kh_treem.plan import Plan, PlanError, check_plan, load_plan, plan_yaml
from kh_treem.plan_workbook import write_plan_workbook
from tests.cli import run
from tests.printing import needs_libreoffice

REPO = Path(__file__).resolve().parents[1]
BUNDLED = sorted((REPO / "targets").glob("*.yaml"))
EXAMPLES = REPO / "examples" / "2022"
TARGETS, GENERAL, ELEMENTS, RULES, UNITS = (
    "Chỉ tiêu", "Thông tin chung", "Số liệu", "Quy tắc", "Đơn vị")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "ke-hoach-2022.xlsx"
    write_plan_workbook(load_plan(), path)
    return path


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("source", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_bundled_plan_survives_export_and_import(
    tmp_path: Path, source: Path, lang: str
) -> None:
    """Export then read back gives a Plan equal to the original, and so does the YAML that
    `plan import` writes from it (horizon plans included: no units, rules, issuer)."""
    plan = load_plan(source)
    book = tmp_path / "plan.xlsx"
    write_plan_workbook(plan, book, lang)
    back, problems = check_plan(book)
    assert problems == []
    assert back == plan
    yaml_file = tmp_path / "plan.yaml"
    result = run("plan", "import", book, "-o", yaml_file)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Đã ghi kế hoạch: {yaml_file}\n"
    assert load_plan(yaml_file) == plan


def test_a_target_no_decimal_holds_survives(tmp_path: Path) -> None:
    """A target of 1/3 (possible in YAML) is written as the text 1/3 and read back exactly."""
    plan = load_plan()
    thirds = plan.model_copy(update={"targets": [
        t.model_copy(update={"target": Fraction(1, 3)}) if t.id == "2" else t
        for t in plan.targets]})
    book = tmp_path / "plan.xlsx"
    write_plan_workbook(thirds, book)
    assert load_plan(book) == thirds
    assert load_plan(book).targets[1].target == Fraction(1, 3)


def test_scoring_with_the_workbook_is_scoring_with_the_yaml(exported: Path) -> None:
    by_yaml = kh_treem.score([EXAMPLES], load_plan())
    by_book = kh_treem.score([EXAMPLES], load_plan(exported))
    assert by_book.to_dict() == by_yaml.to_dict()


def _edit(source: Path, target: Path, edits: dict[tuple[str, str], Any],
          extra: Callable[[Any], None] | None = None) -> Path:
    """A copy of ``source`` with cells changed as in Excel: (sheet, A1 cell or a key of the
    general sheet) -> value."""
    book = openpyxl.load_workbook(source)
    for (sheet, where), value in edits.items():
        ws = book[sheet]
        if where[0].isupper() and where[1:].isdigit():
            ws[where] = value
        else:  # the value cell of a key of the general sheet
            [row] = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == where]
            ws.cell(row, 3).value = value
    if extra is not None:
        extra(book)
    book.save(target)
    return target


def test_three_errors_each_named_by_sheet_and_cell(exported: Path, tmp_path: Path) -> None:
    """A negative target, an unknown element in a numerator and a duplicated target id are
    exactly three errors, each naming its sheet and cell; exit 2."""
    broken = _edit(exported, tmp_path / "broken.xlsx", {
        (TARGETS, "K6"): -5,  # target 2
        (TARGETS, "G7"): "infant_death",  # 3a's numerator
        (TARGETS, "A8"): "3a",  # 3b renamed 3a
    })
    result = run("plan", "check", broken)
    assert result.exit_code == 2, result.output
    assert result.stdout.splitlines() == [
        f"Lỗi: {broken} › Chỉ tiêu › K6: chỉ tiêu -5 là số âm; cần một số từ 0 trở lên",
        f"Lỗi: {broken} › Chỉ tiêu › A8: “3a” bị trùng: mỗi mã, mỗi tên chỉ được ghi một lần",
        f"Lỗi: {broken} › Chỉ tiêu › G7: mã số liệu “infant_death” không có trong danh sách"
        " số liệu",
        "3 lỗi: kế hoạch chưa dùng được.",
    ]
    scored = run("score", EXAMPLES, "--plan", broken, "--no-workbook")
    assert scored.exit_code == 2
    assert scored.stderr.splitlines() == [
        f"Tệp kế hoạch không dùng được: {broken}: 3 lỗi:",
        "  - Chỉ tiêu › K6: chỉ tiêu -5 là số âm; cần một số từ 0 trở lên",
        "  - Chỉ tiêu › A8: “3a” bị trùng: mỗi mã, mỗi tên chỉ được ghi một lần",
        "  - Chỉ tiêu › G7: mã số liệu “infant_death” không có trong danh sách số liệu",
    ]


def _extra_sheet(book: Any) -> None:
    book.create_sheet("Ghi chép").cell(1, 1).value = "nháp"


def _recipient_without_english(book: Any) -> None:
    ws = book[GENERAL]
    [row] = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "issuer.recipients"
             and ws.cell(r, 3).value is None][:1]
    ws.cell(row, 3).value = "Lưu VT"


# (edits, extra change, the problems as (type, sheet, cell))
AWKWARD: list[Any] = [
    pytest.param({(TARGETS, "K6"): 187}, None,
                 [("plan-target-too-large", TARGETS, "K6")], id="percent-over-100"),
    pytest.param({(TARGETS, "K7"): 1200}, None,
                 [("plan-target-too-large", TARGETS, "K7")], id="per-mille-over-1000"),
    pytest.param({(TARGETS, "K6"): "1.000"}, None,
                 [("plan-decimal-mark", TARGETS, "K6")], id="text-with-a-dot"),
    pytest.param({(TARGETS, "K6"): "tám mươi"}, None,
                 [("plan-not-a-number", TARGETS, "K6")], id="text-not-a-number"),
    pytest.param({(TARGETS, "K6"): None}, None,
                 [("plan-missing", TARGETS, "K6")], id="blank-target-is-missing-not-0"),
    pytest.param({(TARGETS, "J6"): "hơn"}, None,
                 [("plan-not-a-choice", TARGETS, "J6")], id="direction-not-a-choice"),
    pytest.param({(TARGETS, "H6"): None}, None,
                 [("plan-denominator-missing", TARGETS, "H6")], id="ratio-without-denominator"),
    pytest.param({(TARGETS, "B6"): 7}, None,
                 [("plan-goal-unknown", TARGETS, "B6")], id="goal-unknown"),
    pytest.param({(TARGETS, "M6"): "ghi chú"}, None,
                 [("plan-cell-ignored", TARGETS, "M6")], id="cell-outside-the-columns"),
    pytest.param({(ELEMENTS, "A56"): "children_total", (ELEMENTS, "B56"): "Trẻ em",
                  (ELEMENTS, "C56"): "Children", (ELEMENTS, "D56"): "số đếm"}, None,
                 [("plan-duplicate", ELEMENTS, "A56")], id="element-code-twice"),
    pytest.param({(ELEMENTS, "D6"): "số thập phân"}, None,
                 [("plan-not-a-choice", ELEMENTS, "D6")], id="kind-not-a-choice"),
    pytest.param({(RULES, "C5"): "play_venue_commune"}, None,
                 [("plan-rule-kinds", RULES, "B5")], id="rule-flag-against-count"),
    pytest.param({(RULES, "D5"): "ghost_children"}, None,
                 [("plan-element-unknown", RULES, "D5")], id="rule-unknown-element"),
    pytest.param({(UNITS, "B6"): "Ia Đal"}, None,
                 [("plan-duplicate", UNITS, "B6")], id="unit-named-twice"),
    pytest.param({(UNITS, "C6"): "Ia Tơi"}, None,
                 [("plan-merged-still-listed", UNITS, "C6")], id="merged-old-unit-still-listed"),
    pytest.param({(GENERAL, "year"): "hai nghìn"}, None,
                 [("plan-wrong-type", GENERAL, "C6")], id="year-of-the-wrong-type"),
    pytest.param({(GENERAL, "id"): None}, None,
                 [("plan-missing", GENERAL, "C5")], id="id-missing"),
    pytest.param({(GENERAL, "A40"): None}, _extra_sheet,
                 [("plan-sheet-ignored", "Ghi chép", None)], id="extra-sheet-is-a-warning"),
    pytest.param({}, _recipient_without_english,
                 [("plan-missing", GENERAL, "D20")], id="text-without-english"),
]


@pytest.mark.parametrize(("edits", "extra", "expected"), AWKWARD)
def test_awkward_workbooks_name_the_cell(
    exported: Path, tmp_path: Path, edits: dict[tuple[str, str], Any],
    extra: Callable[[Any], None] | None, expected: list[tuple[str, str, str | None]],
) -> None:
    book = _edit(exported, tmp_path / "plan.xlsx", edits, extra)
    plan, problems = check_plan(book)
    assert [(p.type, p.sheet, p.cell) for p in problems] == expected
    errors = any(p.severity == "error" for p in problems)
    assert (plan is None) == errors
    result = run("plan", "check", book)
    assert result.exit_code == (2 if errors else 0), result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("typed", "exact"), [
    pytest.param(95.5, Fraction(191, 2), id="number"),
    pytest.param("95,5", Fraction(191, 2), id="text-with-a-decimal-comma"),
    pytest.param(" 87 ", Fraction(87), id="text-digits"),
    pytest.param("1/3", Fraction(1, 3), id="text-fraction"),
    pytest.param(0.1, Fraction(1, 10), id="the-decimal-not-the-binary-float"),
])
def test_a_target_is_the_number_typed(
    exported: Path, tmp_path: Path, typed: Any, exact: Fraction
) -> None:
    book = _edit(exported, tmp_path / "plan.xlsx", {(TARGETS, "K6"): typed})
    assert load_plan(book).targets[1].target == exact


@pytest.mark.parametrize(("cell", "typed", "exact"), [
    pytest.param("K6", "87%", Fraction(87), id="percent-typed-in-a-percent-target"),
    pytest.param("K6", "87 %", Fraction(87), id="percent-after-a-space"),
    pytest.param("K6", "95,5%", Fraction(191, 2), id="decimal-comma-and-percent"),
    pytest.param("K7", "9,8‰", Fraction(49, 5), id="per-mille-typed"),
    pytest.param("K6", "+87", Fraction(87), id="a-plus-sign"),
])
def test_a_target_typed_with_its_unit_sign(
    exported: Path, tmp_path: Path, cell: str, typed: str, exact: Fraction
) -> None:
    """The target column is formatted as text, so "87%" stays the text typed: 87, not 0.87."""
    book = _edit(exported, tmp_path / "plan.xlsx", {(TARGETS, cell): typed})
    plan, problems = check_plan(book)
    assert problems == []
    assert plan is not None
    assert plan.targets[int(cell[1:]) - 5].target == exact


def test_the_target_and_id_columns_are_text_cells(exported: Path) -> None:
    """What is typed in them stays as typed: Excel turns 87% typed in a number cell into
    0.87, 1/3 into a date."""
    sheet = openpyxl.load_workbook(exported)[TARGETS]
    for cell in ("A6", "K6", "K18", "A60", "K60"):  # written, and blank rows to fill
        assert sheet[cell].number_format == "@", cell
    assert sheet["K18"].value == "0,04"  # text, in the workbook's language
    english = tmp_path_book = exported.with_name("en.xlsx")
    write_plan_workbook(load_plan(), tmp_path_book, "en")
    assert openpyxl.load_workbook(english)["Targets"]["K18"].value == "0.04"
    assert load_plan(english) == load_plan()


@pytest.mark.parametrize(("lang", "typed", "expected"), [
    pytest.param("vi", "87‰", "Lỗi: {book} › Chỉ tiêu › K6: “87‰” ghi dấu ‰ nhưng đơn vị tính"
                 " của chỉ tiêu là “%”; bỏ dấu ‰ hoặc sửa đơn vị tính", id="per-mille-for-%"),
    pytest.param("vi", "1.000", "Lỗi: {book} › Chỉ tiêu › K6: “1.000” có dấu “.”: trong bảng"
                 " tính tiếng Việt dấu thập phân là “,” (95,5) và số không ghi dấu ngăn cách"
                 " hàng nghìn (1000); ghi lại số", id="vi-dot"),
    pytest.param("en", "1,000", "Error: {book} › Targets › K6: “1,000” has a “,”: in a"
                 " workbook in English the decimal mark is “.” (95.5) and a number has no"
                 " thousands separator (1000); type the number again", id="en-comma"),
    pytest.param("vi", "8 7", "Lỗi: {book} › Chỉ tiêu › K6: “8 7” không phải là số; ghi một"
                 " số, ví dụ 95,5", id="a-space-within"),
    pytest.param("vi", "٨٧", "Lỗi: {book} › Chỉ tiêu › K6: “٨٧” không phải là số; ghi một"
                 " số, ví dụ 95,5", id="digits-of-another-script"),
    pytest.param("vi", "1e3", "Lỗi: {book} › Chỉ tiêu › K6: “1e3” không phải là số; ghi một"
                 " số, ví dụ 95,5", id="an-exponent"),
    pytest.param("en", "eighty", "Error: {book} › Targets › K6: “eighty” is not a number;"
                 " write a number such as 95.5", id="the-example-in-the-workbook-s-mark"),
    pytest.param("vi", True, "Lỗi: {book} › Chỉ tiêu › K6: “TRUE” không phải là số; ghi một"
                 " số, ví dụ 95,5", id="a-truth-value"),
    pytest.param("vi", datetime.datetime(2026, 3, 1), "Lỗi: {book} › Chỉ tiêu › K6: ô K6 là"
                 " ngày tháng (1/3/2026): Excel tự đổi 1/3 thành ngày; định dạng ô là Văn bản"
                 " (Text) rồi ghi lại", id="a-date"),
    pytest.param("en", datetime.datetime(2026, 3, 1), "Error: {book} › Targets › K6: cell K6"
                 " holds a date (1/3/2026): Excel turns 1/3 into a date; format the cell as"
                 " Text and type it again", id="a-date-en"),
])
def test_a_target_typed_wrongly_is_one_clear_sentence(
    tmp_path: Path, lang: str, typed: Any, expected: str
) -> None:
    sheet = "Targets" if lang == "en" else TARGETS
    book, result = _checked(tmp_path, lang, {(sheet, "K6"): typed})
    assert result.exit_code == 2, result.output
    assert result.stdout.splitlines()[0] == expected.format(book=book)
    assert len(result.stdout.splitlines()) == 2


def _checked(tmp_path: Path, lang: str, edits: dict[tuple[str, str], Any]
             ) -> tuple[Path, Result]:
    """`plan check` of the bundled plan exported in ``lang``, then edited."""
    source = tmp_path / "source.xlsx"
    write_plan_workbook(load_plan(), source, lang)
    book = _edit(source, tmp_path / "plan.xlsx", edits)
    return book, run("plan", "check", book, "--lang", lang)


def test_a_percent_kept_by_excel_as_a_fraction_of_one_is_a_warning(
    exported: Path, tmp_path: Path
) -> None:
    """87% typed in a cell formatted as a number (an older export, a cell reformatted) is
    the number 0.87: said, not read silently as 0.87%."""
    def as_percent(book: Any) -> None:
        book[TARGETS]["K6"].number_format = "0%"

    book = _edit(exported, tmp_path / "plan.xlsx", {(TARGETS, "K6"): 0.87}, as_percent)
    result = run("plan", "check", book)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"Cảnh báo: {book} › Chỉ tiêu › K6: mức chỉ tiêu là số 0,87 %: nếu đã gõ “87%” vào ô"
        " dạng số thì Excel lưu thành 0,87; ghi lại “87”. Ô định dạng Văn bản giữ đúng điều đã"
        " gõ: nếu mức đúng là 0,87 %, định dạng ô là Văn bản và ghi “0,87” để hết cảnh báo")
    silenced = _edit(exported, tmp_path / "text.xlsx", {(TARGETS, "K6"): "0,87"})
    assert check_plan(silenced)[1] == []


def test_the_advice_on_a_percent_is_in_the_workbooks_decimal_mark(tmp_path: Path) -> None:
    """An English workbook checked in Vietnamese: what to type is "57" and "0.57", as that
    workbook reads them (0.57 x 100 is 56.99999999999999 in floats); a ‰ target is never
    warned of (Excel keeps "87‰" as text)."""
    english = tmp_path / "plan-en.xlsx"
    assert run("plan", "export", "--lang", "en", "-o", english).exit_code == 0

    def as_percent(book: Any) -> None:
        book["Targets"]["K6"].number_format = "0%"

    book = _edit(english, tmp_path / "plan.xlsx", {("Targets", "K6"): 0.57}, as_percent)
    [warning] = check_plan(book)[1]
    assert "nếu đã gõ “57%” vào ô dạng số thì Excel lưu thành 0,57; ghi lại “57”" in (
        warning.message("vi"))
    assert warning.message("vi").endswith("ghi “0.57” để hết cảnh báo")
    per_thousand = _edit(english, tmp_path / "permille.xlsx", {("Targets", "K9"): 0.5})
    assert check_plan(per_thousand)[1] == []


def test_a_target_id_typed_as_a_number_is_its_text(exported: Path, tmp_path: Path) -> None:
    """Excel keeps 10 typed in the id column as the number 10.0: the id is "10"."""
    book = _edit(exported, tmp_path / "plan.xlsx", {(TARGETS, "A20"): 25})
    assert [t.id for t in load_plan(book).targets][15] == "25"


def test_a_quality_check_turned_off_and_a_blank_default(exported: Path, tmp_path: Path) -> None:
    book = _edit(exported, tmp_path / "plan.xlsx", {
        (GENERAL, "quality.year_ratio"): "tắt", (GENERAL, "quality.robust_z"): None})
    quality = load_plan(book).quality
    assert (quality.year_ratio, quality.min_count, quality.robust_z) == (None, 10, 3.5)


def test_a_rule_of_flags_and_counts_is_refused_in_yaml_too(tmp_path: Path) -> None:
    text = (REPO / "targets" / "plan_2022.yaml").read_text(encoding="utf-8")
    text = text.replace("  - [u5_weighed, children_u5]",
                        "  - [u5_weighed, children_u5]\n  - [play_venue_commune, schools]")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError, match=r"rules\.\d+ \(line \d+\): the rule sets flags "
                       r"\(play_venue_commune\) against counts \(schools\)") as info:
        load_plan(path)
    assert [p.type for p in info.value.problems] == ["plan-rule-kinds"]


def test_plan_check_of_a_yaml_names_keys_and_lines(tmp_path: Path) -> None:
    text = (REPO / "targets" / "plan_2022.yaml").read_text(encoding="utf-8")
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace("target: 9.8", "target: -9.8").replace(
        "year: 2022", "year: hai"), encoding="utf-8")
    result = run("plan", "check", path, "--lang", "en")
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Error: {path} › year (line 14): Input should be a valid"
                               " integer")
    assert lines[1].startswith(f"Error: {path} › targets.2 (3a).target (line ")
    assert lines[1].endswith("): the target -9.8 is negative; it is 0 or more")
    assert lines[2] == "2 errors: the plan cannot be used."
    valid = run("plan", "check", REPO / "targets" / "plan_2022.yaml")
    assert (valid.exit_code, valid.stdout) == (
        0, "Kế hoạch hợp lệ: ia-hdrai-2022, năm 2022: 33 chỉ tiêu, 51 số liệu, 3 xã.\n")


def test_import_refuses_an_existing_file_without_force(exported: Path, tmp_path: Path) -> None:
    target = tmp_path / "plan.yaml"
    target.write_text("giữ nguyên\n", encoding="utf-8")
    refused = run("plan", "import", exported, "-o", target)
    assert refused.exit_code == 2
    assert target.read_text(encoding="utf-8") == "giữ nguyên\n"
    forced = run("plan", "import", exported, "-o", target, "--force")
    assert forced.exit_code == 0, forced.output
    assert load_plan(target) == load_plan()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"]  # no temporary left


def test_export_refuses_an_existing_workbook_and_the_plan_itself(tmp_path: Path) -> None:
    book = tmp_path / "ke-hoach-2022.xlsx"
    assert run("plan", "export", "-o", book).exit_code == 0
    again = run("plan", "export", "-o", book)
    assert again.exit_code == 2
    assert "không ghi đè" in again.stderr
    onto_itself = run("plan", "export", "--plan", book, "-o", book, "--force")
    assert onto_itself.exit_code == 2
    assert "không ghi đè" in onto_itself.stderr


def test_a_plan_workbook_among_submissions_is_skipped(exported: Path, tmp_path: Path) -> None:
    """A plan workbook dropped into the folder of submissions is kh-treem's own, not read."""
    folder = tmp_path / "so-lieu"
    shutil.copytree(EXAMPLES, folder)
    shutil.copy(exported, folder / "ke-hoach-2022.xlsx")
    result = kh_treem.check([folder], load_plan())
    [record] = [f for f in result.files if f.record.path.endswith("ke-hoach-2022.xlsx")]
    assert record.record.reason == "skipped-own-summary"


def _office_copy(source: Path, folder: Path, to: str) -> Path:
    profile = (folder / "profile").as_uri()  # its own profile: no clash with an open office
    out = folder / to
    out.mkdir()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", to, "--outdir", str(out), str(source)],
                   capture_output=True, timeout=300, check=False)
    return out / f"{source.stem}.{to}"


@needs_libreoffice
@pytest.mark.parametrize("to", ["xlsx", "ods"])
def test_a_workbook_saved_by_libreoffice_reads_and_scores(
    exported: Path, tmp_path: Path, to: str
) -> None:
    saved = _office_copy(exported, tmp_path, to)
    assert saved.is_file()
    plan, problems = check_plan(saved)
    assert problems == []
    assert plan == load_plan()
    result = run("score", EXAMPLES, "--plan", saved, "--no-workbook", "-f", "json")
    assert result.exit_code == 0, result.output
    by_yaml = run("score", EXAMPLES, "--no-workbook", "-f", "json")
    assert result.stdout == by_yaml.stdout


def test_yaml_written_by_import_is_readable(tmp_path: Path) -> None:
    """Keys in the model's order, short texts on one line, rules one to a line, UTF-8."""
    text = plan_yaml(load_plan(), "ke-hoach-2022.xlsx")
    top = [line.split(":")[0] for line in text.splitlines()
           if line[:1].isalpha()]
    assert top == ["id", "year", "title", "area", "units", "goals", "elements", "targets",
                   "rules", "issuer"]
    assert "units: [Ia Đal, Ia Dom, Ia Tơi]\n" in text
    assert "  - [neonatal_deaths, infant_deaths, under5_deaths]\n" in text or (
        "- [neonatal_deaths, infant_deaths, under5_deaths]\n" in text)
    assert "  target: 9.8\n" in text


def test_export_is_the_plan_for_scoring_too(exported: Path) -> None:
    plan: Plan = load_plan(exported)
    assert plan.issuer is not None
    assert [s.role.vi for s in plan.issuer.signers] == ["NGƯỜI LẬP BIỂU", "TRƯỞNG PHÒNG"]


@pytest.mark.parametrize("breaker", ["\n", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\x0b"],
                         ids=["LF", "CR", "CRLF", "NEL", "LS", "PS", "VT"])
def test_a_title_breaking_the_line_cannot_inject_keys(tmp_path: Path, breaker: str) -> None:
    """The title and the source's name go into the YAML's comments: a line break of any kind
    in them stays in the comment; the YAML gives the plan the workbook gives."""
    from kh_treem.plan import Text

    hostile = f"Kế hoạch{breaker}quality: {{year_ratio: 9}}{breaker}units: []"
    plan = load_plan().model_copy(update={"title": Text(vi=hostile, en=hostile)})
    book = tmp_path / "plan.xlsx"
    write_plan_workbook(plan, book)
    yaml_file = tmp_path / "plan.yaml"
    result = run("plan", "import", book, "-o", yaml_file)
    assert result.exit_code == 0, result.output
    assert load_plan(yaml_file) == load_plan(book) == plan
    text = plan_yaml(plan, f"x{breaker}year: 1999.xlsx")
    assert load_plan_text(tmp_path, text) == plan


def load_plan_text(folder: Path, text: str) -> Plan:
    path = folder / "text.yaml"
    path.write_text(text, encoding="utf-8", newline="")
    return load_plan(path)


def _no_plan_files(folder: Path, exported: Path) -> dict[str, Path]:
    """Files given as a plan that are no plan at all, by name."""
    files = {"missing": folder / "khong-co.xlsx", "folder": folder / "thu-muc.xlsx"}
    files["folder"].mkdir()
    files["lock"] = folder / "~$ke-hoach.xlsx"
    shutil.copy(exported, files["lock"])
    files["yaml-named-xlsx"] = folder / "yaml.xlsx"
    shutil.copy(REPO / "targets" / "plan_2022.yaml", files["yaml-named-xlsx"])
    files["xlsx-named-yaml"] = folder / "bang.yaml"
    shutil.copy(exported, files["xlsx-named-yaml"])
    files["workbook-without-suffix"] = folder / "ke-hoach"
    shutil.copy(exported, files["workbook-without-suffix"])
    files["zip-no-workbook"] = folder / "nen.xlsx"
    with zipfile.ZipFile(files["zip-no-workbook"], "w") as archive:
        archive.writestr("ghi-chu.txt", "không phải bảng tính")
    files["empty"] = folder / "rong.xlsx"
    files["empty"].write_bytes(b"")
    files["list"] = folder / "list.yaml"
    files["list"].write_text("- id: x\n", encoding="utf-8")
    files["form"] = folder / "bieu-mau.xlsx"
    assert run("template", "--unit", "Ia Dom", "-o", files["form"]).exit_code == 0
    files["summary"] = folder / "tong-hop.xlsx"
    assert run("score", EXAMPLES, "-o", files["summary"]).exit_code == 0
    files["other-workbook"] = folder / "so-lieu.xlsx"
    other = openpyxl.Workbook()
    other.active.title = "Báo cáo"
    other.active["A1"] = "Số trẻ em"
    other.save(files["other-workbook"])
    files["report"] = folder / "bao-cao.docx"
    assert run("report", EXAMPLES, "-o", files["report"]).exit_code == 0
    return files


NO_PLAN = [
    ("missing", "không tìm thấy tệp kế hoạch này; kiểm tra tên và thư mục của tệp"),
    ("folder", "không phải là một tệp (thư mục, FIFO hoặc thiết bị)"),
    ("lock", "đây là tệp khóa tạm của Excel (có khi bảng tính đang mở), không phải kế hoạch;"
             " dùng tệp cùng tên không có “~$” ở đầu"),
    ("yaml-named-xlsx", "tệp là văn bản (có lẽ là YAML) dù tên có đuôi .xlsx; đổi đuôi tên tệp"
                        " thành .yaml"),
    ("xlsx-named-yaml", "tệp là bảng tính dù tên có đuôi .yaml; đổi đuôi tên tệp thành .xlsx"),
    ("workbook-without-suffix", "tệp là bảng tính dù tên không có đuôi; đổi đuôi tên tệp thành"
                                " .xlsx"),
    ("zip-no-workbook", "không đọc được bảng tính kế hoạch: tệp không mở được như một bảng"
                        " tính; mở và lưu lại bằng Excel hoặc LibreOffice (không đặt mật khẩu),"
                        " hoặc lấy bản do kh-treem plan export ghi"),
    ("empty", "không đọc được bảng tính kế hoạch: tệp rỗng (0 byte); mở và lưu lại bằng Excel"
              " hoặc LibreOffice (không đặt mật khẩu), hoặc lấy bản do kh-treem plan export"
              " ghi"),
    ("list", "không phải tệp kế hoạch: tệp kế hoạch là các mục “khóa: giá trị” (id, year,"
             " targets, …)"),
    ("form", "đây là biểu mẫu số liệu của xã (do kh-treem template ghi), không phải kế hoạch"),
    ("summary", "đây là bảng tổng hợp do kh-treem ghi, không phải kế hoạch"),
    ("report", "đây là tài liệu Word (như báo cáo do kh-treem report ghi), không phải kế hoạch"),
    ("other-workbook", "bảng tính không có trang tính nào của kế hoạch (Thông tin chung, Chỉ"
                       " tiêu, Số liệu, …), chỉ có “Báo cáo”: không phải bảng tính kế hoạch; lấy"
                       " bản do kh-treem plan export ghi"),
]


def test_a_file_that_is_no_plan_is_one_sentence_alone(exported: Path, tmp_path: Path) -> None:
    """The refusal alone, in Vietnamese, for `plan check`, `--plan` and `rollup --horizon`:
    never followed by the plan's every key missing."""
    files = _no_plan_files(tmp_path, exported)
    for name, sentence in NO_PLAN:
        path = files[name]
        for args, head in [(("plan", "check", path), "Tệp kế hoạch không dùng được"),
                           (("score", EXAMPLES, "--plan", path, "--no-workbook"),
                            "Tệp kế hoạch không dùng được"),
                           (("rollup", EXAMPLES, "--horizon", path), "Tệp mục tiêu không dùng"
                                                                     " được")]:
            result = run(*args)
            assert (result.exit_code, result.stdout, result.stderr) == (
                2, "", f"{head}: {path}: {sentence}\n"), (name, args)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="a FIFO is POSIX")
def test_a_fifo_as_a_plan_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.xlsx"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = run("plan", "check", fifo)
    assert (result.exit_code, result.stderr) == (
        2, f"Tệp kế hoạch không dùng được: {fifo}: không phải là một tệp (thư mục, FIFO hoặc"
           " thiết bị)\n")
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("name", ["plan\0.xlsx", "plan\0.yaml"])
def test_a_nul_in_the_path_is_a_plan_error(name: str) -> None:
    with pytest.raises(PlanError) as info:
        check_plan(name)
    assert [p.type for p in info.value.problems] == ["plan-file-unusable"]


def _delete_measure_column(book: Any) -> None:
    book[TARGETS].delete_cols(6)


def _delete_year_row(book: Any) -> None:
    book[GENERAL].delete_rows(6)


def _thirteen_recipients(book: Any) -> None:
    """Two recipients written, three blank rows for more (20-22), eight rows inserted."""
    ws = book[GENERAL]
    ws.insert_rows(23, 8)
    for row in range(20, 31):
        ws.cell(row, 2).value = "issuer.recipients"
        ws.cell(row, 3).value = f"Nơi nhận {row}"
        ws.cell(row, 4).value = f"Recipient {row}"


def _targets_twice(book: Any) -> None:
    book.copy_worksheet(book[TARGETS]).title = "Targets"


def _renamed_targets(book: Any) -> None:
    book[TARGETS].title = "Chi tieu"


def _nfd_names(book: Any) -> None:
    sheet = book[TARGETS]
    sheet.title = unicodedata.normalize("NFD", TARGETS)
    sheet["K4"] = unicodedata.normalize("NFD", "Mức chỉ tiêu")


def _hidden_rows(book: Any) -> None:
    for row in (6, 7):
        book[TARGETS].row_dimensions[row].hidden = True


# (edits, extra change, the lines of `plan check` after the file's name)
SAID: list[Any] = [
    pytest.param({(TARGETS, "K6"): None}, None,
                 ["Lỗi: {book} › Chỉ tiêu › K6: thiếu giá trị bắt buộc: cột “Mức chỉ tiêu”"],
                 id="blank-cell-names-its-column"),
    pytest.param({}, _delete_measure_column,
                 ["Lỗi: {book} › Chỉ tiêu › A4: hàng tiêu đề (hàng 4) không có cột “Cách"
                  " tính”; thêm lại cột này (cột bị xóa hay đổi tên?)"],
                 id="deleted-column-once"),
    pytest.param({(TARGETS, "A40"): "Ghi chú: chỉ tiêu 9 theo Quyết định 23"}, None,
                 ["Lỗi: {book} › Chỉ tiêu › A40: hàng 40 chỉ có một ô ghi “Ghi chú: chỉ tiêu 9"
                  " theo Quyết định 23”: một chỉ tiêu cần ghi đủ các cột; ghi đủ, hoặc xóa hàng"
                  " nếu đó là ghi chú"], id="note-under-the-table"),
    pytest.param({}, _renamed_targets,
                 ["Cảnh báo: {book} › Chi tieu: trang tính không thuộc mẫu kế hoạch; bỏ qua",
                  "Lỗi: {book}: không có trang tính “Chỉ tiêu” của kế hoạch; trang “Chi tieu”"
                  " có phải là nó? Đổi tên trang thành “Chỉ tiêu”"], id="renamed-sheet"),
    pytest.param({}, _delete_year_row,
                 ["Lỗi: {book} › Thông tin chung: thiếu giá trị bắt buộc: “Năm” (khóa year)"],
                 id="general-key-row-deleted"),
    pytest.param({(TARGETS, "K6"): "=1/0"}, None,
                 ["Lỗi: {book} › Chỉ tiêu › K6: công thức không có giá trị đã lưu, hoặc ra lỗi;"
                  " ghi thẳng giá trị vào ô"], id="formula-told-once"),
    pytest.param({(GENERAL, "quality.min_count"): "tắt"}, None,
                 ["Lỗi: {book} › Thông tin chung › C24: “tắt” không đúng kiểu: cần một số"
                  " nguyên"], id="min-count-cannot-be-off"),
    pytest.param({}, _thirteen_recipients,
                 ["Lỗi: {book} › Thông tin chung › C18: cần nhiều nhất 12 mục, có 13"],
                 id="too-many-recipients-at-the-recipients"),
    pytest.param({}, _targets_twice,
                 ["Lỗi: {book} › Targets: hai trang tính cùng là một bảng của kế hoạch: “Chỉ"
                  " tiêu” và “Targets”; xóa một trang"], id="one-table-twice"),
    pytest.param({}, _nfd_names, [], id="names-typed-in-nfd"),
    pytest.param({(TARGETS, "F6"): "tỷ lệ\u00a0(tử số / mẫu số)",
                  (TARGETS, "J6"): unicodedata.normalize("NFD", "≥ (từ mức này trở lên)")},
                 None, [], id="choices-with-a-no-break-space-or-in-nfd"),
    pytest.param({}, _hidden_rows,
                 ["Lưu ý: {book} › Chỉ tiêu: các hàng 6, 7 đang bị ẩn; vẫn được đọc như mọi hàng"
                  " khác (bỏ ẩn để xem lại)"], id="hidden-rows-read-and-said"),
    pytest.param({(UNITS, "C6"): "Ia Đal, Ia Tơi", (UNITS, "B5"): None, (UNITS, "B7"): None},
                 None, ["Lỗi: {book} › Đơn vị › C6: “Ia Đal, Ia Tơi” ghi nhiều xã cũ trong một"
                        " ô; mỗi ô một xã cũ, ở các ô bên phải"], id="old-units-in-one-cell"),
    pytest.param({(UNITS, "C8"): "Ia Khai"}, None,
                 ["Lỗi: {book} › Đơn vị › C8: xã cũ “Ia Khai” nhưng ô Tên xã của hàng này (B8)"
                  " để trống; ghi tên xã mới ở ô B8"], id="old-unit-without-a-new-one"),
    pytest.param({(UNITS, "B6"): "Ia Tơi", (UNITS, "C6"): "Ia Dom", (UNITS, "D6"): "Ia Tơi",
                  (UNITS, "B7"): None}, None,
                 ["Lỗi: {book} › Đơn vị › D6: xã mới “Ia Tơi” mang tên của xã cũ “Ia Tơi”: kế"
                  " hoạch chưa ghi được xã sáp nhập giữ tên một xã cũ (số liệu trước và sau sáp"
                  " nhập sẽ lẫn nhau); đặt cho xã mới một tên khác, hoặc hỏi người lập kế"
                  " hoạch"], id="merged-unit-keeps-an-old-name"),
    pytest.param({(GENERAL, "D13"): "Nguyen Van A", (GENERAL, "D6"): 2023}, None,
                 ["Cảnh báo: {book} › Thông tin chung › D6: ô này không dùng: “Năm” chỉ có một"
                  " giá trị, ở ô C6; “2023” bị bỏ qua",
                  "Cảnh báo: {book} › Thông tin chung › D13: ô này không dùng: “Người ký 1: họ"
                  " tên” chỉ có một giá trị, ở ô C13; “Nguyen Van A” bị bỏ qua"],
                 id="english-cell-of-a-single-value"),
]


@pytest.mark.parametrize(("edits", "extra", "expected"), SAID)
def test_each_problem_is_said_once_naming_what_is_expected(
    exported: Path, tmp_path: Path, edits: dict[tuple[str, str], Any],
    extra: Callable[[Any], None] | None, expected: list[str],
) -> None:
    book = _edit(exported, tmp_path / "plan.xlsx", edits, extra)
    result = run("plan", "check", book)
    lines = result.stdout.splitlines()
    assert lines[:-1] == [line.format(book=book) for line in expected]
    assert result.exit_code == (2 if any(e.startswith("Lỗi") for e in expected) else 0)


def test_the_unused_cells_of_the_general_sheet_are_grey(exported: Path) -> None:
    sheet = openpyxl.load_workbook(exported)[GENERAL]
    assert sheet["D6"].fill.fgColor.rgb.endswith("D9D9D9")  # the year has one value
    assert sheet["D7"].fill.fgColor.rgb in (None, "00000000")  # the title has two


@pytest.mark.parametrize(("lang", "edits", "expected"), [
    pytest.param("vi", {(TARGETS, "H6"): None}, [
        "Lỗi: {book} › Chỉ tiêu › H6: cách tính “tỷ lệ (tử số / mẫu số)” cần có mẫu số",
        "1 lỗi: kế hoạch chưa dùng được."], id="measure-in-the-drop-down-s-words"),
    pytest.param("vi", {(TARGETS, "I6"): "xã"}, [
        "Lỗi: {book} › Chỉ tiêu › I6: đơn vị “xã” không dùng được với cách tính “tỷ lệ (tử số"
        " / mẫu số)”; cần một trong “%”, “‰”, “/100.000”",
        "1 lỗi: kế hoạch chưa dùng được."], id="unit-in-the-drop-down-s-words"),
    pytest.param("en", {("Targets", "I6"): "communes"}, [
        "Error: {book} › Targets › I6: the unit “communes” does not go with the measure “ratio"
        " (numerator / denominator)”; use one of “%”, “‰”, “/100.000”",
        "1 error: the plan cannot be used."], id="unit-in-the-drop-down-s-words-en"),
    pytest.param("vi", {(GENERAL, "quality.year_ratio"): 1}, [
        "Lỗi: {book} › Thông tin chung › C23: “1” vượt giới hạn: cần lớn hơn 1",
        "1 lỗi: kế hoạch chưa dùng được."], id="a-whole-number-as-typed"),
    pytest.param("vi", {(GENERAL, "quality.robust_z"): -0.5}, [
        "Lỗi: {book} › Thông tin chung › C25: “-0,5” vượt giới hạn: cần lớn hơn 0",
        "1 lỗi: kế hoạch chưa dùng được."], id="a-decimal-comma"),
    pytest.param("en", {("General", "quality.robust_z"): -0.5}, [
        "Error: {book} › General › C25: Input should be greater than 0 (found: -0.5)",
        "1 error: the plan cannot be used."], id="one-error-in-english"),
    pytest.param("en", {("Targets", "K6"): None}, [
        "Error: {book} › Targets › K6: a required value is missing: column “Target”",
        "1 error: the plan cannot be used."], id="missing-in-own-words"),
])
def test_messages_say_words_and_numbers_as_the_officer_reads_them(
    tmp_path: Path, lang: str, edits: dict[tuple[str, str], Any], expected: list[str]
) -> None:
    book, result = _checked(tmp_path, lang, edits)
    assert result.exit_code == 2, result.output
    assert result.stdout.splitlines() == [line.format(book=book) for line in expected]


@pytest.mark.parametrize(("edits", "expected"), [
    pytest.param({(TARGETS, "B6"): True}, ["Lỗi: {book} › Chỉ tiêu › B6: “TRUE” không phải là"
                                           " số; ghi một số, ví dụ 95,5"], id="goal-true"),
    pytest.param({(UNITS, "A8"): "Ia Khai"}, [
        "Cảnh báo: {book} › Đơn vị › A8: cột STT chỉ đánh số thứ tự: “Ia Khai” bị bỏ qua; ghi"
        " vào ô B8 nếu cần"], id="unit-in-the-numbering-column"),
])
def test_smaller_slips_are_said(
    exported: Path, tmp_path: Path, edits: dict[tuple[str, str], Any], expected: list[str]
) -> None:
    book = _edit(exported, tmp_path / "plan.xlsx", edits)
    result = run("plan", "check", book)
    assert result.stdout.splitlines()[:-1] == [line.format(book=book) for line in expected]


def test_what_no_cell_or_decimal_holds_is_refused_or_kept_exact(tmp_path: Path) -> None:
    """A text over a cell's 32,767 characters is refused at export (it would come back cut);
    a target of 17 significant digits and a threshold just over 1 read back equal."""
    plan = load_plan()
    exact = plan.model_copy(update={
        "targets": [t.model_copy(update={"target": Fraction("12.345678901234567")})
                    if t.id == "2" else t for t in plan.targets],
        "quality": plan.quality.model_copy(update={"year_ratio": 1.0000000000000002})})
    book = tmp_path / "exact.xlsx"
    write_plan_workbook(exact, book)
    assert check_plan(book) == (exact, [])
    long = plan.model_copy(update={"targets": [
        t.model_copy(update={"words": "x" * 32_768}) if t.id == "2" else t
        for t in plan.targets]})
    source = tmp_path / "long.yaml"
    source.write_text(plan_yaml(long), encoding="utf-8")
    result = run("plan", "export", "--plan", source, "-o", tmp_path / "long.xlsx")
    assert (result.exit_code, result.stderr) == (2, (
        "Không ghi được bảng tính: một ô chứa nhiều nhất 32.767 ký tự, mà targets.1 (2).words"
        " dài hơn; rút ngắn trong tệp kế hoạch\n"))
    assert not (tmp_path / "long.xlsx").exists()


def test_import_writes_a_yml_and_the_guide_prints_whole(exported: Path, tmp_path: Path) -> None:
    result = run("plan", "import", exported, "-o", tmp_path / "plan.yml")
    assert result.exit_code == 0, result.output
    assert load_plan(tmp_path / "plan.yml") == load_plan()
    book = openpyxl.load_workbook(exported)
    guide = book["Hướng dẫn"]
    assert guide.column_dimensions["A"].width < 72  # LibreOffice does not shrink it to fit
    goals = [v for v in book["Mục tiêu"].data_validations.dataValidation
             if str(v.sqref).startswith("A")]
    assert [(v.errorTitle, v.error) for v in goals] == [
        ("Số mục tiêu", "Số mục tiêu từ 1 đến 99.")]


def test_a_list_too_short_says_how_many_it_needs(tmp_path: Path) -> None:
    """A rule of one element: not "out of range", nor pydantic's English."""
    text = (REPO / "targets" / "plan_2022.yaml").read_text(encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(text.replace("  - [children_0_8_served, children_0_8]\n",
                                 "  - [children_0_8_served]\n"), encoding="utf-8")
    [problem] = check_plan(plan)[1]
    assert (problem.type, problem.message("vi"), problem.message("en")) == (
        "plan-list-length", "cần ít nhất 2 mục, có 1", "needs at least 2 items, has 1")


@pytest.mark.parametrize("merged", [
    "{A: [Ia Đal, Ia Dom], B: [Ia Dom, Ia Tơi]}",  # under two new communes
    "{A: [Ia Dom, Ia Dom, Ia Đal]}",  # twice under one
])
def test_an_old_commune_merged_twice_is_refused(tmp_path: Path, merged: str) -> None:
    """Its figures would be added up twice."""
    text = (REPO / "targets" / "plan_2022.yaml").read_text(encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(text.replace('units: ["Ia Đal", "Ia Dom", "Ia Tơi"]',
                                 f'units: ["A", "B"]\nmerged: {merged}'), encoding="utf-8")
    problems = check_plan(plan)[1]
    assert [p.type for p in problems] == ["plan-merged-twice"]
    assert "“Ia Dom”" in problems[0].message("vi")

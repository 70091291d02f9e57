"""`kh-treem check` and ``kh_treem.check``: the submissions file by file, and the set as a whole.

One line per file (path, units, years, values read, errors, warnings, what became of it), the
communes missing, the communes sent twice, the problems, and a closing "N tệp, E lỗi, W cảnh báo".
Every run works in ``tmp_path`` (the examples are copied there); the CLI runs with the working
folder set to ``tmp_path`` so that paths are short and table rows never wrap.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import kh_treem
from kh_treem.i18n import word
from kh_treem.plan import Plan
from tests.cli import run
from tests.forms import write_form
from tests.test_intake import write_rows

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "2022"
EXAMPLE_FILES = ("Ia_Dal.xlsx", "Ia_Dom.xlsx", "Ia_Toi.xlsx")
UNIT_OF = {"Ia_Dal.xlsx": "Ia Đal", "Ia_Dom.xlsx": "Ia Dom", "Ia_Toi.xlsx": "Ia Tơi"}
UNITS = ["Ia Đal", "Ia Dom", "Ia Tơi"]
VALUES_PER_FORM = 51  # every element of the 2022 plan, in each example

TOP_KEYS = {"plan", "units_expected", "units_missing", "units_sent_twice", "files", "files_gone",
            "problems", "summary"}
FILE_KEYS = {"path", "status", "units", "years", "values", "errors", "warnings", "sha256",
             "reason", "reader", "change", "to_check"}


def check_json(*args: object) -> tuple[int, dict[str, Any]]:
    result = run("check", *args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The three examples copied into tmp_path/in; the working folder is tmp_path."""
    monkeypatch.chdir(tmp_path)
    target = Path("in")
    target.mkdir()
    for name in EXAMPLE_FILES:
        shutil.copy2(EXAMPLES / name, target / name)
    return target


def lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.strip()]


def file_row(output: str, path: Path | str) -> list[str]:
    """The cells of the check table's row for ``path``."""
    found = [line for line in lines(output) if line.startswith(f"{path} ")]
    assert len(found) == 1, f"{path}: {len(found)} rows in\n{output}"
    return re.split(r"\s{2,}", found[0])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def with_value(path: Path, code: str, value: object) -> str:
    """Rewrite the value cell of ``code`` in the example form at ``path``; its A1 name."""
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 4).value == code:
            ws.cell(r, 5).value = value
            break
    else:
        raise AssertionError(f"no row for {code} in {path}")
    book.save(path)
    return f"E{r}"


# --- the library ------------------------------------------------------------------------------


def test_check_clean_examples(folder: Path, plan: Plan) -> None:
    """On the examples, each file is used: its unit, 2022, 51 values, no error or warning."""
    result = kh_treem.check([folder], plan)
    assert [f.record.path for f in result.files] == [str(folder / n) for n in EXAMPLE_FILES]
    for f, name in zip(result.files, EXAMPLE_FILES, strict=True):
        assert (f.record.status, f.record.units, f.years, f.values, f.errors, f.warnings) == (
            "used", [UNIT_OF[name]], [2022], VALUES_PER_FORM, 0, 0,
        )
        assert f.record.sha256 == sha256(folder / name)
    assert result.units_missing == []
    assert result.units_sent_twice == {}
    assert not result.has_errors


def test_check_finds_what_score_finds(folder: Path, plan: Plan) -> None:
    """check reports the same problems as score on the same files, errors included."""
    with_value(folder / "Ia_Dom.xlsx", "u5_stunted", "khoảng 30")
    write_form(folder / "Ia_Grai.xlsx", "Ia Grai", {"live_births": 5})
    checked = kh_treem.check([folder], plan)
    scored = kh_treem.score([folder], plan)
    assert [p.to_dict() for p in checked.problems] == [p.to_dict() for p in scored.problems]
    assert checked.has_errors
    assert scored.has_errors


def test_check_counts_errors_per_file(folder: Path, plan: Plan) -> None:
    """Each file's line counts its own errors only; values counts only the figures read."""
    with_value(folder / "Ia_Dom.xlsx", "u5_stunted", "khoảng 30")
    with_value(folder / "Ia_Dom.xlsx", "live_births", -60)
    result = kh_treem.check([folder], plan)
    counts = {Path(f.record.path).name: (f.values, f.errors) for f in result.files}
    assert counts == {"Ia_Dal.xlsx": (51, 0), "Ia_Dom.xlsx": (49, 2), "Ia_Toi.xlsx": (51, 0)}
    assert result.has_errors


def test_check_units_missing(folder: Path, plan: Plan) -> None:
    """A commune with no file is listed in units_missing, with a warning and no error."""
    (folder / "Ia_Toi.xlsx").unlink()
    result = kh_treem.check([folder], plan)
    assert result.units_missing == ["Ia Tơi"]
    assert result.to_dict()["summary"] == {"files": 2, "errors": 0, "warnings": 1}
    assert not result.has_errors


def test_check_unit_sent_in_two_files(folder: Path, plan: Plan) -> None:
    """A commune in two files (health station, school) is in units_sent_twice, with both files."""
    school = write_form(folder / "truong" / "Ia_Dom_truong.xlsx", "Xã Ia Dom",
                        {"schools": 9, "schools_sanitation_ok": 8})
    result = kh_treem.check([folder], plan)
    assert result.units_sent_twice == {"Ia Dom": [str(folder / "Ia_Dom.xlsx"), str(school)]}
    assert result.units_missing == []
    [line] = [f for f in result.files if f.record.path == str(school)]
    assert (line.record.units, line.values, line.errors) == (["Ia Dom"], 2, 0)
    assert not result.has_errors


def test_check_table_file_sends_every_unit(folder: Path, plan: Plan) -> None:
    """A table beside the forms: its line lists its three units; each unit is sent twice."""
    table = write_rows(folder / "tong_hop.xlsx", {"Bảng": [
        ["Năm: 2022"], ["STT", "Xã", "schools"], [1, "Ia Đal", 8], [2, "Ia Dom", 9],
        [3, "Ia Tơi", 7], [None, "Tổng cộng", 24],
    ]})
    result = kh_treem.check([folder], plan)
    [line] = [f for f in result.files if f.record.path == str(table)]
    assert (line.record.units, line.years, line.values, line.errors) == (UNITS, [2022], 3, 0)
    assert set(result.units_sent_twice) == set(UNITS)
    assert all(files[-1] == str(table) for files in result.units_sent_twice.values())


def test_check_years_per_file(folder: Path, plan: Plan) -> None:
    """A file of 2021 shows year 2021 and a "year-other" error; one with no year shows None."""
    old = write_form(folder / "cu" / "Ia_Dom_2021.xlsx", "Ia Dom", {"live_births": 58},
                     year=2021)
    undated = write_form(folder / "Ia_Toi_bo_sung.xlsx", "Ia Tơi", {"live_births": 46},
                         year=None)
    result = kh_treem.check([folder], plan)
    lines_of = {f.record.path: f for f in result.files}
    assert (lines_of[str(old)].years, lines_of[str(old)].errors) == ([2021], 1)
    assert (lines_of[str(undated)].years, lines_of[str(undated)].errors) == ([None], 0)
    [problem] = [p for p in result.problems if p.severity == "error"]
    assert (problem.type, problem.file, problem.cell) == ("year-other", str(old), "E2")


def test_check_says_what_score_does_with_a_form_of_another_year(
    folder: Path, plan: Plan
) -> None:
    """A commune whose only form is of 2021 is missing in check, as in score, and the file
    is rejected for its year in both."""
    (folder / "Ia_Dom.xlsx").unlink()
    old = write_form(folder / "Ia_Dom_2021.xlsx", "Ia Dom", {"live_births": 58}, year=2021)
    checked = kh_treem.check([folder], plan)
    scored = kh_treem.score([folder], plan)
    assert checked.units_missing == ["Ia Dom"]
    assert "Ia Dom" not in scored.units_reporting
    for files in ([f.record for f in checked.files], scored.files):
        [record] = [f for f in files if f.path == str(old)]
        assert (record.status, record.reason) == ("rejected", "year-other")


def test_check_rejected_and_skipped_files(folder: Path, plan: Plan) -> None:
    """A rejected file's line has its reason and one error; skipped files have no error."""
    (folder / "Ia_Grai.xlsx").write_bytes(b"")
    (folder / "ghi_chu.txt").write_text("gửi lúc 8 giờ", encoding="utf-8")
    shutil.copy(folder / "Ia_Dom.xlsx", folder / "~$Ia_Dom.xlsx")
    result = kh_treem.check([folder], plan)
    got = {Path(f.record.path).name: (f.record.status, f.record.reason, f.errors, f.values)
           for f in result.files}
    assert got == {
        "Ia_Dal.xlsx": ("used", None, 0, 51),
        "Ia_Dom.xlsx": ("used", None, 0, 51),
        "Ia_Grai.xlsx": ("rejected", "file-empty", 1, 0),
        "Ia_Toi.xlsx": ("used", None, 0, 51),
        "ghi_chu.txt": ("skipped", "skipped-type", 0, 0),
        "~$Ia_Dom.xlsx": ("skipped", "skipped-lock-file", 0, 0),
    }
    assert result.units_sent_twice == {}  # a lock file is no second submission


# --- the command line: the table --------------------------------------------------------------


def test_cli_check_clean_examples(folder: Path) -> None:
    """`kh-treem check` on the examples: one row per file, exit 0, "3 tệp, 0 lỗi, 0 cảnh báo"."""
    result = run("check", folder)
    assert result.exit_code == 0, result.output
    for name in EXAMPLE_FILES:
        assert file_row(result.output, folder / name) == [
            str(folder / name), UNIT_OF[name], "2022", "51", "0", "0", word("used", "vi"),
        ]
    assert lines(result.output)[-1] == "3 tệp, 0 lỗi, 0 cảnh báo"
    assert word("units_missing_line", "vi").split("{")[0].strip() not in result.output


def test_cli_check_units_missing_and_sent_twice(folder: Path) -> None:
    """The table is followed by the communes missing and those sent twice, with their files."""
    (folder / "Ia_Toi.xlsx").unlink()
    school = write_form(folder / "Ia_Dom_truong.xlsx", "Ia Dom", {"schools": 9})
    result = run("check", folder)
    assert result.exit_code == 0, result.output
    out = lines(result.output)
    assert word("units_missing_line", "vi").format(units="Ia Tơi") in out
    assert word("sent_twice_line", "vi").format(
        unit="Ia Dom", files=f"{folder / 'Ia_Dom.xlsx'}, {school}") in out
    assert file_row(result.output, school)[1:6] == ["Ia Dom", "2022", "1", "0", "0"]
    assert out[-1] == "3 tệp, 0 lỗi, 1 cảnh báo"


def test_cli_check_exit_1_on_an_error(folder: Path) -> None:
    """An error in one file: its row counts it, the problem names file and cell, exit 1."""
    cell = with_value(folder / "Ia_Dom.xlsx", "u5_stunted", "khoảng 30")
    result = run("check", folder)
    assert result.exit_code == 1, result.output
    assert file_row(result.output, folder / "Ia_Dom.xlsx")[3:6] == ["50", "1", "0"]
    assert file_row(result.output, folder / "Ia_Dal.xlsx")[3:6] == ["51", "0", "0"]
    where = f"{folder / 'Ia_Dom.xlsx'} › BC 2022 › {cell} (u5_stunted)"
    assert any(line.startswith(f"{word('error', 'vi')}: {where}: ") and "khoảng 30" in line
               for line in lines(result.output)), result.output
    assert lines(result.output)[-1] == "3 tệp, 1 lỗi, 0 cảnh báo"


def test_cli_check_skipped_files_are_rows_not_errors(folder: Path) -> None:
    """Lock, hidden and other files are rows marked skipped, with notices only, exit 0."""
    shutil.copy(folder / "Ia_Dom.xlsx", folder / "~$Ia_Dom.xlsx")
    shutil.copy(folder / "Ia_Dom.xlsx", folder / ".Ia_Dom.xlsx")
    (folder / "ghi_chu.txt").write_text("gửi lúc 8 giờ", encoding="utf-8")
    result = run("check", folder)
    assert result.exit_code == 0, result.output
    for name in ("~$Ia_Dom.xlsx", ".Ia_Dom.xlsx", "ghi_chu.txt"):
        cells = file_row(result.output, folder / name)
        assert cells[-3:] == ["0", "0", word("skipped", "vi")], cells
    assert lines(result.output)[-1] == "6 tệp, 0 lỗi, 0 cảnh báo"


def test_cli_check_in_english(folder: Path) -> None:
    """`--lang en` closes with "N files, E errors, W warnings"."""
    (folder / "Ia_Toi.xlsx").unlink()
    result = run("check", folder, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert file_row(result.output, folder / "Ia_Dal.xlsx")[-1] == "Used"
    assert lines(result.output)[-1] == "2 files, 0 errors, 1 warnings"


def test_cli_check_missing_path_exit_1(folder: Path) -> None:
    """A path that does not exist is an error naming it; the other files are still checked."""
    result = run("check", folder, "khong_co")
    assert result.exit_code == 1, result.output
    assert file_row(result.output, folder / "Ia_Dal.xlsx")[-1] == word("used", "vi")
    assert any(line.startswith(f"{word('error', 'vi')}: khong_co: ")
               for line in lines(result.output))
    assert lines(result.output)[-1] == "3 tệp, 1 lỗi, 0 cảnh báo"


# --- the command line: --format json ----------------------------------------------------------


def test_cli_check_json_shape(folder: Path) -> None:
    """`check --format json` prints the documented keys, one object per file, and a summary."""
    (folder / "ghi_chu.txt").write_text("x", encoding="utf-8")
    code, doc = check_json(folder)
    assert code == 0
    assert set(doc) >= TOP_KEYS
    assert doc["plan"] == {"id": "ia-hdrai-2022", "year": 2022}
    assert doc["units_expected"] == UNITS
    assert (doc["units_missing"], doc["units_sent_twice"]) == ([], {})
    assert all(set(f) >= FILE_KEYS for f in doc["files"])
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert list(by_name) == [*EXAMPLE_FILES, "ghi_chu.txt"]
    for name in EXAMPLE_FILES:
        assert by_name[name] == {**by_name[name], "path": str(folder / name), "status": "used",
                                 "units": [UNIT_OF[name]], "years": [2022], "values": 51,
                                 "errors": 0, "warnings": 0, "sha256": sha256(folder / name),
                                 "reason": None, "reader": "python-calamine"}
    skipped = by_name["ghi_chu.txt"]
    assert (skipped["status"], skipped["reason"], skipped["errors"], skipped["units"],
            skipped["reader"]) == ("skipped", "skipped-type", 0, [], None)
    assert doc["summary"] == {"files": 4, "errors": 0, "warnings": 0}
    assert {p["severity"] for p in doc["problems"]} == {"notice"}
    assert all({"severity", "file", "sheet", "cell", "code", "message"} <= set(p)
               for p in doc["problems"])


def test_cli_check_json_with_errors_missing_and_twice(folder: Path) -> None:
    """The JSON of a set with an error, a missing and a twice-sent commune, exit 1."""
    (folder / "Ia_Toi.xlsx").unlink()
    cell = with_value(folder / "Ia_Dal.xlsx", "live_births", "năm mươi tư")
    school = write_form(folder / "Ia_Dom_truong.xlsx", "Ia Dom", {"schools": 9})
    code, doc = check_json(folder, "--lang", "en")
    assert code == 1
    assert doc["units_missing"] == ["Ia Tơi"]
    assert doc["units_sent_twice"] == {"Ia Dom": [str(folder / "Ia_Dom.xlsx"), str(school)]}
    [error] = [p for p in doc["problems"] if p["severity"] == "error"]
    assert (error["file"], error["cell"], error["code"]) == (
        str(folder / "Ia_Dal.xlsx"), cell, "live_births",
    )
    assert "năm mươi tư" in error["message"]
    dal = next(f for f in doc["files"] if f["path"] == str(folder / "Ia_Dal.xlsx"))
    assert (dal["errors"], dal["values"]) == (1, 50)
    assert doc["summary"] == {"files": 3, "errors": 1, "warnings": 1}


def test_cli_check_json_rejected_file(folder: Path) -> None:
    """A rejected file is listed with status "rejected", its reason, no units and no years."""
    (folder / "Ia_Grai.xlsx").write_bytes(bytes(range(256)) * 4)
    code, doc = check_json(folder)
    assert code == 1
    [bad] = [f for f in doc["files"] if f["path"] == str(folder / "Ia_Grai.xlsx")]
    assert bad == {**bad, "status": "rejected", "reason": "file-unreadable", "units": [],
                   "years": [], "values": 0, "errors": 1,
                   "sha256": sha256(folder / "Ia_Grai.xlsx")}
    assert doc["summary"]["errors"] == 1


def test_notices_many_files_share_are_one_line_a_type(folder: Path) -> None:
    """Five notes beside the forms: one line says the five were skipped and names three;
    the JSON keeps a problem for each."""
    for i in range(1, 6):
        (folder / f"ghi-chu-{i}.md").write_text("x", encoding="utf-8")
    out = lines(run("check", folder).output)
    skipped = [line for line in out if "không phải tệp số liệu" in line]
    assert skipped == [
        "Lưu ý: bỏ qua: không phải tệp số liệu (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv) — 5 nơi:"
        f" {folder / 'ghi-chu-1.md'}, {folder / 'ghi-chu-2.md'}, {folder / 'ghi-chu-3.md'} và 2"
        " nơi khác"]
    _, doc = check_json(folder)
    assert [p["type"] for p in doc["problems"]].count("skipped-type") == 5


def test_a_notice_only_one_file_has_keeps_its_own_line(folder: Path) -> None:
    (folder / "ghi-chu.md").write_text("x", encoding="utf-8")
    out = lines(run("check", folder, "--lang", "en").output)
    assert (f"Notice: {folder / 'ghi-chu.md'}: skipped: not a submission file (.xlsx, .xlsm,"
            " .xlsb, .xls, .ods, .csv)") in out

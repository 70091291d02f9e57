"""Ordinary mistakes in the arguments: exit 2 and one sentence, nothing written, never exit 3.

(Exit 3 is kept for kh-treem's own bugs.) Also the outputs' safety: what is written over,
how, and what never is.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import xml.dom.minidom
import zipfile
from pathlib import Path

import pytest

from kh_treem.atomic import atomic_path
from kh_treem.plan import load_plan
from kh_treem.plan_workbook import write_plan_workbook
from tests.cli import run

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "2022"
LONG = "x" * 300  # longer than any file name a system allows (255 bytes)


def plan_with(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "plan.yaml"
    text = (REPO / "targets" / "plan_2022.yaml").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("args", [
    ["score", EXAMPLES, "--plan", REPO / "targets" / "national_2025.yaml", "--no-workbook"],
    ["check", EXAMPLES, "--plan", REPO / "targets" / "national_2030.yaml"],
    ["template", "--all", "--plan", REPO / "targets" / "national_2025.yaml"],
    ["rollup", EXAMPLES, "--plan", REPO / "targets" / "national_2025.yaml"],
], ids=["score", "check", "template", "rollup"])
def test_a_plan_of_national_targets_is_no_plan_to_score(args: list[object]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"Tệp kế hoạch không dùng được: {args[-2] if args[-1] == '--no-workbook' else args[-1]}:"
        f" kế hoạch {'national-2030' if '2030' in str(args) else 'national-2025'} không có"
        " danh sách xã để chấm điểm (kế hoạch mục tiêu quốc gia dùng với rollup --horizon)\n")


def test_a_plan_with_no_units_is_exit_2(tmp_path: Path) -> None:
    plan = plan_with(tmp_path, 'units: ["Ia Đal", "Ia Dom", "Ia Tơi"]', "units: []")
    result = run("score", EXAMPLES, "--plan", plan, "--no-workbook")
    assert result.exit_code == 2, result.output
    assert "không có danh sách xã để chấm điểm" in result.stderr


@pytest.mark.parametrize("command", ["score", "check"])
def test_a_path_too_long_is_named_and_the_rest_is_read(command: str, tmp_path: Path) -> None:
    result = run(command, tmp_path / LONG, EXAMPLES, "--format", "json",
                 *(["--no-workbook"] if command == "score" else []))
    assert result.exit_code == 1, result.output
    assert f"{tmp_path / LONG}" in result.stdout
    assert "File name too long" in result.stdout or "quá dài" in result.stdout
    assert '"Ia Dom"' in result.stdout  # the examples were read


@pytest.mark.parametrize("args", [
    ["template", "--unit", "Ia Dom", "-o", "{tmp}/" + LONG + ".xlsx"],
    ["score", EXAMPLES, "-o", "{tmp}/" + LONG + ".xlsx"],
    ["rollup", EXAMPLES, "-o", "{tmp}/" + LONG + ".xlsx", "--no-horizon"],
], ids=["template", "score", "rollup"])
def test_an_output_path_too_long_is_exit_2(args: list[object], tmp_path: Path) -> None:
    result = run(*(str(a).replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 2, result.output
    assert "không dùng được đường dẫn này (File name too long)" in result.stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("args", [
    ["template", "--all", "-o", "{file}"],
    ["template", "--unit", "Ia Dom", "-o", "{folder}", "--force"],
    ["score", EXAMPLES, "-o", "{folder}"],
    ["score", EXAMPLES, "-o", "{fifo}"],
    ["rollup", EXAMPLES, "-o", "{fifo}", "--no-horizon"],
    ["template", "--unit", "Ia Dom", "-o", "{fifo}", "--force"],
    ["report", EXAMPLES, "-o", "{folder}", "--force"],
    ["report", EXAMPLES, "-o", "{fifo}", "--force"],
], ids=["all-into-a-file", "one-onto-a-folder", "score-onto-a-folder", "score-onto-a-fifo",
        "rollup-onto-a-fifo", "template-onto-a-fifo", "report-onto-a-folder",
        "report-onto-a-fifo"])
def test_an_output_that_is_not_what_it_should_be_is_exit_2(
    args: list[str], tmp_path: Path
) -> None:
    """A folder, a FIFO or a device is never replaced by a file (as root, -o /dev/full would
    have been); --all needs a folder."""
    places = {"file": tmp_path / "a.xlsx", "folder": tmp_path / "out", "fifo": tmp_path / "p"}
    places["file"].write_bytes(b"kept")
    places["folder"].mkdir()
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(places["fifo"])
    result = run(*(str(a).format(**places) for a in args))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert stat.S_ISFIFO(places["fifo"].stat().st_mode)
    assert places["file"].read_bytes() == b"kept"
    assert os.listdir(places["folder"]) == []


@pytest.mark.parametrize("year", ["99999", "-1", "1999", "2101"])
def test_template_year_out_of_range_is_exit_2(year: str, tmp_path: Path) -> None:
    result = run("template", "--unit", "Ia Dom", "--year", year, "-o", tmp_path / "f.xlsx")
    assert result.exit_code == 2, result.output
    assert result.stderr == f"--year {year}: năm báo cáo phải từ 2000 đến 2100.\n"
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("args", [
    ["score", EXAMPLES, "-o", "{tmp}/bao-cao.ods"],
    ["rollup", EXAMPLES, "-o", "{tmp}/xu-huong", "--no-horizon"],
    ["template", "--unit", "Ia Dom", "-o", "{tmp}/Ia_Dom.xls"],
    ["template", "--all", "-o", "{tmp}/forms.xlsx"],
], ids=["score-ods", "rollup-no-suffix", "template-xls", "all-into-an-xlsx-name"])
def test_an_output_named_other_than_what_is_written_is_exit_2(
    args: list[object], tmp_path: Path
) -> None:
    result = run(*(str(a).replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1
    assert os.listdir(tmp_path) == []


def test_an_output_in_a_folder_not_yet_there_is_written_there(tmp_path: Path) -> None:
    out = tmp_path / "Bao cao 2022" / "tong-hop.xlsx"
    result = run("score", EXAMPLES, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.is_file()


def test_template_previous_missing_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    result = run("template", "--all", "-o", tmp_path / "out", "--previous", tmp_path / "none")
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Không tìm thấy số liệu năm trước: {tmp_path / 'none'}\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("named", ["file", "folder"])
def test_template_never_overwrites_last_years_submission(named: str, tmp_path: Path) -> None:
    """Not even with --force: a form onto a file given to --previous, or found in it."""
    last = tmp_path / "2021"
    shutil.copytree(EXAMPLES, last)
    form = last / "Ia_Dom.xlsx"
    before = form.read_bytes()
    previous = form if named == "file" else last
    result = run("template", "--unit", "Ia Dom", "-o", form, "--previous", previous, "--force")
    assert result.exit_code == 2, result.output
    assert result.stderr == (f"{form}: là số liệu năm trước (--previous), không ghi đè lên"
                             " nó.\n")
    assert form.read_bytes() == before


def test_template_previous_with_errors_writes_the_form_and_exits_1(tmp_path: Path) -> None:
    last = tmp_path / "2021"
    shutil.copytree(EXAMPLES, last)
    (last / "broken.xlsx").write_bytes(b"not a workbook")
    result = run("template", "--unit", "Ia Dom", "-o", tmp_path / "f.xlsx", "--previous", last)
    assert result.exit_code == 1, result.output
    assert (tmp_path / "f.xlsx").exists()


def test_a_name_claimed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    """Without overwrite, the name is claimed exclusively before anything is written: a run
    that checked a moment before another wrote the file still cannot replace it."""
    target = tmp_path / "Ia_Dom_2022.xlsx"
    with atomic_path(target, overwrite=False) as temp:
        temp.write_bytes(b"first")
        with pytest.raises(FileExistsError), atomic_path(target, overwrite=False):
            pass
    assert target.read_bytes() == b"first"
    assert os.listdir(tmp_path) == ["Ia_Dom_2022.xlsx"]


def test_a_claim_whose_write_fails_is_taken_back(tmp_path: Path) -> None:
    target = tmp_path / "f.xlsx"
    with pytest.raises(OSError, match="disk full"), atomic_path(target, overwrite=False):
        raise OSError("disk full")
    assert os.listdir(tmp_path) == []


def test_a_summary_written_again_keeps_its_permissions(tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    assert run("score", EXAMPLES, "-o", out).exit_code == 0
    out.chmod(0o640)
    assert run("score", EXAMPLES, "-o", out).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


@pytest.mark.parametrize(("args", "said"), [
    (["score", EXAMPLES, "-o", "{out}/s.xlsx"], "Không ghi được bảng tổng hợp {out}/s.xlsx"),
    (["rollup", EXAMPLES, "-o", "{out}/t.xlsx", "--no-horizon"],
     "Không ghi được bảng xu hướng {out}/t.xlsx"),
    (["template", "--all", "-o", "{out}"], "Không ghi được biểu mẫu {out}/Ia_Dal_2022.xlsx"),
], ids=["score", "rollup", "template"])
def test_a_full_disk_is_exit_1_and_one_sentence(
    args: list[object], said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills while xlsxwriter writes the zip (it wraps the OSError in an error of
    its own): exit 1 and one sentence, no traceback, no temporary file left."""
    out = tmp_path / "out"
    out.mkdir()

    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", full)
    result = run(*(str(a).format(out=out) for a in args))
    assert result.exit_code == 1, result.output
    assert result.stderr == said.format(out=out) + ": No space left on device\n"
    assert os.listdir(out) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("args", [
    ["check", str(EXAMPLES), "--format", "json"],
    ["score", str(EXAMPLES), "--no-workbook"],
], ids=["json", "table"])
def test_output_onto_a_full_disk_is_exit_1_and_one_sentence(args: list[str]) -> None:
    """`kh-treem … > file` on a full disk: exit 1 and a sentence, never exit 0 with half a
    file (a full disk takes part of a write without an error) nor exit 3."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-c", "from kh_treem.cli import main; main()", *args],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr == ("Hệ thống báo lỗi: No space left on device; kết quả ra màn hình"
                           " hoặc tệp có thể bị cắt dở.\n")


@pytest.mark.parametrize("args", [
    ["score", EXAMPLES, "--plan", "{plan}", "-o", "{plan}"],
    ["rollup", EXAMPLES, "--plan", "{plan}", "-o", "{plan}", "--no-horizon"],
    ["template", "--unit", "Ia Dom", "--plan", "{plan}", "-o", "{plan}", "--force"],
], ids=["score", "rollup", "template"])
def test_an_output_onto_the_plan_is_exit_2(args: list[object], tmp_path: Path) -> None:
    plan = tmp_path / "plan.xlsx"  # a plan workbook: an .xlsx, as the output is
    write_plan_workbook(load_plan(), plan)
    before = plan.read_bytes()
    result = run(*(str(a).format(plan=plan) for a in args))
    assert result.exit_code == 2, result.output
    assert "không ghi đè" in result.stderr
    assert plan.read_bytes() == before


def test_an_output_through_a_link_is_written_where_the_link_points(tmp_path: Path) -> None:
    real = tmp_path / "real.xlsx"
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    result = run("score", EXAMPLES, "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert real.is_file()


def test_a_loop_of_links_among_the_inputs_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    result = run("score", EXAMPLES, tmp_path / "a", "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "path-unusable" in run("check", tmp_path / "a", "--format", "json").stdout


def test_a_plan_id_no_file_can_be_named_after_gives_a_name_one_can(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default workbook is named after the plan's id, with what no file name may hold
    (a NUL, a "/" as in "45/KH-UBND") made "-"."""
    plan = plan_with(tmp_path, "id: ia-hdrai-2022", 'id: "ia\\0x/2022"')
    monkeypatch.chdir(tmp_path)
    result = run("score", EXAMPLES, "--plan", plan)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kh-treem-ia-x-2022.xlsx").is_file()


def test_two_communes_with_one_form_name_are_exit_2(tmp_path: Path) -> None:
    plan = plan_with(tmp_path, 'units: ["Ia Đal", "Ia Dom", "Ia Tơi"]',
                     'units: ["Ia Đal", "Ia Dom", "Ia Tơi", "Ia-Tơi"]')
    result = run("template", "--all", "--plan", plan, "-o", tmp_path / "out", "--force")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Ia Tơi, Ia-Tơi: cùng một tên tệp biểu mẫu Ia_Toi_2022.xlsx")
    assert not (tmp_path / "out").exists()


def test_two_plans_for_one_year_is_exit_2(tmp_path: Path) -> None:
    other = plan_with(tmp_path, "id: ia-hdrai-2022", "id: another-2022")
    result = run("rollup", EXAMPLES, "--plan", REPO / "targets" / "plan_2022.yaml",
                 "--plan", other, "--no-horizon")
    assert result.exit_code == 2, result.output
    assert "two plans for 2022" in result.stderr


def test_a_control_character_in_a_plan_label_keeps_the_form_well_formed(
    tmp_path: Path
) -> None:
    plan = plan_with(tmp_path, "Số trẻ đẻ sống trong năm", "Số trẻ đẻ sống\\vtrong năm\\x1b")
    out = tmp_path / "f.xlsx"
    assert run("template", "--unit", "Ia Dom", "--plan", plan, "-o", out).exit_code == 0
    with zipfile.ZipFile(out) as book:
        for name in book.namelist():
            if name.endswith(".xml"):
                xml.dom.minidom.parseString(book.read(name))  # raises if not well-formed

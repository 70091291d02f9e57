"""`kh-treem check --state FILE`: the nightly check says what arrived since the last night.

Every file is marked new, changed or unchanged against the state (path, size, SHA-256) the
last run left; files that went away are named; a state that cannot be read is a notice and a
fresh start; one that cannot be written is an error, and the last good one stays.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

import kh_treem
from kh_treem.plan import Plan
from tests import test_check
from tests.cli import run
from tests.test_check import EXAMPLE_FILES, EXAMPLES, file_row, lines, with_value

# The three examples in tmp_path/in, the working folder tmp_path: test_check's fixture.
folder = test_check.folder


def checked(paths: list[Path], plan: Plan, state: Path) -> kh_treem.CheckResult:
    """A check with a state file, reported, then remembered (as the command does)."""
    result = kh_treem.check(paths, plan, state=state)
    assert result.save_state() == []
    return result


def changes(folder: Path, state: Path, plan: Plan) -> dict[str, str | None]:
    result = checked([folder], plan, state)
    return {Path(f.record.path).name: f.change for f in result.files}


def test_a_second_run_on_an_unchanged_folder_marks_every_file_unchanged(
    folder: Path, plan: Plan
) -> None:
    state = Path("da-thay.json")
    assert changes(folder, state, plan) == dict.fromkeys(EXAMPLE_FILES, "new")
    assert changes(folder, state, plan) == dict.fromkeys(EXAMPLE_FILES, "unchanged")


def test_one_file_edited_and_one_added_are_one_changed_and_one_new(
    folder: Path, plan: Plan
) -> None:
    state = Path("da-thay.json")
    checked([folder], plan, state)
    with_value(folder / "Ia_Dom.xlsx", "live_births", 61)
    shutil.copy2(EXAMPLES / "Ia_Dal.xlsx", folder / "Ia_Dal_ban_sua.xlsx")
    assert changes(folder, state, plan) == {
        "Ia_Dal.xlsx": "unchanged", "Ia_Dal_ban_sua.xlsx": "new", "Ia_Dom.xlsx": "changed",
        "Ia_Toi.xlsx": "unchanged"}


def test_a_file_that_went_away_is_named(folder: Path, plan: Plan) -> None:
    state = Path("da-thay.json")
    checked([folder], plan, state)
    (folder / "Ia_Toi.xlsx").unlink()
    result = checked([folder], plan, state)
    assert result.files_gone == [str(folder / "Ia_Toi.xlsx")]
    again = checked([folder], plan, state)  # said once: the state forgets it
    assert again.files_gone == []


def test_a_file_is_the_same_file_whatever_folder_the_task_starts_in(
    folder: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Known by its absolute path, shown as given."""
    state = Path("da-thay.json").absolute()
    checked([folder], plan, state)
    monkeypatch.chdir(folder)
    result = checked([Path(".")], plan, state)
    assert {f.record.path: f.change for f in result.files} == dict.fromkeys(
        EXAMPLE_FILES, "unchanged")
    assert result.files_gone == []


def test_without_a_state_nothing_is_compared(folder: Path, plan: Plan) -> None:
    result = kh_treem.check([folder], plan)
    assert [f.change for f in result.files] == [None] * 3
    assert (result.files_gone, result.since_last_run) == ([], False)


@pytest.mark.parametrize(("content", "detail"), [
    (b'{"kind": "\xff"}', "utf-8"),
    (b'{"kind": "kh-treem check state", "version": 1, "files": [', "Expecting"),
    (b"[" * 100_000 + b"]" * 100_000, "maximum recursion depth"),
    (b"[]", "Input should be a valid dictionary"),
    (b'{"name": "some other tool"}', "kind: Field required"),
    (b'{"kind": "kh-treem check state", "version": 2, "files": []}', "version: Input should"),
    (b'{"kind": "kh-treem check state", "version": 1, "files": [{"path": "a"}]}',
     "files.0.absolute: Field required"),
    (b'{"kind": "kh-treem check state", "version": 1, "files": [{"path": "a", "absolute":'
     b' "/a", "size": "12", "sha256": null}]}', "files.0.size: Input should be a valid"),
], ids=["not-utf8", "cut-short", "nested-deep", "a-list", "foreign", "other-version",
        "missing-key", "size-as-text"])
def test_a_state_that_cannot_be_read_is_a_notice_and_a_fresh_start(
    folder: Path, plan: Plan, content: bytes, detail: str
) -> None:
    state = Path("da-thay.json")
    state.write_bytes(content)
    result = checked([folder], plan, state)
    assert [f.change for f in result.files] == ["new"] * 3
    notices = [p for p in result.problems if p.type == "state-invalid"]
    assert [(p.severity, p.file) for p in notices] == [("notice", "da-thay.json")]
    assert detail in notices[0].message("en")
    assert not result.has_errors
    assert changes(folder, state, plan) == dict.fromkeys(EXAMPLE_FILES, "unchanged")


def test_a_state_that_cannot_be_written_is_an_error_and_the_last_one_stays(
    folder: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = Path("da-thay.json")
    checked([folder], plan, state)
    before = state.read_bytes()
    (folder / "Ia_Toi.xlsx").unlink()

    def full_disk(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)
    result = kh_treem.check([folder], plan, state=state)
    assert result.files_gone == [str(folder / "Ia_Toi.xlsx")]  # the check itself is whole
    assert [(p.type, p.severity, p.file) for p in result.save_state()] == [
        ("state-unwritable", "error", "da-thay.json")]
    assert state.read_bytes() == before
    assert sorted(p.name for p in Path(".").iterdir()) == ["da-thay.json", "in"]  # no temp


def test_a_check_not_saved_is_compared_again(folder: Path, plan: Plan) -> None:
    """A report lost (a full disk under `> report`, Ctrl-C): the state stays as it was, and
    the next night says again what arrived."""
    state = Path("da-thay.json")
    checked([folder], plan, state)
    (folder / "Ia_Toi.xlsx").unlink()
    assert kh_treem.check([folder], plan, state=state).files_gone  # never saved
    assert checked([folder], plan, state).files_gone == [str(folder / "Ia_Toi.xlsx")]


@pytest.mark.parametrize("where", ["an-input", "a-fifo", "a-link"])
def test_the_library_never_writes_a_state_over_an_input_or_a_device(
    folder: Path, plan: Plan, where: str
) -> None:
    if where == "an-input":
        state = folder / "Ia_Dal.xlsx"
        before = state.read_bytes()
    elif where == "a-fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on Windows")
        state = Path("ong.json")
        os.mkfifo(state)
    else:  # a link is written through, to its target
        Path("that.json").write_text("{}", encoding="utf-8")
        state = Path("link.json")
        state.symlink_to("that.json")
    result = kh_treem.check([folder], plan, state=state)
    saved = result.save_state()
    if where == "a-link":
        assert saved == []
        assert state.is_symlink()
        assert json.loads(Path("that.json").read_text(encoding="utf-8"))["files"]
        return
    assert [p.type for p in saved] == ["state-unwritable"]
    if where == "an-input":
        assert state.read_bytes() == before
    else:
        assert state.is_fifo()


def test_a_file_too_large_to_hash_is_compared_by_its_size(tmp_path: Path, plan: Plan) -> None:
    big = tmp_path / "big"
    big.mkdir()
    photo = big / "anh.zip"  # skipped (not a submission), over the size a file is hashed at
    with open(photo, "wb") as file:
        file.truncate(60 * 1024 * 1024)
    state = tmp_path / "da-thay.json"
    checked([big], plan, state)
    assert [f.change for f in checked([big], plan, state).files] == ["unchanged"]
    with open(photo, "r+b") as file:
        file.truncate(70 * 1024 * 1024)
    assert [f.change for f in checked([big], plan, state).files] == ["changed"]


def test_a_file_name_the_system_cannot_decode_keeps_its_state(
    folder: Path, plan: Plan
) -> None:
    if sys.platform != "linux":
        pytest.skip("Windows and macOS file names are always Unicode")
    odd = os.fsdecode(b"in/Ia_Dal_\xff.xlsx")
    shutil.copy2(EXAMPLES / "Ia_Dal.xlsx", odd)
    state = Path("da-thay.json")
    checked([folder], plan, state)
    again = checked([folder], plan, state)
    assert {f.change for f in again.files} == {"unchanged"}
    assert [p.type for p in again.problems if p.type.startswith("state-")] == []


# --- the command line -----------------------------------------------------------------------


def test_cli_marks_each_file_and_names_what_went_away_above_the_table(folder: Path) -> None:
    assert run("check", folder, "--state", "da-thay.json").exit_code == 0
    (folder / "Ia_Toi.xlsx").unlink()
    with_value(folder / "Ia_Dom.xlsx", "live_births", 61)
    shutil.copy2(EXAMPLES / "Ia_Toi.xlsx", folder / "Ia_Toi_2.xlsx")
    result = run("check", folder, "--state", "da-thay.json")
    assert result.exit_code == 0, result.output
    out = lines(result.output)
    # Above the table: the communes still missing (none: Ia Tơi came back under a new name)
    # and the file gone.
    gone = f"Không còn thấy (có ở lần kiểm tra trước): {folder / 'Ia_Toi.xlsx'}"
    assert out.index(gone) < out.index(next(line for line in out if line.startswith("Tệp")))
    assert file_row(result.output, folder / "Ia_Dal.xlsx")[-1] == "Như lần trước"
    assert file_row(result.output, folder / "Ia_Dom.xlsx")[-1] == "Đã thay đổi"
    assert file_row(result.output, folder / "Ia_Toi_2.xlsx")[-1] == "Mới"
    assert out[-1] == ("3 tệp, 0 lỗi, 0 cảnh báo; từ lần trước: 1 tệp mới, 1 tệp đã thay"
                       " đổi")


def test_cli_missing_communes_are_at_the_top(folder: Path) -> None:
    (folder / "Ia_Toi.xlsx").unlink()
    result = run("check", folder, "--state", "da-thay.json", "--lang", "en")
    out = lines(result.output)
    assert out[1] == "No submission from: Ia Tơi"
    assert out[2].startswith("File ")
    assert out[-1] == "2 files, 0 errors, 1 warnings; since the last check: 2 new, 0 changed"


def test_cli_json_has_a_change_per_file_and_the_files_gone(folder: Path) -> None:
    run("check", folder, "--state", "da-thay.json")
    (folder / "Ia_Toi.xlsx").unlink()
    result = run("check", folder, "--state", "da-thay.json", "--format", "json")
    doc = json.loads(result.stdout)
    assert [f["change"] for f in doc["files"]] == ["unchanged", "unchanged"]
    assert doc["files_gone"] == [str(folder / "Ia_Toi.xlsx")]
    plain = json.loads(run("check", folder, "--format", "json").stdout)
    assert ([f["change"] for f in plain["files"]], plain["files_gone"]) == ([None, None], [])


def test_cli_gone_files_are_said_on_stderr_with_csv(folder: Path) -> None:
    run("check", folder, "--state", "da-thay.json")
    (folder / "Ia_Toi.xlsx").unlink()
    result = run("check", folder, "--state", "da-thay.json", "-f", "csv")
    assert (f"Không còn thấy (có ở lần kiểm tra trước): {folder / 'Ia_Toi.xlsx'}"
            in result.stderr.splitlines())


def test_cli_plan_file_is_never_the_state(folder: Path) -> None:
    plan = Path("ke-hoach.json")
    plan.write_text("{}", encoding="utf-8")
    result = run("check", folder, "--plan", plan, "--state", plan)
    assert result.exit_code == 2
    assert plan.read_text(encoding="utf-8") == "{}"


def test_cli_an_unusable_input_path_does_not_stop_the_check_with_a_state(
    folder: Path
) -> None:
    loop = Path("vong")
    loop.symlink_to("vong")
    result = run("check", folder, loop, "--state", "da-thay.json")
    assert result.exit_code == 1  # the loop is one error line; the rest is checked
    assert file_row(result.output, folder / "Ia_Dal.xlsx")[-1] == "Mới"


def test_cli_state_that_cannot_be_written_exits_1_after_the_table(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)
    result = run("check", folder, "--state", "da-thay.json")
    assert result.exit_code == 1
    assert file_row(result.output, folder / "Ia_Dal.xlsx")[-1] == "Mới"
    assert ("Lỗi: da-thay.json: không ghi được tệp trạng thái; lần kiểm tra sau sẽ so với lần"
            " đã ghi được trước đó") in lines(result.output)


def test_cli_state_in_a_folder_that_is_not_there_is_a_usage_error(folder: Path) -> None:
    result = run("check", folder, "--state", "kiem-tra/da-thay.json")
    assert result.exit_code == 2
    assert result.stderr == ("kiem-tra/da-thay.json: không có thư mục kiem-tra để ghi tệp"
                             " trạng thái; tạo thư mục trước.\n")


def test_a_night_the_share_is_offline_forgets_nothing(folder: Path, plan: Plan) -> None:
    """The folder cannot be found (exit 1, path-missing): its files are not gone, and when it
    is back they are as they were."""
    state = Path("da-thay.json")
    checked([folder], plan, state)
    folder.rename("offline")
    night = checked([folder], plan, state)
    assert [p.type for p in night.problems if p.severity == "error"] == ["path-missing"]
    assert night.files_gone == []
    Path("offline").rename(folder)
    assert changes(folder, state, plan) == dict.fromkeys(EXAMPLE_FILES, "unchanged")


def test_files_of_a_path_that_was_there_are_compared_when_another_is_not(
    folder: Path, plan: Plan
) -> None:
    state = Path("da-thay.json")
    other = Path("xa-khac")
    other.mkdir()
    shutil.move(folder / "Ia_Toi.xlsx", other / "Ia_Toi.xlsx")
    checked([folder, other], plan, state)
    with_value(folder / "Ia_Dom.xlsx", "live_births", 61)
    shutil.rmtree(other)
    result = checked([folder, other], plan, state)
    assert {Path(f.record.path).name: f.change for f in result.files} == {
        "Ia_Dal.xlsx": "unchanged", "Ia_Dom.xlsx": "changed"}
    assert result.files_gone == []  # xa-khac may be back tomorrow


@pytest.mark.parametrize(("state", "why"), [
    ("da-thay.txt", "tệp trạng thái là một tệp .json"),
    ("in/da-thay.json", "đặt tệp trạng thái ngoài các tệp và thư mục số liệu"),
    ("in/../in/da-thay.json", "đặt tệp trạng thái ngoài các tệp và thư mục số liệu"),
    ("in/Ia_Dal.xlsx", "tệp trạng thái là một tệp .json"),
], ids=["not-json", "in-the-folder", "in-the-folder-spelt-otherwise", "an-input"])
def test_cli_refuses_a_state_file_where_it_would_do_harm(
    folder: Path, state: str, why: str
) -> None:
    before = {p: p.read_bytes() for p in folder.iterdir()}
    result = run("check", folder, "--state", state)
    assert result.exit_code == 2
    assert why in result.stderr
    assert {p: p.read_bytes() for p in folder.iterdir()} == before


def test_cli_refuses_a_json_input_as_the_state(folder: Path) -> None:
    """A .json file named among the inputs is never written over."""
    named = Path("ghi-chu.json")
    named.write_text("{}", encoding="utf-8")
    result = run("check", folder, named, "--state", named)
    assert result.exit_code == 2
    assert named.read_text(encoding="utf-8") == "{}"

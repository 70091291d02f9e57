"""The reader contained: a file that crashes, exhausts or stalls its worker becomes one
"read-unsafe" error, and every other file is still read, in order.

The hostile files are real where the reader really fails on them (a value in XFD1048576
makes python-calamine ask for 512 GiB and abort); a stand-in reader plays the others
(a reader that never returns, one that takes all memory). Workers are forked here unless
a test asks for spawn, so a stand-in set by monkeypatch reaches them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kh_treem import intake, isolation, reading
from kh_treem.intake import read_paths
from kh_treem.plan import Plan
from tests.forms import write_form

UNITS = ["Ia Đal", "Ia Dom", "Ia Tơi"]
DATA = Path(__file__).parent / "data"


def forms(folder: Path, hostile: str) -> list[Path]:
    """Three good forms, and between them the file named ``hostile`` (a copy of a form)."""
    paths = [write_form(folder / f"{i}_{unit}.xlsx", unit, {"live_births": 10 + i})
             for i, unit in enumerate(UNITS)]
    bad = folder / hostile
    bad.write_bytes(paths[0].read_bytes())
    return [paths[0], bad, paths[1], paths[2]]


def far_value(path: Path) -> Path:
    """A form with one more value in XFD1048576: the reader lays out 17 billion cells."""
    write_form(path, "Ia Dom", {"live_births": 5})
    import zipfile

    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet].replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path



def assert_only_the_hostile_file_lost(paths: list[Path], plan: Plan, hostile: str) -> None:
    intake = read_paths(paths, plan)
    assert [(Path(f.path).name, f.status, f.reason) for f in intake.files] == [
        (paths[0].name, "used", None), (hostile, "rejected", "read-unsafe"),
        (paths[2].name, "used", None), (paths[3].name, "used", None)]
    [problem] = [p for p in intake.problems if p.severity == "error"]
    assert (problem.type, problem.file) == ("read-unsafe", str(paths[1]))
    assert "không đọc được an toàn" in problem.message()
    assert [s.unit for s in intake.submissions] == ["Ia Đal", "Ia Dom", "Ia Tơi"]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_file_that_aborts_the_reader_costs_only_itself(
    tmp_path: Path, plan: Plan, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 5 KB form with a value in XFD1048576 aborts python-calamine (its allocation fails
    under the worker's memory cap): one error line, the other forms read, with workers
    forked or spawned (as on Windows)."""
    paths = forms(tmp_path, "Ia_Dom_o_xa.xlsx")
    far_value(paths[1])
    assert paths[1].stat().st_size < 10_000
    monkeypatch.setattr(isolation, "start_method", lambda: method)
    assert_only_the_hostile_file_lost(paths, plan, "Ia_Dom_o_xa.xlsx")


def stand_in(monkeypatch: pytest.MonkeyPatch, hostile: str, action: Callable[[], object]) -> None:
    """The workers' reader does ``action`` on the file named ``hostile``, reads the others."""
    real = reading.read_file

    def reader(path: str) -> reading.FileRead:
        if path.endswith(hostile):
            action()
        return real(path)

    monkeypatch.setattr(intake, "read_file", reader)


def test_a_worker_that_dies_costs_only_its_file(
    tmp_path: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader that kills its process (a native crash) loses that file alone."""
    paths = forms(tmp_path, "hong.xlsx")
    stand_in(monkeypatch, "hong.xlsx", os.abort)
    assert_only_the_hostile_file_lost(paths, plan, "hong.xlsx")


def test_a_file_that_takes_all_memory_costs_only_itself(
    tmp_path: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader asking for more memory than the worker's cap gets a MemoryError there."""
    paths = forms(tmp_path, "lon.xlsx")
    stand_in(monkeypatch, "lon.xlsx", lambda: bytearray(isolation.READ_MEMORY_BYTES * 2))
    assert_only_the_hostile_file_lost(paths, plan, "lon.xlsx")


def test_a_file_that_never_finishes_is_given_up_after_the_time_limit(
    tmp_path: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader stuck on a file is stopped after READ_SECONDS; the files sent to the same
    worker after it are read by its replacement."""
    paths = forms(tmp_path, "treo.xlsx")
    stand_in(monkeypatch, "treo.xlsx", lambda: time.sleep(60))
    monkeypatch.setattr(isolation, "READ_SECONDS", 1.0)
    started = time.monotonic()
    assert_only_the_hostile_file_lost(paths, plan, "treo.xlsx")
    assert time.monotonic() - started < 30  # not the minute the reader would take


def test_jobs_never_start_more_workers_than_the_files_need(
    tmp_path: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--jobs 100 on four files starts one worker: one per FILES_PER_WORKER files."""
    paths = forms(tmp_path, "Ia_Dal_2.xlsx")
    started = []
    real_start = isolation._Pool._start

    def counting(pool: isolation._Pool) -> isolation._Worker:
        started.append(1)
        return real_start(pool)

    monkeypatch.setattr(isolation._Pool, "_start", counting)
    read_paths(paths, plan, jobs=100)
    assert len(started) == 1


@pytest.mark.parametrize(("jobs", "files", "cores", "workers"), [
    (100_000, 10_000, 2, 4),  # -j 100000 once started a process each: two a core at most
    (100_000, 150, 8, 1),  # one a hundred files
    (3, 10_000, 64, 3),  # what was asked for, when it is fewer
    (8, 0, 8, 1),  # never none
], ids=["capped-by-cores", "capped-by-files", "as-asked", "at-least-one"])
def test_worker_count(
    jobs: int, files: int, cores: int, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(isolation.os, "cpu_count", lambda: cores)
    assert isolation.worker_count(jobs, files) == workers


def test_a_bug_in_a_worker_is_kh_treems_not_the_files(
    tmp_path: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception in kh-treem's own reading code is not blamed on the file: it reaches
    the caller (the CLI's internal error, exit 3) with the worker's traceback."""
    paths = forms(tmp_path, "Ia_Dom_2.xlsx")

    def buggy() -> None:
        raise AttributeError("'NoneType' object has no attribute 'rows'")

    stand_in(monkeypatch, "Ia_Dom_2.xlsx", buggy)
    with pytest.raises(isolation.WorkerError, match="AttributeError: 'NoneType'"):
        read_paths(paths, plan)


# --- the hostile files of issue #14: each one error line, the good forms read ------------------


def ods_form(path: Path, extra_tables: str = "", extra_rows: str = "") -> Path:
    """Ia Dom's form as an .ods, with more rows in its table and more tables after it."""
    from tests.test_intake import HEADER, write_ods

    write_ods(path, {"Sheet1": [["Đơn vị:", "Ia Dom", None, "Năm:", 2022], HEADER,
                                [1, "Số trẻ đẻ sống", "trẻ", "live_births", 60]]})
    import zipfile

    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename == "content.xml":
                data = data.replace(b"</table:table>", extra_rows.encode() + b"</table:table>")
                data = data.replace(b"</office:spreadsheet>",
                                    extra_tables.encode() + b"</office:spreadsheet>")
            archive.writestr(info.filename, data)
    return path


ROW_OF_VALUES = ('<table:table-row{repeat}><table:table-cell table:number-columns-repeated='
                 '"16384" office:value-type="float" office:value="1"><text:p>1</text:p>'
                 "</table:table-cell></table:table-row>")


def repeat_written_with_a_plus(path: Path) -> Path:
    """A value repeated over 16,384 columns and '+6000' rows (6,000 to python-calamine)."""
    return ods_form(path, extra_rows=ROW_OF_VALUES.format(
        repeat=' table:number-rows-repeated="+6000"'))


def many_tables_each_under_the_limit(path: Path) -> Path:
    """40 more tables, each a value repeated over 16,384 columns and 300 rows."""
    table = ('<table:table table:name="T{i}">'
             + ROW_OF_VALUES.format(repeat=' table:number-rows-repeated="300"')
             + "</table:table>")
    return ods_form(path, extra_tables="".join(table.format(i=i) for i in range(40)))


def xls_values_at_iv65536(path: Path) -> Path:
    """41 sheets of an .xls (made by LibreOffice), each with a value in IV65536."""
    return Path(shutil.copy(DATA / "hostile" / "iv65536.xls", path))


@pytest.mark.parametrize("hostile", [repeat_written_with_a_plus, many_tables_each_under_the_limit,
                                     xls_values_at_iv65536])
def test_a_hostile_file_is_one_line_and_the_forms_beside_it_are_read(
    tmp_path: Path, plan: Plan, hostile: Callable[[Path], Path]
) -> None:
    """Each file of the issue that took the machine's memory (or would have) gives one error
    line; the three forms beside it are read; no worker grew past 1 GB."""
    paths = forms(tmp_path, "placeholder.xlsx")
    bad = hostile(tmp_path / f"Ia_Dom_{hostile.__name__}{paths[1].suffix}")
    paths[1].unlink()
    intake = read_paths([paths[0], bad, paths[2], paths[3]], plan)
    assert [s.unit for s in intake.submissions if s.file != str(bad)] == UNITS
    [error] = [p for p in intake.problems if p.severity == "error" and p.file == str(bad)]
    assert error.type in ("read-unsafe", "too-many-cells", "too-many-rows")
    resource = pytest.importorskip("resource")  # POSIX: the peak of every worker so far
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1024 * 1024  # KB


def test_a_reader_that_aborts_says_nothing_on_the_console(tmp_path: Path) -> None:
    """The worker's dying words (python-calamine's "memory allocation of … failed" and a
    backtrace) never reach the officer's console: only kh-treem's one line does."""
    paths = forms(tmp_path, "Ia_Dom_o_xa.xlsx")
    far_value(paths[1])
    command = "from kh_treem.cli import main; main()"
    run = subprocess.run([sys.executable, "-c", command, "check", str(tmp_path)],
                         capture_output=True, text=True, encoding="utf-8", check=False,
                         env={**os.environ, "RUST_BACKTRACE": "1", "COLUMNS": "200"})
    assert run.returncode == 1, run.stderr
    assert "allocation" not in run.stderr + run.stdout
    assert "backtrace" not in run.stderr + run.stdout
    assert "không đọc được an toàn" in run.stdout + run.stderr


def test_workers_that_cannot_start_are_an_error_not_bad_files(tmp_path: Path) -> None:
    """A script that calls kh_treem without a `__main__` guard, where workers are spawned
    (Windows, macOS), gets an exception that says why, never every file "read-unsafe"."""
    forms(tmp_path, "Ia_Dal_2.xlsx")
    script = tmp_path / "rollup.py"
    script.write_text(
        "import kh_treem\nfrom kh_treem import isolation\n"
        "isolation.start_method = lambda: 'spawn'\n"
        f"print(kh_treem.check([{str(tmp_path)!r}]).to_dict()['summary'])\n",
        encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         encoding="utf-8", check=False, timeout=120)
    assert run.returncode != 0
    assert "could not start" in run.stderr
    assert "__main__" in run.stderr
    assert "read-unsafe" not in run.stdout

"""Reading with several worker processes (--jobs) gives exactly what one gives, in order,
whether the workers are forked (Linux) or spawned (Windows, macOS)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kh_treem
from kh_treem import intake, isolation
from kh_treem.intake import read_paths
from kh_treem.plan import Plan
from tests.cli import run
from tests.forms import write_form

UNITS = ["Ia Đal", "Ia Dom", "Ia Tơi"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """40 forms over three communes and two years, a bad file, a skipped one, a bad value."""
    monkeypatch.setattr(isolation, "FILES_PER_WORKER", 4)  # parallel from a handful of files
    root = tmp_path / "shared"
    for i in range(40):
        values = {"live_births": 40 + i, "neonatal_deaths": i % 3,
                  "children_total": "khoảng 30" if i == 17 else 1500 + i}
        write_form(root / f"sub{i % 4}" / f"f{i:02}.xlsx", UNITS[i % 3], values,
                   year=2022 if i % 5 else 2021)
    (root / "sub1" / "broken.xlsx").write_bytes(b"not a workbook")
    (root / "sub2" / "notes.txt").write_text("ghi chú", encoding="utf-8")
    return root


def _as_data(result: intake.Intake) -> tuple[object, ...]:
    return (
        [(s.file, s.sheet, s.unit, s.year, s.observations) for s in result.submissions],
        result.files,
        [p.to_dict("en") for p in result.problems],
    )


def test_parallel_read_equals_one_process(folder: Path, plan: Plan, tmp_path: Path) -> None:
    """jobs=2 reads the same submissions, files and problems, in the same order, as jobs=1."""
    paths = [folder, tmp_path / "missing"]
    one = read_paths(paths, plan, jobs=1)
    two = read_paths(paths, plan, jobs=2)
    assert _as_data(two) == _as_data(one)
    assert len(one.files) == 42


def test_parallel_score_equals_one_process(folder: Path) -> None:
    """The district result and its JSON do not depend on the number of processes."""
    assert kh_treem.score([folder], jobs=2).to_dict() == kh_treem.score([folder]).to_dict()


def test_progress_is_told_every_file(folder: Path, plan: Plan) -> None:
    """The progress callback ends at (files to read, files to read), never going backwards
    (the skipped notes.txt is not read)."""
    seen: list[tuple[int, int]] = []
    read_paths([folder], plan, jobs=2, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (41, 41)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_cli_jobs_output_is_identical(folder: Path, tmp_path: Path) -> None:
    """`check --jobs 2` prints exactly what `check --jobs 1` prints, and exits alike."""
    one = run("check", folder, "--jobs", "1", columns=200)
    two = run("check", folder, "--jobs", "2", columns=200)
    assert (two.exit_code, two.output) == (one.exit_code, one.output)
    assert one.exit_code == 1  # the broken file and the bad value


def test_no_progress_bar_when_output_is_not_a_terminal(folder: Path, tmp_path: Path) -> None:
    """Scripts get clean JSON: no progress bar is drawn when stdout is not a terminal."""
    shutil.rmtree(folder / "sub1")
    result = run("check", folder, "--format", "json")
    assert result.output.lstrip().startswith("{")
    assert "Đọc tệp" not in result.stderr


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_workers_started_either_way_read_alike(
    folder: Path, plan: Plan, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spawned workers (the only kind on Windows) read what forked ones read, and
    kh_treem.check, score and rollup give the same result with either."""
    one = read_paths([folder], plan, jobs=1)
    forked = [kh_treem.score([folder]).to_dict(), kh_treem.check([folder]).to_dict(),
              kh_treem.rollup([folder], horizons=()).to_dict()]
    monkeypatch.setattr(isolation, "start_method", lambda: method)
    assert _as_data(read_paths([folder], plan, jobs=2)) == _as_data(one)
    assert [kh_treem.score([folder], jobs=2).to_dict(), kh_treem.check([folder], jobs=2).to_dict(),
            kh_treem.rollup([folder], horizons=(), jobs=2).to_dict()] == forked

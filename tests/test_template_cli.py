"""`kh-treem template` on the command line: which forms it writes, and what it refuses."""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path

import openpyxl
import pytest

import kh_treem
from kh_treem.template import FORM_SHEET
from tests.cli import run as run_cli
from tests.forms import write_form as write_submission

run = partial(run_cli, columns=200)


def test_one_commune_default_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--unit, typed without diacritics, writes that commune's form under an ASCII name."""
    monkeypatch.chdir(tmp_path)
    result = run("template", "--unit", "XA IA TOI")
    assert result.exit_code == 0, result.output
    assert result.output == "Đã ghi biểu mẫu: Ia_Toi_2022.xlsx\n"
    sheet = openpyxl.load_workbook(tmp_path / "Ia_Toi_2022.xlsx")[FORM_SHEET]
    assert "Xã Ia Tơi" in [c.value for row in sheet.iter_rows(max_row=8) for c in row]


def test_all_communes_into_a_folder(tmp_path: Path) -> None:
    """--all writes one form per commune into the -o folder, creating it."""
    out = tmp_path / "bieu-mau"
    result = run("template", "--all", "-o", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    names = ["Ia_Dal_2022.xlsx", "Ia_Dom_2022.xlsx", "Ia_Toi_2022.xlsx"]
    assert sorted(p.name for p in out.iterdir()) == names
    assert result.output.splitlines() == [f"Form written: {out / n}" for n in names]


def test_blank_forms_read_back_as_the_three_communes(tmp_path: Path) -> None:
    """The generated forms are read as the plan's three communes and year, with no error."""
    run("template", "--all", "-o", tmp_path)
    report = kh_treem.check([tmp_path])
    assert not report.has_errors
    assert [sorted(f.record.units) for f in report.files] == [["Ia Đal"], ["Ia Dom"], ["Ia Tơi"]]
    assert [f.years for f in report.files] == [[2022]] * 3


def test_existing_form_is_never_overwritten(tmp_path: Path) -> None:
    """A file already at the destination (maybe a filled form) is refused with exit 2."""
    path = tmp_path / "Ia_Dom.xlsx"
    write_submission(path, "Ia Dom", {"live_births": 60})
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run("template", "--unit", "Ia Dom", "-o", path)
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert "--force" in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_force_overwrites(tmp_path: Path) -> None:
    """--force replaces an existing file with the blank form."""
    path = tmp_path / "form.xlsx"
    path.write_bytes(b"old")
    result = run("template", "--unit", "Ia Dom", "-o", path, "--force")
    assert result.exit_code == 0, result.output
    assert FORM_SHEET in openpyxl.load_workbook(path).sheetnames


@pytest.mark.parametrize("args", [[], ["--unit", "Ia Dom", "--all"]], ids=["neither", "both"])
def test_unit_or_all_is_required(args: list[str], tmp_path: Path) -> None:
    """Exactly one of --unit and --all: anything else is a usage error (exit 2)."""
    result = run("template", *args, "-o", tmp_path / "x.xlsx")
    assert result.exit_code == 2
    assert "--unit" in result.stderr
    assert "--all" in result.stderr


def test_unknown_commune_suggests_the_nearest(tmp_path: Path) -> None:
    """An unknown commune exits 2 and names the nearest one of the plan."""
    result = run("template", "--unit", "Ia Dorn", "-o", tmp_path / "x.xlsx")
    assert result.exit_code == 2
    assert result.stderr == "“Ia Dorn” không phải là xã nào của kế hoạch (có phải “Ia Dom”?)\n"
    assert not (tmp_path / "x.xlsx").exists()


def test_previous_year_fills_the_comparison(tmp_path: Path) -> None:
    """--previous reads last year's submissions into the form (child marriages pre-filled)."""
    last = write_submission(tmp_path / "2021" / "Ia_Dom.xlsx", "Ia Dom",
                            {"child_marriages": 7, "live_births": 58}, year=2021)
    out = tmp_path / "form.xlsx"
    result = run("template", "--unit", "Ia Dom", "-o", out, "--previous", last.parent)
    assert result.exit_code == 0, result.output
    assert "Ia Đal" in result.stderr  # last year's missing communes are told, not hidden
    sheet = openpyxl.load_workbook(out)[FORM_SHEET]
    rows = {row[3]: row for row in sheet.iter_rows(values_only=True) if row[3]}
    assert rows["child_marriages_prev"][4] == 7
    assert 58 in rows["live_births"]

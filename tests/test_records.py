"""Results as flat tables: `--format csv` for Excel, `to_frame()` for pandas."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

import pytest

import kh_treem
from kh_treem.plan import Plan
from kh_treem.records import TARGET_COLUMNS, UNIT_COLUMNS
from tests.cli import run
from tests.expected_2022 import EXPECTED

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def _csv_rows(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of CSV bytes, which must start with UTF-8's byte-order mark."""
    assert data.startswith(b"\xef\xbb\xbf")  # the mark by which Excel knows UTF-8
    reader = csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _blank_or(value: object) -> str:
    return "" if value is None else str(value)


def test_score_csv_is_one_row_a_target_with_the_hand_computed_values() -> None:
    result = run("score", EXAMPLES / "2022", "--format", "csv", "--no-workbook")
    assert result.exit_code == 0, result.output
    header, rows = _csv_rows(result.stdout_bytes)
    assert header == list(TARGET_COLUMNS)
    assert len(rows) == 33
    got = [(r["id"], r["numerator"], r["denominator"], r["value"], r["status"]) for r in rows]
    assert got == [(i, str(n), _blank_or(d), _blank_or(v), s) for i, n, d, v, s in EXPECTED]
    first = rows[2]  # 3a: neonatal deaths per 1,000 live births, below 9.8
    assert (first["year"], first["goal"], first["unit"], first["direction"],
            first["target"]) == ("2022", "1", "‰", "below", "9.8")
    assert first["name"] == "Tỷ suất tử vong trẻ sơ sinh"
    # The problems, which have no column, go to stderr (the Huong dan sheet's notice).
    assert "Huong dan" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_workbook_written_beside_data_is_said_on_stderr(fmt: str, tmp_path: Path) -> None:
    """stdout holds only the data; the sentence about the workbook goes to stderr."""
    book = tmp_path / "tong-hop.xlsx"
    result = run("score", EXAMPLES / "2022", "-f", fmt, "-o", book)
    assert result.exit_code == 0
    assert f"Đã ghi bảng tổng hợp: {book}" in result.stderr.splitlines()
    assert str(book) not in result.stdout
    assert book.is_file()


def test_score_csv_names_in_english_with_lang_en() -> None:
    result = run("score", EXAMPLES / "2022", "-f", "csv", "--no-workbook", "--lang", "en")
    _, rows = _csv_rows(result.stdout_bytes)
    assert rows[2]["name"] == "Neonatal mortality rate"


def test_score_csv_by_unit_is_one_row_a_commune_and_target() -> None:
    result = run("score", EXAMPLES / "2022", "-f", "csv", "--by-unit", "--no-workbook")
    assert result.exit_code == 0, result.output
    header, rows = _csv_rows(result.stdout_bytes)
    assert header == list(UNIT_COLUMNS)
    # 31 targets a commune: 1 and 21 count communes and are the district's alone.
    assert [(c, sum(r["commune"] == c for r in rows)) for c in dict.fromkeys(
        r["commune"] for r in rows)] == [("Ia Đal", 31), ("Ia Dom", 31), ("Ia Tơi", 31)]
    assert not {"1", "21"} & {r["id"] for r in rows}
    dal_3a = next(r for r in rows if r["commune"] == "Ia Đal" and r["id"] == "3a")
    assert (dal_3a["numerator"], dal_3a["denominator"], dal_3a["value"],
            dal_3a["status"]) == ("1", "54", "18.5185", "not_met")


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_by_unit_without_csv_is_a_usage_error(fmt: str) -> None:
    result = run("score", EXAMPLES / "2022", "-f", fmt, "--by-unit", "--no-workbook")
    assert result.exit_code == 2
    assert result.stderr == "--by-unit chỉ dùng với --format csv.\n"


def test_rollup_csv_is_one_row_a_year_and_target() -> None:
    result = run("rollup", EXAMPLES, "-f", "csv", "--no-horizon")
    assert result.exit_code == 0, result.output
    header, rows = _csv_rows(result.stdout_bytes)
    assert header == list(TARGET_COLUMNS)
    assert len(rows) == 99
    assert [sum(r["year"] == y for r in rows) for y in ("2021", "2022", "2023")] == [33] * 3
    # Only 2022 has a plan: the other years have values, and neither target nor status.
    by_key = {(r["year"], r["id"]): r for r in rows}
    assert (by_key["2022", "3a"]["target"], by_key["2022", "3a"]["status"]) == ("9.8",
                                                                                "not_met")
    assert (by_key["2021", "3a"]["target"], by_key["2021", "3a"]["status"]) == ("", "")
    assert by_key["2022", "3a"]["value"] == "12.5"


def test_check_csv_is_one_row_a_file() -> None:
    result = run("check", EXAMPLES / "2022", "-f", "csv")
    _, rows = _csv_rows(result.stdout_bytes)
    assert [(Path(r["path"]).name, r["status"], r["units"], r["years"]) for r in rows] == [
        ("Ia_Dal.xlsx", "used", "Ia Đal", "2022"), ("Ia_Dom.xlsx", "used", "Ia Dom", "2022"),
        ("Ia_Toi.xlsx", "used", "Ia Tơi", "2022"), ("README.md", "skipped", "", "")]


def test_a_blank_is_an_empty_cell_never_0(tmp_path: Path, plan: Plan) -> None:
    """A target no commune reported: no numerator, no value, status no_data."""
    form = tmp_path / "Ia_Dal.csv"
    form.write_text("Mã,Số liệu\nlive_births,54\n", encoding="utf-8")
    result = run("score", form, "-f", "csv", "--no-workbook")
    _, rows = _csv_rows(result.stdout_bytes)
    no_data = next(r for r in rows if r["id"] == "2")
    assert (no_data["numerator"], no_data["denominator"], no_data["value"],
            no_data["status"]) == ("", "", "", "no_data")


def test_score_to_frame_is_the_csv_in_pandas() -> None:
    frame = kh_treem.score([EXAMPLES / "2022"]).to_frame()
    assert list(frame.columns) == list(TARGET_COLUMNS)
    assert len(frame) == 33
    assert frame.set_index("id").loc["3a", "value"] == 12.5
    assert frame["status"].value_counts()["met"] == 20
    # A blank stays missing (<NA>), and the counts stay whole numbers.
    assert frame.set_index("id")["value"].isna().loc["12"]
    assert str(frame["numerator"].dtype) == "Int64"


def test_score_to_frame_by_unit() -> None:
    frame = kh_treem.score([EXAMPLES / "2022"]).to_frame(by_unit=True)
    assert list(frame.columns) == list(UNIT_COLUMNS)
    assert len(frame) == 3 * 31


def test_rollup_to_frame_is_a_year_and_target_a_row() -> None:
    frame = kh_treem.rollup([EXAMPLES], horizons=()).to_frame(lang="en")
    assert len(frame) == 99
    pivot = frame.pivot(index="id", columns="year", values="value")
    assert list(pivot.columns) == [2021, 2022, 2023]
    assert pivot.loc["3a", 2022] == 12.5


def test_to_frame_without_pandas_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    result = kh_treem.score([EXAMPLES / "2022"])
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r"pip install 'kh-treem\[pandas\]'"):
        result.to_frame()


def test_text_excel_would_take_for_a_formula_is_written_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file named like a formula (run from its folder, the path is the bare name): the
    cell starts with an apostrophe, as Excel marks text; counts stay numbers."""
    monkeypatch.chdir(tmp_path)
    for name in ("=HYPERLINK(x).txt", "+1.txt", "@SUM.txt", "-2.txt"):
        Path(name).write_text("x", encoding="utf-8")
    _, rows = _csv_rows(run("check", ".", "-f", "csv").stdout_bytes)
    assert sorted(r["path"] for r in rows) == ["'+1.txt", "'-2.txt", "'=HYPERLINK(x).txt",
                                               "'@SUM.txt"]
    assert {r["values"] for r in rows} == {"0"}


@pytest.mark.parametrize("args", [["score", "--no-workbook"],
                                  ["score", "--no-workbook", "--by-unit"],
                                  ["check"]], ids=["score", "by-unit", "check"])
def test_a_csv_kh_treem_wrote_into_the_folder_is_skipped_as_its_own(
    args: list[str], tmp_path: Path
) -> None:
    """`kh-treem score FOLDER -f csv > FOLDER/ket-qua.csv`, run again: not a submission."""
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES / "2022", folder)
    command, *options = args
    written = run(command, folder, "-f", "csv", *options)
    (folder / "ket-qua.csv").write_bytes(written.stdout_bytes)
    again = run("check", folder, "-f", "json")
    assert again.exit_code == 0, again.output
    own = [f for f in json.loads(again.stdout)["files"] if f["path"].endswith("ket-qua.csv")]
    assert [(f["status"], f["reason"]) for f in own] == [("skipped", "skipped-own-summary")]


def test_a_check_csv_of_the_version_before_to_check_is_skipped_as_its_own(
    tmp_path: Path
) -> None:
    """check's CSV had no to_check column before issue 19: such a file, left in a shared
    folder by a nightly check, is still kh-treem's own output."""
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES / "2022", folder)
    older = "path,status,units,years,values,errors,warnings,sha256,reason,reader,change\r\n"
    (folder / "kiem-tra.csv").write_text(
        "\ufeff" + older + "Ia_Dal.xlsx,used,Ia Đal,2022,51,0,0,,,,\r\n", encoding="utf-8")
    own = [f for f in json.loads(run("check", folder, "-f", "json").stdout)["files"]
           if f["path"].endswith("kiem-tra.csv")]
    assert [(f["status"], f["reason"]) for f in own] == [("skipped", "skipped-own-summary")]

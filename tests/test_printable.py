"""What came in is shown, never obeyed: control characters and undecodable file names.

An ANSI escape in a cell could erase the officer's screen, a newline in a file name could
forge a line of the report, and a file name that is not UTF-8 could not be written into
the workbook or the JSON at all.
"""

from __future__ import annotations

import json
import os
import shutil
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from kh_treem.formatting import printable
from tests.cli import run
from tests.forms import write_form

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "2022"


@pytest.mark.parametrize(("text", "shown"), [
    ("Ia Đal", "Ia Đal"),
    ("a\x1b[2Jb", "a\\x1b[2Jb"),
    ("x\ny\rz\tw", "x\\ny\\rz\\tw"),
    ("\x00\x7f\x85\x9f", "\\x00\\x7f\\x85\\x9f"),
    ("a\ufffeb\uffff", "a\\ufffeb\\uffff"),  # noncharacters no XML may hold
    ("a\u2028b\u2029", "a\\u2028b\\u2029"),
    ("\u202eabc\u2066", "\\u202eabc\\u2066"),
    (os.fsdecode(b"bad\xffname"), "bad\\xffname"),
    ("\ud800", "\\ud800"),
    ("emoji 😀 and 中文", "emoji 😀 and 中文"),
], ids=["vietnamese", "ansi", "line-breaks", "c0-del-c1", "noncharacters", "separators", "bidi",
        "undecodable-byte", "lone-surrogate", "other-scripts"])
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


@pytest.fixture
def weird(tmp_path: Path) -> Path:
    """The examples, one of them named with an escape, one with a newline and a forged
    line, one with a byte that is not UTF-8."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLES / "Ia_Dal.xlsx", folder / "esc\x1b[2J.xlsx")
    shutil.copy(EXAMPLES / "Ia_Toi.xlsx", folder / "line\nLỗi: forged.xlsx")
    shutil.copy(EXAMPLES / "Ia_Dom.xlsx", folder / os.fsdecode(b"bad\xffname.xlsx"))
    return folder


def test_names_reach_the_table_escaped(weird: Path) -> None:
    result = run("check", weird)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "\nLỗi: forged" not in result.output
    assert "esc\\x1b[2J.xlsx" in result.output
    assert "line\\nLỗi: forged.xlsx" in result.output
    assert "bad\\xffname.xlsx" in result.output


def test_json_is_utf8_and_gives_the_names_back(weird: Path) -> None:
    result = run("score", weird, "--format", "json", "--no-workbook")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout_bytes.decode("utf-8"))  # strict: every byte is UTF-8
    assert sorted(Path(f["path"]).name for f in doc["files"]) == sorted(
        p.name for p in weird.iterdir())


def test_the_workbook_is_written_with_the_names_escaped(weird: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    result = run("score", weird, "-o", out)
    assert result.exit_code == 0, result.output
    files = openpyxl.load_workbook(out)["Tệp đã đọc"]
    names = sorted(Path(str(row[0])).name for row in files.iter_rows(min_row=2,
                                                                       values_only=True))
    assert names == ["bad\\xffname.xlsx", "esc\\x1b[2J.xlsx", "line\\nLỗi: forged.xlsx"]


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_a_file_named_in_either_unicode_form_is_read_and_shown_as_named(
    tmp_path: Path, form: str
) -> None:
    """A Mac writes file names decomposed (NFD), Windows composed (NFC): the commune is found
    from the name either way, and the name is shown as it is on the disk."""
    name = unicodedata.normalize(form, "Ia_Tơi_2022.xlsx")
    path = write_form(tmp_path / name, None, {"live_births": 5})
    result = run("check", tmp_path, "--format", "json")
    assert result.exit_code == 0, result.output
    [record] = json.loads(result.stdout)["files"]
    assert (record["path"], record["units"]) == (str(path), ["Ia Tơi"])

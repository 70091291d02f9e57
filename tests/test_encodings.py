"""Output never fails on an encoding: redirected, it is UTF-8 whatever the code page.

On Windows a redirected stdout is in the ANSI code page (cp1258 on Vietnamese Windows, cp1252
elsewhere); PYTHONIOENCODING reproduces it here. Every command, in both languages, must
exit as it would otherwise and write UTF-8 to stdout and stderr.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "2022"


@pytest.mark.parametrize("encoding", ["cp1258", "cp1252"])
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("args", "code"), [
    (["check", str(EXAMPLES)], 0),
    (["score", str(EXAMPLES), "--no-workbook"], 0),
    (["rollup", str(REPO / "examples"), "--no-horizon"], 0),
    (["score", str(EXAMPLES), "--no-workbook", "--format", "json"], 0),
    (["score", str(EXAMPLES), "--no-workbook", "--format", "csv"], 0),
    (["rollup", str(REPO / "examples"), "--no-horizon", "--format", "csv"], 0),
    (["score", "{tmp}/missing", "--no-workbook"], 1),
    (["template", "--unit", "Ia Tơi", "-o", "{tmp}/form.xlsx"], 0),
    (["template", "--unit", "Ia Grai"], 2),
], ids=["check", "score", "rollup", "score-json", "score-csv", "rollup-csv", "missing-path",
        "template", "unknown-commune"])
def test_every_command_writes_utf8_whatever_the_code_page(
    args: list[str], code: int, lang: str, encoding: str, tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    done = subprocess.run(
        [sys.executable, "-c", "from kh_treem.cli import main; main()",
         *(a.format(tmp=tmp_path) for a in args), "--lang", lang],
        capture_output=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == code, done.stderr.decode("utf-8", "replace")
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")  # strict
    assert "\\u" not in out + err  # no letter written as an escape
    if lang == "vi":  # Vietnamese letters, which cp1258 and cp1252 lack precomposed
        assert any(ch in "đĐ" or "\u1ea0" <= ch <= "\u1ef9" for ch in out + err)


@pytest.mark.parametrize("encoding", ["cp1258", "cp1252"])
def test_json_and_csv_read_back_with_the_communes_names(encoding: str, tmp_path: Path) -> None:
    """`kh-treem score ... --format json > out.json` in a scheduled task on Windows."""
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    outputs = {}
    for fmt in ("json", "csv"):
        done = subprocess.run(
            [sys.executable, "-m", "kh_treem", "score", str(EXAMPLES), "--no-workbook",
             "--format", fmt, *(["--by-unit"] if fmt == "csv" else [])],
            capture_output=True, env=env, cwd=tmp_path, timeout=120)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        outputs[fmt] = done.stdout
    assert json.loads(outputs["json"].decode("utf-8"))["units_expected"][0] == "Ia Đal"
    rows = csv.DictReader(io.StringIO(outputs["csv"].decode("utf-8-sig"), newline=""))
    assert next(rows)["commune"] == "Ia Đal"


def test_python_m_kh_treem_is_the_command(tmp_path: Path) -> None:
    """`py -m kh_treem` (Windows, where Scripts may not be on the PATH) runs kh-treem."""
    done = subprocess.run([sys.executable, "-m", "kh_treem", "score", str(EXAMPLES),
                           "--no-workbook"], capture_output=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8").endswith("20/33 đạt\n")

"""No false refusal on real workbooks nobody here wrote: python-calamine's own test files
(135 of them, by Excel, LibreOffice, Gnumeric, WPS and others, some hostile on purpose).

The folder is not in the repository: it is looked for at $KH_TREEM_CORPUS, else beside
the checkout at ../shared/corpus/calamine, and the test is skipped, saying so, where it
is not. (A few of its files are in tests/data/corpus and are tested on every run.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli import run

CORPUS = Path(os.environ.get("KH_TREEM_CORPUS")
              or Path(__file__).resolve().parents[2] / "shared" / "corpus" / "calamine")
# What a file python-calamine reads must never get: a limit, or being called damaged.
REFUSALS = frozenset({"too-large", "zip-bomb", "too-many-members", "xml-entities",
                      "too-many-rows", "too-many-cells", "too-many-sheets", "read-unsafe",
                      "file-unreadable", "formulas-unchecked", "sheet-unreadable"})
# python-calamine, alone, in a process of its own with 2 GB and 30 s: does it read the file?
_CALAMINE_READS = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
import python_calamine
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
for sheet in book.sheets_metadata:
    if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet:
        book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
"""


def calamine_reads(path: Path) -> bool:
    try:
        run = subprocess.run([sys.executable, "-c", _CALAMINE_READS, str(path)],
                             capture_output=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        return False
    return run.returncode == 0


@pytest.fixture(scope="module")
def checked() -> dict[str, dict[str, Any]]:
    """`check --format json` of the corpus: name -> the file's record, with "problems",
    the types of the problems that name it."""
    if not CORPUS.is_dir():
        pytest.skip(f"the corpus of real workbooks is not at {CORPUS} (set KH_TREEM_CORPUS)")
    result = run("check", CORPUS, "--format", "json")
    assert result.exit_code in (0, 1), result.output  # never 3, an internal error
    doc = json.loads(result.stdout)
    records = {Path(str(f["path"])).name: {**f, "problems": set()} for f in doc["files"]}
    for problem in doc["problems"]:
        if problem["file"]:
            records[Path(problem["file"]).name]["problems"].add(problem["type"])
    return records


def test_every_file_of_the_corpus_is_listed(checked: dict[str, dict[str, Any]]) -> None:
    assert sorted(checked) == sorted(p.name for p in CORPUS.iterdir() if p.is_file())


def test_no_file_python_calamine_reads_is_refused(
    checked: dict[str, dict[str, Any]]
) -> None:
    """Every workbook python-calamine reads on its own is read: at most "no form" (none of
    them is a commune form), never a limit, never "damaged"."""
    read_by_calamine = [name for name, record in checked.items()
                        if record["status"] != "skipped" and calamine_reads(CORPUS / name)]
    assert len(read_by_calamine) > 100
    refused = {name: (checked[name]["reason"], checked[name]["problems"] & _refusals(name))
               for name in read_by_calamine if checked[name]["reason"] in REFUSALS
               or checked[name]["problems"] & _refusals(name)}
    assert refused == {}


def _refusals(name: str) -> frozenset[str]:
    """What a file python-calamine reads must never get: an .xlsb is said to have its
    formulas unchecked (the scan cannot read .xlsb), and that is all it may get."""
    return REFUSALS - {"formulas-unchecked"} if name.lower().endswith(".xlsb") else REFUSALS


def test_a_real_workbook_given_as_a_plan_is_read_and_said_to_be_no_plan(
    checked: dict[str, dict[str, Any]]
) -> None:
    """The plan's reading goes through the same guards: a workbook `check` read (not one
    with a password, which both refuse) is read as a plan too, and said in one sentence to
    be no plan, never refused as unreadable."""
    from kh_treem.plan import WORKBOOK_SUFFIXES, PlanError, check_plan

    read = [name for name, record in checked.items()
            if record["status"] != "skipped" and record["reason"] not in REFUSALS
            and record["reason"] != "encrypted"
            and Path(name).suffix.lower() in WORKBOOK_SUFFIXES]
    assert len(read) > 80
    said = {}
    for name in read:
        with pytest.raises(PlanError) as refused:
            check_plan(CORPUS / name)
        said[name] = [p.type for p in refused.value.problems]
    assert {name: types for name, types in said.items() if types != ["plan-no-sheets"]} == {}

"""The bundled examples of three years roll up to the figures computed by hand in their README."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

import kh_treem
from kh_treem.multiyear import RollupResult

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# examples/2023/README.md, "Trend 2021-2023": id -> values 2021..2023, change, 2025, 2030 bands
EXPECTED = {
    "3a": ([Fraction(25), Fraction(25, 2), Fraction(25, 2)], "unchanged",
           ("on_track", 1.3632), ("on_track", 2.7294)),
    "4b": ([Fraction(478 * 100, 1360), Fraction(65, 2), Fraction(422 * 100, 1360)], "better",
           ("limited_progress", 0.3638), ("needs_acceleration", 0.6691)),
    "5a": ([Fraction(14700, 156), Fraction(15200, 156), Fraction(15400, 156)], "better",
           ("achieved", None), ("achieved", None)),
    "11b": ([Fraction(0), Fraction(20), Fraction(40)], "worse",
            ("deterioration", None), ("deterioration", None)),
    "14": ([Fraction(135300, 1390), Fraction(137300, 1390), Fraction(137900, 1390)], "better",
           ("achieved", None), ("on_track", 3.1852)),
    "13": ([Fraction(20), Fraction(25), Fraction(200, 9)], "worse",
           ("achieved", None), ("achieved", None)),
}


@pytest.fixture(scope="module")
def result() -> RollupResult:
    return kh_treem.rollup([EXAMPLES], horizons=[2025, 2030])


@pytest.mark.parametrize("target_id", list(EXPECTED))
def test_examples_trend_matches_the_readme(result: RollupResult, target_id: str) -> None:
    """Values, change and bands of the examples equal the README's hand computation."""
    values, change, band_2025, band_2030 = EXPECTED[target_id]
    trend = next(t for t in result.trends if t.target.id == target_id)
    assert [trend.by_year[y].value for y in (2021, 2022, 2023)] == values
    assert trend.change == change
    got = [(p.band, None if p.ratio is None else round(p.ratio, 4)) for p in trend.projections]
    assert got == [band_2025, band_2030]


def test_examples_years_and_statuses(result: RollupResult) -> None:
    """2021 and 2023 have no plan (no status); 2022 is scored against the bundled plan."""
    assert result.years == [2021, 2022, 2023]
    assert list(result.plans) == [2022]
    stunting = next(t for t in result.trends if t.target.id == "4b")
    assert [stunting.by_year[y].status for y in result.years] == [None, "met", None]


def test_examples_warn_about_ia_dal_marriages(result: RollupResult) -> None:
    """Ia Đal's 2022 form says 4 marriages the year before; 2021 says 5: one warning, 5 used."""
    warnings = [p for p in result.problems if p.type == "prev-disagrees"]
    assert [p.params for p in warnings] == [{"unit": "Ia Đal", "year": 2022, "own": 4, "last": 5}]
    assert not [p for p in result.problems if p.severity == "error"]


def test_cron_script_writes_trend_and_json(tmp_path: Path) -> None:
    """examples/yearly_rollup.py writes the trend workbook and JSON, and exits 0 on clean input."""
    sys.path.insert(0, str(EXAMPLES))
    try:
        import yearly_rollup
    finally:
        sys.path.remove(str(EXAMPLES))
    source = tmp_path / "shared"
    shutil.copytree(EXAMPLES, source, ignore=shutil.ignore_patterns("*.py", "*.md"))
    assert yearly_rollup.main(source, tmp_path / "reports") == 0
    data = json.loads((tmp_path / "reports" / "xu-huong.json").read_text(encoding="utf-8"))
    assert data["years"] == [2021, 2022, 2023]
    book = openpyxl.load_workbook(tmp_path / "reports" / "xu-huong.xlsx")
    assert book.sheetnames[:4] == ["Mục tiêu 1", "Mục tiêu 2", "Mục tiêu 3", "Mục tiêu 4"]
    with open(tmp_path / "reports" / "xu-huong-theo-nam.csv", encoding="utf-8-sig") as table:
        rows = list(csv.reader(table))
    assert rows[0] == ["id", "name", "2021", "2022", "2023"]
    assert len(rows) == 1 + 33
    assert rows[3][:2] == ["3a", "Tỷ suất tử vong trẻ sơ sinh"]
    assert float(rows[3][3]) == 12.5  # 3a in 2022: 2 neonatal deaths per 160 live births

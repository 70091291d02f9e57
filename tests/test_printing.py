"""The summary and trend workbooks as LibreOffice prints them: the pages an officer files.

Each test converts a workbook of the examples to PDF with LibreOffice (skipped where it is
not installed, as in CI) and reads the pages back; with poppler's pdftotext, their text too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

import kh_treem
from kh_treem.trend_workbook import write_trend
from kh_treem.workbook import write_summary
from tests.printing import needs_libreoffice, page_count, to_pdf

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
A4_LANDSCAPE = (842, 595)  # points, as PDF media boxes give them (rounded)


def page_texts(pdf: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          check=True, timeout=120).stdout.decode("utf-8")
    return text.split("\f")


def media_boxes(pdf: Path) -> set[tuple[int, int]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    return {(round(float(w)), round(float(h))) for w, h in boxes}


@needs_libreoffice
def test_the_summary_prints_as_a_document_on_a4_landscape(tmp_path: Path) -> None:
    out = tmp_path / "tong-hop.xlsx"
    write_summary(kh_treem.score([EXAMPLES / "2022"]), out, "vi", today=date(2027, 1, 15))
    pdf = to_pdf(out, tmp_path)
    assert pdf is not None
    assert media_boxes(pdf) == {A4_LANDSCAPE}
    assert page_count(pdf) >= 2
    pages = page_texts(pdf)
    first = pages[0]
    for text in ("UBND HUYỆN IA H’DRAI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Ia H’Drai, ngày ...... tháng 1 năm 2027",
                 "BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "Mục tiêu 1. Về phát triển"):
        assert text in first, text
    # The district sheet ends, on its second page, with the count and the signatures.
    district_end = next(p for p in pages if "Tổng số: 20/33 chỉ tiêu đạt" in p)
    assert "NGƯỜI LẬP BIỂU" in district_end
    assert "TRƯỞNG PHÒNG" in district_end


@needs_libreoffice
def test_the_trend_workbook_prints_its_charts_on_a4_landscape(tmp_path: Path) -> None:
    out = tmp_path / "xu-huong.xlsx"
    write_trend(kh_treem.rollup([EXAMPLES]), out, "vi")
    pdf = to_pdf(out, tmp_path)
    assert pdf is not None
    assert media_boxes(pdf) == {A4_LANDSCAPE}
    texts = "\n".join(page_texts(pdf))
    assert "Mục tiêu quốc gia 2030" in texts  # a chart's legend
    assert "3a. Tỷ suất tử vong trẻ sơ sinh" in texts  # a chart's title

"""Words the officer reads that are built, not only looked up."""

from __future__ import annotations

from datetime import date

import pytest

from kh_treem.i18n import place_date


@pytest.mark.parametrize(("lang", "expected"), [
    ("vi", "Ia H’Drai, ngày ...... tháng 3 năm 2027"),
    ("en", "Ia H'Drai, ...... March 2027"),
])
def test_place_and_date_line_leaves_the_day_to_the_signer(lang: str, expected: str) -> None:
    place = "Ia H’Drai" if lang == "vi" else "Ia H'Drai"
    assert place_date(place, date(2027, 3, 9), lang) == expected

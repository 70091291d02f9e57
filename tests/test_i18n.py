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


def test_every_problem_type_has_a_few_words_for_the_workbooks() -> None:
    """The "Loại" column shows words, not codes: every type has them, in both languages,
    short enough for the column."""
    from kh_treem.problems import KINDS, TEMPLATES, kind_label

    assert set(KINDS) == set(TEMPLATES)
    for kind, (vi, en) in KINDS.items():
        assert max(len(vi), len(en)) <= 30, kind
        assert " " in vi or kind in ("negative",), kind  # words, not the type's code
    assert kind_label("skipped-type", "vi") == "Không phải bảng tính"
    assert kind_label("skipped-type", "en") == "Not a spreadsheet"

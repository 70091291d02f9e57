"""Figures worth a second look (kh_treem.unusual): against last year, against the communes.

Each rule at its thresholds (just under, at, just over), on figures built here; then the
examples, which are plausible and give no warning, and a copy of them with one figure made
ten times larger, which gives exactly one warning naming that cell in rollup, score
--previous and check --previous; then 1,000 generated communes.
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kh_treem
from kh_treem.layouts import Observation, Submission
from kh_treem.plan import Plan, Quality
from kh_treem.unusual import _median, against_communes, against_last_year
from kh_treem.validation import Assembled, assemble
from tests.cli import run
from tests.forms import PLAN
from tests.test_check import with_value

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
UNUSUAL = {"figure-unlike-last-year", "figure-not-given-again", "rate-unlike-communes"}


def read(figures: dict[str, dict[str, int]], where: Observation | None = None,
         sent: Submission | None = None) -> Assembled:
    """``figures`` as assembled from forms, each read at ``where`` (if given), Ia Dom's from
    the submission ``sent`` (if given)."""
    places = {} if where is None else {unit: lambda code: where for unit in figures}
    return Assembled(figures, places=places, sent={"Ia Dom": [sent]} if sent else {})


def form(refused: tuple[str, ...] = (), blanks: tuple[tuple[str, str], ...] = ()) -> Submission:
    """Ia Dom's form with 1,700 children in E8, values refused and cells left blank."""
    return Submission("Ia_Dom.xlsx", "Biểu số liệu", "Ia Dom", 2022, "C4", ("children_total",),
                      (1700,), ("E8",), refused, blanks)


def with_quality(**quality: float | int | None) -> Plan:
    return PLAN.model_copy(update={"quality": Quality(**quality)})  # type: ignore[arg-type]


def last_year_types(now: int, last: int, plan: Plan = PLAN) -> list[str]:
    found = against_last_year(plan, read({"Ia Dom": {"live_births": now}}),
                              {"Ia Dom": {"live_births": last}}, 2022, 2021)
    return [p.type for p in found]


@pytest.mark.parametrize(("now", "last", "flagged"), [
    (30, 10, False),  # three times: at the ratio
    (31, 10, True),  # just over
    (10, 30, False),  # a third
    (10, 31, True),
    (27, 9, False),  # 27 is at least 10, and exactly three times 9
    (10, 3, True),  # 10 is at least 10: over three times 3
    (9, 3, False),  # neither is at least 10: small counts move a lot
    (9, 0, False),
    (10, 0, True),  # from none to ten
    (0, 10, True),
])
def test_a_count_against_last_year(now: int, last: int, flagged: bool) -> None:
    assert last_year_types(now, last) == (["figure-unlike-last-year"] if flagged else [])


def test_the_plan_sets_the_ratio_and_the_least_count() -> None:
    looser = with_quality(year_ratio=5, min_count=20)
    assert last_year_types(31, 10, looser) == []  # 31 is at least 20, but not 5 times 10
    assert last_year_types(101, 20, looser) == ["figure-unlike-last-year"]
    assert last_year_types(101, 20, with_quality(year_ratio=None)) == []  # turned off


def test_a_figure_given_last_year_and_blank_now_is_a_notice_naming_its_cell() -> None:
    now = read({"Ia Dom": {"children_total": 1700}}, sent=form(blanks=(("live_births", "E13"),)))
    found = against_last_year(PLAN, now, {"Ia Dom": {"children_total": 1690, "live_births": 60}},
                              2022, 2021)
    assert [(p.type, p.severity, p.code, p.file, p.sheet, p.cell) for p in found] == [
        ("figure-not-given-again", "notice", "live_births", "Ia_Dom.xlsx", "Biểu số liệu",
         "E13")]
    assert found[0].message("vi") == (
        "Ia Dom: “Số trẻ đẻ sống trong năm” năm 2021 là 60, năm 2022 để trống")


def test_a_figure_with_no_place_in_the_form_is_a_notice_naming_the_form() -> None:
    """A table without the column: no cell to name, but the commune's form."""
    now = read({"Ia Dom": {"children_total": 1700}}, sent=form())
    [notice] = against_last_year(PLAN, now, {"Ia Dom": {"live_births": 60}}, 2022, 2021)
    assert (notice.file, notice.sheet, notice.cell) == ("Ia_Dom.xlsx", "Biểu số liệu", None)


def test_a_figure_given_but_refused_is_not_said_to_be_blank() -> None:
    """A value refused as read, in conflict, or breaking a rule has its error; it was not
    left blank."""
    now = read({"Ia Dom": {"children_total": 1700}}, sent=form(refused=("live_births",)))
    assert now.left_out("Ia Dom", "live_births")
    assert against_last_year(PLAN, now, {"Ia Dom": {"live_births": 60}}, 2022, 2021) == []


def test_a_figure_left_out_for_a_broken_rule_is_known_to_assemble() -> None:
    sub = Submission("Ia_Dom.xlsx", "Biểu", "Ia Dom", 2022, None,
                     ("u5_stunted", "u5_weighed", "children_total"), (120, 100, 1700),
                     ("E1", "E2", "E3"))
    assembled = assemble([sub], PLAN)
    assert assembled.figures["Ia Dom"] == {"children_total": 1700}
    assert [assembled.left_out("Ia Dom", c) for c in ("u5_stunted", "children_total",
                                                      "live_births")] == [True, False, False]


def test_a_commune_merged_this_year_is_compared_with_the_old_ones_added_up() -> None:
    plan = PLAN.model_copy(update={"units": ["Ia Đal", "Ia Tơi mới"],
                                   "merged": {"Ia Tơi mới": ["Ia Dom", "Ia Tơi"]}})
    last = {"Ia Dom": {"live_births": 60, "births_at_facility": 50},
            "Ia Tơi": {"live_births": 46}}
    found = against_last_year(plan, read({"Ia Tơi mới": {"live_births": 1060}}), last,
                              2022, 2021)
    assert [(p.params["unit"], p.params["then"]) for p in found
            if p.type == "figure-unlike-last-year"] == [("Ia Tơi mới", 106)]
    assert [p.code for p in found if p.type == "figure-not-given-again"] == []  # Ia Tơi: none


def test_the_warning_names_the_cell_and_both_years() -> None:
    place = Observation("live_births", 600, "Ia_Dom.xlsx", "Biểu số liệu", "E14")
    found = against_last_year(PLAN, read({"Ia Dom": {"live_births": 600}}, place),
                              {"Ia Dom": {"live_births": 60}}, 2022, 2021)
    [warning] = found
    assert (warning.file, warning.sheet, warning.cell, warning.code) == (
        "Ia_Dom.xlsx", "Biểu số liệu", "E14", "live_births")
    assert warning.message("vi") == (
        "Ia Dom: “Số trẻ đẻ sống trong năm” năm 2022 là 600, năm 2021 là 60: tăng hơn 3 lần"
        " (gõ thừa chữ số?); kiểm tra lại số liệu")


@pytest.mark.parametrize(("now", "last", "vi", "en"), [
    (18500, 1850, "năm 2022 là 18.500, năm 2021 là 1.850: tăng hơn 2,25 lần (gõ thừa chữ số?);",
     "is 18,500 in 2022 and was 1,850 in 2021: more than 2.25 times as many (a digit too"),
    (15, 0, "năm 2022 là 15, năm 2021 là 0: tăng từ 0;", "was 0 in 2021: up from 0;"),
    (15, 1, "năm 2021 là 1: tăng hơn 2,25 lần (gõ", "was 1 in 2021: more than 2.25 times"),
    (100, 1000, "năm 2021 là 1.000: giảm còn chưa đến 1/2,25 (thiếu chữ số?);",
     "was 1,000 in 2021: less than 1/2.25 of it (a digit too few?)"),
    (1, 12, "năm 2022 là 1, năm 2021 là 12: giảm còn chưa đến 1/2,25",
     "was 12 in 2021: less than 1/2.25 of it"),
    (0, 12, "năm 2022 là 0, năm 2021 là 12: giảm về 0;", "was 12 in 2021: down to 0;"),
])
def test_the_warning_says_how_the_count_moved_in_the_officers_numbers(
    now: int, last: int, vi: str, en: str
) -> None:
    [warning] = against_last_year(with_quality(year_ratio=2.25),
                                  read({"Ia Dom": {"live_births": now}}),
                                  {"Ia Dom": {"live_births": last}}, 2022, 2021)
    assert vi in warning.message("vi")
    assert en in warning.message("en")


def rates(*numerators: int, plan: Plan = PLAN) -> list[str]:
    """Target 4b (stunted over weighed, %) in one commune a numerator, each of 100 weighed:
    the communes flagged."""
    figures = {f"Xã {i}": {"u5_stunted": n, "u5_weighed": 100}
               for i, n in enumerate(numerators)}
    return [p.params["unit"] for p in against_communes(plan, read(figures))
            if p.params["target"] == "4b"]


def test_a_rate_against_the_other_communes_at_the_threshold() -> None:
    """10, 10, 20, 30, 30 %: median 20, MAD 10; 30 lies 0.6745 robust z-scores away."""
    assert rates(10, 10, 20, 30, 30, plan=with_quality(robust_z=0.6745)) == []  # at the limit
    assert rates(10, 10, 20, 30, 30, plan=with_quality(robust_z=0.6744)) == [
        "Xã 0", "Xã 1", "Xã 3", "Xã 4"]  # just over, on both sides


def test_a_tenfold_figure_among_communes_is_flagged_and_the_others_are_not() -> None:
    assert rates(10, 12, 11, 13, 120) == ["Xã 4"]
    assert rates(10, 12, 11, 13, 14) == []


def test_the_communes_check_needs_five_communes_and_a_spread() -> None:
    assert rates(10, 12, 11, 120) == []  # four communes: the last-year check alone applies
    assert rates(0, 0, 0, 0, 0, 1) == []  # most at 0: no spread to measure against
    assert rates(10, 12, 11, 13, 120, plan=with_quality(robust_z=None)) == []


def test_a_rate_of_small_counts_is_not_flagged() -> None:
    """Over 9 weighed, 4 stunted is 44 %: chance, not a typo, when neither the count nor the
    count the median would give (1) is at least min_count; 400 of 1,000 is flagged."""
    figures = {f"Xã {i}": {"u5_stunted": 10 + i, "u5_weighed": 100} for i in range(5)}
    figures["Xã nhỏ"] = {"u5_stunted": 4, "u5_weighed": 9}
    assert [p.params["unit"] for p in against_communes(PLAN, read(figures))] == []
    figures["Xã lớn"] = {"u5_stunted": 400, "u5_weighed": 1000}
    assert [p.params["unit"] for p in against_communes(PLAN, read(figures))
            if p.params["target"] == "4b"] == ["Xã lớn"]
    assert rates(19, 20, 21, 22, 23, 1) == ["Xã 5"]  # 1 of 100 where the median gives 20.5
    assert rates(19, 20, 21, 22, 23, 1, plan=with_quality(min_count=20)) == []  # 19.5 apart


def test_one_commune_far_from_communes_that_mostly_agree_is_flagged() -> None:
    """Half the rates or more equal to the median make the MAD 0; the mean distance stands
    in for it: 10 % where the others are at 100 % is seen, 98 % is not."""
    assert rates(100, 100, 100, 98, 10) == ["Xã 4"]
    assert rates(100, 100, 100, 100, 100) == []


def test_a_commune_a_few_short_of_communes_that_all_agree_is_not_flagged() -> None:
    """1,999 of 2,000 children registered where the others register all lies far in robust
    z-scores (the spread is nearly 0), but one child short is no typo: the count is 1 from
    the median's, under min_count."""
    figures = {f"Xã {i}": {"children_u5": n, "u5_birth_registered": n}
               for i, n in enumerate((512, 430, 388, 605, 470))}
    figures["Xã G"] = {"children_u5": 2000, "u5_birth_registered": 1999}
    assert against_communes(PLAN, read(figures)) == []
    figures["Xã G"]["u5_birth_registered"] = 1980  # 20 short
    assert [p.params["unit"] for p in against_communes(PLAN, read(figures))] == ["Xã G"]


def test_a_rate_is_never_shown_equal_to_the_median_it_differs_from() -> None:
    """Five communes at 1/3, one at 333,000 of a million: 33,30 % against 33,33 %, where one
    decimal would print 33,3 for both."""
    figures = {f"Xã {i}": {"u5_stunted": 60, "u5_weighed": 180} for i in range(5)}
    figures["Xã 5"] = {"u5_stunted": 333_000, "u5_weighed": 1_000_000}
    [warning] = against_communes(PLAN, read(figures))
    assert (warning.params["value"].vi, warning.params["median"].vi) == ("33,30", "33,33")


def test_english_says_per_100_000_its_way() -> None:
    figures = {f"Xã {i}": {"u5_stunted": n, "u5_weighed": 100}
               for i, n in enumerate((10, 12, 11, 13, 120))}
    [warning] = [p for p in against_communes(PLAN, read(figures)) if p.params["target"] == "4b"]
    assert "= 120%" in warning.message("en")
    per = PLAN.model_copy(update={"targets": [t.model_copy(update={"unit": "/100.000"})
                                              for t in PLAN.targets if t.id == "4b"]})
    [warning] = against_communes(per, read(figures))
    assert "= 120,000/100,000" in warning.message("en")
    assert "= 120.000/100.000" in warning.message("vi")


def test_the_rate_warning_names_both_cells_and_explains_the_distance() -> None:
    figures = {f"Xã {i}": {"u5_stunted": n, "u5_weighed": 100}
               for i, n in enumerate((10, 12, 11, 13, 120))}
    cells = {"u5_stunted": "E20", "u5_weighed": "E18"}
    places = {unit: lambda code: Observation(code, 0, "Xa_4.xlsx", "Biểu", cells[code])
              for unit in figures}
    [warning] = [p for p in against_communes(PLAN, Assembled(figures, places=places))
                 if p.params["target"] == "4b"]
    assert (warning.file, warning.cell) == ("Xa_4.xlsx", "E20")
    assert warning.message("vi") == (
        "Xã 4: chỉ tiêu 4b “Trẻ em dưới 5 tuổi suy dinh dưỡng thể chiều cao theo tuổi” ="
        " 120% (120/100, mẫu số ở ô E18), khác xa các xã khác: trung vị của 5 xã là 12%,"
        " khoảng cách tới trung vị gấp 72,8 lần mức chênh lệch thường gặp giữa các xã"
        " (ngưỡng 3,5); kiểm tra lại số liệu")


def test_a_thousand_communes_drawn_around_a_common_rate() -> None:
    """Fewer than 1 % flagged; every commune given a tenfold figure is."""
    draw = random.Random(2022)
    figures = {}
    for i in range(1000):
        weighed = draw.randint(200, 400)
        stunted = sum(draw.random() < 0.05 for _ in range(weighed))
        figures[f"Xã {i}"] = {"u5_stunted": stunted, "u5_weighed": weighed}
    flagged = [p for p in against_communes(PLAN, read(figures)) if p.params["target"] == "4b"]
    assert len(flagged) < 10
    typos = [f"Xã {i}" for i in range(0, 1000, 97)]
    for unit in typos:
        figures[unit]["u5_stunted"] *= 10
    flagged = [p.params["unit"] for p in against_communes(PLAN, read(figures))
               if p.params["target"] == "4b"]
    assert set(typos) <= set(flagged)
    assert len(flagged) < len(typos) + 10


# --- the examples ----------------------------------------------------------------------------


@pytest.fixture
def two_years(tmp_path: Path) -> tuple[Path, Path]:
    """Copies of the 2021 and 2022 examples."""
    last, now = tmp_path / "2021", tmp_path / "2022"
    shutil.copytree(EXAMPLES / "2021", last)
    shutil.copytree(EXAMPLES / "2022", now)
    return last, now


def unusual(problems: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(p["type"], Path(str(p["file"])).name, p["cell"]) for p in problems
            if p["type"] in UNUSUAL]


def test_the_examples_give_no_warning() -> None:
    rolled = kh_treem.rollup([EXAMPLES], horizons=())
    assert [p for p in rolled.problems if p.type in UNUSUAL] == []
    scored = kh_treem.score([EXAMPLES / "2022"], previous=[EXAMPLES / "2021"])
    assert [p for p in scored.problems if p.type in UNUSUAL] == []


@pytest.mark.parametrize("command", [["rollup", "{root}", "--no-horizon"],
                                     ["score", "{now}", "--previous", "{last}",
                                      "--no-workbook"],
                                     ["check", "{now}", "--previous", "{last}"]],
                         ids=["rollup", "score", "check"])
def test_one_figure_ten_times_larger_is_one_warning_naming_its_cell(
    two_years: tuple[Path, Path], command: list[str]
) -> None:
    last, now = two_years
    cell = with_value(now / "Ia_Dom.xlsx", "live_births", 600)  # 60 in the example
    args = [a.format(root=now.parent, now=now, last=last) for a in command]
    result = run(*args, "--format", "json")
    doc = json.loads(result.stdout)
    assert unusual(doc["problems"]) == [("figure-unlike-last-year", "Ia_Dom.xlsx", cell)]
    assert result.exit_code == 0  # a warning never changes a result


def test_the_summary_lists_them_with_both_values_side_by_side(
    two_years: tuple[Path, Path], tmp_path: Path
) -> None:
    import openpyxl

    last, now = two_years
    cell = with_value(now / "Ia_Dom.xlsx", "live_births", 600)
    out = tmp_path / "tong-hop.xlsx"
    result = run("score", now, "--previous", last, "-o", out)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["Cần kiểm tra lại"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == ["Xã", "Loại", "Mã", "Năm nay", "So với", "Đơn vị tính",
                       "Căn cứ so sánh", "Tệp", "Trang tính", "Ô", "Nội dung"]
    assert rows[1][:7] == ["Ia Dom", "Khác thường so với năm trước", "live_births", 600,
                           60, "trẻ", "số năm 2021"]
    assert (Path(rows[1][7]).name, rows[1][9]) == ("Ia_Dom.xlsx", cell)
    assert len(rows) == 2


def test_a_summary_with_nothing_to_check_says_so(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "tong-hop.xlsx"
    assert run("score", EXAMPLES / "2022", "-o", out).exit_code == 0
    sheet = openpyxl.load_workbook(out)["Cần kiểm tra lại"]
    assert sheet["A2"].value == (
        "Không có số liệu nào khác thường cần kiểm tra lại. Số liệu được so với năm trước khi có"
        " số liệu năm trước (rollup, hay --previous), và tỷ lệ được so giữa các xã khi có từ 5"
        " xã báo cáo.")


def test_check_counts_them_per_file_in_a_column_of_their_own(
    two_years: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_value(two_years[1] / "Ia_Dom.xlsx", "live_births", 600)
    monkeypatch.chdir(tmp_path)
    result = run("check", "2022", "--previous", "2021")
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("Tệp"))
    assert "Cần kiểm tra" in header
    dom = next(line for line in lines if line.startswith("2022/Ia_Dom.xlsx"))
    assert dom.split()[-3:] == ["1", "Đã", "dùng"]  # ... warnings, to check, outcome
    doc = json.loads(run("check", "2022", "--previous", "2021", "-f", "json").stdout)
    assert {Path(f["path"]).name: f["to_check"] for f in doc["files"]
            if f["path"].endswith(".xlsx")} == {"Ia_Dal.xlsx": 0, "Ia_Dom.xlsx": 1,
                                                "Ia_Toi.xlsx": 0}
    plain = run("check", "2021").stdout  # nothing to check: no such column
    assert "Cần kiểm tra" not in plain


@pytest.mark.parametrize("value", [".inf", ".nan"])
def test_a_threshold_that_is_no_number_is_refused_with_the_plan(
    tmp_path: Path, value: str
) -> None:
    plan = tmp_path / "ke-hoach.yaml"
    text = (Path(__file__).resolve().parent.parent / "targets" / "plan_2022.yaml").read_text(
        encoding="utf-8")
    plan.write_text(text + f"\nquality: {{year_ratio: {value}}}\n", encoding="utf-8")
    result = run("rollup", EXAMPLES, "--plan", plan, "--no-horizon")
    assert result.exit_code == 2, result.output
    assert "quality.year_ratio" in result.stderr


def test_the_median_is_exact_where_two_rates_share_a_float() -> None:
    """99999001/99999002 and 99999002/99999003 are one float: the median is still exact, the
    MAD 0, and only the commune at 50 % is flagged, none of those a float calls equal."""
    pairs = [(99999002, 99999003), (99999001, 99999002), (99999002, 99999003),
             (99999002, 99999003), (50, 100)]
    figures = {f"Xã {i}": {"u5_stunted": n, "u5_weighed": d} for i, (n, d) in enumerate(pairs)}
    flagged = [p for p in against_communes(PLAN, read(figures)) if p.params["target"] == "4b"]
    assert [p.params["unit"] for p in flagged] == ["Xã 4"]
    assert flagged[0].params["then"] == Fraction(99999002, 99999003) * 100


# Rates as communes give them, and rates a float cannot tell apart: 1 - 1/(10**12 + 1 + i).
RATES = st.tuples(st.integers(0, 100_000_000), st.integers(1, 100_000_000))
CLOSE = st.integers(0, 20).map(lambda i: (10**12 + i, 10**12 + 1 + i))


@given(st.lists(RATES | CLOSE | st.sampled_from([(0, 1), (1, 1), (1, 3), (2, 6)]),
                min_size=1, max_size=40))
def test_the_median_is_that_of_the_standard_library(pairs: list[tuple[int, int]]) -> None:
    """The median that orders the rates by their floats, and exactly only where floats
    are equal, is the exact median of the Fractions."""
    assert _median(pairs) == statistics.median(Fraction(n, d) for n, d in pairs)


def test_the_summary_is_never_written_over_last_years_submission(
    two_years: tuple[Path, Path]
) -> None:
    last, now = two_years
    before = (last / "Ia_Dal.xlsx").read_bytes()
    result = run("score", now, "--previous", last, "-o", last / "Ia_Dal.xlsx")
    assert result.exit_code == 2
    assert (last / "Ia_Dal.xlsx").read_bytes() == before


@pytest.mark.parametrize(("previous", "holds"), [
    ("ban-sao", "các tệp trong đó là số liệu năm 2022"),  # a copy of this year's
    ("notes", "không đọc được số liệu nào trong đó"),
])
def test_a_previous_folder_without_last_years_figures_is_a_warning(
    two_years: tuple[Path, Path], previous: str, holds: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = two_years[1].parent
    shutil.copytree(two_years[1], root / "ban-sao")
    (root / "notes").mkdir()
    (root / "notes" / "ghi-chu.csv").write_text("xã,năm\nIa Dom,2021\n", encoding="utf-8")
    monkeypatch.chdir(root)
    doc = json.loads(run("score", "2022", "--previous", previous, "--no-workbook",
                         "-f", "json").stdout)
    [warning] = [p for p in doc["problems"] if p["type"] == "previous-no-figures"]
    assert warning["message"] == (
        f"--previous {previous}: không có số liệu năm 2021 ({holds}); không so sánh được với"
        " năm trước")


@pytest.mark.parametrize("key", ["year_ratio", "min_count", "robust_z"])
def test_a_threshold_written_yes_or_no_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match=key):
        Quality.model_validate({key: True})


@pytest.mark.parametrize("command", ["score", "check"])
@pytest.mark.parametrize(("previous", "said"), [
    ("2020", "--previous 2020: không tìm thấy tệp hoặc thư mục này."),
    ("x" * 300, f"--previous {'x' * 300}: không tìm thấy tệp hoặc thư mục này."),
    ("2022", "--previous 2022: trùng với số liệu năm nay (2022); chọn thư mục chỉ có số liệu"
             " năm trước."),
    (".", "--previous .: trùng với số liệu năm nay (2022); chọn thư mục chỉ có số liệu"
          " năm trước."),
    ("2022/Ia_Dom.xlsx", "--previous 2022/Ia_Dom.xlsx: trùng với số liệu năm nay (2022); chọn"
                         " thư mục chỉ có số liệu năm trước."),
])
def test_a_previous_that_is_missing_or_holds_this_years_forms_is_a_usage_error(
    two_years: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, command: str,
    previous: str, said: str,
) -> None:
    monkeypatch.chdir(two_years[1].parent)
    result = run(command, "2022", "--previous", previous, "--no-workbook"
                 if command == "score" else "--quiet")
    assert result.exit_code == 2
    assert result.stderr.strip() == said


def test_a_commune_missing_from_last_years_folder_is_named(
    two_years: tuple[Path, Path]
) -> None:
    """Ia Dom's form of 2021 cannot be read: its tenfold figure of 2022 is compared with
    nothing, and a notice says so."""
    last, now = two_years
    (last / "Ia_Dom.xlsx").write_bytes(b"not a workbook")
    with_value(now / "Ia_Dom.xlsx", "live_births", 600)
    scored = kh_treem.score([now], previous=[last])
    [notice] = [p for p in scored.problems if p.type == "unit-without-last-year"]
    assert notice.message("vi") == (
        f"Ia Dom: không có số liệu năm 2021 của xã này trong --previous {last}; không so sánh"
        " được với năm trước")
    assert [p for p in scored.problems if p.type in UNUSUAL] == []


def test_a_value_refused_this_year_is_its_error_not_a_blank(
    two_years: tuple[Path, Path]
) -> None:
    last, now = two_years
    cell = with_value(now / "Ia_Dom.xlsx", "live_births", "1.850 trẻ")
    scored = kh_treem.score([now], previous=[last])
    assert [(p.type, p.cell) for p in scored.problems if p.code == "live_births"] == [
        ("not-a-number", cell)]


def test_a_rollup_with_a_year_missing_says_the_year_after_was_not_compared(
    tmp_path: Path
) -> None:
    for year in ("2021", "2023"):
        shutil.copytree(EXAMPLES / year, tmp_path / year)
    with_value(tmp_path / "2023" / "Ia_Dom.xlsx", "live_births", 600)
    rolled = kh_treem.rollup([tmp_path], horizons=())
    assert [p.message("vi") for p in rolled.problems if p.type == "year-without-previous"] == [
        "không có số liệu năm 2022: số liệu năm 2023 không được so với năm trước"]
    assert [p for p in rolled.problems if p.type in UNUSUAL] == []


def test_last_years_child_marriages_left_blank_is_no_notice_in_a_rollup(
    two_years: tuple[Path, Path]
) -> None:
    """The rollup carries them over from last year's form: nothing is missing."""
    last, now = two_years
    with_value(last / "Ia_Dom.xlsx", "child_marriages_prev", 4)
    with_value(now / "Ia_Dom.xlsx", "child_marriages_prev", None)
    rolled = kh_treem.rollup([last.parent], horizons=())
    assert [p.code for p in rolled.problems if p.type == "figure-not-given-again"] == []
    scored = kh_treem.score([now], previous=[last])  # a score does not carry them over
    assert [p.code for p in scored.problems if p.type == "figure-not-given-again"] == [
        "child_marriages_prev"]

"""`kh-treem report`: the yearly report to the People's Committee, read back with python-docx.

Every run works on copies of examples/2022 in tmp_path and writes into tmp_path.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
import yaml
from docx.document import Document
from docx.table import Table

import kh_treem
from kh_treem.i18n import DOCUMENT, place_date, status_label, word
from kh_treem.problems import Problem
from kh_treem.report import write_report
from tests.cli import run
from tests.expected_2022 import EXPECTED
from tests.forms import PLAN
from tests.printing import needs_libreoffice, page_count, to_pdf

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "2022"
EXAMPLE_FILES = ("Ia_Dal.xlsx", "Ia_Dom.xlsx", "Ia_Toi.xlsx")
DAY = date(2023, 1, 16)
HEADER_KEYS = ("id", "indicator", "value", "target", "status", "reporting")


@pytest.fixture
def examples(tmp_path: Path) -> list[Path]:
    """The three example submissions, copied into tmp_path/in."""
    folder = tmp_path / "in"
    folder.mkdir()
    return [Path(shutil.copy2(EXAMPLES / name, folder / name)) for name in EXAMPLE_FILES]


@pytest.fixture(scope="module")
def result() -> kh_treem.ScoreResult:
    return kh_treem.score([EXAMPLES])


def _report(result: kh_treem.ScoreResult, path: Path, lang: str = "vi") -> Document:
    write_report(result, path, lang, today=DAY)
    return docx.Document(str(path))


def _texts(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _cell_lines(table: Table, row: int, col: int) -> list[str]:
    return [p.text for p in table.cell(row, col).paragraphs if p.text]


def _appendix(document: Document, lang: str) -> Table:
    header = [word(k, lang) for k in HEADER_KEYS]
    found = [t for t in document.tables if [c.text for c in t.rows[0].cells] == header]
    assert len(found) == 1, [[c.text for c in t.rows[0].cells] for t in document.tables]
    return found[0]


def _leading_number(text: str, lang: str) -> tuple[float, int]:
    """The number a value cell starts with, and how many decimals it shows."""
    match = re.match(r"[\d.,]+", text)
    assert match, text
    shown = match.group()
    shown = shown.replace(".", "").replace(",", ".") if lang == "vi" else shown.replace(",", "")
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    return float(shown), decimals


def test_the_header_block_names_the_office_the_nation_and_the_place(
    result: kh_treem.ScoreResult, tmp_path: Path
) -> None:
    document = _report(result, tmp_path / "bc.docx")
    header = document.tables[0]
    assert _cell_lines(header, 0, 0) == ["UBND HUYỆN IA H’DRAI",
                                         "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"]
    assert _cell_lines(header, 1, 0) == ["Số: ....../BC-..."]
    assert _cell_lines(header, 0, 1) == [DOCUMENT["national_name"][0], DOCUMENT["motto"][0]]
    assert _cell_lines(header, 1, 1) == [place_date("Ia H’Drai", DAY, "vi")]
    assert _cell_lines(header, 1, 1) == ["Ia H’Drai, ngày ...... tháng 1 năm 2023"]
    office = header.cell(0, 0).paragraphs
    assert [r.bold for r in office[0].runs] == [None]  # the body above: plain
    assert all(r.bold for r in office[1].runs)  # the office: bold
    nation = header.cell(0, 1).paragraphs
    assert all(r.bold for p in nation[:2] for r in p.runs)
    assert all(r.italic for r in header.cell(1, 1).paragraphs[0].runs)
    # The rule under the motto: a bordered empty paragraph right under it.
    assert nation[2].text == ""
    assert nation[2]._p.xpath("./w:pPr/w:pBdr/w:bottom")
    # A layout, not a table to read: no borders.
    borders = header._tbl.xpath("./w:tblPr/w:tblBorders/*/@w:val")
    assert borders
    assert set(borders) == {"nil"}


def test_the_title_the_sections_and_the_sentences_in_order(
    result: kh_treem.ScoreResult, tmp_path: Path
) -> None:
    texts = _texts(_report(result, tmp_path / "bc.docx"))
    title = "Kết quả thực hiện " + PLAN.title.vi
    order = [texts.index(t) for t in ("BÁO CÁO", title, "I. KẾT QUẢ THỰC HIỆN",
                                      "II. ĐÁNH GIÁ CHUNG", "PHỤ LỤC")]
    assert order == sorted(order)
    results, overall, appendix = order[2:]
    goals = [t for t in texts[results:overall] if re.match(r"\d\. Mục tiêu \d: ", t)]
    assert goals == [f"{i}. Mục tiêu {g.id}: {g.name.vi}" for i, g in enumerate(PLAN.goals, 1)]
    section_one = texts[results:overall]
    # The sentences name the value and the target as the table writes them (decimal comma).
    for sentence in [
        "- Tỷ suất tử vong trẻ sơ sinh 12,5‰, chưa đạt chỉ tiêu dưới 9,8‰.",
        "- Tỷ suất tử vong trẻ em dưới 1 tuổi 31,3‰, đạt chỉ tiêu không quá 32,2‰.",
        "- Tỷ lệ trẻ em đến 8 tuổi được tiếp cận dịch vụ phát triển toàn diện 90,2%, đạt chỉ"
        " tiêu từ 87% trở lên.",
        "- Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể cân nặng theo tuổi 18,01%, chưa đạt chỉ"
        " tiêu dưới 18%.",
        "- Số xã đạt tiêu chuẩn xã phù hợp với trẻ em 2/3 xã (66,7%), đạt chỉ tiêu từ 2 xã trở"
        " lên.",
        "- Tỷ suất trẻ em tử vong do tai nạn thương tích 20/100.000, chưa đạt chỉ tiêu không"
        " quá 16/100.000.",
    ]:
        assert sentence in section_one, sentence
    na = [t for t in section_one if t.startswith("- Tỷ lệ trẻ em gặp thiên tai")]
    assert len(na) == 1
    assert "không áp dụng" in na[0]
    # Goal 1 lists its met targets, then its targets not met.
    goal_one = section_one[section_one.index(goals[0]):section_one.index(goals[1])]
    assert goal_one.index("a) Các chỉ tiêu đạt (6/11):") < goal_one.index(
        "b) Các chỉ tiêu chưa đạt (5/11):")
    assert texts[overall + 1:overall + 5] == [
        "Năm 2022, đạt 20/33 chỉ tiêu của kế hoạch; chưa đạt 12 chỉ tiêu; 1 chỉ tiêu không áp"
        " dụng.",
        "Các chỉ tiêu chưa đạt: 3a, 3c, 4a, 5b, 7, 9, 11b, 15, 17a, 18b, 19, 23.",
        "Cả 3 xã đã gửi số liệu: Ia Đal, Ia Dom, Ia Tơi.",
        "Số liệu các xã gửi về không có lỗi hay cảnh báo nào.",
    ]
    assert texts[appendix + 1] == "Kết quả thực hiện các chỉ tiêu năm 2022"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_appendix_is_every_target_as_scored(
    result: kh_treem.ScoreResult, tmp_path: Path, lang: str
) -> None:
    table = _appendix(_report(result, tmp_path / "bc.docx", lang), lang)
    assert len(table.rows) == 1 + len(EXPECTED) == 34
    for row, (tid, _num, _den, value, status) in zip(table.rows[1:], EXPECTED, strict=True):
        cells = [c.text for c in row.cells]
        assert cells[0] == tid
        assert cells[1] == PLAN.targets[[t.id for t in PLAN.targets].index(tid)].name.get(lang)
        assert cells[4] == status_label(status, lang)
        assert cells[5] == "3/3"
        if value is None:
            assert cells[2] == "0/0"
            continue
        shown, decimals = _leading_number(cells[2], lang)
        assert abs(shown - value) <= 0.5 * 10**-decimals + 1e-9, (tid, cells[2], value)
    by_id = {row.cells[0].text: [c.text for c in row.cells] for row in table.rows[1:]}
    if lang == "vi":
        assert by_id["3a"][2:4] == ["12,5‰", "< 9,8‰"]
        assert by_id["11a"][2:4] == ["480/100.000", "≤ 513/100.000"]
    else:
        assert by_id["3a"][2:4] == ["12.5‰", "< 9.8‰"]
    # The header row is printed again on the next page.
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")


def test_the_head_of_office_signs_on_the_right_beside_the_recipients(
    result: kh_treem.ScoreResult, tmp_path: Path
) -> None:
    """A report is signed by the plan's last signer alone; on the left, "Nơi nhận" lists the
    plan's recipients and the office's own copy."""
    document = _report(result, tmp_path / "bc.docx")
    found = [t for t in document.tables if "Nơi nhận:" in t.rows[0].cells[0].text]
    assert len(found) == 1
    right = found[0].rows[0].cells[1]
    assert _cell_lines(found[0], 0, 0) == [
        "Nơi nhận:", "- UBND huyện (b/c);",
        "- Sở Lao động - Thương binh và Xã hội (b/c);", "- Lưu: VT."]
    assert _cell_lines(found[0], 0, 1) == ["TRƯỞNG PHÒNG", "(Ký, ghi rõ họ tên)"]
    assert "NGƯỜI LẬP BIỂU" not in document.element.body.xml
    role, signature = right.paragraphs[:2]
    assert all(r.bold for r in role.runs)
    assert all(r.italic for r in signature.runs)
    assert len(right.paragraphs) >= 5  # blank lines for the hand that signs
    # The body is signed before the appendix, never on a page of its own.
    body = document.element.body
    at = body.index(found[0]._tbl)
    assert at < body.index(_appendix(document, "vi")._tbl)
    assert body[at - 1].xpath("./w:pPr/w:keepNext")


def test_a_signer_named_in_the_plan_is_printed_under_the_space(
    result: kh_treem.ScoreResult, tmp_path: Path
) -> None:
    assert PLAN.issuer is not None
    signers = [s.model_copy(update={"name": "Nguyễn Văn A"}) for s in PLAN.issuer.signers]
    plan = PLAN.model_copy(update={"issuer": PLAN.issuer.model_copy(
        update={"signers": signers, "recipients": []})})
    document = _report(dataclasses.replace(result, plan=plan), tmp_path / "bc.docx")
    table = next(t for t in document.tables if "TRƯỞNG PHÒNG" in t._tbl.xml)
    assert _cell_lines(table, 0, 0) == ["Nơi nhận:", "- Lưu: VT."]
    assert _cell_lines(table, 0, 1) == ["TRƯỞNG PHÒNG", "(Ký, ghi rõ họ tên)", "Nguyễn Văn A"]


def test_targets_of_all_or_none_read_as_a_sentence_says_them(
    result: kh_treem.ScoreResult, tmp_path: Path
) -> None:
    texts = _texts(_report(result, tmp_path / "bc.docx"))
    assert "- Tỷ lệ trẻ em 5 tuổi đi học mẫu giáo 100%, đạt chỉ tiêu 100%." in texts
    assert ("- Lao động trẻ em, người chưa thành niên trái pháp luật 0 người, đạt chỉ tiêu"
            " không có trường hợp nào.") in texts


def test_the_page_is_an_administrative_document(
    result: kh_treem.ScoreResult, tmp_path: Path
) -> None:
    document = _report(result, tmp_path / "bc.docx")
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    mm = {side: round(getattr(section, f"{side}_margin").mm, 1)
          for side in ("top", "bottom", "left", "right")}
    assert 20 <= mm["top"] <= 25
    assert 20 <= mm["bottom"] <= 25
    assert 30 <= mm["left"] <= 35
    assert 15 <= mm["right"] <= 20
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert 13 <= normal.font.size.pt <= 14
    sizes = {r.font.size.pt for p in document.paragraphs for r in p.runs if r.font.size}
    assert sizes <= {12, 13, 14}


def test_the_english_report(result: kh_treem.ScoreResult, tmp_path: Path) -> None:
    document = _report(result, tmp_path / "bc.docx", "en")
    texts = _texts(document)
    order = [texts.index(t) for t in ("REPORT", "I. RESULTS", "II. OVERALL ASSESSMENT",
                                      "APPENDIX")]
    assert order == sorted(order)
    assert "Results of the " + PLAN.title.en in texts
    assert "- Neonatal mortality rate: 12.5‰, not met (target below 9.8‰)." in texts
    assert "In 2022, 20 of the plan's 33 targets were met; 12 not met; 1 not applicable." in texts
    header = document.tables[0]
    assert _cell_lines(header, 0, 1) == [DOCUMENT["national_name"][1], DOCUMENT["motto"][1]]
    assert _cell_lines(header, 1, 1) == ["Ia H'Drai, ...... January 2023"]
    assert _cell_lines(header, 0, 0)[0] == "IA H'DRAI DISTRICT PEOPLE'S COMMITTEE"
    assert not any(re.search("[ạảấầẩẫậắằẳẵặẹẻẽếềểễệịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", t)
                   for t in texts)


def test_the_command_writes_the_report_and_says_so(
    examples: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    done = run("report", examples[0].parent)
    assert done.exit_code == 0, done.output
    out = tmp_path / "bao-cao-ia-hdrai-2022.docx"
    assert done.stdout == f"Đã ghi báo cáo: {out.name}\n20/33 đạt\n"
    texts = _texts(docx.Document(str(out)))
    assert "- Tỷ suất tử vong trẻ sơ sinh 12,5‰, chưa đạt chỉ tiêu dưới 9,8‰." in texts
    done = run("report", examples[0].parent, "-o", tmp_path / "en.docx", "--lang", "en", "-q")
    assert done.exit_code == 0, done.output
    assert done.stdout.endswith("20/33 met\n")
    assert "I. RESULTS" in _texts(docx.Document(str(tmp_path / "en.docx")))


def test_an_existing_report_is_kept_without_force(examples: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "bc.docx"
    out.write_bytes(b"kept")
    done = run("report", examples[0].parent, "-o", out)
    assert done.exit_code == 2, done.output
    assert str(out) in done.stderr
    assert "--force" in done.stderr
    assert out.read_bytes() == b"kept"
    done = run("report", examples[0].parent, "-o", out, "--force")
    assert done.exit_code == 0, done.output
    assert zipfile.is_zipfile(out)
    assert sorted(os.listdir(tmp_path)) == ["bc.docx", "in"]  # no temporary file left


def test_the_library_never_writes_over_a_file_unless_told(
    result: kh_treem.ScoreResult, tmp_path: Path
) -> None:
    out = tmp_path / "bc.docx"
    out.write_bytes(b"kept")
    with pytest.raises(FileExistsError):
        write_report(result, out, overwrite=False)
    assert out.read_bytes() == b"kept"
    write_report(result, out)
    assert zipfile.is_zipfile(out)


@pytest.mark.parametrize("how", ["same-name", "hard-link", "plan"])
def test_the_report_is_never_written_onto_an_input(
    examples: list[Path], tmp_path: Path, how: str
) -> None:
    source = examples[1]
    before = source.read_bytes()
    if how == "same-name":
        args = ["report", source, "-o", source]
    elif how == "hard-link":  # an input under another name, ending .docx
        link = tmp_path / "bc.docx"
        os.link(source, link)
        args = ["report", examples[0].parent, "-o", link, "--force"]
    else:
        plan = tmp_path / "plan.docx"
        shutil.copy(REPO / "targets" / "plan_2022.yaml", plan)
        before = plan.read_bytes()
        source = plan
        args = ["report", examples[0].parent, "--plan", plan, "-o", plan, "--force"]
    done = run(*args)
    assert done.exit_code == 2, done.output
    assert "không ghi đè" in done.stderr
    assert source.read_bytes() == before


@pytest.mark.parametrize("name", ["bc.xlsx", "bc", "bc.doc"])
def test_the_report_is_named_docx(examples: list[Path], tmp_path: Path, name: str) -> None:
    done = run("report", examples[0].parent, "-o", tmp_path / name)
    assert done.exit_code == 2, done.output
    assert done.stderr == (f"{tmp_path / name}: báo cáo được ghi dạng .docx; đặt tên tệp kết"
                           " thúc bằng .docx.\n")
    assert not (tmp_path / name).exists()


def test_last_years_report_beside_the_forms_is_no_input(
    examples: list[Path], tmp_path: Path
) -> None:
    """A report in the folder of forms is skipped as a file of another type, not read: with
    --force it is written over."""
    out = examples[0].parent / "bao-cao.docx"
    out.write_bytes(b"last year")
    done = run("report", examples[0].parent, "-o", out, "--force")
    assert done.exit_code == 0, done.output
    assert zipfile.is_zipfile(out)


def test_a_plan_without_issuer_gives_a_report_without_header_or_signatures(
    examples: list[Path], tmp_path: Path
) -> None:
    data = yaml.safe_load((REPO / "targets" / "plan_2022.yaml").read_text(encoding="utf-8"))
    del data["issuer"]
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "bc.docx"
    done = run("report", examples[0].parent, "--plan", plan, "-o", out)
    assert done.exit_code == 0, done.output
    document = docx.Document(str(out))
    texts = _texts(document)
    assert texts[0] == "BÁO CÁO"
    assert len(document.tables) == 1  # the appendix alone
    assert _appendix(document, "vi") is not None
    assert "(Ký, ghi rõ họ tên)" not in document.element.xml
    assert "Số: ....../BC-..." not in document.element.xml
    assert "II. ĐÁNH GIÁ CHUNG" in texts


def test_input_errors_are_exit_1_and_said_in_the_assessment(
    examples: list[Path], tmp_path: Path
) -> None:
    (examples[0].parent / "Ia_Grai.xlsx").write_bytes(b"")  # an empty file: an error
    out = tmp_path / "bc.docx"
    done = run("report", examples[0].parent, "-o", out)
    assert done.exit_code == 1, done.output
    assert "Ia_Grai.xlsx" in done.stderr
    texts = _texts(docx.Document(str(out)))
    at = texts.index("Số liệu còn 1 lỗi cần các xã kiểm tra, bổ sung.")
    assert texts[at + 1:at + 3] == ["Số liệu có lỗi không được tính vào kết quả trên.",
                                    "Các tệp có lỗi: Ia_Grai.xlsx."]


def test_many_files_with_errors_are_named_up_to_five(
    result: kh_treem.ScoreResult, tmp_path: Path
) -> None:
    problems = [Problem("file-empty", file=f"so-lieu/xa-{i}.xlsx") for i in range(8)]
    problems.append(Problem("unit-not-reported", params={"unit": "Ia Dom"}))
    failing = dataclasses.replace(result, problems=problems,
                                  units_reporting=["Ia Đal", "Ia Tơi"])
    texts = _texts(_report(failing, tmp_path / "bc.docx"))
    assert "Số liệu còn 8 lỗi và 1 cảnh báo cần các xã kiểm tra, bổ sung." in texts
    assert ("Các tệp có lỗi: xa-0.xlsx, xa-1.xlsx, xa-2.xlsx, xa-3.xlsx, xa-4.xlsx và 3 tệp"
            " khác.") in texts
    assert "2/3 xã đã gửi số liệu (Ia Đal, Ia Tơi); chưa có số liệu của Ia Dom." in texts


def test_a_full_disk_is_exit_1_and_one_sentence(
    examples: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()

    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    done = run("report", examples[0].parent, "-o", out / "bc.docx")
    assert done.exit_code == 1, done.output
    assert done.stderr.splitlines()[0] == (
        f"Không ghi được báo cáo {out / 'bc.docx'}: No space left on device")
    assert "Traceback" not in done.output
    assert os.listdir(out) == []


@needs_libreoffice
def test_libreoffice_prints_the_report(result: kh_treem.ScoreResult, tmp_path: Path) -> None:
    """The report opens and prints in LibreOffice (what many district offices use)."""
    control = tmp_path / "control.docx"
    plain = docx.Document()
    plain.add_paragraph("Xin chào")
    plain.save(str(control))
    if to_pdf(control, tmp_path) is None:  # soffice without Writer reads no .docx at all
        pytest.skip("this LibreOffice cannot open a .docx (no Writer)")
    out = tmp_path / "bao-cao.docx"
    write_report(result, out, today=DAY)
    pdf = to_pdf(out, tmp_path)
    assert pdf is not None
    assert 3 <= page_count(pdf) <= 8


def test_warnings_alone_are_counted_in_english(
    result: kh_treem.ScoreResult, tmp_path: Path
) -> None:
    warned = dataclasses.replace(
        result, problems=[Problem("unit-not-reported", params={"unit": "Ia Dom"})])
    texts = _texts(_report(warned, tmp_path / "bc.docx", "en"))
    assert "The figures still have 1 warning for the communes to check." in texts
    assert "Figures in error are left out of the results above." not in texts
    assert not any(t.startswith("Files with errors") for t in texts)


def test_a_disk_that_fills_while_the_archive_is_open_says_one_sentence_only(
    examples: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk refuses a write and then every one after it: the archive left open fails
    again when it is freed, and that complaint is never printed after the sentence."""

    class Full(io.BytesIO):
        def write(self, data: object) -> int:
            raise OSError(28, "No space left on device")

    def full(self: zipfile.ZipFile, *_: object, **__: object) -> None:
        assert self.fp is not None
        self.fp.close()  # the file on the disk; the rest of the archive, closing it
        self.fp = Full()  # included, meets a full disk
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    done = run("report", examples[0].parent, "-o", tmp_path / "bc.docx")
    assert done.exit_code == 1, done.output
    assert "Exception ignored" not in done.output


def test_a_plan_title_longer_than_a_document_property_holds(
    result: kh_treem.ScoreResult, tmp_path: Path
) -> None:
    """Word's title property holds 255 characters; the plan's own title may be longer."""
    long_title = "Kế hoạch triển khai thực hiện Chương trình hành động quốc gia vì trẻ em " * 5
    plan = PLAN.model_copy(update={"title": PLAN.title.model_copy(update={"vi": long_title})})
    document = _report(dataclasses.replace(result, plan=plan), tmp_path / "bc.docx")
    assert len(document.core_properties.title) == 255
    assert document.core_properties.title.endswith("…")
    assert any(long_title.strip() in t for t in _texts(document))


def test_a_name_xml_cannot_hold_is_written_escaped(
    examples: list[Path], tmp_path: Path
) -> None:
    (examples[0].parent / "bad\uffff.xlsx").write_bytes(b"x")
    done = run("report", examples[0].parent, "-o", tmp_path / "bc.docx")
    assert done.exit_code == 1, done.output  # the file is unreadable: not a bug
    texts = _texts(docx.Document(str(tmp_path / "bc.docx")))
    assert any("bad\\uffff.xlsx" in t for t in texts)


def test_the_officers_own_path_mistake_is_not_the_communes_to_fix(
    examples: list[Path], tmp_path: Path
) -> None:
    done = run("report", examples[0].parent, tmp_path / "khong-co", "-o", tmp_path / "bc.docx")
    assert done.exit_code == 1
    texts = _texts(docx.Document(str(tmp_path / "bc.docx")))
    assert "Số liệu các xã gửi về không có lỗi hay cảnh báo nào." in texts


def test_the_default_name_is_made_from_the_plan_id_a_file_name_can_hold(
    examples: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "ke-hoach.yaml"
    text = (Path(__file__).resolve().parent.parent / "targets" / "plan_2022.yaml").read_text(
        encoding="utf-8")
    plan.write_text(text.replace("id: ia-hdrai-2022", 'id: "45/KH-UBND"'), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    done = run("report", examples[0].parent, "--plan", plan)
    assert done.exit_code == 0, done.output
    assert (tmp_path / "bao-cao-45-KH-UBND.docx").is_file()

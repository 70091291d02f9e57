"""The yearly report to the People's Committee: a draft in Word (.docx) the officer finishes.

Laid out as a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP): A4 portrait,
Times New Roman, the header block (the issuing office on the left, the national name and motto
on the right, the number and the place and date below them), the title, I. the results goal by
goal, II. the overall assessment (targets met, communes reporting, what is wrong in the data),
the signatures, then the appendix: the table of every target. It reads a ScoreResult and never
scores again; every number is written as the score table writes it (decimal comma).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kh_treem.atomic import atomic_path, refused_quietly
from kh_treem.formatting import (
    decimals_for,
    number,
    printable,
    target_text,
    value_text,
    with_unit,
)
from kh_treem.i18n import MONTH_NAMES, document_word, place_date, status_label, word
from kh_treem.pipeline import ScoreResult
from kh_treem.plan import Direction, Issuer, Measure, Target
from kh_treem.problems import counted
from kh_treem.scoring import Outcome

if TYPE_CHECKING:  # python-docx is imported by write_report alone
    from docx.document import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 13  # the text of the report (13-14 pt)
SMALL_PT = 12  # the header block's capitals, the tables
# A4 and the margins of an administrative document, in mm.
PAGE = (210, 297)
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH = PAGE[0] - MARGINS["left"] - MARGINS["right"]
HEADER_COLUMNS = (62, TEXT_WIDTH - 62)  # the office | the national name and motto
# The appendix: Chỉ tiêu, Nội dung, Kết quả, Kế hoạch, Đánh giá, Xã báo cáo.
APPENDIX_COLUMNS = (12, 55, 29, 29, 22, TEXT_WIDTH - 147)
FIRST_LINE_INDENT = 10  # mm
MAX_FILES_NAMED = 5  # files with errors named in the assessment, then "and N more"
PROPERTY_CHARS = 255  # characters a document property (title, author) holds
# Problems about the paths the officer named: said on screen, not the communes' to fix.
OFFICERS_OWN = frozenset({"path-missing", "path-unusable", "path-unreadable",
                          "no-submissions"})
SIGNATURE_LINES = 4  # blank lines left for the hand that signs
LANG_TAGS = {"vi": "vi-VN", "en": "en-GB"}

Container = Any  # a Document or a table cell: anything with add_paragraph


def write_report(
    result: ScoreResult, path: Path, lang: str = "vi", today: date | None = None,
    overwrite: bool = True,
) -> None:
    """Write the report of ``result`` to ``path`` (.docx), atomically: dated ``today``
    (default: the day it runs; the day itself is left for the signer). Without
    ``overwrite``, FileExistsError if ``path`` is already there, even made meanwhile by
    another run. A disk that refuses it raises its OSError; no half-written file is left."""
    import docx  # only the runs that write a report pay for it

    document = docx.Document()
    _Report(document, result, lang, today or date.today()).write()
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, overwrite) as temp:
        refused_quietly(lambda: document.save(str(temp)))


class _Report:
    def __init__(self, document: Document, result: ScoreResult, lang: str, today: date):
        self.doc = document
        self.result = result
        self.plan = result.plan
        self.lang = lang
        self.today = today

    def write(self) -> None:
        self._page()
        issuer = self.plan.issuer
        if issuer is not None:
            self._header_block(issuer)
        self._title()
        self._results()
        self._assessment()
        if issuer is not None:
            self._signatures(issuer)
        self._appendix(issuer is not None)

    def w(self, key: str, **fields: object) -> str:
        text = word(key, self.lang)
        return text.format(**fields) if fields else text

    # The page, the fonts, the properties.

    def _page(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm, Pt

        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE[0]), Mm(PAGE[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)
        _default_font(self.doc, LANG_TAGS[self.lang])
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(BODY_PT)
        fmt = normal.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing = 1.0
        # The page number at the top, centred, from the second page on.
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.alignment = _align("center")
        _page_field(header)
        props = self.doc.core_properties
        # A document property holds 255 characters at most (python-docx refuses more).
        props.title = _cut(self._subtitle(), PROPERTY_CHARS)
        props.author = _cut(printable(self.plan.issuer.name.get(self.lang)) if self.plan.issuer
                            else "kh-treem", PROPERTY_CHARS)
        props.language = LANG_TAGS[self.lang]
        props.comments = "kh-treem report"
        props.revision = 1

    # The header block: the office on the left, the nation on the right.

    def _header_block(self, issuer: Issuer) -> None:
        lang = self.lang
        table = self._plain_table(2, 2, HEADER_COLUMNS)
        left, right = table.cell(0, 0), table.cell(0, 1)
        _text(left.paragraphs[0], printable(issuer.parent.get(lang).upper()), size=SMALL_PT,
              align="center")
        name = printable(issuer.name.get(lang).upper())
        _text(left.add_paragraph(), name, bold=True, size=SMALL_PT, align="center")
        _rule(left, HEADER_COLUMNS[0], min(_width_mm(name, SMALL_PT, True),
                                           HEADER_COLUMNS[0]) * 0.4)
        nation = document_word("national_name", lang)
        _text(right.paragraphs[0], nation, bold=True, size=SMALL_PT, align="center")
        motto = document_word("motto", lang)
        _text(right.add_paragraph(), motto, bold=True, size=BODY_PT, align="center")
        _rule(right, HEADER_COLUMNS[1], _width_mm(motto, BODY_PT, True))
        number_line = _text(table.cell(1, 0).paragraphs[0], self.w("report_number"),
                            size=BODY_PT, align="center")
        place = place_date(printable(issuer.place.get(lang)), self.today, lang)
        date_line = _text(table.cell(1, 1).paragraphs[0], place, italic=True, size=BODY_PT,
                          align="center")
        for p in (number_line, date_line):
            _spacing(p, before=6)

    # The title.

    def _subtitle(self) -> str:
        return self.w("report_subtitle", title=printable(self.plan.title.get(self.lang)))

    def _title(self) -> None:
        first = _text(self.doc.add_paragraph(), self.w("report_title"), bold=True,
                      size=BODY_PT + 1, align="center")
        _spacing(first, before=18 if self.plan.issuer else 0, keep_next=True)
        sub = _text(self.doc.add_paragraph(), self._subtitle(), bold=True, size=BODY_PT + 1,
                    align="center")
        _spacing(sub, keep_next=True)
        _rule(self.doc, TEXT_WIDTH, 40)
        intro = self._body(self.w("report_intro", year=self.plan.year))
        _spacing(intro, before=12)

    # I. The results, goal by goal.

    def _results(self) -> None:
        self._heading(self.w("report_results"))
        n = 0
        for goal in self.plan.goals:
            outcomes = [o for o in self.result.indicators if o.target.goal == goal.id]
            if not outcomes:
                continue
            n += 1
            self._heading(self.w("report_goal", n=n, goal=goal.id,
                                 name=printable(goal.name.get(self.lang))), bold=True)
            groups = [
                ("report_group_met", [o for o in outcomes if o.status == "met"]),
                ("report_group_not_met", [o for o in outcomes if o.status == "not_met"]),
                ("report_group_other", [o for o in outcomes
                                        if o.status in ("not_applicable", "no_data")]),
            ]
            letters = iter("abcdefgh")
            for key, chosen in groups:
                if not chosen:
                    continue
                label = self.w(key, count=len(chosen), total=len(outcomes))
                self._heading(f"{next(letters)}) {label}", bold=False, italic=True)
                for o in chosen:
                    self._body(f"- {self._sentence(o)}")

    def _sentence(self, o: Outcome) -> str:
        """"Tỷ suất tử vong trẻ sơ sinh 12,5‰, chưa đạt chỉ tiêu dưới 9,8‰.\""""
        t, lang = o.target, self.lang
        name = printable(t.name.get(lang))
        if lang == "vi":
            name = _rate_named(name, t)
        sentence = self.w(f"report_{o.status}", name=name, value=_unbroken(value_text(o, lang)),
                          target=self._target_words(t))
        if o.units_missing and o.status != "no_data":
            missing = self.w("report_without", units=", ".join(map(printable, o.units_missing)))
            sentence = sentence.removesuffix(".") + missing + "."
        return sentence

    def _target_words(self, t: Target) -> str:
        """"dưới 9,8‰", "từ 87% trở lên": the target as a sentence says it; "100%" for all
        of them, "không có trường hợp nào" for none."""
        shown = with_unit(number(t.target, decimals_for(t.target), self.lang), t, self.lang)
        if t.direction is Direction.AT_LEAST and t.unit == "%" and t.target == 100:
            return shown
        if t.direction is Direction.AT_MOST and t.target == 0:
            return self.w("report_none")
        return self.w(f"report_{t.direction.value}", x=shown)

    # II. The overall assessment.

    def _assessment(self) -> None:
        result = self.result
        self._heading(self.w("report_overall"))
        statuses = [o.status for o in result.indicators]
        parts = [self.w("report_tally_met", met=result.met, total=len(statuses))]
        for status in ("not_met", "not_applicable", "no_data"):
            if statuses.count(status):
                parts.append(self.w(f"report_tally_{status}", count=statuses.count(status)))
        self._body(self.w("report_tally", year=self.plan.year, parts="; ".join(parts)))
        not_met = [printable(o.target.id) for o in result.indicators if o.status == "not_met"]
        if not_met:
            self._body(self.w("report_not_met_ids", ids=", ".join(not_met)))
        # Who sent figures, who did not.
        units = list(self.plan.units)
        reported = [u for u in units if u in result.units_reporting]
        missing = [u for u in units if u not in result.units_reporting]
        names = ", ".join(map(printable, reported))
        if not missing:
            self._body(self.w("report_units_all", count=len(units), units=names))
        elif reported:
            self._body(self.w("report_units_some", reported=len(reported), count=len(units),
                              units=names, missing=", ".join(map(printable, missing))))
        else:
            self._body(self.w("report_units_none", missing=", ".join(map(printable, missing))))
        partial: dict[tuple[str, ...], list[str]] = {}
        for o in result.indicators:
            gone = tuple(u for u in o.units_missing if u not in missing)
            if gone and o.status != "no_data":
                partial.setdefault(gone, []).append(printable(o.target.id))
        for gone, ids in partial.items():
            self._body(self.w("report_units_partial", ids=", ".join(ids),
                              units=", ".join(map(printable, gone))))
        # What is still wrong in the data.
        # The officer's own paths (a folder mistyped, empty) are not the communes' to check.
        theirs = [p for p in result.problems if p.type not in OFFICERS_OWN]
        errors = [p for p in theirs if p.severity == "error"]
        warnings = counted(theirs, "warning")
        if not errors and not warnings:
            self._body(self.w("report_clean"))
            return
        counts = [self._count(key, n) for key, n in (("report_errors", counted(errors, "error")),
                                                     ("report_warnings", warnings)) if n]
        self._body(self.w("report_problems", counts=counts[0] if len(counts) == 1 else
                          self.w("report_and", first=counts[0], second=counts[1])))
        if errors:
            self._body(self.w("report_errors_left_out"))
        files = list(dict.fromkeys(p.file for p in errors if p.file))
        if files:
            shown = ", ".join(printable(Path(f).name or f) for f in files[:MAX_FILES_NAMED])
            if len(files) > MAX_FILES_NAMED:
                shown = self.w("report_more_files", files=shown,
                               count=len(files) - MAX_FILES_NAMED)
            self._body(self.w("report_error_files", files=shown))

    def _count(self, key: str, count: int) -> str:
        text = self.w(key, count=count)
        return text.removesuffix("s") if self.lang == "en" and count == 1 else text

    # The signatures.

    def _signatures(self, issuer: Issuer) -> None:
        # Never signatures alone on a page: the assessment's last lines go with them.
        for p in self.doc.paragraphs[-2:]:
            p.paragraph_format.keep_with_next = True
        # A report is signed by the head of the office alone (the plan's last signer), on
        # the right; on the left, who receives it ("Nơi nhận"), as Nghị định 30 lays out.
        table = self._plain_table(1, 2, [TEXT_WIDTH / 2] * 2)
        _keep_row_together(table)
        receivers, signs = table.rows[0].cells
        heading = _text(receivers.paragraphs[0], self.w("report_recipients"), bold=True,
                        italic=True, size=12)
        _spacing(heading, before=12)
        for recipient in issuer.recipients:
            _text(receivers.add_paragraph(), f"- {printable(recipient.get(self.lang))};",
                  size=11)
        _text(receivers.add_paragraph(), self.w("report_archive"), size=11)
        signer = issuer.signers[-1]
        # A role may take two lines ("KT. TRƯỞNG PHÒNG" above "PHÓ TRƯỞNG PHÒNG").
        first, *more = signer.role.get(self.lang).upper().split("\n")
        role = _text(signs.paragraphs[0], printable(first), bold=True, align="center")
        _spacing(role, before=12)
        for line in more:
            _text(signs.add_paragraph(), printable(line), bold=True, align="center")
        _text(signs.add_paragraph(), document_word("signature", self.lang), italic=True,
              align="center")
        for _ in range(SIGNATURE_LINES):
            signs.add_paragraph()
        if signer.name:
            _text(signs.add_paragraph(), printable(signer.name), bold=True, align="center")

    # The appendix: every target.

    def _appendix(self, numbered: bool) -> None:
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
        from docx.enum.text import WD_BREAK

        result, lang = self.result, self.lang
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        first = _text(self.doc.paragraphs[-1], self.w("report_appendix"), bold=True,
                      size=BODY_PT + 1, align="center")
        _spacing(first, keep_next=True)
        title = _text(self.doc.add_paragraph(), self.w("report_appendix_title",
                                                        year=self.plan.year),
                      bold=True, align="center")
        _spacing(title, keep_next=True)
        if numbered:
            note = self.w("report_appendix_note", month=self.today.month, year=self.today.year,
                          month_name=MONTH_NAMES[self.today.month - 1])
            _spacing(_text(self.doc.add_paragraph(), note, italic=True, align="center"),
                     keep_next=True)
        _spacing(self.doc.add_paragraph(), keep_next=True)
        header = [word(k, lang) for k in ("id", "indicator", "value", "target", "status",
                                          "reporting")]
        expected = len(self.plan.units)
        rows = [[printable(o.target.id), printable(o.target.name.get(lang)), value_text(o, lang),
                 target_text(o.target, lang), status_label(o.status, lang),
                 f"{len(o.units_reporting)}/{expected}"] for o in result.indicators]
        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        _widths(table, APPENDIX_COLUMNS)
        _repeat_header(table)
        for r, cells in enumerate([header, *rows]):
            row = table.rows[r]
            _no_split(row)
            for c, text in enumerate(cells):
                row.cells[c].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                p = row.cells[c].paragraphs[0]
                _text(p, _unbroken(text), bold=r == 0, size=SMALL_PT,
                      align="left" if c == 1 and r else "center")
                _spacing(p, before=2, after=2)
                if r and c == 4 and result.indicators[r - 1].status == "not_met":
                    p.runs[0].bold = True

    # Building blocks.

    def _heading(self, text: str, bold: bool = True, italic: bool = False) -> Paragraph:
        p = _text(self.doc.add_paragraph(), text, bold=bold, italic=italic, align="justify")
        p.paragraph_format.first_line_indent = _mm(FIRST_LINE_INDENT)
        _spacing(p, before=6, after=3, keep_next=True)
        return p

    def _body(self, text: str) -> Paragraph:
        p = _text(self.doc.add_paragraph(), text, align="justify")
        p.paragraph_format.first_line_indent = _mm(FIRST_LINE_INDENT)
        p.paragraph_format.line_spacing = 1.15
        _spacing(p, after=4)
        return p

    def _plain_table(self, rows: int, cols: int, widths: Sequence[float]) -> Table:
        """A table without borders or cell padding: a layout, not a table to read."""
        table: Table = self.doc.add_table(rows=rows, cols=cols)
        _widths(table, widths)
        _borderless(table)
        return table


def _unbroken(text: str) -> str:
    """A reduction's counts, "(11 → 9)", kept on one line."""
    return text.replace(" → ", "\u00a0→\u00a0")


def _rate_named(name: str, target: Target) -> str:
    """A share named as a rate in a Vietnamese sentence: "Trẻ em 5 tuổi đi học mẫu giáo"
    reads "Tỷ lệ trẻ em 5 tuổi đi học mẫu giáo 100%", as the plan itself words it."""
    if target.measure is not Measure.RATIO or target.unit != "%":
        return name
    if name.lower().startswith(("tỷ lệ", "tỉ lệ", "tỷ suất", "số ", "mức ")):
        return name
    return f"Tỷ lệ {name[:1].lower()}{name[1:]}"


def _mm(value: float) -> Any:
    from docx.shared import Mm

    return Mm(value)


def _align(how: str) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[how]


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def _text(
    p: Paragraph, text: str, *, bold: bool = False, italic: bool = False,
    size: float | None = None, align: str | None = None,
) -> Paragraph:
    from docx.shared import Pt

    run = p.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = Pt(size)
    if align is not None:
        p.alignment = _align(align)
    return p


def _spacing(p: Paragraph, before: float = 0, after: float = 0, keep_next: bool = False) -> None:
    from docx.shared import Pt

    fmt = p.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if keep_next:
        fmt.keep_with_next = True


def _width_mm(text: str, size: float, bold: bool) -> float:
    """About how wide ``text`` prints in Times New Roman (for the length of a rule)."""
    em = 0.0
    for char in text:
        if char.isupper():
            em += 0.70
        elif char.isalnum():
            em += 0.50
        else:
            em += 0.28
    return em * size * (1.05 if bold else 1.0) * 25.4 / 72


def _rule(container: Container, width: float, length: float) -> None:
    """A short centred line of ``length`` mm in a space ``width`` mm wide, as under the motto
    and the office's name: an empty paragraph with a bottom border, indented on both sides."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p = container.add_paragraph()
    fmt = p.paragraph_format
    indent = max(0.0, (width - length) / 2)
    fmt.left_indent = fmt.right_indent = _mm(indent)
    fmt.space_before, fmt.space_after = Pt(3), Pt(0)  # clear of the descenders above
    fmt.line_spacing = Pt(2)
    fmt.keep_with_next = True
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
        "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
        "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
        "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
        "w:pPrChange")


def _widths(table: Table, widths: Sequence[float]) -> None:
    """Fixed column widths (mm), given to both the grid (LibreOffice) and every cell (Word)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = _mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = _mm(width)


_TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                        "w:tblDescription", "w:tblPrChange")


def _borderless(table: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tblPr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    tblPr.insert_element_before(borders, *_TBLPR_AFTER_BORDERS)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "0")
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tblPr.insert_element_before(margins, *_TBLPR_AFTER_BORDERS[3:])


def _repeat_header(table: Table) -> None:
    """The header row printed again at the top of every page the table runs onto."""
    from docx.oxml import OxmlElement

    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _no_split(row: Any) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _keep_row_together(table: Table) -> None:
    for row in table.rows:
        _no_split(row)


def _page_field(p: Paragraph) -> None:
    """A PAGE field: the page's number, as Word and LibreOffice count it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = p.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, end):
        run._r.append(element)


def _default_font(document: Document, lang_tag: str) -> None:
    """Times New Roman for every script and the document's language, in the defaults every
    style starts from (the template's theme fonts would otherwise win in Word)."""
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        for key in list(fonts.attrib):
            del fonts.attrib[key]
        for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(key), FONT)
    language = rpr.find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:val"), lang_tag)
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:  # the template's 10 pt after every paragraph and 1.15 lines
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")


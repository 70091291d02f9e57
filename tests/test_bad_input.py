"""Bad input in a batch (issue #3): each bad file is one clear error, and the rest is still scored.

Each case puts one bad input beside copies of the three examples and runs
`kh-treem score FOLDER --format json --no-workbook`: exactly one error, of the right type,
naming the bad file; the three communes still scored exactly as in the clean run; exit 1.
Bombs are built cheaply in ``tmp_path`` (a small limit monkeypatched, or a deflate stream
repeated by hand); "no read rights" is simulated by making ``Path.read_bytes`` raise for one
path (root reads anything). Fixtures in ``tests/data``, made once (never by the tests):
``protected.xlsx`` is examples/2022/Ia_Dom.xlsx encrypted with msoffcrypto-tool (password
"1234"); ``mixed/Ia_Dal.xls`` and ``mixed/Ia_Dom.ods`` are the examples converted with
`soffice --headless --convert-to xls|ods`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import struct
import tracemalloc
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell

import kh_treem
from kh_treem import isolation, limits, reading
from kh_treem.intake import read_paths
from kh_treem.plan import Plan
from tests.cli import run
from tests.forms import PLAN, write_form
from tests.test_intake import HEADER, write_ods, write_rows

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "2022"
EXAMPLE_FILES = ("Ia_Dal.xlsx", "Ia_Dom.xlsx", "Ia_Toi.xlsx")
DATA = Path(__file__).parent / "data"
UNITS = list(PLAN.units)
MIB = 1 << 20


def score_json(*paths: Path) -> tuple[int, dict[str, Any]]:
    """`kh-treem score PATHS --format json --no-workbook`: exit status and the document."""
    result = run("score", *paths, "--format", "json", "--no-workbook")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def indicators(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(i["id"], i["numerator"], i["denominator"], i["value"], i["status"],
             i["units_missing"]) for i in doc["indicators"]]


@cache
def clean() -> dict[str, Any]:
    """The result of the three examples alone (as --format json prints it)."""
    return kh_treem.score([EXAMPLES / n for n in EXAMPLE_FILES]).to_dict()


def errors(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in doc["problems"] if p["severity"] == "error"]


def place(problem: dict[str, Any]) -> str:
    """Everything a problem says about where it is: file, sheet, cell and message."""
    return " ".join(str(problem[k]) for k in ("file", "sheet", "cell", "message") if problem[k])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The three examples, copied into tmp_path/in."""
    target = tmp_path / "in"
    target.mkdir()
    for name in EXAMPLE_FILES:
        shutil.copy2(EXAMPLES / name, target / name)
    return target


# --- building bad files -----------------------------------------------------------------------


def small_form(path: Path, unit: str = "Ia Dom") -> Path:
    """A tiny valid form (one figure), written by openpyxl."""
    return write_rows(path, {"Sheet1": [["Đơn vị:", unit, None, "Năm:", 2022], HEADER,
                                        [1, "Số trẻ đẻ sống", "trẻ", "live_births", 60]]})


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    """Rewrite one member of the zip-based workbook at ``path``."""
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, change(data) if name == member else data)
    return path


def write_raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip written byte by byte: (name, deflated data, declared size, CRC-32) per member."""
    path.write_bytes(raw_zip(members))
    return path


def raw_zip(
    members: list[tuple[str, bytes, int, int]], *, method: int = zipfile.ZIP_DEFLATED,
    flags: int = 0, prefix: bytes = b"", local_extra: bytes = b"",
) -> bytes:
    """A zip built byte by byte: (name, packed data, declared size, CRC-32) per member.

    The declared size and CRC are whatever the caller says, true or not: zipfile would
    compute them. ``prefix`` comes before the zip (as a self-extractor's code would) and
    ``local_extra`` is an extra field in the local headers only.
    """
    out = io.BytesIO()
    out.write(prefix)
    central = []
    for name, data, size, crc in members:
        offset = out.tell() - len(prefix)
        raw = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21, crc,
                              len(data), size, len(raw), len(local_extra))
                  + raw + local_extra + data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, 0,
                                   0x21, crc, len(data), size, len(raw), 0, 0, 0, 0, 0, offset)
                       + raw)
    start = out.tell() - len(prefix)
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                          len(directory), start, 0))
    return out.getvalue()


def deflated(data: bytes) -> tuple[bytes, int, int]:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), len(data), zlib.crc32(data)


def repeated_deflate(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """head + chunk * times + tail as one raw deflate stream, compressing ``chunk`` once.

    Each piece is flushed to a byte boundary with no back-reference into the one before, so
    the compressed chunk can be repeated: megabytes of zeros cost a few hundred bytes each.
    """
    pieces = []
    for data in (head, chunk):
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        pieces.append(packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(chunk) * times + len(tail)
    return pieces[0] + pieces[1] * times + last, size, crc


def workbook_members(path: Path) -> list[tuple[str, bytes, int, int]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, *deflated(archive.read(info))) for info in archive.infolist()]


def real_zip_bomb(path: Path, megabytes: int = 300) -> Path:
    """A workbook with a member that truly inflates to ``megabytes`` MiB of zeros (~300 KB)."""
    base = small_form(path.with_name("base.xlsx"))
    bomb = repeated_deflate(b"", bytes(MIB), megabytes, b"")
    return write_raw_zip(path, [*workbook_members(base), ("xl/worksheets/sheet2.xml", *bomb)])


ENTITIES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
            b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
            b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
            b'<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
            b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">'
            b'<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">'
            b'<!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>')


def entity_bomb(path: Path, padding: int = 0) -> Path:
    """A tiny form whose sheet XML declares nested entities (a billion "a"s) and uses them."""
    def change(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
        body, used = re.subn(rb"<v>60</v>", b"<v>&i;</v>", body)
        assert used == 1
        comment = b"<!--" + b" " * padding + b"-->" if padding else b""
        return ENTITIES.replace(b"<!DOCTYPE", comment + b"<!DOCTYPE") + body
    return rewrite_member(small_form(path), "xl/worksheets/sheet1.xml", change)


def million_rows(path: Path) -> Path:
    """A tiny form whose sheet XML declares the range A1:F1000000."""
    def change(xml: bytes) -> bytes:
        changed, count = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:F1000000"',
                                 xml)
        assert count == 1
        return changed
    return rewrite_member(small_form(path), "xl/worksheets/sheet1.xml", change)


def many_sheets(path: Path, unit: str, count: int) -> Path:
    """One form and ``count - 1`` instructions sheets."""
    sheets: dict[str, list[list[Any]]] = {
        "Số liệu": [["Đơn vị:", unit, None, "Năm:", 2022], HEADER,
                    [1, "Số trẻ đẻ sống", "trẻ", "live_births", 60]],
    }
    for i in range(1, count):
        sheets[f"Hướng dẫn {i}"] = [[f"Bước {i}: ghi số liệu vào cột E"]]
    return write_rows(path, sheets)


# --- each bad input of the issue, beside the three good files ---------------------------------

# A case builds its bad input and returns (extra paths to give besides the folder, the name
# the error must mention).
Case = Callable[[Path, Path, pytest.MonkeyPatch], tuple[list[Path], str]]


def _empty(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    (folder / "Ia_Dom_gui_lai.xlsx").write_bytes(b"")
    return [], "Ia_Dom_gui_lai.xlsx"


def _random_bytes(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    data = bytes((i * 7919 + 13) % 256 for i in range(8192))
    assert not data.startswith((b"PK", limits.OLE_MAGIC))
    (folder / "bao_cao.xlsx").write_bytes(data)
    return [], "bao_cao.xlsx"


def _protected(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    shutil.copy(DATA / "protected.xlsx", folder / "Ia_Dom_mat_khau.xlsx")
    return [], "Ia_Dom_mat_khau.xlsx"


def _zip_bomb_small_limit(
    folder: Path, tmp: Path, mp: pytest.MonkeyPatch
) -> tuple[list[Path], str]:
    mp.setattr(limits, "MAX_UNCOMPRESSED_BYTES", MIB)
    with zipfile.ZipFile(folder / "bom.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", bytes(4 * MIB))
    return [], "bom.xlsx"


def _zip_bomb_real(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    real_zip_bomb(folder / "bom_that.xlsx")
    (folder / "base.xlsx").unlink()
    return [], "bom_that.xlsx"


def _entity_bomb(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    entity_bomb(folder / "Ia_Dom_xml.xlsx")
    return [], "Ia_Dom_xml.xlsx"


def _value_far_out(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    mp.setattr(limits, "MAX_CELLS", 1_000)  # XFD1048576 for real would cost 512 GiB to parse
    rewrite_member(small_form(folder / "Ia_Dom_o_xa.xlsx"), "xl/worksheets/sheet1.xml",
                   lambda xml: xml.replace(b"</sheetData>",
                                           b'<row r="100"><c r="AZ100"><v>1</v></c></row>'
                                           b"</sheetData>"))
    return [], "Ia_Dom_o_xa.xlsx"


def _ods_value_far_out(
    folder: Path, tmp: Path, mp: pytest.MonkeyPatch
) -> tuple[list[Path], str]:
    mp.setattr(limits, "MAX_CELLS", 1_000)  # 16,384 columns x 6,000 rows for real: 6 GB
    path = write_ods(folder / "Ia_Dom_o_xa.ods", {"Sheet1": [
        ["Đơn vị:", "Ia Dom", None, "Năm:", 2022], HEADER,
        [1, "Số trẻ đẻ sống", "trẻ", "live_births", 60]]})
    rewrite_member(path, "content.xml", lambda xml: xml.replace(
        b"</table:table>",
        b'<table:table-row table:number-rows-repeated="40">'
        b'<table:table-cell table:number-columns-repeated="60"/>'
        b'<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
        b"</table:table-cell></table:table-row></table:table>"))
    return [], "Ia_Dom_o_xa.ods"


def _too_many_sheets(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    mp.setattr(limits, "MAX_SHEETS", 10)
    many_sheets(folder / "Ia_Dom_nhieu_trang.xlsx", "Ia Dom", 11)
    return [], "Ia_Dom_nhieu_trang.xlsx"


def _too_large(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    mp.setattr(limits, "MAX_FILE_BYTES", 20_000)
    # Notes that do not compress (hex digests), so the workbook is larger than the limit.
    notes = [[None, hashlib.sha256(b"%d" % i).hexdigest(), hashlib.md5(b"%d" % i).hexdigest()]
             for i in range(600)]
    path = write_form(folder / "Ia_Dom_lon.xlsx", "Ia Dom", {"live_births": 60},
                      extra_rows=notes)
    assert path.stat().st_size > 20_000
    assert all((folder / n).stat().st_size < 20_000 for n in EXAMPLE_FILES)
    return [], "Ia_Dom_lon.xlsx"


def _path_missing(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    return [tmp / "USB" / "Ia_Dal.xlsx"], str(tmp / "USB" / "Ia_Dal.xlsx")


def _no_submissions(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    empty = tmp / "thu_muc_trong"
    empty.mkdir()
    (empty / "ghi_chu.txt").write_text("chưa xã nào gửi", encoding="utf-8")
    return [empty], "thu_muc_trong"


def _unreadable(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    locked = Path(shutil.copy(folder / "Ia_Dom.xlsx", folder / "Ia_Dom_khoa.xlsx"))

    # Tests run as root here, whom no file refuses: intake's open() refuses this one.
    def refusing(file: str, *args: Any, **kwargs: Any) -> Any:
        if Path(file).resolve() == locked.resolve():
            raise PermissionError(13, "Permission denied", file)
        return open(file, *args, **kwargs)

    mp.setattr(reading, "open", refusing, raising=False)  # the workers are forked: they see it
    return [], "Ia_Dom_khoa.xlsx"


def _unknown_commune(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    write_form(folder / "Ia_Grai.xlsx", "Xã Ia Grai", {"live_births": 70, "schools": 9})
    return [], "Ia_Grai.xlsx"


def _too_many_members(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    mp.setattr(limits, "MAX_MEMBERS", 20)
    path = small_form(folder / "Ia_Dom_nhieu_tep.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        for i in range(20):
            archive.writestr(f"customXml/item{i}.xml", b"<a/>")
    return [], "Ia_Dom_nhieu_tep.xlsx"


def _many_rows(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    mp.setattr(limits, "MAX_ROWS", 70)  # the examples have 67 rows
    rows = [["Đơn vị:", "Ia Dom"], HEADER] + [[i, "x", "trẻ", "live_births", 4]
                                                for i in range(80)]
    write_rows(folder / "Ia_Dom_nhieu_hang.xlsx", {"Sheet1": rows})
    return [], "Ia_Dom_nhieu_hang.xlsx"


def _reader_aborts(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    # No limit lowered: python-calamine asks for 17 billion cells and aborts its worker.
    rewrite_member(small_form(folder / "Ia_Dom_o_xa.xlsx"), "xl/worksheets/sheet1.xml",
                   lambda xml: xml.replace(b"</sheetData>",
                                           b'<row r="1048576"><c r="XFD1048576"><v>1</v></c>'
                                           b"</row></sheetData>"))
    return [], "Ia_Dom_o_xa.xlsx"


def _csv_quote(folder: Path, tmp: Path, mp: pytest.MonkeyPatch) -> tuple[list[Path], str]:
    (folder / "Ia_Dom_ghi_chu.csv").write_text(
        'Đơn vị:,Ia Dom\r\nMã,Số liệu\r\n"live_births,60\r\n', encoding="utf-8")
    return [], "Ia_Dom_ghi_chu.csv"


@pytest.mark.parametrize(
    ("case", "kind"),
    [
        pytest.param(_empty, "file-empty", id="empty-file"),
        pytest.param(_random_bytes, "file-unreadable", id="random-bytes-xlsx"),
        pytest.param(_protected, "encrypted", id="password-protected"),
        pytest.param(_zip_bomb_small_limit, "zip-bomb", id="zip-bomb-small-limit"),
        pytest.param(_zip_bomb_real, "zip-bomb", id="zip-bomb-300-mib"),
        pytest.param(_entity_bomb, "xml-entities", id="xml-entity-bomb"),
        pytest.param(_value_far_out, "too-many-cells", id="value-far-out"),
        pytest.param(_ods_value_far_out, "too-many-cells", id="ods-value-far-out"),
        pytest.param(_too_many_sheets, "too-many-sheets", id="too-many-sheets"),
        pytest.param(_too_large, "too-large", id="too-large"),
        pytest.param(_path_missing, "path-missing", id="path-missing"),
        pytest.param(_no_submissions, "no-submissions", id="folder-without-submissions"),
        pytest.param(_unreadable, "path-unreadable", id="no-read-rights"),
        pytest.param(_unknown_commune, "unit-unknown", id="unknown-commune"),
        pytest.param(_too_many_members, "too-many-members", id="too-many-members"),
        pytest.param(_many_rows, "too-many-rows", id="too-many-rows"),
        pytest.param(_reader_aborts, "read-unsafe", id="reader-aborts"),
        pytest.param(_csv_quote, "csv-quote", id="csv-quote-never-closed"),
    ],
)
def test_bad_input_is_one_error_and_the_rest_is_scored(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: Case, kind: str
) -> None:
    """One bad input beside the examples: one error naming it, the communes scored, exit 1."""
    extra, name = case(folder, tmp_path, monkeypatch)
    code, doc = score_json(folder, *extra)
    assert [e["type"] for e in errors(doc)] == [kind], doc["problems"]
    assert code == 1
    [error] = errors(doc)
    assert name in place(error), error
    assert "\n" not in error["message"]
    assert doc["units_reporting"] == UNITS
    assert indicators(doc) == indicators(clean())


def test_bad_file_is_listed_as_rejected(folder: Path) -> None:
    """The bad file is in "files" as rejected with its reason; the good ones are used."""
    (folder / "bao_cao.xlsx").write_bytes(b"")
    _, doc = score_json(folder)
    files = {Path(f["path"]).name: (f["status"], f["reason"]) for f in doc["files"]}
    assert files == {"Ia_Dal.xlsx": ("used", None), "Ia_Dom.xlsx": ("used", None),
                     "Ia_Toi.xlsx": ("used", None), "bao_cao.xlsx": ("rejected", "file-empty")}


def test_folder_with_no_submissions_alone(tmp_path: Path) -> None:
    """A run on a folder with no submission at all is one "no-submissions" error, exit 1."""
    (tmp_path / "ghi_chu.txt").write_text("x", encoding="utf-8")
    code, doc = score_json(tmp_path)
    assert code == 1
    assert [p["type"] for p in errors(doc)] == ["no-submissions"]
    assert doc["units_reporting"] == []


# --- bombs: bounded memory, whatever their size -----------------------------------------------


T = TypeVar("T")


def traced(run: Callable[[], T]) -> tuple[T, int]:
    """What ``run`` returns, and the most memory Python allocated meanwhile (bytes)."""
    tracemalloc.start()
    try:
        result = run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def test_real_zip_bomb_is_refused_before_it_inflates(tmp_path: Path, plan: Plan) -> None:
    """A ~300 KB workbook that inflates to 300 MiB of zeros is refused as "zip-bomb" at once."""
    path = real_zip_bomb(tmp_path / "bom.xlsx")
    assert path.stat().st_size < MIB
    with zipfile.ZipFile(path) as archive:
        member = archive.getinfo("xl/worksheets/sheet2.xml")
        assert member.file_size == 300 * MIB
        with archive.open(member) as stream:  # it really inflates: read its first MiB
            assert stream.read(MIB) == bytes(MIB)
    intake, peak = traced(lambda: read_paths([path], plan))
    assert peak < 4 * MIB  # refused from its directory: nothing was inflated
    [problem] = intake.problems
    assert (problem.type, problem.file) == ("zip-bomb", str(path))
    assert "300" in problem.message()


def test_zip_member_lying_about_its_size_costs_only_its_worker(
    tmp_path: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member whose headers declare 1 KB but whose data inflates to 16 MiB passes the
    directory's check; the reader reads it in its worker, within the worker's limits. Neither
    python-calamine nor the scan reads the sheet (so no figure of it is read, none lost)."""
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", MIB)
    base = small_form(tmp_path / "base.xlsx")
    members = []
    for name, data, size, crc in workbook_members(base):
        if name == "xl/worksheets/sheet1.xml":
            with zipfile.ZipFile(base) as archive:
                xml = archive.read(name)
            head, tail = xml.split(b"<sheetData>")
            data, _, crc = repeated_deflate(head + b"<sheetData>", b" " * MIB, 16, tail)
        members.append((name, data, size, crc))  # the size declared stays the small one
    path = write_raw_zip(tmp_path / "Ia_Dom.xlsx", members)
    with zipfile.ZipFile(path) as archive:
        assert sum(m.file_size for m in archive.infolist()) < MIB
    intake = read_paths([path], plan)
    assert [(p.type, p.sheet) for p in intake.problems] == [
        ("sheet-unreadable", "Sheet1"), ("no-form", None)]


def test_entity_bomb_is_refused_before_it_is_parsed(tmp_path: Path, plan: Plan) -> None:
    """A tiny workbook declaring a billion-"a" entity is refused as "xml-entities" at once."""
    path = entity_bomb(tmp_path / "Ia_Dom.xlsx")
    assert path.stat().st_size < 10_000
    intake, peak = traced(lambda: read_paths([path], plan))
    assert peak < 4 * MIB  # no entity was expanded
    [problem] = intake.problems
    assert (problem.type, problem.file) == ("xml-entities", str(path))
    assert intake.submissions == []


def test_entity_declaration_after_a_long_comment_is_refused(tmp_path: Path, plan: Plan) -> None:
    """Entities declared after 5,000 bytes of comment are still refused as "xml-entities"."""
    path = entity_bomb(tmp_path / "Ia_Dom.xlsx", padding=5000)
    intake = read_paths([path], plan)
    assert [(p.type, p.file) for p in intake.problems if p.severity == "error"] == [
        ("xml-entities", str(path))]
    assert intake.submissions == []


def test_a_declared_dimension_is_never_taken_for_rows(tmp_path: Path, plan: Plan) -> None:
    """A sheet declaring A1:F1000000 over a few rows (Gnumeric writes A1:XFD1048576 so) is
    read as the form it is: only the rows the reader returns are counted."""
    path = million_rows(tmp_path / "Ia_Dom.xlsx")
    intake = read_paths([path], plan)
    assert [p.type for p in intake.problems if p.severity == "error"] == []
    assert [s.unit for s in intake.submissions] == ["Ia Dom"]


def test_ods_sheet_of_too_many_rows_is_one_error(
    tmp_path: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An .ods sheet over MAX_ROWS (no <dimension> to read) is one "too-many-rows" error."""
    monkeypatch.setattr(limits, "MAX_ROWS", 50)
    rows = [["Đơn vị:", "Ia Dom"], HEADER] + [[i, "x", "trẻ", "live_births", 4]
                                                for i in range(80)]
    path = write_ods(tmp_path / "Ia_Dom.ods", {"Sheet1": rows})
    intake = read_paths([path], plan)
    assert intake.submissions == []
    assert [(p.type, p.file) for p in intake.problems if p.severity == "error"] == [
        ("too-many-rows", str(path))]


# --- many sheets ------------------------------------------------------------------------------


def test_fifty_sheets_one_form_and_instructions(tmp_path: Path, plan: Plan) -> None:
    """A workbook of 50 sheets (a form and 49 instructions) is read: 49 sheet-skipped notices."""
    path = many_sheets(tmp_path / "Ia_Dom.xlsx", "Xã Ia Dom", 50)
    intake = read_paths([path], plan)
    [sub] = intake.submissions
    assert (sub.unit, sub.sheet) == ("Ia Dom", "Số liệu")
    assert [(p.type, p.sheet) for p in intake.problems] == [
        ("sheet-skipped", f"Hướng dẫn {i}") for i in range(1, 50)]
    assert all(p.severity == "notice" for p in intake.problems)


def test_too_many_sheets_names_the_count(
    tmp_path: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over MAX_SHEETS, the workbook is one "too-many-sheets" error giving count and limit."""
    monkeypatch.setattr(limits, "MAX_SHEETS", 10)
    path = many_sheets(tmp_path / "Ia_Dom.xlsx", "Ia Dom", 11)
    intake = read_paths([path], plan)
    [problem] = intake.problems
    assert (problem.type, problem.file) == ("too-many-sheets", str(path))
    assert (problem.params["count"], problem.params["limit"]) == (11, 10)
    assert intake.submissions == []


# --- duplicates -------------------------------------------------------------------------------


def set_value(path: Path, code: str, value: object) -> str:
    """Rewrite the value of ``code`` in the example form at ``path``; its A1 cell."""
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 4).value == code:
            ws.cell(r, 5).value = value
            book.save(path)
            return f"E{r}"
    raise AssertionError(f"no row for {code} in {path}")


def test_second_file_with_a_different_value_is_a_conflict(folder: Path) -> None:
    """A second Ia Dom file with one value changed: one "value-conflict" naming both files."""
    second = Path(shutil.copy(folder / "Ia_Dom.xlsx", folder / "Ia_Dom_tram_y_te.xlsx"))
    cell = set_value(second, "children_aware", "1.490")
    code, doc = score_json(folder)
    assert code == 1
    [error] = errors(doc)
    assert (error["type"], error["cell"], error["code"]) == (
        "value-conflict", cell, "children_aware")
    assert "Ia_Dom.xlsx" in place(error)
    assert "Ia_Dom_tram_y_te.xlsx" in place(error)
    assert doc["units_reporting"] == UNITS
    # Only the targets that use children_aware lose Ia Dom; every other target is as before.
    uses = {t.id for t in PLAN.targets if "children_aware" in t.elements}
    assert uses
    for now, before in zip(doc["indicators"], clean()["indicators"], strict=True):
        if now["id"] in uses:
            assert now["units_missing"] == ["Ia Dom"]
        else:
            assert now == before


def test_identical_copy_is_counted_once(folder: Path) -> None:
    """An identical copy of a commune's file gives notices only, and is counted once: exit 0."""
    shutil.copy(folder / "Ia_Dom.xlsx", folder / "Ia_Dom (1).xlsx")
    code, doc = score_json(folder)
    assert code == 0
    assert errors(doc) == []
    assert {p["severity"] for p in doc["problems"]} == {"notice"}
    assert any("Ia_Dom (1).xlsx" in place(p) for p in doc["problems"])
    assert doc["units_reporting"] == UNITS
    assert indicators(doc) == indicators(clean())


def test_broken_file_unknown_commune_and_conflict_in_one_folder(folder: Path) -> None:
    """A broken file, an unknown commune and a conflict are each reported; the rest is scored."""
    (folder / "hong.xlsx").write_bytes(b"PK\x03\x04" + bytes(200))
    write_form(folder / "Ia_Grai.xlsx", "Xã Ia Grai", {"live_births": 70})
    second = Path(shutil.copy(folder / "Ia_Dom.xlsx", folder / "Ia_Dom_truong.xlsx"))
    cell = set_value(second, "schools_counselling", 6)
    code, doc = score_json(folder)
    assert code == 1
    found = sorted((e["type"], Path(e["file"]).name, e["cell"]) for e in errors(doc))
    assert found == [
        ("file-unreadable", "hong.xlsx", None),
        ("unit-unknown", "Ia_Grai.xlsx", "B2"),
        ("value-conflict", "Ia_Dom_truong.xlsx", cell),
    ]
    assert doc["units_reporting"] == UNITS
    touched = {t.id for t in PLAN.targets if "schools_counselling" in t.elements}
    assert [i for i in indicators(doc) if i[0] not in touched] == [
        i for i in indicators(clean()) if i[0] not in touched]


# --- the shared folder of mixed formats -------------------------------------------------------


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfd_text_numbers(source: Path, target: Path) -> Path:
    """The form at ``source`` with every text in NFD and every number typed as text.

    Figures of 1,000 or more get Vietnamese thousands dots ("1.525"); formulas become the
    values LibreOffice saved for them.
    """
    book = openpyxl.load_workbook(source, data_only=True)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell, MergedCell) or cell.value is None:
                    continue
                value = cell.value
                if isinstance(value, str):
                    cell.value = nfd(value)
                elif isinstance(value, int | float):
                    number = int(value)
                    dotted = cell.column_letter == "E" and cell.row > 4 and number >= 1000
                    cell.value = f"{number:,}".replace(",", ".") if dotted else str(number)
    book.worksheets[0]["A2"] = nfd("Đơn vị: Xã Ia Tơi")
    book.save(target)
    return target


def test_mixed_formats_folder_scores_like_the_examples(tmp_path: Path) -> None:
    """.xls, .ods, an NFD .xlsx with text numbers, a lock file and notes: scored as the examples."""
    folder = tmp_path / "chia_se"
    shutil.copytree(DATA / "mixed", folder)
    toi = nfd_text_numbers(EXAMPLES / "Ia_Toi.xlsx", folder / nfd("Ia_Tơi.xlsx"))
    (folder / "~$Ia_Dom.xlsx").write_bytes(b"\x0cNguyen Van A" + b" " * 40 + bytes(110))
    (folder / "notes.txt").write_text("Ia Dom gửi bản .ods qua Zalo", encoding="utf-8")
    check = openpyxl.load_workbook(toi).worksheets[0]
    assert check["A2"].value != unicodedata.normalize("NFC", check["A2"].value)
    assert check["E6"].value == "1.525"
    code, doc = score_json(folder)
    assert code == 0
    assert doc["units_reporting"] == UNITS
    assert indicators(doc) == indicators(clean())
    assert {p["severity"] for p in doc["problems"]} == {"notice"}
    assert sorted(p["type"] for p in doc["problems"]) == [
        "sheet-skipped", "skipped-lock-file", "skipped-type"]
    files = {Path(f["path"]).name: (f["status"], f["units"]) for f in doc["files"]}
    assert files == {
        "Ia_Dal.xls": ("used", ["Ia Đal"]),
        "Ia_Dom.ods": ("used", ["Ia Dom"]),
        toi.name: ("used", ["Ia Tơi"]),
        "~$Ia_Dom.xlsx": ("skipped", []),
        "notes.txt": ("skipped", []),
    }


# --- python-calamine's panics ------------------------------------------------------------


class PanicException(BaseException):
    """As pyo3 raises a panic of Rust code: a BaseException, by this name."""


class _PanickingBook:
    """A python-calamine workbook whose Rust code panics on opening or on a sheet."""

    def __init__(self, real: Any, at: str) -> None:
        self._real, self._at = real, at
        self.sheet_names, self.sheets_metadata = real.sheet_names, real.sheets_metadata

    @classmethod
    def opener(cls, at: str) -> Any:
        import python_calamine

        real_open = python_calamine.CalamineWorkbook.from_filelike

        class Opener:
            @staticmethod
            def from_filelike(data: Any) -> Any:
                if at == "open":
                    raise PanicException("called `Option::unwrap()` on a `None` value")
                return cls(real_open(data), at)

        return Opener

    def get_sheet_by_name(self, name: str) -> Any:
        if self._at == name:
            raise PanicException("index out of bounds")
        return self._real.get_sheet_by_name(name)


@pytest.mark.parametrize(("at", "expected"), [
    ("open", [("file-unreadable", None)]),
    ("Hướng dẫn", [("sheet-unreadable", "Hướng dẫn"), ("sheet-skipped", "Hướng dẫn")]),
])
def test_a_panic_in_python_calamine_is_a_problem_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: str, expected: list[Any]
) -> None:
    """python-calamine's Rust panics (pyo3's PanicException, a BaseException) on opening a
    file make it unreadable, on a sheet make the sheet skipped; the run goes on."""
    import python_calamine

    path = tmp_path / "Ia_Dom.xlsx"
    write_form(path, "Ia Dom", {"live_births": 412})
    book = openpyxl.load_workbook(path)
    guide = book.create_sheet("Hướng dẫn")
    guide["A1"], guide["B1"] = "Bước 1", "Ghi số liệu vào cột E"  # two columns: it is parsed
    book.save(path)
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", _PanickingBook.opener(at))
    result = read_paths([path], PLAN)
    assert [(p.type, p.sheet) for p in result.problems] == expected
    assert len(result.submissions) == (0 if at == "open" else 1)
    if at == "open":
        assert "unwrap" in str(result.problems[0].params["detail"])


def test_an_interrupt_while_reading_is_not_taken_for_a_bad_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C (KeyboardInterrupt, also a BaseException) stops the run, as it should, and
    leaves no worker behind (workers ignore it: it is the parent's to act on)."""
    path = write_form(tmp_path / "Ia_Dom.xlsx", "Ia Dom", {"live_births": 412})
    started: list[Any] = []
    real_start = isolation._Pool._start

    def start(pool: Any) -> Any:
        started.append(real_start(pool))
        return started[-1]

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(isolation._Pool, "_start", start)
    monkeypatch.setattr(isolation, "wait", interrupted)
    with pytest.raises(KeyboardInterrupt):
        read_paths([path], PLAN)
    assert started
    assert not any(worker.process.is_alive() for worker in started)


# --- what a folder holds besides files -------------------------------------------------------


def test_what_is_not_a_file_is_named_and_skipped(tmp_path: Path, plan: Plan) -> None:
    """A broken link, a link to a folder and a FIFO in the folder are each a notice (never
    read: a FIFO would block the run), and the forms beside them are read."""
    folder = tmp_path / "in"
    write_form(folder / "Ia_Dom.xlsx", "Ia Dom", {"schools": 3})
    (folder / "broken.xlsx").symlink_to(tmp_path / "gone.xlsx")
    (tmp_path / "elsewhere").mkdir()
    (folder / "linked").symlink_to(tmp_path / "elsewhere")
    os.mkfifo(folder / "pipe.xlsx")
    intake = read_paths([folder], plan)
    skipped = sorted((Path(str(p.file)).name, p.type, p.severity) for p in intake.problems
                     if p.type == "skipped-not-a-file")
    assert skipped == [("broken.xlsx", "skipped-not-a-file", "notice"),
                       ("linked", "skipped-not-a-file", "notice"),
                       ("pipe.xlsx", "skipped-not-a-file", "notice")]
    assert [s.unit for s in intake.submissions] == ["Ia Dom"]
    statuses = {Path(f.path).name: (f.status, f.reason, f.sha256) for f in intake.files}
    assert statuses["pipe.xlsx"] == ("skipped", "skipped-not-a-file", None)


def test_a_folder_too_deep_to_list_is_an_error_naming_it(tmp_path: Path, plan: Plan) -> None:
    """A folder whose path is longer than the system allows is an error, not silence."""
    folder = tmp_path / "in"
    write_form(folder / "Ia_Dom.xlsx", "Ia Dom", {"schools": 3})
    deep = str(folder)
    fd = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(20):  # 20 x 250 characters: over PATH_MAX (4,096)
            os.mkdir("d" * 250, dir_fd=fd)
            inner = os.open("d" * 250, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
            deep = os.path.join(deep, "d" * 250)
    finally:
        os.close(fd)
    intake = read_paths([folder], plan)
    [unusable] = [p for p in intake.problems if p.type == "path-unusable"]
    assert unusable.severity == "error"
    assert unusable.params["detail"] == "File name too long"
    assert str(unusable.file).startswith(str(folder))
    assert [s.unit for s in intake.submissions] == ["Ia Dom"]


def test_a_table_with_a_header_and_no_row_says_why_it_is_not_used(
    tmp_path: Path, plan: Plan
) -> None:
    path = tmp_path / "tong_hop.csv"
    path.write_text("Năm: 2022\nXã,schools,live_births\n", encoding="utf-8")
    intake = read_paths([path], plan)
    [record] = intake.files
    assert (record.status, record.reason) == ("rejected", "no-figures")
    assert [(p.type, p.severity, p.file) for p in intake.problems] == [
        ("no-figures", "error", str(path))]


def test_a_form_of_an_unknown_commune_is_rejected_for_that(tmp_path: Path, plan: Plan) -> None:
    path = write_form(tmp_path / "Ia_Grai.xlsx", "Ia Grai", {"schools": 3})
    intake = read_paths([path], plan)
    [record] = intake.files
    assert (record.status, record.reason) == ("rejected", "unit-unknown")
    assert [p.type for p in intake.problems] == ["unit-unknown"]

"""Reading the communes' workbooks: files and folders in, observations out.

Each sheet laid out as the form (layout A of SUBMISSIONS.md) gives one
:class:`Submission`: the unit, the year, and every figure read with the cell it
came from. Everything that cannot be read becomes a :class:`Problem`; nothing
here decides what counts (that is :mod:`kh_treem.validation`).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from kh_treem.i18n import SUMMARY_SHEET_SETS
from kh_treem.names import UnitMatcher, fold, label_keys, nearest
from kh_treem.plan import Plan
from kh_treem.problems import Problem
from kh_treem.values import Rejected, parse_count, parse_flag

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CODE_HEADERS = frozenset({"ma", "ma so", "code"})
VALUE_HEADERS = frozenset({"so lieu", "gia tri", "ket qua", "value"})
UNIT_LABELS = frozenset({"don vi", "don vi bao cao", "xa", "unit"})
YEAR_LABELS = frozenset({"nam", "nam bao cao", "year"})


@dataclass(frozen=True)
class Observation:
    """One figure as read: the element, its value, and where it stands."""

    code: str
    value: int
    file: str
    sheet: str
    cell: str

    @property
    def place(self) -> str:
        return f"{self.file} › {self.sheet} › {self.cell}"


@dataclass
class Submission:
    """One unit's figures from one sheet."""

    file: str
    sheet: str
    unit: str
    year: int | None
    year_cell: str | None
    observations: list[Observation] = field(default_factory=list)


FileStatus = Literal["used", "skipped", "rejected"]


@dataclass
class FileRecord:
    """A file the run looked at, and what became of it."""

    path: str
    status: FileStatus
    sha256: str | None = None
    size: int | None = None
    units: list[str] = field(default_factory=list)
    reason: str | None = None  # the problem type that decided a skip or a rejection


@dataclass
class Intake:
    submissions: list[Submission] = field(default_factory=list)
    files: list[FileRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_paths(paths: Sequence[Path | str], plan: Plan) -> Intake:
    """Read every submission found in ``paths`` (files or folders, recursively)."""
    intake = Intake()
    reader = _SheetReader(plan)
    seen: set[Path] = set()
    found_any = False
    for path, skip in _expand(paths, intake):
        key = path.resolve()
        if key in seen:  # named twice (a folder and a file in it): read once
            continue
        seen.add(key)
        if skip:
            intake.files.append(FileRecord(str(path), "skipped", reason=skip))
            intake.problems.append(Problem(skip, file=str(path)))
            continue
        found_any = True
        _read_file(path, reader, intake)
    if not found_any:
        shown = ", ".join(str(p) for p in paths)
        intake.problems.append(Problem("no-submissions", params={"paths": shown}))
    return intake


def _expand(paths: Sequence[Path | str], intake: Intake) -> Iterator[tuple[Path, str | None]]:
    """Every file under ``paths``, in a stable order, with the reason to skip it."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not _in_hidden_folder(child, path):
                    yield child, _skip_reason(child)
        elif path.is_file():
            yield path, _skip_reason(path)
        else:
            intake.problems.append(Problem("path-missing", file=str(path)))


def _in_hidden_folder(child: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in child.relative_to(root).parts[:-1])


def _skip_reason(path: Path) -> str | None:
    if path.name.startswith("~$"):
        return "skipped-lock-file"
    if path.name.startswith("."):
        return "skipped-hidden"
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        return "skipped-type"
    return None


def _read_file(path: Path, reader: _SheetReader, intake: Intake) -> None:
    import python_calamine

    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        _reject(intake, FileRecord(name, "rejected"), "path-unreadable", exc.strerror or str(exc))
        return
    record = FileRecord(name, "rejected", hashlib.sha256(data).hexdigest(), len(data))
    if not data:
        _reject(intake, record, "file-empty")
        return
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet_names = list(workbook.sheet_names)
    except Exception as exc:  # calamine raises several unrelated types for bad files
        _reject(intake, record, "file-unreadable", _short(exc))
        return
    if frozenset(sheet_names) in SUMMARY_SHEET_SETS:  # a summary left in the folder
        record.status, record.reason = "skipped", "skipped-own-summary"
        intake.files.append(record)
        intake.problems.append(Problem("skipped-own-summary", file=name))
        return
    skipped: list[Problem] = []
    forms = 0
    for sheet_name in sheet_names:
        try:
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception:  # a chart sheet or a damaged one: not a form
            rows = []
        submission = reader.read(rows, name, sheet_name, path.stem, intake.problems)
        if submission is None:
            skipped.append(Problem("sheet-skipped", file=name, sheet=sheet_name))
            continue
        forms += 1
        if submission.unit:
            intake.submissions.append(submission)
            record.units.append(submission.unit)
    if forms == 0:
        record.reason = "no-form"
        intake.problems.append(Problem("no-form", file=name))
    else:
        intake.problems.extend(skipped)
        record.status = "used" if record.units else "rejected"
    intake.files.append(record)


def _reject(intake: Intake, record: FileRecord, kind: str, detail: str = "") -> None:
    record.status, record.reason = "rejected", kind
    intake.files.append(record)
    intake.problems.append(Problem(kind, file=record.path, params={"detail": detail}))


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    return f"{column_letter(col)}{row + 1}"


class _SheetReader:
    """Reads one sheet laid out as the form."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.units = UnitMatcher(plan.units)
        self.elements = {fold(e.code): e for e in plan.elements}

    def read(
        self,
        rows: list[list[Any]],
        file: str,
        sheet: str,
        file_stem: str,
        problems: list[Problem],
    ) -> Submission | None:
        """The sheet's submission; None when the sheet is not a form.

        A form whose unit cannot be told gives a submission with an empty unit
        (its problem is recorded), so the file still counts as a form.
        """
        header = _find_header(rows)
        if header is None:
            return None
        header_row, code_col, value_col = header
        labels = _labels(rows[:header_row])
        unit = self._unit(labels.get("unit"), sheet, file_stem, file, problems)
        year, year_cell, year_ok = self._year(labels.get("year"), file, sheet, problems)
        # A sheet whose unit or year cannot be told is a form whose figures are not used.
        submission = Submission(file, sheet, unit if unit and year_ok else "", year, year_cell)
        for r in range(header_row + 1, len(rows)):
            row = rows[r]
            raw_code = row[code_col] if code_col < len(row) else ""
            if raw_code in ("", None):
                continue
            raw_value = row[value_col] if value_col < len(row) else ""
            self._read_value(r, value_col, str(raw_code).strip(), raw_value, submission, problems)
        return submission

    def _read_value(
        self,
        r: int,
        col: int,
        code_text: str,
        raw: Any,
        submission: Submission,
        problems: list[Problem],
    ) -> None:
        cell = cell_name(r, col)
        where = {"file": submission.file, "sheet": submission.sheet, "cell": cell}
        element = self.elements.get(fold(code_text))
        if element is None:
            if raw not in ("", None):
                problems.append(Problem("code-unknown", **where, params={
                    "found": code_text,
                    "value": raw,
                    "suggestion": nearest(code_text, [e.code for e in self.plan.elements]),
                }))
            return
        value = parse_flag(raw) if element.kind == "flag" else parse_count(raw)
        if isinstance(value, Rejected):
            problems.append(Problem(value.type, **where, code=element.code,
                                    params={"found": value.found}))
        elif value is not None:
            submission.observations.append(
                Observation(element.code, value, submission.file, submission.sheet, cell)
            )

    def _unit(
        self,
        label: tuple[str, str] | None,
        sheet: str,
        file_stem: str,
        file: str,
        problems: list[Problem],
    ) -> str | None:
        if label is not None:
            text, cell = label
            unit = self.units.match(text)
            if unit is None:
                problems.append(Problem("unit-unknown", file=file, sheet=sheet, cell=cell,
                                        params={"found": text,
                                                "suggestion": self.units.suggest(text)}))
            return unit
        for candidate in (sheet, file_stem):
            unit = self.units.match(candidate)
            if unit is not None:
                return unit
        problems.append(Problem("unit-missing", file=file, sheet=sheet,
                                params={"expected": ", ".join(self.units.units)}))
        return None

    def _year(
        self,
        label: tuple[str, str] | None,
        file: str,
        sheet: str,
        problems: list[Problem],
    ) -> tuple[int | None, str | None, bool]:
        """(year, its cell, whether the sheet may be used)."""
        if label is None:
            return None, None, True
        text, cell = label
        value = parse_count(text)
        if isinstance(value, int) and 1900 <= value <= 2200:
            return value, cell, True
        problems.append(Problem("year-invalid", file=file, sheet=sheet, cell=cell,
                                params={"found": text}))
        return None, cell, False


def _find_header(rows: list[list[Any]]) -> tuple[int, int, int] | None:
    """(row, code column, value column) of the first row naming both columns."""
    for r, row in enumerate(rows):
        code_col = value_col = None
        for c, raw in enumerate(row):
            if not isinstance(raw, str) or not raw.strip():
                continue
            keys = label_keys(raw)
            if code_col is None and keys & CODE_HEADERS:
                code_col = c
            elif value_col is None and keys & VALUE_HEADERS:
                value_col = c
        if code_col is not None and value_col is not None:
            return r, code_col, value_col
    return None


def _labels(rows: Iterable[list[Any]]) -> dict[str, tuple[str, str]]:
    """The first unit and year found above the header: kind -> (text, cell)."""
    found: dict[str, tuple[str, str]] = {}
    for r, row in enumerate(rows):
        for c, raw in enumerate(row):
            if not isinstance(raw, str) or not raw.strip():
                continue
            kind = _label_kind(label_keys(raw))
            if kind is not None:
                # The label alone: its value is the next non-empty cell of the row.
                value = _next_value(row, c)
                if value is not None and kind not in found:
                    found[kind] = (value[0], cell_name(r, value[1]))
                continue
            for kind, text in _inline_labels(raw):
                if kind not in found and text:
                    found[kind] = (text, cell_name(r, c))
    return found


def _label_kind(keys: set[str]) -> str | None:
    if keys & UNIT_LABELS:
        return "unit"
    if keys & YEAR_LABELS:
        return "year"
    return None


def _next_value(row: list[Any], col: int) -> tuple[str, int] | None:
    for c in range(col + 1, len(row)):
        raw = row[c]
        if raw in ("", None):
            continue
        text = _as_text(raw)
        if isinstance(raw, str) and _label_kind(label_keys(raw)) is not None:
            return None  # the next cell is another label: this one was left empty
        return text, c
    return None


def _as_text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _inline_labels(text: str) -> list[tuple[str, str]]:
    """Label-colon-value pairs inside one cell: "Đơn vị: Xã Ia Dom   Năm: 2022"."""
    parts = text.split(":")
    # For each part but the last, the label its trailing words spell, if any.
    labels: list[tuple[str, int] | None] = []
    for part in parts[:-1]:
        words = part.split()
        hit = None
        for k in range(min(3, len(words)), 0, -1):
            kind = _label_kind(label_keys(" ".join(words[-k:])))
            if kind is not None:
                hit = (kind, k)
                break
        labels.append(hit)
    pairs = []
    for i, hit in enumerate(labels):
        if hit is None:
            continue
        words = parts[i + 1].split()
        following = labels[i + 1] if i + 1 < len(labels) else None
        if following is not None:
            words = words[: len(words) - following[1]]
        pairs.append((hit[0], " ".join(words)))
    return pairs


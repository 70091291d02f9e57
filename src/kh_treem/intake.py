"""Reading the communes' files: paths in, submissions out.

Files and folders are expanded (recursively, in a stable order), each file is
read once, checked against the limits of :mod:`kh_treem.limits`, and its sheets
(or its CSV rows) handed to :mod:`kh_treem.layouts`. Everything that cannot be
read becomes a :class:`Problem`; nothing here decides what counts (that is
:mod:`kh_treem.validation`).
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from kh_treem import limits
from kh_treem.formulas import untrusted_cells
from kh_treem.i18n import is_own_output
from kh_treem.layouts import Observation, SheetReader, SheetSource, Submission
from kh_treem.plan import Plan
from kh_treem.problems import Problem
from kh_treem.sheet_parts import sheet_parts
from kh_treem.tabular import read_csv

__all__ = ["FileRecord", "Intake", "Observation", "Submission", "read_paths"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
ACCEPTED_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")

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


# Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 200
MIN_SHARE = 50  # files: a worker's smallest share

Entry = tuple[Path, str | None]  # a file, and why it is skipped (None: read it)


Progress = Callable[[int, int], None]  # (files done, files in all)


def read_paths(
    paths: Sequence[Path | str], plan: Plan, jobs: int = 1, progress: Progress | None = None
) -> Intake:
    """Read every submission found in ``paths`` (files or folders, recursively).

    With ``jobs`` > 1 and many files, the files are read by that many processes,
    each taking contiguous shares; the result is the same, in the same order.
    ``progress`` is told how many files are done as shares complete.
    """
    intake = Intake()
    # The run's events in order: a problem about a path, or a file to read or skip.
    events: list[Problem | Entry] = []
    seen: set[str] = set()
    found_any = False
    for given in paths:
        found_here = False
        for path, skip, key in _expand(Path(given), events):
            found_here = found_here or skip is None
            if key not in seen:  # named twice (a folder and a file in it): read once
                seen.add(key)
                events.append((path, skip))
        # A folder the officer named but that holds nothing to read is worth an error.
        if not found_here and Path(given).is_dir():
            events.append(Problem("no-submissions", params={"paths": str(given)}))
        found_any = found_any or found_here or Path(given).is_dir()
    if not found_any and any(Path(p).is_file() for p in paths):
        shown = ", ".join(str(p) for p in paths)
        events.append(Problem("no-submissions", params={"paths": shown}))

    entries = [e for e in events if not isinstance(e, Problem)]
    results = iter(_read_all(entries, plan, jobs, progress or _no_progress))
    for event in events:
        if isinstance(event, Problem):
            intake.problems.append(event)
        else:
            part = next(results)
            intake.submissions.extend(part.submissions)
            intake.files.extend(part.files)
            intake.problems.extend(part.problems)
    return intake


def _no_progress(done: int, total: int) -> None:
    pass


def _read_all(entries: list[Entry], plan: Plan, jobs: int, progress: Progress) -> list[Intake]:
    """One Intake per entry, in order; read in ``jobs`` processes when there are many."""
    total = len(entries)
    shares = [entries[start:end] for start, end in share_bounds(total, jobs)]
    results: list[Intake] = []
    if jobs <= 1 or total < PARALLEL_MIN_FILES:
        reader = SheetReader(plan, [])
        for share in shares:
            results.extend(read_entries(share, reader))
            progress(len(results), total)
        return results
    from concurrent.futures import ProcessPoolExecutor

    # Each worker gets the plan once, not once per share: a province's plan is large.
    with ProcessPoolExecutor(max_workers=jobs, initializer=_keep_reader,
                             initargs=(plan,)) as pool:
        for part in pool.map(_read_share, shares):
            results.extend(part)
            progress(len(results), total)
    return results


def share_bounds(total: int, jobs: int) -> list[tuple[int, int]]:
    """(start, end) of each share of ``total`` files for ``jobs`` processes, in order.

    Each share is an eighth of a process's part of the files still to hand out, so the
    shares shrink towards the end (to MIN_SHARE): with equal shares of 625 files, one
    process sat idle for up to a share's time (~1.5 s) while the other read the last.
    Small enough to tell progress by, large enough that a share's overhead is nothing.
    """
    bounds = []
    start = 0
    while start < total:
        size = max(MIN_SHARE, -(-(total - start) // (max(jobs, 1) * 8)))
        bounds.append((start, min(total, start + size)))
        start += size
    return bounds


_worker_reader: SheetReader | None = None  # set in each worker process by _keep_reader


def _keep_reader(plan: Plan) -> None:
    # One reader a process: it indexes the plan's units (10,000 of them in a province).
    global _worker_reader
    _worker_reader = SheetReader(plan, [])


def _read_share(entries: list[Entry]) -> list[Intake]:
    assert _worker_reader is not None, "a worker reads only after _keep_reader"
    return read_entries(entries, _worker_reader)


def read_entries(entries: list[Entry], reader: SheetReader) -> list[Intake]:
    """Each entry read (or skipped) into its own Intake: a worker process's share."""
    reader.forget_shared()
    parts = []
    for path, skip in entries:
        part = Intake()
        if skip:
            part.files.append(_skipped(path, skip))
            part.problems.append(Problem(skip, file=str(path)))
        else:
            reader.problems = part.problems
            _read_file(path, reader, part)
        parts.append(part)
    return parts


def _skipped(path: Path, reason: str) -> FileRecord:
    """A skipped file's record, with its hash where it can be had cheaply (it was sent too)."""
    record = FileRecord(str(path), "skipped", reason=reason)
    try:
        size = path.stat().st_size
        if size <= limits.MAX_FILE_BYTES:
            record.sha256, record.size = hashlib.sha256(path.read_bytes()).hexdigest(), size
    except OSError:
        pass  # a lock file held by Excel: named without its hash
    return record


def _expand(path: Path, events: list[Problem | Entry]) -> Iterator[tuple[Path, str | None, str]]:
    """Every file under ``path``, in a stable order, with the reason to skip it and its
    real path (a file named twice, or through a link, is read once)."""
    if path.is_dir():
        for _, parts, real in sorted(_files_under(path)):
            child = path.joinpath(*parts)
            yield child, _skip_reason(child), real
    elif path.is_file():
        yield path, _skip_reason(path), os.path.realpath(path)
    else:
        events.append(Problem("path-missing", file=str(path)))


def _files_under(root: Path) -> list[tuple[tuple[str, ...], tuple[str, ...], str]]:
    """(sort key, path below ``root`` as parts, real path) of every file, hidden folders left out.

    Sorted, this is the order of ``sorted(root.rglob("*"))`` (case-blind where the
    system is); os.scandir knows each entry's type without a system call, and the
    real path is that of its folder, found once, but for a link: pathlib's walk and
    Path.resolve() for each file made a third of the time of a 10,000-file run.
    Links to folders are not followed (as rglob); links to files are.
    """
    found: list[tuple[tuple[str, ...], tuple[str, ...], str]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(str(root), ())]
    while pending:
        folder, above = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # a folder that cannot be listed holds nothing to read (as rglob)
        real_folder = os.path.realpath(folder)
        for entry in entries:
            parts = (*above, entry.name)
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith("."):
                        pending.append((entry.path, parts))
                elif entry.is_file():
                    real = (os.path.realpath(entry.path) if entry.is_symlink()
                            else os.path.join(real_folder, entry.name))
                    found.append((tuple(map(os.path.normcase, parts)), parts, real))
            except OSError:
                continue  # gone since it was listed
    return found


def _skip_reason(path: Path) -> str | None:
    if path.name.startswith("~$"):
        return "skipped-lock-file"
    if path.name.startswith("."):
        return "skipped-hidden"
    if path.suffix.lower() not in ACCEPTED_SUFFIXES:
        return "skipped-type"
    return None


def _read_file(path: Path, reader: SheetReader, intake: Intake) -> None:
    name = str(path)
    try:
        with open(name, "rb", buffering=0) as file:  # unbuffered: read whole, in one call
            data = file.readall()
    except OSError as exc:
        _reject(intake, FileRecord(name, "rejected"), "path-unreadable",
                detail=exc.strerror or str(exc))
        return
    record = FileRecord(name, "rejected", hashlib.sha256(data).hexdigest(), len(data))
    if not data:
        _reject(intake, record, "file-empty")
        return
    checked = limits.check_bytes(data)
    if checked.refusal is not None:
        _reject(intake, record, checked.refusal.type, **checked.refusal.params)
        return
    sheets: Iterable[Sheet] | None
    if path.suffix.lower() == ".csv":
        sheets = _csv_sheets(data, record, intake)
    else:
        sheets = _workbook_sheets(checked, record, intake)
    if sheets is None:
        return
    skipped: list[Problem] = []
    forms = refused = 0
    for sheet_name, rows, untrusted in sheets:
        if rows is None:
            refused += 1
            continue
        source = SheetSource(name, sheet_name, path.stem, untrusted)
        submissions = reader.read(rows, source)
        if submissions is None:
            skipped.append(Problem("sheet-skipped", file=name, sheet=sheet_name or None))
            continue
        forms += 1
        intake.submissions.extend(submissions)
        record.units.extend(dict.fromkeys(s.unit for s in submissions if s.unit))
    if forms == 0 and refused:
        record.reason = "too-many-rows"
    elif forms == 0:
        record.reason = "no-form"
        intake.problems.append(Problem("no-form", file=name))
    else:
        intake.problems.extend(skipped)
        record.status = "used" if record.units else "rejected"
    intake.files.append(record)


# (name, rows or None for a sheet refused by a limit, untrusted cells)
Sheet = tuple[str, list[list[Any]] | None, dict[str, str]]


def _workbook_sheets(
    checked: limits.Checked, record: FileRecord, intake: Intake
) -> Iterator[Sheet] | None:
    """The sheets of a workbook, lazily, or None when it cannot be opened (recorded)."""
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(checked.readable))
        names = list(workbook.sheet_names)
    except python_calamine.PasswordError:
        _reject(intake, record, "encrypted")
        return None
    except BaseException as exc:  # calamine raises several unrelated types for bad files
        if not _calamine_failed(exc):
            raise
        _reject(intake, record, "file-unreadable", detail=_short(exc))
        return None
    if is_own_output(names):  # a summary or trend kh-treem left in the folder
        record.status, record.reason = "skipped", "skipped-own-summary"
        intake.files.append(record)
        intake.problems.append(Problem("skipped-own-summary", file=record.path))
        return None
    if len(names) > limits.MAX_SHEETS:
        _reject(intake, record, "too-many-sheets", count=len(names), limit=limits.MAX_SHEETS)
        return None
    # A sheet all in column A holds no header row (a form's code and value columns, a
    # table's unit and code columns, are two): it is not parsed, and is skipped as any
    # sheet without a header. The instructions sheet of every form cost a tenth of the
    # form's reading. (Its rows are within 99,999: never too many, unless a test says so.)
    one_column = ({name for name, part in sheet_parts(checked.xml, names).items()
                   if part in checked.one_column}
                  if checked.one_column and limits.MAX_ROWS >= 99_999 else set())
    untrusted = untrusted_cells(checked.xml, skip=one_column)

    def sheets() -> Iterator[Sheet]:
        for sheet_name in names:
            if sheet_name in one_column:
                yield sheet_name, [], {}
                continue
            try:
                sheet = workbook.get_sheet_by_name(sheet_name)
                height = sheet.height
                rows = (sheet.to_python(skip_empty_area=False) if height <= limits.MAX_ROWS
                        else None)
            except BaseException as exc:
                if not _calamine_failed(exc):
                    raise
                yield sheet_name, [], {}  # a chart sheet or a damaged one: not a form
                continue
            if rows is None:
                intake.problems.append(Problem("too-many-rows", file=record.path,
                                               sheet=sheet_name, params={
                    "rows": height, "limit": limits.MAX_ROWS}))
                yield sheet_name, None, {}  # refused, and said so
                continue
            yield sheet_name, rows, dict(untrusted.get(sheet_name, {}))

    return sheets()


def _calamine_failed(exc: BaseException) -> bool:
    """Whether python-calamine failed on the file: any Exception, or a panic of its Rust
    code, which pyo3 raises as PanicException, a BaseException (it stopped the whole run
    with a traceback). KeyboardInterrupt and SystemExit go on."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _csv_sheets(data: bytes, record: FileRecord, intake: Intake) -> list[Sheet] | None:
    """A CSV file as one sheet with no name."""
    table = read_csv(data)
    if table.legacy_encoding:
        intake.problems.append(Problem("csv-windows-1258", file=record.path))
    if len(table.rows) > limits.MAX_ROWS:
        _reject(intake, record, "too-many-rows", rows=len(table.rows), limit=limits.MAX_ROWS)
        return None
    return [("", table.rows, {})]


def _reject(intake: Intake, record: FileRecord, kind: str, **params: object) -> None:
    record.status, record.reason = "rejected", kind
    intake.files.append(record)
    intake.problems.append(Problem(kind, file=record.path, params=params))


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]

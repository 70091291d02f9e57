"""Reading the communes' files: paths in, submissions out.

Files and folders are expanded (recursively, in a stable order), each file is
read once, in a worker process (:mod:`kh_treem.isolation`, :mod:`kh_treem.reading`),
and its sheets (or its CSV rows) handed to :mod:`kh_treem.layouts`. Everything that cannot be
read becomes a :class:`Problem`; nothing here decides what counts (that is
:mod:`kh_treem.validation`).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kh_treem import limits
from kh_treem.formatting import in_words
from kh_treem.isolation import Progress, read_contained
from kh_treem.layouts import Observation, SheetReader, SheetSource, Submission
from kh_treem.limits import Refusal
from kh_treem.plan import Plan
from kh_treem.problems import SEVERITIES, Problem
from kh_treem.reading import ACCEPTED_SUFFIXES, FileRead, Reader, read_file

__all__ = ["FileRecord", "Intake", "Observation", "Progress", "Submission", "read_paths"]

FileStatus = Literal["used", "skipped", "rejected"]
# The problems listed for one file; the rest are counted. A commune's form holds about 50
# figures; a few files of 100,000 refused values each, listed whole, would hold all the
# memory of the officer's PC.
MAX_LISTED = 1_000


@dataclass
class FileRecord:
    """A file the run looked at, and what became of it."""

    path: str
    status: FileStatus
    sha256: str | None = None
    size: int | None = None
    units: list[str] = field(default_factory=list)
    reason: str | None = None  # the problem type that decided a skip or a rejection
    reader: Reader | None = None  # which reader read it


@dataclass
class Intake:
    submissions: list[Submission] = field(default_factory=list)
    files: list[FileRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


Entry = tuple[Path, str | None]  # a file, and why it is skipped (None: read it)


def read_paths(
    paths: Sequence[Path | str], plan: Plan, jobs: int = 1, progress: Progress | None = None
) -> Intake:
    """Read every submission found in ``paths`` (files or folders, recursively).

    Files are read in worker processes (:mod:`kh_treem.isolation`), up to ``jobs`` of them
    when there are many files; the result is the same, in the same order. ``progress`` is
    told how many files are done.
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
        if not found_here and os.path.isdir(given):
            events.append(Problem("no-submissions", params={"paths": str(given)}))
        found_any = found_any or found_here or os.path.isdir(given)
    if not found_any and any(os.path.isfile(p) for p in paths):
        shown = ", ".join(str(p) for p in paths)
        events.append(Problem("no-submissions", params={"paths": shown}))

    to_read = [str(e[0]) for e in events if not isinstance(e, Problem) and e[1] is None]
    parts = iter(read_contained(to_read, FileReader(plan), jobs, progress))
    # One tuple object for all the forms that have the same codes (or cells) in the same
    # order: each form's arrive from its worker as copies of their own.
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    for event in events:
        if isinstance(event, Problem):
            intake.problems.append(event)
            continue
        path, skip = event
        if skip:
            intake.files.append(_skipped(path, skip))
            intake.problems.append(Problem(skip, file=str(path)))
            continue
        part = next(parts)
        for submission in part.submissions:
            submission.codes = shared.setdefault(submission.codes, submission.codes)
            submission.cells = shared.setdefault(submission.cells, submission.cells)
        intake.submissions.extend(part.submissions)
        intake.files.extend(part.files)
        intake.problems.extend(part.problems)
    return intake


class FileReader:
    """What a worker process does with each file: read it, and lay its sheets out as
    submissions against the plan (the parent only merges what comes back)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._sheets: SheetReader | None = None  # made in the worker, once

    def __getstate__(self) -> dict[str, Plan]:  # a spawned worker gets the plan alone
        return {"plan": self.plan}

    def __setstate__(self, state: dict[str, Plan]) -> None:
        self.__init__(state["plan"])  # type: ignore[misc]

    def read(self, path: str) -> Intake:
        if self._sheets is None:  # it indexes the plan's units: 10,000 in a province
            self._sheets = SheetReader(self.plan, [])
        part = Intake()
        self._sheets.problems = part.problems
        _use(read_file(path), Path(path).stem, self._sheets, part)
        self._sheets.forget_shared()
        part.problems = _listed(part.problems, path)
        return part

    def unsafe(self, path: str) -> Intake:
        """The file that crashed, exhausted or stalled its worker: one error line."""
        part = Intake()
        _refuse(path, Refusal("read-unsafe"), FileRecord(path, "rejected"), part)
        return part


def _listed(problems: list[Problem], path: str) -> list[Problem]:
    """A file's problems, at most MAX_LISTED of them, errors first (the file's verdict, such
    as no-form, comes last), and one line a severity counting the others."""
    if len(problems) <= MAX_LISTED:
        return problems
    by_severity = sorted(problems, key=lambda p: SEVERITIES.index(p.severity))
    more = Counter(p.severity for p in by_severity[MAX_LISTED:])
    return [*by_severity[:MAX_LISTED],
            *(Problem(f"more-{severity}s", file=path, stands_for=more[severity],
                      params={"count": in_words(more[severity]),
                              "listed": in_words(MAX_LISTED)})
              for severity in SEVERITIES if more[severity])]



def _skipped(path: Path, reason: str) -> FileRecord:
    """A skipped file's record, with its hash where it can be had cheaply (it was sent too)."""
    record = FileRecord(str(path), "skipped", reason=reason)
    try:
        found = path.stat()
        if stat.S_ISREG(found.st_mode):
            record.size = found.st_size
        if stat.S_ISREG(found.st_mode) and found.st_size <= limits.MAX_FILE_BYTES:
            # At most its size: a system file that says 0 bytes (/proc/kmsg) can block a read.
            with open(path, "rb") as file:
                record.sha256 = hashlib.sha256(file.read(found.st_size)).hexdigest()
    except OSError:
        pass  # a lock file held by Excel: named without its hash
    return record


def _expand(path: Path, events: list[Problem | Entry]) -> Iterator[tuple[Path, str | None, str]]:
    """Every file under ``path``, in a stable order, with the reason to skip it and its
    real path (a file named twice, or through a link, is read once)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        events.append(Problem("path-missing", file=str(path)))
        return
    except OSError as exc:  # too long, a loop of links, no permission
        events.append(Problem("path-unusable", file=str(path), params=_detail(exc)))
        return
    if stat.S_ISDIR(mode):
        for _, parts, real, regular in sorted(_files_under(path, events)):
            child = path.joinpath(*parts)
            yield child, _skip_reason(child) if regular else "skipped-not-a-file", real
    else:
        reason = _skip_reason(path) if stat.S_ISREG(mode) else "skipped-not-a-file"
        yield path, reason, os.path.realpath(path)


def _files_under(
    root: Path, events: list[Problem | Entry]
) -> list[tuple[tuple[str, ...], tuple[str, ...], str, bool]]:
    """(sort key, path below ``root`` as parts, real path, whether it is a regular file) of
    everything in the folders below ``root`` but folders, hidden folders left out; a folder
    that cannot be listed is a problem in ``events``.

    Sorted, this is the order of ``sorted(root.rglob("*"))`` (case-blind where the
    system is); os.scandir knows each entry's type without a system call, and the
    real path is that of its folder, found once, but for a link (a province's folder
    holds thousands of files; pathlib's walk and a resolve() each cost a system call).
    Links to folders are not followed (as rglob): they, broken links, FIFOs and devices
    are entries that are not regular files.
    """
    found: list[tuple[tuple[str, ...], tuple[str, ...], str, bool]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(str(root), ())]
    while pending:
        folder, above = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            events.append(Problem("path-unusable", file=folder, params=_detail(exc)))
            continue
        real_folder = os.path.realpath(folder)
        for entry in entries:
            parts = (*above, entry.name)
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith("."):
                        pending.append((entry.path, parts))
                    continue
                real = (os.path.realpath(entry.path) if entry.is_symlink()
                        else os.path.join(real_folder, entry.name))
                found.append((tuple(map(os.path.normcase, parts)), parts, real,
                              entry.is_file()))
            except OSError:
                continue  # gone since it was listed
    return found


def _detail(exc: OSError) -> dict[str, object]:
    return {"detail": exc.strerror or str(exc)}


def _skip_reason(path: Path) -> str | None:
    if path.name.startswith("~$"):
        return "skipped-lock-file"
    if path.name.startswith("."):
        return "skipped-hidden"
    if path.suffix.lower() not in ACCEPTED_SUFFIXES:
        return "skipped-type"
    return None


def _use(read: FileRead, stem: str, reader: SheetReader, intake: Intake) -> None:
    """A file as read, turned into submissions: its record, its problems, its figures."""
    name = read.path
    record = FileRecord(name, "rejected", read.sha256, read.size, reader=read.reader)
    if read.refusal is not None:
        _refuse(name, read.refusal, record, intake)
        return
    if read.own_output:  # a summary or trend kh-treem left in the folder
        record.status, record.reason = "skipped", "skipped-own-summary"
        intake.files.append(record)
        intake.problems.append(Problem("skipped-own-summary", file=name))
        return
    intake.problems.extend(read.problems)
    skipped: list[Problem] = []
    forms = 0
    for sheet in read.sheets:
        if sheet.rows is None:
            continue  # refused by a limit: read.problems says so
        submissions = reader.read(sheet.rows, SheetSource(name, sheet.name, stem,
                                                          sheet.formulas))
        if submissions is None:
            skipped.append(Problem("sheet-skipped", file=name, sheet=sheet.name or None))
            continue
        forms += 1
        intake.submissions.extend(submissions)
        record.units.extend(dict.fromkeys(s.unit for s in submissions if s.unit))
    limits_hit = [p.type for p in read.problems if p.type in ("too-many-rows", "too-many-cells")]
    if forms == 0 and limits_hit:
        record.reason = limits_hit[0]  # the limit that refused the file's sheets
    elif forms == 0:
        record.reason = "no-form"
        intake.problems.append(Problem("no-form", file=name))
    else:
        intake.problems.extend(skipped)
        record.status = "used" if record.units else "rejected"
        if not record.units:  # why: its first error (an unknown commune, ...), or no row
            errors = [p.type for p in intake.problems if p.file == name and
                      p.severity == "error"]
            record.reason = errors[0] if errors else "no-figures"
            if not errors:
                intake.problems.append(Problem("no-figures", file=name))
    intake.files.append(record)


def _refuse(path: str, refusal: Refusal, record: FileRecord, intake: Intake) -> None:
    record.reason = refusal.type
    intake.files.append(record)
    intake.problems.append(Problem(refusal.type, file=path, params=refusal.params))

"""Each command as one library call: read -> validate -> score.

``score(paths)`` is what ``kh-treem score`` runs; its :class:`ScoreResult`
is what the table, the workbook and ``--format json`` show. ``check(paths)``
is what ``kh-treem check`` runs: the same reading and validation, reported
file by file, with the completeness of the set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kh_treem.arrivals import Arrivals, Change, compare
from kh_treem.intake import FileRecord, Intake, Progress, read_paths
from kh_treem.layouts import Submission
from kh_treem.plan import Plan, load_plan, require_units
from kh_treem.problems import Problem, Words, counted
from kh_treem.records import (
    FILE_COLUMNS,
    TARGET_COLUMNS,
    UNIT_COLUMNS,
    Table,
    data_frame,
    json_number,
    target_fields,
)
from kh_treem.scoring import Breakdown, Outcome, score_plan, summed_counts
from kh_treem.unusual import UNUSUAL, against_communes, against_last_year
from kh_treem.validation import Assembled, Figures, assemble, of_plan_year

if TYPE_CHECKING:
    import pandas

__all__ = ["CheckResult", "FileCheck", "Outcome", "ScoreResult", "check", "score"]


@dataclass(frozen=True)
class ScoreResult:
    plan: Plan
    units_reporting: list[str]
    indicators: list[Outcome]
    by_unit: Breakdown  # unit -> its own outcomes (targets counting units left out)
    figures: Figures  # unit -> code -> the figure that counted
    counts: dict[str, tuple[int | None, int]]
    problems: list[Problem]
    files: list[FileRecord]

    @property
    def met(self) -> int:
        return sum(o.status == "met" for o in self.indicators)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """The JSON shape of docs/contract.md."""
        return {
            "plan": {"id": self.plan.id, "year": self.plan.year},
            "units_expected": list(self.plan.units),
            "units_reporting": list(self.units_reporting),
            "indicators": [_indicator(o, lang) for o in self.indicators],
            "by_unit": {
                unit: [_unit_outcome(o) for o in outcomes]
                for unit, outcomes in self.by_unit.items()
            },
            "problems": [p.to_dict(lang) for p in self.problems],
            "summary": {"met": self.met, "targets": len(self.indicators),
                        "errors": counted(self.problems, "error")},
            "files": [
                {"path": f.path, "status": f.status, "sha256": f.sha256, "units": f.units,
                 "reason": f.reason, "reader": f.reader}
                for f in self.files
            ],
        }

    def to_table(self, lang: str = "vi", by_unit: bool = False) -> Table:
        """One row a target (``by_unit``: a commune and target, the targets counting
        communes left out): what ``--format csv`` writes."""
        year = self.plan.year
        if not by_unit:
            return Table(TARGET_COLUMNS, [_target_row(year, o, lang) for o in self.indicators])
        return Table(UNIT_COLUMNS, [{"commune": unit, **_target_row(year, o, lang)}
                                    for unit, outcomes in self.by_unit.items()
                                    for o in outcomes])

    def to_frame(self, lang: str = "vi", by_unit: bool = False) -> pandas.DataFrame:
        """:meth:`to_table` as a pandas DataFrame (``pip install 'kh-treem[pandas]'``)."""
        return data_frame(self.to_table(lang, by_unit))


def _target_row(year: int, o: Outcome, lang: str) -> dict[str, Any]:
    return {"year": year, **target_fields(o.target, lang), "target": json_number(o.target.target),
            "numerator": o.numerator, "denominator": o.denominator,
            "value": json_number(o.value), "status": o.status}


def _unit_outcome(o: Outcome) -> dict[str, Any]:
    return {"id": o.target.id, "numerator": o.numerator, "denominator": o.denominator,
            "value": json_number(o.value), "status": o.status}


def _indicator(o: Outcome, lang: str) -> dict[str, Any]:
    t = o.target
    return {
        **target_fields(t, lang),
        "target": json_number(t.target),
        "numerator": o.numerator,
        "denominator": o.denominator,
        "value": json_number(o.value),
        "status": o.status,
        "units_reporting": list(o.units_reporting),
        "units_missing": list(o.units_missing),
    }


def previous_figures(
    paths: Sequence[Path | str], plan: Plan, year: int, jobs: int = 1
) -> tuple[Assembled, list[Problem]]:
    """Last year's figures, from the submissions in ``paths``.

    ``year`` is this year; the submissions are read and validated as the plan's figures for
    ``year - 1`` (a figure given twice with different values, or breaking a rule, is left
    out, as when scoring). The problems are those reading and validating found.
    """
    # Last year's forms may name the communes merged since: read them too, to add them up.
    old = [u for units in plan.merged.values() for u in units if u not in plan.units]
    last = plan.model_copy(update={"year": year - 1, "units": [*plan.units, *old],
                                   "merged": {}})
    intake = read_paths(paths, last, jobs)
    assembled = assemble(intake.submissions, last)
    return assembled, intake.problems + assembled.problems


def _unusual(
    plan: Plan, assembled: Assembled, previous: Sequence[Path | str], jobs: int
) -> list[Problem]:
    """The figures worth a second look: against the other communes, and against last
    year's submissions if given. Last year's own problems were last year's to see; what is
    said of them is what could not be compared: every commune (previous-no-figures) or one
    (unit-without-last-year)."""
    found = against_communes(plan, assembled)
    if not previous:
        return found
    last, read = previous_figures(previous, plan, plan.year, jobs)
    if not any(last.figures.values()):
        return [_nothing_from_last_year(previous, read, plan.year - 1), *found]
    compared = against_last_year(plan, assembled, last.figures, plan.year, plan.year - 1)
    merged = {new for new, old in plan.merged.items() if all(u in last.figures for u in old)}
    alone = [Problem("unit-without-last-year", params={
                 "unit": unit, "last_year": plan.year - 1,
                 "paths": ", ".join(map(str, previous))})
             for unit in plan.units
             if assembled.figures.get(unit) and unit not in last.figures and unit not in merged]
    return [*alone, *compared, *found]


def _nothing_from_last_year(
    previous: Sequence[Path | str], read: list[Problem], last_year: int
) -> Problem:
    """Why ``--previous`` gave nothing to compare with: the years its files are of (this
    year's own folder, a folder of two years ago), or no figure read at all."""
    years = sorted({p.params["found"] for p in read if p.type == "year-other"})
    shown = ", ".join(map(str, years))
    holds = (Words(f"các tệp trong đó là số liệu năm {shown}", f"its files are of {shown}")
             if years else Words("không đọc được số liệu nào trong đó",
                                 "no figure could be read from it"))
    return Problem("previous-no-figures", params={
        "paths": ", ".join(map(str, previous)), "last_year": last_year, "holds": holds})


def _read(
    paths: Sequence[Path | str], plan: Plan | Path | str | None, jobs: int,
    progress: Progress | None,
) -> tuple[Plan, Intake, Assembled]:
    plan = require_units(plan if isinstance(plan, Plan) else load_plan(plan))
    intake = read_paths(paths, plan, jobs, progress)
    used = {sub.file for sub in intake.submissions if of_plan_year(sub, plan)}
    for record in intake.files:  # a file of another year only is not used (year-other)
        if record.status == "used" and record.path not in used:
            record.status, record.reason = "rejected", "year-other"
    return plan, intake, assemble(intake.submissions, plan)


def score(
    paths: Sequence[Path | str],
    plan: Plan | Path | str | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    previous: Sequence[Path | str] = (),
) -> ScoreResult:
    """Score the submissions found in ``paths`` against ``plan`` (default: the 2022 plan).

    ``jobs`` processes read the files when there are many; ``progress`` is told
    how many files are read. ``previous``: last year's submissions, to flag the figures
    unlike last year's (:mod:`kh_treem.unusual`).
    """
    plan, intake, assembled = _read(paths, plan, jobs, progress)
    counts = assembled.figures
    return ScoreResult(
        plan=plan,
        units_reporting=[u for u in plan.units if counts.get(u)],
        indicators=score_plan(plan, counts),
        by_unit=Breakdown(plan, counts),
        figures=counts,
        counts=summed_counts(plan, counts),
        problems=[*intake.problems, *assembled.problems,
                  *_unusual(plan, assembled, previous, jobs)],
        files=intake.files,
    )


@dataclass(frozen=True)
class FileCheck:
    """One file's line in ``check``: what it holds and what is wrong with it."""

    record: FileRecord
    years: list[int | None]
    values: int
    errors: int
    warnings: int
    change: Change | None = None  # since the last check with a state file; None without one
    to_check: int = 0  # its figures worth a second look: the warnings and notices of unusual

    def to_dict(self) -> dict[str, Any]:
        r = self.record
        return {"path": r.path, "status": r.status, "units": r.units, "years": self.years,
                "values": self.values, "errors": self.errors, "warnings": self.warnings,
                "sha256": r.sha256, "reason": r.reason, "reader": r.reader,
                "change": self.change, "to_check": self.to_check}


@dataclass(frozen=True)
class CheckResult:
    plan: Plan
    files: list[FileCheck]
    units_missing: list[str]
    units_sent_twice: dict[str, list[str]]  # unit -> the files that sent it
    problems: list[Problem]
    arrivals: Arrivals | None = None  # what changed since the last check with a state file

    @property
    def since_last_run(self) -> bool:
        return self.arrivals is not None

    @property
    def files_gone(self) -> list[str]:
        """The files the last check saw that are not there now."""
        return self.arrivals.gone if self.arrivals else []

    def save_state(self) -> list[Problem]:
        """Remember this check's files in its state file, for the next check to compare with:
        call it once the result has been reported (nothing to do without a state file)."""
        return self.arrivals.save() if self.arrivals else []

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        return {
            "plan": {"id": self.plan.id, "year": self.plan.year},
            "units_expected": list(self.plan.units),
            "units_missing": self.units_missing,
            "units_sent_twice": self.units_sent_twice,
            "files": [f.to_dict() for f in self.files],
            "files_gone": self.files_gone,
            "problems": [p.to_dict(lang) for p in self.problems],
            "summary": self.summary,
        }

    def to_table(self, lang: str = "vi") -> Table:
        """One row a file, as in the table of ``kh-treem check`` (``lang`` is for the
        signature all results share: a file's row holds no words)."""
        rows = [{**f.to_dict(), "units": "; ".join(f.record.units),
                 "years": "; ".join("" if y is None else str(y) for y in f.years)}
                for f in self.files]
        return Table(FILE_COLUMNS, rows)

    def to_frame(self, lang: str = "vi") -> pandas.DataFrame:
        """:meth:`to_table` as a pandas DataFrame (``pip install 'kh-treem[pandas]'``)."""
        return data_frame(self.to_table(lang))

    @property
    def summary(self) -> dict[str, int]:
        """How many files, errors and warnings: the closing line of ``kh-treem check``."""
        return {
            "files": len(self.files),
            "errors": counted(self.problems, "error"),
            "warnings": counted(self.problems, "warning"),
        }


def check(
    paths: Sequence[Path | str],
    plan: Plan | Path | str | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    state: Path | str | None = None,
    previous: Sequence[Path | str] = (),
) -> CheckResult:
    """Read and validate the submissions in ``paths`` without scoring: the nightly check.

    With ``state`` (a JSON file kh-treem keeps; keep it out of ``paths``), each file is
    marked new, changed or unchanged since the last check with the same state and the files
    gone are named; ``result.save_state()`` then updates the state, once the result has been
    reported. ``previous``: last year's submissions, as for :func:`score`.
    """
    plan, intake, assembled = _read(paths, plan, jobs, progress)
    problems = intake.problems + assembled.problems + _unusual(plan, assembled, previous, jobs)
    arrivals = None
    if state is not None:
        unreachable = any(p.type in ("path-missing", "path-unusable") for p in intake.problems)
        arrivals, state_problems = compare(Path(state), intake.files, not unreachable)
        problems = state_problems + problems
    by_file: dict[str, list[Submission]] = defaultdict(list)
    for sub in intake.submissions:
        by_file[sub.file].append(sub)
    found: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        if problem.file is not None:
            found[problem.file].append(problem)
    files = []
    for record in intake.files:
        mine, own = by_file[record.path], found[record.path]
        files.append(FileCheck(
            record=record,
            years=sorted({s.year for s in mine}, key=lambda y: (y is None, y or 0)),
            values=sum(len(s.values) for s in mine),
            errors=counted(own, "error"),
            warnings=counted(own, "warning"),
            change=arrivals.changes[record.path] if arrivals else None,
            to_check=sum(p.type in UNUSUAL for p in own),
        ))
    senders: dict[str, list[str]] = {}  # what score uses: the plan's year, or no year given
    for sub in (s for s in intake.submissions if of_plan_year(s, plan)):
        senders.setdefault(sub.unit, [])
        if sub.file not in senders[sub.unit]:
            senders[sub.unit].append(sub.file)
    return CheckResult(
        plan=plan,
        files=files,
        units_missing=[u for u in plan.units if u not in senders],
        units_sent_twice={u: f for u, f in senders.items() if len(f) > 1},
        problems=problems,
        arrivals=arrivals,
    )

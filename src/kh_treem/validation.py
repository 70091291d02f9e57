"""From what was read to what counts: one figure per unit and element.

Submissions of the plan's year are merged unit by unit (the health station and
the school may send separate files); a figure given twice with the same value
counts once, with different values not at all. Then the plan's rules are
checked within each unit: the figures of a broken rule do not count.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from kh_treem.formatting import in_words
from kh_treem.layouts import Observation, Submission
from kh_treem.plan import Plan
from kh_treem.problems import Problem, Words

# unit -> element code -> the figure that counts
Figures = dict[str, dict[str, int]]
# The values of one figure listed as conflicting with its first; the others are counted. A
# province's table read as one commune's form gives thousands, each held in memory.
CONFLICTS_LISTED = 3


@dataclass
class Assembled:
    figures: Figures
    problems: list[Problem] = field(default_factory=list)
    # unit -> where each of its figures stands (for the problems that name a figure's cell)
    places: dict[str, Callable[[str], Observation]] = field(default_factory=dict)
    # unit -> the submissions its figures were assembled from
    sent: dict[str, list[Submission]] = field(default_factory=dict)

    def locate(self, unit: str, code: str) -> Observation | None:
        """Where the figure of ``code`` that counted for ``unit`` was read."""
        place = self.places.get(unit)
        if place is None or code not in self.figures.get(unit, {}):
            return None
        return place(code)

    def left_out(self, unit: str, code: str) -> bool:
        """Whether ``unit`` gave a value of ``code`` that is not among its figures: refused,
        in conflict with another, or breaking a rule (an error said which)."""
        return code not in self.figures.get(unit, {}) and any(
            code in sub.codes or code in sub.refused for sub in self.sent.get(unit, ()))

    def blank(self, unit: str, code: str) -> tuple[str | None, str | None, str | None]:
        """Where ``unit`` left ``code`` blank: the cell, or the sheet of its form when the
        form has no place for it (a table without the column)."""
        sent = self.sent.get(unit, [])
        for sub in sent:
            for blank, cell in sub.blanks:
                if blank == code:
                    return sub.file, sub.sheet, cell
        return (sent[0].file, sent[0].sheet, None) if sent else (None, None, None)


def assemble(submissions: Iterable[Submission], plan: Plan) -> Assembled:
    """Merge the submissions of the plan's year and apply the plan's rules."""
    problems: list[Problem] = []
    by_unit: dict[str, list[Submission]] = defaultdict(list)
    for sub in _drop_copies(submissions, problems):
        if not of_plan_year(sub, plan):
            problems.append(Problem("year-other", file=sub.file, sheet=sub.sheet,
                                    cell=sub.year_cell,
                                    params={"found": sub.year, "year": plan.year}))
            continue
        if sub.year is None:
            problems.append(Problem("year-missing", file=sub.file, sheet=sub.sheet,
                                    params={"year": plan.year}))
        if sub.values:  # a sheet with no usable figure does not make its unit one that reported
            by_unit[sub.unit].append(sub)

    assembled = Assembled({}, problems)
    for unit in plan.units:  # the plan's order, whatever order the files came in
        sent = by_unit.get(unit)
        if not sent:
            problems.append(Problem("unit-not-reported", params={"unit": unit}))
            continue
        values = dict(zip(sent[0].codes, sent[0].values, strict=True))
        if len(sent) == 1 and len(values) == len(sent[0].codes):
            # One sheet, each code once (nearly every unit): nothing to merge.
            locate = _locator(sent[0])
        else:
            merged = _merge(unit, sent, problems)
            values = {code: obs.value for code, obs in merged.items()}
            locate = merged.__getitem__
        _apply_rules(unit, values, locate, plan, problems)
        assembled.figures[unit] = values
        assembled.sent[unit] = sent
        assembled.places[unit] = locate
    return assembled


def merged_figures(
    counts: Mapping[str, Mapping[str, int]], old: list[str], flags: set[str]
) -> dict[str, int]:
    """The figures of the units ``old`` as one merged unit: counts added up where every old
    unit gave them, a flag kept where all agreed."""
    merged: dict[str, int] = {}
    codes: set[str] = set().union(*(counts.get(u, {}) for u in old))
    for code in codes:
        values = [counts.get(u, {}).get(code) for u in old]
        if any(v is None for v in values):
            continue  # one old unit did not report it: the sum would be short
        if code not in flags:
            merged[code] = sum(v or 0 for v in values)
        elif len(set(values)) == 1:  # a flag is kept only where all agreed
            merged[code] = values[0] or 0
    return merged


def of_plan_year(sub: Submission, plan: Plan) -> bool:
    """Whether assemble uses ``sub`` for ``plan``: of the plan's year, or of no year given."""
    return sub.year in (plan.year, None)


def _drop_copies(submissions: Iterable[Submission], problems: list[Problem]) -> list[Submission]:
    """One of each set of submissions that say exactly the same for the same unit and year.

    A file sent twice (a copy in another folder, a resend) is used once with one
    notice, rather than a notice for every figure in it.
    """
    ordered = sorted(submissions, key=lambda s: (s.file, s.sheet))
    sent = Counter((s.unit, s.year) for s in ordered)
    kept: list[Submission] = []
    first_of: dict[tuple[str, int | None, frozenset[tuple[str, int]]], Submission] = {}
    for sub in ordered:
        if sent[sub.unit, sub.year] == 1:  # the unit's only sheet of the year: no copy of any
            kept.append(sub)
            continue
        key = (sub.unit, sub.year, frozenset(zip(sub.codes, sub.values, strict=True)))
        first = first_of.setdefault(key, sub)
        if first is sub:
            kept.append(sub)
        elif sub.values:
            problems.append(Problem("submission-copy", file=sub.file, sheet=sub.sheet, params={
                "unit": sub.unit, "other": _sheet_place(first.file, first.sheet)}))
    return kept


def _sheet_place(file: str, sheet: str) -> str:
    return " › ".join(p for p in (file, sheet) if p)


def _merge(
    unit: str, submissions: list[Submission], problems: list[Problem]
) -> dict[str, Observation]:
    observations: dict[str, list[Observation]] = defaultdict(list)
    for sub in submissions:
        for obs in sub.observations:
            observations[obs.code].append(obs)
    merged: dict[str, Observation] = {}
    # (repeating sheet, first sheet) -> the repeated observations, told in one notice
    repeats: dict[tuple[str, str, str, str], list[tuple[Observation, Observation]]] = {}
    for code, seen in observations.items():
        seen = sorted(seen, key=lambda o: (o.file, o.sheet, o.cell))
        first = seen[0]
        conflicts = [o for o in seen[1:] if o.value != first.value]
        for other in seen[1:]:
            if other.value == first.value:
                pair = (other.file, other.sheet, first.file, first.sheet)
                repeats.setdefault(pair, []).append((other, first))
        for other in conflicts[:CONFLICTS_LISTED]:
            problems.append(_at(other, "value-conflict", unit=unit, value=other.value,
                                other_value=first.value, other=first.place))
        if len(conflicts) > CONFLICTS_LISTED:
            more, next_one = len(conflicts) - CONFLICTS_LISTED, conflicts[CONFLICTS_LISTED]
            problems.append(Problem(
                "value-conflicts-more", file=next_one.file, sheet=next_one.sheet,
                cell=next_one.cell, code=code, stands_for=more,
                params={"unit": unit, "count": in_words(more), "other": first.place}))
        if not conflicts:
            merged[code] = first
    for group in repeats.values():
        problems.append(_repeated(group))
    return merged


def _repeated(group: list[tuple[Observation, Observation]]) -> Problem:
    """One notice for the figures one sheet repeats from another."""
    other, first = group[0]
    if len(group) == 1:
        return _at(other, "value-repeated", value=other.value, other=first.place)
    codes = [o.code for o, _ in group]
    shown = ", ".join(codes[:6]) + (", …" if len(codes) > 6 else "")
    return Problem("values-repeated", file=other.file, sheet=other.sheet,
                   params={"count": len(codes), "codes": shown,
                           "other": _sheet_place(first.file, first.sheet)})


def _locator(sub: Submission) -> Callable[[str], Observation]:
    """Where a code of ``sub`` stands, for the rare problem that must name its cell."""

    def locate(code: str) -> Observation:
        i = sub.codes.index(code)
        return Observation(code, sub.values[i], sub.file, sub.sheet, sub.cells[i])

    return locate


def _apply_rules(
    unit: str, values: dict[str, int], locate: Callable[[str], Observation], plan: Plan,
    problems: list[Problem],
) -> None:
    """Check the plan's rules on a unit's figures; drop the figures of every broken chain."""
    broken: set[str] = set()
    for chain in plan.rules:
        if _holds(chain, values):  # nearly always: the detail below only for a broken one
            continue
        present = [code for code in chain if code in values]
        # Checking neighbours among the reported figures is enough: a <= b <= c implies a <= c.
        breaks = [(a, b) for a, b in itertools.pairwise(present) if values[a] > values[b]]
        for a, b in breaks:
            left, right = locate(a), locate(b)
            problems.append(_at(
                left, "rule-broken", unit=unit,
                left=left.code, left_value=left.value, left_cell=_cell_of(left, left),
                right=right.code, right_value=right.value, right_cell=_cell_of(right, left),
                elements=", ".join(chain), left_label=_label(plan, a),
                right_label=_label(plan, b),
                labels=Words(*(", ".join(f"“{_label(plan, c)[i]}”" for c in chain)
                               for i in (0, 1))),
            ))
        if breaks:
            broken.update(chain)
    for code in broken:
        values.pop(code, None)


def _label(plan: Plan, code: str) -> Words:
    """A figure as the officer knows it: its label in the plan."""
    label = plan.element(code).label
    return Words(label.vi, label.en)


def _holds(chain: list[str], values: dict[str, int]) -> bool:
    """Whether the reported figures of ``chain`` never decrease along it."""
    last = None
    for code in chain:
        value = values.get(code)
        if value is not None:
            if last is not None and last > value:
                return False
            last = value
    return True


def _at(obs: Observation, kind: str, **params: object) -> Problem:
    return Problem(kind, file=obs.file, sheet=obs.sheet, cell=obs.cell, code=obs.code,
                   params=params)


def _cell_of(obs: Observation, beside: Observation) -> str:
    """The cell alone when it sits on the same sheet as ``beside``, else its full place."""
    same = (obs.file, obs.sheet) == (beside.file, beside.sheet)
    return obs.cell if same else obs.place

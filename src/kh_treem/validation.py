"""From what was read to what counts: one figure per unit and element.

Submissions of the plan's year are merged unit by unit (the health station and
the school may send separate files); a figure given twice with the same value
counts once, with different values not at all. Then the plan's rules are
checked within each unit: the figures of a broken rule do not count.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kh_treem.layouts import Observation, Submission
from kh_treem.plan import Plan
from kh_treem.problems import Problem

# unit -> element code -> the observation that counts
Figures = dict[str, dict[str, Observation]]


@dataclass
class Assembled:
    figures: Figures
    problems: list[Problem] = field(default_factory=list)


def assemble(submissions: Iterable[Submission], plan: Plan) -> Assembled:
    """Merge the submissions of the plan's year and apply the plan's rules."""
    problems: list[Problem] = []
    by_unit: dict[str, dict[str, list[Observation]]] = defaultdict(lambda: defaultdict(list))
    for sub in _drop_copies(submissions, problems):
        if sub.year is None:
            problems.append(Problem("year-missing", file=sub.file, sheet=sub.sheet,
                                    params={"year": plan.year}))
        elif sub.year != plan.year:
            problems.append(Problem("year-other", file=sub.file, sheet=sub.sheet,
                                    cell=sub.year_cell,
                                    params={"found": sub.year, "year": plan.year}))
            continue
        for obs in sub.observations:
            by_unit[sub.unit][obs.code].append(obs)

    figures: Figures = {}
    for unit in plan.units:  # the plan's order, whatever order the files came in
        if unit not in by_unit:
            problems.append(Problem("unit-not-reported", params={"unit": unit}))
            continue
        merged = _merge(unit, by_unit[unit], problems)
        _apply_rules(unit, merged, plan, problems)
        figures[unit] = merged
    return Assembled(figures, problems)


def _drop_copies(submissions: Iterable[Submission], problems: list[Problem]) -> list[Submission]:
    """One of each set of submissions that say exactly the same for the same unit and year.

    A file sent twice (a copy in another folder, a resend) is used once with one
    notice, rather than a notice for every figure in it.
    """
    kept: dict[tuple[str, int | None, frozenset[tuple[str, int]]], Submission] = {}
    for sub in sorted(submissions, key=lambda s: (s.file, s.sheet)):
        key = (sub.unit, sub.year, frozenset((o.code, o.value) for o in sub.observations))
        first = kept.setdefault(key, sub)
        if first is not sub and sub.observations:
            problems.append(Problem("submission-copy", file=sub.file, sheet=sub.sheet, params={
                "unit": sub.unit, "other": _sheet_place(first.file, first.sheet)}))
    return list(kept.values())


def _sheet_place(file: str, sheet: str) -> str:
    return " › ".join(p for p in (file, sheet) if p)


def _merge(
    unit: str, observations: dict[str, list[Observation]], problems: list[Problem]
) -> dict[str, Observation]:
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
        for other in conflicts:
            problems.append(_at(other, "value-conflict", unit=unit, value=other.value,
                                other_value=first.value, other=first.place))
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


def _apply_rules(
    unit: str, merged: dict[str, Observation], plan: Plan, problems: list[Problem]
) -> None:
    broken: set[str] = set()
    for chain in plan.rules:
        present = [merged[code] for code in chain if code in merged]
        # Checking neighbours among the reported figures is enough: a <= b <= c implies a <= c.
        breaks = [(a, b) for a, b in itertools.pairwise(present) if a.value > b.value]
        for left, right in breaks:
            problems.append(_at(
                left, "rule-broken", unit=unit,
                left=left.code, left_value=left.value, left_cell=_cell_of(left, left),
                right=right.code, right_value=right.value, right_cell=_cell_of(right, left),
                elements=", ".join(chain),
            ))
        if breaks:
            broken.update(chain)
    for code in broken:
        merged.pop(code, None)


def _at(obs: Observation, kind: str, **params: object) -> Problem:
    return Problem(kind, file=obs.file, sheet=obs.sheet, cell=obs.cell, code=obs.code,
                   params=params)


def _cell_of(obs: Observation, beside: Observation) -> str:
    """The cell alone when it sits on the same sheet as ``beside``, else its full place."""
    same = (obs.file, obs.sheet) == (beside.file, beside.sheet)
    return obs.cell if same else obs.place

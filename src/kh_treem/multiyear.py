"""Many years at once: each year scored against its own plan, the trend, and the outlook.

``rollup(paths, plans=..., horizons=...)`` reads submissions of several years
(each submission says its year), scores every year against the plan of that
year (a year with no plan gets values and no status), says whether each
indicator got better or worse, and projects it to the national targets of a
horizon year (2025, 2030) with the progress measure of Open SDG (Statistics
Canada's, after Eurostat's): the observed compound annual growth rate over the
one needed to reach the target.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kh_treem.intake import FileRecord, Progress, read_paths
from kh_treem.layouts import Submission
from kh_treem.plan import (
    Direction,
    Element,
    Measure,
    Plan,
    PlanError,
    Target,
    load_bundled,
    load_plan,
    require_units,
)
from kh_treem.problems import Problem
from kh_treem.records import TARGET_COLUMNS, Table, data_frame, json_number, target_fields
from kh_treem.scoring import Status, score_target
from kh_treem.unusual import against_communes, against_last_year
from kh_treem.validation import assemble, merged_figures

if TYPE_CHECKING:
    import pandas

Change = Literal["better", "worse", "unchanged"]
Band = Literal[
    "achieved", "on_track", "needs_acceleration", "limited_progress", "deterioration",
    "not_achieved", "insufficient_data",
]

# unit -> element code -> value, for one year
Counts = dict[str, dict[str, int]]

# The most a value of each unit can be: a projection never passes it.
UPPER_LIMITS = {"%": 100.0, "‰": 1_000.0, "/100.000": 100_000.0}
PROGRAM_START = 2021  # the first year of the National Action Program for Children 2021-2030
YEARS_AROUND = 5  # a form's year may be this far from the plans' years, and no farther


@dataclass(frozen=True)
class YearValue:
    """One indicator in one year."""

    numerator: int | None
    denominator: int | None
    value: Fraction | None
    status: Status | None  # None: no plan for that year, so nothing to be met
    units_missing: tuple[str, ...]


@dataclass(frozen=True)
class Projection:
    """Where an indicator is heading, against a horizon's national target."""

    horizon: int
    target: Fraction
    direction: Direction
    band: Band
    ratio: float | None  # actual over required growth rate
    projected: float | None  # the value at the horizon year at the actual growth rate
    first_year: int | None
    last_year: int | None
    capped: bool = False  # projected held at the most its unit allows (100 %)


@dataclass(frozen=True)
class Trend:
    target: Target  # the definition used for values and the direction of change
    by_year: dict[int, YearValue]  # each year as it was: its own units, its own plan
    # Each year with units merged later counted as one, as the change and outlook use it.
    comparable: dict[int, YearValue]
    change: Change | None  # the last two years with a value
    projections: list[Projection]


@dataclass(frozen=True)
class RollupResult:
    years: list[int]
    plans: dict[int, Plan]
    trends: list[Trend]
    problems: list[Problem]
    files: list[FileRecord]

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        return {
            "years": self.years,
            "plans": {str(y): p.id for y, p in sorted(self.plans.items())},
            "indicators": [_trend_dict(t, lang) for t in self.trends],
            "problems": [p.to_dict(lang) for p in self.problems],
            "files": [{"path": f.path, "status": f.status, "sha256": f.sha256,
                       "units": f.units, "reason": f.reason, "reader": f.reader}
                      for f in self.files],
        }

    def to_table(self, lang: str = "vi") -> Table:
        """One row a year and indicator, with that year's target and status where the year
        has a plan: what ``--format csv`` writes."""
        rows = []
        for trend in self.trends:
            for year in self.years:
                own = _target(self.plans.get(year), trend.target.id)
                v = trend.by_year[year]
                rows.append({
                    "year": year, **target_fields(trend.target, lang),
                    "target": None if own is None else json_number(own.target),
                    "numerator": v.numerator, "denominator": v.denominator,
                    "value": json_number(v.value), "status": v.status,
                })
        return Table(TARGET_COLUMNS, rows)

    def to_frame(self, lang: str = "vi") -> pandas.DataFrame:
        """:meth:`to_table` as a pandas DataFrame (``pip install 'kh-treem[pandas]'``)."""
        return data_frame(self.to_table(lang))


def rollup(
    paths: Sequence[Path | str],
    plans: Sequence[Plan | Path | str] = (),
    horizons: Sequence[Plan | Path | str | int] = (2025, 2030),
    jobs: int = 1,
    progress: Progress | None = None,
) -> RollupResult:
    """Score every year found in ``paths`` and follow each indicator across them.

    ``plans`` are the yearly plans (default: the bundled 2022 plan); ``horizons``
    are national target plans (a path, or 2025 / 2030 for the bundled ones; by
    default both; ``()`` for no outlook).
    """
    loaded = [require_units(_as_plan(p)) for p in plans] or [load_plan()]
    by_year = {p.year: p for p in loaded}
    if len(by_year) < len(loaded):
        twice = sorted({p.year for p in loaded if by_year[p.year] is not p})
        raise PlanError(f"two plans for {', '.join(map(str, twice))}: one plan a year")
    reference = max(loaded, key=lambda p: p.year)  # the latest plan defines the indicators
    intake = read_paths(paths, _reading_plan(loaded), jobs, progress)
    problems = list(intake.problems)
    submissions = _by_year(intake.submissions, by_year, problems)
    years = sorted(submissions)

    units_of = {year: _units_as_of(year, loaded) for year in years}
    counts: dict[int, Counts] = {}
    for year in years:
        plan = _plan_of(year, by_year, reference)
        _drop_units_not_of(year, submissions[year], units_of[year], loaded, problems)
        assembled = assemble(submissions[year], plan)
        problems.extend(assembled.problems)
        counts[year] = assembled.figures
        # Figures worth a second look: against the other communes, and against the year
        # before (as read, before any baseline is carried over).
        problems.extend(against_communes(plan, assembled))
        if year - 1 in counts:
            # Last year's child marriages left blank is no gap here: the rollup carries
            # them over from last year's form (_chain_marriages).
            problems.extend(p for p in against_last_year(
                plan, assembled, counts[year - 1], year, year - 1)
                if (p.type, p.code) != ("figure-not-given-again", "child_marriages_prev"))
        elif years[0] < year:
            problems.append(Problem("year-without-previous",
                                    params={"year": year, "last_year": year - 1}))
    _chain_marriages(counts, problems)
    # Each year is scored as it was (its own units, its own plan); the change and the
    # outlook compare like with like, with units merged later counted as one throughout.
    restated, restated_units = _restate(counts, units_of, loaded, problems)
    _chain_across_merges(counts, restated, problems)

    horizon_plans = [_as_horizon(h) for h in horizons]
    trends = []
    for target in _indicators(loaded, reference):
        values = {}
        comparable = {}
        for year in years:
            own = _target(by_year.get(year), target.id)
            outcome = score_target(own or target, counts[year], units_of[year],
                                   len(units_of[year]))
            values[year] = YearValue(outcome.numerator, outcome.denominator, outcome.value,
                                     outcome.status if own else None, outcome.units_missing)
            again = score_target(target, restated[year], restated_units[year],
                                 len(restated_units[year]))
            comparable[year] = YearValue(again.numerator, again.denominator, again.value,
                                         None, again.units_missing)
        trends.append(Trend(
            target=target,
            by_year=values,
            comparable=comparable,
            change=_change(target, comparable),
            projections=[p for h in horizon_plans if (p := _project(target, comparable, h))],
        ))
    return RollupResult(years, {y: by_year[y] for y in years if y in by_year}, trends,
                        problems, intake.files)


# --- reading and arranging the years --------------------------------------------------------


def _as_plan(plan: Plan | Path | str) -> Plan:
    return plan if isinstance(plan, Plan) else load_plan(plan)


def _as_horizon(horizon: Plan | Path | str | int) -> Plan:
    if isinstance(horizon, int) or (isinstance(horizon, str) and horizon.isdigit()):
        return load_bundled(f"national_{horizon}.yaml")
    return _as_plan(horizon)


def _reading_plan(plans: Sequence[Plan]) -> Plan:
    """One plan that knows every unit and element of all the years, to read the files with."""
    units: dict[str, None] = {}
    elements: dict[str, Element] = {}
    for plan in plans:
        units.update(dict.fromkeys(plan.units))
        for old in plan.merged.values():
            units.update(dict.fromkeys(old))
        for element in plan.elements:
            elements.setdefault(element.code, element)
    base = max(plans, key=lambda p: p.year)
    return base.model_copy(update={"units": list(units), "elements": list(elements.values())})


def _by_year(
    submissions: Sequence[Submission], plans: Mapping[int, Plan], problems: list[Problem]
) -> dict[int, list[Submission]]:
    grouped: dict[int, list[Submission]] = defaultdict(list)
    first = max(PROGRAM_START, min(plans) - YEARS_AROUND)
    last = max(plans) + YEARS_AROUND
    for sub in submissions:
        year = sub.year
        if year is not None and not first <= year <= last:  # 1900 typed for 2022, ...
            problems.append(Problem("year-out-of-range", file=sub.file, sheet=sub.sheet,
                                    cell=sub.year_cell,
                                    params={"found": year, "first": first, "last": last}))
            continue
        if year is None and len(plans) == 1:
            year = next(iter(plans))
            problems.append(Problem("year-missing", file=sub.file, sheet=sub.sheet,
                                    params={"year": year}))
        if year is None:
            problems.append(Problem("year-unknown", file=sub.file, sheet=sub.sheet))
            continue
        grouped[year].append(replace(sub, year=year))
    return dict(grouped)


def _plan_of(year: int, plans: Mapping[int, Plan], reference: Plan) -> Plan:
    """The year's own plan, or the reference plan's definitions for a year without one."""
    plan = plans.get(year)
    if plan is not None:
        return plan
    units = _units_as_of(year, list(plans.values()))
    return reference.model_copy(update={"year": year, "units": units})


def _units_as_of(year: int, plans: Sequence[Plan]) -> list[str]:
    """The units that reported in ``year``: those of the latest plan not after it."""
    ordered = sorted(plans, key=lambda p: p.year)
    current = [p for p in ordered if p.year <= year]
    base = current[-1] if current else ordered[0]
    units = list(base.units)
    # Merges decided after ``year`` had not happened yet: the old units still reported.
    for later in (p for p in ordered if p.year > year):
        for new, old in later.merged.items():
            if new in units:
                i = units.index(new)
                units[i:i + 1] = old
    return units


def _chain_across_merges(
    counts: dict[int, Counts], restated: dict[int, Counts], problems: list[Problem]
) -> None:
    """The first year after a merge takes last year's old units, added up, as its baseline."""
    across: list[Problem] = []
    _chain_marriages(restated, across)
    for year, units in counts.items():
        before = counts.get(year - 1, {})
        for unit, figures in units.items():
            chained = restated[year].get(unit, {}).get("child_marriages_prev")
            if unit not in before and year - 1 in counts and chained is not None:
                figures["child_marriages_prev"] = chained
    problems.extend(p for p in across
                    if p.params["unit"] not in counts.get(p.params["year"] - 1, {}))


def _chain_marriages(counts: dict[int, Counts], problems: list[Problem]) -> None:
    """Last year's child marriages are this year's baseline, where last year is loaded."""
    for year, units in counts.items():
        before = counts.get(year - 1)
        if before is None:
            continue
        for unit, figures in units.items():
            last = before.get(unit, {}).get("child_marriages")
            if last is None:
                continue
            own = figures.get("child_marriages_prev")
            if own is not None and own != last:
                problems.append(Problem("prev-disagrees", params={
                    "unit": unit, "year": year, "own": own, "last": last}))
            figures["child_marriages_prev"] = last


def _drop_units_not_of(
    year: int, submissions: list[Submission], units: list[str], plans: Sequence[Plan],
    problems: list[Problem],
) -> None:
    """A unit that no longer reported in ``year`` (merged away before it) is an error."""
    replaced = {old: new for p in plans if p.year <= year for new, olds in p.merged.items()
                for old in olds}
    for sub in list(submissions):
        if sub.unit not in units:
            submissions.remove(sub)
            problems.append(Problem("unit-not-in-year", file=sub.file, sheet=sub.sheet, params={
                "unit": sub.unit, "year": year, "new": replaced.get(sub.unit, "—")}))


def _restate(
    counts: dict[int, Counts], units_of: dict[int, list[str]], plans: Sequence[Plan],
    problems: list[Problem],
) -> tuple[dict[int, Counts], dict[int, list[str]]]:
    """Every year's counts with units merged later counted as the merged unit."""
    restated = {year: {u: dict(f) for u, f in units.items()} for year, units in counts.items()}
    restated_units = {year: list(units) for year, units in units_of.items()}
    for plan in plans:
        for new, old in plan.merged.items():
            for year in sorted(restated):
                if year >= plan.year or not set(old) <= set(restated_units[year]):
                    continue
                restated[year][new] = merged_figures(restated[year], old, _flags(plan))
                for u in old:
                    restated[year].pop(u, None)
                units = restated_units[year]
                i = units.index(old[0])
                restated_units[year] = [u for u in units if u not in old]
                restated_units[year].insert(i, new)
                problems.append(Problem("units-merged", params={
                    "year": year, "new": new, "old": ", ".join(old), "since": plan.year}))
    return restated, restated_units


def _flags(plan: Plan) -> set[str]:
    return {e.code for e in plan.elements if e.kind == "flag"}


def _target(plan: Plan | None, target_id: str) -> Target | None:
    if plan is None:
        return None
    return next((t for t in plan.targets if t.id == target_id), None)


def _indicators(plans: Sequence[Plan], reference: Plan) -> list[Target]:
    """Every indicator of any plan, in the reference plan's order, then the others'."""
    targets = {t.id: t for t in reference.targets}
    for plan in sorted(plans, key=lambda p: -p.year):
        for t in plan.targets:
            targets.setdefault(t.id, t)
    return list(targets.values())


# --- change and projection ------------------------------------------------------------------


def _change(target: Target, values: Mapping[int, YearValue]) -> Change | None:
    known = [v.value for _, v in sorted(values.items()) if v.value is not None]
    if len(known) < 2:
        return None
    before, now = known[-2], known[-1]
    if now == before:
        return "unchanged"
    higher_is_better = target.direction is Direction.AT_LEAST
    return "better" if (now > before) == higher_is_better else "worse"


def _project(target: Target, values: Mapping[int, YearValue], horizon: Plan) -> Projection | None:
    goal = _target(horizon, target.id)
    if goal is None:
        return None
    points = [(y, _comparable(target, goal, v)) for y, v in sorted(values.items())]
    known = [(y, x) for y, x in points if x is not None]

    def projection(band: Band, ratio: float | None = None, projected: float | None = None,
                   capped: bool = False) -> Projection:
        first = known[0][0] if known else None
        last = known[-1][0] if known else None
        return Projection(horizon.year, goal.target, goal.direction, band, ratio, projected,
                          first, last, capped)

    if not known:
        return projection("insufficient_data")
    (t0, x0), (t, xt) = known[0], known[-1]
    if goal.direction.satisfied(xt, goal.target):
        return projection("achieved")
    if goal.direction.satisfied(x0, goal.target):
        return projection("deterioration")  # it met the target and moved away from it
    if horizon.year <= t:
        return projection("not_achieved")
    if t == t0 or x0 <= 0 or xt < 0 or goal.target < 0:
        return projection("insufficient_data")
    actual = (float(xt) / float(x0)) ** (1 / (t - t0)) - 1
    required = (float(goal.target) / float(x0)) ** (1 / (horizon.year - t0)) - 1
    # From values of 0 or more, the growth is never below 0; it may pass 100 %.
    growth = float(xt) * (1 + actual) ** (horizon.year - t)
    projected = min(growth, UPPER_LIMITS.get(goal.unit, math.inf))
    capped = not math.isclose(projected, growth, rel_tol=1e-9)  # float noise at the limit
    if math.isclose(required, 0, abs_tol=1e-12):
        return projection("insufficient_data", None, projected, capped)
    ratio = actual / required
    return projection(_band(ratio), ratio, projected, capped)


def _band(ratio: float) -> Band:
    if ratio >= 0.95:
        return "on_track"
    if ratio >= 0.6:
        return "needs_acceleration"
    if ratio >= 0:
        return "limited_progress"
    return "deterioration"


def _comparable(local: Target, national: Target, value: YearValue) -> Fraction | None:
    """The local value in the national target's terms: a count of communes becomes a share."""
    if value.value is None:
        return None
    if local.measure is Measure.UNITS and local.unit == "communes" and national.unit == "%":
        if not value.denominator:
            return None
        return Fraction(value.numerator or 0, value.denominator) * 100
    return value.value


def _trend_dict(trend: Trend, lang: str) -> dict[str, Any]:
    t = trend.target
    projections = [
        {"horizon": p.horizon, "target": json_number(p.target), "direction": p.direction.value,
         "band": p.band, "ratio": None if p.ratio is None else round(p.ratio, 4),
         "projected": None if p.projected is None else round(p.projected, 4),
         "capped": p.capped, "from": p.first_year, "to": p.last_year}
        for p in trend.projections
    ]
    return {
        **target_fields(t, lang),
        "by_year": {
            str(year): {"value": json_number(v.value), "status": v.status,
                        "numerator": v.numerator, "denominator": v.denominator,
                        "units_missing": list(v.units_missing)}
            for year, v in sorted(trend.by_year.items())
        },
        "change": trend.change,
        "projection": projections[0] if projections else None,
        "projections": projections,
    }


__all__ = ["Projection", "RollupResult", "Trend", "YearValue", "rollup"]

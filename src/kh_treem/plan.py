"""The plan file: what a year's plan asks for, as validated data.

A plan file is YAML (``targets/plan_2022.yaml`` is the reference). This module
turns it into a :class:`Plan` or into a :class:`PlanError` whose message names
the key at fault; it knows nothing of submissions or scoring.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import os
import stat
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from kh_treem.limits import OLE_MAGIC
from kh_treem.problems import Problem, Words

DEFAULT_PLAN = "plan_2022.yaml"
MAX_PLAN_BYTES = 1024 * 1024  # the 2022 plan is 28 KB
MAX_COUNT_TARGET = 100_000_000  # no count (persons, communes) is larger: the country's people
MAX_CLAUSES = 10  # errors named in one message; the rest are counted


class PlanError(Exception):
    """A plan file that cannot be used; the message names the file, the key and its line.

    ``problems`` are the findings behind it, each with its place and a sentence in either
    language (none for a file that is no plan at all: missing, not YAML, too large)."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """A validator's finding about one place of the plan, ``loc`` as pydantic names places
    (("targets", 3, "target") is the fourth target's value), ``type`` one of the plan-*
    types of :data:`kh_treem.problems.TEMPLATES`."""

    loc: Loc
    type: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        return Problem(self.type, params=self.params).message("en")


class Found(ValueError):
    """Every finding of a validator at once (pydantic stops a validator at its first
    exception; this one carries them all). ``cross``: the plan's cross-references, checked
    only once every part of the plan is valid on its own."""

    def __init__(self, findings: list[Finding], cross: bool = False) -> None:
        super().__init__("; ".join(f.message() for f in findings))
        self.findings = findings
        self.cross = cross


class Direction(enum.StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    BELOW = "below"

    def satisfied(self, value: Fraction | int, target: Fraction | int) -> bool:
        # Exactly, as whole numbers: a/b >= c/d is a*d >= c*b, denominators being positive
        # (a Fraction's always is). The same answer as comparing the Fractions, at a third
        # of the cost: a province's breakdown is 300,000 comparisons.
        left = value.numerator * target.denominator
        right = target.numerator * value.denominator
        if self is Direction.AT_LEAST:
            return left >= right
        if self is Direction.AT_MOST:
            return left <= right
        return left < right

    @property
    def sign(self) -> str:
        return {"at_least": "≥", "at_most": "≤", "below": "<"}[self.value]


class Measure(enum.StrEnum):
    """How a target turns reported counts into a value."""

    RATIO = "ratio"  # sum(numerator) / sum(denominator) x factor of the unit
    UNITS = "units"  # number of reporting units whose flag is 1
    COUNT = "count"  # sum(numerator), no denominator
    REDUCTION = "reduction"  # (denominator - numerator) / denominator x 100


# Factor of each unit of measure that is a rate; the other units are counts.
RATE_FACTORS: dict[str, int] = {"%": 100, "‰": 1000, "/100.000": 100_000}
COUNT_UNITS = ("communes", "persons")
# The units each measure may be in (docs/plan-format.md).
UNITS_OF: dict[Measure, tuple[str, ...]] = {
    Measure.RATIO: tuple(RATE_FACTORS), Measure.UNITS: ("communes", "%"),
    Measure.COUNT: COUNT_UNITS, Measure.REDUCTION: ("%",),
}


# The choices of a plan's keys: the plan file's code -> its label in Vietnamese and English,
# as the workbook's drop-downs offer them and as messages say them.
CHOICES: dict[str, dict[str, tuple[str, str]]] = {
    "direction": {"at_least": ("≥ (từ mức này trở lên)", "≥ (at least)"),
                  "at_most": ("≤ (không quá)", "≤ (at most)"),
                  "below": ("< (dưới mức này)", "< (below)")},
    "measure": {"ratio": ("tỷ lệ (tử số / mẫu số)", "ratio (numerator / denominator)"),
                "units": ("số xã đạt (số liệu 1/0)", "units whose flag is 1"),
                "count": ("tổng số", "count"),
                "reduction": ("mức giảm so với năm trước", "reduction on last year")},
    "unit": {"%": ("%", "%"), "‰": ("‰", "‰"), "/100.000": ("/100.000", "/100.000"),
             "communes": ("xã", "communes"), "persons": ("người", "persons")},
    "kind": {"count": ("số đếm", "count"), "flag": ("1/0 (có/không)", "flag (1/0)")},
}
def said(key: str, code: str) -> Words:
    """A code of the plan file as the workbook's drop-down says it: ratio -> "tỷ lệ (tử số /
    mẫu số)"; a code that is none of the choices as it is."""
    return Words(*CHOICES[key].get(code, (code, code)))


_EXAMPLE = {"example": "95.5"}  # a number as the plan file writes it (a workbook: its language's)


def _exact(value: Any) -> Any:
    # YAML gives 9.8 as a binary float (and python-calamine a plan workbook's 95.5); its
    # shortest repr is the decimal the author typed, so going through str keeps the
    # comparison exact.
    if isinstance(value, bool):
        raise Found([Finding((), "plan-not-a-number", {"found": str(value), **_EXAMPLE})])
    if isinstance(value, (int, float, str)):
        try:
            return Fraction(str(value))
        except (ValueError, ZeroDivisionError):
            raise Found([Finding((), "plan-not-a-number", {"found": value, **_EXAMPLE})]
                        ) from None
    return value


def _not_yes_or_no(value: Any) -> Any:
    if isinstance(value, bool):  # pydantic would read YAML's true as 1
        raise Found([Finding((), "plan-not-a-number", {"found": str(value), **_EXAMPLE})])
    return value


T = TypeVar("T")
Threshold = Annotated[T, BeforeValidator(_not_yes_or_no)]  # a number of Quality


def decimal_text(value: Fraction, lang: str = "en") -> str:
    """``value`` as typed: 9.8 (9,8 in Vietnamese), or 1/3 where no decimal is exact."""
    text = str(value)
    with contextlib.suppress(OverflowError):  # a value no plan holds, said as it is
        shortest = repr(float(value))
        if Fraction(shortest) == value:
            text = shortest.removesuffix(".0")
    return text.replace(".", ",") if lang == "vi" else text


ExactNumber = Annotated[
    Fraction,
    BeforeValidator(_exact),
    PlainSerializer(lambda f: int(f) if f.denominator == 1 else float(f)),
    WithJsonSchema({"type": "number"}),  # written as a number: 9.8, not "9,8"
]


# Every model: unknown keys refused, immutable, and its validator built when a plan is first
# read, not when kh_treem is imported (the kh-treem command turns pydantic's plugin search
# off before it reads a plan: cli.main).
_MODEL = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _named(name: str) -> str:
    from kh_treem.names import fold  # the key a unit is matched by

    if not fold(name):  # blank, or only invisible characters
        raise Found([Finding((), "plan-unit-blank")])
    return name


class Text(BaseModel):
    """A text in the officer's language and in English."""

    model_config = _MODEL
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


class Element(BaseModel):
    """A raw figure a reporting unit submits."""

    model_config = _MODEL
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["count", "flag"]
    label: Text
    # Unit of measure shown in the commune's form (trẻ, người, trường, ...).
    measure_unit: Text | None = None


GoalId = Annotated[int, Field(ge=1, le=99)]  # "Mục tiêu 1"; it names a sheet of the trend


class Goal(BaseModel):
    model_config = _MODEL
    id: GoalId
    name: Text


class Signer(BaseModel):
    """One signature of a document: the role above the space to sign, the name under it."""

    model_config = _MODEL
    role: Text  # "NGƯỜI LẬP BIỂU", "TRƯỞNG PHÒNG"
    name: str | None = None  # printed under the space, when the plan names the signer


class Quality(BaseModel):
    """How unusual a figure must be to be flagged for a second look (a warning that never
    changes a result); null turns a check off."""

    model_config = _MODEL
    # A count flagged when more than this many times last year's, or less than its share.
    year_ratio: Threshold[float | None] = Field(default=3, gt=1, allow_inf_nan=False)
    # ... and either year's count is at least this (1 death, then 3, is not unusual); a
    # rate, when its count is this far from the count the median rate would give.
    min_count: Threshold[int] = Field(default=10, ge=0)
    # A commune's rate flagged when this many robust z-scores from the other communes'.
    robust_z: Threshold[float | None] = Field(default=3.5, gt=0, allow_inf_nan=False)


class Issuer(BaseModel):
    """Who issues the documents kh-treem writes from the plan: the header block (the body
    above the office, the office) and the place before the date, and who signs them."""

    model_config = _MODEL
    parent: Text  # "UBND HUYỆN IA H’DRAI"
    name: Text  # "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    place: Text  # "Ia H’Drai", as in "Ia H’Drai, ngày ... tháng ... năm ..."
    signers: list[Signer] = Field(min_length=1, max_length=3)  # the report: the last alone
    # Who receives the report ("Nơi nhận"), before "Lưu: VT." (the office's own copy).
    recipients: list[Text] = Field(default_factory=list, max_length=12)


class Target(BaseModel):
    """One scorable target of the plan."""

    model_config = _MODEL
    id: str = Field(pattern=r"^[0-9]+[a-z]?$")
    goal: GoalId
    name: Text
    words: str = Field(min_length=1, description="the plan's own sentence")
    measure: Measure = Measure.RATIO
    numerator: str
    denominator: str | None = None
    unit: str
    direction: Direction
    target: ExactNumber

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        found = self.findings()
        if found:
            raise Found(found)
        return self

    def findings(self) -> list[Finding]:
        """What is wrong with the target on its own: its measure against its denominator and
        unit, its value against its unit's scale."""
        found = []
        measure = said("measure", self.measure.value)
        if self.measure in (Measure.RATIO, Measure.REDUCTION):
            if self.denominator is None:
                found.append(Finding(("denominator",), "plan-denominator-missing",
                                     {"measure": measure}))
        elif self.denominator is not None:
            found.append(Finding(("denominator",), "plan-denominator-extra",
                                 {"measure": measure}))
        allowed = UNITS_OF[self.measure]
        if self.unit not in allowed:
            found.append(Finding(("unit",), "plan-unit-not-allowed", {
                "unit": said("unit", self.unit), "measure": measure,
                "allowed": Words(*(", ".join(f"“{said('unit', u).get(lang)}”" for u in allowed)
                                   for lang in ("vi", "en")))}))
        value = Words(decimal_text(self.target, "vi"), decimal_text(self.target))
        if self.target < 0:
            found.append(Finding(("target",), "plan-target-negative", {"target": value}))
        limit = self.factor if self.unit in RATE_FACTORS else MAX_COUNT_TARGET
        if self.target > limit:
            found.append(Finding(("target",), "plan-target-too-large", {
                "target": value, "unit": said("unit", self.unit),
                "limit": Words(f"{limit:,}".replace(",", "."), f"{limit:,}")}))
        return found

    @property
    def factor(self) -> int:
        return RATE_FACTORS.get(self.unit, 1)

    @property
    def elements(self) -> tuple[str, ...]:
        return (self.numerator,) + ((self.denominator,) if self.denominator else ())


class Plan(BaseModel):
    """A year's plan: its units, figures, targets and consistency rules."""

    model_config = _MODEL
    id: str = Field(min_length=1)
    year: int = Field(ge=2000, le=2100)
    title: Text
    area: Text
    # A horizon plan (the national targets of 2025, 2030) lists no units of its own.
    units: list[Annotated[str, AfterValidator(_named)]] = Field(default_factory=list)
    # Units merged from this plan's year on: new name -> the old units it replaces.
    merged: dict[str, list[str]] = Field(default_factory=dict)
    goals: list[Goal] = Field(min_length=1)
    elements: list[Element] = Field(min_length=1)
    targets: list[Target] = Field(min_length=1)
    # Each rule is a chain a <= b <= c ... checked within every unit.
    rules: list[Annotated[list[str], Field(min_length=2)]] = Field(default_factory=list)
    # Who issues the summary and the report; a plan without it gives documents without a
    # header block or signatures (horizon plans have none).
    issuer: Issuer | None = None
    # The thresholds of the checks for unusual figures (docs/quality.md).
    quality: Quality = Field(default_factory=Quality)

    @model_validator(mode="after")
    def _references(self) -> Plan:
        found = cross_findings(self.units, list(enumerate(self.elements)),
                               list(enumerate(self.targets)), list(enumerate(self.goals)),
                               self.merged, list(enumerate(self.rules)))
        if found:
            raise Found(found, cross=True)
        return self

    def element(self, code: str) -> Element:
        for e in self.elements:
            if e.code == code:
                return e
        raise KeyError(code)

    def goal(self, goal_id: int) -> Goal:
        for g in self.goals:
            if g.id == goal_id:
                return g
        raise KeyError(goal_id)


def cross_findings(
    units: Sequence[str | None],
    elements: list[tuple[int, Element]],
    targets: list[tuple[int, Target]],
    goals: list[tuple[int, Goal]],
    merged: dict[str, list[str]],
    rules: list[tuple[int, list[str]]],
) -> list[Finding]:
    """Every finding about how the parts of a plan fit together: duplicates, references to
    goals and elements, merged units, rules. The parts come with their index in the plan,
    so that `plan check` can run this on the parts that are valid on their own (a None unit
    is one that is not)."""
    kinds = {e.code: e.kind for _, e in elements if e.code is not None}
    found = _unique("units", list(enumerate(units)))
    found += _distinct_spellings(units)
    found += _unique("elements", [(i, e.code) for i, e in elements], "code")
    found += _unique("targets", [(i, t.id) for i, t in targets], "id")
    found += _unique("goals", [(i, g.id) for i, g in goals], "id")
    goal_ids = {g.id for _, g in goals}
    for i, t in targets:
        if goals and t.goal is not None and t.goal not in goal_ids:
            found.append(Finding(("targets", i, "goal"), "plan-goal-unknown", {"goal": t.goal}))
        for key, code in (("numerator", t.numerator), ("denominator", t.denominator)):
            if isinstance(code, str) and code not in kinds:
                found.append(Finding(("targets", i, key), "plan-element-unknown",
                                     {"code": code}))
        if t.measure is Measure.UNITS and kinds.get(t.numerator) == "count":
            found.append(Finding(("targets", i, "numerator"), "plan-units-need-flag",
                                 {"code": t.numerator}))
    named = [u for u in units if u is not None]
    found += _merged_twice(merged)
    for new, old in merged.items():
        if new not in named:
            found.append(Finding(("merged", new), "plan-merged-not-unit", {"new": new}))
        elif not old:
            found.append(Finding(("merged", new), "plan-merged-old", {"new": new}))
        else:
            found += _old_still_listed(new, old, named)
    for i, chain in rules:
        for j, code in enumerate(chain):
            if code not in kinds:
                found.append(Finding(("rules", i, j), "plan-element-unknown", {"code": code}))
        flags = [c for c in chain if kinds.get(c) == "flag"]
        counts = [c for c in chain if kinds.get(c) == "count"]
        if flags and counts:  # a flag is 1 or 0, never more or less than a count
            found.append(Finding(("rules", i), "plan-rule-kinds", {
                "flags": ", ".join(flags), "counts": ", ".join(counts)}))
    return found


def _distinct_spellings(units: Sequence[str | None]) -> list[Finding]:
    """Units an officer's spelling could not tell apart ("Xã Tân Phú", "Phường Tân Phú")."""
    from kh_treem.names import unit_key  # the key submissions are matched by

    seen: dict[str, str] = {}
    found = []
    for i, unit in enumerate(units):
        if unit is None:
            continue
        other = seen.setdefault(unit_key(unit), unit)
        if other != unit:
            found.append(Finding(("units", i), "plan-units-alike",
                                 {"first": other, "second": unit}))
    return found


def _merged_twice(merged: dict[str, list[str]]) -> list[Finding]:
    """Each old unit named a second time among the merged ones, under the same new unit or
    another: its figures would be added up twice."""
    from kh_treem.names import unit_key

    first: dict[str, str] = {}
    found = []
    for new, old in merged.items():
        for j, name in enumerate(old):
            key = unit_key(name)
            if key in first:
                found.append(Finding(("merged", new, j), "plan-merged-twice",
                                     {"old": name, "new": new, "first": first[key]}))
            first.setdefault(key, new)
    return found


def _old_still_listed(new: str, old: list[str], units: list[str]) -> list[Finding]:
    """Each old unit of ``new`` that is, as a submission would be matched, still one of
    ``units``: at the old unit's place. A merged unit keeping an old unit's name is one of
    them (the plan cannot tell that unit's figures before the merger from after)."""
    from kh_treem.names import unit_key

    keys = {unit_key(u) for u in units}
    return [Finding(("merged", new, j), "plan-merged-keeps-name" if unit_key(name) ==
                    unit_key(new) else "plan-merged-still-listed", {"new": new, "old": name})
            for j, name in enumerate(old) if unit_key(name) in keys]


def _unique(key: str, values: list[tuple[int, Any]], field_name: str | None = None
            ) -> list[Finding]:
    """A finding at each value met again (None: a value not valid on its own)."""
    seen: set[Any] = set()
    found = []
    for i, v in values:
        if v is None:
            continue
        if v in seen:
            loc: Loc = (key, i) if field_name is None else (key, i, field_name)
            found.append(Finding(loc, "plan-duplicate", {"value": v}))
        seen.add(v)
    return found


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a plan file, from the models above: an editor given it checks a
    plan as it is typed (docs/plan-format.md). The cross-references (a target's elements
    are in elements, ...) are checked only when the plan is loaded."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            **Plan.model_json_schema()}


def load_bundled(name: str) -> Plan:
    """A plan shipped with kh-treem: the 2022 plan, the national targets of 2025 and 2030."""
    source = _bundled_plans().joinpath(name)
    if not source.is_file():
        raise PlanError(f"{name}: no such bundled plan")
    return _parse(source.read_text(encoding="utf-8"), name)


def _bundled_plans() -> Traversable:
    """The folder of the bundled plans: the repository's targets/, which the wheel carries
    as kh_treem/targets (pyproject.toml), and which a source checkout has beside src/."""
    packaged = resources.files("kh_treem").joinpath("targets")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "targets"


def load_plan(path: Path | str | None = None) -> Plan:
    """Read and validate a plan file (YAML, or a workbook written by ``kh-treem plan
    export``); the bundled 2022 plan when ``path`` is None. PlanError names every problem."""
    if path is None:
        return load_bundled(DEFAULT_PLAN)
    plan, problems = check_plan(path)
    if plan is None:
        raise PlanError(_sentence(str(path), problems), problems)
    return plan


def check_plan(path: Path | str) -> tuple[Plan | None, list[Problem]]:
    """A plan file's every problem at once, each naming its place (a workbook's sheet and
    cell, a YAML file's key and line), and the plan when none is an error. A file that is no
    plan at all (missing, not YAML, too large, a commune's form) raises PlanError."""
    name = str(path)
    suffix = Path(name).suffix.lower()
    start = _plan_file(name)
    if suffix in WORKBOOK_SUFFIXES:
        if start and not start.startswith((b"PK\x03\x04", OLE_MAGIC)):  # empty: refused
            raise no_plan(name, "plan-wrong-suffix", named=_named_suffix(suffix), right=".yaml",
                           what=Words("văn bản (có lẽ là YAML)", "text (YAML, it seems)"))
        from kh_treem.plan_workbook import read_plan_workbook

        return validated(*read_plan_workbook(name))
    if start.startswith((b"PK\x03\x04", OLE_MAGIC)):
        if _word_document(name):  # a report of kh-treem's, or any .docx
            raise no_plan(name, "plan-is-document")
        raise no_plan(name, "plan-wrong-suffix", named=_named_suffix(suffix),
                       right=".xls" if start.startswith(OLE_MAGIC) else ".xlsx",
                       what=Words("bảng tính", "a workbook"))
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_PLAN_BYTES + 1)
    except OSError as exc:
        raise no_plan(name, "plan-file-unusable", detail=exc.strerror or str(exc)) from None
    if len(data) > MAX_PLAN_BYTES:
        raise no_plan(name, "plan-too-large", limit=MAX_PLAN_BYTES // 1024)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise no_plan(name, "plan-not-utf8", at=exc.start, reason=exc.reason) from None
    return _checked_yaml(text, name)


def _word_document(name: str) -> bool:
    """Whether ``name`` is a Word document: a zip whose directory holds word/document.xml."""
    import zipfile

    try:
        with zipfile.ZipFile(name) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _named_suffix(suffix: str) -> Words:
    """How a file's name ends, said after "its name": "ends in .csv", "has no suffix"."""
    if suffix:
        return Words(f"có đuôi {suffix}", f"ends in {suffix}")
    return Words("không có đuôi", "has no suffix")


def _plan_file(name: str) -> bytes:
    """The first bytes of the plan file ``name``, once it is a file that can be read: not
    missing, not a folder or a FIFO (which would never end), not Excel's lock file."""
    try:
        if not stat.S_ISREG(os.stat(name).st_mode):
            raise no_plan(name, "plan-not-a-file")
        with open(name, "rb") as file:
            start = file.read(len(OLE_MAGIC))
    except FileNotFoundError:
        raise no_plan(name, "plan-file-missing") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        detail = getattr(exc, "strerror", None) or str(exc)
        raise no_plan(name, "plan-file-unusable", detail=detail) from None
    if Path(name).name.startswith("~$"):
        raise no_plan(name, "plan-lock-file")
    return start


def no_plan(name: str, problem_type: str, **params: Any) -> PlanError:
    """The PlanError of a file that is no plan at all: one problem, with no place in it."""
    problem = Problem(problem_type, file=name, params=params)
    return PlanError(_sentence(name, [problem]), [problem])


# The suffixes of a plan workbook (reading.WORKBOOK_SUFFIXES, without importing reading).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


def plan_yaml(plan: Plan, source: str = "") -> str:
    """``plan`` as a plan file: keys in the model's order, defaults left out, a short text
    ``{vi: ..., en: ...}`` and each list of codes on one line, no line folded, a blank line
    between the top keys; loading it gives ``plan`` again."""
    import yaml

    data = plan.model_dump(mode="json", exclude_defaults=True)
    for item, target in zip(data["targets"], plan.targets, strict=True):
        item["target"] = _yaml_number(target.target)

    class Dumper(yaml.SafeDumper):
        pass

    def mapping(dumper: Any, value: dict[str, Any]) -> Any:
        short = set(value) <= {"vi", "en"} and sum(map(len, value.values())) < 70
        return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=short)

    def sequence(dumper: Any, value: list[Any]) -> Any:
        return dumper.represent_sequence("tag:yaml.org,2002:seq", value,
                                         flow_style=all(isinstance(v, str) for v in value))

    def string(dumper: Any, value: str) -> Any:
        # PyYAML writes U+0085, U+2028 and U+2029 as line breaks that reading folds into a
        # space: a text with any character not printable is written with escapes ("\L").
        style = None if value.isprintable() else '"'
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(dict, mapping)
    Dumper.add_representer(list, sequence)
    Dumper.add_representer(str, string)
    text = yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False,
                     width=10_000)
    lines = [f"# {_one_line(plan.title.vi)}",
             f"# Written by kh-treem plan import"
             f"{f' from {_one_line(source)}' if source else ''}; every key:"
             " docs/plan-format.md", ""]
    for line in text.splitlines():
        if lines[-1] and line[:1].isalpha():  # a top key
            lines.append("")
        lines.append(line)
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """``text`` fit for a YAML comment: every character that is not printable (a line break,
    CR, U+0085, U+2028, a control character) a space, so that no text typed in a cell or a
    file's name ends the comment and starts a key."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _yaml_number(value: Fraction) -> int | float | str:
    """A target as YAML writes it exactly: 9.8, 87, or "1/3" where no decimal is exact."""
    if value.denominator == 1:
        return int(value)
    with contextlib.suppress(OverflowError):
        if Fraction(repr(float(value))) == value:
            return float(value)
    return str(value)


def require_units(plan: Plan, name: str | None = None) -> Plan:
    """``plan``, if it lists the units to score; a horizon plan (national targets) lists none.
    ``name``: its file's, for the message."""
    if not plan.units:
        raise no_plan(name or plan.id, "plan-no-units", id=plan.id)
    return plan


def _parse(text: str, name: str) -> Plan:
    plan, problems = _checked_yaml(text, name)
    if plan is None:
        raise PlanError(_sentence(name, problems), problems)
    return plan


def _checked_yaml(text: str, name: str) -> tuple[Plan | None, list[Problem]]:
    import yaml  # only the commands that read a plan pay for it

    loader = _loader()(text)  # a safe loader, see _loader
    try:
        # Parsed once: the nodes give each key's line, then the data is built from them.
        document = loader.get_single_node()
        data = None if document is None else loader.construct_document(document)
        lines = {} if document is None else _lines(document)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        twice = getattr(exc, "key_twice", None)
        if twice is not None and mark is not None:
            raise no_plan(name, "plan-key-twice", key=twice[0], first=twice[1],
                           line=mark.line + 1) from None
        at = Words("", "") if mark is None else Words(
            f" ở dòng {mark.line + 1}, cột {mark.column + 1}",
            f" (line {mark.line + 1}, column {mark.column + 1})")
        raise no_plan(name, "plan-not-yaml", at=at, detail=exc.problem or str(exc)) from None
    except yaml.YAMLError as exc:
        raise no_plan(name, "plan-not-yaml", at=Words("", ""), detail=str(exc)) from None
    except (ValueError, RecursionError) as exc:  # a number of thousands of digits, nesting
        raise no_plan(name, "plan-value-unheld", detail=str(exc).split(";")[0]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise no_plan(name, "plan-not-mapping")

    def place(loc: Loc) -> dict[str, Any]:
        line = next((lines[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in lines),
                    None)
        return {"file": name, "cell": key_path(loc, data), "line": line}

    return validated(data, place)


Place = Callable[[Loc], dict[str, Any]]  # a finding's place -> Problem's file, sheet, cell...


def validated(
    data: dict[str, Any], place: Place, read: Sequence[Problem] = (),
    reported: Collection[Loc] = (),
) -> tuple[Plan | None, list[Problem]]:
    """``data`` as a Plan, and every problem of it (after ``read``, those found in reading
    it; a finding at one of the places ``reported`` is already among them). No plan when
    any problem is an error. A place in ``reported`` covers the places within it.

    pydantic reports every field at once but checks the plan's cross-references only when
    every part is valid; here they are also checked among the parts that are, so that a
    negative target and an unknown element elsewhere are said together."""
    problems = list(read)
    try:
        plan: Plan | None = Plan.model_validate(data)
    except ValidationError as exc:
        plan = None
        findings, crossed = _findings_of(exc)
        if not crossed:
            findings += cross_findings(*_valid_parts(data))
        for f in findings:
            # Told already, at the place or at one holding it (a sheet, a table's column).
            if not any(f.loc[:n] in reported for n in range(1, len(f.loc) + 1)):
                where = place(f.loc)
                # The place may say what the value is (a workbook's column): for plan-missing.
                said = where.pop("params", {}) if f.type == "plan-missing" else {}
                where.pop("params", None)
                problems.append(Problem(f.type, params={**f.params, **said}, **where))
    if any(p.severity == "error" for p in problems):
        plan = None
    return plan, problems


def _sentence(name: str, problems: list[Problem]) -> str:
    """The problems in one English sentence, as PlanError says them."""
    errors = [p for p in problems if p.severity == "error"]
    clauses = [plan_clause(p, "en") for p in errors]
    more = len(clauses) - MAX_CLAUSES
    return f"{name}: " + "; ".join(clauses[:MAX_CLAUSES]) + (
        f"; and {more} more" if more > 0 else "")


def plan_clause(problem: Problem, lang: str) -> str:
    """`Chỉ tiêu › K6: chỉ tiêu -5 là số âm…`: a problem of a plan file, its place without
    the file's name (said once before), or its sentence alone where it has no place."""
    where = dataclasses.replace(problem, file=None).where(lang).strip()
    return f"{where}: {problem.message(lang)}" if where else problem.message(lang)


def key_path(loc: Loc, data: dict[str, Any]) -> str:
    """``targets.3 (3b).target``: a place as pydantic names it, a target or an element also
    by its id or code."""
    parts = [str(p) for p in loc]
    if len(parts) >= 2 and parts[0] in ("targets", "elements") and isinstance(loc[1], int):
        items = data.get(parts[0])
        index = loc[1]
        if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
            label = items[index].get("id", items[index].get("code"))
            if label is not None:
                parts[1] = f"{index} ({label})"
    return ".".join(parts)


def _findings_of(exc: ValidationError) -> tuple[list[Finding], bool]:
    """pydantic's errors as findings, and whether the cross-references were checked."""
    findings: list[Finding] = []
    crossed = False
    for err in exc.errors():
        loc = tuple(err["loc"])
        found = err.get("ctx", {}).get("error")
        if isinstance(found, Found):
            crossed = crossed or found.cross
            findings += [Finding((*loc, *f.loc), f.type, f.params) for f in found.findings]
        else:
            findings.append(_finding(loc, err))
    return findings, crossed


# pydantic's error types that mean a value of the wrong type -> what is expected, in Vietnamese.
_TYPES = {
    "int_type": "một số nguyên", "int_parsing": "một số nguyên",
    "int_from_float": "một số nguyên", "float_type": "một số", "float_parsing": "một số",
    "finite_number": "một số", "string_type": "một đoạn chữ", "list_type": "một danh sách",
    "dict_type": "một nhóm mục (mapping)", "model_type": "một nhóm mục (mapping)",
    "model_attributes_type": "một nhóm mục (mapping)", "bool_type": "đúng hoặc sai",
    "enum": "một trong {expected}",
}
# pydantic's error types of a value out of its range -> what is expected, in Vietnamese.
_RANGES = {
    "greater_than_equal": "từ {ge} trở lên", "greater_than": "lớn hơn {gt}",
    "less_than_equal": "không quá {le}", "less_than": "nhỏ hơn {lt}",
}
# ... of a list too short or too long -> how many items it needs, in both languages.
_LENGTHS = {"too_short": ("ít nhất {min_length}", "at least {min_length}"),
            "too_long": ("nhiều nhất {max_length}", "at most {max_length}")}


def _finding(loc: Loc, err: Any) -> Finding:
    """One of pydantic's own errors as a finding: its sentence is the English, the
    Vietnamese says the same from its type."""
    kind, ctx = err["type"], err.get("ctx", {})
    detail = str(err["msg"]).removeprefix("Value error, ")
    given = err.get("input")
    found: Any = _shown(given) if isinstance(given, (str, int, float)) else Words(
        f"{len(given)} mục", f"{len(given)} items") if isinstance(given, (list, dict)) else (
        str(given))
    ctx = {key: _shown(value).vi if isinstance(_shown(value), Words) else value
           for key, value in ctx.items()}
    if kind in ("missing", "string_too_short"):
        # Named by its key (a workbook's reading names it by its column or label instead).
        key = ".".join(str(p) for p in (loc[-2:] if loc[-1:] in (("vi",), ("en",)) else loc[-1:]))
        return Finding(loc, "plan-missing", {"detail": detail, "what": Words(
            f"khóa “{key}”", f"the key “{key}”")})
    if kind == "extra_forbidden":
        return Finding(loc, "plan-unknown-key", {"detail": detail, "found": loc[-1]})
    if kind in ("literal_error", "enum", "string_pattern_mismatch"):
        expected = (f"đúng mẫu {ctx.get('pattern')}" if kind == "string_pattern_mismatch"
                    else f"một trong {ctx.get('expected')}")
        return Finding(loc, "plan-not-allowed", {"detail": detail, "found": found,
                                                 "expected": expected})
    if kind in _TYPES:
        return Finding(loc, "plan-wrong-type", {"detail": detail, "found": found,
                                                "expected": _TYPES[kind].format(**ctx)})
    if kind in _LENGTHS:
        count = len(given) if isinstance(given, (list, dict)) else "?"
        return Finding(loc, "plan-list-length", {"count": count, "expected": Words(
            *(text.format(**ctx) for text in _LENGTHS[kind]))})
    if kind in _RANGES:
        return Finding(loc, "plan-out-of-range", {"detail": detail, "found": found,
                                                  "expected": _RANGES[kind].format(**ctx)})
    return Finding(loc, "plan-invalid", {"detail": detail})


def _shown(value: Any) -> Any:
    """A number as the officer reads it: 87 (typed 87, held as 87.0), 95,5 in Vietnamese."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    try:
        exact = Fraction(repr(value))
    except (ValueError, OverflowError):  # inf, nan
        return value
    return Words(decimal_text(exact, "vi"), decimal_text(exact))


def _valid_parts(data: dict[str, Any]) -> tuple[
    list[str | None], list[tuple[int, Element]], list[tuple[int, Target]],
    list[tuple[int, Goal]], dict[str, list[str]], list[tuple[int, list[str]]],
]:
    """The parts of ``data`` each valid on its own, with their index (cross_findings)."""

    def valid(key: str, model: type[BaseModel], keys: tuple[str, ...]) -> list[tuple[int, Any]]:
        """Each item; one not valid (its errors are told already) with those of ``keys``
        that are, the others None: its id is still met twice, its elements still unknown."""
        items = data.get(key)
        found = []
        for i, item in enumerate(items if isinstance(items, list) else []):
            try:
                found.append((i, model.model_validate(item)))
            except ValidationError as exc:
                if isinstance(item, dict):
                    bad = {e["loc"][0] for e in exc.errors() if e["loc"]}
                    found.append((i, model.model_construct(**{
                        k: item.get(k) if k not in bad else None for k in keys})))
        return found

    units = data.get("units")
    named = [u if isinstance(u, str) and _readable(u) else None
             for u in (units if isinstance(units, list) else [])]
    merged = data.get("merged")
    merges = {new: old for new, old in merged.items() if isinstance(new, str)
              and isinstance(old, list) and all(isinstance(o, str) for o in old)
              } if isinstance(merged, dict) else {}
    rules = data.get("rules")
    chains = [(i, chain) for i, chain in enumerate(rules if isinstance(rules, list) else [])
              if isinstance(chain, list) and all(isinstance(c, str) for c in chain)]
    return (named, valid("elements", Element, ("code", "kind")),
            valid("targets", Target, ("id", "goal", "measure", "numerator", "denominator")),
            valid("goals", Goal, ("id",)), merges, chains)


def _readable(name: str) -> bool:
    from kh_treem.names import fold

    return bool(fold(name))


def _loader() -> Any:
    """PyYAML's safe loader (libyaml's, the faster, where PyYAML was built with it) that
    refuses a key given twice in a mapping, naming its lines: PyYAML keeps the last."""
    import yaml

    class KeyTwice(yaml.constructor.ConstructorError):
        def __init__(self, key: Any, first: int, mark: Any) -> None:
            super().__init__(None, None, f"the key {key!r} is given twice (first on line"
                             f" {first})", mark)
            self.key_twice = (key, first)  # said in either language by check_plan

    class PlanLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            first: dict[Any, int] = {}  # key -> its line
            for key_node, _ in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
                if key in first:
                    raise KeyTwice(key, first[key], key_node.start_mark)
                first[key] = key_node.start_mark.line + 1
            return super().construct_mapping(node, deep)

    return PlanLoader


def _lines(
    node: Any, loc: tuple[str | int, ...] = (), seen: set[int] | None = None
) -> dict[tuple[str | int, ...], int]:
    """The line of every key and item of the document, by its place as pydantic names it.
    A node reached again through an alias is not walked again (a few lines of aliases
    can stand for billions of nodes)."""
    import yaml

    seen = set() if seen is None else seen
    found = {loc: node.start_mark.line + 1}
    if id(node) in seen:
        return found
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                found[(*loc, key.value)] = key.start_mark.line + 1
                found.update(_lines(value, (*loc, key.value), seen))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found.update(_lines(item, (*loc, i), seen))
    return found

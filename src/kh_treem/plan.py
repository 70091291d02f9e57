"""The plan file: what a year's plan asks for, as validated data.

A plan file is YAML (``targets/plan_2022.yaml`` is the reference). This module
turns it into a :class:`Plan` or into a :class:`PlanError` whose message names
the key at fault; it knows nothing of submissions or scoring.
"""

from __future__ import annotations

import enum
import os
import stat
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

DEFAULT_PLAN = "plan_2022.yaml"
MAX_PLAN_BYTES = 1024 * 1024  # the 2022 plan is 28 KB
MAX_COUNT_TARGET = 100_000_000  # no count (persons, communes) is larger: the country's people
MAX_CLAUSES = 10  # errors named in one message; the rest are counted


class PlanError(Exception):
    """A plan file that cannot be used; the message names the file, the key and its line."""


class _At(ValueError):
    """A validator's finding about one place of the plan, ``loc`` as pydantic names places
    (("targets", 3) is the fourth target), so that its line can be named."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


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


def _exact(value: Any) -> Any:
    # YAML gives 9.8 as a binary float; its shortest repr is the decimal the
    # author typed, so going through str keeps the comparison exact.
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, (int, float, str)):
        try:
            return Fraction(str(value))
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
    return value


def _not_yes_or_no(value: Any) -> Any:
    if isinstance(value, bool):  # pydantic would read YAML's true as 1
        raise ValueError("must be a number, not true or false")
    return value


T = TypeVar("T")
Threshold = Annotated[T, BeforeValidator(_not_yes_or_no)]  # a number of Quality


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
        raise ValueError("a unit's name is empty")
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
    # rate over fewer is not compared with the other communes'.
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
        if self.measure in (Measure.RATIO, Measure.REDUCTION):
            if self.denominator is None:
                raise ValueError(f"measure {self.measure.value} needs a denominator")
        elif self.denominator is not None:
            raise ValueError(f"measure {self.measure.value} takes no denominator")
        if self.measure is Measure.RATIO and self.unit not in RATE_FACTORS:
            raise ValueError(
                f"unit {self.unit!r} is not a rate; use one of {', '.join(RATE_FACTORS)}"
            )
        if self.measure is Measure.REDUCTION and self.unit != "%":
            raise ValueError("a reduction is measured in %")
        if self.measure is Measure.UNITS and self.unit not in ("communes", "%"):
            raise ValueError("a count of units is measured in 'communes' or, as a share, in '%'")
        if self.measure is Measure.COUNT and self.unit not in COUNT_UNITS:
            raise ValueError(f"a count is measured in one of {', '.join(COUNT_UNITS)}")
        if self.target < 0:
            raise _At(("target",), f"the target {self.target} is negative")
        if self.target > self.factor and self.unit in RATE_FACTORS:
            raise _At(("target",), f"a target in {self.unit} is at most {self.factor}")
        if self.target > MAX_COUNT_TARGET:
            raise _At(("target",), f"a target is at most {MAX_COUNT_TARGET:,}")
        return self

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
        codes = {e.code for e in self.elements}
        _unique("units", self.units)
        _distinct_spellings(self.units)
        _unique("elements", [e.code for e in self.elements])
        _unique("targets", [t.id for t in self.targets])
        _unique("goals", [g.id for g in self.goals])
        goals = {g.id for g in self.goals}
        for i, t in enumerate(self.targets):
            if t.goal not in goals:
                raise _At(("targets", i, "goal"), f"goal {t.goal} is not in goals")
            for key, code in (("numerator", t.numerator), ("denominator", t.denominator)):
                if code is not None and code not in codes:
                    raise _At(("targets", i, key), f"element {code!r} is not in elements")
            if t.measure is Measure.UNITS and self.element(t.numerator).kind != "flag":
                raise _At(("targets", i, "numerator"), "a count of units needs a flag element")
        for new, old in self.merged.items():
            if new not in self.units:
                raise _At(("merged", new), f"{new!r} is not in units")
            if not old or _matched(old, self.units):
                raise _At(("merged", new), f"{new!r} must replace units no longer in units")
        for i, chain in enumerate(self.rules):
            for j, code in enumerate(chain):
                if code not in codes:
                    raise _At(("rules", i, j), f"element {code!r} is not in elements")
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


def _distinct_spellings(units: list[str]) -> None:
    """Units an officer's spelling could not tell apart ("Xã Tân Phú", "Phường Tân Phú")."""
    from kh_treem.names import unit_key  # the key submissions are matched by

    seen: dict[str, str] = {}
    for i, unit in enumerate(units):
        other = seen.setdefault(unit_key(unit), unit)
        if other != unit:
            raise _At(("units", i), f"{other!r} and {unit!r} read the same once accents,"
                      " case and a leading Xã/Phường/Thị trấn are set aside; name them apart")


def _matched(names: list[str], units: list[str]) -> bool:
    """Whether any of ``names`` is, as a submission would be matched, one of ``units``."""
    from kh_treem.names import unit_key

    keys = {unit_key(u) for u in units}
    return any(unit_key(n) in keys for n in names)


def _unique(key: str, values: list[Any]) -> None:
    seen: set[Any] = set()
    for i, v in enumerate(values):
        if v in seen:
            raise _At((key, i), f"{v!r} appears twice")
        seen.add(v)


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
    """Read and validate a plan file; the bundled 2022 plan when ``path`` is None."""
    if path is None:
        return load_bundled(DEFAULT_PLAN)
    name = str(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would never end
            raise PlanError(f"{name}: not a file")
        with open(path, "rb") as file:
            data = file.read(MAX_PLAN_BYTES + 1)
    except FileNotFoundError:
        raise PlanError(f"{name}: no such plan file") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise PlanError(f"{name}: cannot be read ({getattr(exc, 'strerror', None) or exc})"
                        ) from None
    if len(data) > MAX_PLAN_BYTES:
        raise PlanError(f"{name}: over {MAX_PLAN_BYTES // 1024} KB, which no plan file is")
    try:
        return _parse(data.decode("utf-8"), name)
    except UnicodeDecodeError as exc:
        raise PlanError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def require_units(plan: Plan) -> Plan:
    """``plan``, if it lists the units to score; a horizon plan (national targets) lists none."""
    if not plan.units:
        raise PlanError(f"{plan.id}: units: the plan lists no commune to score (a plan of"
                        " national targets is used with rollup --horizon)")
    return plan


def _parse(text: str, name: str) -> Plan:
    import yaml  # only the commands that read a plan pay for it

    loader = _loader()(text)  # a safe loader, see _loader
    try:
        # Parsed once: the nodes give each key's line, then the data is built from them.
        document = loader.get_single_node()
        data = None if document is None else loader.construct_document(document)
        lines = {} if document is None else _lines(document)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = "" if mark is None else f" (line {mark.line + 1}, column {mark.column + 1})"
        raise PlanError(f"{name}: not valid YAML{where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise PlanError(f"{name}: not valid YAML ({exc})") from None
    except (ValueError, RecursionError) as exc:  # a number of thousands of digits, nesting
        detail = str(exc).split(";")[0]
        raise PlanError(f"{name}: not a plan file (a value no plan holds: {detail})") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise PlanError(f"{name}: a plan file is a mapping of keys (id, year, targets, ...)")
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanError(f"{name}: {_describe(exc, data, lines)}") from None


def _loader() -> Any:
    """PyYAML's safe loader (libyaml's, the faster, where PyYAML was built with it) that
    refuses a key given twice in a mapping, naming its lines: PyYAML keeps the last."""
    import yaml

    class PlanLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            first: dict[Any, int] = {}  # key -> its line
            for key_node, _ in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
                if key in first:
                    raise yaml.constructor.ConstructorError(
                        None, None,
                        f"the key {key!r} is given twice (first on line {first[key]})",
                        key_node.start_mark)
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


def _describe(
    exc: ValidationError, data: dict[str, Any], lines: dict[tuple[str | int, ...], int]
) -> str:
    """One clause per error, naming the key and its line; a target or element also by its
    id or code."""
    clauses = []
    for err in exc.errors():
        message = err["msg"].removeprefix("Value error, ")
        found = err.get("ctx", {}).get("error")
        loc = (*err["loc"], *(found.loc if isinstance(found, _At) else ()))
        parts = [str(p) for p in loc]
        if len(parts) >= 2 and parts[0] in ("targets", "elements") and parts[1].isdigit():
            item = data.get(parts[0])
            index = int(parts[1])
            if isinstance(item, list) and index < len(item) and isinstance(item[index], dict):
                label = item[index].get("id", item[index].get("code"))
                if label is not None:
                    parts[1] = f"{index} ({label})"
        line = next((lines[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in lines), None)
        where = ".".join(parts) + ("" if line is None else f" (line {line})")
        clauses.append(f"{where}: {message}" if where else message)
    more = len(clauses) - MAX_CLAUSES
    return "; ".join(clauses[:MAX_CLAUSES]) + (f"; and {more} more" if more > 0 else "")

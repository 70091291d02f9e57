"""kh-treem: did the district meet the targets of its yearly plan for children?

    >>> import kh_treem
    >>> result = kh_treem.score(["examples/2022"])
    >>> print(result.met, "of", len(result.indicators), "targets met")

``score`` reads the communes' workbooks, checks them against the plan and
scores every target exactly; ``result.to_dict()`` is what ``--format json`` prints.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kh_treem.multiyear import RollupResult, rollup
    from kh_treem.pipeline import CheckResult, ScoreResult, check, score
    from kh_treem.plan import Plan, PlanError, load_plan
    from kh_treem.problems import Problem

# Imported on first use, not with the package: `kh-treem template` need not load the
# reading and scoring modules, nor `score` the rollup (every command starts faster).
_HOMES = {
    "CheckResult": "pipeline", "ScoreResult": "pipeline", "check": "pipeline",
    "score": "pipeline", "Plan": "plan", "PlanError": "plan", "load_plan": "plan",
    "Problem": "problems", "RollupResult": "multiyear", "rollup": "multiyear",
}

__all__ = [
    "CheckResult", "Plan", "PlanError", "Problem", "RollupResult", "ScoreResult", "check",
    "load_plan", "rollup", "score",
]


def __dir__() -> list[str]:
    """The public names (found on first use, so not yet in globals()) and the dunders."""
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kh_treem' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"kh_treem.{home}"), name)
    globals()[name] = value  # the next lookup does not come here
    return value

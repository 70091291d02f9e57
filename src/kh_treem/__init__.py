"""kh-treem: did the district meet the targets of its yearly plan for children?

    >>> import kh_treem
    >>> result = kh_treem.score(["examples/2022"])
    >>> print(result.met, "of", len(result.indicators), "targets met")

``score`` reads the communes' workbooks, checks them against the plan and
scores every target exactly; ``result.to_dict()`` is what ``--format json`` prints.
``check`` is the nightly check without scoring, ``rollup`` follows several years.
"""

from kh_treem.multiyear import RollupResult, rollup
from kh_treem.pipeline import CheckResult, ScoreResult, check, score
from kh_treem.plan import Plan, PlanError, load_plan
from kh_treem.problems import Problem

__all__ = [
    "CheckResult", "Plan", "PlanError", "Problem", "RollupResult", "ScoreResult", "check",
    "load_plan", "rollup", "score",
]

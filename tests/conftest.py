"""Shared fixtures: the bundled plan and a folder of commune forms."""

from __future__ import annotations

import pytest

from kh_treem.plan import Plan
from tests.forms import PLAN


@pytest.fixture
def plan() -> Plan:
    return PLAN

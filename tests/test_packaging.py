"""The wheel an officer installs carries every bundled plan, byte for byte as in targets/.

The plans live once, in targets/; pyproject.toml has the wheel carry them as
kh_treem/targets, where load_bundled() finds them once installed.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PLANS = sorted((REPO / "targets").glob("*.yaml"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
                   cwd=REPO, check=True, capture_output=True, timeout=300)
    (built,) = out.glob("kh_treem-*.whl")
    return zipfile.ZipFile(built)


def test_there_are_bundled_plans() -> None:
    assert [p.name for p in PLANS] == ["national_2025.yaml", "national_2030.yaml",
                                       "plan_2022.yaml"]


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.name)
def test_wheel_carries_the_plan_as_it_is(wheel: zipfile.ZipFile, plan: Path) -> None:
    assert wheel.read(f"kh_treem/targets/{plan.name}") == plan.read_bytes()


def test_wheel_carries_no_other_plan(wheel: zipfile.ZipFile) -> None:
    carried = sorted(n for n in wheel.namelist() if n.startswith("kh_treem/targets/"))
    assert carried == [f"kh_treem/targets/{p.name}" for p in PLANS]


def test_installed_package_reads_its_own_plans(wheel: zipfile.ZipFile, tmp_path: Path) -> None:
    """Unpacked as pip would install it (no source tree beside it; first on the path, before
    this checkout's editable install), kh_treem loads every bundled plan from inside the
    package."""
    wheel.extractall(tmp_path)
    code = ("import kh_treem.plan as p; print(p._bundled_plans()); "
            "print(*(p.load_bundled(n).id for n in ('plan_2022.yaml', 'national_2025.yaml',"
            " 'national_2030.yaml')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120, env={"PYTHONPATH": str(tmp_path)})
    folder, ids = done.stdout.splitlines()
    assert Path(folder) == tmp_path / "kh_treem" / "targets"
    assert ids.split() == ["ia-hdrai-2022", "national-2025", "national-2030"]

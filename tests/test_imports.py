"""What `import kh_treem.cli` costs: the heavy libraries stay out until a command needs them.

The check runs in a fresh interpreter (sys.executable), since the test process itself has
long since imported openpyxl, pandas or rich through other tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# Libraries that only some commands need: reading (python_calamine), writing a workbook
# (xlsxwriter) or the report (docx), rendering (rich), or that kh-treem never needs at all
# (pandas, numpy, openpyxl).
LAZY = ("pandas", "openpyxl", "numpy", "xlsxwriter", "python_calamine", "rich", "docx")


def _modules_after(statement: str) -> set[str]:
    code = f"import json, sys; {statement}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    return set(json.loads(done.stdout))


def test_cli_import_leaves_heavy_libraries_out() -> None:
    """Importing kh_treem.cli loads typer but none of the libraries a command loads itself."""
    modules = _modules_after("import kh_treem.cli")
    assert "typer" in modules
    loaded = sorted(name for name in LAZY if name in modules)
    assert loaded == [], f"import kh_treem.cli imported {', '.join(loaded)}"


def test_package_names_are_the_library_calls() -> None:
    """kh_treem.rollup, .score and .check are the library calls, whatever was imported
    first, and the package's names are exactly its __all__ (nothing imported lazily)."""
    code = ("import kh_treem.cli, kh_treem.multiyear, kh_treem.pipeline, kh_treem; "
            "print(kh_treem.rollup.__module__, kh_treem.score.__module__, "
            "kh_treem.check.__module__, kh_treem.Plan.__name__, "
            "all(hasattr(kh_treem, name) for name in kh_treem.__all__))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.split() == [
        "kh_treem.multiyear", "kh_treem.pipeline", "kh_treem.pipeline", "Plan", "True"]


@pytest.mark.parametrize(("given", "seen"), [(None, "__all__"), ("logfire", "logfire")])
def test_command_turns_pydantic_plugins_off_unless_told_otherwise(
    given: str | None, seen: str
) -> None:
    """The kh-treem command looks for no pydantic plugin (the search reads every installed
    package's metadata, ~60 ms), but a PYDANTIC_DISABLE_PLUGINS set by the user is kept;
    importing kh_treem.cli changes nothing."""
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if given is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = given
    code = "\n".join([
        "import os, sys, kh_treem.cli as cli",
        "imported = os.environ.get('PYDANTIC_DISABLE_PLUGINS')",
        "sys.argv = ['kh-treem', '--help']",
        "try:",
        "    cli.main()",
        "except SystemExit:",
        "    pass",
        "from kh_treem.plan import load_plan",
        "load_plan(None)",
        "import pydantic.plugin._loader as loader",
        "print(imported, os.environ['PYDANTIC_DISABLE_PLUGINS'], loader._plugins is None)",
    ])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120, env=env)
    assert done.stdout.split()[-3:] == [str(given), seen, str(seen == "__all__")]

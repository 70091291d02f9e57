"""What `import kh_treem.cli` costs: the heavy libraries stay out until a command needs them.

The check runs in a fresh interpreter (sys.executable), since the test process itself has
long since imported openpyxl, pandas or rich through other tests.
"""

from __future__ import annotations

import json
import subprocess
import sys

# Libraries that only some commands need: reading (python_calamine), writing a workbook
# (xlsxwriter), rendering (rich), or that kh-treem never needs at all (pandas, numpy, openpyxl).
LAZY = ("pandas", "openpyxl", "numpy", "xlsxwriter", "python_calamine", "rich")


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

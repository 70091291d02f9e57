"""`kh-treem ...` run in-process for the tests, on a fixed terminal.

A plain module rather than a conftest fixture, so that test modules can import ``run``.
"""

from __future__ import annotations

from typer.testing import CliRunner, Result

from kh_treem.cli import app

_runner = CliRunner()


def run(*args: object, columns: int = 120) -> Result:
    """Invoke the app with ``args`` (each turned into a string) on a terminal ``columns`` wide
    and without colour codes, whatever the terminal running the tests.

    Exceptions are caught into ``result.exception``; ``result.stdout`` and ``result.stderr``
    are kept apart, and ``result.output`` has both as they were written.
    """
    env: dict[str, str | None] = {"COLUMNS": str(columns), "FORCE_COLOR": None,
                                  "TTY_COMPATIBLE": None, "NO_COLOR": "1"}
    return _runner.invoke(app, [str(a) for a in args], env=env)

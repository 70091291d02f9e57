"""What arrived since the last check: the nightly job's memory of the files it saw.

``kh-treem check FOLDER --state FILE`` keeps in FILE (JSON) the path, size and SHA-256 of
every file it looked at; the next run marks each file ``new``, ``changed`` or ``unchanged``
and names the files that are gone. Files are known by their absolute path (the same file
whatever folder the task starts in) and shown by the path as given. The state is written
whole or not at all; a state file that cannot be read (damaged, someone else's, of another
version) is a notice and a fresh start, never a failure of the check.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from kh_treem.atomic import atomic_path
from kh_treem.intake import FileRecord
from kh_treem.problems import Problem

Change = Literal["new", "changed", "unchanged"]
STATE_KIND = "kh-treem check state"
STATE_VERSION = 1
# A province's state is under a megabyte (3,300 files); anything far larger is not a state.
MAX_STATE_BYTES = 64 * 1024 * 1024


# The models are built when first used (defer_build), after the command has turned off
# pydantic's search for plugins (cli.main), as plan.py's are.
class _Seen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, defer_build=True)

    path: str  # as given that night: how a file that is gone is named
    absolute: str
    size: int | None
    sha256: str | None


class _State(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    kind: Literal["kh-treem check state"]
    version: Literal[1]
    files: list[_Seen]


@dataclass(frozen=True)
class Arrivals:
    """Each file's change since the last run (by its path as shown), and the files gone."""

    changes: dict[str, Change]
    gone: list[str]


def since_last_run(
    state: Path, files: Sequence[FileRecord], complete: bool = True
) -> tuple[Arrivals, list[Problem]]:
    """Compare ``files`` with those of ``state``, then write ``files`` into it for next time.

    ``complete``: whether every path named could be looked at. When one could not (a share
    offline for the night), a file not found is not gone: it is kept in the state as it was,
    so that the next complete run compares with what was really seen.
    """
    seen, problems = _read(state)
    by_key = {s.absolute: s for s in seen}
    changes: dict[str, Change] = {}
    now = set()
    for record in files:
        key = _key(record.path)
        now.add(key)
        before = by_key.get(key)
        if before is None:
            changes[record.path] = "new"
        elif (before.size, before.sha256) == (record.size, record.sha256):
            changes[record.path] = "unchanged"
        else:
            changes[record.path] = "changed"
    unseen = [s for s in seen if s.absolute not in now]
    kept = [] if complete else unseen
    problems += _write(state, [*(_seen(f) for f in files), *kept])
    return Arrivals(changes, [s.path for s in unseen] if complete else []), problems


def _key(path: str) -> str:
    """The path a file is known by across runs (case-blind where the system is)."""
    return os.path.normcase(os.path.abspath(path))


def _read(state: Path) -> tuple[list[_Seen], list[Problem]]:
    """The files of the last run: none and no word on the first run (no state yet)."""
    try:
        with open(state, "rb") as file:
            data = file.read(MAX_STATE_BYTES + 1)
    except FileNotFoundError:
        return [], []
    except OSError as exc:  # a folder, no permission
        return [], [Problem("state-unreadable", file=str(state),
                            params={"detail": exc.strerror or str(exc)})]
    try:
        if len(data) > MAX_STATE_BYTES:
            raise ValueError(f"over {MAX_STATE_BYTES} bytes")
        return _State.model_validate(json.loads(data)).files, []
    except ValidationError as exc:  # JSON, but not kh-treem's state (or not this version)
        first = exc.errors()[0]
        detail = f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, nested too deep
        detail = str(exc) or type(exc).__name__
    return [], [Problem("state-invalid", file=str(state), params={"detail": detail})]


def _seen(record: FileRecord) -> _Seen:
    return _Seen(path=record.path, absolute=_key(record.path), size=record.size,
                 sha256=record.sha256)


def _write(state: Path, files: Sequence[_Seen]) -> list[Problem]:
    content = {"kind": STATE_KIND, "version": STATE_VERSION,
               "files": [f.model_dump() for f in files]}
    # ASCII: a name's undecodable bytes (lone surrogates) are escapes json.loads reads back.
    text = json.dumps(content, indent=1)
    try:
        with atomic_path(state) as temp:
            temp.write_text(text, encoding="ascii")
    except OSError as exc:
        return [Problem("state-unwritable", file=str(state),
                        params={"detail": exc.strerror or str(exc)})]
    return []

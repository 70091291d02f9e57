"""What arrived since the last check: the nightly job's memory of the files it saw.

``kh-treem check FOLDER --state FILE`` keeps in FILE (JSON) the path, size and SHA-256 of
every file it looked at; the next run marks each file ``new``, ``changed`` or ``unchanged``
and names the files that are gone. Files are known by their absolute path (the same file
whatever folder the task starts in) and shown by the path as given. The state is written
whole or not at all, once the report is out (:meth:`Arrivals.save`), so that a report lost
to a full disk or a Ctrl-C is given again the next night. A state file that cannot be read
(damaged, someone else's, of another version) is a notice and a fresh start, never a failure
of the check.
"""

from __future__ import annotations

import json
import os
import stat
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
    """Each file's change since the last run (by its path as shown), the files gone, and
    what to remember for the next run (written by :meth:`save`, once the report is out)."""

    state: Path
    changes: dict[str, Change]
    gone: list[str]
    snapshot: list[_Seen]
    writable: bool  # False: the state path is not a file kh-treem may write (see compare)

    def save(self) -> list[Problem]:
        """Write the snapshot, atomically, through a link to its target; a problem if the
        system refuses or the path is not a state file kh-treem may replace."""
        if not self.writable:
            return [Problem("state-unwritable", file=str(self.state),
                            params={"detail": "not a regular file, or a file read as input"})]
        content = {"kind": STATE_KIND, "version": STATE_VERSION,
                   "files": [f.model_dump() for f in self.snapshot]}
        # ASCII: a name's undecodable bytes (lone surrogates) are escapes json.loads reads.
        text = json.dumps(content, indent=1)
        try:
            with atomic_path(Path(os.path.realpath(self.state))) as temp:
                temp.write_text(text, encoding="ascii")
        except OSError as exc:
            return [Problem("state-unwritable", file=str(self.state),
                            params={"detail": exc.strerror or str(exc)})]
        return []


def compare(
    state: Path, files: Sequence[FileRecord], complete: bool = True
) -> tuple[Arrivals, list[Problem]]:
    """Compare ``files`` with those of ``state``.

    ``complete``: whether every path named could be looked at. When one could not (a share
    offline for the night), a file not found is not gone: it is kept in the snapshot as it
    was, so that the next complete run compares with what was really seen. A state path that
    is not a regular file (a FIFO, a device) or is one of ``files`` is never written.
    """
    seen, problems, regular = _read(state)
    by_key = {s.absolute: s for s in seen}
    changes: dict[str, Change] = {}
    now = set()
    for record in files:
        key = _key(record.path)
        now.add(key)
        before = by_key.get(key)
        if before is None:
            changes[record.path] = "new"
        elif _same(before, record):
            changes[record.path] = "unchanged"
        else:
            changes[record.path] = "changed"
    unseen = [s for s in seen if s.absolute not in now]
    is_input = _key(os.path.realpath(state)) in {_key(os.path.realpath(f.path)) for f in files}
    arrivals = Arrivals(
        state=state, changes=changes, gone=[s.path for s in unseen] if complete else [],
        snapshot=[*(_seen(f) for f in files), *([] if complete else unseen)],
        writable=regular and not is_input)
    return arrivals, problems


def _same(before: _Seen, now: FileRecord) -> bool:
    """Whether a file is as it was: same SHA-256 and size. A file that could not be hashed
    (too large, unreadable) is the same only if its size is known and equal both times."""
    if before.sha256 is not None or now.sha256 is not None:
        return (before.sha256, before.size) == (now.sha256, now.size)
    return before.size is not None and before.size == now.size


def _key(path: str) -> str:
    """The path a file is known by across runs (case-blind where the system is)."""
    return os.path.normcase(os.path.abspath(path))


def _read(state: Path) -> tuple[list[_Seen], list[Problem], bool]:
    """The files of the last run (none and no word on the first run, with no state yet), and
    whether the state path is a regular file or nothing (a FIFO would block the read)."""
    try:
        if not stat.S_ISREG(os.stat(state).st_mode):
            return [], [Problem("state-unreadable", file=str(state),
                                params={"detail": "not a regular file"})], False
        with open(state, "rb") as file:
            data = file.read(MAX_STATE_BYTES + 1)
    except FileNotFoundError:
        return [], [], True
    except (OSError, ValueError) as exc:  # no permission; ValueError: a NUL in the name
        detail = getattr(exc, "strerror", None) or str(exc)
        return [], [Problem("state-unreadable", file=str(state), params={"detail": detail})], True
    try:
        if len(data) > MAX_STATE_BYTES:
            raise ValueError(f"over {MAX_STATE_BYTES} bytes")
        return _State.model_validate(json.loads(data)).files, [], True
    except ValidationError as exc:  # JSON, but not kh-treem's state (or not this version)
        first = exc.errors()[0]
        detail = f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, nested too deep
        detail = str(exc) or type(exc).__name__
    return [], [Problem("state-invalid", file=str(state), params={"detail": detail})], True


def _seen(record: FileRecord) -> _Seen:
    return _Seen(path=record.path, absolute=_key(record.path), size=record.size,
                 sha256=record.sha256)

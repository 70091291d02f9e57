"""Writing an output so that it is either whole or not there at all."""

from __future__ import annotations

import contextlib
import gc
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path, overwrite: bool = True) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it only if the block succeeds.

    An interrupted or failed write (Ctrl-C, a full disk) removes the temporary
    file and leaves any earlier ``target`` as it was; a file written over keeps its
    permissions. Without ``overwrite``, the name is claimed before anything is written,
    by creating it exclusively: FileExistsError if it is taken, even by another run at
    the same moment (a claim whose write fails is removed).
    """
    mode = _mode_for(target)
    claimed = False
    if not overwrite:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        claimed = True
    fd, name = tempfile.mkstemp(prefix=f".~{target.stem}-", suffix=target.suffix,
                                dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, mode)
        os.replace(temp, target)
        claimed = False
    finally:
        temp.unlink(missing_ok=True)
        if claimed:
            target.unlink(missing_ok=True)


def _mode_for(target: Path) -> int:
    """The permissions of the file being written over, else those a plain open() gives
    (mkstemp makes its file private)."""
    with contextlib.suppress(OSError):
        current = target.stat()
        if stat.S_ISREG(current.st_mode):
            return stat.S_IMODE(current.st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def refused_quietly(write: Callable[[], None]) -> None:
    """Run ``write``. A disk that refuses it raises a fresh OSError, once what the writer left
    open (zipfile's half-written archive, which the first error's traceback holds) has been
    freed with its complaint silenced: freed later, it would fail on the full disk again and
    print a traceback after the one sentence the officer is given."""
    hook, sys.unraisablehook = sys.unraisablehook, lambda _: None
    try:
        try:
            write()
            return
        except OSError as exc:
            refused = OSError(exc.errno, exc.strerror) if exc.errno else OSError(*exc.args)
        gc.collect()  # the error and its traceback are gone: the archive is freed here
    finally:
        sys.unraisablehook = hook
    raise refused

"""Writing an output so that it is either whole or not there at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it only if the block succeeds.

    An interrupted or failed write (Ctrl-C, a full disk) removes the temporary
    file and leaves any earlier ``target`` as it was.
    """
    fd, name = tempfile.mkstemp(prefix=f".~{target.stem}-", suffix=target.suffix,
                                dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        # mkstemp makes the file private; give it the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)

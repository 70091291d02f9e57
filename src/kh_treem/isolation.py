"""Reading files in worker processes with limits, so that no file can end the run.

A hostile or broken workbook can make a reader take all the memory of the machine, run
for ever, or abort the process (python-calamine has aborted on a 5 KB .xlsx with a value
in XFD1048576). Guessing from a file's bytes what the reader will do always misses a
case, so the reader is contained instead: each file is read by a worker process whose
address space is capped (where the system allows it) and which is given READ_SECONDS
per file. A worker that dies or overruns is replaced, its file becomes one error line
("read-unsafe"), and every other file is still read.

Workers are started with fork on Linux, where it is cheap (a district's three files must
not wait for a new interpreter), and with spawn elsewhere (Windows, macOS); tests run
both. A worker holds up to IN_FLIGHT files, so it never waits for the parent.
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, Protocol, TypeVar

READ_SECONDS = 5.0  # a commune's form reads in a millisecond, a province's table in 0.1 s
READ_MEMORY_BYTES = 768 * 1024 * 1024  # address space a worker may add to what it starts with
IN_FLIGHT = 2
START_SECONDS = 60.0  # a spawned worker imports kh-treem anew: a second or two on a slow PC
FILES_PER_WORKER = 100  # below this many files per worker, another costs more than it saves
WORKERS_PER_CORE = 2  # more only share the cores, each with its own memory

Progress = Callable[[int, int], None]  # (files done, files in all)
Result = TypeVar("Result")
Result_co = TypeVar("Result_co", covariant=True)


class FileWork(Protocol[Result_co]):
    """What a worker does with each file; picklable (a spawned worker gets a copy)."""

    def read(self, path: str) -> Result_co: ...

    def unsafe(self, path: str) -> Result_co:
        """The result for a file that crashed, exhausted or stalled its worker."""
        ...


def start_method() -> str:
    return "fork" if sys.platform == "linux" else "spawn"


def read_contained(
    paths: Sequence[str], work: FileWork[Result], jobs: int = 1,
    progress: Progress | None = None,
) -> Iterator[Result]:
    """``work.read(path)`` of each path, done in worker processes, given in order as soon
    as it and those before it are done (the caller works while the workers read).

    ``jobs`` caps the workers (see worker_count).
    """
    if not paths:
        return
    pool = _Pool(multiprocessing.get_context(start_method()), worker_count(jobs, len(paths)),
                 work)
    try:
        yield from pool.run(paths, progress)
    finally:
        pool.close()


def worker_count(jobs: int, files: int) -> int:
    """How many workers read ``files`` files when ``jobs`` are allowed: one for every
    FILES_PER_WORKER files, never more than WORKERS_PER_CORE a core, at least one."""
    cores = os.cpu_count() or 1
    return max(1, min(jobs, files // FILES_PER_WORKER, WORKERS_PER_CORE * cores))


class WorkerError(Exception):
    """kh-treem's own code failed in a worker (its traceback is the message)."""


@dataclass(frozen=True)
class _Failure:
    traceback: str


@dataclass
class _Worker:
    process: Any  # multiprocessing's Process of the chosen context
    connection: Connection
    in_flight: deque[int] = field(default_factory=deque)  # indices, in the order sent
    since: float = 0.0  # when the first file in flight began to be read


class _Pool(Generic[Result]):
    def __init__(self, context: Any, count: int, work: FileWork[Result]) -> None:
        self.context, self.work = context, work
        self.workers = [self._start() for _ in range(count)]
        for worker in self.workers:
            _ready(worker)

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_serve,
                                       args=(child, self.work, READ_MEMORY_BYTES), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def run(self, paths: Sequence[str], progress: Progress | None) -> Iterator[Result]:
        results: dict[int, Result] = {}  # done, not yet given
        waiting = deque(range(len(paths)))
        done = given = 0
        while done < len(paths):
            for worker in self.workers:
                while waiting and len(worker.in_flight) < IN_FLIGHT:
                    if not worker.in_flight:
                        worker.since = time.monotonic()
                    index = waiting.popleft()
                    worker.in_flight.append(index)
                    worker.connection.send((index, paths[index]))
            busy = [w for w in self.workers if w.in_flight]
            deadline = min(w.since for w in busy) + READ_SECONDS
            ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy],
                         timeout=max(0.0, deadline - time.monotonic()))
            for worker in busy:
                finished = self._collect(worker, ready, results)
                if finished is None:  # dead or overrunning: its first file is the cause
                    culprit = worker.in_flight.popleft()
                    results[culprit] = self.work.unsafe(paths[culprit])
                    waiting.extendleft(reversed(worker.in_flight))
                    self._replace(worker)
                    finished = 1
                done += finished
                if finished and progress is not None:
                    progress(done, len(paths))
            while given in results:
                yield results.pop(given)
                given += 1

    def _collect(
        self, worker: _Worker, ready: list[Any], results: dict[int, Result]
    ) -> int | None:
        """How many results ``worker`` gave; None when it died or overran its file."""
        finished = 0
        try:
            while worker.in_flight and worker.connection.poll():
                index, read = worker.connection.recv()
                if index != worker.in_flight[0]:
                    return None
                if isinstance(read, _Failure):
                    raise WorkerError(read.traceback)
                worker.in_flight.popleft()
                results[index] = read
                worker.since = time.monotonic()
                finished += 1
        except (EOFError, OSError):
            return None
        if finished:
            return finished
        if worker.process.sentinel in ready and worker.in_flight:
            return None
        if worker.in_flight and time.monotonic() - worker.since > READ_SECONDS:
            return None
        return 0

    def _replace(self, worker: _Worker) -> None:
        _stop(worker)
        fresh = self._start()
        _ready(fresh)
        worker.process, worker.connection = fresh.process, fresh.connection
        worker.in_flight.clear()

    def close(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError):  # a worker already gone
                worker.connection.send(None)
        for worker in self.workers:
            worker.process.join(timeout=1)
            _stop(worker)


def _ready(worker: _Worker) -> None:
    """Wait for a new worker to say it is ready, or raise: one that dies while it starts
    (a spawned worker re-runs the caller's script) says nothing of any file."""
    try:
        if worker.connection.poll(START_SECONDS) and worker.connection.recv() == "ready":
            return
    except (EOFError, OSError):
        pass
    _stop(worker)
    raise WorkerError(
        "the worker processes that read the files could not start. Where they are spawned"
        " (Windows, macOS), a script that calls kh_treem must do so under"
        " `if __name__ == \"__main__\":`, from a file, not from standard input.")


def _stop(worker: _Worker) -> None:
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join()
    worker.connection.close()


def _serve(connection: Connection, work: FileWork[Any], memory: int) -> None:
    """A worker: ``work.read`` each file sent until told to stop (None)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops workers
    # A reader that aborts writes its last words (a Rust backtrace) to standard error: the
    # officer's console is the parent's, which says what became of the file in one line.
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    faulthandler.disable()  # (pytest and PYTHONFAULTHANDLER set it to write elsewhere)
    _cap_memory(memory)
    connection.send("ready")
    while True:
        try:
            item = connection.recv()
        except EOFError:
            return
        if item is None:
            return
        index, path = item
        result: Any
        try:
            result = work.read(path)
        except MemoryError:
            result = work.unsafe(path)
        except Exception:  # a bug of kh-treem's, not the file's: the parent raises it
            result = _Failure(traceback.format_exc())
        connection.send((index, result))


def _cap_memory(extra: int) -> None:
    """Cap the worker's address space at what it has now plus ``extra`` bytes.

    Linux only: it reads its size from /proc and enforces RLIMIT_AS. macOS does not
    enforce RLIMIT_AS and Windows has no rlimits: there, the time limit contains a file.
    """
    try:
        import resource

        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
    except (ImportError, OSError, ValueError):
        return
    limit = pages * os.sysconf("SC_PAGE_SIZE") + extra
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))

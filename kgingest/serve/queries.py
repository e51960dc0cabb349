"""The query workers of ``kgingest serve`` and the snapshots of the store they read.

Why a snapshot: ``ingest`` holds the store's exclusive lock for its whole run, and opening
the store read-only while it is written is undefined behaviour in Oxigraph; so ``serve``
copies the store under the shared lock (:func:`copy_store`), releases the lock at once,
and serves the copy. When the store has changed and no writer
holds it, the next copy is taken and the workers move to it.
"""
from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from ..store.sinks import LOCK_NAME, _StoreLock
from .worker import COMMAND, Answer, Job, error

STARTUP_SECONDS = 60.0


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    jobs: Connection
    answers: Connection
    snapshot: Path

    def stop(self) -> None:
        self.jobs.close()
        self.answers.close()
        self.process.kill()
        self.process.wait(5)


class QueryPool:
    """A fixed number of worker processes; each query goes to an idle one, with a time limit.

    ``move_to`` points the pool at a new snapshot: idle workers are replaced at once, busy
    ones when they finish, and a snapshot folder is removed when no worker reads it any more.
    """

    def __init__(self, snapshot: Path, *, workers: int, timeout: float, max_bytes: int):
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._snapshot = snapshot
        self._readers: dict[Path, int] = {}
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        for _ in range(workers):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        with self._lock:
            snapshot = self._snapshot
            self._readers[snapshot] = self._readers.get(snapshot, 0) + 1
        process = subprocess.Popen([sys.executable, "-c", COMMAND, str(snapshot), str(self.max_bytes)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert process.stdin is not None and process.stdout is not None
        worker = _Worker(process, Connection(os.dup(process.stdin.fileno()), readable=False),
                         Connection(os.dup(process.stdout.fileno()), writable=False), snapshot)
        process.stdin.close()
        process.stdout.close()
        if not worker.answers.poll(STARTUP_SECONDS):
            self._retire(worker)
            raise OSError(f"a query worker did not start within {STARTUP_SECONDS:g} s")
        try:
            hello = worker.answers.recv()
        except EOFError:
            hello = "it exited"
        if hello != "ready":
            self._retire(worker)
            raise OSError(f"a query worker cannot open the snapshot {snapshot}: {hello}")
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._readers[worker.snapshot] -= 1
            unread = self._readers[worker.snapshot] == 0 and worker.snapshot != self._snapshot
            if unread:
                del self._readers[worker.snapshot]
        if unread:
            shutil.rmtree(worker.snapshot, ignore_errors=True)

    def _give_back(self, worker: _Worker) -> None:
        if self._closed:
            self._retire(worker)
        elif worker.snapshot != self._snapshot:
            self._retire(worker)
            self._idle.put(self._start())
        else:
            self._idle.put(worker)

    def run(self, job: Job | Callable[[ox.Store], Answer]) -> Answer:
        """Run a job (a query, or a function of the store) in an idle worker within the time limit."""
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return error(503, f"every query worker has been busy for {self.timeout:g} s; try again later")
        left = max(self.timeout - (time.monotonic() - started), 0.001)
        try:
            worker.jobs.send(job)
            if worker.answers.poll(left):
                answer: Answer = worker.answers.recv()
                self._give_back(worker)
                return answer
        except (EOFError, OSError):  # the worker died (out of memory, killed)
            self._retire(worker)
            self._idle.put(self._start())
            return error(500, "the query worker stopped while running the query")
        self._retire(worker)
        self._idle.put(self._start())
        return error(503, f"the query ran longer than the limit of {self.timeout:g} s and was stopped")

    def move_to(self, snapshot: Path) -> None:
        """Serve ``snapshot`` from now on."""
        with self._lock:
            self._snapshot = snapshot
        for _ in range(self._idle.qsize()):
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            self._give_back(worker)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._retire(self._idle.get_nowait())
            except queue.Empty:
                return


# --- snapshots -------------------------------------------------------------------------


def fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the store's data files: they change on every write."""
    entries = []
    for entry in os.scandir(folder):
        if entry.name == LOCK_NAME or entry.name.startswith("LOG"):  # RocksDB's info log, written by readers too
            continue
        stat = entry.stat()
        entries.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


def copy_store(source: Path, target: Path) -> None:
    """A private copy of a RocksDB folder that no one writes to meanwhile.

    Table files (``*.sst``) are immutable in RocksDB, so they are hard-linked (a copy when
    the link fails, across file systems); the write-ahead log, manifest and options are
    copied. (pyoxigraph's ``backup`` of a read-only store leaves out what is still only in
    the write-ahead log: a store ``ingest`` just wrote would look empty.)
    """
    target.mkdir(parents=True)
    try:
        for entry in os.scandir(source):
            if entry.name in (LOCK_NAME, "LOCK") or entry.name.startswith("LOG") or not entry.is_file():
                continue
            if entry.name.endswith(".sst"):
                try:
                    os.link(entry.path, target / entry.name)
                    continue
                except OSError:
                    pass
            shutil.copy2(entry.path, target / entry.name)
    except OSError as err:
        shutil.rmtree(target, ignore_errors=True)
        raise OSError(f"cannot read the store {source}: {err}") from None


@dataclass
class Snapshots:
    """Private copies of a store folder, taken under the store's shared lock."""

    store: Path
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="kgingest-serve-")))
    taken: int = 0
    source: tuple[tuple[str, int, int], ...] = ()
    when: float = 0.0

    def take(self) -> Path:
        """A new copy of the store; BlockingIOError while an ingest holds it, OSError if unreadable."""
        if not self.store.is_dir():
            raise FileNotFoundError(f"no store at {self.store}: run `kgingest ingest` first, or pass --store")
        lock = _StoreLock(self.store, exclusive=False)
        try:
            before = fingerprint(self.store)
            target = self.workdir / f"snapshot-{self.taken + 1}"
            copy_store(self.store, target)
        finally:
            lock.release()
        try:
            ox.Store.read_only(str(target))  # fails here, not in the workers, when the copy is unreadable
        except OSError as err:
            shutil.rmtree(target, ignore_errors=True)
            raise OSError(f"cannot read the store {self.store}: {err}") from None
        self.taken += 1
        self.source = before
        self.when = time.time()
        return target

    def changed(self) -> bool:
        return fingerprint(self.store) != self.source

    def remove_all(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)

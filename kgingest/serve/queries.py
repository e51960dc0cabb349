"""Queries for ``kgingest serve``: run in worker processes over a private snapshot of the store.

Why processes: a pyoxigraph query cannot be interrupted from Python once it runs, so a
query that outlives the time limit is stopped by killing its worker, and a fresh worker
takes its place. Why a snapshot: ``ingest`` holds the store's exclusive lock for its whole
run, and opening the store read-only while it is written is undefined behaviour in
Oxigraph; so ``serve`` copies the store (a RocksDB checkpoint: hard links, milliseconds)
under the shared lock, releases the lock at once, and serves the copy. When the store
changes and no writer holds it, the next copy is taken and the workers move to it.

>>> job = Job("ASK { ?s ?p ?o }", results_type="application/sparql-results+json", graph_type=None)
>>> answer = run_job(ox.Store(), job, max_bytes=1000)
>>> answer.status, answer.content_type, answer.body
(200, 'application/sparql-results+json', b'{"head":{},"boolean":false}')
"""
from __future__ import annotations

import io
import multiprocessing
import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from ..store import LOCK_NAME, _StoreLock

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class Job:
    """One SPARQL query and the media types negotiated for either kind of result.

    ``default_graphs`` and ``named_graphs`` are the protocol's ``default-graph-uri`` and
    ``named-graph-uri``; without them the default graph is the union of the document graphs.
    """

    sparql: str
    results_type: str | None  # for SELECT and ASK; None: the client accepts none we write
    graph_type: str | None  # for CONSTRUCT and DESCRIBE
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What to send back: an HTTP status, a media type and the body."""

    status: int
    content_type: str
    body: bytes


def error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


class ResultTooLarge(Exception):
    """Raised from inside pyoxigraph's serializer when the result passes the size limit."""


class _Bounded(io.BytesIO):
    """An in-memory buffer that refuses to grow past ``limit`` bytes (pyoxigraph writes to it)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(memoryview(data)) > self.limit:
            raise ResultTooLarge(self.limit)
        return super().write(data)


def run_job(store: ox.Store, job: Job, *, max_bytes: int) -> Answer:
    """Run one query and serialize its result, or say in one line what is wrong with it."""
    try:
        if job.default_graphs or job.named_graphs:
            result = store.query(job.sparql,
                                 default_graph=[ox.NamedNode(g) for g in job.default_graphs] or None,
                                 named_graphs=[ox.NamedNode(g) for g in job.named_graphs] or None)
        else:
            result = store.query(job.sparql, use_default_graph_as_union=True)
    except SyntaxError as err:
        return error(400, f"invalid query: {err}")
    except ValueError as err:  # a bad IRI in default-graph-uri / named-graph-uri
        return error(400, str(err))
    out = _Bounded(max_bytes)
    try:
        if isinstance(result, ox.QueryTriples):
            if job.graph_type is None:
                return error(406, "this is a CONSTRUCT or DESCRIBE query; ask for one of: " + ", ".join(GRAPH_TYPES))
            ox.serialize(result, out, format=GRAPH_TYPES[job.graph_type])
            content_type = job.graph_type
        else:
            if job.results_type is None:
                return error(406, "this is a SELECT or ASK query; ask for one of: " + ", ".join(RESULT_TYPES))
            result.serialize(out, format=RESULT_TYPES[job.results_type])
            content_type = job.results_type
    except ResultTooLarge:
        return error(400, f"the result is larger than the limit of {max_bytes} bytes: add a LIMIT, "
                          "or start the server with a larger --max-result-bytes")
    except OSError as err:  # the store's files (a snapshot) could not be read
        return error(500, f"the store could not be read: {err}")
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    return Answer(200, content_type, out.getvalue())


# --- the worker processes ---------------------------------------------------------------


def _worker_main(conn: Connection, snapshot: str, max_bytes: int) -> None:
    """A worker's life: open the snapshot, say ready, answer jobs until the pipe closes."""
    try:
        store = ox.Store.read_only(snapshot)
    except OSError as err:
        conn.send(str(err))
        return
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        answer = job(store) if callable(job) else run_job(store, job, max_bytes=max_bytes)
        conn.send(answer)


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    snapshot: Path

    def stop(self) -> None:
        self.conn.close()
        self.process.kill()
        self.process.join(5)


class QueryPool:
    """A fixed number of worker processes; each query goes to an idle one, with a time limit.

    ``move_to`` points the pool at a new snapshot: idle workers are replaced at once, busy
    ones when they finish, and a snapshot folder is removed when no worker reads it any more.
    """

    def __init__(self, snapshot: Path, *, workers: int, timeout: float, max_bytes: int):
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._context = multiprocessing.get_context("spawn")  # no forked RocksDB handles or threads
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
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(child, str(snapshot), self.max_bytes),
                                        daemon=True, name="kgingest-serve-query")
        process.start()
        child.close()
        worker = _Worker(process, parent, snapshot)
        if not parent.poll(60):
            self._retire(worker)
            raise OSError("a query worker did not start within 60 s")
        hello = parent.recv()
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
            worker.conn.send(job)
            if worker.conn.poll(left):
                answer: Answer = worker.conn.recv()
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
            try:
                ox.Store.read_only(str(self.store)).backup(str(target))
            except OSError as err:
                raise OSError(f"cannot read the store {self.store}: {err}") from None
        finally:
            lock.release()
        self.taken += 1
        self.source = before
        self.when = time.time()
        return target

    def changed(self) -> bool:
        return fingerprint(self.store) != self.source

    def remove_all(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)

"""Extraction on a Dask cluster: ``kgingest extract INPUTS --dask ADDRESS -o SHARDS``.

Millions of articles outgrow one machine. This runs the extraction of
:func:`kgingest.pipeline.run` on the workers of a Dask cluster (``dask.distributed``) instead
of a home-made scheduler:

* the client reads the inputs in order (:func:`kgingest.sources.scan`: cheap, and every
  unreadable input keeps its one-line error) and cuts them into partitions;
* :class:`ExtractorPlugin`, a worker plugin, loads the spaCy pipeline once per worker (a
  worker that joins later loads it too);
* one task per partition renders its documents with :meth:`Extractor.render` (each one
  isolated, as in one process) and writes them as one N-Quads shard, ``part-00000.nq``,
  ``part-00001.nq``, ..., under a temporary name first, so a shard is whole or absent;
* back come only the counts and errors, partition by partition in input order.

The shards hold one named graph per document, byte for byte what ``extract -f nquads``
writes: concatenated in order they are the single-process output. The output is a local
folder or any fsspec URL the workers can write (``s3://bucket/run/``, say); on several
machines a local folder must be one they share.

Dask is an optional dependency (``pip install 'kgingest[dask]'``): only this module imports it.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from types import TracebackType
from typing import Any, Protocol

import dask
import fsspec
from distributed import Client, Future, KilledWorker, LocalCluster, WorkerPlugin, get_worker
from fsspec.implementations.local import LocalFileSystem

from .defaults import DEFAULT_BATCH_SIZE, DEFAULT_PARTITION_SIZE
from .isolation import DocumentError, InputError
from .pipeline import Extractor, Settings, chunked
from .rdf.outfile import RdfWriter
from .results import Rendered, Result
from .sources import Document, RawDocument

Item = Document | RawDocument | InputError | DocumentError
SHARD_GLOB = "part-*.nq"
TEMP_GLOB = ".part-*.nq.*.tmp"  # a shard being written (by RdfWriter or FsspecShard)


class ClusterError(RuntimeError):
    """The cluster could not finish a partition (its workers died, its shard could not be
    written): the run stops; the shards already written stay whole."""


@dataclass(frozen=True)
class Shard:
    """What came back for one partition: where its shard is, every input's result in order
    (a Rendered without its triples, which are in the shard) and the CPU seconds it took."""

    index: int
    url: str
    results: tuple[Result, ...]
    cpu_seconds: float


@dataclass(frozen=True)
class Pipeline:
    """A pipeline loaded on a cluster's workers under a plugin name (see :func:`loaded`)."""

    client: Client
    name: str


class ExtractorPlugin(WorkerPlugin):
    """Loads the Extractor once per worker, off the worker's event loop (a few seconds of
    loading would stall its heartbeats). Tasks on a worker with several threads take turns:
    one spaCy pipeline is not safe to run from two threads at once."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.extractor: Extractor | None = None
        self.lock: threading.Lock | None = None  # made on the worker: a lock does not pickle

    async def setup(self, worker: Any) -> None:
        self.lock = threading.Lock()
        self.extractor = await asyncio.get_running_loop().run_in_executor(None, self._load)

    def _load(self) -> Extractor:
        s = self.settings
        extractor = Extractor(s.model, s.ontology_paths, s.generated_at, max_chars=s.max_chars)
        gc.freeze()  # the loaded pipeline is never garbage: stop scanning it (as pipeline.run's workers do)
        return extractor

    def teardown(self, worker: Any) -> None:
        self.extractor = None
        gc.unfreeze()


@contextmanager
def connect(address: str) -> Iterator[Client]:
    """A client of the cluster at ``address`` (``tcp://host:8786``, any scheduler address), or of
    a LocalCluster of N single-threaded worker processes for ``local:N``, closed at the end.

    Raises ValueError for a bad ``local:N`` and OSError when no scheduler answers.
    """
    if not address.startswith("local:"):
        with Client(address) as client:
            yield client
        return
    count = address.removeprefix("local:")
    if not count.isdigit() or int(count) < 1:
        raise ValueError(f"--dask local:N needs a number of workers of at least 1, not {count!r}")
    # No dashboard, and the scheduler's HTTP routes on a free port (8787 may be another cluster's).
    # No statistical profiler in the workers: sampling the task's stack every 10 ms cost some
    # 10 % of the extraction's CPU time (80 documents: 7.7 s with it, 6.9 s without).
    with dask.config.set({"distributed.worker.profile.enabled": False}), \
            LocalCluster(n_workers=int(count), threads_per_worker=1, processes=True, dashboard_address=None,
                         scheduler_kwargs={"dashboard_address": ":0"}, silence_logs=logging.CRITICAL) as cluster, \
            Client(cluster) as client:
        yield client


@contextmanager
def loaded(client: Client, settings: Settings) -> Iterator[Pipeline]:
    """The pipeline of ``settings`` loaded on every worker for the block, unloaded after.

    Raises what loading raised on a worker (ModelError for a model that is not installed).
    The plugin's name is new for each block, so two runs on one cluster never unload each other's.
    Settings without a time get the present one: one prov:endedAtTime for the whole run, as
    in one process (``Settings(generated_at=...)`` fixes it, as SOURCE_DATE_EPOCH does for the CLI).
    """
    if settings.generated_at is None:
        settings = replace(settings, generated_at=datetime.now(timezone.utc))
    name = f"kgingest-{uuid.uuid4().hex[:12]}"
    client.register_plugin(ExtractorPlugin(settings), name=name)
    try:
        yield Pipeline(client, name)
    finally:
        client.unregister_worker_plugin(name)


def prepare(output: str) -> str:
    """The output folder as a full URL, created if need be; refused (FileExistsError) if it
    already holds shards, which a run with fewer partitions would leave stale beside its own."""
    fs, path = fsspec.core.url_to_fs(output)
    fs.makedirs(path, exist_ok=True)
    old = sorted(fs.glob(f"{path.rstrip('/')}/{SHARD_GLOB}"))
    if old:
        raise FileExistsError(f"{output} already holds {len(old):,} shards ({old[0].rsplit('/', 1)[-1]}, ...): "
                              "remove them or choose another folder")
    return str(fs.unstrip_protocol(path))


def shard_url(root: str, index: int) -> str:
    """The shard of partition ``index``; names sort in input order.

    >>> shard_url("file:///data/shards", 7)
    'file:///data/shards/part-00007.nq'
    """
    return f"{root.rstrip('/')}/part-{index:05d}.nq"


def run(pipeline: Pipeline, items: Iterable[Item], output: str, *, batch_size: int = DEFAULT_BATCH_SIZE,
        partition_size: int = DEFAULT_PARTITION_SIZE) -> Iterator[Shard]:
    """Every partition's :class:`Shard`, in input order, its N-Quads written under ``output``.

    At most two partitions per worker thread are in flight, so the client's memory does not
    grow with the corpus. Raises ClusterError if a partition cannot be finished, after
    cancelling the others; FileExistsError (from :func:`prepare`) before anything runs.
    At the end, the temporary files of workers that died while writing are removed.
    """
    root = prepare(output)
    client = pipeline.client
    in_flight = max(2, 2 * sum(client.nthreads().values()))
    run_id = uuid.uuid4().hex[:8]
    window: deque[tuple[Future, int, list[Item]]] = deque()
    try:
        for index, part in enumerate(chunked(items, partition_size)):
            future = client.submit(render_partition, pipeline.name, index, part, shard_url(root, index), batch_size,
                                   key=f"kgingest-part-{index:05d}-{run_id}", pure=False)
            window.append((future, index, part))
            if len(window) >= in_flight:
                yield _collect(*window.popleft(), root)
        while window:
            yield _collect(*window.popleft(), root)
    finally:
        if window:
            client.cancel([future for future, _, _ in window])
        sweep(root)


def sweep(root: str) -> None:
    """Remove what a worker killed mid-shard left: its hidden temporary file (the shard itself is absent)."""
    fs, path = fsspec.core.url_to_fs(root)
    for tmp in fs.glob(f"{path.rstrip('/')}/{TEMP_GLOB}"):
        fs.rm(tmp)


def _collect(future: Future, index: int, part: list[Item], root: str) -> Shard:
    first = _name(part[0])
    try:
        shard: Shard = future.result()
    except KilledWorker:
        raise ClusterError(f"the workers running the partition starting at {first} died (out of memory?)") from None
    except OSError as e:
        raise ClusterError(f"cannot write {shard_url(root, index)}: {e}") from None
    return shard


def _name(item: Item) -> str:
    return str(item).split(": ", 1)[0] if isinstance(item, (InputError, DocumentError)) else item.name


# --- on a worker ------------------------------------------------------------------------------

def render_partition(plugin: str, index: int, items: list[Item], url: str, batch_size: int) -> Shard:
    """The task: one partition rendered by the worker's Extractor and written as one shard."""
    loaded_plugin = get_worker().plugins[plugin]
    assert isinstance(loaded_plugin, ExtractorPlugin) and loaded_plugin.extractor is not None
    assert loaded_plugin.lock is not None
    extractor = loaded_plugin.extractor
    results: list[Result] = []
    with loaded_plugin.lock:
        start = time.thread_time()
        with open_shard(url) as shard:
            for chunk in chunked(items, batch_size):
                for result in extractor.render(chunk, batch_size):
                    if isinstance(result, Rendered):
                        shard.write(result)
                        result = replace(result, ntriples="")  # the triples are in the shard
                    results.append(result)
        cpu = time.thread_time() - start
    return Shard(index, url, tuple(results), cpu)


class ShardWriter(Protocol):
    def write(self, rendered: Rendered) -> None: ...

    def __enter__(self) -> ShardWriter: ...

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None: ...


def open_shard(url: str) -> ShardWriter:
    """A writer of one N-Quads shard that puts it in place only when the block ends normally.

    A local file is written by :class:`RdfWriter` (the writer of ``extract -o``: a temporary
    file beside it, renamed into place); any other fsspec URL by :class:`FsspecShard`.
    """
    fs, path = fsspec.core.url_to_fs(url)
    if isinstance(fs, LocalFileSystem):
        return RdfWriter(path, "nquads")
    return FsspecShard(fs, path)


class FsspecShard:
    """An N-Quads shard on any fsspec filesystem, whole or absent: written under a hidden
    temporary name in the same folder, then moved onto its name (an object store shows
    the object only once it is complete). fsspec's own transactions are not used: they
    are per filesystem instance, which the worker's threads share, and a local one stages
    the file in /tmp, from where the move is a copy.
    """

    def __init__(self, fs: Any, path: str):
        self.fs, self.path = fs, path
        folder, _, name = path.rpartition("/")
        self.tmp = f"{folder}/.{name}.{uuid.uuid4().hex[:8]}.tmp"
        self._out = fs.open(self.tmp, "wb")

    def write(self, rendered: Rendered) -> None:
        self._out.write(rendered.nquads().encode("utf-8"))

    def __enter__(self) -> FsspecShard:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self._out.close()
            if kind is None:
                self.fs.mv(self.tmp, self.path)
        finally:
            if self.fs.exists(self.tmp):
                self.fs.rm(self.tmp)

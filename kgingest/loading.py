"""Ingest RDF that was already extracted: N-Quads or TriG files (``kgingest extract -f nquads``,
a Dask run's shards), loaded without NLP.

Each file is read graph by graph (:func:`kgingest.store.bulk.read_graphs`) and each graph sorted
by its ``kg:contentKey`` against the store's: unchanged graphs are skipped, new ones go in through
the bulk writer (:func:`kgingest.store.bulk.bulk_writer`), changed ones are replaced atomically
once the whole file has been read. A file that is not valid RDF, or not document graphs, is
refused with one line naming it (and the line, where there is one), and whatever it had added
is removed again: a file goes in whole or not at all; the other files go on.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from .ingest import Report, Summary, _quiet
from .sources import DEFAULT_GLOBS, walk
from .store import Sink
from .store.bulk import (DEFAULT_BATCH_QUADS, BadRdf, DocumentGraph, EmbeddedBulk, ServerBatch, bulk_writer, rdf_format,
                         rdf_files, read_graphs)

Writer = EmbeddedBulk | ServerBatch


def load_rdf(files: Iterable[Path], sink: Sink, *, force: bool = False, report: Report = _quiet,
             batch_quads: int = DEFAULT_BATCH_QUADS) -> Summary:
    """Load the document graphs of RDF files; skip those whose stored key is the same.

    ``force`` rewrites every graph. Refused credentials or an unreachable server stop the run
    (``Summary.stopped``), as in :func:`kgingest.ingest.ingest`.
    """
    start = time.monotonic()
    summary = Summary()
    writer = bulk_writer(sink, batch_quads=batch_quads)
    stored = sink.content_keys()
    known = writer.known_graphs(stored)
    for path in files:
        try:
            _load_file(path, writer, stored, known, force, report, summary)
        except (PermissionError, ConnectionError) as err:
            summary.fail(str(path), str(err))
            report("failed", str(path), str(err))
            summary.stopped = str(err)
            break
    summary.seconds = time.monotonic() - start
    return summary


def _load_file(path: Path, writer: Writer, stored: dict[str, str], known: set[str], force: bool,
               report: Report, summary: Summary) -> None:
    """One file: new graphs in bulk as they are read, then the changed ones; counted at the end."""
    fmt = rdf_format(path)
    if fmt is None:
        raise ValueError(f"{path}: not an RDF file kgingest loads (.nq, .nquads, .trig)")
    added: list[tuple[str, str, int]] = []      # (iri, key, triples) of new graphs, in order
    changed: list[DocumentGraph] = []
    unchanged: list[str] = []

    def new_graphs() -> Iterator[DocumentGraph]:
        for graph in read_graphs(path, fmt, str(path)):
            if graph.iri in known:
                if not force and stored.get(graph.iri) == graph.key:
                    unchanged.append(graph.iri)
                else:
                    changed.append(graph)
                continue
            added.append((graph.iri, graph.key, len(graph.quads) + 1))
            yield graph

    try:
        failed = writer.add(new_graphs())
    except (BadRdf, OSError, ValueError) as err:
        if isinstance(err, (PermissionError, ConnectionError)):
            raise
        where, problem = (err.where, err.problem) if isinstance(err, BadRdf) else (str(path), str(err))
        problem += _undo(writer, [iri for iri, _, _ in added])
        summary.fail(where, problem)
        report("failed", where, problem)
        return
    failed.update(writer.replace(changed))
    for iri, key, triples in added:
        _count(iri, "added", key, triples, failed, stored, known, report, summary)
    for graph in changed:
        _count(graph.iri, "replaced", graph.key, len(graph.quads) + 1, failed, stored, known, report, summary)
    for iri in unchanged:
        summary.unchanged += 1
        report("unchanged", iri, "")


def _count(iri: str, action: str, key: str, triples: int, failed: dict[str, str], stored: dict[str, str],
           known: set[str], report: Report, summary: Summary) -> None:
    if iri in failed:
        summary.fail(iri, failed[iri])
        report("failed", iri, failed[iri])
        return
    stored[iri] = key
    known.add(iri)
    setattr(summary, action, getattr(summary, action) + 1)
    summary.triples += triples
    report(action, iri, f"{triples} triples")


def _undo(writer: Writer, iris: list[str]) -> str:
    """Remove what a refused file added; "" when done, else what to add to the file's error
    (those graphs have no key yet, so the next run replaces them)."""
    try:
        writer.remove(iris)
    except OSError as err:
        return f" (and removing the {len(iris)} graphs it had added failed: {err}; the next run replaces them)"
    return ""


def split_inputs(inputs: Iterable[str], globs: Sequence[str] = ()) -> tuple[list[Path], list[str]]:
    """(RDF files to load, inputs to extract): ``.nq``/``.nquads``/``.trig`` files and the RDF
    files in folders (a folder of shards); files and folders with articles (``globs``) are
    extracted. A folder with both is both.

    >>> split_inputs(["a.nq", "b.txt", "-", "c.TriG"])
    ([PosixPath('a.nq'), PosixPath('c.TriG')], ['b.txt', '-'])
    """
    rdf: list[Path] = []
    articles: list[str] = []
    for item in inputs:
        path = Path(item)
        if item != "-" and rdf_format(path) is not None and not path.is_dir():
            rdf.append(path)
        elif path.is_dir() and (found := rdf_files(path)):
            rdf.extend(found)
            if any(isinstance(f, Path) for f in walk(item, globs or DEFAULT_GLOBS)):
                articles.append(item)
        else:
            articles.append(item)
    return rdf, articles


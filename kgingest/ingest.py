"""Incremental ingest into a store: only new or changed documents are extracted and written.

A document is unchanged when the ``kg:contentKey`` stored in its graph equals the key of its
current text (text hash + kgingest, ontology and model versions); that check costs no NLP.
Changed documents are extracted and their graphs replaced one atomic write at a time, so a
run that dies midway leaves every document either old or new, and the next run finishes
the job; a SPARQL server is written a checked batch at a time, keys last (a graph left
without its key is written again by the next run). This module sits above :mod:`kgingest.pipeline` and :mod:`kgingest.store`, which
know nothing of each other.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import vocab
from .isolation import DocumentError, isolate
from .lifeline import uninterrupted
from .defaults import DEFAULT_BATCH_SIZE
from .results import Rendered, Result, WorkerError
from .sources import Document, InputError, RawDocument, unique
from .store import Sink, SparqlServer

if TYPE_CHECKING:
    from .pipeline import Extractor

# (action, document, detail); action "traceback" carries a DocumentError's traceback (for --debug)
Report = Callable[[str, str, str], None]


@dataclass
class Summary:
    """What a run did: the one line printed at its end (``--json``: this as JSON)."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    deleted: int = 0
    failed: int = 0
    triples: int = 0
    seconds: float = 0.0
    failures: list[dict[str, str]] = field(default_factory=list)
    stopped: str | None = None

    def fail(self, document: str, error: str) -> None:
        self.failed += 1
        self.failures.append({"document": document, "error": error})

    def __add__(self, other: Summary) -> Summary:
        """Two runs' summaries as one (``ingest`` of RDF files, then of articles): counts, time
        and failures add up; the first reason to stop stands.

        >>> (Summary(added=1, seconds=1.0) + Summary(added=2, unchanged=1, stopped="interrupted")).line()
        'added 3, replaced 0, unchanged 1, deleted 0, failed 0, triples 0, 1.0 s'
        """
        counts = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self) if f.name != "stopped"}
        return Summary(**counts, stopped=self.stopped or other.stopped)

    def line(self) -> str:
        """
        >>> Summary(added=2, unchanged=10, triples=812, seconds=3.14159).line()
        'added 2, replaced 0, unchanged 10, deleted 0, failed 0, triples 812, 3.1 s'
        """
        return (f"added {self.added}, replaced {self.replaced}, unchanged {self.unchanged}, "
                f"deleted {self.deleted}, failed {self.failed}, triples {self.triples}, {self.seconds:.1f} s")

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        if data["stopped"] is None:
            del data["stopped"]
        return data


def _quiet(action: str, document: str, detail: str) -> None:
    """The default report: say nothing."""


def _split(error: InputError | DocumentError) -> tuple[str, str]:
    """(input, reason) of an InputError, whose message starts with the input, or a DocumentError."""
    if isinstance(error, DocumentError):
        return error.name, f"{error.stage} failed ({error.kind}: {error.reason})"
    name, _, reason = str(error).partition(": ")
    return name, reason or name


def ingest(items: Iterable[RawDocument | Document | InputError | DocumentError], sink: Sink,
           extractor: Extractor, *,
           force: bool = False, report: Report = _quiet, workers: int = 1,
           batch_size: int = DEFAULT_BATCH_SIZE) -> Summary:
    """Write the graph of every new or changed document; skip the unchanged ones.

    Inputs come from :func:`kgingest.sources.scan` (or are Documents); only those whose
    content key differs from the stored one reach the NLP, through :func:`kgingest.pipeline.run`
    (``workers`` processes). ``force`` re-extracts and rewrites everything. A document that
    cannot be read, extracted or written, for whatever reason (each step of a document runs
    inside :func:`kgingest.isolation.isolate`), is counted and reported, and the run goes on;
    it is picked up again next time, because its stored key (if any) is still the old one.
    Refused credentials, an unreachable server or a dead worker stop the run at once
    (everything after would fail the same way): ``Summary.stopped`` says why. So does
    KeyboardInterrupt (Ctrl-C; the CLI turns SIGTERM into one): the documents written so far
    are counted, the one being written is whole or absent, and the next run does the rest.
    A SPARQL server is written a batch of documents at a time (:class:`_ServerWrites`), with
    the single-graph writes' retries and checks; its keys go in last, so a killed run may leave
    a graph without one, which the next run writes again.
    """
    from .pipeline import run  # spaCy: only a run that extracts loads it (delete does not)

    start = time.monotonic()
    summary = Summary()
    sink.drop_staging()  # a killed run's half-written graphs go before anything else is read
    stored = sink.content_keys()

    def fail(name: str, error: str, trace: str = "") -> None:
        summary.fail(name, error)
        report("failed", name, error)
        if trace:
            report("traceback", name, trace)

    def unchanged(item: RawDocument | Document) -> Document | None:
        """The document, parsed; None when its stored graph is still right."""
        document = item.parse(extractor.max_chars) if isinstance(item, RawDocument) else item
        if not force and stored.get(extractor.document_iri(document)) == extractor.content_key(document):
            return None
        return document

    def changed() -> Iterator[Document | InputError | DocumentError]:
        for item in unique(items):  # a second document with one identity is an error, not a replace
            if isinstance(item, (InputError, DocumentError)):
                yield item  # run() passes it through, in order
                continue
            document = isolate(item.name, "reading", lambda: unchanged(item))
            if document is None:
                summary.unchanged += 1
                report("unchanged", item.name, "")
            else:
                yield document

    def count(result: Rendered, triples: int) -> None:
        action = "replaced" if result.iri in stored else "added"
        setattr(summary, action, getattr(summary, action) + 1)
        summary.triples += triples
        report(action, result.name, f"{triples} triples")

    def write_one(result: Rendered) -> bool:
        """One document's atomic replace and check; False when the run must stop."""
        with uninterrupted():  # a graph written is a graph counted, whenever a signal comes
            try:
                triples = isolate(result.name, "storing", lambda: sink.replace_ntriples(result.iri, result.ntriples),
                                  passthrough=(OSError, ValueError))
            except (PermissionError, ConnectionError) as err:
                fail(result.name, str(err))
                summary.stopped = str(err)
                return False
            except (OSError, ValueError) as err:
                fail(result.name, str(err))
                return True
            if not isinstance(triples, int):
                fail(*_split(triples), trace=getattr(triples, "trace", ""))
                return True
            count(result, triples)
        return True

    batch = _ServerWrites(sink, stored) if isinstance(sink, SparqlServer) else None
    try:
        for result in run(extractor, changed(), workers=workers, batch_size=batch_size):
            if not isinstance(result, Rendered):
                fail(*_split(result), trace=getattr(result, "trace", ""))
            if batch is not None:
                if not batch.take(result, batch_size, count, fail, summary):
                    break
            elif isinstance(result, Rendered) and not write_one(result):
                break
    except WorkerError as err:
        summary.stopped = str(err)
    except KeyboardInterrupt:
        summary.stopped = "interrupted"
    if batch is not None and batch.pending and not batch.refused:
        try:  # the last, short batch; or, on a stop, the documents already extracted
            batch.flush(count, fail, summary)
        except KeyboardInterrupt:
            summary.stopped = summary.stopped or "interrupted"
    summary.seconds = time.monotonic() - start
    return summary


class _ServerWrites:
    """Documents extracted for a SPARQL server, written a batch at a time by the bulk writer
    (:class:`kgingest.store.bulk.ServerBatch`): new graphs in one N-Quads POST, changed ones in
    one multi-graph update, one grouped COUNT check, keys last; a graph the check finds wrong
    goes through the server's single-graph replace, as a document written alone would. A batch
    is what the extraction hands over at once (``batch_size`` results), so a stopped run has
    at most one batch extracted and not written."""

    def __init__(self, sink: SparqlServer, stored: dict[str, str]):
        from .store.bulk import ServerBatch

        self.writer = ServerBatch(sink)
        self.stored = stored
        self.pending: list[Rendered] = []
        self.seen = 0  # results (documents and errors) since the last flush
        self.refused = False  # the server refused the credentials or cannot be reached: write no more

    def take(self, result: Result, batch_size: int, count: Callable[[Rendered, int], None],
             fail: Callable[..., None], summary: Summary) -> bool:
        """Note a result; write the batch once it is whole. False when the run must stop."""
        self.seen += 1
        if isinstance(result, Rendered):
            self.pending.append(result)
        return self.seen < batch_size or self.flush(count, fail, summary)

    def flush(self, count: Callable[[Rendered, int], None], fail: Callable[..., None], summary: Summary) -> bool:
        """Write and count the pending documents; False when the run must stop."""
        from .store.bulk import DocumentGraph, rendered_graph

        pending, self.pending, self.seen = self.pending, [], 0
        with uninterrupted():  # a batch written is a batch counted, whenever a signal comes
            graphs: dict[str, DocumentGraph] = {}
            for result in pending:
                graph = isolate(result.name, "storing", lambda: rendered_graph(result.iri, result.ntriples))
                if isinstance(graph, DocumentGraph):
                    graphs[result.iri] = graph
                else:
                    fail(*_split(graph))
            written = [r for r in pending if r.iri in graphs]
            try:
                failed = self.writer.add(graphs[r.iri] for r in written if r.iri not in self.stored)
                failed.update(self.writer.replace([graphs[r.iri] for r in written if r.iri in self.stored]))
            except (PermissionError, ConnectionError) as err:
                for result in written:
                    fail(result.name, str(err))
                summary.stopped, self.refused = str(err), True
                return False
            except Exception as err:  # noqa: BLE001 - the batch's documents fail (the next run redoes them)
                problem = str(err) if isinstance(err, (OSError, ValueError)) else \
                    f"storing failed ({type(err).__name__}: {err})"
                for result in written:
                    fail(result.name, problem)
                return True
            for result in written:
                if result.iri in failed:
                    fail(result.name, failed[result.iri])
                else:
                    count(result, len(set(graphs[result.iri].quads)) + 1)
        return True


def lookup_values(ref: str) -> list[str]:
    """What a DOC argument of ``kgingest delete`` may be: a graph IRI, a document id or URL, or
    a file path (stored as its absolute ``file://`` URI; the file may be gone already).

    >>> lookup_values("https://example.org/news/1")
    ['https://example.org/news/1']
    >>> lookup_values("/data/a.txt")
    ['/data/a.txt', 'file:///data/a.txt']
    """
    values = [ref]
    if "://" not in ref and not ref.startswith("urn:") and ref not in ("stdin", "-"):
        uri = Path(ref).resolve().as_uri()
        if uri != ref:
            values.append(uri)
    return values


def _claimed_by(sink: Sink, url: str) -> str:
    """A hint when ``url`` is not an identity but documents give it as their source (an HTML
    page's canonical link): they are deleted by their own identity, never by a claim."""
    from .store import sparql_string

    result = sink.query(f"""PREFIX kg: <{vocab.KG}>
PREFIX dcterms: <{vocab.DCTERMS}>
SELECT DISTINCT ?id WHERE {{
  GRAPH ?g {{ ?g a kg:Document ; dcterms:identifier ?id ; dcterms:source ?src }} FILTER(STR(?src) = {sparql_string(url)})
}} ORDER BY ?id LIMIT 4""")
    ids = [row["id"].value for row in result] if isinstance(result, ox.QuerySolutions) else []
    if not ids:
        return ""
    listed = ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")
    return f" (it is the source URL of {listed}: delete by id or path)"


def delete(refs: Iterable[str], sink: Sink, *, report: Report = _quiet) -> Summary:
    """Drop the graph of each document named in ``refs`` (by identity or graph IRI, see
    :func:`lookup_values`); nothing else in the store changes.

    A name that matches no stored document counts as failed (a typo should not pass quietly).
    """
    start = time.monotonic()
    summary = Summary()
    for ref in refs:
        try:
            graphs = sink.find_graphs(lookup_values(ref))
            if not graphs:
                problem = "no such document in the store" + _claimed_by(sink, ref)
                summary.fail(ref, problem)
                report("failed", ref, problem)
                continue
            for iri in graphs:
                count = sink.triple_count(iri)
                if sink.drop_graph(iri):
                    summary.deleted += 1
                    summary.triples += count
                    report("deleted", ref, f"{iri}, {count} triples")
        except (PermissionError, ConnectionError) as err:
            summary.fail(ref, str(err))
            summary.stopped = str(err)
            report("failed", ref, str(err))
            break
        except (OSError, ValueError) as err:
            summary.fail(ref, str(err))
            report("failed", ref, str(err))
    summary.seconds = time.monotonic() - start
    return summary

"""Incremental ingest into a store: only new or changed documents are extracted and written.

A document is unchanged when the ``kg:contentKey`` stored in its graph equals the key of its
current text (text hash + kgingest, ontology and model versions); that check costs no NLP.
Changed documents are extracted and their graphs replaced one atomic write at a time, so a
run that dies midway leaves every document either old or new, and the next run finishes
the job. This module sits above :mod:`kgingest.pipeline` and :mod:`kgingest.store`, which
know nothing of each other.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from rdflib import Graph

from .sources import Document, InputError
from .store import Sink

Report = Callable[[str, str, str], None]  # (action, document, detail)


class ExtractionLike(Protocol):
    document: Document
    iri: str
    graph: Graph


class ExtractorLike(Protocol):
    """What ingest needs from :class:`kgingest.pipeline.Extractor`."""

    def document_iri(self, document: Document) -> str: ...
    def content_key(self, document: Document) -> str: ...
    def extract(self, documents: Iterable[Document]) -> Iterator[ExtractionLike]: ...


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


def _name(document: Document) -> str:
    """How reports name a document: the path it was read from, else its id."""
    return document.path or document.id


def ingest(items: Iterable[Document | InputError], sink: Sink, extractor: ExtractorLike, *,
           force: bool = False, report: Report = _quiet) -> Summary:
    """Write the graph of every new or changed document; skip the unchanged ones.

    ``force`` re-extracts and rewrites everything. A document whose write fails is counted
    and reported, and the run goes on; it is picked up again next time because its stored
    key (if any) is still the old one. Refused credentials or an unreachable server stop
    the run at once (every later write would fail the same way): ``Summary.stopped`` says why.
    """
    start = time.monotonic()
    summary = Summary()
    stored = sink.content_keys()

    def changed() -> Iterator[Document]:
        for item in items:
            if isinstance(item, InputError):
                name, _, why = str(item).partition(": ")
                summary.fail(name, str(item))
                report("failed", name, why)
                continue
            if not force and stored.get(extractor.document_iri(item)) == extractor.content_key(item):
                summary.unchanged += 1
                report("unchanged", _name(item), "")
                continue
            yield item

    for extraction in extractor.extract(changed()):
        name = _name(extraction.document)
        try:
            count = sink.replace_graph(extraction.iri, extraction.graph)
        except (PermissionError, ConnectionError) as err:
            summary.fail(name, str(err))
            summary.stopped = str(err)
            report("failed", name, str(err))
            break
        except (OSError, ValueError) as err:
            summary.fail(name, str(err))
            report("failed", name, str(err))
            continue
        action = "replaced" if extraction.iri in stored else "added"
        setattr(summary, action, getattr(summary, action) + 1)
        summary.triples += count
        report(action, name, f"{count} triples")
    summary.seconds = time.monotonic() - start
    return summary


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


def delete(refs: Iterable[str], sink: Sink, *, report: Report = _quiet) -> Summary:
    """Drop the graph of each document named in ``refs``; nothing else in the store changes.

    A name that matches no stored document counts as failed (a typo should not pass quietly).
    """
    start = time.monotonic()
    summary = Summary()
    for ref in refs:
        try:
            graphs = sink.find_graphs(lookup_values(ref))
            if not graphs:
                summary.fail(ref, "no such document in the store")
                report("failed", ref, "no such document in the store")
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

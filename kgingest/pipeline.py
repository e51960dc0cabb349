"""Streams documents through the stages: text -> Doc -> entities -> relations -> RDF.

Two ways through:

* :meth:`Extractor.extract` yields an :class:`Extraction` (with an rdflib graph) per
  document, for callers that want objects;
* :func:`run` is the batch runner behind ``kgingest extract``: raw inputs in, each
  document's triples out as sorted N-Triples text (:class:`Rendered`), in input order,
  in one process or several, with a failure per bad document instead of a failed batch.

Memory stays flat however long the stream: the vocabulary keeps the strings of the first
documents up to a fixed budget (a corpus's common words, which the tokenizer then caches);
after that, documents are parsed a chunk at a time inside a spaCy memory zone (strings and
lexemes of a chunk are freed when it is done), and at most a few chunks are in flight
between worker processes.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections import deque
from contextlib import AbstractContextManager, nullcontext
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, TypeVar

from rdflib import Graph, URIRef
from spacy.language import Language
from spacy.tokens import Doc

from . import nlp, ontology
from .lifeline import die_with_parent
from .rdf import emit
from .defaults import DEFAULT_BATCH_SIZE
from .isolation import DocumentError, isolate
from .results import Rendered, Result, WorkerError  # re-exported: kgingest.pipeline.Rendered
from .nlp import components, entities, relations
from .sources import DEFAULT_MAX_CHARS, Document, InputError, RawDocument, check_length

# Strings the vocabulary may keep for good (some 10,000 words): the common words of the corpus,
# learnt from its first documents. spaCy's tokenizer caches no word first seen inside a
# memory zone, so without them it splits "the" afresh in every document.
VOCAB_BUDGET = 50_000
T = TypeVar("T")


@dataclass
class Extraction:
    document: Document
    iri: str
    content_key: str
    triples: list[emit.Triple]
    entities: entities.Entities
    relations: list[relations.Relation]

    @cached_property
    def graph(self) -> Graph:
        """The document's named graph as an rdflib Graph, built on first use."""
        return emit.to_graph(URIRef(self.iri), self.triples)




@dataclass(frozen=True)
class Settings:
    """What a worker process needs to build the same Extractor as the parent."""

    model: str = nlp.DEFAULT_MODEL
    ontology_paths: tuple[str, ...] = ()
    generated_at: datetime | None = None
    max_chars: int = DEFAULT_MAX_CHARS


class Extractor:
    """A loaded ontology and spaCy pipeline, reused for every document of a run."""

    def __init__(self, model: str = nlp.DEFAULT_MODEL, ontology_paths: Iterable[str | Path] = (),
                 generated_at: datetime | None = None, *, max_chars: int = DEFAULT_MAX_CHARS):
        self.settings = Settings(model, tuple(str(p) for p in ontology_paths), generated_at, max_chars)
        self.onto = ontology.cached(self.settings.ontology_paths)
        self.nlp = nlp.load(self.onto, model)
        # the kgingest_entities and kgingest_relations components, run on each parsed Doc
        self.chain = components.chain(self.settings.ontology_paths, keep_caches=True)
        self.nlp.max_length = max(self.nlp.max_length, max_chars + 1)
        prime_labels(self.nlp)
        self.model = nlp.model_version(self.nlp)
        self.generated_at = generated_at
        self.max_chars = max_chars
        self.vocab_limit = len(self.nlp.vocab.strings) + VOCAB_BUDGET

    def zone(self) -> AbstractContextManager:
        """The scope of one chunk: a memory zone once the vocabulary has used its budget."""
        if len(self.nlp.vocab.strings) < self.vocab_limit:
            return nullcontext()
        return self.nlp.memory_zone()

    def document_iri(self, document: Document) -> str:
        return str(emit.document_iri(document.id))

    def content_key(self, document: Document) -> str:
        """Cheap (no NLP): equal keys mean the stored graph is still right."""
        return emit.content_key(document.text, self.model, self.onto)

    def from_doc(self, document: Document, doc: Doc) -> Extraction:
        """Entities, relations and the graph of an already parsed Doc."""
        ents, rels = self._find(document, doc)
        triples = emit.document_triples(document, doc, ents, rels, self.onto, self.model, self.generated_at)
        return Extraction(document, self.document_iri(document), self.content_key(document), triples, ents, rels)

    def _find(self, document: Document, doc: Doc) -> tuple[entities.Entities, list[relations.Relation]]:
        nlp.remember_text(doc, document.text)
        for component in self.chain:
            doc = component(doc)
        return doc._.kg_entities, doc._.kg_relations

    def extract(self, documents: Iterable[Document], batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[Extraction]:
        """Parse in batches with nlp.pipe and yield each document's extraction as it is done.

        A chunk of ``batch_size`` documents is parsed and extracted in one :meth:`zone`, then
        yielded: no Doc outlives its chunk.
        """
        for chunk in chunked(documents, batch_size):
            with self.zone():
                done = [self.from_doc(document, doc) for doc, document in
                        self.nlp.pipe(((d.text, d) for d in chunk), as_tuples=True, batch_size=batch_size)]
            yield from done

    def render(self, items: list[Document | RawDocument | InputError | DocumentError],
               batch_size: int = DEFAULT_BATCH_SIZE) -> list[Result]:
        """One chunk of inputs -> one result each, in order; a bad input costs only itself.

        Every step of one document runs inside :func:`kgingest.isolation.isolate`: whatever
        it raises becomes that document's error.
        """
        results: dict[int, Result] = {}
        todo: list[tuple[int, Document]] = []
        for i, item in enumerate(items):
            if isinstance(item, (InputError, DocumentError)):
                results[i] = item
                continue
            document = isolate(item.name, "reading", lambda: self._document(item))
            if isinstance(document, Document):
                todo.append((i, document))
            else:
                results[i] = document
        with self.zone():
            docs = self._parse([d for _, d in todo], batch_size)
            for (i, document), doc in zip(todo, docs):
                results[i] = self._render_one(document, doc) if isinstance(doc, Doc) else doc
        return [results[i] for i in range(len(items))]

    def _document(self, item: Document | RawDocument) -> Document:
        document = item.parse(self.max_chars) if isinstance(item, RawDocument) else item
        check_length(document.text, document.name, self.max_chars)
        return document

    def _parse(self, documents: list[Document], batch_size: int) -> list[Doc | InputError | DocumentError]:
        """nlp.pipe over the chunk; if it fails, one document at a time to find the culprit
        (the chunk's own error is only that signal: it names no document)."""
        texts = [d.text for d in documents]
        docs = isolate("chunk", "extraction", lambda: list(self.nlp.pipe(texts, batch_size=batch_size)))
        if isinstance(docs, list):
            return [*docs]
        return [isolate(d.name, "extraction", lambda: self.nlp(d.text)) for d in documents]

    def _render_one(self, document: Document, doc: Doc) -> Result:
        done = isolate(document.name, "extraction", lambda: self._lines(document, doc))
        if not isinstance(done, tuple):
            return done
        ents, rels, lines = done
        notes: tuple[str, ...] = ()
        if "encoding" in document.meta:
            notes = (f"{document.name}: not UTF-8; read as {document.meta['encoding']}",)
        return Rendered(document.name, self.document_iri(document), self.content_key(document), "".join(lines),
                        len(lines), len(ents.items), len(rels), notes)

    def _lines(self, document: Document, doc: Doc) -> tuple[entities.Entities, list[relations.Relation], list[str]]:
        """What :meth:`from_doc` finds, as N-Triples lines (``emit.ntriples`` of its triples)
        written without making rdflib terms."""
        ents, rels = self._find(document, doc)
        return ents, rels, emit.document_lines(document, doc, ents, rels, self.onto, self.model, self.generated_at)


def prime_labels(pipeline: Language) -> None:
    """Teach the NER every label the rulers before it can set, before the first document.

    spaCy's NER adds a label it meets in a document's preset entities on the fly, storing
    the label's string as a transient one when that happens inside a memory zone: after the
    zone, ``nlp.meta`` and the NER's ``labels`` raise E018. Added up front, the strings are
    permanent and every process has the same NER from its first document on.
    """
    if "ner" not in pipeline.pipe_names:
        return
    ner: Any = pipeline.get_pipe("ner")
    for name in pipeline.pipe_names[:pipeline.pipe_names.index("ner")]:
        if pipeline.get_pipe_meta(name).factory in ("entity_ruler", "span_ruler"):
            ruler: Any = pipeline.get_pipe(name)
            for label in ruler.labels:
                ner.add_label(label)


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def run(extractor: Extractor, items: Iterable[Document | RawDocument | InputError | DocumentError], *,
        workers: int = 1, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[Result]:
    """Every input's result, in input order: Rendered, or the InputError/DocumentError that stopped it.

    ``workers`` > 1 runs the extraction in that many processes, each with its own Extractor
    built from ``extractor.settings`` (inherited, not reloaded, where processes fork); the
    results are the same, document for document. At most ``2 * workers`` chunks of
    ``batch_size`` inputs are in flight, so memory does not grow with the corpus.
    Workers die with this process, however it ends (:mod:`kgingest.lifeline`).
    Raises WorkerError if a worker process dies.
    """
    chunks = chunked(items, batch_size)
    if workers <= 1:
        # the loaded pipeline and ontology are never garbage: the collector stops scanning them
        # for the run (as the workers do), which is 1 to 2 % of a document's CPU time
        gc.collect()
        gc.freeze()
        try:
            for chunk in chunks:
                yield from extractor.render(chunk, batch_size)
        finally:
            gc.unfreeze()
        return
    gc.collect()
    pool = ProcessPoolExecutor(workers, mp_context=_context(), initializer=_start_worker,
                               initargs=(extractor.settings, batch_size, os.getpid()))
    window: deque[tuple[Future[list[Result]], list]] = deque()
    try:
        for chunk in chunks:
            window.append((pool.submit(_work, chunk), chunk))
            if len(window) >= 2 * workers:
                yield from _collect(extractor, *window.popleft())
        while window:
            yield from _collect(extractor, *window.popleft())
    finally:
        if window:  # abandoned with chunks in flight (Ctrl-C, SIGTERM, a stopped run): nobody will read them
            _terminate(pool)
        pool.shutdown(wait=not window, cancel_futures=True)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now rather than when they have finished their chunks (seconds each):
    an interrupted run ends at once. (``terminate_workers`` is new in Python 3.14.)"""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for process in list((pool._processes or {}).values()):
        process.terminate()


def _collect(extractor: Extractor, future: Future[list[Result]], chunk: list) -> list[Result]:
    """A worker's results for a chunk. If the chunk failed as a whole (its results could not be
    sent back, say), the parent renders it itself, each document isolated as in a worker."""
    first = chunk[0].name if chunk and not isinstance(chunk[0], InputError) else "?"
    try:
        results = isolate(first, "extraction", future.result, passthrough=(BrokenProcessPool,))
    except BrokenProcessPool:
        raise WorkerError(f"a worker process died (out of memory?) in the chunk starting at {first}") from None
    return results if isinstance(results, list) else extractor.render(chunk)


def _context() -> multiprocessing.context.BaseContext:
    """fork where it is safe (Linux): workers inherit the loaded pipeline instead of reloading it."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


_WORKER: tuple[Extractor, int] | None = None


def _start_worker(settings: Settings, batch_size: int, parent: int) -> None:
    global _WORKER
    die_with_parent(parent)  # a killed run leaves no worker behind
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler (a fork inherits it)
    extractor = Extractor(settings.model, settings.ontology_paths, settings.generated_at,
                          max_chars=settings.max_chars)
    _WORKER = (extractor, batch_size)
    gc.freeze()  # the loaded pipeline and ontology are never garbage: stop scanning them


def _work(chunk: list[Document | RawDocument | InputError | DocumentError]) -> list[Result]:
    if _WORKER is None:
        raise RuntimeError("worker process not started")
    extractor, batch_size = _WORKER
    return extractor.render(chunk, batch_size)

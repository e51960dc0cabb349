"""Many document graphs at once: RDF files read graph by graph, written in bulk.

``kgingest extract -f nquads`` (or ``-f trig``, or a Dask run's ``part-*.nq`` shards) writes
one named graph per document, each holding its ``kg:contentKey``. :func:`read_graphs` reads
such a file one graph at a time and checks it is one (named graphs only, no blank nodes, one
key per graph, each graph's quads together); the writers put the graphs into a store:

- :class:`EmbeddedBulk`: new graphs through pyoxigraph's bulk loader (``Store.bulk_extend``,
  which writes table files directly instead of going through the transaction log), their
  content keys afterwards in one transaction;
- :class:`ServerBatch`: new graphs as N-Quads POSTs of many graphs per request (or, for a
  server whose Graph Store endpoint takes no quads, multi-graph ``INSERT DATA`` requests),
  one grouped COUNT check per batch, then the batch's content keys; changed graphs as one
  multi-graph ``DROP`` + ``INSERT DATA`` update per batch, checked the same way.

Content keys go in last: a run that dies midway leaves graphs without a key, which the next
run sees as not stored and writes again (replacing whatever is there).

>>> text = '''<urn:d> <https://w3id.org/kgingest/ontology#contentKey> "k1" <urn:d> .
... <urn:d> <urn:p> <urn:o> <urn:d> .
... '''
>>> [(g.iri, g.key, len(g.quads)) for g in read_graphs(text.encode(), ox.RdfFormat.N_QUADS, "a.nq")]
[('urn:d', 'k1', 1)]
"""
from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor, wait
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import vocab
from .sinks import FALLBACK_STATUSES, EmbeddedStore, ServerError, SparqlServer, Sink, _iri, _solutions, redact


CONTENT_KEY = ox.NamedNode(vocab.KG + "contentKey")
RDF_SUFFIXES = {".nq": ox.RdfFormat.N_QUADS, ".nquads": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
GRAPH_AT_A_TIME_BATCH = 20_000  # quads per checked batch where each graph is its own request
DEFAULT_BATCH_QUADS = 200_000  # quads per server request: ~50 MB of N-Quads; fewer, bigger requests load faster
N_QUADS_TYPE = "application/n-quads"


class BadRdf(ValueError):
    """An RDF file that is not a set of kgingest document graphs: ``file:line: problem``."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


def rdf_format(path: str | os.PathLike[str]) -> ox.RdfFormat | None:
    """The format of an RDF file kgingest loads, by suffix; None for anything else (articles).

    >>> rdf_format("shards/part-00000.nq"), rdf_format("a.txt")
    (<RdfFormat N-Quads>, None)
    """
    return RDF_SUFFIXES.get(Path(path).suffix.lower())


def rdf_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The RDF files under a folder (recursive, sorted, hidden ones skipped: a shard being
    written has a temporary ``.part-...`` name)."""
    root = Path(folder)
    return sorted(p for p in root.rglob("*") if p.is_file() and rdf_format(p) is not None
                  and not any(part.startswith(".") for part in p.relative_to(root).parts))


@dataclass(frozen=True)
class DocumentGraph:
    """One graph of an RDF file: its quads without the key, and the key."""

    iri: str
    key: str
    quads: list[ox.Quad]
    key_quad: ox.Quad

    def ntriples(self) -> str:
        """The graph (key included) as N-Triples, for an atomic replace."""
        return _ntriples(self.quads + [self.key_quad]).decode("utf-8")


def _where(name: str, fmt: ox.RdfFormat, source: bytes | Path, statement: int) -> str:
    """``file:line`` of the ``statement``-th quad (from 0) of an N-Quads file, one statement a
    line; for TriG, whose statements span lines, the file alone. Read again only on an error."""
    if fmt != ox.RdfFormat.N_QUADS:
        return name
    data = source if isinstance(source, bytes) else source.read_bytes()
    seen = -1
    for number, line in enumerate(data.split(b"\n"), 1):
        text = line.strip()
        if text and not text.startswith(b"#"):
            seen += 1
            if seen == statement:
                return f"{name}:{number}"
    return name


def read_graphs(source: bytes | Path, fmt: ox.RdfFormat, name: str) -> Iterator[DocumentGraph]:
    """The document graphs of an RDF file, one at a time, each checked; BadRdf on the first
    problem (a syntax error, a triple outside a named graph, a blank node, a graph without or
    with two content keys, a graph whose quads are not together).

    Quads stream from pyoxigraph's parser; only the current graph is held in memory.
    """
    done: set[str] = set()
    current: ox.NamedNode | None = None
    quads: list[ox.Quad] = []
    keys: list[ox.Quad] = []
    start = 0

    def finish() -> DocumentGraph:
        assert current is not None
        done.add(current.value)
        try:
            return _keyed(current.value, quads, keys)
        except ValueError as err:
            raise BadRdf(_where(name, fmt, source, start),
                         f"{err}: not a document graph written by kgingest extract") from None

    parser = ox.parse(source, fmt) if isinstance(source, bytes) else ox.parse(path=source, format=fmt)
    index = -1
    named, blank = ox.NamedNode, ox.BlankNode
    try:
        for quad in parser:
            index += 1
            s, p, o, g = quad
            if g != current:
                if type(g) is not named:
                    what = "a triple outside any named graph" if isinstance(g, ox.DefaultGraph) else f"graph name {g}"
                    raise BadRdf(_where(name, fmt, source, index), f"{what}; kgingest loads one named graph per "
                                 "document, as `kgingest extract -f nquads` (or -f trig) writes them")
                if current is not None:
                    yield finish()
                if g.value in done:
                    raise BadRdf(_where(name, fmt, source, index), f"graph <{g.value}> appears again after "
                                 "other graphs; each graph's quads must be together, as extract writes them")
                current, quads, keys, start = g, [], [], index
            if type(s) is blank or type(o) is blank:
                raise BadRdf(_where(name, fmt, source, index), f"blank node in graph <{g.value}>; "
                             "document graphs use IRIs only")
            if p == CONTENT_KEY and s == g and type(o) is ox.Literal:
                keys.append(quad)
            else:
                quads.append(quad)
    except SyntaxError as err:
        line = f":{err.lineno}" if err.lineno else ""
        raise BadRdf(f"{name}{line}", f"not valid {fmt.name}: {err.msg}") from None
    if current is not None:
        yield finish()


def _keyed(iri: str, quads: list[ox.Quad], keys: list[ox.Quad]) -> DocumentGraph:
    """A document graph from its quads and its key quads; ValueError unless it has one key."""
    values = {k.object.value for k in keys if isinstance(k.object, ox.Literal)}
    if len(values) != 1:
        problem = "no kg:contentKey" if not values else f"{len(values)} different kg:contentKey values"
        raise ValueError(f"graph <{iri}> has {problem}")
    return DocumentGraph(iri, values.pop(), quads, keys[0])


def rendered_graph(iri: str, ntriples: str) -> DocumentGraph:
    """A document's N-Triples (what extraction renders, its key among them) as a DocumentGraph,
    for the batched writers; ValueError when the text holds no single key of the graph.

    >>> g = rendered_graph("urn:d", '<urn:d> <https://w3id.org/kgingest/ontology#contentKey> "k" .\\n<urn:d> <urn:p> <urn:o> .\\n')
    >>> (g.iri, g.key, [str(q.object) for q in g.quads])
    ('urn:d', 'k', ['<urn:o>'])
    """
    name = ox.NamedNode(iri)
    quads: list[ox.Quad] = []
    keys: list[ox.Quad] = []
    for triple in ox.parse(ntriples.encode("utf-8"), ox.RdfFormat.N_TRIPLES):
        quad = ox.Quad(triple.subject, triple.predicate, triple.object, name)
        is_key = triple.predicate == CONTENT_KEY and triple.subject == name and type(triple.object) is ox.Literal
        (keys if is_key else quads).append(quad)
    return _keyed(iri, quads, keys)


def _ntriples(quads: Iterable[ox.Quad]) -> bytes:
    """The triples of quads as N-Triples."""
    return ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES) or b""


# --- embedded store ----------------------------------------------------------------------


class EmbeddedBulk:
    """New graphs into an embedded store through the bulk loader, keys last.

    The bulk loader is not a transaction: it is used under the store's writer lock (no reader
    opens the store meanwhile), and a file that turns out bad halfway is undone by removing
    the graphs it added (all of them new, so nothing older is lost).
    """

    def __init__(self, store: EmbeddedStore):
        self.sink = store
        self._store: ox.Store = store._store  # the same package: the sink's pyoxigraph handle

    def known_graphs(self, stored: dict[str, str]) -> set[str]:
        """Every named graph in the store, keyed or not (a graph a crash left without its key
        is replaced, not added to)."""
        return {g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)} | set(stored)

    def add(self, graphs: Iterable[DocumentGraph]) -> dict[str, str]:
        """Bulk-load the graphs' quads, then their keys in one transaction; {iri: error} of
        graphs that failed (always empty here: the bulk loader fails whole)."""
        keys: list[ox.Quad] = []
        self.sink._written = True  # flush on close, as for any write

        def quads() -> Iterator[ox.Quad]:
            for graph in graphs:
                keys.append(graph.key_quad)
                yield from graph.quads

        self._store.bulk_extend(quads())
        self._store.extend(keys)
        return {}

    def remove(self, iris: Iterable[str]) -> None:
        """Undo: drop graphs added by a file that turned out bad."""
        for iri in iris:
            self._store.remove_graph(ox.NamedNode(iri))

    def replace(self, graphs: list[DocumentGraph]) -> dict[str, str]:
        """Replace changed graphs, each in its own transaction (the sink's diffing replace)."""
        return _replace_each(self.sink, graphs, (OSError, ValueError))


# --- SPARQL servers ----------------------------------------------------------------------


def _nquads(quads: Iterable[ox.Quad]) -> bytes:
    """Quads as N-Quads (pyoxigraph's serializer: four times faster than formatting each in Python)."""
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def _insert_data(graphs: Iterable[DocumentGraph], *, keys: bool) -> str:
    """One ``INSERT DATA`` of many graphs: their triples (``keys=False``) or their keys only."""
    blocks = []
    for graph in graphs:
        body = _ntriples([graph.key_quad] if keys else graph.quads).decode("utf-8")
        blocks.append(f"GRAPH {_iri(graph.iri)} {{\n{body}}}\n")
    return "INSERT DATA {\n" + "".join(blocks) + "}"


def _counts_query(iris: Iterable[str]) -> str:
    """One grouped COUNT for a batch of graphs (a graph with no triples has no row).

    >>> _counts_query(["urn:a", "urn:b"])
    'SELECT ?g (COUNT(*) AS ?n) WHERE { VALUES ?g { <urn:a> <urn:b> } GRAPH ?g { ?s ?p ?o } } GROUP BY ?g'
    """
    values = " ".join(_iri(i) for i in iris)
    return f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"


COUNT_GROUP = 500  # graphs per grouped COUNT query: a VALUES list of a few tens of KB


class ServerBatch:
    """Graphs into a SPARQL server in batches, with the single-graph writes' retries and checks.

    Each request goes through the sink's HTTP client (retries with backoff on connection
    errors, timeouts, 429 and 5xx; every request here is safe to repeat: adding quads twice
    adds nothing, and a replace drops before it inserts). After each batch one grouped COUNT
    query checks every graph of it; a graph whose count is off is written again alone by the
    sink's atomic replace, which checks again and, failing, leaves the graph without its key,
    so the next run writes it once more.
    """

    def __init__(self, server: SparqlServer, *, batch_quads: int = DEFAULT_BATCH_QUADS):
        self.sink = server
        self.batch_quads = batch_quads
        self.post_quads = server.use_graph_store  # until the server shows it takes no N-Quads POST
        self._probed = False  # the first batch is one graph: a server that ignores N-Quads costs one graph

    def known_graphs(self, stored: dict[str, str]) -> set[str]:
        """The keyed graphs (listing every graph of a server can be slow; a key-less graph a crash
        left behind is added to, then caught by the count check and replaced)."""
        return set(stored)

    def _batches(self, graphs: Iterable[DocumentGraph]) -> Iterator[list[DocumentGraph]]:
        batch: list[DocumentGraph] = []
        size = 0
        for graph in graphs:
            batch.append(graph)
            size += len(graph.quads) + 1
            # a graph at a time (Virtuoso) the batch only sets how often counts are checked: small
            # batches let the reading of the next overlap the writing of this one
            limit = self.batch_quads if self.post_quads else min(self.batch_quads, GRAPH_AT_A_TIME_BATCH)
            if size >= limit or (self.post_quads and not self._probed):
                self._probed = True
                yield batch
                batch, size = [], 0
        if batch:
            yield batch

    def _chunks(self, graphs: list[DocumentGraph], *, keys: bool) -> Iterator[list[DocumentGraph]]:
        """Groups of graphs for one ``INSERT DATA`` each, within the sink's chunk size (Virtuoso
        refuses an update of a few thousand triples); a bigger graph goes alone."""
        chunk: list[DocumentGraph] = []
        size = 0
        for graph in graphs:
            n = 1 if keys else len(graph.quads)
            if chunk and size + n > self.sink.chunk_size:
                yield chunk
                chunk, size = [], 0
            chunk.append(graph)
            size += n
        if chunk:
            yield chunk

    def add(self, graphs: Iterable[DocumentGraph]) -> dict[str, str]:
        """Add new graphs batch by batch, keys after each checked batch; {iri: error} of the
        graphs that could not be written.

        One batch is on the wire (a thread, which waits on the server) while the next is read
        and serialised: the parsing costs no time of its own. Batches still go one at a time.
        """
        failed: dict[str, str] = {}
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kgingest-batch") as pool:
            pending: Future[dict[str, str]] | None = None
            try:
                for batch in self._batches(graphs):
                    if pending is not None:
                        failed.update(pending.result())
                    pending = pool.submit(self._add_batch, batch)
            except BaseException:
                if pending is not None:  # a bad file: let the batch in flight land, so the undo drops it too
                    wait([pending])
                raise
            if pending is not None:
                failed.update(pending.result())
        return failed

    def _add_batch(self, batch: list[DocumentGraph]) -> dict[str, str]:
        """Write a batch's triples (no keys), check every graph's count, then write the keys of
        the right ones; the wrong ones go through the single-graph replace."""
        if self.post_quads:
            assert self.sink.endpoints.graph_store is not None
            body = _nquads(q for graph in batch for q in graph.quads)
            try:
                self.sink._http.request("POST", self.sink.endpoints.graph_store, body=body,
                                        content_type=N_QUADS_TYPE)
            except ServerError as err:
                if err.status not in (400, 404, 405, 415, 500, 501):
                    raise
                self._stop_posting(f"HTTP {err.status}")
                return self._add_batch(batch)
            counts = self._counts(batch)
            if not any(counts.values()):  # Virtuoso answers 200 to an N-Quads POST and stores nothing
                self._stop_posting("it stored none of the quads")
                return self._add_batch(batch)
        elif self.sink.use_graph_store:
            for graph in batch:  # one Graph Store PUT a graph: an atomic replace of a key-less leftover too
                if not self._put(graph, graph.quads):
                    return self._add_batch(batch)
            counts = self._counts(batch)
        else:
            for chunk in self._chunks(batch, keys=False):
                self.sink.update(_insert_data(chunk, keys=False))
            counts = self._counts(batch)
        wrong = {g.iri for g in batch if counts.get(g.iri, 0) != len(set(g.quads))}
        for chunk in self._chunks([g for g in batch if g.iri not in wrong], keys=True):
            self.sink.update(_insert_data(chunk, keys=True))
        return self._one_by_one([g for g in batch if g.iri in wrong])

    def _put(self, graph: DocumentGraph, quads: list[ox.Quad]) -> bool:
        """A Graph Store PUT of the graph; False (and writing by Update from now on) when the
        server has no Graph Store endpoint after all."""
        body = _ntriples(quads)
        try:
            self.sink._http.request("PUT", self.sink.endpoints.graph_url(graph.iri), body=body,
                                    content_type="text/turtle; charset=utf-8")
        except ServerError as err:
            if err.status not in FALLBACK_STATUSES:
                raise
            self.sink.use_graph_store = False
            self.sink.notes.append(f"{redact(self.sink.endpoints.graph_store or '')} refused a Graph Store PUT "
                                   f"(HTTP {err.status}); writing with SPARQL Update instead")
            return False
        return True

    def _stop_posting(self, why: str) -> None:
        self.post_quads = False
        instead = ("one Graph Store request a graph" if self.sink.use_graph_store
                   else "batches of SPARQL Update")
        self.sink.notes.append(f"{redact(self.sink.endpoints.graph_store or '')} took no batch of graphs ({why}); "
                               f"writing {instead} instead")

    def _counts(self, graphs: list[DocumentGraph]) -> dict[str, int]:
        """The server's triple count of each graph (grouped COUNT queries; 0 when absent)."""
        counts: dict[str, int] = {}
        for start in range(0, len(graphs), COUNT_GROUP):
            rows = _solutions(self.sink.query(_counts_query(g.iri for g in graphs[start:start + COUNT_GROUP])))
            counts.update((row["g"].value, int(row["n"].value)) for row in rows)
        return counts

    def _one_by_one(self, graphs: list[DocumentGraph]) -> dict[str, str]:
        """The sink's single-graph atomic replace (and check) for each graph; {iri: error}."""
        return _replace_each(self.sink, graphs, (ServerError, ValueError))

    def remove(self, iris: Iterable[str]) -> None:
        """Undo: drop the graphs added from a file that turned out bad."""
        names = [_iri(i) for i in iris]
        for start in range(0, len(names), 200):
            self.sink.update(" ;\n".join(f"DROP SILENT GRAPH {n}" for n in names[start:start + 200]))

    def replace(self, graphs: list[DocumentGraph]) -> dict[str, str]:
        """Replace changed graphs, keys included: per batch one update that drops and inserts
        them all (an update request is atomic on the Oxigraph server), or where the server takes
        no big updates (Virtuoso) one Graph Store PUT a graph; then the grouped check, and each
        graph still wrong goes through the sink's single-graph replace."""
        if not graphs:
            return {}
        if not self.post_quads and not self.sink.use_graph_store:
            return self._one_by_one(graphs)
        wrong: list[DocumentGraph] = []
        for batch in self._batches(graphs):
            if self.post_quads:
                drops = "".join(f"DROP SILENT GRAPH {_iri(g.iri)} ;\n" for g in batch)
                keyed = [DocumentGraph(g.iri, g.key, g.quads + [g.key_quad], g.key_quad) for g in batch]
                try:
                    self.sink.update(drops + _insert_data(keyed, keys=False))
                except ServerError as err:
                    if err.status not in (400, 413):  # Virtuoso: "generated SQL text has exceeded 10000 lines"
                        raise
                    self._stop_posting(f"a multi-graph update got HTTP {err.status}")
                    return self._one_by_one(graphs)
            else:
                for graph in batch:
                    if not self._put(graph, graph.quads + [graph.key_quad]):
                        return self._one_by_one(graphs)
            counts = self._counts(batch)
            wrong += [g for g in batch if counts.get(g.iri, 0) != len(set(g.quads)) + 1]
        return self._one_by_one(wrong)


def bulk_writer(sink: Sink, *, batch_quads: int = DEFAULT_BATCH_QUADS) -> EmbeddedBulk | ServerBatch:
    """The bulk writer for a sink."""
    if isinstance(sink, EmbeddedStore):
        return EmbeddedBulk(sink)
    if isinstance(sink, SparqlServer):
        return ServerBatch(sink, batch_quads=batch_quads)
    raise TypeError(f"no bulk writer for {type(sink).__name__}")


__all__ = ["BadRdf", "DocumentGraph", "EmbeddedBulk", "ServerBatch", "bulk_writer", "rdf_files",
           "rdf_format", "read_graphs", "rendered_graph"]


def _replace_each(sink: Sink, graphs: list[DocumentGraph],
                  errors: tuple[type[Exception], ...]) -> dict[str, str]:
    """The sink's single-graph replace for each graph; {iri: error} for those that raised one of
    ``errors`` (anything else propagates and ends the load)."""
    failed: dict[str, str] = {}
    for graph in graphs:
        try:
            sink.replace_ntriples(graph.iri, graph.ntriples())
        except errors as err:
            failed[graph.iri] = str(err)
    return failed

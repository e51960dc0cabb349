"""A query worker of ``kgingest serve``: a process of its own over one snapshot of the store.

Why a process: a pyoxigraph query cannot be interrupted from Python once it runs, so a
query that outlives the time limit is stopped by killing its worker (see
:mod:`kgingest.serve.queries`). The worker imports only pyoxigraph until a picture is
asked for, so a new one is ready in a fraction of a second. It reads pickled jobs on
stdin and writes pickled answers on stdout (``multiprocessing.connection`` framing);
:data:`COMMAND` starts one.

>>> job = Job("ASK { ?s ?p ?o }", results_type="application/sparql-results+json", graph_type=None)
>>> answer = run_job(ox.Store(), job, max_bytes=1000)
>>> answer.status, answer.content_type, answer.body
(200, 'application/sparql-results+json', b'{"head":{},"boolean":false}')
"""
from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

# Not ``-m kgingest.serve.worker``: its classes would be ``__main__.Answer`` to the unpickler.
COMMAND = "import sys; from kgingest.serve.worker import main; main(sys.argv[1], int(sys.argv[2]))"

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


# --- the neighbourhood picture (runs in a query worker) ----------------------------------


class _UnionSink:
    """What :class:`kgingest.show.StoreSource` needs of a sink, over the worker's store."""

    def __init__(self, store: ox.Store):
        self.store = store

    def query(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]:
        result = self.store.query(sparql, use_default_graph_as_union=True)
        return list(result) if isinstance(result, ox.QueryTriples) else result


_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\]*$')


def neighbourhood(store: ox.Store, *, entity: str, label: str) -> Answer:
    """An HTML page picturing the entity, its relations and the entities at their other end."""
    from ..tools import show as pictures
    from ..ontology import cached
    from ..store import sparql_string

    source = pictures.StoreSource(_UnionSink(store))
    if label:
        found = source.select("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                              f"SELECT DISTINCT ?e WHERE {{ ?e rdfs:label {sparql_string(label)} }} ORDER BY ?e LIMIT 2")
        if not found:
            return error(404, f"no entity is labelled {label!r}")
        entity = str(found[0]["e"])
    elif not _IRI.match(entity):
        return error(400, f"{entity[:200]!r} is not an IRI")
    node = f"<{entity}>"
    sparql = (f"CONSTRUCT {{ {node} ?p ?o . ?s ?q {node} . {node} a ?t }} "
              f"WHERE {{ {{ {node} ?p ?o }} UNION {{ ?s ?q {node} }} UNION {{ {node} a ?t }} }}")
    onto = cached()
    try:
        picture = pictures.query_picture(source, sparql, onto, title=label or entity)
        page = pictures.render(picture, "neighbourhood.html", onto)
    except pictures.PictureError as err:
        status = 501 if "Graphviz" in str(err) else 404
        return error(status, f"{entity}: {err}")
    return Answer(200, "text/html; charset=utf-8", page)



def main(snapshot: str, max_bytes: int) -> None:
    """A worker's life: open the snapshot, say ready, answer jobs until stdin closes."""
    jobs, answers = Connection(os.dup(0), writable=False), Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # stray prints go to stderr, never into the answers
    try:
        store = ox.Store.read_only(snapshot)
    except OSError as err:
        answers.send(str(err))
        return
    answers.send("ready")
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return
        answers.send(job(store) if callable(job) else run_job(store, job, max_bytes=max_bytes))


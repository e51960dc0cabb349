"""The HTTP side of ``kgingest serve``: a read-only SPARQL 1.1 Protocol endpoint, the query
page (YASGUI, from package data) and pictures of an entity's neighbourhood.

Werkzeug does the HTTP (parsing, Accept negotiation, responses) and waitress serves it;
the queries run in :mod:`kgingest.serve.queries`' worker processes. Routes, and nothing
else (no file access, no listing):

- ``/sparql`` (and ``/query``, the Oxigraph server's name): GET ``?query=``, POST form
  ``query=``, POST ``application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri``.
  Updates (``update=``, ``application/sparql-update``, ``/update``) get 403.
- ``/``: the query page; ``/page/<name>``: its fixed set of files; ``/examples.json``.
- ``/show?entity=IRI`` or ``/show?label=NAME``: the neighbourhood picture as an HTML page.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from ..store import query_form
from .queries import QueryPool
from .worker import GRAPH_TYPES, RESULT_TYPES, Answer, Job, neighbourhood

QUERY_PATHS = ("/sparql", "/query")
UPDATE_PATHS = ("/update", "/store")
MAX_REQUEST_BYTES = 1 << 20  # a query, not a data upload
READ_ONLY = "this endpoint is read-only: SPARQL updates are refused (write with `kgingest ingest`)"

# Accept values clients send for results, mapped to what is written.
RESULT_ALIASES = {**{t: t for t in RESULT_TYPES}, "application/json": "application/sparql-results+json",
                  "application/xml": "application/sparql-results+xml", "text/xml": "application/sparql-results+xml"}
GRAPH_ALIASES = {**{t: t for t in GRAPH_TYPES}, "application/x-turtle": "text/turtle",
                 "text/plain": "application/n-triples", "application/json": "application/ld+json"}

PAGE_FILES = {  # name -> media type; the only files the server reads
    "kgingest.js": "text/javascript; charset=utf-8",
    "kgingest.css": "text/css; charset=utf-8",
    "yasgui/yasgui.min.js": "text/javascript; charset=utf-8",
    "yasgui/yasgui.min.css": "text/css; charset=utf-8",
    "yasgui/LICENSE": "text/plain; charset=utf-8",
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# The page: scripts and connections only to this server; YASGUI sets inline styles and data: images.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
               "style-src 'self' 'unsafe-inline'; font-src 'self' data:; frame-ancestors 'none'")
PICTURE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    query: str


def examples() -> list[Example]:
    """The README's example queries, shipped as ``page/examples/*.rq`` (first line: ``# title``)."""
    folder = resources.files("kgingest.serve") / "page" / "examples"
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            title, _, query = entry.read_text(encoding="utf-8").partition("\n")
            found.append(Example(entry.name[:-3], title.lstrip("# ").strip(), query))
    return found


def _page_file(name: str) -> bytes:
    return (resources.files("kgingest.serve") / "page" / name).read_bytes()


def negotiate(accept: str | None, aliases: dict[str, str], default: str) -> str | None:
    """The media type to write for an Accept header; None when the client accepts none of ours.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_ALIASES, "text/csv")
    'application/sparql-results+xml'
    >>> negotiate(None, RESULT_ALIASES, "application/sparql-results+json")
    'application/sparql-results+json'
    >>> negotiate("image/png", GRAPH_ALIASES, "text/turtle") is None
    True
    """
    if not accept:
        return default
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    offered = parse_accept_header(accept, MIMEAccept)
    best = offered.best_match([default, *(t for t in aliases if t != default)])  # ties go to the first
    return aliases[best] if best else None


class App:
    """The WSGI application; ``pool`` runs the queries."""

    def __init__(self, pool: QueryPool, store_name: str):
        self.pool = pool
        self.store_name = store_name
        self._files = {name: (kind, _page_file(name)) for name, kind in PAGE_FILES.items()}
        listed = [{"name": e.name, "title": e.title, "query": e.query} for e in examples()]
        page = _page_file("index.html").decode("utf-8")
        page = page.replace("{{store_name}}", _html(Path(store_name).name)).replace("{{store}}", _html(store_name))
        self._index = page.encode("utf-8")
        self._examples = json.dumps(listed, ensure_ascii=False).encode("utf-8")

    def __call__(self, environ: dict, start_response):  # type: ignore[no-untyped-def]
        request = Request(environ)
        request.max_content_length = MAX_REQUEST_BYTES
        request.max_form_memory_size = MAX_REQUEST_BYTES
        try:
            response = self.route(request)
        except HTTPException as err:  # a body over the limit, a malformed form
            response = _plain(err.code or 400, err.description or err.name)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response(environ, start_response)

    def route(self, request: Request) -> Response:
        path = request.path
        if request.method not in ("GET", "HEAD", "POST"):
            return _plain(405, f"method {request.method} is not allowed here", allow="GET, HEAD, POST")
        if path in QUERY_PATHS:
            return self.sparql(request)
        if path in UPDATE_PATHS:
            return _plain(403, READ_ONLY)
        if request.method == "POST":
            return _plain(405, "POST is only for /sparql", allow="GET, HEAD")
        if path == "/":
            return Response(self._index, content_type="text/html; charset=utf-8",
                            headers={"Content-Security-Policy": PAGE_POLICY})
        if path == "/favicon.ico":  # browsers ask; there is none
            return Response(status=204)
        if path == "/examples.json":
            return Response(self._examples, content_type="application/json")
        if path.startswith("/page/") and path[len("/page/"):] in self._files:
            kind, body = self._files[path[len("/page/"):]]
            return Response(body, content_type=kind, headers={"Cache-Control": "max-age=3600"})
        if path == "/show":
            return self.show(request)
        return _plain(404, f"nothing at {path[:200]!r}: the query page is at /, the SPARQL endpoint at /sparql")

    def sparql(self, request: Request) -> Response:
        """The SPARQL 1.1 Protocol's query operation (and a clear refusal of the update one)."""
        form = request.form if request.method == "POST" else MultiDict()
        mimetype = request.mimetype if request.method == "POST" else ""
        if "update" in request.args or "update" in form or mimetype == "application/sparql-update":
            return _plain(403, READ_ONLY)
        if request.method == "GET" or mimetype == "application/x-www-form-urlencoded":
            source = request.args if request.method == "GET" else form
            queries = source.getlist("query")
            graphs = source
        elif mimetype == "application/sparql-query":
            queries = [request.get_data(as_text=True)]
            graphs = request.args
        else:
            return _plain(415, "POST a query as application/x-www-form-urlencoded (query=...) "
                               "or as application/sparql-query")
        if len(queries) != 1:
            return _plain(400, "give exactly one query (the 'query' parameter)"
                               + ("; the query page is at /" if not queries else ""))
        sparql = queries[0]
        try:
            form_name = query_form(sparql)
        except SyntaxError as err:
            return _plain(400, f"invalid query: {err}")
        accept = request.headers.get("Accept")
        job = Job(sparql,
                  results_type=negotiate(accept, RESULT_ALIASES, "application/sparql-results+json"),
                  graph_type=negotiate(accept, GRAPH_ALIASES, "text/turtle"),
                  default_graphs=tuple(graphs.getlist("default-graph-uri")),
                  named_graphs=tuple(graphs.getlist("named-graph-uri")))
        wanted = job.results_type if form_name in ("SELECT", "ASK") else job.graph_type
        if wanted is None:
            kinds = RESULT_TYPES if form_name in ("SELECT", "ASK") else GRAPH_TYPES
            return _plain(406, f"a {form_name} query's result can be sent as: {', '.join(kinds)}")
        return _answer(self.pool.run(job))

    def show(self, request: Request) -> Response:
        """The neighbourhood of one entity (by IRI or exact label), drawn as ``kgingest show`` does."""
        entity, label = request.args.get("entity", "").strip(), request.args.get("label", "").strip()
        if bool(entity) == bool(label):
            return _plain(400, "give ?entity=IRI or ?label=NAME (one of them)")
        return _answer(self.pool.run(functools.partial(neighbourhood, entity=entity, label=label)),
                       policy=PICTURE_POLICY)


def _plain(status: int, message: str, **headers: str) -> Response:
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8",
                    headers={k.title(): v for k, v in headers.items()})


def _answer(answer: Answer, policy: str | None = None) -> Response:
    headers = {"Content-Security-Policy": policy} if policy else {}
    return Response(answer.body, status=answer.status, content_type=answer.content_type, headers=headers)


def _html(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def routes() -> Iterable[str]:
    """Every path the server answers (for the documentation and the tests)."""
    return (*QUERY_PATHS, *UPDATE_PATHS, "/", "/examples.json", "/show", *(f"/page/{n}" for n in PAGE_FILES))

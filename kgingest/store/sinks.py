"""Sinks for document graphs: an embedded Oxigraph store, or any SPARQL 1.1 server.

Each document lives in its own named graph, and writing it is one atomic replace, so a
crash leaves the old graph or the new one, never a mix or a gap:

- embedded (a folder): ``DELETE DATA`` (what is gone) + ``INSERT DATA`` (what is new) in
  one pyoxigraph update, which is a transaction; a lock file makes a second writer fail fast;
- server: a SPARQL 1.1 Graph Store Protocol PUT (an atomic replace, safe to retry), or when
  the server has no Graph Store endpoint, SPARQL 1.1 Update: ``DROP SILENT GRAPH`` +
  ``INSERT DATA`` in one request, or for graphs too big for one request (Virtuoso refuses an
  ``INSERT DATA`` of a few thousand triples) chunks into a staging graph, then one request
  that drops the old graph, copies the staged triples into place and drops the staging graph.
  Staged triples wait with their predicates renamed (:func:`staged`), so queries over the
  union do not see them; a killed run's staging graphs are dropped by the next ingest.
  After a write the server's triple count of the graph is checked.

Both sinks answer the same questions (stored content keys, queries over the union of all
document graphs), so ingest and the CLI never ask which one they hold.

>>> from rdflib import Graph, Literal, URIRef
>>> g = Graph(identifier=URIRef("https://w3id.org/kgingest/doc/example"))
>>> _ = g.add((g.identifier, URIRef(KG + "contentKey"), Literal("k1")))
>>> with EmbeddedStore(None) as store:
...     store.replace_graph(str(g.identifier), g)
...     store.content_keys()
1
{'https://w3id.org/kgingest/doc/example': 'k1'}
"""
from __future__ import annotations

import errno
import hashlib
import http.client
import logging
import netrc
import os
import random
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

import pyoxigraph as ox
from rdflib import Graph

from .. import vocab
from ..defaults import DEFAULT_TIMEOUT
from ..rdf import ntriples as nt

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; RocksDB's own lock still stops a second writer
    fcntl = None  # type: ignore[assignment]

KG = vocab.KG
DEFAULT_STORE = "kgingest.store"
LOCK_NAME = "kgingest.lock"
STAGING = vocab.STAGING
STAGED = STAGING + "p/"      # + a predicate IRI: a staged triple's predicate (see staged())
STAGING_OF = STAGING + "of"  # <staging graph> STAGING_OF <document graph>: marks a staging graph

# The Oxigraph server's layout; other servers set their own (README.md, "SPARQL servers").
DEFAULT_QUERY_PATH = "/query"
DEFAULT_UPDATE_PATH = "/update"
DEFAULT_GSP_PATH = "/store"

RESULTS_JSON = "application/sparql-results+json"
GRAPH_ACCEPT = "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.5"
FALLBACK_STATUSES = frozenset({404, 405, 415, 501})  # "this server has no Graph Store endpoint here"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})  # worth another try; 501 and 505 are final

QueryResult = ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]

log = logging.getLogger(__name__)


class ServerError(OSError):
    """A SPARQL server answered with an error status (5xx only after the retries ran out)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def is_remote(target: str) -> bool:
    """An http(s) URL names a SPARQL server; anything else is an embedded store folder.

    >>> is_remote("http://127.0.0.1:7878"), is_remote("./kgingest.store")
    (True, False)
    """
    return target.lower().startswith(("http://", "https://"))


class UrlError(ValueError):
    """A server URL kgingest cannot use as given: a usage error, found before any request.

    The message shows the URL redacted (:func:`redact`) and says what is wrong without
    quoting it: a mistyped URL is where a password ends up in the wrong part.
    """


_HOST = re.compile(r"[A-Za-z0-9._~%!$&'()*+,;=-]+|\[[0-9A-Fa-f:.]+\]")  # a name, an IPv4 or an [IPv6]
_AUTHORITY = re.compile(rf"(?:{_HOST.pattern})(?::[0-9]{{1,5}})?")
_ENCODE = "a password holding #, / or ? must be percent-encoded (%23, %2F, %3F)"


def url_problem(url: str) -> str | None:
    """What makes an http(s) URL unusable for kgingest, or None; the answer quotes nothing of it.

    >>> url_problem("http://ann:S3cr3t#Pa55@db.example.org:8890")
    "it holds '#' (a password holding #, / or ? must be percent-encoded (%23, %2F, %3F))"
    >>> url_problem("http://ann:S3cr3t%23Pa55@db.example.org:8890/sparql") is None
    True
    """
    if any(ch <= " " or ch == "\x7f" for ch in url):
        return "it holds a space or a control character"
    if "#" in url:
        return f"it holds '#' ({_ENCODE})"
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return "it is not an http or https URL"
    if "@" in parts.path + parts.query:
        return f"it holds '@' after the host ({_ENCODE})"
    host = parts.netloc.rpartition("@")[2]
    if not host or not _AUTHORITY.fullmatch(host):
        return "it has no host[:port] after // (or the port is not a number)"
    try:
        parts.port
    except ValueError:
        return "its port is not a number from 0 to 65535"
    return None


def redact(url: str) -> str:
    """A URL without its user:password part, for messages and logs, by construction.

    A URL that does not parse (:func:`url_problem`) loses everything before its last "@"
    (where a password with an unescaped #, / or ? really ends), and a part after // that is
    not host[:port] becomes "…": nothing that may be a secret is ever shown.

    >>> redact("https://ann:secret@example.org:8890/sparql?x=1")
    'https://example.org:8890/sparql?x=1'
    >>> redact("http://ann:S3cr3t#Pa55@db.example.org:8890"), redact("http://ann:S3cr3t/x")
    ('http://db.example.org:8890', 'http://…/x')
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    if url_problem(url) is None:
        parts = urllib.parse.urlsplit(url)
        return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    rest = rest.rpartition("@")[2]
    end = next((i for i, ch in enumerate(rest) if ch in "/?#"), len(rest))
    authority = rest[:end] if _AUTHORITY.fullmatch(rest[:end]) else "…"
    return f"{scheme}://{authority}{rest[end:]}"


def check_url(url: str, what: str) -> str:
    """``url`` if kgingest can use it, else a UrlError naming ``what`` and the redacted URL."""
    problem = url_problem(url)
    if problem is not None:
        raise UrlError(f"the {what} {redact(url)} is not a usable URL: {problem}")
    return url


def url_credentials(url: str) -> tuple[str, str] | None:
    """The decoded user and password in a checked URL, or None."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return None
    return urllib.parse.unquote(parts.username or ""), urllib.parse.unquote(parts.password or "")


def sparql_string(value: str) -> str:
    """A SPARQL string literal.

    >>> print(sparql_string('say "hi"\\n'))
    "say \\"hi\\"\\n"
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


_iri = nt.iri
ntriples = nt.serialize  # the graph as N-Triples (kgingest.rdf.ntriples)


_BNODE_LINE = re.compile(r'^_:|\s_:[^\s"<>^@]+\s*\.\s*$')  # subject, or object (a literal ends in " or a tag)


def ntriples_lines(iri: str, text: str) -> list[str]:
    """The lines of an N-Triples text, each ending in a newline; blank nodes refused.

    Split on "\\n" only: literals may hold U+2028 and other characters ``str.splitlines``
    breaks at. A blank node can only be a subject (line start) or an object (line end).

    >>> ntriples_lines("urn:g", '<urn:a> <urn:b> "x\\u2028y" .\\n')
    ['<urn:a> <urn:b> "x\\u2028y" .\\n']
    """
    lines = [line + "\n" for line in text.split("\n") if line.strip()]
    for line in lines:
        if "_:" in line and _BNODE_LINE.search(line):
            raise ValueError(f"graph {iri} has blank nodes; document graphs must use IRIs only")
    return lines


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: what the query returns, read without a full parser.

    >>> query_form('PREFIX ex: <http://ex.org/select#> # ASK?\\nconstruct { ?s ?p "select" } WHERE {}')
    'CONSTRUCT'
    """
    text = re.sub(r"<[^<>\"{}|^`\\\s]*>|\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'",
                  " ", sparql)
    text = re.sub(r"#[^\n]*", " ", text)
    match = re.search(r"(?<![\w?$:])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:])", text, re.IGNORECASE)
    if not match:
        raise SyntaxError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    return match.group(1).upper()


CONTENT_KEYS = f"""PREFIX kg: <{KG}>
SELECT ?g ?key WHERE {{ GRAPH ?g {{ ?g kg:contentKey ?key }} }} ORDER BY ?g"""


def _count_query(iri: str) -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(iri)} {{ ?s ?p ?o }} }}"


def _find_query(values: Iterable[str]) -> str:
    """Graphs named by identity only: a page's canonical URL (``dcterms:source``) is a claim
    the page makes, and another document may have that URL as its id."""
    listed = ", ".join(sparql_string(v) for v in values)
    return f"""PREFIX kg: <{KG}>
PREFIX dcterms: <{vocab.DCTERMS}>
SELECT DISTINCT ?g WHERE {{
  GRAPH ?g {{ ?g a kg:Document OPTIONAL {{ ?g dcterms:identifier ?id }} }}
  FILTER(STR(?g) IN ({listed}) || STR(?id) IN ({listed}))
}} ORDER BY ?g"""


def _solutions(result: object) -> Iterator[ox.QuerySolution]:
    """The rows of a SELECT result (the queries kgingest sends itself are all SELECTs)."""
    if not isinstance(result, ox.QuerySolutions):
        raise ServerError(f"expected SELECT results, got {type(result).__name__}")
    return iter(result)


class Sink(Protocol):
    """What ingest, delete and query need from a store, embedded or remote."""

    location: str

    def content_keys(self) -> dict[str, str]: ...
    def replace_graph(self, iri: str, graph: Graph) -> int: ...
    def replace_ntriples(self, iri: str, text: str) -> int: ...
    def drop_graph(self, iri: str) -> bool: ...
    def drop_staging(self) -> int: ...
    def find_graphs(self, values: Iterable[str]) -> list[str]: ...
    def triple_count(self, iri: str) -> int: ...
    def query(self, sparql: str) -> QueryResult: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...


# --- embedded store --------------------------------------------------------------------


class StoreLocked(BlockingIOError):
    """Another run holds the store. Prints as its message alone, without "[Errno 11]"."""

    def __str__(self) -> str:
        return str(self.strerror)


def _holder(text: str) -> str:
    """Who holds a lock, from the pid its holder wrote into the lock file.

    A holder that has ended can only still hold the lock through a process that inherited
    the lock's descriptor and outlived it (kgingest's own workers never do: see
    :func:`_forget_in_child`).
    """
    if not text.isdigit():
        return "pid unknown"
    try:
        os.kill(int(text), 0)
    except ProcessLookupError:
        return f"pid {text}, which has ended; a process it started still holds the lock"
    except PermissionError:  # alive, another user's
        pass
    return f"pid {text}"


class _StoreLock:
    """An advisory lock beside the data: exclusive for writers, shared for readers, never waits.

    flock locks die with the last descriptor of their open file. The process that took the
    lock holds one; a child it forks would inherit another and keep the store locked after
    its parent ended (a killed ``-j`` run), so forked children close theirs at once.
    """

    def __init__(self, folder: Path, *, exclusive: bool):
        self._fd: int | None = None
        if fcntl is None:
            return
        path = folder / LOCK_NAME
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644) if exclusive else os.open(path, os.O_RDONLY)
        except FileNotFoundError:  # a reader of a store no kgingest run ever wrote to
            return
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(os.pread(fd, 32, 0).decode("ascii", "replace").strip())
            os.close(fd)
            doing = "used" if exclusive else "written"
            raise StoreLocked(
                errno.EWOULDBLOCK,
                f"the store {folder} is being {doing} by another kgingest run ({holder}); "
                "this run stops instead of waiting: try again when that one has finished",
            ) from None
        if exclusive:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd
        _HELD.add(self)

    def release(self) -> None:
        _HELD.discard(self)
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None


_HELD: set[_StoreLock] = set()  # the locks this process holds


def _forget_in_child() -> None:
    """After a fork, in the child: close the inherited lock descriptors. Closing, not
    unlocking: the lock stays the parent's, and ends with the parent alone."""
    for lock in _HELD:
        if lock._fd is not None:
            os.close(lock._fd)
            lock._fd = None
    _HELD.clear()


if hasattr(os, "register_at_fork"):  # every os.fork, multiprocessing's included (not Windows)
    os.register_at_fork(after_in_child=_forget_in_child)


class EmbeddedStore:
    """A pyoxigraph (RocksDB) store in a folder; ``None`` gives an in-memory one (tests, doctests).

    Writers hold an exclusive lock for their whole run; ``read_only=True`` opens a snapshot
    under a shared lock, so queries never see a half-finished run's store.
    """

    def __init__(self, path: str | os.PathLike[str] | None, *, read_only: bool = False):
        self.location = str(path) if path is not None else "<memory>"
        self._lock: _StoreLock | None = None
        self._written = False       # flush on close: see close()
        if path is None:
            self._store = ox.Store()
            return
        folder = Path(path)
        if read_only and not folder.is_dir():
            raise FileNotFoundError(f"no store at {folder}: ingest something first, or pass --store")
        if not read_only:
            folder.mkdir(parents=True, exist_ok=True)
        self._lock = _StoreLock(folder, exclusive=not read_only)
        try:
            self._store = ox.Store.read_only(str(folder)) if read_only else ox.Store(str(folder))
        except OSError as err:
            self._lock.release()
            raise OSError(f"cannot open the store {folder}: {err}") from None

    def content_keys(self) -> dict[str, str]:
        """Every stored document graph and its ``kg:contentKey``."""
        return {row["g"].value: row["key"].value for row in _solutions(self._store.query(CONTENT_KEYS))}

    def replace_graph(self, iri: str, graph: Graph) -> int:
        """Replace the named graph ``iri`` by ``graph`` in one transaction; the triple count."""
        return self.replace_ntriples(iri, ntriples(graph))

    def replace_ntriples(self, iri: str, text: str) -> int:
        """Replace the named graph ``iri`` by the N-Triples ``text`` in one transaction.

        Only the difference is written (``DELETE DATA`` + ``INSERT DATA`` in one update): a
        re-extracted document mostly repeats its old triples, and RocksDB deletes are not free.
        Under the writer's lock nothing else changes the graph between the read and the update.
        """
        name = _iri(iri)
        new = set(ntriples_lines(iri, text))
        old = {f"{q.subject} {q.predicate} {q.object} .\n"
               for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(iri))}
        gone, added = "".join(old - new), "".join(new - old)
        self._written = True
        try:
            if old:
                self._store.update(f"DELETE DATA {{ GRAPH {name} {{\n{gone}}} }} ;\n"
                                   f"INSERT DATA {{ GRAPH {name} {{\n{added}}} }}")
            else:  # a new graph: the N-Triples loader is faster than the SPARQL parser, and as atomic
                self._store.load(added, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))
        except SyntaxError as err:
            raise ValueError(f"graph {iri} cannot be stored: {err}") from None
        return len(new)

    def drop_graph(self, iri: str) -> bool:
        """Remove the named graph ``iri``; False when there was none."""
        node = ox.NamedNode(iri)
        if not self._store.contains_named_graph(node):
            return False
        self._written = True
        self._store.remove_graph(node)
        return True

    def drop_staging(self) -> int:
        """Nothing to do: an embedded write is one transaction, never staged."""
        return 0

    def find_graphs(self, values: Iterable[str]) -> list[str]:
        """Document graphs whose IRI or ``dcterms:identifier`` (the document's identity) is one of ``values``."""
        return [row["g"].value for row in _solutions(self._store.query(_find_query(values)))]

    def triple_count(self, iri: str) -> int:
        return int(next(_solutions(self._store.query(_count_query(iri))))["n"].value)

    def query(self, sparql: str) -> QueryResult:
        """Run a SPARQL query; the default graph is the union of all document graphs."""
        result = self._store.query(sparql, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            return list(result)
        return result

    def close(self) -> None:
        """Release the store. A run that wrote flushes first: otherwise its writes stay in
        RocksDB's write-ahead log, which every later open replays (seconds, growing with the
        store, instead of milliseconds)."""
        if self._written:
            self._store.flush()
            self._written = False
        if self._lock is not None:
            self._store = None  # type: ignore[assignment]  # drop RocksDB's handle before the lock
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


# --- HTTP: credentials, retries --------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """A user and password (basic or digest auth, as the server asks) or a bearer token.

    ``source`` says where they came from, for error messages; the secrets never appear in
    ``repr`` or in any message.
    """

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    source: str = ""


def find_credentials(url: str, environ: Mapping[str, str] | None = None,
                     netrc_file: str | None = None) -> Credentials | None:
    """Credentials for a server: from the URL, the environment, or a netrc entry for its host.

    Order: ``user:password@`` in the URL; ``KGINGEST_STORE_TOKEN``; ``KGINGEST_STORE_USER`` +
    ``KGINGEST_STORE_PASSWORD``; the netrc file (``$NETRC`` or ``~/.netrc``).

    >>> find_credentials("http://127.0.0.1:7878", {"KGINGEST_STORE_USER": "ann", "KGINGEST_STORE_PASSWORD": "pw"})
    Credentials(user='ann', source='KGINGEST_STORE_USER/KGINGEST_STORE_PASSWORD')
    """
    env = os.environ if environ is None else environ
    parts = urllib.parse.urlsplit(check_url(url, "store URL"))
    in_url = url_credentials(url)
    if in_url is not None:
        return Credentials(*in_url, source="the store URL")
    if env.get("KGINGEST_STORE_TOKEN"):
        return Credentials(token=env["KGINGEST_STORE_TOKEN"], source="KGINGEST_STORE_TOKEN")
    if env.get("KGINGEST_STORE_USER"):
        return Credentials(env["KGINGEST_STORE_USER"], env.get("KGINGEST_STORE_PASSWORD", ""),
                           source="KGINGEST_STORE_USER/KGINGEST_STORE_PASSWORD")
    path = netrc_file or env.get("NETRC") or str(Path.home() / ".netrc")
    try:
        entry = netrc.netrc(path).authenticators(parts.hostname or "")
    except FileNotFoundError:
        return None
    except netrc.NetrcParseError as err:  # its message quotes the token it choked on: maybe a password
        raise ValueError(f"cannot read {path}: not valid netrc syntax (near line {err.lineno})") from None
    if entry is None:
        return None
    login, _account, password = entry
    return Credentials(login, password, source=path)


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only on the same host, so credentials never travel elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urllib.parse.urlsplit(newurl).netloc != urllib.parse.urlsplit(req.full_url).netloc:
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _retry_after(value: str | None) -> float:
    """A server's Retry-After in seconds (capped at a minute); 0 when absent or a date."""
    try:
        return min(max(float(value), 0.0), 60.0) if value else 0.0
    except ValueError:
        return 0.0


@dataclass(frozen=True)
class Response:
    """A successful answer, read whole (results and graphs are small next to a request's cost)."""

    status: int
    content_type: str
    body: bytes


def _read(response: http.client.HTTPResponse, end: float) -> bytes:
    """The body, given up (TimeoutError) when the deadline passes while a server trickles it."""
    chunks = []
    while chunk := response.read1(1 << 16):
        chunks.append(chunk)
        if time.monotonic() > end:
            raise TimeoutError("timed out while reading the answer")
    return b"".join(chunks)


def _detail(err: urllib.error.HTTPError) -> str:
    """The first lines of an error body: servers echo whole updates, which can be megabytes."""
    try:
        text = err.read(2000).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        text = ""
    finally:
        err.close()
    lines = [line.strip() for line in text.splitlines() if line.strip()][:2]
    snippet = " ".join(lines)
    return f"{err.code} {err.reason}" + (f": {snippet[:300]}" if snippet else "")


class HttpClient:
    """urllib with auth (basic, digest or bearer), retries with backoff, and clean errors.

    Retried: connection errors, timeouts, 429 and 5xx answers (not 501/505, which will not
    change), with exponential backoff and jitter, honouring Retry-After. Every request
    kgingest sends is safe to repeat (PUT, DROP + INSERT DATA, queries). A request and its
    retries end within ``timeout`` seconds; so do all the requests made inside
    :meth:`deadline` (one document's write).
    """

    def __init__(self, credentials: Credentials | None = None, *, urls: Iterable[str] = (),
                 timeout: float = DEFAULT_TIMEOUT, retries: int = 4, backoff: float = 0.5,
                 sleep: Callable[[float], None] = time.sleep):
        self.credentials = credentials
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._deadline: float | None = None
        handlers: list[urllib.request.BaseHandler] = [_SameHostRedirects()]
        if credentials is not None and credentials.token is None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            origins = [urllib.parse.urlsplit(redact(u))._replace(path="/", query="", fragment="").geturl()
                       for u in urls]
            passwords.add_password(None, origins, credentials.user or "", credentials.password or "")
            # Answer the server's challenge (digest for Virtuoso, basic elsewhere): never
            # volunteer a basic password to a server that did not ask for it.
            handlers += [urllib.request.HTTPDigestAuthHandler(passwords),
                         urllib.request.HTTPBasicAuthHandler(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    def request(self, method: str, url: str, *, body: bytes | None = None, content_type: str | None = None,
                accept: str | None = None) -> Response:
        """One request, retried on connection errors, timeouts and transient statuses."""
        headers = {"User-Agent": "kgingest"}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        if self.credentials is not None and self.credentials.token is not None:
            headers["Authorization"] = f"Bearer {self.credentials.token}"
        target = redact(url)
        end = self._deadline if self._deadline is not None else time.monotonic() + self.timeout
        for attempt in range(self.retries + 1):
            status: int | None = None
            wait: float | None
            try:
                request = urllib.request.Request(target, data=body, method=method, headers=headers)
                with self._opener.open(request, timeout=max(end - time.monotonic(), 0.001)) as response:
                    return Response(response.status, response.headers.get_content_type(), _read(response, end))
            except urllib.error.HTTPError as err:
                detail = _detail(err)
                if err.code in (401, 403):
                    raise self._auth_error(method, target, detail) from None
                status, problem = err.code, f"HTTP {detail}"
                wait = _retry_after(err.headers.get("Retry-After")) if err.code in RETRY_STATUSES else None
            except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
                reason = (err.reason if isinstance(err, urllib.error.URLError) else err) or type(err).__name__
                problem, wait = str(reason), 0.0
            delay = None if wait is None else max(wait, self.backoff * 2 ** attempt * (1 + random.random() / 4))
            if delay is None or attempt == self.retries or time.monotonic() + delay >= end:
                raise self._final_error(method, target, problem, status, attempt + 1,
                                        out_of_time=delay is not None and attempt < self.retries)
            log.warning("%s %s: %s; retrying in %.1f s", method, target, problem, delay)
            self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _final_error(self, method: str, target: str, problem: str, status: int | None, attempts: int, *,
                     out_of_time: bool) -> OSError:
        """ServerError for an HTTP status, ConnectionError for no answer (which stops a run)."""
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        if out_of_time:
            tries += f" within the --timeout of {self.timeout:g} s"
        message = f"{method} {target}: {problem}" + (f" (after {tries})" if attempts > 1 or out_of_time else "")
        if status is not None:
            return ServerError(message, status)
        return ConnectionError(message)

    @contextmanager
    def deadline(self) -> Iterator[None]:
        """Every request inside shares one deadline, ``timeout`` seconds from now (an outer one holds)."""
        if self._deadline is not None:
            yield
            return
        self._deadline = time.monotonic() + self.timeout
        try:
            yield
        finally:
            self._deadline = None

    def _auth_error(self, method: str, url: str, detail: str) -> PermissionError:
        if self.credentials is None:
            return PermissionError(
                f"{method} {url}: HTTP {detail}; the server wants credentials: set KGINGEST_STORE_USER and "
                "KGINGEST_STORE_PASSWORD, or KGINGEST_STORE_TOKEN, or add a netrc entry for its host")
        return PermissionError(f"{method} {url}: HTTP {detail}; the server refused the credentials from "
                               f"{self.credentials.source}")


# --- SPARQL 1.1 servers ----------------------------------------------------------------


def _join(base: str, endpoint: str) -> str:
    """An endpoint: absolute, or a path appended to the server's base URL.

    >>> _join("http://h:3030/ds", "/query"), _join("http://h:8890/", "sparql-auth")
    ('http://h:3030/ds/query', 'http://h:8890/sparql-auth')
    """
    if is_remote(endpoint):
        return redact(endpoint)  # credentials travel in Credentials, never in a URL kgingest holds
    return redact(base).rstrip("/") + "/" + endpoint.lstrip("/")


@dataclass(frozen=True)
class Endpoints:
    """Where a server takes queries, updates and Graph Store requests (None: no GSP, use Update).

    A Graph Store URL may hold ``{graph}`` for the encoded graph IRI; otherwise ``graph=``
    is added as a parameter, as the protocol says.

    >>> Endpoints.of("http://127.0.0.1:8890", query="/sparql", update="/sparql-auth",
    ...              graph_store="/sparql-graph-crud-auth").graph_url("urn:x:1")
    'http://127.0.0.1:8890/sparql-graph-crud-auth?graph=urn%3Ax%3A1'
    """

    query: str
    update: str
    graph_store: str | None

    @classmethod
    def of(cls, base: str, *, query: str | None = None, update: str | None = None,
           graph_store: str | None = None) -> Endpoints:
        """Endpoints of the server at ``base``; unset ones follow the Oxigraph server's layout.

        ``graph_store="none"`` (or "") says the server has no Graph Store endpoint.
        """
        gsp = DEFAULT_GSP_PATH if graph_store is None else graph_store
        return cls(
            query=_join(base, query or DEFAULT_QUERY_PATH),
            update=_join(base, update or DEFAULT_UPDATE_PATH),
            graph_store=None if gsp.strip().lower() in ("", "none") else _join(base, gsp),
        )

    def graph_url(self, iri: str) -> str:
        if self.graph_store is None:
            raise ValueError("this server has no Graph Store endpoint")
        encoded = urllib.parse.quote(iri, safe="")
        if "{graph}" in self.graph_store:
            return self.graph_store.replace("{graph}", encoded)
        separator = "&" if "?" in self.graph_store else "?"
        return f"{self.graph_store}{separator}graph={encoded}"


def staging_iri(iri: str) -> str:
    """Where a graph too big for one update request is assembled before its one-step copy."""
    return STAGING + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:24]


def staged(line: str) -> str:
    """An N-Triples line as it waits in a staging graph: its predicate behind :data:`STAGED`, so
    that no query pattern with a real predicate sees a half-written graph in the union.

    >>> staged('<urn:s> <http://www.w3.org/2000/01/rdf-schema#label> "a> b" .\\n')
    '<urn:s> <https://w3id.org/kgingest/staging/p/http://www.w3.org/2000/01/rdf-schema#label> "a> b" .\\n'
    """
    at = line.index("> <") + 3  # the subject is an IRI (blank nodes are refused), and IRIs hold no "> "
    return line[:at] + STAGED + line[at:]


class SparqlServer:
    """A SPARQL 1.1 server reached over HTTP (Oxigraph, Virtuoso, Fuseki, GraphDB, ...).

    ``union_param`` is sent with each query so the default graph is the union of all graphs
    (the Oxigraph server's ``union-default-graph``); servers that do that anyway, such as
    Virtuoso, ignore it.
    """

    def __init__(self, endpoints: Endpoints, *, credentials: Credentials | None = None,
                 timeout: float = DEFAULT_TIMEOUT, retries: int = 4, backoff: float = 0.5, chunk_size: int = 1000,
                 union_param: str | None = "union-default-graph", page_size: int = 5000,
                 sleep: Callable[[float], None] = time.sleep):
        self.endpoints = endpoints
        self.location = redact(endpoints.query)
        self.chunk_size = chunk_size
        self.union_param = union_param
        self.page_size = page_size
        self.use_graph_store = endpoints.graph_store is not None
        self.notes: list[str] = []
        urls = [endpoints.query, endpoints.update] + ([endpoints.graph_store] if endpoints.graph_store else [])
        self._http = HttpClient(credentials, urls=urls, timeout=timeout, retries=retries, backoff=backoff,
                                sleep=sleep)

    # writes

    def replace_graph(self, iri: str, graph: Graph) -> int:
        """Replace the named graph ``iri`` by ``graph`` atomically, then check the server's count."""
        return self.replace_ntriples(iri, ntriples(graph))

    def replace_ntriples(self, iri: str, text: str) -> int:
        """Replace the named graph ``iri`` by the N-Triples ``text`` atomically, then check the count;
        all of it within the client's timeout (a document's deadline)."""
        with self._http.deadline():
            return self._replace(iri, text)

    def _replace(self, iri: str, text: str) -> int:
        lines = ntriples_lines(iri, text)
        expected = len(set(lines))
        if self.use_graph_store:
            try:
                self._http.request("PUT", self.endpoints.graph_url(iri), body="".join(lines).encode("utf-8"),
                                   content_type="text/turtle; charset=utf-8")
            except ServerError as err:
                if err.status not in FALLBACK_STATUSES:
                    raise
                self.use_graph_store = False
                self.notes.append(f"{redact(self.endpoints.graph_store or '')} refused a Graph Store PUT "
                                  f"(HTTP {err.status}); writing with SPARQL Update instead")
        if not self.use_graph_store:
            self._update_replace(iri, lines)
        stored = self.triple_count(iri)
        if stored != expected:
            # Drop the key so the next run sees the document as changed and writes it again.
            name = _iri(iri)
            self.update(f"PREFIX kg: <{KG}>\nDELETE WHERE {{ GRAPH {name} {{ {name} kg:contentKey ?key }} }}")
            raise ServerError(f"graph {iri}: the server holds {stored} triples after the write, {expected} were sent")
        return expected

    def _update_replace(self, iri: str, lines: list[str]) -> None:
        name = _iri(iri)
        if len(lines) <= self.chunk_size:
            self.update(f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{''.join(lines)}}} }}")
            return
        stage = _iri(staging_iri(iri))
        self.update(f"DROP SILENT GRAPH {stage}")
        marker = f"{stage} <{STAGING_OF}> {name} .\n"  # what drop_staging finds a killed run's graph by
        for start in range(0, len(lines), self.chunk_size):
            chunk = "".join(staged(line) for line in lines[start:start + self.chunk_size])
            self.update(f"INSERT DATA {{ GRAPH {stage} {{\n{marker if start == 0 else ''}{chunk}}} }}")
        self.update(f"DROP SILENT GRAPH {name} ;\n"
                    f"INSERT {{ GRAPH {name} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {stage} {{ ?s ?q ?o }}\n"
                    f"  FILTER(STRSTARTS(STR(?q), {sparql_string(STAGED)})) BIND(IRI(STRAFTER(STR(?q), "
                    f"{sparql_string(STAGED)})) AS ?p) }} ;\nDROP SILENT GRAPH {stage}")

    def drop_staging(self) -> int:
        """Drop the staging graphs a killed run left (found by their marker); how many.

        Not safe while another run writes to the same server in Update-only mode: its write
        would then fail the count check, and the next run write the document again.
        """
        rows = self._select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g <{STAGING_OF}> ?doc }} }}")
        graphs = sorted(row["g"].value for row in rows)
        for graph in graphs:
            self.update(f"DROP SILENT GRAPH {_iri(graph)}")
        if graphs:
            self.notes.append(f"removed {len(graphs)} staging graph{'s' if len(graphs) > 1 else ''} "
                              "left by a run that did not finish")
        return len(graphs)

    def drop_graph(self, iri: str) -> bool:
        """Remove the named graph ``iri``; False when there was none."""
        with self._http.deadline():
            if self.triple_count(iri) == 0:
                return False
            self.update(f"DROP SILENT GRAPH {_iri(iri)}")
            return True

    def update(self, sparql: str) -> None:
        """Send one SPARQL 1.1 Update request."""
        self._http.request("POST", self.endpoints.update, body=sparql.encode("utf-8"),
                           content_type="application/sparql-update; charset=utf-8")

    # reads

    def content_keys(self) -> dict[str, str]:
        """Every stored document graph and its ``kg:contentKey``, read in pages.

        Paging keeps this right on servers that cap result rows (Virtuoso: 10,000 by default).
        """
        keys: dict[str, str] = {}
        offset = 0
        while True:
            page = list(self._select(f"{CONTENT_KEYS} LIMIT {self.page_size} OFFSET {offset}"))
            keys.update((row["g"].value, row["key"].value) for row in page)
            if len(page) < self.page_size:
                return keys
            offset += self.page_size

    def find_graphs(self, values: Iterable[str]) -> list[str]:
        """Document graphs whose IRI or ``dcterms:identifier`` (the document's identity) is one of ``values``."""
        return [row["g"].value for row in self._select(_find_query(values))]

    def triple_count(self, iri: str) -> int:
        return int(next(iter(self._select(_count_query(iri))))["n"].value)

    def _select(self, sparql: str) -> Iterator[ox.QuerySolution]:
        return _solutions(self.query(sparql))

    def query(self, sparql: str) -> QueryResult:
        """Run a SPARQL query on the server; results parsed as the embedded store returns them."""
        form = query_form(sparql)
        fields = {"query": sparql}
        if self.union_param:
            fields[self.union_param] = ""
        try:
            response = self._http.request(
                "POST", self.endpoints.query, body=urllib.parse.urlencode(fields).encode("ascii"),
                content_type="application/x-www-form-urlencoded",
                accept=RESULTS_JSON if form in ("SELECT", "ASK") else GRAPH_ACCEPT)
        except ServerError as err:
            if err.status == 400:
                raise SyntaxError(f"{self.location} rejected the query: {err}") from None
            raise
        try:
            if form in ("SELECT", "ASK"):
                fmt = ox.QueryResultsFormat.from_media_type(response.content_type)
                if fmt is None:
                    raise ServerError(f"{self.location} answered a {form} query with {response.content_type}")
                return ox.parse_query_results(response.body, format=fmt)
            rdf = ox.RdfFormat.from_media_type(response.content_type)
            if rdf is None:
                raise ServerError(f"{self.location} answered a {form} query with {response.content_type}")
            return [quad.triple for quad in ox.parse(response.body, format=rdf)]
        except SyntaxError as err:
            raise ServerError(f"{self.location} sent unreadable {form} results: {err}") from None

    def close(self) -> None:
        """Nothing to release: every request has its own connection."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _url_credentials(target: str, endpoints: Mapping[str, str | None]) -> Credentials | None:
    """Check every URL of a server before any request (UrlError), and take the credentials
    written into them: in the store URL or in an endpoint URL, the same wherever given."""
    urls = {"store URL": check_url(target, "store URL")}
    for what, endpoint in endpoints.items():
        if endpoint and is_remote(endpoint):
            urls[what] = check_url(endpoint, what)
        elif endpoint and (problem := url_problem("http://h/" + endpoint.lstrip("/"))) is not None:
            raise UrlError(f"the {what} is not a usable path: {problem}")
    found = {what: pair for what, url in urls.items() if (pair := url_credentials(url)) is not None}
    if len(set(found.values())) > 1:
        raise UrlError(f"the {' and the '.join(found)} hold different credentials: give them once")
    if not found:
        return None
    what, (user, password) = next(iter(found.items()))
    return Credentials(user, password, source=f"the {what}")


def open_store(target: str | None = None, *, read_only: bool = False, query: str | None = None,
               update: str | None = None, graph_store: str | None = None,
               credentials: Credentials | None = None, timeout: float = DEFAULT_TIMEOUT, retries: int = 4,
               backoff: float = 0.5, chunk_size: int = 1000) -> Sink:
    """The sink for a target: an http(s) URL is a SPARQL server, anything else a store folder.

    ``None`` means ``$KGINGEST_STORE``, else ``./kgingest.store``. Credentials for a server
    default to :func:`find_credentials`; the other options only concern servers. Use the
    sink as a context manager.
    """
    target = target or os.environ.get("KGINGEST_STORE") or DEFAULT_STORE
    if not is_remote(target):
        return EmbeddedStore(target, read_only=read_only)
    if credentials is None:
        credentials = _url_credentials(target, {"query endpoint": query, "update endpoint": update,
                                                "Graph Store endpoint": graph_store}) or find_credentials(target)
    endpoints = Endpoints.of(target, query=query, update=update, graph_store=graph_store)
    return SparqlServer(endpoints, credentials=credentials, timeout=timeout, retries=retries, backoff=backoff,
                        chunk_size=chunk_size)

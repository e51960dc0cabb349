"""The store layer without spaCy or real servers: embedded store, HTTP sink against a fake
server on loopback, credentials, locking, ingest bookkeeping, result formatting.

Graphs here are built by hand (IRIs only, as the emitter writes them). The same scenarios
against the real pipeline and real servers are in test_store_servers.py.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
from base64 import b64encode
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef

from conftest import KUDLOW_EVIDENCE
from kgingest.ingest import Summary, delete, ingest, lookup_values
from kgingest.isolation import DocumentError
from kgingest.pipeline import Extractor, Rendered, Result
from kgingest.store.query_format import declared_prefixes, display_prefixes, show, write_results
from kgingest.sources import Document, InputError, RawDocument
from kgingest.store import (
    KG,
    Credentials,
    EmbeddedStore,
    Endpoints,
    ServerError,
    SparqlServer,
    find_credentials,
    ntriples,
    open_store,
    query_form,
    redact,
    staging_iri,
)

DOC = "https://w3id.org/kgingest/doc/"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
DCTERMS = "http://purl.org/dc/terms/"
ROOT = Path(__file__).resolve().parents[1]
KGINGEST = [sys.executable, "-c", "from kgingest.cli import main; main()"]


def doc_graph(name: str, key: str = "k1", sentences: int = 3, extra: str = "") -> Graph:
    """A small document graph shaped like the emitter's: IRIs only, a content key."""
    d = URIRef(DOC + name)
    g = Graph(identifier=d)
    g.add((d, RDF.type, URIRef(KG + "Document")))
    g.add((d, URIRef(DCTERMS + "identifier"), Literal(f"id-{name}")))
    g.add((d, URIRef(DCTERMS + "source"), Literal(f"file:///news/{name}.txt")))
    g.add((d, URIRef(KG + "contentKey"), Literal(key)))
    for i in range(sentences):
        s = URIRef(f"{d}#char={i * 10},{i * 10 + 9}")
        g.add((s, URIRef(NIF + "anchorOf"), Literal(f'Sentence {i} of {name} "quoted"\n{extra}')))
        g.add((s, URIRef(NIF + "beginIndex"), Literal(i * 10)))
    return g


def select(store: EmbeddedStore, sparql: str) -> list[ox.QuerySolution]:
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


def quads(store: EmbeddedStore, name: str) -> set[str]:
    return {str(row["s"]) + str(row["p"]) + str(row["o"])
            for row in select(store, f"SELECT * WHERE {{ GRAPH <{DOC + name}> {{ ?s ?p ?o }} }}")}


# --- embedded store --------------------------------------------------------------------


def test_replace_is_idempotent_and_touches_only_its_graph(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s") as store:
        assert store.replace_graph(DOC + "a", doc_graph("a")) == 10
        store.replace_graph(DOC + "b", doc_graph("b"))
        before_a, before_b = quads(store, "a"), quads(store, "b")
        store.replace_graph(DOC + "a", doc_graph("a"))
        assert quads(store, "a") == before_a
        store.replace_graph(DOC + "a", doc_graph("a", key="k2", sentences=1))
        assert store.triple_count(DOC + "a") == 6
        assert quads(store, "b") == before_b
        assert store.content_keys() == {DOC + "a": "k2", DOC + "b": "k1"}


def test_drop_removes_only_that_graph(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graph(DOC + "a", doc_graph("a"))
        store.replace_graph(DOC + "b", doc_graph("b"))
        before_b = quads(store, "b")
        assert store.drop_graph(DOC + "a") is True
        assert store.drop_graph(DOC + "a") is False
        assert store.triple_count(DOC + "a") == 0
        assert quads(store, "b") == before_b


def test_store_survives_reopening(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graph(DOC + "a", doc_graph("a"))
    with EmbeddedStore(tmp_path / "s", read_only=True) as store:
        assert store.content_keys() == {DOC + "a": "k1"}


def _table_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.glob("*.sst"))


@pytest.mark.parametrize("write", ["replace", "drop"])
def test_a_write_run_ends_with_its_writes_in_tables_not_the_log(tmp_path: Path, write: str) -> None:
    """Writes left in RocksDB's write-ahead log are replayed by every later open; closing a
    store that wrote flushes them into table files. 2,000 triples are far more than the
    empty store's table files hold."""
    lines = "".join(f"<{DOC}s{i}> <{KG}n> \"{i}\" .\n" for i in range(2000))
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_ntriples(DOC + "a", lines)
        store.replace_ntriples(DOC + "b", lines)
    assert _table_bytes(tmp_path / "s") > 50_000
    tables = {p.name for p in (tmp_path / "s").glob("*.sst")}
    with EmbeddedStore(tmp_path / "s") as store:
        if write == "replace":
            store.replace_ntriples(DOC + "c", lines)
        else:
            store.drop_graph(DOC + "a")
    # a flush writes a new table file (compaction may then shrink the total, so no sizes here)
    assert {p.name for p in (tmp_path / "s").glob("*.sst")} - tables


def test_a_read_only_run_writes_nothing(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graph(DOC + "a", doc_graph("a"))
    files = sorted(p.name for p in (tmp_path / "s").iterdir())
    with EmbeddedStore(tmp_path / "s", read_only=True) as store:
        assert store.content_keys() == {DOC + "a": "k1"}
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == files


@pytest.mark.parametrize("iri, error", [("not an iri", "not a valid IRI"), ("relative/iri", "cannot be stored")])
def test_failed_replace_keeps_the_old_graph(tmp_path: Path, iri: str, error: str) -> None:
    bad = doc_graph("a", key="k2")
    bad.add((URIRef(DOC + "a"), URIRef(KG + "x"), URIRef(iri)))
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graph(DOC + "a", doc_graph("a"))
        before = quads(store, "a")
        with pytest.raises(ValueError, match=error):
            store.replace_graph(DOC + "a", bad)
        assert quads(store, "a") == before


def test_a_new_graph_that_fails_leaves_nothing(tmp_path: Path) -> None:
    bad = doc_graph("a")
    bad.add((URIRef(DOC + "a"), URIRef(KG + "x"), URIRef("relative/iri")))
    with EmbeddedStore(tmp_path / "s") as store:
        with pytest.raises(ValueError, match="cannot be stored"):
            store.replace_graph(DOC + "a", bad)
        assert store.triple_count(DOC + "a") == 0 and store.content_keys() == {}


def test_blank_nodes_are_refused() -> None:
    g = doc_graph("a")
    g.add((BNode(), URIRef(KG + "x"), Literal(1)))
    with pytest.raises(ValueError, match="blank nodes"):
        ntriples(g)


@pytest.mark.parametrize("line, blank", [
    ("_:b0 <urn:p> <urn:o> .", True),
    ("<urn:s> <urn:p> _:b1 .", True),
    ('<urn:s> <urn:p> "ends with _:x" .', False),
    ('<urn:s> <urn:p> "ends with _:x"@en .', False),
    ('<urn:s> <urn:p> "_:x"^^<urn:t> .', False),
])
def test_blank_nodes_in_ntriples_text_are_refused(line: str, blank: bool) -> None:
    if blank:
        with pytest.raises(ValueError, match="blank nodes"):
            EmbeddedStore(None).replace_ntriples(DOC + "a", line + "\n")
    else:
        assert EmbeddedStore(None).replace_ntriples(DOC + "a", line + "\n") == 1


def test_literals_with_line_separators_survive() -> None:
    g = doc_graph("a", extra="para\u2028graph\u0085end\x0c")
    with EmbeddedStore(None) as store:
        assert store.replace_graph(DOC + "a", g) == len(g)
        assert store.replace_graph(DOC + "a", g) == len(g)
        assert store.triple_count(DOC + "a") == len(g)


def test_find_graphs_by_iri_or_identifier_never_by_source() -> None:
    with EmbeddedStore(None) as store:
        store.replace_graph(DOC + "a", doc_graph("a"))
        store.replace_graph(DOC + "b", doc_graph("b"))
        assert store.find_graphs(["id-a"]) == [DOC + "a"]
        assert store.find_graphs(["file:///news/b.txt"]) == []  # b's dcterms:source: a claim, not its identity
        assert store.find_graphs([DOC + "a", "nothing"]) == [DOC + "a"]
        assert store.find_graphs(['"; DROP ALL ; "']) == []


def test_query_sees_the_union_of_document_graphs() -> None:
    with EmbeddedStore(None) as store:
        store.replace_graph(DOC + "a", doc_graph("a"))
        store.replace_graph(DOC + "b", doc_graph("b"))
        rows = select(store, f"SELECT ?d WHERE {{ ?d a <{KG}Document> }} ORDER BY ?d")
        assert [r["d"].value for r in rows] == [DOC + "a", DOC + "b"]
        assert bool(store.query(f"ASK {{ <{DOC}a> a <{KG}Document> }}"))
        triples = store.query(f"CONSTRUCT {{ ?d a <{KG}Document> }} WHERE {{ ?d a <{KG}Document> }}")
        assert isinstance(triples, list) and len(triples) == 2
        with pytest.raises(SyntaxError):
            store.query("SELEC ?x")


def test_read_only_needs_an_existing_store(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no store at"):
        EmbeddedStore(tmp_path / "none", read_only=True)


HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from kgingest.store import EmbeddedStore
    store = EmbeddedStore(sys.argv[1])
    print("locked", flush=True)
    time.sleep(60)
""")


@pytest.fixture
def held_store(tmp_path: Path) -> Iterator[Path]:
    """A store folder that another process holds open for writing."""
    folder = tmp_path / "held"
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        yield folder
    finally:
        proc.kill()
        proc.wait()


def test_second_writer_fails_fast(held_store: Path) -> None:
    start = time.monotonic()
    with pytest.raises(BlockingIOError, match=r"another kgingest run \(pid \d+\)"):
        EmbeddedStore(held_store)
    with pytest.raises(BlockingIOError, match="being written"):
        EmbeddedStore(held_store, read_only=True)
    assert time.monotonic() - start < 2


def test_second_cli_run_fails_fast_with_a_clear_message(held_store: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Larry Kudlow advises Donald Trump.\n")
    run = subprocess.run([*KGINGEST, "ingest", str(article), "--store", str(held_store)],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert run.returncode == 1
    assert re.fullmatch(rf"kgingest: the store {re.escape(str(held_store))} is being used by another kgingest run "
                        r"\(pid \d+\); this run stops instead of waiting: try again when that one has finished\n",
                        run.stderr), run.stderr  # one line, no "[Errno 11]"


def test_the_lock_error_names_the_store_and_the_holder(tmp_path: Path) -> None:
    folder = tmp_path / "held"
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(BlockingIOError) as caught:
            EmbeddedStore(folder, read_only=True)
    finally:
        proc.kill()
        proc.wait()
    assert str(caught.value) == (f"the store {folder} is being written by another kgingest run (pid {proc.pid}); "
                                 "this run stops instead of waiting: try again when that one has finished")


FORK_AND_DIE = textwrap.dedent("""
    import os, sys, time
    from kgingest.store import EmbeddedStore
    store = EmbeddedStore(sys.argv[1])
    if os.fork() == 0:  # a worker that outlives its parent; it speaks once its fork handlers have run
        print(os.getpid(), flush=True)
        time.sleep(60)
        os._exit(0)
    time.sleep(60)
""")


def test_a_forked_child_never_holds_the_lock(tmp_path: Path) -> None:
    """A writer's children (its -j workers) do not keep the store locked once the writer is gone."""
    folder = tmp_path / "s"
    proc = subprocess.Popen([sys.executable, "-c", FORK_AND_DIE, str(folder)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    child = int(proc.stdout.readline())
    try:
        with pytest.raises(BlockingIOError):  # the parent still holds it
            EmbeddedStore(folder)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        os.kill(child, 0)  # the child lives on...
        with EmbeddedStore(folder) as store:  # ...and the store is free
            assert store.content_keys() == {}
    finally:
        os.kill(child, signal.SIGKILL)


SPAWN_AND_DIE = textwrap.dedent("""
    import subprocess, sys
    from kgingest.store import EmbeddedStore
    store = EmbeddedStore(sys.argv[1])
    fd = store._lock._fd
    # a process that inherits the lock's descriptor and outlives this one
    sleeper = subprocess.Popen(["sleep", "60"], pass_fds=[fd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(sleeper.pid, flush=True)
""")


def test_a_lock_whose_taker_has_ended_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    run = subprocess.run([sys.executable, "-c", SPAWN_AND_DIE, str(folder)], capture_output=True, text=True,
                         timeout=60)
    sleeper = int(run.stdout)
    try:
        with pytest.raises(BlockingIOError) as caught:
            EmbeddedStore(folder)
    finally:
        os.kill(sleeper, signal.SIGKILL)
    taker = (folder / "kgingest.lock").read_text()
    assert str(caught.value) == (
        f"the store {folder} is being used by another kgingest run (pid {taker}, which has ended; a process "
        "it started still holds the lock); this run stops instead of waiting: try again when that one has finished")


def test_lock_dies_with_its_process(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folder)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with EmbeddedStore(folder) as store:
        assert store.content_keys() == {}


REWRITE_FOREVER = textwrap.dedent("""
    import sys
    from rdflib import Graph, Literal, URIRef
    from kgingest.store import EmbeddedStore, KG
    d = URIRef("https://w3id.org/kgingest/doc/big")
    graphs = []
    for n in (6000, 9000):
        g = Graph(identifier=d)
        g.add((d, URIRef(KG + "contentKey"), Literal(str(n))))
        for i in range(n - 1):
            g.add((URIRef(f"{d}#char={i},{i + 1}"), URIRef(KG + "x"), Literal(i)))
        graphs.append(g)
    store = EmbeddedStore(sys.argv[1])
    print("ready", flush=True)
    while True:
        for g in graphs:
            store.replace_graph(str(d), g)
""")


def test_a_killed_writer_leaves_the_old_graph_or_the_new_one(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    for delay in (0.05, 0.2, 0.35):
        proc = subprocess.Popen([sys.executable, "-c", REWRITE_FOREVER, str(folder)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with EmbeddedStore(folder) as store:
            keys = store.content_keys()
            count = store.triple_count(DOC + "big")
        assert (count, keys.get(DOC + "big")) in {(0, None), (6000, "6000"), (9000, "9000")}


# --- ingest bookkeeping with a stand-in extractor -------------------------------------------


class FakeExtractor(Extractor):
    """The pipeline's interface without spaCy: the graph is a function of the text."""

    def __init__(self) -> None:  # no super().__init__: nothing to load
        self.extracted: list[str] = []
        self.max_chars = 1_000_000

    def document_iri(self, document: Document) -> str:
        return DOC + document.id

    def content_key(self, document: Document) -> str:
        return hashlib.sha256(document.text.encode()).hexdigest()

    def render(self, items: list[Document | RawDocument | InputError | DocumentError],
               batch_size: int = 32) -> list[Result]:
        results: list[Result] = []
        for item in items:
            if isinstance(item, (InputError, DocumentError)):
                results.append(item)
            elif isinstance(item, Document) and item.text == "boom":
                results.append(DocumentError(item.name, "extraction", "RuntimeError", "boom"))
            elif isinstance(item, Document):
                self.extracted.append(item.id)
                text = ntriples(doc_graph(item.id, key=self.content_key(item), extra=item.text))
                results.append(Rendered(item.name, self.document_iri(item), self.content_key(item), text,
                                        text.count("\n"), 0, 0))
        return results


class FlakySink(EmbeddedStore):
    """An in-memory store whose writes of some graphs fail."""

    def __init__(self, failing: set[str], error: type[OSError] = OSError):
        super().__init__(None)
        self.failing, self.error = failing, error

    def replace_ntriples(self, iri: str, text: str) -> int:
        if iri in self.failing:
            raise self.error(f"cannot write {iri}")
        return super().replace_ntriples(iri, text)


def docs(**texts: str) -> list[Document]:
    return [Document(id=name, text=text) for name, text in texts.items()]


def test_ingest_twice_then_edit_one() -> None:
    sink, extractor = EmbeddedStore(None), FakeExtractor()
    first = ingest(docs(a="A", b="B"), sink, extractor)
    assert (first.added, first.unchanged, first.triples) == (2, 0, 20)
    before_b = quads(sink, "b")
    second = ingest(docs(a="A", b="B"), sink, extractor)
    assert (second.added, second.replaced, second.unchanged, second.triples) == (0, 0, 2, 0)
    third = ingest(docs(a="A changed", b="B"), sink, extractor)
    assert (third.added, third.replaced, third.unchanged) == (0, 1, 1)
    assert quads(sink, "b") == before_b
    assert extractor.extracted == ["a", "b", "a"]  # unchanged documents never reach the extractor
    forced = ingest(docs(a="A changed", b="B"), sink, extractor, force=True)
    assert forced.replaced == 2


def test_a_failed_document_is_picked_up_by_the_next_run() -> None:
    sink, extractor = FlakySink({DOC + "b"}), FakeExtractor()
    events: list[tuple[str, str]] = []
    first = ingest(docs(a="A", b="B", c="C", d="boom") + [InputError("gone.txt: no such file")], sink, extractor,
                   report=lambda action, name, detail: events.append((action, name)))
    assert (first.added, first.failed) == (2, 3)
    assert {("failed", "b"), ("failed", "d"), ("failed", "gone.txt")} <= set(events)
    assert {f["document"] for f in first.failures} == {"b", "d", "gone.txt"}
    sink.failing.clear()
    second = ingest(docs(a="A", b="B", c="C"), sink, extractor)
    assert (second.added, second.unchanged, second.failed) == (1, 2, 0)


def test_a_document_whose_key_cannot_be_computed_or_whose_write_breaks_costs_only_itself() -> None:
    sink, extractor = FlakySink({DOC + "d"}, RuntimeError), FakeExtractor()  # type: ignore[arg-type]
    lone = Document(id="b", text="B \ud800")  # a caller's Document: the key's UTF-8 encoding raises
    summary = ingest(docs(a="A") + [lone] + docs(c="C", d="D"), sink, extractor)
    assert (summary.added, summary.failed, summary.stopped) == (2, 2, None)
    assert summary.failures == [
        {"document": "b", "error": "reading failed (UnicodeEncodeError: 'utf-8' codec can't encode character "
                                   "'\\ud800' in position 2: surrogates not allowed)"},
        {"document": "d", "error": f"storing failed (RuntimeError: cannot write {DOC}d)"}]
    assert set(sink.content_keys()) == {DOC + "a", DOC + "c"}


def test_refused_credentials_stop_the_run() -> None:
    sink, extractor = FlakySink({DOC + "a", DOC + "b"}, PermissionError), FakeExtractor()
    summary = ingest(docs(a="A", b="B"), sink, extractor)
    assert summary.failed == 1 and summary.stopped == f"cannot write {DOC}a"


class InterruptedExtractor(FakeExtractor):
    """Ctrl-C (or the CLI's SIGTERM) arrives while the document "stop" is being extracted."""

    def render(self, items: list[Document | RawDocument | InputError | DocumentError],
               batch_size: int = 32) -> list[Result]:
        if any(isinstance(item, Document) and item.text == "stop" for item in items):
            raise KeyboardInterrupt
        return super().render(items, batch_size)


def test_an_interrupted_run_counts_what_it_wrote_and_says_it_stopped() -> None:
    sink = EmbeddedStore(None)
    summary = ingest(docs(a="A", b="B", c="stop", d="D"), sink, InterruptedExtractor(), batch_size=1)
    assert (summary.added, summary.failed, summary.stopped) == (2, 0, "interrupted")
    assert set(sink.content_keys()) == {DOC + "a", DOC + "b"}


def test_delete_by_id_path_or_iri() -> None:
    sink = EmbeddedStore(None)
    ingest(docs(a="A", b="B", c="C"), sink, FakeExtractor())
    summary = delete(["id-a", DOC + "b", "id-c", "missing"], sink)
    assert (summary.deleted, summary.failed, summary.triples) == (3, 1, 30)
    assert sink.content_keys() == {}


def test_lookup_values_adds_the_file_uri(tmp_path: Path) -> None:
    assert lookup_values(str(tmp_path / "x.txt")) == [str(tmp_path / "x.txt"), (tmp_path / "x.txt").as_uri()]
    assert lookup_values("urn:isbn:1") == ["urn:isbn:1"]


def test_summary_line_and_json() -> None:
    s = Summary(added=1, replaced=2, unchanged=3, deleted=0, triples=10, seconds=1.25)
    s.fail("x", "boom")
    assert s.line() == "added 1, replaced 2, unchanged 3, deleted 0, failed 1, triples 10, 1.2 s"
    assert json.loads(json.dumps(s.as_dict()))["failures"] == [{"document": "x", "error": "boom"}]


# --- HTTP sink against a fake server on loopback ----------------------------------------------


class FakeServer:
    """Just enough of a SPARQL server: GSP PUT, Update, and the count/keys SELECTs kgingest sends.

    ``put_statuses`` are answered to the first PUTs (e.g. 503, 503) before a real 204, and
    ``post_statuses`` to the first POSTs (queries and updates).
    """

    def __init__(self, *, put_statuses: list[int] | None = None, auth: str | None = None,
                 lose_triples: int = 0, post_statuses: list[int] | None = None) -> None:
        self.graphs: dict[str, list[str]] = {}
        self.put_statuses = list(put_statuses or [])
        self.post_statuses = list(post_statuses or [])
        self.auth = auth
        self.lose_triples = lose_triples
        self.log: list[tuple[str, str]] = []
        self.updates: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _reply(self, status: int, body: bytes = b"", ctype: str = "text/plain") -> None:
                self.send_response(status)
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Basic realm="kg"')
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> str:
                return self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")

            def _authorized(self) -> bool:
                return fake.auth is None or self.headers.get("Authorization") == fake.auth

            def do_PUT(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                body = self._body()
                fake.log.append(("PUT", url.path))
                if not self._authorized():
                    return self._reply(401, b"who are you?")
                if fake.put_statuses:
                    return self._reply(fake.put_statuses.pop(0), b"busy")
                if url.path != "/store":
                    return self._reply(405, b"no graph store here")
                graph = urllib.parse.parse_qs(url.query)["graph"][0]
                lines = body.splitlines()
                fake.graphs[graph] = lines[: len(lines) - fake.lose_triples]
                self._reply(204)

            def do_POST(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                body = self._body()
                fake.log.append(("POST", url.path))
                if not self._authorized():
                    return self._reply(401, b"who are you?")
                if fake.post_statuses:
                    return self._reply(fake.post_statuses.pop(0), b"busy")
                if url.path == "/update":
                    fake.updates.append(body)
                    return self._reply(204)
                query = urllib.parse.parse_qs(body)["query"][0]
                count = re.search(r"COUNT.*GRAPH <([^>]+)>", query, re.S)
                if count:
                    n = len(fake.graphs.get(count.group(1), []))
                    rows = [{"n": {"type": "literal", "value": str(n),
                                   "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]
                    variables = ["n"]
                elif "contentKey" in query:
                    rows, variables = [], ["g", "key"]
                elif "staging/of" in query or "dcterms:identifier" in query:  # no staging graphs, no match
                    rows, variables = [], ["g"]
                else:
                    return self._reply(400, b"fake server: unsupported query")
                data = json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}}).encode()
                self._reply(200, data, "application/sparql-results+json")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def no_sleep(seconds: float) -> None:
    pass


def test_503_twice_then_success_is_retried() -> None:
    with FakeServer(put_statuses=[503, 503]) as fake:
        sleeps: list[float] = []
        server = SparqlServer(Endpoints.of(fake.url), sleep=sleeps.append, backoff=0.5)
        assert server.replace_graph(DOC + "a", doc_graph("a")) == 10
        assert [m for m, _ in fake.log].count("PUT") == 3
        assert len(sleeps) == 2 and sleeps[1] > sleeps[0] >= 0.5
        assert len(fake.graphs[DOC + "a"]) == 10


def test_persistent_5xx_fails_after_the_retries() -> None:
    with FakeServer(put_statuses=[502] * 10) as fake:
        server = SparqlServer(Endpoints.of(fake.url), retries=3, sleep=no_sleep)
        with pytest.raises(ServerError, match=r"HTTP 502.*after 4 attempts") as err:
            server.replace_graph(DOC + "a", doc_graph("a"))
        assert err.value.status == 502 and len(fake.log) == 4


def test_unreachable_server_is_a_connection_error() -> None:
    with FakeServer() as fake:
        url = fake.url  # a port that was just free; nothing listens there after shutdown
    server = SparqlServer(Endpoints.of(url), retries=2, sleep=no_sleep)
    with pytest.raises(ConnectionError, match="after 3 attempts"):
        server.content_keys()


def test_no_graph_store_falls_back_to_one_update_request() -> None:
    with FakeServer() as fake:
        server = SparqlServer(Endpoints.of(fake.url, graph_store="/nothing"), sleep=no_sleep)
        with pytest.raises(ServerError, match="holds 0 triples"):  # the fake does not apply updates
            server.replace_graph(DOC + "a", doc_graph("a"))
        drop_insert, forget_key = fake.updates
        assert drop_insert.startswith(f"DROP SILENT GRAPH <{DOC}a> ;\nINSERT DATA {{ GRAPH <{DOC}a> {{")
        assert "kg:contentKey ?key" in forget_key  # the next run will write it again
        assert server.notes and not server.use_graph_store


def test_big_graphs_go_through_a_staging_graph_and_one_copy() -> None:
    with FakeServer() as fake:
        server = SparqlServer(Endpoints.of(fake.url, graph_store="none"), chunk_size=4, sleep=no_sleep)
        with pytest.raises(ServerError):
            server.replace_graph(DOC + "a", doc_graph("a"))  # 10 triples: 3 chunks
        stage = staging_iri(DOC + "a")
        staged = "https://w3id.org/kgingest/staging/p/"
        assert fake.updates[0] == f"DROP SILENT GRAPH <{stage}>"
        assert [u.count("\n<") for u in fake.updates[1:4]] == [5, 4, 2]  # the first chunk with the marker
        assert f"\n<{stage}> <https://w3id.org/kgingest/staging/of> <{DOC}a> .\n" in fake.updates[1]
        assert f"<{DOC}a> <{staged}{KG}contentKey> \"k1\" .\n" in "".join(fake.updates[1:4])
        assert fake.updates[4] == (
            f"DROP SILENT GRAPH <{DOC}a> ;\nINSERT {{ GRAPH <{DOC}a> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{stage}> "
            f'{{ ?s ?q ?o }}\n  FILTER(STRSTARTS(STR(?q), "{staged}")) BIND(IRI(STRAFTER(STR(?q), "{staged}")) AS ?p) }} '
            f";\nDROP SILENT GRAPH <{stage}>")


def test_count_mismatch_is_an_error() -> None:
    with FakeServer(lose_triples=1) as fake:
        server = SparqlServer(Endpoints.of(fake.url), sleep=no_sleep)
        with pytest.raises(ServerError, match="holds 9 triples after the write, 10 were sent"):
            server.replace_graph(DOC + "a", doc_graph("a"))


def test_basic_auth_and_refused_credentials() -> None:
    token = b64encode(b"ann:s3cret-pw").decode()
    with FakeServer(auth=f"Basic {token}") as fake:
        good = SparqlServer(Endpoints.of(fake.url), credentials=Credentials("ann", "s3cret-pw"), sleep=no_sleep)
        assert good.replace_graph(DOC + "a", doc_graph("a")) == 10
        wrong = SparqlServer(Endpoints.of(fake.url), credentials=Credentials("ann", "wrong-pw", source="NETRC"),
                             sleep=no_sleep)
        with pytest.raises(PermissionError, match="refused the credentials from NETRC") as err:
            wrong.replace_graph(DOC + "a", doc_graph("a"))
        assert "wrong-pw" not in str(err.value)
        with pytest.raises(PermissionError, match="KGINGEST_STORE_USER"):
            SparqlServer(Endpoints.of(fake.url), sleep=no_sleep).content_keys()


def test_bearer_token() -> None:
    with FakeServer(auth="Bearer t0ken") as fake:
        server = SparqlServer(Endpoints.of(fake.url), credentials=Credentials(token="t0ken"), sleep=no_sleep)
        assert server.content_keys() == {}


def test_ingest_cli_with_wrong_credentials_exits_1_without_echoing_them(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Larry Kudlow advises Donald Trump.\n")
    with FakeServer(auth="Basic " + b64encode(b"ann:right").decode()) as fake:
        env = {**os.environ, "KGINGEST_STORE_USER": "ann", "KGINGEST_STORE_PASSWORD": "hunter2-wrong"}
        run = subprocess.run([*KGINGEST, "ingest", str(article), "--store", fake.url],
                             capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert run.returncode == 1, run.stderr
    assert "refused the credentials from KGINGEST_STORE_USER/KGINGEST_STORE_PASSWORD" in run.stderr
    assert "hunter2" not in run.stdout + run.stderr
    assert "failed 1" in run.stdout


# --- configuration ------------------------------------------------------------------------------


SOURCE = "KGINGEST_STORE_USER/KGINGEST_STORE_PASSWORD"


def test_credentials_order_and_secrecy(tmp_path: Path) -> None:
    rc = tmp_path / "netrc"
    rc.write_text("machine db.example.org login nina password n3trc\n")
    rc.chmod(0o600)
    env = {"NETRC": str(rc)}
    assert find_credentials("http://db.example.org:8890", env) == Credentials("nina", "n3trc", source=str(rc))
    assert find_credentials("http://other.example.org", env) is None
    env_user = {**env, "KGINGEST_STORE_USER": "u", "KGINGEST_STORE_PASSWORD": "p"}
    assert find_credentials("http://db.example.org", env_user) == Credentials("u", "p", source=SOURCE)
    with_token = {**env_user, "KGINGEST_STORE_TOKEN": "t"}
    assert find_credentials("http://db.example.org", with_token) == Credentials(token="t", source="KGINGEST_STORE_TOKEN")
    from_url = find_credentials("http://x:p%40ss@db.example.org", env_user)
    assert from_url == Credentials("x", "p@ss", source="the store URL")
    assert "p@ss" not in repr(from_url) and "n3trc" not in repr(find_credentials("http://db.example.org", env))
    assert redact("http://x:p%40ss@db.example.org:1/q") == "http://db.example.org:1/q"


def test_broken_netrc_is_a_clear_error(tmp_path: Path) -> None:
    rc = tmp_path / "netrc"
    rc.write_text("machine\n")
    with pytest.raises(ValueError, match="cannot read"):
        find_credentials("http://db.example.org", {"NETRC": str(rc)})


def test_endpoints() -> None:
    virtuoso = Endpoints.of("http://h:8890", query="/sparql", update="/sparql-auth",
                            graph_store="/sparql-graph-crud-auth?graph-uri={graph}")
    assert virtuoso.update == "http://h:8890/sparql-auth"
    assert virtuoso.graph_url("urn:a/b") == "http://h:8890/sparql-graph-crud-auth?graph-uri=urn%3Aa%2Fb"
    fuseki = Endpoints.of("http://h:3030/ds", graph_store="data")
    assert (fuseki.query, fuseki.graph_store) == ("http://h:3030/ds/query", "http://h:3030/ds/data")
    assert Endpoints.of("http://h", graph_store="none").graph_store is None


def test_open_store_picks_the_sink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KGINGEST_STORE", str(tmp_path / "env-store"))
    with open_store() as sink:
        assert isinstance(sink, EmbeddedStore) and sink.location == str(tmp_path / "env-store")
    sink = open_store("https://u:pw@example.org/ds", query="sparql", graph_store="none")
    assert isinstance(sink, SparqlServer)
    assert sink.endpoints.query == "https://example.org/ds/sparql" and sink.location == "https://example.org/ds/sparql"


@pytest.mark.parametrize("query, form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("PREFIX ask: <http://ex.org/select#>\n# CONSTRUCT in a comment\nask { ?s ask:x 'select' }", "ASK"),
    ('BASE <http://ex.org/>\nconstruct { ?s ?p "DESCRIBE" } WHERE { ?s ?p ?o }', "CONSTRUCT"),
    ("DESCRIBE <http://ex.org/a>", "DESCRIBE"),
    ("PREFIX select: <http://ex.org/>\nASK { ?construct select:ask ?describe }", "ASK"),
])
def test_query_form(query: str, form: str) -> None:
    assert query_form(query) == form


def test_query_form_rejects_updates() -> None:
    with pytest.raises(SyntaxError):
        query_form("DROP ALL")


# --- result formats -------------------------------------------------------------------------------


@pytest.fixture
def filled() -> EmbeddedStore:
    store = EmbeddedStore(None)
    store.replace_graph(DOC + "a", doc_graph("a"))
    return store


def render(result: object, fmt: str, sparql: str = "") -> str:
    out = io.BytesIO()
    write_results(result, out, fmt, display_prefixes(sparql))  # type: ignore[arg-type]
    return out.getvalue().decode("utf-8")


def test_select_formats(filled: EmbeddedStore) -> None:
    q = f"PREFIX nif: <{NIF}> SELECT ?s ?text WHERE {{ ?s nif:anchorOf ?text }} ORDER BY ?s LIMIT 2"
    table = render(filled.query(q), "table", q).splitlines()
    assert table[0].split() == ["s", "text"] and set(table[1]) <= {"-", " "}
    assert re.match(r'kgdoc:a#char=0,9 +Sentence 0 of a "quoted"$', table[2])
    assert table[-1] == "(2 rows)"
    assert len({line.index("Sentence") for line in table[2:4]}) == 1  # aligned
    csv = render(filled.query(q), "csv").splitlines()
    assert csv[0] == "s,text" and csv[1].startswith(f"{DOC}a#char=0,9,")
    assert render(filled.query(q), "tsv").splitlines()[0] == "?s\t?text"
    data = json.loads(render(filled.query(q), "json"))
    assert data["head"]["vars"] == ["s", "text"] and len(data["results"]["bindings"]) == 2


def test_ask_and_construct_formats(filled: EmbeddedStore) -> None:
    assert render(filled.query("ASK { ?s ?p ?o }"), "table") == "true\n"
    assert json.loads(render(filled.query("ASK { ?s <urn:x> ?o }"), "json"))["boolean"] is False
    turtle = render(filled.query(f"CONSTRUCT WHERE {{ <{DOC}a> ?p ?o }}"), "csv")
    parsed = Graph().parse(data=turtle, format="turtle")
    assert len(parsed) == 4 and "@prefix kg:" in turtle


def test_show_and_prefixes() -> None:
    assert show(ox.NamedNode("http://ex.org/x"), display_prefixes("PREFIX ex: <http://ex.org/>")) == "ex:x"
    assert show(ox.NamedNode("http://nowhere.org/x")) == "<http://nowhere.org/x>"
    assert declared_prefixes("prefix kg: <urn:kg#>") == {"kg": "urn:kg#"}


def test_evidence_query_finds_the_sentence_behind_a_fact() -> None:
    """The design's evidence query over a graph shaped like the emitter's (reified statement + NIF)."""
    from rdflib import Namespace

    kg, nif = Namespace(KG), Namespace(NIF)
    prov, rdfs = Namespace("http://www.w3.org/ns/prov#"), Namespace("http://www.w3.org/2000/01/rdf-schema#")
    d = URIRef(DOC + "kudlow")
    g = doc_graph("kudlow")
    kudlow, trump = URIRef("https://w3id.org/kgingest/id/person/larry-kudlow"), URIRef(
        "https://w3id.org/kgingest/id/person/donald-trump")
    sentence, statement = URIRef(f"{d}#char=0,40"), URIRef(f"{d}#stmt-1")
    text = "White House economic advisor Larry Kudlow said Sunday."
    for triple in [(kudlow, rdfs.label, Literal("Larry Kudlow")), (trump, rdfs.label, Literal("Donald Trump")),
                   (kudlow, kg.advises, trump), (statement, RDF.subject, kudlow),
                   (statement, RDF.predicate, kg.advises), (statement, RDF.object, trump),
                   (statement, prov.wasDerivedFrom, sentence), (sentence, nif.anchorOf, Literal(text))]:
        g.add(triple)
    sparql = KUDLOW_EVIDENCE
    with EmbeddedStore(None) as store:
        store.replace_graph(str(d), g)
        store.replace_graph(DOC + "other", doc_graph("other"))
        assert [(r["sentence"].value, r["doc"].value) for r in select(store, sparql)] == [(text, str(d))]

"""A server that takes connections and never answers (issue 13, item 4): ``--timeout`` (or
``KGINGEST_TIMEOUT``, default 60 s) bounds one document's write, retries included, and one
query. Before, such a server held a run for 120 s x 5 tries.
"""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from kgingest.ingest import ingest
from kgingest.sources import Document
from kgingest.store import EmbeddedStore, Endpoints, SparqlServer, ntriples
from test_secrets import listener, run
from test_store import DOC, FakeExtractor, FakeServer, doc_graph


@pytest.mark.parametrize("how", ["option", "environment"])
def test_query_gives_up_on_a_silent_server_after_the_timeout(how: str) -> None:
    with listener() as (port, accepted):
        args, env = (["--timeout", "1.5"], {}) if how == "option" else ([], {"KGINGEST_TIMEOUT": "1.5"})
        start = time.monotonic()
        code, out, err = run("query", "ASK {}", "--store", f"http://127.0.0.1:{port}", *args, env=env)
        took = time.monotonic() - start
        assert len(accepted) == 1  # one attempt: the deadline was spent waiting for it
    assert (code, out) == (1, "")
    assert err == f"kgingest: POST http://127.0.0.1:{port}/query: timed out (after 1 attempt within the --timeout " \
                  "of 1.5 s)\n"
    assert 1.5 <= took < 3.5


def test_a_document_write_has_one_deadline_and_the_run_stops() -> None:
    """The graph write, its count check and everything else of one document share the deadline
    (ingest writes a batch of documents, each request within the deadline); a server that never
    answers is unreachable: the run stops instead of waiting per document."""
    with listener() as (port, accepted):
        server = SparqlServer(Endpoints.of(f"http://127.0.0.1:{port}"), timeout=1.0)
        start = time.monotonic()
        with pytest.raises(ConnectionError, match=r"^PUT http://127\.0\.0\.1:\d+/store\?graph=\S+: timed out "
                                                  r"\(after 1 attempt within the --timeout of 1 s\)$"):
            server.replace_ntriples(DOC + "a", ntriples(doc_graph("a")))
        assert 1.0 <= time.monotonic() - start < 2.5

        class Keys(SparqlServer):  # the stored keys answered; then the same silent server for the writes
            def content_keys(self) -> dict[str, str]:
                return {}

            def drop_staging(self) -> int:
                return 0

        sink = Keys(Endpoints.of(f"http://127.0.0.1:{port}"), timeout=1.0)
        start = time.monotonic()
        summary = ingest([Document(id=x, text=x.upper()) for x in "abcd"], sink, FakeExtractor())
        assert time.monotonic() - start < 2.5  # one request's deadline, not one a document
        # the four documents are one batch (kgingest.ingest._ServerWrites): they fail with it, and the run stops
        assert (summary.added, summary.failed) == (0, 4) and summary.stopped and "timed out" in summary.stopped
        assert {f["error"] for f in summary.failures} == {summary.stopped}
        assert len(accepted) == 2


def test_an_answer_trickled_a_byte_at_a_time_is_given_up_at_the_deadline() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    stop = threading.Event()

    def trickle() -> None:
        conn = server.accept()[0]
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                     b"Content-Length: 100000\r\n\r\n")
        while not stop.wait(0.2):
            conn.sendall(b" ")
        conn.close()

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        sink = SparqlServer(Endpoints.of(f"http://127.0.0.1:{server.getsockname()[1]}"), timeout=1.5, retries=0)
        start = time.monotonic()
        with pytest.raises(ConnectionError, match=r"/query: timed out while reading the answer$"):
            sink.query("ASK {}")
        assert 1.5 <= time.monotonic() - start < 2.5
    finally:
        stop.set()
        thread.join()
        server.close()


def test_retries_stop_at_the_deadline() -> None:
    """503 answers are retried with backoff, but not past the deadline: 0.5 + 1 s of waiting fit
    in 2 s, the next wait (2 s) does not."""
    with FakeServer(put_statuses=[503] * 10) as fake:
        server = SparqlServer(Endpoints.of(fake.url), timeout=2.0)
        start = time.monotonic()
        with pytest.raises(OSError, match=r"HTTP 503 Service Unavailable: busy \(after 3 attempts within the "
                                          r"--timeout of 2 s\)$"):
            server.replace_ntriples(DOC + "a", ntriples(doc_graph("a")))
        assert 1.5 <= time.monotonic() - start < 2.5
        assert [m for m, _ in fake.log] == ["PUT"] * 3


def test_the_default_and_bad_values(tmp_path: Path) -> None:
    code, out, _ = run("query", "--help")
    assert code == 0 and "--timeout SECONDS" in out and "[default: 60.0; x>0]" in " ".join(out.split())
    for value in ("0", "-1", "soon"):
        code, out, err = run("query", "ASK {}", "--store", str(tmp_path), "--timeout", value)
        assert code == 2 and "Invalid value for '--timeout'" in err
    with EmbeddedStore(None) as store:  # an embedded store has no server to wait for
        assert store.drop_staging() == 0

"""`kgingest serve`: the real server (the installed console script, in its own process) over
a store that `kgingest ingest` made from samples/ and the dev corpus, asked by real
clients: rdflib's SPARQLStore, SPARQLWrapper, plain HTTP, and a headless Chromium.

The Chromium test needs Debian's `chromium` and `chromium-driver` (.ci/run installs them)
and skips, saying so, where they are absent; the neighbourhood picture needs Graphviz.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from conftest import DEV, ROOT, SAMPLE, hand_made_graph
from kgingest.serve.app import examples
from kgingest.store import EmbeddedStore

SCRIPT = Path(sys.executable).with_name("kgingest")
README = ROOT / "README.md"
DOCS = ROOT / "docs"
ADVISES = examples()[0].query  # who advises whom
KUDLOW_ROWS = [["Larry Kudlow", "Donald Trump"], ["Larry Kudlow", "White House"]]
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
READ_ONLY = "this endpoint is read-only: SPARQL updates are refused (write with `kgingest ingest`)\n"


def readme_queries() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Storing and querying the graph", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sparql\n(.*?)```", section, re.S)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    lines: list[str]

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(30)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def start(store: Path, *options: str) -> Server:
    """`kgingest serve` on a free loopback port; returns when it says where it listens."""
    process = subprocess.Popen([str(SCRIPT), "serve", "--store", str(store), "--bind", "127.0.0.1:0", *options],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert process.stderr is not None
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"read-only at (http://127\.0\.0\.1:\d+/)", line)
        if found:  # from now on a thread reads stderr, so the server never blocks on a full pipe
            threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True).start()  # type: ignore[arg-type]
            return Server(found.group(1), process, lines)
    process.kill()
    raise AssertionError(f"kgingest serve did not start: {''.join(lines)}{process.stderr.read()}")


def get(url: str, accept: str | None = None, data: bytes | None = None,
        content_type: str | None = None, method: str | None = None) -> tuple[int, str, bytes]:
    """Status, content type and body of one request (error statuses included)."""
    request = urllib.request.Request(url, data=data, method=method)
    if accept:
        request.add_header("Accept", accept)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def query_url(server: Server, sparql: str) -> str:
    return server.sparql + "?" + urllib.parse.urlencode({"query": sparql})


def cli_rows(store: Path, sparql: str) -> list[list[str]]:
    """What `kgingest query --format csv` prints, as rows (header first)."""
    out = subprocess.run([str(SCRIPT), "query", "--store", str(store), "--format", "csv", sparql],
                         capture_output=True, text=True, check=True).stdout
    return list(csv.reader(io.StringIO(out)))


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store `kgingest ingest samples/` makes (plus the dev corpus, when it is there)."""
    store = tmp_path_factory.mktemp("serve") / "kgingest.store"
    inputs = [str(SAMPLE.parent)] + ([str(DEV)] if DEV.is_dir() else [])
    done = subprocess.run([str(SCRIPT), "ingest", *inputs, "--store", str(store), "-q"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return store


@pytest.fixture(scope="module")
def server(sample_store: Path) -> Iterator[Server]:
    running = start(sample_store)
    yield running
    assert running.stop() == 0


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    """A store with one hand-made document graph (no model needed)."""
    folder = tmp_path / "small.store"
    graph = hand_made_graph()
    with EmbeddedStore(folder) as store:
        store.replace_graph(str(graph.identifier), graph)
    return folder


# --- the README's queries, through every client -----------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("number", range(5))
def test_readme_queries_give_the_rows_of_kgingest_query(server: Server, sample_store: Path, number: int) -> None:
    sparql = readme_queries()[number]
    expected = cli_rows(sample_store, sparql)
    header, rows = expected[0], expected[1:]

    status, kind, body = get(query_url(server, sparql), accept="text/csv")
    assert (status, kind) == (200, "text/csv; charset=utf-8")
    assert list(csv.reader(io.StringIO(body.decode("utf-8")))) == expected

    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    wrapper = SPARQLWrapper(server.sparql)
    wrapper.setQuery(sparql)
    wrapper.setMethod(POST)
    wrapper.setReturnFormat(JSON)
    data = wrapper.queryAndConvert()
    assert data["head"]["vars"] == header
    assert [[b[v]["value"] if v in b else "" for v in header] for b in data["results"]["bindings"]] == rows

    from rdflib import Dataset
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    dataset = Dataset(store=SPARQLStore(server.sparql), default_union=True)
    result = dataset.query(sparql)
    assert [str(v) for v in result.vars] == header
    got = list(result)
    assert len(got) == len(rows)
    for row, texts in zip(got, rows):  # rdflib normalises literals (a dateTime's "Z" becomes "+00:00"):
        assert list(row) == [_term(text, value) for text, value in zip(texts, row)]  # read ours the same way


def _term(text: str, like: object) -> object:
    """The CSV cell ``text`` as an rdflib term of the kind (and datatype) of ``like``."""
    if like is None:
        assert text == ""
        return None
    if isinstance(like, Literal):
        return Literal(text, datatype=like.datatype, lang=like.language)
    return URIRef(text)


@pytest.mark.slow
def test_the_sample_answers_who_advises_whom(server: Server, sample_store: Path) -> None:
    """Not only the same rows: the rows the sample article states."""
    assert all(row in cli_rows(sample_store, ADVISES) for row in KUDLOW_ROWS)
    status, _, body = get(query_url(server, ADVISES), accept="text/tab-separated-values")
    assert status == 200
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == "?adviser\t?advised"
    assert '"Larry Kudlow"\t"Donald Trump"' in lines and '"Larry Kudlow"\t"White House"' in lines


@pytest.mark.parametrize("name", ["kgingest.serve", "kgingest.serve.app", "kgingest.serve.worker"])
def test_docstring_examples(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert (result.failed, result.attempted > 0) == (0, True)


def test_the_page_examples_are_the_readme_queries() -> None:
    assert [e.query for e in examples()] == readme_queries()
    assert [e.title for e in examples()] == ["Who advises whom", "Critics and their sentences",
                                             "Companies on sanctions lists", "People linked to an agency",
                                             "The last ingest"]


# --- the protocol: forms of request, content negotiation, GRAPH -------------------------


@pytest.mark.slow
def test_results_in_each_format(server: Server, sample_store: Path) -> None:
    expected = cli_rows(sample_store, ADVISES)
    url = query_url(server, ADVISES)
    for accept, fmt in [("application/sparql-results+json", ox.QueryResultsFormat.JSON),
                        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
                        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
                        ("text/csv", None)]:
        status, kind, body = get(url, accept=f"{accept}, */*;q=0.1")
        assert (status, kind.split(";")[0]) == (200, accept)
        if fmt is None:  # CSV is lossy: pyoxigraph does not read it back
            assert list(csv.reader(io.StringIO(body.decode("utf-8")))) == expected
            continue
        solutions = ox.parse_query_results(body, format=fmt)
        assert [[s[v].value for v in solutions.variables] for s in solutions] == expected[1:]
    # no Accept header: SPARQL JSON; a form POST and a direct POST give the same
    assert get(url)[1] == "application/sparql-results+json"
    form = urllib.parse.urlencode({"query": ADVISES}).encode("ascii")
    assert get(server.sparql, data=form, content_type="application/x-www-form-urlencoded") == get(url)
    assert get(server.sparql, data=ADVISES.encode("utf-8"), content_type="application/sparql-query") == get(url)
    assert get(server.url + "query?" + url.split("?", 1)[1]) == get(url)  # the Oxigraph server's path


@pytest.mark.slow
def test_graphs_in_each_format(server: Server, sample_store: Path) -> None:
    sparql = ("PREFIX kg: <https://w3id.org/kgingest/ontology#>\n"
              "CONSTRUCT { ?a kg:advises ?b } WHERE { ?a kg:advises ?b }")
    with EmbeddedStore(sample_store, read_only=True) as store:
        triples = store.query(sparql)
    assert isinstance(triples, list) and triples
    expected = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    for accept, rdflib_format in [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                  ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")]:
        status, kind, body = get(query_url(server, sparql), accept=accept)
        assert (status, kind.split(";")[0]) == (200, accept)
        assert set(Graph().parse(data=body, format=rdflib_format)) == set(expected)
    status, _, body = get(query_url(server, sparql), accept="image/png")
    assert (status, body) == (406, b"a CONSTRUCT query's result can be sent as: text/turtle, "
                                   b"application/n-triples, application/ld+json, application/rdf+xml\n")


@pytest.mark.slow
def test_default_graph_is_the_union_and_graph_names_documents(server: Server, sample_store: Path) -> None:
    per_doc = ("PREFIX kg: <https://w3id.org/kgingest/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
               "SELECT DISTINCT ?doc WHERE { GRAPH ?doc { ?a kg:advises ?b . ?a rdfs:label \"Larry Kudlow\" } }")
    rows = cli_rows(sample_store, per_doc)[1:]
    assert rows and all(r[0].startswith("https://w3id.org/kgingest/doc/") for r in rows)
    _, _, body = get(query_url(server, per_doc), accept="text/csv")
    assert list(csv.reader(io.StringIO(body.decode("utf-8"))))[1:] == rows
    # the protocol's default-graph-uri narrows the default graph to the named documents
    other = "https://w3id.org/kgingest/doc/none"
    status, _, body = get(query_url(server, ADVISES) + "&" + urllib.parse.urlencode({"default-graph-uri": other}),
                          accept="text/csv")
    assert (status, body) == (200, b"adviser,advised\r\n")
    status, _, body = get(query_url(server, ADVISES) + "&" + urllib.parse.urlencode({"default-graph-uri": rows[0][0]}),
                          accept="text/csv")
    assert list(csv.reader(io.StringIO(body.decode("utf-8"))))[1:] == KUDLOW_ROWS  # the sample's rows only


# --- safe by default -------------------------------------------------------------------


@pytest.mark.slow
def test_updates_are_refused_and_change_nothing(server: Server, sample_store: Path) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = get(query_url(server, count), accept="text/csv")
    update = "DROP ALL"
    for url, data, kind in [
        (server.sparql, urllib.parse.urlencode({"update": update}).encode(), "application/x-www-form-urlencoded"),
        (server.sparql, update.encode(), "application/sparql-update"),
        (server.url + "update", update.encode(), "application/sparql-update"),
        (server.url + "store", b"<urn:a> <urn:b> <urn:c> .", "application/n-triples"),
    ]:
        assert get(url, data=data, content_type=kind)[::2] == (403, READ_ONLY.encode())
    assert get(server.sparql + "?" + urllib.parse.urlencode({"update": update}))[::2] == (403, READ_ONLY.encode())

    from SPARQLWrapper import POST, SPARQLWrapper

    for endpoint in (server.sparql, server.url + "update"):
        wrapper = SPARQLWrapper(server.sparql, updateEndpoint=endpoint)
        wrapper.setMethod(POST)
        wrapper.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
        with pytest.raises(urllib.error.HTTPError) as refused:  # SPARQLWrapper passes a 403 on as it is
            wrapper.query()
        assert (refused.value.code, refused.value.read()) == (403, READ_ONLY.encode())
    after = get(query_url(server, count), accept="text/csv")
    assert after == before and after[0] == 200
    assert list(csv.reader(io.StringIO(after[2].decode("utf-8")))) == cli_rows(sample_store, count)


@pytest.mark.slow
def test_no_file_access_no_listing_no_other_methods(server: Server) -> None:
    for path in ["page/", "page/yasgui/", "page/../app.py", "page/..%2Fapp.py", "page/index.html",
                 "page/examples/1-who-advises-whom.rq", "kgingest/serve/app.py", "etc/passwd", "%2Fetc%2Fpasswd"]:
        status, kind, body = get(server.url + path)
        assert (status, kind) == (404, "text/plain; charset=utf-8"), path
        assert body.endswith(b"the query page is at /, the SPARQL endpoint at /sparql\n")
    assert get(server.url, method="PUT", data=b"x")[0] == 405
    assert get(server.url + "sparql", method="DELETE")[0] == 405
    status, kind, body = get(server.sparql)
    assert (status, body) == (400, b"give exactly one query (the 'query' parameter); the query page is at /\n")
    status, _, body = get(server.sparql, data=b"SELECT * {}", content_type="text/plain")
    assert status == 415


@pytest.mark.slow
def test_invalid_query_is_a_400_with_the_parser_message(server: Server) -> None:
    status, kind, body = get(query_url(server, "SELECT ?x WHERE { ?x ?y }"))
    assert (status, kind) == (400, "text/plain; charset=utf-8")
    assert body.startswith(b"invalid query: ")
    assert get(query_url(server, "hello"))[::2] == (
        400, b"invalid query: not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE\n")


def test_time_limit_stops_a_query_and_the_server_goes_on(small_store: Path) -> None:
    running = start(small_store, "--timeout", "1", "--workers", "1")
    try:
        started = time.monotonic()
        status, _, body = get(query_url(running, CROSS_PRODUCT))
        took = time.monotonic() - started
        assert (status, body) == (503, b"the query ran longer than the limit of 1 s and was stopped\n")
        assert took < 10
        status, _, body = get(query_url(running, "ASK { ?s ?p ?o }"))  # a fresh worker took its place
        assert (status, body) == (200, b'{"head":{},"boolean":true}')
    finally:
        assert running.stop() == 0


def test_result_size_limit(small_store: Path) -> None:
    running = start(small_store, "--max-result-bytes", "2000")
    try:
        status, _, body = get(query_url(running, "SELECT * WHERE { ?s ?p ?o }"))
        assert (status, body) == (400, b"the result is larger than the limit of 2000 bytes: add a LIMIT, "
                                       b"or start the server with a larger --max-result-bytes\n")
        status, _, body = get(query_url(running, "SELECT * WHERE { ?s ?p ?o } LIMIT 1"))
        assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 1
    finally:
        assert running.stop() == 0


def test_loopback_by_default_and_security_headers(small_store: Path) -> None:
    help_text = subprocess.run([str(SCRIPT), "serve", "--help"], capture_output=True, text=True).stdout
    assert "[default: 127.0.0.1:7878]" in help_text
    running = start(small_store)
    try:
        assert not any("warning" in line for line in running.lines)
        request = urllib.request.Request(running.url)
        with urllib.request.urlopen(request, timeout=30) as response:
            page = response.read().decode("utf-8")
            policy = response.headers["Content-Security-Policy"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in policy and "connect-src 'self'" in policy
        # everything the page loads comes from this server
        assert re.findall(r'(?:src|href)="([^"]+)"', page) == [
            "/page/yasgui/yasgui.min.css", "/page/kgingest.css", "/page/yasgui/yasgui.min.js", "/page/kgingest.js"]
        for name in ["kgingest.js", "yasgui/yasgui.min.js", "yasgui/yasgui.min.css", "yasgui/LICENSE"]:
            assert get(running.url + "page/" + name)[0] == 200
    finally:
        assert running.stop() == 0


def test_serve_errors(tmp_path: Path, small_store: Path) -> None:
    missing = subprocess.run([str(SCRIPT), "serve", "--store", str(tmp_path / "none")],
                             capture_output=True, text=True)
    assert (missing.returncode, missing.stderr) == (
        1, f"kgingest: no store at {tmp_path / 'none'}: run `kgingest ingest` first, or pass --store\n")
    bad = subprocess.run([str(SCRIPT), "serve", "--store", str(small_store), "--bind", "localhost:http"],
                         capture_output=True, text=True)
    assert bad.returncode == 2
    assert "--bind 'localhost:http': expected HOST:PORT with a port from 0 to 65535" in bad.stderr
    remote = subprocess.run([str(SCRIPT), "serve", "--store", "http://127.0.0.1:7878"], capture_output=True, text=True)
    assert remote.returncode == 2 and "serve needs an embedded store folder" in remote.stderr


# --- serve and ingest on one store ------------------------------------------------------


def _count(server: Server) -> int:
    status, _, body = get(query_url(server, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
                          accept="text/csv")
    assert status == 200, body
    return int(body.decode().split("\r\n")[1])


def test_an_ingest_runs_while_serving_and_the_server_catches_up(small_store: Path) -> None:
    running = start(small_store, "--refresh", "0.2")
    try:
        assert _count(running) == 1
        # the writer gets the store's exclusive lock: serve holds no lock while it serves
        second = hand_made_graph("second-document")
        with EmbeddedStore(small_store) as writer:
            writer.replace_graph(str(second.identifier), second)
            time.sleep(1)
            assert _count(running) == 1  # mid-run: still the last snapshot, never a half-written store
        deadline = time.monotonic() + 30
        while _count(running) != 2:
            assert time.monotonic() < deadline, "the server never saw the finished ingest"
            time.sleep(0.2)
        # the log line is read from the server's stderr by another thread: it may trail the answer
        while f"kgingest: refreshed from {small_store}\n" not in running.lines:
            assert time.monotonic() < deadline, f"no 'refreshed' line in {running.lines}"
            time.sleep(0.1)
    finally:
        assert running.stop() == 0


def test_serve_does_not_start_on_a_store_being_written(small_store: Path) -> None:
    with EmbeddedStore(small_store):
        done = subprocess.run([str(SCRIPT), "serve", "--store", str(small_store), "--bind", "127.0.0.1:0"],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr == (f"kgingest: the store {small_store} is being written by another kgingest run "
                           f"(pid {os.getpid()}); this run stops instead of waiting: try again when that one has "
                           "finished\n")


# --- the neighbourhood picture -----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (apt-get install graphviz)")
def test_neighbourhood_picture(server: Server) -> None:
    status, kind, body = get(server.url + "show?" + urllib.parse.urlencode({"label": "Larry Kudlow"}))
    assert (status, kind) == (200, "text/html; charset=utf-8")
    page = body.decode("utf-8")
    assert "<title>Larry Kudlow – kgingest</title>" in page and "<svg" in page
    for name in ["Donald Trump", "White House", "advises"]:
        assert name in page
    assert get(server.url + "show?label=Nobody")[::2] == (404, b"no entity is labelled 'Nobody'\n")
    assert get(server.url + "show?entity=" + urllib.parse.quote("not an iri"))[::2] == (
        400, b"'not an iri' is not an IRI\n")
    assert get(server.url + "show")[::2] == (400, b"give ?entity=IRI or ?label=NAME (one of them)\n")


# --- the query page in a real browser ------------------------------------------------------


CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
IN_CI = os.environ.get("CI") == "true"
needs_chromium = pytest.mark.skipif(
    (CHROMIUM is None or CHROMEDRIVER is None) and not IN_CI,
    reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)")


@pytest.mark.slow
@needs_chromium
def test_the_query_page_runs_a_query_in_chromium(server: Server, sample_store: Path, tmp_path: Path) -> None:
    assert CHROMIUM and CHROMEDRIVER, "CI must install chromium and chromium-driver (.ci/run)"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path)}", "--window-size=1280,1000"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(server.url)
        wait = WebDriverWait(driver, 60)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton"))
        tabs = [t.text.replace("✖", "").strip() for t in driver.find_elements(By.CSS_SELECTOR, ".tabsList .tab")]
        assert tabs == [e.title for e in examples()]
        driver.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr td"))
        header = [th.text for th in driver.find_elements(By.CSS_SELECTOR, ".yasr table thead th") if th.text]
        rows = [[td.text for td in tr.find_elements(By.CSS_SELECTOR, "td")][1:]  # column 0: the row number
                for tr in driver.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")]
        expected = cli_rows(sample_store, ADVISES)
        assert len(expected) <= 51, "more rows than YASR's first page: compare the first 50"
        assert [header, *rows] == expected
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []  # no script error, nothing blocked by the page's policy, no outside request
        shot = tmp_path / "serve-page.png"
        driver.save_screenshot(str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        if os.environ.get("KGINGEST_SCREENSHOT"):  # refresh docs/serve-page.png
            shutil.copy(shot, DOCS / "serve-page.png")
    finally:
        driver.quit()

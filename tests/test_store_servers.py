"""The same ingest / re-ingest / replace / delete / query scenarios, with the real pipeline
over the dev corpus, against the embedded store and against real SPARQL servers.

The servers are the ones `.ci/run` starts through `.ci/servers.sh` (an Oxigraph server and
Virtuoso Open Source); their tests skip, saying why, only when its variables are unset.
The spaCy pipeline is conftest's ``extractor``, loaded once per session.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from datetime import datetime, timezone
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

import pyoxigraph as ox

from conftest import KUDLOW_EVIDENCE
from kgingest.cli import main
from kgingest.ingest import delete, ingest
from kgingest.pipeline import Extractor
from kgingest.sources import read_all
from kgingest.store import KG, Credentials, EmbeddedStore, Sink, SparqlServer, open_store, staging_iri

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
README = ROOT / "README.md"
KUDLOW = "securityweek-huawei-kudlow.txt"
EVIDENCE = KUDLOW_EVIDENCE

DOC_NS = "https://w3id.org/kgingest/doc/"
IDS = """PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?doc ?id WHERE { GRAPH ?doc { ?doc dcterms:identifier ?id } } ORDER BY ?doc"""


def _hashes(files: list[str]) -> list[str]:
    return [hashlib.sha256(Path(f).as_uri().encode("utf-8")).hexdigest()[:24] for f in files]


IN_CI = os.environ.get("CI") == "true"


def needs(variable: str, what: str) -> pytest.MarkDecorator:
    """Skip when the server's variable is unset, except under CI, where .ci/run must set it."""
    return pytest.mark.skipif(not os.environ.get(variable) and not IN_CI,
                              reason=f"{variable} is unset: run .ci/run (or source .ci/servers.sh && "
                                     f"start_servers) for the {what} tests")


def server_url(variable: str) -> str:
    url = os.environ.get(variable)
    if not url:
        pytest.fail(f"{variable} is unset under CI: .ci/run must start the servers (.ci/servers.sh)")
    return url


needs_oxigraph = needs("KGINGEST_TEST_OXIGRAPH_URL", "Oxigraph server")
needs_virtuoso = needs("KGINGEST_TEST_VIRTUOSO_URL", "Virtuoso")


def virtuoso_credentials(password: str | None = None) -> Credentials:
    return Credentials(os.environ["KGINGEST_TEST_VIRTUOSO_USER"],
                       password or os.environ["KGINGEST_TEST_VIRTUOSO_PASSWORD"], source="KGINGEST_TEST_VIRTUOSO_*")


def open_oxigraph(graph_store: str | None = None) -> Sink:
    return open_store(server_url("KGINGEST_TEST_OXIGRAPH_URL"), graph_store=graph_store)


def open_virtuoso(graph_store: str | None = None, password: str | None = None) -> Sink:
    return open_store(server_url("KGINGEST_TEST_VIRTUOSO_URL"), credentials=virtuoso_credentials(password),
                      query="/sparql", update="/sparql-auth", graph_store=graph_store or "/sparql-graph-crud-auth")


SINKS = [
    pytest.param("embedded", id="embedded"),
    pytest.param("oxigraph", id="oxigraph-server", marks=[needs_oxigraph, pytest.mark.server]),
    pytest.param("virtuoso", id="virtuoso", marks=[needs_virtuoso, pytest.mark.server]),
]


@pytest.fixture
def make_sink(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., Sink]:
    """A function opening the store named by the test's parameter; each call a fresh handle."""

    def open_embedded(graph_store: str | None = None) -> Sink:
        return EmbeddedStore(tmp_path / "store")

    openers: dict[str, Callable[..., Sink]] = {"embedded": open_embedded, "oxigraph": open_oxigraph,
                                               "virtuoso": open_virtuoso}
    return openers[request.param]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the dev corpus: documents are identified by path, so every test
    (and every run against a long-lived server) has its own graphs."""
    if not CORPUS.is_dir():
        pytest.skip(f"the dev corpus is not at {CORPUS} (shared/ beside the repository)")
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in sorted(CORPUS.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    return folder


def select(sink: Sink, sparql: str) -> list[ox.QuerySolution]:
    result = sink.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


def snapshot(sink: Sink, iris: list[str]) -> dict[str, frozenset[tuple[str, str, str]]]:
    """Every triple of each graph, as comparable strings."""
    return {iri: frozenset((str(r["s"]), str(r["p"]), str(r["o"]))
                           for r in select(sink, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"))
            for iri in iris}


def sparql_examples() -> list[str]:
    """The example queries of the README's section on storing and querying."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Storing and querying the graph", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sparql\n(.*?)```", section, re.S)


@pytest.mark.parametrize("make_sink", SINKS, indirect=True)
def test_ingest_reingest_edit_delete_query(make_sink: Callable[..., Sink], corpus: Path, extractor: Extractor) -> None:
    files = sorted(corpus.glob("*.txt"))
    iris = [extractor.document_iri(d) for d in read_all([str(f) for f in files]) if not isinstance(d, Exception)]
    with make_sink() as sink:
        try:
            first = ingest(read_all([str(f) for f in files]), sink, extractor)
            assert (first.added, first.failed, first.stopped) == (len(files), 0, None), first.failures
            before = snapshot(sink, iris)
            assert sum(len(triples) for triples in before.values()) == first.triples

            again = ingest(read_all([str(f) for f in files]), sink, extractor)
            assert (again.added, again.replaced, again.unchanged, again.triples) == (0, 0, len(files), 0)
            assert snapshot(sink, iris) == before

            edited = files[0]
            edited.write_text(edited.read_text(encoding="utf-8") + "\nMaria Lopez criticised Evelyn Harcourt.\n",
                              encoding="utf-8")
            third = ingest(read_all([str(f) for f in files]), sink, extractor)
            assert (third.added, third.replaced, third.unchanged) == (0, 1, len(files) - 1)
            after_edit = snapshot(sink, iris)
            assert [iri for iri in iris if after_edit[iri] != before[iri]] == [iris[0]]

            gone = delete([str(files[1])], sink)
            assert (gone.deleted, gone.failed, gone.triples) == (1, 0, len(after_edit[iris[1]]))
            after_delete = snapshot(sink, iris)
            assert after_delete[iris[1]] == frozenset()
            assert {i: t for i, t in after_delete.items() if i != iris[1]} == \
                   {i: t for i, t in after_edit.items() if i != iris[1]}

            for example in sparql_examples():
                select(sink, example)
        finally:
            for iri in iris:
                sink.drop_graph(iri)


@pytest.mark.parametrize("make_sink", SINKS, indirect=True)
def test_kudlow_advises_trump_with_the_evidence_sentence(make_sink: Callable[..., Sink], corpus: Path,
                                                         extractor: Extractor) -> None:
    path = str(corpus / KUDLOW)
    document = next(read_all([path]))
    assert not isinstance(document, Exception)
    iri = extractor.document_iri(document)
    with make_sink() as sink:
        try:
            assert ingest(read_all([path]), sink, extractor).added == 1
            rows = select(sink, EVIDENCE)  # a long-lived server may hold other copies of the article too
            sentences = [r["sentence"].value for r in rows if r["doc"].value == iri]
            text = (corpus / KUDLOW).read_text(encoding="utf-8")
            assert sentences and all(s.strip() and s in text for s in sentences), rows
        finally:
            sink.drop_graph(iri)


@pytest.mark.parametrize("make_sink", SINKS[1:], indirect=True)
def test_update_fallback_on_a_real_server(make_sink: Callable[..., Sink]) -> None:
    """Without Graph Store: one DROP + INSERT DATA for small graphs, staging + MOVE for big ones."""
    sink = make_sink(graph_store="none")
    assert isinstance(sink, SparqlServer)
    for size in (10, 2500):
        iri = f"https://w3id.org/kgingest/doc/test-update-fallback-{size}"
        g = Graph(identifier=URIRef(iri))
        g.add((URIRef(iri), URIRef(KG + "contentKey"), Literal(f"k{size}")))
        for i in range(size):
            g.add((URIRef(f"{iri}#char={i},{i + 1}"), URIRef(KG + "x"), Literal(f'line {i} "é"\n')))
        try:
            assert sink.replace_graph(iri, g) == size + 1
            assert sink.replace_graph(iri, g) == size + 1
            assert sink.triple_count(staging_iri(iri)) == 0
            assert sink.content_keys()[iri] == f"k{size}"
        finally:
            sink.drop_graph(iri)


@needs_virtuoso
@pytest.mark.server
def test_virtuoso_refuses_wrong_credentials() -> None:
    sink = open_virtuoso(password="not-the-password")
    g = Graph(identifier=URIRef("https://w3id.org/kgingest/doc/test-auth"))
    g.add((g.identifier, URIRef(KG + "contentKey"), Literal("k")))
    with pytest.raises(PermissionError, match="refused the credentials") as err:
        sink.replace_graph(str(g.identifier), g)
    assert "not-the-password" not in str(err.value)


# --- the CLI, in-process (the spaCy pipeline stays loaded) -----------------------------------


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_ingest_query_delete(corpus: Path, tmp_path: Path, extractor: Extractor) -> None:
    store = str(tmp_path / "store")
    files = [str(corpus / KUDLOW), str(corpus / "dev-white-house-tariff-adviser.txt")]
    code, out, err = run("ingest", *files, "--store", store, "--workers", "2")
    assert code == 0, err
    assert re.fullmatch(r"added 2, replaced 0, unchanged 0, deleted 0, failed 0, triples \d+, [\d.]+ s\n", out)
    assert err.count("added ") == 2

    code, out, err = run("ingest", *files, "--store", store, "--json")
    summary = json.loads(out)
    assert code == 0 and (summary["added"], summary["unchanged"], summary["triples"]) == (0, 2, 0)
    assert err.count("unchanged ") == 2

    code, out, err = run("query", IDS, "--store", store, "--format", "csv")
    assert code == 0 and out.splitlines() == ["doc,id"] + sorted(f"{DOC_NS}{x},{Path(f).as_uri()}" for x, f in
                                                               zip(_hashes(files), files)), err
    code, out, _ = run("query", IDS, "--store", store, "--format", "table")
    assert out.splitlines()[0].split() == ["doc", "id"] and out.count("kgdoc:") == 2 and out.endswith("(2 rows)\n")
    code, out, _ = run("query", "ASK { ?s ?p ?o }", "--store", store)
    assert (code, out) == (0, "true\n")
    code, out, _ = run("query", f"CONSTRUCT WHERE {{ ?d a <{KG}Document> }}", "--store", store)
    assert code == 0 and len(Graph().parse(data=out, format="turtle")) == 2
    example = tmp_path / "who.rq"
    example.write_text(sparql_examples()[0])
    code, out, _ = run("query", "-f", str(example), "--store", store, "--format", "json")
    assert code == 0 and json.loads(out)["head"]["vars"] == ["adviser", "advised"]

    code, out, err = run("query", "SELECT ?x WHERE { ?x }", "--store", store)
    assert code == 2 and "invalid query" in err
    code, out, err = run("query", "--store", store)
    assert code == 2
    code, out, err = run("query", "ASK {}", "--store", str(tmp_path / "nowhere"))
    assert code == 1 and "no store at" in err

    code, out, err = run("delete", files[1], "--store", store)
    assert code == 0 and out.startswith("added 0, replaced 0, unchanged 0, deleted 1, failed 0"), err
    code, out, err = run("delete", files[1], "--store", store)
    assert code == 1 and "no such document" in err


@needs_virtuoso
@pytest.mark.server
def test_cli_wrong_credentials_exit_1(corpus: Path, extractor: Extractor) -> None:
    env = {"KGINGEST_QUERY_ENDPOINT": "/sparql", "KGINGEST_UPDATE_ENDPOINT": "/sparql-auth",
           "KGINGEST_GSP_ENDPOINT": "/sparql-graph-crud-auth", "KGINGEST_STORE_USER": "kgingest",
           "KGINGEST_STORE_PASSWORD": "wrong-secret-123", "KGINGEST_STORE_TOKEN": ""}
    code, out, err = run("ingest", str(corpus / KUDLOW), "--store", server_url("KGINGEST_TEST_VIRTUOSO_URL"), env=env)
    assert code == 1
    assert "refused the credentials from KGINGEST_STORE_USER/KGINGEST_STORE_PASSWORD" in err
    assert "wrong-secret-123" not in out + err
    assert "failed 1" in out


@needs_oxigraph
@pytest.mark.server
def test_cli_against_the_oxigraph_server(corpus: Path, extractor: Extractor) -> None:
    path, url = str(corpus / KUDLOW), server_url("KGINGEST_TEST_OXIGRAPH_URL")
    try:
        code, out, err = run("ingest", path, "--store", url)
        assert code == 0 and out.startswith("added 1,"), err
        code, out, err = run("ingest", path, "--store", url)
        assert code == 0 and out.startswith("added 0, replaced 0, unchanged 1,"), err
        code, out, err = run("query", IDS, "--store", url, "--format", "tsv")
        assert code == 0 and f'"{Path(path).as_uri()}"' in out, err
    finally:
        code, out, err = run("delete", path, "--store", url)
        assert code == 0 and "deleted 1" in out, err


def test_readme_examples_run_and_last_ingest_shows_what_changed(corpus: Path, tmp_path: Path, extractor: Extractor) -> None:
    from kgingest.pipeline import Extractor

    examples = sparql_examples()
    assert len(examples) == 5
    files = [str(f) for f in sorted(corpus.glob("*.txt"))]
    monday = Extractor(generated_at=datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc))
    tuesday = Extractor(generated_at=datetime(2025, 3, 4, 9, 0, tzinfo=timezone.utc))
    with EmbeddedStore(tmp_path / "store") as sink:
        ingest(read_all(files), sink, monday)
        for example in examples:
            assert select(sink, example), example
        last = [r["article"].value for r in select(sink, examples[4])]
        assert last == sorted(Path(f).as_uri() for f in files)
        Path(files[3]).write_text(Path(files[3]).read_text(encoding="utf-8") + "\nA late correction.\n",
                                  encoding="utf-8")
        assert ingest(read_all(files), sink, tuesday).replaced == 1
        last = [r["article"].value for r in select(sink, examples[4])]
        assert last == [Path(files[3]).as_uri()]

"""The same ingest / re-ingest / replace / delete / query scenarios, with the real pipeline
over the dev corpus, against the embedded store and against real SPARQL servers.

The servers are the ones `.ci/run` starts through `.ci/servers.sh` (an Oxigraph server and
Virtuoso Open Source); their tests skip, saying why, only when its variables are unset.
The spaCy pipeline is loaded once for the module.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from kgingest.cli import main
from kgingest.ingest import delete, ingest
from kgingest.sources import read_all
from kgingest.store import KG, Credentials, EmbeddedStore, Sink, SparqlServer, open_store, staging_iri

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
DOCS_MD = ROOT / "docs" / "store.md"
KUDLOW = "securityweek-huawei-kudlow.txt"
EVIDENCE = f"""PREFIX kg: <{KG}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?sentence ?doc WHERE {{
  GRAPH ?doc {{
    ?st rdf:subject ?s ; rdf:predicate kg:advises ; rdf:object ?o ; prov:wasDerivedFrom ?sent .
    ?sent nif:anchorOf ?sentence .
    ?s rdfs:label "Larry Kudlow" . ?o rdfs:label "Donald Trump" .
  }}
}}"""

OXIGRAPH = os.environ.get("KGINGEST_TEST_OXIGRAPH_URL")
VIRTUOSO = os.environ.get("KGINGEST_TEST_VIRTUOSO_URL")
VIRTUOSO_ENDPOINTS = {"query": "/sparql", "update": "/sparql-auth", "graph_store": "/sparql-graph-crud-auth"}
needs_oxigraph = pytest.mark.skipif(not OXIGRAPH, reason="KGINGEST_TEST_OXIGRAPH_URL is unset: run .ci/run "
                                    "(or source .ci/servers.sh && start_servers) for the Oxigraph server tests")
needs_virtuoso = pytest.mark.skipif(not VIRTUOSO, reason="KGINGEST_TEST_VIRTUOSO_URL is unset: run .ci/run "
                                    "(or source .ci/servers.sh && start_servers) for the Virtuoso tests")


def virtuoso_credentials(password: str | None = None) -> Credentials:
    return Credentials(os.environ["KGINGEST_TEST_VIRTUOSO_USER"],
                       password or os.environ["KGINGEST_TEST_VIRTUOSO_PASSWORD"], source="KGINGEST_TEST_VIRTUOSO_*")


def open_oxigraph(**options: object) -> Sink:
    return open_store(OXIGRAPH, **options)  # type: ignore[arg-type]


def open_virtuoso(**options: object) -> Sink:
    settings = {**VIRTUOSO_ENDPOINTS, **options}
    return open_store(VIRTUOSO, credentials=virtuoso_credentials(), **settings)  # type: ignore[arg-type]


SINKS = [
    pytest.param("embedded", id="embedded"),
    pytest.param("oxigraph", id="oxigraph-server", marks=[needs_oxigraph, pytest.mark.server]),
    pytest.param("virtuoso", id="virtuoso", marks=[needs_virtuoso, pytest.mark.server]),
]


@pytest.fixture
def make_sink(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., Sink]:
    kind = request.param if hasattr(request, "param") else "embedded"
    return {"embedded": lambda **o: EmbeddedStore(tmp_path / "store"), "oxigraph": open_oxigraph,
            "virtuoso": open_virtuoso}[kind]


@pytest.fixture(scope="module")
def extractor():  # type: ignore[no-untyped-def]
    from kgingest.pipeline import Extractor

    return Extractor()


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


def snapshot(sink: Sink, iris: list[str]) -> dict[str, frozenset[tuple[str, str, str]]]:
    """Every triple of each graph, as comparable strings."""
    out = {}
    for iri in iris:
        rows = sink.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
        out[iri] = frozenset((str(r["s"]), str(r["p"]), str(r["o"])) for r in rows)  # type: ignore[union-attr]
    return out


def sparql_examples() -> list[str]:
    return re.findall(r"```sparql\n(.*?)```", DOCS_MD.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("make_sink", SINKS, indirect=True)
def test_ingest_reingest_edit_delete_query(make_sink: Callable[..., Sink], corpus: Path, extractor) -> None:  # type: ignore[no-untyped-def]
    files = sorted(corpus.glob("*.txt"))
    documents = [d for d in read_all([str(f) for f in files])]
    iris = [extractor.document_iri(d) for d in documents]
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
                result = sink.query(example)
                assert list(result) is not None  # type: ignore[arg-type]
        finally:
            for iri in iris:
                sink.drop_graph(iri)


@pytest.mark.parametrize("make_sink", SINKS, indirect=True)
def test_kudlow_advises_trump_with_the_evidence_sentence(make_sink: Callable[..., Sink], corpus: Path,
                                                         extractor) -> None:  # type: ignore[no-untyped-def]
    path = str(corpus / KUDLOW)
    iri = extractor.document_iri(next(iter(read_all([path]))))
    with make_sink() as sink:
        try:
            assert ingest(read_all([path]), sink, extractor).added == 1
            rows = [(r["sentence"].value, r["doc"].value) for r in sink.query(EVIDENCE)]  # type: ignore[union-attr]
            assert any(doc == iri and "Kudlow" in sentence for sentence, doc in rows), rows
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
    sink = open_store(VIRTUOSO, credentials=virtuoso_credentials("not-the-password"), **VIRTUOSO_ENDPOINTS)
    g = Graph(identifier=URIRef("https://w3id.org/kgingest/doc/test-auth"))
    g.add((g.identifier, URIRef(KG + "contentKey"), Literal("k")))
    with pytest.raises(PermissionError, match="refused the credentials") as err:
        sink.replace_graph(str(g.identifier), g)
    assert "not-the-password" not in str(err.value)


# --- the CLI, in-process (the spaCy pipeline stays loaded) -----------------------------------


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_ingest_query_delete(corpus: Path, tmp_path: Path, extractor) -> None:  # type: ignore[no-untyped-def]
    store = str(tmp_path / "store")
    files = [str(corpus / KUDLOW), str(corpus / "dev-white-house-tariff-adviser.txt")]
    code, out, err = run("ingest", *files, "--store", store)
    assert code == 0, err
    assert re.fullmatch(r"added 2, replaced 0, unchanged 0, deleted 0, failed 0, triples \d+, [\d.]+ s\n", out)
    assert err.count("added ") == 2

    code, out, err = run("ingest", *files, "--store", store, "--json")
    summary = json.loads(out)
    assert code == 0 and (summary["added"], summary["unchanged"], summary["triples"]) == (0, 2, 0)
    assert err.count("unchanged ") == 2

    code, out, err = run("query", EVIDENCE, "--store", store, "--format", "csv")
    assert code == 0 and out.startswith("sentence,doc\r\n") and "Kudlow" in out, err
    code, out, _ = run("query", EVIDENCE, "--store", store, "--format", "table")
    assert out.splitlines()[0].split() == ["sentence", "doc"] and "kgdoc:" in out
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
def test_cli_wrong_credentials_exit_1(corpus: Path, extractor) -> None:  # type: ignore[no-untyped-def]
    env = {"KGINGEST_QUERY_ENDPOINT": "/sparql", "KGINGEST_UPDATE_ENDPOINT": "/sparql-auth",
           "KGINGEST_GSP_ENDPOINT": "/sparql-graph-crud-auth", "KGINGEST_STORE_USER": "kgingest",
           "KGINGEST_STORE_PASSWORD": "wrong-secret-123", "KGINGEST_STORE_TOKEN": ""}
    code, out, err = run("ingest", str(corpus / KUDLOW), "--store", VIRTUOSO or "", env=env)
    assert code == 1
    assert "refused the credentials from KGINGEST_STORE_USER/KGINGEST_STORE_PASSWORD" in err
    assert "wrong-secret-123" not in out + err
    assert "failed 1" in out


@needs_oxigraph
@pytest.mark.server
def test_cli_against_the_oxigraph_server(corpus: Path, extractor) -> None:  # type: ignore[no-untyped-def]
    path = str(corpus / KUDLOW)
    try:
        code, out, err = run("ingest", path, "--store", OXIGRAPH or "")
        assert code == 0 and out.startswith("added 1,"), err
        code, out, err = run("ingest", path, "--store", OXIGRAPH or "")
        assert code == 0 and out.startswith("added 0, replaced 0, unchanged 1,"), err
        code, out, err = run("query", EVIDENCE, "--store", OXIGRAPH or "", "--format", "tsv")
        assert code == 0 and "Kudlow" in out, err
    finally:
        code, out, err = run("delete", path, "--store", OXIGRAPH or "")
        assert code == 0 and "deleted 1" in out, err

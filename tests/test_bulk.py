"""`kgingest ingest` of RDF that extract wrote (N-Quads, TriG, folders of shards), without NLP:
exact graphs and counts in the embedded store and in real servers, refused files that leave
nothing behind, and batches that keep the single-graph writes' checks.

The graphs are written by hand (no model): each is a document graph as extract writes it, one
named graph holding its ``kg:contentKey``. Server tests use the servers of ``.ci/servers.sh``
and graph IRIs of their own, so they can share them.
"""
from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kgingest.cli import main
from kgingest.loading import load_rdf, split_inputs
from kgingest.store import Credentials, EmbeddedStore, Sink, open_store

KEY = "https://w3id.org/kgingest/ontology#contentKey"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def doc(iri: str, key: str, n: int, label: str = "x") -> list[str]:
    """The N-Triples lines of a document graph: its key and ``n`` labelled mentions."""
    return [f'<{iri}> <{KEY}> "{key}" .\n'] + [f'<{iri}#m{i}> <{LABEL}> "{label} {i}" .\n' for i in range(n)]


def nquads(graphs: dict[str, list[str]]) -> str:
    return "".join(line[:-3] + f" <{iri}> .\n" for iri, lines in graphs.items() for line in lines)


def stored(sink: Sink, prefix: str) -> dict[str, set[str]]:
    """Every graph under ``prefix`` with its triples as N-Triples lines."""
    rows = sink.query(f'SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{prefix}")) }}')
    assert isinstance(rows, ox.QuerySolutions)
    out: dict[str, set[str]] = {}
    for row in rows:
        out.setdefault(row["g"].value, set()).add(f"{row['s']} {row['p']} {row['o']} .\n")
    return out


def summary_of(s: object) -> tuple[int, int, int, int, int]:
    return (s.added, s.replaced, s.unchanged, s.failed, s.triples)  # type: ignore[attr-defined]


@pytest.fixture
def base() -> str:
    return f"https://w3id.org/kgingest/doc/bulk-test-{uuid.uuid4().hex[:12]}-"


def test_load_skip_replace_in_the_embedded_store(tmp_path: Path, base: str) -> None:
    a, b = base + "a", base + "b"
    first = {a: doc(a, "ka", 3), b: doc(b, "kb", 5)}
    (tmp_path / "one.nq").write_text(nquads(first), encoding="utf-8")
    with EmbeddedStore(tmp_path / "s") as store:
        assert summary_of(load_rdf([tmp_path / "one.nq"], store)) == (2, 0, 0, 0, 10)
        assert stored(store, base) == {a: set(first[a]), b: set(first[b])}
        assert store.content_keys() == {a: "ka", b: "kb"}
    second = {a: doc(a, "ka", 3), b: doc(b, "kb2", 2, label="y")}
    (tmp_path / "two.nq").write_text(nquads(second), encoding="utf-8")
    with EmbeddedStore(tmp_path / "s") as store:
        assert summary_of(load_rdf([tmp_path / "two.nq"], store)) == (0, 1, 1, 0, 3)
        assert stored(store, base) == {a: set(first[a]), b: set(second[b])}
        assert store.content_keys() == {a: "ka", b: "kb2"}
        assert summary_of(load_rdf([tmp_path / "two.nq"], store, force=True)) == (0, 2, 0, 0, 7)
        assert stored(store, base) == {a: set(first[a]), b: set(second[b])}


def test_trig_as_extract_writes_it(tmp_path: Path, base: str) -> None:
    a = base + "a"
    (tmp_path / "x.trig").write_text(
        f'@prefix kg: <https://w3id.org/kgingest/ontology#> .\n<{a}> {{ <{a}> kg:contentKey "k" ; '
        f'<{LABEL}> "A"@en . }}\n', encoding="utf-8")
    with EmbeddedStore(None) as store:
        assert summary_of(load_rdf([tmp_path / "x.trig"], store)) == (1, 0, 0, 0, 2)
        assert stored(store, base) == {a: {f'<{a}> <{KEY}> "k" .\n', f'<{a}> <{LABEL}> "A"@en .\n'}}


BAD = [
    ("<urn:x:a> <urn:x:b> <urn:x:c> <{a}> .\n<urn:x:a> <urn:x:b> \"open <{a}> .\n", "bad.nq:2",
     "not valid N-Quads: Parser error between line 2 column 21 and line 3 column 1: Unexpected end of file"),
    ("# shard\n\n<urn:x:a> <urn:x:b> <urn:x:c> .\n", "bad.nq:3",
     "a triple outside any named graph; kgingest loads one named graph per document, as `kgingest extract -f "
     "nquads` (or -f trig) writes them"),
    ("<urn:x:a> <urn:x:b> _:n <{a}> .\n", "bad.nq:1", "blank node in graph <{a}>; document graphs use IRIs only"),
    ("<urn:x:a> <urn:x:b> <urn:x:c> <{a}> .\n", "bad.nq:1",
     "graph <{a}> has no kg:contentKey: not a document graph written by kgingest extract"),
    ('<{a}> <' + KEY + '> "1" <{a}> .\n<{a}> <' + KEY + '> "2" <{a}> .\n', "bad.nq:1",
     "graph <{a}> has 2 different kg:contentKey values: not a document graph written by kgingest extract"),
    ('<{a}> <' + KEY + '> "1" <{a}> .\n<{b}> <' + KEY + '> "1" <{b}> .\n<urn:x:a> <urn:x:b> <urn:x:c> <{a}> .\n',
     "bad.nq:3", "graph <{a}> appears again after other graphs; each graph's quads must be together, as extract "
     "writes them"),
]


@pytest.mark.parametrize("text, where, problem", BAD)
def test_a_bad_file_is_refused_whole_with_file_and_line(tmp_path: Path, base: str, text: str, where: str,
                                                        problem: str) -> None:
    """The good graphs before the problem were already bulk-loaded: they are removed again."""
    a, b, good = base + "a", base + "b", base + "good"
    path = tmp_path / "bad.nq"
    ok = nquads({good: doc(good, "kg", 2)})
    lines = ok.count("\n")
    path.write_text(ok + text.replace("{a}", a).replace("{b}", b), encoding="utf-8")
    where = where.replace("bad.nq:", f"{path}:").rsplit(":", 1)[0] + f":{int(where.rsplit(':', 1)[1]) + lines}"
    problem = problem.replace("{a}", a).replace("line 2 ", f"line {2 + lines} ").replace("line 3 ", f"line {3 + lines} ")
    with EmbeddedStore(tmp_path / "s") as store:
        summary = load_rdf([path], store)
        assert summary.failures == [{"document": where, "error": problem}]
        assert summary_of(summary) == (0, 0, 0, 1, 0)
        assert stored(store, base) == {}
        assert store.content_keys() == {}


def test_a_graph_a_crash_left_without_its_key_is_replaced_not_added_to(tmp_path: Path, base: str) -> None:
    a = base + "a"
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_ntriples(a, f'<{a}#stale> <{LABEL}> "old" .\n')  # no key: what a crash leaves
        (tmp_path / "a.nq").write_text(nquads({a: doc(a, "ka", 2)}), encoding="utf-8")
        assert summary_of(load_rdf([tmp_path / "a.nq"], store)) == (0, 1, 0, 0, 3)
        assert stored(store, base) == {a: set(doc(a, "ka", 2))}


def test_cli_loads_a_folder_of_shards_without_spacy(tmp_path: Path, base: str) -> None:
    shards = tmp_path / "shards"
    shards.mkdir()
    for i in range(3):
        iri = base + str(i)
        (shards / f"part-{i:05d}.nq").write_text(nquads({iri: doc(iri, f"k{i}", i + 1)}), encoding="utf-8")
    (shards / ".part-00003.nq.tmp").write_text("half a shard being written <", encoding="utf-8")
    assert split_inputs([str(shards)]) == ([shards / f"part-{i:05d}.nq" for i in range(3)], [])
    store = str(tmp_path / "s")
    result = CliRunner().invoke(main, ["ingest", str(shards), "--store", store, "--json", "-q"])
    assert result.exit_code == 0, result.output
    assert {k: v for k, v in json.loads(result.stdout).items() if k != "seconds"} == {
        "added": 3, "replaced": 0, "unchanged": 0, "deleted": 0, "failed": 0, "triples": 9, "failures": []}
    from tests.unit.test_layers import loaded_after  # a fresh interpreter: does `ingest x.nq` load spaCy?

    code = ("from kgingest.cli import main\n"
            f"try:\n    main(['ingest', {str(shards)!r}, '--store', {store!r}, '-q'])\nexcept SystemExit as e:\n"
            "    assert e.code == 0, e.code")
    loaded = loaded_after(code)
    assert "spacy" not in loaded["heavy"] and "kgingest.pipeline" not in loaded["kgingest"]


def test_cli_bad_shard_is_one_line_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "x.nq").write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "x.nq"), "--store", str(tmp_path / "s")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"failed    {tmp_path / 'x.nq'}:1: a triple outside any named graph; kgingest loads one named graph per "
        "document, as `kgingest extract -f nquads` (or -f trig) writes them"]


# --- real servers ----------------------------------------------------------------------------------

def needs(variable: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not os.environ.get(variable) and os.environ.get("CI") != "true",
                              reason=f"{variable} is unset: source .ci/servers.sh && start_servers")


def open_oxigraph() -> Sink:
    return open_store(os.environ["KGINGEST_TEST_OXIGRAPH_URL"])


def open_virtuoso() -> Sink:
    credentials = Credentials(os.environ["KGINGEST_TEST_VIRTUOSO_USER"], os.environ["KGINGEST_TEST_VIRTUOSO_PASSWORD"],
                              source="KGINGEST_TEST_VIRTUOSO_*")
    return open_store(os.environ["KGINGEST_TEST_VIRTUOSO_URL"], credentials=credentials, query="/sparql",
                      update="/sparql-auth", graph_store="/sparql-graph-crud-auth")


SERVERS = [
    pytest.param(open_oxigraph, "", id="oxigraph-server",
                 marks=[needs("KGINGEST_TEST_OXIGRAPH_URL"), pytest.mark.server]),
    pytest.param(open_virtuoso, "took no batch of graphs (it stored none of the quads); writing one Graph Store "
                 "request a graph instead", id="virtuoso", marks=[needs("KGINGEST_TEST_VIRTUOSO_URL"), pytest.mark.server]),
]


def spied(sink: Sink, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The (method, last path segment) of every HTTP request the sink makes from now on."""
    requests: list[tuple[str, str]] = []
    real = sink._http.request  # type: ignore[attr-defined]

    def spy(method: str, url: str, **kw: object) -> object:
        requests.append((method, url.split("?")[0].rsplit("/", 1)[-1]))
        return real(method, url, **kw)
    monkeypatch.setattr(sink._http, "request", spy)  # type: ignore[attr-defined]
    return requests


@pytest.mark.parametrize("opener, note", SERVERS)
def test_batches_into_a_server(tmp_path: Path, base: str, opener: Callable[[], Sink], note: str,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Five graphs: a probe of one graph, then two batches of two (batch_quads=10); exact graphs, keys, then a run that
    skips the same and replaces the changed in one multi-graph update."""
    graphs = {base + str(i): doc(base + str(i), f"k{i}", 3 + i) for i in range(5)}
    (tmp_path / "a.nq").write_text(nquads(graphs), encoding="utf-8")
    with opener() as sink:
        requests = spied(sink, monkeypatch)
        summary = load_rdf([tmp_path / "a.nq"], sink, batch_quads=10)
        assert summary_of(summary) == (5, 0, 0, 0, 30)
        assert stored(sink, base) == {iri: set(lines) for iri, lines in graphs.items()}
        assert {k: v for k, v in sink.content_keys().items() if k.startswith(base)} == {
            iri: f"k{i}" for i, iri in enumerate(graphs)}
        assert [n for n in getattr(sink, "notes", []) if "batch" in n] == ([] if not note else [
            f"{os.environ['KGINGEST_TEST_VIRTUOSO_URL']}/sparql-graph-crud-auth {note}"])
        if not note:  # Oxigraph: one POST of N-Quads a batch, one grouped COUNT, one key update
            assert requests[:4] == [("POST", "query"), ("POST", "store"), ("POST", "query"), ("POST", "update")]
            assert [m for m, target in requests if target == "store"] == ["POST"] * 3  # a probe of one graph, then 2 batches

        changed = dict(graphs)
        changed[base + "1"] = doc(base + "1", "k1-new", 1, label="new")
        (tmp_path / "b.nq").write_text(nquads(changed), encoding="utf-8")
        assert summary_of(load_rdf([tmp_path / "b.nq"], sink)) == (0, 1, 4, 0, 2)
        assert stored(sink, base) == {iri: set(lines) for iri, lines in changed.items()}
        sink.update(" ;\n".join(f"DROP SILENT GRAPH <{iri}>" for iri in graphs))  # type: ignore[attr-defined]


@pytest.mark.parametrize("opener, note", SERVERS)
def test_a_bad_file_sent_in_batches_is_dropped_again_from_the_server(tmp_path: Path, base: str,
                                                                    opener: Callable[[], Sink], note: str) -> None:
    """Two batches went in, with their keys, before the syntax error at the end: all dropped."""
    graphs = {base + str(i): doc(base + str(i), f"k{i}", 4) for i in range(6)}
    path = tmp_path / "a.nq"
    path.write_text(nquads(graphs) + "<urn:x:a> <urn:x:b> .\n", encoding="utf-8")
    with opener() as sink:
        summary = load_rdf([path], sink, batch_quads=10)
        assert summary.failures == [{"document": f"{path}:31", "error": "not valid N-Quads: Parser error at line 31 "
                                     "column 21: The object of a triple must be an IRI, a blank node or a literal"}]
        assert summary_of(summary) == (0, 0, 0, 1, 0)
        assert stored(sink, base) == {}
        assert not [k for k in sink.content_keys() if k.startswith(base)]


# --- the NLP path of ingest: extracted documents written in batches -------------------------------

@pytest.mark.parametrize("opener, note", SERVERS)
def test_ingest_writes_extracted_documents_to_a_server_in_batches(opener: Callable[[], Sink], note: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Five documents and one that fails extraction, two results a batch: no PUT and no COUNT a
    document, the same graphs as the embedded store's single-graph writes, then a run that
    replaces a changed document in one multi-graph update and skips the others."""
    from kgingest.ingest import ingest
    from kgingest.sources import Document
    from test_store import DOC, FakeExtractor

    run = uuid.uuid4().hex[:12]
    names = [f"nlp-{run}-{i}" for i in range(5)]
    documents = [Document(id=n, text=f"text {i}") for i, n in enumerate(names)]
    documents.insert(2, Document(id=f"nlp-{run}-boom", text="boom"))
    with EmbeddedStore(None) as alone:
        assert summary_of(ingest(documents, alone, FakeExtractor(), batch_size=2)) == (5, 0, 0, 1, 50)
        expected = stored(alone, DOC + f"nlp-{run}-")
    with opener() as sink:
        requests = spied(sink, monkeypatch)
        events: list[tuple[str, str]] = []
        summary = ingest(documents, sink, FakeExtractor(), batch_size=2,
                         report=lambda action, name, detail: events.append((action, name)))
        writes = requests[2:]  # after drop_staging's and content_keys' queries
        assert summary_of(summary) == (5, 0, 0, 1, 50)
        assert summary.failures == [{"document": f"nlp-{run}-boom",
                                     "error": "extraction failed (RuntimeError: boom)"}]
        assert events == [("added", names[0]), ("added", names[1]), ("failed", f"nlp-{run}-boom"),
                          ("added", names[2]), ("added", names[3]), ("added", names[4])]
        assert stored(sink, DOC + f"nlp-{run}-") == expected
        if not note:  # Oxigraph: a probe of one graph, then a POST of N-Quads a batch, a COUNT and a key update each
            assert writes == [("POST", "store"), ("POST", "query"), ("POST", "update")] * 4

        requests.clear()
        documents[0] = Document(id=names[0], text="text 0, edited")
        again = ingest(documents, sink, FakeExtractor(), batch_size=2)
        writes = requests[2:]
        assert summary_of(again) == (0, 1, 4, 1, 10)
        with EmbeddedStore(None) as alone:
            ingest(documents, alone, FakeExtractor(), batch_size=2)
            assert stored(sink, DOC + f"nlp-{run}-") == stored(alone, DOC + f"nlp-{run}-")
        if not note:  # one DROP + INSERT DATA update for the changed graph, one COUNT
            assert writes == [("POST", "update"), ("POST", "query")]
        sink.update(" ;\n".join(f"DROP SILENT GRAPH <{DOC + n}>" for n in names))  # type: ignore[attr-defined]

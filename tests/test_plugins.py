"""The spaCy component and the rdflib parser, found through the installed package's entry
points, give what ``kgingest extract`` gives.

Test data: samples/securityweek-huawei-kudlow.txt (the project's sample article, a real
SecurityWeek page; see shared/corpus/dev/README.md) and a one-sentence text written here.
"""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import rdflib
import spacy
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import PROV

from kgingest import nlp as kgnlp, ontology, plugins
from kgingest.rdf import emit
from kgingest.pipeline import Extractor
from kgingest.sources import read_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "securityweek-huawei-kudlow.txt"
CLI = Path(sys.executable).parent / "kgingest"
WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def without_run_time(g: Graph) -> Graph:
    """A copy without prov:endedAtTime, the one triple that differs from run to run."""
    out = Graph()
    for t in g.triples((None, None, None)):
        if t[1] != PROV.endedAtTime:
            out.add(t)
    return out


# ---------------------------------------------------------------- entry points (no model)


@pytest.mark.parametrize("group, target", [
    ("spacy_factories", plugins.make_kgingest),
    ("rdf.plugins.parser", plugins.KgIngestParser),
])
def test_entry_point_is_installed(group, target):
    found = entry_points(group=group, name="kgingest")
    assert len(found) == 1, f"no installed {group} entry point 'kgingest' (pip install -e .)"
    assert next(iter(found)).load() is target


def test_entry_points_load_without_importing_kgingest():
    """A fresh interpreter that never imports kgingest finds both plugins by name."""
    code = """
import sys, spacy, rdflib.plugin
from rdflib.parser import Parser
assert "kgingest" not in sys.modules
nlp = spacy.blank("en")   # spaCy imports the spacy_factories entry points here
print(nlp.has_factory("kgingest"), spacy.registry.factories.get("kgingest").__module__)
print(rdflib.plugin.get("kgingest", Parser).__name__)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "kgingest.plugins", "KgIngestParser"]


def test_component_needs_parser_and_ner():
    with pytest.raises(ValueError, match="needs an English pipeline with 'parser' and 'ner'"):
        spacy.blank("en").add_pipe("kgingest")


def test_component_on_a_hand_made_doc():
    """With helpers off, the component reads the Doc as the earlier components left it."""
    from spacy.tokens import Doc

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kgingest", config={"helpers": False})
    words = "Atlassian named David Cross as its new CISO .".split()
    doc = nlp(Doc(nlp.vocab, words=words, ents=["B-ORG", "O", "B-PERSON", "I-PERSON", "O", "O", "O", "O", "O"]))
    found = {(e.label, e.cls) for e in doc._.kg_entities.items}
    assert found == {("Atlassian", "Company"), ("David Cross", "Person")}
    assert isinstance(doc._.kg_relations, list)


def test_results_travel_through_docbin_and_to_bytes():
    """doc._.kg survives msgpack (DocBin, Doc.to_bytes, nlp.pipe(n_process=...)) with the
    relations still pointing at the entities of the same Doc."""
    from spacy.tokens import Doc, DocBin

    from kgingest.nlp.entities import Entities, Entity, Mention
    from kgingest.nlp.relations import Relation

    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words="Atlassian named David Cross as its new CISO .".split())
    atl = Entity("Company", "Atlassian", set(), [Mention(0, 1, "Atlassian", "ORG")])
    cross = Entity("Person", "David Cross", {"Cross"}, [Mention(2, 4, "David Cross", "PERSON")])
    doc._.kg = plugins.Found(Entities([atl, cross], {0: atl, 2: cross, 3: cross}),
                             [Relation(cross, "worksFor", atl, 0, 44, 0.8, "verb-inverse")])
    bin_ = DocBin(store_user_data=True)
    bin_.add(doc)
    again = next(DocBin().from_bytes(bin_.to_bytes()).get_docs(nlp.vocab))
    for copy in (again, Doc(nlp.vocab).from_bytes(doc.to_bytes())):
        assert repr(copy._.kg_entities) == repr(doc._.kg_entities)
        assert repr(copy._.kg_relations) == repr(doc._.kg_relations)
        items = copy._.kg_entities.items
        assert copy._.kg_relations[0].subject is items[1] and copy._.kg_relations[0].object is items[0]
        assert copy._.kg_entities.at_token[3] is items[1]


def test_component_ontology_option_and_to_disk(tmp_path):
    """The ontology path is a config option, and the ontology is saved with the pipeline."""
    import shutil

    custom = tmp_path / "onto"
    shutil.copytree(ontology.default_dir(), custom, ignore=shutil.ignore_patterns("__*"))
    nlp = spacy.blank("en")
    component = nlp.add_pipe("kgingest", config={"ontology": str(custom), "helpers": False})
    assert component.paths == (str(custom),)
    assert component.onto.digest == ontology.load([custom]).digest
    nlp.to_disk(tmp_path / "pipeline")
    shutil.rmtree(custom)                       # the saved pipeline no longer needs it
    loaded = spacy.load(tmp_path / "pipeline")
    again = loaded.get_pipe("kgingest")
    assert loaded.pipe_names == ["kgingest"]
    assert again.onto.digest == component.onto.digest
    assert loaded.config["components"]["kgingest"]["ontology"] == str(custom)


def test_parser_rejects_unknown_options():
    with pytest.raises(TypeError, match="unknown option"):
        Graph().parse(data="Some text.", format="kgingest", modle="en_core_web_sm")


# ---------------------------------------------------------------- with the trained pipeline


@pytest.fixture(scope="module")
def cli_output(tmp_path_factory):
    """``kgingest extract`` of the sample article, run as a command: Turtle and N-Quads."""
    out = tmp_path_factory.mktemp("cli")
    for fmt, name in (("turtle", "sample.ttl"), ("nquads", "sample.nq")):
        run = subprocess.run([str(CLI), "extract", str(SAMPLE), "-f", fmt, "-o", str(out / name)],
                             capture_output=True, text=True)
        assert run.returncode == 0, f"kgingest extract -f {fmt} failed:\n{run.stderr[-3000:]}"
    return Graph().parse(out / "sample.ttl", format="turtle"), Dataset().parse(out / "sample.nq", format="nquads")


@pytest.fixture(scope="module")
def component_nlp():
    nlp = spacy.load(kgnlp.DEFAULT_MODEL)
    nlp.add_pipe("kgingest")
    return nlp


@pytest.mark.slow
def test_component_composes_with_the_cli_pipeline(component_nlp):
    """The factory adds the CLI's paragraph splitter and ruler once, where the CLI has them."""
    cli_pipes = Extractor().nlp.pipe_names
    assert component_nlp.pipe_names == [*cli_pipes, "kgingest"]
    component_nlp.add_pipe("kgingest", name="kgingest_again")   # helpers present: not added twice
    try:
        assert component_nlp.pipe_names == [*cli_pipes, "kgingest", "kgingest_again"]
    finally:
        component_nlp.remove_pipe("kgingest_again")


@pytest.mark.slow
def test_component_output_is_the_cli_output(component_nlp, cli_output):
    ttl, _ = cli_output
    document = read_text(str(SAMPLE))
    doc = component_nlp(document.text)
    assert doc._.kg_entities.items, "no entities found in the sample article"
    onto = component_nlp.get_pipe("kgingest").onto
    graph = emit.document_graph(document, doc, doc._.kg_entities, doc._.kg_relations, onto,
                                kgnlp.model_version(component_nlp), WHEN)
    assert isomorphic(without_run_time(graph), without_run_time(ttl))


@pytest.mark.slow
def test_component_in_worker_processes(component_nlp):
    texts = ["Atlassian named David Cross as its new CISO.", "Huawei will remain on the US Entity List."]
    alone = [component_nlp(t) for t in texts]
    pooled = list(component_nlp.pipe(texts, n_process=2, batch_size=1))
    for a, b in zip(alone, pooled):
        assert repr(a._.kg_entities.items) == repr(b._.kg_entities.items)
        assert repr(a._.kg_relations) == repr(b._.kg_relations)


@pytest.mark.slow
def test_component_survives_to_disk_and_spacy_load(component_nlp, tmp_path):
    component_nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == component_nlp.pipe_names
    text = SAMPLE.read_text(encoding="utf-8")
    before, after = component_nlp(text), loaded(text)

    def facts(doc):
        ents = sorted((e.cls, e.label, tuple(sorted(e.aliases))) for e in doc._.kg_entities.items)
        rels = sorted((r.subject.label, r.prop, r.object.label, r.start, r.rule) for r in doc._.kg_relations)
        return ents, rels

    assert facts(after) == facts(before)


@pytest.mark.slow
def test_graph_parse_is_the_cli_turtle(cli_output):
    ttl, _ = cli_output
    g = Graph().parse(str(SAMPLE), format="kgingest", generated_at=WHEN)
    assert isomorphic(without_run_time(g), without_run_time(ttl))
    assert [o.toPython() for o in g.objects(None, PROV.endedAtTime)] == [WHEN]


@pytest.mark.slow
def test_dataset_parse_is_the_cli_nquads(cli_output):
    _, nq = cli_output
    ds = Dataset().parse(str(SAMPLE), format="kgingest")
    ours = {g.identifier: g for g in ds.graphs() if len(g)}
    theirs = {g.identifier: g for g in nq.graphs() if len(g)}
    assert set(ours) == set(theirs) == {emit.document_iri(SAMPLE.resolve().as_uri())}
    for iri, g in ours.items():
        assert isomorphic(without_run_time(g), without_run_time(theirs[iri]))


@pytest.mark.slow
def test_parser_reads_text_and_caches_the_pipeline(monkeypatch):
    Graph().parse(data="Warm-up.", format="kgingest")
    loads = []
    monkeypatch.setattr(spacy, "load", lambda *a, **k: loads.append(a) or pytest.fail("pipeline loaded again"))
    g = Graph().parse(data="Atlassian named David Cross as its new CISO.", format="kgingest", doc_id="note-1")
    assert loads == []
    d = emit.document_iri("note-1")
    assert (d, rdflib.RDF.type, ontology.KG.Document) in g
    labels = {str(o) for o in g.objects(None, rdflib.RDFS.label)}
    assert {"Atlassian", "David Cross"} <= labels


@pytest.mark.slow
def test_parser_into_a_named_graph_of_a_dataset():
    """Parsing into one named graph of a Dataset keeps the triples in that graph."""
    ds = Dataset()
    target = ds.graph(rdflib.URIRef("urn:x-test:mine"))
    target.parse(data="Atlassian named David Cross as its new CISO.", format="kgingest", doc_id="note-2")
    assert len(target) > 0
    assert [g.identifier for g in ds.graphs() if len(g)] == [rdflib.URIRef("urn:x-test:mine")]


def test_documentation_mentions_every_plugin():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for needle in ('nlp.add_pipe("kgingest")', 'format="kgingest"', "kgingest validate", "kgingest eval",
                   "kgingest show"):
        assert needle in text, needle

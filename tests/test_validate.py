"""SHACL shapes (ontologies/shapes.ttl): kgingest's output conforms, hand-broken graphs fail
with a message that names the problem, and the shapes agree with the ontology.

Test data: a two-sentence text written here, turned into a graph by emit.document_graph
with hand-made entities and relations (no trained model); the golden outputs under
tests/golden/ when present; the dev corpus (shared/corpus/dev) for the slow test.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import PROV

from conftest import hand_made_graph
from kgingest import ontology
from kgingest.cli import main
from kgingest.rdf.emit import KGID, NIF
from kgingest.ontology import KG
from kgingest.tools.validate import shapes_graph, validate_files, validate_graph

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpus" / "dev"
SH = Namespace("http://www.w3.org/ns/shacl#")
TEXT = "Atlassian named David Cross as its new CISO. Cross met Ann Lee in Sydney."


@pytest.fixture(scope="module")
def good() -> Graph:
    return hand_made_graph()


def copy(g: Graph) -> Graph:
    out = Graph(identifier=g.identifier)
    for t in g:
        out.add(t)
    return out


def test_good_output_conforms(good):
    """Including subclasses: Atlassian is a Company, worksFor's range is Organization."""
    assert validate_graph(good) == []


CROSS, ATLASSIAN, ANN = KGID["person/david-cross"], KGID["company/atlassian"], KGID["person/ann-lee"]


def _statement(g: Graph, prop: URIRef) -> URIRef:
    return next(st for st in g.subjects(RDF.predicate, prop))


def _sentence(g: Graph, prop: URIRef) -> URIRef:
    return g.value(_statement(g, prop), PROV.wasDerivedFrom)


def no_label(g):
    g.remove((CROSS, RDFS.label, None))


def two_labels(g):
    g.add((CROSS, RDFS.label, Literal("Dave Cross")))


def two_classes(g):
    g.add((ATLASSIAN, RDF.type, KG.GovernmentAgency))


def foreign_class(g):
    g.remove((ANN, RDF.type, None))
    g.add((ANN, RDF.type, URIRef("http://schema.org/Person")))


def wrong_range(g):
    g.add((CROSS, KG.worksFor, ANN))
    st = _statement(g, KG.worksFor)
    g.set((st, RDF.object, ANN))


def wrong_domain(g):
    g.add((ATLASSIAN, KG.meetsWith, ANN))
    st = _statement(g, KG.meetsWith)
    g.set((st, RDF.subject, ATLASSIAN))


def no_evidence(g):
    st = _statement(g, KG.worksFor)
    g.remove((st, None, None))


def statement_not_asserted(g):
    g.remove((CROSS, KG.meetsWith, ANN))


def offsets_outside(g):
    g.set((_sentence(g, KG.meetsWith), NIF.endIndex, Literal(len(TEXT) + 40)))


def anchor_mismatch(g):
    g.set((_sentence(g, KG.worksFor), NIF.anchorOf, Literal("Atlassian named David Cross.")))


def confidence_out_of_range(g):
    from rdflib.namespace import XSD  # not at module level: pytest's collector pokes at XSD's attributes

    g.set((_statement(g, KG.worksFor), KG.confidence, Literal("1.5", datatype=XSD.decimal)))


BREAKAGES = [
    (no_label, "an entity has exactly one rdfs:label", "kgid:person/david-cross"),
    (two_labels, "an entity has exactly one rdfs:label", "kgid:person/david-cross"),
    (two_classes, "an entity has exactly one rdf:type", "kgid:company/atlassian"),
    (foreign_class, "an entity's class must be an entity class of the kgingest ontology", "kgid:person/ann-lee"),
    (wrong_range, "the object of kg:worksFor must be a kg:Organization", "kgid:person/david-cross"),
    (wrong_domain, "the subject of kg:meetsWith must be a kg:Person", "kgid:company/atlassian"),
    (no_evidence, "kg:worksFor kgid:company/atlassian has no kg:Statement", "kgid:person/david-cross"),
    (statement_not_asserted, "is not asserted", "#char=0,"),
    (offsets_outside, "lie outside the document text (characters 0 to 73)", "#char=0,73"),
    (anchor_mismatch, "nif:anchorOf has 28 characters but the offsets 0,44 span 44", "#char=0,73"),
    (confidence_out_of_range, "a statement has one kg:confidence, an xsd:decimal from 0 to 1", "#stmt-"),
]


@pytest.mark.parametrize("breakage, message, focus", BREAKAGES, ids=[b[0].__name__ for b in BREAKAGES])
def test_hand_broken_graph_fails_with_a_clear_message(good, breakage, message, focus):
    g = copy(good)
    breakage(g)
    violations = validate_graph(g)
    lines = [v.describe() for v in violations]
    assert any(message in line and focus in line for line in lines), "\n".join(lines)


def test_shapes_agree_with_the_ontology():
    """The domain/range shapes restate rdfs:domain/rdfs:range of every relation."""
    shapes = shapes_graph()
    onto = ontology.cached()

    def classes(shape: URIRef, path: URIRef | None) -> set[str]:
        node = shape
        cls = shapes.value(node, SH["class"])
        if cls is not None:
            return {str(cls).rsplit("#", 1)[-1]}
        options = Collection(shapes, shapes.value(node, SH["or"]))
        return {str(shapes.value(o, SH["class"])).rsplit("#", 1)[-1] for o in options}

    for name, prop in onto.properties.items():
        domain = [s for s in shapes.subjects(SH.targetSubjectsOf, prop.iri) if shapes.value(s, SH.path) is None
                  and s != URIRef("https://w3id.org/kgingest/shapes#RelationEvidence")]
        range_ = [s for s in shapes.subjects(SH.path, prop.iri)]
        assert len(domain) == 1 and len(range_) == 1, f"shapes.ttl: no domain/range shapes for kg:{name}"
        assert classes(domain[0], None) == set(prop.domain), f"kg:{name} domain"
        assert classes(range_[0], prop.iri) == set(prop.range), f"kg:{name} range"
    evidence = set(shapes.objects(URIRef("https://w3id.org/kgingest/shapes#RelationEvidence"), SH.targetSubjectsOf))
    assert evidence == {p.iri for p in onto.properties.values()}


def test_cli_validate(tmp_path, good):
    ok, bad = tmp_path / "good.nq", tmp_path / "bad.ttl"
    ok.write_bytes(good_dataset(good).serialize(format="nquads", encoding="utf-8"))
    broken = copy(good)
    wrong_domain(broken)
    broken.serialize(bad, format="turtle")
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(ok)])
    assert result.exit_code == 0, result.output
    assert "1 graph(s) checked: conforms" in result.output
    result = runner.invoke(main, ["validate", str(ok), str(bad)])
    assert result.exit_code == 1
    assert f'{bad}: kgid:company/atlassian "Atlassian": the subject of kg:meetsWith must be a kg:Person' in result.output
    assert runner.invoke(main, ["validate"]).exit_code == 2


def good_dataset(g: Graph):
    from rdflib import Dataset

    ds = Dataset()
    named = ds.graph(g.identifier)
    for t in g:
        named.add(t)
    return ds


def test_cli_validate_store(tmp_path, good):
    from kgingest.store import EmbeddedStore

    with EmbeddedStore(tmp_path / "store") as store:
        store.replace_graph(str(good.identifier), good)
    result = CliRunner().invoke(main, ["validate", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "1 graph(s) checked: conforms" in result.output


GOLDEN = sorted(p for ext in ("nq", "trig", "ttl") for p in (ROOT / "tests" / "golden").glob(f"*/*.{ext}"))


@pytest.mark.parametrize("path", GOLDEN or [pytest.param(None, marks=pytest.mark.skip(reason="no golden cases yet"))],
                         ids=[f"{p.parent.name}/{p.name}" for p in GOLDEN] or ["none"])
def test_golden_outputs_conform(path):
    report = validate_files([path])
    assert report.graphs >= 1
    assert report.conforms, report.text()


DEV_TEXTS = sorted(DEV.glob("*.txt")) if DEV.is_dir() else []


@pytest.fixture(scope="module")
def dev_graphs() -> dict[str, Graph]:
    """Every article of the dev corpus, extracted now (one model load)."""
    from kgingest.pipeline import Extractor
    from kgingest.sources import read_text

    return {Path(x.document.path).stem: x.graph
            for x in Extractor().extract(read_text(str(p)) for p in DEV_TEXTS)}


@pytest.mark.slow
@pytest.mark.parametrize("name", [
    p.stem for p in DEV_TEXTS] or [pytest.param(None, marks=pytest.mark.skip(reason=f"no dev corpus at {DEV}"))])
def test_dev_corpus_output_conforms(dev_graphs, name):
    lines = [v.describe() for v in validate_graph(dev_graphs[name])]
    assert not lines, "\n".join(lines)

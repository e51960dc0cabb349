"""``kgingest show``: pictures of one document's entities and relations, or of a SPARQL
selection, as SVG, PNG, self-contained HTML or Graphviz source.

Test data: a two-sentence text written here, turned into a graph by emit.document_graph
with hand-made entities and relations (no trained model); the sample article
samples/securityweek-huawei-kudlow.txt for the slow end-to-end test.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph

from conftest import hand_made_graph as shared_hand_made_graph
from kgingest import ontology
from kgingest.rdf import emit
from kgingest.tools import show
from kgingest.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "securityweek-huawei-kudlow.txt"
TEXT = "Atlassian named David Cross as its new CISO. Cross met Ann Lee in Sydney."
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed (.ci/run installs it)")


def hand_made_graph(doc_id: str = "hand-made") -> Graph:
    """The shared hand-made graph, with a low-confidence meeting (drawn dashed)."""
    return shared_hand_made_graph(doc_id, meeting_confidence=0.6)


def write_nquads(path: Path, *graphs: Graph) -> Path:
    ds = Dataset()
    for g in graphs:
        named = ds.graph(g.identifier)
        for t in g:
            named.add(t)
    ds.serialize(path, format="nquads")
    return path


@pytest.fixture(scope="module")
def source() -> show.RdfSource:
    ds = Dataset(default_union=True)
    g = hand_made_graph()
    named = ds.graph(g.identifier)
    for t in g:
        named.add(t)
    return show.RdfSource(ds)


def test_document_picture(source):
    onto = ontology.cached()
    pic = show.document_picture(source, show.find_document(source, None), onto)
    assert pic.title == "hand-made"
    assert {(n.label, n.cls) for n in pic.nodes} == {
        ("Atlassian", "Company"), ("David Cross", "Person"), ("Ann Lee", "Person"), ("Sydney", "Place")}
    cross = next(n for n in pic.nodes if n.label == "David Cross")
    assert cross.aliases == ["Cross"] and cross.mentions == 2
    edges = {(e.prop, e.label, e.symmetric, e.confidence) for e in pic.edges}
    assert edges == {("worksFor", "works for", False, 0.8), ("meetsWith", "meets with", True, 0.6)}
    works = next(e for e in pic.edges if e.prop == "worksFor")
    assert works.evidence == ["Atlassian named David Cross as its new CISO."]


def test_dot_source_styles_classes(source):
    onto = ontology.cached()
    pic = show.document_picture(source, show.find_document(source, "hand-made"), onto)
    dot = show.render(pic, "graph.dot", onto).decode("utf-8")
    for label in ("Atlassian", "David Cross", "Ann Lee", "Sydney", "works for", "meets with"):
        assert label in dot
    assert "dir=both" in dot            # meetsWith is symmetric
    assert "style=dashed" in dot        # confidence below 0.75
    assert "cluster_unrelated" in dot   # Sydney has no relation
    looks = {c: show.style(c, onto) for c in ("Person", "Company", "GovernmentAgency", "Country", "Place",
                                              "SanctionsList", "Legislature", "PoliticalParty", "MediaOrganization")}
    assert len({s["fillcolor"] for s in looks.values()}) == len(looks), "two classes share a colour"
    assert [looks[c]["shape"] for c in ("Person", "Company", "Country", "SanctionsList")] == [
        "ellipse", "box", "hexagon", "note"]


def test_a_new_subclass_looks_like_its_parent(tmp_path):
    folder = tmp_path / "onto"
    shutil.copytree(ontology.default_dir(), folder, ignore=shutil.ignore_patterns("__*"))
    with open(folder / "extra.ttl", "w", encoding="utf-8") as f:
        f.write("@prefix kg: <https://w3id.org/kgingest/ontology#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                "kg:Ministry a owl:Class ; rdfs:subClassOf kg:GovernmentAgency ; rdfs:label \"Ministry\" .\n")
    onto = ontology.load([folder])
    assert show.style("Ministry", onto)["shape"] == "box"
    assert show.style("Ministry", onto)["fillcolor"].startswith("#")


def test_several_documents_need_doc(tmp_path):
    data = write_nquads(tmp_path / "two.nq", hand_made_graph("one"), hand_made_graph("two"))
    src = show.RdfSource(show.read_rdf([data]))
    with pytest.raises(show.PictureError, match="2 documents: choose one with --doc"):
        show.find_document(src, None)
    assert show.find_document(src, "two") == str(emit.document_iri("two"))
    with pytest.raises(show.PictureError, match="no document 'three'"):
        show.find_document(src, "three")


def test_unknown_picture_format(tmp_path, source):
    data = write_nquads(tmp_path / "g.nq", hand_made_graph())
    result = CliRunner().invoke(main, ["show", str(data), "-o", str(tmp_path / "g.jpeg")])
    assert result.exit_code == 1
    assert "unknown picture format .jpeg" in result.output


@needs_dot
def test_svg_and_self_contained_html(tmp_path):
    data = write_nquads(tmp_path / "g.nq", hand_made_graph())
    runner = CliRunner()
    for name in ("g.svg", "g.html"):
        result = runner.invoke(main, ["show", str(data), "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    svg = (tmp_path / "g.svg").read_text(encoding="utf-8")
    page = (tmp_path / "g.html").read_text(encoding="utf-8")
    for label in ("Atlassian", "David Cross", "Ann Lee", "Sydney", "works for"):
        assert label in svg and label in page
    assert "<svg" in page and "<script" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']https?:""", page), "the page loads something from the web"
    assert "Atlassian named David Cross as its new CISO." in page   # evidence table


@needs_dot
def test_sparql_selection_and_store(tmp_path):
    from kgingest.store import EmbeddedStore

    with EmbeddedStore(tmp_path / "store") as store:
        for g in (hand_made_graph("one"), hand_made_graph("two")):
            store.replace_graph(str(g.identifier), g)
    runner = CliRunner()
    out = tmp_path / "one.svg"
    result = runner.invoke(main, ["show", "--store", str(tmp_path / "store"), "--doc", "one", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "David Cross" in out.read_text(encoding="utf-8")
    query = ("PREFIX kg: <https://w3id.org/kgingest/ontology#> "
             "CONSTRUCT { ?s kg:meetsWith ?o } WHERE { ?s kg:meetsWith ?o }")
    out = tmp_path / "meets.svg"
    result = runner.invoke(main, ["show", "--store", str(tmp_path / "store"), "--sparql", query, "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_text(encoding="utf-8")
    assert "Ann Lee" in svg and "meets with" in svg and "Atlassian" not in svg
    result = runner.invoke(main, ["show", "--store", str(tmp_path / "store"), "-o", str(out)])
    assert result.exit_code == 1 and "choose one with --doc" in result.output


@pytest.mark.slow
@needs_dot
def test_sample_article_picture(tmp_path):
    """From the article text straight to SVG and PNG, with every entity's label drawn."""
    from kgingest.pipeline import Extractor
    from kgingest.sources import read_text

    runner = CliRunner()
    for name in ("sample.svg", "sample.png"):
        result = runner.invoke(main, ["show", str(SAMPLE), "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    png = (tmp_path / "sample.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    drawn = svg_texts(tmp_path / "sample.svg")
    extraction = next(Extractor().extract([read_text(str(SAMPLE))]))
    labels = {e.label for e in extraction.entities.items}
    assert len(labels) >= 10
    assert not labels - drawn, f"labels not drawn: {sorted(labels - drawn)}"
    assert {ontology.cached().properties[r.prop].label for r in extraction.relations} <= drawn


def svg_texts(path: Path) -> set[str]:
    """The strings an SVG shows (Graphviz writes "-" as &#45;, so compare parsed text)."""
    import xml.etree.ElementTree as ET

    return {el.text for el in ET.parse(path).iter("{http://www.w3.org/2000/svg}text") if el.text}

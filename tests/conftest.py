"""Shared fixtures: the repository's paths and one loaded extractor per test session."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "securityweek-huawei-kudlow.txt"
SHARED = ROOT.parent / "shared"
DEV = SHARED / "corpus" / "dev"
FIXED_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)

# The README's query for the sentence behind "Larry Kudlow advises Donald Trump".
KUDLOW_EVIDENCE = """PREFIX kg: <https://w3id.org/kgingest/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?sentence ?doc WHERE {
  GRAPH ?doc {
    ?st rdf:subject ?s ; rdf:predicate kg:advises ; rdf:object ?o ; prov:wasDerivedFrom ?sent .
    ?sent nif:anchorOf ?sentence .
    ?s rdfs:label "Larry Kudlow" . ?o rdfs:label "Donald Trump" .
  }
}"""


def make_unreadable(path: Path, monkeypatch) -> None:
    """chmod 0, and, when running as root (who reads anything), fail its read as for a user."""
    import os

    path.chmod(0)
    if os.access(path, os.R_OK):
        real = Path.read_bytes

        def read_bytes(self):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)
        monkeypatch.setattr(Path, "read_bytes", read_bytes)


@pytest.fixture(scope="session")
def extractor():
    """The default model and ontology, loaded once; the run time is fixed so graphs compare."""
    from kgingest.pipeline import Extractor

    return Extractor(generated_at=FIXED_TIME)


@pytest.fixture(scope="session")
def extract_one(extractor):
    """Text in, Extraction out (entities, relations, graph)."""
    from kgingest.sources import Document

    def run(text: str, doc_id: str = "test"):
        return next(extractor.extract([Document(id=doc_id, text=text)]))

    return run


HAND_MADE_TEXT = "Atlassian named David Cross as its new CISO. Cross met Ann Lee in Sydney."


def hand_made_graph(doc_id: str = "hand-made", meeting_confidence: float = 0.8):
    """A small, correct document graph built by the emitter from hand-made extractions
    (no trained model): two relations, four entities, one of them named twice."""
    import spacy

    from kgingest import ontology
    from kgingest.rdf import emit
    from kgingest.nlp.entities import Entities, Entity, Mention
    from kgingest.nlp.relations import Relation
    from kgingest.sources import Document

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp(HAND_MADE_TEXT)
    atl = Entity("Company", "Atlassian", set(), [Mention(0, 1, "Atlassian", "ORG")])
    cross = Entity("Person", "David Cross", {"Cross"}, [Mention(2, 4, "David Cross", "PERSON"),
                                                        Mention(9, 10, "Cross", "PERSON")])
    ann = Entity("Person", "Ann Lee", set(), [Mention(11, 13, "Ann Lee", "PERSON")])
    sydney = Entity("Place", "Sydney", set(), [Mention(14, 15, "Sydney", "GPE")])
    first, second = doc.sents
    relations = [
        Relation(cross, "worksFor", atl, first.start_char, first.end_char, 0.8, "verb-inverse"),
        Relation(cross, "meetsWith", ann, second.start_char, second.end_char, meeting_confidence, "verb-active-with"),
    ]
    return emit.document_graph(Document(id=doc_id, text=HAND_MADE_TEXT), doc,
                               Entities([atl, cross, ann, sydney], {}), relations, ontology.cached(), "blank",
                               datetime(2024, 1, 1, tzinfo=timezone.utc))

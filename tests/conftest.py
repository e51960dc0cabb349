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

    from kgingest import emit, ontology
    from kgingest.entities import Entities, Entity, Mention
    from kgingest.relations import Relation
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

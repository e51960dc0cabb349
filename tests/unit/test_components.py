"""The two spaCy components on hand-built Docs: a new proposer is one registered function
named in the config; results land on doc._; other languages are refused by name."""
from __future__ import annotations

from importlib.metadata import entry_points
from typing import Iterator

import pytest
import spacy
from spacy.tokens import Doc

from kgingest.nlp import components, relations
from kgingest.nlp.entities import Entities
from kgingest.nlp.lang import UnsupportedLanguage, check
from kgingest.nlp.relations import Candidate
from kgingest.ontology import Ontology

from .test_rules import EVENT, ROLE, doc_of


@relations.proposers.register("test.people_together.v1")
def people_together(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """A trivial proposer: any two people of a sentence meet (the admit step still checks
    the classes, the guards and duplicates)."""
    people = [i for i, e in enumerate(entities.items) if e.cls == "Person"]
    for a in people:
        for b in people:
            if a < b:
                yield Candidate(a, "meetsWith", b, entities.items[b].mentions[0].start, "test-together", 0.5)


def pipeline(proposers: list[str]) -> spacy.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("kgingest_entities", config={"helpers": False})
    nlp.add_pipe("kgingest_relations", config={"proposers": proposers})
    return nlp


def facts(doc: Doc) -> list[tuple[str, str, str, str]]:
    return sorted((r.subject.label, r.prop, r.object.label, r.rule) for r in doc._.kg_relations)


def test_a_new_proposer_through_config_alone():
    nlp = pipeline(["test.people_together.v1"])
    assert nlp.config["components"]["kgingest_relations"]["proposers"] == ["test.people_together.v1"]
    doc = nlp(doc_of(EVENT))
    assert [(e.label, e.cls) for e in doc._.kg_entities.items] == [("Ann Berg", "Person"), ("Tom Reed", "Person")]
    assert facts(doc) == [("Ann Berg", "meetsWith", "Tom Reed", "test-together")]


def test_proposers_run_together_and_the_best_evidence_is_kept():
    doc = pipeline(["kgingest.event.v1", "test.people_together.v1"])(doc_of(EVENT))
    assert facts(doc) == [("Ann Berg", "meetsWith", "Tom Reed", "event-with")]


def test_default_proposers_are_the_rule_families():
    nlp = spacy.blank("en")
    nlp.add_pipe("kgingest_entities", config={"helpers": False})
    nlp.add_pipe("kgingest_relations")
    assert nlp.config["components"]["kgingest_relations"]["proposers"] == list(relations.DEFAULT_PROPOSERS)
    assert facts(nlp(doc_of(ROLE))) == [("Ann Berg", "headOf", "Vortex Corp", "role-left")]


def test_unknown_proposer_fails_when_the_pipeline_is_built():
    with pytest.raises(ValueError, match=r"^unknown relation proposer 'test\.missing\.v1' \(registered: "):
        pipeline(["test.missing.v1"])


def test_relations_need_entities_first():
    nlp = spacy.blank("en")
    nlp.add_pipe("kgingest_relations")
    with pytest.raises(ValueError, match="^kgingest_relations needs kgingest_entities before it in the pipeline$"):
        nlp(doc_of(ROLE))


def test_the_kgingest_component_is_both_in_one():
    nlp = spacy.blank("en")
    nlp.add_pipe("kgingest", config={"helpers": False})
    assert facts(nlp(doc_of(ROLE))) == [("Ann Berg", "headOf", "Vortex Corp", "role-left")]


@pytest.mark.parametrize("name, target", [
    ("kgingest_entities", components.make_entities),
    ("kgingest_relations", components.make_relations),
])
def test_factories_are_announced(name, target):
    found = entry_points(group="spacy_factories", name=name)
    assert len(found) == 1, f"no installed spacy_factories entry point {name!r} (pip install -e .)"
    assert next(iter(found)).load() is target


@pytest.mark.parametrize("factory", ["kgingest_entities", "kgingest_relations", "kgingest"])
def test_another_language_is_refused(factory):
    import kgingest.plugins  # noqa: F401  - registers the kgingest factory

    nlp = spacy.blank("de")
    config = {} if factory == "kgingest_relations" else {"helpers": False}
    with pytest.raises(UnsupportedLanguage, match=r"is for language 'de'; kgingest reads only en$"):
        nlp.add_pipe(factory, config=config)


def test_language_check():
    assert check("en", "x").OBJ == frozenset({"dobj", "obj"})
    with pytest.raises(UnsupportedLanguage, match=r"^spaCy pipeline 'fr_core' is for language 'fr'; kgingest reads only en$"):
        check("fr", "spaCy pipeline 'fr_core'")

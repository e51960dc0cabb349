"""Relations between entities, with the sentence that states them (placeholder for the rule set)."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from .entities import Entities, Entity
from .ontology import Ontology


@dataclass(frozen=True, eq=False)
class Relation:
    subject: Entity
    prop: str
    object: Entity
    start: int          # character offsets of the evidence sentence
    end: int
    confidence: float
    rule: str


def find(doc: Doc, entities: Entities, onto: Ontology) -> list[Relation]:
    return []

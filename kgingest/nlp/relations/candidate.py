"""The two values of the relation stage: what a proposer suggests, and what is kept."""
from __future__ import annotations

from dataclasses import dataclass

from ..entities import Entity


@dataclass(frozen=True, slots=True)
class Candidate:
    """A fact a proposer suggests, before :func:`kgingest.nlp.relations.admit` checks it.

    Entities are named by their position in ``Entities.items`` and the trigger by its token
    index, so a Candidate is a plain hashable value that holds no Doc or Entity object.
    """

    subject: int                # index into entities.items
    prop: str | None            # None: the first of `props` that the classes allow
    object: int                 # index into entities.items
    anchor: int                 # token index of the trigger: the guards are checked from here
    rule: str                   # which rule proposed it (kept on the Relation, for evidence)
    confidence: float
    props: tuple[str, ...] = ()
    phrase: bool = False        # stated inside a noun phrase: the clause's negation does not reach it
    fallback: bool = False      # only where no earlier candidate of the sentence spoke about the pair


@dataclass(frozen=True, eq=False)
class Relation:
    """A kept fact: subject and object are the document's Entity objects."""

    subject: Entity
    prop: str
    object: Entity
    start: int          # character offsets of the evidence sentence
    end: int
    confidence: float
    rule: str

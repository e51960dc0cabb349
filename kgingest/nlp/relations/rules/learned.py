"""The learned proposer (:mod:`kgingest.nlp.learned`) as a rule family: the pairs its model
believes, anchored at the highest word of their dependency path so the guards read the
clause from there. Its candidates are fallbacks: a pair (or a subject's or object's slot)
that a hand-written rule spoke about in the sentence keeps the rule's reading."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc

from ....ontology import Ontology
from ...entities import Entities
from ...learned.features import doc_arrays
from ...learned.propose import propose as learned_pairs
from ..candidate import Candidate
from ..document import context
from ..registry import proposers

RULE = "learned"


@proposers.register("kgingest.learned.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Relations the bundled model (``kgingest/models/relations.json``) finds between two
    entities of one sentence."""
    ctx = context(doc, entities, onto)
    arr = doc_arrays(doc)
    for sent in ctx.sents:
        for s, prop, o, anchor, confidence in learned_pairs(doc, entities, onto, sent, arr=arr):
            yield Candidate(ctx.index[s], prop, ctx.index[o], anchor.i, RULE, round(confidence, 3), fallback=True)

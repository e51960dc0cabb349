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


def _candidates(doc: Doc, entities: Entities, onto: Ontology, every: bool) -> Iterator[Candidate]:
    ctx = context(doc, entities, onto)
    arr = doc_arrays(doc)
    for sent in ctx.sents:
        for s, prop, o, anchor, confidence in learned_pairs(doc, entities, onto, sent, arr=arr, every=every):
            yield Candidate(ctx.index[s], prop, ctx.index[o], anchor.i, RULE, round(confidence, 3), fallback=True)


@proposers.register("kgingest.learned.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Relations the bundled model (``kgingest/models/relations.json``) finds between two
    entities of one sentence, for its default properties: those where it adds recall on news
    without costing precision."""
    return _candidates(doc, entities, onto, every=False)


@proposers.register("kgingest.learned.all.v1")
def propose_all(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """The same, for every property the model has a threshold for: more recall on
    CoNLL04-like and encyclopedic text, less precision on news (not in the defaults)."""
    return _candidates(doc, entities, onto, every=True)

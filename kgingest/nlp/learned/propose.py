"""Entity pairs of a sentence -> the relations the learned model believes, with an anchor token.

The same enumeration serves training (``scripts/train_relations.py`` labels the pairs it
yields) and inference, so the model sees at run time exactly the kind of pair it learned
from: kgingest's own entities, the closest mentions of two of them in one sentence.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ...ontology import Ontology
from ..entities import Entities, Entity
from .features import Arrays, doc_arrays, head_of, lexicon, pair_features, path
from .model import NONE, Model, bundled


@dataclass(frozen=True)
class Pair:
    """An ordered pair of entities of one sentence, at their closest mentions."""

    subject: Entity
    subject_span: tuple[int, int]
    object: Entity
    object_span: tuple[int, int]
    props: tuple[str, ...]          # the properties whose domain and range admit the two classes
    between: tuple[str, ...] = ()   # classes of the other names between the two mentions


def mentions(entities: Entities, sent: Span) -> list[tuple[Entity, int, int]]:
    """(entity, start, end) of each run of tokens in the sentence that names one entity."""
    out: list[tuple[Entity, int, int]] = []
    at = entities.at_token
    i, end = sent.start, sent.end
    while i < end:
        ent = at.get(i)
        if ent is None:
            i += 1
            continue
        j = i + 1
        while j < end and at.get(j) is ent:
            j += 1
        out.append((ent, i, j))
        i = j
    return out


def pairs(entities: Entities, onto: Ontology, sent: Span) -> Iterator[Pair]:
    """Every ordered pair of distinct entities of the sentence that some property admits."""
    found = mentions(entities, sent)
    closest: dict[tuple[int, int], tuple[int, tuple[int, int], tuple[int, int]]] = {}
    ents: dict[int, Entity] = {}
    for a, sa, ea in found:
        ents[id(a)] = a
        for b, sb, eb in found:
            if a is b:
                continue
            gap = sb - ea if sa < sb else sa - eb
            key = (id(a), id(b))
            if key not in closest or gap < closest[key][0]:
                closest[key] = (gap, (sa, ea), (sb, eb))
    props = sorted(onto.properties)
    for (ia, ib), (_, span_a, span_b) in closest.items():
        a, b = ents[ia], ents[ib]
        allowed = tuple(p for p in props if onto.allows(p, a.cls, b.cls))
        if allowed:
            lo, hi = min(span_a[1], span_b[1]), max(span_a[0], span_b[0])
            between = tuple(e.cls for e, st, _ in found if lo <= st < hi and e is not a and e is not b)
            yield Pair(a, span_a, b, span_b, allowed, between)


def features(arr: Arrays, pair: Pair, onto: Ontology) -> list[str]:
    return pair_features(arr, pair.subject_span, pair.object_span, pair.subject.cls, pair.object.cls,
                         lexicon(onto), pair.between)


def anchor(doc: Doc, arr: Arrays, pair: Pair, former: frozenset[str] = frozenset()) -> Token | None:
    """The highest token on the dependency path between the two names; None across
    sentences, or when a word of the path is marked as past ("a former director of X"):
    the guards read the clause above the anchor, this is the phrase below it."""
    s, o = head_of(arr, *pair.subject_span), head_of(arr, *pair.object_span)
    up, top, down = path(arr, s, o)
    if top < 0:
        return None
    if former:
        for i in (*up[1:], top, *down[:-1]):
            if any(c.lower_ in former or c.lower_.rstrip("-") in former for c in doc[i].children if c.i < i):
                return None
    return doc[top]


def propose(doc: Doc, entities: Entities, onto: Ontology, sent: Span, model: Model | None = None,
            arr: Arrays | None = None, every: bool = False) -> Iterator[tuple[Entity, str, Entity, Token, float]]:
    """(subject, property, object, anchor token, probability) for every pair of the sentence
    whose most probable class is a property the two classes admit, at or above its threshold:
    one of the model's default properties, or (``every``) any it has a threshold for.
    ``arr`` is the Doc's :func:`doc_arrays`, if the caller has read them already."""
    m = model or bundled()
    asserted = m.thresholds.keys() if every else m.default
    arr = arr or doc_arrays(doc)
    former = onto.words("formerWord")
    for pair in pairs(entities, onto, sent):
        allowed = [p for p in pair.props if p in m.thresholds]
        if not allowed:
            continue
        scores = m.scores(features(arr, pair, onto))
        best = max(allowed, key=lambda p: (scores[p], p))
        if best not in asserted or scores[best] < m.thresholds[best] or scores[best] < scores[NONE]:
            continue
        top = anchor(doc, arr, pair, former)
        if top is not None:
            yield pair.subject, best, pair.object, top, scores[best]

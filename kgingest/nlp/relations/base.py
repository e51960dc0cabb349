"""The seam between proposers and the graph: proposers suggest :class:`Candidate` facts,
:func:`admit` keeps those that the ontology allows and the text asserts.

A proposer is any callable ``(doc, entities, onto) -> Iterable[Candidate]`` registered
under a name in :data:`proposers`; :func:`find` runs the named ones and admits what they
propose. Proposers share nothing but the Doc: each reads the per-document context
(:func:`.document.context`, built once) or builds its own.
"""
from __future__ import annotations

from typing import Iterable, Protocol, Sequence

import catalogue

from spacy.tokens import Doc

from ...ontology import Ontology
from ..entities import Entities
from .candidate import Candidate, Relation
from .document import context, forget
from .guards import blocked, future, removals
from .registry import proposers

# the bundled rule families, in the order their candidates are admitted within a sentence
DEFAULT_PROPOSERS = ("kgingest.role.v1", "kgingest.verb.v1", "kgingest.event.v1", "kgingest.judgement.v1",
                     "kgingest.quote.v1", "kgingest.location.v1", "kgingest.group.v1", "kgingest.enumeration.v1",
                     "kgingest.career.v1", "kgingest.affiliation.v1", "kgingest.seat.v1", "kgingest.placement.v1",
                     "kgingest.country.v1", "kgingest.partisan.v1", "kgingest.roster.v1")


class Proposer(Protocol):
    """Suggests facts about one Doc; :func:`admit` decides which hold."""

    def __call__(self, doc: Doc, entities: Entities, onto: Ontology, /) -> Iterable[Candidate]: ...


_RESOLVED: dict[str, Proposer] = {}


def resolve(names: Sequence[str | Proposer]) -> list[Proposer]:
    """Proposer names (or proposers) -> proposers; an unknown name is a ValueError naming it."""
    from . import rules  # noqa: F401  - registers the bundled families

    out: list[Proposer] = []
    for p in names:
        if isinstance(p, str) and p in _RESOLVED:
            p = _RESOLVED[p]
        elif isinstance(p, str):
            try:
                # catalogue looks through the installed entry points on every get: once a name
                _RESOLVED[p] = proposers.get(p)
                p = _RESOLVED[p]
            except catalogue.RegistryError:
                known = ", ".join(sorted(proposers.get_all()))
                raise ValueError(f"unknown relation proposer {p!r} (registered: {known})") from None
        out.append(p)
    return out


def find(doc: Doc, entities: Entities, onto: Ontology,
         proposers: Sequence[str | Proposer] = DEFAULT_PROPOSERS) -> list[Relation]:
    """Every relation the document states, once per (subject, property, object, sentence).

    Candidates are admitted sentence by sentence, and within a sentence in the order of
    ``proposers``: where two rules find the same fact with equal confidence, the first
    one's rule name is kept.
    """
    ctx = context(doc, entities, onto)
    try:
        found = [(ctx.sent_index[c.anchor], k, c) for k, p in enumerate(resolve(proposers))
                 for c in p(doc, entities, onto)]
        found.sort(key=lambda x: (x[0], x[1]))
        return admit(doc, entities, onto, (c for _, _, c in found))
    finally:
        forget(doc)


def admit(doc: Doc, entities: Entities, onto: Ontology, candidates: Iterable[Candidate]) -> list[Relation]:
    """The candidates the ontology allows (domain and range) and the text asserts (no
    negation, hypothesis, denial, removal), symmetric ones in one order, each fact once
    per sentence with its best confidence."""
    ctx = context(doc, entities, onto)
    items = entities.items
    out: dict[tuple[int, str, int, int], Relation] = {}
    denied: set[tuple[int, str, int]] = set()
    spoken: set[tuple[int, int, int]] = set()       # (subject, object, sentence) a rule spoke about
    filled: set[tuple[int, str, int, int]] = set()  # (entity, property, side, sentence) a rule filled
    for c in candidates:
        if c.subject == c.object:
            continue
        s, o = items[c.subject], items[c.object]
        props = (c.prop,) if c.prop else c.props
        prop = next((p for p in props if p in onto.properties and onto.allows(p, s.cls, o.cls)), None)
        if prop is None:
            continue
        n = ctx.sent_index[c.anchor]
        if not c.fallback:
            spoken.update({(c.subject, c.object, n), (c.object, c.subject, n)})
            if not onto.properties[prop].symmetric:
                filled.update({(c.subject, prop, 0, n), (c.object, prop, 1, n)})
        elif (c.subject, c.object, n) in spoken or (c.subject, prop, 0, n) in filled \
                or (c.object, prop, 1, n) in filled:
            # a fallback yields to the rules' reading of the pair, whatever it was, and to a
            # rule that gave the subject its object in this sentence ("Y ..., the Oslo-based X")
            continue
        why = blocked(doc[c.anchor], ctx, phrase=c.phrase)
        if why in {"negated", "denied"}:
            # "Haddad has not joined the company and does not advise it" outweighs a
            # report elsewhere in the article that he does
            denied.update({(c.subject, prop, c.object), (c.object, prop, c.subject)})
        if why or (onto.properties[prop].occurrent and future(doc[c.anchor], ctx)):
            continue
        si, oi = c.subject, c.object
        if onto.properties[prop].symmetric and (o.label, o.cls) < (s.label, s.cls):
            si, oi, s, o = oi, si, o, s
        sent = ctx.sents[ctx.sent_index[c.anchor]]
        key = (si, prop, oi, sent.start)
        if key not in out or out[key].confidence < c.confidence:
            out[key] = Relation(s, prop, o, sent.start_char, sent.end_char, c.confidence, c.rule)
    cancelled = removals(ctx)
    return [r for (si, prop, oi, _), r in out.items() if (si, oi) not in cancelled and (si, prop, oi) not in denied]

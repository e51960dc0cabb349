"""Where an organisation is: "Shenzhen-based X", "headquartered in Y" (``kg:locationCue``),
"the Bank of X in Y", and nationality words before an organisation ("the German carmaker X")."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ....ontology import Ontology
from ...entities import Entities, Entity
from ..candidate import Candidate
from ..context import Context
from ..document import context
from ..registry import proposers
from ...entities import lexicon
from ..syntax import subjects


def location_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    doc = ctx.doc
    for tok in ctx.scan(sent, ctx.trig.location_cues):
        props = ctx.trig.location_cues.get(tok.lower_)
        if props:
            place = None
            if tok.i >= 2 and doc[tok.i - 1].text == "-":
                place = ctx.entity(doc[tok.i - 2])
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in {"in", "at"}:
                    place = place or next((ctx.entity(p) for p in c.children if p.dep_ == "pobj" and ctx.entity(p)), None)
            if place is None:
                continue
            orgs = []
            head = tok.head
            if tok.dep_ in {"amod", "acl", "compound"}:
                orgs = ctx.group(head)
                if not orgs and head.dep_ == "appos":
                    orgs = ctx.group(head.head)
                if not orgs:
                    orgs = [e for c in head.children if c.dep_ == "appos" for e in ctx.group(c)]
                if not orgs and tok.dep_ != "acl":
                    nxt = _entity_after_descriptors(tok, ctx)
                    orgs = [nxt] if nxt is not None and nxt is not place else []
            else:
                orgs = subjects(tok, ctx) or [e for c in tok.children if c.dep_ == "nsubjpass" for e in ctx.group(c)]
            for o in orgs:
                for p in props:
                    yield ctx.candidate(o, p, place, tok, "location-cue", 0.85, phrase=tok.dep_ in {"amod", "compound", "acl"})
    # "Manufacturers Hanover Trust Co. of New York", "the Bank of X in Y"
    for tok in ctx.scan(sent, entities=True):
        org = ctx.entity(tok)
        if org is None or org.guessed or not ctx.cls_is(org, "Organization") or ctx.cls_is(org, "PoliticalParty"):
            continue
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in {"of", "in"} and ctx.entity(c) is not org:
                for w in c.children:
                    place = ctx.entity(w) if w.dep_ == "pobj" else None
                    if place is not None and place is not org and ctx.cls_is(place, "Place"):
                        for prop in ctx.onto.properties.values():
                            if prop.location_cues:
                                yield ctx.candidate(org, prop.name, place, tok, "location-of", 0.6, phrase=True)
    # nationality or city word in an organisation's phrase: "the German carmaker X", "Chinese telecoms giant X"
    place_props = [p for p in ctx.onto.properties.values() if p.location_cues]
    for tok in ctx.scan(sent, entities=True):
        place = ctx.entity(tok)
        if place is None or not ctx.cls_is(place, "Place") or tok.dep_ not in {"amod", "compound", "poss", "nmod"}:
            continue
        if tok.i + 1 < len(doc) and ctx.entity(doc[tok.i + 1]) is place:
            continue
        head = tok.head
        org = ctx.entity(head)
        if org is None or org is place:
            if head.pos_ != "NOUN" or head.lower_ in lexicon(ctx.onto).role_words:
                continue    # "a former U.S. ambassador": a person's role, not an organisation's home
            org = (next((ctx.entity(c) for c in head.children if c.dep_ == "appos" and ctx.entity(c)), None)
                   or (ctx.entity(head.head) if head.dep_ in {"appos", "compound"} else None))
            if org is None:
                org = _entity_after_descriptors(head, ctx)
        if org is None or org is place or ctx.cls_is(org, "PoliticalParty") or org.cls == "Person":
            continue
        for place_prop in place_props:
            yield ctx.candidate(org, place_prop.name, place, tok, "location-modifier", 0.75, phrase=True)


def _entity_after_descriptors(tok: Token, ctx: Context) -> Entity | None:
    """The name a run of descriptor words leads to: 'telecoms giant Huawei'."""
    doc = tok.doc
    for t in doc[tok.i + 1: tok.i + 4]:
        if ctx.entity(t) is not None:
            return ctx.entity(t)
        if t.pos_ not in {"NOUN", "ADJ"} or t.is_title:
            return None
    return None


@proposers.register("kgingest.location.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Where organisations are based."""
    ctx = context(doc, entities, onto)
    for sent in ctx.sents:
        yield from location_rules(ctx.at(sent.end), sent)

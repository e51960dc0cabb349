"""Where an organisation is, read from its own name (in an introduction) and from the place a description puts
it in: "the University of Leeds" and "Leeds Symphony Orchestra" are in Leeds (a place the
text also names on its own); "X is a hospital in Leeds, West Yorkshire" and "X, a school
in Y" put X in each place of the "City, Region" run."""
from __future__ import annotations

import re
from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ....ontology import Ontology, per_ontology
from ...entities import Entities, Entity
from ..candidate import Candidate
from ..context import Context
from ..document import by_sentence, context
from ..registry import proposers
from ..syntax import subjects
from .country import introduces

LOCATED = frozenset({"locate", "situate"})


def _place_props(onto: Ontology) -> list[str]:
    return [p.name for p in onto.properties.values() if p.location_cues]


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text.lower()))


def _contains(name: tuple[str, ...], part: tuple[str, ...]) -> bool:
    k = len(part)
    return 0 < k < len(name) and any(name[i:i + k] == part for i in range(len(name) - k + 1))


def named_seats(ctx: Context) -> Iterator[Candidate]:
    """An organisation whose name holds the name of a place the text names apart, in an
    introduction (:func:`.country.introduces`): news leaves such facts implied."""
    if not introduces(ctx):
        return
    places = [(p, {_words(m.text) for m in p.mentions} | {_words(p.label)})
              for p in ctx.ents.items if ctx.cls_is(p, "Place") and p.cls != "Country" and p.mentions]
    if not places:
        return
    props = _place_props(ctx.onto)
    for org in ctx.ents.items:
        if not org.mentions or not ctx.cls_is(org, "Organization") or ctx.cls_is(org, "PoliticalParty"):
            continue
        names = {_words(m.text) for m in org.mentions} | {_words(org.label)}
        for place, forms in places:
            if place is org or forms & names:
                continue
            if any(_contains(n, f) for n in names for f in forms):
                anchor = ctx.doc[org.mentions[0].start]
                for prop in props:
                    yield ctx.candidate(org, prop, place, anchor, "placement-name", 0.6, phrase=True)


def _run(place_tok: Token, ctx: Context) -> list[Entity]:
    """The places of a 'City, Region, Country' run that starts at this token."""
    doc = ctx.doc
    out: list[Entity] = []
    i = place_tok.i
    sent_end = ctx.sents[ctx.sent_index[i]].end
    while i < sent_end:
        place = ctx.entity(doc[i])
        if place is None or not ctx.cls_is(place, "Place") or place in out:
            break
        out.append(place)
        while i < sent_end and ctx.entity(doc[i]) is place:
            i += 1
        if i + 1 < sent_end and doc[i].text == ",":
            i += 1
            continue
        break
    return out


def _kind_words(onto: Ontology) -> frozenset[str]:
    """The words that name a kind of organisation ("school", "company", "club"): every
    organisation class's cue words, lower-cased."""
    return frozenset(w.lower() for c in onto.classes.values() if onto.is_a(c.name, "Organization")
                     for w in c.cue_words if " " not in w)


kind_words = per_ontology(_kind_words)


def _described_org(noun: Token, ctx: Context) -> Entity | None:
    """The organisation a predicate or appositive noun of an organisation kind describes:
    "X is a school", "X, a record company" (not "X is a former chief in Y")."""
    ent = ctx.entity(noun)
    if ent is not None:
        return ent if ctx.cls_is(ent, "Organization") else None
    if noun.lemma_.lower() not in kind_words(ctx.onto):
        return None
    if noun.dep_ == "attr":
        subj = [ctx.entity(c) for c in noun.head.children if c.dep_ in {"nsubj", "nsubjpass"}]
    elif noun.dep_ == "appos":
        subj = [ctx.entity(noun.head)]
    else:
        return None
    org = subj[0] if len(subj) == 1 else None
    if org is None or not ctx.cls_is(org, "Organization") or ctx.cls_is(org, "PoliticalParty"):
        return None
    return org


def _located_org(verb: Token, ctx: Context) -> Entity | None:
    """The organisation "based/headquartered/located in" is said of: the noun the
    participle qualifies ("a company based in Y") or the clause's subject ("X is located in Y")."""
    if verb.lower_ not in ctx.trig.location_cues and verb.lemma_.lower() not in LOCATED:
        return None
    if verb.dep_ in {"acl", "amod"}:
        head = verb.head
        return _described_org(head, ctx) if head.pos_ == "NOUN" else (
            ent if (ent := ctx.entity(head)) is not None and ctx.cls_is(ent, "Organization") else None)
    orgs = [e for e in subjects(verb, ctx) if ctx.cls_is(e, "Organization") and not ctx.cls_is(e, "PoliticalParty")]
    return orgs[0] if len(orgs) == 1 else None


def seat_phrases(ctx: Context, sent: Span) -> Iterator[Candidate]:
    """"X is a university in Y", "X, a record label in Y, Z": a place after "in" that
    qualifies the noun describing an organisation."""
    props = _place_props(ctx.onto)
    for prep in ctx.scan(sent, {"in"}):
        if prep.dep_ != "prep" or prep.head.pos_ not in {"NOUN", "VERB"}:
            continue
        objs = [c for c in prep.children if c.dep_ == "pobj"]
        if not objs:
            continue
        places = _run(ctx.doc[objs[0].left_edge.i], ctx) if ctx.entity(objs[0]) is not None else []
        if not places:
            continue
        org = _described_org(prep.head, ctx) if prep.head.pos_ == "NOUN" else _located_org(prep.head, ctx)
        if org is None or org in places:
            continue
        for place in places:
            if _words(place.label) == _words(org.label):
                continue
            for prop in props:
                yield ctx.candidate(org, prop, place, prep, "placement-phrase", 0.7, phrase=True)


@proposers.register("kgingest.placement.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Organisations placed by their names and by the descriptions that place them."""
    yield from named_seats(context(doc, entities, onto))
    yield from by_sentence(seat_phrases, doc, entities, onto)

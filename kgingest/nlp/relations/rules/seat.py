"""Where an organisation is, said by the rest of an address or by its own name:
"the Corvane Co. of Millbrook, Ohio" and "based in Easton, Pa." (the state after the city
as well), "the University of X at Y" (the campus town), "the bank's Leeds headquarters", "a
patient at the Halden Clinic in Tromso" (the place after the name), "the Chinese Foreign Ministry"
(a country's name or demonym opening the name, when the text names that country)
-> basedIn (every property with ``kg:locationCue``).

A name's country is a fallback: a pair a rule spoke about keeps the rule's reading."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ....ontology import Ontology
from ...entities import Entities, Entity
from ..candidate import Candidate
from ..context import Context
from ..document import by_sentence
from ..registry import proposers

ADDRESS_PREPS = {"of", "in", "at"}


def _organisation(tok: Token, ctx: Context) -> Entity | None:
    e = ctx.entity(tok)
    if e is None or not ctx.cls_is(e, "Organization") or ctx.cls_is(e, "PoliticalParty"):
        return None
    return e


def _place(tok: Token, ctx: Context) -> Entity | None:
    e = ctx.entity(tok)
    return e if e is not None and ctx.cls_is(e, "Place") else None


def _address(place_tok: Token, ctx: Context) -> list[Entity]:
    """The places of 'Toledo, Ohio': the place and the one in apposition after a comma."""
    first = _place(place_tok, ctx)
    if first is None:
        return []
    out = [first]
    for c in place_tok.children:
        if c.dep_ in {"appos", "conj", "npadvmod"} and c.i > place_tok.i and ctx.doc[c.i - 1].text == ",":
            second = _place(c, ctx)
            if second is not None and second is not first:
                out.append(second)
    return out


def seat_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    props = [p.name for p in ctx.onto.properties.values() if p.location_cues]
    if not props:
        return
    cues = {w.lower() for p in ctx.onto.properties.values() for w in p.location_cues}
    for tok in ctx.scan(sent, ADDRESS_PREPS):
        if tok.dep_ != "prep":
            continue
        head = tok.head
        org = _organisation(head, ctx)
        cued = org is None and head.lower_ in cues and head.dep_ in {"acl", "amod", "relcl"}
        if cued:
            org = _organisation(head.head, ctx)     # "X, based in Easton, Pa.": the state too
        if org is None or ctx.entity(tok) is org or org.guessed:
            continue    # spaCy's label alone is too weak to place it (as for the location family)
        for p in tok.children:
            if p.dep_ != "pobj":
                continue
            places = _address(p, ctx)
            # "of"/"in" and the cue's own place are the location family's; the rest of the
            # address, and "at" (the campus of "the University of X at Y"), are new
            todo = places[1:] if tok.lower_ in {"of", "in"} or cued else places
            for place in todo:
                if place is not org:
                    for prop in props:
                        # not a fallback: it completes the location family's fact, which fills the slot
                        yield ctx.candidate(org, prop, place, tok, "seat-address", 0.6, phrase=True)
    yield from _next_to(ctx, sent, props)
    yield from _headquarters(ctx, sent, props, cues)
    yield from _named_country(ctx, sent, props)


def _next_to(ctx: Context, sent: Span, props: list[str]) -> Iterator[Candidate]:
    """'the Halden Clinic in Tromso, Norway' where the parser hung "in" on a word before
    the name: the place right after an organisation's name (a fallback)."""
    doc = ctx.doc
    for tok in ctx.scan(sent, {"in"}):
        if tok.dep_ != "prep" or tok.i == sent.start or ctx.entity(tok.head) is not None:
            continue    # on the organisation itself: the location family's
        org = _organisation(doc[tok.i - 1], ctx)
        if org is None or org.guessed or tok.i + 1 >= sent.end:
            continue
        for p in tok.children:
            if p.dep_ == "pobj" and p.i in range(tok.i + 1, tok.i + 4):
                for place in _address(p, ctx):
                    if place is not org:
                        for prop in props:
                            yield ctx.candidate(org, prop, place, tok, "seat-next", 0.55, phrase=True, fallback=True)


def _headquarters(ctx: Context, sent: Span, props: list[str], cues: set[str]) -> Iterator[Candidate]:
    """'the bank's Leeds headquarters', 'Norvia Bank's headquarters in Leeds, England': a
    cue noun whose owner is an organisation and whose modifier or preposition is a place."""
    for tok in ctx.scan(sent, cues, pos={"NOUN", "PROPN"}):
        if ctx.entity(tok) is not None:
            continue
        owner = next((e for c in tok.children if c.dep_ in {"poss", "compound"} for e in [_organisation(c, ctx)]
                      if e is not None), None)
        if owner is None:
            continue
        places: list[Entity] = []
        for c in tok.children:
            if c.dep_ in {"compound", "nmod", "amod"} and c.i < tok.i:
                places += [e for e in _address(c, ctx) if e not in places]
            elif c.dep_ == "prep" and c.lower_ in {"in", "at"}:
                places += [e for p in c.children if p.dep_ == "pobj" for e in _address(p, ctx) if e not in places]
        for place in places:
            if place is not owner:
                for prop in props:
                    yield ctx.candidate(owner, prop, place, tok, "seat-headquarters", 0.75, phrase=True)


def _named_country(ctx: Context, sent: Span, props: list[str]) -> Iterator[Candidate]:
    """'the Chinese Foreign Ministry', 'the Russian Statistics Committee': an organisation
    whose name opens with a country's name or demonym is of that country."""
    countries = [e for e in ctx.ents.items if e.cls == "Country"]
    if not countries:
        return
    seen: set[int] = set()
    for tok in ctx.scan(sent, entities=True):
        org = _organisation(tok, ctx)
        if org is None or id(org) in seen:
            continue
        mention = next((m for m in org.mentions if m.start <= tok.i < m.end), None)
        if mention is None or mention.end - mention.start < 2 or tok.i != mention.start:
            continue
        seen.add(id(org))
        if org.label.split()[-1] in {"of", "for", "and", "the", "de"}:
            continue        # a name cut short ("Association of"): not the organisation the text names
        firsts = {w[1] if w[0].lower() == "the" else w[0] for name in (org.label, *org.aliases)
                  for w in [name.split()] if len(w) >= 2 + (w[0].lower() == "the")}
        # the name itself opens with the word (not a mention the entity's name lost it from)
        country = next((c for w in sorted(firsts) for c in [_country_of_word(w, countries, ctx)] if c), None)
        if country is not None and country is not org:
            for prop in props:
                yield ctx.candidate(org, prop, country, tok, "seat-name", 0.6, phrase=True, fallback=True)


def _country_of_word(word: str, countries: list[Entity], ctx: Context) -> Entity | None:
    """The country entity of the text that a word names by name, alias or demonym."""
    for c in ctx.onto.countries:
        if word in (c.name, *c.aliases, *c.demonyms):
            names = {c.name, *c.aliases}
            return next((e for e in countries if {e.label, *e.aliases, e.canonical or ""} & names), None)
    return None



@proposers.register("kgingest.seat.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Where organisations are, from addresses and their names."""
    yield from by_sentence(seat_rules, doc, entities, onto)

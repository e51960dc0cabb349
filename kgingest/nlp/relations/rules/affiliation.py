"""Where a person works, said by a preposition or an occupation rather than a title:
"X at the Institute of Y", "X, an ecologist at Y", "X, an agricultural engineer with Y's
research service" -> worksFor (the property marked ``kg:affiliation``).

An occupation is a common noun in apposition to the name that is not a title the role
family reads (``kg:roleNoun``) and that ends like a word for a person's trade
(``kg:occupationSuffix``: "ecologist", "physiologist", "jeweler"), unless it names a
relation to the organisation that is no employment (``kg:nonOccupation``: "member",
"customer", "critic"). The facts are fallbacks: a pair a rule spoke about keeps the rule's
reading ("X, chief executive of Y" stays headOf)."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ....ontology import Ontology
from ...entities import Entities, Entity
from ..candidate import Candidate
from ..context import Context
from ..document import by_sentence
from ..guards import former
from ..registry import proposers
from ..roles import membership

PREPS = {"at", "with", "of", "from"}        # "X at Y", "X of Y": the person's own preposition
LOOSE_PREPS = {"of", "from"}                # ... which a lawmaker's title turns to a party
OCCUPATION_PREPS = {"at", "with", "for", "of"}
NOT_EMPLOYERS = ("PoliticalParty", "Legislature")   # membership, which the group family reads


def _employer(pobj: Token, ctx: Context) -> Entity | None:
    """The organisation a preposition's object names: itself, or the owner of a part of
    it ("with the ministry's research service", "at the university's law school")."""
    e = ctx.entity(pobj)
    if e is None:
        e = next((ctx.entity(c) for c in pobj.children if c.dep_ in {"poss", "compound"} and ctx.entity(c)), None)
    if e is None or not ctx.cls_is(e, "Organization") or any(ctx.cls_is(e, c) for c in NOT_EMPLOYERS):
        return None
    return e


def _conjoined_people(tok: Token, ctx: Context) -> list[Entity]:
    """The people a name is the last conjunct of: "A and B" -> [A] for B."""
    out: list[Entity] = []
    t = tok
    while t.dep_ == "conj" and t.head.i < t.i:
        t = t.head
        e = ctx.entity(t)
        if e is None or e.cls != "Person":
            break
        out.append(e)
    return out


def _occupation(noun: Token, ctx: Context) -> bool:
    """A common noun for a person's trade that no title rule reads."""
    low = noun.lemma_.lower()
    if noun.pos_ != "NOUN" or ctx.entity(noun) is not None or low in ctx.trig.roles or noun.lower_ in ctx.trig.roles:
        return False
    if low in ctx.words("nonOccupation") or noun.lower_ in ctx.words("nonOccupation"):
        return False
    return any(low.endswith(s) and len(low) > len(s) + 2 for s in ctx.words("occupationSuffix"))


def affiliation_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    prop = next((p.name for p in ctx.onto.properties.values() if p.affiliation), None)
    if prop is None:
        return
    member = membership(ctx.onto)
    for tok in ctx.scan(sent, entities=True):
        person = ctx.entity(tok)
        if person is None or person.cls != "Person" or ctx.entity(tok.head) is person:
            continue        # only the name's head word carries its prepositions and appositions
        if any(former(t, ctx) for t in tok.doc[max(sent.start, tok.i - 4):tok.i + 1]):
            continue
        first = next((m.start for m in person.mentions if m.start <= tok.i < m.end), tok.i)
        member_titled = any(member in ctx.trig.roles.get(t.lower_, ()) for t in
                            tok.doc[max(sent.start, first - 3):first])     # "MEP X", "Sen. X"
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in PREPS:
                # "X at the Institute of Y": the preposition hangs on the name
                for p in c.children:
                    body = _employer(p, ctx) if p.dep_ == "pobj" else None
                    if body is not None and body.guessed and c.lower_ in LOOSE_PREPS \
                            and (member_titled or tok.doc[c.i - 1].text == "," and tok.doc[c.i - 2].like_num):
                        continue    # "MEP X of the Y League": a party; "X, 30, of Y": a home town
                    if body is None or body is person:
                        continue
                    yield ctx.candidate(person, prop, body, c, "affiliation-at", 0.6, phrase=True, fallback=True)
                    # "A and B of Y": the preposition hangs on the last name of the pair; not a
                    # fallback, which would yield to B's fact filling Y's slot
                    for who in _conjoined_people(tok, ctx):
                        yield ctx.candidate(who, prop, body, c, "affiliation-pair", 0.55, phrase=True)
            elif c.dep_ == "appos" and not any(former(t, ctx) for t in c.children if t.i < c.i):
                # "X, an ecologist and entomologist at Y"
                nouns = [c] + [g for g in c.children if g.dep_ == "conj"]
                trade = any(_occupation(n, ctx) for n in nouns)
                if not trade and not any(n.lower_ in ctx.trig.roles or n.lemma_.lower() in ctx.trig.roles
                                         for n in nouns):
                    continue
                for n in nouns:
                    for pr in n.children:
                        if pr.dep_ != "prep" or pr.lower_ not in OCCUPATION_PREPS:
                            continue
                        for p in pr.children:
                            if p.dep_ != "pobj" or not trade and ctx.entity(p) is not None:
                                continue    # a title's own organisation is the role family's
                            body = _employer(p, ctx)
                            if body is not None and body is not person:
                                yield ctx.candidate(person, prop, body, n, "affiliation-occupation", 0.6,
                                                    phrase=True, fallback=True)



@proposers.register("kgingest.affiliation.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Employment said by a preposition on the name or an occupation beside it."""
    yield from by_sentence(affiliation_rules, doc, entities, onto)

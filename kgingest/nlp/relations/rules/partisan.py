"""The party a person is described as belonging to, in an encyclopedic introduction.

An introduction states a politician's party as a description of the person rather than
with a membership verb: "He is a Republican", "A Democrat, she has served ...", "X was
elected as a Labour candidate", "X is a politician, a member of the Green Party",
"X was a Conservative member of parliament". Each puts the party in a noun phrase that is
predicated of the person (a copula's complement, an "as" phrase, a fronted or appositive
description). News states party membership in its own ways (and the role family reads
them), so, like the country and placement families, this one reads introductions only
(:func:`.country.introduces`).
"""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Token

from ....ontology import Ontology
from ...entities import Entities, Entity
from ..candidate import Candidate
from ..context import Context
from ..document import context
from ..registry import proposers
from ..syntax import subjects
from .country import introduces

PROP = "memberOf"


def _described(t: Token, ctx: Context) -> list[Entity]:
    """Who a noun phrase headed by ``t`` is said of: the subject of the copula it completes
    ("X is a Republican"), of the verb its "as" phrase hangs on ("X was elected as a
    Democrat"), or of the clause it opens ("A Democrat, she ...")."""
    while t.dep_ == "appos" and t.head != t:
        t = t.head
    if t.dep_ == "attr" and t.head.lemma_ == "be":
        return subjects(t.head, ctx)
    if t.dep_ == "pobj" and t.head.lower_ == "as" and t.head.dep_ == "prep":
        verb = t.head.head
        return subjects(verb, ctx) + [e for c in verb.children if c.dep_ == "nsubjpass" for e in ctx.group(c)]
    sent = t.sent
    if t.dep_ == "npadvmod" and t.left_edge.i == sent.start and t.right_edge.i + 1 < sent.end \
            and t.doc[t.right_edge.i + 1].text == ",":
        return subjects(t.head, ctx)
    return []


def _party_heads(root: Token, ctx: Context) -> list[Token]:
    """The nouns that, said of a person, put them in the party ``root`` names: the party
    itself, the partisan noun its "of"/"for" phrase hangs on ("a member of the Greens", "a
    politician for the Labour Party"), or the partisan or role noun it modifies ("a Labour
    politician", "a Conservative member of parliament", "Labour candidate X")."""
    out = [root]
    head = root.head
    nouns = ctx.words("partisanNoun") | ctx.onto.properties[PROP].role_nouns
    if root.dep_ == "pobj" and head.lower_ in {"of", "for"} and head.head.lemma_.lower() in ctx.words("partisanNoun"):
        out.append(head.head)
    if root.dep_ in {"compound", "amod"} and head.pos_ in {"NOUN", "PROPN"} and head.lemma_.lower() in nouns:
        out.append(head)
    return out


def _named(noun: Token, ctx: Context) -> list[Entity]:
    """The person a partisan noun titles: "Labour candidate X"."""
    if noun.dep_ == "compound":
        person = ctx.entity(noun.head)
        if person is not None and person.cls == "Person":
            return [person]
    return []


@proposers.register("kgingest.partisan.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """People memberOf the party an introduction describes them by (see the module docstring)."""
    if PROP not in onto.properties:
        return
    ctx = context(doc, entities, onto)
    if not introduces(ctx):
        return
    for party in entities.items:
        if not ctx.cls_is(party, "PoliticalParty"):
            continue
        for m in party.mentions:
            root = m.span(doc).root
            for noun in _party_heads(root, ctx):
                for person in _described(noun, ctx) + _named(noun, ctx):
                    if person is not party and person.cls == "Person":
                        yield ctx.candidate(person, PROP, party, root, "partisan", 0.6)

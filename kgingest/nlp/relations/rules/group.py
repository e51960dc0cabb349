"""Groups and party tags: "Senate Republicans like X and Y", "Sen. X (R-Fla.)"."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span

from ....ontology import Ontology
from ...entities import Entities
from ..candidate import Candidate
from ..context import Context
from ..document import context
from ..registry import proposers
from ...entities import PARTY_TAG
from ..guards import former
from ..roles import membership


def group_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    """'Senate Republicans like X and Y': membership of every body named in the group;
    'Sen. X (D-Fla.)': membership of the party the tag names."""
    member = membership(ctx.onto)
    if member is None:
        return
    affiliation = next((p.name for p in ctx.onto.properties.values() if p.affiliation), None)
    for tok in ctx.scan(sent, {"like", "including", "as"}, entities=True):
        if (tok.lower_ in {"like", "including"} and tok.dep_ == "prep") or (tok.lower_ == "as" and tok.head.lower_ == "such"):
            head = tok.head if tok.lower_ != "as" else tok.head.head
            bodies = [e for t in head.subtree if t.i < tok.i for e in [ctx.entity(t)]
                      if e is not None and e.cls in ctx.onto.properties[member].range]
            people = [e for p in tok.children if p.dep_ == "pobj" for e in ctx.group(p) if e.cls == "Person"]
            for b in dict.fromkeys(bodies):
                for person in people:
                    yield ctx.candidate(person, member, b, tok, "group-like", 0.8, phrase=True)
        ent = ctx.entity(tok)
        if ent is not None and ent.cls == "Person":
            # "Jens Overbeck of the Social Democrats", "X, a Florida Democrat";
            # "Greg Thayer of the Forest Service": a bare affiliation
            for c in tok.children:
                near = [ctx.entity(c)] if c.dep_ == "appos" else [
                    ctx.entity(p) for p in c.children if c.dep_ == "prep" and c.lower_ in {"of", "from"} and p.dep_ == "pobj"]
                for body in near:
                    if body is not None and body.cls in {"PoliticalParty", "Legislature"}:
                        yield ctx.candidate(ent, member, body, tok, "group-of", 0.8, phrase=True)
                    elif body is not None and c.dep_ == "prep" and affiliation and ctx.cls_is(body, "Organization") \
                            and not body.guessed and not any(former(t, ctx) for t in tok.children if t.i < tok.i):
                        yield ctx.candidate(ent, affiliation, body, tok, "affiliation-of", 0.6, phrase=True)
        nxt = ctx.doc[tok.i + 2] if tok.i + 2 < len(ctx.doc) else None
        if ent is not None and ent.cls == "Person" and nxt is not None and ctx.doc[tok.i + 1].text == "(":
            party = ctx.entity(nxt)
            if party is not None and party.cls == "PoliticalParty" and PARTY_TAG.match(ctx.text, ctx.doc[tok.i + 1].idx):
                yield ctx.candidate(ent, member, party, tok, "party-tag", 0.85, phrase=True)


@proposers.register("kgingest.group.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Membership stated by a group or a party tag."""
    ctx = context(doc, entities, onto)
    for sent in ctx.sents:
        yield from group_rules(ctx.at(sent.end), sent)

"""Where someone works or belongs: "X is now at Y", "she is now with Y" -> the ontology's
affiliation property (``kg:affiliation``: worksFor); the time word is what makes it a job and
not a visit ("X is at the summit" says nothing of an employer). "X, of the Y party," -> a
member of the party; "X, of Acme Corp," -> works for it."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span

from ....ontology import Ontology
from ...entities import Entities
from ..candidate import Candidate
from ..context import Context
from ..document import by_sentence
from ..registry import proposers
from ..roles import membership
from ..syntax import subjects

NOW = {"now", "currently"}
PLACES = {"at", "with"}


def career_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    props = [p.name for p in sorted(ctx.onto.properties.values(), key=lambda p: p.priority) if p.affiliation]
    if not props:
        return
    for be in ctx.scan(sent, lemmas={"be"}, pos={"AUX", "VERB"}):
        if not any(c.dep_ == "advmod" and c.lower_ in NOW for c in be.children):
            continue
        orgs = [e for c in be.children if c.dep_ == "prep" and c.lower_ in PLACES
                for p in c.children if p.dep_ == "pobj" for e in ctx.group(p) if ctx.cls_is(e, "Organization")]
        for person in subjects(be, ctx):
            for org in orgs:
                for prop in props:
                    if ctx.onto.allows(prop, person.cls, org.cls):
                        yield ctx.candidate(person, prop, org, be, "career-now", 0.75)
                        break


def name_of_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    """'X, of the Y party, said', 'X, of Acme Corp, said': the body a name is given with."""
    doc = ctx.doc
    member = membership(ctx.onto)
    props = [p.name for p in sorted(ctx.onto.properties.values(), key=lambda p: p.priority) if p.affiliation]
    for of in ctx.scan(sent, {"of"}):
        i = of.i
        person = ctx.entity(doc[i - 2]) if i >= 2 and doc[i - 1].text == "," else None
        if person is None or person.cls != "Person":
            continue
        j = i + 1
        while j < sent.end and doc[j].pos_ in {"DET", "ADJ"} and ctx.entity(doc[j]) is None:
            j += 1      # "of the leftist Y coalition"
        org = ctx.entity(doc[j]) if j < sent.end else None
        if org is None or not ctx.cls_is(org, "Organization"):
            continue
        k = j
        while k < sent.end and ctx.entity(doc[k]) is org:
            k += 1
        if k < sent.end and doc[k].pos_ == "NOUN":
            k += 1      # "coalition", "party"
        if k < sent.end and doc[k].text not in {",", ")", ".", ";"}:
            continue    # "X, of the Y party's bench": not the name's own tag
        party = ctx.cls_is(org, "PoliticalParty") or ctx.cls_is(org, "Legislature")
        for prop in ([member] if party and member else props):
            if ctx.onto.allows(prop, person.cls, org.cls):
                yield ctx.candidate(person, prop, org, of, "name-of", 0.75, phrase=True)
                break


def rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    yield from career_rules(ctx, sent)
    yield from name_of_rules(ctx, sent)


@proposers.register("kgingest.career.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """'X is now at Y': a current employer."""
    yield from by_sentence(rules, doc, entities, onto)

"""Where someone works now, said with a plain copula: "X is now at Y", "she is now with Y"
-> the ontology's affiliation property (``kg:affiliation``: worksFor). The time word is what
makes it a job and not a visit: "X is at the summit" says nothing of an employer."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span

from ....ontology import Ontology
from ...entities import Entities
from ..candidate import Candidate
from ..context import Context
from ..document import by_sentence
from ..registry import proposers
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


@proposers.register("kgingest.career.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """'X is now at Y': a current employer."""
    yield from by_sentence(career_rules, doc, entities, onto)

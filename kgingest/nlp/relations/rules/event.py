"""Event nouns: "talks between X and Y", "a call with Y" (``kg:eventNoun``)."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span

from ....ontology import Ontology
from ...entities import Entities
from ..candidate import Candidate
from ...lang.en import OBJ
from ..context import Context
from ..document import by_sentence
from ..registry import proposers
from ..syntax import prep_objects, subjects


def event_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    for noun in ctx.scan(sent, ctx.trig.events, lemmas=ctx.trig.events, pos={"NOUN", "VERB"}):
        for prop, trig in ctx.trig.events.get(noun.lemma_.lower(), []) + ctx.trig.events.get(noun.lower_, []):
            if trig.lemma.split()[-1] not in {noun.lemma_.lower(), noun.lower_}:
                continue
            if trig.prep in {"between", "of"} and prop and ctx.onto.properties[prop].symmetric:
                parts = prep_objects(noun, trig.prep, ctx, depth=0)
                for i, a in enumerate(parts):
                    for b in parts[i + 1:]:
                        yield ctx.candidate(a, prop, b, noun, "event-between", 0.75)
                continue
            objs = prep_objects(noun, trig.prep, ctx, depth=0) if trig.prep else []
            verb = noun.head if noun.dep_ in OBJ | {"pobj", "attr", "nsubj"} else noun
            if noun.dep_ == "pobj":
                verb = noun.head.head
            subs = [e for c in noun.children if c.dep_ == "poss" for e in [ctx.resolve(c)] if e] or subjects(verb, ctx)
            for s in subs:
                for o in objs:
                    yield ctx.candidate(s, prop, o, noun, "event-" + (trig.prep or "noun"), 0.75)
            if ctx.onto.properties[prop].symmetric and not objs and len(subs) > 1 and noun.tag_ == "NNS":
                for i, a in enumerate(subs):
                    for b in subs[i + 1:]:
                        yield ctx.candidate(a, prop, b, noun, "event-together", 0.7)


@proposers.register("kgingest.event.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Event nouns with their participants."""
    yield from by_sentence(event_rules, doc, entities, onto)

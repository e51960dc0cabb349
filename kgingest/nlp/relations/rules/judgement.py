"""A speaker who says the object made "a catastrophic mistake" (``kg:judgementNoun``)."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ....ontology import Ontology
from ...entities import Entities
from ..candidate import Candidate
from ...lang.en import OBJ, SUBJ
from ..context import Context
from ..document import by_sentence
from ..registry import proposers
from ..guards import ancestors
from ..speech import speech as speech_of
from ..syntax import subjects


def judgement_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    """'X said Y has made a catastrophic mistake', 'X called Y's plan a mistake'."""
    speech = ctx.words("speechVerb")
    quotes = speech_of(ctx)
    for noun in ctx.scan(sent, lemmas=ctx.trig.judgements, pos={"NOUN"}):
        props = ctx.trig.judgements.get(noun.lemma_.lower())
        if not props:
            continue
        clause = noun.head
        target = None
        if noun.dep_ in {"dobj", "attr"}:
            target = next((e for c in clause.children if c.dep_ in SUBJ for e in [ctx.resolve(c)] if e), None)
            if target is None:
                target = next((ctx.owner(c) for c in clause.children if c.dep_ in SUBJ and ctx.owner(c)), None)
        verb: Token | None
        obj: Token | None
        if noun.dep_ == "appos" and clause.dep_ in OBJ:
            noun, clause = clause, clause.head     # 'called Overbeck's plan "a mistake"'
            verb, obj = clause, noun
        elif noun.dep_ == "oprd" or (noun.dep_ == "pobj" and noun.head.lower_ == "as"):
            verb = clause if noun.dep_ == "oprd" else clause.head
            obj = next((c for c in verb.children if c.dep_ in OBJ), None)
        else:
            verb = obj = None
        if verb is not None:
            if obj is not None:
                target = ctx.resolve(obj) or ctx.owner(obj)
            speakers = subjects(verb, ctx)
            for s in speakers:
                if target is not None and s is not target:
                    for p in props:
                        yield ctx.candidate(s, p, target, verb, "judgement-call", 0.75)
            continue
        if target is None:
            continue
        # the speaker: subject of the saying verb above the clause, or beside it ("..., Rubio tweeted")
        for t in ancestors(clause, 5):
            if t.lemma_.lower() in speech and t != clause:
                for s in subjects(t, ctx):
                    if s is not target:
                        for p in props:
                            yield ctx.candidate(s, p, target, t, "judgement-quote", 0.7)
                break
        else:
            root = sent.root
            if root.lemma_.lower() in speech and clause != root:
                for s in subjects(root, ctx):
                    if s is not target:
                        for p in props:
                            yield ctx.candidate(s, p, target, root, "judgement-quote", 0.7)
            elif (said := quotes.by_sentence.get(ctx.sent_index[noun.i])) is not None and said.inherited \
                    and quotes.inside(noun):
                # a quote paragraph whose speaker is named in the lead-in, a heading or "..., he said"
                for s in said.speakers:
                    if s is not target:
                        for p in props:
                            yield ctx.candidate(s, p, target, clause, "judgement-quote", 0.7)


@proposers.register("kgingest.judgement.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Judgements a speaker passes on someone."""
    yield from by_sentence(judgement_rules, doc, entities, onto)

"""A speaker quoted blaming someone: '"X's speech is a compilation of lies," said Y',
'Y said X had "lost the trust of every county judge"', a quote paragraph under a line
that names its speaker.

The quoted words must carry blame (:mod:`..valence`) in the predicate of a clause whose
subject is the target, or the target's thing ("X's handling of the tender stinks"). The
property is the one the ontology gives judgements (``kg:judgementNoun``): criticizes.
"""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ....ontology import Ontology
from ...entities import Entities, Entity
from ..candidate import Candidate
from ..context import Context
from ..document import context
from ...lang.en import FIRST_PERSON, SUBJ
from ..registry import proposers
from ..speech import Attribution, Speech, speech
from ..syntax import subjects
from ..valence import blame_words

CLAUSE_SUBJ = SUBJ - {"nsubjpass"}      # the one who acts, not the one acted on


def _own_subject(tok: Token) -> bool:
    return any(c.dep_ in CLAUSE_SUBJ | {"nsubjpass"} for c in tok.children)


def predicate(head: Token, subj: Token) -> Iterator[Token]:
    """The clause's words outside its subject and outside clauses with a subject of their own."""
    todo = [c for c in head.children if c.i != subj.i]
    yield head
    while todo:
        t = todo.pop()
        if _own_subject(t):
            continue
        yield t
        todo.extend(t.children)


def targets(subj: Token, ctx: Context) -> list[Entity]:
    """Who the subject names: the entities themselves, or the owner of a thing ("X's plan")."""
    if subj.lower_ in FIRST_PERSON:
        return []
    found = ctx.group(subj)
    if not found and subj.pos_ in {"NOUN", "PROPN"}:
        owner = ctx.owner(subj)
        found = [owner] if owner is not None else []
    return found


def _negated(tok: Token) -> bool:
    return any(c.dep_ == "neg" for c in tok.children) or any(c.dep_ == "neg" for c in tok.head.children
                                                              if tok.dep_ in {"acomp", "attr", "dobj"})


def quote_rules(ctx: Context, sent: Span, said: Attribution, sp: Speech, blame: frozenset[str],
                props: tuple[str, ...]) -> Iterator[Candidate]:
    anchor = ctx.doc[said.anchor]
    content: set[int] = set()
    if not said.inherited:
        for c in anchor.children:
            if c.dep_ in {"ccomp", "xcomp"}:
                content.update(t.i for t in c.subtree)
    for head in sent:
        if head.i == said.anchor or not (sp.inside(head) or head.i in content or said.inherited):
            continue
        for subj in head.children:
            if subj.dep_ not in CLAUSE_SUBJ:
                continue
            words = [t for t in predicate(head, subj) if sp.inside(t)]
            if not any((t.lower_ in blame or t.lemma_.lower() in blame) and not _negated(t) for t in words):
                continue
            for target in targets(subj, ctx):
                for speaker in said.speakers:
                    if speaker is not target:
                        for p in props:
                            yield ctx.candidate(speaker, p, target, head, "quote-blame", 0.65)


def _complements(verb: Token, obj: Token) -> Iterator[Token]:
    """What a verb of labelling says its object is: 'called X "reckless"', 'calling X's plan
    "a maze built to exhaust people"', 'dismissed X as "a tourist"'."""
    for c in verb.children:
        if c.dep_ == "oprd" and c.i > obj.i:
            yield c
        elif c.dep_ == "prep" and c.lower_ == "as":
            yield from (p for p in c.children if p.dep_ == "pobj")
    yield from (c for c in obj.children if c.dep_ == "appos")


def label_rules(ctx: Context, sent: Span, sp: Speech, blame: frozenset[str],
                props: tuple[str, ...]) -> Iterator[Candidate]:
    """'X called Y's appeals process "a bureaucratic maze designed to exhaust people"': a quoted
    label with blame, given to an entity or to its thing by the verb's subject."""
    for obj in sent:
        if obj.dep_ not in {"dobj", "obj"} or obj.head.pos_ != "VERB":
            continue
        verb = obj.head
        words = [t for comp in _complements(verb, obj) for t in comp.subtree if sp.inside(t)]
        if not any((t.lower_ in blame or t.lemma_.lower() in blame) and not _negated(t) for t in words):
            continue
        found = targets(obj, ctx)
        if not found:
            continue
        for speaker in subjects(verb, ctx):
            for target in found:
                if speaker is not target:
                    for p in props:
                        yield ctx.candidate(speaker, p, target, verb, "quote-label", 0.65)


@proposers.register("kgingest.quote.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Blame in a speaker's quoted words."""
    ctx = context(doc, entities, onto)
    props = tuple(dict.fromkeys(p for ps in ctx.trig.judgements.values() for p in ps))
    if not props:
        return
    sp = speech(ctx)
    blame = blame_words(onto)
    for n, said in sorted(sp.by_sentence.items()):
        sent = ctx.sents[n]
        yield from quote_rules(ctx.at(sent.end), sent, said, sp, blame, props)
    for sent in ctx.sents:
        if any(sp.inside(t) for t in sent):
            yield from label_rules(ctx.at(sent.end), sent, sp, blame, props)

"""Builds the per-document :class:`~.context.Context` once, before any proposer runs."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from spacy.tokens import Doc, Span

from ...ontology import Ontology
from ..entities import Entities
from ..pipeline import sentences, text as doc_text, token_strings
from .candidate import Candidate
from .context import Context, triggers
from .roles import role_hits
from .speech import SPEECH_KEY

CONTEXT_KEY = "kgingest.relations.context"


def build(doc: Doc, entities: Entities, onto: Ontology) -> Context:
    """The context of one Doc: a pure function of the Doc, its entities and the ontology."""
    sents = sentences(doc)
    sent_index = {i: n for n, s in enumerate(sents) for i in range(s.start, s.end)}
    base = Context(doc, entities, onto, triggers(onto), sents, sent_index, doc_text(doc), token_strings(doc),
                   {e: i for i, e in enumerate(entities.items)})
    roles, titles = role_hits(base)
    return replace(base, titles=titles, roles=roles, bound=len(doc))


def context(doc: Doc, entities: Entities, onto: Ontology) -> Context:
    """:func:`build`, once per (Doc, entities, ontology): every proposer of a Doc shares it.
    Kept in ``doc.user_data`` until :func:`forget` (or :func:`kgingest.nlp.forget`)."""
    held = doc.user_data.get(CONTEXT_KEY)
    if held is not None and held.ents is entities and held.onto is onto:
        return held
    ctx = doc.user_data[CONTEXT_KEY] = build(doc, entities, onto)
    return ctx


def by_sentence(rule: Callable[[Context, Span], Iterator[Candidate]], doc: Doc, entities: Entities,
                onto: Ontology) -> Iterator[Candidate]:
    """Run a sentence-level rule family over a Doc, each sentence seeing the titles given
    up to its end (:meth:`Context.at`): what most rule families' proposers do."""
    ctx = context(doc, entities, onto)
    for sent in ctx.sents:
        yield from rule(ctx.at(sent.end), sent)


def forget(doc: Doc) -> None:
    doc.user_data.pop(CONTEXT_KEY, None)
    doc.user_data.pop(SPEECH_KEY, None)

"""The country of the organisations an encyclopedic introduction names.

A text that opens by defining its subject ("X is a Canadian politician ...", "X was
founded in ...") and goes on for a few sentences sets one frame for what it names: where
it names a single country, that is the country of its organisations; where it names
several, an organisation takes the country its own name holds ("the Norwegian Army"),
else the one country of the sentences it is named in, else the first sentence's. A head of
state or government titled without an organisation ("President X") heads the sentence's
or the text's country. News does not open so (a dateline, a reported event), and
one-sentence texts set no frame: neither gets these facts.
"""
from __future__ import annotations

import re
from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ....ontology import Ontology
from ...entities import Entities, Entity, lexicon
from ..candidate import Candidate
from ..context import Context
from ..document import context
from ..registry import proposers

MIN_SENTENCES = 3
# "X is/was founded in ...", "X (born ...) was ...": the passive participles of a definition
DEFINING_PARTICIPLES = frozenset({"locate", "found", "establish", "bear", "create", "form"})


def defines(sent: Span) -> bool:
    """Whether a sentence defines something: a copula with a predicate noun ("X is a Y")
    or a founding/birth/location passive ("X was established in ...")."""
    for t in sent:
        if t.lemma_ == "be" and any(c.dep_ == "attr" for c in t.children):
            return True
        if t.dep_ == "auxpass" and t.head.lemma_ in DEFINING_PARTICIPLES:
            return True
    return False


def introduces(ctx: Context) -> bool:
    """Whether the document is an introduction: it opens by defining its subject and goes
    on for a few sentences. Its facts are stated as the frame of the whole text, so what a
    name or the one country named implies is stated there, not merely implied."""
    return len(ctx.sents) >= MIN_SENTENCES and defines(ctx.sents[0])


def _countries_in_name(org: Entity, ctx: Context) -> set[str]:
    """The countries an organisation's name holds, by name or demonym: "the Norwegian Army"."""
    lex = lexicon(ctx.onto)
    out: set[str] = set()
    for text in {org.label, *(m.text for m in org.mentions)}:
        words = re.findall(r"[\w.'-]+", text)
        for k in (3, 2, 1):
            for i in range(len(words) - k + 1):
                if k < len(words) or k == 1:
                    found = lex.country_of(" ".join(words[i:i + k]))
                    if found:
                        out.add(found)
    return out


def _organisations(ctx: Context) -> Iterator[Entity]:
    for e in ctx.ents.items:
        if e.mentions and ctx.cls_is(e, "Organization"):
            yield e


@proposers.register("kgingest.country.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Organisations of a defining text basedIn its country (see the module docstring).

    An organisation typed from spaCy's label alone counts only where it shares a sentence
    with the country: such names are as often people or works as organisations."""
    ctx = context(doc, entities, onto)
    if not introduces(ctx):
        return
    countries = [e for e in entities.items if e.cls == "Country"]
    props = [p.name for p in onto.properties.values() if p.location_cues]
    if not countries:
        return
    # sentence -> the country it names; a sentence naming two is crowded
    named: dict[int, Entity] = {}
    crowded: set[int] = set()
    for c in countries:
        for m in c.mentions:
            n = ctx.sent_index[m.start]
            if named.setdefault(n, c) is not c:
                crowded.add(n)
    first: set[Entity] = {named[n] for n in (0,) if n in named and n not in crowded}
    by_name = {c.canonical or c.label: c for c in countries}
    for org in _organisations(ctx):
        sents = {ctx.sent_index[m.start] for m in org.mentions}
        own = {by_name[n] for n in _countries_in_name(org, ctx) if n in by_name}
        if own:
            if len(own) > 1:
                continue
            country = own.pop()
        elif len(countries) == 1:
            country = countries[0]
            if org.guessed and not sents & named.keys():
                continue
        else:
            local = {named[n] for n in sents if n in named}
            if not local and first and not org.guessed:
                local = set(first)
            if len(local) != 1 or sents & crowded:
                continue
            country = local.pop()
        anchor = doc[org.mentions[0].start]
        for prop in props:
            yield ctx.candidate(org, prop, country, anchor, "country-context", 0.5, phrase=True)
    yield from _state_heads(ctx, named, crowded, countries[0] if len(countries) == 1 else next(iter(first), None))


def _state_heads(ctx: Context, named: dict[int, Entity], crowded: set[int], frame: Entity | None) -> Iterator[Candidate]:
    """"President X", "X, the prime minister": a head of state or government of the
    sentence's one country, else of the text's, where the title ties X to no organisation."""
    doc = ctx.doc
    for hit in ctx.roles:
        if hit.described:
            continue
        tok = doc[hit.token]
        role = " ".join(t.lower_ for t in doc[hit.first:hit.token + 1])
        heads = [p for p in hit.props if role in ctx.onto.properties[p].state_roles]
        if not heads or _tied(tok, hit.first, ctx):
            continue
        n = ctx.sent_index[hit.token]
        country = named.get(n) if n not in crowded else None
        country = country or (frame if n not in crowded else None)
        if country is None:
            continue
        for prop in heads[:1]:
            yield ctx.candidate(hit.holder, prop, country, tok, "country-head", 0.5, phrase=True)


def _tied(tok: Token, first: int, ctx: Context) -> bool:
    """Whether a title names what it is the head of: "president of the club", "club president"."""
    doc = ctx.doc
    for t in doc[max(0, first - 3):tok.i + 1]:
        e = ctx.entity(t)
        if e is not None and e.cls != "Country" and e.cls != "Person":
            return True
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in {"of", "at", "for"}:
            for w in c.subtree:
                e = ctx.entity(w)
                if e is not None and e.cls != "Country":
                    return True
    return False

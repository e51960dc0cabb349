"""Rosters of appointees that share one title: "A, Special Adviser to the President on X;
B, Special Adviser on Y; and C, Special Adviser on Z" -> A, B and C each advise the
President. The list writes whom the title serves once, on its first entry; the later
entries repeat the title without it, and the parser hangs the entries anywhere, so the
entries are read from the surface: "NAME, TITLE", a title the ontology lists."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ....ontology import Ontology
from ...entities import Entities, Entity
from ..candidate import Candidate
from ..context import Context
from ..document import by_sentence
from ..guards import former
from ..registry import proposers
from ..roles import role_at

# prepositions that name whom a title serves ("adviser to X"); any other word after the
# title ("on Health", ";") leaves the entry to the roster's lead
SERVES = {"to"}
REACH = 4       # words after the preposition in which the served one is named ("to the President")


@dataclass(frozen=True)
class Entry:
    """One "NAME, TITLE" entry: the title's words, its last token, the person and, when the
    entry writes it, whom the title serves."""

    title: str
    token: int
    holder: Entity
    served: Entity | None
    own: bool               # the entry has its own preposition after the title


def _holder(first: int, sent: Span, ctx: Context) -> Entity | None:
    """The person named just before ", TITLE", past post-nominal letters ("X, QC, Title")."""
    doc = ctx.doc
    k = first - 1
    if k <= sent.start or doc[k].text != ",":
        return None
    k -= 1
    if k - 1 > sent.start and doc[k - 1].text == "," and doc[k].is_upper and doc[k].is_alpha and len(doc[k]) <= 4:
        k -= 2      # post-nominal letters: "X, SAN, Title"
    e = ctx.entity(doc[k])
    if e is None or e.cls != "Person" or not any(m.end == k + 1 for m in e.mentions):
        return None
    return e


def _served(tok: Token, sent: Span, ctx: Context) -> tuple[Entity | None, bool]:
    """(whom the title serves, whether a preposition of its own follows the title)."""
    doc = ctx.doc
    nxt = tok.i + 1
    if nxt >= sent.end or doc[nxt].lower_ not in SERVES:
        return None, nxt < sent.end and doc[nxt].pos_ == "ADP" and doc[nxt].lower_ not in {"on"}
    here = ctx.at(tok.i)
    for t in doc[nxt + 1:min(sent.end, nxt + 1 + REACH)]:
        if t.is_punct or t.pos_ == "ADP":
            break
        e = here.resolve(t)
        if e is not None:
            return e, True
    return None, True


def entries(ctx: Context, sent: Span) -> list[Entry]:
    """The sentence's "NAME, TITLE" entries, in text order."""
    trig = ctx.trig
    out = []
    for tok in ctx.scan(sent, trig.role_ends, lemmas=trig.role_ends):
        hit = role_at(tok, trig)
        if hit is None:
            continue
        n, _ = hit
        first = tok.i - n + 1
        while first > sent.start and ctx.doc[first - 1].is_title and ctx.doc[first - 1].text in ctx.words("roleModifier"):
            first -= 1      # "Special Adviser", "Senior Special Assistant"
        holder = _holder(first, sent, ctx)
        if holder is None or former(ctx.doc[first], ctx) or former(tok, ctx):
            continue
        served, own = _served(tok, sent, ctx)
        title = " ".join(t.lower_ for t in ctx.doc[first:tok.i + 1])
        out.append(Entry(title, tok.i, holder, served, own))
    return out


def roster_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    """The lead entry, and each later one with the lead's title and no preposition of its
    own, serve whom the lead serves."""
    if not any(t.text == ";" for t in sent):
        return      # a roster's entries are set apart by semicolons: no other sentence is read
    found = entries(ctx, sent)
    if len(found) < 2:
        return
    props = ctx.trig.roles
    for k, lead in enumerate(found):
        if lead.served is None:
            continue
        for e in found[k:]:
            if e.title != lead.title or e.own and e is not lead or e.holder is lead.served:
                if e.title == lead.title and e.own:
                    break       # an entry that names its own: the lead's reach ends here
                continue
            last = e.title.split()[-1]
            for prop in props.get(e.title, props.get(last, [])):
                if ctx.onto.allows(prop, e.holder.cls, lead.served.cls):
                    yield ctx.candidate(e.holder, prop, lead.served, ctx.doc[e.token], "roster", 0.75, phrase=True)
                    break
        break


@proposers.register("kgingest.roster.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Rosters of appointees: the lead entry's "to X" distributes over the list."""
    yield from by_sentence(roster_rules, doc, entities, onto)

"""Groups, party tags and titles: "Senate Republicans like X and Y", "Sen. X (R-Fla.)",
"GOP Sen. X", "the German CDU MEP", "Congress leader X"."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ....ontology import Ontology
from ...entities import Entities, Entity
from ..candidate import Candidate
from ...lang.en import OBJ
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


def title_rules(ctx: Context, sent: Span, member: str, chambers: dict[str, list[Entity]]) -> Iterator[Candidate]:
    """A title beside a name: the chamber it implies ("MEP" -> the European Parliament,
    "Sen." -> the Senate, when the text names that chamber once, or the sentence names one
    of its chambers: ``kg:chamberTitle``) and
    the party words before it ("GOP Sen. X", "the German CDU MEP", "RJD leader X")."""
    roles = ctx.trig.roles
    words = ctx.once((__name__, "titles"), lambda: set(chambers) | set(roles) | {w.lower() for w in roles})
    for tok in ctx.scan(sent, words):
        if tok.lower_ not in roles and tok.lower_ not in chambers or former(tok, ctx):
            continue
        person = _titled(tok, ctx)
        if person is None:
            continue
        bodies = chambers.get(tok.lower_, [])
        if len(bodies) > 1:     # "Senate" of two countries: the one this sentence names
            here = [b for b in bodies if any(sent.start <= m.start < sent.end for m in b.mentions)]
            bodies = here or _of_place(tok, bodies, ctx)
        chamber = bodies[0] if len(bodies) == 1 else None
        if chamber is not None:
            yield ctx.candidate(person, member, chamber, tok, "chamber-title", 0.8, phrase=True)
        i = tok.i - 1
        while i >= sent.start and i >= tok.i - 5 and not ctx.doc[i].is_punct:
            party = ctx.entity(ctx.doc[i])
            if party is not None and party.cls == "PoliticalParty":
                yield ctx.candidate(person, member, party, tok, "party-title", 0.8, phrase=True)
                break
            i -= 1


def join_list_rules(ctx: Context, sent: Span, member: str) -> Iterator[Candidate]:
    """'The senators who moved to Party P are: A (.., formerly Party Q), B ...': a lead-in that
    names the party its list of people joined (``kg:joinVerb``); the list runs after the
    colon, in the sentence or in the entries that follow it."""
    joins = {w.split()[0]: (w.split()[1:] or [""])[0] for w in ctx.words("joinVerb")}
    for verb in ctx.scan(sent, lemmas=set(joins)):
        prep = joins[verb.lemma_.lower()]
        objs = [c for c in verb.children if c.dep_ in OBJ] if not prep else [
            p for c in verb.children if c.dep_ == "prep" and c.lower_ == prep for p in c.children if p.dep_ == "pobj"]
        party = next((e for o in objs for e in [ctx.entity(o)] if e is not None and e.cls == "PoliticalParty"), None)
        colon = next((t for t in ctx.doc[verb.i:sent.end] if t.text == ":"), None)
        if party is None or colon is None:
            continue
        people = [e for t in ctx.doc[colon.i + 1:sent.end] for e in [ctx.entity(t)] if e is not None and e.cls == "Person"]
        if not any(not t.is_space for t in ctx.doc[colon.i + 1:sent.end]):
            people = _entries(ctx, ctx.sent_index[colon.i] + 1)
        chamber = _lead_chamber(verb, colon, member, ctx)
        for person in dict.fromkeys(people):
            yield ctx.candidate(person, member, party, verb, "join-list", 0.75)
            if chamber is not None:
                yield ctx.candidate(person, member, chamber, verb, "join-list-chamber", 0.7)


def _lead_chamber(verb: Token, colon: Token, member: str, ctx: Context) -> Entity | None:
    """'two members who joined the Unity Party: ...' in a sentence that names one legislature: the
    lead-in's members are members of it ('members of the House who joined ...' names it)."""
    noun = verb.head if verb.dep_ == "relcl" else next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if noun is None or noun.lemma_.lower() not in {w.lower() for w in ctx.onto.properties[member].role_nouns}:
        return None
    sent = ctx.doc[colon.i].sent
    bodies = {e for t in ctx.doc[sent.start:colon.i] for e in [ctx.entity(t)] if e is not None and e.cls == "Legislature"
              and "committee" not in e.label.lower()}
    return bodies.pop() if len(bodies) == 1 else None


def _entries(ctx: Context, n: int) -> list[Entity]:
    """The people that open the sentences from number n on, up to the first that no person opens."""
    out = []
    for sent in ctx.sents[n:]:
        words = [t for t in sent if not t.is_space and not t.is_punct]
        first = next((ctx.entity(t) for t in words[:3] if ctx.entity(t) is not None), None)
        if first is None or first.cls != "Person":
            break
        out.append(first)
    return out


def _of_place(title: Token, bodies: list[Entity], ctx: Context) -> list[Entity]:
    """'U.S. Sen. X', 'the Chilean senator X': of two chambers of that title, the one whose
    name holds the place word just before the title."""
    doc = ctx.doc
    i = title.i - 1
    while i >= 0 and i >= title.i - 2 and ctx.entity(doc[i]) is None and doc[i].lower_ in {"the", "a", "an"}:
        i -= 1
    place = ctx.entity(doc[i]) if i >= 0 else None
    if place is None or not ctx.cls_is(place, "Place"):
        return []
    words = {m.text.lower() for m in place.mentions if m.end == i + 1}
    return [b for b in bodies if any(w and w in b.label.lower() for w in words)]


def _titled(title: Token, ctx: Context) -> Entity | None:
    """The person a title names: 'MEP Jonas X', 'X, the German MEP', 'Sen. X'."""
    own = ctx.entity(title)
    head = ctx.entity(title.head)
    if head is not None and head is not own and head.cls == "Person" and title.dep_ in {"compound", "appos", "nmod"}:
        return head
    nxt = ctx.doc[title.i + 1] if title.i + 1 < len(ctx.doc) else None
    after = ctx.entity(nxt) if nxt is not None else None
    return after if after is not None and after is not own and after.cls == "Person" else None


def _chambers(ctx: Context) -> dict[str, list[Entity]]:
    """Title word (lower case) -> the legislatures of the text that the title implies."""
    out = {}
    for pair in ctx.words("chamberTitle"):
        title, _, chamber = pair.partition("=")
        low = chamber.lower()
        bodies = [e for e in ctx.ents.items if e.cls == "Legislature" and low in e.label.lower()
                  and "committee" not in e.label.lower()]
        if bodies:
            out[title.lower()] = bodies
    return out


@proposers.register("kgingest.group.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Membership stated by a group or a party tag."""
    ctx = context(doc, entities, onto)
    member = membership(onto)
    chambers = _chambers(ctx)
    for sent in ctx.sents:
        yield from group_rules(ctx.at(sent.end), sent)
        if member is not None:
            yield from title_rules(ctx.at(sent.end), sent, member, chambers)
            yield from join_list_rules(ctx.at(sent.end), sent, member)

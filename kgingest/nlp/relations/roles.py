"""Role nouns and the people they name ("Treasury Secretary X", "X, chief executive of Y"):
found once per document, because both the role rules and the resolution of descriptions
("the secretary" -> X) read them."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from spacy.tokens import Token

from ...ontology import Ontology
from ..entities import Entity
from ..lang.en import OBJ, SUBJ
from .context import Context, Triggers
from .syntax import relative_person, subjects


@dataclass(frozen=True)
class RoleHit:
    """A role noun that names a person: the noun's last token, its first token, the
    properties its words trigger, the person, and whether the person was found through a
    description ("the senior Trump aide") rather than beside the noun."""

    token: int
    first: int
    props: tuple[str, ...]
    holder: Entity
    described: bool


def role_at(tok: Token, trig: Triggers) -> tuple[int, list[str]] | None:
    """Longest role noun ending at tok: 'chief executive officer' -> (3 words, props)."""
    doc = tok.doc
    for n in range(trig.max_role_words, 0, -1):
        if tok.i - n + 1 < 0:
            continue
        words = [t.lower_ for t in doc[tok.i - n + 1: tok.i + 1]]
        for text in (" ".join(words), " ".join(words).replace(" - ", "-")):
            if text in trig.roles:
                return n, trig.roles[text]
    if tok.lemma_.lower() in trig.roles:
        return 1, trig.roles[tok.lemma_.lower()]
    return None


def role_holder(role: Token, ctx: Context) -> Entity | None:
    """The person a role noun describes."""
    head = role.head
    if role.dep_ == "conj" and head.i < role.i and role.tag_ != "NNS" and role_at(head, ctx.trig) \
            and role.i + 1 < len(role.doc) and role.doc[role.i + 1].is_punct:
        return role_holder(head, ctx)       # "executive vice chairman and chief executive, X"
    ent = ctx.entity(head)
    if ent and ent.cls == "Person" and role.dep_ in {"compound", "nmod", "amod", "appos", "nsubj"}:
        return ent
    if role.dep_ == "appos" and (tag := _tag_after_name(head, role, ctx)) is not None:
        return tag      # "Sen. X, D-Ohio, chairman of Y", "X, 45, president of Y": past the tag
    nxt = role.doc[role.i + 1] if role.i + 1 < len(role.doc) else None
    if nxt is not None and nxt.text == "." and not role.whitespace_ and role.i + 2 < len(role.doc) \
            and role.text + "." in ctx.words("honorific"):
        nxt = role.doc[role.i + 2]      # an abbreviated rank's period: "Lt" + "." + the name
    after = ctx.entity(nxt) if nxt is not None else None
    if after is not None and after.cls == "Person":
        return after
    for c in role.children:
        if c.dep_ == "appos":
            e = ctx.entity(c) or next((ctx.entity(g) for g in c.subtree if ctx.entity(g)), None)
            if e is not None and e.cls == "Person":
                return e
    if role.dep_ in {"attr", "oprd"} or (role.dep_ == "pobj" and role.head.lower_ == "as"):
        verb = role.head if role.dep_ != "pobj" else role.head.head
        for c in verb.children:
            if c.dep_ in SUBJ:
                e = ctx.resolve(c)
                if e is not None and e.cls == "Person":
                    return e
        if role.dep_ == "pobj":
            # "appointed X as adviser to ...": the one appointed
            people = [e for c in verb.children if c.dep_ in OBJ for e in [ctx.entity(c)] if e is not None
                      and e.cls == "Person"]
            if len(people) == 1:
                return people[0]
        if verb.dep_ in {"relcl", "xcomp"}:
            # "X, who becomes head of Y", "X is leaving to become chief executive of Y"
            people = [e for e in (relative_person(verb.head, ctx) if verb.dep_ == "relcl" else subjects(verb, ctx))
                      if e.cls == "Person"]
            if len(people) == 1:
                return people[0]
    return None



def _tag_after_name(tok: Token, role: Token, ctx: Context) -> Entity | None:
    """The person a short tag stands in apposition to ("X, D-Ohio,", "X, 45,"), when a
    role noun was hung on the tag instead of on the name."""
    e = ctx.entity(tok)
    if tok.dep_ != "appos" or tok.pos_ not in {"PROPN", "NUM"} or e is not None and not ctx.cls_is(e, "Place"):
        return None
    inner = {t.i for t in role.subtree}
    words = [t for t in tok.subtree if t.i not in inner and not t.is_punct]
    if len(words) > 3 or any(t.pos_ in {"NOUN", "VERB", "DET", "ADP"} for t in words):
        return None
    person = ctx.entity(tok.head)
    return person if person is not None and person.cls == "Person" else None


def _in_title(ent: Entity, first: int, last: int) -> bool:
    """A one-word name inside a title the ontology lists whole ("Cabinet" in "Cabinet
    Secretary") is part of the title, not the organisation the title is held at."""
    return any(m.start == first and m.end == first + 1 for m in ent.mentions) and first < last


def role_hits(ctx: Context) -> tuple[tuple[RoleHit, ...], dict[str, tuple[tuple[int, Entity], ...]]]:
    """Every role noun of the Doc that names a person, in text order, and the titles they
    give (title word -> (token index, person)). Each person is found with the titles
    given before the noun, as a reader meets them."""
    trig = ctx.trig
    honorific = ctx.words("honorific")
    subordinate = ctx.words("subordinateWord")
    titles: dict[str, list[tuple[int, Entity]]] = defaultdict(list)
    frozen: dict[str, tuple[tuple[int, Entity], ...]] = {}
    hits = []
    for sent in ctx.sents:
        for tok in ctx.scan(sent, trig.role_ends, lemmas=trig.role_ends):
            named = ctx.entity(tok)
            if tok.pos_ not in {"NOUN", "PROPN"} or named is not None and named.cls != "Person":
                if not (tok.text in trig.roles or tok.lower_ in trig.roles):
                    continue
            hit = role_at(tok, trig)
            if hit is None or named is not None and named.cls == "Person" and tok.text not in honorific:
                continue
            n, props = hit
            first = tok.i - n + 1
            while first < tok.i and (named_first := ctx.entity(tok.doc[first])) is not None \
                    and not _in_title(named_first, first, tok.i):
                first += 1      # "Treasury Secretary": the role is "secretary" of the Treasury
            here = replace(ctx, titles=frozen, bound=tok.i)
            holder = role_holder(tok, here)
            if holder is None and tok.dep_ in SUBJ | OBJ and any(c.lower_ == "the" for c in tok.children) \
                    and any(here.entity(c) for c in tok.subtree if c.i != tok.i):
                # "The senior Trump aide told ...": a description of someone named before
                holder = here._antecedent(tok, lambda e: e.cls == "Person" and not any(
                    here.entity(c) is e for c in tok.subtree))
                described = True
            else:
                described = False
            if holder is None:
                continue
            words = [w.lemma_.lower() for w in tok.doc[first:tok.i + 1]]
            if set(words) & subordinate:
                # a vice-president is not "the president": only the whole title names them
                words = [" ".join(words).replace(" - ", "-")]
            else:
                words.append(tok.lemma_.lower())
            for w in words:
                titles[w].append((tok.i, holder))
            frozen = {w: tuple(v) for w, v in titles.items()}
            hits.append(RoleHit(tok.i, first, tuple(props), holder, described))
    return tuple(hits), frozen


def membership(onto: Ontology) -> str | None:
    """The property for belonging to a party or legislature (memberOf in the bundled ontology)."""
    for p in sorted(onto.properties.values(), key=lambda p: p.priority):
        if p.role_nouns and {"PoliticalParty", "Legislature"} <= p.range:
            return p.name
    return None


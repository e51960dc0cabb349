"""Role nouns next to a person: "Treasury Secretary X", "X, chief executive of Y",
"Y's adviser X", "X is a fellow at Y" -> the role's property (``kg:roleNoun``)."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ....ontology import Ontology
from ...entities import Entities, Entity
from ..candidate import Candidate
from ..context import Context
from ..document import context
from ..registry import proposers
from ..guards import former
from ..roles import RoleHit, membership


def _role_objects(role: Token, first: int, holder: Entity, ctx: Context) -> list[tuple[Entity, str, bool]]:
    """(entity, how, unit) for the organisation or person the role is held at/for."""
    out = []
    unit = False
    # "Premier Li Wen of China": the prepositional phrase hangs on the name, not the title
    name_preps = [c for c in role.head.children if c.dep_ == "prep" and c.lower_ in {"of", "at"}] \
        if ctx.entity(role.head) is holder and role.i < role.head.i else []
    for c in list(role.children) + name_preps:
        if c.dep_ == "poss":
            e = ctx.resolve(c)
            if e is not None and e is not holder:
                out.append((e, "poss", False))
        if c.dep_ == "prep" and c.lower_ in {"of", "at", "to", "for", "with", "in", "from"}:
            for p in c.children:
                if p.dep_ != "pobj":
                    continue
                e = ctx.resolve(p) or next((ctx.entity(g) for g in p.children if g.dep_ in {"appos", "compound"}
                                            and ctx.entity(g)), None)
                if e is not None and e is not holder:
                    out.append((e, "name-prep" if c in name_preps else "prep", False))
                elif c.lower_ in {"of", "for", "in"}:
                    unit = True
                    inner = [r for g in p.subtree if g.dep_ in {"poss", "compound", "pobj"}
                             for r in [ctx.resolve(g)] if r is not None and r is not holder]
                    if inner:
                        out.append((inner[0], "unit", True))
    # the organisation the holder stands in apposition to: "the Commerce Department, Secretary Ross"
    name = role.head if ctx.entity(role.head) is holder else None
    if name is not None and name.dep_ == "appos":
        e = ctx.entity(name.head)
        if e is not None and e is not holder and e.cls != "Person":
            out.append((e, "appos", False))
    # entities left of the role inside its noun phrase: "Rheinhagen chief executive X";
    # a bare word there names the organisation whose name holds it: "Commerce Secretary X"
    doc = role.doc
    i = first - 1
    while i >= 0 and ((doc[i].head.i in range(first, role.i + 1) or doc[i].head == role.head
                       or doc[i].head.i in range(i, role.i + 1)) and not doc[i].is_punct or doc[i].tag_ == "POS"):
        e = ctx.entity(doc[i])
        if e is not None and e is not holder:
            out.append((e, "left", unit))
            break
        if e is None and doc[i].pos_ == "PROPN":
            named = _organisation_named_by(doc[i], ctx)
            if named is not None:
                out.append((named, "left-word", unit))
                break
            break   # "Canadian Finance Minister": the minister is not head of Canada
        i -= 1
    return out


def _organisation_named_by(word: Token, ctx: Context) -> Entity | None:
    """The one organisation named near this word (two sentences either side) whose name
    contains it: "Commerce" in "Commerce Secretary X" -> the Commerce Department."""
    n = ctx.sent_index[word.i]
    near = ctx.sents[max(0, n - 2)].start, ctx.sents[min(len(ctx.sents) - 1, n + 2)].end
    hits = {e for e in ctx.ents.items if e.cls not in {"Person", "Country", "Place"}
            and any(near[0] <= m.start < near[1] for m in e.mentions)
            and word.text in (e.label.split() + [w for a in e.aliases for w in a.split()])}
    return next(iter(hits)) if len(hits) == 1 else None


# How sure a role noun is of its organisation, by where the organisation stands:
# "Rheinhagen chief executive X" (left) is surer than "the chief executive of its unit" (unit).
CONFIDENCE = {"left": 0.9, "poss": 0.85, "prep": 0.85, "unit": 0.7, "left-word": 0.75, "appos": 0.8, "name-prep": 0.8}


def role_rules(ctx: Context, hit: RoleHit) -> Iterator[Candidate]:
    """The facts one role noun states about the person it names."""
    tok, first, holder, described, props = ctx.doc[hit.token], hit.first, hit.holder, hit.described, list(hit.props)
    sent = ctx.sents[ctx.sent_index[tok.i]]
    sub_words = ctx.words("subordinateWord")
    if former(tok.doc[first], ctx) or former(tok, ctx):
        return
    subordinate = any(t.lower_ in sub_words for t in tok.doc[max(0, first - 2):tok.i + 1])
    objects = _role_objects(tok, first, holder, ctx)
    role_text = " ".join(t.lower_ for t in tok.doc[first:tok.i + 1])
    member = membership(ctx.onto)
    for obj, how, unit in objects:
        if how in {"left", "name-prep"} and ctx.cls_is(obj, "PoliticalParty") and member:
            # "Conservative chair of the committee", "Labour MP X": a member of the party
            yield ctx.candidate(holder, member, obj, tok, "role-party", 0.85, phrase=True)
            continue
        allowed = [p for p in props if ctx.onto.allows(p, holder.cls, obj.cls)
                   and (obj.cls != "Country" or role_text in ctx.onto.properties[p].state_roles)]
        if subordinate or unit:
            allowed = [ctx.onto.properties[p].unit_fallback or p if ctx.onto.properties[p].unit_fallback else p
                       for p in allowed]
        if not allowed and obj.cls == "Person" and not subordinate:
            # a person's deputy, secretary or chief of staff serves that person
            allowed = [p.name for p in sorted(ctx.onto.properties.values(), key=lambda p: p.priority)
                       if p.role_nouns and ctx.onto.allows(p.name, holder.cls, obj.cls)][:1]
        if not allowed:
            continue
        conf = CONFIDENCE[how]
        phrase = tok.dep_ not in {"attr", "oprd", "pobj"}
        if described:
            how, conf, phrase = "described", conf - 0.2, True
        yield ctx.candidate(holder, allowed[0], obj, tok, f"role-{how}", conf, phrase=phrase)
        if ctx.cls_is(obj, "PoliticalParty") and member and allowed[0] != member:
            yield ctx.candidate(holder, member, obj, tok, "role-party", 0.8, phrase=phrase)
    bare = not any(t.pos_ in {"PROPN", "ADJ"} for t in tok.doc[max(sent.start, first - 2):first])
    if not objects and bare and not described and not subordinate and tok.dep_ != "pobj" \
            and not any(role_text in ctx.onto.properties[p].state_roles for p in props):
        # "The Commerce Department issued a statement in which Secretary X criticised ...":
        # a bare title goes with the one organisation named before it in the sentence
        orgs = {e for t in tok.doc[sent.start:first] for e in [ctx.entity(t)] if e is not None
                and e.cls in {"GovernmentAgency", "Company", "Organization"} and not e.guessed}
        allowed = [p for p in props if p != member and len(orgs) == 1
                   and ctx.onto.allows(p, holder.cls, next(iter(orgs)).cls)]
        if allowed:
            yield ctx.candidate(holder, allowed[0], orgs.pop(), tok, "role-sentence", 0.6, phrase=True)
    if not objects:
        # a member of a body named elsewhere in the sentence or by the title: "Sen." -> Senate
        member_props = [p for p in props if "Legislature" in ctx.onto.properties[p].range]
        if member_props:
            body = _legislature_for(tok, sent, ctx)
            if body is not None:
                yield ctx.candidate(holder, member_props[0], body, tok, "role-body", 0.7,
                                phrase=tok.dep_ not in {"attr", "oprd", "pobj"})


def _legislature_for(role: Token, sent: Span, ctx: Context) -> Entity | None:
    stem = role.lower_.rstrip(".")[:5]
    bodies = [e for e in ctx.ents.items if e.cls == "Legislature"]
    by_title = [e for e in bodies if len(stem) >= 3 and e.label.split()[-1].lower().startswith(stem)]
    if len(by_title) == 1:
        return by_title[0]
    here = {e for t in sent for e in [ctx.entity(t)] if e is not None and e.cls == "Legislature"}
    return next(iter(here)) if len(here) == 1 else None


@proposers.register("kgingest.role.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Role nouns next to the person they name."""
    ctx = context(doc, entities, onto)
    for hit in ctx.roles:
        # the titles given up to and including this noun resolve descriptions in its phrase
        yield from role_rules(ctx.at(hit.token + 1), hit)

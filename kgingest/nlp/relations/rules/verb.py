"""Verb triggers with their subject and object, active or passive, with or without a
preposition (``kg:verbTrigger``, ``kg:inverseVerbTrigger``, ``kg:patientVerbTrigger``)."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ....ontology import Ontology
from ...entities import Entities, Entity
from ..candidate import Candidate
from ...lang.en import OBJ
from ..context import Context
from ..document import by_sentence
from ..registry import proposers
from ..guards import former
from ..roles import membership, role_at
from ..syntax import agents, companions, finite, objects, prep_objects, subjects
from ....ontology import Trigger


def _trigger_fits(verb: Token, trig: Trigger) -> bool:
    words = trig.lemma.split()
    if words[0] != verb.lemma_.lower():
        return False
    if len(words) == 1:
        return True
    # the rest of the phrase in the verb's subtree, at most four words on ("pull out of"), or
    # six when the phrase's noun is the verb's object ("held talks on the sidelines with")
    noun = any(c.dep_ == "dobj" and c.lower_ == words[1] for c in verb.children)
    kids = {c.lower_ for c in verb.doc[verb.i + 1:verb.i + (7 if noun else 5)] if verb.is_ancestor(c)}
    return all(w in kids for w in words[1:])


def _role_of_appointment(verb: Token, ctx: Context) -> tuple[Token | None, Entity | None]:
    """'named X as CISO', 'promoted X to President', 'elected chair of Y' -> (role, Y)."""
    for c in verb.subtree:
        if c.i <= verb.i:
            continue
        if c.dep_ in {"oprd", "attr", "xcomp"} or (c.dep_ == "pobj" and c.head.lower_ in {"as", "to"}):
            hit = role_at(c, ctx.trig)
            if hit:
                org = None
                for p in c.children:
                    if p.dep_ == "prep" and p.lower_ in {"of", "at"}:
                        org = next((ctx.resolve(x) for x in p.children if x.dep_ == "pobj" and ctx.resolve(x)), None)
                    elif p.dep_ == "prep" and p.lower_ == "to":
                        org = next((r for x in p.children if x.dep_ == "pobj" for r in [ctx.resolve(x)]
                                    if r is not None and (ctx.entity(x) is r or r.cls == "Person")), None)
                if org is None and c.dep_ == "pobj" and c.head.lower_ == "as":
                    # "appointed X as adviser to the prime minister": the parser hangs "to" on the verb
                    # ("an adviser to the company" is the appointing company itself: left to the subject)
                    org = next((r for p in verb.children if p.dep_ == "prep" and p.lower_ == "to" and p.i > c.i
                                for x in p.children if x.dep_ == "pobj" for r in [ctx.resolve(x)]
                                if r is not None and (ctx.entity(x) is r or r.cls == "Person")), None)
                return c, org
    return None, None


def _purpose(verb: Token, ctx: Context) -> list[str]:
    """The property a purpose clause gives an appointment ("hired X to advise it" ->
    advises), for a verb of a property that is neither employment nor leadership."""
    for c in verb.children:
        if c.dep_ in {"xcomp", "advcl"} and c.i > verb.i and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
            return [p for p, trig, kind in ctx.trig.verbs.get(c.lemma_.lower(), []) if kind == "active" and not trig.prep
                    and not ctx.onto.properties[p].affiliation and not ctx.onto.properties[p].unit_fallback
                    and ctx.onto.properties[p].role_nouns]
    return []


def verb_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    for verb in ctx.scan(sent, lemmas=ctx.trig.verbs, pos={"VERB", "AUX"}):
        entries = ctx.trig.verbs.get(verb.lemma_.lower(), [])
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children) or (
            verb.tag_ == "VBN" and verb.dep_ == "acl" and not finite(verb))
        for prop, trig, kind in entries:
            if not _trigger_fits(verb, trig):
                continue
            rule = f"verb-{kind}" + (f"-{trig.prep}" if trig.prep else "")
            pobjs = prep_objects(verb, trig.prep, ctx) if trig.prep else []
            if trig.prep and not pobjs and any(c.dep_ == "prt" and c.lower_ == trig.prep for c in verb.children):
                pobjs = objects(verb, ctx)      # "turned on X": the parser reads the preposition as a particle
            if trig.prep and not pobjs:
                continue
            if kind == "active":
                subs = agents(verb, ctx) if passive else subjects(verb, ctx) + companions(verb, ctx)
                objs = pobjs if trig.prep else (
                    [e for c in verb.children if c.dep_ == "nsubjpass" for e in ctx.group(c)] if passive
                    else objects(verb, ctx, ctx.onto.properties[prop].about_owner))
                if passive and verb.dep_ == "acl" and not objs and not trig.prep:
                    objs = _described_by(verb.head, ctx)     # "the fund run by X"
                fallback = ctx.onto.properties[prop].unit_fallback
                if fallback and any(c.dep_ in OBJ and ctx.entity(c) is None
                                    and c.lemma_.lower() in ctx.words("partNoun") for c in verb.children):
                    prop_here = fallback    # "runs the company's North American business": a unit of it
                else:
                    prop_here = prop
                member = membership(ctx.onto)
                for s in subs:
                    for o in objs:
                        p_o = prop_here
                        if member and ctx.onto.properties[p_o].affiliation and o.cls in {"PoliticalParty", "Legislature"}:
                            p_o = member     # "joined the party": a member, not an employee
                        yield ctx.candidate(s, p_o, o, verb, rule, 0.8)
                if ctx.onto.properties[prop].symmetric and not objs and len(subs) > 1:
                    for i, a in enumerate(subs):
                        for b in subs[i + 1:]:
                            yield ctx.candidate(a, prop, b, verb, rule + "-together", 0.75)
            elif kind == "inverse":
                people = [e for c in verb.children if c.dep_ == "nsubjpass" for e in ctx.group(c)] if passive \
                    else objects(verb, ctx)
                orgs = agents(verb, ctx) if passive else subjects(verb, ctx)
                role, role_org = _role_of_appointment(verb, ctx)
                if role_org is not None and role_org not in orgs:
                    # "the committee appointed X as adviser to the prime minister": the role says
                    # whom it serves, so the appointer is no second object of it
                    orgs = [role_org] if role_org.cls == "Person" else orgs + [role_org]
                props = [prop]
                unit = False
                if role is not None:
                    hit = role_at(role, ctx.trig)
                    props = list(hit[1]) if hit else props
                    unit = any(p.dep_ == "prep" and p.lower_ in {"of", "in"} and not any(
                        ctx.entity(x) for x in p.subtree) for p in role.children)
                    if former(role, ctx):
                        continue
                elif (purpose := _purpose(verb, ctx)):
                    props = purpose     # "hired X to advise it": hired as an adviser
                for person in people:
                    for org in orgs:
                        allowed = [p for p in props if ctx.onto.allows(p, person.cls, org.cls)]
                        if unit:
                            allowed = [ctx.onto.properties[p].unit_fallback or p for p in allowed]
                        if allowed:
                            yield ctx.candidate(person, allowed[0], org, verb, rule, 0.8)
            else:  # patient: "added X to the list", "X was added to the list", "X remains on"
                patients = [e for c in verb.children if c.dep_ == "nsubjpass" for e in ctx.group(c)] if passive \
                    else objects(verb, ctx)
                if passive and not patients:
                    patients = objects(verb, ctx)      # "Also designated were X and Y"
                patients += [e for e in companions(verb, ctx) if e not in patients]
                if verb.dep_ == "acl" and passive:
                    patients = ctx.group(verb.head)
                    if not patients and verb.head.dep_ == "appos":
                        patients = ctx.group(verb.head.head)
                targets = pobjs or _range_entity_near(verb, prop, ctx)
                for s in patients:
                    for o in targets:
                        yield ctx.candidate(s, prop, o, verb, rule, 0.8 if pobjs else 0.6)


def _described_by(noun: Token, ctx: Context) -> list[Entity]:
    """The organisation a participle's noun describes: "Tidewell Capital, the fund run by X",
    through a chain of appositions (the small parser often hangs one on the other)."""
    t = noun
    for _ in range(4):
        e = ctx.entity(t)
        if e is not None:
            return [e] if ctx.cls_is(e, "Organization") else []
        if t.dep_ != "appos" or t.head == t:
            return []
        t = t.head
    return []


def _range_entity_near(tok: Token, prop: str, ctx: Context) -> list[Entity]:
    """The one entity of the property's range class in this or the two sentences before."""
    rng = ctx.onto.properties[prop].range
    found = [e for _, e in ctx.mentions_before(tok, 2) if ctx.onto.ancestors(e.cls) & rng]
    sent = ctx.sents[ctx.sent_index[tok.i]]
    found += [e for t in sent if t.i > tok.i for e in [ctx.entity(t)] if e is not None and ctx.onto.ancestors(e.cls) & rng]
    distinct = list(dict.fromkeys(found))
    if len(distinct) > 1 and len(distinct) == agent_count(tok):
        return distinct     # "designated by both Washington and Brussels" with two lists named: each
    return distinct[-1:] if distinct and len(set(e.cls for e in distinct)) >= 1 and len(distinct) <= 2 else []


def agent_count(verb: Token) -> int:
    """How many agents a passive verb names: 'by both X and Y' -> 2."""
    return sum(1 + sum(1 for g in p.subtree if g.dep_ == "conj" and g.head.i == p.i)
               for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj")


@proposers.register("kgingest.verb.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Trigger verbs of the ontology with their arguments."""
    yield from by_sentence(verb_rules, doc, entities, onto)

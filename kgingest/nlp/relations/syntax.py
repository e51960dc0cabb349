"""Who does what to whom: subjects, objects and prepositional objects of a trigger,
through conjunctions, relative clauses and the small parser's usual misattachments."""
from __future__ import annotations

from spacy.tokens import Token

from ..entities import Entity
from ..lang.en import OBJ, PERSON_RELATIVES, RELATIVE_PRONOUNS
from .context import Context


def subjects(verb: Token, ctx: Context) -> list[Entity]:
    """Who does the verb: its subject, the noun a relative clause hangs on, or the subject
    of the verb it is coordinated with or subordinate to."""
    t = verb
    came_by_xcomp = False
    for _ in range(4):
        subs = [c for c in t.children if c.dep_ in {"nsubj", "csubj"}
                or came_by_xcomp and c.dep_ == "nsubjpass"]   # "X was named to head Y"
        if subs:
            out = []
            for s in subs:
                if s.lower_ in RELATIVE_PRONOUNS and t.dep_ == "relcl":
                    out += ctx.group(t.head)
                else:
                    out += ctx.group(s)
            if out or t is verb or t.dep_ != "ccomp" or t.head == t:
                return out
            t = t.head      # "said the move came too late and accused X": a misattached conjunct
            continue
        if t.dep_ == "relcl" or (t.dep_ == "acl" and finite(t)):
            # the small parser hangs a main verb on a long subject as "acl"
            head = t.head
            above = ctx.entity(head.head) if head.dep_ == "appos" else None
            if above is not None and above.cls == "Person":
                head = head.head      # "Delgado, a Florida Democrat who sits on ..."
            return ctx.group(head)
        if t.dep_ in {"xcomp", "conj", "advcl", "pcomp", "acl"} and t.head != t:
            came_by_xcomp = t.dep_ == "xcomp"
            t = t.head if t.dep_ != "pcomp" else t.head.head
            continue
        break
    return []


def finite(verb: Token) -> bool:
    """A verb that has its own subject in the sentence: finite, or a participle with an object."""
    return verb.tag_ in {"VBD", "VBZ", "VBP"} or any(c.dep_ in OBJ for c in verb.children)


def companions(verb: Token, ctx: Context) -> list[Entity]:
    """'X, along with Y, was added': Y shares the verb's subject role."""
    return [e for c in verb.children if c.dep_ == "prep" and c.lower_ in {"along", "together"}
            for w in c.children if w.dep_ == "prep" for p in w.children if p.dep_ == "pobj"
            for e in ctx.group(p)]


def agents(verb: Token, ctx: Context) -> list[Entity]:
    return [e for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj" for e in ctx.group(p)]


def prep_objects(tok: Token, prep: str, ctx: Context, depth: int = 2) -> list[Entity]:
    """Entities under `prep` attached to tok or to its objects ('held talks with X')."""
    out = []
    for c in tok.children:
        if c.dep_ in {"prep", "dative", "agent"} and c.lower_ == prep:
            for p in c.children:
                if p.dep_ == "pobj":
                    out += ctx.group(p)
        elif c.dep_ == "prt" and c.lower_ == prep:
            # a particle verb's object: "takes over the ministry"
            out += [e for d in tok.children if d.dep_ in OBJ for e in ctx.group(d)]
        elif depth and c.dep_ == "prep" and tok.pos_ == "NOUN":
            # a phrase after the verb's noun counts as one step: "held talks on the sidelines with X"
            out += [e for p in c.children if p.dep_ == "pobj" for e in prep_objects(p, prep, ctx, depth - 1)]
        elif depth and c.dep_ in {"dobj", "attr", "prt", "advmod", "npadvmod", "prep", "pobj"}:
            out += prep_objects(c, prep, ctx, depth - 1)
    return out


def objects(verb: Token, ctx: Context, about_owner: bool = False) -> list[Entity]:
    """The verb's objects; with `about_owner`, also the owner of a thing it acts on
    ("criticised Lenhardt's decision" is aimed at Lenhardt)."""
    out = []
    for c in verb.children:
        if c.dep_ in OBJ and c.lower_ in PERSON_RELATIVES and verb.dep_ == "relcl":
            out += relative_person(verb.head, ctx)
            continue
        if c.dep_ in OBJ or c.dep_ == "dative":
            grp = ctx.group(c)
            if not grp and about_owner and (owner := ctx.owner(c)) is not None:
                grp = [owner]
            out += grp
    if not out and verb.pos_ == "VERB" and verb.i + 1 < len(verb.doc):
        nxt = verb.doc[verb.i + 1]
        e = ctx.entity(nxt)
        if nxt.head == verb and nxt.dep_ in {"advmod", "npadvmod"} and e is not None and e.cls == "Person":
            out.append(e)   # "that he advises Mwangi": the small parser reads the name as an adverb
    return out


def relative_person(head: Token, ctx: Context) -> list[Entity]:
    """The person 'whom' stands for: the noun the clause hangs on, or, where the small parser
    hangs it on the last noun of an appositive ("X, a deputy head of the Customs Service,
    whom ..."), the person that appositive describes."""
    t = head
    for _ in range(5):
        found = [e for e in ctx.group(t) if e.cls == "Person"]
        if found:
            return found
        if t.head == t or t.head.pos_ in {"VERB", "AUX"}:
            break
        t = t.head
    return []

"""Guards: why a clause asserts nothing (negation, hypothesis, denial, removal, a former
role), read from the ontology's word lists and the dependency parse."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Token

from ..lang.en import BLOCKING_PASSES, HEDGE_PASSES, NEGATION_PASSES, OBJ
from .context import Context


def ancestors(tok: Token, limit: int = 6) -> Iterator[Token]:
    t = tok
    for _ in range(limit):
        yield t
        if t.head == t:
            return
        t = t.head


def phrase_lemmas(tok: Token) -> set[str]:
    """'stop' with child 'short' and 'of' -> {'stop', 'stop short', 'stop short of'}."""
    out = {tok.lemma_.lower()}
    for c in tok.children:
        if c.dep_ in {"prt", "advmod", "acomp", "dobj", "prep"} and c.i > tok.i:
            out.add(f"{tok.lemma_.lower()} {c.lower_}")
            for g in c.children:
                if g.dep_ == "prep":
                    out.add(f"{tok.lemma_.lower()} {c.lower_} {g.lower_}")
    return out




def blocked(tok: Token, ctx: Context, phrase: bool = False) -> str | None:
    """Why the clause of `tok` asserts nothing: negated, hypothetical, denied or removed.

    Negation reaches down into complements ("did not say he met") but not into
    adverbial clauses ("had not advised X before joining Y"); modals and "if" reach
    conjuncts and adverbial clauses too; verbs of denial and removal reach everything
    below them. For a fact stated inside a noun phrase only the phrase's own words count.
    """
    negation, hedge, blocking = ctx.words("negation"), ctx.words("hedge"), ctx.words("blockingVerb")
    leave = ctx.words("leaveVerb")
    neg_on = hedge_on = block_on = True
    below: Token | None = None
    for depth, t in enumerate(ancestors(tok, 1 if phrase else 6)):
        for c in t.children:
            if neg_on and (c.dep_ == "neg" or (c.dep_ in {"advmod", "det", "preconj"} and c.lower_ in negation)):
                return "negated"
            if hedge_on and c.dep_ in {"aux", "auxpass"} and c.lower_ in hedge:
                return "hypothetical"
            if hedge_on and c.dep_ == "mark" and c.lower_ in hedge and t.pos_ in {"VERB", "AUX"}:
                return "hypothetical"
        # "X, who chairs Y, stopped short of criticising Z": the one who denies or refuses
        # is not what is denied
        by_subject = below is not None and below.dep_ in {"nsubj", "csubj"}
        if depth and block_on and not by_subject and phrase_lemmas(t) & blocking:
            return "denied"
        # "left in March to join Y": what one left for is not what one left
        purpose = below is not None and below.dep_ in {"xcomp", "advcl"} and below.i > t.i \
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in below.children)
        if block_on and not purpose and phrase_lemmas(t) & leave and t.tag_ in {"VBD", "VBN"}:
            return "former"
        block_on = block_on and not by_subject
        below = t
        neg_on = neg_on and t.dep_ in NEGATION_PASSES
        hedge_on = hedge_on and t.dep_ in HEDGE_PASSES
        block_on = block_on and t.dep_ in BLOCKING_PASSES
        if not (neg_on or hedge_on or block_on):
            break
    return None


def future(tok: Token, ctx: Context) -> bool:
    """Whether the clause of `tok` puts it ahead ('will meet Y next week', 'is due to hold
    talks with Y'): an event that has not yet happened (``kg:futureWord``), though a role
    one 'will take up' is reported as held."""
    words = ctx.words("futureWord")
    for t in ancestors(tok, 6):
        if t.lower_ in words or any(c.dep_ in {"aux", "auxpass"} and c.lower_ in words for c in t.children):
            return True
        if t.dep_ not in HEDGE_PASSES:
            return False
    return False


def former(role: Token, ctx: Context) -> bool:
    """'former adviser', 'ex-chief executive', 'then-secretary'; 'X's head of rates until
    January' (a time limit on the title itself, not on the verb: 'will serve until 2027')."""
    words = ctx.words("formerWord")
    left = [c for c in role.children if c.i < role.i] + [role.doc[i] for i in range(max(0, role.i - 3), role.i)]
    return any(t.lower_ in words or t.lower_.rstrip("-") in words for t in left) or any(
        c.dep_ == "prep" and c.lower_ == "until" for c in role.children)



def removals(ctx: Context) -> set[tuple[int, int]]:
    """(X, Y) pairs that the document takes apart: "removed X from Y", "X was delisted
    from Y". Whatever it says elsewhere about X and Y is history, not a fact."""
    blocking = ctx.words("blockingVerb")
    first_words = {w.split()[0] for w in blocking}
    pairs = set()
    for verb in ctx.scan(ctx.doc[:], lemmas=first_words, pos={"VERB"}):
        if not (phrase_lemmas(verb) & blocking):
            continue
        patients = [e for c in verb.children if c.dep_ in OBJ | {"nsubjpass"} for e in ctx.group(c)]
        others = [e for c in verb.children if c.dep_ == "prep" and c.lower_ in {"from", "off"}
                  for p in c.children if p.dep_ == "pobj" for e in ctx.group(p)]
        pairs |= {(ctx.index[a], ctx.index[b]) for a in patients for b in others}
    return pairs

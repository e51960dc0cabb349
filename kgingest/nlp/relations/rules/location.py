"""Where an organisation is: "Shenzhen-based X", "headquartered in Y" (``kg:locationCue``),
"the Bank of X in Y", nationality words before an organisation ("the German carmaker X"),
"X (City, Country)" headings, and descriptions of one named before ("the Lagos-based app")."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ....ontology import Ontology
from ...entities import Entities, Entity
from ..candidate import Candidate
from ...lang.en import OBJ, SUBJ
from ..context import Context
from ..document import by_sentence
from ..registry import proposers
from ...entities import lexicon
from ..syntax import subjects


def location_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    doc = ctx.doc
    cues = list(ctx.scan(sent, ctx.trig.location_cues))
    # "Singapore-based X and Cairo-based Y": each conjunct keeps its own place
    own = {e: c for c in cues for e in [ctx.entity(c.head)] if e is not None and c.dep_ in {"amod", "compound"}}
    for tok in cues:
        props = ctx.trig.location_cues.get(tok.lower_)
        if props:
            places = _hyphen_places(tok, ctx)
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in {"in", "at"} and not places:
                    places = [e for p in c.children if p.dep_ == "pobj" for e in [ctx.entity(p)] if e is not None][:1]
            if not places:
                continue
            orgs = []
            head = tok.head
            if tok.dep_ in {"amod", "acl", "compound"}:
                if _kinds(head, ctx):     # "the Hamamatsu-based company": only what it describes
                    orgs = [e for e in [_described(head, ctx, places)] if e is not None]
                else:
                    orgs = _not_places(ctx.group(head), ctx)
                up = head
                while not orgs and up.dep_ == "appos" and up.head is not up:
                    # "X, a Dubai-based arm", "X, the Greenwich, Connecticut-based fund": up the appositions
                    up = up.head
                    orgs = _not_places(ctx.group(up) or _compound_entities(up, ctx), ctx)
                if not orgs:
                    orgs = [e for c in head.children if c.dep_ == "appos" for e in ctx.group(c)]
                if not orgs and tok.dep_ != "acl":
                    nxt = _entity_after_descriptors(tok, ctx)
                    orgs = [nxt] if nxt is not None and nxt not in places else []
            else:
                orgs = subjects(tok, ctx) or [e for c in tok.children if c.dep_ == "nsubjpass" for e in ctx.group(c)]
            for o in orgs:
                if own.get(o, tok) is not tok:
                    continue
                for where in places:
                    for p in props:
                        yield ctx.candidate(o, p, where, tok, "location-cue", 0.85,
                                            phrase=tok.dep_ in {"amod", "compound", "acl"})
    yield from _headings(ctx, sent)
    yield from _named_after(ctx, sent)
    # "Manufacturers Hanover Trust Co. of New York", "the Bank of X in Y"
    for tok in ctx.scan(sent, entities=True):
        org = ctx.entity(tok)
        if org is None or org.guessed or not ctx.cls_is(org, "Organization") or ctx.cls_is(org, "PoliticalParty"):
            continue
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in {"of", "in"} and ctx.entity(c) is not org:
                for w in c.children:
                    place = ctx.entity(w) if w.dep_ == "pobj" else None
                    if place is not None and place is not org and ctx.cls_is(place, "Place"):
                        for prop in ctx.onto.properties.values():
                            if prop.location_cues:
                                yield ctx.candidate(org, prop.name, place, tok, "location-of", 0.6, phrase=True)
    # nationality or city word in an organisation's phrase: "the German carmaker X", "Chinese telecoms giant X"
    place_props = [p for p in ctx.onto.properties.values() if p.location_cues]
    for tok in ctx.scan(sent, entities=True):
        place = ctx.entity(tok)
        if place is None or not ctx.cls_is(place, "Place") or tok.dep_ not in {"amod", "compound", "poss", "nmod"}:
            continue
        if tok.i + 1 < len(doc) and ctx.entity(doc[tok.i + 1]) is place:
            continue
        if tok.text.isupper() and len(tok.text) > 3 and tok.i + 1 < len(doc) and doc[tok.i + 1].text in {",", "-", "—", "–"}:
            continue    # a dateline ("TOKYO, April 12 (Reuters) - X said"): where the story was filed
        head = tok.head
        org = ctx.entity(head)
        if org is None or org is place:
            named = ctx.entity(doc[head.i + 1]) if head.i + 1 < len(doc) else None
            if head.pos_ == "NOUN" and head.lower_ in lexicon(ctx.onto).role_words and named is not None \
                    and ctx.cls_is(named, "Company"):
                org = named     # "Greek owner X": a company's description, though 'owner' is also a role
            elif head.pos_ != "NOUN" or head.lower_ in lexicon(ctx.onto).role_words:
                continue    # "a former U.S. ambassador": a person's role, not an organisation's home
            org = (next((ctx.entity(c) for c in head.children if c.dep_ == "appos" and ctx.entity(c)), None)
                   or (ctx.entity(head.head) if head.dep_ in {"appos", "compound"} else None))
            if org is None:
                org = _entity_after_descriptors(head, ctx) or _described(head, ctx, [place])
        if org is None or org is place or ctx.cls_is(org, "PoliticalParty") or org.cls == "Person":
            continue
        for place_prop in place_props:
            yield ctx.candidate(org, place_prop.name, place, tok, "location-modifier", 0.75, phrase=True)


def _described(head: Token, ctx: Context, places: list[Entity], depth: int = 0) -> Entity | None:
    """The organisation 'the Hamamatsu-based company' or 'the Japanese carmaker' stands for:
    one of that kind named earlier in the sentence (the latest), else the previous sentence's
    subject (itself perhaps such a description), else the first of that kind it names, else the
    latest of that kind in the three sentences before. Never
    the subject of the clause the description is an object in ("X would keep the jobs at the
    Hull-based operator"), nor one the text places elsewhere ("Suwon-based X ... the Wuxi-based
    firm"); one whose name holds the place comes first."""
    kinds = _kinds(head, ctx)
    if not kinds:
        return None
    verb = next((a for a in head.ancestors if a.pos_ in {"VERB", "AUX"}), None)
    others = set(subjects(verb, ctx)) if verb is not None and head.dep_ in OBJ | {"pobj"} else set()
    placed = _placed(ctx)
    fits = lambda e: e.cls in kinds and e not in others and not (placed.get(e, set()) - set(places))  # noqa: E731
    n = ctx.sent_index[head.i]
    near = [e for _, e in ctx.mentions_before(head, 1) if fits(e)]
    named = [e for e in near if any(p.label.lower() in e.label.lower() for p in places)]
    if named:
        return _surest(named)
    here = [e for _, e in ctx.mentions_before(head, 0) if fits(e)]
    if here:
        return _surest(here)    # "X lost traders, deepening an exodus from the London lender's business"
    if n == 0 or any(ctx.cls_is(e, "Organization") for e in others):
        return None     # an organisation acts on it: it is some other one than the last story's
    prev = ctx.sents[n - 1]
    for t in prev:
        if t.dep_ in SUBJ and t.head == prev.root:
            subj = ctx.entity(t) or (_described(t, ctx, places, depth + 1) if depth < 2 else None)
            if subj is not None and fits(subj):
                return subj
    there = [e for t in prev for e in [ctx.entity(t)] if e is not None and fits(e)]
    if there:
        return ([e for e in there if not e.guessed] or there)[0]
    recent = [e for _, e in ctx.mentions_before(head, 3) if fits(e)]
    return _surest(recent) if recent else None


def _surest(ents: list[Entity]) -> Entity:
    """The last of those whose class rests on more than spaCy's label, else the last."""
    sure = [e for e in ents if not e.guessed]
    return (sure or ents)[-1]


def _kinds(head: Token, ctx: Context) -> set[str]:
    """The organisation classes a definite description names: 'the company', 'the lender'."""
    if ctx.entity(head) is not None or head.dep_ == "appos" or not any(
            c.dep_ == "det" and c.lower_ == "the" for c in head.children):
        return set()
    low = head.lemma_.lower()
    return {name for name in ("Company", "Organization", "MediaOrganization")
            if low in {w.lower() for w in ctx.onto.classes[name].cue_words if w.islower()}}


def _placed(ctx: Context) -> dict[Entity, set[Entity]]:
    """Organisations the text places with a modifier ('Suwon-based X'): org -> places."""
    out: dict[Entity, set[Entity]] = {}
    for cue in ctx.scan(ctx.doc[:], ctx.trig.location_cues):
        org = ctx.entity(cue.head)
        if org is not None and cue.dep_ in {"amod", "compound"}:
            out.setdefault(org, set()).update(_hyphen_places(cue, ctx))
    return out


def _hyphen_places(cue: Token, ctx: Context) -> list[Entity]:
    """The places of 'Lagos-based', 'Port-au-Prince-based' (a hyphenated name spaCy did not
    tag, found by its text) and 'Greenwich, Connecticut-based' (both places)."""
    doc = cue.doc
    if cue.i < 2 or doc[cue.i - 1].text != "-" or doc[cue.i - 1].whitespace_:
        return []
    place = ctx.entity(doc[cue.i - 2])
    first = cue.i - 2
    if place is None:
        # the hyphenated word before "-based": its tokens back to the last space
        while first > 0 and not doc[first - 1].whitespace_ and (doc[first - 1].is_alpha or doc[first - 1].text == "-"):
            first -= 1
        place = _place_named(doc[first:cue.i - 1].text, ctx)
    else:
        while first > 0 and ctx.entity(doc[first - 1]) is place:
            first -= 1
    if place is None or not ctx.cls_is(place, "Place"):
        return []
    out = [place]
    if first >= 2 and doc[first - 1].text == ",":
        before = ctx.entity(doc[first - 2])
        if before is not None and before is not place and ctx.cls_is(before, "Place"):
            out.insert(0, before)
    return out


def _place_named(text: str, ctx: Context) -> Entity | None:
    low = text.lower()
    return next((e for e in ctx.ents.items if ctx.cls_is(e, "Place")
                 and any(m.text.lower() == low for m in e.mentions)), None)


def _not_places(ents: list[Entity], ctx: Context) -> list[Entity]:
    return [e for e in ents if not ctx.cls_is(e, "Place")]


def _compound_entities(tok: Token, ctx: Context) -> list[Entity]:
    """'Kovcheg Commodities DMCC' where the name stops before the head word."""
    return [e for c in tok.children if c.dep_ == "compound" for e in [ctx.entity(c)] if e is not None][:1]


def _headings(ctx: Context, sent: Span) -> Iterator[Candidate]:
    """'Owo Rails (Lagos, Nigeria)': an organisation's name with its city and country in brackets."""
    doc = ctx.doc
    place_props = [p.name for p in ctx.onto.properties.values() if p.location_cues]
    for tok in ctx.scan(sent, {"("}):
        org = ctx.entity(doc[tok.i - 1]) if tok.i else None
        if org is None or not ctx.cls_is(org, "Organization") or ctx.cls_is(org, "PoliticalParty"):
            continue
        places: list[Entity] = []
        i = tok.i + 1
        while i < sent.end:
            place = ctx.entity(doc[i])
            if place is None or not ctx.cls_is(place, "Place") or place is org:
                break
            while i < sent.end and ctx.entity(doc[i]) is place:
                i += 1
            places.append(place)
            if i < sent.end and doc[i].text == "," and len(places) < 2:
                i += 1
                continue
            break
        if places and i < sent.end and doc[i].text == ")":
            for place in places:
                for prop in place_props:
                    yield ctx.candidate(org, prop, place, tok, "location-heading", 0.8, phrase=True)


def _named_after(ctx: Context, sent: Span) -> Iterator[Candidate]:
    """'the Central Bank of Kenya', 'the Diet of Japan': an organisation whose name ends in
    'of' and a place the document names on its own is in that place (the 'X of Y' of a
    place that the NER did not cut out of the name)."""
    doc = ctx.doc
    place_props = [p.name for p in ctx.onto.properties.values() if p.location_cues]
    places = {name.lower(): e for e in ctx.ents.items if ctx.cls_is(e, "Place")
              for name in (e.label, *e.aliases)}
    if not places or not place_props:
        return
    for tok in ctx.scan(sent, {"of"}):
        org = ctx.entity(tok)
        if org is None or not ctx.cls_is(org, "Organization") or ctx.cls_is(org, "PoliticalParty"):
            continue
        end = tok.i + 1
        while end < len(doc) and ctx.entity(doc[end]) is org:
            end += 1
        place = places.get(doc[tok.i + 1:end].text.lower())
        if place is not None and place is not org:
            for prop in place_props:
                yield ctx.candidate(org, prop, place, tok, "location-of", 0.6, phrase=True)


def _entity_after_descriptors(tok: Token, ctx: Context) -> Entity | None:
    """The name a run of descriptor words leads to: 'telecoms giant Huawei', 'payments
    infrastructure firm X' (a lower-case word the tagger read as a verb still describes)."""
    doc = tok.doc
    for t in doc[tok.i + 1: tok.i + 5]:
        if ctx.entity(t) is not None:
            return ctx.entity(t)
        misread = t.pos_ == "VERB" and t.lemma_ == t.lower_ and t.tag_ != "VBZ"    # 'startup' read as a verb
        if not (t.pos_ in {"NOUN", "ADJ"} or misread) or not t.is_lower or not t.is_alpha:
            return None
    return None


@proposers.register("kgingest.location.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Where organisations are based."""
    yield from by_sentence(location_rules, doc, entities, onto)

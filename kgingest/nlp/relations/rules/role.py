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
from ..roles import RoleHit, membership, role_at


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
            if c.i >= 2 and c.doc[c.i - 1].text == "," and (other := ctx.entity(c.doc[c.i - 2])) is not None \
                    and other is not holder and other.cls == "Person":
                continue    # "the first lawmaker since X, of the Y party": Y is X's, not the lawmaker's
            objs = [p for p in c.children if p.dep_ == "pobj"]
            # "owner of X and the radio station Y": each organisation of the coordination
            objs += [j for p in objs for j in p.conjuncts if j.i > p.i and _organisation_at(j, ctx) is not None]
            for p in objs:
                if any(t.pos_ == "VERB" and any(u.pos_ == "NOUN" and ctx.entity(u) is None for u in c.doc[c.i + 1:t.i])
                       for t in c.doc[c.i + 1:p.i]):
                    continue    # "chairman of the subcommittee grilling X": X is what the phrase acts on
                e = ctx.resolve(p) or next((ctx.entity(g) for g in p.children if g.dep_ in {"appos", "compound"}
                                            and ctx.entity(g)), None)
                if e is not None and e is not holder and ctx.entity(p) is None and p.text.islower() \
                        and p.lemma_.lower() in ctx.words("subunitNoun") and c.lower_ in {"of", "for", "in"} \
                        and not any(g.dep_ == "appos" and ctx.entity(g) is e for g in p.children):
                    # "chairman of the Senate subcommittee on trade": the head of a unit the name modifies
                    unit = True
                    out.append((e, "unit", True))
                elif e is not None and e is not holder:
                    out.append((e, "name-prep" if c in name_preps else "prep-to" if c.lower_ == "to" else "prep",
                                False))
                elif c.lower_ in {"of", "for", "in"}:
                    unit = True
                    inner = [r for g in p.subtree if g.dep_ in {"poss", "compound", "pobj"}
                             for r in [ctx.resolve(g)] if r is not None and r is not holder]
                    if inner:
                        out.append((inner[0], "unit", True))
    if any(c.dep_ == "prep" and c.lower_ == "of" for c in role.children):
        # "owner of X and the radio station Y", parsed with the second organisation on the title
        out += [(e, "prep", False) for j in role.children if j.dep_ == "conj" and j.i > role.i
                and role_at(j, ctx.trig) is None for e in [_organisation_at(j, ctx)]
                if e is not None and e is not holder and all(e is not o for o, _, _ in out)]
    if (where := _relative_place(role, ctx)) is not None and where is not holder:
        out.append((where, "relative", False))
    if role.dep_ == "conj" and role.head.i < role.i and (head_hit := role_at(role.head, ctx.trig)):
        # "the commission's executive vice chairman and chief executive, X": the first
        # title's organisation is the second's too
        out += [(e, how, u) for e, how, u in _role_objects(role.head, role.head.i - head_hit[0] + 1, holder, ctx)
                if how in {"poss", "left", "left-word", "appos"} and all(e is not o for o, _, _ in out)]
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
    unit_heads = ctx.words("unitHeadWord")
    role_words = " ".join(t.lower_ for t in doc[first:role.i + 1])
    modifiers = ctx.words("roleModifier")
    while i >= 0 and ((doc[i].head.i in range(first, role.i + 1) or doc[i].head == role.head
                       or doc[i].head.i in range(i, role.i + 1)) and not doc[i].is_punct or doc[i].tag_ == "POS"
                      or doc[i].text == ")" or _name_on(doc[i], first, role, ctx)):
        if doc[i].text == ")":
            # "Civic Democratic Party (ODS) leader X": the acronym in brackets names the party
            opening = next((j for j in range(i - 1, max(-1, i - 6), -1) if doc[j].text == "("), None)
            if opening is None:
                break
            inside = next((e for t in doc[opening + 1:i] for e in [ctx.entity(t)] if e is not None), None)
            if inside is not None and inside is not holder:
                out.append((inside, "left", unit))
                break
            i = opening - 1
            continue
        e = ctx.entity(doc[i])
        if e is not None and any(m.start <= role.i < m.end for m in e.mentions):
            break       # the title is part of the organisation's own name
        if e is not None and e is not holder:
            out.append((e, "left", unit))
            break
        if e is None and doc[i].pos_ == "NOUN" and doc[i].tag_ != "POS" and role_words in unit_heads:
            unit = True     # "the EU's foreign policy chief": the head of a unit of the EU
        if e is None and doc[i].pos_ == "NOUN" and doc[i].is_lower and role_words in ctx.words("portfolioTitle") \
                and (named := _organisation_named_by(doc[i], ctx, doc[i].text.title(), anywhere=False)) is not None:
            out.append((named, "left-word", unit))   # "Russia's industry minister": the industry ministry
            break
        if e is None and doc[i].pos_ == "PROPN":
            named = _organisation_named_by(doc[i], ctx)
            if named is not None:
                out.append((named, "left-word", unit))
                break
            if doc[i].text in modifiers:
                i -= 1      # "PDP National Chairman X": a word of the title, not a name
                continue
            break   # "Canadian Finance Minister": the minister is not head of Canada
        i -= 1
    if unit or any(u for _, _, u in out):
        # "head of tanker research at Y", "Y's head of global markets", "the EU's foreign
        # policy chief": the head of a unit of Y
        out = [(e, how, True) for e, how, _ in out]
    return out


def _served_office(role: Token, ctx: Context) -> Entity | None:
    """The organisation named for the one a title serves: "adviser to the prime minister in
    the PMO" -> the PMO. The "to" phrase hangs on the title, or, where the title completes
    a verb ("was appointed secretary to ..."), on that verb just after the title."""
    tos = [c for c in role.children if c.dep_ == "prep" and c.lower_ == "to"]
    verb = role.head if role.dep_ in {"attr", "oprd"} else role.head.head if role.dep_ == "pobj" else None
    if verb is not None:
        tos += [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "to" and c.i == role.i + 1]
    for to in tos:
        for served in to.children:
            if served.dep_ != "pobj":
                continue
            for c in served.children:
                if c.dep_ == "prep" and c.lower_ in {"in", "at"}:
                    for p in c.children:
                        e = ctx.entity(p)
                        if p.dep_ == "pobj" and e is not None and e.cls not in {"Person", "Place", "Country"}:
                            return e
    return None


def _relative_place(role: Token, ctx: Context) -> Entity | None:
    """The organisation a relative clause of place hangs on, for a title it completes:
    "Y, a fund where he is chief investment officer", "Y, an importer of which he is
    managing director"."""
    if role.dep_ not in {"attr", "oprd"} or role.head.dep_ != "relcl":
        return None
    verb = role.head
    relative = any(c.dep_ == "advmod" and c.lower_ == "where" for c in verb.children) or any(
        c.dep_ == "prep" and c.lower_ == "of" and any(p.lower_ == "which" for p in c.children)
        for c in verb.children) or any(c.lower_ == "which" and c.dep_ == "pobj" and c.head.lower_ == "of"
                                       and c.head.head in (role, verb) for c in role.subtree)
    if not relative:
        return None
    head = verb.head
    e = ctx.entity(head)
    if e is None and head.dep_ == "appos":
        e = ctx.entity(head.head)       # "Y, an Oslo-based fund where ..."
    return e if e is not None and e.cls != "Person" else None


def _name_on(tok: Token, first: int, role: Token, ctx: Context) -> bool:
    """A name of several words whose last word is `tok` and whose head word the parser
    hangs on the title: "Central Bank of Kenya Governor X" (the last word hangs on "of")."""
    e = ctx.entity(tok)
    if e is None:
        return False
    m = next((m for m in e.mentions if m.start <= tok.i < m.end), None)
    if m is None or m.end != tok.i + 1:
        return False
    head = m.span(tok.doc).root.head
    if head.i in range(first, role.i + 1) or head == role.head:
        return True
    # "Vantor chief executive Han Ji-woo met ...": the parser makes the name a subject of
    # its own, but name, title and person stand side by side
    # (not a conjunct: "Trade, Industry and Energy Minister X" names no "Energy")
    after = ctx.entity(tok.doc[role.i + 1]) if role.i + 1 < len(tok.doc) else None
    return m.end == first and e.cls not in {"Person", "Place", "Country"} and not e.guessed \
        and m.span(tok.doc).root.dep_ != "conj" and after is not None and after.cls == "Person" \
        and not any(t.is_punct for t in tok.doc[first:role.i + 1])


def _organisation_named_by(word: Token, ctx: Context, text: str | None = None, anywhere: bool = True) -> Entity | None:
    """The one organisation whose name contains this word, named near it (two sentences
    either side) or else anywhere in the document: "Commerce" in "Commerce Secretary X" ->
    the Commerce Department. A country before the word picks among several: "Chinese
    Commerce Minister" -> the commerce ministry named after China, not the US one."""
    n = ctx.sent_index[word.i]
    near = ctx.sents[max(0, n - 2)].start, ctx.sents[min(len(ctx.sents) - 1, n + 2)].end
    named = [e for e in ctx.ents.items if e.cls not in {"Person", "Country", "Place"}
             and (text or word.text) in (e.label.split() + [w for a in e.aliases for w in a.split()])]
    country = next((c for t in word.doc[max(0, word.i - 2):word.i] for c in [_country_word(t, ctx)] if c), None)
    hits = [e for e in named if any(near[0] <= m.start < near[1] for m in e.mentions)]
    if not anywhere:
        named = hits
    if not hits and country is None and anywhere:
        hits = [e for e in named if e.cls == "GovernmentAgency"]
    if country is not None:
        # the organisation named with this country anywhere; else an untied one in the same
        # sentence ("Japanese Foreign Minister" is not head of the "Chinese Foreign Ministry",
        # nor of a foreign office named two sentences off)
        tied = {e: _countries_before(e, ctx) for e in named}
        sent = ctx.sents[n]
        own = [e for e in named if country in tied[e]]
        hits = own or [e for e in hits if not tied[e] and any(sent.start <= m.start < sent.end for m in e.mentions)]
    return hits[0] if len(hits) == 1 else None


def _countries_before(org: Entity, ctx: Context) -> set[str]:
    """Countries named just before a mention of the organisation, in its sentence:
    "China's Ministry of Commerce", "the US Commerce Department"."""
    out: set[str] = set()
    for m in org.mentions:
        sent = ctx.sents[ctx.sent_index[m.start]]
        # "Chinese Foreign Ministry": the country word may be inside the name
        out.update(c for t in ctx.doc[max(sent.start, m.start - 3):m.end] for c in [_country_word(t, ctx)] if c)
    return out


def _country_word(tok: Token, ctx: Context) -> str | None:
    """The country a word names, by name, alias or demonym ('Chinese' -> China), or the
    country entity it belongs to."""
    e = ctx.entity(tok)
    if e is not None and e.cls == "Country":
        return e.label
    for c in ctx.onto.countries:
        if tok.text in (c.name, *c.aliases, *c.demonyms):
            return next((x.label for x in ctx.ents.items if x.cls == "Country"
                         and {x.label, *x.aliases} & {c.name, *c.aliases}), c.name)
    return None


# How sure a role noun is of its organisation, by where the organisation stands:
# "Rheinhagen chief executive X" (left) is surer than "the chief executive of its unit" (unit).
CONFIDENCE = {"left": 0.9, "poss": 0.85, "prep": 0.85, "prep-to": 0.85, "unit": 0.7, "left-word": 0.75, "appos": 0.8,
              "name-prep": 0.8, "relative": 0.8}


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
    if not described and (office := _served_office(tok, ctx)) is not None and office is not holder:
        # "adviser to the prime minister in the PMO": serves the minister, works in the office
        affiliation = next((p.name for p in sorted(ctx.onto.properties.values(), key=lambda p: p.priority)
                            if p.affiliation and ctx.onto.allows(p.name, holder.cls, office.cls)), None)
        if affiliation is not None:
            yield ctx.candidate(holder, affiliation, office, tok, "role-office", 0.75,
                                phrase=tok.dep_ not in {"attr", "oprd", "pobj"})
    elsewhere = any(how not in {"left", "name-prep"} for _, how, _ in objects)
    for obj, how, unit in objects:
        leads = how == "left" and not (elsewhere or subordinate or unit) and any(
            p != member and ctx.onto.allows(p, holder.cls, obj.cls) for p in props)
        if how in {"left", "name-prep"} and ctx.cls_is(obj, "PoliticalParty") and member and not leads:
            # "Conservative chair of the committee", "Labour MP X": a member of the party
            yield ctx.candidate(holder, member, obj, tok, "role-party", 0.85, phrase=True)
            continue
        allowed = [p for p in props if ctx.onto.allows(p, holder.cls, obj.cls)
                   and (obj.cls != "Country" or role_text in ctx.onto.properties[p].state_roles)]
        if subordinate or unit:
            heads = [p for p in allowed if ctx.onto.properties[p].unit_fallback]
            allowed = [ctx.onto.properties[p].unit_fallback or p if ctx.onto.properties[p].unit_fallback else p
                       for p in allowed]
            if heads and subordinate and member and ctx.cls_is(obj, "Legislature"):
                # "Senate minority leader X": a member of the chamber (its deputy spokesman is staff)
                allowed = [member]
        if not allowed and obj.cls == "Person" and not subordinate and how in {"poss", "left", "prep-to"}:
            # a person's deputy, secretary or chief of staff serves that person
            allowed = [p.name for p in sorted(ctx.onto.properties.values(), key=lambda p: p.priority)
                       if p.role_nouns and ctx.onto.allows(p.name, holder.cls, obj.cls)][:1]
        if not allowed:
            continue
        if unit and how in {"prep", "unit"} and member and allowed and obj.cls in {"Legislature", "PoliticalParty"} \
                and ctx.onto.properties[allowed[0]].affiliation:
            allowed = [member]      # "the Leader of the Opposition in the Lok Sabha": a member of it
        conf = CONFIDENCE[how]
        phrase = tok.dep_ not in {"attr", "oprd", "pobj"}
        if described:
            how, conf, phrase = "described", conf - 0.2, True
        yield ctx.candidate(holder, allowed[0], obj, tok, f"role-{how}", conf, phrase=phrase)
        if ctx.cls_is(obj, "PoliticalParty") and member and allowed[0] != member:
            yield ctx.candidate(holder, member, obj, tok, "role-party", 0.8, phrase=phrase)
    # "Canadian Finance Minister X" is not bare; "on Thursday, spokesman X" is (a comma ends the phrase)
    before = tok.doc[max(sent.start, first - 2):first]
    bare = not any(t.pos_ in {"PROPN", "ADJ"} and not any(u.is_punct for u in tok.doc[t.i + 1:first]) for t in before)
    if not objects and bare and not described and not subordinate and tok.dep_ != "pobj" \
            and not any(role_text in ctx.onto.properties[p].state_roles for p in props):
        # "The Commerce Department issued a statement in which Secretary X criticised ...":
        # a bare title goes with the one organisation named before it in the sentence
        orgs = {e for t in tok.doc[sent.start:first] for e in [ctx.entity(t)] if e is not None
                and e.cls in {"GovernmentAgency", "Company", "Organization"} and not e.guessed
                and not _titled(e, sent, tok, ctx)}
        allowed = [p for p in props if p != member and len(orgs) == 1
                   and ctx.onto.allows(p, holder.cls, next(iter(orgs)).cls)]
        if allowed:
            yield ctx.candidate(holder, allowed[0], orgs.pop(), tok, "role-sentence", 0.6,
                                phrase=tok.dep_ not in {"attr", "oprd", "pobj"})
        elif not orgs and (topic := _paragraph_company(sent, first, ctx) or _lead_company(sent, first, ctx)) is not None:
            # "SikaBox raised $8m ... Chief executive X said ...": the company the paragraph is about
            allowed = [p for p in props if p != member and ctx.onto.allows(p, holder.cls, topic.cls)]
            if allowed:
                yield ctx.candidate(holder, allowed[0], topic, tok, "role-paragraph", 0.55,
                                    phrase=tok.dep_ not in {"attr", "oprd", "pobj"})
    if not objects:
        # a member of a body named elsewhere in the sentence or by the title: "Sen." -> Senate
        member_props = [p for p in props if "Legislature" in ctx.onto.properties[p].range]
        if member_props:
            body = _legislature_for(tok, sent, ctx)
            if body is not None:
                yield ctx.candidate(holder, member_props[0], body, tok, "role-body", 0.7,
                                phrase=tok.dep_ not in {"attr", "oprd", "pobj"})


def _organisation_at(tok: Token, ctx: Context) -> Entity | None:
    """The organisation a word names, or the one its compound or apposition names ("the station Y")."""
    e = ctx.entity(tok) or next((ctx.entity(g) for g in tok.children if g.dep_ in {"appos", "compound"}
                                 and ctx.entity(g)), None)
    return e if e is not None and ctx.cls_is(e, "Organization") else None


def _titled(org: Entity, sent: Span, title: Token, ctx: Context) -> bool:
    """Whether a mention of the organisation in the sentence modifies another role noun
    ("a former Vantor executive", "a Brixton University law professor"): that title's
    organisation, not one a later bare title can take."""
    return any(ctx.entity(t) is org and t.head.i != t.i and ctx.entity(t.head) is not org
               and t.head.i != title.i and role_at(t.head, ctx.trig) is not None for t in sent)


def _paragraph_company(sent: Span, first: int, ctx: Context, reach: int = 4) -> Entity | None:
    """The company a paragraph is about, for a bare title that opens a sentence ("Chief
    executive X said"): the first company in the paragraph (at most `reach` sentences
    back, after a blank line) that heads a sentence as its subject or stands alone as a
    heading. None when the title does not open its sentence."""
    if not _opens(sent, first, ctx):
        return None
    def opens_paragraph(k: int) -> bool:
        before = ctx.text[ctx.sents[k - 1].start_char:ctx.sents[k].start_char]
        return "\n\n" in before[len(before.rstrip()):]

    n = ctx.sent_index[sent.start]
    start = n
    while start > 0 and n - start < reach and not opens_paragraph(start):
        start -= 1
    if start > 0 and not opens_paragraph(start):
        return None     # no paragraph break within reach
    for s in ctx.sents[start:n]:
        for t in s:
            e = ctx.entity(t)
            if e is not None and e.cls == "Company" and t.head.i != t.i and ctx.entity(t.head) is e:
                continue        # not the mention's last word
            if e is not None and e.cls == "Company" and t.dep_ in {"nsubj", "nsubjpass", "ROOT"}:
                return e
    return None


def _opens(sent: Span, first: int, ctx: Context) -> bool:
    """The title opens its sentence, or follows the quotation the sentence opens with
    ('"...," chairman X said')."""
    start = sent.start
    if ctx.doc[start].is_quote:
        close = [t.i for t in ctx.doc[start + 1:first] if t.is_quote]
        if close:
            start = close[-1] + 1
    return not any(not (t.is_punct or t.is_space or ctx.trig.roles.get(t.lower_) or t.pos_ in {"CCONJ", "ADJ", "NOUN"})
                   for t in ctx.doc[start:first])


def _lead_company(sent: Span, first: int, ctx: Context, lead: int = 3) -> Entity | None:
    """The company a story is about, for a bare title that opens a sentence far from any
    company ("Chief executive X remains responsible for ..."): the subject of one of the
    story's first `lead` sentences that name a company, named again later."""
    if not _opens(sent, first, ctx):
        return None
    def find() -> Entity | None:
        seen = 0
        for s in ctx.sents:
            named = [(t, e) for t in s if (e := ctx.entity(t)) is not None and e.cls == "Company" and not e.guessed]
            if not named:
                continue
            lead_subject = [e for t, e in named if t.dep_ in {"nsubj", "nsubjpass"} and t.head == s.root]
            if lead_subject and len(lead_subject[0].mentions) >= 2:
                return lead_subject[0]
            seen += 1
            if seen >= lead:
                break
        return None
    return ctx.once(("role", "lead-company"), find)


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

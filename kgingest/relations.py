"""Relations between entities, read off the dependency parse with the ontology's trigger words.

Pure functions over a parsed Doc and its entities. Each rule family is a generator that
yields candidate facts; :func:`find` keeps those that pass the guards (negation,
hypotheticals, denial, removal, former roles) and the property's domain and range.

Rule families, all driven by annotations in ``ontologies/kgingest.ttl``:

* ``role``: a role noun next to a person ("Treasury Secretary X", "X, chief executive of
  Y", "Y's adviser X", "X is a fellow at Y") -> the role's property (``kg:roleNoun``);
* ``verb``: a trigger verb with its subject and object, active or passive, with or without
  a preposition (``kg:verbTrigger``, ``kg:inverseVerbTrigger``, ``kg:patientVerbTrigger``);
* ``event``: an event noun ("talks between X and Y", "a call with Y", ``kg:eventNoun``);
* ``judgement``: a speaker who says the object made "a catastrophic mistake"
  (``kg:judgementNoun``);
* ``location``: "Shenzhen-based X", "headquartered in Y" (``kg:locationCue``) and
  nationality words before an organisation ("the German carmaker X");
* ``group``: "Senate Republicans like X and Y", party tags "Sen. X (R-Fla.)".
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Collection, Iterator

from spacy.tokens import Doc, Span, Token

from .entities import PARTY_TAG, Entities, Entity, lexicon
from .learned.propose import propose
from .nlp import TokenStrings, sentences, text as doc_text, token_strings
from .ontology import Ontology, Trigger, per_ontology


@dataclass(frozen=True, eq=False)
class Relation:
    subject: Entity
    prop: str
    object: Entity
    start: int          # character offsets of the evidence sentence
    end: int
    confidence: float
    rule: str


@dataclass
class Candidate:
    subject: Entity
    prop: str | None            # None: choose from `props` by the classes
    object: Entity
    anchor: Token               # the trigger token: guards are checked from here
    rule: str
    confidence: float
    props: tuple[str, ...] = ()
    phrase: bool = False        # stated inside a noun phrase: the clause's negation does not reach it


PERSONAL_PRONOUNS = {"he", "she", "him", "her", "his", "hers", "himself", "herself"}
THING_PRONOUNS = {"it", "its", "itself"}
SUBJ = {"nsubj", "nsubjpass", "csubj"}
OBJ = {"dobj", "obj"}


@dataclass
class Triggers:
    """Ontology annotations indexed for lookup by token."""

    roles: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    verbs: dict[str, list[tuple[str, Trigger, str]]] = field(default_factory=lambda: defaultdict(list))
    events: dict[str, list[tuple[str, Trigger]]] = field(default_factory=lambda: defaultdict(list))
    judgements: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    location_cues: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    max_role_words: int = 1
    role_ends: set[str] = field(default_factory=set)    # last words of role nouns: a quick filter

    @classmethod
    def build(cls, onto: Ontology) -> "Triggers":
        t = cls()
        props = sorted(onto.properties.values(), key=lambda p: (p.priority, p.name))
        for p in props:
            for noun in p.role_nouns:
                t.roles[noun.lower()].append(p.name)
                t.max_role_words = max(t.max_role_words, len(noun.split()))
                t.role_ends.add(noun.lower().split()[-1].split("-")[-1])
            for kind, triggers in (("active", p.verbs), ("inverse", p.inverse_verbs), ("patient", p.patient_verbs)):
                for trig in triggers:
                    t.verbs[trig.lemma.split()[0]].append((p.name, trig, kind))
            for trig in p.event_nouns:
                t.events[trig.lemma.split()[-1]].append((p.name, trig))
            for noun in p.judgement_nouns:
                t.judgements[noun].append(p.name)
            for cue in p.location_cues:
                t.location_cues[cue].append(p.name)
        return t


triggers = per_ontology(Triggers.build)


# ---------------------------------------------------------------- context: entities and references

@dataclass
class Context:
    doc: Doc
    ents: Entities
    onto: Ontology
    trig: Triggers
    titles: dict[str, set[Entity]] = field(default_factory=lambda: defaultdict(set))
    sent_index: dict[int, int] = field(default_factory=dict)   # token.i -> sentence number
    sents: list[Span] = field(default_factory=list)
    text: str = ""
    strings: TokenStrings = field(init=False)

    def __post_init__(self) -> None:
        self.sents = sentences(self.doc)
        self.text = doc_text(self.doc)
        self.strings = token_strings(self.doc)
        for n, s in enumerate(self.sents):
            for i in range(s.start, s.end):
                self.sent_index[i] = n

    def entity(self, tok: Token) -> Entity | None:
        return self.ents.at_token.get(tok.i)

    def scan(self, span: Span, words: Collection[str] = (), *, lemmas: Collection[str] = (),
             pos: Collection[str] | None = None, entities: bool = False) -> Iterator[Token]:
        """The tokens of a sentence (or any span) that a rule looks at: lower-cased text in `words`, lemma
        in `lemmas` or (with `entities`) inside an entity mention, and POS in `pos`.
        Picked from the Doc's token strings, so the other tokens cost almost nothing."""
        lower, lemma, tags = self.strings
        at = self.ents.at_token
        for i in range(span.start, span.end):
            if (lower[i] in words or lemma[i] in lemmas or entities and i in at) and (pos is None or tags[i] in pos):
                yield self.doc[i]

    def words(self, kind: str) -> frozenset[str]:
        return self.onto.words(kind)

    def cls_is(self, ent: Entity, ancestor: str) -> bool:
        return self.onto.is_a(ent.cls, ancestor)

    def mentions_before(self, tok: Token, sentences_back: int) -> list[tuple[int, Entity]]:
        """(token index, entity) of mentions from `sentences_back` sentences ago up to tok."""
        first = self.sents[max(0, self.sent_index[tok.i] - sentences_back)].start
        return sorted(((m.start, e) for e in self.ents.items for m in e.mentions
                       if first <= m.start < tok.i), key=lambda x: x[0])

    def resolve(self, tok: Token) -> Entity | None:
        """The entity a token names: itself, or an unambiguous pronoun or description."""
        ent = self.entity(tok)
        if ent is not None:
            return ent
        low = tok.lower_
        if tok.pos_ == "PRON" and low in PERSONAL_PRONOUNS:
            return self._antecedent(tok, lambda e: e.cls == "Person")
        if tok.pos_ == "PRON" and low in THING_PRONOUNS:
            return self._nearest_thing(tok)
        if low == "whose":      # "the WTO, whose director-general, X, ..."
            for anc in tok.ancestors:
                if anc.dep_ in {"relcl", "appos", "acl"}:
                    return self.entity(anc.head)
            return None
        if tok.pos_ in {"NOUN", "PROPN"} and any(c.lower_ in {"the", "this", "that"} for c in tok.children):
            return self._description(tok)
        return None

    def _antecedent(self, tok: Token, ok) -> Entity | None:
        """One candidate in this sentence before the pronoun, else the previous sentence's
        subject, else one candidate in the previous sentence; otherwise nothing."""
        sent = self.sents[self.sent_index[tok.i]]
        here = {e for i, e in self.mentions_before(tok, 0) if ok(e)}
        subj = [self.entity(t) for t in sent if t.dep_ in SUBJ and t.i < tok.i and self.entity(t)]
        if len(here) == 1:
            return next(iter(here))
        if here:
            subj = [e for e in subj if e is not None and ok(e)]
            return subj[0] if subj else None
        n = self.sent_index[tok.i]
        if n == 0:
            return None
        prev = self.sents[n - 1]
        root_subj = [self.entity(t) for t in prev if t.dep_ in SUBJ and t.head == prev.root]
        root_subj = [e for e in root_subj if e is not None and ok(e)]
        if root_subj:
            return root_subj[0]
        cands = {e for i, e in self.mentions_before(prev[-1], 0) if ok(e)} if len(prev) else set()
        return next(iter(cands)) if len(cands) == 1 else None

    def _nearest_thing(self, tok: Token) -> Entity | None:
        """'its': the organisation just before it in the sentence ("Sapphire Gulf Shipping
        and its managing director"), else the previous sentence's organisation subject."""
        ok = lambda e: self.cls_is(e, "Organization")  # noqa: E731
        here = [e for _, e in self.mentions_before(tok, 0) if ok(e)]
        if here:
            return here[-1]
        return self._antecedent(tok, ok)

    def _description(self, tok: Token) -> Entity | None:
        """'the chancellor' -> the one person titled so; 'the company' -> the latest company."""
        low = tok.lemma_.lower()
        people = self.titles.get(low, set())
        if len(people) == 1:
            return next(iter(people))
        for cls in ("SanctionsList", "GovernmentAgency", "Legislature", "PoliticalParty", "MediaOrganization", "Company"):
            c = self.onto.classes.get(cls)
            if c and (low in {w.lower() for w in c.cue_words if w.islower()} or low in {w.lower() for w in c.cue_suffixes}):
                recent = [e for _, e in self.mentions_before(tok, 3) if self.cls_is(e, cls)]
                if recent:
                    return recent[-1]
        return None

    def group(self, tok: Token) -> list[Entity]:
        """The entities a noun phrase names: itself or its appositive, and its conjuncts
        ("X and Y", "X, along with Y")."""
        out: list[Entity] = []
        todo = [tok]
        seen = set()
        while todo:
            t = todo.pop(0)
            if t.i in seen:
                continue
            seen.add(t.i)
            ent = self.resolve(t)
            if ent is None:
                ent = next((self.entity(c) for c in t.children if c.dep_ == "appos" and self.entity(c)), None)
            if ent is None and t.dep_ == "appos":
                ent = self.entity(t.head)       # "Marlijn Systems, a cloud provider that ..."
            if ent is None and t.lemma_.lower() in self.words("partNoun"):
                wholes = [self.resolve(p) for c in t.children if c.dep_ == "prep" and c.lower_ == "of"
                          for p in c.children if p.dep_ == "pobj"] + [self.owner(t)]
                ent = next((e for e in wholes if e is not None and self.cls_is(e, "Organization")), None)
            if ent is not None and ent not in out:
                out.append(ent)
            for c in t.children:
                if c.dep_ == "conj":
                    todo.append(c)
                elif c.dep_ == "prep" and c.lower_ in {"along", "together"}:
                    todo.extend(g for w in c.children for g in ([w] + [x for x in w.children if x.dep_ == "pobj"])
                                if g.dep_ == "pobj")
                elif c.dep_ == "appos" and self.entity(c) is None:
                    todo.append(c)
        return out

    def owner(self, tok: Token) -> Entity | None:
        """The entity behind a thing: "Lenhardt's decision", "the US measures"."""
        for c in tok.children:
            if c.dep_ in {"poss", "compound", "amod", "nmod"}:
                ent = self.resolve(c)
                if ent is not None:
                    return ent
        return None


# ---------------------------------------------------------------- guards

def _ancestors(tok: Token, limit: int = 6) -> Iterator[Token]:
    t = tok
    for _ in range(limit):
        yield t
        if t.head == t:
            return
        t = t.head


def _phrase_lemmas(tok: Token) -> set[str]:
    """'stop' with child 'short' and 'of' -> {'stop', 'stop short', 'stop short of'}."""
    out = {tok.lemma_.lower()}
    for c in tok.children:
        if c.dep_ in {"prt", "advmod", "acomp", "dobj", "prep"} and c.i > tok.i:
            out.add(f"{tok.lemma_.lower()} {c.lower_}")
            for g in c.children:
                if g.dep_ == "prep":
                    out.add(f"{tok.lemma_.lower()} {c.lower_} {g.lower_}")
    return out


# How far up the tree a word of the clause above still reaches (see `blocked`).
NOUN_LINKS = {"dobj", "appos", "attr", "oprd", "compound", "nsubj", "nsubjpass", "amod", "poss", "pobj", "prep"}
NEGATION_PASSES = {"ccomp", "xcomp"} | NOUN_LINKS
BLOCKING_PASSES = NEGATION_PASSES | {"pcomp", "acl", "relcl"}
HEDGE_PASSES = NEGATION_PASSES | {"conj", "advcl", "pcomp"}


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
    for depth, t in enumerate(_ancestors(tok, 1 if phrase else 6)):
        for c in t.children:
            if neg_on and (c.dep_ == "neg" or (c.dep_ in {"advmod", "det", "preconj"} and c.lower_ in negation)):
                return "negated"
            if hedge_on and c.dep_ in {"aux", "auxpass"} and c.lower_ in hedge:
                return "hypothetical"
            if hedge_on and c.dep_ == "mark" and c.lower_ in hedge and t.pos_ in {"VERB", "AUX"}:
                return "hypothetical"
        if depth and block_on and _phrase_lemmas(t) & blocking:
            return "denied"
        if block_on and _phrase_lemmas(t) & leave and t.tag_ in {"VBD", "VBN"}:
            return "former"
        neg_on = neg_on and t.dep_ in NEGATION_PASSES
        hedge_on = hedge_on and t.dep_ in HEDGE_PASSES
        block_on = block_on and t.dep_ in BLOCKING_PASSES
        if not (neg_on or hedge_on or block_on):
            break
    return None


def former(role: Token, ctx: Context) -> bool:
    """'former adviser', 'ex-chief executive', 'then-secretary'."""
    words = ctx.words("formerWord")
    left = [c for c in role.children if c.i < role.i] + [role.doc[i] for i in range(max(0, role.i - 3), role.i)]
    return any(t.lower_ in words or t.lower_.rstrip("-") in words for t in left)


# ---------------------------------------------------------------- rule families

def _role_at(tok: Token, trig: Triggers) -> tuple[int, list[str]] | None:
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


def _role_holder(role: Token, ctx: Context) -> Entity | None:
    """The person a role noun describes."""
    head = role.head
    ent = ctx.entity(head)
    if ent and ent.cls == "Person" and role.dep_ in {"compound", "nmod", "amod", "appos", "nsubj"}:
        return ent
    nxt = role.doc[role.i + 1] if role.i + 1 < len(role.doc) else None
    if nxt is not None and ctx.entity(nxt) and ctx.entity(nxt).cls == "Person":
        return ctx.entity(nxt)
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
    return None


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
                    inner = [ctx.resolve(g) for g in p.subtree if g.dep_ in {"poss", "compound", "pobj"}
                             and ctx.resolve(g) and ctx.resolve(g) is not holder]
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


def role_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    trig = ctx.trig
    sub_words = ctx.words("subordinateWord")
    for tok in ctx.scan(sent, trig.role_ends, lemmas=trig.role_ends):
        if tok.pos_ not in {"NOUN", "PROPN"} or ctx.entity(tok) and ctx.entity(tok).cls != "Person":
            if not (tok.text in trig.roles or tok.lower_ in trig.roles):
                continue
        hit = _role_at(tok, trig)
        if hit is None or ctx.entity(tok) is not None and ctx.entity(tok).cls == "Person" and tok.text not in ctx.words("honorific"):
            continue
        n, props = hit
        first = tok.i - n + 1
        while first < tok.i and ctx.entity(tok.doc[first]) is not None:
            first += 1      # "Treasury Secretary": the role is "secretary" of the Treasury
        holder = _role_holder(tok, ctx)
        if holder is None and tok.dep_ in SUBJ | OBJ and any(c.lower_ == "the" for c in tok.children) \
                and any(ctx.entity(c) for c in tok.subtree if c.i != tok.i):
            # "The senior Trump aide told ...": a description of someone named before
            holder = ctx._antecedent(tok, lambda e: e.cls == "Person" and not any(
                ctx.entity(c) is e for c in tok.subtree))
            described = True
        else:
            described = False
        if holder is None:
            continue
        for w in tok.doc[first:tok.i + 1]:
            ctx.titles[w.lemma_.lower()].add(holder)
        ctx.titles[tok.lemma_.lower()].add(holder)
        if former(tok.doc[first], ctx) or former(tok, ctx):
            continue
        subordinate = any(t.lower_ in sub_words for t in tok.doc[max(0, first - 2):tok.i + 1])
        objects = _role_objects(tok, first, holder, ctx)
        role_text = " ".join(t.lower_ for t in tok.doc[first:tok.i + 1])
        member = _membership(ctx.onto)
        for obj, how, unit in objects:
            if how in {"left", "name-prep"} and ctx.cls_is(obj, "PoliticalParty") and member:
                # "Conservative chair of the committee", "Labour MP X": a member of the party
                yield Candidate(holder, member, obj, tok, "role-party", 0.85, phrase=True)
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
            conf = {"left": 0.9, "poss": 0.85, "prep": 0.85, "unit": 0.7, "left-word": 0.75, "appos": 0.8,
                    "name-prep": 0.8}[how]
            phrase = tok.dep_ not in {"attr", "oprd", "pobj"}
            if described:
                how, conf, phrase = "described", conf - 0.2, True
            yield Candidate(holder, allowed[0], obj, tok, f"role-{how}", conf, phrase=phrase)
            if ctx.cls_is(obj, "PoliticalParty") and member and allowed[0] != member:
                yield Candidate(holder, member, obj, tok, "role-party", 0.8, phrase=phrase)
        bare = not any(t.pos_ in {"PROPN", "ADJ"} for t in tok.doc[max(sent.start, first - 2):first])
        if not objects and bare and not described and not subordinate and tok.dep_ != "pobj" \
                and not any(role_text in ctx.onto.properties[p].state_roles for p in props):
            # "The Commerce Department issued a statement in which Secretary X criticised ...":
            # a bare title goes with the one organisation named before it in the sentence
            orgs = {ctx.entity(t) for t in tok.doc[sent.start:first] if ctx.entity(t) is not None
                    and ctx.entity(t).cls in {"GovernmentAgency", "Company", "Organization"}
                    and not ctx.entity(t).guessed}
            allowed = [p for p in props if p != member and len(orgs) == 1
                       and ctx.onto.allows(p, holder.cls, next(iter(orgs)).cls)]
            if allowed:
                yield Candidate(holder, allowed[0], orgs.pop(), tok, "role-sentence", 0.6, phrase=True)
        if not objects:
            # a member of a body named elsewhere in the sentence or by the title: "Sen." -> Senate
            member_props = [p for p in props if "Legislature" in ctx.onto.properties[p].range]
            if member_props:
                body = _legislature_for(tok, sent, ctx)
                if body is not None:
                    yield Candidate(holder, member_props[0], body, tok, "role-body", 0.7,
                                    phrase=tok.dep_ not in {"attr", "oprd", "pobj"})


def _legislature_for(role: Token, sent: Span, ctx: Context) -> Entity | None:
    stem = role.lower_.rstrip(".")[:5]
    bodies = [e for e in ctx.ents.items if e.cls == "Legislature"]
    by_title = [e for e in bodies if len(stem) >= 3 and e.label.split()[-1].lower().startswith(stem)]
    if len(by_title) == 1:
        return by_title[0]
    here = {ctx.entity(t) for t in sent if ctx.entity(t) is not None and ctx.entity(t).cls == "Legislature"}
    return next(iter(here)) if len(here) == 1 else None


def _subjects(verb: Token, ctx: Context) -> list[Entity]:
    """Who does the verb: its subject, the noun a relative clause hangs on, or the subject
    of the verb it is coordinated with or subordinate to."""
    t = verb
    for _ in range(4):
        subs = [c for c in t.children if c.dep_ in {"nsubj", "csubj"}]
        if subs:
            out = []
            for s in subs:
                if s.lower_ in {"who", "which", "that"} and t.dep_ == "relcl":
                    out += ctx.group(t.head)
                else:
                    out += ctx.group(s)
            if out or t is verb or t.dep_ != "ccomp" or t.head == t:
                return out
            t = t.head      # "said the move came too late and accused X": a misattached conjunct
            continue
        if t.dep_ == "relcl" or (t.dep_ == "acl" and _finite(t)):
            # the small parser hangs a main verb on a long subject as "acl"
            head = t.head
            if head.dep_ == "appos" and ctx.entity(head.head) is not None and ctx.entity(head.head).cls == "Person":
                head = head.head      # "Delgado, a Florida Democrat who sits on ..."
            return ctx.group(head)
        if t.dep_ in {"xcomp", "conj", "advcl", "pcomp", "acl"} and t.head != t:
            t = t.head if t.dep_ != "pcomp" else t.head.head
            continue
        break
    return []


def _finite(verb: Token) -> bool:
    """A verb that has its own subject in the sentence: finite, or a participle with an object."""
    return verb.tag_ in {"VBD", "VBZ", "VBP"} or any(c.dep_ in OBJ for c in verb.children)


def _companions(verb: Token, ctx: Context) -> list[Entity]:
    """'X, along with Y, was added': Y shares the verb's subject role."""
    return [e for c in verb.children if c.dep_ == "prep" and c.lower_ in {"along", "together"}
            for w in c.children if w.dep_ == "prep" for p in w.children if p.dep_ == "pobj"
            for e in ctx.group(p)]


def _agents(verb: Token, ctx: Context) -> list[Entity]:
    return [e for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj" for e in ctx.group(p)]


def _prep_objects(tok: Token, prep: str, ctx: Context, depth: int = 2) -> list[Entity]:
    """Entities under `prep` attached to tok or to its objects ('held talks with X')."""
    out = []
    for c in tok.children:
        if c.dep_ in {"prep", "dative", "agent"} and c.lower_ == prep:
            for p in c.children:
                if p.dep_ == "pobj":
                    out += ctx.group(p)
        elif depth and c.dep_ in {"dobj", "attr", "prt", "advmod", "npadvmod", "prep", "pobj"}:
            out += _prep_objects(c, prep, ctx, depth - 1)
    return out


def _objects(verb: Token, ctx: Context, about_owner: bool = False) -> list[Entity]:
    """The verb's objects; with `about_owner`, also the owner of a thing it acts on
    ("criticised Lenhardt's decision" is aimed at Lenhardt)."""
    out = []
    for c in verb.children:
        if c.dep_ in OBJ or c.dep_ == "dative":
            grp = ctx.group(c)
            if not grp and about_owner and ctx.owner(c) is not None:
                grp = [ctx.owner(c)]
            out += grp
    return out


def _trigger_fits(verb: Token, trig: Trigger) -> bool:
    words = trig.lemma.split()
    if words[0] != verb.lemma_.lower():
        return False
    if len(words) == 1:
        return True
    # the rest of the phrase in the verb's subtree, at most four words on ("pull out of")
    kids = {c.lower_ for c in verb.doc[verb.i + 1:verb.i + 5] if verb.is_ancestor(c)}
    return all(w in kids for w in words[1:])


def _role_of_appointment(verb: Token, ctx: Context) -> tuple[Token | None, Entity | None]:
    """'named X as CISO', 'promoted X to President', 'elected chair of Y' -> (role, Y)."""
    for c in verb.subtree:
        if c.i <= verb.i:
            continue
        if c.dep_ in {"oprd", "attr", "xcomp"} or (c.dep_ == "pobj" and c.head.lower_ in {"as", "to"}):
            hit = _role_at(c, ctx.trig)
            if hit:
                org = None
                for p in c.children:
                    if p.dep_ == "prep" and p.lower_ in {"of", "at"}:
                        org = next((ctx.resolve(x) for x in p.children if x.dep_ == "pobj" and ctx.resolve(x)), None)
                return c, org
    return None, None


def verb_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    for verb in ctx.scan(sent, lemmas=ctx.trig.verbs, pos={"VERB", "AUX"}):
        entries = ctx.trig.verbs.get(verb.lemma_.lower(), [])
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children) or (
            verb.tag_ == "VBN" and verb.dep_ == "acl" and not _finite(verb))
        for prop, trig, kind in entries:
            if not _trigger_fits(verb, trig):
                continue
            rule = f"verb-{kind}" + (f"-{trig.prep}" if trig.prep else "")
            pobjs = _prep_objects(verb, trig.prep, ctx) if trig.prep else []
            if trig.prep and not pobjs:
                continue
            if kind == "active":
                subs = _agents(verb, ctx) if passive else _subjects(verb, ctx) + _companions(verb, ctx)
                objs = pobjs if trig.prep else (
                    [e for c in verb.children if c.dep_ == "nsubjpass" for e in ctx.group(c)] if passive
                    else _objects(verb, ctx, ctx.onto.properties[prop].about_owner))
                for s in subs:
                    for o in objs:
                        yield Candidate(s, prop, o, verb, rule, 0.8)
                if ctx.onto.properties[prop].symmetric and not objs and len(subs) > 1:
                    for i, a in enumerate(subs):
                        for b in subs[i + 1:]:
                            yield Candidate(a, prop, b, verb, rule + "-together", 0.75)
            elif kind == "inverse":
                people = [e for c in verb.children if c.dep_ == "nsubjpass" for e in ctx.group(c)] if passive \
                    else _objects(verb, ctx)
                orgs = _agents(verb, ctx) if passive else _subjects(verb, ctx)
                role, role_org = _role_of_appointment(verb, ctx)
                if role_org is not None and role_org not in orgs:
                    orgs = orgs + [role_org]
                props = [prop]
                unit = False
                if role is not None:
                    hit = _role_at(role, ctx.trig)
                    props = list(hit[1]) if hit else props
                    unit = any(p.dep_ == "prep" and p.lower_ in {"of", "in"} and not any(
                        ctx.entity(x) for x in p.subtree) for p in role.children)
                    if former(role, ctx):
                        continue
                for person in people:
                    for org in orgs:
                        allowed = [p for p in props if ctx.onto.allows(p, person.cls, org.cls)]
                        if unit:
                            allowed = [ctx.onto.properties[p].unit_fallback or p for p in allowed]
                        if allowed:
                            yield Candidate(person, allowed[0], org, verb, rule, 0.8)
            else:  # patient: "added X to the list", "X was added to the list", "X remains on"
                patients = [e for c in verb.children if c.dep_ == "nsubjpass" for e in ctx.group(c)] if passive \
                    else _objects(verb, ctx)
                if passive and not patients:
                    patients = _objects(verb, ctx)      # "Also designated were X and Y"
                patients += [e for e in _companions(verb, ctx) if e not in patients]
                if verb.dep_ == "acl" and passive:
                    patients = ctx.group(verb.head)
                    if not patients and verb.head.dep_ == "appos":
                        patients = ctx.group(verb.head.head)
                targets = pobjs or _range_entity_near(verb, prop, ctx)
                for s in patients:
                    for o in targets:
                        yield Candidate(s, prop, o, verb, rule, 0.8 if pobjs else 0.6)


def _range_entity_near(tok: Token, prop: str, ctx: Context) -> list[Entity]:
    """The one entity of the property's range class in this or the two sentences before."""
    rng = ctx.onto.properties[prop].range
    found = [e for _, e in ctx.mentions_before(tok, 2) if ctx.onto.ancestors(e.cls) & rng]
    sent = ctx.sents[ctx.sent_index[tok.i]]
    found += [ctx.entity(t) for t in sent if t.i > tok.i and ctx.entity(t) and ctx.onto.ancestors(ctx.entity(t).cls) & rng]
    distinct = list(dict.fromkeys(found))
    return distinct[-1:] if distinct and len(set(e.cls for e in distinct)) >= 1 and len(distinct) <= 2 else []


def event_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    for noun in ctx.scan(sent, ctx.trig.events, lemmas=ctx.trig.events, pos={"NOUN", "VERB"}):
        for prop, trig in ctx.trig.events.get(noun.lemma_.lower(), []) + ctx.trig.events.get(noun.lower_, []):
            if trig.lemma.split()[-1] not in {noun.lemma_.lower(), noun.lower_}:
                continue
            if trig.prep in {"between", "of"} and prop and ctx.onto.properties[prop].symmetric:
                parts = _prep_objects(noun, trig.prep, ctx, depth=0)
                for i, a in enumerate(parts):
                    for b in parts[i + 1:]:
                        yield Candidate(a, prop, b, noun, "event-between", 0.75)
                continue
            objs = _prep_objects(noun, trig.prep, ctx, depth=0) if trig.prep else []
            verb = noun.head if noun.dep_ in OBJ | {"pobj", "attr", "nsubj"} else noun
            if noun.dep_ == "pobj":
                verb = noun.head.head
            subs = [e for c in noun.children if c.dep_ == "poss" for e in [ctx.resolve(c)] if e] or _subjects(verb, ctx)
            for s in subs:
                for o in objs:
                    yield Candidate(s, prop, o, noun, "event-" + (trig.prep or "noun"), 0.75)
            if ctx.onto.properties[prop].symmetric and not objs and len(subs) > 1 and noun.tag_ == "NNS":
                for i, a in enumerate(subs):
                    for b in subs[i + 1:]:
                        yield Candidate(a, prop, b, noun, "event-together", 0.7)


def judgement_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    """'X said Y has made a catastrophic mistake', 'X called Y's plan a mistake'."""
    speech = ctx.words("speechVerb")
    for noun in ctx.scan(sent, lemmas=ctx.trig.judgements, pos={"NOUN"}):
        props = ctx.trig.judgements.get(noun.lemma_.lower())
        if not props:
            continue
        clause = noun.head
        target = None
        if noun.dep_ in {"dobj", "attr"}:
            target = next((e for c in clause.children if c.dep_ in SUBJ for e in [ctx.resolve(c)] if e), None)
            if target is None:
                target = next((ctx.owner(c) for c in clause.children if c.dep_ in SUBJ and ctx.owner(c)), None)
        if noun.dep_ == "appos" and clause.dep_ in OBJ:
            noun, clause = clause, clause.head     # 'called Overbeck's plan "a mistake"'
            verb, obj = clause, noun
        elif noun.dep_ == "oprd" or (noun.dep_ == "pobj" and noun.head.lower_ == "as"):
            verb = clause if noun.dep_ == "oprd" else clause.head
            obj = next((c for c in verb.children if c.dep_ in OBJ), None)
        else:
            verb = obj = None
        if verb is not None:
            if obj is not None:
                target = ctx.resolve(obj) or ctx.owner(obj)
            speakers = _subjects(verb, ctx)
            for s in speakers:
                if target is not None and s is not target:
                    for p in props:
                        yield Candidate(s, p, target, verb, "judgement-call", 0.75)
            continue
        if target is None:
            continue
        # the speaker: subject of the saying verb above the clause, or beside it ("..., Rubio tweeted")
        for t in _ancestors(clause, 5):
            if t.lemma_.lower() in speech and t != clause:
                for s in _subjects(t, ctx):
                    if s is not target:
                        for p in props:
                            yield Candidate(s, p, target, t, "judgement-quote", 0.7)
                break
        else:
            root = sent.root
            if root.lemma_.lower() in speech and clause != root:
                for s in _subjects(root, ctx):
                    if s is not target:
                        for p in props:
                            yield Candidate(s, p, target, root, "judgement-quote", 0.7)


def location_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    doc = ctx.doc
    for tok in ctx.scan(sent, ctx.trig.location_cues):
        props = ctx.trig.location_cues.get(tok.lower_)
        if props:
            place = None
            if tok.i >= 2 and doc[tok.i - 1].text == "-":
                place = ctx.entity(doc[tok.i - 2])
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in {"in", "at"}:
                    place = place or next((ctx.entity(p) for p in c.children if p.dep_ == "pobj" and ctx.entity(p)), None)
            if place is None:
                continue
            orgs = []
            head = tok.head
            if tok.dep_ in {"amod", "acl", "compound"}:
                orgs = ctx.group(head)
                if not orgs and head.dep_ == "appos":
                    orgs = ctx.group(head.head)
                if not orgs:
                    orgs = [e for c in head.children if c.dep_ == "appos" for e in ctx.group(c)]
                if not orgs and tok.dep_ != "acl":
                    nxt = _entity_after_descriptors(tok, ctx)
                    orgs = [nxt] if nxt is not None and nxt is not place else []
            else:
                orgs = _subjects(tok, ctx) or [e for c in tok.children if c.dep_ == "nsubjpass" for e in ctx.group(c)]
            for o in orgs:
                for p in props:
                    yield Candidate(o, p, place, tok, "location-cue", 0.85, phrase=tok.dep_ in {"amod", "compound", "acl"})
    # "Manufacturers Hanover Trust Co. of New York", "the Bank of X in Y"
    for tok in ctx.scan(sent, entities=True):
        org = ctx.entity(tok)
        if org is None or org.guessed or not ctx.cls_is(org, "Organization") or ctx.cls_is(org, "PoliticalParty"):
            continue
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in {"of", "in"} and ctx.entity(c) is not org:
                for p in c.children:
                    place = ctx.entity(p) if p.dep_ == "pobj" else None
                    if place is not None and place is not org and ctx.cls_is(place, "Place"):
                        for prop in ctx.onto.properties.values():
                            if prop.location_cues:
                                yield Candidate(org, prop.name, place, tok, "location-of", 0.6, phrase=True)
    # nationality or city word in an organisation's phrase: "the German carmaker X", "Chinese telecoms giant X"
    place_props = [p for p in ctx.onto.properties.values() if p.location_cues]
    for tok in ctx.scan(sent, entities=True):
        place = ctx.entity(tok)
        if place is None or not ctx.cls_is(place, "Place") or tok.dep_ not in {"amod", "compound", "poss", "nmod"}:
            continue
        if tok.i + 1 < len(doc) and ctx.entity(doc[tok.i + 1]) is place:
            continue
        head = tok.head
        org = ctx.entity(head)
        if org is None or org is place:
            if head.pos_ != "NOUN" or head.lower_ in lexicon(ctx.onto).role_words:
                continue    # "a former U.S. ambassador": a person's role, not an organisation's home
            org = (next((ctx.entity(c) for c in head.children if c.dep_ == "appos" and ctx.entity(c)), None)
                   or (ctx.entity(head.head) if head.dep_ in {"appos", "compound"} else None))
            if org is None:
                org = _entity_after_descriptors(head, ctx)
        if org is None or org is place or ctx.cls_is(org, "PoliticalParty") or org.cls == "Person":
            continue
        for p in place_props:
            yield Candidate(org, p.name, place, tok, "location-modifier", 0.75, phrase=True)


def _entity_after_descriptors(tok: Token, ctx: Context) -> Entity | None:
    """The name a run of descriptor words leads to: 'telecoms giant Huawei'."""
    doc = tok.doc
    for t in doc[tok.i + 1: tok.i + 4]:
        if ctx.entity(t) is not None:
            return ctx.entity(t)
        if t.pos_ not in {"NOUN", "ADJ"} or t.is_title:
            return None
    return None


def _membership(onto: Ontology) -> str | None:
    """The property for belonging to a party or legislature (memberOf in the bundled ontology)."""
    for p in sorted(onto.properties.values(), key=lambda p: p.priority):
        if p.role_nouns and {"PoliticalParty", "Legislature"} <= p.range:
            return p.name
    return None


def group_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    """'Senate Republicans like X and Y': membership of every body named in the group;
    'Sen. X (D-Fla.)': membership of the party the tag names."""
    member = _membership(ctx.onto)
    if member is None:
        return
    affiliation = next((p.name for p in ctx.onto.properties.values() if p.affiliation), None)
    for tok in ctx.scan(sent, {"like", "including", "as"}, entities=True):
        if (tok.lower_ in {"like", "including"} and tok.dep_ == "prep") or (tok.lower_ == "as" and tok.head.lower_ == "such"):
            head = tok.head if tok.lower_ != "as" else tok.head.head
            bodies = [ctx.entity(t) for t in head.subtree if t.i < tok.i and ctx.entity(t)
                      and ctx.entity(t).cls in ctx.onto.properties[member].range]
            people = [e for p in tok.children if p.dep_ == "pobj" for e in ctx.group(p) if e.cls == "Person"]
            for b in dict.fromkeys(bodies):
                for person in people:
                    yield Candidate(person, member, b, tok, "group-like", 0.8, phrase=True)
        ent = ctx.entity(tok)
        if ent is not None and ent.cls == "Person":
            # "Jens Overbeck of the Social Democrats", "X, a Florida Democrat";
            # "Greg Thayer of the Forest Service": a bare affiliation
            for c in tok.children:
                bodies = [ctx.entity(c)] if c.dep_ == "appos" else [
                    ctx.entity(p) for p in c.children if c.dep_ == "prep" and c.lower_ in {"of", "from"} and p.dep_ == "pobj"]
                for b in bodies:
                    if b is not None and b.cls in {"PoliticalParty", "Legislature"}:
                        yield Candidate(ent, member, b, tok, "group-of", 0.8, phrase=True)
                    elif b is not None and c.dep_ == "prep" and affiliation and ctx.cls_is(b, "Organization") \
                            and not b.guessed:
                        yield Candidate(ent, affiliation, b, tok, "affiliation-of", 0.6, phrase=True)
        nxt = ctx.doc[tok.i + 2] if tok.i + 2 < len(ctx.doc) else None
        if ent is not None and ent.cls == "Person" and nxt is not None and ctx.doc[tok.i + 1].text == "(":
            party = ctx.entity(nxt)
            if party is not None and party.cls == "PoliticalParty" and PARTY_TAG.match(ctx.text, ctx.doc[tok.i + 1].idx):
                yield Candidate(ent, member, party, tok, "party-tag", 0.85, phrase=True)


def learned_rules(ctx: Context, sent: Span) -> Iterator[Candidate]:
    """The learned proposer (``kgingest.learned``): pairs its model believes, anchored at the
    highest word of their dependency path so the guards read the clause from there."""
    for s, prop, o, anchor, confidence in propose(ctx.doc, ctx.ents, ctx.onto, sent):
        yield Candidate(s, prop, o, anchor, LEARNED, round(confidence, 3))


LEARNED = "learned"
RULES = (role_rules, verb_rules, event_rules, judgement_rules, location_rules, group_rules, learned_rules)


def find(doc: Doc, entities: Entities, onto: Ontology) -> list[Relation]:
    """Every relation the document states, once per (subject, property, object, sentence)."""
    ctx = Context(doc, entities, onto, triggers(onto))
    out: dict[tuple, Relation] = {}
    denied: set[tuple[int, str, int]] = set()
    ruled: set[tuple[int, int, int]] = set()     # pairs a hand-written rule spoke about, per sentence
    taken: set[tuple[int, str, str, int]] = set()   # (entity, property, side, sentence) a rule filled
    for sent in ctx.sents:
        for rule in RULES:
            for c in rule(ctx, sent):
                if c is None or c.subject is c.object:
                    continue
                props = (c.prop,) if c.prop else c.props
                prop = next((p for p in props if p in onto.properties and onto.allows(p, c.subject.cls, c.object.cls)), None)
                if prop is None:
                    continue
                pair = (id(c.subject), id(c.object), sent.start)
                if c.rule != LEARNED:
                    ruled.update({pair, (pair[1], pair[0], pair[2])})
                    if not onto.properties[prop].symmetric:
                        taken.update({(pair[0], prop, "s", sent.start), (pair[1], prop, "o", sent.start)})
                elif pair in ruled or (pair[0], prop, "s", sent.start) in taken \
                        or (pair[1], prop, "o", sent.start) in taken:
                    # the rules' reading of this pair stands, whatever it was; and where a rule
                    # gave the subject its object in this sentence ("the Oslo-based X"), the
                    # model does not add a second one ("Y ..., the Oslo-based X")
                    continue
                why = blocked(c.anchor, ctx, phrase=c.phrase)
                if why in {"negated", "denied"}:
                    # "Haddad has not joined the company and does not advise it" outweighs a
                    # report elsewhere in the article that he does
                    pair = (c.subject, c.object)
                    denied.update({(id(a), prop, id(b)) for a, b in (pair, pair[::-1])})
                if why:
                    continue
                s, o = c.subject, c.object
                if onto.properties[prop].symmetric and (o.label, o.cls) < (s.label, s.cls):
                    s, o = o, s
                key = (id(s), prop, id(o), sent.start)
                if key not in out or out[key].confidence < c.confidence:
                    out[key] = Relation(s, prop, o, sent.start_char, sent.end_char, c.confidence, c.rule)
    cancelled = _removals(ctx)
    return [r for r in out.values() if (id(r.subject), id(r.object)) not in cancelled
            and (id(r.subject), r.prop, id(r.object)) not in denied]


def _removals(ctx: Context) -> set[tuple[int, int]]:
    """(X, Y) pairs that the document takes apart: "removed X from Y", "X was delisted
    from Y". Whatever it says elsewhere about X and Y is history, not a fact."""
    blocking = ctx.words("blockingVerb")
    first_words = {w.split()[0] for w in blocking}
    pairs = set()
    for verb in ctx.scan(ctx.doc[:], lemmas=first_words, pos={"VERB"}):
        if not (_phrase_lemmas(verb) & blocking):
            continue
        patients = [e for c in verb.children if c.dep_ in OBJ | {"nsubjpass"} for e in ctx.group(c)]
        others = [e for c in verb.children if c.dep_ == "prep" and c.lower_ in {"from", "off"}
                  for p in c.children if p.dep_ == "pobj" for e in ctx.group(p)]
        pairs |= {(id(a), id(b)) for a in patients for b in others}
    return pairs

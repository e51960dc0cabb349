"""The per-document context the relation rules read: entities by token, sentences,
trigger words of the ontology, and the resolution of pronouns and descriptions."""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Collection, Hashable, Iterator, TypeVar

from spacy.tokens import Doc, Span, Token

from ...ontology import Ontology, Trigger, per_ontology
from ..entities import Entities, Entity
from ..lang.en import DEMONSTRATIVES, PERSONAL_PRONOUNS, SUBJ, THING_PRONOUNS
from ..pipeline import TokenStrings
from .candidate import Candidate

if TYPE_CHECKING:
    from .roles import RoleHit

T = TypeVar("T")



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

_INDEX = "index"    # Context.cache: (lower-cased word -> token positions, lemma -> token positions)
_SMALL = 8          # a query set this small is keyed by its content


def _query_key(words: Collection[str]) -> frozenset[str] | int:
    if len(words) <= _SMALL and isinstance(words, (set, frozenset, tuple, list)):
        return frozenset(words)
    return id(words)


def _positions(strings: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for i, w in enumerate(strings):
        out[w].append(i)
    return dict(out)


# ---------------------------------------------------------------- context: entities and references

@dataclass(frozen=True)
class Context:
    """What every rule reads about one Doc, computed once before any proposer runs
    (:func:`kgingest.nlp.relations.document.context`): no rule writes to it, so the
    order of the proposers does not matter.

    ``titles`` maps a title word to the (token index, person) pairs of the role nouns
    that name someone ("Chancellor X" -> "chancellor": X); a description ("the
    chancellor") resolves only through titles given before ``bound`` (a token index), so
    a rule sees what the text has said up to where it reads. :meth:`at` moves the bound.
    """

    doc: Doc
    ents: Entities
    onto: Ontology
    trig: Triggers
    sents: list[Span]
    sent_index: dict[int, int]       # token.i -> sentence number
    text: str
    strings: TokenStrings
    index: dict[Entity, int]         # entity -> its position in ents.items (Candidates name entities so)
    titles: dict[str, tuple[tuple[int, Entity], ...]] = field(default_factory=dict)
    roles: tuple["RoleHit", ...] = ()
    bound: int = 0
    moved: dict[int, "Context"] = field(default_factory=dict, compare=False, repr=False)  # at()'s, made once
    # what is worked out once a Doc (scan()'s index and answers, once()'s values): at()'s contexts share it
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    def at(self, bound: int) -> "Context":
        """This context with titles visible up to (not including) token ``bound``."""
        if bound == self.bound:
            return self
        found = self.moved.get(bound)
        if found is None:
            found = self.moved[bound] = replace(self, bound=bound, moved={})
        return found

    def once(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, called once a Doc: a value a rule needs in every sentence (the key
        names it; use a tuple that starts with the rule's module name)."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def candidate(self, subject: Entity, prop: str | None, object: Entity, anchor: Token, rule: str,
                  confidence: float, props: tuple[str, ...] = (), phrase: bool = False,
                  fallback: bool = False) -> Candidate:
        return Candidate(self.index[subject], prop, self.index[object], anchor.i, rule, confidence, props, phrase,
                         fallback=fallback)

    def entity(self, tok: Token) -> Entity | None:
        return self.ents.at_token.get(tok.i)

    def scan(self, span: Span, words: Collection[str] = (), *, lemmas: Collection[str] = (),
             pos: Collection[str] | None = None, entities: bool = False) -> Iterator[Token]:
        """The tokens of a sentence (or any span) that a rule looks at: lower-cased text in `words`, lemma
        in `lemmas` or (with `entities`) inside an entity mention, and POS in `pos`.
        Picked from the Doc's token strings, so the other tokens cost almost nothing."""
        doc = self.doc
        hits = self._hits(words, lemmas, pos, entities)
        if hits is None:
            lower, lemma, tags = self.strings
            at = self.ents.at_token
            for i in range(span.start, span.end):
                if (lower[i] in words or lemma[i] in lemmas or entities and i in at) and (pos is None or tags[i] in pos):
                    yield doc[i]
            return
        lo = bisect_left(hits, span.start)
        for i in hits[lo:bisect_left(hits, span.end, lo)]:
            yield doc[i]

    def _hits(self, words: Collection[str], lemmas: Collection[str], pos: Collection[str] | None,
              entities: bool) -> list[int] | None:
        """The Doc's tokens that a :meth:`scan` query picks, found once a Doc from an index of
        its words; the rules ask the same question of every sentence. A small word set counts
        by its content; a large one by identity, from its second use on (a set made afresh
        for each sentence is scanned in the sentence, as before): the entry keeps the set
        alive, so its id stays its own."""
        if isinstance(words, str) or isinstance(lemmas, str):
            return None     # a string "contains" its substrings: no index answers that
        key = (_query_key(words), _query_key(lemmas), None if pos is None else frozenset(pos), bool(entities))
        entry = self.cache.get(key)
        if entry is None and (type(key[0]) is int or type(key[1]) is int):
            self.cache[key] = (None, words, lemmas)
            return None
        if entry is None or entry[0] is None:
            entry = self.cache[key] = (self._find(words, lemmas, pos, entities), words, lemmas)
        return entry[0]

    def _find(self, words: Collection[str], lemmas: Collection[str], pos: Collection[str] | None,
              entities: bool) -> list[int]:
        index = self.cache.get(_INDEX)
        if index is None:
            index = self.cache[_INDEX] = (_positions(self.strings.lower), _positions(self.strings.lemma))
        found: set[int] = set()
        for wanted, at in zip((words, lemmas), index):
            if not wanted:
                continue
            if len(wanted) < len(at):
                for w in wanted:
                    found.update(at.get(w, ()))
            else:
                for w, where in at.items():
                    if w in wanted:
                        found.update(where)
        if entities:
            found.update(self.ents.at_token)
        tags = self.strings.pos
        return sorted(i for i in found if pos is None or tags[i] in pos)

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
                    head = anc.head
                    if self.entity(head) is None and head.dep_ == "appos":
                        head = head.head    # "Northvale, a Leeds firm whose chairman, X"
                    return self.entity(head)
            return None
        if tok.pos_ in {"NOUN", "PROPN"} and any(c.lower_ in DEMONSTRATIVES for c in tok.children):
            kind = any(tok.lemma_.lower() in c.cue_words for c in self.onto.classes.values())
            named = [] if not kind else [e for c in tok.children if c.dep_ == "compound" for e in [self.entity(c)]
                     if e is not None and not self.cls_is(e, "Place")]
            if len(set(named)) == 1:
                return named[0]     # "the Lakou Wouj gang", "the Nuevo Rumbo party": the name it carries
            if kind and any(c.dep_ == "compound" and c.pos_ == "PROPN" and self.entity(c) is None
                            for c in tok.children):
                return None         # a name nobody tagged: some other one than the latest of its kind
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
        if prev.root.lemma_.lower() in self.words("speechVerb") \
                and not any(t.pos_ == "PROPN" and self.entity(t) is None for t in self.doc[sent.start:tok.i]):
            # "X was appointed ..., Y said. She ...": the one reported on, not the speaker
            root_subj = [self.entity(t) for c in prev.root.children if c.dep_ == "ccomp"
                         for t in c.children if t.dep_ in SUBJ] + root_subj
        root_subj = [e for e in root_subj if e is not None and ok(e)]
        if root_subj:
            return root_subj[0]
        cands = {e for i, e in self.mentions_before(prev[-1], 0) if ok(e)} if len(prev) else set()
        return next(iter(cands)) if len(cands) == 1 else None

    def _nearest_thing(self, tok: Token) -> Entity | None:
        """'its': the organisation just before it in the sentence ("Sapphire Gulf Shipping
        and its managing director"), else the previous sentence's organisation subject."""
        ok = lambda e: self.cls_is(e, "Organization")  # noqa: E731
        speaker = self._reporting_subject(tok)
        if speaker is not None and ok(speaker):
            return speaker      # "X said in a filing with Y that it opposes ...": X
        here = [e for _, e in self.mentions_before(tok, 0) if ok(e)]
        if here:
            return here[-1]
        return self._antecedent(tok, ok)

    def _reporting_subject(self, tok: Token) -> Entity | None:
        """The subject of the saying verb whose reported clause `tok` is the subject of."""
        clause = tok.head
        if tok.dep_ not in SUBJ or clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in self.words("speechVerb"):
            return None
        subs = [self.entity(c) for c in clause.head.children if c.dep_ in SUBJ]
        return subs[0] if len(subs) == 1 else None

    def _description(self, tok: Token) -> Entity | None:
        """'the chancellor' -> the one person titled so; 'the company' -> the latest company."""
        low = tok.lemma_.lower()
        people = {e for i, e in self.titles.get(low, ()) if i < self.bound}
        if len(people) == 1:
            return next(iter(people))
        if tok.dep_ != "appos":
            # "the bank" after "Harcastle Bank", "the commission" after "the ... Commission": the one
            # organisation named so far whose name has the noun
            named = {e for _, e in self.mentions_before(tok, len(self.sents)) if self.cls_is(e, "Organization")
                     and low in {w.lower() for w in e.label.split()} and self.cls_is(e, "Organization")}
            if len(named) == 1 and any(low in {w.lower() for w in c.cue_words | c.cue_suffixes}
                                       for c in self.onto.classes.values()):
                return next(iter(named))
        for cls in self.onto.precedence:
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
            # a description's own appositive name beats a guess from the description:
            # "the Greek operator Kallistos Navigation" is Kallistos, not the last company named
            named = None if self.entity(t) else next(
                (self.entity(c) for c in t.children if c.dep_ == "appos" and self.entity(c)), None)
            ent = named or self.resolve(t)
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


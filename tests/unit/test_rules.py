"""Rule families and guards on hand-built Docs: no trained pipeline, so each case says
exactly which parse the rule reads. A row is (word, lemma, POS, tag, dependency, head
index, entity IOB tag)."""
from __future__ import annotations

from typing import Iterable

import pytest
import spacy
from spacy.tokens import Doc

from kgingest import ontology
from kgingest.nlp import entities, relations
from kgingest.nlp.relations import Candidate

ONTO = ontology.cached(())
VOCAB = spacy.blank("en").vocab

Row = tuple[str, str, str, str, str, int, str]


def T(word: str, lemma: str, pos: str, tag: str, dep: str, head: int, ent: str = "O") -> Row:
    return (word, lemma, pos, tag, dep, head, ent)


def doc_of(rows: list[Row]) -> Doc:
    words, lemmas, pos, tags, deps, heads, ents = map(list, zip(*rows))
    return Doc(VOCAB, words=words, lemmas=lemmas, pos=pos, tags=tags, deps=deps, heads=heads, ents=ents)


def facts(rows: list[Row], proposers: Iterable = relations.DEFAULT_PROPOSERS) -> list[tuple[str, str, str, str]]:
    doc = doc_of(rows)
    found = entities.find(doc, ONTO)
    return sorted((r.subject.label, r.prop, r.object.label, r.rule)
                  for r in relations.find(doc, found, ONTO, list(proposers)))


ANN = [T("Ann", "Ann", "PROPN", "NNP", "compound", 1, "B-PERSON"), T("Berg", "Berg", "PROPN", "NNP", "nsubj", 2, "I-PERSON")]


def person_verb_org(*middle: Row, verb: str = "joined", lemma: str = "join", dep: str = "ROOT") -> list[Row]:
    """'Ann Berg <middle> joined Vortex Corp .': the middle words hang on the verb."""
    v = 2 + len(middle)
    rows = [ANN[0], T("Berg", "Berg", "PROPN", "NNP", "nsubj", v, "I-PERSON"), *[m[:5] + (v, m[6]) for m in middle],
            T(verb, lemma, "VERB", "VBD" if not middle else "VB", dep, v if dep == "ROOT" else v - 1),
            T("Vortex", "Vortex", "PROPN", "NNP", "compound", v + 2, "B-ORG"),
            T("Corp", "Corp", "PROPN", "NNP", "dobj", v, "I-ORG"), T(".", ".", "PUNCT", ".", "punct", v)]
    return rows


ROLE = [T("Vortex", "Vortex", "PROPN", "NNP", "compound", 1, "B-ORG"), T("Corp", "Corp", "PROPN", "NNP", "compound", 3, "I-ORG"),
        T("chief", "chief", "ADJ", "JJ", "amod", 3), T("executive", "executive", "NOUN", "NN", "compound", 5),
        T("Ann", "Ann", "PROPN", "NNP", "compound", 5, "B-PERSON"), T("Berg", "Berg", "PROPN", "NNP", "nsubj", 6, "I-PERSON"),
        T("resigned", "resign", "VERB", "VBD", "ROOT", 6), T(".", ".", "PUNCT", ".", "punct", 6)]
EVENT = [*ANN[:1], T("Berg", "Berg", "PROPN", "NNP", "nsubj", 2, "I-PERSON"),
         T("held", "hold", "VERB", "VBD", "ROOT", 2), T("talks", "talk", "NOUN", "NNS", "dobj", 2),
         T("with", "with", "ADP", "IN", "prep", 3), T("Tom", "Tom", "PROPN", "NNP", "compound", 6, "B-PERSON"),
         T("Reed", "Reed", "PROPN", "NNP", "pobj", 4, "I-PERSON"), T(".", ".", "PUNCT", ".", "punct", 2)]
JUDGEMENT = [*ANN[:1], T("Berg", "Berg", "PROPN", "NNP", "nsubj", 2, "I-PERSON"),
             T("said", "say", "VERB", "VBD", "ROOT", 2), T("Tom", "Tom", "PROPN", "NNP", "compound", 4, "B-PERSON"),
             T("Reed", "Reed", "PROPN", "NNP", "nsubj", 5, "I-PERSON"), T("made", "make", "VERB", "VBD", "ccomp", 2),
             T("a", "a", "DET", "DT", "det", 7), T("mistake", "mistake", "NOUN", "NN", "dobj", 5),
             T(".", ".", "PUNCT", ".", "punct", 2)]
LOCATION = [T("Vortex", "Vortex", "PROPN", "NNP", "compound", 1, "B-ORG"),
            T("Corp", "Corp", "PROPN", "NNP", "nsubjpass", 3, "I-ORG"), T("is", "be", "AUX", "VBZ", "auxpass", 3),
            T("based", "base", "VERB", "VBN", "ROOT", 3), T("in", "in", "ADP", "IN", "prep", 3),
            T("Lyon", "Lyon", "PROPN", "NNP", "pobj", 4, "B-GPE"), T(".", ".", "PUNCT", ".", "punct", 3)]
GROUP = [*ANN[:1], T("Berg", "Berg", "PROPN", "NNP", "nsubj", 6, "I-PERSON"), T("of", "of", "ADP", "IN", "prep", 1),
         T("the", "the", "DET", "DT", "det", 5), T("Labour", "Labour", "PROPN", "NNP", "compound", 5, "B-ORG"),
         T("Party", "Party", "PROPN", "NNP", "pobj", 2, "I-ORG"), T("spoke", "speak", "VERB", "VBD", "ROOT", 6),
         T(".", ".", "PUNCT", ".", "punct", 6)]


@pytest.mark.parametrize("proposer, rows, expected", [
    ("kgingest.role.v1", ROLE, [("Ann Berg", "headOf", "Vortex Corp", "role-left")]),
    ("kgingest.verb.v1", person_verb_org(), [("Ann Berg", "worksFor", "Vortex Corp", "verb-active")]),
    ("kgingest.event.v1", EVENT, [("Ann Berg", "meetsWith", "Tom Reed", "event-with")]),
    ("kgingest.judgement.v1", JUDGEMENT, [("Ann Berg", "criticizes", "Tom Reed", "judgement-quote")]),
    ("kgingest.location.v1", LOCATION, [("Vortex Corp", "basedIn", "Lyon", "location-cue")]),
    ("kgingest.group.v1", GROUP, [("Ann Berg", "memberOf", "Labour Party", "group-of")]),
    # a family finds nothing in another family's sentence
    ("kgingest.role.v1", person_verb_org(), []),
    ("kgingest.location.v1", GROUP, []),
])
def test_rule_family(proposer, rows, expected):
    assert facts(rows, [proposer]) == expected


NOT = T("not", "not", "PART", "RB", "neg", -1)     # head: the verb (see person_verb_org)
DID = T("did", "do", "AUX", "VBD", "aux", -1)


@pytest.mark.parametrize("rows, reason", [
    (person_verb_org(), None),
    (person_verb_org(DID, NOT, verb="join"), "negated"),
    (person_verb_org(T("may", "may", "AUX", "MD", "aux", -1), verb="join"), "hypothetical"),
    ([ANN[0], T("Berg", "Berg", "PROPN", "NNP", "nsubj", 2, "I-PERSON"), T("denied", "deny", "VERB", "VBD", "ROOT", 2),
      T("joining", "join", "VERB", "VBG", "xcomp", 2), T("Vortex", "Vortex", "PROPN", "NNP", "compound", 5, "B-ORG"),
      T("Corp", "Corp", "PROPN", "NNP", "dobj", 3, "I-ORG"), T(".", ".", "PUNCT", ".", "punct", 2)], "denied"),
])
def test_guards(rows, reason):
    """The verb rule proposes the fact every time; the guard says why it does not hold."""
    doc = doc_of(rows)
    found = entities.find(doc, ONTO)
    verb = next(t for t in doc if t.lemma_ == "join")
    assert relations.blocked(verb, relations.context(doc, found, ONTO)) == reason
    expected = [("Ann Berg", "worksFor", "Vortex Corp", "verb-active")] if reason is None else []
    assert facts(rows, ["kgingest.verb.v1"]) == expected


def test_former_role_states_nothing():
    former = [T("former", "former", "ADJ", "JJ", "amod", 4), *[
        (w, lem, p, tg, d, h + 1, e) for w, lem, p, tg, d, h, e in ROLE]]
    assert facts(ROLE) == [("Ann Berg", "headOf", "Vortex Corp", "role-left")]
    assert facts(former) == []


def test_a_denial_cancels_the_fact_elsewhere_in_the_document():
    """'Ann Berg joined Vortex Corp. Ann Berg did not join Vortex Corp.': the denial wins."""
    second = [(w, lem, p, tg, d, h + 6, e) for w, lem, p, tg, d, h, e in person_verb_org(DID, NOT, verb="join")]
    assert facts(person_verb_org() + second) == []


def test_proposer_order_does_not_matter():
    rows = ROLE + [(w, lem, p, tg, d, h + len(ROLE), e) for w, lem, p, tg, d, h, e in JUDGEMENT]
    forward = facts(rows)
    assert forward == facts(rows, reversed(relations.DEFAULT_PROPOSERS))
    assert ("Ann Berg", "headOf", "Vortex Corp", "role-left") in forward


def test_candidate_is_a_frozen_hashable_value():
    c = Candidate(0, "worksFor", 1, 2, "test", 0.5)
    assert hash(c) == hash(Candidate(0, "worksFor", 1, 2, "test", 0.5))
    with pytest.raises(AttributeError):
        c.prop = "advises"      # type: ignore[misc]


def test_unknown_proposer_is_a_clear_error():
    with pytest.raises(ValueError, match=r"^unknown relation proposer 'kgingest\.nothing\.v1' \(registered: "):
        facts(ROLE, ["kgingest.nothing.v1"])


# ---------------------------------------------------------------- enumerations (kgingest.enumeration.v1)

def shifted(rows: list[Row], by: int) -> list[Row]:
    return [(w, lem, p, tg, d, h + by, e) for w, lem, p, tg, d, h, e in rows]


LEAD = [T("Officials", "official", "NOUN", "NNS", "nsubj", 1), T("added", "add", "VERB", "VBD", "ROOT", 1),
        T("firms", "firm", "NOUN", "NNS", "dobj", 1), T("to", "to", "ADP", "IN", "prep", 1),
        T("the", "the", "DET", "DT", "det", 6), T("Entity", "Entity", "PROPN", "NNP", "compound", 6, "B-ORG"),
        T("List", "List", "PROPN", "NNP", "pobj", 3, "I-ORG"), T(".", ".", "PUNCT", ".", "punct", 1)]


def entries(*items: list[Row], sep: str = ";") -> list[Row]:
    """'The new entries are A ; B , a Lyon-based reseller ; and C .' (items: rows with local heads)."""
    rows = [T("The", "the", "DET", "DT", "det", 2), T("new", "new", "ADJ", "JJ", "amod", 2),
            T("entries", "entry", "NOUN", "NNS", "nsubj", 3), T("are", "be", "AUX", "VBP", "ROOT", 3)]
    first = None
    for k, item in enumerate(items):
        if k:
            rows.append(T(sep, sep, "PUNCT", ":" if sep == ";" else ",", "punct", first))
            if k == len(items) - 1:
                rows.append(T("and", "and", "CCONJ", "CC", "cc", first))
        base = len(rows)
        head = base + next(i for i, r in enumerate(item) if r[5] == -2)
        first = head if first is None else first
        for i, (w, lem, p, tg, d, h, e) in enumerate(item):
            if h == -2:
                rows.append((w, lem, p, tg, "attr" if head == first else "conj", 3 if head == first else first, e))
            else:
                rows.append((w, lem, p, tg, d, base + h, e))
    rows.append(T(".", ".", "PUNCT", ".", "punct", 3))
    return rows


def name(*words: str, extra: list[Row] = ()) -> list[Row]:
    """A two-word organisation name (head marked -2) and rows hanging on it (heads local)."""
    return [T(words[0], words[0], "PROPN", "NNP", "compound", 1, "B-ORG"),
            T(words[1], words[1], "PROPN", "NNP", "", -2, "I-ORG"), *extra]


RESELLER = [T(",", ",", "PUNCT", ",", "punct", 1), T("a", "a", "DET", "DT", "det", 7),   # ', a Lyon-based reseller'
            T("Lyon", "Lyon", "PROPN", "NNP", "npadvmod", 6, "B-GPE"), T("-", "-", "PUNCT", "HYPH", "punct", 6),
            T("based", "base", "VERB", "VBN", "amod", 7), T("reseller", "reseller", "NOUN", "NN", "appos", 1)]


UNIT = [T(",", ",", "PUNCT", ",", "punct", 1), T("a", "a", "DET", "DT", "det", 4),     # ', a unit of Delta Ltd'
        T("unit", "unit", "NOUN", "NN", "appos", 1), T("of", "of", "ADP", "IN", "prep", 4),
        T("Delta", "Delta", "PROPN", "NNP", "compound", 7, "B-ORG"), T("Ltd", "Ltd", "PROPN", "NNP", "pobj", 5, "I-ORG")]


@pytest.mark.parametrize("rows, expected", [
    # a semicolon enumeration after 'the new entries are': every item, with the list of the sentence before
    (LEAD + shifted(entries(name("Vortex", "Corp"), name("Delta", "Ltd", extra=RESELLER), name("Kestrel", "Corp")), 8),
     [("Delta Ltd", "listedOn", "Entity List"), ("Kestrel Corp", "listedOn", "Entity List"),
      ("Vortex Corp", "listedOn", "Entity List")]),
    # with commas only, a segment that opens lower-case is an apposition: its name is no item
    (LEAD + shifted(entries(name("Vortex", "Corp", extra=UNIT), name("Kestrel", "Corp"), sep=","), 8),
     [("Kestrel Corp", "listedOn", "Entity List"), ("Vortex Corp", "listedOn", "Entity List")]),
    # without a list named before, nothing
    (entries(name("Vortex", "Corp"), name("Kestrel", "Corp")), []),
])
def test_enumeration(rows, expected):
    assert [f[:3] for f in facts(rows, ["kgingest.enumeration.v1"])] == expected


def test_a_name_the_ner_took_for_an_organisation_after_a_coordinated_title_is_a_person():
    # "Co-founder and chief executive Amani Njoroge said ..." with the name tagged ORG
    rows = [T("Co-founder", "co-founder", "NOUN", "NN", "compound", 5),
            T("and", "and", "CCONJ", "CC", "cc", 0),
            T("chief", "chief", "ADJ", "JJ", "amod", 3),
            T("executive", "executive", "NOUN", "NN", "conj", 0),
            T("Amani", "Amani", "PROPN", "NNP", "compound", 5, "B-ORG"),
            T("Njoroge", "Njoroge", "PROPN", "NNP", "nsubj", 6, "I-ORG"),
            T("said", "say", "VERB", "VBD", "ROOT", 6),
            T(".", ".", "PUNCT", ".", "punct", 6)]
    found = entities.find(doc_of(rows), ONTO)
    assert [(e.label, e.cls) for e in found.items] == [("Amani Njoroge", "Person")]

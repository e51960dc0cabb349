"""The learned relation proposer: features of a hand-built Doc, the weight file and its
scores, the proposer with a hand-written model, and one fact from the bundled model.
Sentences are written for these tests; their people and companies are invented."""
from __future__ import annotations

import json
import math

import pytest
import spacy
from spacy.tokens import Doc

from kgingest import ontology
from kgingest.nlp.entities import Entities, Entity, Mention
from kgingest.nlp.learned.features import Lexicon, doc_arrays, pair_features, path
from kgingest.nlp.learned.model import Model, ModelError, bundled
from kgingest.nlp.learned.propose import pairs, propose
from kgingest.nlp.relations import DEFAULT_PROPOSERS

VOCAB = spacy.blank("en").vocab

# "Ann Lee , chief of Acme , did not join Orbix ."
WORDS = ["Ann", "Lee", ",", "chief", "of", "Acme", ",", "did", "not", "join", "Orbix", "."]
HEADS = [1, 9, 1, 1, 3, 4, 1, 9, 9, 9, 9, 9]
DEPS = ["compound", "nsubj", "punct", "appos", "prep", "pobj", "punct", "aux", "neg", "ROOT", "dobj", "punct"]
POS = ["PROPN", "PROPN", "PUNCT", "NOUN", "ADP", "PROPN", "PUNCT", "AUX", "PART", "VERB", "PROPN", "PUNCT"]
LEMMAS = ["Ann", "Lee", ",", "chief", "of", "Acme", ",", "do", "not", "join", "Orbix", "."]


def sample() -> Doc:
    return Doc(VOCAB, words=WORDS, heads=HEADS, deps=DEPS, pos=POS, lemmas=LEMMAS,
               sent_starts=[True] + [False] * (len(WORDS) - 1))


def people_and_companies(doc: Doc) -> Entities:
    ann = Entity("Person", "Ann Lee", mentions=[Mention(0, 2, "Ann Lee", "PERSON")])
    acme = Entity("Company", "Acme", mentions=[Mention(5, 6, "Acme", "ORG")])
    orbix = Entity("Company", "Orbix", mentions=[Mention(10, 11, "Orbix", "ORG")])
    at = {0: ann, 1: ann, 5: acme, 10: orbix}
    return Entities([ann, acme, orbix], at)


LEX = Lexicon({"chief": ("headOf",), "join": ("worksFor",)}, frozenset({"not"}), frozenset({"say"}))


def test_path_runs_up_to_the_common_ancestor_and_down():
    arr = doc_arrays(sample())
    assert arr.head == HEADS
    assert path(arr, 1, 5) == ([], 1, [3, 4, 5])        # Lee is above Acme: no way up
    assert path(arr, 1, 10) == ([1], 9, [10])            # Lee -nsubj-> join <-dobj- Orbix
    assert path(arr, 5, 10) == ([5, 4, 3, 1], 9, [10])


def test_features_of_a_role_phrase():
    arr = doc_arrays(sample())
    assert pair_features(arr, (0, 2), (5, 6), "Person", "Company", LEX) == [
        "b1=,", "b=,", "b=chief", "b=of", "bl=of",
        "c=Person>Company", "c=Person>Company|o=SO|pd=<>appos>prep>pobj", "c=Person>Company|p=<S>appos>chief>prep>of>pobj",
        "c=Person>Company|pd=<>appos>prep>pobj", "c=Person>Company|t=headOf",
        "d=3", "eb=0", "o=SO", "p=<S>appos>chief>prep>of>pobj", "pd=<>appos>prep>pobj",
        "pl=chief", "pl=of", "pn=3", "r1=,", "t=headOf", "tp=headOf"]


def test_features_of_a_negated_verb_read_the_negation_and_the_trigger():
    arr = doc_arrays(sample())
    feats = pair_features(arr, (0, 2), (10, 11), "Person", "Company", LEX, between=("Company",))
    assert [f for f in feats if f.split("=")[0] in {"p", "top", "tp", "neg", "negp", "eb", "ebc", "d"}] == [
        "d=6-8", "eb=1", "ebc=Company", "neg", "negp", "p=nsubj<join>dobj", "top=join", "tp=worksFor"]


TINY = {"format": 1, "classes": ["none", "worksFor"], "bias": [0.0, -1.0],
        "weights": {"tp=worksFor": [[1, 3.0]], "negp": [[0, 0.5]]}, "thresholds": {"worksFor": 0.5}}


def test_model_scores_are_the_softmax_of_the_summed_weights(tmp_path):
    path_ = tmp_path / "m.json"
    path_.write_text(json.dumps(TINY))
    m = Model.load(path_)
    assert m.scores(["tp=worksFor", "not-a-feature"])["worksFor"] == pytest.approx(math.exp(2) / (1 + math.exp(2)), abs=1e-12)
    assert m.scores(["tp=worksFor", "negp"])["none"] == pytest.approx(math.exp(0.5) / (math.exp(0.5) + math.exp(2)), abs=1e-12)
    assert m.scores([]) == pytest.approx({"none": 1 / (1 + math.exp(-1)), "worksFor": math.exp(-1) / (1 + math.exp(-1))})


@pytest.mark.parametrize("data, message", [
    ({"format": 2}, "m.json: not a relation model of format 1"),
    ({**TINY, "bias": [0.0]}, "m.json: classes must include 'none' and match the bias"),
    ({**TINY, "weights": {"x": [[5, 1.0]]}}, "m.json: a weight names a class index out of range"),
    ({**TINY, "thresholds": {"advises": 0.5}}, "m.json: a threshold names an unknown class"),
    ({**TINY, "default_properties": ["headOf"]}, "m.json: a default property has no threshold"),
])
def test_a_bad_weight_file_is_one_precise_error(tmp_path, data, message):
    path_ = tmp_path / "m.json"
    path_.write_text(json.dumps(data))
    with pytest.raises(ModelError) as e:
        Model.load(path_)
    assert str(e.value) == message.replace("m.json", str(path_))


def test_an_unreadable_weight_file_names_itself(tmp_path):
    path_ = tmp_path / "m.json"
    path_.write_text("{")
    with pytest.raises(ModelError, match=r"m\.json: cannot read"):
        Model.load(path_)


def test_pairs_are_the_ordered_pairs_the_ontology_admits():
    doc, onto = sample(), ontology.load()
    found = [(p.subject.label, p.object.label, p.props, p.between) for p in pairs(people_and_companies(doc), onto, doc[:])]
    person_org = ("advises", "criticizes", "headOf", "memberOf", "worksFor")
    assert found == [("Ann Lee", "Acme", person_org, ()), ("Ann Lee", "Orbix", person_org, ("Company",)),
                     ("Acme", "Ann Lee", ("criticizes",), ()), ("Acme", "Orbix", ("criticizes",), ()),
                     ("Orbix", "Ann Lee", ("criticizes",), ("Company",)), ("Orbix", "Acme", ("criticizes",), ())]


def test_propose_anchors_at_the_top_of_the_path():
    doc, onto = sample(), ontology.load()
    model = Model.from_json(TINY)
    got = [(s.label, p, o.label, a.text, round(c, 4)) for s, p, o, a, c in propose(doc, people_and_companies(doc), onto,
                                                                                     doc[:], model=model)]
    # the bundled ontology's worksFor triggers include "chief" ("bureau chief") and "join"; the
    # guards, not the proposer, read "not" (the model here only lowers the score for it)
    assert got == [("Ann Lee", "worksFor", "Acme", "Lee", round(math.exp(2) / (1 + math.exp(2)), 4)),
                   ("Ann Lee", "worksFor", "Orbix", "join", round(math.exp(1.5) / (1 + math.exp(1.5)), 4))]


def test_the_default_proposer_asserts_only_the_default_properties():
    doc, onto = sample(), ontology.load()
    model = Model.from_json({**TINY, "default_properties": []})
    ents = people_and_companies(doc)
    assert list(propose(doc, ents, onto, doc[:], model=model)) == []
    assert [(s.label, p, o.label) for s, p, o, _, _ in propose(doc, ents, onto, doc[:], model=model, every=True)] == [
        ("Ann Lee", "worksFor", "Acme"), ("Ann Lee", "worksFor", "Orbix")]


def test_a_former_role_on_the_path_proposes_nothing():
    words = ["Ann", "Lee", ",", "former", "chief", "of", "Acme", "."]
    doc = Doc(VOCAB, words=words, heads=[1, 1, 1, 4, 1, 4, 5, 1],
              deps=["compound", "ROOT", "punct", "amod", "appos", "prep", "pobj", "punct"],
              lemmas=["Ann", "Lee", ",", "former", "chief", "of", "Acme", "."], sent_starts=[True] + [False] * 7)
    ann = Entity("Person", "Ann Lee", mentions=[Mention(0, 2, "Ann Lee", "PERSON")])
    acme = Entity("Company", "Acme", mentions=[Mention(6, 7, "Acme", "ORG")])
    model = Model.from_json({"format": 1, "classes": ["none", "headOf"], "bias": [0.0, 5.0], "weights": {},
                             "thresholds": {"headOf": 0.5}})
    assert list(propose(doc, Entities([ann, acme], {0: ann, 1: ann, 6: acme}), ontology.load(), doc[:], model=model)) == []


def test_the_bundled_model_loads():
    m = bundled()
    assert "none" in m.classes and set(m.thresholds) <= set(m.classes)


def facts(extraction) -> set[tuple[str, str, str, str]]:
    return {(r.subject.label, r.prop, r.object.label, r.rule) for r in extraction.relations}


def facts_with(extractor, text: str, proposers: tuple[str, ...]) -> set[tuple[str, str, str, str]]:
    from kgingest.nlp import entities, relations

    doc = extractor.nlp(text)
    ents = entities.find(doc, extractor.onto)
    return {(r.subject.label, r.prop, r.object.label, r.rule)
            for r in relations.find(doc, ents, extractor.onto, proposers)}


ALL = tuple(p for p in DEFAULT_PROPOSERS if p != "kgingest.learned.v1") + ("kgingest.learned.all.v1",)


@pytest.mark.slow
def test_the_bundled_model_reads_a_bare_at_as_the_affiliation_rule_does(extractor):
    """"X at the Y": the model learned it from CoNLL04 train; the affiliation family (a default)
    reads it too. Both propose it as a fallback, so the surer one, the model, names the fact."""
    text = "Anna Kowalski at the Institute of Geophysics said the results were sound."
    assert facts_with(extractor, text, ALL) == {("Anna Kowalski", "worksFor", "Institute of Geophysics", "learned")}
    assert facts_with(extractor, text, DEFAULT_PROPOSERS) == {
        ("Anna Kowalski", "worksFor", "Institute of Geophysics", "affiliation-at")}


@pytest.mark.slow
def test_the_guards_read_the_learned_fact_from_its_anchor(extractor):
    """The anchor is the top of the path (Kowalski, subject of "would have said"): hypothetical,
    so the model's fact is dropped. The affiliation rule's reading stands: the noun phrase
    "X at the Y" states it, whatever the clause does (as "X, chief executive of Y, would ...")."""
    text = "Anna Kowalski at the Institute of Geophysics would have said so if she had been asked."
    assert facts_with(extractor, text, ALL) == {
        ("Anna Kowalski", "worksFor", "Institute of Geophysics", "affiliation-at")}


@pytest.mark.slow
def test_only_the_rules_speak_for_a_pair_they_read(extract_one):
    got = facts(extract_one("Robert Hale, president of Dunmore Steel Corp., spoke."))
    assert got == {("Robert Hale", "headOf", "Dunmore Steel Corp.", "role-prep")}

"""Quote attribution and blame in quotes: who says a sentence, and when a speaker's quoted
words criticise someone. Sentences are written for these tests; their people are invented."""
from __future__ import annotations


import pytest

from kgingest.nlp.relations.speech import quoted_tokens
from kgingest.nlp.relations.valence import vader_negative

A, K = "Ada Voss", "Karl Ebert"


def _quoted(words: list[str]) -> list[str]:
    inside = quoted_tokens(words)
    return [w for w, q in zip(words, inside) if q]


@pytest.mark.parametrize("words, inside", [
    (['"', "It", "failed", ",", '"', "she", "said", "."], ["It", "failed", ","]),
    (["“", "It", "failed", "”", "she", "said"], ["It", "failed"]),
    (["He", "called", "it", "“", "reckless", "”", "and", '"', "cruel", '"', "."], ["reckless", "cruel"]),
    # a paragraph break closes a quotation left open
    (['"', "We", "lost", "\n\n", "Then", "rain", "."], ["We", "lost"]),
    (["No", "quotes", "here", "."], []),
])
def test_quoted_tokens(words, inside):
    assert _quoted(words) == inside


def test_blame_words_are_the_negative_entries_of_the_sentiment_lexicon():
    negative = vader_negative()
    assert {"lies", "stinks", "betray", "failed"} <= negative
    assert not {"good", "trust", "promise", "decision"} & negative


CASES = [
    # the speaker after the quote, with an appositive; the target is the quote's subject's owner
    (f'"{K}\'s budget is a pile of lies from start to finish," said {A}, the party\'s treasurer.', {(A, K)}),
    # a partial quote in a reported clause
    (f'{A} said {K} had "betrayed every worker in the region".', {(A, K)}),
    # a quote paragraph under a heading line that names its speaker
    (f'Pressure grew on the minister, {K}, this week.\n\n2. {A}, MP for Northfield\n'
     f'"The rules are clear. {K} has broken his promise to voters, and he must go."', {(A, K)}),
    # a two-sentence quote whose attribution closes the second sentence
    (f'"This is a sad day for the city. {K} has failed every family here," {A} told reporters on Monday.',
     {(A, K)}),
    (f'According to {A}, {K}\'s plan "will destroy the harbour".', {(A, K)}),
    (f'{A} told the conference: "{K} keeps hiding the real costs from the public."', {(A, K)}),
    # a quoted label with blame, given to an entity or to its thing
    (f'{A} backed the plan, calling {K}\'s tax scheme "a cruel trick played on the poor".', {(A, K)}),
    (f'{A} called {K} "a reckless gambler" on Monday.', {(A, K)}),
    (f'{A} called {K} "a dear friend".', set()),
    # criticism verbs whose preposition the parser reads as a particle; "whom" as the object
    (f'{K} turned on {A} at the rally.', {(K, A)}),
    (f'{A} turned on the lights.', set()),
    (f'The new rules also target {A}, a senior official of the Harbour Authority, whom {K} accused of '
     'hiding losses.', {(K, A)}),
    (f'{A} dismissed {K} as "a failed banker".', {(A, K)}),
    # "it" in the reported clause is the speaker, not the last organisation named before it
    ('Orbix Micro said in a filing with the Harbour Exchange that it "firmly opposes" the ruling and accused '
     'the Commerce Department of overreach.', {("Orbix Micro", "Commerce Department")}),
    # the ontology's blame words, beside the sentiment lexicon's
    (f'"{K} has turned the port authority into a cronyism machine," {A} said.', {(A, K)}),
    # criticism as a noun
    (f'{A} repeated her accusations against {K} on Monday.', {(A, K)}),
    (f'{A} launched a tirade against {K} in parliament.', {(A, K)}),
    (f'{A} denied making any accusation against {K}.', set()),
    # a judgement in a quote paragraph under a heading that names the speaker
    (f'{A} spoke after the vote.\n\n4. {A}, MP for Northfield\n'
     f'"We warned them for months. {K} has made a catastrophic mistake."', {(A, K)}),
    # traps: denial, hypothesis, negation, praise
    (f'{A} denied that {K} had "lied to parliament".', set()),
    (f'"If {K} has lied to us, I will resign," {A} said.', set()),
    (f'"{K} has not failed anyone," {A} said.', set()),
    (f'{A} said {K} had "worked tirelessly for the city".', set()),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected", [pytest.param(t, e, id=t[:50]) for t, e in CASES])
def test_blame_in_quotes(extract_one, text, expected):
    found = {(r.subject.label, r.object.label) for r in extract_one(text).relations if r.prop == "criticizes"}
    assert found == expected

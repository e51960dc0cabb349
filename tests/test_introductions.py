"""Encyclopedic introductions (kgingest.country.v1, kgingest.placement.v1): the country and
places a defining text gives its organisations and heads of state, and the news and
one-sentence texts that get none of it. Sentences are written for these tests; their
people, companies and schools are invented."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

CASES = [
    # one country in a defining text: every organisation it names is there
    ("Nordvik Textiles is a Norwegian textile company founded in 1951. The company employs 300 people. "
     "In 2004 it opened a design studio with the Fjordvik Design Institute.",
     {("Nordvik Textiles", "basedIn", "Norway"), ("Fjordvik Design Institute", "basedIn", "Norway")}),
    # the same names in a news report: no frame, no facts
    ("Nordvik Textiles said on Monday that sales rose. The Norwegian economy grew faster than expected. "
     "The Fjordvik Design Institute welcomed the news.", set()),
    # one sentence sets no frame
    ("Nordvik Textiles is a Norwegian textile company that works with the Fjordvik Design Institute.", set()),
    # a description with a "City, Region" run places the organisation in both
    ("Tarrow Academy is a boarding school in Leeds, West Yorkshire. It was founded in 1877.",
     {("Tarrow Academy", "basedIn", "Leeds"), ("Tarrow Academy", "basedIn", "West Yorkshire")}),
    # "based in" a "City, Region" run: both places, in any text
    ("Corvane Robotics, a software company based in Austin, Texas, hired 40 engineers last year.",
     {("Corvane Robotics", "basedIn", "Austin"), ("Corvane Robotics", "basedIn", "Texas")}),
    # a place inside the name, named apart too
    ("The Leeds Chamber Ensemble is a string orchestra founded in 1990. It performs in Leeds and in York "
     "every winter. Its players come from across the region.",
     {("Leeds Chamber Ensemble", "basedIn", "Leeds")}),
    # a head of state of the text's country; the organisation of the text's country too
    ("Ilan Varo (born 1948) is a retired Chilean diplomat. He served as an adviser to President Marta Solen "
     "from 1990 to 1994. He later taught economics at the Valdivia Institute of Trade.",
     {("Marta Solen", "headOf", "Chile"), ("Valdivia Institute of Trade", "basedIn", "Chile")}),
    # several countries: the one the organisation's name holds
    ("Ilan Varo (born 1948) is a Chilean diplomat. He worked in Peru and in Brazil for twenty years. "
     "He later taught economics at the Brazilian Institute of Trade.",
     {("Institute of Trade", "basedIn", "Brazil")}),
]


def triples(extraction) -> set[tuple[str, str, str]]:
    return {(r.subject.label, r.prop, r.object.label) for r in extraction.relations}


@pytest.mark.parametrize("text, expected", [pytest.param(t, e, id=t[:40]) for t, e in CASES])
def test_introductions(extract_one, text, expected):
    assert triples(extract_one(text)) == expected


def test_a_title_that_names_its_organisation_is_no_head_of_state(extract_one):
    text = ("Ilan Varo (born 1948) is a Chilean lawyer. He was president of the Valdivia Rowing Club "
            "from 1990 to 1994. He later taught law.")
    assert ("Ilan Varo", "headOf", "Chile") not in triples(extract_one(text))


PARTISAN = [
    # a copula's complement, with a pronoun subject
    ("Jonas Weller is an American politician. He is a Republican. He lives in Ohio.",
     {("Jonas Weller", "memberOf", "Republicans")}),
    # a fronted description
    ("Jonas Weller is an American politician. A Republican, he has served in the Ohio Senate since 2011. "
     "He lives in Ohio.", {("Jonas Weller", "memberOf", "Republicans")}),
    # an "as" phrase of a passive verb
    ("Jonas Weller is an American politician. He was elected as a Democrat to the Ohio Senate. He lives in Ohio.",
     {("Jonas Weller", "memberOf", "Democrats")}),
    # "a member of" the party, in apposition to the predicate noun
    ("Jonas Weller is an American politician, a member of the Democratic Party. He lives in Ohio. He has two sons.",
     {("Jonas Weller", "memberOf", "Democratic Party")}),
    # news: no frame, and "is a Republican" alone is not read
    ("Voters in Ohio went to the polls on Monday. Jonas Weller said he is a Republican at heart. "
     "Turnout was low.", set()),
]


@pytest.mark.parametrize("text, expected", [pytest.param(t, e, id=t[:40]) for t, e in PARTISAN])
def test_partisan(extract_one, text, expected):
    assert {t for t in triples(extract_one(text)) if t[1] == "memberOf"} == expected


PARTISAN_NOUNS = [
    # "a politician for" the party
    ("Jonas Weller (1923 – 2012) was a Norwegian politician for the Labour Party. He lives in Oslo. "
     "He has two sons.", {("Jonas Weller", "memberOf", "Labour Party")}),
    # the party modifying "politician"
    ("Mara Quinn (born 1949) is an Irish Labour Party politician who served as a minister. She lives in Cork. "
     "She has two sons.", {("Mara Quinn", "memberOf", "Labour Party")}),
]


@pytest.mark.parametrize("text, expected", [pytest.param(t, e, id=t[:40]) for t, e in PARTISAN_NOUNS])
def test_partisan_nouns(extract_one, text, expected):
    assert {t for t in triples(extract_one(text)) if t[1] == "memberOf"} == expected

"""Entity typing and merging: one typed entity per real thing, on sentences written for
these tests (the people and companies are invented) and on the bundled sample article."""
from __future__ import annotations

import pytest

from conftest import SAMPLE

pytestmark = pytest.mark.slow


def entities(extract_one, text: str) -> dict[str, tuple[str, set[str]]]:
    return {e.label: (e.cls, e.aliases) for e in extract_one(text).entities.items}


@pytest.mark.parametrize("text, label, cls", [
    ("The Commerce Department said on Monday that exports would resume.", "Commerce Department", "GovernmentAgency"),
    ("The Senate Finance Committee will vote on Tuesday.", "Senate Finance Committee", "Legislature"),
    ("Labour MP Tom Hale asked a question.", "Labour", "PoliticalParty"),
    ("The bill passed the Bundestag after a long debate.", "Bundestag", "Legislature"),
    ("Reuters reported the deal first.", "Reuters", "MediaOrganization"),
    ("The Orbix Corporation cut its forecast.", "Orbix Corporation", "Company"),
    ("Shenzhen-based Orbix Micro makes sensors.", "Shenzhen", "Place"),
    ("Exports to Japan fell sharply.", "Japan", "Country"),
    ("The Ministry of Ports, Fisheries and Coastal Affairs issued rules.", "Ministry of Ports, Fisheries and Coastal Affairs",
     "GovernmentAgency"),
    ("Orbix Micro was placed on the Unverified List last year.", "Unverified List", "SanctionsList"),
    ("Helix Pay has named Ruth Amos as its new CISO.", "Helix Pay", "Company"),
    ("Calder Freight, which is headquartered in Rotterdam, cut jobs.", "Calder Freight", "Company"),
    ("Tom Reyes, the chief aide to Senator Lou Banner, spoke on Friday.", "Lou Banner", "Person"),
])
def test_class(extract_one, text, label, cls):
    assert entities(extract_one, text)[label][0] == cls


def test_surname_and_possessive_join_the_full_name(extract_one):
    found = entities(extract_one, "Ada Voss met reporters on Monday. Voss's aides said Voss would run again.")
    assert found["Ada Voss"] == ("Person", {"Voss"})
    assert [label for label in found if "Voss" in label] == ["Ada Voss"]


def test_country_aliases_are_one_node(extract_one):
    found = entities(extract_one, "The United States raised tariffs. The US said China must respond, "
                                  "and U.S. officials met Chinese negotiators.")
    assert found["United States"] == ("Country", {"US", "U.S."})
    assert found["China"] == ("Country", {"Chinese"})


def test_acronym_in_brackets_joins_the_long_name(extract_one):
    found = entities(extract_one, "The Office of Foreign Assets Control (OFAC) acted. OFAC said more would follow.")
    assert found == {"Office of Foreign Assets Control": ("GovernmentAgency", {"OFAC"})}


def test_short_form_joins_the_long_name(extract_one):
    found = entities(extract_one, "Korvane Shipping denied the report on Monday. Korvane said it would appeal.")
    assert found == {"Korvane Shipping": ("Company", {"Korvane"})}


def test_bracket_after_a_place_is_no_acronym_of_it(extract_one):
    found = entities(extract_one, "Geneva (AFP) - Talks ended on Sunday.")
    assert found == {"Geneva": ("Place", set()), "AFP": ("MediaOrganization", set())}


def test_page_furniture_is_no_person(extract_one):
    assert entities(extract_one, "Subscribe to the Daily Briefing Newsletter for updates.") == {}


def test_sample_article_entities(extractor):
    """The golden entity table of the bundled article (SecurityWeek/AFP, with page furniture)."""
    from kgingest.sources import read_text

    x = next(extractor.extract([read_text(str(SAMPLE))]))
    got = {(e.label, e.cls) for e in x.entities.items}
    assert got == {
        ("Larry Kudlow", "Person"), ("Donald Trump", "Person"), ("Wilbur Ross", "Person"), ("Ted Cruz", "Person"),
        ("Marco Rubio", "Person"), ("Adam Robertson", "Person"), ("Alex Mosher", "Person"), ("David Cross", "Person"),
        ("Xi", "Person"), ("United States", "Country"), ("China", "Country"), ("Huawei", "Company"),
        ("TP-Link", "Company"), ("Atlassian", "Company"), ("Armis", "Company"), ("Cyberwarfare", "Company"),
        ("White House", "GovernmentAgency"), ("Commerce Department", "GovernmentAgency"), ("Senate", "Legislature"),
        ("Republicans", "PoliticalParty"), ("Fox News Channel", "MediaOrganization"), ("CBS", "MediaOrganization"),
        ("AFP", "MediaOrganization"), ("SecurityWeek", "MediaOrganization"), ("Entity List", "SanctionsList"),
    }
    by_label = {e.label: e for e in x.entities.items}
    assert by_label["Larry Kudlow"].aliases == {"Kudlow"}
    assert by_label["United States"].aliases == {"US", "Washington", "American"}
    assert by_label["Fox News Channel"].aliases == {"Fox News"}
    assert by_label["Entity List"].aliases == {"US Entity List"}


def test_punctuation_tagged_as_proper_noun_does_not_hang(extract_one):
    """A sentence on which the untagged-name scan once looped for ever (CoNLL04 train)."""
    text = "'' The damage was minimal , '' said Coast Guard Lt. Steve Smith of the Galveston station ."
    assert "Steve Smith" in entities(extract_one, text)

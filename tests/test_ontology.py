"""The ontology as data: classes, hierarchy, domains and ranges, triggers and gazetteers."""
from __future__ import annotations

from rdflib import OWL, RDF, Graph

from kgingest import ontology
from kgingest.ontology import KG, Trigger

ONTO = ontology.load()
SCORED = {"advises", "criticizes", "listedOn", "worksFor", "headOf", "memberOf", "basedIn", "meetsWith"}


def test_ten_entity_classes_and_their_hierarchy():
    assert {"Person", "Company", "GovernmentAgency", "Legislature", "PoliticalParty", "MediaOrganization",
            "Organization", "Country", "Place", "SanctionsList"} <= set(ONTO.classes)
    for sub in ("Company", "GovernmentAgency", "Legislature", "PoliticalParty", "MediaOrganization"):
        assert ONTO.is_a(sub, "Organization")
    assert ONTO.is_a("Country", "Place") and not ONTO.is_a("Place", "Country")


def test_scored_properties_with_domains_and_ranges():
    assert SCORED <= set(ONTO.properties)
    assert ONTO.allows("advises", "Person", "GovernmentAgency")
    assert ONTO.allows("listedOn", "Company", "SanctionsList")
    assert not ONTO.allows("listedOn", "Company", "Place")
    assert ONTO.allows("basedIn", "Company", "Country")
    assert not ONTO.allows("basedIn", "Person", "Country")
    assert not ONTO.allows("meetsWith", "Person", "Company")
    assert ONTO.allows("criticizes", "Country", "Person")
    assert ONTO.properties["meetsWith"].symmetric and not ONTO.properties["advises"].symmetric


def test_the_turtle_is_owl_with_alignments():
    g = Graph().parse(ontology.default_dir() / "kgingest.ttl")
    assert (KG.meetsWith, RDF.type, OWL.SymmetricProperty) in g
    assert (KG.headOf, None, None) in g
    aligned = {str(o) for o in g.objects(None, OWL.equivalentClass)} | {
        str(o) for _, p, o in g if str(p).endswith("subPropertyOf")}
    assert "http://www.w3.org/ns/org#headOf" in aligned and "http://schema.org/Person" in aligned


def test_triggers_parse_prepositions():
    assert Trigger.parse("meet with") == Trigger("meet", "with")
    assert Trigger.parse("take aim at") == Trigger("take aim", "at")
    assert Trigger.parse("criticize") == Trigger("criticize", None)
    assert Trigger("remain", "on") in ONTO.properties["listedOn"].verbs


def test_gazetteers_are_read():
    us = next(c for c in ONTO.countries if c.code == "US")
    assert us.name == "United States" and "U.S." in us.aliases and "American" in us.demonyms
    assert any(k.name == "Entity List" and k.cls == "SanctionsList" for k in ONTO.known)
    assert "Shenzhen" in ONTO.places and "Kentucky" in ONTO.places
    assert "former" in ONTO.words("formerWord") and "deny" in ONTO.words("blockingVerb")


def test_digest_changes_with_the_files(tmp_path):
    (tmp_path / "extra.ttl").write_text(
        "@prefix kg: <https://w3id.org/kgingest/ontology#> . kg:x kg:y kg:z .", encoding="utf-8")
    other = ontology.load([ontology.default_dir(), tmp_path])
    assert other.digest != ONTO.digest and set(other.classes) == set(ONTO.classes)


def test_class_precedence_is_ontology_data():
    """kg:priority on the classes: the most specific kind of organisation first."""
    assert ontology.load().precedence == ("SanctionsList", "Legislature", "GovernmentAgency", "PoliticalParty",
                                          "MediaOrganization", "Company", "Organization", "Place")

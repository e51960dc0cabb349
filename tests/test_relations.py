"""Relations: (sentence, exact relations) per property, the traps that must give nothing,
the seed article's exact facts, and a ninth property added by an ontology edit alone.
Sentences are written for these tests; their people and companies are invented."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXED_TIME, ROOT, SAMPLE

pytestmark = pytest.mark.slow

A, K = "Ada Voss", "Karl Ebert"

CASES = {
    "advises": [
        ("White House adviser Mara Quill said the tariffs would stay.", {("Mara Quill", "advises", "White House")}),
        ("Tom Reyes, the chief aide to Senator Lou Banner, spoke on Friday.", {("Tom Reyes", "advises", "Lou Banner")}),
        ("Peter Lang, an adviser to Chancellor Eva Brandt, spoke to reporters.",
         {("Peter Lang", "advises", "Eva Brandt")}),
        ("Prime Minister Ola Berg chaired the meeting. The board appointed Rafe Lund as adviser to the prime minister.",
         {("Rafe Lund", "advises", "Ola Berg")}),
        ("Nora Blake denied advising Governor Sam Ortiz on the deal.", set()),
        ("Nora Blake has never been an adviser to Karl Ebert.", set()),
    ],
    "criticizes": [
        (f"Senator {A} condemned {K} over the budget.", {(A, "criticizes", K)}),
        (f"{K} was sharply criticized by {A} on Monday.", {(A, "criticizes", K)}),
        (f'"{K} has made a grave mistake," {A} said.', {(A, "criticizes", K)}),
        (f"Ruth Amos said that {K}'s decision was a mistake.", {("Ruth Amos", "criticizes", K)}),
        (f"{A} accused {K} of lying.", {(A, "criticizes", K)}),
        (f"{A} would criticize {K} if the bill failed.", set()),
        (f"{A} stopped short of criticizing {K}.", set()),
        (f'"We would condemn {K} if he resigned," {A} said.', set()),
    ],
    "listedOn": [
        ("The Commerce Department added Orbix Micro to the Entity List on Tuesday.",
         {("Orbix Micro", "listedOn", "Entity List")}),
        ("The department placed Delta Arc and Sunfield Optics on the Entity List.",
         {("Delta Arc", "listedOn", "Entity List"), ("Sunfield Optics", "listedOn", "Entity List")}),
        ("Orbix Micro remains on the SDN List.",
         {("Orbix Micro", "listedOn", "SDN List")}),
        ("Orbix Micro was removed from the Entity List.", set()),
        ("If Orbix Micro were added to the Entity List, prices would rise.", set()),
        # enumerations: the fact distributes over the items, never over an item's apposition
        ("The Treasury added four firms to the Entity List on Monday. The new entries are Orbix Micro Co.; "
         "Delta Arc Trading Limited, a Macau-based reseller; Sunfield Optics LLC; and Kestrel Tech Group.",
         {("Orbix Micro Co.", "listedOn", "Entity List"), ("Delta Arc Trading Limited", "listedOn", "Entity List"),
          ("Sunfield Optics LLC", "listedOn", "Entity List"), ("Kestrel Tech Group", "listedOn", "Entity List"),
          ("Delta Arc Trading Limited", "basedIn", "Macau")}),
        ("China placed three US companies on its Unreliable Entity List. The US firms added to the Chinese list "
         "— Brightline Avionics, Corvane Systems and Tessaro Optics — can no longer trade in China.",
         {("Brightline Avionics", "listedOn", "Unreliable Entity List"),
          ("Corvane Systems", "listedOn", "Unreliable Entity List"),
          ("Tessaro Optics", "listedOn", "Unreliable Entity List")}),
        ("The Council added nine people to the EU sanctions list. Also listed were Sunvale Freight, a tanker "
         "operator, and Doha-based Pearl Crest Marine.",
         {("Pearl Crest Marine", "listedOn", "EU sanctions list"), ("Sunvale Freight", "listedOn", "EU sanctions list"),
          ("Pearl Crest Marine", "basedIn", "Doha")}),
        ("The following persons are being added to the SDN List today:\n\n1. QUILL MARITIME SA, a Piraeus-based "
         "shipper.\n2. Omar Haddad, an agent of Quill Maritime SA.\n",
         {("QUILL MARITIME SA", "listedOn", "SDN List"), ("Omar Haddad", "listedOn", "SDN List"),
          ("QUILL MARITIME SA", "basedIn", "Piraeus")}),
        # the list told apart by its owner, and an elided predicate ("So were X and Y")
        ("Beijing answered Washington's move to add 12 firms to the US Entity List, and put two American drone "
         "makers on its own Unreliable Entity List. Officials in Beijing spoke of bullying. A trade group said "
         "exports would suffer. Among the companies blacklisted by the US Commerce Department were Orbix Micro "
         "and Sunfield Optics.",
         # "the US Commerce Department": a state body of its country (true, optional in the gold conventions)
         {("Orbix Micro", "listedOn", "Entity List"), ("Sunfield Optics", "listedOn", "Entity List"),
          ("Commerce Department", "basedIn", "United States")}),
        ("The EU placed the banker on the EU sanctions list on Monday. Delta Arc was designated by both Brussels "
         "and London. So were Sunfield Optics, his holding company, and Kestrel Tech Group, a "
         "trading arm that regulators said had moved cash.",
         {("Delta Arc", "listedOn", "EU sanctions list"), ("Sunfield Optics", "listedOn", "EU sanctions list"),
          ("Kestrel Tech Group", "listedOn", "EU sanctions list")}),
        # "Among the smaller firms is X": a group a listing verb took in the sentence before
        ("Orbix Micro, along with Tessaro Optics and two smaller firms, was added to the Entity List by the "
         "Commerce Department.\n\nAmong the smaller firms is Kestrel Tech Group, a Macau parts supplier that "
         "officials said had acted as a front.",
         {("Orbix Micro", "listedOn", "Entity List"), ("Tessaro Optics", "listedOn", "Entity List"),
          ("Kestrel Tech Group", "listedOn", "Entity List")}),
        # one list for each agent ("by both Washington and Brussels"), for the elided predicate too
        ("The Treasury added Delta Arc to the SDN List on Friday, hours after the EU placed the firm on the EU "
         "sanctions list. Orbix Micro was designated by both Washington and Brussels. So were Sunfield Optics and "
         "Kestrel Tech Group.",
         {(f, "listedOn", lst) for f in ("Delta Arc", "Orbix Micro", "Sunfield Optics", "Kestrel Tech Group")
          for lst in ("SDN List", "EU sanctions list")}),
        # moved from one list to another: the second only
        ("The ninth, Kestrel Tech Group, was moved from the Unverified List to the Entity List after an end-use "
         "check failed.", {("Kestrel Tech Group", "listedOn", "Entity List")}),
        # a removal names the firm by apposition to a description ("the tanker operator X"): still X
        ("Baltic Freight Corp was fined on Monday. Separately, OFAC removed the tanker operator Nordhavn Shipping "
         "from the SDN List after it sold its tankers. Nordhavn Shipping had been designated in 2021.", set()),
        ("The Treasury added Delta Arc to the SDN List. Among the firms removed from the list were Orbix Micro "
         "and Sunfield Optics.", {("Delta Arc", "listedOn", "SDN List")}),
        ("The Treasury added Delta Arc to the SDN List. Orbix Micro, which is listed in Hong Kong, fell 5 percent.",
         {("Delta Arc", "listedOn", "SDN List")}),
    ],
    "worksFor": [
        ("The pier was closed, said Harbour Police Sgt. Tomas Oduya.",
         {("Tomas Oduya", "worksFor", "Harbour Police")}),
        ("Ruth Amos, of Halvard Shipping, said rates would rise.", {("Ruth Amos", "worksFor", "Halvard Shipping")}),
        ("Omar Haddad, Brandt Bank's head of currency trading until March, is now at Kestrel Capital.",
         {("Omar Haddad", "worksFor", "Kestrel Capital")}),
        ("Mia Sol is at the summit in Vienna with Kestrel Capital executives.", set()),
        ("The second hire is Lucia Maren Dahl, a veteran credit trader who covered Nordic markets for Brandt Bank. "
         "She has joined Kestrel Capital, people familiar with the move said.",
         {("Lucia Maren Dahl", "worksFor", "Kestrel Capital")}),
        ("Corran Bank has lost two senior traders to Fenwick Capital this month. Ruth Amadi, the bank's head of retail "
         "lending, told staff the desk was fully staffed.", {("Ruth Amadi", "worksFor", "Corran Bank")}),
        ("Brightwave Analytics has hired Omar Finch as chief technology officer.",
         {("Omar Finch", "worksFor", "Brightwave Analytics")}),
        ("Lena Torres joins Calder Freight as general counsel.", {("Lena Torres", "worksFor", "Calder Freight")}),
        ("Helix Pay has named Ruth Amos as its new CISO.", {("Ruth Amos", "worksFor", "Helix Pay")}),
        ("Ruth Amos is a senior fellow at the Brookings Institution.",
         {("Ruth Amos", "worksFor", "Brookings Institution")}),
        # the head of a unit works for the organisation
        ("Orla Finn, head of credit research at Kestrel Partners, said spreads would widen.",
         {("Orla Finn", "worksFor", "Kestrel Partners")}),
        ("The Commission's transport chief, Rolf Anker, met officials.", {("Rolf Anker", "worksFor", "Commission")}),
        ("Brightwave Analytics cut jobs. Piet Dorn, who runs the company's Asian business, said the cuts were over.",
         {("Piet Dorn", "worksFor", "Brightwave Analytics")}),
        # joining a party is membership; a person's name is no organisation to advise
        ("Talia Wren, who joined the Green Party last year, spoke at the rally.",
         {("Talia Wren", "memberOf", "Green Party")}),
        ("Lena Oduya, MP for Hollin Vale, spoke.", set()),
        # "she" after "X was appointed ..., Y said" is the one reported on
        ("Mira Sol was appointed to the panel, Tom Webb said. She will take leave from Corvin University, "
         "where she is a professor.", {("Mira Sol", "worksFor", "Corvin University")}),
        # a preposition on the name, an occupation beside it, a unit its organisation owns
        ("Ellen Cho at the Institute of Marine Biology found the fish.",
         {("Ellen Cho", "worksFor", "Institute of Marine Biology")}),
        ("Maria Delgado, an ecologist and entomologist at Harborview University, said prices would rise.",
         {("Maria Delgado", "worksFor", "Harborview University")}),
        ("Ravi Menon, an agricultural engineer with the Transport Ministry's research service, said so.",
         {("Ravi Menon", "worksFor", "Transport Ministry")}),
        ("Gina Rowe writes for the Morning Herald.", {("Gina Rowe", "worksFor", "Morning Herald")}),
        ("Lena Ortiz and Omar Reyes of Calder University say the data were wrong.",
         {("Lena Ortiz", "worksFor", "Calder University"), ("Omar Reyes", "worksFor", "Calder University")}),
        # a customer is no employee; a former physicist no longer works there; "X, 30, of Y" is a home town
        ("Dan Suggs, 30, of Boothbay, went down to help.", set()),
        ("Ann Lee, a customer of Bexley Bank, said so.", set()),
        ("Ann Lee, a former physicist at Bexley Labs, said so.", set()),
        # a comma ends the title's phrase: "on Thursday, spokesman X" is a bare title
        ("At a regular Bexley Ministry of Trade briefing in Arlen on Thursday, spokesman Tom Reyes would say only "
         "that talks continue.", {("Tom Reyes", "worksFor", "Ministry of Trade"),
                                  ("Ministry of Trade", "basedIn", "Bexley")}),
        ("Ann Lee, a staff member at the Halden Institute, said so.", {("Ann Lee", "worksFor", "Halden Institute")}),
        # a bare title does not take an organisation that another title holds
        ("Former Vantor executive Maria Lopez has raised $90,000, while council Chairman Tom Brady registered $40,000.",
         set()),
        ("Ann Hale, a former Brixton University law professor, and Tom Cole, who served as counselor to "
         "Attorney John Smith, were named.", set()),
    ],
    "headOf": [
        # a role hung on the party-state tag or the age after the name is still the person's
        ("Sen. Tom Hale, D-Ohio, chairman of the Senate Finance Committee, said the plan was dropped.",
         {("Tom Hale", "headOf", "Senate Finance Committee"), ("Tom Hale", "memberOf", "Senate Finance Committee")}),
        ("Ann Lee, 45, president of Vantor Systems, said profits rose.", {("Ann Lee", "headOf", "Vantor Systems")}),
        # "owner of X and the radio station Y": both
        ("Jean Morel, owner of the Brixton Savings Bank and the private radio station Vantor FM, was shot on Monday.",
         {("Jean Morel", "headOf", "Brixton Savings Bank"), ("Jean Morel", "headOf", "Vantor FM")}),
        # the chair of a subcommittee, a chamber's minority leader: members of the chamber, not its head
        ("Senate minority leader Tom Hale announced his bid on Monday.", {("Tom Hale", "memberOf", "Senate")}),
        ("Senate deputy spokesman Tom Hale announced the vote on Monday.", {("Tom Hale", "worksFor", "Senate")}),
        ("The plan was approved, Senate Chief of Staff Tom Hale said in a statement.",
         {("Tom Hale", "worksFor", "Senate")}),
        ("Tom Hale, chairman of the Senate subcommittee on trade, said so.", {("Tom Hale", "memberOf", "Senate")}),
        ("It would help, said Rep. Tom Hale, D-Ohio, chairman of the House oversight subcommittee grilling Ann Cole "
         "and other officials.", {("Tom Hale", "memberOf", "House")}),
        ("The UN Security Council met on Monday. Its sanctions committee listed Ti Jozef, leader of the Baz Rouj "
         "gang, which controls the port road.", set()),
        ("Treasury Secretary Dana Kerr said the plan was sound.", {("Dana Kerr", "headOf", "Treasury Department")}),
        ("Ivo Marsh, chief executive of Calder Freight, said profits rose.", {("Ivo Marsh", "headOf", "Calder Freight")}),
        ("Calder Freight's chief executive, Ivo Marsh, said profits rose.", {("Ivo Marsh", "headOf", "Calder Freight")}),
        ("Helix Pay promoted Ruth Amos to President.", {("Ruth Amos", "headOf", "Helix Pay")}),
        ("Kasper Lund, who heads the Danish shipping group Nordlys Line, said rates would fall.",
         {("Kasper Lund", "headOf", "Nordlys Line"), ("Nordlys Line", "basedIn", "Denmark")}),
        ("Former chief executive Ivo Marsh of Calder Freight spoke at the meeting.", set()),
        ("Greenway Party chair Ilse Marten said the vote would pass.",
         {("Ilse Marten", "headOf", "Greenway Party"), ("Ilse Marten", "memberOf", "Greenway Party")}),
        ("Social Liberal Party (SLP) leader Arno Vick said the vote would pass.",
         {("Arno Vick", "headOf", "Social Liberal Party"), ("Arno Vick", "memberOf", "Social Liberal Party")}),
        ("Tomas Hurka takes over the Ministry of the Interior.", {("Tomas Hurka", "headOf", "Ministry of the Interior")}),
        ("The ministry signed a deal with Northvale Freight, a Leeds firm whose chairman, Ravi Holt, backed the plan.",
         {("Ravi Holt", "headOf", "Northvale Freight"), ("Northvale Freight", "basedIn", "Leeds")}),
        ("Halvor Brun was named to head the Ministry of Transport on Monday.",
         {("Halvor Brun", "headOf", "Ministry of Transport")}),
        # a bare title opening a sentence goes with the company its paragraph is about
        ("Lumora Health raised $5m from Kestrel Partners. Chief executive Ada Okoye said the money would fund hiring.",
         {("Ada Okoye", "headOf", "Lumora Health")}),
        # a department word picks the ministry of the title's country, not another's
        ("The US Commerce Department issued new rules on Monday. China's Ministry of Commerce objected on Tuesday. "
         "Chinese Commerce Minister Wen Bo called the rules unfair.",
         {("Wen Bo", "headOf", "Ministry of Commerce"), ("Ministry of Commerce", "basedIn", "China")}),
        ("The Japanese Foreign Ministry said talks would continue. Korean Foreign Minister Park Ji-ho said talks "
         "had stalled.", set()),
        ("Her new employer is Kestrel Partners, the Boston-based fund run by Orla Finn.",
         {("Orla Finn", "headOf", "Kestrel Partners"), ("Kestrel Partners", "basedIn", "Boston")}),
    ],
    "memberOf": [
        ("Turnout was high when Dario Vela, of the leftist Frente Amplio Sur coalition, took office.",
         {("Dario Vela", "memberOf", "Frente Amplio Sur")}),
        (f"Sen. {A} (R-Ohio) spoke on the Senate floor.", {(A, "memberOf", "Republicans"), (A, "memberOf", "Senate")}),
        ("Labour MP Tom Hale asked a question.", {("Tom Hale", "memberOf", "Labour")}),
        (f"{A}, a Florida Democrat, voted no.", {(A, "memberOf", "Democrats")}),
        (f"Senate Republicans like {A} and Ben Cray opposed the bill.",
         {(A, "memberOf", "Republicans"), (A, "memberOf", "Senate"),
          ("Ben Cray", "memberOf", "Republicans"), ("Ben Cray", "memberOf", "Senate")}),
        ("The U.S. Senate passed the aid bill. Senator Luz Ortega raised it in the Chilean Senate on Monday.",
         {("Luz Ortega", "memberOf", "Chilean Senate")}),
        # "MEP" and "Sen." name the chamber the text names; party words before the title
        ("Lars Henning, the Danish CDU MEP, spoke in the European Parliament.",
         {("Lars Henning", "memberOf", "CDU"), ("Lars Henning", "memberOf", "European Parliament")}),
        ("The Senate met on Monday. GOP Sen. Dale Rourke of Idaho agreed.",
         {("Dale Rourke", "memberOf", "GOP"), ("Dale Rourke", "memberOf", "Senate")}),
        ("Former MEP Anna Kral left the European Parliament.", set()),
        # of two senates, the one whose name holds the place word before the title
        (f"{A} met U.S. Sen. {K} in Lima. She said the U.S. Senate must act. Senator Luz Ortega sits in the Peruvian Senate.",
         {(A, "meetsWith", K), (K, "memberOf", "U.S. Senate"), ("Luz Ortega", "memberOf", "Peruvian Senate"),
          ("U.S. Senate", "basedIn", "United States"), ("Peruvian Senate", "basedIn", "Peru")}),
        # a lead-in naming the party its list joined
        ("The Senate voted. The senators who moved to the Liberal Party are: Sen. Tomas Varga and Sen. Ilse Marek.",
         {("Tomas Varga", "memberOf", "Liberal Party"), ("Tomas Varga", "memberOf", "Senate"),
          ("Ilse Marek", "memberOf", "Liberal Party"), ("Ilse Marek", "memberOf", "Senate")}),
        ("Ada Voss said she would join the Green Party if asked: Karl Ebert agreed.", set()),
        # the lead-in's members belong to the one legislature its sentence names
        ("In the National Assembly, the Speaker read letters from two members who have also joined the Unity Party: "
         "Karl Ebert (Hull North, formerly Labour) and Ola Nord (York).",
         {("Karl Ebert", "memberOf", "Unity Party"), ("Karl Ebert", "memberOf", "National Assembly"),
          ("Ola Nord", "memberOf", "Unity Party"), ("Ola Nord", "memberOf", "National Assembly")}),
        ("In the National Assembly, the Speaker named two activists who have joined the Unity Party: Karl Ebert and Ola Nord.",
         {("Karl Ebert", "memberOf", "Unity Party"), ("Ola Nord", "memberOf", "Unity Party")}),
        # a group or party one sits with or for
        ("Dutch MEP Anneke Vos, who sits with the Greens group, criticised the plan.",
         {("Anneke Vos", "memberOf", "Greens")}),
        ("German MEP Karl Braun, who sits for Germany's Free Democratic Party, voted against it.",
         {("Karl Braun", "memberOf", "Free Democratic Party")}),
        ("Anneke Vos does not sit with the Greens group.", set()),
        ("The painter asked Karl Braun to sit for a portrait.", set()),
    ],
    "basedIn": [
        ("The Supreme Court of Malawi upheld the ruling. Malawi's finance minister welcomed it.",
         {("Supreme Court of Malawi", "basedIn", "Malawi")}),
        ("Shenzhen-based Orbix Micro makes sensors.", {("Orbix Micro", "basedIn", "Shenzhen")}),
        ("Calder Freight, which is headquartered in Rotterdam, cut jobs.", {("Calder Freight", "basedIn", "Rotterdam")}),
        ("The German carmaker Voltwerk cut jobs.", {("Voltwerk", "basedIn", "Germany")}),
        # a heading's "(City, Country)", a "City, State-based" modifier: both places
        ("Brava Logistics (Accra, Ghana) raised $5m from investors.",
         {("Brava Logistics", "basedIn", "Accra"), ("Brava Logistics", "basedIn", "Ghana")}),
        ("The fund invested in Tellmark Holdings, the Boulder, Colorado-based software maker.",
         {("Tellmark Holdings", "basedIn", "Boulder"), ("Tellmark Holdings", "basedIn", "Colorado")}),
        # the name stops before the appositive's head word ("... DMCC, a Sharjah-based arm")
        ("So was Orvik Commodities DMCC, a Sharjah-based trading arm that shipped parts to buyers.",
         {("Orvik Commodities DMCC", "basedIn", "Sharjah")}),
        # a description of the story's company: the previous sentence's subject, or one named before it
        ("Halvard Shipping AG said profits rose. Its chief, Ola Brekke, has led the Bergen-based company since 2019.",
         {("Halvard Shipping AG", "basedIn", "Bergen"), ("Ola Brekke", "headOf", "Halvard Shipping AG")}),
        ("Tellmark Holdings lost two traders, deepening an exodus from the Boston lender's credit desk.",
         {("Tellmark Holdings", "basedIn", "Boston")}),
        # not the clause's own subject; each conjunct keeps its own place; a dateline is no home
        ("Tellmark Holdings said it would keep all jobs at the Bergen-based operator.", set()),
        # a run of descriptor words, one the tagger read as a verb, before the name; not a verb of the clause
        ("Accra-based logistics startup Velo Freight raised $5m led by Kestrel Ventures.",
         {("Velo Freight", "basedIn", "Accra")}),
        ("The Accra-based firm said Velo Freight raised $5m.", set()),
        # a nationality before a company's description that is also a role word
        ("He had been in talks to join Norwegian owner Fjord Bulk as chief executive.", {("Fjord Bulk", "basedIn", "Norway")}),
        ("Swedish founder Karl Lund left Fjord Bulk.", set()),
        ("Velo is backed by Oslo-based Fjordline Capital and Cairo-based Delta Nile Ventures.",
         {("Fjordline Capital", "basedIn", "Oslo"), ("Delta Nile Ventures", "basedIn", "Cairo")}),
        ("OSLO, May 3 (Reuters) - Fjordline Capital said on Friday that profits rose.", set()),
        # the rest of an address; a country's word opening an organisation's name
        ("Selkirk Holdings, based in Easton, Pa., makes towels.",
         {("Selkirk Holdings", "basedIn", "Easton"), ("Selkirk Holdings", "basedIn", "Pa.")}),
        ("Court papers name the Tarvex Corp. in Dayton, Ohio.",
         {("Tarvex Corp.", "basedIn", "Dayton"), ("Tarvex Corp.", "basedIn", "Ohio")}),
        ("The Chinese Foreign Ministry said China would act.", {("Chinese Foreign Ministry", "basedIn", "China")}),
        ("A briefing was held at the Norvia Bank's Leeds headquarters.", {("Norvia Bank", "basedIn", "Leeds")}),
        ("Talks took place at Norvia Bank's headquarters in Leeds, England.",
         {("Norvia Bank", "basedIn", "Leeds"), ("Norvia Bank", "basedIn", "England")}),
    ],
    "meetsWith": [
        (f"{A} met {K} in Berlin on Monday.", {(A, "meetsWith", K)}),
        (f"Talks between {A} and {K} ended without a deal.", {(A, "meetsWith", K)}),
        (f"{A} held a call with {K} on Tuesday.", {(A, "meetsWith", K)}),
        # a phrase between the talks and their partner
        (f"Trade Minister {A} held talks on the sidelines with Finance Minister {K}.", {(A, "meetsWith", K)}),
        (f"{A} did not hold talks on the sidelines with {K}.", set()),
        # a meeting ahead has not happened; one behind a future clause has
        (f"{A} will meet {K} next week.", set()),
        (f"{A} is due to hold talks with {K} on Friday.", set()),
        (f"Talks between {A} and {K} will take place next week.", set()),
        (f"{A}, who met {K} on Monday, will travel to Oslo.", {(A, "meetsWith", K)}),
        # a working session is a meeting; its holder through a relative clause
        (f"Karl Lund was accompanied by {A}, who held a separate working session with Ola Nord.",
         {(A, "meetsWith", "Ola Nord")}),
        (f"{A} did not meet {K}.", set()),
        (f"{A} denied that she had met {K}.", set()),
        (f"{A} could meet {K} if talks resume.", set()),
    ],
}


def triples(extraction) -> set[tuple[str, str, str]]:
    return {(r.subject.label, r.prop, r.object.label) for r in extraction.relations}


@pytest.mark.parametrize("text, expected", [pytest.param(t, e, id=f"{p}:{t[:40]}")
                                            for p, cases in CASES.items() for t, e in cases])
def test_relations(extract_one, text, expected):
    assert triples(extract_one(text)) == expected


def test_relations_carry_evidence_confidence_and_rule(extract_one):
    text = f"It rained. {A} met {K} in Berlin on Monday. Nothing else happened."
    (r,) = extract_one(text).relations
    assert text[r.start:r.end] == f"{A} met {K} in Berlin on Monday."
    assert 0 < r.confidence <= 1 and r.rule == "verb-active"


def test_pronoun_resolves_only_to_an_unambiguous_antecedent(extract_one):
    one = extract_one(f"{A} arrived in Berlin. She met {K} on Monday.")
    assert triples(one) == {(A, "meetsWith", K)}


def test_seed_article_relations(extractor):
    """The worked example: every required fact of the gold annotation, and nothing false."""
    from kgingest.sources import read_text

    x = next(extractor.extract([read_text(str(SAMPLE))]))
    assert triples(x) == {
        ("Larry Kudlow", "advises", "Donald Trump"), ("Larry Kudlow", "advises", "White House"),
        ("Marco Rubio", "criticizes", "Donald Trump"), ("Huawei", "listedOn", "Entity List"),
        ("Wilbur Ross", "headOf", "Commerce Department"), ("Ted Cruz", "memberOf", "Senate"),
        ("Marco Rubio", "memberOf", "Senate"), ("Ted Cruz", "memberOf", "Republicans"),
        ("Marco Rubio", "memberOf", "Republicans"), ("Huawei", "basedIn", "China"),
        ("Donald Trump", "meetsWith", "Xi"), ("Adam Robertson", "worksFor", "TP-Link"),
        ("Alex Mosher", "headOf", "Armis"), ("David Cross", "worksFor", "Atlassian"),
    }
    advice = next(r for r in x.relations if (r.subject.label, r.object.label) == ("Larry Kudlow", "Donald Trump"))
    assert x.document.text[advice.start:advice.end].startswith("The senior Trump aide told")


def test_a_ninth_property_is_an_ontology_edit(tmp_path: Path):
    """`praises` with its trigger verbs, in a copy of the ontology: no Python changes."""
    from kgingest.pipeline import Extractor
    from kgingest.sources import Document

    onto = tmp_path / "ontologies"
    shutil.copytree(ROOT / "ontologies", onto, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    (onto / "praises.ttl").write_text("""
@prefix kg: <https://w3id.org/kgingest/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kg:praises a owl:ObjectProperty ;
    rdfs:label "praises"@en ;
    rdfs:domain kg:Person ;
    rdfs:range kg:Agent ;
    kg:verbTrigger "praise", "laud", "commend", "hail" .
""", encoding="utf-8")
    x = next(Extractor(ontology_paths=[onto], generated_at=FIXED_TIME).extract(
        [Document(id="t", text=f"{A} praised {K} for his courage. {A} did not praise Tom Hale.")]))
    assert triples(x) == {(A, "praises", K)}
    assert ("https://w3id.org/kgingest/ontology#praises" in {str(p) for p in x.graph.predicates()})


def test_scan_from_the_index_picks_what_a_token_by_token_scan_picks(extractor):
    """Context.scan answers a query from its per-Doc index (a small set by content, a large
    one by identity from its second use): the same tokens, sentence by sentence, as asking
    every token."""
    from kgingest.nlp.relations import context as relations_context
    from kgingest.pipeline import Document

    text = SAMPLE.read_text(encoding="utf-8")
    doc = extractor.nlp(text)
    ents, _ = extractor._find(Document(id="scan", text=text), doc)
    ctx = relations_context(doc, ents, extractor.onto)
    lower, lemma, tags = ctx.strings
    verbs = ctx.trig.verbs
    queries = [({"said", "the"}, (), None, False), ((), verbs, {"VERB", "AUX"}, False),
               (ctx.trig.location_cues, (), None, True), ((), (), None, True), ({"("}, {"be"}, {"AUX"}, False)]
    for _ in range(2):      # the second round is answered from the cache
        for words, lemmas, pos, entities in queries:
            for sent in ctx.sents:
                expected = [i for i in range(sent.start, sent.end)
                            if (lower[i] in words or lemma[i] in lemmas or entities and i in ents.at_token)
                            and (pos is None or tags[i] in pos)]
                got = [t.i for t in ctx.scan(sent, words, lemmas=lemmas, pos=pos, entities=entities)]
                assert got == expected
    assert [t.i for t in ctx.scan(doc[:], lemmas=set(verbs))] == [
        i for i in range(len(doc)) if lemma[i] in verbs]    # a set made afresh: scanned as before
    # a string "contains" its substrings: scanned token by token, as before
    assert [t.i for t in ctx.scan(doc[:], "said")] == [i for i in range(len(doc)) if lower[i] in "said"]

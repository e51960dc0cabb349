"""Relations from title rosters, multi-word names before a title, relative clauses on the
subject of a refusal, and "the company" as the paragraph's topic. Sentences are written
for these tests; their people and companies are invented."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

LEAD = "President Tayo Ajani announced the appointments on Monday. The statement listed them as follows: "
ROUNDUP = "Lumora Labs (Nairobi, Kenya)\nThe startup raised $5m from Baobab Capital and Acacia Ventures on Monday. "
STORY = "NEW YORK, May 3 - Corvel Systems said on Monday it would cut 200 jobs. The cuts follow a weak quarter.\n\n" \
    "The board met on Friday. "
PLACES = {("Lumora Labs", "basedIn", "Kenya"), ("Lumora Labs", "basedIn", "Nairobi")}

CASES = [
    # one roster lead-in ("to the President") distributes over the entries that repeat its title
    (LEAD + "Lina Okafor, Special Adviser to the President on Trade; Musa Bello, Special Adviser on Energy; "
     "and Ada Nwosu, Special Adviser on Health.",
     {("Lina Okafor", "advises", "Tayo Ajani"), ("Musa Bello", "advises", "Tayo Ajani"),
      ("Ada Nwosu", "advises", "Tayo Ajani")}),
    # the relative clause on the subject of "stopped short of" is asserted; the denied clause is not
    ("Sen. Mark Dale (D-Ore.), who chairs the Senate Finance Committee, stopped short of criticizing Ann Lowe.",
     {("Mark Dale", "headOf", "Senate Finance Committee"), ("Mark Dale", "memberOf", "Democrats"),
      ("Mark Dale", "memberOf", "Senate Finance Committee")}),
    ("Mark Dale (D-Ore.) denied that he chairs the Senate Finance Committee.",
     {("Mark Dale", "memberOf", "Democrats")}),
    # a name of several words before the title, and a capitalised word of the title
    ("Rates will hold, Central Bank of Ghana Governor Yaw Boateng said on Monday.",
     {("Yaw Boateng", "headOf", "Central Bank of Ghana")}),
    ("In a statement, APC National Chairman Bola Ade thanked the voters.", {("Bola Ade", "headOf", "APC")}),
    # "the company": the one the paragraph is about, not the latest investor named
    (ROUNDUP + "Jane Wanjiku, a former banker, founded the company in 2019.",
     {("Jane Wanjiku", "headOf", "Lumora Labs")} | PLACES),
    # a title after "become" in a relative clause names the one the clause hangs on
    ("Radek Vlk kept the portfolio for his ally, Eva Dvorak, a former deputy minister, who becomes head of the "
     "Ministry of Finance.", {("Eva Dvorak", "headOf", "Ministry of Finance")}),
    ("Radek Vlk, a former deputy minister, denied that he would become head of the Ministry of Finance.", set()),
    # a bare title far from any company: the company the story leads with; also after an opening quote
    (STORY + "Chief executive Dana Holt said the plan was painful. Corvel Systems shares fell.",
     {("Dana Holt", "headOf", "Corvel Systems")}),
    (STORY + '"The plan is painful but needed," chairman Omar Idris said. Corvel Systems shares fell.',
     {("Omar Idris", "headOf", "Corvel Systems")}),
    # a relative clause of place gives the organisation of the title it completes
    ("Henrik Lund quit Norbank in May and has launched Skarv Partners, an Oslo-based fund where he is chief "
     "investment officer.", {("Henrik Lund", "worksFor", "Skarv Partners"), ("Skarv Partners", "basedIn", "Oslo")}),
    ("Police detained Marc Duval and his firm, Delta Import SA, a Lyon-based importer of which he is managing "
     "director.", {("Marc Duval", "headOf", "Delta Import SA"), ("Delta Import SA", "basedIn", "Lyon")}),
    # what one left for is current; what one left is not
    ("Tom Reyes, the former spokesman, left the ministry in March to join Brightwater Advisory.",
     {("Tom Reyes", "worksFor", "Brightwater Advisory")}),
    ("Tom Reyes left Brightwater Advisory in March.", set()),
    ("Ana Silva will remain at the Office of the Government.", {("Ana Silva", "worksFor", "Office of the Government")}),
    # serves the prime minister, works in the office named beside the prime minister
    ("Prime Minister Ravi Nair chaired the meeting. The committee appointed Meera Iyer as adviser to the prime "
     "minister in the Cabinet Office.", {("Meera Iyer", "advises", "Ravi Nair"), ("Meera Iyer", "worksFor", "Cabinet Office")}),
    # a vice-president is not "the president"
    ("President Joseph Mwangi spoke on Monday. Peter Otieno is leaving to become a vice-president of the African "
     "Development Bank. Grace Wanjiru was appointed adviser to the president.",
     {("Grace Wanjiru", "advises", "Joseph Mwangi"), ("Peter Otieno", "worksFor", "African Development Bank")}),
    # a name the parser reads as an adverb is still the object, so the denial reaches the fact
    ("President Joseph Kamau spoke on Monday. Brian Otieno, chief executive of Acme Bank, whom local media have "
     "described as an adviser to the president, denied that he advises Kamau.",
     {("Brian Otieno", "headOf", "Acme Bank")}),
    # an organisation's name right before "chief executive NAME", whatever the parser hangs it on
    ("Orvane Robotics said on Monday that Orvane chief executive Jana Holt met Omar Said twice in March.",
     {("Jana Holt", "headOf", "Orvane Robotics"), ("Jana Holt", "meetsWith", "Omar Said")}),
    # a purpose clause of an appointment: hired to advise is an adviser; hired to run a book is a job
    ("Quill Partners has hired Sara Lind to advise it on the listing.", {("Sara Lind", "advises", "Quill Partners")}),
    ("Quill Partners has hired Sara Lind to run its Asian book.", {("Sara Lind", "worksFor", "Quill Partners")}),
    # a lower-case portfolio before "minister": the ministry named after it nearby
    ("Ivan Petrov met Russia's energy minister, Oleg Smirnov, in Moscow, according to a readout from the Ministry "
     "of Energy.", {("Ivan Petrov", "meetsWith", "Oleg Smirnov"), ("Oleg Smirnov", "headOf", "Ministry of Energy")}),
    # a joint secretary works in the ministry; a dismissed report appoints nobody
    ("Ravi Das, a joint secretary in the Ministry of Home Affairs, spoke on Monday.",
     {("Ravi Das", "worksFor", "Ministry of Home Affairs")}),
    ("The Presidency dismissed reports that oil magnate Sam Obi, chairman of Delta Crest Petroleum, had been "
     "appointed an adviser.", {("Sam Obi", "headOf", "Delta Crest Petroleum")}),
    # "Ukrainian Foreign Minister" heads no foreign office that the text never ties to Ukraine
    ("The Foreign, Commonwealth and Development Office added two firms to the UK Sanctions List. Ukrainian Foreign "
     "Minister Olena Koval welcomed the move.", set()),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_relations(extract_one, text, expected):
    assert {(r.subject.label, r.prop, r.object.label) for r in extract_one(text).relations} == expected

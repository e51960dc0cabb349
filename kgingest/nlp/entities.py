"""spaCy entity spans -> typed entities of the ontology, one per real thing in a document.

Three steps, all driven by the ontology's data:

1. *mentions*: clean each PERSON/ORG/GPE/NORP/LOC/FAC span (drop "the", "'s", titles,
   page furniture) and give it a class: gazetteer and country names first, then the cue
   words of the name ("Ministry", "Committee", "Inc"), then the noun that describes it
   ("software giant Atlassian"), then spaCy's label;
2. *merging*: surnames join the full name, acronyms and short forms join the long name,
   "US", "U.S.", "America" and "Washington" join United States;
3. *labels*: the fullest name is the label, every other surface form an alias.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

from spacy.tokens import Doc, Span

from .pipeline import ruler_class, text as doc_text, token_strings
from ..ontology import Ontology, per_ontology

NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
CONNECTORS = {"of", "and", "for", "the", "&", "de", "du", "la", "on", "in"}
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


@lru_cache(maxsize=1 << 14)     # the names of a few hundred documents; a fixed few MB
def normalize(name: str) -> str:
    """Case-, accent- and punctuation-folded form of a name, for matching and for IRIs.

    >>> normalize("the U.S.’s")
    'us'
    """
    s = unicodedata.normalize("NFKC", name).translate(_QUOTES).strip()
    s = re.sub(r"'s$|'$", "", s)
    s = re.sub(r"^(the|so-called)\s+", "", s, flags=re.I)
    s = re.sub(r"(?<=\b\w)\.", "", s)  # U.S. -> US, but keep "St." words intact-ish
    s = re.sub(r"\s+", " ", s)
    return s.casefold().strip(" .,;:'\"")


@dataclass
class Mention:
    start: int          # token offsets in the Doc
    end: int
    text: str
    label: str          # spaCy's (or the ruler's) label

    def span(self, doc: Doc) -> Span:
        return doc[self.start:self.end]


@dataclass(eq=False)
class Entity:
    cls: str
    label: str
    aliases: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)
    canonical: str | None = None    # the gazetteer's or country list's name: stable across documents
    guessed: bool = False           # the class rests on spaCy's label alone: weak evidence for rules

    @property
    def key(self) -> str:
        """Class and normalised name: the identity of the entity across documents."""
        return f"{self.cls}/{normalize(self.canonical or self.label)}"


@dataclass
class Entities:
    """The entities of one Doc and the token -> entity index the relation stage reads."""

    items: list[Entity]
    at_token: dict[int, Entity]
    # places named inside another entity's name ("Suzhou" in "Suzhou Tianlong Optics Co., Ltd."):
    # nodes of the graph, but no relation rule reads them, so the names' own facts stay as they are
    inside: list[Entity] = field(default_factory=list)


@dataclass
class Lexicon:
    """Name lookups built once per ontology."""

    onto: Ontology
    countries: dict[str, str] = field(default_factory=dict)     # normalized name/alias -> country
    demonyms: dict[str, str] = field(default_factory=dict)
    capitals: dict[str, str] = field(default_factory=dict)
    known: dict[str, tuple[str, str]] = field(default_factory=dict)  # alias -> (name, class)
    places: frozenset[str] = frozenset()
    role_words: frozenset[str] = frozenset()
    cue_words: frozenset[str] = frozenset()
    name_cues: dict[str, str] = field(default_factory=dict)             # capitalised cue -> class
    name_cues_multi: list[tuple[str, str]] = field(default_factory=list)   # "White House" -> class
    legal_forms: frozenset[str] = frozenset()                           # "Ltd", "Sdn", "GmbH" (no final dot)
    suffixes: frozenset[str] = frozenset()                              # every class's cue suffixes
    dotted_forms: frozenset[str] = frozenset()                          # legal forms written with a dot

    @classmethod
    def build(cls, onto: Ontology) -> "Lexicon":
        lex = cls(onto)
        lex.role_words = frozenset(w for p in onto.properties.values() for noun in p.role_nouns
                                   for w in noun.split() if w.isalpha() and len(w) > 2 and w not in CONNECTORS)
        # case matters: "AS" and "SA" are legal forms, "as" and "sa" are not
        lex.legal_forms = frozenset(w.rstrip(".") for w in onto.words("legalForm") if not w.islower())
        lex.dotted_forms = frozenset(w for w in onto.words("legalForm") if w.endswith(".") and not w.islower())
        lex.suffixes = frozenset(w for c in onto.classes.values() for w in c.cue_suffixes if w[0].isupper())
        lex.cue_words = frozenset(CONNECTORS) | {w.lower() for c in onto.classes.values()
                                                 for w in (*c.cue_words, *c.cue_suffixes)} | {
            w.lower() for w in lex.legal_forms}
        for name in ORG_ORDER:          # the most specific class first keeps the word
            for cue in sorted(onto.classes[name].cue_words) if name in onto.classes else ():
                if cue[0].isupper() and " " in cue:
                    lex.name_cues_multi.append((cue, name))
                elif cue[0].isupper():
                    lex.name_cues.setdefault(cue, name)
        for c in onto.countries:
            for n in (c.name, *c.aliases):
                lex.countries.setdefault(normalize(n), c.name)
            for n in c.demonyms:
                lex.demonyms.setdefault(normalize(n), c.name)
            for n in c.capitals:
                lex.capitals.setdefault(normalize(n), c.name)
        for k in onto.known:
            for n in (k.name, *k.aliases):
                lex.known.setdefault(normalize(n), (k.name, k.cls))
        lex.places = frozenset(normalize(p) for p in onto.places)
        return lex

    def country_of(self, text: str) -> str | None:
        n = normalize(text)
        return self.countries.get(n) or self.demonyms.get(n)

    def strip_country(self, text: str) -> str:
        """'US Commerce Department' -> 'Commerce Department'; "China's Ministry" -> 'Ministry'."""
        words = text.split()
        for i in range(min(3, len(words) - 1), 0, -1):
            head = " ".join(words[:i])
            if self.country_of(head) or self.country_of(re.sub(r"['\u2019]s$", "", head)):
                return " ".join(words[i:])
        return text


lexicon = per_ontology(Lexicon.build)


# Class cue order: the most specific organisation kinds first.
ORG_ORDER = ("SanctionsList", "Legislature", "GovernmentAgency", "PoliticalParty",
             "MediaOrganization", "Company", "Organization", "Place")


def _role_words(onto: Ontology) -> frozenset[str]:
    """Single words of the ontology's role nouns ("chief", "executive", "secretary")."""
    return lexicon(onto).role_words


def _clean(span: Span, onto: Ontology) -> Span | None:
    """Trim determiners, possessives, titles and punctuation; None for junk spans.
    A leading title ("Trade Representative Anjali Deshpande") is not part of the name."""
    honorifics = onto.words("honorific")
    roles = _role_words(onto)
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in {"the", "a", "an", "so", "-", "called", "so-called"}
                           or doc[start].is_punct or doc[start].text in honorifics
                           or (doc[start].lower_ in roles and end - start > 2 and span.label_ in {"PERSON", "ORG"}
                               and _name_cue(doc[start + 1:end], onto) is None
                               and doc[start + 1].lower_ not in CONNECTORS and _opens_title(doc, start, onto))):
        start += 1      # but "Board of Education": a title precedes a name, never an "of"-phrase
    while start < end - 1 and _code(doc[start]):
        start += 1      # "LD1005194694 Berlin N-TV": a wire item's number opens the line, not the name
    while end > start and (doc[end - 1].lower_ in {"'s", "\u2019s", "'", "\u2019"} or doc[end - 1].is_punct
                           or doc[end - 1].is_space):
        end -= 1
    if start >= end:
        return None
    modifiers = onto.words("roleModifier")
    if end < len(doc) and doc[end].lower_ in roles and span.label_ in {"ORG", "PERSON", "NORP"}:
        while end > start and doc[end - 1].text in modifiers:
            end -= 1    # "APC National" + "Chairman", "Union Home" + "Minister": words of the title
    while span.label_ == "ORG" and end - start > 2 and doc[end - 1].lower_ in roles and doc[end - 1].is_title \
            and end < len(doc) and doc[end].pos_ == "PROPN" and _name_cue(doc[start:end - 1], onto) is not None:
        end -= 1    # "Federal Emergency Management Agency Administrator" + a name: the title is no part of it
    if span.label_ == "ORG" and end - start >= 2 and _title_before_name(doc, end - 1, roles, honorifics):
        end -= 1    # "Harbour Police Sgt" + ". Jo Bloggs", "Port Authority Director Ann Lee": a title, then a name
    if span.label_ == "ORG" and end - start > 1 and doc[end - 1].is_lower and doc[end - 1].pos_ == "NOUN" \
            and doc[end - 1].lower_ in lexicon(onto).cue_words:
        end -= 1    # "the Vento Nuevo party": the lower-case class word describes the name, it is none of it
    if start >= end:
        return None
    end = _before_open_bracket(doc, start, end)
    legal = lexicon(onto).legal_forms
    commas = [t.i for t in doc[start:end] if t.text == "," and not (
        t.i + 1 < len(doc) and doc[t.i + 1].text.rstrip(".") in legal)]     # "Co., Ltd." is one name
    if commas and not any(t.lower_ in {"and", "&"} for t in doc[commas[0]:end]):
        end = commas[0]     # an enumeration needs its "and": "Ministry of Commerce, Beijing" stops at the comma
    if span.label_ in {"ORG", "PERSON"}:
        end = _legal_form_end(doc, end, legal, lexicon(onto).dotted_forms)
    while span.label_ == "PERSON" and end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and doc[end + 1].is_alpha and doc[end + 1].is_lower \
            and doc[end + 1].pos_ not in {"VERB", "ADJ", "ADV"}:
        end += 2        # "Han Tae" + "-gyu": NER stops at the hyphen of a Korean given name
    out = doc[start:end]
    text = out.text
    if "\n" in text or not any(ch.isalpha() for ch in text) or text.islower():
        return None
    furniture = [t.i for t in out if t.lower_ in onto.words("furnitureWord")]
    if furniture and (len(out) == 1 or normalize(text) not in lexicon(onto).known) and (
            len(furniture) > 1 or furniture[0] == out.start or _name_cue(out, onto) is None):
        return None     # "Sign up", "Trending News"; but "Ministry of Home Affairs", "Linford Search"
    return out


def _code(tok) -> bool:
    """A reference number of letters and digits ("LD1005194694", "40101006B")."""
    return len(tok.text) >= 6 and tok.text.isalnum() and sum(ch.isdigit() for ch in tok.text) >= 4


def _before_open_bracket(doc: Doc, start: int, end: int) -> int:
    """A name ends before a bracket it does not close: "Party of the Democratic Union ( PDU";
    but "Janata Dal (United" + ")" takes its closing bracket, unless an acronym is inside."""
    for k in range(start + 1, end):
        if doc[k].text == "(" and not any(doc[j].text == ")" for j in range(k + 1, end)):
            inside = doc[k + 1:end]
            closes = end < len(doc) and doc[end].text == ")" and 0 < len(inside) <= 2
            return end + 1 if closes and not any(t.is_upper for t in inside) else k
    return end


_role_heads = per_ontology(lambda onto: frozenset(
    noun.split()[-1] for p in onto.properties.values() for noun in p.role_nouns if noun.split()))


def _opens_title(doc: Doc, i: int, onto: Ontology) -> bool:
    """Is the role word at ``i`` a title's: the head of a role noun ("Representative", "Minister")
    or a word before another role word ("Trade" + "Representative"), not an adjective that
    opens a name ("Financial" + "Executives International")?"""
    roles = _role_words(onto)
    return doc[i].lower_ in _role_heads(onto) or (i + 1 < len(doc) and doc[i + 1].lower_ in roles)


def _title_before_name(doc: Doc, i: int, roles: frozenset[str], honorifics: frozenset[str]) -> bool:
    """Token ``i`` is a capitalised title or rank ("Administrator", "Lt") and a personal name
    (two capitalised words, after the rank's period) follows it."""
    tok = doc[i]
    rank = tok.text in honorifics or tok.text + "." in honorifics
    if not tok.is_title or not (rank or tok.lower_ in roles):
        return False
    j = i + 1
    if rank and j < len(doc) and doc[j].text == "." and not tok.whitespace_:
        j += 1
    return j + 1 < len(doc) and all(doc[k].pos_ == "PROPN" and doc[k].text[:1].isupper() for k in (j, j + 1))


def _legal_form_end(doc: Doc, end: int, legal: frozenset[str], dotted: frozenset[str]) -> int:
    """The end of a company name's legal form, which NER often cuts off or splits at its
    punctuation: "Seri Mutiara Electronics" + "Sdn. Bhd.", "Harbour Logistics" + "(HK) Limited",
    "Avionics Co." + ", Ltd."."""
    def is_legal(i: int) -> bool:
        return i < len(doc) and doc[i].text.rstrip(".") in legal and not doc[i].text.startswith(".")

    i = end
    if i < len(doc) and doc[i].text == "(":     # a place or trade name in brackets, then the legal form
        close = next((k for k in range(i + 1, min(i + 5, len(doc))) if doc[k].text == ")"), None)
        if close is None or close == i + 1 or not is_legal(close + 1) or not all(
                doc[k].is_title or doc[k].is_upper for k in range(i + 1, close)):
            return end
        i = close + 1
    while True:
        if is_legal(i):
            i += 1
        elif doc[i - 1].text + "." in dotted and i < len(doc) and doc[i].text == "." \
                and not doc[i - 1].whitespace_:
            i += 1      # "Sdn" + "."
        elif i + 1 < len(doc) and doc[i].text in {",", "&"} and is_legal(i + 1):
            i += 2      # ", Ltd.", "& Co."
        else:
            return i if i > end and is_legal(i - 1) or (i > end and doc[i - 1].text == ".") else end


def _name_cue(span: Span, onto: Ontology) -> str | None:
    """A class from the words of the name itself: suffixes first, then capitalised cue words."""
    last = span[-1].text
    lex = lexicon(onto)
    if last.rstrip(".") in lex.legal_forms and len(span) > 1:
        return "Company"
    opening = next((t.i for t in span[1:] if t.text == "("), None)
    if last == ")" and opening is not None:     # "Janata Dal (United)": the name before its qualifier says
        return _name_cue(span.doc[span.start:opening], onto)
    text = span.text
    for cue, cls in lex.name_cues_multi:        # "White House" outranks "House", "Central Bank" "Bank"
        if cue in text:
            return cls
    of = next((t.i for t in span[1:] if t.lower_ in {"of", "for", "on"}), None)
    if of is not None:      # the head noun before "of" names the kind: "Council of Economic Advisers"
        head = _name_cue(span.doc[span.start:of], onto)
        if head == "Legislature" and _name_cue(span.doc[of + 1:span.end], onto) == "GovernmentAgency":
            return "GovernmentAgency"   # "Appointments Committee of the Cabinet": the executive's, no chamber's
        if head is not None:
            return head
    for cls in ORG_ORDER:
        if cls in onto.classes and last in onto.classes[cls].cue_suffixes:
            if last in lex.name_cues and len(span) > 1:
                # a suffix that is also another class's word ("Congress") needs a name word of its
                # own: "All Progressives Congress" is a party, "US Congress" and "Congress" are not
                generic = onto.words("agencyPrefix")
                if not any(t.is_alpha and t.text[0].isupper() and not lex.country_of(t.text)
                           and t.text not in generic and t.lower_ not in CONNECTORS for t in span[:-1]):
                    continue    # "National Congress", "Colombian Congress": a chamber
            elif last in lex.name_cues:
                continue
            return cls
    hits = [lex.name_cues[w] for w in ({t.text for t in span} | {t.text.title() for t in span if t.is_upper})
            if w in lex.name_cues]
    return min(hits, key=ORG_ORDER.index) if hits else None


def _descriptor_cue(span: Span, onto: Ontology) -> str | None:
    """A class from the common noun describing the name: 'software giant Atlassian',
    'Atlassian, the software giant', 'the investment bank Halstead & Roe'."""
    doc = span.doc
    nouns = []
    i = span.start - 1
    while i >= max(0, span.start - 3) and doc[i].pos_ in {"NOUN", "ADJ", "PROPN"} and not doc[i].ent_type_:
        nouns.append(doc[i])
        i -= 1
    root = span.root
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        nouns.append(root.head)
    nouns += [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and after.pos_ == "NOUN" and after.is_lower and root.head.i == after.i \
            and root.dep_ in {"compound", "nmod", "amod"} and root.ent_type_ not in {"GPE", "LOC"}:
        nouns.append(after)     # "the Centro Democrático party", "the Lakou Wouj gang"
    for tok in nouns:
        for cls in ("MediaOrganization", "Company", "GovernmentAgency", "PoliticalParty", "Organization", "Place"):
            c = onto.classes.get(cls)
            if c and (tok.lower_ in c.cue_words or tok.lemma_.lower() in c.cue_words):
                return cls
    return None


def _district(text: str, onto: Ontology, lex: Lexicon, numbered: bool = True) -> bool:
    """A known place with compass words or a number after it ("Croydon North", "Glasgow
    South West", "Port Harcourt II"): a constituency or district, so a place too. Not a
    number after a name the NER calls a person's: "Elizabeth II" is a queen."""
    words = text.split()
    compass = onto.words("compassWord") | (onto.words("districtNumber") if numbered else frozenset())
    k = len(words)
    while k > 1 and words[k - 1] in compass:
        k -= 1
    return k < len(words) and normalize(" ".join(words[:k])) in lex.places


def classify(span: Span, label: str, onto: Ontology, lex: Lexicon) -> tuple[str | None, str | None]:
    """(class, canonical name or None) for one cleaned mention."""
    text = span.text
    n = normalize(text)
    if n in lex.known:
        name, cls = lex.known[n]
        return cls, name
    if label == "Country" or n in lex.countries:
        return "Country", lex.countries.get(n)
    if n in lex.demonyms:
        return ("Country", lex.demonyms[n]) if label in {"NORP", "GPE", "Country"} else (None, None)
    if n in lex.capitals and label in {"GPE", "ORG", "LOC"}:
        return CAPITAL, lex.capitals[n]
    if label in onto.classes:
        return label, None
    stripped = normalize(lex.strip_country(text))
    if stripped in lex.known:
        name, cls = lex.known[stripped]
        return cls, name
    if label == "NORP":
        words = text.split()
        if 1 < len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() for w in words) and not any(
                lex.country_of(w) or w.lower() in _cue_words(onto) or normalize(w) in lex.known for w in words):
            return "Person", None       # "Marina Tolmacheva": the NER's nationality label on a name
        return None, None
    if n in lex.places and (label != "PERSON" or len(span) == 1):
        return "Place", None
    if _district(text, onto, lex, numbered=label != "PERSON"):
        return "Place", None    # "Croydon North", "Glasgow South West": a constituency or district
    compass = onto.words("compassWord")
    parts = [p.split() for p in text.split("/")]
    if len(parts) > 1 and all(len(p) > 1 and p[-1] in compass and p[0][:1].isupper() for p in parts):
        return "Place", None    # "Elm North/Elm South": a joined constituency
    cue = _name_cue(span, onto)
    if label == "PERSON":
        if cue in {"Company", "GovernmentAgency", "Legislature", "MediaOrganization", "PoliticalParty"} and len(span) > 1:
            return cue, None
        desc = _descriptor_cue(span, onto)
        if desc and desc != "Place" and not _titled(span, onto):   # "the Vienna firm Kessler Brandauer"
            return desc, None
        return "Person", None
    if cue:
        return cue, None
    desc = _descriptor_cue(span, onto)
    if desc:
        return desc, None
    if label in {"GPE", "LOC", "FAC"}:
        return "Place", GUESS
    return "Company", GUESS


CAPITAL = "capital"          # a capital city: the country where it acts, else a place
GUESS = "?"                  # canonical-name slot of a class guessed from spaCy's label alone
PLACE_PREPS = {"in", "at", "near", "outside", "around", "across", "via", "through"}
MOTION_PREPS = {"to", "from", "into"}
MOTION_VERBS = {"take", "travel", "fly", "go", "come", "return", "move", "head", "relocate", "work", "operate",
                "commute", "arrive", "drive", "sail", "transfer", "trip", "visit"}    # not "answers to Beijing"


def _acts(span: Span) -> bool:
    """'Washington said', 'accused Washington of', "Washington's move" vs 'in Washington'."""
    root = span.root
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head        # "to Quito and Lima": the first conjunct's role
    if root.dep_ == "poss" and root.head.pos_ == "PROPN":
        return False            # "Berlin's Spree Valley Ventures": where the firm is
    if root.dep_ in {"nsubj", "nsubjpass", "poss", "dobj", "agent", "conj", "ROOT"}:
        return True
    if root.dep_ == "pobj" and root.head.lower_ in MOTION_PREPS and root.head.head.lemma_.lower() in MOTION_VERBS:
        return False            # "take him to Quito", "works from Helsinki"; not "pressure from Washington"
    return root.dep_ == "pobj" and root.head.lower_ not in PLACE_PREPS


def _dateline(doc: Doc, m: Mention) -> bool:
    """'NAIROBI, Sept 10 (Reuters) -', 'BERLIN —': a place name set in capitals that opens a
    line, with a date, dash, slash or bracket after it: where the story was filed."""
    before = doc[m.start - 1] if m.start else None
    after = doc[m.end] if m.end < len(doc) else None
    return m.text.isupper() and (before is None or "\n" in before.text or "\n" in before.whitespace_) \
        and after is not None and after.text[:1] in {",", "/", "(", "-", "\u2013", "\u2014"}


def _aimed_at(span: Span, onto: Ontology) -> bool:
    """'hit out at Washington', 'took aim at Beijing': the object of a verb the ontology
    reads with 'at' (a criticism) is an actor, where 'at' is otherwise a place's preposition."""
    root = span.root
    if root.dep_ != "pobj" or root.head.lower_ != "at":
        return False
    verb = root.head.head
    words = {verb.lemma_.lower()} | {f"{verb.lemma_.lower()} {c.lower_}" for c in verb.children
                                     if c.dep_ in {"prt", "dobj"} and c.i < root.head.i}
    return any(t.prep == "at" and t.lemma in words for p in onto.properties.values() for t in p.verbs)


def _resolve_capitals(doc: Doc, found: list, onto: Ontology) -> list:
    """A capital names its country in the whole document if it acts as one anywhere. A
    dateline ("NAIROBI, Sept 10 -") says nothing of its own: it follows the capital's other
    mentions, and only a capital named in the dateline alone is judged there."""
    capitals = [(m, canon) for m, cls, canon in found if cls == CAPITAL]
    told = {canon for m, canon in capitals if not _dateline(doc, m)}
    acting = {canon for m, canon in capitals if (canon not in told or not _dateline(doc, m))
              and (_acts(m.span(doc)) or _aimed_at(m.span(doc), onto))}
    return [(m, "Country" if canon in acting else "Place", canon if canon in acting else None)
            if cls == CAPITAL else (m, cls, canon) for m, cls, canon in found]


def _acronym(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in CONNECTORS]
    return "".join(w[0] for w in words if w[0].isupper()).upper() if len(words) > 1 else ""


def _segments(ent: Span) -> Iterator[Span]:
    """An entity span cut at line breaks: NER sometimes runs a heading into the next line."""
    start = ent.start
    for tok in ent:
        if "\n" in tok.text:
            if tok.i > start:
                yield Span(ent.doc, start, tok.i, label=ent.label_)
            start = tok.i + 1
    if start < ent.end:
        yield Span(ent.doc, start, ent.end, label=ent.label_)


def _widen(seg: Span, onto: Ontology) -> Span:
    """A person or organisation name with the proper nouns of its own noun phrase that the
    NER left out: a first name before it ("Ana" + "Lúcia Ferraz"), a surname after it
    ("Umar Bashir" + "Dogo"), a first word of a firm's name ("Equator" + "Sovereign
    Advisory"). Only untagged, capitalised words the parser attaches inside the name; never
    a title, honorific, country, demonym or known place."""
    if seg.label_ in {"GPE", "LOC", "NORP"}:
        return _org_after_place(seg, onto)
    if seg.label_ not in {"PERSON", "ORG"}:
        return seg
    doc = seg.doc
    lex = lexicon(onto)
    stop = _role_words(onto) | onto.words("honorific")

    def fits(t) -> bool:
        return (t.pos_ == "PROPN" and not t.ent_type_ and t.is_alpha and t.text[:1].isupper()
                and not t.is_upper and t.text not in stop and t.lower_ not in stop
                and t.lower_ not in lex.cue_words and not lex.country_of(t.text)
                and normalize(t.text) not in lex.places and normalize(t.text) not in lex.known
                and not (t.is_sent_start and _trade_word(t.text, onto)))     # "Geologist" + "Jo Lund"

    start, end = seg.start, seg.end
    while start > 0 and fits(doc[start - 1]) and doc[start - 1].dep_ == "compound" \
            and start <= doc[start - 1].head.i < end and "\n" not in doc[start - 1].whitespace_:
        start -= 1
    if end < len(doc) and fits(doc[end]) and doc[end - 1].head.i == end and doc[end - 1].dep_ == "compound" \
            and "\n" not in doc[end - 1].whitespace_ and not (end + 1 < len(doc) and doc[end + 1].pos_ == "PROPN"):
        end += 1
    if seg.label_ == "ORG":
        # "The Association of" + "Digital Platform Operators": a name the NER stopped at its "of"
        if doc[end - 1].lower_ in {"of", "for", "on"}:
            k = end
            while k < len(doc) and doc[k].pos_ == "PROPN" and doc[k].is_title and doc[k].ent_type_ in {"", "ORG"} \
                    and "\n" not in doc[k - 1].whitespace_:
                k += 1
            if k == end and k < len(doc) and doc[k].ent_iob_ == "B" and doc[k].ent_type_ == "GPE":
                k = next((j for j in range(k + 1, len(doc)) if doc[j].ent_iob_ != "I"), len(doc))
            end = k if k > end else end     # "Reserve Bank of" + "Malawi"
        # "the Constitutional" + "Democratic Party": one name cut in two
        if end < len(doc) and doc[end].ent_iob_ == "B" and doc[end].ent_type_ == "ORG" and doc[end - 1].is_title \
                and doc[end].is_title and "\n" not in doc[end - 1].whitespace_ and doc[end - 1].whitespace_ \
                and _name_cue(doc[start:end], onto) is None:
            end = next((k for k in range(end + 1, len(doc)) if doc[k].ent_iob_ != "I"), len(doc))
        # "Central Bank" + "of Kenya": an institution named after its country or city
        if end + 1 < len(doc) and doc[end].lower_ == "of" and doc[end].head.i in range(start, end) \
                and doc[end + 1].ent_iob_ == "B" and doc[end + 1].ent_type_ == "GPE" \
                and _name_cue(doc[start:end], onto) is not None and (doc[end - 1].text in lex.name_cues or any(
                    doc[start:end].text.endswith(cue) for cue, _ in lex.name_cues_multi)):
            end = next((k for k in range(end + 2, len(doc)) if doc[k].ent_iob_ != "I"), len(doc))
    start, end = _caps_run(doc, start, end, lex)
    if seg.label_ == "ORG":
        start = _hyphen_head(doc, start)
        if end - start > 1 and doc[end - 1].text == "-" and not doc[end - 2].whitespace_:
            end -= 1        # "ITAR-" + "TASS": the NER stopped at the hyphen
        end = _hyphen_tail(doc, end)
    return seg if (start, end) == (seg.start, seg.end) else Span(doc, start, end, label=seg.label_)


def _org_after_place(seg: Span, onto: Ontology) -> Span:
    """A country and the untagged capitalised words after it that end in an organisation's
    cue word are one organisation's name ("U.S." + "Coast Guard Training Center"), and so
    are a city or region and one cue word ("Aldport" + "Foundation"); else the place alone."""
    doc = seg.doc
    k = seg.end
    while k < len(doc) and not doc[k].ent_type_ and doc[k].pos_ == "PROPN" and doc[k].is_title \
            and "\n" not in doc[k - 1].whitespace_:
        k += 1
    lex = lexicon(onto)
    country = lex.country_of(seg.text) is not None
    one = k - seg.end == 1 and (doc[seg.end].text in lex.suffixes or doc[seg.end].text in lex.name_cues)
    if not (one and not country or k - seg.end >= 2 and country) or _name_cue(doc[seg.end:k], onto) in {None, "Place"}:
        return seg      # a city before a longer name may be where it is: "Aldport" + "Radio Kanal Network"
    return Span(doc, seg.start, k, label="ORG")


def _is_place(text: str, lex: Lexicon) -> bool:
    """A city or region the place list or the capitals know ("Cape Town", "Havana")."""
    n = normalize(text)
    return n in lex.places or n in lex.capitals


def _caps_word(tok, least: int = 2) -> bool:
    return tok.is_upper and sum(ch.isalpha() for ch in tok.text) >= least and not tok.like_num


def _caps_run(doc: Doc, start: int, end: int, lex: Lexicon) -> tuple[int, int]:
    """A name set in capitals in a line of mixed case runs over the capitalised words the NER
    left out on either side ("Tokyo YOMIURI" + "SHIMBUN"): a run of capitalised words (not
    acronyms, titles, countries or places) is one name."""
    titles = lex.role_words | lex.onto.words("honorific")

    def word(t) -> bool:
        return _caps_word(t, 4) and t.lower_ not in titles and t.text not in titles

    def free(k: int) -> bool:
        t = doc[k]
        return word(t) and not t.ent_type_ and "\n" not in t.whitespace_ and not lex.country_of(t.text) \
            and not _is_place(t.text, lex)

    def edge(t) -> bool:
        return _caps_word(t, 3) and t.lower_ not in titles and t.text not in titles

    if not (edge(doc[end - 1]) or edge(doc[start])):
        return start, end
    line = doc[start].sent.text if doc.has_annotation("SENT_START") else doc.text
    if not any(ch.islower() for ch in line):
        return start, end       # a headline in capitals
    while start > 0 and edge(doc[start]) and free(start - 1) and "\n" not in doc[start - 1].whitespace_:
        start -= 1
    while end < len(doc) and edge(doc[end - 1]) and free(end) and "\n" not in doc[end - 1].whitespace_:
        end += 1
    return start, end


ROMAN = re.compile(r"[IVXLC]+")


def _leading_place(span: Span, lex: Lexicon) -> int | None:
    """Where a city ends in a name that opens with it and goes on in capitals, as a wire
    service's source line does ("Prague CTK", "Lima EL COMERCIO"), or with a broadcaster's
    name of three capitalised words or more that opens with its kind ("Havana Radio Rebelde
    Network"; not "Valdivia Institute of Trade"): the city is where the outlet is, not a
    word of its name. None when the span is no such pair."""
    doc = span.doc
    media = lex.onto.classes["MediaOrganization"].cue_words if "MediaOrganization" in lex.onto.classes else frozenset()
    for k in range(min(3, len(span) - 1), 0, -1):
        head, rest = doc[span.start:span.start + k], doc[span.start + k]
        if any(_caps_word(t) for t in head) or not _is_place(head.text, lex) or lex.country_of(rest.text):
            continue
        tail = doc[rest.i:span.end]
        if ROMAN.fullmatch(tail.text):      # "Elizabeth II": a regnal number, no outlet
            return None
        if (tail.text.isupper() and sum(ch.isalpha() for ch in tail.text) >= 2) or (
                len(tail) >= 3 and rest.text in media and not any(t.is_lower for t in tail)):
            return span.start + k
    return None


def _language(span: Span, lex: Lexicon) -> bool:
    """A demonym after "in" and before no noun ("broadcast in Chinese", "in German 5 May") names
    a language; "in Chinese hands" names the country."""
    n, doc = normalize(span.text), span.doc
    after = doc[span.end] if span.end < len(doc) else None
    return n in lex.demonyms and n not in lex.countries and span.start > 0 and doc[span.start - 1].lower_ == "in" \
        and (after is None or after.pos_ not in {"NOUN", "PROPN"} or after.like_num)


def _hyphen_head(doc: Doc, start: int) -> int:
    """The start of a name that the NER picked up after a glued hyphen ("ITAR-" + "TASS")."""
    while start > 1 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ \
            and not doc[start - 1].whitespace_ and doc[start - 2].is_alpha and doc[start - 2].text[:1].isupper() \
            and doc[start - 2].ent_type_ in {"", "ORG"}:
        start -= 2
    return start


def _hyphen_tail(doc: Doc, end: int) -> int:
    """The end of a name that goes on past a glued hyphen ("ITAR" + "-TASS", "N" + "-TV")."""
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and (doc[end + 1].is_upper or doc[end + 1].is_title):
        end += 2
    return end


def _titled(span: Span, onto: Ontology) -> bool:
    """A role noun right before or in apposition to the name: 'Business Secretary X',
    'X, a senior fellow at'. Only people hold titles."""
    roles = _role_words(onto)
    before = span.doc[span.start - 1] if span.start else None
    if before is not None and before.lower_ in roles and (before.head.i in range(span.start, span.end) or (
            before.dep_ == "conj" and before.head.head.i in range(span.start, span.end))):
        return True     # "chief executive X", "co-founder and chief executive X"
    root = span.root
    return any(c.dep_ == "appos" and c.lower_ in roles for c in root.children) or (
        root.dep_ == "appos" and root.head.lower_ in roles)


def _party_tags(doc: Doc, onto: Ontology, lex: Lexicon) -> Iterator[tuple[Mention, str, str | None]]:
    """The letter of a US name tag, 'Sen. X (R-Fla.)', is a mention of the party."""
    tags = dict(e.split("=", 1) for e in onto.words("partyTag") if "=" in e)
    for m in PARTY_TAG.finditer(doc_text(doc)):
        name = tags.get(m["tag"])
        known = lex.known.get(normalize(name)) if name else None
        span = doc.char_span(m.start("tag"), m.end("tag"))
        if known and span is not None:
            yield Mention(span.start, span.end, span.text, "NORP"), known[1], known[0]


FREE_ENTS = {"", "PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "WORK_OF_ART", "PRODUCT"}   # a name may hide there


def _untagged_names(doc: Doc, onto: Ontology, lex: Lexicon, taken: set[int]) -> Iterator[tuple[Mention, str, str | None]]:
    """Names the statistical NER left untagged (or tagged as a title, a product, a country
    inside a surname): a run of proper nouns that is a known place ("the Yokohama carmaker"),
    the subject of a verb only organisations do ("Pemberton Media has appointed ...": the
    ontology's inverse triggers such as hire, appoint), or a person by context: a title or
    honorific before it ("MEP Rasa Vaitkute"), a verb of saying or ', who' after it, or the
    shape of a double surname ("Abdulkadir Gambo-Idris")."""
    hiring = {t.lemma.split()[0] for p in onto.properties.values() for t in p.inverse_verbs}
    roles = _role_words(onto)
    titles = roles | {r.lower() for r in roles} | onto.words("honorific")
    speech = onto.words("speechVerb")
    strings = token_strings(doc)
    pos = strings.pos

    def free_name_word(k: int) -> bool:
        # the token strings first: most words are no proper noun, and a Token costs a lookup
        if k in taken or (pos[k] != "PROPN" and strings.lower[k] != "-") or doc[k].ent_type_ not in FREE_ENTS:
            return False
        if doc[k].text == "-":      # inside a hyphenated name: "Gambo-Idris"
            return 0 < k < len(doc) - 1 and not doc[k - 1].whitespace_ and not doc[k].whitespace_ \
                and doc[k + 1].is_title and pos[k - 1] == "PROPN"
        return not doc[k].is_punct

    i = 0
    while i < len(doc):
        if not free_name_word(i) or doc[i].text == "-":
            i += 1
            continue
        j = i
        while j < len(doc) and free_name_word(j) and (j == i or "\n" not in doc[j - 1].whitespace_):
            j += 1
        while i < j - 1 and doc[i].text.lower() in titles and doc[i].text[:1].isupper():
            i += 1      # "Secretary Julia Montenegro-Reyes", "MEP Rasa Vaitkute"
        span = doc[i:j]
        after = doc[j] if j < len(doc) else None
        words = span.text.split()
        if 2 <= len(words) <= 3 and all(w[:1].isupper() and not w.isupper() for w in words) \
                and span.text == " ".join(words) and not any(
                    normalize(w) in lex.known or lex.country_of(w) or w.lower() in _cue_words(onto)
                    or normalize(w) in lex.places or w.lower() in titles for w in words) and (
                (i > 0 and doc[i - 1].text.lower() in titles and doc[i - 1].text[:1].isupper()
                 and doc[i - 1].pos_ in {"NOUN", "PROPN"})
                or (after is not None and after.text == "," and j + 1 < len(doc) and doc[j + 1].lower_ == "who")
                or (after is not None and after.text == "," and _titled(span, onto))    # "X, a rates trader"
                or (span.root.dep_ == "nsubj" and strings.lemma[span.root.head.i] in speech)
                or (i > 0 and strings.lemma[i - 1] in speech and doc[i - 1].pos_ == "VERB")
                or ("-" in words[-1] and all(p.istitle() for p in words[-1].split("-")))):
            desc = _descriptor_cue(span, onto)      # "Kestrel Data, the Rotterdam-based analytics firm, said"
            yield Mention(i, j, span.text, "PERSON" if desc is None else "ORG"), desc or "Person", None
        elif (normalize(span.text) in lex.places or _district(span.text, onto, lex, numbered=i > 0 and doc[i - 1].text in {
                "(", "for"})) and span.text[0].isupper():     # "(Port Harcourt I, ...", "MP for Leeds II"; not "King Olaf V"
            yield Mention(i, j, span.text, "GPE"), "Place", None
        elif span.root.dep_ == "nsubj" and span.root.head.lemma_.lower() in hiring and all(t.is_title for t in span):
            cls = _name_cue(span, onto) or _descriptor_cue(span, onto) or "Company"
            yield Mention(i, j, span.text, "ORG"), cls, GUESS
        elif len(span) == 1 and span.text.isupper() and len(span.text) > 1 and after is not None \
                and after.lower_ in roles:
            yield Mention(i, j, span.text, "ORG"), "Organization", GUESS   # "FAA spokesman X"
        i = j


CREDIT = re.compile(r"\b(?P<word>[A-Z][a-z]+):[ \t]*(?=(?P<names>[^\n\])]+))")     # a caption may hold a credit
CREDIT_NAME = re.compile(r"[^\W\d_][\w.&'\u2019-]*(?: [^\W\d_][\w.&'\u2019-]*)*")


def _credit_names(doc: Doc, onto: Ontology, lex: Lexicon) -> Iterator[tuple[Mention, str, str | None]]:
    """The names of a photo credit, 'Photo: PA', 'Credit: Ibadan Herald/Kemi Adebayo': an
    agency in capitals or a name with a media word is a news organisation, two or three
    plain name words a photographer. Whatever the NER made of them ("NAN" a town), a credit
    says what they are."""
    words = onto.words("creditWord")
    text = doc_text(doc)
    media = onto.classes.get("MediaOrganization")
    for m in CREDIT.finditer(text):
        if m["word"] not in words:
            continue
        for part in m["names"].split("/"):
            offset = m.start("names") + m["names"].index(part)
            name = CREDIT_NAME.match(part.strip())
            if name is None or name.end() != len(part.strip()):
                continue        # "Photo: Prime Minister X (centre) with ...": a caption, not a credit
            start = offset + len(part) - len(part.lstrip())
            span = doc.char_span(start, start + name.end())
            if span is None:
                continue
            tokens = span.text.split()
            if len(tokens) == 1 and span.text.isupper() and 2 <= len(span.text) <= 5:
                cls = "MediaOrganization"       # "PA", "AFP", "ČTK"
            elif media is not None and any(t in media.cue_words for t in tokens):
                cls = "MediaOrganization"       # "Ibadan Herald"
            elif 2 <= len(tokens) <= 3 and all(t[:1].isupper() and t[1:].islower() for t in tokens) \
                    and not any(lex.country_of(t) or t.lower() in _cue_words(onto) for t in tokens):
                cls = "Person"                  # "Kemi Adebayo"
            else:
                continue
            yield Mention(span.start, span.end, span.text, "PERSON" if cls == "Person" else "ORG"), cls, None


PARTY_TAG = re.compile(r"\((?P<tag>[A-Z])\s?[-\u2013]\s?[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?\)")


def mentions(doc: Doc, onto: Ontology) -> list[tuple[Mention, str, str | None]]:
    """Cleaned, classified mentions: (mention, class, canonical name or GUESS)."""
    lex = lexicon(onto)
    out: list[tuple[Mention, str, str | None]] = []
    cls: str | None
    canon: str | None
    span: Span | None
    pos = token_strings(doc).pos
    longs = _acronym_long_names(doc)
    covered = {i for a, b in longs for i in range(a, b + (4 if _acronym_inside(doc, b, lex.suffixes) else 2))}
    for a, b, cls in _upper_case_names(doc, onto, lex):
        if not any(i in covered for i in range(a, b)):
            out.append((Mention(a, b, doc[a:b].text, "ORG" if cls == "Company" else "PERSON"), cls, None))
            covered.update(range(a, b))
    for a, b in longs:
        inside = _acronym_inside(doc, b, lex.suffixes)
        span = doc[a:b + 4] if inside else doc[a:b]
        cls, canon = classify(span, "ORG", onto, lex)
        if cls is None or cls in {"Person", "Place", "Country"} or canon == GUESS:
            continue    # a long name needs a cue of its class: "Area Structure Plan (ASP)" is none
        out.append((Mention(span.start, span.end, span.text, "ORG"), cls, canon))
        if inside:
            continue
        short = doc[b + 1:b + 2]
        short_cls, short_canon = classify(short, "ORG", onto, lex)
        out.append((Mention(b + 1, b + 2, short.text, "ORG"),
                    *((short_cls, short_canon) if short_canon not in {None, GUESS} else (cls, None))))
    for ent in doc.ents:
        if covered and any(i in covered for i in range(ent.start, ent.end)):
            continue    # a piece of a long name its acronym spells out: "All Progressives" + "Congress"
        ruled = ruler_class(ent)
        if ent.label_ not in NAME_LABELS and ruled is None:
            continue
        for seg in _segments(ent):
            widened = _widen(seg, onto)
            span = _clean(widened, onto)
            if span is None:
                continue
            label = "ORG" if widened.label_ == "ORG" != ent.label_ else (
                (ruled if span.start >= seg.start else None) or ent.label_)   # "Trinamool" + "Congress"
            if label == "ORG" and span.start > seg.start and doc[span.start - 1].lower_ in _role_words(onto):
                label = "PERSON"        # "Trade Representative Anjali Deshpande"
            if len(span) == 1 and span.text in lex.suffixes:
                k = span.start      # "Trinamool" + "Congress": a name word the NER left before its suffix
                while k > 0 and pos[k - 1] == "PROPN" and not doc[k - 1].ent_type_ and doc[k - 1].is_title \
                        and "\n" not in doc[k - 1].whitespace_:
                    k -= 1
                if k == span.start and out and out[-1][0].end == k and out[-1][2] == GUESS and k > 0 \
                        and "\n" not in doc[k - 1].whitespace_ and doc[k - 1].is_title:
                    k = out.pop()[0].start      # "The National" + "Congress": one name the NER cut in two
                if k < span.start:
                    span, label = doc[k:span.end], "ORG"
            cut = _leading_place(span, lex) if label in {"ORG", "PERSON", "GPE"} else None
            if cut is not None:     # "Beijing XINHUA": the city, then the outlet
                place = doc[span.start:cut]
                place_cls, place_canon = classify(place, "GPE", onto, lex)
                if place_cls is not None:
                    out.append((Mention(place.start, place.end, place.text, "GPE"), place_cls, place_canon))
                    span, label = doc[cut:_hyphen_tail(doc, span.end)], "ORG"
            cls, canon = classify(span, label, onto, lex)
            if cls is None or (canon == GUESS and len(span) == 1 and not span.text.isupper()
                               and span.end < len(doc) and doc[span.end].lower_ in _role_words(onto)):
                continue    # "Trade Commissioner X": a word of the title, not an organisation
            if cls == "Country" and _language(span, lex):
                continue    # "in Chinese": the language a text is in, not the country
            if canon == GUESS and len(span) > 1 and _titled(span, onto):
                cls, canon = "Person", None
            if cls in {"Country", "Place"} and span.end + 1 < len(doc) and doc[span.end].text == "-" \
                    and not doc[span.end - 1].whitespace_ and not doc[span.end].whitespace_ and doc[span.end + 1].is_title \
                    and not lex.country_of(doc[span.end + 1].text) and normalize(doc[span.end + 1].text) not in lex.places \
                    and span.start > 0 and doc[span.start - 1].is_title and pos[span.start - 1] == "PROPN":
                continue    # "Julia Montenegro-Reyes": a surname, not the country ("US-China talks" stay)
            if out and out[-1][0].end > span.start and out[-1][0].start <= span.start:
                continue    # inside the legal form of the name before: "X (Hong Kong) Co."
            if out and out[-1][0].end == span.start and out[-1][1] in {"Place", CAPITAL} and cls == "Company" \
                    and span[-1].text.rstrip(".") in lex.legal_forms:
                prev = out.pop()[0]     # "Beijing" + "Zhongke Xinrui Technology Co., Ltd": a registered name
                span = doc[prev.start:span.end]
                label = "ORG"
            out.append((Mention(span.start, span.end, span.text, label), cls, canon))
    credits = list(_credit_names(doc, onto, lex))
    if credits:
        credited = {i for m, _, _ in credits for i in range(m.start, m.end)}
        out = [x for x in out if not any(i in credited for i in range(x[0].start, x[0].end))] + credits
    taken = {i for m, _, _ in out for i in range(m.start, m.end)}
    for extra in (_party_tags(doc, onto, lex), _untagged_names(doc, onto, lex, taken)):
        for x in extra:
            if not any(i in taken for i in range(x[0].start, x[0].end)):
                out.append(x)
                taken.update(range(x[0].start, x[0].end))
    out.sort(key=lambda x: x[0].start)
    return _join_parenthesised_first_names(doc, _resolve_capitals(doc, _party_or_chamber(doc, out, onto), onto))


def _party_or_chamber(doc: Doc, found: list, onto: Ontology) -> list:
    """'Congress' is a chamber, or a party where the document says so: a party named '... Congress'
    in it, or a party's word after it ('Congress leader', 'a Congress spokesperson')."""
    party = onto.classes.get("PoliticalParty")
    if party is None:
        return found
    context = onto.words("partyContext")
    names = {m.text for m, cls, _ in found if cls == "Legislature" and m.text in party.cue_suffixes}
    if not names:
        return found
    parties = {m.text.split()[-1] for m, cls, _ in found if cls == "PoliticalParty" and len(m.text.split()) > 1}
    said = {m.text for m, cls, _ in found if m.text in names and m.end < len(doc) and doc[m.end].text in context}
    hits = names & (parties | said)
    return [(m, "PoliticalParty", None) if m.text in hits and cls == "Legislature" else (m, cls, canon)
            for m, cls, canon in found]


def _acronym_letters(text: str) -> str:
    """The capitals of an acronym-shaped word ("APC", "DoPT", "AfDB"), else ''."""
    caps = "".join(ch for ch in text if ch.isupper())
    return caps if len(caps) >= 2 and text[0].isupper() and text.replace("&", "").isalpha() else ""


def _acronym_long_names(doc: Doc) -> list[tuple[int, int]]:
    """'All Progressives Congress (APC)': the capitalised words before a bracketed acronym
    whose initials spell it exactly are one name, however the NER cut them."""
    lower = token_strings(doc).lower
    found: list[tuple[int, int]] = []
    for k in (i for i, w in enumerate(lower) if w == "("):
        if k + 2 >= len(doc) or doc[k + 2].text != ")":
            continue
        letters = _acronym_letters(doc[k + 1].text)
        if not letters:
            continue
        start, initials = k, ""
        while start > 0 and len(initials) < len(letters):
            t = doc[start - 1]
            if (t.lower_ in CONNECTORS or t.lower_ in {"'s", "\u2019s"}) and initials and not t.is_sent_start:
                start -= 1
            elif t.text[:1].isupper() and t.is_alpha and "\n" not in t.whitespace_:
                initials = t.text[0] + initials
                start -= 1
            else:
                break
        while start < k and doc[start].lower_ in CONNECTORS:
            start += 1
        if initials == letters and k - start > 1:
            found.append((start, k))
    return found


AKA_BEFORE = re.compile(r"\b(?:a\.k\.a\.?|aka|alias) $")
PERSON_AFTER = re.compile(r",? \((?:a\.k\.a|aka|alias)\b|, an? ")
UPPER_RUN = re.compile(r"(?<![\w.])[A-Z][A-Z'\u2019-]+(?:(?:,? |&| & )[A-Z][A-Z'\u2019.&-]*)+")


def _upper_case_names(doc: Doc, onto: Ontology, lex: Lexicon) -> Iterator[tuple[int, int, str]]:
    """Names set in capitals in a line of mixed case, as sanctions designations are: a run that
    ends in a legal form is a company ("SHENZHEN ... ELECTRONICS CO., LTD."), a run of two to
    four plain words a person ("GOLNAR SADEGHI, an Iranian national")."""
    text = doc_text(doc)
    legal = {w.upper() for w in lex.legal_forms}
    cues = _cue_words(onto)
    company_words = onto.classes["Company"].cue_suffixes if "Company" in onto.classes else frozenset()
    for m in UPPER_RUN.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        if not any(ch.islower() for ch in line):
            continue        # a headline in capitals
        words = m.group().replace(",", " ").split()
        end = m.end()
        if len(words) > 1 and (words[-1].rstrip(".") in legal or words[-1].title() in company_words):
            cls = "Company"
        elif 2 <= len(words) <= 4 and "," not in m.group() and all(w.isalpha() and len(w) > 1 for w in words) \
                and not any(w.lower() in cues or lex.country_of(w) or normalize(w) in lex.known for w in words) \
                and normalize(m.group()) not in lex.known and normalize(m.group()) not in lex.places \
                and (PERSON_AFTER.match(text, m.end()) or AKA_BEFORE.search(text, max(0, m.start() - 8), m.start())):
            cls = "Person"      # "GOLNAR SADEGHI, an Iranian national", "X (a.k.a. Y)"
        else:
            continue
        span = doc.char_span(m.start(), end, alignment_mode="expand")
        if span is not None:
            yield span.start, span.end, cls


def _acronym_inside(doc: Doc, end: int, suffixes: frozenset[str]) -> bool:
    """'Specially Designated Nationals (SDN) List': the acronym sits inside the name."""
    return end + 3 < len(doc) and doc[end + 3].text in suffixes and "\n" not in doc[end + 2].whitespace_


def _join_parenthesised_first_names(doc: Doc, found: list) -> list:
    """'Secretary (Wilbur) Ross': the first name in brackets and the surname are one person."""
    out = []
    skip = set()
    for i, (m, cls, canon) in enumerate(found):
        if i in skip:
            continue
        if (cls == "Person" and i + 1 < len(found) and found[i + 1][1] == "Person"
                and m.start > 0 and doc[m.start - 1].text == "(" and m.end < len(doc)
                and doc[m.end].text == ")" and found[i + 1][0].start == m.end + 1):
            nxt = found[i + 1][0]
            out.append((Mention(m.start - 1, nxt.end, f"{m.text} {nxt.text}", "PERSON"), "Person", None))
            skip.add(i + 1)
            continue
        out.append((m, cls, canon))
    return out


def _personal(found: list) -> set[str]:
    """Surnames: last words of names spaCy tagged PERSON with two or more words."""
    words = set()
    for m, cls, canon in found:
        parts = m.text.replace("(", " ").replace(")", " ").split()
        if m.label == "PERSON" and cls == "Person" and len(parts) > 1:
            words.add(normalize(parts[-1]))
    return words


def _people_among_guesses(found: list) -> list:
    """A guessed organisation name is a person's when the document goes on to use its last
    word alone ("Nadia Rahimi" ... "Rahimi said"), the way it names people, and never its
    first word alone, the way it names companies ("Korvex Semiconductor" ... "Korvex")."""
    personal = _personal(found)
    alone = {normalize(m.text) for m, _, _ in found if len(m.text.split()) == 1}
    out = []
    for m, cls, canon in found:
        words = m.text.split()
        if canon == GUESS and 1 < len(words) <= 3 and (normalize(words[-1]) in personal or (
                normalize(words[-1]) in alone and normalize(words[0]) not in alone)):
            out.append((m, "Person", None))
        else:
            out.append((m, cls, canon))
    return out


def find(doc: Doc, onto: Ontology) -> Entities:
    """Group a Doc's mentions into entities: one per real thing, typed and labelled.

    The merge order matters: full person names first, so that a bare surname (even one
    spaCy tagged ORG) joins its person; long organisation names before their short forms.
    """
    lex = lexicon(onto)
    _abbreviation.cache_clear()
    found = _people_among_guesses(mentions(doc, onto))
    by_key: dict[str, Entity] = {}
    person_tokens: dict[str, list[Entity]] = defaultdict(list)
    order: list[Entity] = []

    def add(key: str, cls: str, name: str, m: Mention) -> Entity:
        ent = by_key.get(key)
        if ent is None:
            ent = by_key[key] = Entity(cls, name)
            order.append(ent)
        ent.mentions.append(m)
        ent.aliases.add(m.text)
        return ent

    org_names = [m.text for m, cls, canon in found if cls not in {"Person", "Country", "Place"}]
    keyed = _country_keyed(doc, found, lex)

    # 1. people with two or more name words (shortest first: "Tobias Krenn" before a
    #    headline's "Names Founder Tobias Krenn")
    pending = []
    people = sorted(((m, cls, canon) for m, cls, canon in found if cls == "Person"
                     and len(m.text.replace("(", " ").replace(")", " ").split()) > 1
                     and not any(_abbreviates(m.text, o, onto) for o in org_names)),
                    key=lambda x: len(x[0].text.split()))
    chosen = {id(x[0]) for x in people}
    for m, cls, canon in people:
        words = m.text.replace("(", " ").replace(")", " ").split()
        name = " ".join(words)
        target = by_key.get("Person/" + normalize(name)) or next(
            (by_key[f"Person/{normalize(' '.join(words[i:]))}"] for i in range(1, len(words) - 1)
             if f"Person/{normalize(' '.join(words[i:]))}" in by_key), None)
        if target is not None:
            target.mentions.append(m)
            target.aliases.add(m.text)
            continue
        ent = add("Person/" + normalize(name), "Person", name, m)
        # a middle name of three or more may be a first surname: "Julián Arbeláez Mora" ... "Arbeláez"
        middle = [w for w in words[1:-1] if w[:1].isupper() and len(w) > 2 and w.lower() not in CONNECTORS]
        for w in (words[0], words[-1], *middle):
            if ent not in person_tokens[normalize(w)]:
                person_tokens[normalize(w)].append(ent)
    pending = [x for x in found if id(x[0]) not in chosen]

    # 2. everything else; single words that name exactly one person join that person
    rest = []
    # "Morikane" after "Morikane Motor Co.": the first word of a company named before the person
    # who shares it ("founded by Genzo Morikane") goes by the company
    firms = {normalize(m.text.split()[0]): m.start for m, cls, _ in found if cls == "Company" and len(m.text.split()) > 1}
    for m, cls, canon in pending:
        n = normalize(m.text)
        people_named = person_tokens.get(n, [])
        if len(people_named) == 1 and n in firms and firms[n] < min(x.start for x in people_named[0].mentions):
            people_named = []
        if canon == GUESS:
            canon = None
        if len(people_named) == 1 and canon is None and cls in {"Person", "Company", "Organization", "Place"}:
            people_named[0].mentions.append(m)
            people_named[0].aliases.add(m.text)
            continue
        if cls == "Country":
            name = canon or lex.countries.get(n) or m.text
            add("Country/" + normalize(name), "Country", name, m).canonical = name
            continue
        if canon and not (cls in COUNTRY_KEYED and normalize(lex.strip_country(m.text)) in keyed
                          and _country_prefix(_with_country(doc, m, cls, lex).text, lex)):
            add(f"{cls}/{normalize(canon)}", cls, canon, m).canonical = canon
            continue
        rest.append((m, cls))

    # 3. remaining names: longest first, so that short forms can join long ones
    rest.sort(key=lambda x: -len(x[0].text))
    for m, cls in rest:
        m = _with_country(doc, m, cls, lex) if normalize(m.text) in keyed else m
        core = _core(m.text, cls, lex, keyed)
        n = normalize(core)
        key_words = " ".join(sorted(w for w in n.split() if w not in CONNECTORS))
        target = by_key.get(f"{cls}/{n}") or by_key.get(f"~{cls}/{key_words}") or _short_form_of(core, cls, order, onto)
        if target is not None:
            target.mentions.append(m)
            target.aliases.add(m.text)
            continue
        ent = add(f"{cls}/{n}", cls, core, m)
        by_key[f"~{cls}/{key_words}"] = ent

    # 4. explicit acronyms, "Office of Foreign Assets Control (OFAC)"; one name, one entity
    guesses = {id(m) for m, _, canon in found if canon == GUESS}
    for e in order:
        e.guessed = all(id(m) in guesses for m in e.mentions)
    _merge_bracketed_acronyms(doc, order)
    _merge_same_names(order)

    entities = [e for e in order if e.mentions]
    for e in entities:
        e.guessed = all(id(m) in guesses for m in e.mentions)
    _retype_employers(doc, entities, onto)
    _retype_parties(doc, entities, onto)
    entities = _retype_guessed_places(doc, entities, onto)
    _propagate(doc, entities, onto)

    # labels: the fullest form wins; the rest are aliases
    at_token = {}
    for e in entities:
        if e.cls not in {"Country", "Person"}:
            # the fullest name the article uses; a gazetteer name only keys the IRI
            forms = [_core(_strip_possessive(a), e.cls, lex, keyed) for a in e.aliases]
            if e.canonical is not None:     # only forms the gazetteer knows for this entity
                forms = [f for f in forms if lex.known.get(normalize(f), ("",))[0] == e.canonical]
            best = max(forms, key=lambda a: (len(a.split()), len(a)), default=e.label)
            if e.canonical is not None and normalize(best) in normalize(e.canonical):
                best = e.canonical      # "Treasury" -> "Treasury Department": the fuller name
            if e.canonical is not None or len(best.split()) > len(e.label.split()):
                e.label = best
        e.aliases = {a for a in (_strip_possessive(x) for x in e.aliases) if a and a != e.label}
        for m in e.mentions:
            for i in range(m.start, m.end):
                at_token[i] = e
    _country_prefixed_aliases(doc, entities, at_token)
    _titled_aliases(doc, entities, onto)
    _unplaced_aliases(doc, entities, lex)
    _ordinal_aliases(doc, entities, at_token)
    return Entities(entities, at_token, _places_opening_names(doc, entities, lex))


def _places_opening_names(doc: Doc, entities: list[Entity], lex: Lexicon) -> list[Entity]:
    """A city or province that opens an organisation's registered name ("Suzhou Tianlong
    Optics Co., Ltd.", "Samara Pribortech JSC", "the Shenzhen Stock Exchange") is a place the
    text names: a Place node of its own with a mention inside the name (``Entities.inside``).
    Places and capitals the document already names otherwise are left to those entities."""
    named = {normalize(a) for e in entities for a in (e.label, *e.aliases, *(m.text for m in e.mentions))}
    generic = lex.cue_words | {w.lower() for w in lex.onto.words("agencyPrefix") | lex.onto.words("roleModifier")}
    out: dict[str, Entity] = {}
    for e in entities:
        if e.cls != "Company":      # "Ifo Institute", "Victoria University": named after a place, not in it
            continue
        for m in e.mentions:
            if m.end - m.start < 2:
                continue
            for k in (2, 1):        # "Port Harcourt", then "Chengdu"
                head = doc[m.start:m.start + k]
                n = normalize(head.text)
                if m.end - m.start <= k or not all(t.is_title or t.is_upper and len(t) > 3 for t in head) \
                        or any(t.lower_ in generic for t in head) or lex.country_of(head.text) \
                        or not _is_place(head.text, lex) or n in named or not doc[m.start + k].is_title:
                    continue
                place = out.get(n)
                if place is None:
                    place = out[n] = Entity("Place", head.text)
                place.mentions.append(Mention(head.start, head.end, head.text, "GPE"))
                break
    return list(out.values())


ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)$")


def _ordinal_aliases(doc: Doc, entities: list[Entity], at_token: dict[int, Entity]) -> None:
    """'the 9th U.S. Circuit Court of Appeals': the numbered court is named with its number,
    over the country word before the name if there is one."""
    for e in entities:
        if e.cls in {"Country", "Person", "Place", CAPITAL}:
            continue
        for m in e.mentions:
            start = m.start
            country = at_token.get(start - 1)
            if country is not None and country.cls == "Country":
                start = next((c.start for c in country.mentions if c.end == m.start), start)
            if start > 0 and ORDINAL.match(doc[start - 1].text):
                e.aliases.add(doc[start - 1:m.end].text)


def _unplaced_aliases(doc: Doc, entities: list[Entity], lex: Lexicon) -> None:
    """'Aldport Harbour Trust' is also called 'Harbour Trust' where the text is about Aldport:
    an organisation's mention that opens with a city or region the NER tagged apart has its
    rest (two words or more) as an alias. (A country that opens a name is out of its label.)"""
    for e in entities:
        if e.cls in {"Country", "Person", "Place", CAPITAL}:
            continue
        for m in e.mentions:
            for cut in range(m.start + 1, min(m.start + 3, m.end - 2) + 1):
                if doc[cut].ent_iob_ != "I" and doc[cut].text[:1].isupper() and doc[cut].lower_ not in CONNECTORS \
                        and _is_place(doc[m.start:cut].text, lex):
                    rest = doc[cut:m.end].text
                    if rest != e.label:
                        e.aliases.add(rest)
                    break


def _titled_aliases(doc: Doc, entities: list[Entity], onto: Ontology) -> None:
    """'Mr. Vishnu Hari Dalmia', 'Judge Lindsay Ellis': a person's name with the honorific or
    title the text puts before it is a form the text names the person by; the label stays
    the bare name."""
    honorifics = onto.words("honorific")
    for e in entities:
        if e.cls != "Person":
            continue
        for m in e.mentions:
            k = m.start - 1
            if k > 0 and doc[k].text == "." and not doc[k - 1].whitespace_ and doc[k - 1].text + "." in honorifics:
                k -= 1      # "Mr" + "."
            if k < 0 or "\n" in doc[k].whitespace_ or doc[k].text not in honorifics:
                continue
            alias = doc[k:m.end].text
            if alias != e.label:
                e.aliases.add(alias)
        words = e.label.split()
        if len(words) >= 3 and _trade_word(words[0], onto):
            e.aliases.add(" ".join(words[1:]))      # "Linguist Ada Moor" is also "Ada Moor"


def _trade_word(word: str, onto: Ontology) -> bool:
    """A capitalised noun of a trade ("Linguist", "Anatomist", "Historian") by its ending."""
    low = word.lower()
    return word.istitle() and low not in onto.words("nonOccupation") and any(
        low.endswith(s) and len(low) > len(s) + 4 for s in onto.words("occupationSuffix"))


def _country_prefixed_aliases(doc: Doc, entities: list[Entity], at_token: dict[int, Entity]) -> None:
    """"U.S. Coast Guard", "Russian State Duma", "Texas Department of Agriculture": the country
    or place word that opens an organisation's name stays its own node, and the whole phrase
    is an alias of the organisation; a place's only before a name typed by its own words
    ("Department of ..."), not before a name the NER merely guessed ("Meridian" + "Crest")."""
    for e in entities:
        if e.cls in {"Country", "Person", "Place", CAPITAL}:
            continue
        for m in e.mentions:
            country = at_token.get(m.start - 1)
            if country is None or country.cls != "Country" and (country.cls != "Place" or e.guessed):
                continue
            first = next((c.start for c in country.mentions if c.end == m.start), None)
            if first is not None and doc[m.start - 1].tag_ != "POS":
                alias = doc[first:m.end].text
                if alias != e.label:
                    e.aliases.add(alias)


def _short_names(e: Entity, onto: Ontology) -> set[str]:
    """The forms a document may use for an entity after naming it in full: every surface
    form seen, a person's surname, a company's name without its cue words."""
    names = {m.text for m in e.mentions} | {_strip_possessive(a) for a in e.aliases}
    words = e.label.split()
    if e.cls == "Person" and len(words) > 1 and len(words[-1]) > 2:
        names.add(words[-1])
    elif e.cls == "Company" and len(words) > 1:
        cues = _cue_words(onto)
        for i in range(len(words) - 1, 0, -1):
            if all(w.lower() in cues for w in words[i:]) and words[i - 1].lower() not in cues:
                names.add(" ".join(words[:i]))
    lex = lexicon(onto)
    return {n for n in names if n and n[0].isupper() and not lex.country_of(n)}


def _propagate(doc: Doc, entities: list[Entity], onto: Ontology) -> None:
    """Find the mentions NER missed: a name the document has already tied to an entity,
    seen again as a proper noun outside any other entity ("blasted Greer for ...")."""
    taken = {i for e in entities for m in e.mentions for i in range(m.start, m.end)}
    owner: dict[str, Entity | None] = {}
    for e in entities:
        for name in _short_names(e, onto):
            key = normalize(name)
            owner[key] = None if key in owner and owner[key] is not e else e   # ambiguous -> None
    if not owner:
        return
    longest = max(len(k.split()) for k in owner)
    firsts = {k.split()[0] for k in owner if k}
    # (normalize folds case, so the lower-cased words will do; and it leaves lower-cased
    # ASCII letters and digits as they are, so most words need no call, and no cache entry)
    starts = [i for i, w in enumerate(token_strings(doc).lower) if i not in taken and (
        w in firsts or not (w.isascii() and w.isalnum()) and normalize(w) in firsts)]
    for i in starts:
        tok = doc[i]
        if i in taken or not (tok.pos_ == "PROPN" or tok.is_title or tok.is_upper) or tok.is_punct:
            continue
        for n in range(min(longest, len(doc) - i), 0, -1):
            span = doc[i:i + n]
            ent = owner.get(normalize(span.text))
            if ent is None or any(j in taken for j in range(i, i + n)):
                continue
            before = doc[i - 1] if i else None
            after = doc[i + n] if i + n < len(doc) else None
            if (before is not None and before.is_title and before.i not in taken and not before.is_sent_start
                    and before.pos_ == "PROPN") or (after is not None and after.pos_ == "PROPN" and after.i not in taken):
                continue    # part of a longer name nobody tagged
            ent.mentions.append(Mention(i, i + n, span.text, "PROPAGATED"))
            taken.update(range(i, i + n))
            break


def _employer_slots(onto: Ontology) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Role nouns and hiring verbs whose holder or subject must be an organisation, by the
    domains and ranges of the ontology: a person is nobody's "chief executive of"."""
    roles: set[str] = set()
    verbs: set[str] = set()
    located: set[str] = set()
    for p in onto.properties.values():
        if p.range and "Person" not in p.range and not {"Legislature", "PoliticalParty"} & p.range:
            roles |= {r for r in p.role_nouns if " " not in r}
            verbs |= {t.lemma for t in p.inverse_verbs if " " not in t.lemma}
        if "Person" not in p.domain:
            located |= p.location_cues
    return frozenset(roles), frozenset(verbs), frozenset(located)


def _retype_employers(doc: Doc, entities: list[Entity], onto: Ontology) -> None:
    """A 'person' that hires people or has a chief executive is an organisation that NER
    took for a name ("Helix Pay named Ruth Amos ...", "Calder Freight's chief executive").
    People who are ever called by their surname alone or given a title stay people."""
    roles, verbs, located = _employer_slots(onto)
    honorifics = onto.words("honorific") | _role_words(onto)
    person_at = {i for e in entities if e.cls == "Person" for m in e.mentions for i in range(m.start, m.end)}
    for e in entities:
        words = e.label.split()
        if e.cls != "Person" or len(words) > 3 or any(
                m.text == words[-1] and len(words) > 1 for m in e.mentions) or any(
                m.start and doc[m.start - 1].text in honorifics for m in e.mentions):
            continue
        evidence = 0
        for m in e.mentions:
            root = m.span(doc).root
            head = root.head
            if root.dep_ == "nsubj" and head.lemma_.lower() in verbs and any(
                    c.dep_ == "dobj" and c.i in person_at for c in head.children):
                evidence += 1
            elif root.dep_ in {"poss", "compound"} and head.lower_ in roles and head.i not in person_at:
                evidence += 1
            elif root.dep_ == "pobj" and head.lower_ in {"of", "at"} and head.head.lower_ in roles:
                evidence += 1
            elif root.dep_ == "dobj" and head.lemma_.lower() == "join":
                evidence += 1
            elif any(c.lower_ in located for c in root.children if c.dep_ in {"relcl", "amod", "acl"}):
                evidence += 1       # "X, which is headquartered in Y", "Y-based X"
        if evidence:
            e.cls = _descriptor_cue(e.mentions[0].span(doc), onto) or "Company"


def _party_evidence(doc: Doc, m: Mention, titles: frozenset[str], person_at: dict[int, Mention],
                    politics: frozenset[str] = frozenset()) -> bool:
    """A mention that only a party's name takes: a legislator's title after it ("Renew Europe
    MEP X", "Vox MPs"), "movement" after it in a sentence on politics, the group one "sits
    with", or "of" it after a legislator ("MEP Jonas Aalto of the Green League",
    "Lawmaker Chan Ka-ming of the DAB")."""
    if m.end < len(doc) and doc[m.end].text in titles:
        return True
    root = m.span(doc).root
    if m.end < len(doc) and doc[m.end].lower_ == "movement" and any(
            t.lower_ in politics for t in doc[m.start].sent):
        return True     # "a cabinet drawn from his ANO movement"; not "the Bauhaus movement"
    group = root.head if root.dep_ == "compound" and root.head.pos_ == "NOUN" else root
    if group.dep_ == "pobj" and group.head.lower_ == "with" and group.head.head.lemma_ == "sit":
        return True     # "who sits with The Left group": a parliament's group or party
    if root.dep_ != "pobj" or root.head.lower_ != "of" or root.head.i != m.start - 1 - (doc[m.start - 1].lower_ == "the"):
        return False
    person = person_at.get(root.head.head.i)
    if person is None or root.head.i != person.end:
        return False
    before = [t for t in doc[max(0, person.start - 3):person.start] if t.text[:1].isupper()]
    return any(t.text in titles or t.text.lower() in titles for t in before[-1:])


def _retype_parties(doc: Doc, entities: list[Entity], onto: Ontology) -> None:
    """An organisation typed on no cue of its name, or on a generic one ("Alliance"), is a party where
    the text uses it as only a party's name is used (:func:`_party_evidence`)."""
    if "PoliticalParty" not in onto.classes:
        return
    titles = onto.words("partisanTitle")
    politics = onto.words("politicsWord")
    person_at = {i: m for e in entities if e.cls == "Person" for m in e.mentions for i in range(m.start, m.end)}
    lex = lexicon(onto)
    for e in entities:
        if e.cls not in {"Company", "Organization"} or e.canonical is not None:
            continue
        if any(m.text.split()[-1].rstrip(".") in lex.legal_forms
               or _name_cue(m.span(doc), onto) not in {None, "Organization"} for m in e.mentions):
            continue        # "Ministry", "Bank", "Ltd": the name says what it is; "Alliance", "Union" do not
        if any(_party_evidence(doc, m, titles, person_at, politics) for m in e.mentions):
            e.cls = "PoliticalParty"


def _retype_guessed_places(doc: Doc, entities: list[Entity], onto: Ontology) -> list[Entity]:
    """A name the NER took for a place that no gazetteer knows is a company's where the text
    says so: it is the first word of a registered company name ("Corvane" after "Corvane
    Trading FZE": that company's short form), a noun describes it ("Pelora, the payments
    company"), or it has a chief executive ("Pelora's chief executive X")."""
    lex = lexicon(onto)
    roles, _, _ = _employer_slots(onto)
    firms: dict[str, list[Entity]] = defaultdict(list)
    for e in entities:      # registered names only: "Caribbean" is no short form of "Caribbean Dispatch Services"
        if e.cls == "Company" and any(a.split()[-1].rstrip(".") in lex.legal_forms for a in (e.label, *e.aliases)):
            for first in {normalize(a.split()[0]) for a in (e.label, *e.aliases) if len(a.split()) > 1}:
                firms[first].append(e)
    for e in entities:
        n = normalize(e.label)
        if e.cls != "Place" or not e.guessed or n in lex.places or " " in e.label:
            continue
        if len(firms.get(n, [])) == 1:
            firm = firms[n][0]
            firm.mentions.extend(e.mentions)
            firm.aliases |= e.aliases
            e.mentions = []
            continue
        for m in e.mentions:
            root = m.span(doc).root
            desc = _descriptor_cue(m.span(doc), onto)
            if desc not in {None, "Place"} or (root.dep_ in {"poss", "compound"} and root.head.lower_ in roles):
                e.cls = desc if desc not in {None, "Place"} else "Company"
                break
    return [e for e in entities if e.mentions]


def _merge_same_names(order: list[Entity]) -> None:
    """Mentions of one name typed differently ("Cirrova" as Company, Person and Place) are
    one entity: the class with the most mentions wins, organisations before people. An
    organisation class guessed from the NER's label alone yields to one with evidence
    ("his ANO movement" makes every "ANO" the party)."""
    by_name: dict[str, list[Entity]] = defaultdict(list)
    for e in order:
        if e.mentions:
            by_name[normalize(e.label)].append(e)
    for group in by_name.values():
        if len(group) < 2:
            continue
        _evidence_over_guesses(group)
        group.sort(key=lambda e: (not (e.cls == "Person" and " " not in e.label), len(e.mentions),
                                  e.cls not in {"Person", "Place"}), reverse=True)
        keep = group[0]
        for e in group[1:]:
            keep.mentions.extend(e.mentions)
            keep.aliases |= e.aliases
            e.mentions = []


def _evidence_over_guesses(group: list[Entity]) -> None:
    """Guessed organisations of one name take the class that evidence gave another mention."""
    plain = {"Person", "Place", "Country", CAPITAL}
    evidenced = [e.cls for e in group if not e.guessed and e.cls not in plain]
    if len(set(evidenced)) == 1:
        for e in group:
            if e.guessed and e.cls not in plain:
                e.cls = evidenced[0]


# a chamber or a ministry is its country's: "Colombian Senate" and "U.S. Senate" are two
COUNTRY_KEYED = frozenset({"Legislature", "GovernmentAgency"})


def _core(text: str, cls: str, lex: Lexicon, keyed: frozenset[str]) -> str:
    """The name without its country ("US Commerce Department" -> "Commerce Department"),
    except a chamber's or an agency's when the text names that body for two countries
    ("Chilean Senate" and "U.S. Senate"): then the country says which one it is."""
    core = lex.strip_country(text)
    return text if cls in COUNTRY_KEYED and normalize(core) in keyed else core


def _country_prefix(text: str, lex: Lexicon) -> str | None:
    """The country a name starts with ("Japan's", "Chilean", "U.S."), if any."""
    core = lex.strip_country(text)
    if core == text:
        return None
    head = re.sub(r"['\u2019]s$", "", text[:len(text) - len(core)].strip())
    return lex.country_of(head)


def _country_keyed(doc: Doc, found: list, lex: Lexicon) -> frozenset[str]:
    """Chamber and agency names the text gives for two or more countries."""
    countries: dict[str, set[str]] = defaultdict(set)
    for m, cls, _ in found:
        if cls in COUNTRY_KEYED:
            m = _with_country(doc, m, cls, lex)
            country = _country_prefix(m.text, lex)
            if country is not None:
                countries[normalize(lex.strip_country(m.text))].add(country)
    return frozenset(core for core, cs in countries.items() if len(cs) > 1)


def _with_country(doc: Doc, m: Mention, cls: str, lex: Lexicon) -> Mention:
    """"Chilean" + "Senate" tagged apart: the chamber takes its demonym or country back."""
    if cls not in COUNTRY_KEYED or m.start == 0 or lex.strip_country(m.text) != m.text:
        return m
    start = m.start - 2 if m.start > 1 and doc[m.start - 1].lower_ in {"'s", "\u2019s"} else m.start - 1
    prev = doc[start]
    if prev.ent_type_ not in {"NORP", "GPE", ""} or not lex.country_of(prev.text) or not prev.text[:1].isupper():
        return m
    return Mention(start, m.end, doc[start:m.end].text, m.label)


def _strip_possessive(text: str) -> str:
    return re.sub(r"\s*['\u2019]s$", "", text).strip()


def _cue_words(onto: Ontology) -> frozenset[str]:
    """Every class cue word and suffix, lower-cased, with the name connectors."""
    return lexicon(onto).cue_words


def _abbreviates(short: str, long: str, onto: Ontology, long_cls: str = "", short_cls: str = "") -> bool:
    """Is `short` a short form of the organisation name `long`: its acronym, its first
    words when the rest is only class cue words ("Korvex" of "Korvex Semiconductor",
    "House" of "House of Commons"), or its last word when that is a cue word
    ("Commission" of "European Commission")?"""
    # asked of every pair of names in a document, the same pairs again and again: kept for
    # the document (find() empties it, so that a run of similar documents gains nothing)
    return _abbreviation(short, long, _cue_words(onto), long_cls, short_cls)


@lru_cache(maxsize=1 << 12)
def _abbreviation(short: str, long: str, cues: frozenset[str], long_cls: str, short_cls: str) -> bool:
    # a registered name's bracketed place and punctuation are no words of it: "X (HK) Limited", "Co., Ltd."
    words, long_words = short.split(), [w.strip(",") for w in re.sub(r"\s*\([^)]*\)", "", long).split()]
    if len(long_words) <= len(words):
        return False
    if short.isupper() and len(short) >= 2 and _acronym(long) == short.replace(".", ""):
        return True
    if long_words[:len(words)] == words and all(w.lower() in cues for w in long_words[len(words):]):
        return True
    if long_cls == "Company" and short_cls not in {"Place", "Country"} and len(words) == 1 \
            and (long_words[0] == short or long_words[0].isupper() and long_words[0] == short.upper()):
        return True     # "Orbix" of "Orbix Micro": companies go by their first word
    if len(words) == 1 and short.lower() in cues and len(long_words) > 2 and long_words[0] == short \
            and long_words[1] == "of":
        return True     # "Council" of "Council of the European Union": the head noun
    return len(words) == 1 and long_words[-1] == short and short.lower() in cues


def _short_form_of(core: str, cls: str, order: list[Entity], onto: Ontology) -> Entity | None:
    """The one longer organisation that this name abbreviates."""
    hits = [e for e in order if (e.cls not in {"Person", "Country", "Place"} or cls == e.cls == "Place")
            and _abbreviates(core, e.label, onto, e.cls, cls)]     # "Rivers" of "Rivers State" too
    known = [e for e in hits if e.canonical is not None]
    return hits[0] if len(hits) == 1 else known[0] if len(known) == 1 else None


def _initials_fit(acronym: str, name: str) -> bool:
    """Are the acronym's letters, in order, initials of the name's words? ("BIS" of "Bureau
    of Industry and Security" yes; "AFP" of "Geneva" no)."""
    initials = [w[0].upper() for w in re.split(r"[\s-]+", name) if w]
    i = 0
    for ch in acronym.replace(".", ""):
        while i < len(initials) and initials[i] != ch:
            i += 1
        if i == len(initials):
            return False
        i += 1
    return True


def _merge_bracketed_acronyms(doc: Doc, order: list[Entity]) -> None:
    """'Long Name (ACR)' makes ACR an alias of Long Name wherever ACR is its own entity; so
    does 'NAME (a.k.a. OTHER)' for any other name, and an acronym alone that spells the
    initials of exactly one organisation of the document ('AfDB' of 'African Development Bank')."""
    ends = {m.end: (e, m) for e in order for m in e.mentions}
    long: Entity | None
    for e in list(order):
        if not e.mentions:
            continue
        for m in list(e.mentions):
            k = m.start - 1 - (m.start > 1 and doc[m.start - 1].text == "." and doc[m.start - 2].lower_ in AKA)
            bracket = next((j for j in range(k - 1, max(0, k - 16), -1) if doc[j].text in {"(", ")"}), None) \
                if k >= 2 and doc[k].lower_ in AKA else None
            if bracket is not None and doc[bracket].text == "(" and bracket in ends and ends[bracket][0] is not e:
                long = ends[bracket][0]     # "BEHROUZ TEHRANCHI (a.k.a. BEHROUZ TEHRANI; a.k.a. ...)"
                long.mentions.extend(e.mentions)
                long.aliases |= e.aliases | {e.label}
                e.mentions = []
                break
            if m.start >= 2 and doc[m.start - 1].text == "(" and m.end < len(doc) and doc[m.end].text == ")":
                long, long_m = ends.get(m.start - 1, (None, None))
                letters = _acronym_letters(m.text)
                if long is None or long_m is None or long is e or not letters \
                        or (e.cls == "Person" and not m.text.isupper()):
                    continue
                fits = _initials_fit(letters, long_m.text)
                if fits or (long.cls not in {"Person", "Place", "Country"} and len(long_m.text.split()) > 1
                            and m.text.isupper() and e.cls not in {"Place", "Country"}):
                    # an acronym of the name in its own language also names it: "Freedom and
                    # Direct Democracy (SPD)"; a long name typed on no evidence takes its class
                    if long.guessed and e.cls not in {"Person", long.cls} and not fits:
                        long.cls = e.cls
                    # the acronym's other mentions, typed apart ("APC" as a guessed company), too
                    for other in order:
                        if other is not long and other.mentions and normalize(other.label) == normalize(m.text) \
                                and (other.cls != "Person" or m.text.isupper()):
                            long.mentions.extend(other.mentions)
                            long.aliases |= other.aliases | {other.label}
                            other.mentions = []
                    break
    orgs = [e for e in order if e.mentions and e.cls not in {"Person", "Place", "Country"} and " " in e.label]
    for e in order:
        letters = _acronym_letters(e.label) if e.mentions and " " not in e.label and e.canonical is None else ""
        if letters and (e.guessed or e.cls != "Person"):
            hits = [o for o in orgs if o is not e and _acronym(o.label) == letters]
            if len(hits) == 1:
                hits[0].mentions.extend(e.mentions)
                hits[0].aliases |= e.aliases | {e.label}
                e.mentions = []


AKA = {"a.k.a.", "aka", "a.k.a", "alias"}

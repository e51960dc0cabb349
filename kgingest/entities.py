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
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from .ontology import Ontology

NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
CONNECTORS = {"of", "and", "for", "the", "&", "de", "du", "la", "on", "in"}
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


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

    @property
    def key(self) -> str:
        return f"{self.cls}/{normalize(self.label)}"


@dataclass
class Entities:
    """The entities of one Doc and the token -> entity index the relation stage reads."""

    items: list[Entity]
    at_token: dict[int, Entity]

    def of_span(self, span: Span) -> Entity | None:
        """The entity a span's tokens belong to (the root's first, then any token's)."""
        ent = self.at_token.get(span.root.i)
        if ent is None:
            for tok in span:
                if tok.i in self.at_token:
                    return self.at_token[tok.i]
        return ent


@dataclass
class Lexicon:
    """Name lookups built once per ontology."""

    onto: Ontology
    countries: dict[str, str] = field(default_factory=dict)     # normalized name/alias -> country
    demonyms: dict[str, str] = field(default_factory=dict)
    capitals: dict[str, str] = field(default_factory=dict)
    known: dict[str, tuple[str, str]] = field(default_factory=dict)  # alias -> (name, class)

    @classmethod
    def build(cls, onto: Ontology) -> "Lexicon":
        lex = cls(onto)
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


_LEXICONS: dict[str, Lexicon] = {}


def lexicon(onto: Ontology) -> Lexicon:
    if onto.digest not in _LEXICONS:
        _LEXICONS[onto.digest] = Lexicon.build(onto)
    return _LEXICONS[onto.digest]


# Class cue order: the most specific organisation kinds first.
ORG_ORDER = ("SanctionsList", "Legislature", "GovernmentAgency", "PoliticalParty",
             "MediaOrganization", "Company", "Organization", "Place")


def _clean(span: Span, onto: Ontology) -> Span | None:
    """Trim determiners, possessives, titles and punctuation; None for junk spans."""
    honorifics = onto.words("honorific")
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in {"the", "a", "an", "so", "-", "called", "so-called"}
                           or doc[start].is_punct or doc[start].text in honorifics):
        start += 1
    while end > start and (doc[end - 1].lower_ in {"'s", "\u2019s", "'", "\u2019"} or doc[end - 1].is_punct
                           or doc[end - 1].is_space):
        end -= 1
    if start >= end:
        return None
    out = doc[start:end]
    text = out.text
    if "\n" in text or not any(ch.isalpha() for ch in text) or text.islower():
        return None
    if any(t.lower_ in onto.words("furnitureWord") for t in out):
        return None
    return out


def _name_cue(span: Span, onto: Ontology) -> str | None:
    """A class from the words of the name itself: suffixes first, then capitalised cue words."""
    last = span[-1].text
    for cls in ORG_ORDER:
        if cls in onto.classes and last in onto.classes[cls].cue_suffixes:
            return cls
    words = {t.text for t in span} | {t.text.title() for t in span if t.is_upper}
    text = span.text
    for multiword in (True, False):  # "White House" outranks "House"
        for cls in ORG_ORDER:
            c = onto.classes.get(cls)
            for cue in c.cue_words if c else ():
                if cue[0].isupper() and (" " in cue) == multiword and (cue in text if multiword else cue in words):
                    return cls
    return None


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
    for tok in nouns:
        for cls in ("MediaOrganization", "Company", "GovernmentAgency", "PoliticalParty", "Organization", "Place"):
            c = onto.classes.get(cls)
            if c and (tok.lower_ in c.cue_words or tok.lemma_.lower() in c.cue_words):
                return cls
    return None


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
    if n in lex.capitals and label in {"GPE", "ORG"}:
        prev = span.doc[span.start - 1] if span.start else None
        if prev is None or prev.dep_ != "prep" or not span.root.head.i == prev.i:
            return "Country", lex.capitals[n]
        return "Place", None
    if label in onto.classes:
        return label, None
    stripped = normalize(lex.strip_country(text))
    if stripped in lex.known:
        name, cls = lex.known[stripped]
        return cls, name
    if label == "NORP":
        return None, None
    cue = _name_cue(span, onto)
    if label == "PERSON":
        if cue in {"Company", "GovernmentAgency", "Legislature", "MediaOrganization", "PoliticalParty"} and len(span) > 1:
            return cue, None
        return "Person", None
    if cue:
        return cue, None
    desc = _descriptor_cue(span, onto)
    if desc:
        return desc, None
    if label in {"GPE", "LOC", "FAC"}:
        return "Place", None
    return "Company", None


def _acronym(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in CONNECTORS]
    return "".join(w[0] for w in words if w[0].isupper()).upper() if len(words) > 1 else ""


def _person_key(text: str) -> str:
    return normalize(text)


def mentions(doc: Doc, onto: Ontology) -> list[tuple[Mention, str, str | None]]:
    """Cleaned, classified mentions: (mention, class, canonical name)."""
    lex = lexicon(onto)
    out = []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS and ent.label_ not in onto.classes:
            continue
        span = _clean(ent, onto)
        if span is None:
            continue
        cls, canon = classify(span, ent.label_, onto, lex)
        if cls is None:
            continue
        out.append((Mention(span.start, span.end, span.text, ent.label_), cls, canon))
    return _join_parenthesised_first_names(doc, out)


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


def find(doc: Doc, onto: Ontology) -> Entities:
    """Group a Doc's mentions into entities: one per real thing, typed and labelled.

    The merge order matters: full person names first, so that a bare surname (even one
    spaCy tagged ORG) joins its person; long organisation names before their short forms.
    """
    lex = lexicon(onto)
    found = mentions(doc, onto)
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

    # 1. people with two or more name words
    pending = []
    for m, cls, canon in found:
        words = m.text.replace("(", " ").replace(")", " ").split()
        if cls == "Person" and len(words) > 1:
            name = " ".join(words)
            ent = add("Person/" + normalize(name), "Person", name, m)
            if len(words) > len(ent.label.split()):
                ent.label = name
            for w in (words[0], words[-1]):
                if ent not in person_tokens[normalize(w)]:
                    person_tokens[normalize(w)].append(ent)
        else:
            pending.append((m, cls, canon))

    # 2. everything else; single words that name exactly one person join that person
    rest = []
    for m, cls, canon in pending:
        n = normalize(m.text)
        people = person_tokens.get(n, [])
        by_full = by_key.get("Person/" + n)
        if by_full or (len(people) == 1 and canon is None and cls in {"Person", "Company", "Organization", "Place"}):
            target = by_full or people[0]
            target.mentions.append(m)
            target.aliases.add(m.text)
            continue
        if cls == "Country":
            name = canon or lex.countries.get(n) or m.text
            add("Country/" + normalize(name), "Country", name, m)
            continue
        if canon:
            add(f"{cls}/{normalize(canon)}", cls, canon, m)
            continue
        rest.append((m, cls))

    # 3. remaining names: longest first, so that short forms can join long ones
    rest.sort(key=lambda x: -len(x[0].text))
    for m, cls in rest:
        core = lex.strip_country(m.text)
        n = normalize(core)
        key_words = " ".join(sorted(w for w in n.split() if w not in CONNECTORS))
        target = by_key.get(f"{cls}/{n}") or by_key.get(f"~{cls}/{key_words}")
        if target is None:
            target = _short_form_of(core, cls, order, onto)
        if target is None and cls == "Person":
            target = by_key.get("Person/" + n)
        if target is not None:
            target.mentions.append(m)
            target.aliases.add(m.text)
            continue
        ent = add(f"{cls}/{n}", cls, core, m)
        by_key[f"~{cls}/{key_words}"] = ent

    # 4. explicit acronyms: "Office of Foreign Assets Control (OFAC)"
    _merge_bracketed_acronyms(doc, order)

    # labels: the fullest form wins; the rest are aliases
    entities = [e for e in order if e.mentions]
    at_token = {}
    for e in entities:
        if e.cls != "Country" and not any(k.name == e.label for k in onto.known):
            best = max((lex.strip_country(_strip_possessive(a)) for a in e.aliases), key=lambda a: (len(a.split()), len(a)))
            if len(best.split()) > len(e.label.split()):
                e.label = best
        e.aliases = {a for a in (_strip_possessive(x) for x in e.aliases) if a and a != e.label}
        for m in e.mentions:
            for i in range(m.start, m.end):
                at_token[i] = e
    return Entities(entities, at_token)


def _strip_possessive(text: str) -> str:
    return re.sub(r"\s*['\u2019]s$", "", text).strip()


def _short_form_of(core: str, cls: str, order: list[Entity], onto: Ontology) -> Entity | None:
    """The one longer organisation that this name abbreviates: its acronym, or its first
    words when the rest of the long name is only class cue words ("Korvex" ->
    "Korvex Semiconductor", "Treasury" -> "Treasury Department")."""
    if cls in {"Person", "Country"}:
        return None
    cues = set()
    for c in onto.classes.values():
        cues |= {w.lower() for w in c.cue_words} | {w.lower() for w in c.cue_suffixes}
    words = core.split()
    hits = []
    for e in order:
        if e.cls in {"Person", "Country", "Place"} and cls != "Place":
            continue
        long_words = e.label.split()
        if len(long_words) <= len(words):
            continue
        if core.isupper() and len(core) >= 2 and _acronym(e.label) == core.replace(".", ""):
            hits.append(e)
        elif long_words[:len(words)] == words and all(w.lower() in cues for w in long_words[len(words):]):
            hits.append(e)
    return hits[0] if len(hits) == 1 else None


def _merge_bracketed_acronyms(doc: Doc, order: list[Entity]) -> None:
    """'Long Name (ACR)' makes ACR an alias of Long Name wherever ACR is its own entity."""
    ends = {m.end: e for e in order for m in e.mentions}
    for e in list(order):
        if not e.mentions:
            continue
        for m in list(e.mentions):
            if m.start >= 2 and doc[m.start - 1].text == "(" and m.end < len(doc) and doc[m.end].text == ")":
                long = ends.get(m.start - 1)
                if long is not None and long is not e and e.label.isupper() and e.cls != "Person":
                    long.mentions.extend(e.mentions)
                    long.aliases |= e.aliases | {e.label}
                    e.mentions = []
                    break

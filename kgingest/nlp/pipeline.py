"""Builds and caches the spaCy pipeline: any installed English model plus two small additions.

* ``kgingest_paragraphs`` starts a sentence after every blank line, so page furniture
  ("Trending", "Register") never glues onto an article sentence;
* an ``entity_ruler`` before the statistical NER that knows the gazetteer's names, the
  countries and the shape of a sanctions list ("... List"), with spaCy's labels and the
  ontology class in each pattern's id.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import spacy
from spacy.attrs import IS_SPACE, LEMMA, LOWER, POS
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc, Span

from ..defaults import DEFAULT_MODEL  # re-exported: kgingest.nlp.DEFAULT_MODEL
from ..ontology import Ontology
from .lang import UnsupportedLanguage, check as check_language


class ModelError(RuntimeError):
    """The requested spaCy pipeline is not installed or cannot tag entities."""


@Language.component("kgingest_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """Blank lines end sentences; lines of page furniture stay apart from the article."""
    # only the whitespace tokens, picked from one array: a Token for every word costs more
    for i in doc.to_array(IS_SPACE)[:-1].nonzero()[0].tolist():
        if "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


def _ruler_ok(name: str) -> bool:
    """Short mixed-case aliases ("Fox", "Fed") are too ambiguous to force on the NER."""
    return len(name) > 3 or name.isupper()


def ruler_patterns(onto: Ontology) -> list[dict]:
    """Entity-ruler patterns from the gazetteer, the countries and the SanctionsList cue words."""
    patterns: list[dict[str, Any]] = []
    for known in onto.known:
        for name in (known.name, *known.aliases):
            if _ruler_ok(name):
                patterns.append({"label": known.cls, "pattern": name, "id": known.name})
    country_cls = "Country"
    for c in onto.countries:
        for name in (c.name, *c.aliases):
            if _ruler_ok(name) or name.isupper():
                patterns.append({"label": country_cls, "pattern": name, "id": c.name})
    # "Ministry of Trade, Industry and Energy", "Department for Business and Trade":
    # an agency cue word, "of"/"for" and a run of capitalised words
    agency = onto.classes.get("GovernmentAgency")
    cues = sorted(w for w in agency.cue_words if " " not in w and w[0].isupper()) if agency else []
    prefixes = sorted(w for w in onto.words("agencyPrefix") if w[0].isupper())
    title = {"TEXT": {"REGEX": r"^[A-Z][\w.&'-]*$"}}
    # (set lookups before any regular expression: the matcher tries the first token everywhere)
    head = [{"TEXT": {"IN": prefixes}, "OP": "?"},
            {"TEXT": {"IN": cues}}, {"LOWER": {"IN": ["of", "for"]}}, {"LOWER": "the", "OP": "?"}]
    if cues:
        # commas too ("Economic Affairs, Education and Research"); entities.py cuts a span at
        # its first comma when no "and" follows it ("Ministry of Commerce, Beijing")
        patterns.append({"label": "GovernmentAgency", "pattern": head + [
            title, {"TEXT": {"REGEX": r"^([A-Z][\w.&'-]*|and|&|of|the|,)$"}, "OP": "*"}, title]})
        patterns.append({"label": "GovernmentAgency", "pattern": head + [title]})
    for suffix in onto.classes["SanctionsList"].cue_suffixes if "SanctionsList" in onto.classes else ():
        for first in ({"IS_TITLE": True}, {"IS_UPPER": True}):
            if suffix[0].isupper():
                patterns.append({"label": "SanctionsList", "pattern": [
                    first, {"TEXT": {"REGEX": r"^([A-Z][\w.&-]*|and|of|on|for)$"}, "OP": "*"}, {"ORTH": suffix}]})
            else:
                patterns.append({"label": "SanctionsList", "pattern": [first, {"LOWER": "sanctions"}, {"ORTH": suffix}]})
    # spaCy's own labels for the NER (a new label would grow its transition system and slow
    # every document); the ontology class and canonical name ride in the pattern id
    for p in patterns:
        cls = p["label"]
        p["label"], p["id"] = SPACY_LABELS.get(cls, "ORG"), f"{cls}{ID_SEP}{p.get('id', '')}"
    return patterns


SPACY_LABELS = {"Person": "PERSON", "Country": "GPE", "Place": "GPE", "SanctionsList": "LAW"}
ID_SEP = "|"


def ruler_class(span: Span) -> str | None:
    """The ontology class the kgingest ruler gave this entity span, if it was the ruler's."""
    cls, sep, _ = span.ent_id_.partition(ID_SEP)
    return cls if sep else None


_PIPELINES: dict[tuple[str, str], Language] = {}


def _build(model: str, onto: Ontology) -> Language:
    try:
        nlp = spacy.load(model)
    except OSError:
        raise ModelError(f"spaCy pipeline {model!r} is not installed (pip install it; kgingest never downloads models)") from None
    try:
        check_language(nlp.lang, f"spaCy pipeline {model!r}")
    except UnsupportedLanguage as e:
        raise ModelError(str(e)) from None
    if "ner" not in nlp.pipe_names or "parser" not in nlp.pipe_names:
        raise ModelError(f"spaCy pipeline {model!r} needs both 'ner' and 'parser' components")
    add_helpers(nlp, onto)
    return nlp


def add_helpers(nlp: Language, onto: Ontology) -> None:
    """Add the paragraph splitter and the ontology's entity ruler unless the pipeline has them
    (a pipeline saved with the kgingest component already does)."""
    if "kgingest_paragraphs" not in nlp.pipe_names:
        nlp.add_pipe("kgingest_paragraphs", before="parser")
    if "kgingest_ruler" not in nlp.pipe_names:
        ruler: EntityRuler = nlp.add_pipe("entity_ruler", name="kgingest_ruler", before="ner",  # type: ignore[assignment]
                             config={"phrase_matcher_attr": "ORTH", "validate": False})
        # the ruler parses its phrase patterns with every component before it (tagger, parser,
        # lemmatizer: a second of start-up for the gazetteer); matching on ORTH needs only
        # the tokenizer, which is all that runs while the ruler is the one enabled pipe
        with nlp.select_pipes(enable=["kgingest_ruler"]):
            ruler.add_patterns(ruler_patterns(onto))


def load(onto: Ontology, model: str = DEFAULT_MODEL) -> Language:
    """The pipeline for this model and ontology, loaded once per process."""
    key = (model, onto.digest)
    if key not in _PIPELINES:
        _PIPELINES[key] = _build(model, onto)
    return _PIPELINES[key]


def sentences(doc: Doc) -> list[Span]:
    """The Doc's sentences, found once per Doc (``Doc.sents`` walks every token each time)."""
    bounds = doc.user_data.get(SENTENCES_KEY)
    if bounds is None:
        bounds = doc.user_data[SENTENCES_KEY] = [(s.start, s.end) for s in doc.sents]
    return [doc[a:b] for a, b in bounds]


def text(doc: Doc) -> str:
    """The Doc's text, joined once per Doc (``Doc.text`` joins every token each time;
    :func:`remember_text` saves even that)."""
    joined = doc.user_data.get(TEXT_KEY)
    if joined is None:
        joined = doc.user_data[TEXT_KEY] = doc.text
    return joined


def remember_text(doc: Doc, made_from: str) -> None:
    """Note the text a Doc was made from: spaCy's tokenizer keeps every character, so it
    is the Doc's text (if the lengths agree: a caller may pass another Doc)."""
    end = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
    if end == len(made_from):
        doc.user_data[TEXT_KEY] = made_from


class TokenStrings(NamedTuple):
    """The strings of a Doc's tokens, read once: a rule that scans every token reads these
    lists instead of asking each Token (every attribute is a string-store lookup)."""

    lower: list[str]
    lemma: list[str]        # lower-cased
    pos: list[str]


def token_strings(doc: Doc) -> TokenStrings:
    found = doc.user_data.get(STRINGS_KEY)
    if found is None:
        # one array of string ids, then one lookup each: half the cost of asking every Token
        strings = doc.vocab.strings
        ids = doc.to_array([LOWER, LEMMA, POS]).T.tolist() if len(doc) else [[], [], []]
        found = doc.user_data[STRINGS_KEY] = TokenStrings(
            [strings[h] for h in ids[0]], [strings[h].lower() for h in ids[1]], [strings[h] for h in ids[2]])
    return found


def forget(doc: Doc) -> None:
    """Drop what the functions above cached in ``doc.user_data`` (before the Doc is stored)."""
    for key in (SENTENCES_KEY, TEXT_KEY, STRINGS_KEY):
        doc.user_data.pop(key, None)


SENTENCES_KEY, TEXT_KEY, STRINGS_KEY = "kgingest.sentences", "kgingest.text", "kgingest.token_strings"


def model_version(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', '?')} {nlp.meta.get('version', '?')}"

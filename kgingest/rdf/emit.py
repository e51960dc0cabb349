"""Entities and relations -> RDF: stable IRIs, labels, NIF evidence, PROV provenance.

One rdflib Graph per document, named by the document's IRI. No blank nodes: every node
(mention, sentence, statement) gets an IRI minted from the document and its offsets, so
writing the same document twice gives the same triples. The model is described in the
README ("The RDF model").
"""
from __future__ import annotations

import hashlib
from bisect import bisect_right
from datetime import datetime, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import quote

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.term import Node
from rdflib.namespace import DCTERMS, PROV
from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc

from .. import __version__, vocab
from ..nlp.entities import Entities, normalize
from ..nlp import sentences, text as doc_text
from ..ontology import KG, Ontology
from ..nlp.relations import Relation
from .ntriples import literal, sorted_lines
from ..sources import Document

BASE = vocab.BASE
KGID = Namespace(vocab.KGID)
KGDOC = Namespace(vocab.KGDOC)
NIF = Namespace(vocab.NIF)
ITSRDF = Namespace(vocab.ITSRDF)
PREFIXES = {prefix: Namespace(ns) for prefix, ns in vocab.OUTPUT_PREFIXES.items()}


def slug(name: str) -> str:
    """An IRI path segment for a name: folded, hyphenated, percent-encoded.

    >>> slug("Lucía Ortega Villanueva")
    'luc%C3%ADa-ortega-villanueva'
    >>> slug('A <b> "c"/d')
    'a-%3Cb%3E-%22c%22%2Fd'
    """
    return quote(normalize(name).replace(" ", "-"), safe="-._~")


def entity_iri(cls: str, name: str) -> URIRef:
    """The same IRI for the same thing in every run and every document."""
    return URIRef(entity_iri_text(cls, name))


def entity_iri_text(cls: str, name: str) -> str:
    """:func:`entity_iri` as a plain string."""
    return f"{vocab.KGID}{cls.lower()}/{slug(name)}"


def document_iri(doc_id: str) -> URIRef:
    """Document IRI (and named-graph name) from its identity, never its content."""
    return KGDOC[hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:24]]


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_key(text: str, model: str, onto: Ontology) -> str:
    """Unchanged key = unchanged graph: text, kgingest version, ontology and model."""
    parts = "|".join([text_sha256(text), __version__, onto.digest, model])
    return hashlib.sha256(parts.encode("utf-8")).hexdigest()[:32]


@lru_cache(maxsize=1 << 16)
def _offset(n: int) -> Literal:
    """An offset's literal: offsets repeat in every document and Literal(int) costs 2 µs."""
    return Literal(n)


def _bind(g: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)


Triple = tuple[URIRef, URIRef, Node]


def document_graph(document: Document, doc: Doc, entities: Entities, relations: list[Relation],
                   onto: Ontology, model: str, generated_at: datetime | None = None) -> Graph:
    """The named graph of one document: its metadata, entities, mentions and relations."""
    return to_graph(document_iri(document.id),
                    document_triples(document, doc, entities, relations, onto, model, generated_at))


def to_graph(iri: URIRef, triples: list[Triple]) -> Graph:
    """An rdflib Graph named by the document, with kgingest's prefixes bound."""
    g = Graph(identifier=iri)
    _bind(g)
    for t in triples:
        g.add(t)
    return g


def ntriples(triples: list[Triple]) -> list[str]:
    """Sorted, de-duplicated N-Triples lines (:func:`kgingest.rdf.ntriples.sorted_lines`)."""
    return sorted_lines(triples)


class Terms:
    """A namespace whose terms are made once: rdflib builds (and checks) a new URIRef on
    every attribute access, some 700 times a document here."""

    def __init__(self, namespace: Namespace | type) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term


class _LineTerms(Terms):
    """A namespace whose terms are N-Triples text (``<iri>``), made once."""

    def __getattr__(self, name: str) -> str:        # type: ignore[override]
        term = f"<{getattr(self._namespace, name)}>"
        setattr(self, name, term)
        return term


_NAMESPACES = (RDF, RDFS, SKOS, XSD, DCTERMS, PROV, NIF, ITSRDF, KG)
_RDF, _RDFS, _SKOS, _XSD, _DCTERMS, _PROV, _NIF, _ITSRDF, _KG = (Terms(ns) for ns in _NAMESPACES)


class _RdfMaker:
    """The terms of :func:`document_triples`: rdflib's."""

    RDF, RDFS, SKOS, XSD, DCTERMS, PROV, NIF, ITSRDF, KG = _RDF, _RDFS, _SKOS, _XSD, _DCTERMS, _PROV, _NIF, _ITSRDF, _KG
    iri = URIRef                    # an IRI string -> its term
    node = staticmethod(lambda term: term)    # a URIRef of the ontology -> its term
    text = Literal                  # a string -> its plain literal
    value = Literal                 # any value -> its literal, by rdflib's rules
    offset = staticmethod(_offset)  # an int -> its xsd:integer literal

    @staticmethod
    def date_time(lexical: str) -> Literal:
        return Literal(lexical, datatype=_XSD.dateTime)

    @staticmethod
    def decimal(confidence: float) -> Literal:
        return Literal(Decimal(f"{confidence:.2f}"), datatype=_XSD.decimal)


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})   # as ntriples.literal


@lru_cache(maxsize=1 << 16)
def _offset_line(n: int) -> str:
    return literal(_offset(n))


@lru_cache(maxsize=64)
def _decimal_line(confidence: float) -> str:
    return literal(_RdfMaker.decimal(confidence))


class _LineMaker:
    """The terms of :func:`document_lines`: their N-Triples text, written as
    :func:`kgingest.rdf.ntriples.triple_line` writes rdflib's terms, without making them
    (a Literal costs some microseconds, and a document has hundreds)."""

    RDF, RDFS, SKOS, XSD, DCTERMS, PROV, NIF, ITSRDF, KG = (_LineTerms(ns) for ns in _NAMESPACES)

    @staticmethod
    def iri(value: str) -> str:
        return f"<{value}>"

    node = iri

    @staticmethod
    def text(value: str) -> str:
        # a plain string literal: its lexical form escaped, no datatype (ntriples.literal)
        return '"' + str.translate(value, _ESCAPES) + '"'

    @staticmethod
    def value(value: object) -> str:
        return literal(Literal(value))

    offset = staticmethod(_offset_line)

    @staticmethod
    def date_time(lexical: str) -> str:
        return literal(_RdfMaker.date_time(lexical))

    decimal = staticmethod(_decimal_line)


def document_triples(
    document: Document,
    doc: Doc,
    entities: Entities,
    relations: list[Relation],
    onto: Ontology,
    model: str,
    generated_at: datetime | None = None,
) -> list[Triple]:
    """Every triple of a document's graph, as a list (see the README's RDF model)."""
    return _document(_RdfMaker, document, doc, entities, relations, onto, model, generated_at)


def document_lines(
    document: Document,
    doc: Doc,
    entities: Entities,
    relations: list[Relation],
    onto: Ontology,
    model: str,
    generated_at: datetime | None = None,
) -> list[str]:
    """``ntriples(document_triples(...))`` without making the rdflib terms: the sorted,
    de-duplicated N-Triples lines of the document's graph (``kgingest extract``'s path)."""
    return sorted(set(_document(_LineMaker, document, doc, entities, relations, onto, model, generated_at)))


def _document(
    t: Any,
    document: Document,
    doc: Doc,
    entities: Entities,
    relations: list[Relation],
    onto: Ontology,
    model: str,
    generated_at: datetime | None,
) -> list:
    """The one description of a document's graph, in the terms ``t`` makes: rdflib triples
    (:class:`_RdfMaker`) or N-Triples lines (:class:`_LineMaker`)."""
    rdf, dcterms, prov, nif, kg = t.RDF, t.DCTERMS, t.PROV, t.NIF, t.KG
    d_iri = str(document_iri(document.id))
    d = t.iri(d_iri)
    triples: list = []
    add: Callable[[tuple], None] = triples.append
    if t is _LineMaker:
        def add(triple: tuple) -> None:
            triples.append(f"{triple[0]} {triple[1]} {triple[2]} .\n")

    add((d, rdf.type, kg.Document))
    add((d, dcterms.identifier, t.value(document.id)))
    add((d, dcterms.source, t.value(document.source)))
    add((d, kg.sha256, t.value(text_sha256(document.text))))
    add((d, kg.contentKey, t.value(content_key(document.text, model, onto))))
    for prop, value in ((dcterms.title, document.title), (dcterms.creator, document.author),
                        (dcterms.issued, document.published)):
        if value:
            add((d, prop, t.value(value)))
    run = t.iri(f"{d_iri}#extraction")
    add((d, prov.wasGeneratedBy, run))
    add((run, rdf.type, prov.Activity))
    add((run, prov.used, t.value(model)))
    add((run, kg.extractorVersion, t.value(__version__)))
    add((run, kg.ontologyVersion, t.value(onto.digest)))
    when = (generated_at or datetime.now(timezone.utc)).replace(microsecond=0)
    add((run, prov.endedAtTime, t.date_time(when.isoformat())))

    text = doc_text(doc)
    context = t.iri(f"{d_iri}#char=0,{len(text)}")
    add((context, rdf.type, nif.Context))
    add((context, nif.beginIndex, t.offset(0)))
    add((context, nif.endIndex, t.offset(len(text))))
    add((context, nif.sourceUrl, d))

    sentence_nodes: dict[tuple[int, int], Any] = {}

    def sentence(start: int, end: int) -> Any:
        node = sentence_nodes.get((start, end))
        if node is None:
            node = sentence_nodes[start, end] = t.iri(f"{d_iri}#char={start},{end}")
            add((node, rdf.type, nif.Sentence))
            add((node, nif.beginIndex, t.offset(start)))
            add((node, nif.endIndex, t.offset(end)))
            add((node, nif.anchorOf, t.text(text[start:end])))
            add((node, nif.referenceContext, context))
        return node

    sents = sentences(doc)
    starts = [s.start for s in sents]      # bisect on these: Token.sent walks the whole Doc
    bounds = [(s.start_char, s.end_char) for s in sents]
    # character offsets of the tokens, read once (a Token per mention end costs a lookup)
    idx = doc.to_array(IDX).tolist() if len(doc) else []
    length = doc.to_array(LENGTH).tolist() if len(doc) else []

    iris: dict[int, Any] = {}
    raw: dict[int, str] = {}
    phrase, begin_index, end_index, anchor_of, reference = (
        nif.Phrase, nif.beginIndex, nif.endIndex, nif.anchorOf, nif.referenceContext)
    in_sentence, ident = nif.sentence, t.ITSRDF.taIdentRef
    for ent in (*entities.items, *entities.inside):
        e_iri = raw[id(ent)] = entity_iri_text(ent.cls, ent.canonical or ent.label)
        e = iris[id(ent)] = t.iri(e_iri)
        add((e, rdf.type, t.node(onto.class_iri(ent.cls))))
        add((e, t.RDFS.label, t.text(ent.label)))
        for alias in sorted(ent.aliases):
            add((e, t.SKOS.altLabel, t.text(alias)))
        for m in ent.mentions:
            begin, end = idx[m.start], idx[m.end - 1] + length[m.end - 1]
            node = t.iri(f"{d_iri}#char={begin},{end}")
            add((node, rdf.type, phrase))
            add((node, begin_index, t.offset(begin)))
            add((node, end_index, t.offset(end)))
            add((node, anchor_of, t.text(text[begin:end])))
            add((node, reference, context))
            # the sentence(s) the mention lies in: the parser may split inside a name
            first, last = bisect_right(starts, m.start) - 1, bisect_right(starts, m.end - 1) - 1
            add((node, in_sentence, sentence(bounds[first][0], bounds[last][1])))
            add((node, ident, e))

    for r in relations:
        s, o, p_iri = iris[id(r.subject)], iris[id(r.object)], onto.properties[r.prop].iri
        p = t.node(p_iri)
        add((s, p, o))
        key = f"{raw[id(r.subject)]}|{p_iri}|{raw[id(r.object)]}|{r.start}|{r.rule}".encode("utf-8")
        st = t.iri(f"{d_iri}#stmt-{hashlib.sha256(key).hexdigest()[:16]}")
        add((st, rdf.type, kg.Statement))
        add((st, rdf.subject, s))
        add((st, rdf.predicate, p))
        add((st, rdf.object, o))
        add((st, kg.confidence, t.decimal(r.confidence)))
        add((st, kg.rule, t.text(r.rule)))
        add((st, prov.wasDerivedFrom, sentence(r.start, r.end)))
        add((st, prov.wasGeneratedBy, run))
    return triples

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
from urllib.parse import quote

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.term import Node
from rdflib.namespace import DCTERMS, PROV
from spacy.tokens import Doc, Span

from .. import __version__, vocab
from ..nlp.entities import Entities, normalize
from ..nlp import sentences, text as doc_text
from ..ontology import KG, Ontology
from ..nlp.relations import Relation
from .ntriples import sorted_lines
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
    return KGID[f"{cls.lower()}/{slug(name)}"]


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


def _char(doc_iri: URIRef, start: int, end: int) -> URIRef:
    return URIRef(f"{doc_iri}#char={start},{end}")


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


_RDF, _RDFS, _SKOS, _XSD, _DCTERMS, _PROV, _NIF, _ITSRDF, _KG = (
    Terms(ns) for ns in (RDF, RDFS, SKOS, XSD, DCTERMS, PROV, NIF, ITSRDF, KG))


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
    d = document_iri(document.id)
    triples: list[Triple] = []
    add = triples.append

    add((d, _RDF.type, _KG.Document))
    add((d, _DCTERMS.identifier, Literal(document.id)))
    add((d, _DCTERMS.source, Literal(document.source)))
    add((d, _KG.sha256, Literal(text_sha256(document.text))))
    add((d, _KG.contentKey, Literal(content_key(document.text, model, onto))))
    for prop, value in ((_DCTERMS.title, document.title), (_DCTERMS.creator, document.author),
                        (_DCTERMS.issued, document.published)):
        if value:
            add((d, prop, Literal(value)))
    run = URIRef(f"{d}#extraction")
    add((d, _PROV.wasGeneratedBy, run))
    add((run, _RDF.type, _PROV.Activity))
    add((run, _PROV.used, Literal(model)))
    add((run, _KG.extractorVersion, Literal(__version__)))
    add((run, _KG.ontologyVersion, Literal(onto.digest)))
    when = (generated_at or datetime.now(timezone.utc)).replace(microsecond=0)
    add((run, _PROV.endedAtTime, Literal(when.isoformat(), datatype=_XSD.dateTime)))

    text = doc_text(doc)
    context = _char(d, 0, len(text))
    add((context, _RDF.type, _NIF.Context))
    add((context, _NIF.beginIndex, _offset(0)))
    add((context, _NIF.endIndex, _offset(len(text))))
    add((context, _NIF.sourceUrl, d))

    sentence_nodes: dict[tuple[int, int], URIRef] = {}

    def sentence(start: int, end: int) -> URIRef:
        node = _char(d, start, end)
        if (start, end) not in sentence_nodes:
            sentence_nodes[start, end] = node
            add((node, _RDF.type, _NIF.Sentence))
            add((node, _NIF.beginIndex, _offset(start)))
            add((node, _NIF.endIndex, _offset(end)))
            add((node, _NIF.anchorOf, Literal(text[start:end])))
            add((node, _NIF.referenceContext, context))
        return node

    sents = sentences(doc)
    starts = [s.start for s in sents]      # bisect on these: Token.sent walks the whole Doc

    def sent_of(i: int) -> Span:
        return sents[bisect_right(starts, i) - 1]

    iris: dict[int, URIRef] = {}
    for ent in entities.items:
        e = iris[id(ent)] = entity_iri(ent.cls, ent.canonical or ent.label)
        add((e, _RDF.type, onto.class_iri(ent.cls)))
        add((e, _RDFS.label, Literal(ent.label)))
        for alias in sorted(ent.aliases):
            add((e, _SKOS.altLabel, Literal(alias)))
        for m in ent.mentions:
            last_token = doc[m.end - 1]
            begin, end = doc[m.start].idx, last_token.idx + len(last_token)
            node = _char(d, begin, end)
            add((node, _RDF.type, _NIF.Phrase))
            add((node, _NIF.beginIndex, _offset(begin)))
            add((node, _NIF.endIndex, _offset(end)))
            add((node, _NIF.anchorOf, Literal(text[begin:end])))
            add((node, _NIF.referenceContext, context))
            # the sentence(s) the mention lies in: the parser may split inside a name
            first, last = sent_of(m.start), sent_of(m.end - 1)
            add((node, _NIF.sentence, sentence(first.start_char, last.end_char)))
            add((node, _ITSRDF.taIdentRef, e))

    for r in relations:
        s, o, p = iris[id(r.subject)], iris[id(r.object)], onto.properties[r.prop].iri
        add((s, p, o))
        key = f"{s}|{p}|{o}|{r.start}|{r.rule}".encode("utf-8")
        st = URIRef(f"{d}#stmt-{hashlib.sha256(key).hexdigest()[:16]}")
        add((st, _RDF.type, _KG.Statement))
        add((st, _RDF.subject, s))
        add((st, _RDF.predicate, p))
        add((st, _RDF.object, o))
        add((st, _KG.confidence, Literal(Decimal(f"{r.confidence:.2f}"), datatype=_XSD.decimal)))
        add((st, _KG.rule, Literal(r.rule)))
        add((st, _PROV.wasDerivedFrom, sentence(r.start, r.end)))
        add((st, _PROV.wasGeneratedBy, run))
    return triples

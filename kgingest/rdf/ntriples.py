r"""The one N-Triples writer: terms escaped as the N-Triples grammar asks, without rdflib's serializer.

Written directly because it is the hot path of both emitting (a third of its cost went to
rdflib's Graph and serializer) and storing; literals are escaped as rdflib's N-Triples
serializer does, so the bytes match.

>>> from rdflib import Literal, URIRef
>>> print(triple_line((URIRef("urn:a"), URIRef("urn:b"), Literal('x "y"', lang="en"))), end="")
<urn:a> <urn:b> "x \"y\""@en .
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .. import vocab

Triple = tuple[Node, Node, Node]

_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_XSD_STRING = vocab.XSD + "string"


def iri(term: str) -> str:
    """An IRI in angle brackets, refused (ValueError) if no store would accept it.

    >>> iri("urn:a b")
    Traceback (most recent call last):
    ...
    ValueError: 'urn:a b' is not a valid IRI
    """
    if _BAD_IRI.search(term):
        raise ValueError(f"{str(term)!r} is not a valid IRI")
    return f"<{term}>"


def literal(node: Literal) -> str:
    r"""A literal: lexical form escaped, then its language tag or datatype (none for xsd:string).

    >>> print(literal(Literal("a\nb")))
    "a\nb"
    """
    text = '"' + str.translate(node, _ESCAPES) + '"'
    if node.language:
        return text + "@" + node.language
    if node.datatype is not None and node.datatype != _XSD_STRING:
        return text + "^^" + iri(node.datatype)
    return text


def triple_line(triple: Triple) -> str:
    """One N-Triples line of a triple of IRIs and literals (subject and predicate IRIs unchecked:
    rdflib checked them when it made the URIRef)."""
    s, p, o = triple
    return f"<{s}> <{p}> {literal(o) if isinstance(o, Literal) else f'<{o}>'} .\n"


def sorted_lines(triples: Iterable[Triple]) -> list[str]:
    r"""Sorted, de-duplicated N-Triples lines: the same bytes for the same document anywhere.

    >>> from rdflib import RDFS
    >>> sorted_lines([(URIRef("urn:a"), RDFS.label, Literal('say "hi"'))])
    ['<urn:a> <http://www.w3.org/2000/01/rdf-schema#label> "say \\"hi\\"" .\n']
    """
    return sorted({triple_line(t) for t in triples})


def serialize(graph: Graph) -> str:
    """The graph as N-Triples, which is also valid Turtle and ``INSERT DATA`` content.

    Blank nodes are refused: a store cannot tell a re-written blank node from a new one,
    so they would break idempotent re-ingest. So are IRIs no store would accept.

    >>> g = Graph()
    >>> _ = g.add((URIRef("urn:a"), URIRef("urn:b"), Literal('x "y"', lang="en")))
    >>> print(serialize(g), end="")
    <urn:a> <urn:b> "x \\"y\\""@en .
    """
    iris: dict[str, str] = {}  # entity and sentence IRIs repeat: check each once
    lines = []
    for triple in graph:
        parts = []
        for node in triple:
            if type(node) is URIRef:  # exact type checks: this loop is the store's hot path
                text = iris.get(node)
                if text is None:
                    text = iris[node] = iri(node)
            elif type(node) is Literal:
                text = literal(node)
            else:
                text = _other_term(node, graph)
            parts.append(text)
        lines.append(" ".join(parts))
    return " .\n".join(lines) + (" .\n" if lines else "")


def _other_term(node: object, graph: Graph) -> str:
    if isinstance(node, URIRef):
        return iri(node)
    if isinstance(node, Literal):
        return literal(node)
    if isinstance(node, BNode):
        raise ValueError(f"graph {graph.identifier} has blank nodes; document graphs must use IRIs only")
    raise ValueError(f"graph {graph.identifier} holds a {type(node).__name__}; N-Triples cannot write it")
